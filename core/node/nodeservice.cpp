// Routing and the checks every route shares: method, bearer token, item
// address. The routes themselves are in dataroutes.cpp and adminroutes.cpp.

#include "node/nodeservice.h"

#include "node/auditlog.h"
#include "node/auth.h"
#include "node/urlcodec.h"
#include "node/versionstore.h"
#include "policy/key.h"

namespace fallback::node {

namespace {

constexpr std::string_view kItemsPrefix = "/v1/items/";
constexpr std::string_view kAdminPrefix = "/v1/admin/";
constexpr std::string_view kNamespacesPrefix = "/v1/admin/namespaces/";
constexpr std::string_view kKeysPrefix = "/v1/admin/keys/";

bool startsWith(std::string_view text, std::string_view prefix)
{
    return text.substr(0, prefix.size()) == prefix;
}

} // namespace

NodeService::NodeService(Engine& engine, Scheduler& clock, ServiceOptions options,
                         AuditLog* audit, VersionStore* versions, LogSink log)
    : m_engine(engine), m_clock(clock), m_options(std::move(options)), m_audit(audit),
      m_versions(versions), m_log(std::move(log)), m_started(clock.now())
{
    // The window's first sample is the start: an origin error before the
    // first tick stays recent for a whole window, like any other.
    const TierCounters& origin = m_engine.stats().tiers()[tierIndex(TierId::Origin)];
    m_healthWindow.push_back({origin.lookups, origin.errors, 0});
    if (m_options.purgeLimit.enabled())
        m_purgeLimiter.emplace(m_options.purgeLimit, m_clock.now());
}

NodeService::Route NodeService::classify(std::string_view path)
{
    Route route;
    if (path == "/metrics") {
        // SPEC §6 lists /metrics in the admin plane: it names namespaces,
        // versions and traffic. Prometheus sends the token with
        // `authorization: credentials_file`.
        route.kind = RouteKind::Metrics;
        route.allow = "GET";
        route.admin = true;
        return route;
    }
    if (startsWith(path, kItemsPrefix)) {
        // The id is everything after the namespace's slash, slashes included:
        // ids are keys, never paths, so `..` or `/` in them reach nothing.
        const std::string_view rest = path.substr(kItemsPrefix.size());
        const std::size_t slash = rest.find('/');
        route.allow = "GET, PUT, DELETE";
        if (slash == std::string_view::npos || slash == 0 || slash + 1 == rest.size()) {
            route.kind = RouteKind::BadItemPath;
            return route;
        }
        route.kind = RouteKind::Item;
        route.nsRaw = rest.substr(0, slash);
        route.idRaw = rest.substr(slash + 1);
        return route;
    }
    if (!startsWith(path, kAdminPrefix))
        return route; // NotFound
    route.admin = true;
    if (path == "/v1/admin/health") {
        route.kind = RouteKind::Health;
        route.allow = "GET";
    } else if (path == "/v1/admin/stats") {
        route.kind = RouteKind::Stats;
        route.allow = "GET";
    } else if (path == "/v1/admin/policy") {
        route.kind = RouteKind::Policy;
        route.allow = "GET, PUT";
    } else if (path == "/v1/admin/purge") {
        route.kind = RouteKind::Purge;
        route.allow = "POST";
    } else if (path == "/v1/admin/audit") {
        route.kind = RouteKind::Audit;
        route.allow = "GET";
    } else if (startsWith(path, kKeysPrefix)) {
        // /v1/admin/keys/{ns} lists cached ids; /v1/admin/keys/{ns}/{id}
        // shows one resource in every tier (the id may contain slashes).
        const std::string_view rest = path.substr(kKeysPrefix.size());
        const std::size_t slash = rest.find('/');
        route.allow = "GET";
        route.nsRaw = rest.substr(0, slash);
        if (route.nsRaw.empty()) {
            route.kind = RouteKind::NotFound;
        } else if (slash == std::string_view::npos) {
            route.kind = RouteKind::KeyList;
        } else if (slash + 1 < rest.size()) {
            route.kind = RouteKind::KeyLookup;
            route.idRaw = rest.substr(slash + 1);
        }
    } else if (startsWith(path, kNamespacesPrefix)) {
        const std::string_view rest = path.substr(kNamespacesPrefix.size());
        constexpr std::string_view suffix = "/bump";
        if (rest.size() > suffix.size() && rest.substr(rest.size() - suffix.size()) == suffix &&
            rest.substr(0, rest.size() - suffix.size()).find('/') == std::string_view::npos) {
            route.kind = RouteKind::Bump;
            route.allow = "POST";
            route.nsRaw = rest.substr(0, rest.size() - suffix.size());
        }
    }
    return route;
}

bool NodeService::methodAllowed(const Route& route, std::string_view method)
{
    switch (route.kind) {
    case RouteKind::Item: return method == "GET" || method == "PUT" || method == "DELETE";
    case RouteKind::Policy: return method == "GET" || method == "PUT";
    case RouteKind::Health:
    case RouteKind::Stats:
    case RouteKind::Audit:
    case RouteKind::KeyLookup:
    case RouteKind::KeyList:
    case RouteKind::Metrics: return method == "GET";
    case RouteKind::Purge:
    case RouteKind::Bump: return method == "POST";
    case RouteKind::BadItemPath:
    case RouteKind::NotFound: return true;
    }
    return false;
}

bool NodeService::authorized(const HttpRequest& request) const
{
    return tokenMatches(m_options.adminToken, bearerToken(request.header("authorization")));
}

HttpResponse NodeService::unauthorized()
{
    HttpResponse response =
        errorResponse(401, "missing or wrong bearer token (Authorization: Bearer TOKEN)");
    response.addHeader("WWW-Authenticate", "Bearer");
    return response;
}

HttpResponse NodeService::methodNotAllowed(const Route& route)
{
    HttpResponse response = errorResponse(405, "method not allowed",
                                          {{"allow", std::string(route.allow)}});
    response.addHeader("Allow", route.allow);
    return response;
}

HeadVerdict NodeService::inspectHead(const HttpRequest& request)
{
    HeadVerdict verdict;
    const Route route = classify(splitTarget(request.target).path);
    const bool writesItem =
        route.kind == RouteKind::Item && (request.method == "PUT" || request.method == "DELETE");
    if ((route.admin || writesItem) && !authorized(request)) {
        // Before 404 and 405 under /v1/admin/: no probing the admin plane
        // without the token.
        verdict.reject = unauthorized();
    } else if (route.kind == RouteKind::NotFound) {
        verdict.reject = errorResponse(404, "no such route");
    } else if (route.kind == RouteKind::BadItemPath) {
        verdict.reject = errorResponse(400, "expected /v1/items/{namespace}/{id}");
    } else if (!methodAllowed(route, request.method)) {
        verdict.reject = methodNotAllowed(route);
    } else if (route.kind == RouteKind::Item) {
        return inspectItem(route, request);
    } else {
        verdict.bodyLimit = m_options.maxAdminBody;
        if (request.contentLength && *request.contentLength > verdict.bodyLimit)
            verdict.reject = errorResponse(413, "request body too large",
                                           {{"limit_bytes", verdict.bodyLimit}});
    }
    return verdict;
}

void NodeService::handle(HttpRequest request, Respond respond)
{
    // The same checks again: the server calls inspectHead() first, but a
    // caller without one (a test) must not get around them. They cost a few
    // comparisons.
    const HeadVerdict verdict = inspectHead(request);
    if (verdict.reject) {
        respond(*verdict.reject);
        return;
    }
    if (request.body.size() > verdict.bodyLimit) {
        respond(errorResponse(413, "request body too large", {{"limit_bytes", verdict.bodyLimit}}));
        return;
    }
    const Route route = classify(splitTarget(request.target).path);
    switch (route.kind) {
    case RouteKind::Item:
        if (request.method == "GET")
            readItem(route, std::move(respond));
        else if (request.method == "PUT")
            writeItem(route, request, std::move(respond));
        else
            deleteItem(route, std::move(respond));
        return;
    case RouteKind::Health: respond(health()); return;
    case RouteKind::Stats: respond(stats(request)); return;
    case RouteKind::Policy:
        respond(request.method == "GET" ? getPolicy() : putPolicy(request));
        return;
    case RouteKind::Purge: respond(purge(request)); return;
    case RouteKind::Bump: respond(bump(route, request)); return;
    case RouteKind::Audit: respond(auditPage(request)); return;
    case RouteKind::KeyLookup: respond(lookupKey(route)); return;
    case RouteKind::KeyList: respond(listKeys(route, request)); return;
    case RouteKind::Metrics: respond(metrics()); return;
    case RouteKind::BadItemPath:
    case RouteKind::NotFound: break;
    }
    respond(errorResponse(404, "no such route"));
}

NodeService::ItemAddress NodeService::resolveItem(const Route& route) const
{
    ItemAddress address;
    const std::optional<std::string> ns = percentDecode(route.nsRaw);
    if (!ns) {
        address.error = errorResponse(400, "bad percent-encoding in the namespace");
        return address;
    }
    if (std::string why = checkNamespaceName(*ns); !why.empty()) {
        address.error = errorResponse(400, why);
        return address;
    }
    std::optional<std::string> id = percentDecode(route.idRaw);
    if (!id) {
        address.error = errorResponse(400, "bad percent-encoding in the id");
        return address;
    }
    if (std::string why = checkResourceId(*id); !why.empty()) {
        address.error = errorResponse(400, why);
        return address;
    }
    const std::optional<NamespaceId> nsId = m_engine.keys().findNamespace(*ns);
    if (!nsId || !m_engine.namespacePolicy(*nsId)) {
        address.error = errorResponse(404, "namespace '" + *ns + "' is not in the policy");
        return address;
    }
    address.ns = *nsId;
    address.id = std::move(*id);
    return address;
}

void NodeService::tick()
{
    m_engine.closeElapsedStats();
    const TierCounters& origin = m_engine.stats().tiers()[tierIndex(TierId::Origin)];
    m_healthWindow.push_back({origin.lookups, origin.errors, clientCacheWriteErrors()});
    while (m_healthWindow.size() > static_cast<std::size_t>(m_options.healthWindowSeconds))
        m_healthWindow.pop_front();
    retryStorage();

    // Every id ever asked for is interned; those no tier holds and no call
    // uses go back once the key space has doubled since the last sweep, so
    // a sweep costs O(1) per new id and memory stays O(ids in use).
    KeySpace& keys = m_engine.keys();
    if (keys.liveResourceCount() >= std::max(m_nextIdSweep, m_options.idSweepThreshold)) {
        const std::size_t freed = m_engine.reclaimUnusedIds();
        const std::size_t live = keys.liveResourceCount();
        m_nextIdSweep = 2 * live;
        log("key space: handed back " + std::to_string(freed) + " unused resource ids, " +
            std::to_string(live) + " still in use");
    }
}

double NodeService::uptimeSeconds() const
{
    return static_cast<double>(m_clock.now() - m_started) / static_cast<double>(kMicrosPerSecond);
}

} // namespace fallback::node
