#include "workspaces/liveworkspace_p.h"

#include "live/remotestats.h"

#include <QLocale>

#include <algorithm>

namespace fallback::ui {

namespace {

Micros wallNow()
{
    return QDateTime::currentMSecsSinceEpoch() * kMicrosPerMilli;
}

} // namespace

AdminAnswer answerOf(const live::Response& response)
{
    AdminAnswer answer;
    answer.status = response.httpStatus;
    answer.etag = response.etag;
    answer.latency = response.latency;
    answer.retryAfter = response.retryAfter;
    answer.rateLimit = response.rateLimit;
    for (const std::string& warning : response.warnings)
        answer.warnings.append(QString::fromStdString(warning));
    if (!response.ok()) {
        answer.error = readErrorBody(response.body);
        answer.nodeSaid = !answer.error.isEmpty();
        if (answer.error.isEmpty())
            answer.error = QString::fromStdString(response.errorMessage());
    }
    return answer;
}

LiveWorkspace::LiveWorkspace(const DeploymentProfile& profile,
                             std::shared_ptr<live::AdminClient> client, QObject* parent)
    : Workspace(QString::fromStdString(profile.name), parent), m_profile(profile),
      m_client(std::move(client)), m_bridge(std::make_shared<Bridge>()),
      m_policy(std::make_shared<const Policy>())
{
    m_bridge->target = this;
    m_pollTimer.setSingleShot(true);
    connect(&m_pollTimer, &QTimer::timeout, this, &LiveWorkspace::poll);
    m_rateLimitTimer.setSingleShot(true);
    m_rateLimitTimer.setTimerType(Qt::PreciseTimer); // a coarse one may be 5 % late: 3 s of 60
    connect(&m_rateLimitTimer, &QTimer::timeout, this, [this] {
        sendNextInvalidation();
        reportQueue();
    });
    m_purgeLimitTimer.setSingleShot(true);
    m_purgeLimitTimer.setTimerType(Qt::PreciseTimer); // gone at the reset, not a second after
    connect(&m_purgeLimitTimer, &QTimer::timeout, this, &LiveWorkspace::expirePurgeLimit);
    // Locked again (or turned production): what waits is not sent. One on
    // the wire is past stopping; its answer is recorded as usual.
    connect(this, &Workspace::unlockedChanged, this, [this] {
        if (isReadOnly())
            dropInvalidations(tr("not sent: %1 is read-only now").arg(name()), {});
    });
    setState(State::Connecting);
}

LiveWorkspace::~LiveWorkspace()
{
    dropInvalidations(tr("not sent: the workspace was closed"),
                      tr("no answer: the workspace was closed while it was being sent; it may or "
                         "may not have been done"));
    m_bridge->detach();
    for (std::uint64_t id : m_calls)
        m_client->cancel(id);
}

QString LiveWorkspace::latencyText(double ms)
{
    if (ms < 0)
        return {};
    return ms < 10 ? tr("%1 ms").arg(QLocale().toString(ms, 'f', 1)) : tr("%1 ms").arg(qRound(ms));
}

live::Endpoint LiveWorkspace::endpoint(bool poll) const
{
    live::Endpoint endpoint;
    endpoint.url = m_profile.url;
    while (!endpoint.url.empty() && endpoint.url.back() == '/')
        endpoint.url.pop_back();
    endpoint.token = m_token;
    endpoint.client = clientName().toStdString();
    // A poll is not retried: the next poll is its retry, and an outage must
    // show as Unreachable at the first missed answer.
    if (poll)
        endpoint.retries = 0;
    return endpoint;
}

void LiveWorkspace::dropCalls()
{
    dropInvalidations(tr("not sent: the connection to %1 changed").arg(name()),
                      tr("no answer: the connection to %1 changed while it was being sent; it "
                         "may or may not have been done")
                          .arg(name()));
    ++m_generation;
    for (std::uint64_t id : m_calls)
        m_client->cancel(id);
    m_calls.clear();
    forgetPurgeLimit(); // another token or node may have another quota
    m_pollCall = m_policyCall = m_healthCall = m_auditCall = 0;
    runAfterAuditRead(); // their read was cancelled: they go on without it
    m_policyAgain = false;
    // Whoever waited for a policy read gets the next one.
    m_afterNextRead.insert(m_afterNextRead.begin(), m_afterThisRead.begin(), m_afterThisRead.end());
    m_afterThisRead.clear();
    if (m_applyCall) {
        m_applyCall = 0;
        emit policyApplied(false, tr("The connection to %1 changed while the policy was being "
                                     "applied: it may or may not be in force; it is read again.")
                                      .arg(name()));
        fetchPolicy();
    }
}

// --- connection ------------------------------------------------------------------

void LiveWorkspace::start()
{
    if (m_started)
        return;
    m_started = true;
    poll();
}

void LiveWorkspace::setToken(const std::string& token)
{
    if (m_started && token == m_token && state() != State::Unauthorized)
        return; // nothing new: keep the connection and its history as they are
    m_token = token;
    dropCalls();
    setState(State::Connecting);
    if (m_started && !m_paused)
        poll();
}

void LiveWorkspace::setProfile(const DeploymentProfile& profile)
{
    const bool wasProduction = isProduction();
    const bool moved = profile.url != m_profile.url;
    m_profile = profile;
    if (wasProduction != isProduction()) {
        setUnlocked(false);
        emit unlockedChanged(!isReadOnly()); // views re-read isReadOnly()
    }
    if (!moved)
        return;
    // Another URL is another node: its history and policy start afresh.
    dropCalls();
    m_cursor = {};
    m_policy = std::make_shared<const Policy>();
    m_policyKnown = false;
    m_policyEtag.clear();
    m_statsPolicyEtag.clear();
    m_recent.clear();
    m_healthAt = {}; // asked at the new node's first answer
    m_healthProblem.clear();
    setWarnings({});
    resetAudit();
    setState(State::Connecting);
    if (m_started && !m_paused)
        poll();
}

void LiveWorkspace::setPollingPaused(bool paused)
{
    if (m_paused == paused)
        return;
    m_paused = paused;
    if (paused)
        m_pollTimer.stop();
    emit pollingPausedChanged(paused);
    if (!paused)
        pollNow();
}

void LiveWorkspace::pollNow()
{
    if (!m_started || m_paused || m_pollCall)
        return;
    m_pollTimer.stop();
    poll();
}

void LiveWorkspace::poll()
{
    if (!m_started || m_paused || m_pollCall)
        return;
    const SeriesCursor cursor = m_cursor;
    const std::shared_ptr<const Policy> basis = m_policy;
    m_pollCall = send(
        [&](live::ResponseHandler handler) {
            return m_client->stats(endpoint(true), cursor.lastPoint, std::move(handler));
        },
        [cursor, basis](const live::Response& response) {
            StatsReading reading;
            if (response.ok())
                reading = readStats(response.body, *basis, cursor, wallNow());
            return reading;
        },
        [this, basis](const AdminAnswer& answer, StatsReading reading) {
            onStats(answer, reading, basis);
        });
}

void LiveWorkspace::scheduleNextPoll()
{
    if (!m_started || m_paused || m_pollCall)
        return;
    const auto interval = std::max<Micros>(m_profile.pollInterval, 100 * kMicrosPerMilli);
    m_pollTimer.start(int(interval / kMicrosPerMilli));
}

void LiveWorkspace::onStats(const AdminAnswer& answer, const StatsReading& reading,
                            const std::shared_ptr<const Policy>& basis)
{
    m_pollCall = 0;
    ++m_polls;
    const bool wasAnswering = state() == State::Connected || state() == State::Degraded;
    m_latencyMs = double(answer.latency) / double(kMicrosPerMilli);
    if (!answer.reached()) {
        setState(State::Unreachable, tr("No answer from %1: %2").arg(url(), answer.error));
    } else if (answer.refused()) {
        setState(State::Unauthorized,
                 hasToken() ? tr("%1 refused the token (HTTP %2).").arg(name()).arg(answer.status)
                            : tr("No token for this session: right-click %1 ▸ Enter token…")
                                  .arg(name()));
    } else if (answer.status == 404) {
        setState(State::Failed, tr("%1 has no fallback-node admin API (HTTP 404 on "
                                   "/v1/admin/stats): check the URL.")
                                    .arg(url()));
    } else if (!answer.ok()) {
        setState(State::Degraded, tr("The stats call failed: %1").arg(answer.error));
    } else if (!reading.ok) {
        setState(State::Degraded, reading.error);
    } else {
        m_cursor = reading.cursor;
        m_lastSuccess = QDateTime::currentDateTime();
        m_sinceSuccess.start();
        SnapshotPtr snapshot = reading.snapshot;
        if (basis != m_policy) {
            // A policy read landed while this poll was under way (rare).
            auto patched = std::make_shared<WorkspaceSnapshot>(*snapshot);
            patched->policy = *m_policy;
            snapshot = std::move(patched);
        }
        m_recent.push_back(snapshot);
        while (m_recent.size() > 8)
            m_recent.pop_front();
        publish(snapshot);

        m_statsProblem = reading.healthProblem;
        if (m_statsProblem.isEmpty() && answer.latency > kSlowAnswer)
            m_statsProblem = tr("Slow answers: the last took %1 s.")
                                 .arg(QLocale().toString(double(answer.latency) / 1e6, 'f', 1));
        updateAnswerState();
        // After a reconnect (a new token, an outage) the node may have
        // restarted with another setup: its health is asked again at once,
        // so that its old problem and warnings do not linger.
        if (!m_healthCall
            && (!wasAnswering || !m_healthAt.isValid()
                || m_healthAt.secsTo(m_lastSuccess) >= kHealthEverySeconds))
            checkHealth();

        const bool etagMoved = reading.policyEtag != m_statsPolicyEtag;
        m_statsPolicyEtag = reading.policyEtag;
        if (!m_policyKnown || etagMoved)
            fetchPolicy();
        pollAudit();
    }
    if (!answer.ok() || !reading.ok)
        publishClockOnly();
    emit polled();
    scheduleNextPoll();
}

void LiveWorkspace::publishClockOnly()
{
    const SnapshotPtr current = snapshot();
    if (!current || !m_sinceSuccess.isValid() || m_recent.empty())
        return;
    auto moved = std::make_shared<WorkspaceSnapshot>(*current);
    moved->newPoints.clear();
    moved->seriesReset = false;
    moved->requestsPerSecond = 0.0;
    moved->now = m_recent.back()->now + m_sinceSuccess.elapsed() * kMicrosPerMilli;
    publish(std::move(moved));
}

Micros LiveWorkspace::activityClock() const
{
    return QDateTime::currentMSecsSinceEpoch() * kMicrosPerMilli;
}

void LiveWorkspace::updateAnswerState()
{
    const QString problem = !m_statsProblem.isEmpty() ? m_statsProblem : m_healthProblem;
    setState(problem.isEmpty() ? State::Connected : State::Degraded, problem);
}

void LiveWorkspace::checkHealth()
{
    m_healthAt = QDateTime::currentDateTime();
    m_healthCall = send(
        [&](live::ResponseHandler handler) {
            return m_client->health(endpoint(true), std::move(handler));
        },
        [](const live::Response& response) {
            return response.ok() ? readHealth(response.body) : HealthReading{};
        },
        [this](const AdminAnswer& answer, const HealthReading& health) {
            m_healthCall = 0;
            // A failed health call says nothing the stats do not: only a
            // node that answers it decides.
            if (!answer.reached() || answer.refused())
                return;
            m_healthProblem = answer.ok() ? health.problem
                                          : tr("The health check answered HTTP %1: %2")
                                                .arg(answer.status)
                                                .arg(answer.error);
            // Warnings are advice about the node's setup, which an error
            // answer does not change: only a health document replaces them.
            if (answer.ok() && health.understood)
                setWarnings(health.warnings);
            if (answer.ok() && health.purgeLimit)
                adoptPurgeLimit(*health.purgeLimit);
            if (state() == State::Connected || state() == State::Degraded)
                updateAnswerState();
        });
}

// --- policy ----------------------------------------------------------------------

void LiveWorkspace::fetchPolicy(std::function<void(const QString&)> then)
{
    if (then)
        m_afterNextRead.push_back(std::move(then));
    if (m_policyCall) {
        m_policyAgain = true; // the read under way may predate what is asked
        return;
    }
    m_afterThisRead = std::move(m_afterNextRead);
    m_afterNextRead.clear();
    const std::string label = m_profile.url + "/v1/admin/policy";
    using Parsed = std::pair<std::shared_ptr<const Policy>, QString>;
    m_policyCall = send(
        [&](live::ResponseHandler handler) {
            return m_client->getPolicy(endpoint(false), std::move(handler));
        },
        [label](const live::Response& response) -> Parsed {
            if (!response.ok())
                return {};
            Loaded<Policy> loaded = live::parsePolicyText(response.body, label);
            if (!loaded.value)
                return {nullptr, QString::fromStdString(loaded.diagnostics.format()).trimmed()};
            return {std::make_shared<const Policy>(std::move(*loaded.value)), QString()};
        },
        [this](const AdminAnswer& answer, Parsed parsed) {
            onPolicy(answer, parsed.first, parsed.second);
        });
}

void LiveWorkspace::onPolicy(const AdminAnswer& answer, const std::shared_ptr<const Policy>& policy,
                             const QString& error)
{
    m_policyCall = 0;
    QString problem;
    if (!answer.ok()) {
        problem = failure(answer, tr("Reading the policy"));
    } else if (!policy) {
        problem = tr("The live policy was not understood: %1").arg(error);
    } else {
        m_policy = policy;
        m_policyKnown = true;
        m_policyEtag = answer.etag;
        publishPolicy();
    }
    const auto waiting = std::exchange(m_afterThisRead, {});
    for (const auto& then : waiting)
        then(problem);
    if (m_policyAgain) {
        m_policyAgain = false;
        fetchPolicy();
    }
}

void LiveWorkspace::publishPolicy()
{
    const SnapshotPtr current = snapshot();
    if (!current)
        return; // the first stats answer carries it
    auto updated = std::make_shared<WorkspaceSnapshot>(*current);
    updated->newPoints.clear(); // already handed over
    updated->seriesReset = false;
    updated->policy = *m_policy;
    publish(std::move(updated));
}

void LiveWorkspace::reloadPolicy()
{
    fetchPolicy([this](const QString& error) { emit policyReloaded(error.isEmpty(), error); });
}

// --- invalidations and keys ------------------------------------------------------------


QString LiveWorkspace::failure(const AdminAnswer& answer, const QString& what) const
{
    if (!answer.reached())
        return tr("No answer from %1: %2").arg(name(), answer.error);
    if (answer.refused())
        return tr("%1 refused the token (HTTP %2).").arg(name()).arg(answer.status);
    return tr("%1 failed: %2").arg(what, answer.error);
}

} // namespace fallback::ui
