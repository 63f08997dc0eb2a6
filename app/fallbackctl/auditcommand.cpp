// `fallbackctl audit`: the deployment's latest purges, bumps and policy
// changes, whoever made them (`GET /v1/admin/audit`), as a table or JSON.

#include "cli.h"
#include "live/adminclient.h"
#include "live/auditfeed.h"
#include "remotecommands.h"
#include "remotetarget.h"
#include "util/isotime.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>

namespace fallbackctl {

using namespace fallback;
using live::AdminClient;
using live::AuditEntry;
using live::AuditPage;
using live::Response;
using live::ResponseHandler;

namespace {

const std::string kAuditUsage =
    "usage: fallbackctl audit (--url URL | --deployment NAME) [--since DURATION] [--limit N] [--json]\n"
    "  the deployment's latest purges, bumps and policy changes, oldest first, with who made\n"
    "  them (the X-Fallback-Client they sent, and their address). Without --since: the last N\n"
    "  (--limit, default 20); with it: all of those within DURATION (e.g. 1h), at most N.\n"
    "  The node keeps its last 1000 in memory; its audit.jsonl keeps them all.\n";

constexpr int kDefaultLimit = 20;
constexpr int kPageSize = 1000;

std::string resultText(const AuditEntry& entry)
{
    if (entry.ok || entry.result.starts_with("refused"))
        return entry.result;
    return "failed: " + entry.result;
}

void printTable(const std::vector<AuditEntry>& entries)
{
    if (entries.empty()) {
        std::printf("no purges, bumps or policy changes recorded\n");
        return;
    }
    std::size_t actionWidth = 6, targetWidth = 6, resultWidth = 6;
    for (const AuditEntry& e : entries) {
        actionWidth = std::max(actionWidth, e.action.size());
        targetWidth = std::min<std::size_t>(std::max(targetWidth, e.target.size()), 48);
        resultWidth = std::min<std::size_t>(std::max(resultWidth, resultText(e).size()), 48);
    }
    auto row = [&](const std::string& time, const std::string& action, const std::string& target,
                   const std::string& result, const std::string& who) {
        std::printf("%-24s  %-*s  %-*s  %-*s  %s\n", time.c_str(), int(actionWidth), action.c_str(),
                    int(targetWidth), target.c_str(), int(resultWidth), result.c_str(), who.c_str());
    };
    row("TIME (UTC)", "ACTION", "TARGET", "RESULT", "BY");
    for (const AuditEntry& e : entries)
        row(e.timeText, e.action, e.target, resultText(e), e.who());
}

nlohmann::json toJson(const AuditPage& page, const std::vector<AuditEntry>& entries)
{
    nlohmann::json records = nlohmann::json::array();
    for (const AuditEntry& e : entries) {
        nlohmann::json item = {{"seq", e.seq},       {"time", e.timeText}, {"action", e.action},
                               {"target", e.target}, {"result", e.result}, {"ok", e.ok},
                               {"peer", e.peer}};
        if (!e.client.empty())
            item["client"] = e.client;
        records.push_back(std::move(item));
    }
    return {{"instance", page.instance}, {"last_seq", page.lastSeq}, {"records", std::move(records)}};
}

} // namespace

int auditCommand(const std::vector<std::string>& argv)
{
    RemoteArgs args;
    args.command = "audit";
    if (auto code = parseRemoteArgs(argv, {"--json", "--since", "--limit"}, kAuditUsage, args))
        return *code;
    if (args.help) {
        std::printf("%s\n%s", kAuditUsage.c_str(), kConnectionHelp);
        return kOk;
    }
    if (!args.positional.empty()) {
        std::fprintf(stderr, "fallbackctl: audit takes no argument, got '%s'\n\n%s\n%s",
                     args.positional.front().c_str(), kAuditUsage.c_str(), kConnectionHelp);
        return kUsage;
    }
    Target target;
    if (auto code = resolveTarget(args, kAuditUsage, target))
        return *code;

    AdminClient client;
    AuditPage page;
    std::vector<AuditEntry> entries;
    // Without --since one page of the newest; with it, every page from the
    // oldest kept (the node keeps at most kPageSize, so one page as a rule).
    std::int64_t after = args.since ? 0 : -1;
    const int pageSize = args.since ? kPageSize : args.limit.value_or(kDefaultLimit);
    for (int pages = 0; pages < 100; ++pages) {
        const Response r = client.wait(
            [&](ResponseHandler done) { return client.audit(target.endpoint, after, pageSize, std::move(done)); });
        if (r.httpStatus == 404)
            return fail(kFailed, "audit failed: " + target.label +
                                     " has no audit route (HTTP 404): it is not a fallback-node, or an older one");
        if (!r.ok())
            return reportFailure(args, target, r);
        Result<AuditPage> read = live::parseAuditPage(r.body);
        if (!read)
            return fail(kFailed, "audit: " + read.error().message);
        if (pages == 0)
            page.missed = read.value().missed;
        page.instance = read.value().instance;
        page.lastSeq = read.value().lastSeq;
        for (AuditEntry& entry : read.value().entries)
            entries.push_back(std::move(entry));
        if (!args.since || !read.value().more || entries.empty())
            break;
        after = static_cast<std::int64_t>(entries.back().seq);
    }
    if (args.since) {
        const Micros now = std::chrono::duration_cast<std::chrono::microseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
        const Micros cutoff = now - *args.since;
        const bool olderForgotten = page.missed > 0 && (entries.empty() || entries.front().time >= cutoff);
        std::erase_if(entries, [&](const AuditEntry& e) { return e.time < cutoff; });
        if (args.limit && entries.size() > std::size_t(*args.limit))
            entries.erase(entries.begin(), entries.end() - *args.limit);
        if (olderForgotten)
            std::fprintf(stderr,
                         "fallbackctl: the node no longer keeps %llu older actions in memory; its audit.jsonl "
                         "has them all\n",
                         static_cast<unsigned long long>(page.missed));
    }
    if (args.json)
        std::cout << toJson(page, entries).dump(2) << '\n';
    else
        printTable(entries);
    return kOk;
}

} // namespace fallbackctl
