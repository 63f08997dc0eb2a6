#include "workspaces/liveworkspace_p.h"

#include "live/remotestats.h"
#include "util/text.h"

#include <QUrl>

#include <nlohmann/json.hpp>

#include <algorithm>

namespace fallback::ui {

namespace {

QString percentEncoded(const QString& text)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(text));
}

nlohmann::json purgeBody(const Invalidation& invalidation)
{
    switch (invalidation.kind) {
    case Invalidation::Kind::PurgeKey:
        return {{"keys", {QString(invalidation.ns + QLatin1Char(':') + invalidation.id).toStdString()}}};
    case Invalidation::Kind::PurgeAll: return {{"all", true}};
    case Invalidation::Kind::PurgeNamespace:
    case Invalidation::Kind::Bump: break;
    }
    return {{"namespace", invalidation.ns.toStdString()}};
}

/// `purged 42 entries (edge cache 30, edge KV 12)` from `{"purged": 42, ...}`.
QString purgeResult(std::string_view body)
{
    const nlohmann::json doc = nlohmann::json::parse(body.begin(), body.end(), nullptr, false);
    if (!doc.is_object() || !doc.contains("purged") || !doc["purged"].is_number())
        return {};
    const std::int64_t purged = doc["purged"].get<std::int64_t>();
    QString text = QStringLiteral("purged ") +
                   QString::fromStdString(countOf(std::uint64_t(std::max<std::int64_t>(purged, 0)),
                                                  "entry", "entries"));
    const auto perTier = doc.find("per_tier");
    if (perTier != doc.end() && perTier->is_object()) {
        auto count = [&](const char* tier) {
            const auto it = perTier->find(tier);
            return it != perTier->end() && it->is_number() ? it->get<std::int64_t>() : 0;
        };
        text += QStringLiteral(" (edge cache %1, edge KV %2)").arg(count("edge_cache")).arg(count("edge_kv"));
    }
    return text;
}

/// `purged 42 entries — warning: …`, one ` — warning: ` per warning of a
/// successful answer: the action happened (the record stays ok), but the
/// node could not write its audit line or versions, and the user should know.
QString withWarnings(QString result, const AdminAnswer& answer)
{
    for (const QString& warning : answer.warnings)
        result += QStringLiteral(" — warning: ") + warning;
    return result;
}

} // namespace

void LiveWorkspace::applyPolicy(const Policy& policy)
{
    if (isReadOnly())
        return emit policyApplied(false, readOnlyMessage());
    if (m_applyCall)
        return emit policyApplied(false, tr("An apply to %1 is already under way.").arg(name()));
    if (!m_policyKnown || m_policyEtag.empty())
        return emit policyApplied(false, tr("The live policy of %1 has not been read yet: apply "
                                            "again once it is connected.")
                                             .arg(name()));
    const int changes = changedNamespaces(*m_policy, policy);
    const QString summary = QStringLiteral("applied: %1 namespace(s) changed").arg(changes);
    std::string body = live::policyToJson(policy).dump();
    // If-Match the policy the edits were made against: a policy changed
    // meanwhile is refused (412) instead of being overwritten.
    const std::string ifMatch = m_policyEtag;
    m_applyCall = send(
        [&](live::ResponseHandler handler) {
            return m_client->putPolicy(endpoint(false), std::move(body), ifMatch, std::move(handler));
        },
        [](const live::Response&) { return 0; },
        [this, summary](const AdminAnswer& answer, int) { onApplied(answer, summary); });
}

void LiveWorkspace::onApplied(const AdminAnswer& answer, const QString& summary)
{
    m_applyCall = 0;
    const QString action = QStringLiteral("policy");
    if (answer.ok()) {
        const QString result = withWarnings(summary, answer);
        emit activity(record(action, action, result, true));
        // Done once the policy in force is read back: the Namespaces page
        // turns clean with the snapshot that carries it.
        const bool warned = !answer.warnings.isEmpty();
        fetchPolicy([this, result, warned](const QString& error) {
            emit policyApplied(true,
                               error.isEmpty() ? result
                                               : tr("%1; reading it back failed: %2").arg(result, error),
                               warned);
        });
        return;
    }
    QString message;
    if (answer.status == 412) {
        // Who changed it is in the node's audit log: read it first, so that
        // the conflict can say (an older node's 412 says nothing more).
        readAuditThen([this, action] {
            QString conflict = tr("The policy of %1 changed since it was read (HTTP 412): nothing was "
                                  "applied.")
                                   .arg(name());
            if (!m_otherPolicyChangeBy.isEmpty())
                conflict += QLatin1Char(' ') + tr("The last change by another client: %1 at %2.")
                                                   .arg(m_otherPolicyChangeBy,
                                                        m_otherPolicyChangeAt.toLocalTime().toString(
                                                            QStringLiteral("HH:mm:ss")));
            conflict += QLatin1Char(' ') + tr("Reload it and reapply your changes.");
            emit activity(record(action, action, tr("refused: the policy changed meanwhile (412)"), false));
            emit policyApplied(false, conflict);
            emit policyConflict(conflict);
        });
        return;
    }
    if (!answer.reached()) {
        message = tr("No answer from %1 (%2): the policy may or may not be in force; it is "
                     "read again.")
                      .arg(name(), answer.error);
        fetchPolicy();
    } else if (answer.status == 400 || answer.status == 409) {
        message = tr("%1 refused the policy: %2").arg(name(), answer.error);
    } else {
        message = failure(answer, tr("Applying the policy"));
    }
    emit activity(record(action, action, message, false));
    emit policyApplied(false, message);
}

