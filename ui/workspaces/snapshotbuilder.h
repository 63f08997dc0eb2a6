#pragma once

#include "stats/stats.h"
#include "workspaces/workspacesnapshot.h"

namespace fallback::ui {

/// Turns an engine's stats into the compact WorkspaceSnapshot views show,
/// remembering which series points were already handed over so that each
/// snapshot carries only the new ones. Used on the thread that owns the
/// engine (a simulation worker, a live poller).
class SnapshotBuilder {
public:
    /// `enabled`: which tiers are on the path.
    WorkspaceSnapshot build(const EngineStats& stats, const Policy& policy,
                            const std::array<bool, kTierCount>& enabled);
    /// The last second already handed over: ask the engine for later ones.
    std::int64_t lastSecond() const { return m_lastSecond; }
    /// The next snapshot starts a new history (after a reset).
    void restart() { m_lastSecond = -1, m_reset = true; }

private:
    std::int64_t m_lastSecond = -1;
    bool m_reset = true;
};

} // namespace fallback::ui
