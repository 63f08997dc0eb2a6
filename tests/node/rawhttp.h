#pragma once

// Raw bytes to a node's HTTP port and a strict look at what comes back: for
// the tests and the fuzz target (fuzz_http) that throw malformed requests at
// the real server. Qt-free (the fuzz target must not use Qt). The answer is
// read with Beast's own response parser, so "well-formed" means what an
// HTTP client would accept.

#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace nodetest {

/// What one connection got back.
struct RawExchange {
    bool connected = false;
    std::string received;
    bool closedByServer = false; ///< the server closed (EOF or reset) before the deadline
};

/// Connects to 127.0.0.1:`port`, writes `bytes`, closes its sending side
/// (the server sees end of stream) and reads until the server closes or
/// `timeoutMs` passes. The server may close before all bytes are written
/// (it refused the request early): the write then stops quietly.
inline RawExchange exchangeBytes(std::uint16_t port, std::string_view bytes, int timeoutMs)
{
    RawExchange out;
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return out;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        ::close(fd);
        return out;
    }
    out.connected = true;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    auto msLeft = [&] {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        return static_cast<int>(std::max<std::int64_t>(0, left.count()));
    };
    char chunk[16384];
    auto drain = [&](int waitMs) {
        // Reads what is there (waiting up to waitMs for the first byte);
        // false once the server has closed.
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, waitMs) <= 0)
            return true;
        const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) {
            out.closedByServer = true;
            return false;
        }
        out.received.append(chunk, static_cast<std::size_t>(n));
        return true;
    };
    std::size_t written = 0;
    while (written < bytes.size() && msLeft() > 0) {
        pollfd p{fd, POLLOUT | POLLIN, 0};
        if (::poll(&p, 1, msLeft()) <= 0)
            break;
        if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
            // An early answer (413, 431...) while this side still writes:
            // read it, and stop writing once the server has closed.
            if (!drain(0))
                break;
            if (p.revents & (POLLHUP | POLLERR))
                break;
        }
        if (p.revents & POLLOUT) {
            const ssize_t n = ::send(fd, bytes.data() + written, bytes.size() - written,
                                     MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n <= 0)
                break;
            written += static_cast<std::size_t>(n);
        }
    }
    ::shutdown(fd, SHUT_WR);
    while (!out.closedByServer && msLeft() > 0) {
        if (!drain(msLeft()))
            break;
    }
    ::close(fd);
    return out;
}

/// What is wrong with `received` as the answer to a request stream that
/// began with `sent`, or empty when it is fine. Fine is: nothing at all (the
/// server closed without a request to answer), or a first answer an HTTP
/// client parses whole, with a status other than 500 and, when it says it
/// is JSON, a JSON body. Pipelined answers after the first are
/// checked only for a 500 status line; a 100 Continue is passed over.
inline std::string answerProblem(std::string_view sent, std::string_view received)
{
    namespace http = boost::beast::http;
    if (received.empty())
        return {};
    http::response_parser<http::string_body> parser;
    parser.body_limit(64u << 20);
    parser.eager(true);
    if (sent.substr(0, 5) == "HEAD ")
        parser.skip(true); // an answer to HEAD has no body, whatever its length says
    boost::beast::error_code ec;
    std::string_view rest = received;
    while (!parser.is_done()) {
        if (rest.empty()) {
            // The server closed here: fine only where the answer may end
            // at the close (no length given).
            parser.put_eof(ec);
            if (ec)
                return "the answer is cut off: " + ec.message();
            break;
        }
        const std::size_t used = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
        rest.remove_prefix(used);
        if (ec == http::error::need_more && used == 0) {
            // Beast takes a header only whole: the rest is an unfinished one.
            return "the answer is cut off in its header";
        }
        if (ec && ec != http::error::need_more)
            return "the answer does not parse: " + ec.message();
        ec = {};
    }
    const auto& answer = parser.get();
    const unsigned status = answer.result_int();
    if (status < 100 || status > 599 || status == 500)
        return "status " + std::to_string(status);
    if (status < 200)
        return answerProblem(sent, rest); // 100 Continue: the real answer follows
    // A body after an answer to HEAD is read as the next answer, unless the
    // connection closes there (a request too broken to be known as HEAD).
    if (parser.skip() && answer.keep_alive() && !rest.empty() && !rest.starts_with("HTTP/1."))
        return "an answer to HEAD with a body on a kept-alive connection";
    const auto type = answer.find(http::field::content_type);
    if (type != answer.end() && std::string_view(type->value().data(), type->value().size())
                                        .starts_with("application/json")) {
        if (!parser.skip() && !nlohmann::json::accept(answer.body()))
            return "a JSON answer whose body is not JSON";
    }
    if (rest.find("HTTP/1.1 500") != std::string_view::npos)
        return "a later answer with status 500";
    return {};
}

} // namespace nodetest
