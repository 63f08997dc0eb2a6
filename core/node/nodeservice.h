#pragma once

// The routes of fallback-node (SPEC §6, contract): the data plane
// (`/v1/items/...`, dataroutes.cpp), the admin plane (`/v1/admin/...`,
// adminroutes.cpp) and `/metrics`, over plain request values so they are
// tested without sockets.

#include "engine/engine.h"
#include "node/audittail.h"
#include "node/httpmessage.h"
#include "node/metrics.h"
#include "node/origincachecontrol.h"
#include "node/purgelimit.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <optional>
#include <utility>
#include <vector>

namespace fallback::node {

class AuditLog;
class DiskStore;
class VersionStore;

struct ServiceOptions {
    std::string adminToken; ///< the bearer token; never logged
    std::uint64_t maxAdminBody = 1024 * 1024; ///< bytes; larger admin bodies get 413
    std::string version = "0.1.0";            ///< reported by health
    /// Window over which health counts origin errors, in seconds.
    int healthWindowSeconds = 60;
    /// tick() hands unused resource ids back (Engine::reclaimUnusedIds) once
    /// the key space names at least this many, and twice as many as the
    /// last sweep left: one-off ids (404s, crawlers) do not pile up for ever.
    std::size_t idSweepThreshold = 1u << 16;
    /// Purges and bumps allowed per window; unset: no limit (purgelimit.h).
    PurgeLimitSpec purgeLimit;
};

/// Writes one line to the node's log (stderr). Never given a token.
using LogSink = std::function<void(const std::string&)>;

/// Every route of the node. Lives on the engine's thread and is called only
/// there: the engine is single-threaded, and so is everything here.
class NodeService final : public RequestHandler {
public:
    /// `clock` gives wall time (uptime, audit times). `audit` and `versions`
    /// may be null (tests); then admin actions are not persisted.
    NodeService(Engine& engine, Scheduler& clock, ServiceOptions options, AuditLog* audit,
                VersionStore* versions, LogSink log = {});

    HeadVerdict inspectHead(const HttpRequest& request) override;
    void handle(HttpRequest request, Respond respond) override;

    /// Once a second: closes the stats' finished second, samples the
    /// origin's counters for health, writes what the disk refused before
    /// (audit lines, versions), and sweeps the key space when it has grown
    /// enough (ServiceOptions::idSweepThreshold).
    void tick();
    /// The client cache on disk, for health and /metrics (its write errors).
    void watchClientCache(const DiskStore* store) { m_clientCache = store; }
    /// An origin answer for `ns` whose Cache-Control binds a shared cache
    /// (HttpOrigin's observer). A new sighting is logged; health, a policy
    /// PUT's answer and /metrics report it (nodecachecontrol.cpp).
    void noteOriginCacheControl(NamespaceId ns, CacheDirectives directives,
                                std::string_view header);
    /// The stores under --data-dir that this node has (nodestorage.cpp).
    std::vector<StoreReport> storage() const;
    /// Records of earlier runs (the end of the audit file, oldest first) for
    /// `GET /v1/admin/audit`; call before the first admin request.
    void seedAudit(std::vector<AuditRecord> records);
    /// Writes what waits for the disk: audit lines, unsaved versions. The
    /// node calls it on shutdown as well as on every tick.
    void retryStorage();

    /// `"<16 hex digits>"` (quotes included): a hash of the policy in force
    /// as canonical JSON. Changes whenever the policy does, bumps included.
    std::string policyEtag() const;
    const NodeCounters& counters() const { return m_counters; }
    Engine& engine() { return m_engine; }

private:
    enum class RouteKind : std::uint8_t {
        Item, Health, Stats, Policy, Purge, Bump, Audit, KeyLookup, KeyList, Metrics,
        BadItemPath, NotFound
    };
    struct Route {
        RouteKind kind = RouteKind::NotFound;
        std::string_view nsRaw; ///< percent-encoded, for Item, Bump and the key routes
        std::string_view idRaw; ///< percent-encoded, for Item and KeyLookup
        const char* allow = "";  ///< methods this route accepts (405's Allow)
        bool admin = false;      ///< needs the bearer token
    };
    static Route classify(std::string_view path);
    static bool methodAllowed(const Route& route, std::string_view method);
    bool authorized(const HttpRequest& request) const;
    static HttpResponse unauthorized();
    static HttpResponse methodNotAllowed(const Route& route);

    /// A decoded, validated item address. On failure `error` is the answer.
    struct ItemAddress {
        NamespaceId ns = 0;
        std::string id;
        std::optional<HttpResponse> error;
    };
    ItemAddress resolveItem(const Route& route) const;

    // data plane (dataroutes.cpp)
    /// Resolves an item call's address and counts the request; on a bad
    /// address answers it through `respond` and returns nothing.
    std::optional<std::pair<NamespaceId, ResourceId>> startItemCall(const Route& route,
                                                                    Respond& respond);
    HeadVerdict inspectItem(const Route& route, const HttpRequest& request);
    void readItem(const Route& route, Respond respond);
    void writeItem(const Route& route, HttpRequest& request, Respond respond);
    void deleteItem(const Route& route, Respond respond);
    void countRead(const ReadResult& result);

