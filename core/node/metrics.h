#pragma once

// `GET /metrics`: the node's counters in the Prometheus text format 0.0.4,
// with the metric names of SPEC §6 (contract).

#include "engine/types.h"
#include "policy/cachecontrol.h"
#include "policy/policy.h"
#include "stats/stats.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

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
    std::uint64_t invalidationsRateLimited = 0; ///< purges and bumps refused by --purge-limit
};

/// One store under --data-dir, as health and /metrics report it.
struct StoreReport {
    std::string name;                    ///< `audit_log`, `versions`, `client_cache`
    bool ok = true;                      ///< nothing waits for the disk, no write refused lately
    std::uint64_t writeErrors = 0;       ///< writes the disk refused since start
    std::string lastError;               ///< the latest refusal, kept after recovery
    std::string problem;                 ///< when not ok: why, in words (health's reason)
    std::size_t pendingLines = 0;        ///< audit_log: lines waiting for the disk
    std::uint64_t droppedLines = 0;      ///< audit_log: given up (too many waiting)
    std::uint64_t recentWriteErrors = 0; ///< client_cache: within health's window
};

/// Origin answers for a namespace whose Cache-Control held a directive that
/// binds a shared cache (node/origincachecontrol.h), since start.
struct OriginDirectiveCount {
    std::string ns;
    CacheDirective directive = CacheDirective::SMaxage;
    std::uint64_t answers = 0;
};

/// The whole exposition: HELP and TYPE lines, then the samples:
/// `fallback_tier_lookups_total{tier,namespace,result}`,
/// `fallback_tier_latency_seconds` (histogram by `tier`),
/// `fallback_requests_total{served_by,freshness}` (freshness `none` for failed),
/// `fallback_origin_fetches_total`, `fallback_coalesced_total`,
/// `fallback_purges_total{scope}`, `fallback_namespace_version{namespace}`,
/// and `fallback_kv_queue_depth`, `fallback_uptime_seconds`, and for the
/// stores under --data-dir `fallback_storage_write_errors_total{store}`,
/// `fallback_storage_ok{store}` and `fallback_audit_pending_lines`, and
/// `fallback_origin_cache_control_total{namespace,directive}`.
/// `stats` needs no series (take the snapshot with a large seriesAfter).
std::string renderMetrics(const EngineStats& stats, const Policy& policy,
                          const NodeCounters& counters, double uptimeSeconds,
                          const std::vector<StoreReport>& stores = {},
                          const std::vector<OriginDirectiveCount>& originDirectives = {});

/// Content-Type of the exposition.
constexpr const char* kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

} // namespace fallback::node
