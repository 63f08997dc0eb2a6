#pragma once

// The live-deployment client (issue 4, SPEC §6 admin plane), Qt-free.
// One libcurl multi handle on one worker thread serves every deployment the
// process talks to: the console polls fifty of them through one AdminClient.

#include "live/ratelimit.h"
#include "util/units.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace fallback::live {

/// Where and how to reach one deployment. `token` is the admin bearer token:
/// it is sent only in the Authorization header and never logged, printed or
/// copied into an error message.
struct Endpoint {
    std::string url;   ///< base URL, e.g. `http://127.0.0.1:8080` (no trailing path)
    std::string token; ///< may be empty: calls then answer 401 from the node
    Micros connectTimeout = 3 * kMicrosPerSecond;
    Micros timeout = 10 * kMicrosPerSecond; ///< whole call, per attempt
    int retries = 2; ///< extra attempts for idempotent calls (GET) on transport errors / 502, 503, 504
    Micros retryBackoff = 200 * kMicrosPerMilli; ///< doubled after each attempt
    /// A `Retry-After` up to this long is waited for before the retry; a
    /// longer one ends the call with that answer (see Response::retryAfter).
    Micros maxRetryAfter = 30 * kMicrosPerSecond;
    /// Who is asking, sent as `X-Fallback-Client` with every call (e.g.
    /// `fallbackctl alice@ops-1`): the node writes it into its audit log, so
    /// its audit route tells one console or script from another. Not a
    /// credential. Sent as cleanClientName() makes it (auditfeed.h); empty:
    /// not sent.
    std::string client;
    /// CA bundle (PEM) that verifies https:// peers instead of the system's.
    /// When empty: $CURL_CA_BUNDLE, else $SSL_CERT_FILE, else the system
    /// store. Peer and host verification are always on.
    std::string caFile;
};

/// What a call answered. `transportError` is set when the deployment could
/// not be reached at all (DNS, refused, timeout, TLS): then `httpStatus` is 0.
struct Response {
    int httpStatus = 0;
    std::string body;       ///< the response body (JSON for every node answer)
    std::string etag;       ///< the ETag header, quotes kept, when present
    std::string contentType;
    std::string transportError; ///< libcurl's message; never contains the token
    Micros latency = 0;         ///< of the last attempt
    int attempts = 0;
    Micros retryAfter = -1;     ///< a Retry-After header (seconds or HTTP date) as a delay, or -1
    /// Every `X-Fallback-Warning` header, in the order sent: the node did
    /// what was asked but could not write something about it (an audit
    /// line, the namespace versions). Empty when there was no trouble.
    std::vector<std::string> warnings;
    /// The caller's quota as the answer's rate-limit headers state it (see
    /// parseRateLimit()), its reset measured from when the answer was read;
    /// nullopt when it carried none (a fallback-node never sends them).
    std::optional<RateLimit> rateLimit;
    /// Refused here before anything was sent (no URL, a control character
    /// in the token or a header): bad input, not an unreachable deployment.
    bool refusedLocally = false;

    bool reached() const { return httpStatus != 0; }
    bool ok() const { return httpStatus >= 200 && httpStatus < 300; }
    /// The node's `{"error": ...}` message, or a short description of the
    /// status / transport error when the body carries none.
    std::string errorMessage() const;
};

/// Called once per call, on the client's worker thread. Keep it short: post
/// the response to your own thread.
using ResponseHandler = std::function<void(Response)>;
using CallId = std::uint64_t;

/// What a purge reaches (SPEC §6 `POST /v1/admin/purge`).
struct PurgeRequest {
    std::vector<std::string> keys; ///< "ns:id" each
    std::string ns;                ///< a whole namespace
    bool all = false;
    /// The JSON body the node expects: {"keys":[...]}, {"namespace":..} or
    /// {"all":true}. Exactly one scope is sent: `all`, else `ns`, else `keys`.
    std::string toJson() const;
};

/// Thread-safe: every method may be called from any thread. Handlers run on
/// the client's own worker thread, one at a time. Destroying the client
/// cancels what is in flight (handlers of cancelled calls are not called);
/// never destroy it from inside one of its handlers.
/// Connections are kept alive and reused per host. No redirects are followed
/// (a token must not travel to another host). Answers over 32 MiB end the
/// call with a transport error.
class AdminClient {
public:
    AdminClient();
    ~AdminClient();
    AdminClient(const AdminClient&) = delete;
    AdminClient& operator=(const AdminClient&) = delete;

    CallId health(const Endpoint& endpoint, ResponseHandler done);
    /// `GET /v1/admin/stats`; `seriesAfter` >= 0 asks only for series points
    /// after that second (`?series_after=N`), so a poller copies little.
    CallId stats(const Endpoint& endpoint, std::int64_t seriesAfter, ResponseHandler done);
    CallId getPolicy(const Endpoint& endpoint, ResponseHandler done);
    /// `PUT /v1/admin/policy` with `If-Match: ifMatch` (omitted when empty).
    /// `body` is the policy as JSON or YAML. Never retried.
    CallId putPolicy(const Endpoint& endpoint, std::string body, std::string ifMatch,
                     ResponseHandler done);
    /// Never retried (an invalidation must not run twice by accident).
    CallId purge(const Endpoint& endpoint, const PurgeRequest& request, ResponseHandler done);
    CallId bump(const Endpoint& endpoint, const std::string& ns, ResponseHandler done);
    /// `GET /v1/admin/audit`: the node's latest admin actions. `after` >= 0
    /// asks for those numbered above it (`?after=N`), else the newest;
    /// `limit` > 0 caps the page. Parse the answer with parseAuditPage().
    CallId audit(const Endpoint& endpoint, std::int64_t after, int limit, ResponseHandler done);
    /// Any other call, e.g. `GET /metrics`. Retried only when `method` is GET.
    CallId request(const Endpoint& endpoint, std::string method, std::string path,
                   std::string body, std::vector<std::string> headers, ResponseHandler done);

    /// Forgets a call: its handler will not be called (it may already be running).
    void cancel(CallId id);
    /// Calls in flight or waiting for a retry.
    std::size_t pending() const;

    /// Blocking convenience for the command line: runs one call and waits.
    /// Never use it on a GUI thread, nor inside a handler (it would deadlock).
    Response wait(const std::function<CallId(ResponseHandler)>& start);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace fallback::live
