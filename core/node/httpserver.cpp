#include "node/httpserver.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <limits>
#include <optional>
#include <unordered_set>
#include <vector>

namespace fallback::node {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

namespace {

/// Room for the method, spaces and `HTTP/1.1` around the target.
constexpr std::size_t kRequestLineSlack = 32;
/// Bytes asked from the socket while waiting for a request's first byte.
constexpr std::size_t kFirstRead = 4096;

std::chrono::microseconds duration(Micros micros)
{
    return std::chrono::microseconds(micros < 0 ? 0 : micros);
}

std::string lowerCase(beast::string_view text)
{
    std::string out(text.data(), text.size());
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

} // namespace

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
    Impl(asio::io_context& ioContext, RequestHandler& requestHandler, ServerLimits serverLimits,
         LogSink logSink)
        : io(ioContext), handler(requestHandler), limits(serverLimits), log(std::move(logSink)),
          acceptor(ioContext), acceptRetry(ioContext)
    {
    }

    void accept();
    void say(const std::string& line) const
    {
        if (log)
            log(line);
    }

    asio::io_context& io;
    RequestHandler& handler;
    ServerLimits limits;
    LogSink log;
    tcp::acceptor acceptor;
    asio::steady_timer acceptRetry; ///< back-off after a failed accept
    std::size_t acceptErrors = 0;
    bool accepting = false;
    bool draining = false; ///< no new requests on kept-alive connections
    bool alive = true;     ///< false once the server object is gone
    std::unordered_set<Session*> sessions;
    std::size_t inFlight = 0;
    std::size_t refused = 0;
};

/// One connection. Owned by the shared pointers in its pending handlers and
/// in the Respond it hands out; closed and freed when the last one goes.
class HttpServer::Session : public std::enable_shared_from_this<Session> {
public:
    Session(std::shared_ptr<Impl> server, tcp::socket socket)
        : m_server(std::move(server)), m_stream(std::move(socket))
    {
        boost::system::error_code ec;
        const tcp::endpoint remote = m_stream.socket().remote_endpoint(ec);
        if (!ec)
            m_peer = remote.address().to_string() + ":" + std::to_string(remote.port());
        // Small answers on a kept-alive connection must not wait for Nagle.
        m_stream.socket().set_option(tcp::no_delay(true), ec);
        m_server->sessions.insert(this);
    }
    ~Session()
    {
        // An answer that never came (the origin was stopped at shutdown)
        // must not keep the drain waiting for ever.
        if (m_counted)
            --m_server->inFlight;
        m_server->sessions.erase(this);
    }

    void start() { waitForRequest(); }
    bool idle() const { return m_state == State::Idle; }
    void close()
    {
        boost::system::error_code ec;
        m_stream.socket().shutdown(tcp::socket::shutdown_both, ec);
        m_stream.close();
    }

private:
    enum class State : std::uint8_t { Idle, Reading, Handling, Writing };

    void waitForRequest();
    void readHeader();
    void onHeader(const boost::system::error_code& ec);
    void readBody();
    void onBody(const boost::system::error_code& ec);
    void dispatch();
    void send(HttpResponse response);
    void onWritten(const boost::system::error_code& ec, bool keepAlive);
    /// An error the server answers itself; the connection closes after it.
    void refuse(int status, const char* message);

