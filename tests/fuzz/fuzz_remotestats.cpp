// A node's /stats document, as the console and `fallbackctl stats` read it
// from the network: any bytes give a value or an error, never a crash, and
// a value renders as a table. The same bytes as a policy and as an audit
// page (`GET /v1/admin/audit`): every entry kept has a number and an action.

#include "fuzzcheck.h"
#include "live/auditfeed.h"
#include "live/remotestats.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace fallback;
    using namespace fallback::live;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const Result<RemoteStats> stats = parseStats(text);
    if (stats)
        fuzz::check(!remoteStatsToTable(*stats).empty(), "stats render as an empty table");
    const Loaded<Policy> policy = parsePolicyText(text, "fuzz.policy.json");
    fuzz::checkLoaded(policy);
    if (const Result<AuditPage> page = parseAuditPage(text)) {
        for (const AuditEntry& entry : page->entries) {
            fuzz::check(entry.seq > 0 && !entry.action.empty(), "an audit entry without a number or action");
            fuzz::check(!entry.who().empty(), "an audit entry names nobody");
        }
    }
    return 0;
}
