#pragma once

// A deployment's audit route as a client reads it (`GET /v1/admin/audit`,
// served by fallback-node): the latest purges, bumps and policy changes,
// whoever made them. Qt-free: fallbackctl prints it, the console marks and
// lists it.

#include "util/result.h"
#include "util/units.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fallback::live {

/// Most bytes of an `X-Fallback-Client` name the node keeps.
constexpr std::size_t kMaxClientName = 100;

/// An `X-Fallback-Client` name as it travels and as the node's audit log
/// keeps it: control and non-ASCII bytes dropped (so it cannot add a
/// header), spaces trimmed, cut at kMaxClientName bytes. A client that
/// compares its own name with the log's compares this.
std::string cleanClientName(std::string_view value);

/// One admin action on the node.
struct AuditEntry {
    std::uint64_t seq = 0; ///< the node's number for it, in order, per instance
    Micros time = 0;       ///< on the node's wall clock, µs since the Unix epoch
    std::string timeText;  ///< as the node wrote it, e.g. `2024-05-01T12:00:00.123Z`
    std::string action;    ///< `purge`, `bump`, `policy`
    std::string target;    ///< `namespace product`, `keys product:a`, `all`, `policy`
    std::string result;    ///< `purged 3`, `version 5`, `refused: ...`
    bool ok = true;
    std::string peer;      ///< `address:port` the node saw
    std::string client;    ///< the caller's X-Fallback-Client; may be empty

    /// `fallbackctl alice@ops-1 (10.0.0.3)`, `10.0.0.3` without a client name.
    std::string who() const;
};

/// What identifies an entry across a restart of the node (its number does
/// not): its time, action, target and peer.
std::string auditEntryKey(const AuditEntry& entry);

struct AuditPage {
    std::string instance;        ///< this run of the node: numbers restart with a new one
    std::vector<AuditEntry> entries; ///< oldest first
    std::uint64_t lastSeq = 0;   ///< the node's newest number (0: none yet)
    bool more = false;           ///< later entries wait for the next page
    std::uint64_t missed = 0;    ///< entries after the asked number already forgotten
};

/// Reads the route's answer. An entry without a number, a time or an action
/// is skipped (a newer node may add kinds this client does not know); a
/// body that is not the route's document is an error that says why.
Result<AuditPage> parseAuditPage(std::string_view body);

} // namespace fallback::live
