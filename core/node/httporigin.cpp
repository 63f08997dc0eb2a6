#include "node/httporigin.h"

#include "util/cabundle.h"

#include <curl/curl.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

namespace fallback::node {

namespace {

using Clock = std::chrono::steady_clock;

/// Idle easy handles kept for reuse; more are cleaned up when they finish.
constexpr std::size_t kIdleHandles = 64;

void initCurlOnce()
{
    // curl_global_init is not thread-safe in every libcurl; the worker thread
    // and other clients must not race on the implicit init in curl_easy_init.
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

long millis(Micros value)
{
    return static_cast<long>(std::max<Micros>(1, (value + kMicrosPerMilli - 1) / kMicrosPerMilli));
}

} // namespace

struct HttpOrigin::Shared {
    /// Set by stop(): tasks already handed to the executor check it and drop
    /// their answer, so nothing reaches the engine afterwards.
    std::atomic<bool> stopped{false};
    std::atomic<std::size_t> inFlight{0};
};

/// Everything the worker thread owns. The engine thread touches only
/// `prepared` and, under `mutex`, `queue` and `stopping`.
struct HttpOrigin::Worker {
    struct Request {
        OpToken op = 0;
        Method method = Method::Get;
        std::string url;
        std::shared_ptr<const std::string> body; ///< PUT only
        Micros now = 0;                          ///< the `now` of the tier call
        NamespaceId ns = 0;
        Clock::time_point start;
    };
    /// What a GET's Cache-Control said, when it binds a shared cache.
    struct CacheControl {
        CacheDirectives directives = 0;
        std::string header;
    };
    struct Transfer {
        CURL* easy = nullptr;
        Worker* worker = nullptr;
        Request request;
        std::string response;
        bool tooLarge = false;
    };

    Worker(const OriginOptions& options, Executor executor, std::shared_ptr<Shared> shared)
        : options(options), engineThread(std::move(executor)), shared(std::move(shared)),
          caFile(caBundleFromEnvironment())
    {
        multi = curl_multi_init();
        curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, long(options.maxConnections));
        // Keep as many idle connections as may be open: re-using them is the
        // point of one long-lived multi handle (HTTP keep-alive).
        curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, long(options.maxConnections));
        putHeaders = curl_slist_append(putHeaders, "Content-Type: application/octet-stream");
        // No `Expect: 100-continue` round trip before a PUT body.
        putHeaders = curl_slist_append(putHeaders, "Expect:");
    }

    ~Worker()
    {
        for (auto& [easy, transfer] : active) {
            curl_multi_remove_handle(multi, easy);
            curl_easy_cleanup(easy);
        }
        for (auto& transfer : idle)
            curl_easy_cleanup(transfer->easy);
        curl_multi_cleanup(multi);
        curl_slist_free_all(putHeaders);
    }

    void submit(Request request)
    {
        bool wake = false;
        {
            std::lock_guard lock(mutex);
            if (stopping)
                return;
            // One wake-up per batch: when the queue was not empty, the
            // worker has a wake-up pending already.
            wake = queue.empty();
            queue.push_back(std::move(request));
        }
        if (wake)
            curl_multi_wakeup(multi);
    }

    void run()
    {
        std::vector<Request> incoming;
        for (;;) {
            {
                std::lock_guard lock(mutex);
                if (stopping)
                    break;
                incoming.swap(queue);
            }
            for (Request& request : incoming)
                startTransfer(std::move(request));
            incoming.clear();

            int running = 0;
            curl_multi_perform(multi, &running);
            int left = 0;
            while (CURLMsg* message = curl_multi_info_read(multi, &left)) {
                if (message->msg == CURLMSG_DONE)
                    finish(message->easy_handle, message->data.result);
            }
            // Returns early on socket activity, curl's own timers or a
            // curl_multi_wakeup() from submit() / stop().
            curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
        }
    }

    static std::size_t onBody(char* data, std::size_t, std::size_t length, void* user)
    {
        auto* transfer = static_cast<Transfer*>(user);
        const std::uint64_t limit = transfer->worker->options.maxBodyBytes;
        if (transfer->response.size() + length > limit) {
            transfer->tooLarge = true;
            return 0; // aborts the transfer: CURLE_WRITE_ERROR
        }
        if (transfer->response.empty()) {
            curl_off_t expected = -1;
            if (curl_easy_getinfo(transfer->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &expected) ==
                    CURLE_OK &&
                expected > 0 && std::uint64_t(expected) <= limit)
                transfer->response.reserve(static_cast<std::size_t>(expected));
        }
        transfer->response.append(data, length);
        return length;
    }

