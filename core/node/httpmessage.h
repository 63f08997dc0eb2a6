#pragma once

// Plain request / response values between the HTTP server (httpserver.h, the
// only Boost.Beast code) and the node's routes (nodeservice.h), so the routes
// are tested without sockets.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fallback::node {

/// One HTTP request as the routes see it. Header names are lower-case.
struct HttpRequest {
    std::string method; ///< as sent, e.g. `GET`
    std::string target; ///< the raw request target, percent-encoding kept
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::string peer; ///< `address:port` of the client, for the audit log
    /// From Content-Length, when sent; the body may not be read yet.
    std::optional<std::uint64_t> contentLength;

    /// The first header called `name` (lower-case), or null.
    const std::string* header(std::string_view name) const;
};

/// One answer. The body is shared so a cached object is sent without a copy.
struct HttpResponse {
    int status = 200;
    std::string contentType = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;
    std::shared_ptr<const std::string> body;
    /// Close the connection after this answer (e.g. a body left unread).
    bool close = false;

    void setBody(std::string text) { body = std::make_shared<const std::string>(std::move(text)); }
    void addHeader(std::string name, std::string value)
    {
        headers.emplace_back(std::move(name), std::move(value));
    }
};

/// A JSON answer `{"error": message}` plus the members of `extra` (an
/// object), with status `status` and Content-Type application/json.
HttpResponse errorResponse(int status, std::string_view message,
                           const nlohmann::json& extra = nlohmann::json::object());
/// A JSON answer with `json` as the body.
HttpResponse jsonResponse(int status, const nlohmann::json& json);

/// Sends the answer to a request. Called exactly once, on the server's
/// thread (the node's engine thread); later calls are ignored.
using Respond = std::function<void(HttpResponse)>;

/// What the routes decide once the header is in, before any body is read.
struct HeadVerdict {
    /// Set: answer this at once and do not read the body (401, 404, 413...).
    std::optional<HttpResponse> reject;
    /// Otherwise: the largest body accepted, in bytes. A larger one is
    /// refused with 413 as soon as it is known to be larger.
    std::uint64_t bodyLimit = 0;
};

/// The routes, as the server calls them. Both calls happen on the server's
/// thread; `handle` may answer later (a read waiting for the origin).
class RequestHandler {
public:
    virtual ~RequestHandler() = default;
    /// `request` has its header only (body empty).
    virtual HeadVerdict inspectHead(const HttpRequest& request) = 0;
    virtual void handle(HttpRequest request, Respond respond) = 0;
};

} // namespace fallback::node