    // admin plane (adminroutes.cpp)
    HttpResponse health() const;
    HttpResponse stats(const HttpRequest& request) const;
    HttpResponse getPolicy() const;
    HttpResponse putPolicy(const HttpRequest& request);
    HttpResponse purge(const HttpRequest& request);
    HttpResponse bump(const Route& route, const HttpRequest& request);
    HttpResponse metrics() const;
    /// `GET /v1/admin/audit[?after=SEQ][&limit=N]`: the latest admin actions
    /// (AuditTail::page).
    HttpResponse auditPage(const HttpRequest& request) const;
    /// A purge body checked and resolved against the policy in force. With
    /// `dry_run` the purge only reports what it would remove, per tier
    /// (the console's invalidation preview): nothing removed, counted or audited.
    struct PurgePlan {
        std::vector<PurgeScope> scopes;
        PurgeKind kind = PurgeKind::All;
        std::size_t keyCount = 0; ///< keys named, cached or not
        std::string target;       ///< for the audit line
        bool dryRun = false;
        std::optional<HttpResponse> error;
    };
    PurgePlan planPurge(const nlohmann::json& body) const;

    // key inspection for the console's Keys tab (keyroutes.cpp)
    HttpResponse lookupKey(const Route& route) const;
    HttpResponse listKeys(const Route& route, const HttpRequest& request) const;
    // persistence (nodestorage.cpp)
    /// Appends to the audit log (when there is one). When the disk refuses
    /// the line it waits in memory; the failure is logged and, with
    /// `warnings` given, added to them for the answer (the action itself has
    /// happened).
    void audit(const HttpRequest& request, std::string action, std::string target,
               std::string result, bool ok, std::vector<std::string>* warnings = nullptr);
    /// Saves the namespace versions (when there is a store). A failure is
    /// logged and added to `warnings`: the versions are in force, but a
    /// restart before they are saved would bring older ones back.
    void persistVersions(std::vector<std::string>& warnings);
    /// `warnings` as `X-Fallback-Warning` headers (one each) on `response`.
    static void addWarnings(HttpResponse& response, const std::vector<std::string>& warnings);
    /// A 200 with `result` (plus `warnings` when there are any) and the
    /// warnings as headers too.
    static HttpResponse resultWithWarnings(nlohmann::json result,
                                           const std::vector<std::string>& warnings);
    /// With a --purge-limit: takes a token for an invalidation. A refusal is
    /// audited and answered (429); otherwise `verdict` is for the answer's headers.
    std::optional<HttpResponse> takeInvalidation(const HttpRequest& request, const std::string& action,
                                                 const std::string& target,
                                                 std::optional<PurgeLimiter::Verdict>& verdict);
    /// The limit's headers on an invalidation's answer (none without a limit).
    HttpResponse withLimit(HttpResponse response, const std::optional<PurgeLimiter::Verdict>& verdict) const;
    std::uint64_t clientCacheWriteErrors() const;
    // the origin's Cache-Control (nodecachecontrol.cpp)
    /// One sentence per namespace of the policy in force whose origin
    /// answers lately forbid what the policy does.
    std::vector<std::string> originWarnings() const;
    /// Health's `origin_cache_control`: the sightings remembered, by namespace.
    nlohmann::json originCacheControlJson() const;
    std::vector<OriginDirectiveCount> originDirectiveCounts() const;
    /// The sighting remembered at `now` for a namespace of the policy, or null.
    const OriginCacheControl::Sighting* sightingFor(const NamespacePolicy& policy, Micros now) const;
    bool hasClientCache() const;
    double uptimeSeconds() const;
    void log(const std::string& line) const
    {
        if (m_log)
            m_log(line);
    }

    Engine& m_engine;
    Scheduler& m_clock;
    ServiceOptions m_options;
    AuditLog* m_audit;
    AuditTail m_auditTail{newInstanceName()};
    VersionStore* m_versions;
    const DiskStore* m_clientCache = nullptr;
    std::string m_auditError;    ///< the latest refusal, kept after recovery
    std::string m_versionsError; ///< the latest refusal, kept after recovery
    bool m_clientCacheFailing = false;              ///< said so in the log
    std::uint64_t m_clientCacheFailuresLogged = 0;  ///< its write failures at the last tick
    LogSink m_log;
    OriginCacheControl m_originCacheControl;
    std::optional<PurgeLimiter> m_purgeLimiter; ///< with a --purge-limit
    Micros m_started = 0;
    NodeCounters m_counters;
    /// Totals health looks back at, one sample per tick, oldest first:
    /// origin lookups and errors, client-cache write errors.
    struct HealthSample {
        std::uint64_t lookups = 0;
        std::uint64_t errors = 0;
        std::uint64_t clientCacheWriteErrors = 0;
    };
    std::deque<HealthSample> m_healthWindow;
    /// tick() sweeps the key space once it names this many resource ids.
    std::size_t m_nextIdSweep = 0;
};

} // namespace fallback::node