    void startTransfer(Request request)
    {
        std::unique_ptr<Transfer> transfer;
        if (!idle.empty()) {
            transfer = std::move(idle.back());
            idle.pop_back();
            curl_easy_reset(transfer->easy);
        } else {
            transfer = std::make_unique<Transfer>();
            transfer->easy = curl_easy_init();
            transfer->worker = this;
        }
        transfer->request = std::move(request);
        transfer->response.clear();
        transfer->tooLarge = false;

        CURL* easy = transfer->easy;
        if (!easy) {
            answer(transfer->request, TierAnswer{TierStatus::Error, elapsed(transfer->request), {}},
                   CacheControl());
            return;
        }
        curl_easy_setopt(easy, CURLOPT_URL, transfer->request.url.c_str());
        curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
        if (!caFile.empty())
            curl_easy_setopt(easy, CURLOPT_CAINFO, caFile.c_str()); // libcurl copies it
        curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, millis(options.connectTimeout));
        curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, millis(options.timeout));
        curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
        curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(options.maxBodyBytes));
        curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Worker::onBody);
        curl_easy_setopt(easy, CURLOPT_WRITEDATA, transfer.get());
        curl_easy_setopt(easy, CURLOPT_PRIVATE, transfer.get());
        switch (transfer->request.method) {
        case Method::Get: break;
        case Method::Put: {
            const std::string* body = transfer->request.body.get();
            curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, "PUT");
            curl_easy_setopt(easy, CURLOPT_HTTPHEADER, putHeaders);
            curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                             curl_off_t(body ? body->size() : 0));
            // The body stays alive in transfer->request.body: no copy.
            curl_easy_setopt(easy, CURLOPT_POSTFIELDS, body ? body->data() : "");
            break;
        }
        case Method::Delete: curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, "DELETE"); break;
        }
        if (curl_multi_add_handle(multi, easy) != CURLM_OK) {
            answer(transfer->request, TierAnswer{TierStatus::Error, elapsed(transfer->request), {}},
                   CacheControl());
            idle.push_back(std::move(transfer));
            return;
        }
        active.emplace(easy, std::move(transfer));
    }

    static Micros elapsed(const Request& request)
    {
        return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - request.start)
            .count();
    }

    void finish(CURL* easy, CURLcode result)
    {
        const auto it = active.find(easy);
        if (it == active.end())
            return;
        std::unique_ptr<Transfer> transfer = std::move(it->second);
        active.erase(it);
        curl_multi_remove_handle(multi, easy);

        long status = 0;
        curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
        TierAnswer reply;
        CacheControl cacheControl;
        reply.status = TierStatus::Error;
        reply.latency = elapsed(transfer->request);
        if (result == CURLE_OK && !transfer->tooLarge) {
            const bool success = status >= 200 && status < 300;
            switch (transfer->request.method) {
            case Method::Get:
                if (status == 200 && transfer->response.size() <= 0xffffffffu) {
                    cacheControl = readCacheControl(easy);
                    reply.status = TierStatus::Hit;
                    reply.entry.storedAt = transfer->request.now + reply.latency;
                    reply.entry.size = static_cast<std::uint32_t>(transfer->response.size());
                    reply.entry.body =
                        std::make_shared<const std::string>(std::move(transfer->response));
                } else if (status == 404) {
                    reply.status = TierStatus::Miss;
                }
                break;
            case Method::Put: reply.status = success ? TierStatus::Hit : TierStatus::Error; break;
            case Method::Delete:
                reply.status = success || status == 404 ? TierStatus::Hit : TierStatus::Error;
                break;
            }
        }
        answer(transfer->request, std::move(reply), std::move(cacheControl));

        transfer->request.body.reset();
        transfer->response = std::string();
        if (idle.size() < kIdleHandles)
            idle.push_back(std::move(transfer));
        else
            curl_easy_cleanup(easy);
    }

    /// Every Cache-Control line of the answer, joined with commas; only
    /// read when someone observes it.
    CacheControl readCacheControl(CURL* easy) const
    {
        CacheControl found;
        if (!cacheControlObserver)
            return found;
        curl_header* line = nullptr;
        for (std::size_t index = 0;
             curl_easy_header(easy, "Cache-Control", index, CURLH_HEADER, -1, &line) == CURLHE_OK;
             ++index) {
            found.header += (found.header.empty() ? "" : ", ") + std::string(line->value);
            if (index + 1 >= line->amount)
                break;
        }
        found.directives = bindingDirectives(found.header);
        return found;
    }

    void answer(const Request& request, TierAnswer reply, CacheControl cacheControl)
    {
        Engine* target = engine;
        if (!target || shared->stopped.load())
            return;
        engineThread([shared = shared, target, op = request.op, ns = request.ns,
                      observe = cacheControl.directives != 0 ? &cacheControlObserver : nullptr,
                      cacheControl = std::move(cacheControl), reply = std::move(reply)] {
            if (shared->stopped.load())
                return;
            shared->inFlight.fetch_sub(1);
            if (observe)
                (*observe)(ns, cacheControl.directives, cacheControl.header);
            target->complete(op, reply);
        });
    }

    OriginOptions options;
    Executor engineThread;
    std::shared_ptr<Shared> shared;
    Engine* engine = nullptr; ///< set before the thread starts
    /// Set before the thread starts; called on the engine's thread.
    CacheControlObserver cacheControlObserver;
    CURLM* multi = nullptr;
    curl_slist* putHeaders = nullptr;
    const std::string caFile; ///< from the environment once, at construction

    std::mutex mutex;
    std::vector<Request> queue; ///< guarded by mutex
    bool stopping = false;      ///< guarded by mutex
    std::thread thread;

    // Worker thread only.
    std::unordered_map<CURL*, std::unique_ptr<Transfer>> active;
    std::vector<std::unique_ptr<Transfer>> idle;

    // Engine thread only: the call that answered Pending, until attach().
    Request prepared;
    bool hasPrepared = false;
};

