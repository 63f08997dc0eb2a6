// LiveWorkspace's line of invalidations (SPEC §8: purges are rate-limited by
// every vendor; queue, respect Retry-After, show limits). The sending itself
// and the final records are in livecommands.cpp.

#include "live/ratelimit.h"
#include "workspaces/liveworkspace_p.h"

#include <algorithm>

namespace fallback::ui {

namespace {

/// `12 s`, `15 min`, `2 h 5 min`: a wait, rounded up, in words, at least
/// a second (a send is never "again in 0 s"); worded as the rate limit's
/// reset is (live::waitInWords).
QString waitText(Micros wait)
{
    return QString::fromStdString(live::waitInWords(std::max<Micros>(wait, kMicrosPerSecond)));
}

QString actionOf(const Invalidation& invalidation)
{
    return invalidation.kind == Invalidation::Kind::Bump ? QStringLiteral("bump")
                                                         : QStringLiteral("purge");
}

} // namespace

QString rateLimitNote(const AdminAnswer& answer)
{
    if (!answer.rateLimit)
        return {};
    const std::string words = live::describeRateLimit(*answer.rateLimit, {}, false);
    return words.empty() ? QString()
                         : QStringLiteral(" (rate limit: %1)").arg(QString::fromStdString(words));
}

void LiveWorkspace::invalidate(const Invalidation& invalidation)
{
    if (isReadOnly())
        return emit activity(
            record(actionOf(invalidation), invalidation.target(), readOnlyMessage(), false));
    m_invalidations.push_back({invalidation});
    sendNextInvalidation();
    reportQueue();
}

int LiveWorkspace::queuedInvalidations() const
{
    return int(m_invalidations.size()) - (m_invalidationCall ? 1 : 0);
}

qint64 LiveWorkspace::nextQueuedSendInMs() const
{
    return m_rateLimitTimer.remainingTime(); // -1 when it is not running
}

void LiveWorkspace::sendNextInvalidation()
{
    // One at a time: sent side by side, a refused one would be sent again
    // after those asked behind it, and a bump could overtake its purge.
    if (m_invalidationCall || m_rateLimitTimer.isActive() || m_invalidations.empty())
        return;
    QueuedInvalidation& first = m_invalidations.front();
    ++first.sends;
    m_invalidationCall = sendInvalidation(first.invalidation);
}

bool LiveWorkspace::requeueRateLimited(const AdminAnswer& answer)
{
    if (m_invalidations.empty())
        return false;
    QueuedInvalidation& first = m_invalidations.front();
    const Invalidation& invalidation = first.invalidation;
    QString message;
    if (answer.retryAfter > kMaxRateLimitWait) {
        message = tr("rate-limited by the deployment (HTTP 429): retry after %1, longer than the "
                     "console waits (%2): not sent again")
                      .arg(waitText(answer.retryAfter), waitText(kMaxRateLimitWait));
    } else if (first.sends >= kMaxInvalidationSends) {
        message = tr("rate-limited by the deployment (HTTP 429) at each of %1 sends: given up, "
                     "not done")
                      .arg(first.sends);
    }
    if (!message.isEmpty()) {
        emit activity(record(actionOf(invalidation), invalidation.target(),
                             message + rateLimitNote(answer), false));
        return false;
    }
    ++first.rateLimited;
    Micros wait = answer.retryAfter;
    if (wait < 0) {
        // No Retry-After: back off, doubling, so that a node that only says
        // "too many" is not asked again at once.
        const Micros cap = m_rateLimitBackoff * (kMaxRateLimitBackoff / kRateLimitBackoff);
        wait = m_rateLimitBackoff;
        for (int i = 1; i < first.rateLimited && wait < cap; ++i)
            wait *= 2;
        wait = std::min(wait, cap);
    }
    // Armed before the record: whoever reads it sees when the next send is.
    m_rateLimitTimer.start(int(std::max<Micros>(wait, 0) / kMicrosPerMilli));
    emit activity(record(actionOf(invalidation), invalidation.target(),
                         tr("rate-limited by the deployment (HTTP 429): queued, sending again in "
                            "%1 (send %2 of %3)")
                                 .arg(waitText(wait))
                                 .arg(first.sends + 1)
                                 .arg(kMaxInvalidationSends) +
                             rateLimitNote(answer),
                         false));
    reportQueue();
    return true;
}

void LiveWorkspace::cancelQueued()
{
    const bool rateLimited = !m_invalidations.empty() && m_invalidations.front().rateLimited > 0;
    dropInvalidations(rateLimited ? tr("cancelled while waiting for the rate limit")
                                  : tr("cancelled before it was sent"),
                      {});
}

void LiveWorkspace::dropInvalidations(const QString& notSent, const QString& onWire)
{
    m_rateLimitTimer.stop();
    std::deque<QueuedInvalidation> dropped;
    dropped.swap(m_invalidations);
    bool first = m_invalidationCall != 0;
    if (first && onWire.isEmpty()) {
        // Past stopping: its answer is recorded as usual.
        m_invalidations.push_back(dropped.front());
        dropped.pop_front();
        first = false;
    } else if (first) {
        m_invalidationCall = 0; // the caller cancels the call itself
    }
    for (const QueuedInvalidation& queued : dropped) {
        emit activity(record(actionOf(queued.invalidation), queued.invalidation.target(),
                             first ? onWire : notSent, false));
        first = false;
    }
    reportQueue();
}

std::optional<live::RateLimit> LiveWorkspace::purgeLimit() const
{
    if (!m_purgeLimit || m_purgeLimitUntil.hasExpired())
        return std::nullopt;
    live::RateLimit now = *m_purgeLimit;
    if (now.resetIn)
        now.resetIn = m_purgeLimitUntil.remainingTimeNSecs() / 1000;
    return now;
}

void LiveWorkspace::notePurgeLimit(const AdminAnswer& answer)
{
    if (!answer.reached())
        return; // no answer: nothing new about the limit
    if (!answer.rateLimit || answer.rateLimit->resetIn == Micros(0))
        return forgetPurgeLimit(); // a count that is not stated, or already past, is not shown
    adoptPurgeLimit(*answer.rateLimit);
}

void LiveWorkspace::adoptPurgeLimit(const live::RateLimit& limit)
{
    const Micros believedFor = limit.resetIn  ? *limit.resetIn
                               : limit.window ? *limit.window
                                              : kUndatedPurgeLimitFor;
    m_purgeLimit = limit;
    m_purgeLimitUntil.setPreciseRemainingTime(
        believedFor / kMicrosPerSecond, (believedFor % kMicrosPerSecond) * 1000, Qt::PreciseTimer);
    expirePurgeLimit(); // arms the timer
    emit purgeLimitChanged();
}

void LiveWorkspace::forgetPurgeLimit()
{
    m_purgeLimitTimer.stop();
    if (!m_purgeLimit)
        return;
    m_purgeLimit.reset();
    emit purgeLimitChanged();
}

void LiveWorkspace::expirePurgeLimit()
{
    if (!m_purgeLimit)
        return;
    if (m_purgeLimitUntil.hasExpired())
        return forgetPurgeLimit();
    // QTimer takes an int of milliseconds: a reset days away is waited for
    // a day at a time.
    constexpr qint64 kDayMs = 24 * 3600 * 1000;
    m_purgeLimitTimer.start(int(std::min(m_purgeLimitUntil.remainingTime() + 1, kDayMs)));
}

void LiveWorkspace::reportQueue()
{
    const int count = queuedInvalidations();
    if (count == m_queuedReported)
        return;
    m_queuedReported = count;
    emit queuedInvalidationsChanged(count);
}

} // namespace fallback::ui
