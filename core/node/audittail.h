#pragma once

// The node's latest admin actions in memory, numbered, for
// `GET /v1/admin/audit`: every console and fallbackctl can see what any
// other did (who purged, when), not only its own actions. Seeded at start
// from the end of `audit.jsonl`, so a restart keeps the recent history.

#include "node/auditlog.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace fallback::node {

/// Engine thread only, like the audit log.
class AuditTail {
public:
    /// Records kept; older ones are forgotten here (the file keeps them).
    static constexpr std::size_t kKeep = 1000;
    /// Most records one page carries, and the default without `limit`.
    static constexpr std::size_t kMaxPage = 1000;
    static constexpr std::size_t kDefaultPage = 100;

    /// `instance` names this run of the node: numbers restart with it.
    explicit AuditTail(std::string instance) : m_instance(std::move(instance)) {}

    /// Numbers `record` (one past the last) and keeps it.
    void add(AuditRecord record);
    std::uint64_t lastSeq() const { return m_next - 1; }
    std::size_t size() const { return m_records.size(); }
    const std::string& instance() const { return m_instance; }

    /// The answer to `GET /v1/admin/audit`, oldest first:
    /// `{"instance", "records": [{"seq", "time", "action", "target",
    /// "result", "ok", "peer", "client"?}], "first_seq", "last_seq",
    /// "more", "missed"}`. Without `after`, the newest `limit` records;
    /// with it, those numbered above it, up to `limit` (`more`: later ones
    /// wait for the next page). `missed` counts records numbered above
    /// `after` that were already forgotten.
    nlohmann::json page(std::optional<std::uint64_t> after, std::size_t limit) const;

private:
    struct Numbered {
        std::uint64_t seq = 0;
        AuditRecord record;
    };
    std::string m_instance;
    std::deque<Numbered> m_records; ///< oldest first
    std::uint64_t m_next = 1;
};

/// The last `count` records of the audit file at `path`, oldest first,
/// reading at most its last `maxBytes` (a long history is not read whole).
/// Torn and malformed lines are skipped; a missing or unreadable file has
/// no records.
std::vector<AuditRecord> readAuditTail(const std::string& path, std::size_t count,
                                       std::size_t maxBytes = 4u << 20);

/// A fresh name for a run of the node: 16 hex digits from the system's
/// random source.
std::string newInstanceName();

} // namespace fallback::node
