#include "node/node.h"

#include "engine/engine.h"
#include "node/auditlog.h"
#include "node/auth.h"
#include "node/diskstore.h"
#include "node/httporigin.h"
#include "node/httpserver.h"
#include "node/nodeservice.h"
#include "node/realscheduler.h"
#include "node/versionstore.h"
#include "policy/policyloader.h"
#include "tiers/memorytier.h"

// Boost 1.74's asio headers use std::exchange without including <utility>.
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

namespace fallback::node {

namespace asio = boost::asio;

namespace {

/// How many client connections the descriptor limit allows: the soft limit
/// is raised to the hard one, and a reserve is kept for origin connections,
/// client-cache files and logs. Past it, new connections are closed at once
/// instead of failing accept() with EMFILE.
std::size_t connectionBudget(std::size_t wanted)
{
    constexpr rlim_t kReserve = 512;
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return wanted;
    if (limit.rlim_cur < limit.rlim_max) {
        rlimit raised = limit;
        raised.rlim_cur = limit.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0)
            limit = raised;
    }
    if (limit.rlim_cur == RLIM_INFINITY)
        return wanted;
    const rlim_t usable = limit.rlim_cur > 2 * kReserve ? limit.rlim_cur - kReserve : limit.rlim_cur / 2;
    return std::min<std::size_t>(wanted, static_cast<std::size_t>(usable));
}

constexpr auto kDrainPoll = std::chrono::milliseconds(20);

/// Everything a running node owns, in construction order: the io_context
/// first (destroyed last, after every socket and timer), the engine before
/// the service and the server that call it. Lives on the thread that calls
/// run(), which is the engine's thread.
class Node {
public:
    Node(const NodeOptions& options, KeySpace& keys, std::string token,
         std::unique_ptr<AuditLog> audit, VersionStore versions,
         std::unique_ptr<DiskStore> clientCache)
        : m_options(options), m_scheduler(m_io), m_keys(keys),
          m_edge(Capacity{0, options.edgeCapacity}, EvictionKind::Lru),
          m_kv(Capacity{0, options.kvCapacity}, EvictionKind::Lru),
          m_origin(m_keys, originOptions(options),
                   // Posted, in order, to the one thread that runs the engine.
                   [this](std::function<void()> task) { asio::post(m_io, std::move(task)); }),
          m_clientCache(std::move(clientCache)), m_audit(std::move(audit)),
          m_versions(std::move(versions)),
          m_engine(m_keys, m_scheduler, {&m_edge, &m_kv, &m_origin, m_clientCache.get()}),
          m_tick(m_io), m_drainTimer(m_io), m_signals(m_io, SIGINT, SIGTERM)
    {
        m_scheduler.setEngine(&m_engine);
        m_origin.setEngine(&m_engine);
        ServiceOptions serviceOptions;
        serviceOptions.adminToken = std::move(token);
        serviceOptions.purgeLimit = options.purgeLimit;
        m_service.emplace(m_engine, m_scheduler, std::move(serviceOptions), m_audit.get(),
                          &m_versions, logLine);
        m_service->watchClientCache(m_clientCache.get());
        if (m_audit)
            m_service->seedAudit(readAuditTail(m_audit->path(), AuditTail::kKeep));
        m_origin.setCacheControlObserver(
            [this](NamespaceId ns, CacheDirectives directives, const std::string& header) {
                m_service->noteOriginCacheControl(ns, directives, header);
            });
        ServerLimits limits;
        limits.maxConnections = connectionBudget(limits.maxConnections);
        limits.idleTimeout = options.idleTimeout;
        limits.requestTimeout = options.requestTimeout;
        m_server.emplace(m_io, *m_service, limits, logLine);
    }

