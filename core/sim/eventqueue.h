#pragma once

#include "util/units.h"

#include <cstdint>
#include <vector>

namespace fallback {

/// What a simulator event does when its time comes.
enum class SimEventKind : std::uint8_t { EngineOp, ScenarioEvent, FaultEnd };

struct SimEvent {
    Micros time = 0;
    std::uint64_t sequence = 0; ///< ties at one instant run in scheduling order
    std::uint64_t payload = 0;  ///< below 2^56; the kind rides in the top byte
    SimEventKind kind() const { return static_cast<SimEventKind>(payload >> 56); }
    std::uint64_t value() const { return payload & ((std::uint64_t(1) << 56) - 1); }
};

/// Min-queue of events by (time, sequence): deterministic for equal times.
/// A 4-ary heap of 24-byte events: half the depth of a binary heap, and a
/// node's children share a cache line or two. The simulator pushes and pops
/// one to three events per request, so this is on its hot path.
class EventQueue {
public:
    void push(Micros time, SimEventKind kind, std::uint64_t payload)
    {
        SimEvent event{time, m_sequence++, (std::uint64_t(kind) << 56) | payload};
        std::size_t hole = m_heap.size();
        m_heap.push_back(event);
        while (hole > 0) {
            const std::size_t parent = (hole - 1) / kArity;
            if (!before(event, m_heap[parent]))
                break;
            m_heap[hole] = m_heap[parent];
            hole = parent;
        }
        m_heap[hole] = event;
    }
    bool empty() const { return m_heap.empty(); }
    std::size_t size() const { return m_heap.size(); }
    const SimEvent& top() const { return m_heap.front(); }
    SimEvent pop()
    {
        const SimEvent result = m_heap.front();
        const SimEvent last = m_heap.back();
        m_heap.pop_back();
        const std::size_t size = m_heap.size();
        if (size == 0)
            return result;
        std::size_t hole = 0;
        for (;;) {
            const std::size_t first = hole * kArity + 1;
            if (first >= size)
                break;
            std::size_t best = first;
            const std::size_t end = first + kArity < size ? first + kArity : size;
            for (std::size_t child = first + 1; child < end; ++child) {
                if (before(m_heap[child], m_heap[best]))
                    best = child;
            }
            if (!before(m_heap[best], last))
                break;
            m_heap[hole] = m_heap[best];
            hole = best;
        }
        m_heap[hole] = last;
        return result;
    }

private:
    static constexpr std::size_t kArity = 4;
    static bool before(const SimEvent& a, const SimEvent& b)
    {
        return a.time != b.time ? a.time < b.time : a.sequence < b.sequence;
    }
    std::vector<SimEvent> m_heap;
    std::uint64_t m_sequence = 0;
};

} // namespace fallback
