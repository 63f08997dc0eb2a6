#pragma once

// What tst_httporigin and tst_httporiginheaders share: fallback-testorigin in
// a child process on 127.0.0.1 and a blocking call to its control plane (both
// on nodeharness.h), and an Engine on the test's thread with an in-process
// edge cache in front of a real HttpOrigin.

#include "node/httporigin.h"
#include "nodeharness.h"

#include "engine/engine.h"
#include "engine/keyspace.h"
#include "engine/scheduler.h"
#include "policy/policy.h"
#include "tiers/memorytier.h"

#include <QTimer>
#include <QtTest>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace origintest {

using namespace fallback;
using namespace fallback::node;

/// A node's clock: real time, and tier latency has already passed when a
/// call returns.
class RealClock final : public Scheduler {
public:
    explicit RealClock(QObject* context) : m_context(context) {}
    void setEngine(Engine* engine) { m_engine = engine; }

    Micros now() const override
    {
        return std::chrono::duration_cast<std::chrono::microseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
    }
    bool suspendAfterCall(OpToken, Micros) override { return false; }
    void wakeAfter(OpToken op, Micros delay) override
    {
        QTimer::singleShot(int(delay / kMicrosPerMilli), m_context, [this, op] { m_engine->resume(op); });
    }

private:
    QObject* m_context;
    Engine* m_engine = nullptr;
};

/// fallback-testorigin in a child process (nodeharness.h's ServerProcess,
/// listening on 127.0.0.1, port 0); killed when destroyed.
class OriginProcess {
public:
    bool start(const QStringList& arguments = {})
    {
        return m_server.start(nodetest::originBinary(),
                              QStringList{QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")} +
                                  arguments);
    }
    void kill() { m_server.kill(); }
    std::string url() const { return m_server.url().toStdString(); }

private:
    nodetest::ServerProcess m_server;
};

/// A blocking call to the origin's control plane (test set-up only): a POST
/// with `body`, else a GET; the answer's body, or "transport error".
inline std::string control(const OriginProcess& origin, const char* path, const char* body = nullptr)
{
    const nodetest::Reply reply =
        nodetest::http(body ? "POST" : "GET", QString::fromStdString(origin.url() + path),
                       body ? QByteArray(body) : QByteArray());
    return reply.status != 0 ? reply.body.toStdString() : std::string("transport error");
}

/// An engine with an in-process edge cache and the HTTP origin, no KV and no
/// client cache: when the origin fails, nothing else can answer.
struct Rig {
    Rig(QObject* context, const std::string& originUrl, OriginOptions options = {},
        CacheControlObserver cacheControl = {})
        : clock(context), edge(Capacity{}, EvictionKind::Lru)
    {
        options.baseUrl = originUrl;
        origin = std::make_unique<HttpOrigin>(keys, options, [context](std::function<void()> task) {
            QMetaObject::invokeMethod(context, std::move(task), Qt::QueuedConnection);
        });
        engine = std::make_unique<Engine>(
            keys, clock, std::array<Tier*, kTierCount>{&edge, nullptr, origin.get(), nullptr});
        clock.setEngine(engine.get());
        origin->setEngine(engine.get());
        if (cacheControl)
            origin->setCacheControlObserver(std::move(cacheControl));
        origin->start();
        Policy policy;
        NamespacePolicy product = policy.fromDefaults("product");
        product.version = 1;
        product.ttl = 60 * kMicrosPerSecond;
        policy.namespaces.push_back(product);
        engine->setPolicy(policy);
    }
    ~Rig() { origin->stop(); } // before the engine goes

    std::optional<ReadResult> read(const std::string& id)
    {
        auto out = std::make_shared<std::optional<ReadResult>>();
        if (!engine->read("product", id, [out](const ReadResult& result) { *out = result; }))
            return std::nullopt;
        if (!QTest::qWaitFor([&] { return out->has_value(); }, 10000))
            return std::nullopt;
        return *out;
    }

    std::optional<WriteResult> write(const std::string& id, std::string body)
    {
        Entry entry;
        entry.size = static_cast<std::uint32_t>(body.size());
        entry.body = std::make_shared<const std::string>(std::move(body));
        auto out = std::make_shared<std::optional<WriteResult>>();
        engine->write(keys.namespaceId("product"), keys.intern(id), entry,
                      [out](const WriteResult& result) { *out = result; });
        if (!QTest::qWaitFor([&] { return out->has_value(); }, 10000))
            return std::nullopt;
        return *out;
    }

    std::optional<WriteResult> remove(const std::string& id)
    {
        auto out = std::make_shared<std::optional<WriteResult>>();
        engine->remove(keys.namespaceId("product"), keys.intern(id),
                       [out](const WriteResult& result) { *out = result; });
        if (!QTest::qWaitFor([&] { return out->has_value(); }, 10000))
            return std::nullopt;
        return *out;
    }

    void purgeEdge(const std::string& id)
    {
        edge.purge(engine->keyScope(keys.namespaceId("product"), keys.intern(id)));
    }

    KeySpace keys;
    RealClock clock;
    MemoryTier edge;
    std::unique_ptr<HttpOrigin> origin;
    std::unique_ptr<Engine> engine;
};

inline std::string bodyOf(const ReadResult& result)
{
    return result.entry.body ? *result.entry.body : std::string("<null>");
}

} // namespace origintest
