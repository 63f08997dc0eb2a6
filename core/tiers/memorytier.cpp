#include "tiers/memorytier.h"

namespace fallback {

MemoryTier::MemoryTier(Capacity capacity, EvictionKind eviction) : m_store(capacity, eviction) {}

TierAnswer MemoryTier::get(const StoredKey& key, Micros now, Micros keepFor)
{
    TierAnswer answer;
    if (const Entry* entry = m_store.get(key, now, keepFor)) {
        answer.status = TierStatus::Hit;
        answer.entry = *entry;
    }
    return answer;
}

TierAnswer MemoryTier::put(const StoredKey& key, const Entry& entry, Micros)
{
    m_store.put(key, entry);
    return TierAnswer{TierStatus::Hit, 0, {}};
}

TierAnswer MemoryTier::erase(const StoredKey& key, Micros)
{
    m_store.erase(key);
    return TierAnswer{TierStatus::Hit, 0, {}};
}

std::optional<Entry> MemoryTier::peek(const StoredKey& key) const
{
    if (const Entry* entry = m_store.peek(key))
        return *entry;
    return std::nullopt;
}

} // namespace fallback
