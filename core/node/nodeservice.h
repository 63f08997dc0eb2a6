#pragma once

// The routes of fallback-node (SPEC §6, contract): the data plane
// (`/v1/items/...`, dataroutes.cpp), the admin plane (`/v1/admin/...`,
// adminroutes.cpp) and `/metrics`, over plain request values so they are
// tested without sockets.

#include "engine/engine.h"
#include "node/httpmessage.h"
#include "node/metrics.h"

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
    /// origin's counters for health, and sweeps the key space when it has
    /// grown enough (ServiceOptions::idSweepThreshold).
    void tick();

    /// `"<16 hex digits>"` (quotes included): a hash of the policy in force
    /// as canonical JSON. Changes whenever the policy does, bumps included.
    std::string policyEtag() const;
    const NodeCounters& counters() const { return m_counters; }
    Engine& engine() { return m_engine; }

private:
    enum class RouteKind : std::uint8_t {
        Item, Health, Stats, Policy, Purge, Bump, KeyLookup, KeyList, Metrics, BadItemPath,
        NotFound
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
    /// Appends to the audit log (when there is one); a failure is logged.
    void audit(const HttpRequest& request, std::string action, std::string target,
               std::string result, bool ok);
    /// Saves the namespace versions (when there is a store); a failure is logged.
    void persistVersions();
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
    VersionStore* m_versions;
    LogSink m_log;
    Micros m_started = 0;
    NodeCounters m_counters;
    /// Origin (lookups, errors) totals, one sample per tick, oldest first.
    struct OriginSample {
        std::uint64_t lookups = 0;
        std::uint64_t errors = 0;
    };
    std::deque<OriginSample> m_originWindow;
    /// tick() sweeps the key space once it names this many resource ids.
    std::size_t m_nextIdSweep = 0;
};

} // namespace fallback::node
