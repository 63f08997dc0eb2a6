#pragma once

// Private to LiveWorkspace's two .cpp files (liveworkspace.cpp: connection,
// polling, reading the policy; livecommands.cpp: apply, invalidations, keys).

#include "live/adminclient.h"
#include "workspaces/liveworkspace.h"

#include <QMetaObject>
#include <QStringList>

#include <mutex>

namespace fallback::ui {

/// What an admin call answered, as the GUI thread needs it: the body was
/// read (or dropped) on the client's thread.
struct AdminAnswer {
    int status = 0;      ///< HTTP status; 0 when the deployment was not reached
    QString error;       ///< !ok: the node's words (with diagnostics) or the transport error
    bool nodeSaid = false; ///< `error` came from the node's JSON body
    std::string etag;
    Micros latency = 0;
    Micros retryAfter = -1;
    /// The node's `X-Fallback-Warning` headers: it did what was asked but
    /// could not write something about it (an audit line, the versions).
    QStringList warnings;
    /// The deployment's rate-limit headers, read (live/ratelimit.h).
    std::optional<live::RateLimit> rateLimit;

    bool reached() const { return status != 0; }
    bool ok() const { return status >= 200 && status < 300; }
    bool refused() const { return status == 401 || status == 403; }
    /// The node has no such endpoint (an older fallback-node).
    bool noRoute() const
    {
        return status == 404 && (!nodeSaid || error.contains(QLatin1String("no such route")));
    }
};

/// Hands answers from the client's thread to the workspace on the GUI
/// thread. The mutex makes "is the workspace still there" and "post to it"
/// one step: the destructor detaches under the same lock, and Qt drops the
/// events still queued for an object when it is deleted.
struct LiveWorkspace::Bridge {
    std::mutex mutex;
    LiveWorkspace* target = nullptr;

    template <typename F>
    void post(F&& work)
    {
        std::lock_guard lock(mutex);
        if (!target)
            return;
        LiveWorkspace* self = target;
        QMetaObject::invokeMethod(
            self, [self, work = std::forward<F>(work)]() mutable { work(self); },
            Qt::QueuedConnection);
    }
    void detach()
    {
        std::lock_guard lock(mutex);
        target = nullptr;
    }
};

/// The answer without its body, read on the client's thread.
AdminAnswer answerOf(const live::Response& response);

/// ` (rate limit: 997 of 1000 left)` for an invalidation's activity record
/// when its answer stated one, else "". Without the reset: a record is read
/// later, when "resets in 58 min" no longer holds.
QString rateLimitNote(const AdminAnswer& answer);

template <typename Issue, typename Work, typename Done>
std::uint64_t LiveWorkspace::send(Issue issue, Work work, Done done)
{
    auto id = std::make_shared<std::uint64_t>(0);
    const std::uint64_t generation = m_generation;
    std::function<void(live::Response)> handler =
        [bridge = m_bridge, id, generation, work = std::move(work),
         done = std::move(done)](live::Response response) {
            // The client's thread: parse here, so the GUI thread does not.
            auto result = work(response);
            AdminAnswer answer = answerOf(response);
            bridge->post([id, generation, answer = std::move(answer), result = std::move(result),
                          done](LiveWorkspace* self) mutable {
                self->m_calls.erase(*id);
                if (generation == self->m_generation)
                    done(answer, std::move(result));
            });
        };
    // The id is stored before the event loop runs again, so the answer,
    // which is delivered through it, always finds it.
    *id = issue(std::move(handler));
    m_calls.insert(*id);
    return *id;
}

} // namespace fallback::ui
