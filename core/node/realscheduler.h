#pragma once

// The engine's clock on a node: wall time, and back-off waits on the node's
// io_context (the engine's thread).

#include "engine/scheduler.h"

namespace boost::asio {
class io_context;
}

namespace fallback {
class Engine;
}

namespace fallback::node {

/// Wall clock in microseconds since the Unix epoch (std::chrono::system_clock),
/// so the age of a copy kept on disk stays right across a restart. Tier calls
/// never suspend: on a real clock their time has already passed. Back-off
/// waits are steady timers on `io`, whose thread must be the engine's.
class RealScheduler final : public Scheduler {
public:
    explicit RealScheduler(boost::asio::io_context& io) : m_io(io) {}
    /// The engine is built after its scheduler: set it before the first wait.
    void setEngine(Engine* engine) { m_engine = engine; }

    /// The clock now() reads, for code without a scheduler (log lines).
    static Micros wallClockNow();

    Micros now() const override { return wallClockNow(); }
    bool suspendAfterCall(OpToken op, Micros latency) override;
    void wakeAfter(OpToken op, Micros delay) override;
    /// Timers armed and not yet fired.
    std::size_t waiting() const { return m_waiting; }

private:
    boost::asio::io_context& m_io;
    Engine* m_engine = nullptr;
    std::size_t m_waiting = 0;
};

} // namespace fallback::node
