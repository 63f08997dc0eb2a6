#include "live/adminclient.h"

#include "live/auditfeed.h"
#include "live/ratelimit.h"
#include "util/cabundle.h"
#include "util/text.h"

#include <curl/curl.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <deque>
#include <future>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

namespace fallback::live {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxResponseBytes = 32u << 20;
/// The longest the worker sleeps in curl_multi_poll without a reason to
/// wake: a safety net only, every submission and cancel wakes it at once.
constexpr int kMaxPollMs = 1000;

/// Transport errors that another attempt cannot fix: a bad certificate, a
/// malformed URL, an answer too large. Everything else (refused, reset,
/// timed out, DNS) may be gone a moment later.
bool retryableTransport(CURLcode code)
{
    switch (code) {
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_WRITE_ERROR:
    case CURLE_BAD_FUNCTION_ARGUMENT:
    case CURLE_OUT_OF_MEMORY:
        return false;
    default:
        return true;
    }
}

void replaceAll(std::string& text, const std::string& what, std::string_view with)
{
    if (what.empty())
        return;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + with.size()))
        text.replace(at, what.size(), with);
}

void ensureCurlInitialised()
{
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

} // namespace

/// One call, owned by the worker thread once submitted.
struct Call {
    CallId id = 0;
    Endpoint endpoint;
    std::string method;
    std::string url;
    std::string body;
    std::vector<std::string> headers;
    ResponseHandler done;
    bool idempotent = false;
    std::string presetError; ///< refused before any attempt (bad token, no URL)

    int attempt = 0;
    Response response;
    std::vector<HeaderField> rateLimitFields; ///< of the last header block
    CURL* easy = nullptr;
    curl_slist* headerList = nullptr;
    char errorBuffer[CURL_ERROR_SIZE] = {};
    Clock::time_point due{};  ///< when a retry waiting for its turn starts
    bool waiting = false;     ///< between attempts
};

struct AdminClient::Impl {
    // Shared with callers, under `mutex`.
    mutable std::mutex mutex;
    std::deque<std::unique_ptr<Call>> submitted;
    std::vector<CallId> cancelled;
    std::unordered_set<CallId> live; ///< submitted and not yet answered or cancelled
    bool stop = false;
    std::atomic<CallId> nextId{1};

    // The worker's own.
    CURLM* multi = nullptr;
    std::unordered_map<CallId, std::unique_ptr<Call>> calls;
    std::thread worker;

