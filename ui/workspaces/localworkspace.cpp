#include "workspaces/localworkspace.h"

#include "workspaces/simulationrunner.h"

#include <QFileInfo>

namespace fallback::ui {

namespace {
QString workspaceName(const Scenario& scenario, const QString& path)
{
    if (!path.isEmpty())
        return QFileInfo(path).completeBaseName().remove(QStringLiteral(".scenario"));
    return scenario.sourcePath.empty() ? QStringLiteral("untitled")
                                       : QString::fromStdString(scenario.sourcePath);
}
} // namespace

LocalWorkspace::LocalWorkspace(const Scenario& scenario, const QString& path, QObject* parent)
    : Workspace(workspaceName(scenario, path), parent), m_scenario(scenario), m_path(path)
{
    m_thread.setObjectName(QStringLiteral("simulation"));
    m_runner = new SimulationRunner(scenario);
    m_runner->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_runner, &QObject::deleteLater);

    connect(m_runner, &SimulationRunner::snapshotReady, this,
            [this](SnapshotPtr snapshot) { publish(std::move(snapshot)); });
    connect(m_runner, &SimulationRunner::runStateChanged, this, [this](bool running, bool finished) {
        if (state() == State::Failed)
            return;
        setState(running ? State::Running : finished ? State::Finished : State::Paused);
    });
    connect(m_runner, &SimulationRunner::failed, this, [this](const QString& message) {
        setState(State::Failed, message);
        emit runFailed(message);
    });
    connect(m_runner, &SimulationRunner::reachedTime, this, &LocalWorkspace::reachedTime);
    connect(m_runner, &SimulationRunner::policyApplied, this,
            [this](bool ok, const QString& message) {
                if (ok)
                    m_scenario.policy = m_pendingPolicy; // the engine took it
                emit policyApplied(ok, message);
            });
    connect(m_runner, &SimulationRunner::previewReady, this, &Workspace::previewReady);
    connect(m_runner, &SimulationRunner::keyLookedUp, this, &Workspace::keyLookedUp);
    connect(m_runner, &SimulationRunner::keysListed, this, &Workspace::keysListed);
    connect(m_runner, &SimulationRunner::activityDone, this,
            [this](const QString& action, const QString& target, const QString& result, bool ok,
                   bool simulated, qint64 at, qint64 until) {
                ActivityRecord entry = record(action, target, result, ok);
                entry.simulated = simulated;
                entry.at = at;
                entry.until = until;
                emit activity(entry);
            });
    m_thread.start();
    post([](SimulationRunner* runner) { runner->publishNow(); });
}

LocalWorkspace::~LocalWorkspace()
{
    m_thread.quit();
    m_thread.wait();
}

template <typename Call>
void LocalWorkspace::post(Call&& call)
{
    SimulationRunner* runner = m_runner;
    QMetaObject::invokeMethod(
        runner, [runner, call = std::forward<Call>(call)]() mutable { call(runner); },
        Qt::QueuedConnection);
}

void LocalWorkspace::play()
{
    if (state() == State::Finished)
        return;
    post([](SimulationRunner* r) { r->play(); });
}

void LocalWorkspace::pause() { post([](SimulationRunner* r) { r->pause(); }); }

void LocalWorkspace::togglePlay()
{
    if (isRunning())
        pause();
    else
        play();
}

void LocalWorkspace::step(Micros step)
{
    post([step](SimulationRunner* r) { r->step(step); });
}

void LocalWorkspace::reset()
{
    setState(State::Stopped);
    post([](SimulationRunner* r) { r->reset(); });
}

void LocalWorkspace::setSpeed(double speed)
{
    m_speed = speed;
    post([speed](SimulationRunner* r) { r->setSpeed(speed); });
}

void LocalWorkspace::runUntil(Micros until)
{
    post([until](SimulationRunner* r) { r->runUntil(until); });
}

void LocalWorkspace::runToCompletion() { post([](SimulationRunner* r) { r->runToCompletion(); }); }

void LocalWorkspace::setScenario(const Scenario& scenario)
{
    m_scenario = scenario;
    m_faults = {};
    setState(State::Stopped);
    post([scenario](SimulationRunner* r) { r->setScenario(scenario); });
}

void LocalWorkspace::setFaults(TierId tier, const FaultState& faults)
{
    m_faults[tierIndex(tier)] = faults;
    post([tier, faults](SimulationRunner* r) { r->setFaults(tier, faults); });
}

void LocalWorkspace::setTierSpec(TierId tier, const TierSpec& spec)
{
    m_scenario.tiers[tierIndex(tier)] = spec;
    post([tier, spec](SimulationRunner* r) { r->setTierSpec(tier, spec); });
}

void LocalWorkspace::applyPolicy(const Policy& policy)
{
    m_pendingPolicy = policy;
    post([policy](SimulationRunner* r) { r->applyPolicy(policy); });
}

void LocalWorkspace::preview(const Invalidation& invalidation)
{
    post([invalidation](SimulationRunner* r) { r->preview(invalidation); });
}

void LocalWorkspace::invalidate(const Invalidation& invalidation)
{
    post([invalidation](SimulationRunner* r) { r->invalidate(invalidation); });
}

void LocalWorkspace::lookupKey(const QString& ns, const QString& id)
{
    post([ns, id](SimulationRunner* r) { r->lookupKey(ns, id); });
}

void LocalWorkspace::listKeys(const QString& ns, const QString& prefix, int limit)
{
    post([ns, prefix, limit](SimulationRunner* r) { r->listKeys(ns, prefix, limit); });
}

} // namespace fallback::ui
