#pragma once

#include "tiers/memorystore.h"
#include "tiers/tier.h"

namespace fallback {

/// An in-process tier over a MemoryStore: a node's edge cache and its default
/// edge KV (SPEC §6). Answers at once with latency 0 (an in-process call
/// takes well under a microsecond) and never answers Error: it cannot be
/// down. Called from the engine's thread only; not thread-safe.
/// SimulatedTier adds latency and faults on top of it. The data calls are
/// defined here so that the simulator's calls through it stay inlinable.
class MemoryTier : public Tier {
public:
    /// `capacity` 0 / 0 = unbounded (no eviction bookkeeping).
    MemoryTier(Capacity capacity, EvictionKind eviction) : m_store(capacity, eviction) {}

    /// Hit with the stored copy, or Miss (absent, or older than `keepFor` at
    /// `now`, which removes it).
    TierAnswer get(const StoredKey& key, Micros now, Micros keepFor) override
    {
        TierAnswer answer;
        if (const Entry* entry = m_store.get(key, now, keepFor)) {
            answer.status = TierStatus::Hit;
            answer.entry = *entry;
        }
        return answer;
    }
    /// Always Hit. An entry bigger than the byte capacity is not kept (the
    /// old copy of the key is dropped too), as if evicted at once: a cache
    /// that cannot hold an object is not a failed write.
    TierAnswer put(const StoredKey& key, const Entry& entry, Micros) override
    {
        m_store.put(key, entry);
        return TierAnswer{TierStatus::Hit, 0, {}};
    }
    /// Always Hit (removed or absent).
    TierAnswer erase(const StoredKey& key, Micros) override
    {
        m_store.erase(key);
        return TierAnswer{TierStatus::Hit, 0, {}};
    }

    std::size_t purge(const PurgeScope& scope) override { return m_store.purge(scope); }
    std::size_t countMatching(const PurgeScope& scope) const override
    {
        return m_store.countMatching(scope);
    }
    std::optional<Entry> peek(const StoredKey& key) const override
    {
        if (const Entry* entry = m_store.peek(key))
            return *entry;
        return std::nullopt;
    }
    void forEachKey(const std::function<bool(const StoredKey&, const Entry&)>& visit) const override
    {
        m_store.forEach(visit);
    }
    TierUsage usage() const override { return m_store.usage(); }
    void prefetch(const StoredKey& key) const override { m_store.prefetch(key); }

    const Capacity& capacity() const { return m_store.capacity(); }
    /// Changes the capacity; evicts at once if the tier is now over it.
    void setCapacity(Capacity capacity) { m_store.setCapacity(capacity); }

protected:
    /// The contents, for a tier built on this one that adds its own rules.
    MemoryStore& store() { return m_store; }
    const MemoryStore& store() const { return m_store; }

private:
    MemoryStore m_store;
};

} // namespace fallback
