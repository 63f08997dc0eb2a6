#include "remotetarget.h"

#include "cli.h"
#include "live/credentials.h"
#include "live/profiles.h"
#include "util/suggest.h"
#include "util/text.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <pwd.h>
#include <unistd.h>

namespace fallbackctl {

using namespace fallback;

const char* const kConnectionHelp =
    "connection (every remote command):\n"
    "  --url URL                the node's base URL, e.g. http://127.0.0.1:8080\n"
    "  --deployment NAME        a profile of the deployments file instead of --url\n"
    "  --profiles FILE          the deployments file (default: $XDG_CONFIG_HOME/fallback-console/\n"
    "                           deployments.yaml, else ~/.config/fallback-console/deployments.yaml)\n"
    "  --token-file F           the admin token: first line of F; else the profile's token: source\n"
    "                           (with --deployment), else the FALLBACK_TOKEN environment variable\n"
    "  --timeout DURATION       per attempt, e.g. 5s or 500ms (default 10s)\n";

namespace {

constexpr std::string_view kValueFlags[] = {"--url",        "--deployment", "--profiles", "--token-file",
                                            "--timeout",    "--if-match",   "--key",      "--namespace",
                                            "--since",      "--limit"};
constexpr std::string_view kCommonFlags[] = {"--url",     "--deployment", "--profiles", "--token-file",
                                             "--timeout", "--help",       "-h"};

bool takesValue(std::string_view flag)
{
    return std::find(std::begin(kValueFlags), std::end(kValueFlags), flag) != std::end(kValueFlags);
}

int usage(const std::string& message, const std::string& text)
{
    std::fprintf(stderr, "fallbackctl: %s\n\n%s\n%s", message.c_str(), text.c_str(), kConnectionHelp);
    return kUsage;
}

/// Sets a once-only option; false when it was given before.
bool setOnce(std::string& target, bool& seen, const std::string& value)
{
    if (seen)
        return false;
    seen = true;
    target = value;
    return true;
}

} // namespace

std::optional<int> parseRemoteArgs(const std::vector<std::string>& args, std::initializer_list<std::string_view> extra,
                                   const std::string& usageText, RemoteArgs& out)
{
    bool urlSeen = false, deploymentSeen = false, profilesSeen = false, tokenSeen = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string flag = args[i];
        std::optional<std::string> inlineValue;
        if (flag.starts_with("--")) {
            if (auto eq = flag.find('='); eq != std::string::npos) {
                inlineValue = flag.substr(eq + 1);
                flag.resize(eq);
            }
        }
        if (!flag.starts_with("-") || flag == "-") {
            out.positional.push_back(args[i]);
            continue;
        }
        const bool allowed = std::find(std::begin(kCommonFlags), std::end(kCommonFlags), flag) != std::end(kCommonFlags)
                             || std::find(extra.begin(), extra.end(), flag) != extra.end();
        if (!allowed) {
            std::string message = out.command + " has no option '" + flag + "'";
            std::vector<std::string_view> known(std::begin(kCommonFlags), std::end(kCommonFlags));
            known.insert(known.end(), extra.begin(), extra.end());
            if (const std::string guess = nearestMatch(flag, std::span<const std::string_view>(known)); !guess.empty())
                message += " (did you mean '" + guess + "'?)";
            return usage(message, usageText);
        }
        std::string value;
        if (takesValue(flag)) {
            if (inlineValue) {
                value = *inlineValue;
            } else if (i + 1 < args.size()) {
                value = args[++i];
            } else {
                return usage(flag + " needs a value", usageText);
            }
            if (value.empty())
                return usage(flag + " needs a value", usageText);
        } else if (inlineValue) {
            return usage(flag + " takes no value", usageText);
        }

        bool once = true;
        if (flag == "--help" || flag == "-h") {
            out.help = true;
        } else if (flag == "--json") {
            out.json = true;
        } else if (flag == "--all") {
            out.all = true;
        } else if (flag == "--follow") {
            out.follow = true;
        } else if (flag == "--url") {
            once = setOnce(out.url, urlSeen, value);
        } else if (flag == "--deployment") {
            once = setOnce(out.deployment, deploymentSeen, value);
        } else if (flag == "--profiles") {
            once = setOnce(out.profiles, profilesSeen, value);
        } else if (flag == "--token-file") {
            once = setOnce(out.tokenFile, tokenSeen, value);
        } else if (flag == "--timeout") {
            const std::optional<Micros> timeout = parseDuration(value);
            if (!timeout || *timeout <= 0)
                return usage("--timeout needs a duration such as 5s or 500ms, not '" + value + "'", usageText);
            once = !out.timeout;
            out.timeout = *timeout;
        } else if (flag == "--if-match") {
            if (value.empty() || hasControlCharacter(value))
                return usage("--if-match needs the ETag as the deployment sent it (policy get prints "
                             "it), with no control characters",
                             usageText);
            once = !out.ifMatch;
            out.ifMatch = value;
        } else if (flag == "--namespace") {
            once = !out.ns;
            out.ns = value;
        } else if (flag == "--key") {
            out.keys.push_back(value);
        } else if (flag == "--since") {
            const std::optional<Micros> since = parseDuration(value);
            if (!since || *since <= 0)
                return usage("--since needs a duration such as 30m or 2h, not '" + value + "'", usageText);
            once = !out.since;
            out.since = *since;
        } else if (flag == "--limit") {
            int limit = 0;
            const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), limit);
            if (error != std::errc() || end != value.data() + value.size() || limit < 1 || limit > 1000)
                return usage("--limit needs a whole number from 1 to 1000, not '" + value + "'", usageText);
            once = !out.limit;
            out.limit = limit;
        }
        if (!once)
            return usage(flag + " is given twice", usageText);
    }
    return std::nullopt;
}

