// fallback-testorigin: a small, fast HTTP origin for tests and benchmarks.
//
//   fallback-testorigin [--listen 127.0.0.1:0] [--items N] [--size BYTES] [--delay-ms D]
//
// Serves SPEC §6's origin API, `/api/items/{namespace}/{id}` (both segments
// percent-encoded): GET answers 200 with the body or 404, PUT stores the body
// (200 {"stored":true}), DELETE removes (204; 404 when nothing was there).
// `--items N` seeds ids item-0 … item-(N-1) in every namespace with a
// deterministic body of --size bytes (default 512) that starts with
// "ns/id\n". Control plane, for tests:
//   POST /control/fail {"status":500}  every /api call answers that status
//   POST /control/recover              back to normal
//   POST /control/delay {"ms":N}       every /api answer waits N ms
//   POST /control/headers {"Cache-Control":"s-maxage=60"}
//                                      every GET answered 200 carries these headers
//                                      (an array value: one header line each); {} clears
//   GET  /control/stats                {"requests":N,"gets":N,"puts":N,"deletes":N}
//                                      (/api calls only; control calls are not counted)
// Prints exactly one line, `listening on ADDRESS:PORT`, once bound. One
// thread, Boost.Beast, keep-alive; the seeded GET path allocates one body.

// Boost 1.74's asio/awaitable.hpp uses std::exchange without including it.
#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

constexpr std::size_t kBodyLimit = 64 * 1024 * 1024;
constexpr std::string_view kItemsPrefix = "/api/items/";

struct Options {
    std::string host = "127.0.0.1";
    unsigned short port = 0;
    std::uint64_t items = 0;
    std::size_t size = 512;
    int delayMs = 0;
};

template <typename T>
bool parseNumber(std::string_view text, T& out)
{
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size();
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

std::optional<std::string> percentDecode(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out.push_back(text[i]);
            continue;
        }
        if (i + 2 >= text.size())
            return std::nullopt;
        const int hi = hexValue(text[i + 1]);
        const int lo = hexValue(text[i + 2]);
        if (hi < 0 || lo < 0)
            return std::nullopt;
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
    }
    return out;
}

/// The origin's state. Single-threaded: touched only by the io_context thread.
class Origin {
public:
    explicit Origin(const Options& options) : m_items(options.items), m_delayMs(options.delayMs)
    {
        m_filler.resize(options.size);
        for (std::size_t i = 0; i < m_filler.size(); ++i)
            m_filler[i] = static_cast<char>('a' + i % 26);
    }

    int delayMs() const { return m_delayMs; }

    http::response<http::string_body> respond(const http::request<http::string_body>& request)
    {
        std::string_view target(request.target().data(), request.target().size());
        if (const auto query = target.find('?'); query != std::string_view::npos)
            target = target.substr(0, query);
        http::response<http::string_body> response;
        if (target.substr(0, kItemsPrefix.size()) == kItemsPrefix)
            response = item(request, target.substr(kItemsPrefix.size()));
        else if (target.substr(0, 9) == "/control/")
            response = control(request, target.substr(9));
        else
            response = json(http::status::not_found, R"({"error":"not found"})");
        response.version(request.version());
        response.keep_alive(request.keep_alive());
        response.prepare_payload();
        return response;
    }

private:
    static http::response<http::string_body> json(http::status status, std::string body)
    {
        http::response<http::string_body> response{status, 11};
        response.set(http::field::content_type, "application/json");
        response.body() = std::move(body);
        return response;
    }

    /// True for a seeded id `item-K` with K < items (canonical decimal K).
    bool seeded(std::string_view id) const
    {
        if (id.substr(0, 5) != "item-")
            return false;
        const std::string_view digits = id.substr(5);
        if (digits.empty() || (digits.size() > 1 && digits[0] == '0'))
            return false;
        std::uint64_t k = 0;
        return parseNumber(digits, k) && k < m_items;
    }

    std::string seededBody(std::string_view ns, std::string_view id) const
    {
        std::string body = m_filler;
        std::string prefix;
        prefix.reserve(ns.size() + id.size() + 2);
        prefix.append(ns).append("/").append(id).append("\n");
        body.replace(0, std::min(prefix.size(), body.size()), prefix, 0,
                     std::min(prefix.size(), body.size()));
        return body;
    }

