#pragma once

// Private to the engine's .cpp files: the state of operations in flight.

#include "engine/engine.h"

namespace fallback {

struct Engine::ReadOp {
    StoredKey key;
    Micros start = 0;
    TierId stage = TierId::EdgeCache; ///< tier whose answer is awaited
    TierAnswer pending;               ///< that tier's answer
    bool hasStale = false;            ///< an out-of-date copy seen on the way
    TierId staleTier = TierId::EdgeCache;
    Entry stale;
    bool sawOutdated = false;         ///< a copy past its ttl was found
    std::uint64_t kvEpoch = 0;        ///< invalidation epoch when the KV was asked
    bool active = false;
    ReadCallback done;
};

struct Engine::FetchOp {
    StoredKey key;
    Micros start = 0;
    bool revalidation = false;
    std::uint64_t purgeEpoch = 0; ///< a purge or delete since the start forbids back-fill
    bool overtaken = false;       ///< a write of the key completed since: no back-fill
    TierAnswer pending;
    std::vector<std::uint32_t> waiters; ///< reads answered by this fetch
    bool active = false;
};

struct Engine::WriteOp {
    enum class Stage : std::uint8_t { Origin, Kv };
    StoredKey key;
    Entry entry;
    bool isDelete = false;
    Stage stage = Stage::Origin;
    Micros start = 0;
    TierAnswer pending;
    bool kvQueued = false;
    bool active = false;
    WriteCallback done;
};

} // namespace fallback