    std::shared_ptr<Impl> m_server;
    beast::tcp_stream m_stream;
    beast::flat_buffer m_buffer;
    std::optional<http::request_parser<http::string_body>> m_parser;
    HttpRequest m_request;
    bool m_keepAlive = false;
    /// The request being answered is a HEAD: its answer has no body
    /// (RFC 9110 §9.3.2), or the client would read the body as the next
    /// answer on a kept-alive connection.
    bool m_answeringHead = false;
    bool m_counted = false; ///< this request is in m_server->inFlight
    std::uint64_t m_sequence = 0; ///< requests started; stale Responds check it
    State m_state = State::Idle;
    std::string m_peer = "unknown";
    std::optional<http::response<http::empty_body>> m_continue;
    std::optional<http::response<http::span_body<const char>>> m_response;
    std::shared_ptr<const std::string> m_responseBody; ///< what m_response points into
};

void HttpServer::Session::waitForRequest()
{
    m_state = State::Idle;
    if (m_server->draining) {
        close();
        return;
    }
    if (m_buffer.size() > 0) { // a pipelined request is already here
        readHeader();
        return;
    }
    // Idle keep-alive: wait for one byte under the idle timeout; the request
    // then has the (shorter) request timeout to arrive whole.
    m_stream.expires_after(duration(m_server->limits.idleTimeout));
    m_stream.async_read_some(
        m_buffer.prepare(kFirstRead),
        [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
            if (ec || n == 0) {
                self->close();
                return;
            }
            self->m_buffer.commit(n);
            self->readHeader();
        });
}

void HttpServer::Session::readHeader()
{
    m_state = State::Reading;
    m_answeringHead = false;
    m_parser.emplace();
    const ServerLimits& limits = m_server->limits;
    m_parser->header_limit(static_cast<std::uint32_t>(limits.maxTargetBytes + kRequestLineSlack +
                                                      limits.maxHeaderBytes));
    // No body limit yet: the routes set it once they have seen the header
    // (a 401 or 404 must win over a 413). Not boost::none: Beast 1.74
    // compares a Content-Length against an empty optional as "over".
    m_parser->body_limit(std::numeric_limits<std::uint64_t>::max());
    m_stream.expires_after(duration(limits.requestTimeout));
    http::async_read_header(m_stream, m_buffer, *m_parser,
                            [self = shared_from_this()](const boost::system::error_code& ec,
                                                        std::size_t) { self->onHeader(ec); });
}

void HttpServer::Session::onHeader(const boost::system::error_code& ec)
{
    const ServerLimits& limits = m_server->limits;
    if (ec == http::error::header_limit) {
        // Too long: the request line (414) or the fields (431)? The bytes
        // are still in the buffer: look for the end of the request line.
        const auto data = m_buffer.cdata();
        const std::string_view head(static_cast<const char*>(data.data()),
                                    std::min(data.size(), limits.maxTargetBytes + kRequestLineSlack));
        if (head.find("\r\n") == std::string_view::npos)
            refuse(414, "request target too long");
        else
            refuse(431, "request header fields too large");
        return;
    }
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::error::eof ||
        ec == asio::error::connection_reset) {
        close();
        return;
    }
    if (ec) {
        refuse(400, "malformed HTTP request");
        return;
    }
    const auto& message = m_parser->get();
    const beast::string_view target = message.target();
    if (target.size() > limits.maxTargetBytes) {
        refuse(414, "request target too long");
        return;
    }
    std::size_t headerBytes = 0;
    m_request = HttpRequest{};
    for (const auto& field : message) {
        headerBytes += field.name_string().size() + field.value().size() + 4;
        m_request.headers.emplace_back(lowerCase(field.name_string()),
                                       std::string(field.value().data(), field.value().size()));
    }
    if (headerBytes > limits.maxHeaderBytes) {
        refuse(431, "request header fields too large");
        return;
    }
    m_request.method.assign(message.method_string().data(), message.method_string().size());
    m_request.target.assign(target.data(), target.size());
    m_request.peer = m_peer;
    if (const auto length = m_parser->content_length())
        m_request.contentLength = *length;
    m_keepAlive = message.keep_alive();
    m_answeringHead = message.method() == http::verb::head;
    ++m_sequence;
    m_counted = true;
    ++m_server->inFlight;

