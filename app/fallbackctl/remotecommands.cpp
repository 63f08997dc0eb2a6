#include "remotecommands.h"

#include "cli.h"
#include "live/adminclient.h"
#include "live/remotestats.h"
#include "policy/key.h"
#include "policy/policyfields.h"
#include "policy/policyloader.h"
#include "remotetarget.h"
#include "util/text.h"

#include <cstdio>
#include <iostream>

namespace fallbackctl {

using namespace fallback;
using live::AdminClient;
using live::CallId;
using live::Response;
using live::ResponseHandler;

namespace {

const std::string kStatsUsage = "usage: fallbackctl stats (--url URL | --deployment NAME) [--json]\n"
                                "  prints the deployment's statistics: a table, or the node's JSON with --json\n";
const std::string kPolicyUsage =
    "usage: fallbackctl policy get (--url URL | --deployment NAME) [--json]\n"
    "       fallbackctl policy apply FILE (--url URL | --deployment NAME) [--if-match ETAG]\n"
    "  get prints the live policy as YAML (or JSON) and its ETag on stderr; apply checks FILE,\n"
    "  then replaces the live policy only if it is still the one of ETAG (default: the\n"
    "  live policy's ETag read just before)\n";
const std::string kPurgeUsage =
    "usage: fallbackctl purge (--url URL | --deployment NAME) (--key NS:ID ... | --namespace NS | --all) [--json]\n"
    "  purges keys, a namespace or everything from the edge cache and edge KV\n";
const std::string kBumpUsage = "usage: fallbackctl bump NS (--url URL | --deployment NAME) [--json]\n"
                               "  bumps the namespace's version: older entries become unreachable\n";

int printHelp(const std::string& usage)
{
    std::printf("%s\n%s", usage.c_str(), kConnectionHelp);
    return kOk;
}

int usage(const std::string& message, const std::string& text)
{
    std::fprintf(stderr, "fallbackctl: %s\n\n%s\n%s", message.c_str(), text.c_str(), kConnectionHelp);
    return kUsage;
}

/// The unsigned integer `key` of an answer, or nullopt after saying the
/// answer was not what the node should send.
std::optional<std::uint64_t> answerCount(const RemoteArgs& args, const nlohmann::json& doc, const char* key)
{
    if (doc.is_object()) {
        auto it = doc.find(key);
        if (it != doc.end() && it->is_number_unsigned())
            return it->get<std::uint64_t>();
    }
    fail(kFailed, args.command + ": the deployment's answer has no '" + key + "' count");
    return std::nullopt;
}

/// The node's diagnostics of a refused policy: strings, or objects with a
/// message (and maybe a position in the body it was sent).
void printNodeDiagnostics(const Response& response)
{
    const nlohmann::json doc = nlohmann::json::parse(response.body, nullptr, false);
    if (!doc.is_object() || !doc.contains("diagnostics") || !doc["diagnostics"].is_array())
        return;
    for (const nlohmann::json& d : doc["diagnostics"]) {
        if (d.is_string()) {
            std::fprintf(stderr, "  %s\n", d.get<std::string>().c_str());
        } else if (d.is_object() && d.contains("message") && d["message"].is_string()) {
            std::fprintf(stderr, "  %s\n", d["message"].get<std::string>().c_str());
        }
    }
}

/// After a success: what the node did but could not write down (its
/// `X-Fallback-Warning` headers), one `warning:` line each on stderr. The
/// action happened, so the exit code stays 0. stdout is flushed first so
/// that on a terminal the warnings come after the result.
void printWarnings(const Response& response)
{
    if (response.warnings.empty())
        return;
    std::fflush(stdout); // std::cout writes through it (synced with stdio)
    for (const std::string& warning : response.warnings)
        std::fprintf(stderr, "warning: %s\n", warning.c_str());
}

/// After a purge or bump: the deployment's rate limit when its answer
/// stated one (SPEC §8: show limits), `rate limit: 997 of 1000 purges left,
/// resets in 58 min` on stderr, so that stdout stays the result alone.
void printRateLimit(const RemoteArgs& args, const Response& response)
{
    if (!response.rateLimit)
        return;
    const std::string words =
        live::describeRateLimit(*response.rateLimit, rateLimitNoun(args.command));
    if (words.empty())
        return;
    std::fflush(stdout);
    std::fprintf(stderr, "rate limit: %s\n", words.c_str());
}

int policyGet(RemoteArgs& args)
{
    Target target;
    if (auto code = resolveTarget(args, kPolicyUsage, target))
        return *code;
    AdminClient client;
    const Response r = client.wait([&](ResponseHandler done) { return client.getPolicy(target.endpoint, std::move(done)); });
    if (!r.ok())
        return reportFailure(args, target, r);
    // Read with the loader's own rules either way, so that what is printed
    // is a policy `policy apply` takes back.
    const Loaded<Policy> policy = live::parsePolicyText(r.body, target.endpoint.url + "/v1/admin/policy");
    if (!policy.ok()) {
        std::fputs(policy.diagnostics.format().c_str(), stderr);
        return fail(kFailed, "the deployment's policy does not load");
    }
    if (!r.etag.empty())
        std::fprintf(stderr, "ETag: %s\n", r.etag.c_str());
    if (args.json) {
        const std::optional<nlohmann::json> doc = jsonBody(args, r);
        if (!doc)
            return kFailed;
        std::cout << doc->dump(2) << '\n';
    } else {
        std::cout << writePolicyYaml(*policy.value);
    }
    return kOk;
}

int policyApply(RemoteArgs& args)
{
    if (args.positional.size() != 1)
        return usage(args.positional.empty() ? "policy apply needs a policy FILE"
                                             : "policy apply takes one FILE, got also '" + args.positional[1] + "'",
                     kPolicyUsage);
    const std::string& file = args.positional[0];
    Target target;
    if (auto code = resolveTarget(args, kPolicyUsage, target))
        return *code;
    // Checked here first, with the file's own name and positions: the node
    // would only point into the body it was sent.
    const Loaded<Policy> local = loadPolicyFile(file);
    std::fputs(local.diagnostics.format().c_str(), stderr);
    if (!local.ok())
        return kFailed;

    AdminClient client;
    std::string etag;
    std::optional<Policy> live;
    if (args.ifMatch) {
        etag = *args.ifMatch;
    } else {
        const Response current =
            client.wait([&](ResponseHandler done) { return client.getPolicy(target.endpoint, std::move(done)); });
        if (!current.ok())
            return reportFailure(args, target, current);
        etag = current.etag;
        Loaded<Policy> parsed = live::parsePolicyText(current.body, target.endpoint.url + "/v1/admin/policy");
        if (parsed.ok())
            live = std::move(parsed.value);
        if (live && *live == *local.value) {
            std::printf("the live policy of %s already matches %s: nothing to apply\n", target.label.c_str(),
                        file.c_str());
            return kOk;
        }
    }

    const std::string body = live::policyToJson(*local.value).dump();
    const Response r = client.wait(
        [&](ResponseHandler done) { return client.putPolicy(target.endpoint, body, etag, std::move(done)); });
    if (r.httpStatus == 412)
        return fail(kFailed, "the live policy changed since " + (etag.empty() ? std::string("it was read") : etag)
                                 + "; fetch it again (fallbackctl policy get) and re-apply");
    if (r.httpStatus == 400 || r.httpStatus == 409 || r.httpStatus == 422) {
        const int code = reportFailure(args, target, r);
        printNodeDiagnostics(r);
        return code;
    }
    if (!r.ok())
        return reportFailure(args, target, r);

    std::printf("applied %s to %s\n", file.c_str(), target.label.c_str());
    if (live) {
        for (const PolicyChange& change : diffPolicy(*live, *local.value))
            std::printf("  %s\n", change.describe().c_str());
    }
    if (!r.etag.empty())
        std::fprintf(stderr, "ETag: %s\n", r.etag.c_str());
    printWarnings(r);
    return kOk;
}

/// `health     ok`, or `health     degraded: REASON` (a full disk, a failing
/// origin...), under the deployment's name: the first thing to know. Nothing
/// when the health call fails or is not understood (the stats still stand).
/// Then one `warning` line per piece of advice from a healthy node.
void printHealth(AdminClient& client, const Target& target)
{
    const Response r =
        client.wait([&](ResponseHandler done) { return client.health(target.endpoint, std::move(done)); });
    if (!r.ok())
        return;
    const nlohmann::json doc = nlohmann::json::parse(r.body, nullptr, false);
    if (!doc.is_object() || !doc.contains("status") || !doc["status"].is_string())
        return;
    std::string line = "health     " + withoutControlCharacters(doc["status"].get<std::string>());
    if (const auto reason = doc.find("reason"); reason != doc.end() && reason->is_string())
        line += ": " + withoutControlCharacters(reason->get<std::string>());
    std::cout << line << '\n';
    // The node's own limit on purges and bumps (--purge-limit), before one is asked.
    if (const std::optional<live::RateLimit> limit = live::nodePurgeLimit(r.body)) {
        if (const std::string words = live::describeRateLimit(*limit, "purges and bumps"); !words.empty())
            std::cout << "limit      " << words << '\n';
    }
    // Advice the node gives while healthy, e.g. an origin forbidding what the policy does.
    if (const auto warnings = doc.find("warnings"); warnings != doc.end() && warnings->is_array()) {
        for (const nlohmann::json& warning : *warnings) {
            if (warning.is_string())
                std::cout << "warning    " << withoutControlCharacters(warning.get<std::string>())
                          << '\n';
        }
    }
}

} // namespace

int statsCommand(const std::vector<std::string>& argv)
{
    RemoteArgs args;
    args.command = "stats";
    if (auto code = parseRemoteArgs(argv, {"--json"}, kStatsUsage, args))
        return *code;
    if (args.help)
        return printHelp(kStatsUsage);
    if (!args.positional.empty())
        return usage("stats takes no argument '" + args.positional[0] + "'", kStatsUsage);
    Target target;
    if (auto code = resolveTarget(args, kStatsUsage, target))
        return *code;
    AdminClient client;
    const Response r =
        client.wait([&](ResponseHandler done) { return client.stats(target.endpoint, -1, std::move(done)); });
    if (!r.ok())
        return reportFailure(args, target, r);
    const std::optional<nlohmann::json> doc = jsonBody(args, r);
    if (!doc)
        return kFailed;
    if (args.json) {
        std::cout << doc->dump(2) << '\n';
        return kOk;
    }
    const Result<live::RemoteStats> stats = live::parseStats(*doc);
    if (!stats.ok())
        return fail(kFailed, "the deployment's stats cannot be read: " + stats.error().message);
    std::cout << "deployment " << target.label << "\n";
    printHealth(client, target);
    std::cout << live::remoteStatsToTable(*stats);
    return kOk;
}

int policyCommand(const std::vector<std::string>& argv)
{
    if (argv.empty())
        return usage("policy needs 'get' or 'apply'", kPolicyUsage);
    const std::string& action = argv[0];
    if (action == "--help" || action == "-h" || action == "help")
        return printHelp(kPolicyUsage);
    if (action != "get" && action != "apply")
        return usage("policy has no action '" + action + "': use get or apply", kPolicyUsage);
    RemoteArgs args;
    args.command = "policy " + action;
    const std::vector<std::string> rest(argv.begin() + 1, argv.end());
    const auto code = action == "get" ? parseRemoteArgs(rest, {"--json"}, kPolicyUsage, args)
                                      : parseRemoteArgs(rest, {"--if-match"}, kPolicyUsage, args);
    if (code)
        return *code;
    if (args.help)
        return printHelp(kPolicyUsage);
    if (action == "get") {
        if (!args.positional.empty())
            return usage("policy get takes no argument '" + args.positional[0] + "'", kPolicyUsage);
        return policyGet(args);
    }
    return policyApply(args);
}

int purgeCommand(const std::vector<std::string>& argv)
{
    RemoteArgs args;
    args.command = "purge";
    if (auto code = parseRemoteArgs(argv, {"--key", "--namespace", "--all", "--json"}, kPurgeUsage, args))
        return *code;
    if (args.help)
        return printHelp(kPurgeUsage);
    if (!args.positional.empty())
        return usage("purge takes no argument '" + args.positional[0] + "'", kPurgeUsage);
    const int scopes = int(!args.keys.empty()) + int(args.ns.has_value()) + int(args.all);
    if (scopes != 1)
        return usage(scopes == 0 ? "purge needs --key NS:ID, --namespace NS or --all"
                                 : "purge takes one of --key, --namespace and --all",
                     kPurgeUsage);
    Target target;
    if (auto code = resolveTarget(args, kPurgeUsage, target))
        return *code;

    live::PurgeRequest request;
    request.all = args.all;
    if (args.ns) {
        if (const std::string why = checkNamespaceName(*args.ns); !why.empty())
            return fail(kFailed, why);
        request.ns = *args.ns;
    }
    for (const std::string& key : args.keys) {
        std::string why;
        if (!parseResourceAddress(key, &why))
            return fail(kFailed, "--key " + quoteForMessage(key) + ": " + why);
        request.keys.push_back(key);
    }
    AdminClient client;
    const Response r =
        client.wait([&](ResponseHandler done) { return client.purge(target.endpoint, request, std::move(done)); });
    if (!r.ok())
        return reportFailure(args, target, r);
    const std::optional<nlohmann::json> doc = jsonBody(args, r);
    if (!doc)
        return kFailed;
    const std::optional<std::uint64_t> purged = answerCount(args, *doc, "purged");
    if (!purged)
        return kFailed;
    if (args.json)
        std::cout << doc->dump(2) << '\n';
    else
        std::printf("purged %s\n", countOf(*purged, "entry", "entries").c_str());
    printRateLimit(args, r);
    printWarnings(r);
    return kOk;
}

int bumpCommand(const std::vector<std::string>& argv)
{
    RemoteArgs args;
    args.command = "bump";
    if (auto code = parseRemoteArgs(argv, {"--json"}, kBumpUsage, args))
        return *code;
    if (args.help)
        return printHelp(kBumpUsage);
    if (args.positional.size() != 1)
        return usage(args.positional.empty() ? "bump needs a namespace NS"
                                             : "bump takes one NS, got also '" + args.positional[1] + "'",
                     kBumpUsage);
    const std::string& ns = args.positional[0];
    Target target;
    if (auto code = resolveTarget(args, kBumpUsage, target))
        return *code;
    if (const std::string why = checkNamespaceName(ns); !why.empty())
        return fail(kFailed, why);
    AdminClient client;
    const Response r = client.wait([&](ResponseHandler done) { return client.bump(target.endpoint, ns, std::move(done)); });
    if (!r.ok())
        return reportFailure(args, target, r);
    const std::optional<nlohmann::json> doc = jsonBody(args, r);
    if (!doc)
        return kFailed;
    const std::optional<std::uint64_t> version = answerCount(args, *doc, "version");
    if (!version)
        return kFailed;
    if (args.json)
        std::cout << doc->dump(2) << '\n';
    else
        std::printf("bumped %s to version %llu\n", ns.c_str(), static_cast<unsigned long long>(*version));
    printRateLimit(args, r);
    printWarnings(r);
    return kOk;
}

} // namespace fallbackctl