// --- invalidations and keys ------------------------------------------------------------

QString LiveWorkspace::readOnlyMessage() const
{
    return tr("%1 is a production deployment: read-only until you unlock it for this session "
              "(right-click it in the workspace list ▸ Unlock for this session).")
        .arg(name());
}

double LiveWorkspace::recentReadsPerSecond(const Invalidation& invalidation) const
{
    if (m_recent.size() < 2 || invalidation.kind == Invalidation::Kind::PurgeKey)
        return 0.0;
    const WorkspaceSnapshot& first = *m_recent.front();
    const WorkspaceSnapshot& last = *m_recent.back();
    const double seconds = double(last.now - first.now) / double(kMicrosPerSecond);
    if (seconds <= 0.0)
        return 0.0;
    auto readsOf = [&](const WorkspaceSnapshot& snapshot) -> double {
        if (invalidation.kind == Invalidation::Kind::PurgeAll)
            return double(snapshot.requests.requests);
        for (const NamespaceView& ns : snapshot.namespaces) {
            if (QString::fromStdString(ns.name) == invalidation.ns)
                return double(ns.requests.requests);
        }
        return 0.0;
    };
    return std::max(0.0, readsOf(last) - readsOf(first)) / seconds;
}

void LiveWorkspace::preview(const Invalidation& invalidation)
{
    nlohmann::json body = purgeBody(invalidation);
    body["dry_run"] = true; // a bump strands what a namespace purge would remove
    const double reads = recentReadsPerSecond(invalidation);
    double cacheShare = 0.0;
    if (const SnapshotPtr current = snapshot(); current && current->requests.requests > 0) {
        const RequestCounters& r = current->requests;
        cacheShare = double(r.servedBy[0] + r.servedBy[1]) / double(r.requests);
    }
    std::uint64_t version = 0;
    if (const NamespacePolicy* ns = appliedPolicy().find(invalidation.ns.toStdString()))
        version = ns->version;
    send(
        [&](live::ResponseHandler handler) {
            return m_client->request(endpoint(false), "POST", "/v1/admin/purge", body.dump(),
                                     {"Content-Type: application/json"}, std::move(handler));
        },
        [invalidation](const live::Response& response) {
            return response.ok() ? readPurgePreview(response.body, invalidation)
                                 : InvalidationPreview{invalidation, true, {}, {}, 0.0, 0.0, 0};
        },
        [this, invalidation, reads, cacheShare, version](const AdminAnswer& answer,
                                                          InvalidationPreview preview) {
            preview.invalidation = invalidation;
            if (!answer.ok()) {
                preview.ok = false;
                const bool unsupported =
                    answer.noRoute()
                    || (answer.status == 400 && answer.error.contains(QLatin1String("dry_run")));
                preview.error = unsupported ? tr("this fallback-node cannot preview invalidations "
                                                 "(it refused a purge dry run): update it")
                                            : failure(answer, tr("The preview"));
            }
            preview.currentVersion = version;
            preview.readsPerSecond = reads;
            if (invalidation.kind == Invalidation::Kind::PurgeKey) {
                const std::size_t total = preview.entriesPerTier[0] + preview.entriesPerTier[1];
                preview.expectedOriginFetchesPerSecond = total > 0 ? 1.0 : 0.0;
            } else {
                // Until the caches refill, every read they answered goes to
                // the origin (coalesced per key): an upper bound.
                preview.expectedOriginFetchesPerSecond = reads * cacheShare;
            }
            emit previewReady(preview);
        });
}

