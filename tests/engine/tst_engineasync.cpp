// Tests of remote tiers that answer later (TierStatus::Pending, then
// Engine::complete): a node's HTTP origin is one. The engine must wait, keep
// every read-path rule, and never act on a call before its answer arrives.
#include "testsupport.h"

#include <QtTest>

#include <deque>

using namespace fallback;
using namespace fallback::test;

namespace {

/// Wraps a scripted tier: every data call is answered Pending, and the
/// inner tier's answer is held until the test releases it.
class PendingTier final : public Tier {
public:
    explicit PendingTier(ScriptedTier& inner) : m_inner(inner) {}

    void setEngine(Engine* engine) { m_engine = engine; }
    std::size_t waiting() const { return m_waiting.size(); }
    int attaches = 0;

    /// Answers the oldest waiting call, optionally overriding its status.
    void release(std::optional<TierStatus> status = std::nullopt)
    {
        QVERIFY(!m_waiting.empty());
        auto [op, answer] = m_waiting.front();
        m_waiting.pop_front();
        if (status)
            answer.status = *status;
        m_engine->complete(op, answer);
    }

    TierAnswer get(const StoredKey& key, Micros now, Micros keepFor) override
    {
        return hold(m_inner.get(key, now, keepFor));
    }
    TierAnswer put(const StoredKey& key, const Entry& entry, Micros now) override
    {
        return hold(m_inner.put(key, entry, now));
    }
    TierAnswer erase(const StoredKey& key, Micros now) override
    {
        return hold(m_inner.erase(key, now));
    }
    void attach(OpToken op) override
    {
        ++attaches;
        m_waiting.emplace_back(op, m_held);
    }
    std::size_t purge(const PurgeScope& scope) override { return m_inner.purge(scope); }
    std::size_t countMatching(const PurgeScope& scope) const override
    {
        return m_inner.countMatching(scope);
    }
    std::optional<Entry> peek(const StoredKey& key) const override { return m_inner.peek(key); }
    void forEachKey(const std::function<bool(const StoredKey&, const Entry&)>& visit) const override
    {
        m_inner.forEachKey(visit);
    }
    TierUsage usage() const override { return m_inner.usage(); }

private:
    TierAnswer hold(TierAnswer answer)
    {
        m_held = answer;
        return TierAnswer{TierStatus::Pending, 0, {}};
    }

    ScriptedTier& m_inner;
    Engine* m_engine = nullptr;
    TierAnswer m_held;
    std::deque<std::pair<OpToken, TierAnswer>> m_waiting;
};

/// Scripted edge, KV and client cache; the origin (or KV) answers later.
struct AsyncRig {
    explicit AsyncRig(bool asyncKv = false)
        : edge(ScriptedTier::Kind::Store), kv(ScriptedTier::Kind::Store),
          originInner(ScriptedTier::Kind::Origin), client(ScriptedTier::Kind::Store),
          origin(originInner), remoteKv(kv)
    {
        engine = std::make_unique<Engine>(
            keys, clock,
            std::array<Tier*, kTierCount>{&edge, asyncKv ? static_cast<Tier*>(&remoteKv) : &kv,
                                          &origin, &client});
        clock.attach(engine.get());
        origin.setEngine(engine.get());
        remoteKv.setEngine(engine.get());
        Policy policy;
        policy.namespaces.push_back(testNamespace("product"));
        engine->setPolicy(policy);
        clock.jumpTo(kStart);
    }

    StoredKey key(const std::string& id)
    {
        return engine->storedKey(keys.namespaceId("product"), keys.intern(id));
    }
    std::shared_ptr<std::optional<ReadResult>> read(const std::string& id)
    {
        auto slot = std::make_shared<std::optional<ReadResult>>();
        engine->read(keys.namespaceId("product"), keys.intern(id),
                     [slot](const ReadResult& r) { *slot = r; });
        return slot;
    }

    KeySpace keys;
    ManualScheduler clock;
    ScriptedTier edge, kv, originInner, client;
    PendingTier origin, remoteKv;
    std::unique_ptr<Engine> engine;
};

} // namespace

class TestEngineAsync : public QObject {
    Q_OBJECT

private slots:
    void missWaitsForTheOrigin();
    void concurrentMissesShareOneRemoteFetch();
    void remoteOriginErrorServesStaleWithinSie_data();
    void remoteOriginErrorServesStaleWithinSie();
    void purgeWhileRemoteFetchRunsStopsBackfill();
    void writeWaitsForTheOriginBeforeTouchingCaches_data();
    void writeWaitsForTheOriginBeforeTouchingCaches();
    void remoteKvHitBackfillsEdge();
};

