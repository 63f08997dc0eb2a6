#pragma once

#include "engine/engine.h"
#include "engine/keyspace.h"
#include "report/summary.h"
#include "sim/eventqueue.h"
#include "sim/requestsource.h"
#include "sim/scenario.h"
#include "tiers/simulatedtier.h"
#include "util/result.h"

#include <array>
#include <functional>
#include <memory>
#include <optional>

namespace fallback {

/// Overrides of a scenario for one run (the `simulate` flags).
struct SimulationOptions {
    std::optional<std::uint64_t> requests;
    std::optional<std::uint64_t> seed;
    std::string tracePath; ///< replaces the scenario's workload
};

/// Local test mode: the engine against simulated tiers in virtual time
/// (SPEC §3, issue "local simulator"). Discrete-event and deterministic for
/// a seed: the simulator only supplies the clock, the tiers and the
/// workload; the engine is the same code a node runs. Not thread-safe: one
/// thread drives it (the console's worker, or the CLI).
class Simulator final : private Scheduler {
public:
    explicit Simulator(const Scenario& scenario, SimulationOptions options = {});
    ~Simulator() override;

    /// Fails when the workload cannot start (an unreadable trace).
    Status start();
    /// Runs to the end. `progress` (share in [0, 1]) is called about every
    /// 64k requests. Fails with the diagnostic of a bad trace row.
    Status run(const std::function<void(double)>& progress = {});
    /// Runs until virtual time `until` or the end, whichever comes first.
    Status runUntil(Micros until);
    bool finished() const { return m_finished; }

    Micros now() const override { return m_now; }
    /// Requests issued so far (reads, writes and deletes).
    std::uint64_t requestsIssued() const { return m_issued; }
    /// Share of the run done, in [0, 1].
    double progress() const;
    /// When the run ends in virtual time, if known in advance.
    std::optional<Micros> plannedEnd() const;

    const Scenario& scenario() const { return m_scenario; }
    Engine& engine() { return *m_engine; }
    const Engine& engine() const { return *m_engine; }
    /// The run's key space. While a trace replays, a prefetch thread interns
    /// into it: hold keys().mutex() around any use from outside the run.
    KeySpace& keys() { return m_keys; }
    /// Faults and specs of a simulated tier; null when the tier is disabled.
    SimulatedBehaviour* behaviour(TierId tier);
    SimulatedTier* cacheTier(TierId tier);
    /// Sets a tier's faults by hand; pending scenario ends of earlier faults
    /// no longer touch them. False when the tier is disabled.
    bool setFaults(TierId tier, const FaultState& faults);
    SimulatedOrigin* origin() { return m_origin.get(); }
    bool tierEnabled(TierId tier) const { return m_scenario.tiers[tierIndex(tier)].enabled; }

    /// Called on the simulator's thread after each scheduled event of the
    /// scenario took effect, with a one-line result (`purged 812 entries`).
    using EventObserver = std::function<void(const ScenarioEvent& event, const std::string& result)>;
    void setEventObserver(EventObserver observer) { m_eventObserver = std::move(observer); }

private:
    bool suspendAfterCall(OpToken op, Micros latency) override;
    void wakeAfter(OpToken op, Micros delay) override;

    bool pullArrival();
    /// Starts loading what request `request` will touch first.
    void prefetchFor(const SimRequest& request);
    void issue(const SimRequest& request);
    void handle(const SimEvent& event);
    void applyScenarioEvent(const ScenarioEvent& event, ResourceId resource);
    Status sourceStatus() const;

    Scenario m_scenario;
    SimulationOptions m_options;
    KeySpace m_keys;
    EventQueue m_queue;
    std::unique_ptr<SimulatedTier> m_edgeCache, m_edgeKv, m_clientCache;
    std::unique_ptr<SimulatedOrigin> m_origin;
    std::unique_ptr<Engine> m_engine;
    std::unique_ptr<PrefetchSource> m_source;

    EventObserver m_eventObserver;
    /// Per scenario event: the purged key's id, interned up front.
    std::vector<ResourceId> m_eventResources;
    /// Per tier and fault action: bumped whenever that fault is set, so the
    /// end of an earlier, shorter fault does not cancel a later one.
    std::array<std::array<std::uint32_t, 8>, kTierCount> m_faultGeneration{};
    Micros m_now = 0;
    std::uint64_t m_issued = 0;
    std::optional<std::uint64_t> m_requestLimit;
    /// The source's current batch, read in place. Requests kLookahead ahead
    /// of the next one are prefetched while earlier ones run: hash-table
    /// look-ups are the hot path's main cost, and they are cache misses.
    static constexpr std::size_t kLookahead = 16;
    std::span<const SimRequest> m_batch;
    std::size_t m_batchPos = 0;
    const SimRequest* m_next = nullptr; ///< pulled, not yet issued
    bool m_haveNext = false;
    bool m_sourceDone = false;
    bool m_started = false;
    bool m_finished = false;
};

/// The run's summary as `simulate` reports it: stats, enabled tiers,
/// requests issued, and the wall time it took.
RunSummary summarizeRun(const Simulator& simulator, double wallSeconds);

} // namespace fallback