std::string defaultProfilesPath()
{
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg == '/')
        return std::string(xdg) + "/fallback-console/deployments.yaml";
    const char* home = std::getenv("HOME");
    return std::string(home && *home ? home : ".") + "/.config/fallback-console/deployments.yaml";
}

std::string clientName()
{
    std::string user;
    if (const passwd* entry = ::getpwuid(::geteuid()); entry && entry->pw_name)
        user = entry->pw_name;
    else if (const char* name = std::getenv("USER"); name)
        user = name;
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) != 0)
        host[0] = '\0';
    std::string name = "fallbackctl";
    if (!user.empty() || host[0])
        name += " " + (user.empty() ? std::string("?") : user) + "@" + (host[0] ? host : "?");
    return name;
}

std::optional<int> resolveTarget(const RemoteArgs& args, const std::string& usageText, Target& out)
{
    if (args.url.empty() == args.deployment.empty())
        return usage(args.url.empty() ? args.command + " needs --url URL or --deployment NAME"
                                      : "--url and --deployment cannot both be given",
                     usageText);
    if (!args.profiles.empty() && args.deployment.empty())
        return usage("--profiles goes with --deployment", usageText);

    live::Endpoint& ep = out.endpoint;
    std::optional<TokenSource> profileToken;
    if (!args.url.empty()) {
        if (!args.url.starts_with("http://") && !args.url.starts_with("https://"))
            return usage("--url must start with http:// or https://", usageText);
        ep.url = args.url;
        out.label = args.url;
    } else {
        const std::string path = args.profiles.empty() ? defaultProfilesPath() : args.profiles;
        const Loaded<std::vector<DeploymentProfile>> profiles = loadProfilesFile(path);
        if (!profiles.ok()) {
            std::fputs(profiles.diagnostics.format().c_str(), stderr);
            return kFailed;
        }
        const auto found = std::find_if(profiles.value->begin(), profiles.value->end(),
                                        [&](const DeploymentProfile& p) { return p.name == args.deployment; });
        if (found == profiles.value->end()) {
            std::vector<std::string> names;
            for (const DeploymentProfile& p : *profiles.value)
                names.push_back(p.name);
            std::string message = "no deployment " + quoteForMessage(args.deployment) + " in " + path;
            if (const std::string guess = nearestMatch(args.deployment, std::span<const std::string>(names));
                !guess.empty())
                message += " (did you mean " + quoteForMessage(guess) + "?)";
            return fail(kFailed, message);
        }
        ep.url = found->url;
        out.label = found->name + " (" + found->url + ")";
        if (found->token.kind != TokenSource::Kind::None)
            profileToken = found->token;
    }
    while (ep.url.size() > 1 && ep.url.back() == '/')
        ep.url.pop_back();
    ep.client = clientName();
    if (args.timeout) {
        ep.timeout = *args.timeout;
        ep.connectTimeout = std::min(ep.connectTimeout, *args.timeout);
    }

    // The token: an explicit file wins, then the profile's own source, then
    // the environment. A keychain entry is the console's to read: here it
    // gives way to FALLBACK_TOKEN when that is set.
    std::optional<TokenSource> source;
    if (!args.tokenFile.empty())
        source = TokenSource{TokenSource::Kind::File, args.tokenFile};
    else if (profileToken && !(profileToken->kind == TokenSource::Kind::Keychain && std::getenv("FALLBACK_TOKEN")))
        source = profileToken;
    else if (const char* env = std::getenv("FALLBACK_TOKEN"); env)
        source = TokenSource{TokenSource::Kind::Env, "FALLBACK_TOKEN"};
    if (source) {
        std::string warning;
        Result<std::string> token = live::resolveToken(*source, &warning);
        if (!token.ok()) {
            std::string message = token.error().message;
            if (token.error().code == "keychain")
                message += "; give fallbackctl the token with --token-file F or FALLBACK_TOKEN";
            return fail(kFailed, message);
        }
        if (!warning.empty())
            std::fprintf(stderr, "fallbackctl: warning: %s\n", warning.c_str());
        ep.token = std::move(token.value());
        out.hasToken = true;
    }
    return std::nullopt;
}