    Impl()
    {
        ensureCurlInitialised();
        multi = curl_multi_init();
        // Enough cached connections that fifty polled deployments each keep
        // theirs alive between polls.
        curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, 128L);
        worker = std::thread([this] { run(); });
    }

    ~Impl()
    {
        {
            std::lock_guard lock(mutex);
            stop = true;
            live.clear();
        }
        curl_multi_wakeup(multi);
        if (worker.joinable())
            worker.join();
        curl_multi_cleanup(multi);
    }

    CallId submit(std::unique_ptr<Call> call)
    {
        const CallId id = nextId.fetch_add(1);
        call->id = id;
        {
            std::lock_guard lock(mutex);
            if (stop)
                return id;
            live.insert(id);
            submitted.push_back(std::move(call));
        }
        curl_multi_wakeup(multi);
        return id;
    }

    void cancel(CallId id)
    {
        {
            std::lock_guard lock(mutex);
            if (live.erase(id) == 0)
                return;
            cancelled.push_back(id);
        }
        curl_multi_wakeup(multi);
    }

    void run()
    {
        for (;;) {
            std::deque<std::unique_ptr<Call>> fresh;
            std::vector<CallId> dropped;
            {
                std::lock_guard lock(mutex);
                if (stop)
                    break;
                fresh.swap(submitted);
                dropped.swap(cancelled);
            }
            for (auto& call : fresh) {
                Call* c = call.get();
                calls.emplace(c->id, std::move(call));
                startAttempt(*c);
            }
            for (CallId id : dropped) {
                if (auto it = calls.find(id); it != calls.end()) {
                    release(*it->second);
                    calls.erase(it);
                }
            }
            startDueRetries();

            int running = 0;
            curl_multi_perform(multi, &running);
            int queued = 0;
            while (CURLMsg* msg = curl_multi_info_read(multi, &queued)) {
                if (msg->msg != CURLMSG_DONE)
                    continue;
                Call* call = nullptr;
                curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &call);
                if (call)
                    finishAttempt(*call, msg->data.result);
            }
            curl_multi_poll(multi, nullptr, 0, pollTimeoutMs(), nullptr);
        }
        for (auto& [id, call] : calls)
            release(*call);
        calls.clear();
    }

    int pollTimeoutMs() const
    {
        int timeout = kMaxPollMs;
        const Clock::time_point now = Clock::now();
        for (const auto& [id, call] : calls) {
            if (!call->waiting)
                continue;
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(call->due - now).count();
            timeout = std::min<int>(timeout, static_cast<int>(std::max<long long>(0, left + 1)));
        }
        return timeout;
    }

    void startDueRetries()
    {
        // Collected first: starting an attempt may finish the call at once,
        // which erases it from `calls`.
        const Clock::time_point now = Clock::now();
        std::vector<Call*> due;
        for (auto& [id, call] : calls)
            if (call->waiting && call->due <= now)
                due.push_back(call.get());
        for (Call* call : due) {
            call->waiting = false;
            startAttempt(*call);
        }
    }

    void release(Call& call)
    {
        if (call.easy) {
            curl_multi_remove_handle(multi, call.easy);
            curl_easy_cleanup(call.easy);
            call.easy = nullptr;
        }
        if (call.headerList) {
            curl_slist_free_all(call.headerList);
            call.headerList = nullptr;
        }
    }

    static std::size_t onBody(char* data, std::size_t size, std::size_t count, void* user)
    {
        auto* call = static_cast<Call*>(user);
        const std::size_t bytes = size * count;
        if (call->response.body.size() + bytes > kMaxResponseBytes)
            return 0; // CURLE_WRITE_ERROR: the answer is refused, not truncated
        call->response.body.append(data, bytes);
        return bytes;
    }

    static std::size_t onHeader(char* data, std::size_t size, std::size_t count, void* user)
    {
        auto* call = static_cast<Call*>(user);
        const std::size_t bytes = size * count;
        std::string_view line(data, bytes);
        while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
            line.remove_suffix(1);
        // A new status line starts a new header block (after `100 Continue`).
        if (startsWithNoCase(line, "HTTP/")) {
            call->response.etag.clear();
            call->response.contentType.clear();
            call->response.retryAfter = -1;
            call->response.warnings.clear();
            call->rateLimitFields.clear();
        } else if (startsWithNoCase(line, "etag:")) {
            call->response.etag = std::string(trimSpaces(line.substr(5)));
        } else if (startsWithNoCase(line, "content-type:")) {
            call->response.contentType = std::string(trimSpaces(line.substr(13)));
        } else if (startsWithNoCase(line, "retry-after:")) {
            call->response.retryAfter = parseRetryAfter(line.substr(12));
        } else if (startsWithNoCase(line, "x-fallback-warning:")) {
            // Printed on terminals and shown as is: no escape sequences.
            const std::string clean = withoutControlCharacters(line.substr(19));
            call->response.warnings.emplace_back(trimSpaces(clean));
        } else if (std::optional<HeaderField> field = rateLimitField(line)) {
            call->rateLimitFields.push_back(std::move(*field));
        }
        return bytes;
    }

    void startAttempt(Call& call)
    {
        ++call.attempt;
        call.response = Response{};
        call.rateLimitFields.clear();
        call.response.attempts = call.attempt;
        if (!call.presetError.empty()) {
            call.response.transportError = call.presetError;
            call.response.refusedLocally = true;
            deliver(call);
            return;
        }
        CURL* easy = curl_easy_init();
        if (!easy) {
            call.response.transportError = "could not start a transfer (out of memory)";
            deliver(call);
            return;
        }
        call.easy = easy;
        call.errorBuffer[0] = '\0';
        const Endpoint& ep = call.endpoint;
        curl_easy_setopt(easy, CURLOPT_PRIVATE, &call);
        curl_easy_setopt(easy, CURLOPT_URL, call.url.c_str());
        curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::max<Micros>(1, ep.connectTimeout / kMicrosPerMilli)));
        curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(std::max<Micros>(1, ep.timeout / kMicrosPerMilli)));
        curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
        const std::string caFile = !ep.caFile.empty() ? ep.caFile : caBundleFromEnvironment();
        if (!caFile.empty()) // libcurl copies the string
            curl_easy_setopt(easy, CURLOPT_CAINFO, caFile.c_str());
        curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
        curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
        curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, call.errorBuffer);
        curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Impl::onBody);
        curl_easy_setopt(easy, CURLOPT_WRITEDATA, &call);
        curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &Impl::onHeader);
        curl_easy_setopt(easy, CURLOPT_HEADERDATA, &call);
        curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, ""); // whatever this libcurl can decode

        if (call.method == "GET") {
            curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
        } else if (call.method == "HEAD") {
            curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
        } else {
            curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(call.body.size()));
            curl_easy_setopt(easy, CURLOPT_POSTFIELDS, call.body.data());
            if (call.method != "POST")
                curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, call.method.c_str());
        }

        curl_slist* list = nullptr;
        list = curl_slist_append(list, "Accept: application/json");
        // libcurl would wait up to a second for `100 Continue` before a large body.
        list = curl_slist_append(list, "Expect:");
        for (const std::string& h : call.headers)
            list = curl_slist_append(list, h.c_str());
        if (!ep.token.empty())
            list = curl_slist_append(list, ("Authorization: Bearer " + ep.token).c_str());
        call.headerList = list;
        curl_easy_setopt(easy, CURLOPT_HTTPHEADER, list);

        if (curl_multi_add_handle(multi, easy) != CURLM_OK) {
            release(call);
            call.response.transportError = "could not start a transfer";
            deliver(call);
        }
    }

    void finishAttempt(Call& call, CURLcode result)
    {
        Response& r = call.response;
        long status = 0;
        curl_easy_getinfo(call.easy, CURLINFO_RESPONSE_CODE, &status);
        curl_off_t total = 0;
        curl_easy_getinfo(call.easy, CURLINFO_TOTAL_TIME_T, &total);
        r.latency = static_cast<Micros>(total);
        if (result == CURLE_OK) {
            r.httpStatus = static_cast<int>(status);
            const auto now = std::chrono::system_clock::now().time_since_epoch();
            r.rateLimit =
                parseRateLimit(call.rateLimitFields,
                               std::chrono::duration_cast<std::chrono::microseconds>(now).count());
        } else {
            // Half an answer is no answer: the caller must not act on it.
            r.httpStatus = 0;
            r.body.clear();
            r.transportError = call.errorBuffer[0] ? std::string(call.errorBuffer) : curl_easy_strerror(result);
            if (result == CURLE_WRITE_ERROR)
                r.transportError = "the answer is larger than " + std::to_string(kMaxResponseBytes >> 20) + " MiB";
        }
        release(call);
        // Neither libcurl's messages nor a node's answer should ever hold the
        // token; if a misbehaving proxy echoes it, it stops here.
        const std::string& token = call.endpoint.token;
        if (!token.empty()) {
            replaceAll(r.transportError, token, "***");
            for (std::string& warning : r.warnings)
                replaceAll(warning, token, "***");
            if (r.rateLimit)
                replaceAll(r.rateLimit->policyName, token, "***");
            if (!r.ok())
                replaceAll(r.body, token, "***");
        }

        const bool transient = r.httpStatus == 0 ? retryableTransport(result)
                                                 : (r.httpStatus == 502 || r.httpStatus == 503 || r.httpStatus == 504);
        if (call.idempotent && transient && call.attempt <= call.endpoint.retries) {
            Micros delay = call.endpoint.retryBackoff;
            for (int i = 1; i < call.attempt && delay < call.endpoint.maxRetryAfter; ++i)
                delay *= 2;
            bool retry = true;
            if (r.retryAfter >= 0) {
                // The node (or a proxy) said when to come back: honour it,
                // unless it is longer than this caller is willing to wait.
                retry = r.retryAfter <= call.endpoint.maxRetryAfter;
                delay = r.retryAfter;
            }
            if (retry) {
                call.waiting = true;
                call.due = Clock::now() + std::chrono::microseconds(delay);
                return;
            }
        }
        deliver(call);
    }

    /// Hands the answer over unless the call was cancelled, and forgets it.
    void deliver(Call& call)
    {
        const CallId id = call.id;
        bool wanted = false;
        {
            std::lock_guard lock(mutex);
            wanted = live.erase(id) > 0;
        }
        auto it = calls.find(id);
        std::unique_ptr<Call> owned;
        if (it != calls.end()) {
            owned = std::move(it->second);
            calls.erase(it);
        }
        if (!wanted || !call.done)
            return;
        // A throwing handler must not take the worker (and every other
        // deployment's calls) down with it.
        try {
            call.done(std::move(call.response));
        } catch (...) {
        }
    }
};

