#pragma once

#include "live/profiles.h"
#include "live/ratelimit.h"
#include "workspaces/remotesnapshot.h"
#include "workspaces/workspace.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QTimer>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace fallback::live {
class AdminClient;
struct AuditPage;
struct Endpoint;
struct Response;
} // namespace fallback::live

namespace fallback::ui {

struct AdminAnswer;

/// A live deployment (SPEC §6, §7): a fallback-node reached through the
/// shared AdminClient, whose HTTP work runs on the client's own thread.
///
/// Polling: `GET /v1/admin/stats?series_after=S` every profile poll_interval
/// from a single-shot timer re-armed when the previous answer arrives, so a
/// slow deployment never stacks requests (STYLE §11). The answer is parsed
/// into a WorkspaceSnapshot on the client's thread; the GUI thread only
/// swaps the pointer. State from the answers: Connected (2xx), Degraded (an
/// answer slower than kSlowAnswer, a node whose health endpoint - asked every
/// kHealthEverySeconds - says it is not ok, a 5xx or a document not
/// understood), Unreachable (no answer), Unauthorized (401 / 403), Failed
/// (not a fallback-node: 404). The health is also asked at the first answer
/// after a reconnect (a new token, an outage).
///
/// warnings(): the health answer's `warnings`, replaced by each health
/// document read. A health call not answered or refused keeps them, as it
/// keeps the health problem; so does an error answer or a body not
/// understood (those make the node Degraded instead). Another URL is another
/// node: its warnings and health problem start empty.
///
/// Policy: read on connect and whenever the stats' `policy_etag` changes;
/// applyPolicy() sends it with If-Match: the ETag of the policy read, so a
/// policy changed meanwhile answers 412 and emits policyConflict(), never
/// overwriting it. Purges and bumps answer activity(); previews are the
/// node's dry runs; key lookups its keys endpoints. An apply, purge or bump
/// the node did but could not write down (its `X-Fallback-Warning` headers)
/// is still ok, with the warnings in its activity record and policyApplied().
///
/// Other clients: after each good stats answer the node's audit route is
/// read from the last number seen (at connect: its newest kAuditBacklog).
/// Each purge, bump or policy change another client made (another console,
/// fallbackctl, a script) becomes a `remote` activity() record stamped with
/// the node's time, so that the Activity tab lists and the Overview marks
/// it. This console's own are recognised by clientName() and skipped: they
/// were recorded when done. A node restarted (a new instance name) is read
/// from its newest again, skipping records already shown; a node without
/// the route (HTTP 404) is not asked again.
///
/// A production deployment is read-only until unlocked for the session:
/// applyPolicy() and invalidate() then refuse, and say so.
///
/// Invalidations go out one at a time, in the order asked (a purge asked
/// before a bump of the same namespace reaches the node before it). One the
/// node answers 429 (rate-limited, SPEC §8) stays first in line and is sent
/// again after its Retry-After (without one: kRateLimitBackoff, doubled per
/// 429, at most kMaxRateLimitBackoff); those asked meanwhile wait behind it,
/// unsent. It fails for good after kMaxInvalidationSends sends, or at once
/// when the node asks to wait longer than kMaxRateLimitWait; the next in line
/// is then sent. Each 429 and each final answer is an activity() record.
/// A new token or URL, the workspace turning read-only, and destruction drop
/// the line, with a record per dropped invalidation.
///
/// Limits (SPEC §8: show limits): each answer to a purge or bump (2xx, 429
/// or any other status) replaces purgeLimit() with the rate limit its
/// headers state, or with nothing when they state none, and its records
/// carry it ("purged 3 entries (rate limit: 997 of 1000 left)"). A node
/// that could not be reached says nothing about it: the limit stays. A
/// fallback-node started with --purge-limit also states it in its health,
/// before anyone purges: each health answer that does replaces it.
///
/// GUI thread only. The token is held in memory only and sent only in the
/// Authorization header. Destroying the workspace cancels its calls; an
/// answer already on its way is dropped.
class LiveWorkspace : public Workspace {
    Q_OBJECT
    Q_PROPERTY(bool pollingPaused READ isPollingPaused WRITE setPollingPaused NOTIFY pollingPausedChanged)

public:
    /// `client` is shared by every live workspace of the console.
    LiveWorkspace(const DeploymentProfile& profile, std::shared_ptr<live::AdminClient> client,
                  QObject* parent = nullptr);
    ~LiveWorkspace() override;

