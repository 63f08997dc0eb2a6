#pragma once

// The connection side of fallbackctl's remote commands (SPEC §5): their
// shared options, which deployment and token they mean, and how an answer
// becomes a message and an exit code.

#include "live/adminclient.h"

#include <nlohmann/json.hpp>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fallbackctl {

/// Every option a remote command may take; each command says which of the
/// command-specific ones it accepts.
struct RemoteArgs {
    std::string command; ///< "stats", "policy get", ... for messages
    std::string url;
    std::string deployment;
    std::string profiles;
    std::string tokenFile;
    std::optional<fallback::Micros> timeout;
    bool json = false;
    std::optional<std::string> ifMatch;
    std::vector<std::string> keys;
    std::optional<std::string> ns;
    bool all = false;
    std::optional<fallback::Micros> since; ///< `--since DURATION` (audit)
    std::optional<int> limit;              ///< `--limit N` (audit)
    bool follow = false;                   ///< `--follow` (audit)
    bool help = false;
    std::vector<std::string> positional;
};

/// Parses `args`. `extra` lists the command-specific flags allowed besides
/// the connection ones (`--url`, `--deployment`, `--profiles`,
/// `--token-file`, `--timeout`, `--help`). Returns an exit code (kUsage,
/// after printing the problem and `usage`) when the arguments are wrong.
std::optional<int> parseRemoteArgs(const std::vector<std::string>& args, std::initializer_list<std::string_view> extra,
                                   const std::string& usage, RemoteArgs& out);

/// The connection options' help lines, shared by every remote usage text.
extern const char* const kConnectionHelp;

/// `$XDG_CONFIG_HOME/fallback-console/deployments.yaml`, else
/// `~/.config/fallback-console/deployments.yaml`.
std::string defaultProfilesPath();

/// Where a command goes: the endpoint (token included) and how to name it.
struct Target {
    fallback::live::Endpoint endpoint;
    std::string label;     ///< the URL, or `NAME (URL)` for a profile
    bool hasToken = false;
};

/// `fallbackctl USER@HOST`: who is asking, for the node's audit log
/// (live::Endpoint::client).
std::string clientName();

/// Resolves --url / --deployment and the token (--token-file, else the
/// profile's token source, else FALLBACK_TOKEN). Returns an exit code after
/// printing why when that fails (kUsage for missing / conflicting options,
/// kFailed for a bad profiles file, unknown deployment or unreadable token).
std::optional<int> resolveTarget(const RemoteArgs& args, const std::string& usage, Target& out);

/// For an answer that is not a success: prints why and returns kUnreachable
/// (no answer), or kFailed (401 and every other refusal). A 429 says when to
/// try again (Retry-After, else the rate limit's reset) and the limit when
/// the answer stated one.
int reportFailure(const RemoteArgs& args, const Target& target, const fallback::live::Response& response);

/// What `command`'s rate limit counts, for people: "purges", "bumps",
/// else "requests".
std::string rateLimitNoun(const std::string& command);

/// The answer's body as JSON, or nullopt after printing that it is not.
std::optional<nlohmann::json> jsonBody(const RemoteArgs& args, const fallback::live::Response& response);

} // namespace fallbackctl