    http::response<http::string_body> item(const http::request<http::string_body>& request,
                                           std::string_view rest)
    {
        ++m_requests;
        const auto slash = rest.find('/');
        if (slash == std::string_view::npos || slash == 0 || slash + 1 == rest.size())
            return json(http::status::bad_request, R"({"error":"expected /api/items/NS/ID"})");
        const std::optional<std::string> ns = percentDecode(rest.substr(0, slash));
        const std::optional<std::string> id = percentDecode(rest.substr(slash + 1));
        if (!ns || !id)
            return json(http::status::bad_request, R"({"error":"bad percent-encoding"})");
        const http::verb method = request.method();
        if (method == http::verb::get)
            ++m_gets;
        else if (method == http::verb::put)
            ++m_puts;
        else if (method == http::verb::delete_)
            ++m_deletes;
        if (m_failStatus != 0)
            return json(static_cast<http::status>(m_failStatus), R"({"error":"injected failure"})");

        std::string key = *ns;
        key.push_back('\0');
        key += *id;
        switch (method) {
        case http::verb::get: {
            std::string body;
            if (const auto it = m_stored.find(key); it != m_stored.end())
                body = it->second;
            else if (seeded(*id) && !m_deleted.count(key))
                body = seededBody(*ns, *id);
            else
                return json(http::status::not_found, R"({"error":"not found"})");
            http::response<http::string_body> response{http::status::ok, 11};
            response.set(http::field::content_type, "application/octet-stream");
            for (const auto& [name, value] : m_extraHeaders)
                response.insert(name, value);
            response.body() = std::move(body);
            return response;
        }
        case http::verb::put:
            m_deleted.erase(key);
            m_stored[std::move(key)] = request.body();
            return json(http::status::ok, R"({"stored":true})");
        case http::verb::delete_: {
            const bool held = m_stored.erase(key) > 0 || (seeded(*id) && !m_deleted.count(key));
            if (seeded(*id))
                m_deleted.insert(std::move(key));
            if (!held)
                return json(http::status::not_found, R"({"error":"not found"})");
            http::response<http::string_body> response{http::status::no_content, 11};
            return response;
        }
        default:
            return json(http::status::method_not_allowed, R"({"error":"method not allowed"})");
        }
    }

    http::response<http::string_body> control(const http::request<http::string_body>& request,
                                              std::string_view what)
    {
        const bool post = request.method() == http::verb::post;
        if (what == "stats" && request.method() == http::verb::get) {
            const nlohmann::json stats{{"requests", m_requests},
                                       {"gets", m_gets},
                                       {"puts", m_puts},
                                       {"deletes", m_deletes}};
            return json(http::status::ok, stats.dump());
        }
        if (what == "headers" && post) {
            const nlohmann::json body = nlohmann::json::parse(request.body(), nullptr, false);
            if (!body.is_object())
                return json(http::status::bad_request, R"({"error":"expected a JSON object"})");
            std::vector<std::pair<std::string, std::string>> headers;
            for (const auto& [name, value] : body.items()) {
                for (const nlohmann::json& one : value.is_array() ? value : nlohmann::json::array({value})) {
                    if (!one.is_string())
                        return json(http::status::bad_request, R"({"error":"header values are strings"})");
                    headers.emplace_back(name, one.get<std::string>());
                }
            }
            m_extraHeaders = std::move(headers);
            return json(http::status::ok, nlohmann::json{{"headers", m_extraHeaders.size()}}.dump());
        }
        if (what == "recover" && post) {
            m_failStatus = 0;
            return json(http::status::ok, R"({"failing":false})");
        }
        if ((what == "fail" || what == "delay") && post) {
            const nlohmann::json body = request.body().empty()
                                            ? nlohmann::json::object()
                                            : nlohmann::json::parse(request.body(), nullptr, false);
            if (!body.is_object())
                return json(http::status::bad_request, R"({"error":"expected a JSON object"})");
            if (what == "fail") {
                const auto status = body.value("status", 500);
                if (status < 200 || status > 599)
                    return json(http::status::bad_request, R"({"error":"status out of range"})");
                m_failStatus = status;
                return json(http::status::ok, nlohmann::json{{"failing", status}}.dump());
            }
            const auto ms = body.value("ms", 0);
            if (ms < 0 || ms > 600'000)
                return json(http::status::bad_request, R"({"error":"ms out of range"})");
            m_delayMs = ms;
            return json(http::status::ok, nlohmann::json{{"delay_ms", ms}}.dump());
        }
        return json(http::status::not_found, R"({"error":"unknown control call"})");
    }

    std::uint64_t m_items;
    int m_delayMs;
    int m_failStatus = 0;
    std::string m_filler;
    std::vector<std::pair<std::string, std::string>> m_extraHeaders; ///< on every GET 200
    std::unordered_map<std::string, std::string> m_stored;
    std::unordered_set<std::string> m_deleted; ///< seeded ids deleted since start
    std::uint64_t m_requests = 0;
    std::uint64_t m_gets = 0;
    std::uint64_t m_puts = 0;
    std::uint64_t m_deletes = 0;
};

/// One keep-alive connection: read a request, answer it (after the delay),
/// read the next.
class Session : public std::enable_shared_from_this<Session> {
public:
    Session(tcp::socket socket, Origin& origin)
        : m_stream(std::move(socket)), m_timer(m_stream.get_executor()), m_origin(origin)
    {
    }

