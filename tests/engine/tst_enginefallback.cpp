// Tests of Engine's read path (SPEC §3) when tiers fail or are missing:
// stale-if-error, the client cache as last resort, 503, tier errors, the
// origin's 404, disabled tiers, expiry beyond keepFor and down tiers.
#include "testsupport.h"

#include "tiers/simulatedtier.h"

#include <QtTest>

using namespace fallback;
using namespace fallback::test;

class TestEngineFallback : public QObject {
    Q_OBJECT

private slots:
    void staleIfError_data();
    void staleIfError();
    void staleIfErrorNotBeyondTtlPlusSie();
    void staleIfErrorRecheckedWhenTheOriginFails();
    void clientCacheServesWhateverItsAge();
    void unavailableWhenNothingAnswers();
    void tierErrorsMoveOn();
    void originMissIs404();
    void disabledTiersAreSkipped_data();
    void disabledTiersAreSkipped();
    void entriesExpireBeyondKeepFor();
    void downTierAnswersErrorButKeepsContents();
};

// --- stale-if-error and the last resort ----------------------------------------------

void TestEngineFallback::staleIfError_data()
{
    QTest::addColumn<qint64>("edgeAge"); // -1: no copy
    QTest::addColumn<qint64>("kvAge");
    QTest::addColumn<qint64>("clientAge");
    QTest::addColumn<QString>("originMode"); // down, disabled
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("servedBy");
    QTest::addColumn<qint64>("servedAge");

    const qint64 none = -1;
    const QString edge = QStringLiteral("edge_cache");
    const QString kv = QStringLiteral("edge_kv");
    const QString client = QStringLiteral("client_cache");
    const QString failed = QStringLiteral("failed");
    const qint64 day = sec(86400);

    for (const QString& mode : {QStringLiteral("down"), QStringLiteral("disabled")}) {
        auto row = [&](const char* what) {
            return &QTest::newRow(qPrintable(mode + QLatin1String(": ") + QLatin1String(what)));
        };
        *row("edge past swr") << qint64(kTtl + kSwr + 1) << none << none << mode << 200 << edge
                              << qint64(kTtl + kSwr + 1);
        *row("edge at ttl+sie") << qint64(kTtl + kSie) << none << qint64(day) << mode << 200 << edge
                                << qint64(kTtl + kSie);
        *row("kv past swr") << none << qint64(sec(200)) << qint64(day) << mode << 200 << kv
                            << qint64(sec(200));
        *row("both, kv newer") << qint64(sec(300)) << qint64(sec(150)) << none << mode << 200 << kv
                               << qint64(sec(150));
        *row("both, edge newer") << qint64(sec(150)) << qint64(sec(300)) << none << mode << 200
                                 << edge << qint64(sec(150));
        *row("edge dropped, client") << qint64(kKeepFor + 1) << none << qint64(100 * day) << mode
                                     << 200 << client << qint64(100 * day);
        *row("only client, very old") << none << none << qint64(1000 * day) << mode << 200 << client
                                      << qint64(1000 * day);
        *row("nothing") << none << none << none << mode << 503 << failed << qint64(0);
        *row("edge dropped, nothing else") << qint64(kKeepFor + 1) << none << none << mode << 503
                                           << failed << qint64(0);
        // Within SWR the copy is served at once, whatever the origin does.
        *row("edge within swr") << qint64(kTtl + 1) << none << none << mode << 200 << edge
                                << qint64(kTtl + 1);
    }
}