    int run(const Policy& policy)
    {
        m_engine.setPolicy(policy);
        const Result<std::uint16_t> port = m_server->listen(m_options.listenHost, m_options.listenPort);
        if (!port) {
            logLine("error: " + port.error().message);
            return 1;
        }
        m_origin.start();
        const std::string host =
            m_options.listenHost == "localhost" ? std::string("127.0.0.1") : m_options.listenHost;
        const bool v6 = host.find(':') != std::string::npos;
        const std::string where = (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port.value());
        logLine("serving " + std::to_string(policy.namespaces.size()) + " namespaces on " + where +
                ", origin " + m_options.originUrl + ", data dir " + m_options.dataDir +
                (m_options.purgeLimit.enabled() ? ", purge limit " + m_options.purgeLimit.text() : ""));
        // The one line scripts and tests read the port from.
        std::cout << "listening on " << where << std::endl;

        scheduleTick();
        m_signals.async_wait([this](const boost::system::error_code& ec, int signal) {
            if (!ec)
                beginShutdown(signal);
        });
        // One thread runs the server and the engine: the engine is
        // single-threaded, and on the two cores this is built for, the load
        // generator (or Varnish next to us) needs the other. Cache hits are
        // answered inside the read callback with no hand-off between threads.
        m_io.run();
        m_origin.stop();
        if (m_audit)
            m_audit->flush();
        return 0;
    }

private:
    static OriginOptions originOptions(const NodeOptions& options)
    {
        OriginOptions origin;
        origin.baseUrl = options.originUrl;
        origin.timeout = options.originTimeout;
        origin.connectTimeout = options.originConnectTimeout;
        origin.maxBodyBytes = options.originMaxBody;
        return origin;
    }

    void scheduleTick()
    {
        // At each second's start (plus a little), so the finished second is
        // closed promptly for pollers asking for `series_after`.
        const Micros now = m_scheduler.now();
        const Micros wait = kMicrosPerSecond - now % kMicrosPerSecond + 5 * kMicrosPerMilli;
        m_tick.expires_after(std::chrono::microseconds(wait));
        m_tick.async_wait([this](const boost::system::error_code& ec) {
            if (ec)
                return;
            m_service->tick();
            scheduleTick();
        });
    }

    void beginShutdown(int signal)
    {
        logLine(std::string("received ") + (signal == SIGTERM ? "SIGTERM" : "SIGINT") +
                ": shutting down (stop accepting, finish requests, drain the KV queue)");
        m_server->stopAccepting();
        m_tick.cancel();
        m_kvAtShutdown = m_engine.kvQueueDepth();
        m_deadline = std::chrono::steady_clock::now() +
                     std::chrono::microseconds(m_options.shutdownTimeout);
        // A second signal cuts the drain short.
        m_signals.async_wait([this](const boost::system::error_code& ec, int) {
            if (!ec) {
                logLine("second signal: stopping without waiting");
                finishShutdown(true);
            }
        });
        pollDrain();
    }

    bool drained() const
    {
        return m_server->requestsInFlight() == 0 && !m_engine.busy() &&
               m_engine.kvQueueDepth() == 0;
    }

    void pollDrain()
    {
        if (drained() || std::chrono::steady_clock::now() >= m_deadline) {
            finishShutdown(!drained());
            return;
        }
        m_drainTimer.expires_after(kDrainPoll);
        m_drainTimer.async_wait([this](const boost::system::error_code& ec) {
            if (!ec)
                pollDrain();
        });
    }

    void finishShutdown(bool cutShort)
    {
        if (m_finished)
            return;
        m_finished = true;
        m_drainTimer.cancel();
        const std::size_t kvLeft = m_engine.kvQueueDepth();
        const std::size_t drainedKv = m_kvAtShutdown > kvLeft ? m_kvAtShutdown - kvLeft : 0;
        if (cutShort) {
            logLine("shutdown deadline: " + std::to_string(m_server->requestsInFlight()) +
                    " requests unanswered, " + std::to_string(kvLeft) +
                    " KV writes not drained (the in-process KV goes with the process)");
        }
        // Last chance for what the disk refused so far.
        m_service->retryStorage();
        for (const StoreReport& store : m_service->storage()) {
            if (store.name == "audit_log" && store.pendingLines > 0)
                logLine("error: " + std::to_string(store.pendingLines) +
                        " audit lines could not be written and are lost (" + store.lastError + ")");
            else if (store.name == "versions" && !store.ok)
                logLine("error: the namespace versions could not be saved (" + store.lastError +
                        "): the next start may use older versions");
        }
        logLine("drained " + std::to_string(drainedKv) + " KV writes; " +
                std::to_string(m_audit ? m_audit->linesWritten() : 0) +
                " audit lines written this run; bye");
        m_server->closeAll();
        boost::system::error_code ignored;
        m_signals.cancel(ignored);
        m_io.stop();
    }

