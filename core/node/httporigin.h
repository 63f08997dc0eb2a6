#pragma once

// The node's origin tier (SPEC §6): resources fetched over HTTP with libcurl
// from `{origin}/api/items/{namespace}/{id}`. Transfers run on one worker
// thread driving a curl multi handle; answers go back to the engine's thread
// through an executor and Engine::complete().

#include "engine/engine.h"
#include "engine/keyspace.h"
#include "policy/cachecontrol.h"
#include "tiers/tier.h"
#include "util/units.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace fallback::node {

struct OriginOptions {
    /// Where the origin lives, e.g. `http://127.0.0.1:9000`; a trailing
    /// slash is ignored. http and https only; TLS verification stays on,
    /// against $CURL_CA_BUNDLE or $SSL_CERT_FILE when set (util/cabundle.h),
    /// read when the HttpOrigin is made.
    std::string baseUrl;
    Micros connectTimeout = 2 * kMicrosPerSecond;
    Micros timeout = 10 * kMicrosPerSecond; ///< whole transfer, connect included
    /// A larger answer is an Error; reading stops as soon as it is known.
    std::uint64_t maxBodyBytes = 8 * 1024 * 1024;
    int maxConnections = 256; ///< CURLMOPT_MAX_TOTAL_CONNECTIONS; more transfers queue
};

/// Runs a task on the engine's thread. Called from the origin's worker
/// thread, so it must be thread-safe (e.g. boost::asio::post to the engine's
/// io_context). Tasks must run in the order they were posted.
using Executor = std::function<void(std::function<void()>)>;

/// Told, on the engine's thread and before the read's answer, about a GET
/// answered 200 whose Cache-Control binds a shared cache (its
/// bindingDirectives are not 0): the namespace, the directives, and the
/// header's value (several lines joined with commas).
using CacheControlObserver =
    std::function<void(NamespaceId ns, CacheDirectives directives, const std::string& header)>;

/// The origin over HTTP. Data calls never block: get(), put() and erase()
/// answer TierStatus::Pending, the engine then calls attach(op), and the
/// answer arrives later through Engine::complete(op, answer) on the engine's
/// thread:
/// - GET: 200 → Hit with the body (Entry.storedAt = the `now` of the call
///   plus the measured latency); 404 → Miss; anything else (another status,
///   a transport error, a timeout, a body over maxBodyBytes) → Error.
/// - PUT (the entry's body): 2xx → Hit, else Error.
/// - DELETE: 2xx or 404 → Hit, else Error.
/// `latency` is the measured wall time from attach() to the end of the
/// transfer. The origin stores nothing itself: purge / countMatching answer 0,
/// peek nothing, usage zero.
///
/// Threads: the Tier calls, setEngine() and inFlight() on the engine's
/// thread; start() / stop() on the engine's thread, or on the thread that
/// owns the engine while the engine's thread runs no tasks.
class HttpOrigin final : public Tier {
public:
    HttpOrigin(KeySpace& keys, OriginOptions options, Executor engineThread);
    /// Stops the worker; calls still pending are dropped, never answered.
    ~HttpOrigin() override;
    HttpOrigin(const HttpOrigin&) = delete;
    HttpOrigin& operator=(const HttpOrigin&) = delete;

    /// The engine is built after its tiers: call before start().
    void setEngine(Engine* engine);
    /// Call before start(). Without an observer no header is read.
    void setCacheControlObserver(CacheControlObserver observer);
    /// Starts the curl worker thread. Calls attached before start() wait for it.
    void start();
    /// Cancels the transfers in flight and joins the worker. Idempotent. No
    /// answer reaches the engine after stop() returns, not even one already
    /// posted to the executor.
    void stop();
    /// Transfers attached but not yet answered to the engine.
    std::size_t inFlight() const;
    /// The URL a resource is fetched from (percent-encoded namespace and id).
    std::string itemUrl(const StoredKey& key) const;
    const OriginOptions& options() const { return m_options; }

    TierAnswer get(const StoredKey& key, Micros now, Micros keepFor) override;
    TierAnswer put(const StoredKey& key, const Entry& entry, Micros now) override;
    TierAnswer erase(const StoredKey& key, Micros now) override;
    void attach(OpToken op) override;

    std::size_t purge(const PurgeScope&) override { return 0; }
    std::size_t countMatching(const PurgeScope&) const override { return 0; }
    std::optional<Entry> peek(const StoredKey&) const override { return std::nullopt; }
    void forEachKey(const std::function<bool(const StoredKey&, const Entry&)>&) const override {}
    TierUsage usage() const override { return {}; }

private:
    struct Worker;
    struct Shared;
    enum class Method : std::uint8_t { Get, Put, Delete };
    TierAnswer prepare(Method method, const StoredKey& key, Micros now,
                       std::shared_ptr<const std::string> body);

    KeySpace& m_keys;
    OriginOptions m_options;
    std::string m_base; ///< baseUrl + "/api/items/"
    std::shared_ptr<Shared> m_shared; ///< outlives this object in posted tasks
    std::unique_ptr<Worker> m_worker;
    void* m_escaper = nullptr; ///< CURL* used for curl_easy_escape on the engine thread
};

} // namespace fallback::node
