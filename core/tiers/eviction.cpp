#include "tiers/eviction.h"

namespace fallback {

// --- LRU ----------------------------------------------------------------------

void LruPolicy::grow(std::uint32_t slot)
{
    if (slot >= m_links.size())
        m_links.resize(slot + 1u);
}

void LruPolicy::unlink(std::uint32_t slot)
{
    Link& link = m_links[slot];
    (link.prev == kNone ? m_head : m_links[link.prev].next) = link.next;
    (link.next == kNone ? m_tail : m_links[link.next].prev) = link.prev;
    link = Link{};
}

void LruPolicy::pushFront(std::uint32_t slot)
{
    m_links[slot] = Link{kNone, m_head};
    if (m_head != kNone)
        m_links[m_head].prev = slot;
    m_head = slot;
    if (m_tail == kNone)
        m_tail = slot;
}

void LruPolicy::track(std::uint32_t slot)
{
    grow(slot);
    pushFront(slot);
}

void LruPolicy::touch(std::uint32_t slot)
{
    if (slot == m_head)
        return;
    unlink(slot);
    pushFront(slot);
}

void LruPolicy::remove(std::uint32_t slot) { unlink(slot); }

std::uint32_t LruPolicy::evict()
{
    const std::uint32_t victim = m_tail;
    if (victim != kNone)
        unlink(victim);
    return victim;
}

void LruPolicy::reset()
{
    m_links.clear();
    m_head = m_tail = kNone;
}

std::size_t LruPolicy::memorySize() const { return m_links.capacity() * sizeof(Link); }

// --- SIEVE --------------------------------------------------------------------

void SievePolicy::grow(std::uint32_t slot)
{
    if (slot >= m_prev.size()) {
        m_prev.resize(slot + 1u, kNone);
        m_next.resize(slot + 1u, kNone);
        m_visited.resize(slot + 1u, 0);
    }
}

void SievePolicy::unlink(std::uint32_t slot)
{
    const std::uint32_t p = m_prev[slot], n = m_next[slot];
    (p == kNone ? m_head : m_next[p]) = n;
    (n == kNone ? m_tail : m_prev[n]) = p;
    if (m_hand == slot)
        m_hand = p; // the hand moves towards the newest end
    m_prev[slot] = m_next[slot] = kNone;
    m_visited[slot] = 0;
}

void SievePolicy::track(std::uint32_t slot)
{
    grow(slot);
    m_visited[slot] = 0;
    m_prev[slot] = kNone;
    m_next[slot] = m_head;
    if (m_head != kNone)
        m_prev[m_head] = slot;
    m_head = slot;
    if (m_tail == kNone)
        m_tail = slot;
}

void SievePolicy::touch(std::uint32_t slot) { m_visited[slot] = 1; }

void SievePolicy::remove(std::uint32_t slot) { unlink(slot); }

std::uint32_t SievePolicy::evict()
{
    if (m_tail == kNone)
        return kNone;
    std::uint32_t cursor = m_hand == kNone ? m_tail : m_hand;
    while (m_visited[cursor]) {
        m_visited[cursor] = 0;
        cursor = m_prev[cursor] == kNone ? m_tail : m_prev[cursor];
    }
    m_hand = m_prev[cursor];
    unlink(cursor);
    return cursor;
}

void SievePolicy::reset()
{
    m_prev.clear();
    m_next.clear();
    m_visited.clear();
    m_head = m_tail = m_hand = kNone;
}

std::size_t SievePolicy::memorySize() const
{
    return (m_prev.capacity() + m_next.capacity()) * sizeof(std::uint32_t) + m_visited.capacity();
}

std::unique_ptr<EvictionPolicy> makeEvictionPolicy(EvictionKind kind)
{
    if (kind == EvictionKind::Sieve)
        return std::make_unique<SievePolicy>();
    return std::make_unique<LruPolicy>();
}

} // namespace fallback
