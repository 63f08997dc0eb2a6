#include "workspaces/snapshotbuilder.h"

namespace fallback::ui {

WorkspaceSnapshot SnapshotBuilder::build(const EngineStats& stats, const Policy& policy,
                                         const std::array<bool, kTierCount>& enabled)
{
    WorkspaceSnapshot snapshot;
    snapshot.now = stats.now;
    for (int t = 0; t < kTierCount; ++t) {
        TierView& view = snapshot.tiers[t];
        view.enabled = enabled[t];
        view.counters = stats.tiers[t];
        view.latency = summarizeMicros(stats.tierLatency[t]);
    }
    snapshot.requests = stats.requests;
    snapshot.latency = summarizeMicros(stats.latency);
    for (const NamespaceStats& ns : stats.namespaces) {
        if (ns.name.empty())
            continue;
        snapshot.namespaces.push_back(
            NamespaceView{ns.name, ns.version, ns.tiers, ns.requests, summarizeMicros(ns.latency)});
    }
    for (const SeriesPoint& point : stats.series) {
        if (point.second > m_lastSecond)
            snapshot.newPoints.push_back(point);
    }
    if (!snapshot.newPoints.empty())
        m_lastSecond = snapshot.newPoints.back().second;
    snapshot.seriesReset = m_reset;
    m_reset = false;
    snapshot.policy = policy;
    snapshot.kvQueueDepth = stats.kvQueueDepth;
    return snapshot;
}

} // namespace fallback::ui
