// What the node keeps under --data-dir, seen from its routes: an audit line
// and the namespace versions written for each admin action, what the disk
// refused kept and tried again every second, and each store's state for
// health and /metrics. A full disk never fails an action that has happened:
// the answer carries a warning instead (`X-Fallback-Warning`, and
// `warnings` in JSON results).

#include "node/auditlog.h"
#include "node/diskstore.h"
#include "node/nodeservice.h"
#include "node/versionstore.h"
#include "util/text.h"

namespace fallback::node {

void NodeService::audit(const HttpRequest& request, std::string action, std::string target,
                        std::string result, bool ok, std::vector<std::string>* warnings)
{
    AuditRecord record;
    if (const std::string* client = request.header("x-fallback-client"))
        record.client = cleanClientName(*client);
    log("admin " + action + " " + target + ": " + result + " (from " + request.peer +
        (record.client.empty() ? "" : ", " + record.client) + ")");
    record.time = m_clock.now();
    record.action = std::move(action);
    record.target = std::move(target);
    record.result = std::move(result);
    record.ok = ok;
    record.peer = request.peer;
    m_auditTail.add(record);
    if (!m_audit)
        return;
    const Status written = m_audit->append(record);
    if (written)
        return;
    m_auditError = written.error().message;
    const std::size_t pending = m_audit->pendingLines();
    const std::string waiting =
        std::to_string(pending) + (pending == 1 ? " audit line waits" : " audit lines wait");
    log("error: " + m_auditError + "; " + waiting + " in memory, tried again every second");
    if (warnings)
        warnings->push_back("done, but " + m_auditError + ": " + waiting +
                            " in memory until the disk takes " + (pending == 1 ? "it" : "them"));
}

void NodeService::seedAudit(std::vector<AuditRecord> records)
{
    for (AuditRecord& record : records)
        m_auditTail.add(std::move(record));
}

void NodeService::persistVersions(std::vector<std::string>& warnings)
{
    if (!m_versions)
        return;
    const Status saved = m_versions->record(m_engine.policy());
    if (saved)
        return;
    m_versionsError = saved.error().message;
    log("error: " + m_versionsError + "; tried again every second");
    warnings.push_back("the new versions are in force, but " + m_versionsError +
                       ": a restart before they are saved would bring older versions back "
                       "(tried again every second)");
}

void NodeService::retryStorage()
{
    if (m_audit && m_audit->pendingLines() > 0) {
        const std::size_t waiting = m_audit->pendingLines();
        if (const Status written = m_audit->retry(); written)
            log("audit log written again: " + std::to_string(waiting) +
                " lines kept in memory are on disk");
        else
            m_auditError = written.error().message;
    }
    if (m_versions && m_versions->unsaved()) {
        if (const Status saved = m_versions->retry(); saved)
            log("namespace versions saved again to " + m_versions->path());
        else
            m_versionsError = saved.error().message;
    }
    // The client cache writes on its own thread and only counts: say in the
    // log when it starts failing and when a whole health window went by
    // without a failure, not once per copy.
    if (m_clientCache) {
        const std::uint64_t failures = m_clientCache->writeFailures();
        if (failures > m_clientCacheFailuresLogged && !m_clientCacheFailing) {
            m_clientCacheFailing = true;
            log("error: the client cache cannot write its copies (" +
                m_clientCache->lastWriteFailure() + "); reads are served, last-resort copies are not kept");
        } else if (m_clientCacheFailing &&
                   m_healthWindow.front().clientCacheWriteErrors == failures &&
                   m_healthWindow.size() >=
                       static_cast<std::size_t>(m_options.healthWindowSeconds)) {
            m_clientCacheFailing = false;
            log("client cache: no write refused in the last " +
                std::to_string(m_options.healthWindowSeconds) + " s");
        }
        m_clientCacheFailuresLogged = failures;
    }
}

std::uint64_t NodeService::clientCacheWriteErrors() const
{
    return m_clientCache ? m_clientCache->writeFailures() : 0;
}

std::vector<StoreReport> NodeService::storage() const
{
    std::vector<StoreReport> stores;
    if (m_audit) {
        StoreReport& audit = stores.emplace_back();
        audit.name = "audit_log";
        audit.pendingLines = m_audit->pendingLines();
        audit.droppedLines = m_audit->droppedLines();
        audit.ok = audit.pendingLines == 0;
        audit.writeErrors = m_audit->writeErrors();
        audit.lastError = m_auditError;
        if (!audit.ok)
            audit.problem = "audit log: " + countOf(audit.pendingLines, "line", "lines") +
                            " waiting for the disk (" + audit.lastError + ")";
    }
    if (m_versions) {
        StoreReport& versions = stores.emplace_back();
        versions.name = "versions";
        versions.ok = !m_versions->unsaved();
        versions.writeErrors = m_versions->writeErrors();
        versions.lastError = m_versionsError;
        if (!versions.ok)
            versions.problem = "namespace versions not saved (" + versions.lastError + ")";
    }
    if (m_clientCache) {
        StoreReport& client = stores.emplace_back();
        client.name = "client_cache";
        client.writeErrors = m_clientCache->writeFailures();
        client.recentWriteErrors =
            client.writeErrors - m_healthWindow.front().clientCacheWriteErrors;
        client.ok = client.recentWriteErrors == 0;
        client.lastError = m_clientCache->lastWriteFailure();
        if (!client.ok)
            client.problem = "client cache: " + countOf(client.recentWriteErrors, "copy", "copies") +
                             " not written in the last " +
                             std::to_string(m_options.healthWindowSeconds) + " s (" +
                             client.lastError + ")";
    }
    return stores;
}

void NodeService::addWarnings(HttpResponse& response, const std::vector<std::string>& warnings)
{
    for (const std::string& warning : warnings) // a header value holds no line break
        response.addHeader("X-Fallback-Warning", withoutControlCharacters(warning));
}

HttpResponse NodeService::resultWithWarnings(nlohmann::json result,
                                             const std::vector<std::string>& warnings)
{
    if (!warnings.empty())
        result["warnings"] = warnings;
    HttpResponse response = jsonResponse(200, result);
    addWarnings(response, warnings);
    return response;
}

} // namespace fallback::node
