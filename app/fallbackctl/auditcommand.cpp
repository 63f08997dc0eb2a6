// `fallbackctl audit`: the deployment's latest purges, bumps and policy
// changes, whoever made them (`GET /v1/admin/audit`), as a table or JSON,
// once or followed as they happen (`--follow`).

#include "cli.h"
#include "live/adminclient.h"
#include "live/auditfeed.h"
#include "remotecommands.h"
#include "remotetarget.h"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <set>
#include <thread>
#include <variant>

namespace fallbackctl {

using namespace fallback;
using live::AdminClient;
using live::AuditEntry;
using live::AuditPage;
using live::Response;
using live::ResponseHandler;

namespace {

const std::string kAuditUsage =
    "usage: fallbackctl audit (--url URL | --deployment NAME) [--since DURATION] [--limit N]\n"
    "                         [--follow] [--json]\n"
    "  the deployment's latest purges, bumps and policy changes, oldest first, with who made\n"
    "  them (the X-Fallback-Client they sent, and their address). Without --since: the last N\n"
    "  (--limit, default 20); with it: all of those within DURATION (e.g. 1h), at most N.\n"
    "  --follow then prints each new one as it happens (asking every second) until\n"
    "  interrupted; with --json, one JSON object per line. The node keeps its last 1000 in\n"
    "  memory; its audit.jsonl keeps them all.\n";

constexpr int kDefaultLimit = 20;
constexpr int kPageSize = 1000;
constexpr auto kFollowEvery = std::chrono::seconds(1);

volatile std::sig_atomic_t g_stop = 0;

extern "C" void stopFollowing(int)
{
    g_stop = 1;
}

std::string resultText(const AuditEntry& entry)
{
    if (entry.ok || entry.result.starts_with("refused"))
        return entry.result;
    return "failed: " + entry.result;
}

struct Widths {
    int action = 6, target = 24, result = 12;
};

Widths widthsFor(const std::vector<AuditEntry>& entries)
{
    Widths w;
    for (const AuditEntry& e : entries) {
        w.action = std::max(w.action, int(e.action.size()));
        w.target = std::max(w.target, std::min(int(e.target.size()), 48));
        w.result = std::max(w.result, std::min(int(resultText(e).size()), 48));
    }
    return w;
}

void printRow(const Widths& w, const std::string& time, const std::string& action, const std::string& target,
              const std::string& result, const std::string& who)
{
    std::printf("%-24s  %-*s  %-*s  %-*s  %s\n", time.c_str(), w.action, action.c_str(), w.target, target.c_str(),
                w.result, result.c_str(), who.c_str());
}

void printHeader(const Widths& w)
{
    printRow(w, "TIME (UTC)", "ACTION", "TARGET", "RESULT", "BY");
}

void printEntry(const Widths& w, const AuditEntry& e)
{
    printRow(w, e.timeText, e.action, e.target, resultText(e), e.who());
}

nlohmann::json entryJson(const AuditEntry& e)
{
    nlohmann::json item = {{"seq", e.seq},       {"time", e.timeText}, {"action", e.action},
                           {"target", e.target}, {"result", e.result}, {"ok", e.ok},
                           {"peer", e.peer}};
    if (!e.client.empty())
        item["client"] = e.client;
    return item;
}

nlohmann::json toJson(const AuditPage& page, const std::vector<AuditEntry>& entries)
{
    nlohmann::json records = nlohmann::json::array();
    for (const AuditEntry& e : entries)
        records.push_back(entryJson(e));
    return {{"instance", page.instance}, {"last_seq", page.lastSeq}, {"records", std::move(records)}};
}

Micros wallNow()
{
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

/// One audit call; the page, or the exit code after saying why it failed.
std::variant<AuditPage, int> fetchPage(AdminClient& client, const RemoteArgs& args, const Target& target,
                                       std::int64_t after, int limit)
{
    const Response r =
        client.wait([&](ResponseHandler done) { return client.audit(target.endpoint, after, limit, std::move(done)); });
    if (r.httpStatus == 404)
        return fail(kFailed, "audit failed: " + target.label +
                                 " has no audit route (HTTP 404): it is not a fallback-node, or an older one");
    if (!r.ok())
        return reportFailure(args, target, r);
    Result<AuditPage> read = live::parseAuditPage(r.body);
    if (!read)
        return fail(kFailed, "audit: " + read.error().message);
    return std::move(read.value());
}

/// Prints what follows `page` every kFollowEvery until SIGINT / SIGTERM.
/// A node that stops answering is waited for, and said so once; a restarted
/// node is followed from its newest, without what was printed before.
int follow(AdminClient& client, const RemoteArgs& args, const Target& target, AuditPage page,
           std::set<std::string> printed, const Widths& widths)
{
    struct sigaction action {};
    action.sa_handler = stopFollowing;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
    std::uint64_t after = page.lastSeq;
    std::string instance = page.instance;
    bool lost = false;
    while (!g_stop) {
        const auto wake = std::chrono::steady_clock::now() + kFollowEvery;
        while (!g_stop && std::chrono::steady_clock::now() < wake)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        if (g_stop)
            break;
        const Response r = client.wait([&](ResponseHandler done) {
            return client.audit(target.endpoint, instance.empty() ? -1 : std::int64_t(after), kPageSize,
                                std::move(done));
        });
        Result<AuditPage> read = r.ok() ? live::parseAuditPage(r.body) : Result<AuditPage>(Error{"", ""});
        if (!read) {
            if (!lost)
                std::fprintf(stderr, "fallbackctl: no audit answer from %s (%s); still asking every second\n",
                             target.label.c_str(),
                             r.ok() ? read.error().message.c_str() : r.errorMessage().c_str());
            lost = true;
            continue;
        }
        if (lost)
            std::fprintf(stderr, "fallbackctl: %s answers again\n", target.label.c_str());
        lost = false;
        if (!instance.empty() && read.value().instance != instance) {
            std::fprintf(stderr, "fallbackctl: %s restarted; following its new log\n", target.label.c_str());
            instance.clear(); // ask for its newest, then follow on
            continue;
        }
        instance = read.value().instance;
        for (const AuditEntry& e : read.value().entries) {
            after = std::max(after, e.seq);
            if (!printed.insert(live::auditEntryKey(e)).second)
                continue;
            if (args.json)
                std::cout << entryJson(e).dump() << '\n';
            else
                printEntry(widths, e);
        }
        if (!read.value().more)
            after = std::max(after, read.value().lastSeq);
        std::cout.flush();
        std::fflush(stdout);
    }
    return kOk;
}

} // namespace

int auditCommand(const std::vector<std::string>& argv)
{
    RemoteArgs args;
    args.command = "audit";
    if (auto code = parseRemoteArgs(argv, {"--json", "--since", "--limit", "--follow"}, kAuditUsage, args))
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
        std::variant<AuditPage, int> fetched = fetchPage(client, args, target, after, pageSize);
        if (const int* code = std::get_if<int>(&fetched))
            return *code;
        AuditPage& read = std::get<AuditPage>(fetched);
        if (pages == 0)
            page.missed = read.missed;
        page.instance = read.instance;
        page.lastSeq = read.lastSeq;
        page.more = read.more;
        for (AuditEntry& entry : read.entries)
            entries.push_back(std::move(entry));
        if (!args.since || !read.more || entries.empty())
            break;
        after = static_cast<std::int64_t>(entries.back().seq);
    }
    if (args.since) {
        const Micros cutoff = wallNow() - *args.since;
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
    if (!args.follow) {
        if (args.json)
            std::cout << toJson(page, entries).dump(2) << '\n';
        else if (entries.empty())
            std::printf("no purges, bumps or policy changes recorded\n");
        else {
            const Widths widths = widthsFor(entries);
            printHeader(widths);
            for (const AuditEntry& e : entries)
                printEntry(widths, e);
        }
        return kOk;
    }
    // Followed: the same columns for whatever comes; JSON one entry a line.
    const Widths widths = widthsFor(entries);
    std::set<std::string> printed;
    if (!args.json)
        printHeader(widths);
    for (const AuditEntry& e : entries) {
        printed.insert(live::auditEntryKey(e));
        if (args.json)
            std::cout << entryJson(e).dump() << '\n';
        else
            printEntry(widths, e);
    }
    std::cout.flush();
    std::fflush(stdout);
    return follow(client, args, target, std::move(page), std::move(printed), widths);
}

} // namespace fallbackctl