void TestEngineFallback::staleIfError()
{
    QFETCH(qint64, edgeAge);
    QFETCH(qint64, kvAge);
    QFETCH(qint64, clientAge);
    QFETCH(QString, originMode);
    QFETCH(int, status);
    QFETCH(QString, servedBy);
    QFETCH(qint64, servedAge);

    const bool originDisabled = originMode == QLatin1String("disabled");
    Rig rig(originDisabled ? (kEdge | kKv | kClient) : kAll);
    QVERIFY(rig.clock.jumpTo(kStart));
    rig.origin().setDown(true);
    const StoredKey key = rig.key("product", "a");
    if (edgeAge >= 0)
        rig.edge().seed(key, makeEntry(kStart - edgeAge, "edge"));
    if (kvAge >= 0)
        rig.kv().seed(key, makeEntry(kStart - kvAge, "kv"));
    if (clientAge >= 0)
        rig.client().seed(key, makeEntry(kStart - clientAge, "client"));

    const ReadResult result = rig.readNow("product", "a");
    QCOMPARE(result.status, status);
    QCOMPARE(str(servedByName(result.servedBy)), servedBy);
    QCOMPARE(result.age, Micros(servedAge));
    if (status == 200) {
        QCOMPARE(result.freshness, Freshness::Stale);
        QCOMPARE(rig.counters().staleServed, 1u);
    } else {
        QCOMPARE(rig.counters().failed, 1u);
        QCOMPARE(rig.counters().servedBy[int(ServedBy::Failed)], 1u);
    }
    QCOMPARE(rig.counters().requests, 1u);
    QCOMPARE(rig.origin().gets, originDisabled ? 0 : 1);
    // The client cache is asked only when nothing on the way could serve.
    const bool clientAsked = servedBy == QLatin1String("client_cache") ||
                             (status == 503);
    QCOMPARE(rig.client().gets, clientAsked ? 1 : 0);
}

void TestEngineFallback::staleIfErrorNotBeyondTtlPlusSie()
{
    // A store that keeps entries longer than keepFor: the engine itself must
    // refuse a copy past ttl + sie.
    Rig rig;
    QVERIFY(rig.clock.jumpTo(kStart));
    rig.edge().setHonourKeepFor(false);
    rig.origin().setDown(true);
    const StoredKey key = rig.key("product", "a");
    rig.edge().seed(key, makeEntry(kStart - kTtl - kSie - 1, "too old"));

    ReadResult result = rig.readNow("product", "a");
    QCOMPARE(result.status, 503);
    QCOMPARE(result.servedBy, ServedBy::Failed);
    QCOMPARE(rig.tierCounters(TierId::EdgeCache).misses, 1u);

    rig.client().seed(key, makeEntry(kStart - sec(86400), "client"));
    result = rig.readNow("product", "a");
    QCOMPARE(result.servedBy, ServedBy::ClientCache);
    QCOMPARE(bodyOf(result.entry), QStringLiteral("client"));
}

void TestEngineFallback::staleIfErrorRecheckedWhenTheOriginFails()
{
    // Within ttl + sie when the edge answered, past it when the origin's
    // error arrives 50 ms later: not served.
    Rig rig;
    QVERIFY(rig.clock.jumpTo(kStart));
    rig.origin().setLatency(ms(50));
    rig.origin().setDown(true);
    const StoredKey key = rig.key("product", "a");
    rig.edge().seed(key, makeEntry(kStart - kTtl - kSie + ms(10), "edge"));
    rig.client().seed(key, makeEntry(kStart - sec(86400), "client"));

    const ReadResult result = rig.readNow("product", "a");
    QCOMPARE(result.servedBy, ServedBy::ClientCache);
    QCOMPARE(result.freshness, Freshness::Stale);
    QCOMPARE(bodyOf(result.entry), QStringLiteral("client"));
    QCOMPARE(result.latency, ms(50));
}

void TestEngineFallback::clientCacheServesWhateverItsAge()
{
    Rig rig;
    QVERIFY(rig.clock.jumpTo(kStart));
    rig.origin().setDown(true);
    rig.client().setLatency(ms(1));
    const Micros age = sec(10 * 365 * 86400);
    rig.client().seed(rig.key("product", "a"), makeEntry(kStart - age, "ancient"));

    const ReadResult result = rig.readNow("product", "a");
    QCOMPARE(result.status, 200);
    QCOMPARE(result.servedBy, ServedBy::ClientCache);
    QCOMPARE(result.freshness, Freshness::Stale);
    QCOMPARE(result.age, age + ms(1));
    QCOMPARE(bodyOf(result.entry), QStringLiteral("ancient"));
    QCOMPARE(rig.tierCounters(TierId::ClientCache).staleHits, 1u);
    QCOMPARE(rig.counters().servedBy[int(ServedBy::ClientCache)], 1u);
    QCOMPARE(rig.counters().freshness[int(Freshness::Stale)], 1u);
    QCOMPARE(rig.counters().staleServed, 1u);
}