    HeadVerdict verdict = m_server->handler.inspectHead(m_request);
    if (verdict.reject) {
        // The body (if any) is left unread: this connection cannot carry
        // another request.
        if (!m_parser->is_done())
            verdict.reject->close = true;
        send(std::move(*verdict.reject));
        return;
    }
    // Beast checks a Content-Length against body_limit only when the header
    // completes, so a declared length is checked here; body_limit then cuts
    // a chunked body off as soon as it grows past the limit.
    if (m_request.contentLength && *m_request.contentLength > verdict.bodyLimit) {
        refuse(413, "request body too large");
        return;
    }
    m_parser->body_limit(verdict.bodyLimit);
    if (m_parser->is_done()) {
        dispatch();
        return;
    }
    const auto expect = message.find(http::field::expect);
    if (expect != message.end() && beast::iequals(expect->value(), "100-continue")) {
        // The client waits for this before sending the body (curl does for
        // large PUTs); the checks above have passed, so invite it.
        m_continue.emplace(http::status::continue_, message.version());
        m_stream.expires_after(duration(limits.writeTimeout));
        http::async_write(m_stream, *m_continue,
                          [self = shared_from_this()](const boost::system::error_code& error,
                                                      std::size_t) {
                              if (error) {
                                  self->close();
                                  return;
                              }
                              self->readBody();
                          });
        return;
    }
    readBody();
}

void HttpServer::Session::readBody()
{
    m_stream.expires_after(duration(m_server->limits.requestTimeout));
    http::async_read(m_stream, m_buffer, *m_parser,
                     [self = shared_from_this()](const boost::system::error_code& ec,
                                                 std::size_t) { self->onBody(ec); });
}

void HttpServer::Session::onBody(const boost::system::error_code& ec)
{
    if (ec == http::error::body_limit) {
        refuse(413, "request body too large");
        return;
    }
    if (ec == beast::error::timeout || ec == http::error::end_of_stream ||
        ec == asio::error::eof || ec == asio::error::operation_aborted ||
        ec == asio::error::connection_reset || ec == http::error::partial_message) {
        close();
        return;
    }
    if (ec) {
        refuse(400, "malformed HTTP request body");
        return;
    }
    m_request.body = std::move(m_parser->get().body());
    dispatch();
}

void HttpServer::Session::dispatch()
{
    m_state = State::Handling;
    // No read is pending while the answer is prepared (one request at a time
    // per connection), so no timer runs: a slow origin is bounded by its own
    // timeout, not the client's.
    m_stream.expires_never();
    const std::uint64_t sequence = m_sequence;
    m_server->handler.handle(std::move(m_request),
                             [self = shared_from_this(), sequence](HttpResponse response) {
                                 if (self->m_sequence != sequence ||
                                     self->m_state != State::Handling)
                                     return; // answered already
                                 self->send(std::move(response));
                             });
}

void HttpServer::Session::refuse(int status, const char* message)
{
    if (!m_counted) {
        ++m_sequence;
        m_counted = true;
        ++m_server->inFlight;
    }
    HttpResponse response = errorResponse(status, message);
    response.close = true;
    send(std::move(response));
}

void HttpServer::Session::send(HttpResponse response)
{
    m_state = State::Writing;
    const bool keepAlive = m_keepAlive && !response.close && !m_server->draining;
    m_responseBody = response.body ? std::move(response.body)
                                   : std::make_shared<const std::string>();
    m_response.emplace();
    auto& out = *m_response;
    out.version(11);
    out.result(static_cast<unsigned>(response.status));
    out.set(http::field::content_type, response.contentType);
    // insert, not set: a header may repeat (one X-Fallback-Warning each).
    for (const auto& [name, value] : response.headers)
        out.insert(name, value);
    out.body() = http::span_body<const char>::value_type(m_responseBody->data(),
                                                         m_responseBody->size());
    out.keep_alive(keepAlive);
    out.prepare_payload();
    if (m_answeringHead) // the Content-Length the answer has, and no body
        out.body() = {};
    m_stream.expires_after(duration(m_server->limits.writeTimeout));
    http::async_write(m_stream, out,
                      [self = shared_from_this(), keepAlive](const boost::system::error_code& ec,
                                                             std::size_t) {
                          self->onWritten(ec, keepAlive);
                      });
}

void HttpServer::Session::onWritten(const boost::system::error_code& ec, bool keepAlive)
{
    if (m_counted) {
        m_counted = false;
        --m_server->inFlight;
    }
    m_response.reset();
    m_responseBody.reset();
    if (ec || !keepAlive) {
        close();
        return;
    }
    waitForRequest();
}

