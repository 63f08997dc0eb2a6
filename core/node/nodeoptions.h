#pragma once

// The command line of fallback-node (SPEC §6, contract):
//   fallback-node --policy FILE --origin URL [--listen 127.0.0.1:8080]
//                 [--admin-token-file F] [--data-dir DIR] [extras...]

#include "node/purgelimit.h"
#include "util/result.h"
#include "util/units.h"

#include <cstdint>
#include <string>
#include <vector>

namespace fallback::node {

struct NodeOptions {
    std::string policyPath;
    std::string originUrl; ///< http:// or https://
    std::string listenHost = "127.0.0.1";
    std::uint16_t listenPort = 8080; ///< 0: any free port (printed once bound)
    std::string adminTokenFile;      ///< empty: DATA_DIR/admin.token, created if missing
    std::string dataDir = "./fallback-node-data";
    std::uint64_t edgeCapacity = 256ull << 20;        ///< bytes, in process (LRU)
    std::uint64_t kvCapacity = 1ull << 30;            ///< bytes, in process (LRU)
    std::uint64_t clientCacheCapacity = 1ull << 30;   ///< bytes on disk
    Micros originTimeout = 10 * kMicrosPerSecond;     ///< one origin call, whole
    Micros originConnectTimeout = 2 * kMicrosPerSecond;
    std::uint64_t originMaxBody = 8ull << 20;         ///< bytes; larger answers are errors
    Micros shutdownTimeout = 10 * kMicrosPerSecond;   ///< SIGTERM: drain at most this long
    Micros idleTimeout = 60 * kMicrosPerSecond;       ///< keep-alive connections
    /// A request's header and body must arrive within this once it has
    /// started (slow clients are cut off).
    Micros requestTimeout = 30 * kMicrosPerSecond;
    /// `--purge-limit N/WINDOW`: at most N purges and bumps per window (a
    /// token bucket), else 429. Unset: no limit.
    PurgeLimitSpec purgeLimit;
    bool help = false;                                 ///< --help: print usage, exit 0
};

/// Parses the arguments after the program name. Error code `usage` with a
/// message naming the bad argument (the caller exits 2).
Result<NodeOptions> parseNodeArguments(const std::vector<std::string>& args);

/// The --help text.
std::string nodeUsage();

} // namespace fallback::node
