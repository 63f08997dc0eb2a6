// The node's HTTP layer (SPEC §6: "bad input gets a 4xx with a JSON error
// body, never a crash"): the real HttpServer, Beast's parser and the
// session's limits and timeouts, over a real loopback connection. Each
// input is written as is to a fresh connection, whose sending side is then
// closed; the server must answer with something an HTTP client parses
// whole (never a 500, JSON where it says JSON), or close without a word,
// and it must close within the deadline rather than hang. fuzz_node covers
// the routes behind it with structured requests.
//
// The server runs fuzznode.h's node on its own thread, as a node's engine
// thread would; one server serves every input.

#include "fuzzcheck.h"

#include "node/httpserver.h"

#include "fuzznode.h"
#include "../node/rawhttp.h"

#include <boost/asio/io_context.hpp>

#include <cstdio>
#include <memory>
#include <string>
#include <thread>

namespace {

using namespace fallback;
using namespace fallback::node;

struct Server {
    Server()
    {
        ServerLimits limits;
        limits.maxTargetBytes = 512;
        limits.maxHeaderBytes = 2048;
        // The input has all arrived when the server reads: a request still
        // incomplete then never completes, and must not hold the connection.
        limits.idleTimeout = 2 * kMicrosPerSecond;
        limits.requestTimeout = 2 * kMicrosPerSecond;
        limits.writeTimeout = 2 * kMicrosPerSecond;
        server = std::make_unique<HttpServer>(io, *node.service, limits);
        const Result<std::uint16_t> bound = server->listen("127.0.0.1", 0);
        fuzz::check(bool(bound), "cannot listen on 127.0.0.1");
        port = *bound;
        thread = std::thread([this] {
            auto guard = boost::asio::make_work_guard(io);
            io.run();
        });
        thread.detach(); // lives as long as the fuzzing process
    }
    fuzz::InProcessNode node;
    boost::asio::io_context io;
    std::unique_ptr<HttpServer> server;
    std::uint16_t port = 0;
    std::thread thread;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static Server* server = new Server; // never destroyed: its thread runs to the end
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    // Longer than the server's own timeouts: a hang is the server's, not a
    // slow machine's.
    const nodetest::RawExchange exchange = nodetest::exchangeBytes(server->port, input, 5000);
    fuzz::check(exchange.connected, "the server stopped accepting connections");
    fuzz::check(exchange.closedByServer, "the server kept a finished connection open past its timeouts");
    const std::string problem = nodetest::answerProblem(input, exchange.received);
    if (!problem.empty()) {
        std::fprintf(stderr, "%s\n--- answer:\n%s\n", problem.c_str(), exchange.received.c_str());
        fuzz::check(false, "a malformed answer");
    }
    return 0;
}
