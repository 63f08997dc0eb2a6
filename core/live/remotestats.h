#pragma once

// Reading a node's answers back into core types: the stats of
// `GET /v1/admin/stats` (the shape written by report/summary.h) and the
// policy of `GET /v1/admin/policy` (the policy YAML's shape, as JSON).

#include "engine/types.h"
#include "policy/diagnostic.h"
#include "policy/policy.h"
#include "stats/histogram.h"
#include "stats/stats.h"
#include "util/result.h"

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fallback::live {

/// One namespace of a node's stats.
struct RemoteNamespace {
    std::string name;
    std::uint64_t version = 0;
    std::array<TierCounters, kTierCount> tiers{};
    RequestCounters requests;
    LatencySummary latency; ///< milliseconds
};

/// A node's stats as the console shows them: totals and percentiles (the
/// histograms stay on the node), and the 1-second series points sent.
struct RemoteStats {
    std::uint64_t requests = 0;
    std::array<bool, kTierCount> tierEnabled{};
    std::array<TierCounters, kTierCount> tiers{};
    std::array<LatencySummary, kTierCount> tierLatency{}; ///< milliseconds
    RequestCounters counters;
    LatencySummary latency; ///< end to end, milliseconds
    std::vector<RemoteNamespace> namespaces;
    std::vector<SeriesPoint> series; ///< oldest first
    std::uint64_t kvQueueDepth = 0;
    double uptimeSeconds = 0.0;      ///< `wall_seconds` of a node: time since it started
    Micros now = 0;                  ///< the node's clock (`now_ms`), when sent
};

/// Parses a stats document. Missing optional parts (namespaces, series) are
/// empty; a document that is not the stats shape is an error naming the
/// first field that is wrong.
Result<RemoteStats> parseStats(const nlohmann::json& doc);
Result<RemoteStats> parseStats(std::string_view text);

/// The policy as the node serves it: the YAML policy's shape as JSON
/// (`schema`, `defaults`, `namespaces` with `name`, `version`, `ttl`, ...).
/// Durations are written as strings with a unit ("90s"), sizes in bytes.
/// Like writePolicyYaml(), a namespace carries only the values that differ
/// from `defaults` (a namespace inherits the rest), so editing a default in
/// the JSON reaches every namespace that did not override it.
nlohmann::json policyToJson(const Policy& policy);
/// Parses policy JSON (or YAML) text with the policy loader's own rules, so a
/// node and `fallbackctl lint` give the same diagnostics. `label` is the FILE
/// part of each diagnostic.
Loaded<Policy> parsePolicyText(std::string_view text, const std::string& label);

/// The stats as a readable table for a terminal (`fallbackctl stats`): the
/// same layout as summaryToTable(), plus one line per namespace.
std::string remoteStatsToTable(const RemoteStats& stats);

} // namespace fallback::live
