#include "node/httpmessage.h"

namespace fallback::node {

const std::string* HttpRequest::header(std::string_view name) const
{
    for (const auto& [key, value] : headers) {
        if (key == name)
            return &value;
    }
    return nullptr;
}

HttpResponse errorResponse(int status, std::string_view message, const nlohmann::json& extra)
{
    nlohmann::json body = nlohmann::json::object();
    body["error"] = std::string(message);
    if (extra.is_object()) {
        for (auto it = extra.begin(); it != extra.end(); ++it)
            body[it.key()] = it.value();
    }
    return jsonResponse(status, body);
}

HttpResponse jsonResponse(int status, const nlohmann::json& json)
{
    HttpResponse response;
    response.status = status;
    // `replace`: a message quoting a client's bad bytes must still serialise.
    response.setBody(json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    return response;
}

} // namespace fallback::node