HttpOrigin::HttpOrigin(KeySpace& keys, OriginOptions options, Executor engineThread)
    : m_keys(keys), m_options(std::move(options)), m_shared(std::make_shared<Shared>())
{
    initCurlOnce();
    m_base = m_options.baseUrl;
    while (!m_base.empty() && m_base.back() == '/')
        m_base.pop_back();
    m_base += "/api/items/";
    m_worker = std::make_unique<Worker>(m_options, std::move(engineThread), m_shared);
    m_escaper = curl_easy_init();
}

HttpOrigin::~HttpOrigin()
{
    stop();
    m_worker.reset();
    curl_easy_cleanup(static_cast<CURL*>(m_escaper));
}

void HttpOrigin::setEngine(Engine* engine)
{
    m_worker->engine = engine;
}

void HttpOrigin::setCacheControlObserver(CacheControlObserver observer)
{
    m_worker->cacheControlObserver = std::move(observer);
}

void HttpOrigin::start()
{
    if (m_worker->thread.joinable() || m_shared->stopped.load())
        return;
    m_worker->thread = std::thread([worker = m_worker.get()] { worker->run(); });
}

void HttpOrigin::stop()
{
    m_shared->stopped.store(true);
    {
        std::lock_guard lock(m_worker->mutex);
        m_worker->stopping = true;
        m_worker->queue.clear();
    }
    curl_multi_wakeup(m_worker->multi);
    if (m_worker->thread.joinable())
        m_worker->thread.join();
    m_shared->inFlight.store(0);
}

std::size_t HttpOrigin::inFlight() const { return m_shared->inFlight.load(); }

std::string HttpOrigin::itemUrl(const StoredKey& key) const
{
    std::string url = m_base;
    auto append = [&](const std::string& part) {
        // Every byte but [A-Za-z0-9._~-] is escaped, '/' and ':' included:
        // an id is one path segment whatever it contains.
        char* escaped = curl_easy_escape(static_cast<CURL*>(m_escaper), part.data(),
                                         static_cast<int>(part.size()));
        if (escaped) {
            url += escaped;
            curl_free(escaped);
        }
    };
    append(m_keys.namespaceName(key.ns));
    url += '/';
    append(m_keys.resourceName(key.rid));
    return url;
}

TierAnswer HttpOrigin::prepare(Method method, const StoredKey& key, Micros now,
                               std::shared_ptr<const std::string> body)
{
    Worker::Request& request = m_worker->prepared;
    request.method = method;
    request.url = itemUrl(key);
    request.body = std::move(body);
    request.now = now;
    request.ns = key.ns;
    m_worker->hasPrepared = true;
    return TierAnswer{TierStatus::Pending, 0, {}};
}

TierAnswer HttpOrigin::get(const StoredKey& key, Micros now, Micros)
{
    return prepare(Method::Get, key, now, nullptr);
}

TierAnswer HttpOrigin::put(const StoredKey& key, const Entry& entry, Micros now)
{
    return prepare(Method::Put, key, now, entry.body);
}

TierAnswer HttpOrigin::erase(const StoredKey& key, Micros now)
{
    return prepare(Method::Delete, key, now, nullptr);
}

void HttpOrigin::attach(OpToken op)
{
    if (!m_worker->hasPrepared)
        return;
    m_worker->hasPrepared = false;
    if (m_shared->stopped.load())
        return; // dropped: nothing answers after stop()
    Worker::Request request = std::move(m_worker->prepared);
    m_worker->prepared = Worker::Request{};
    request.op = op;
    request.start = Clock::now();
    m_shared->inFlight.fetch_add(1);
    m_worker->submit(std::move(request));
}

} // namespace fallback::node