    void start() { read(); }

private:
    void read()
    {
        m_parser.emplace();
        m_parser->body_limit(kBodyLimit);
        http::async_read(m_stream, m_buffer, *m_parser,
                         [self = shared_from_this()](beast::error_code ec, std::size_t) {
                             self->onRead(ec);
                         });
    }

    void onRead(beast::error_code ec)
    {
        if (ec) {
            // end_of_stream or a broken peer: close quietly.
            beast::error_code ignored;
            m_stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
            return;
        }
        m_response = m_origin.respond(m_parser->get());
        const auto target = m_parser->get().target();
        const bool api = std::string_view(target.data(), target.size()).substr(0, kItemsPrefix.size()) ==
                         kItemsPrefix;
        if (api && m_origin.delayMs() > 0) {
            m_timer.expires_after(std::chrono::milliseconds(m_origin.delayMs()));
            m_timer.async_wait([self = shared_from_this()](beast::error_code) { self->write(); });
            return;
        }
        write();
    }

    void write()
    {
        http::async_write(m_stream, m_response,
                          [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec)
                                  return;
                              if (self->m_response.need_eof()) {
                                  beast::error_code ignored;
                                  self->m_stream.socket().shutdown(tcp::socket::shutdown_send,
                                                                   ignored);
                                  return;
                              }
                              self->read();
                          });
    }

    beast::tcp_stream m_stream;
    beast::flat_buffer m_buffer;
    std::optional<http::request_parser<http::string_body>> m_parser;
    http::response<http::string_body> m_response;
    net::steady_timer m_timer;
    Origin& m_origin;
};

void accept(tcp::acceptor& acceptor, Origin& origin)
{
    acceptor.async_accept([&acceptor, &origin](beast::error_code ec, tcp::socket socket) {
        if (!ec) {
            beast::error_code ignored;
            socket.set_option(tcp::no_delay(true), ignored);
            std::make_shared<Session>(std::move(socket), origin)->start();
        }
        if (acceptor.is_open())
            accept(acceptor, origin);
    });
}

int usage(const char* message)
{
    std::cerr << "fallback-testorigin: " << message << "\n"
              << "usage: fallback-testorigin [--listen 127.0.0.1:0] [--items N] [--size BYTES] "
                 "[--delay-ms D]\n";
    return 2;
}

} // namespace

int main(int argc, char** argv)
{
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (i + 1 >= argc)
            return usage("missing value after an option");
        const std::string_view value = argv[++i];
        if (arg == "--listen") {
            const auto colon = value.rfind(':');
            if (colon == std::string_view::npos || !parseNumber(value.substr(colon + 1), options.port))
                return usage("--listen expects HOST:PORT");
            options.host = std::string(value.substr(0, colon));
            if (options.host.size() > 2 && options.host.front() == '[' && options.host.back() == ']')
                options.host = options.host.substr(1, options.host.size() - 2);
        } else if (arg == "--items") {
            if (!parseNumber(value, options.items))
                return usage("--items expects a count");
        } else if (arg == "--size") {
            if (!parseNumber(value, options.size) || options.size > kBodyLimit)
                return usage("--size expects a byte count");
        } else if (arg == "--delay-ms") {
            if (!parseNumber(value, options.delayMs) || options.delayMs < 0)
                return usage("--delay-ms expects milliseconds");
        } else {
            return usage("unknown option");
        }
    }

    beast::error_code ec;
    const net::ip::address address = net::ip::make_address(options.host, ec);
    if (ec)
        return usage("--listen expects a numeric address");

    net::io_context io{1};
    tcp::acceptor acceptor(io);
    const tcp::endpoint endpoint(address, options.port);
    acceptor.open(endpoint.protocol(), ec);
    if (!ec)
        acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec)
        acceptor.bind(endpoint, ec);
    if (!ec)
        acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
        std::cerr << "fallback-testorigin: cannot listen on " << options.host << ":"
                  << options.port << ": " << ec.message() << "\n";
        return 1;
    }

    Origin origin(options);
    accept(acceptor, origin);

    net::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](beast::error_code, int) {
        beast::error_code ignored;
        acceptor.close(ignored);
        io.stop();
    });

    const tcp::endpoint bound = acceptor.local_endpoint();
    std::string host = bound.address().to_string();
    if (bound.address().is_v6())
        host = "[" + host + "]";
    std::printf("listening on %s:%u\n", host.c_str(), unsigned(bound.port()));
    std::fflush(stdout);

    io.run();
    return 0;
}
