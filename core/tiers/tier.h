#pragma once

#include "engine/scheduler.h"
#include "engine/types.h"

#include <cstdint>
#include <functional>
#include <optional>

namespace fallback {

/// Hot-path answer of a tier call: no exceptions, no strings. `Pending` is
/// answered only by remote tiers (a node's HTTP origin): the real answer comes
/// later through Engine::complete().
enum class TierStatus : std::uint8_t { Hit, Miss, Error, Pending };

/// What a tier call returned and how long it took. `entry` is set on a Hit of
/// get(). `latency` is the time the call spent: simulated tiers draw it from
/// their latency model, real tiers measure it.
struct TierAnswer {
    TierStatus status = TierStatus::Miss;
    Micros latency = 0;
    Entry entry;
};

/// Which entries an invalidation reaches. A key purge names the stored key
/// (with the namespace's current version); a namespace purge reaches every
/// version of that namespace.
struct PurgeScope {
    enum class Kind : std::uint8_t { Key, Namespace, All } kind = Kind::All;
    StoredKey key;
    NamespaceId ns = 0;

    bool matches(const StoredKey& k) const
    {
        switch (kind) {
        case Kind::Key: return k == key;
        case Kind::Namespace: return k.ns == ns;
        case Kind::All: return true;
        }
        return false;
    }
};

struct TierUsage {
    std::uint64_t entries = 0;
    std::uint64_t bytes = 0;
    std::uint64_t evictions = 0; ///< entries pushed out by capacity since creation
};

/// One tier of the read path, behind which simulated, in-process and remote
/// stores plug in alike (SPEC §3). Called from the engine's thread only.
/// A tier that is down answers Error to data calls but keeps its contents;
/// admin calls (purge, peek, usage) always act on the contents.
class Tier {
public:
    virtual ~Tier() = default;

    /// Looks `key` up. Entries older than `keepFor` (ttl + max(swr, sie) of
    /// the namespace) are dropped and answered as a Miss.
    virtual TierAnswer get(const StoredKey& key, Micros now, Micros keepFor) = 0;
    /// Stores or replaces `key`. Hit = stored.
    virtual TierAnswer put(const StoredKey& key, const Entry& entry, Micros now) = 0;
    /// Removes `key` (a delete on the write path). Hit = removed or absent.
    virtual TierAnswer erase(const StoredKey& key, Micros now) = 0;

    /// Removes every entry in scope; returns how many.
    virtual std::size_t purge(const PurgeScope& scope) = 0;
    /// How many entries a purge of `scope` would remove (the preview).
    virtual std::size_t countMatching(const PurgeScope& scope) const = 0;
    /// The entry for `key` as stored, without counting a lookup or touching
    /// eviction order (the Keys tab).
    virtual std::optional<Entry> peek(const StoredKey& key) const = 0;
    /// Calls `visit` for stored keys until it returns false (lazy listing).
    virtual void forEachKey(const std::function<bool(const StoredKey&, const Entry&)>& visit) const = 0;
    virtual TierUsage usage() const = 0;
    /// A hint that `key` will be looked up soon; in-memory tiers start
    /// loading its cache line. Never required for correctness.
    virtual void prefetch(const StoredKey& key) const { (void)key; }
    /// Called by the engine right after a data call answered Pending, with
    /// the operation that waits for it. The tier must later call
    /// Engine::complete(op, answer) exactly once, on the engine's thread.
    virtual void attach(OpToken op) { (void)op; }
};

} // namespace fallback