AdminClient::AdminClient() : m_impl(std::make_unique<Impl>()) {}

AdminClient::~AdminClient() = default;

namespace {

std::string joinUrl(const std::string& base, std::string_view path)
{
    std::string url = base;
    while (!url.empty() && url.back() == '/')
        url.pop_back();
    url += path;
    return url;
}

} // namespace

CallId AdminClient::request(const Endpoint& endpoint, std::string method, std::string path, std::string body,
                            std::vector<std::string> headers, ResponseHandler done)
{
    auto call = std::make_unique<Call>();
    call->endpoint = endpoint;
    call->idempotent = method == "GET" || method == "HEAD";
    call->method = std::move(method);
    call->url = joinUrl(endpoint.url, path);
    call->body = std::move(body);
    call->headers = std::move(headers);
    if (const std::string client = cleanClientName(endpoint.client); !client.empty())
        call->headers.push_back("X-Fallback-Client: " + client);
    call->done = std::move(done);
    // Refused here rather than by libcurl so the message can say why, and
    // never quotes the token.
    if (endpoint.url.empty())
        call->presetError = "no deployment URL given";
    else if (hasControlCharacter(endpoint.token))
        call->presetError = "the token contains a line break or control character";
    else if (std::any_of(call->headers.begin(), call->headers.end(),
                         [](const std::string& h) { return hasControlCharacter(h); }))
        call->presetError = "a request header contains a line break or control character";
    return m_impl->submit(std::move(call));
}

void AdminClient::cancel(CallId id)
{
    m_impl->cancel(id);
}

std::size_t AdminClient::pending() const
{
    std::lock_guard lock(m_impl->mutex);
    return m_impl->live.size();
}

Response AdminClient::wait(const std::function<CallId(ResponseHandler)>& start)
{
    auto promise = std::make_shared<std::promise<Response>>();
    std::future<Response> answer = promise->get_future();
    start([promise](Response r) { promise->set_value(std::move(r)); });
    return answer.get();
}

} // namespace fallback::live
