// The data plane: `GET`, `PUT` and `DELETE /v1/items/{namespace}/{id}`
// (SPEC §6) on top of the engine's read and write paths.

#include "node/nodeservice.h"

namespace fallback::node {

namespace {

/// A GET or DELETE has no use for a body; a small one is read and ignored
/// so that the connection stays usable.
constexpr std::uint64_t kIgnoredBodyLimit = 64 * 1024;

/// The exact 503 body of SPEC §3 (contract).
const std::shared_ptr<const std::string>& unavailableBody()
{
    static const auto body = std::make_shared<const std::string>(
        R"({"error":"Service unavailable","hint":"use client cache"})");
    return body;
}

std::string wholeSeconds(Micros value)
{
    return std::to_string(value < 0 ? 0 : value / kMicrosPerSecond);
}

HttpResponse readResponse(const ReadResult& result)
{
    HttpResponse response;
    if (result.status == 503) {
        response.status = 503;
        response.body = unavailableBody();
        response.addHeader("Cache-Control", "no-store");
        return response;
    }
    if (result.status != 200) {
        response = errorResponse(result.status, result.status == 404
                                                    ? "the origin does not know this resource"
                                                    : "the read failed");
        response.addHeader("X-Fallback-Tier", std::string(servedByName(result.servedBy)));
        return response;
    }
    response.contentType = "application/octet-stream";
    response.body = result.entry.body;
    if (!response.body)
        response.setBody({});
    response.addHeader("X-Fallback-Tier", std::string(servedByName(result.servedBy)));
    response.addHeader("X-Fallback-Freshness", std::string(freshnessName(result.freshness)));
    response.addHeader("Age", wholeSeconds(result.age));
    response.addHeader("Cache-Control", "max-age=" + wholeSeconds(result.policy.ttl) +
                                            ", stale-while-revalidate=" +
                                            wholeSeconds(result.policy.staleWhileRevalidate));
    return response;
}

HttpResponse writeResponse(const WriteResult& result, const char* doneKey)
{
    if (result.ok)
        return jsonResponse(200, {{doneKey, true}, {"kv_queued", result.kvQueued}});
    const int status = result.error.code == "too_large"           ? 413
                       : result.error.code == "unknown_namespace" ? 404
                       : result.error.code == "origin_failed"     ? 502
                                                                  : 500;
    return errorResponse(status, result.error.message, {{"code", result.error.code}});
}

} // namespace

HeadVerdict NodeService::inspectItem(const Route& route, const HttpRequest& request)
{
    HeadVerdict verdict;
    ItemAddress address = resolveItem(route);
    if (address.error) {
        verdict.reject = std::move(address.error);
        return verdict;
    }
    if (request.method != "PUT") {
        verdict.bodyLimit = kIgnoredBodyLimit;
        return verdict;
    }
    // Refused on the declared length, before a byte of the body is read; a
    // body without a length is cut off by the server at the same limit.
    verdict.bodyLimit = m_engine.namespacePolicy(address.ns)->maxObjectSize;
    if (request.contentLength && *request.contentLength > verdict.bodyLimit) {
        verdict.reject = errorResponse(413, "the object is larger than the namespace's max_object_size",
                                       {{"limit_bytes", verdict.bodyLimit}});
    }
    return verdict;
}

void NodeService::countRead(const ReadResult& result)
{
    const int who = static_cast<int>(result.servedBy);
    const int freshness = result.servedBy == ServedBy::Failed ? 0 : static_cast<int>(result.freshness);
    ++m_counters.reads[who][freshness];
}

std::optional<std::pair<NamespaceId, ResourceId>> NodeService::startItemCall(const Route& route,
                                                                             Respond& respond)
{
    ItemAddress address = resolveItem(route);
    if (address.error) {
        respond(std::move(*address.error));
        return std::nullopt;
    }
    ++m_counters.dataRequests;
    return std::pair{address.ns, m_engine.keys().intern(address.id)};
}

void NodeService::readItem(const Route& route, Respond respond)
{
    const auto item = startItemCall(route, respond);
    if (!item)
        return;
    const auto [ns, rid] = *item;
    // The callback may run within read() (a cache hit) or later, when the
    // origin answers; either way on this thread.
    m_engine.read(ns, rid, [this, respond = std::move(respond)](const ReadResult& result) {
        // Counted like the engine's served-by: a 404 was answered by the origin.
        countRead(result);
        respond(readResponse(result));
    });
}

void NodeService::writeItem(const Route& route, HttpRequest& request, Respond respond)
{
    const auto item = startItemCall(route, respond);
    if (!item)
        return;
    const auto [ns, rid] = *item;
    Entry entry;
    entry.size = static_cast<std::uint32_t>(request.body.size());
    entry.body = std::make_shared<const std::string>(std::move(request.body));
    m_engine.write(ns, rid, std::move(entry),
                   [respond = std::move(respond)](const WriteResult& result) {
                       respond(writeResponse(result, "stored"));
                   });
}

void NodeService::deleteItem(const Route& route, Respond respond)
{
    const auto item = startItemCall(route, respond);
    if (!item)
        return;
    const auto [ns, rid] = *item;
    m_engine.remove(ns, rid, [respond = std::move(respond)](const WriteResult& result) {
        respond(writeResponse(result, "deleted"));
    });
}

} // namespace fallback::node