void TestEngineAsync::missWaitsForTheOrigin()
{
    AsyncRig rig;
    const auto result = rig.read("42");
    QVERIFY(!result->has_value());
    QCOMPARE(rig.origin.waiting(), std::size_t(1));
    QVERIFY(!rig.edge.peek(rig.key("42")));

    rig.origin.release();
    QVERIFY(result->has_value());
    QCOMPARE((*result)->status, 200);
    QCOMPARE(str(servedByName((*result)->servedBy)), QStringLiteral("origin"));
    QCOMPARE(str(freshnessName((*result)->freshness)), QStringLiteral("fresh"));
    QVERIFY(rig.edge.peek(rig.key("42")));
    QVERIFY(rig.kv.peek(rig.key("42")));
    QVERIFY(rig.client.peek(rig.key("42")));
    QVERIFY(!rig.engine->busy());
}

void TestEngineAsync::concurrentMissesShareOneRemoteFetch()
{
    AsyncRig rig;
    const auto first = rig.read("7");
    const auto second = rig.read("7");
    QCOMPARE(rig.origin.attaches, 1);
    QCOMPARE(rig.engine->stats().requests().coalesced, std::uint64_t(1));
    rig.origin.release();
    QVERIFY(first->has_value() && second->has_value());
    QCOMPARE((*second)->servedBy, ServedBy::Origin);
    QCOMPARE(rig.engine->stats().requests().originFetches, std::uint64_t(1));
}

void TestEngineAsync::remoteOriginErrorServesStaleWithinSie_data()
{
    QTest::addColumn<Micros>("age");
    QTest::addColumn<QString>("servedBy");
    // Past ttl + swr, so the read goes to the origin; within ttl + sie the
    // edge copy is the answer when the origin fails.
    QTest::newRow("within sie") << sec(200) << QStringLiteral("edge_cache");
    // Past ttl + sie: the client cache's last-known-good copy.
    QTest::newRow("past sie") << sec(400) << QStringLiteral("client_cache");
}

void TestEngineAsync::remoteOriginErrorServesStaleWithinSie()
{
    QFETCH(Micros, age);
    QFETCH(QString, servedBy);
    AsyncRig rig;
    rig.edge.setHonourKeepFor(false);
    rig.edge.seed(rig.key("9"), makeEntry(kStart - age, "old"));
    rig.client.seed(rig.key("9"), makeEntry(kStart - sec(5000), "older"));
    const auto result = rig.read("9");
    QVERIFY(!result->has_value());
    rig.origin.release(TierStatus::Error);
    QVERIFY(result->has_value());
    QCOMPARE(str(servedByName((*result)->servedBy)), servedBy);
    QCOMPARE(str(freshnessName((*result)->freshness)), QStringLiteral("stale"));
}

void TestEngineAsync::purgeWhileRemoteFetchRunsStopsBackfill()
{
    AsyncRig rig;
    const auto result = rig.read("5");
    rig.engine->purge(Engine::namespaceScope(rig.keys.namespaceId("product")));
    rig.origin.release();
    QVERIFY(result->has_value());
    QCOMPARE((*result)->servedBy, ServedBy::Origin);
    // The copy was read before the purge: it must not reappear in the caches.
    QVERIFY(!rig.edge.peek(rig.key("5")));
    QVERIFY(!rig.kv.peek(rig.key("5")));
}

void TestEngineAsync::writeWaitsForTheOriginBeforeTouchingCaches_data()
{
    QTest::addColumn<bool>("originAccepts");
    QTest::newRow("origin accepts") << true;
    QTest::newRow("origin refuses") << false;
}

void TestEngineAsync::writeWaitsForTheOriginBeforeTouchingCaches()
{
    QFETCH(bool, originAccepts);
    AsyncRig rig;
    auto done = std::make_shared<std::optional<WriteResult>>();
    rig.engine->write(rig.keys.namespaceId("product"), rig.keys.intern("w"), makeEntry(0, "new"),
                      [done](const WriteResult& r) { *done = r; });
    QVERIFY(!done->has_value());
    QVERIFY(!rig.edge.peek(rig.key("w")));
    QVERIFY(!rig.kv.peek(rig.key("w")));

    rig.origin.release(originAccepts ? TierStatus::Hit : TierStatus::Error);
    QVERIFY(done->has_value());
    QCOMPARE((*done)->ok, originAccepts);
    QCOMPARE(bool(rig.edge.peek(rig.key("w"))), originAccepts);
    QCOMPARE(bool(rig.kv.peek(rig.key("w"))), originAccepts);
    if (originAccepts)
        QCOMPARE(bodyOf(rig.edge.peek(rig.key("w"))), QStringLiteral("new"));
}

void TestEngineAsync::remoteKvHitBackfillsEdge()
{
    AsyncRig rig(true);
    rig.kv.seed(rig.key("k"), makeEntry(kStart - sec(1), "kv copy"));
    const auto result = rig.read("k");
    QVERIFY(!result->has_value());
    QCOMPARE(rig.remoteKv.waiting(), std::size_t(1));
    rig.remoteKv.release();
    QVERIFY(result->has_value());
    QCOMPARE((*result)->servedBy, ServedBy::EdgeKv);
    QCOMPARE(bodyOf(rig.edge.peek(rig.key("k"))), QStringLiteral("kv copy"));
    QCOMPARE(rig.origin.attaches, 0);
}

QTEST_APPLESS_MAIN(TestEngineAsync)
#include "tst_engineasync.moc"
