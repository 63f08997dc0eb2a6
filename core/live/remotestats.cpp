#include "live/remotestats.h"

#include "policy/policyloader.h"
#include "report/summary.h"

#include <cmath>
#include <cstdio>

namespace fallback::live {

namespace {

constexpr const char* kCounterNames[] = {"lookups", "hits", "stale_hits", "misses", "errors"};

/// Walks a stats document and keeps the first problem only: one message
/// naming the field is what a user (or a log) needs, and going on after a
/// wrong type would only repeat it.
class StatsReader {
public:
    bool failed() const { return !m_error.empty(); }
    const std::string& error() const { return m_error; }

    void fail(const std::string& path, const std::string& what)
    {
        if (m_error.empty())
            m_error = "stats field '" + path + "' " + what;
    }

    /// The member `key` of `obj`, or null after reporting it missing (when required).
    const nlohmann::json* member(const nlohmann::json& obj, const std::string& path,
                                 const char* key, bool required)
    {
        auto it = obj.find(key);
        if (it == obj.end()) {
            if (required)
                fail(join(path, key), "is missing");
            return nullptr;
        }
        return &*it;
    }

    const nlohmann::json* object(const nlohmann::json& obj, const std::string& path, const char* key,
                                 bool required)
    {
        const nlohmann::json* value = member(obj, path, key, required);
        if (value && !value->is_object()) {
            fail(join(path, key), "is not an object");
            return nullptr;
        }
        return value;
    }

    std::uint64_t count(const nlohmann::json& obj, const std::string& path, const char* key,
                        bool required = true)
    {
        const nlohmann::json* value = member(obj, path, key, required);
        if (!value)
            return 0;
        if (value->is_number_unsigned())
            return value->get<std::uint64_t>();
        if (value->is_number_integer() && value->get<std::int64_t>() >= 0)
            return static_cast<std::uint64_t>(value->get<std::int64_t>());
        fail(join(path, key), "is not a non-negative integer");
        return 0;
    }

    std::int64_t integer(const nlohmann::json& obj, const std::string& path, const char* key,
                         bool required = true)
    {
        const nlohmann::json* value = member(obj, path, key, required);
        if (!value)
            return 0;
        if (value->is_number_integer())
            return value->get<std::int64_t>();
        fail(join(path, key), "is not an integer");
        return 0;
    }

    double number(const nlohmann::json& obj, const std::string& path, const char* key,
                  bool required = true)
    {
        const nlohmann::json* value = member(obj, path, key, required);
        if (!value)
            return 0.0;
        if (value->is_number() && std::isfinite(value->get<double>()))
            return value->get<double>();
        fail(join(path, key), "is not a number");
        return 0.0;
    }

    TierCounters counters(const nlohmann::json& obj, const std::string& path)
    {
        TierCounters c;
        std::uint64_t* fields[] = {&c.lookups, &c.hits, &c.staleHits, &c.misses, &c.errors};
        for (std::size_t i = 0; i < std::size(kCounterNames); ++i)
            *fields[i] = count(obj, path, kCounterNames[i]);
        return c;
    }

    LatencySummary latency(const nlohmann::json& obj, const std::string& path, bool required = true)
    {
        LatencySummary s;
        const nlohmann::json* l = object(obj, path, "latency_ms", required);
        if (!l)
            return s;
        const std::string at = join(path, "latency_ms");
        s.p50 = number(*l, at, "p50");
        s.p90 = number(*l, at, "p90");
        s.p95 = number(*l, at, "p95");
        s.p99 = number(*l, at, "p99");
        s.max = number(*l, at, "max");
        return s;
    }

    void servedBy(const nlohmann::json& obj, const std::string& path, RequestCounters& r,
                  bool required = true)
    {
        const nlohmann::json* s = object(obj, path, "served_by", required);
        if (!s)
            return;
        const std::string at = join(path, "served_by");
        for (int i = 0; i < kServedByCount; ++i)
            r.servedBy[i] = count(*s, at, std::string(servedByName(static_cast<ServedBy>(i))).c_str());
    }