std::uint64_t LiveWorkspace::sendInvalidation(const Invalidation& invalidation)
{
    auto done = [this, invalidation](const AdminAnswer& answer, QString result) {
        onInvalidated(answer, invalidation, result);
    };
    if (invalidation.kind == Invalidation::Kind::Bump) {
        const NamespacePolicy* ns = appliedPolicy().find(invalidation.ns.toStdString());
        const std::int64_t before = ns ? std::int64_t(ns->version) : -1;
        return send(
            [&](live::ResponseHandler handler) {
                return m_client->bump(endpoint(false), invalidation.ns.toStdString(),
                                      std::move(handler));
            },
            [before](const live::Response& response) {
                const std::int64_t after = readCount(response.body, "version");
                if (after < 0)
                    return QString();
                return before >= 0 ? QStringLiteral("version %1 → %2").arg(before).arg(after)
                                   : QStringLiteral("version %1").arg(after);
            },
            done);
    }
    live::PurgeRequest request;
    switch (invalidation.kind) {
    case Invalidation::Kind::PurgeKey:
        request.keys.push_back(QString(invalidation.ns + QLatin1Char(':') + invalidation.id).toStdString());
        break;
    case Invalidation::Kind::PurgeAll: request.all = true; break;
    default: request.ns = invalidation.ns.toStdString(); break;
    }
    return send(
        [&](live::ResponseHandler handler) {
            return m_client->purge(endpoint(false), request, std::move(handler));
        },
        [](const live::Response& response) { return purgeResult(response.body); }, done);
}

void LiveWorkspace::onInvalidated(const AdminAnswer& answer, const Invalidation& invalidation,
                                  const QString& result)
{
    m_invalidationCall = 0;
    notePurgeLimit(answer);
    // A 429 keeps it first in line (or fails it, when waiting is pointless).
    if (answer.status == 429 && requeueRateLimited(answer))
        return;
    const bool bump = invalidation.kind == Invalidation::Kind::Bump;
    const QString action = bump ? QStringLiteral("bump") : QStringLiteral("purge");
    int rateLimited = 0;
    if (!m_invalidations.empty()) {
        rateLimited = m_invalidations.front().rateLimited;
        m_invalidations.pop_front();
    }
    // The usual words, marked when the node had refused it before.
    QString again;
    if (rateLimited > 0)
        again = rateLimited == 1 ? tr(" — sent again after the rate limit (refused once)")
                                 : tr(" — sent again after the rate limit (refused %1 times)")
                                       .arg(rateLimited);
    if (answer.ok()) {
        const QString done = result.isEmpty() ? tr("done (HTTP %1)").arg(answer.status) : result;
        emit activity(record(action, invalidation.target(),
                             withWarnings(done + rateLimitNote(answer), answer) + again, true));
        pollNow(); // show its effect without waiting for the next round
        if (bump)
            fetchPolicy();
    } else if (answer.status != 429) { // a 429 not queued again has its record
        const QString message = failure(answer, bump ? tr("The bump") : tr("The purge"));
        emit activity(record(action, invalidation.target(), message + again, false));
    }
    sendNextInvalidation();
    reportQueue();
}

void LiveWorkspace::lookupKey(const QString& ns, const QString& id)
{
    const std::string path = QString(QStringLiteral("/v1/admin/keys/") + percentEncoded(ns)
                                     + QLatin1Char('/') + percentEncoded(id))
                                 .toStdString();
    send(
        [&](live::ResponseHandler handler) {
            return m_client->request(endpoint(false), "GET", path, {}, {}, std::move(handler));
        },
        [ns, id](const live::Response& response) {
            return response.ok() ? readKeyReport(response.body, ns, id) : KeyReport{};
        },
        [this, ns, id](const AdminAnswer& answer, KeyReport report) {
            report.ns = ns;
            report.id = id;
            if (!answer.ok()) {
                report.ok = false;
                report.error = answer.noRoute()
                                   ? tr("this fallback-node cannot look keys up (HTTP 404 on "
                                        "/v1/admin/keys): update it")
                                   : failure(answer, tr("The lookup"));
            }
            emit keyLookedUp(report);
        });
}

void LiveWorkspace::listKeys(const QString& ns, const QString& prefix, int limit)
{
    const std::string path = QString(QStringLiteral("/v1/admin/keys/") + percentEncoded(ns)
                                     + QStringLiteral("?prefix=") + percentEncoded(prefix)
                                     + QStringLiteral("&limit=") + QString::number(limit))
                                 .toStdString();
    send(
        [&](live::ResponseHandler handler) {
            return m_client->request(endpoint(false), "GET", path, {}, {}, std::move(handler));
        },
        [](const live::Response& response) {
            return response.ok() ? readKeyIds(response.body) : QStringList();
        },
        // Completion is a convenience: a failure offers nothing, quietly.
        [this, ns](const AdminAnswer&, QStringList ids) { emit keysListed(ns, ids); });
}

} // namespace fallback::ui