void TestEngineFallback::unavailableWhenNothingAnswers()
{
    Rig rig;
    rig.edge().setDown(true);
    rig.kv().setDown(true);
    rig.origin().setDown(true);
    rig.client().setDown(true);
    const ReadResult result = rig.readNow("product", "a");
    QCOMPARE(result.status, 503);
    QCOMPARE(result.servedBy, ServedBy::Failed);
    QCOMPARE(result.age, Micros(0));
    for (TierId tier : kAllTiers) {
        QCOMPARE(rig.tierCounters(tier).lookups, 1u);
        QCOMPARE(rig.tierCounters(tier).errors, 1u);
    }
    QCOMPARE(rig.counters().requests, 1u);
    QCOMPARE(rig.counters().failed, 1u);
    QCOMPARE(rig.counters().servedBy[int(ServedBy::Failed)], 1u);
    QCOMPARE(rig.counters().staleServed, 0u);
}

void TestEngineFallback::tierErrorsMoveOn()
{
    Rig rig;
    const StoredKey key = rig.key("product", "a");
    rig.edge().seed(key, makeEntry(0, "edge"));
    rig.kv().seed(key, makeEntry(0, "kv"));
    rig.edge().failNext(1);
    ReadResult result = rig.readNow("product", "a");
    QCOMPARE(result.servedBy, ServedBy::EdgeKv);
    QCOMPARE(result.freshness, Freshness::Fresh);
    QCOMPARE(rig.tierCounters(TierId::EdgeCache).errors, 1u);
    QCOMPARE(rig.tierCounters(TierId::EdgeKv).hits, 1u);

    rig.edge().failNext(1);
    rig.kv().failNext(1);
    result = rig.readNow("product", "a");
    QCOMPARE(result.servedBy, ServedBy::Origin);
    QCOMPARE(result.freshness, Freshness::Fresh);
}

void TestEngineFallback::originMissIs404()
{
    Rig rig;
    const StoredKey key = rig.key("product", "gone");
    rig.origin().setMissing(key);
    rig.client().seed(key, makeEntry(0, "client"));
    const ReadResult result = rig.readNow("product", "gone");
    QCOMPARE(result.status, 404);
    QCOMPARE(result.servedBy, ServedBy::Origin);
    QCOMPARE(rig.tierCounters(TierId::Origin).misses, 1u);
    QCOMPARE(rig.client().gets, 0); // a 404 is an answer, not a failure
    QVERIFY(!rig.edge().peek(key));
    QVERIFY(!rig.kv().peek(key));
}

// --- disabled tiers, expiry, down tiers --------------------------------------------------

void TestEngineFallback::disabledTiersAreSkipped_data()
{
    QTest::addColumn<unsigned>("tiers");
    QTest::addColumn<bool>("seedCaches"); // fresh copies in edge and KV
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("servedBy");

    QTest::newRow("all") << unsigned(kAll) << true << 200 << QStringLiteral("edge_cache");
    QTest::newRow("no edge") << unsigned(kKv | kOrigin | kClient) << true << 200
                             << QStringLiteral("edge_kv");
    QTest::newRow("no edge, no kv") << unsigned(kOrigin | kClient) << true << 200
                                    << QStringLiteral("origin");
    QTest::newRow("origin only") << unsigned(kOrigin) << true << 200 << QStringLiteral("origin");
    QTest::newRow("no origin, empty caches") << unsigned(kEdge | kKv | kClient) << false << 200
                                             << QStringLiteral("client_cache");
    QTest::newRow("caches only, empty") << unsigned(kEdge | kKv) << false << 503
                                        << QStringLiteral("failed");
    QTest::newRow("client only") << unsigned(kClient) << true << 200
                                 << QStringLiteral("client_cache");
    QTest::newRow("nothing") << 0u << true << 503 << QStringLiteral("failed");
}

