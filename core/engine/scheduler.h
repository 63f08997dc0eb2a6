#pragma once

#include "util/units.h"

#include <cstdint>

namespace fallback {

/// Opaque handle of an engine operation waiting for time to pass.
using OpToken = std::uint64_t;

/// The engine's only link to time (STYLE §6): the simulator supplies virtual
/// time, a node supplies the real clock. Called on the engine's thread.
class Scheduler {
public:
    virtual ~Scheduler() = default;

    /// Current time in microseconds.
    virtual Micros now() const = 0;

    /// Operation `op` has just made a tier call that took `latency`. Return
    /// false to let the engine go on at once (a real clock: the time has
    /// already passed; or a zero latency), or true after arranging for
    /// Engine::resume(op) to be called at now() + latency.
    virtual bool suspendAfterCall(OpToken op, Micros latency) = 0;

    /// Arrange for Engine::resume(op) at now() + delay (retry back-off).
    virtual void wakeAfter(OpToken op, Micros delay) = 0;
};

} // namespace fallback
