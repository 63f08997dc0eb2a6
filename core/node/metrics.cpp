#include "node/metrics.h"

#include <cstdio>

namespace fallback::node {

namespace {

/// Bucket bounds of the latency histogram, in seconds: from 100 µs (an
/// in-process hit) to 10 s (the origin's default timeout).
constexpr double kLatencyBounds[] = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                     0.025,  0.05,    0.1,    0.25,  0.5,    1.0,   2.5,
                                     5.0,    10.0};

constexpr const char* kResultNames[] = {"hit", "stale", "miss", "error"};

void header(std::string& out, const char* name, const char* type, const char* help)
{
    out += "# HELP ";
    out += name;
    out += ' ';
    out += help;
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += type;
    out += '\n';
}

/// A label value with `\`, `"` and newlines escaped (exposition format).
std::string labelValue(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        if (c == '\\' || c == '"') {
            out.push_back('\\');
            out.push_back(c);
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out.push_back(c);
        }
    }
    return out;
}

std::string number(double value)
{
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%.9g", value);
    return buffer;
}

void sample(std::string& out, const char* name, const std::string& labels, std::uint64_t value)
{
    out += name;
    if (!labels.empty()) {
        out += '{';
        out += labels;
        out += '}';
    }
    out += ' ';
    out += std::to_string(value);
    out += '\n';
}

} // namespace

std::string_view purgeKindName(PurgeKind kind)
{
    switch (kind) {
    case PurgeKind::Key: return "key";
    case PurgeKind::Namespace: return "namespace";
    case PurgeKind::All: return "all";
    }
    return "all";
}

std::string renderMetrics(const EngineStats& stats, const Policy& policy,
                          const NodeCounters& counters, double uptimeSeconds,
                          const std::vector<StoreReport>& stores,
                          const std::vector<OriginDirectiveCount>& originDirectives)
{
    std::string out;
    out.reserve(16 * 1024);

    header(out, "fallback_tier_lookups_total", "counter",
           "Tier lookups by tier, namespace and result (hit = fresh, stale, miss, error).");
    for (const NamespaceStats& ns : stats.namespaces) {
        if (ns.name.empty())
            continue;
        const std::string nsLabel = labelValue(ns.name);
        for (TierId tier : kAllTiers) {
            const TierCounters& c = ns.tiers[tierIndex(tier)];
            const std::uint64_t values[] = {c.hits, c.staleHits, c.misses, c.errors};
            for (int r = 0; r < 4; ++r) {
                sample(out, "fallback_tier_lookups_total",
                       "tier=\"" + std::string(tierName(tier)) + "\",namespace=\"" + nsLabel +
                           "\",result=\"" + kResultNames[r] + "\"",
                       values[r]);
            }
        }
    }

    header(out, "fallback_tier_latency_seconds", "histogram",
           "Latency of tier calls in seconds, by tier.");
    for (TierId tier : kAllTiers) {
        const LatencyHistogram& h = stats.tierLatency[tierIndex(tier)];
        const std::string tierLabel = "tier=\"" + std::string(tierName(tier)) + "\"";
        for (double bound : kLatencyBounds) {
            const auto micros = static_cast<std::uint64_t>(bound * 1e6 + 0.5);
            sample(out, "fallback_tier_latency_seconds_bucket",
                   tierLabel + ",le=\"" + number(bound) + "\"", h.countAtOrBelow(micros));
        }
        sample(out, "fallback_tier_latency_seconds_bucket", tierLabel + ",le=\"+Inf\"", h.count());
        out += "fallback_tier_latency_seconds_sum{" + tierLabel + "} " +
               number(h.approximateSum() / 1e6) + "\n";
        sample(out, "fallback_tier_latency_seconds_count", tierLabel, h.count());
    }

    header(out, "fallback_requests_total", "counter",
           "Reads answered, by the tier that served them and freshness.");
    for (int who = 0; who < kServedByCount; ++who) {
        const auto served = static_cast<ServedBy>(who);
        const std::string whoLabel = "served_by=\"" + std::string(servedByName(served)) + "\"";
        if (served == ServedBy::Failed) {
            sample(out, "fallback_requests_total", whoLabel + ",freshness=\"none\"",
                   counters.reads[who][0]);
            continue;
        }
        for (int f = 0; f < 3; ++f) {
            sample(out, "fallback_requests_total",
                   whoLabel + ",freshness=\"" +
                       std::string(freshnessName(static_cast<Freshness>(f))) + "\"",
                   counters.reads[who][f]);
        }
    }

    header(out, "fallback_origin_fetches_total", "counter",
           "Requests the origin received, background revalidations included.");
    sample(out, "fallback_origin_fetches_total", {}, stats.requests.originFetches);
    header(out, "fallback_coalesced_total", "counter",
           "Reads and revalidations that joined an origin fetch already in flight.");
    sample(out, "fallback_coalesced_total", {}, stats.requests.coalesced);

    header(out, "fallback_purges_total", "counter", "Purges by scope (key, namespace, all).");
    for (int k = 0; k < 3; ++k) {
        sample(out, "fallback_purges_total",
               "scope=\"" + std::string(purgeKindName(static_cast<PurgeKind>(k))) + "\"",
               counters.purges[k]);
    }

    header(out, "fallback_invalidations_rate_limited_total", "counter",
           "Purges and bumps refused with 429 by the node's --purge-limit.");
    sample(out, "fallback_invalidations_rate_limited_total", {}, counters.invalidationsRateLimited);

    header(out, "fallback_namespace_version", "gauge",
           "Current version of each namespace of the policy in force.");
    for (const NamespacePolicy& ns : policy.namespaces)
        sample(out, "fallback_namespace_version", "namespace=\"" + labelValue(ns.name) + "\"",
               ns.version);

    header(out, "fallback_kv_queue_depth", "gauge", "Edge KV writes waiting for retry.");
    sample(out, "fallback_kv_queue_depth", {}, stats.kvQueueDepth);
    header(out, "fallback_uptime_seconds", "gauge", "Seconds since the node started.");
    out += "fallback_uptime_seconds " + number(uptimeSeconds) + "\n";
    header(out, "fallback_origin_cache_control_total", "counter",
           "Origin answers whose Cache-Control binds a shared cache (s-maxage, proxy-revalidate, "
           "must-revalidate, no-cache, no-store, private), by namespace and directive.");
    for (const OriginDirectiveCount& count : originDirectives)
        sample(out, "fallback_origin_cache_control_total",
               "namespace=\"" + labelValue(count.ns) + "\",directive=\"" +
                   std::string(cacheDirectiveName(count.directive)) + "\"",
               count.answers);

    if (stores.empty())
        return out;
    header(out, "fallback_storage_write_errors_total", "counter",
           "Writes the disk refused (full, file-size limit, I/O error), by store under the "
           "data dir.");
    for (const StoreReport& store : stores)
        sample(out, "fallback_storage_write_errors_total", "store=\"" + store.name + "\"",
               store.writeErrors);
    header(out, "fallback_storage_ok", "gauge",
           "1 when nothing of the store waits for the disk and no write was refused lately.");
    for (const StoreReport& store : stores)
        sample(out, "fallback_storage_ok", "store=\"" + store.name + "\"", store.ok ? 1 : 0);
    for (const StoreReport& store : stores) {
        if (store.name != "audit_log")
            continue;
        header(out, "fallback_audit_pending_lines", "gauge",
               "Audit lines kept in memory until the disk takes them.");
        sample(out, "fallback_audit_pending_lines", {}, store.pendingLines);
    }
    return out;
}

} // namespace fallback::node
