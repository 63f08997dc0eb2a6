#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace fallback {

/// Open-addressing hash map with linear probing and backward-shift deletion:
/// one cache line per look-up instead of std::unordered_map's bucket plus
/// node (the hot path's dominant cost). Keys and values live inline; a slot
/// whose key equals `emptyKey` is free, so no flag widens the slot. `Hash`
/// may be weak in its low bits (a Fibonacci multiply spreads it).
/// Pointers returned by find() are invalidated by any insertion or erase.
template <typename Key, typename Value, typename Hash>
class FlatMap {
public:
    /// `emptyKey` must never be inserted.
    explicit FlatMap(Key emptyKey) : m_empty(emptyKey) { rehash(16); }

    std::size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }

    Value* find(const Key& key)
    {
        for (std::size_t i = home(key);; i = (i + 1) & m_mask) {
            Slot& slot = m_slots[i];
            if (slot.key == key)
                return &slot.value;
            if (slot.key == m_empty)
                return nullptr;
        }
    }
    const Value* find(const Key& key) const { return const_cast<FlatMap*>(this)->find(key); }
    bool contains(const Key& key) const { return find(key) != nullptr; }

    /// Starts loading the cache line where `key` would be, for a look-up
    /// soon after (the simulator knows its next requests in advance).
    void prefetch(const Key& key) const { __builtin_prefetch(&m_slots[home(key)]); }

    /// The value for `key`, default-constructed and inserted when absent;
    /// `second` is true when it was inserted.
    std::pair<Value*, bool> tryEmplace(const Key& key)
    {
        if ((m_size + 1) * kLoadDen > m_slots.size() * kLoadNum)
            rehash(m_slots.size() * 2);
        for (std::size_t i = home(key);; i = (i + 1) & m_mask) {
            Slot& slot = m_slots[i];
            if (slot.key == m_empty) {
                slot.key = key;
                slot.value = Value{};
                ++m_size;
                return {&slot.value, true};
            }
            if (slot.key == key)
                return {&slot.value, false};
        }
    }

    /// Removes `key`; its value is moved to `removed` when given.
    bool erase(const Key& key, Value* removed = nullptr)
    {
        std::size_t hole = home(key);
        for (;; hole = (hole + 1) & m_mask) {
            if (m_slots[hole].key == key)
                break;
            if (m_slots[hole].key == m_empty)
                return false;
        }
        if (removed)
            *removed = std::move(m_slots[hole].value);
        // Backward shift: pull later members of the probe run into the hole
        // unless their home lies cyclically in (hole, j].
        for (std::size_t j = (hole + 1) & m_mask; !(m_slots[j].key == m_empty);
             j = (j + 1) & m_mask) {
            const std::size_t h = home(m_slots[j].key);
            const bool inRange = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j);
            if (!inRange) {
                m_slots[hole] = std::move(m_slots[j]);
                hole = j;
            }
        }
        m_slots[hole] = Slot{m_empty, Value{}};
        --m_size;
        return true;
    }

    void clear()
    {
        for (Slot& slot : m_slots)
            slot = Slot{m_empty, Value{}};
        m_size = 0;
    }

    void reserve(std::size_t count)
    {
        std::size_t capacity = m_slots.size();
        while (count * kLoadDen > capacity * kLoadNum)
            capacity *= 2;
        if (capacity != m_slots.size())
            rehash(capacity);
    }

    template <typename Visit>
    void forEach(Visit&& visit) const
    {
        for (const Slot& slot : m_slots) {
            if (!(slot.key == m_empty))
                visit(slot.key, slot.value);
        }
    }

private:
    // At most 60 % full: linear probing's miss cost grows as 1 / (1 - load)²,
    // and misses are common (a cache that does not hold the key).
    static constexpr std::size_t kLoadNum = 4, kLoadDen = 5;

    struct Slot {
        Key key;
        Value value;
    };

    std::size_t home(const Key& key) const
    {
        return static_cast<std::size_t>((std::uint64_t(Hash{}(key)) * 0x9E3779B97F4A7C15ULL) >>
                                        m_shift);
    }

    void rehash(std::size_t capacity)
    {
        std::vector<Slot> old;
        old.swap(m_slots);
        m_slots.assign(capacity, Slot{m_empty, Value{}});
        m_mask = capacity - 1;
        int bits = 0;
        while ((std::size_t(1) << bits) < capacity)
            ++bits;
        m_shift = 64 - bits;
        m_size = 0;
        for (Slot& slot : old) {
            if (!(slot.key == m_empty))
                *tryEmplace(slot.key).first = std::move(slot.value);
        }
    }

    Key m_empty;
    std::vector<Slot> m_slots;
    std::size_t m_mask = 0;
    int m_shift = 64;
    std::size_t m_size = 0;
};

} // namespace fallback
