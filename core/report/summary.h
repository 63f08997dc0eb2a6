#pragma once

#include "engine/types.h"
#include "stats/stats.h"

#include <nlohmann/json.hpp>

#include <array>
#include <string>

namespace fallback {

/// What `fallbackctl simulate` reports, and what a node's stats carry.
struct RunSummary {
    EngineStats stats;
    std::array<bool, kTierCount> tierEnabled{true, true, true, true};
    std::uint64_t requests = 0; ///< every request made: reads, writes, deletes
    double wallSeconds = 0.0;
};

/// The `simulate --json` shape of SPEC §5 (contract), plus extra fields
/// (`reads`, `writes`, `virtual_seconds`, `purges`, `kv_queue_depth`, ...).
/// A disabled tier is absent from `tiers`.
nlohmann::json summaryToJson(const RunSummary& summary);

/// The per-namespace part of a node's stats (`namespaces`).
nlohmann::json namespacesToJson(const EngineStats& stats);
/// The 1-second series (`series`): one object per second with activity.
nlohmann::json seriesToJson(const EngineStats& stats);

/// The same summary as a readable table for a terminal.
std::string summaryToTable(const RunSummary& summary);

} // namespace fallback