    const NodeOptions& m_options;
    asio::io_context m_io{1};
    RealScheduler m_scheduler;
    KeySpace& m_keys; ///< owned by runNode(): the client cache was opened with it
    MemoryTier m_edge;
    MemoryTier m_kv;
    HttpOrigin m_origin;
    std::unique_ptr<DiskStore> m_clientCache;
    std::unique_ptr<AuditLog> m_audit;
    VersionStore m_versions;
    Engine m_engine;
    std::optional<NodeService> m_service;
    std::optional<HttpServer> m_server;
    asio::steady_timer m_tick;
    asio::steady_timer m_drainTimer;
    asio::signal_set m_signals;
    std::size_t m_kvAtShutdown = 0;
    std::chrono::steady_clock::time_point m_deadline;
    bool m_finished = false;
};

std::string joinPath(const std::string& dir, const char* name)
{
    return (std::filesystem::path(dir) / name).string();
}

/// A token file others can read is worth a warning (not a refusal: the
/// operator may have reasons, e.g. a group-readable secret mount).
void warnIfShared(const std::string& path)
{
    struct stat info {};
    if (::stat(path.c_str(), &info) == 0 && (info.st_mode & 0077) != 0)
        logLine("warning: the admin token file " + path +
                " is readable by group or others; chmod 600 it");
}

} // namespace

void logLine(const std::string& message)
{
    static std::mutex mutex;
    const std::string line = "fallback-node: " + isoTime(RealScheduler::wallClockNow()) + " " + message + "\n";
    const std::lock_guard<std::mutex> lock(mutex);
    // One write per line, unbuffered: lines from the origin's worker thread
    // never interleave with ours.
    const ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
    (void)ignored;
}

int runNode(const NodeOptions& options)
{
    // A peer that hangs up mid-answer must cost an error code, not the
    // process (asio sends with MSG_NOSIGNAL, but TLS and stdout may not).
    std::signal(SIGPIPE, SIG_IGN);
    // Over a file-size limit (ulimit -f, systemd's LimitFSIZE) a write must
    // fail with EFBIG, which the stores report and retry, not kill the node.
    std::signal(SIGXFSZ, SIG_IGN);
    Loaded<Policy> loaded = loadPolicyFile(options.policyPath);
    if (!loaded.ok()) {
        std::cerr << loaded.diagnostics.format() << std::flush;
        return 1;
    }
    Policy policy = std::move(*loaded.value);

    std::error_code ec;
    std::filesystem::create_directories(options.dataDir, ec);
    if (ec || !std::filesystem::is_directory(options.dataDir)) {
        logLine("error: cannot create the data directory '" + options.dataDir + "': " +
                ec.message());
        return 1;
    }

    std::string token;
    if (!options.adminTokenFile.empty()) {
        Result<std::string> read = readTokenFile(options.adminTokenFile);
        if (!read) {
            logLine("error: " + read.error().message);
            return 2;
        }
        token = std::move(read.value());
        logLine("admin token read from " + options.adminTokenFile);
        warnIfShared(options.adminTokenFile);
    } else {
        const std::string path = joinPath(options.dataDir, "admin.token");
        bool created = false;
        Result<std::string> made = loadOrCreateTokenFile(path, &created);
        if (!made) {
            logLine("error: " + made.error().message);
            return 1;
        }
        token = std::move(made.value());
        logLine(std::string(created ? "generated a new admin token in " : "admin token read from ") +
                path + (created ? " (mode 0600)" : ""));
        warnIfShared(path);
    }

    Result<VersionStore> versions = VersionStore::load(joinPath(options.dataDir, "versions.json"));
    if (!versions) {
        logLine("error: " + versions.error().message);
        return 1;
    }
    if (const std::size_t raised = versions.value().raise(policy); raised > 0)
        logLine(std::to_string(raised) +
                " namespace versions raised to the ones saved in versions.json (bumps survive restarts)");

    Result<std::unique_ptr<AuditLog>> audit = AuditLog::open(joinPath(options.dataDir, "audit.jsonl"));
    if (!audit) {
        logLine("error: " + audit.error().message);
        return 1;
    }

    // The client cache interns the names it finds on disk into the KeySpace
    // the engine will use: open it first.
    KeySpace keys;
    Result<std::unique_ptr<DiskStore>> clientCache =
        DiskStore::open(joinPath(options.dataDir, "client-cache"), keys, options.clientCacheCapacity);
    if (!clientCache) {
        logLine("error: " + clientCache.error().message);
        return 1;
    }
    logLine("client cache: " + std::to_string(clientCache.value()->usage().entries) +
            " last-known-good copies on disk");
    if (const Status saved = versions.value().record(policy); !saved)
        logLine("warning: " + saved.error().message);

    auto node = std::make_unique<Node>(options, keys, std::move(token), std::move(audit.value()),
                                       std::move(versions.value()), std::move(clientCache.value()));
    return node->run(policy);
}

} // namespace fallback::node
