#include "node/nodeoptions.h"

#include <charconv>

namespace fallback::node {

namespace {

Error usage(std::string message)
{
    return Error{"usage", std::move(message)};
}

/// `HOST:PORT` or `[V6]:PORT`.
bool parseListen(const std::string& text, std::string& host, std::uint16_t& port)
{
    std::string hostPart;
    std::string portPart;
    if (!text.empty() && text.front() == '[') {
        const std::size_t close = text.find(']');
        if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':')
            return false;
        hostPart = text.substr(1, close - 1);
        portPart = text.substr(close + 2);
    } else {
        const std::size_t colon = text.rfind(':');
        if (colon == std::string::npos)
            return false;
        hostPart = text.substr(0, colon);
        portPart = text.substr(colon + 1);
    }
    if (hostPart.empty() || portPart.empty())
        return false;
    unsigned value = 0;
    const char* end = portPart.data() + portPart.size();
    const auto [ptr, ec] = std::from_chars(portPart.data(), end, value);
    if (ec != std::errc() || ptr != end || value > 65535)
        return false;
    host = hostPart;
    port = static_cast<std::uint16_t>(value);
    return true;
}

} // namespace

std::string nodeUsage()
{
    return R"(usage: fallback-node --policy FILE --origin URL [options]

Serves the fallback engine over HTTP (SPEC section 6): edge cache and edge KV
in process, the origin over HTTP, a last-known-good client cache on disk.

  --policy FILE              policy YAML (required)
  --origin URL               origin base URL, http:// or https:// (required);
                             items are fetched from URL/api/items/{namespace}/{id}
  --listen HOST:PORT         address to serve on (default 127.0.0.1:8080; port 0 =
                             any free port); prints "listening on HOST:PORT" once bound
  --admin-token-file F       file holding the admin bearer token (default: the
                             data dir's admin.token, generated when missing)
  --data-dir DIR             client cache, audit.jsonl, versions.json, admin.token
                             (default ./fallback-node-data)
  --edge-capacity SIZE       in-process edge cache (default 256MiB)
  --kv-capacity SIZE         in-process edge KV (default 1GiB)
  --client-cache-capacity SIZE  client cache on disk (default 1GiB)
  --origin-timeout DURATION  whole origin call (default 10s)
  --origin-connect-timeout DURATION  (default 2s)
  --origin-max-body SIZE     larger origin answers are errors (default 8MiB)
  --idle-timeout DURATION    keep-alive connections idle this long are closed (default 60s)
  --request-timeout DURATION a request must arrive whole within this once started (default 30s)
  --shutdown-timeout DURATION  on SIGTERM / SIGINT, drain for at most this long (default 10s)
  --purge-limit N/WINDOW     at most N purges and bumps per WINDOW (e.g. 60/1m), a token
                             bucket: more get 429 with Retry-After; every invalidation's
                             answer carries RateLimit / RateLimit-Policy (default: no limit)
  --help                     this text

Exit codes: 0 after a clean shutdown, 1 on a bad policy file or a failure
to start, 2 on bad arguments.
)";
}

Result<NodeOptions> parseNodeArguments(const std::vector<std::string>& args)
{
    NodeOptions options;
    bool havePolicy = false;
    bool haveOrigin = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string name = args[i];
        std::string value;
        bool inlineValue = false;
        if (name == "--help" || name == "-h") {
            options.help = true;
            return options;
        }
        if (name.rfind("--", 0) != 0)
            return usage("unexpected argument '" + name + "'");
        if (const std::size_t eq = name.find('='); eq != std::string::npos) {
            value = name.substr(eq + 1);
            name = name.substr(0, eq);
            inlineValue = true;
        }
        const auto takeValue = [&]() -> bool {
            if (inlineValue)
                return true;
            if (i + 1 >= args.size())
                return false;
            value = args[++i];
            return true;
        };
        const auto size = [&](std::uint64_t& out) -> Status {
            const std::optional<std::uint64_t> parsed = parseSize(value);
            if (!parsed)
                return usage(name + ": '" + value + "' is not a size (e.g. 256MiB)");
            out = *parsed;
            return Done{};
        };
        const auto duration = [&](Micros& out) -> Status {
            const std::optional<Micros> parsed = parseDuration(value);
            if (!parsed)
                return usage(name + ": '" + value + "' is not a duration (e.g. 10s)");
            out = *parsed;
            return Done{};
        };
        static const char* const kKnown[] = {
            "--policy", "--origin", "--listen", "--admin-token-file", "--data-dir",
            "--edge-capacity", "--kv-capacity", "--client-cache-capacity", "--origin-timeout",
            "--origin-connect-timeout", "--origin-max-body", "--idle-timeout", "--request-timeout",
            "--shutdown-timeout", "--purge-limit"};
        bool known = false;
        for (const char* k : kKnown)
            known = known || name == k;
        if (!known)
            return usage("unknown option '" + name + "' (see --help)");
        if (!takeValue())
            return usage(name + " needs a value");

        Status status = Done{};
        if (name == "--policy") {
            options.policyPath = value;
            havePolicy = !value.empty();
        } else if (name == "--origin") {
            if (value.rfind("http://", 0) != 0 && value.rfind("https://", 0) != 0)
                return usage("--origin: '" + value + "' must start with http:// or https://");
            options.originUrl = value;
            haveOrigin = true;
        } else if (name == "--listen") {
            if (!parseListen(value, options.listenHost, options.listenPort))
                return usage("--listen: '" + value + "' is not HOST:PORT (e.g. 127.0.0.1:8080)");
        } else if (name == "--admin-token-file") {
            options.adminTokenFile = value;
        } else if (name == "--data-dir") {
            if (value.empty())
                return usage("--data-dir needs a directory");
            options.dataDir = value;
        } else if (name == "--edge-capacity") {
            status = size(options.edgeCapacity);
        } else if (name == "--kv-capacity") {
            status = size(options.kvCapacity);
        } else if (name == "--client-cache-capacity") {
            status = size(options.clientCacheCapacity);
        } else if (name == "--origin-max-body") {
            status = size(options.originMaxBody);
        } else if (name == "--origin-timeout") {
            status = duration(options.originTimeout);
        } else if (name == "--origin-connect-timeout") {
            status = duration(options.originConnectTimeout);
        } else if (name == "--idle-timeout") {
            status = duration(options.idleTimeout);
        } else if (name == "--request-timeout") {
            status = duration(options.requestTimeout);
        } else if (name == "--shutdown-timeout") {
            status = duration(options.shutdownTimeout);
        } else if (name == "--purge-limit") {
            const std::optional<PurgeLimitSpec> limit = parsePurgeLimit(value);
            if (!limit)
                return usage("--purge-limit: '" + value +
                             "' is not N/WINDOW (N from 1 to 1000000, WINDOW whole seconds up to 1d, e.g. 60/1m)");
            options.purgeLimit = *limit;
        }
        if (!status)
            return status.error();
    }
    if (!havePolicy)
        return usage("--policy FILE is required");
    if (!haveOrigin)
        return usage("--origin URL is required");
    if (options.originTimeout <= 0 || options.originConnectTimeout <= 0 ||
        options.idleTimeout <= 0 || options.requestTimeout <= 0)
        return usage("timeouts must be longer than 0");
    return options;
}

} // namespace fallback::node