    /// An answer slower than this makes the deployment Degraded.
    static constexpr Micros kSlowAnswer = 2 * kMicrosPerSecond;
    /// How often the node's health is asked while it answers stats.
    static constexpr int kHealthEverySeconds = 10;

    Kind kind() const override { return Kind::Live; }
    bool isProduction() const override { return m_profile.isProduction(); }
    const DeploymentProfile& profile() const { return m_profile; }
    QString url() const { return QString::fromStdString(m_profile.url); }
    /// Takes an edited profile of the same deployment (same name): a new URL
    /// starts a new history; the poll interval applies from the next poll.
    void setProfile(const DeploymentProfile& profile);

    /// The admin token for this session (memory only). Polling starts, or
    /// starts again at once, with it.
    void setToken(const std::string& token);
    bool hasToken() const { return !m_token.empty(); }
    /// Starts polling (the first poll at once). Idempotent.
    void start();
    /// Polls at once unless a poll is under way (after a command, a resume).
    void pollNow();

    /// Paused: no poll is sent until resumed; the answer under way still lands.
    void setPollingPaused(bool paused);
    bool isPollingPaused() const { return m_paused; }

    /// When the last stats answer was read (null before the first one).
    QDateTime lastSuccess() const { return m_lastSuccess; }
    /// Round trip of the last stats answer, milliseconds; -1 before one.
    double latencyMs() const { return m_latencyMs; }
    /// `0.4 ms`, `12 ms`; "" for a negative value.
    static QString latencyText(double ms);
    /// Stats answers received (any status), for tests and benchmarks.
    int pollsAnswered() const { return m_polls; }
    /// The ETag of the policy in force as last read ("" before).
    QString policyEtag() const { return QString::fromStdString(m_policyEtag); }
    /// "production deployment: read-only until unlocked …".
    QString readOnlyMessage() const;

    void applyPolicy(const Policy& policy) override;
    void preview(const Invalidation& invalidation) override;
    void invalidate(const Invalidation& invalidation) override;
    void lookupKey(const QString& ns, const QString& id) override;
    void listKeys(const QString& ns, const QString& prefix, int limit) override;
    void reloadPolicy() override;

    /// Most sends of one invalidation the node answers 429 to; then it fails.
    static constexpr int kMaxInvalidationSends = 5;
    /// A Retry-After longer than this is not waited for: the invalidation fails.
    static constexpr Micros kMaxRateLimitWait = 10 * 60 * kMicrosPerSecond;
    /// The first wait after a 429 without Retry-After, doubled per 429.
    static constexpr Micros kRateLimitBackoff = 5 * kMicrosPerSecond;
    static constexpr Micros kMaxRateLimitBackoff = 60 * kMicrosPerSecond;

    /// Invalidations asked and not on the wire: waiting for a rate limit to
    /// pass, or behind one that is. 0 when none waits.
    int queuedInvalidations() const;
    /// Milliseconds until the first in line is sent again after a 429; -1
    /// when it is not waiting for a rate limit (none queued, or it is on the
    /// wire now).
    qint64 nextQueuedSendInMs() const;
    /// Drops every queued invalidation (not one already on the wire), with an
    /// activity() record each.
    void cancelQueued();
    /// `fallback-console USER@HOST #ID` (ID: Preferences::clientId()), sent
    /// as X-Fallback-Client with every call, so that the node's audit log
    /// says which console did what.
    static QString clientName();
    /// The node's audit route has been read since the connection began:
    /// other clients' actions from now on arrive as records. False before,
    /// and for a node without the route.
    bool followsAuditLog() const { return !m_auditInstance.empty(); }
    /// Records read from the node's audit log at connect (the recent past).
    static constexpr int kAuditBacklog = 50;
    /// Largest page asked for afterwards.
    static constexpr int kAuditPage = 200;

