#pragma once

// `GET /metrics`: the node's counters in the Prometheus text format 0.0.4,
// with the metric names of SPEC §6 (contract).

#include "engine/types.h"
#include "policy/policy.h"
#include "stats/stats.h"

#include <array>
#include <cstdint>
#include <string>

namespace fallback::node {

enum class PurgeKind : std::uint8_t { Key = 0, Namespace = 1, All = 2 };
std::string_view purgeKindName(PurgeKind kind); ///< `key`, `namespace`, `all`

/// What the node counts itself, besides the engine's statistics. Engine's
/// thread only.
struct NodeCounters {
    /// Reads answered, by served-by (ServedBy index) and freshness (Freshness
    /// index); a failed read (503) counts under [Failed][0].
    std::array<std::array<std::uint64_t, 3>, kServedByCount> reads{};
    std::array<std::uint64_t, 3> purges{}; ///< by PurgeKind
    std::uint64_t dataRequests = 0;        ///< reads, writes and deletes received
};

/// The whole exposition: HELP and TYPE lines, then the samples:
/// `fallback_tier_lookups_total{tier,namespace,result}`,
/// `fallback_tier_latency_seconds` (histogram by `tier`),
/// `fallback_requests_total{served_by,freshness}` (freshness `none` for failed),
/// `fallback_origin_fetches_total`, `fallback_coalesced_total`,
/// `fallback_purges_total{scope}`, `fallback_namespace_version{namespace}`,
/// and `fallback_kv_queue_depth`, `fallback_uptime_seconds`.
/// `stats` needs no series (take the snapshot with a large seriesAfter).
std::string renderMetrics(const EngineStats& stats, const Policy& policy,
                          const NodeCounters& counters, double uptimeSeconds);

/// Content-Type of the exposition.
constexpr const char* kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

} // namespace fallback::node
