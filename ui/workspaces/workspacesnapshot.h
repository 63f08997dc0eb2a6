#pragma once

#include "engine/types.h"
#include "policy/policy.h"
#include "stats/stats.h"
#include "tiers/simulatedtier.h"
#include "tiers/tier.h"

#include <array>
#include <memory>
#include <string>
#include <vector>

namespace fallback::ui {

/// One tier as a view shows it.
struct TierView {
    bool enabled = false;
    TierCounters counters;   ///< totals since the start of the run / connection
    LatencySummary latency;  ///< totals, milliseconds
    TierUsage usage;         ///< entries and bytes held (caches only)
    bool usageKnown = true;  ///< false: a live node that does not report `usage` (shown as a dash)
    FaultState faults;       ///< injected faults (local workspaces only)
};

/// One namespace as a view shows it.
struct NamespaceView {
    std::string name;
    std::uint64_t version = 0;
    std::array<TierCounters, kTierCount> tiers{};
    RequestCounters requests;
    LatencySummary latency;
};

/// A compact, self-contained picture of a workspace, made on the worker
/// thread and handed to the GUI thread whole (STYLE §7, §8): totals and
/// percentiles instead of histograms, and only the series points that are
/// new since the previous snapshot, so a refresh copies little.
struct WorkspaceSnapshot {
    Micros now = 0;                      ///< virtual time (local) or the node's clock (live)
    std::array<TierView, kTierCount> tiers{};
    RequestCounters requests;
    LatencySummary latency;
    std::vector<NamespaceView> namespaces;
    std::vector<SeriesPoint> newPoints;  ///< 1-second points since the previous snapshot
    bool seriesReset = false;            ///< drop the history before appending newPoints
    Policy policy;                       ///< the policy in force
    std::uint64_t kvQueueDepth = 0;

    // Run state (local workspaces).
    std::uint64_t requestsIssued = 0;
    double progress = 0.0;               ///< share of the run done, [0, 1]
    double speed = 1.0;                  ///< virtual seconds per wall second; 0 = max
    double requestsPerSecond = 0.0;      ///< simulated requests per wall second, recent
    bool finished = false;
};

using SnapshotPtr = std::shared_ptr<const WorkspaceSnapshot>;

} // namespace fallback::ui
