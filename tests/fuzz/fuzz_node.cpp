// The node's routes (SPEC §6), as the HTTP server hands them requests from
// the network: any sequence of requests, with or without the token, is
// answered exactly once each, never with a crash or a 500, and every JSON
// answer is valid JSON. The engine runs on in-process tiers under
// tst_nodeservice's clock and policy (fuzznode.h); the clock advances
// a little per request.
//
// Input: requests separated by a 0x00 byte. In each, the first byte picks
// the method and whether the token is sent; the rest up to the first line
// break is the target; then `name: value` header lines up to an empty line;
// then the body.

#include "fuzzcheck.h"


#include "fuzznode.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace {

using namespace fallback;
using namespace fallback::node;

using fuzz::kToken;

/// One node per input, so that inputs do not depend on each other.
using Node = fuzz::InProcessNode;

HttpRequest parseRequest(std::string_view text)
{
    static constexpr const char* kMethods[] = {"GET", "PUT", "DELETE", "POST", "HEAD", "PATCH"};
    HttpRequest request;
    request.peer = "127.0.0.1:1";
    if (text.empty())
        return request;
    const auto pick = static_cast<unsigned char>(text.front());
    text.remove_prefix(1);
    request.method = kMethods[pick % 6];
    if (pick & 0x80)
        request.headers.emplace_back("authorization", std::string("Bearer ") + kToken);
    auto takeLine = [&text]() {
        const std::size_t end = text.find('\n');
        const std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        return line;
    };
    request.target = std::string(takeLine());
    while (!text.empty()) {
        const std::string_view line = takeLine();
        if (line.empty())
            break;
        const std::size_t colon = line.find(": ");
        if (colon != std::string_view::npos)
            request.headers.emplace_back(std::string(line.substr(0, colon)), std::string(line.substr(colon + 2)));
    }
    request.body = std::string(text);
    request.contentLength = request.body.size();
    return request;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    std::string_view input(reinterpret_cast<const char*>(data), size);
    Node node;
    int requests = 0;
    while (!input.empty() && requests++ < 64) {
        const std::size_t end = input.find('\0');
        const HttpRequest request = parseRequest(input.substr(0, end));
        input = end == std::string_view::npos ? std::string_view() : input.substr(end + 1);

        node.service->inspectHead(request);
        int answers = 0;
        std::optional<HttpResponse> answer;
        node.service->handle(request, [&](HttpResponse response) {
            ++answers;
            answer = std::move(response);
        });
        fuzz::check(answers == 1, "a request not answered exactly once");
        fuzz::check(answer->status >= 200 && answer->status <= 599 && answer->status != 500,
                    "an answer with a status outside 200-599, or 500");
        if (answer->contentType == "application/json" && answer->body) {
            fuzz::check(nlohmann::json::accept(*answer->body), "a JSON answer that is not JSON");
        }
        node.clock.time += 250 * kMicrosPerMilli;
        node.service->tick();
    }
    return 0;
}
