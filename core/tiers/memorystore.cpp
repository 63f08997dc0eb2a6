#include "tiers/memorystore.h"

namespace fallback {

MemoryStore::MemoryStore(Capacity capacity, EvictionKind eviction)
    : m_capacity(capacity), m_eviction(makeEvictionPolicy(eviction))
{
    if (capacity.entries > 0 && capacity.entries < (1u << 24)) {
        m_index.reserve(capacity.entries + 1);
        m_slots.reserve(capacity.entries + 1);
    }
}

const Entry* MemoryStore::get(const StoredKey& key, Micros now, Micros keepFor)
{
    const std::uint32_t* found = m_index.find(key);
    if (!found)
        return nullptr;
    const std::uint32_t slot = *found;
    if (now - m_slots[slot].entry.storedAt > keepFor) {
        m_index.erase(key);
        m_eviction->remove(slot);
        removeSlot(slot);
        return nullptr;
    }
    m_eviction->touch(slot);
    return &m_slots[slot].entry;
}

const Entry* MemoryStore::peek(const StoredKey& key) const
{
    const std::uint32_t* found = m_index.find(key);
    return found ? &m_slots[*found].entry : nullptr;
}

bool MemoryStore::put(const StoredKey& key, const Entry& entry)
{
    if (m_capacity.bytes > 0 && entry.size > m_capacity.bytes) {
        erase(key); // the old copy would be out of date
        return false;
    }
    auto [index, inserted] = m_index.tryEmplace(key);
    if (!inserted) {
        Slot& slot = m_slots[*index];
        m_bytes = m_bytes - slot.entry.size + entry.size;
        slot.entry = entry;
        m_eviction->touch(*index);
    } else {
        std::uint32_t slot;
        if (!m_freeSlots.empty()) {
            slot = m_freeSlots.back();
            m_freeSlots.pop_back();
        } else {
            slot = static_cast<std::uint32_t>(m_slots.size());
            m_slots.emplace_back();
        }
        *index = slot;
        m_slots[slot] = Slot{key, entry, true};
        m_bytes += entry.size;
        m_eviction->track(slot);
    }
    evictToFit();
    return true;
}

bool MemoryStore::erase(const StoredKey& key)
{
    const std::uint32_t* found = m_index.find(key);
    if (!found)
        return false;
    const std::uint32_t slot = *found;
    m_index.erase(key);
    m_eviction->remove(slot);
    removeSlot(slot);
    return true;
}

void MemoryStore::removeSlot(std::uint32_t slot)
{
    m_bytes -= m_slots[slot].entry.size;
    m_slots[slot] = Slot{};
    m_freeSlots.push_back(slot);
}

bool MemoryStore::overCapacity() const
{
    return (m_capacity.entries > 0 && m_index.size() > m_capacity.entries) ||
           (m_capacity.bytes > 0 && m_bytes > m_capacity.bytes);
}

void MemoryStore::evictToFit()
{
    while (overCapacity()) {
        const std::uint32_t victim = m_eviction->evict();
        if (victim == EvictionPolicy::kNone)
            break;
        m_index.erase(m_slots[victim].key);
        removeSlot(victim);
        ++m_evictions;
    }
}

std::size_t MemoryStore::purge(const PurgeScope& scope)
{
    if (scope.kind == PurgeScope::Kind::Key)
        return erase(scope.key) ? 1 : 0;
    std::size_t removed = 0;
    for (std::uint32_t slot = 0; slot < m_slots.size(); ++slot) {
        if (m_slots[slot].used && scope.matches(m_slots[slot].key)) {
            m_index.erase(m_slots[slot].key);
            m_eviction->remove(slot);
            removeSlot(slot);
            ++removed;
        }
    }
    return removed;
}

std::size_t MemoryStore::countMatching(const PurgeScope& scope) const
{
    if (scope.kind == PurgeScope::Kind::Key)
        return m_index.contains(scope.key) ? 1 : 0;
    if (scope.kind == PurgeScope::Kind::All)
        return m_index.size();
    std::size_t count = 0;
    for (const Slot& slot : m_slots)
        count += slot.used && scope.matches(slot.key);
    return count;
}

void MemoryStore::forEach(const std::function<bool(const StoredKey&, const Entry&)>& visit) const
{
    for (const Slot& slot : m_slots) {
        if (slot.used && !visit(slot.key, slot.entry))
            return;
    }
}

void MemoryStore::setCapacity(Capacity capacity)
{
    m_capacity = capacity;
    evictToFit();
}

void MemoryStore::clear()
{
    m_index.clear();
    m_slots.clear();
    m_freeSlots.clear();
    m_eviction->reset();
    m_bytes = 0;
}

} // namespace fallback
