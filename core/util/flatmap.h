#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace fallback {

/// Open-addressing hash map with linear probing and backward-shift deletion:
/// one cache line per look-up instead of std::unordered_map's bucket plus
/// node (the hot path's dominant cost). Keys and values live inline; `Hash`
/// may be weak in its low bits (a Fibonacci multiply spreads it).
/// Pointers returned by find() are invalidated by any insertion or erase.
template <typename Key, typename Value, typename Hash>
class FlatMap {
public:
    FlatMap() { rehash(16); }

    std::size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }

    Value* find(const Key& key)
    {
        for (std::size_t i = home(key);; i = (i + 1) & m_mask) {
            Slot& slot = m_slots[i];
            if (!slot.used)
                return nullptr;
            if (slot.key == key)
                return &slot.value;
        }
    }
    const Value* find(const Key& key) const { return const_cast<FlatMap*>(this)->find(key); }
    bool contains(const Key& key) const { return find(key) != nullptr; }

    /// The value for `key`, default-constructed and inserted when absent;
    /// `second` is true when it was inserted.
    std::pair<Value*, bool> tryEmplace(const Key& key)
    {
        if ((m_size + 1) * 10 > m_slots.size() * 7)
            rehash(m_slots.size() * 2);
        for (std::size_t i = home(key);; i = (i + 1) & m_mask) {
            Slot& slot = m_slots[i];
            if (!slot.used) {
                slot.used = true;
                slot.key = key;
                slot.value = Value{};
                ++m_size;
                return {&slot.value, true};
            }
            if (slot.key == key)
                return {&slot.value, false};
        }
    }

    bool erase(const Key& key)
    {
        std::size_t hole = home(key);
        for (;; hole = (hole + 1) & m_mask) {
            if (!m_slots[hole].used)
                return false;
            if (m_slots[hole].key == key)
                break;
        }
        // Backward shift: pull later members of the probe run into the hole
        // unless their home lies cyclically in (hole, j].
        for (std::size_t j = (hole + 1) & m_mask; m_slots[j].used; j = (j + 1) & m_mask) {
            const std::size_t h = home(m_slots[j].key);
            const bool inRange = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j);
            if (!inRange) {
                m_slots[hole] = std::move(m_slots[j]);
                hole = j;
            }
        }
        m_slots[hole] = Slot{};
        --m_size;
        return true;
    }

    void clear()
    {
        for (Slot& slot : m_slots)
            slot = Slot{};
        m_size = 0;
    }

    void reserve(std::size_t count)
    {
        std::size_t capacity = m_slots.size();
        while (count * 10 > capacity * 7)
            capacity *= 2;
        if (capacity != m_slots.size())
            rehash(capacity);
    }

    template <typename Visit>
    void forEach(Visit&& visit) const
    {
        for (const Slot& slot : m_slots) {
            if (slot.used)
                visit(slot.key, slot.value);
        }
    }

private:
    struct Slot {
        Key key{};
        Value value{};
        bool used = false;
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
        m_slots.assign(capacity, Slot{});
        m_mask = capacity - 1;
        int bits = 0;
        while ((std::size_t(1) << bits) < capacity)
            ++bits;
        m_shift = 64 - bits;
        m_size = 0;
        for (Slot& slot : old) {
            if (slot.used)
                *tryEmplace(slot.key).first = std::move(slot.value);
        }
    }

    std::vector<Slot> m_slots;
    std::size_t m_mask = 0;
    int m_shift = 64;
    std::size_t m_size = 0;
};

} // namespace fallback
