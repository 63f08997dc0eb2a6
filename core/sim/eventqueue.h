#pragma once

#include "util/units.h"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace fallback {

/// What a simulator event does when its time comes.
enum class SimEventKind : std::uint8_t { EngineOp, ScenarioEvent, FaultEnd };

struct SimEvent {
    Micros time = 0;
    std::uint64_t sequence = 0; ///< ties at one instant run in scheduling order
    std::uint64_t payload = 0;
    SimEventKind kind = SimEventKind::EngineOp;
};

/// Min-heap of events by (time, sequence): deterministic for equal times.
class EventQueue {
public:
    void push(Micros time, SimEventKind kind, std::uint64_t payload)
    {
        m_heap.push_back(SimEvent{time, m_sequence++, payload, kind});
        std::push_heap(m_heap.begin(), m_heap.end(), Later{});
    }
    bool empty() const { return m_heap.empty(); }
    std::size_t size() const { return m_heap.size(); }
    const SimEvent& top() const { return m_heap.front(); }
    SimEvent pop()
    {
        std::pop_heap(m_heap.begin(), m_heap.end(), Later{});
        const SimEvent event = m_heap.back();
        m_heap.pop_back();
        return event;
    }

private:
    // A function object, not a function pointer, so the heap code inlines it.
    struct Later {
        bool operator()(const SimEvent& a, const SimEvent& b) const
        {
            return a.time != b.time ? a.time > b.time : a.sequence > b.sequence;
        }
    };
    std::vector<SimEvent> m_heap;
    std::uint64_t m_sequence = 0;
};

} // namespace fallback
