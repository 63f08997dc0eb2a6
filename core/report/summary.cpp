#include "report/summary.h"

#include "util/text.h"

#include <cstdio>

namespace fallback {

namespace {

nlohmann::json latencyJson(const LatencySummary& s)
{
    return {{"p50", s.p50}, {"p90", s.p90}, {"p95", s.p95}, {"p99", s.p99}, {"max", s.max}};
}

/// A tier's counters; callers add what their shape carries besides.
nlohmann::json countersJson(const TierCounters& c)
{
    return {{"lookups", c.lookups}, {"hits", c.hits},     {"stale_hits", c.staleHits},
            {"misses", c.misses},   {"errors", c.errors}, {"hit_rate", c.hitRate()}};
}

nlohmann::json tierJson(const TierCounters& c, const LatencyHistogram& latency)
{
    nlohmann::json out = countersJson(c);
    out["latency_ms"] = latencyJson(summarizeMicros(latency));
    return out;
}

nlohmann::json servedByJson(const RequestCounters& r)
{
    nlohmann::json out = nlohmann::json::object();
    for (int i = 0; i < kServedByCount; ++i)
        out[std::string(servedByName(static_cast<ServedBy>(i)))] = r.servedBy[i];
    return out;
}

std::string percent(double share)
{
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.2f%%", share * 100.0);
    return buffer;
}

std::string number(double value, const char* format = "%.2f")
{
    char buffer[48];
    std::snprintf(buffer, sizeof buffer, format, value);
    return buffer;
}

std::string pad(const std::string& text, std::size_t width, bool right = true)
{
    if (text.size() >= width)
        return text;
    const std::string fill(width - text.size(), ' ');
    return right ? fill + text : text + fill;
}

} // namespace

nlohmann::json summaryToJson(const RunSummary& summary)
{
    const EngineStats& stats = summary.stats;
    const RequestCounters& r = stats.requests;
    nlohmann::json tiers = nlohmann::json::object();
    for (TierId tier : kAllTiers) {
        const int t = tierIndex(tier);
        if (summary.tierEnabled[t])
            tiers[std::string(tierName(tier))] = tierJson(stats.tiers[t], stats.tierLatency[t]);
    }
    nlohmann::json freshness = nlohmann::json::object();
    for (int f = 0; f < 3; ++f)
        freshness[std::string(freshnessName(static_cast<Freshness>(f)))] = r.freshness[f];

    return {
        {"requests", summary.requests},
        {"tiers", tiers},
        {"served_by", servedByJson(r)},
        {"origin_fetches", r.originFetches},
        {"coalesced", r.coalesced},
        {"stale_served", r.staleServed},
        {"revalidations", r.revalidations},
        {"latency_ms", latencyJson(summarizeMicros(stats.latency))},
        {"wall_seconds", summary.wallSeconds},
        // Extensions beyond the contract:
        {"reads", r.requests},
        {"writes", r.writes},
        {"write_failures", r.writeFailures},
        {"too_large", r.tooLarge},
        {"freshness", freshness},
        {"failed", r.failed},
        {"purges", r.purges},
        {"purged_entries", r.purgedEntries},
        {"bumps", r.bumps},
        {"kv_queued", r.kvQueued},
        {"kv_retries", r.kvRetries},
        {"kv_queue_depth", stats.kvQueueDepth},
        {"virtual_seconds", double(stats.now) / double(kMicrosPerSecond)},
    };
}

nlohmann::json namespacesToJson(const EngineStats& stats)
{
    nlohmann::json out = nlohmann::json::object();
    for (const NamespaceStats& ns : stats.namespaces) {
        if (ns.name.empty())
            continue;
        nlohmann::json tiers = nlohmann::json::object();
        for (TierId tier : kAllTiers) {
            tiers[std::string(tierName(tier))] = countersJson(ns.tiers[tierIndex(tier)]);
        }
        out[ns.name] = {{"version", ns.version},
                        {"reads", ns.requests.requests},
                        {"tiers", tiers},
                        {"served_by", servedByJson(ns.requests)},
                        {"origin_fetches", ns.requests.originFetches},
                        {"coalesced", ns.requests.coalesced},
                        {"stale_served", ns.requests.staleServed},
                        {"revalidations", ns.requests.revalidations},
                        {"purges", ns.requests.purges},
                        {"bumps", ns.requests.bumps},
                        {"latency_ms", latencyJson(summarizeMicros(ns.latency))}};
    }
    return out;
}

nlohmann::json seriesToJson(const EngineStats& stats)
{
    nlohmann::json out = nlohmann::json::array();
    for (const SeriesPoint& p : stats.series) {
        nlohmann::json tiers = nlohmann::json::object();
        for (TierId tier : kAllTiers) {
            const int t = tierIndex(tier);
            nlohmann::json counters = countersJson(p.tiers[t]);
            counters["p50_ms"] = p.tierP50Ms[t];
            counters["p99_ms"] = p.tierP99Ms[t];
            tiers[std::string(tierName(tier))] = std::move(counters);
        }
        out.push_back({{"t", p.second},
                       {"reads", p.requests.requests},
                       {"tiers", tiers},
                       {"served_by", servedByJson(p.requests)},
                       {"stale_served", p.requests.staleServed},
                       {"origin_fetches", p.requests.originFetches},
                       {"coalesced", p.requests.coalesced},
                       {"revalidations", p.requests.revalidations},
                       {"p50_ms", p.p50Ms},
                       {"p99_ms", p.p99Ms}});
    }
    return out;
}

std::string renderSummaryTable(const SummaryTable& table)
{
    const RequestCounters& r = table.requests;
    std::string out = table.heading + "\n\n";
    out += pad("tier", 13, false) + pad("lookups", 11) + pad("hit rate", 10) + pad("hits", 11) +
           pad("stale", 10) + pad("misses", 10) + pad("errors", 9) + pad("p50 ms", 9) +
           pad("p99 ms", 9) + "\n";
    for (TierId tier : kAllTiers) {
        const int t = tierIndex(tier);
        if (!table.tierEnabled[t]) {
            out += pad(std::string(tierName(tier)), 13, false) + "  (disabled)\n";
            continue;
        }
        const TierCounters& c = table.tiers[t];
        const LatencySummary& l = table.tierLatency[t];
        out += pad(std::string(tierName(tier)), 13, false) + pad(std::to_string(c.lookups), 11) +
               pad(percent(c.hitRate()), 10) + pad(std::to_string(c.hits), 11) +
               pad(std::to_string(c.staleHits), 10) + pad(std::to_string(c.misses), 10) +
               pad(std::to_string(c.errors), 9) + pad(number(l.p50), 9) + pad(number(l.p99), 9) +
               "\n";
    }

    out += "\nserved by   ";
    const double reads = table.servedByTotal ? double(table.servedByTotal) : 1.0;
    for (int i = 0; i < kServedByCount; ++i) {
        out += std::string(servedByName(static_cast<ServedBy>(i))) + " " +
               std::to_string(r.servedBy[i]) + " (" + percent(double(r.servedBy[i]) / reads) + ")";
        out += i + 1 < kServedByCount ? ", " : "\n";
    }
    out += "freshness   fresh " + std::to_string(r.freshness[0]) + ", stale " +
           std::to_string(r.freshness[1]) + ", revalidated " + std::to_string(r.freshness[2]) +
           "\n";
    out += "origin      " + std::to_string(r.originFetches) + " fetches (" +
           std::to_string(r.revalidations) + " revalidations), " + std::to_string(r.coalesced) +
           " coalesced\n";
    // A KV queue still waiting is always worth a line, whatever was counted.
    if (r.writes || r.tooLarge || table.kvQueueDepth)
        out += "writes      " + std::to_string(r.writes) + ", " + std::to_string(r.writeFailures) +
               " refused by origin, " + std::to_string(r.tooLarge) + " too large, " +
               std::to_string(r.kvQueued) + " KV queued, " + std::to_string(table.kvQueueDepth) +
               " still waiting\n";
    if (r.purges || r.bumps)
        out += "invalidate  " + countOf(r.purges, "purge", "purges") + " (" +
               countOf(r.purgedEntries, "entry", "entries") + "), " +
               countOf(r.bumps, "bump", "bumps") + "\n";
    const LatencySummary& l = table.latency;
    out += "latency ms  p50 " + number(l.p50) + ", p90 " + number(l.p90) + ", p95 " +
           number(l.p95) + ", p99 " + number(l.p99) + ", max " + number(l.max) + "\n";

    if (!table.namespaces.empty()) {
        out += "\n" + pad("namespace", 20, false) + pad("version", 9) + pad("reads", 11) +
               pad("stale", 10) + pad("origin", 10) + pad("p50 ms", 9) + pad("p99 ms", 9) + "\n";
        for (const SummaryTable::NamespaceRow& ns : table.namespaces) {
            out += pad(ns.name, 20, false) + pad(std::to_string(ns.version), 9) +
                   pad(std::to_string(ns.requests.requests), 11) +
                   pad(std::to_string(ns.requests.staleServed), 10) +
                   pad(std::to_string(ns.requests.originFetches), 10) +
                   pad(number(ns.latency.p50), 9) + pad(number(ns.latency.p99), 9) + "\n";
        }
    }
    return out;
}

std::string summaryToTable(const RunSummary& summary)
{
    const EngineStats& stats = summary.stats;
    SummaryTable table;
    table.heading = "requests " + std::to_string(summary.requests) + " (" +
                    std::to_string(stats.requests.requests) + " reads, " +
                    std::to_string(stats.requests.writes) + " writes) over " +
                    number(double(stats.now) / double(kMicrosPerSecond), "%.1f") +
                    " s of virtual time in " + number(summary.wallSeconds, "%.3f") + " s";
    table.tierEnabled = summary.tierEnabled;
    table.tiers = stats.tiers;
    for (std::size_t t = 0; t < kTierCount; ++t)
        table.tierLatency[t] = summarizeMicros(stats.tierLatency[t]);
    table.requests = stats.requests;
    table.latency = summarizeMicros(stats.latency);
    table.kvQueueDepth = stats.kvQueueDepth;
    table.servedByTotal = stats.requests.requests;
    return renderSummaryTable(table);
}

} // namespace fallback
