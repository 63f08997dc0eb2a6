#include "node/realscheduler.h"

#include "engine/engine.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <memory>

namespace fallback::node {

Micros RealScheduler::wallClockNow()
{
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

bool RealScheduler::suspendAfterCall(OpToken, Micros)
{
    return false;
}

void RealScheduler::wakeAfter(OpToken op, Micros delay)
{
    // A steady timer, not the wall clock: a clock step must not stretch or
    // cut a back-off. The timer owns itself through the handler.
    auto timer = std::make_shared<boost::asio::steady_timer>(
        m_io, std::chrono::microseconds(delay < 0 ? 0 : delay));
    ++m_waiting;
    timer->async_wait([this, timer, op](const boost::system::error_code& error) {
        --m_waiting;
        if (!error && m_engine)
            m_engine->resume(op);
    });
}

} // namespace fallback::node
