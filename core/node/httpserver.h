#pragma once

// The node's HTTP/1.1 server: Boost.Beast on one io_context thread, event
// driven (a slow or idle client costs a socket and a few KiB, never a thread).
// Beast was chosen over cpp-httplib (blocking, a thread per connection) and
// Qt HTTP Server (documented for trusted networks only). This file and its
// .cpp are the only Beast code; routes see plain values (httpmessage.h).

#include "node/httpmessage.h"
#include "util/result.h"
#include "util/units.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace boost::asio {
class io_context;
}

namespace fallback::node {

/// Limits on what a client may send and how long it may take.
struct ServerLimits {
    std::size_t maxTargetBytes = 4 * 1024;  ///< request target; longer: 414
    std::size_t maxHeaderBytes = 16 * 1024; ///< header fields together; more: 431
    /// A keep-alive connection with no request for this long is closed.
    Micros idleTimeout = 60 * kMicrosPerSecond;
    /// Once a request's first byte is in, its header and body must arrive
    /// within this (a slow-loris client is cut off).
    Micros requestTimeout = 30 * kMicrosPerSecond;
    Micros writeTimeout = 30 * kMicrosPerSecond; ///< to send one answer
    std::size_t maxConnections = 10000; ///< more are accepted and closed at once
};

/// Serves `handler` over HTTP. Everything runs on the thread that runs `io`
/// (the node's engine thread); no method is thread-safe. Errors the server
/// finds itself (bad syntax 400, 413, 414, 431) are JSON answers like the
/// routes' own, followed by closing the connection.
class HttpServer {
public:
    using LogSink = std::function<void(const std::string&)>;

    HttpServer(boost::asio::io_context& io, RequestHandler& handler, ServerLimits limits = {},
               LogSink log = {});
    /// Closes every socket; answers still owed are dropped.
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    /// Binds `host` (an IP address; `localhost` means 127.0.0.1) and `port`
    /// (0 = any free port) and starts accepting. Returns the bound port.
    /// Fails when the address is invalid or taken.
    Result<std::uint16_t> listen(const std::string& host, std::uint16_t port);
    /// Stops accepting and closes idle keep-alive connections; a connection
    /// with a request in progress is closed after its answer (graceful
    /// shutdown, step one).
    void stopAccepting();
    /// Closes every connection now (the shutdown deadline passed).
    void closeAll();
    /// Open connections.
    std::size_t connections() const;
    /// Requests whose header arrived and whose answer is not sent yet.
    std::size_t requestsInFlight() const;

private:
    struct Impl;
    class Session;
    std::shared_ptr<Impl> m_impl; ///< shared with sessions, which may outlive the server
};

} // namespace fallback::node