int reportFailure(const RemoteArgs& args, const Target& target, const live::Response& response)
{
    if (response.refusedLocally) // nothing was sent: the input is at fault
        return fail(kFailed, args.command + " not sent: " + response.errorMessage());
    if (!response.reached())
        return fail(kUnreachable, "cannot reach " + target.label + ": " + response.errorMessage());
    if (response.httpStatus == 401) {
        if (!target.hasToken)
            return fail(kFailed, "the deployment refused the request (401): it needs a token; "
                                 "give it with --token-file F or FALLBACK_TOKEN");
        return fail(kFailed, "the deployment refused the token (401)");
    }
    const std::string why = response.errorMessage();
    const std::string status = "HTTP " + std::to_string(response.httpStatus);
    std::string text = args.command + " failed: " + (why == status ? why : why + " (" + status + ")");
    if (response.httpStatus == 429) { // rate-limited (SPEC §8): say when to try again
        const std::optional<live::RateLimit>& limit = response.rateLimit;
        Micros wait = response.retryAfter;
        if (wait < 0 && limit && limit->resetIn)
            wait = *limit->resetIn;
        text += wait >= 0 ? "; the deployment rate-limits it: try again in " + live::waitInWords(wait)
                          : "; the deployment rate-limits it: try again later";
        // "When" is said above: the limit's own reset would only repeat it.
        const std::string words =
            limit ? live::describeRateLimit(*limit, rateLimitNoun(args.command), false) : "";
        if (!words.empty())
            text += " (rate limit: " + words + ")";
    }
    return fail(kFailed, text);
}

std::string rateLimitNoun(const std::string& command)
{
    return command == "purge" ? "purges" : command == "bump" ? "bumps" : "requests";
}

std::optional<nlohmann::json> jsonBody(const RemoteArgs& args, const live::Response& response)
{
    nlohmann::json doc = nlohmann::json::parse(response.body, nullptr, false);
    if (doc.is_discarded()) {
        fail(kFailed, args.command + ": the deployment's answer is not JSON");
        return std::nullopt;
    }
    return doc;
}

} // namespace fallbackctl
