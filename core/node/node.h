#pragma once

// fallback-node as a whole: loads the policy and the data directory, wires
// the tiers, the engine and the HTTP server on one thread, serves until
// SIGTERM / SIGINT, then shuts down gracefully. app/node/main.cpp only
// parses arguments and calls runNode().

#include "node/nodeoptions.h"

#include <functional>
#include <string>

namespace fallback::node {

/// One log line to stderr: `fallback-node: 2024-05-01T12:00:00.000Z MESSAGE`.
/// Thread-safe (one write per line). Never give it a token.
void logLine(const std::string& message);

/// Runs the node until a signal stops it. Prints `listening on HOST:PORT` on
/// stdout (flushed) once bound. Returns the process exit code: 0 after a
/// clean shutdown, 1 when the policy, the data directory or the address is
/// unusable, 2 when the admin token file given cannot be read.
int runNode(const NodeOptions& options);

} // namespace fallback::node
