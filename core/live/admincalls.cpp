#include "live/adminclient.h"

// The admin plane's calls (SPEC §6) on top of AdminClient::request(), and
// the small value types' helpers. The transfer machinery is adminclient.cpp.

#include <nlohmann/json.hpp>

namespace fallback::live {

namespace {

/// RFC 3986 unreserved characters pass; everything else is %XX, so a
/// namespace can never add a path segment or a query.
std::string percentEncode(std::string_view text)
{
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
                           || c == '_' || c == '.' || c == '~';
        if (plain) {
            out += c;
        } else {
            out += '%';
            out += kHex[byte >> 4];
            out += kHex[byte & 0xf];
        }
    }
    return out;
}

bool looksLikeJson(std::string_view body)
{
    const std::size_t first = body.find_first_not_of(" \t\r\n");
    return first != std::string_view::npos && (body[first] == '{' || body[first] == '[');
}

} // namespace

std::string Response::errorMessage() const
{
    if (!transportError.empty())
        return transportError;
    if (httpStatus == 0)
        return "no answer";
    // The node's own words are the most useful: it says what was wrong.
    nlohmann::json doc = nlohmann::json::parse(body, nullptr, false);
    if (doc.is_object()) {
        auto it = doc.find("error");
        if (it != doc.end() && it->is_string() && !it->get<std::string>().empty())
            return it->get<std::string>();
    }
    return "HTTP " + std::to_string(httpStatus);
}

std::string PurgeRequest::toJson() const
{
    if (all)
        return nlohmann::json{{"all", true}}.dump();
    if (!ns.empty())
        return nlohmann::json{{"namespace", ns}}.dump();
    return nlohmann::json{{"keys", keys}}.dump();
}

CallId AdminClient::health(const Endpoint& endpoint, ResponseHandler done)
{
    return request(endpoint, "GET", "/v1/admin/health", {}, {}, std::move(done));
}

CallId AdminClient::stats(const Endpoint& endpoint, std::int64_t seriesAfter, ResponseHandler done)
{
    std::string path = "/v1/admin/stats";
    if (seriesAfter >= 0)
        path += "?series_after=" + std::to_string(seriesAfter);
    return request(endpoint, "GET", std::move(path), {}, {}, std::move(done));
}

CallId AdminClient::getPolicy(const Endpoint& endpoint, ResponseHandler done)
{
    return request(endpoint, "GET", "/v1/admin/policy", {}, {}, std::move(done));
}

CallId AdminClient::putPolicy(const Endpoint& endpoint, std::string body, std::string ifMatch, ResponseHandler done)
{
    std::vector<std::string> headers;
    headers.push_back(looksLikeJson(body) ? "Content-Type: application/json" : "Content-Type: application/yaml");
    if (!ifMatch.empty())
        headers.push_back("If-Match: " + ifMatch);
    return request(endpoint, "PUT", "/v1/admin/policy", std::move(body), std::move(headers), std::move(done));
}

CallId AdminClient::purge(const Endpoint& endpoint, const PurgeRequest& request, ResponseHandler done)
{
    return this->request(endpoint, "POST", "/v1/admin/purge", request.toJson(), {"Content-Type: application/json"},
                         std::move(done));
}

CallId AdminClient::bump(const Endpoint& endpoint, const std::string& ns, ResponseHandler done)
{
    return request(endpoint, "POST", "/v1/admin/namespaces/" + percentEncode(ns) + "/bump", {},
                   {"Content-Type: application/json"}, std::move(done));
}

CallId AdminClient::audit(const Endpoint& endpoint, std::int64_t after, int limit, ResponseHandler done)
{
    std::string path = "/v1/admin/audit";
    char separator = '?';
    if (after >= 0) {
        path += "?after=" + std::to_string(after);
        separator = '&';
    }
    if (limit > 0)
        path += separator + std::string("limit=") + std::to_string(limit);
    return request(endpoint, "GET", std::move(path), {}, {}, std::move(done));
}

} // namespace fallback::live