    static std::string join(const std::string& path, const char* key)
    {
        return path.empty() ? std::string(key) : path + "." + key;
    }

private:
    std::string m_error;
};

void readNamespaces(const nlohmann::json& doc, StatsReader& in, RemoteStats& out)
{
    const nlohmann::json* namespaces = in.object(doc, {}, "namespaces", false);
    if (!namespaces)
        return;
    for (auto it = namespaces->begin(); it != namespaces->end() && !in.failed(); ++it) {
        const std::string at = "namespaces." + it.key();
        if (!it.value().is_object()) {
            in.fail(at, "is not an object");
            break;
        }
        const nlohmann::json& n = it.value();
        RemoteNamespace ns;
        ns.name = it.key();
        ns.version = in.count(n, at, "version");
        ns.requests.requests = in.count(n, at, "reads");
        if (const nlohmann::json* tiers = in.object(n, at, "tiers", true)) {
            for (TierId tier : kAllTiers) {
                const std::string name(tierName(tier));
                if (const nlohmann::json* t = in.object(*tiers, at + ".tiers", name.c_str(), false))
                    ns.tiers[tierIndex(tier)] = in.counters(*t, at + ".tiers." + name);
            }
        }
        in.servedBy(n, at, ns.requests);
        ns.requests.originFetches = in.count(n, at, "origin_fetches");
        ns.requests.coalesced = in.count(n, at, "coalesced");
        ns.requests.staleServed = in.count(n, at, "stale_served");
        ns.requests.revalidations = in.count(n, at, "revalidations");
        ns.requests.purges = in.count(n, at, "purges", false);
        ns.requests.bumps = in.count(n, at, "bumps", false);
        ns.latency = in.latency(n, at);
        out.namespaces.push_back(std::move(ns));
    }
}

void readSeries(const nlohmann::json& doc, StatsReader& in, RemoteStats& out)
{
    const nlohmann::json* series = in.member(doc, {}, "series", false);
    if (!series)
        return;
    if (!series->is_array()) {
        in.fail("series", "is not a list");
        return;
    }
    out.series.reserve(series->size());
    for (std::size_t i = 0; i < series->size() && !in.failed(); ++i) {
        const std::string at = "series[" + std::to_string(i) + "]";
        const nlohmann::json& p = (*series)[i];
        if (!p.is_object()) {
            in.fail(at, "is not an object");
            break;
        }
        SeriesPoint point;
        point.second = in.integer(p, at, "t");
        point.requests.requests = in.count(p, at, "reads");
        if (const nlohmann::json* tiers = in.object(p, at, "tiers", true)) {
            for (TierId tier : kAllTiers) {
                const int t = tierIndex(tier);
                const std::string name(tierName(tier));
                const std::string tierAt = at + ".tiers." + name;
                if (const nlohmann::json* c = in.object(*tiers, at + ".tiers", name.c_str(), false)) {
                    point.tiers[t] = in.counters(*c, tierAt);
                    point.tierP50Ms[t] = static_cast<float>(in.number(*c, tierAt, "p50_ms", false));
                    point.tierP99Ms[t] = static_cast<float>(in.number(*c, tierAt, "p99_ms", false));
                }
            }
        }
        in.servedBy(p, at, point.requests);
        point.requests.staleServed = in.count(p, at, "stale_served");
        point.requests.originFetches = in.count(p, at, "origin_fetches");
        point.requests.coalesced = in.count(p, at, "coalesced");
        point.requests.revalidations = in.count(p, at, "revalidations");
        point.p50Ms = static_cast<float>(in.number(p, at, "p50_ms"));
        point.p99Ms = static_cast<float>(in.number(p, at, "p99_ms"));
        if (!out.series.empty() && point.second <= out.series.back().second && !in.failed()) {
            in.fail(at + ".t", "does not follow the previous point (series are oldest first)");
            break;
        }
        out.series.push_back(std::move(point));
    }
}

nlohmann::json tunablesJson(const NamespacePolicy& ns, const PolicyDefaults* inherit)
{
    nlohmann::json out = nlohmann::json::object();
    if (!inherit || ns.ttl != inherit->ttl)
        out["ttl"] = formatDuration(ns.ttl);
    if (!inherit || ns.staleWhileRevalidate != inherit->staleWhileRevalidate)
        out["stale_while_revalidate"] = formatDuration(ns.staleWhileRevalidate);
    if (!inherit || ns.staleIfError != inherit->staleIfError)
        out["stale_if_error"] = formatDuration(ns.staleIfError);
    if (!inherit || ns.maxObjectSize != inherit->maxObjectSize)
        out["max_object_size"] = ns.maxObjectSize;
    if (!inherit || ns.writeMode != inherit->writeMode)
        out["write_mode"] = std::string(writeModeName(ns.writeMode));
    return out;
}

} // namespace

Result<RemoteStats> parseStats(const nlohmann::json& doc)
{
    if (!doc.is_object())
        return Error{"invalid_stats", "the stats are not a JSON object"};
    StatsReader in;
    RemoteStats out;
    const std::string top;

    out.requests = in.count(doc, top, "requests");
    if (const nlohmann::json* tiers = in.object(doc, top, "tiers", true)) {
        // A disabled tier is absent (SPEC §5): presence is what enables it.
        for (TierId tier : kAllTiers) {
            const int t = tierIndex(tier);
            const std::string name(tierName(tier));
            const nlohmann::json* c = in.object(*tiers, "tiers", name.c_str(), false);
            if (!c)
                continue;
            out.tierEnabled[t] = true;
            out.tiers[t] = in.counters(*c, "tiers." + name);
            out.tierLatency[t] = in.latency(*c, "tiers." + name);
        }
    }
    RequestCounters& r = out.counters;
    in.servedBy(doc, top, r);
    r.originFetches = in.count(doc, top, "origin_fetches");
    r.coalesced = in.count(doc, top, "coalesced");
    r.staleServed = in.count(doc, top, "stale_served");
    r.revalidations = in.count(doc, top, "revalidations");
    out.latency = in.latency(doc, top);
    out.uptimeSeconds = in.number(doc, top, "wall_seconds");

    // Extensions beyond the contract: a node may leave any of them out.
    r.requests = in.count(doc, top, "reads", false);
    r.writes = in.count(doc, top, "writes", false);
    r.writeFailures = in.count(doc, top, "write_failures", false);
    r.tooLarge = in.count(doc, top, "too_large", false);
    r.failed = in.count(doc, top, "failed", false);
    r.purges = in.count(doc, top, "purges", false);
    r.purgedEntries = in.count(doc, top, "purged_entries", false);
    r.bumps = in.count(doc, top, "bumps", false);
    r.kvQueued = in.count(doc, top, "kv_queued", false);
    r.kvRetries = in.count(doc, top, "kv_retries", false);
    r.kvSuperseded = in.count(doc, top, "kv_superseded", false);
    out.kvQueueDepth = in.count(doc, top, "kv_queue_depth", false);
    if (const nlohmann::json* freshness = in.object(doc, top, "freshness", false)) {
        for (int f = 0; f < 3; ++f)
            r.freshness[f] = in.count(*freshness, "freshness",
                                      std::string(freshnessName(static_cast<Freshness>(f))).c_str());
    }
    if (doc.contains("now_ms"))
        out.now = in.integer(doc, top, "now_ms") * kMicrosPerMilli;
    else if (doc.contains("virtual_seconds"))
        out.now = static_cast<Micros>(std::llround(in.number(doc, top, "virtual_seconds") * double(kMicrosPerSecond)));

    readNamespaces(doc, in, out);
    readSeries(doc, in, out);
    if (in.failed())
        return Error{"invalid_stats", in.error()};
    return out;
}

Result<RemoteStats> parseStats(std::string_view text)
{
    // The JSON library reports a bad document only by exception: a syntax
    // error (parse_error) or a number too big for a double (out_of_range
    // 406). Catching their base here keeps the boundary exception-free.
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        std::string what = e.what();
        if (auto at = what.find("] "); at != std::string::npos)
            what = what.substr(at + 2);
        return Error{"invalid_json", "the stats are not valid JSON: " + what};
    }
    return parseStats(doc);
}

