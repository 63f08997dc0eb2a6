#pragma once

// Reading a fallback-node's admin answers (SPEC §6) into the types views
// show: a stats document becomes a WorkspaceSnapshot, a key report a
// KeyReport, a purge dry run an InvalidationPreview. Pure functions, called
// on the AdminClient's worker thread, so that the GUI thread only swaps a
// pointer (STYLE §8).

#include "live/ratelimit.h"
#include "policy/policy.h"
#include "workspaces/workspacesnapshot.h"
#include "workspaces/workspacetypes.h"

#include <QString>
#include <QStringList>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fallback::ui {

/// What a poller already holds of a deployment's 1-second series, carried
/// from one stats answer to the next. Seconds are the node's wall-clock
/// seconds (Unix time).
struct SeriesCursor {
    /// Newest point the node sent: the next poll asks `series_after` it.
    std::int64_t lastPoint = -1;
    /// Newest second in the history, a point or an idle second filled with
    /// an empty point; -1 before any.
    std::int64_t filledTo = -1;
    /// When the node run we follow started, from its uptime; -1 unknown.
    /// Seconds before a restart are never filled: they stay gaps.
    std::int64_t nodeStart = -1;

    bool isFresh() const { return lastPoint < 0 && filledTo < 0; }
};

/// One stats answer, read.
struct StatsReading {
    bool ok = false;
    QString error;             ///< !ok: why the document was not understood
    SnapshotPtr snapshot;      ///< ok: the snapshot to publish
    std::string policyEtag;    ///< the node's `policy_etag`, "" when it sends none
    QString healthProblem;     ///< the node says it is degraded: how ("" when healthy)
    SeriesCursor cursor;       ///< to keep for the next poll
};

/// Seconds a poller fills as idle after the newest one it holds when the
/// node sent nothing for them, at most: older seconds have left the node's
/// bounded series and are unknown (gaps).
inline constexpr std::int64_t kMaxFilledSeconds = 3600;

/// Reads a `GET /v1/admin/stats` body. `policy` is copied into the
/// snapshot. Series: points after `cursor.lastPoint` up to the last
/// complete second (now - 1) are handed over; seconds the node covered but
/// has no point for (it was running and idle: since the cursor's last
/// second, or since the node started when it is new to the cursor) become
/// empty points, so that the Overview draws them as zero, while seconds
/// nobody answered for (before a restart, beyond kMaxFilledSeconds) stay
/// gaps. The open second (now) is left for a later poll. `wallNow`
/// (microseconds since the epoch) stands in for the node's clock when it
/// sends no `now_ms`.
StatsReading readStats(std::string_view body, const Policy& policy, const SeriesCursor& cursor,
                       Micros wallNow);

/// Reads a `GET /v1/admin/keys/{ns}/{id}` body into a report of every tier.
KeyReport readKeyReport(std::string_view body, const QString& ns, const QString& id);
/// Reads `{"ids": [...]}` of `GET /v1/admin/keys/{ns}?prefix=&limit=`; empty
/// on anything else.
QStringList readKeyIds(std::string_view body);
/// Reads a purge dry run (`{"would_purge": N, "per_tier": {...}}`) into a
/// preview of `invalidation`; `ok` false with `error` when the body is not
/// one.
InvalidationPreview readPurgePreview(std::string_view body, const Invalidation& invalidation);

/// One `GET /v1/admin/health` answer, read.
struct HealthReading {
    /// "" when the node is healthy, else one sentence saying how it is not.
    QString problem;
    /// The node's `warnings`: advice about its setup (an origin whose
    /// Cache-Control forbids what its policy does, ...), not degradation, so
    /// a node that is "ok" may send some. Opaque text, in the node's order:
    /// control characters blanked, each cut to kMaxHealthWarningLength,
    /// non-strings and blank ones skipped, at most kMaxHealthWarnings (then
    /// one more line saying how many were left out).
    QStringList warnings;
    /// The body was a JSON object: `warnings` is what the node says (empty:
    /// it warns of nothing), not the leftovers of an answer not understood.
    bool understood = false;
    /// The node's own purge limit (--purge-limit), what is left of it now.
    std::optional<live::RateLimit> purgeLimit;
};

/// Characters a health warning keeps (with a closing "…" when it was cut).
inline constexpr qsizetype kMaxHealthWarningLength = 500;
/// Health warnings kept from one answer: a node cannot fill the screen.
inline constexpr qsizetype kMaxHealthWarnings = 20;

/// Reads `GET /v1/admin/health` (`{"status": "ok" | "degraded" | ..., "reason": ...,
/// "warnings": [...]}`).
HealthReading readHealth(std::string_view body);

/// The node's `{"error": ...}` (with its diagnostics, one per line, when it
/// sends a `diagnostics` list), or "" when the body carries none.
QString readErrorBody(std::string_view body);
/// `{"purged": N}` → N; `{"namespace": .., "version": N}` → N. -1 when absent.
std::int64_t readCount(std::string_view body, const char* field);

} // namespace fallback::ui