    /// Tests only: the back-off without Retry-After starts at `base` (and is
    /// capped at 12 × base) instead of kRateLimitBackoff.
    void setRateLimitBackoff(Micros base) { m_rateLimitBackoff = base; }

    /// The deployment's rate limit on purges and bumps as the last answer to
    /// one stated it, its resetIn counted down to now. Nullopt before such
    /// an answer, when it stated none, after a new token or URL, and once
    /// the limit is past: at its reset, else after its window, else
    /// kUndatedPurgeLimitFor after the answer (its count no longer holds).
    std::optional<live::RateLimit> purgeLimit() const;
    /// How long a limit with neither a reset nor a window is believed.
    static constexpr Micros kUndatedPurgeLimitFor = 10 * 60 * kMicrosPerSecond;

signals:
    /// queuedInvalidations() changed.
    void queuedInvalidationsChanged(int count);
    /// purgeLimit() is another one, or gone (not emitted as it counts down).
    void purgeLimitChanged();
    void pollingPausedChanged(bool paused);
    /// After every stats answer, good or bad (last-updated labels).
    void polled();

protected:
    /// The wall clock: a node's series count seconds of its clock, which
    /// is the wall clock of its host.
    Micros activityClock() const override;

private:
    struct Bridge;

    live::Endpoint endpoint(bool poll) const;
    /// Issues one admin call: `issue(handler)` starts it on the client;
    /// `work(response)` runs on the client's thread (parse there), then
    /// `done(answer, result)` on the GUI thread - unless the workspace is
    /// gone by then or the call belongs to an older connection. Returns the
    /// call's id.
    template <typename Issue, typename Work, typename Done>
    std::uint64_t send(Issue issue, Work work, Done done);
    /// Forgets every call in flight and starts a new connection generation.
    void dropCalls();

    void poll();
    void scheduleNextPoll();
    /// `GET /v1/admin/health`, at most every kHealthEvery while connected.
    void checkHealth();
    /// Connected or Degraded, from the last answers.
    void updateAnswerState();
    void onStats(const AdminAnswer& answer, const StatsReading& reading,
                 const std::shared_ptr<const Policy>& basis);
    /// Reads the policy in force; `then(error)` runs once a read issued
    /// after this call has answered ("" when it succeeded).
    void fetchPolicy(std::function<void(const QString& error)> then = {});
    void onPolicy(const AdminAnswer& answer, const std::shared_ptr<const Policy>& policy,
                  const QString& error);
    void onApplied(const AdminAnswer& answer, const QString& changes);
    /// Sends the first invalidation in line unless one is on the wire or
    /// waits for a rate limit.
    void sendNextInvalidation();
    std::uint64_t sendInvalidation(const Invalidation& invalidation);
    void onInvalidated(const AdminAnswer& answer, const Invalidation& invalidation,
                       const QString& result);
    /// Ends the first in line after a 429: queued again (true) or failed.
    bool requeueRateLimited(const AdminAnswer& answer);
    /// Empties the line, a record per invalidation: `notSent` for those
    /// waiting, `onWire` for one on the wire, whose call the caller cancels;
    /// with `onWire` empty, one on the wire stays (its answer is recorded).
    void dropInvalidations(const QString& notSent, const QString& onWire);
    /// Emits queuedInvalidationsChanged() when the count moved.
    void reportQueue();
    /// Takes the limit an invalidation's answer stated (or its absence).
    void notePurgeLimit(const AdminAnswer& answer);
    void forgetPurgeLimit();
    /// Shows `limit` until it is past (its reset, else its window).
    void adoptPurgeLimit(const live::RateLimit& limit);
    /// m_purgeLimitTimer fired: forgets the limit once it is past, else re-arms.
    void expirePurgeLimit();
    void publishPolicy();
    /// No answer: the same picture, its clock moved on, so that the
    /// Overview's edge advances and the missed seconds show as gaps.
    void publishClockOnly();
    /// Reads of a scope per second over the last answers.
    double recentReadsPerSecond(const Invalidation& invalidation) const;
    // other clients' actions (liveaudit.cpp)
    /// Reads the node's audit route from the last number seen, unless a
    /// read is under way or the node has no such route.
    void pollAudit();
    void onAuditPage(const AdminAnswer& answer, const std::shared_ptr<const live::AuditPage>& page);
    /// Forgets what was read of the audit log (another node).
    void resetAudit();
    /// Reads the audit log now, then runs `then` (at once when the node has
    /// no audit route; after the read under way when there is one).
    void readAuditThen(std::function<void()> then);
    void runAfterAuditRead();
    /// Why a call failed, in one sentence for people.
    QString failure(const AdminAnswer& answer, const QString& what) const;