nlohmann::json policyToJson(const Policy& policy)
{
    nlohmann::json defaults;
    const PolicyDefaults& d = policy.defaults;
    defaults["ttl"] = formatDuration(d.ttl);
    defaults["stale_while_revalidate"] = formatDuration(d.staleWhileRevalidate);
    defaults["stale_if_error"] = formatDuration(d.staleIfError);
    defaults["max_object_size"] = d.maxObjectSize;
    defaults["write_mode"] = std::string(writeModeName(d.writeMode));

    nlohmann::json namespaces = nlohmann::json::array();
    for (const NamespacePolicy& ns : policy.namespaces) {
        // Like writePolicyYaml: only what differs from the defaults, so that a
        // later change of a default still reaches the namespaces that inherit it.
        nlohmann::json item = tunablesJson(ns, &d);
        item["name"] = ns.name;
        item["version"] = ns.version;
        namespaces.push_back(std::move(item));
    }
    return {{"schema", policy.schema}, {"defaults", std::move(defaults)}, {"namespaces", std::move(namespaces)}};
}

Loaded<Policy> parsePolicyText(std::string_view text, const std::string& label)
{
    // YAML is a superset of JSON except for one thing pretty-printers do:
    // tabs as indentation. A tab can only appear in valid JSON as whitespace
    // (inside strings it must be escaped), so turning each into one space
    // keeps every line and column the same for the diagnostics.
    std::size_t first = text.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos && (text[first] == '{' || text[first] == '[')
        && text.find('\t') != std::string_view::npos) {
        std::string copy(text);
        for (char& c : copy)
            if (c == '\t')
                c = ' ';
        return parsePolicyYaml(copy, label);
    }
    return parsePolicyYaml(text, label);
}

std::string remoteStatsToTable(const RemoteStats& stats)
{
    SummaryTable table;
    char uptime[32];
    std::snprintf(uptime, sizeof uptime, "%.0f", stats.uptimeSeconds);
    table.heading = "requests " + std::to_string(stats.requests) + " (" +
                    std::to_string(stats.counters.requests) + " reads, " +
                    std::to_string(stats.counters.writes) + " writes), up " + uptime + " s";
    table.tierEnabled = stats.tierEnabled;
    table.tiers = stats.tiers;
    table.tierLatency = stats.tierLatency;
    table.requests = stats.counters;
    table.latency = stats.latency;
    table.kvQueueDepth = stats.kvQueueDepth;
    // Reads still in flight on the node are counted in `requests` but not
    // yet served: the shares are of the reads answered.
    for (std::uint64_t n : stats.counters.servedBy)
        table.servedByTotal += n;
    for (const RemoteNamespace& ns : stats.namespaces)
        table.namespaces.push_back({ns.name, ns.version, ns.requests, ns.latency});
    return renderSummaryTable(table);
}

} // namespace fallback::live
