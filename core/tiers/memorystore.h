#pragma once

#include "engine/types.h"
#include "sim/scenario.h"
#include "tiers/eviction.h"
#include "tiers/tier.h"
#include "util/flatmap.h"

#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace fallback {

/// An in-memory key → entry store with a capacity (entries and/or bytes) and
/// an eviction policy. The storage behind simulated and in-process tiers.
/// Not thread-safe.
class MemoryStore {
public:
    MemoryStore(Capacity capacity, EvictionKind eviction);

    /// The live entry for `key`, touching it for eviction; entries older than
    /// `keepFor` at `now` are removed and reported absent. The pointer is
    /// valid until the next call on this store.
    const Entry* get(const StoredKey& key, Micros now, Micros keepFor);
    /// The entry without touching it; valid until the next call.
    const Entry* peek(const StoredKey& key) const;
    /// Inserts or replaces; evicts as needed. An entry bigger than the byte
    /// capacity is not stored (returns false).
    bool put(const StoredKey& key, const Entry& entry);
    bool erase(const StoredKey& key);
    void prefetch(const StoredKey& key) const { m_index.prefetch(key); }

    std::size_t purge(const PurgeScope& scope);
    std::size_t countMatching(const PurgeScope& scope) const;
    void forEach(const std::function<bool(const StoredKey&, const Entry&)>& visit) const;

    TierUsage usage() const { return {m_index.size(), m_bytes, m_evictions}; }
    const Capacity& capacity() const { return m_capacity; }
    /// Changes the capacity; evicts at once if the store is now over it.
    void setCapacity(Capacity capacity);
    void clear();

private:
    /// What the index holds inline, so that a hit costs one probe of the
    /// table (plus the eviction policy's bookkeeping): bodies live apart.
    struct Record {
        Micros storedAt = 0;
        std::uint32_t size = 0;
        std::uint32_t slot = 0; ///< eviction policy's handle, index into m_slotKeys
    };
    const Entry* fill(const Record& record) const;
    void dropSlot(std::uint32_t slot, std::uint32_t size);
    bool overCapacity() const;
    /// Evicts until `entries` more entries of `bytes` more bytes fit.
    void makeRoom(std::uint64_t entries, std::uint64_t bytes);
    bool evictOne();
    void evictToFit();

    Capacity m_capacity;
    std::unique_ptr<EvictionPolicy> m_eviction;
    FlatMap<StoredKey, Record, StoredKeyHash> m_index;
    std::vector<StoredKey> m_slotKeys;
    std::vector<std::shared_ptr<const std::string>> m_bodies; ///< by slot; empty in simulation
    std::vector<std::uint32_t> m_freeSlots;
    std::uint64_t m_bytes = 0;
    std::uint64_t m_evictions = 0;
    mutable Entry m_scratch;
};

} // namespace fallback
