#pragma once

// The node's audit log (`audit.jsonl` under --data-dir): one JSON line per
// admin action, appended and fsync'd before the action is answered, so an
// acknowledged purge, bump or policy change is on disk. When the disk
// refuses a line (full, over a file-size limit, I/O error) the line waits in
// memory, in order, and is written as soon as the disk takes it again; the
// file only ever holds whole lines. Never holds a token.

#include "live/auditfeed.h"
#include "util/isotime.h"
#include "util/result.h"
#include "util/units.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace fallback::node {

/// One admin action.
struct AuditRecord {
    Micros time = 0;     ///< wall clock, microseconds since the Unix epoch
    std::string action;  ///< `purge`, `bump`, `policy`
    std::string target;  ///< e.g. `namespace product`, `keys product:a,product:b`, `all`
    std::string result;  ///< e.g. `purged 3`, `version 5`, `412 stale etag`
    bool ok = true;
    std::string peer;    ///< `address:port` of the client
    /// Who says they are asking (`X-Fallback-Client`, e.g. `fallbackctl
    /// alice@host`): printable ASCII, at most kMaxClientName bytes; empty
    /// when the request did not say. Not authenticated: the token is one
    /// per node, so this only tells tools apart.
    std::string client;
};

using live::cleanClientName;
using live::kMaxClientName;

/// The record as JSON: `time`, `action`, `target`, `result`, `ok`, `peer`,
/// and `client` when known. Dump with error_handler_t::replace: a target
/// may quote a client's invalid UTF-8.
nlohmann::json auditJson(const AuditRecord& record);
/// One audit line (no newline): auditJson(), invalid UTF-8 replaced.
std::string auditLine(const AuditRecord& record);
/// The record of one audit line; nullopt for a line that is not one (torn,
/// malformed, no valid `time` or `action`).
std::optional<AuditRecord> parseAuditLine(std::string_view line);


/// Append-only, called on the engine's thread. Each line is one write(),
/// and fsync() follows before append() returns (once for all the lines an
/// append or retry writes): a crash loses at most the line being written,
/// never an earlier one. A write the disk cuts short is cut back off the file.
class AuditLog {
public:
    /// Lines kept while the disk refuses them; beyond, the oldest are dropped
    /// (and counted): memory stays bounded through a long outage.
    static constexpr std::size_t kMaxPending = 10000;

    /// Opens (creates) `path` for appending, mode 0600.
    static Result<std::unique_ptr<AuditLog>> open(const std::string& path);
    /// Tries the waiting lines once more, then syncs.
    ~AuditLog();
    AuditLog(const AuditLog&) = delete;
    AuditLog& operator=(const AuditLog&) = delete;

    /// Queues the line behind any still waiting and writes them in order.
    /// Fails when the disk refuses one: it and the later ones stay queued
    /// for the next append() or retry(). The action itself has already
    /// happened; the caller reports the failure.
    Status append(const AuditRecord& record);
    /// Writes the waiting lines; Done when none is left (or none was).
    Status retry();
    /// fsync once more (shutdown); what append() and retry() wrote is synced already.
    void flush();
    const std::string& path() const { return m_path; }
    std::size_t linesWritten() const { return m_lines; }
    /// Lines waiting for the disk.
    std::size_t pendingLines() const { return m_pending.size(); }
    /// Lines given up because more than kMaxPending were waiting.
    std::uint64_t droppedLines() const { return m_dropped; }
    /// Writes the disk refused since the log was opened.
    std::uint64_t writeErrors() const { return m_writeErrors; }

private:
    AuditLog(int fd, std::string path) : m_fd(fd), m_path(std::move(path)) {}
    /// One whole line or nothing: a short write is truncated away.
    Status writeLine(const std::string& text);
    Status failure(const char* what, int error) const;
    int m_fd = -1;
    std::string m_path;
    std::size_t m_lines = 0;
    std::deque<std::string> m_pending; ///< whole lines, newline included, oldest first
    std::uint64_t m_dropped = 0;
    std::uint64_t m_writeErrors = 0;
    bool m_tornTail = false; ///< the file ends inside a line
};

} // namespace fallback::node
