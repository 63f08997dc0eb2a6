#include "workspaces/simulationrunner.h"

#include "policy/key.h"
#include "util/text.h"

#include <QStringList>

#include <algorithm>

namespace fallback::ui {

namespace {
constexpr int kTickMs = 20;
constexpr int kPublishMs = 100;       ///< at most ten snapshots a second
constexpr int kMaxSliceMs = 30;       ///< longest stretch without serving commands
constexpr Micros kMaxSpeedChunk = 50 * kMicrosPerMilli;

QString fromStd(const std::string& text)
{
    return QString::fromStdString(text);
}
} // namespace

SimulationRunner::SimulationRunner(const Scenario& scenario) : m_scenario(scenario)
{
    m_timer = new QTimer(this);
    m_timer->setInterval(kTickMs);
    connect(m_timer, &QTimer::timeout, this, &SimulationRunner::tick);
    rebuild();
}

SimulationRunner::~SimulationRunner() = default;

void SimulationRunner::rebuild()
{
    m_simulator = std::make_unique<Simulator>(m_scenario);
    m_failed = false;
    m_builder.restart();
    m_simulator->setEventObserver([this](const ScenarioEvent& event, const std::string& result) {
        QString target = event.tier ? fromStd(std::string(tierName(*event.tier)))
                         : event.all ? QStringLiteral("*")
                         : !event.key.empty() ? fromStd(event.key)
                                              : fromStd(event.ns);
        const QString action = event.action == EventAction::Purge  ? QStringLiteral("purge")
                               : event.action == EventAction::Bump ? QStringLiteral("bump")
                                                                   : QStringLiteral("fault");
        const bool span = action == QLatin1String("fault") && event.action != EventAction::Up &&
                          event.duration > 0;
        done(action, target,
             tr("scenario event at %1 (virtual): %2")
                 .arg(fromStd(formatDuration(event.at)), fromStd(result)),
             true, true, span ? m_simulator->now() + event.duration : -1);
    });
    m_rateRequests = 0;
    m_requestsPerSecond = 0.0;
    m_failMessage.clear();
    if (Status status = m_simulator->start(); !status) {
        m_failed = true;
        m_failMessage = QString::fromStdString(status.error().message);
        emit failed(m_failMessage);
    }
}

void SimulationRunner::done(const QString& action, const QString& target, const QString& result,
                            bool ok, bool simulated, Micros until)
{
    emit activityDone(action, target, result, ok, simulated, m_simulator->now(), until);
}

void SimulationRunner::startTicking()
{
    m_wall.start();
    m_sincePublish.start();
    m_rateWindow.start();
    m_rateRequests = m_simulator->requestsIssued();
    m_timer->start();
}

void SimulationRunner::play()
{
    if (m_failed || m_simulator->finished())
        return;
    m_running = true;
    startTicking();
    emit runStateChanged(true, false);
}

void SimulationRunner::pause()
{
    m_running = false;
    m_stopAt.reset();
    m_timer->stop();
    emit runStateChanged(false, m_simulator->finished());
    publish();
}

void SimulationRunner::step(Micros step)
{
    if (m_failed)
        return;
    m_running = false;
    m_timer->stop();
    if (Status status = m_simulator->runUntil(m_simulator->now() + step); !status) {
        m_failed = true;
        emit failed(QString::fromStdString(status.error().message));
    }
    emit runStateChanged(false, m_simulator->finished());
    publish();
}

void SimulationRunner::reset()
{
    const bool wasRunning = m_running;
    m_running = false;
    m_stopAt.reset();
    m_timer->stop();
    rebuild();
    emit runStateChanged(false, false);
    publish();
    if (wasRunning)
        play();
}

void SimulationRunner::setSpeed(double speed)
{
    m_speed = std::max(0.0, speed);
    publish();
}

void SimulationRunner::runUntil(Micros until)
{
    m_stopAt = until;
    if (m_simulator->now() >= until) {
        m_stopAt.reset();
        publish();
        emit reachedTime(m_simulator->now());
        return;
    }
    if (m_failed || m_simulator->finished()) {
        // Nothing more will happen: the scripted run ends where the run ended.
        m_stopAt.reset();
        publish();
        emit reachedTime(m_simulator->now());
        return;
    }
    m_running = true;
    startTicking();
    emit runStateChanged(true, false);
}

void SimulationRunner::runToCompletion() { runUntil(std::numeric_limits<Micros>::max() / 2); }

void SimulationRunner::setScenario(const Scenario& scenario)
{
    m_scenario = scenario;
    reset();
}

void SimulationRunner::setFaults(TierId tier, const FaultState& faults)
{
    if (m_simulator->setFaults(tier, faults)) {
        QStringList parts;
        if (faults.down)
            parts << QStringLiteral("down");
        if (faults.slowFactor != 1.0)
            parts << QStringLiteral("slow ×%1").arg(faults.slowFactor);
        if (faults.flakyRate > 0)
            parts << QStringLiteral("flaky %1%").arg(faults.flakyRate * 100.0);
        done(QStringLiteral("fault"), fromStd(std::string(tierName(tier))),
             parts.isEmpty() ? QStringLiteral("healthy") : parts.join(QStringLiteral(", ")), true);
        publish();
    }
}

void SimulationRunner::setTierSpec(TierId tier, const TierSpec& spec)
{
    m_scenario.tiers[tierIndex(tier)] = spec;
    if (SimulatedTier* cache = m_simulator->cacheTier(tier))
        cache->setSpec(spec);
    else if (SimulatedBehaviour* behaviour = m_simulator->behaviour(tier))
        behaviour->setSpec(spec);
    publish();
}

void SimulationRunner::tick()
{
    if (!m_running || m_failed)
        return;
    const qint64 elapsedMs = std::min<qint64>(m_wall.restart(), 1000);
    Status status = Done{};
    if (m_speed == kMaxSpeed || m_stopAt) {
        QElapsedTimer slice;
        slice.start();
        while (slice.elapsed() < kMaxSliceMs && !m_simulator->finished()) {
            Micros target = m_simulator->now() + kMaxSpeedChunk;
            if (m_stopAt)
                target = std::min(target, *m_stopAt);
            status = m_simulator->runUntil(target);
            if (!status || (m_stopAt && m_simulator->now() >= *m_stopAt))
                break;
        }
    } else {
        const auto advance = static_cast<Micros>(double(elapsedMs) * 1000.0 * m_speed);
        status = m_simulator->runUntil(m_simulator->now() + advance);
    }
    if (!status) {
        m_failed = true;
        m_running = false;
        m_timer->stop();
        emit failed(QString::fromStdString(status.error().message));
        emit runStateChanged(false, false);
        publish();
        return;
    }
    if (m_stopAt && (m_simulator->now() >= *m_stopAt || m_simulator->finished())) {
        m_stopAt.reset();
        m_running = false;
        m_timer->stop();
        emit runStateChanged(false, m_simulator->finished());
        publish();
        emit reachedTime(m_simulator->now());
        return;
    }
    if (m_simulator->finished()) {
        m_running = false;
        m_timer->stop();
        emit runStateChanged(false, true);
        publish();
        return;
    }
    if (m_sincePublish.elapsed() >= kPublishMs)
        publish();
}

void SimulationRunner::publishNow()
{
    // The constructor may have failed to start the workload before anyone
    // was connected: say it again now.
    if (m_failed && !m_failMessage.isEmpty())
        emit failed(m_failMessage);
    publish();
}

void SimulationRunner::publish()
{
    m_sincePublish.restart();
    const qint64 windowMs = m_rateWindow.isValid() ? m_rateWindow.elapsed() : 0;
    if (windowMs >= 500 || !m_running) {
        if (windowMs > 0 && m_running)
            m_requestsPerSecond =
                double(m_simulator->requestsIssued() - m_rateRequests) * 1000.0 / double(windowMs);
        else if (!m_running)
            m_requestsPerSecond = 0.0;
        m_rateRequests = m_simulator->requestsIssued();
        m_rateWindow.restart();
    }
    Engine& engine = m_simulator->engine();
    std::array<bool, kTierCount> enabled{};
    for (TierId tier : kAllTiers)
        enabled[tierIndex(tier)] = m_simulator->tierEnabled(tier);
    auto snapshot = std::make_shared<WorkspaceSnapshot>(
        m_builder.build(engine.snapshot(m_builder.lastSecond()), engine.policy(), enabled));
    for (TierId tier : kAllTiers) {
        TierView& view = snapshot->tiers[tierIndex(tier)];
        if (SimulatedTier* cache = m_simulator->cacheTier(tier))
            view.usage = cache->usage();
        if (SimulatedBehaviour* behaviour = m_simulator->behaviour(tier))
            view.faults = behaviour->faults();
    }
    snapshot->requestsIssued = m_simulator->requestsIssued();
    snapshot->progress = m_simulator->progress();
    snapshot->speed = m_speed;
    snapshot->requestsPerSecond = m_requestsPerSecond;
    snapshot->finished = m_simulator->finished();
    emit snapshotReady(std::move(snapshot));
}

// --- commands ----------------------------------------------------------------------

void SimulationRunner::applyPolicy(const Policy& policy)
{
    Engine& engine = m_simulator->engine();
    const Policy before = engine.policy();
    if (Status status = engine.applyPolicy(policy); !status) {
        const QString message = fromStd(status.error().message);
        emit policyApplied(false, message);
        done(QStringLiteral("policy"), QStringLiteral("policy"), message, false);
        return;
    }
    m_scenario.policy = policy;
    const int changes = changedNamespaces(before, policy);
    const QString result = QStringLiteral("applied: %1 namespace(s) changed").arg(changes);
    emit policyApplied(true, result);
    done(QStringLiteral("policy"), QStringLiteral("policy"), result, true);
    publish();
}

bool SimulationRunner::resolve(const Invalidation& invalidation, PurgeScope& scope, NamespaceId& ns,
                               QString& error)
{
    Engine& engine = m_simulator->engine();
    if (invalidation.kind == Invalidation::Kind::PurgeAll) {
        scope = Engine::allScope();
        return true;
    }
    const std::string name = invalidation.ns.toStdString();
    const auto id = m_simulator->keys().findNamespace(name);
    if (!id || !engine.namespacePolicy(*id)) {
        error = QStringLiteral("namespace '%1' is not in the policy").arg(invalidation.ns);
        return false;
    }
    ns = *id;
    if (invalidation.kind == Invalidation::Kind::PurgeKey) {
        const std::string resource = invalidation.id.toStdString();
        if (std::string why = checkResourceId(resource); !why.empty()) {
            error = fromStd(why);
            return false;
        }
        std::lock_guard lock(m_simulator->keys().mutex());
        scope = engine.keyScope(ns, m_simulator->keys().intern(resource));
        return true;
    }
    scope = Engine::namespaceScope(ns);
    return true;
}

double SimulationRunner::recentReadsPerSecond(const Invalidation& invalidation) const
{
    // The last ten seconds of the series, over all namespaces or the one named.
    const EngineStats stats = m_simulator->engine().snapshot(
        std::max<std::int64_t>(0, m_simulator->now() / kMicrosPerSecond - 11));
    if (stats.series.empty())
        return 0.0;
    double reads = 0;
    for (const SeriesPoint& point : stats.series)
        reads += double(point.requests.requests);
    double share = 1.0;
    if (invalidation.kind != Invalidation::Kind::PurgeAll) {
        double total = 0, inNs = 0;
        for (const NamespaceStats& ns : stats.namespaces) {
            total += double(ns.requests.requests);
            if (ns.name == invalidation.ns.toStdString())
                inNs = double(ns.requests.requests);
        }
        share = total > 0 ? inNs / total : 0.0;
    }
    return reads * share / double(stats.series.size());
}

void SimulationRunner::preview(const Invalidation& invalidation)
{
    InvalidationPreview preview;
    preview.invalidation = invalidation;
    PurgeScope scope;
    NamespaceId ns = 0;
    if (!resolve(invalidation, scope, ns, preview.error)) {
        preview.ok = false;
        emit previewReady(preview);
        return;
    }
    Engine& engine = m_simulator->engine();
    const PurgeReport report = engine.previewPurge(scope);
    preview.entriesPerTier = report.perTier;
    if (invalidation.kind == Invalidation::Kind::Bump)
        preview.currentVersion = engine.namespacePolicy(ns)->version;
    preview.readsPerSecond = recentReadsPerSecond(invalidation);
    if (invalidation.kind == Invalidation::Kind::PurgeKey) {
        preview.readsPerSecond = 0.0; // per-key rates are not tracked; one fetch refills it
        preview.expectedOriginFetchesPerSecond = report.total() > 0 ? 1.0 : 0.0;
    } else {
        // Until the caches refill, every read they answered goes to the origin
        // (coalesced per key): an upper bound for the first seconds.
        const RequestCounters& r = engine.stats().requests();
        const double reads = r.requests ? double(r.requests) : 1.0;
        const double cacheShare =
            double(r.servedBy[0] + r.servedBy[1]) / reads;
        preview.expectedOriginFetchesPerSecond = preview.readsPerSecond * cacheShare;
    }
    emit previewReady(preview);
}

void SimulationRunner::invalidate(const Invalidation& invalidation)
{
    const QString action = invalidation.kind == Invalidation::Kind::Bump ? QStringLiteral("bump")
                                                                          : QStringLiteral("purge");
    PurgeScope scope;
    NamespaceId ns = 0;
    QString error;
    if (!resolve(invalidation, scope, ns, error)) {
        done(action, invalidation.target(), error, false);
        return;
    }
    Engine& engine = m_simulator->engine();
    if (invalidation.kind == Invalidation::Kind::Bump) {
        const std::uint64_t before = engine.namespacePolicy(ns)->version;
        const Result<std::uint64_t> after = engine.bump(ns);
        if (after)
            m_scenario.policy = engine.policy();
        done(action, invalidation.target(),
             after ? QStringLiteral("version %1 → %2").arg(before).arg(*after)
                   : fromStd(after.error().message),
             after.ok());
    } else {
        const PurgeReport report = engine.purge(scope);
        done(action, invalidation.target(),
             QStringLiteral("purged %1 (edge cache %2, edge KV %3)")
                 .arg(QString::fromStdString(countOf(report.total(), "entry", "entries")))
                 .arg(report.perTier[0])
                 .arg(report.perTier[1]),
             true);
    }
    publish();
}

} // namespace fallback::ui
