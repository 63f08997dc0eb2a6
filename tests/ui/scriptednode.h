#pragma once

// A scripted fallback-node for LiveWorkspace tests (127.0.0.1, port 0): its
// stats, policy, health and audit answers are what the test sets, step by
// step. (tst_liveworkspace runs a real fallback-node, whose answers a test
// cannot script.)

#include "../live/scriptedhttpserver.h"
#include "live/profiles.h"
#include "live/remotestats.h"
#include "policy/policyloader.h"

#include <nlohmann/json.hpp>

#include <QDateTime>
#include <QList>

namespace fallback::ui::test {

/// A fallback-node as far as a LiveWorkspace looks: stats (no traffic), the
/// demo policy, and whatever `health` and `audit` say.
class ScriptedNode {
public:
    ScriptedNode() : m_server([this](const Seen& seen, int) { return answer(seen); }) {}

    /// The raw answer to the next health calls.
    QByteArray health = healthOk({});
    /// The raw answer to the next audit calls (an older node's, by default).
    QByteArray audit = ScriptedServer::answer(404, R"({"error":"no such route"})");

    std::string url() const { return m_server.url(); }
    int healthCalls() const { return count("/v1/admin/health"); }
    int statsCalls() const { return count("/v1/admin/stats"); }
    int auditCalls() const { return count("/v1/admin/audit"); }
    /// The paths of the audit calls so far, queries included.
    QList<QByteArray> auditPaths() const
    {
        QList<QByteArray> paths;
        for (const Seen& seen : m_server.seen())
            if (seen.path.startsWith("/v1/admin/audit"))
                paths << seen.path;
        return paths;
    }
    /// The X-Fallback-Client header of the last call.
    QByteArray lastClient() const
    {
        const std::vector<Seen> seen = m_server.seen();
        return seen.empty() || !seen.back().headers.count("x-fallback-client")
                   ? QByteArray()
                   : seen.back().headers.at("x-fallback-client");
    }

    static QByteArray healthOk(const QStringList& warnings, const char* status = "ok")
    {
        nlohmann::json doc = {{"status", status}, {"uptime_seconds", 12.5}};
        if (std::string_view(status) != "ok")
            doc["reason"] = "origin failing";
        for (const QString& warning : warnings)
            doc["warnings"].push_back(warning.toStdString());
        return ScriptedServer::answer(200, QByteArray::fromStdString(doc.dump()));
    }

private:
    std::optional<QByteArray> answer(const Seen& seen) const
    {
        if (seen.path.startsWith("/v1/admin/stats"))
            return ScriptedServer::answer(200, stats());
        if (seen.path == "/v1/admin/policy") {
            const Loaded<Policy> demo = loadPolicyFile(FALLBACK_EXAMPLES_DIR "/demo.policy.yaml");
            return ScriptedServer::answer(200, QByteArray::fromStdString(live::policyToJson(*demo.value).dump()),
                                          "ETag: \"p1\"\r\n");
        }
        if (seen.path == "/v1/admin/health")
            return health;
        if (seen.path.startsWith("/v1/admin/audit"))
            return audit;
        return ScriptedServer::answer(404, R"({"error":"no such route"})");
    }

    static QByteArray stats()
    {
        nlohmann::json doc = nlohmann::json::parse(R"({
            "requests": 0, "tiers": {"edge_cache": {"lookups": 0, "hits": 0, "stale_hits": 0, "misses": 0,
                "errors": 0, "hit_rate": 0, "latency_ms": {"p50": 0, "p90": 0, "p95": 0, "p99": 0, "max": 0}}},
            "served_by": {"edge_cache": 0, "edge_kv": 0, "origin": 0, "client_cache": 0, "failed": 0},
            "origin_fetches": 0, "coalesced": 0, "stale_served": 0, "revalidations": 0,
            "latency_ms": {"p50": 0, "p90": 0, "p95": 0, "p99": 0, "max": 0}, "wall_seconds": 12.5})");
        // Not in the raw string: moc misreads an escaped quote inside one.
        doc["policy_etag"] = "\"p1\"";
        doc["now_ms"] = QDateTime::currentMSecsSinceEpoch();
        return QByteArray::fromStdString(doc.dump());
    }

    int count(const QByteArray& path) const
    {
        int n = 0;
        for (const Seen& seen : m_server.seen())
            n += seen.path.startsWith(path) ? 1 : 0;
        return n;
    }

    ScriptedServer m_server;
};

/// A staging profile for `node`, polled every 100 ms.
inline DeploymentProfile profile(const ScriptedNode& node)
{
    DeploymentProfile p;
    p.name = "staging";
    p.url = node.url();
    p.environment = "staging";
    p.pollInterval = 100 * kMicrosPerMilli;
    return p;
}

} // namespace fallback::ui::test
