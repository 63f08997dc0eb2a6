#pragma once

#include "sim/scenario.h"
#include "tiers/simulatedtier.h"
#include "workspaces/workspace.h"

#include <QThread>

#include <array>

namespace fallback::ui {

class SimulationRunner;

/// Local test mode: the engine embedded in the console, run against
/// simulated tiers by a SimulationRunner on its own thread. GUI thread only.
class LocalWorkspace : public Workspace {
    Q_OBJECT

public:
    /// `path` is the scenario file it came from ("" for an unsaved one).
    LocalWorkspace(const Scenario& scenario, const QString& path, QObject* parent = nullptr);
    ~LocalWorkspace() override;

    Kind kind() const override { return Kind::Local; }
    const Scenario& scenario() const { return m_scenario; }
    QString scenarioPath() const { return m_path; }
    void setScenarioPath(const QString& path) { m_path = path; }

    // Run control.
    void play();
    void pause();
    void togglePlay();
    /// Advances one virtual second (or `step`) and pauses.
    void step(Micros step = kMicrosPerSecond);
    void reset();
    /// Virtual seconds per wall second; 0 = as fast as possible.
    void setSpeed(double speed);
    double speed() const { return m_speed; }
    /// Runs at full speed until virtual time `until`; emits reachedTime().
    void runUntil(Micros until);
    void runToCompletion();
    bool isRunning() const { return state() == State::Running; }

    /// Replaces workload and tiers (and policy); the run starts again.
    void setScenario(const Scenario& scenario);
    /// Faults injected live into one tier.
    void setFaults(TierId tier, const FaultState& faults);
    FaultState faults(TierId tier) const { return m_faults[tierIndex(tier)]; }
    /// Latency, failure rate and capacity of a tier, live.
    void setTierSpec(TierId tier, const TierSpec& spec);

    void applyPolicy(const Policy& policy) override;
    void preview(const Invalidation& invalidation) override;
    void invalidate(const Invalidation& invalidation) override;
    void lookupKey(const QString& ns, const QString& id) override;
    void listKeys(const QString& ns, const QString& prefix, int limit) override;

signals:
    /// A runUntil() target was reached (or the run ended first).
    void reachedTime(qint64 now);
    void runFailed(const QString& message);

private:
    template <typename Call>
    void post(Call&& call);

    Scenario m_scenario;
    Policy m_pendingPolicy; ///< sent to the engine, not yet confirmed
    QString m_path;
    QThread m_thread;
    SimulationRunner* m_runner = nullptr; ///< lives on m_thread
    double m_speed = 1.0;
    std::array<FaultState, kTierCount> m_faults{};
};

} // namespace fallback::ui