void TestEngineFallback::disabledTiersAreSkipped()
{
    QFETCH(unsigned, tiers);
    QFETCH(bool, seedCaches);
    QFETCH(int, status);
    QFETCH(QString, servedBy);

    Rig rig(tiers);
    const StoredKey key = rig.key("product", "a");
    if (seedCaches) {
        rig.edge().seed(key, makeEntry(0, "edge"));
        rig.kv().seed(key, makeEntry(0, "kv"));
    }
    rig.client().seed(key, makeEntry(-sec(86400), "client"));

    const ReadResult result = rig.readNow("product", "a");
    QCOMPARE(result.status, status);
    QCOMPARE(str(servedByName(result.servedBy)), servedBy);
    const std::array<unsigned, kTierCount> bits{kEdge, kKv, kOrigin, kClient};
    for (TierId tier : kAllTiers) {
        if (tiers & bits[tierIndex(tier)])
            continue;
        QCOMPARE(rig.tier(tier).gets, 0);
        QCOMPARE(rig.tier(tier).puts, 0);
        QCOMPARE(rig.tierCounters(tier).lookups, 0u);
    }
    QCOMPARE(sumServedBy(rig.counters()), 1u);
}

void TestEngineFallback::entriesExpireBeyondKeepFor()
{
    Rig rig;
    QVERIFY(rig.clock.jumpTo(kStart));
    const StoredKey key = rig.key("product", "a");
    rig.edge().seed(key, makeEntry(kStart - kKeepFor, "kept"));
    rig.edge().seed(rig.key("product", "b"), makeEntry(kStart - kKeepFor - 1, "dropped"));
    rig.origin().setDown(true);
    QCOMPARE(rig.edge().usage().entries, 2u);

    // At exactly keepFor the copy is still there (and within sie here).
    ReadResult result = rig.readNow("product", "a");
    QCOMPARE(result.servedBy, ServedBy::EdgeCache);
    QCOMPARE(result.freshness, Freshness::Stale);

    // One microsecond later the tier drops it and answers a miss.
    result = rig.readNow("product", "b");
    QCOMPARE(result.status, 503);
    QVERIFY(!rig.edge().peek(rig.key("product", "b")));
    QCOMPARE(rig.edge().usage().entries, 1u);
    QCOMPARE(rig.tierCounters(TierId::EdgeCache).misses, 2u);

    // The namespace's own rules decide: a longer sie keeps entries longer.
    Policy policy;
    NamespacePolicy ns = testNamespace("product");
    ns.staleIfError = sec(3600);
    policy.namespaces.push_back(ns);
    Rig longer(kAll, policy);
    QVERIFY(longer.clock.jumpTo(kStart));
    longer.origin().setDown(true);
    longer.edge().seed(longer.key("product", "b"), makeEntry(kStart - kKeepFor - 1, "kept"));
    QCOMPARE(longer.readNow("product", "b").servedBy, ServedBy::EdgeCache);
}

void TestEngineFallback::downTierAnswersErrorButKeepsContents()
{
    // A simulated edge cache taken down keeps what it holds.
    TierSpec spec;
    spec.capacity.entries = 100;
    SimulatedTier edge(spec, 7);
    ScriptedTier origin(ScriptedTier::Kind::Origin);
    KeySpace keys;
    ManualScheduler clock;
    Engine engine(keys, clock, {&edge, nullptr, &origin, nullptr});
    clock.attach(&engine);
    Policy policy;
    policy.namespaces.push_back(testNamespace("product"));
    engine.setPolicy(policy);
    const NamespaceId ns = keys.namespaceId("product");
    const ResourceId rid = keys.intern("a");

    std::optional<ReadResult> last;
    auto read = [&] {
        engine.read(ns, rid, [&](const ReadResult& r) { last = r; });
        clock.runUntilIdle();
        return last->servedBy;
    };
    QCOMPARE(read(), ServedBy::Origin);
    QCOMPARE(read(), ServedBy::EdgeCache);
    const StoredKey key = engine.storedKey(ns, rid);
    const Micros storedAt = edge.peek(key)->storedAt;

    edge.behaviour().faults().down = true;
    QCOMPARE(read(), ServedBy::Origin);
    QCOMPARE(engine.stats().tiers()[tierIndex(TierId::EdgeCache)].errors, 1u);
    QCOMPARE(edge.usage().entries, 1u);
    QCOMPARE(edge.peek(key)->storedAt, storedAt); // the failed back-fill changed nothing

    edge.behaviour().faults().down = false;
    QCOMPARE(read(), ServedBy::EdgeCache);
    QCOMPARE(origin.gets, 2);
}

QTEST_APPLESS_MAIN(TestEngineFallback)
#include "tst_enginefallback.moc"