    DeploymentProfile m_profile;
    std::shared_ptr<live::AdminClient> m_client;
    std::shared_ptr<Bridge> m_bridge;
    std::string m_token;
    std::uint64_t m_generation = 1; ///< bumped on a new token or URL: older answers are dropped
    bool m_started = false;
    bool m_paused = false;

    QTimer m_pollTimer; ///< single shot, re-armed by each answer
    std::uint64_t m_pollCall = 0;
    std::uint64_t m_policyCall = 0;
    bool m_policyAgain = false;   ///< another read was asked while one was under way
    std::vector<std::function<void(const QString&)>> m_afterThisRead; ///< answered by the read under way
    std::vector<std::function<void(const QString&)>> m_afterNextRead; ///< by the next one issued
    std::uint64_t m_applyCall = 0;

    struct QueuedInvalidation {
        Invalidation invalidation;
        int sends = 0;          ///< sent this many times so far
        int rateLimited = 0;    ///< of which answered 429
    };
    std::deque<QueuedInvalidation> m_invalidations; ///< in order asked; the first may be on the wire
    std::uint64_t m_invalidationCall = 0; ///< the first in line, on the wire
    QTimer m_rateLimitTimer;              ///< single shot: the first in line waits for it
    Micros m_rateLimitBackoff = kRateLimitBackoff;
    int m_queuedReported = 0;
    std::optional<live::RateLimit> m_purgeLimit; ///< as the answer stated it
    QDeadlineTimer m_purgeLimitUntil;            ///< when it stops being true
    QTimer m_purgeLimitTimer;                    ///< single shot: at m_purgeLimitUntil (or a day)
    std::set<std::uint64_t> m_calls; ///< everything in flight, cancelled on destruction

    SeriesCursor m_cursor;
    std::shared_ptr<const Policy> m_policy; ///< in force, as last read
    bool m_policyKnown = false;
    std::string m_policyEtag;      ///< the ETag header of that read
    std::string m_statsPolicyEtag; ///< `policy_etag` of the last stats answer
    std::deque<SnapshotPtr> m_recent; ///< the last stats snapshots, for rates

    std::uint64_t m_auditCall = 0;
    std::string m_auditInstance;       ///< the node run whose numbers m_auditSeq counts
    std::uint64_t m_auditSeq = 0;      ///< the last audit record number read
    bool m_auditUnsupported = false;   ///< the node answered 404: an older node
    std::set<std::string> m_auditShown; ///< records emitted, against a restarted node's repeats
    std::vector<std::function<void()>> m_afterAuditRead; ///< readAuditThen()'s, run after the read
    QString m_otherPolicyChangeBy;   ///< who last applied a policy, another client, as the audit log says
    QDateTime m_otherPolicyChangeAt; ///< and when (UTC)

    std::uint64_t m_healthCall = 0;
    QDateTime m_healthAt;        ///< when the health was last asked
    QString m_healthProblem;     ///< from the health endpoint ("" when healthy)
    QString m_statsProblem;      ///< from the last stats answer (slow, health field)

    QElapsedTimer m_sinceSuccess; ///< started at each good stats answer
    QDateTime m_lastSuccess;
    double m_latencyMs = -1.0;
    int m_polls = 0;
};

} // namespace fallback::ui
