#pragma once

#include "sim/scenario.h"
#include "sim/simulator.h"
#include "workspaces/snapshotbuilder.h"
#include "workspaces/workspacetypes.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <memory>
#include <optional>

namespace fallback::ui {

/// Runs a Simulator on a worker thread (STYLE §7: nothing heavy on the GUI
/// thread). Lives on that thread: every slot is invoked there with a queued
/// call, and every answer goes back as a queued signal. Paces virtual time
/// at 1×, 10×, 100× or as fast as it can, and publishes at most ten
/// snapshots a second.
class SimulationRunner : public QObject {
    Q_OBJECT

public:
    /// Virtual seconds per wall second; 0 runs as fast as it can.
    static constexpr double kMaxSpeed = 0.0;

    explicit SimulationRunner(const Scenario& scenario);
    ~SimulationRunner() override;

    // Worker-thread API (call through QMetaObject::invokeMethod).
    void play();
    void pause();
    /// Advances virtual time by `step` and pauses.
    void step(Micros step);
    /// Starts the scenario again from nothing (with its current settings).
    void reset();
    void setSpeed(double speed);
    /// Runs at full speed until virtual time `until`, then pauses and emits
    /// reachedTime() (scripted runs).
    void runUntil(Micros until);
    /// Runs to the end of the scenario at full speed.
    void runToCompletion();
    /// Replaces the scenario (workload or tiers edited) and resets.
    void setScenario(const Scenario& scenario);
    /// Live tier changes: faults and specs apply to the running simulation.
    void setFaults(TierId tier, const FaultState& faults);
    void setTierSpec(TierId tier, const TierSpec& spec);

    void applyPolicy(const Policy& policy);
    void preview(const Invalidation& invalidation);
    void invalidate(const Invalidation& invalidation);
    void lookupKey(const QString& ns, const QString& id);
    void listKeys(const QString& ns, const QString& prefix, int limit);

    /// Publishes a snapshot now (after a command, for a quick answer).
    void publishNow();

signals:
    void snapshotReady(fallback::ui::SnapshotPtr snapshot);
    void runStateChanged(bool running, bool finished);
    void failed(const QString& message);
    void reachedTime(qint64 now);
    void policyApplied(bool ok, const QString& message);
    void previewReady(const fallback::ui::InvalidationPreview& preview);
    /// action, target, result, ok, and when on the virtual clock (`until`:
    /// the end of a fault with a duration, else -1) — the workspace stamps
    /// it into an ActivityRecord.
    void activityDone(const QString& action, const QString& target, const QString& result, bool ok,
                      bool simulated, qint64 at, qint64 until);
    void keyLookedUp(const fallback::ui::KeyReport& report);
    void keysListed(const QString& ns, const QStringList& ids);

private:
    /// Emits activityDone() at the simulator's current time.
    void done(const QString& action, const QString& target, const QString& result, bool ok,
              bool simulated = false, Micros until = -1);
    void tick();
    void startTicking();
    void rebuild();
    void publish();
    bool resolve(const Invalidation& invalidation, PurgeScope& scope, NamespaceId& ns, QString& error);
    double recentReadsPerSecond(const Invalidation& invalidation) const;

    Scenario m_scenario;
    std::unique_ptr<Simulator> m_simulator;
    SnapshotBuilder m_builder;
    QTimer* m_timer = nullptr;
    QElapsedTimer m_wall;         ///< since the last tick
    QElapsedTimer m_sincePublish;
    QElapsedTimer m_rateWindow;
    std::uint64_t m_rateRequests = 0;
    double m_requestsPerSecond = 0.0;
    double m_speed = 1.0;
    bool m_running = false;
    std::optional<Micros> m_stopAt;
    bool m_failed = false;
    QString m_failMessage; ///< why the workload could not start
};

} // namespace fallback::ui