void HttpServer::Impl::accept()
{
    acceptor.async_accept([self = shared_from_this()](const boost::system::error_code& ec,
                                                      tcp::socket socket) {
        if (!self->alive || !self->accepting)
            return;
        if (!ec) {
            if (self->sessions.size() >= self->limits.maxConnections) {
                // Over the limit: close at once rather than queue; the
                // client sees a reset and may retry.
                if (self->refused++ % 1000 == 0)
                    self->say("too many connections (" + std::to_string(self->sessions.size()) +
                              "); refusing new ones");
                boost::system::error_code ignored;
                socket.close(ignored);
            } else {
                std::make_shared<Session>(self, std::move(socket))->start();
            }
        } else if (ec == asio::error::operation_aborted) {
            return;
        } else {
            // EMFILE / ENFILE leave the connection in the backlog, so the
            // socket stays readable and an immediate retry fails again at
            // once: the thread that also runs the engine would spin. Wait a
            // little; sessions ending meanwhile free descriptors.
            if (self->acceptErrors++ % 100 == 0)
                self->say("accept failed: " + ec.message() + "; retrying in 100 ms");
            self->acceptRetry.expires_after(std::chrono::milliseconds(100));
            self->acceptRetry.async_wait([self](const boost::system::error_code& waited) {
                if (!waited && self->alive && self->accepting)
                    self->accept();
            });
            return;
        }
        self->accept();
    });
}

HttpServer::HttpServer(asio::io_context& io, RequestHandler& handler, ServerLimits limits,
                       LogSink log)
    : m_impl(std::make_shared<Impl>(io, handler, limits, std::move(log)))
{
}

HttpServer::~HttpServer()
{
    m_impl->alive = false;
    stopAccepting();
    closeAll();
}

Result<std::uint16_t> HttpServer::listen(const std::string& host, std::uint16_t port)
{
    boost::system::error_code ec;
    const asio::ip::address address =
        asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
    if (ec)
        return Error{"bad_address", "'" + host + "' is not an IP address"};
    const tcp::endpoint endpoint(address, port);
    tcp::acceptor& acceptor = m_impl->acceptor;
    const auto fail = [&](const char* what) {
        boost::system::error_code ignored;
        acceptor.close(ignored);
        return Error{"listen_failed", std::string("cannot ") + what + " " + host + ":" +
                                          std::to_string(port) + ": " + ec.message()};
    };
    if (acceptor.open(endpoint.protocol(), ec))
        return fail("open a socket for");
    // SO_REUSEADDR: a restarted node binds its port while the old
    // connections linger in TIME_WAIT.
    if (acceptor.set_option(asio::socket_base::reuse_address(true), ec))
        return fail("configure");
    if (acceptor.bind(endpoint, ec))
        return fail("bind");
    if (acceptor.listen(asio::socket_base::max_listen_connections, ec))
        return fail("listen on");
    const tcp::endpoint bound = acceptor.local_endpoint(ec);
    if (ec)
        return fail("read the bound port of");
    m_impl->accepting = true;
    m_impl->accept();
    return bound.port();
}

void HttpServer::stopAccepting()
{
    m_impl->accepting = false;
    m_impl->draining = true;
    boost::system::error_code ignored;
    m_impl->acceptor.close(ignored);
    m_impl->acceptRetry.cancel();
    // Copy: closing may free a session (and erase it from the set).
    const std::vector<Session*> sessions(m_impl->sessions.begin(), m_impl->sessions.end());
    for (Session* session : sessions) {
        if (m_impl->sessions.count(session) && session->idle())
            session->close();
    }
}

void HttpServer::closeAll()
{
    const std::vector<Session*> sessions(m_impl->sessions.begin(), m_impl->sessions.end());
    for (Session* session : sessions) {
        if (m_impl->sessions.count(session))
            session->close();
    }
}

std::size_t HttpServer::connections() const
{
    return m_impl->sessions.size();
}

std::size_t HttpServer::requestsInFlight() const
{
    return m_impl->inFlight;
}

} // namespace fallback::node
