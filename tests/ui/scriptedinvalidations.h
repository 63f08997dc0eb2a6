#pragma once

// A scripted node for LiveWorkspace's invalidation tests (127.0.0.1, port 0,
// tests/live/scriptedhttpserver.h): it answers purges and bumps from a
// script the test fills (a 429 with Retry-After, a rate limit's headers),
// then 200. Also the invalidations those tests ask for, and the activity
// records they collect.

#include "../live/scriptedhttpserver.h"
#include "live/profiles.h"
#include "workspaces/workspacetypes.h"

#include <QStringList>

#include <deque>
#include <optional>
#include <string>

/// A 429 with `Retry-After` (none when negative) and `extra` headers.
inline QByteArray rateLimited(int retryAfterSeconds = -1, const QByteArray& extra = {})
{
    const QByteArray header = retryAfterSeconds >= 0
                                  ? "Retry-After: " + QByteArray::number(retryAfterSeconds) + "\r\n"
                                  : QByteArray();
    return ScriptedServer::answer(429, R"({"error":"too many purges"})", header + extra);
}

/// Answers purges and bumps from `script` (first in, first used), then 200;
/// anything else 404.
class ScriptedNode {
public:
    ScriptedNode() : m_server([this](const Seen& seen, int) { return answer(seen); }) {}

    std::deque<QByteArray> script;
    bool silent = false; ///< never answer invalidations

    std::string url() const { return m_server.url(); }
    /// `purge {"namespace":"product"}`, `bump product`, in the order received.
    QStringList invalidations() const
    {
        QStringList seen;
        for (const Seen& s : m_server.seen()) {
            if (s.path == "/v1/admin/purge")
                seen << QStringLiteral("purge ") + QString::fromUtf8(s.body);
            else if (s.path.endsWith("/bump"))
                seen << QStringLiteral("bump ") + QString::fromUtf8(s.path.split('/').value(4));
        }
        return seen;
    }
    /// When each invalidation arrived, ms since the server started.
    QList<qint64> arrivals() const
    {
        QList<qint64> at;
        for (const Seen& s : m_server.seen())
            if (s.path == "/v1/admin/purge" || s.path.endsWith("/bump"))
                at << s.atMs;
        return at;
    }

private:
    std::optional<QByteArray> answer(const Seen& seen)
    {
        const bool purge = seen.path == "/v1/admin/purge";
        if (!purge && !seen.path.endsWith("/bump"))
            return ScriptedServer::answer(404, R"({"error":"no such route"})");
        if (silent)
            return std::nullopt;
        if (!script.empty()) {
            QByteArray next = script.front();
            script.pop_front();
            return next;
        }
        return ScriptedServer::answer(200, purge ? R"({"purged":1})" : R"({"version":4})");
    }

    ScriptedServer m_server;
};

/// A profile of `node` named "staging" (in `environment`).
inline fallback::DeploymentProfile profile(const ScriptedNode& node, const char* environment = "staging")
{
    fallback::DeploymentProfile p;
    p.name = "staging";
    p.url = node.url();
    p.environment = environment;
    return p;
}

inline fallback::ui::Invalidation purgeNamespace(const char* ns)
{
    return {fallback::ui::Invalidation::Kind::PurgeNamespace, QString::fromLatin1(ns), {}};
}

inline fallback::ui::Invalidation bump(const char* ns)
{
    return {fallback::ui::Invalidation::Kind::Bump, QString::fromLatin1(ns), {}};
}

/// Every activity record of a workspace, kept even past its destruction.
struct Records {
    QList<fallback::ui::ActivityRecord> list;
    QStringList results() const
    {
        QStringList r;
        for (const fallback::ui::ActivityRecord& record : list)
            r << record.result;
        return r;
    }
};
