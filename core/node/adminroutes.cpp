// The admin plane (SPEC §6): health, stats, policy with ETag / If-Match,
// purge, bump, and /metrics. Every change is audited and the namespace
// versions are saved before the answer goes out.

#include "node/nodeservice.h"

#include "live/remotestats.h"
#include "node/urlcodec.h"
#include "node/versionstore.h"
#include "policy/key.h"
#include "report/summary.h"
#include "util/text.h"

#include <charconv>
#include <cstdio>
#include <limits>

namespace fallback::node {

namespace {

constexpr std::size_t kMaxPurgeKeys = 10000;
/// Keys named in an audit line; the rest are counted.
constexpr std::size_t kAuditedKeys = 20;

/// True when an If-Match value (a list of entity tags, or `*`) names `etag`
/// (quoted). A weak tag (`W/"..."`) and a bare unquoted one are accepted too:
/// some tools drop the quotes.
bool etagMatches(std::string_view ifMatch, std::string_view etag)
{
    const std::string_view bare = etag.substr(1, etag.size() - 2);
    while (!ifMatch.empty()) {
        const std::size_t comma = ifMatch.find(',');
        std::string_view tag = trimSpaces(ifMatch.substr(0, comma));
        if (tag == "*")
            return true;
        if (tag.substr(0, 2) == "W/")
            tag.remove_prefix(2);
        if (tag == etag || tag == bare)
            return true;
        if (comma == std::string_view::npos)
            break;
        ifMatch.remove_prefix(comma + 1);
    }
    return false;
}

HttpResponse badPurge(std::string_view why)
{
    return errorResponse(400, why,
                         {{"expected", R"({"keys":["ns:id",...]}, {"namespace":"ns"} or {"all":true})"}});
}

} // namespace

std::string NodeService::policyEtag() const
{
    // FNV-1a over the canonical JSON (nlohmann sorts object keys): equal
    // policies give equal tags, any change (a bump included) a new one.
    const std::string text = live::policyToJson(m_engine.policy()).dump();
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (unsigned char c : text) {
        hash ^= c;
        hash *= 0x100000001b3ULL;
    }
    char buffer[24];
    std::snprintf(buffer, sizeof buffer, "\"%016llx\"", static_cast<unsigned long long>(hash));
    return buffer;
}

HttpResponse NodeService::health() const
{
    const TierCounters& origin = m_engine.stats().tiers()[tierIndex(TierId::Origin)];
    const HealthSample& base = m_healthWindow.front(); // never empty: seeded at start
    const std::uint64_t recentFetches = origin.lookups - base.lookups;
    const std::uint64_t recentErrors = origin.errors - base.errors;
    const std::size_t kvDepth = m_engine.kvQueueDepth();
    const bool originFailing = recentErrors > 0 && recentErrors * 2 > recentFetches;
    // Why it is degraded, in words (the console shows this `reason`).
    std::vector<std::string> reasons;
    if (originFailing)
        reasons.push_back("origin: " + std::to_string(recentErrors) + " of " +
                          countOf(recentFetches, "fetch", "fetches") + " failed in the last " +
                          std::to_string(m_options.healthWindowSeconds) + " s");
    if (kvDepth > 0)
        reasons.push_back("edge KV: " + countOf(kvDepth, "write", "writes") + " waiting for retry");
    nlohmann::json storageJson = nlohmann::json::object();
    for (const StoreReport& store : storage()) {
        nlohmann::json& one = storageJson[store.name];
        one = {{"ok", store.ok}, {"write_errors", store.writeErrors}, {"last_error", store.lastError}};
        if (store.name == "audit_log") {
            one["pending_lines"] = store.pendingLines;
            one["dropped_lines"] = store.droppedLines;
        } else if (store.name == "client_cache") {
            one["recent_write_errors"] = store.recentWriteErrors;
        }
        if (!store.ok)
            reasons.push_back(store.problem);
    }
    const bool degraded = !reasons.empty();
    nlohmann::json body = {{"status", degraded ? "degraded" : "ok"},
                           {"uptime_seconds", uptimeSeconds()},
                           {"origin",
                            {{"recent_errors", recentErrors},
                             {"recent_fetches", recentFetches},
                             {"window_seconds", m_options.healthWindowSeconds},
                             {"in_flight", m_engine.inFlightFetches()}}},
                           {"kv_queue_depth", kvDepth},
                           {"policy_etag", policyEtag()},
                           {"version", m_options.version}};
    if (!storageJson.empty())
        body["storage"] = std::move(storageJson);
    // Advice, not trouble: the node serves as its policy says.
    if (nlohmann::json seen = originCacheControlJson(); !seen.empty())
        body["origin_cache_control"] = std::move(seen);
    if (const std::vector<std::string> warnings = originWarnings(); !warnings.empty())
        body["warnings"] = warnings;
    if (m_purgeLimiter) {
        const PurgeLimiter::Verdict now = m_purgeLimiter->state(m_clock.now());
        body["purge_limit"] = {{"limit", m_purgeLimiter->spec().count},
                               {"window_seconds", m_purgeLimiter->spec().window / kMicrosPerSecond},
                               {"remaining", now.remaining},
                               {"full_in_seconds", now.fullInSeconds()}};
    }
    if (degraded) {
        std::string reason;
        for (const std::string& part : reasons)
            reason += (reason.empty() ? "" : "; ") + part;
        body["reason"] = reason;
    }
    return jsonResponse(200, body);
}

HttpResponse NodeService::stats(const HttpRequest& request) const
{
    std::int64_t seriesAfter = -1;
    if (const std::string_view query = splitTarget(request.target).query; !query.empty()) {
        if (const std::optional<std::string> value = queryValue(query, "series_after")) {
            const char* end = value->data() + value->size();
            const auto [ptr, ec] = std::from_chars(value->data(), end, seriesAfter);
            if (ec != std::errc() || ptr != end || value->empty())
                return errorResponse(400, "series_after must be a whole number of seconds");
        }
    }
    RunSummary summary;
    summary.stats = m_engine.snapshot(seriesAfter);
    for (TierId tier : kAllTiers)
        summary.tierEnabled[tierIndex(tier)] = m_engine.tier(tier) != nullptr;
    summary.requests = m_counters.dataRequests;
    summary.wallSeconds = uptimeSeconds();
    nlohmann::json doc = summaryToJson(summary);
    doc["namespaces"] = namespacesToJson(summary.stats);
    doc["series"] = seriesToJson(summary.stats);
    doc["now_ms"] = summary.stats.now / kMicrosPerMilli;
    doc["policy_etag"] = policyEtag();
    return jsonResponse(200, doc);
}

HttpResponse NodeService::auditPage(const HttpRequest& request) const
{
    std::optional<std::uint64_t> after;
    std::size_t limit = AuditTail::kDefaultPage;
    const std::string_view query = splitTarget(request.target).query;
    auto number = [&](const char* name, std::uint64_t& out) {
        const std::optional<std::string> value = queryValue(query, name);
        if (!value)
            return true;
        const char* end = value->data() + value->size();
        const auto [ptr, ec] = std::from_chars(value->data(), end, out);
        return ec == std::errc() && ptr == end && !value->empty();
    };
    std::uint64_t afterValue = 0, limitValue = limit;
    if (!number("after", afterValue))
        return errorResponse(400, "after must be a record number (a whole number)");
    if (!number("limit", limitValue) || limitValue == 0 || limitValue > AuditTail::kMaxPage)
        return errorResponse(400, "limit must be a whole number from 1 to " +
                                      std::to_string(AuditTail::kMaxPage));
    if (queryValue(query, "after"))
        after = afterValue;
    limit = static_cast<std::size_t>(limitValue);
    return jsonResponse(200, m_auditTail.page(after, limit));
}

HttpResponse NodeService::getPolicy() const
{
    HttpResponse response = jsonResponse(200, live::policyToJson(m_engine.policy()));
    response.addHeader("ETag", policyEtag());
    return response;
}

HttpResponse NodeService::putPolicy(const HttpRequest& request)
{
    const std::string current = policyEtag();
    const std::string* ifMatch = request.header("if-match");
    if (!ifMatch) {
        return errorResponse(428, "If-Match is required: GET the policy and send its ETag back "
                                  "(or * to replace whatever is in force)",
                             {{"etag", current}});
    }
    if (!etagMatches(*ifMatch, current)) {
        audit(request, "policy", "policy", "refused: the policy changed (stale ETag)", false);
        return errorResponse(412, "the policy changed since it was read (stale ETag)",
                             {{"etag", current}});
    }
    const Loaded<Policy> loaded = live::parsePolicyText(request.body, "<body>");
    if (!loaded.ok()) {
        nlohmann::json diagnostics = nlohmann::json::array();
        for (const Diagnostic& d : loaded.diagnostics.items())
            diagnostics.push_back(d.format());
        audit(request, "policy", "policy", "refused: invalid policy", false);
        return errorResponse(400, "invalid policy", {{"diagnostics", diagnostics}});
    }
    const Policy& next = *loaded.value;
    // A namespace dropped from the policy and now back must not come back
    // below a version it had: its old entries would be reachable again.
    if (m_versions) {
        for (const NamespacePolicy& ns : next.namespaces) {
            const std::uint64_t saved = m_versions->version(ns.name);
            if (!m_engine.policy().find(ns.name) && saved > ns.version) {
                const std::string why = "namespace '" + ns.name + "' would go back from version " +
                                        std::to_string(saved) + " to " +
                                        std::to_string(ns.version) +
                                        "; versions only move forward (bump)";
                audit(request, "policy", "policy", "refused: " + why, false);
                return errorResponse(409, why, {{"etag", current}});
            }
        }
    }
    if (const Status applied = m_engine.applyPolicy(next); !applied) {
        audit(request, "policy", "policy", "refused: " + applied.error().message, false);
        return errorResponse(409, applied.error().message,
                             {{"code", applied.error().code}, {"etag", current}});
    }
    std::vector<std::string> warnings;
    persistVersions(warnings);
    // What the new policy does that the origin forbids.
    for (std::string& warning : originWarnings())
        warnings.push_back(std::move(warning));
    const std::string etag = policyEtag();
    audit(request, "policy", "policy", "applied, etag " + current + " -> " + etag, true, &warnings);
    // The body is the policy (a client may PUT it back): warnings go in headers only.
    HttpResponse response = jsonResponse(200, live::policyToJson(m_engine.policy()));
    response.addHeader("ETag", etag);
    addWarnings(response, warnings);
    return response;
}

NodeService::PurgePlan NodeService::planPurge(const nlohmann::json& body) const
{
    PurgePlan plan;
    auto fail = [&plan](std::string_view why) {
        plan.error = badPurge(why);
        return plan;
    };
    if (!body.is_object())
        return fail("the body must be a JSON object");
    for (auto it = body.begin(); it != body.end(); ++it) {
        if (it.key() != "keys" && it.key() != "namespace" && it.key() != "all" &&
            it.key() != "dry_run")
            return fail("unknown member '" + it.key() + "'");
    }
    if (const auto dryRun = body.find("dry_run"); dryRun != body.end()) {
        if (!dryRun->is_boolean())
            return fail("dry_run must be true or false");
        plan.dryRun = dryRun->get<bool>();
    }
    if (body.size() != (body.contains("dry_run") ? 2u : 1u))
        return fail("give exactly one of keys, namespace or all");

    const KeySpace& keys = m_engine.keys();
    if (const auto it = body.find("keys"); it != body.end()) {
        if (!it->is_array() || it->empty() || it->size() > kMaxPurgeKeys)
            return fail("keys must be a list of 1 to 10000 \"ns:id\" strings");
        // Every key is checked before any is purged: all or nothing.
        plan.kind = PurgeKind::Key;
        plan.target = "keys ";
        for (const nlohmann::json& item : *it) {
            if (!item.is_string())
                return fail("keys must be a list of \"ns:id\" strings");
            std::string why;
            const std::optional<ResourceAddress> address =
                parseResourceAddress(item.get<std::string>(), &why);
            if (!address)
                return fail(why);
            if (std::string bad = checkResourceId(address->id); !bad.empty())
                return fail(bad);
            const std::optional<NamespaceId> ns = keys.findNamespace(address->ns);
            if (!ns || !m_engine.namespacePolicy(*ns))
                return fail("namespace '" + address->ns + "' is not in the policy");
            // An id never seen was never cached: nothing to purge, and no
            // reason to intern it.
            if (const std::optional<ResourceId> rid = keys.findResource(address->id))
                plan.scopes.push_back(m_engine.keyScope(*ns, *rid));
            if (plan.keyCount < kAuditedKeys)
                plan.target += (plan.keyCount ? "," : "") + address->ns + ":" + address->id;
            ++plan.keyCount;
        }
        if (plan.keyCount > kAuditedKeys)
            plan.target += " and " + std::to_string(plan.keyCount - kAuditedKeys) + " more";
    } else if (const auto ns = body.find("namespace"); ns != body.end()) {
        if (!ns->is_string())
            return fail("namespace must be a string");
        const std::string name = ns->get<std::string>();
        const std::optional<NamespaceId> id = keys.findNamespace(name);
        if (!id || !m_engine.namespacePolicy(*id))
            return fail("namespace '" + name + "' is not in the policy");
        plan.kind = PurgeKind::Namespace;
        plan.scopes.push_back(Engine::namespaceScope(*id));
        plan.target = "namespace " + name;
    } else {
        const nlohmann::json& all = body.at("all");
        if (!all.is_boolean() || !all.get<bool>())
            return fail("all must be true");
        plan.kind = PurgeKind::All;
        plan.scopes.push_back(Engine::allScope());
        plan.target = "all";
    }
    return plan;
}

HttpResponse NodeService::purge(const HttpRequest& request)
{
    const nlohmann::json body = nlohmann::json::parse(request.body, nullptr, false);
    if (body.is_discarded())
        return badPurge("the body must be a JSON object");
    PurgePlan plan = planPurge(body);
    if (plan.error)
        return std::move(*plan.error);

    if (plan.dryRun) {
        // The invalidation preview: nothing removed, counted or audited.
        PurgeReport reach;
        for (const PurgeScope& scope : plan.scopes) {
            const PurgeReport one = m_engine.previewPurge(scope);
            for (std::size_t t = 0; t < kTierCount; ++t)
                reach.perTier[t] += one.perTier[t];
        }
        nlohmann::json perTier = nlohmann::json::object();
        for (TierId tier : {TierId::EdgeCache, TierId::EdgeKv}) {
            if (m_engine.tier(tier))
                perTier[std::string(tierName(tier))] = reach.perTier[tierIndex(tier)];
        }
        return jsonResponse(200, {{"purged", 0},
                                  {"dry_run", true},
                                  {"would_purge", reach.total()},
                                  {"per_tier", perTier}});
    }

    std::optional<PurgeLimiter::Verdict> verdict;
    if (std::optional<HttpResponse> refused = takeInvalidation(request, "purge", plan.target, verdict))
        return std::move(*refused);
    std::size_t purged = 0;
    for (const PurgeScope& scope : plan.scopes)
        purged += m_engine.purge(scope).total();
    m_counters.purges[static_cast<int>(plan.kind)] +=
        plan.kind == PurgeKind::Key ? plan.keyCount : 1;
    std::vector<std::string> warnings;
    audit(request, "purge", plan.target, "purged " + std::to_string(purged), true, &warnings);
    return withLimit(resultWithWarnings({{"purged", purged}}, warnings), verdict);
}

HttpResponse NodeService::bump(const Route& route, const HttpRequest& request)
{
    const std::optional<std::string> name = percentDecode(route.nsRaw);
    if (!name)
        return errorResponse(400, "bad percent-encoding in the namespace");
    if (std::string why = checkNamespaceName(*name); !why.empty())
        return errorResponse(400, why);
    const std::optional<NamespaceId> ns = m_engine.keys().findNamespace(*name);
    if (!ns || !m_engine.namespacePolicy(*ns))
        return errorResponse(404, "namespace '" + *name + "' is not in the policy");
    std::optional<PurgeLimiter::Verdict> verdict;
    if (std::optional<HttpResponse> refused = takeInvalidation(request, "bump", "namespace " + *name, verdict))
        return std::move(*refused);
    const Result<std::uint64_t> version = m_engine.bump(*ns);
    if (!version)
        return errorResponse(404, version.error().message);
    std::vector<std::string> warnings;
    persistVersions(warnings);
    audit(request, "bump", "namespace " + *name, "version " + std::to_string(*version), true,
          &warnings);
    return withLimit(resultWithWarnings({{"namespace", *name}, {"version", *version}}, warnings), verdict);
}

std::optional<HttpResponse> NodeService::takeInvalidation(const HttpRequest& request, const std::string& action,
                                                          const std::string& target,
                                                          std::optional<PurgeLimiter::Verdict>& verdict)
{
    if (!m_purgeLimiter)
        return std::nullopt;
    verdict = m_purgeLimiter->take(m_clock.now());
    if (verdict->allowed)
        return std::nullopt;
    ++m_counters.invalidationsRateLimited;
    const std::string limit = m_purgeLimiter->spec().text();
    audit(request, action, target, "refused: rate limited (" + limit + ")", false);
    HttpResponse response = errorResponse(429, "too many purges and bumps: this node takes " + limit,
                                          {{"retry_after_seconds", verdict->retryAfterSeconds()}});
    m_purgeLimiter->addHeaders(response, *verdict);
    return response;
}

HttpResponse NodeService::withLimit(HttpResponse response,
                                    const std::optional<PurgeLimiter::Verdict>& verdict) const
{
    if (m_purgeLimiter && verdict)
        m_purgeLimiter->addHeaders(response, *verdict);
    return response;
}

HttpResponse NodeService::metrics() const
{
    // No series: the exposition needs totals only, and the series is the
    // largest part of a snapshot.
    const EngineStats stats = m_engine.snapshot(std::numeric_limits<std::int64_t>::max());
    HttpResponse response;
    response.contentType = kMetricsContentType;
    response.setBody(renderMetrics(stats, m_engine.policy(), m_counters, uptimeSeconds(), storage(),
                                   originDirectiveCounts()));
    return response;
}

} // namespace fallback::node
