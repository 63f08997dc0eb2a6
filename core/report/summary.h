#pragma once

#include "engine/types.h"
#include "stats/stats.h"

#include <nlohmann/json.hpp>

#include <array>
#include <string>
#include <vector>

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

/// What the terminal table shows, already in printed units (latencies in
/// milliseconds): a local run and a live node's stats fill it alike.
struct SummaryTable {
    std::string heading; ///< the first line, without its newline
    std::array<bool, kTierCount> tierEnabled{true, true, true, true};
    std::array<TierCounters, kTierCount> tiers{};
    std::array<LatencySummary, kTierCount> tierLatency{};
    RequestCounters requests;
    LatencySummary latency;
    std::uint64_t kvQueueDepth = 0;
    std::uint64_t servedByTotal = 0; ///< what the served-by shares are of
    struct NamespaceRow {
        std::string name;
        std::uint64_t version = 0;
        RequestCounters requests;
        LatencySummary latency;
    };
    std::vector<NamespaceRow> namespaces; ///< one line each; none, no section
};
std::string renderSummaryTable(const SummaryTable& table);

/// The same summary as a readable table for a terminal.
std::string summaryToTable(const RunSummary& summary);

} // namespace fallback
