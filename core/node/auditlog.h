#pragma once

// The node's audit log (`audit.jsonl` under --data-dir): one JSON line per
// admin action, appended and fsync'd before the action is answered, so an
// acknowledged purge, bump or policy change is on disk. Never holds a token.

#include "util/result.h"
#include "util/units.h"

#include <memory>
#include <string>

namespace fallback::node {

/// One admin action.
struct AuditRecord {
    Micros time = 0;     ///< wall clock, microseconds since the Unix epoch
    std::string action;  ///< `purge`, `bump`, `policy`
    std::string target;  ///< e.g. `namespace product`, `keys product:a,product:b`, `all`
    std::string result;  ///< e.g. `purged 3`, `version 5`, `412 stale etag`
    bool ok = true;
    std::string peer;    ///< `address:port` of the client
};

/// `2024-05-01T12:00:00.123Z` for a wall-clock instant.
std::string isoTime(Micros time);

/// Append-only, called on the engine's thread. Each append is one write()
/// of a whole line followed by fsync(): a crash loses at most the line being
/// written, never an earlier one.
class AuditLog {
public:
    /// Opens (creates) `path` for appending, mode 0600.
    static Result<std::unique_ptr<AuditLog>> open(const std::string& path);
    ~AuditLog();
    AuditLog(const AuditLog&) = delete;
    AuditLog& operator=(const AuditLog&) = delete;

    /// Fails when the disk refuses the line (full, I/O error); the caller
    /// logs it: the action itself has already happened.
    Status append(const AuditRecord& record);
    /// fsync once more (shutdown); appends are already synced one by one.
    void flush();
    const std::string& path() const { return m_path; }
    std::size_t linesWritten() const { return m_lines; }

private:
    AuditLog(int fd, std::string path) : m_fd(fd), m_path(std::move(path)) {}
    int m_fd = -1;
    std::string m_path;
    std::size_t m_lines = 0;
};

} // namespace fallback::node
