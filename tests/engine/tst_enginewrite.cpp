// Tests of Engine's write path (SPEC §3): origin first, then edge KV and the
// edge cache; an origin failure changes nothing; size limit and unknown
// namespaces refused; a write without KV; a write superseding a read's fetch
// in flight; delete everywhere, or nowhere when the origin refuses. The KV
// retry queue (async back-fill, outages, back-off, newest write wins) is in
// tst_enginekvqueue.cpp.
#include "testsupport.h"

#include <QtTest>

using namespace fallback;
using namespace fallback::test;

class TestEngineWrite : public QObject {
    Q_OBJECT

private slots:
    void writeThroughUpdatesEveryTier();
    void originFailureChangesNothing_data();
    void originFailureChangesNothing();
    void tooLargeIsRefused_data();
    void tooLargeIsRefused();
    void unknownNamespaceIsRefused();
    void writeWithoutKv();
    void writeSupersedesReadFetchInFlight();
    void removeDeletesEverywhere();
    void removeRefusedByOriginChangesNothing();
};

void TestEngineWrite::writeThroughUpdatesEveryTier()
{
    Rig rig(kAll, writeModePolicy(WriteMode::WriteThrough));
    rig.origin().setLatency(ms(10));
    rig.kv().setLatency(ms(5));
    rig.edge().setLatency(ms(1));
    const StoredKey key = rig.key("product", "a");
    rig.edge().seed(key, makeEntry(-sec(1), "old"));

    auto done = rig.write("product", "a", makeEntry(12345, "v1"));
    rig.clock.advance(ms(12));
    // Origin answered at 10 ms, the KV call is under way: the edge cache
    // still has its old copy (it is updated last).
    QVERIFY(!done->has_value());
    QCOMPARE(bodyOf(rig.origin().written(key)), QStringLiteral("v1"));
    QCOMPARE(bodyOf(rig.edge().peek(key)), QStringLiteral("old"));

    QVERIFY(rig.clock.runUntilIdle());
    QVERIFY(done->has_value());
    const WriteResult& result = **done;
    QVERIFY(result.ok);
    QCOMPARE(result.latency, ms(15));
    QCOMPARE(result.kvQueued, false);
    // storedAt is set by the engine: when the write was sent to the origin,
    // which applies writes in that order (so newer-wins follows the origin).
    for (TierId tier : {TierId::EdgeCache, TierId::EdgeKv}) {
        const std::optional<Entry> copy = rig.tier(tier).peek(key);
        QVERIFY(copy.has_value());
        QCOMPARE(bodyOf(copy), QStringLiteral("v1"));
        QCOMPARE(copy->storedAt, Micros(0));
    }
    QCOMPARE(rig.origin().puts, 1);
    QCOMPARE(rig.kv().puts, 1);
    QCOMPARE(rig.edge().puts, 1);
    QCOMPARE(rig.client().puts, 0);
    QCOMPARE(rig.counters().writes, 1u);
    QCOMPARE(rig.counters().kvQueued, 0u);
    QCOMPARE(rig.engine->kvQueueDepth(), 0u);

    const ReadResult read = rig.readNow("product", "a");
    QCOMPARE(read.servedBy, ServedBy::EdgeCache);
    QCOMPARE(read.freshness, Freshness::Fresh);
    QCOMPARE(bodyOf(read.entry), QStringLiteral("v1"));
}

void TestEngineWrite::originFailureChangesNothing_data()
{
    QTest::addColumn<QString>("mode");
    QTest::newRow("origin fails the call") << QStringLiteral("fail");
    QTest::newRow("origin down") << QStringLiteral("down");
    QTest::newRow("origin disabled") << QStringLiteral("disabled");
}

void TestEngineWrite::originFailureChangesNothing()
{
    QFETCH(QString, mode);
    Rig rig(mode == QLatin1String("disabled") ? (kEdge | kKv | kClient) : kAll);
    rig.origin().setLatency(ms(7));
    if (mode == QLatin1String("fail"))
        rig.origin().failNext(1);
    else
        rig.origin().setDown(true);
    const StoredKey key = rig.key("product", "a");
    rig.edge().seed(key, makeEntry(0, "old"));
    rig.kv().seed(key, makeEntry(0, "old"));
    rig.client().seed(key, makeEntry(0, "old"));

    auto done = rig.write("product", "a", makeEntry(0, "new"));
    QVERIFY(rig.clock.runUntilIdle());
    QVERIFY(done->has_value());
    QCOMPARE((*done)->ok, false);
    QCOMPARE(QString::fromStdString((*done)->error.code), QStringLiteral("origin_failed"));
    QVERIFY(!(*done)->error.message.empty());
    for (TierId tier : {TierId::EdgeCache, TierId::EdgeKv, TierId::ClientCache}) {
        QCOMPARE(bodyOf(rig.tier(tier).peek(key)), QStringLiteral("old"));
        QCOMPARE(rig.tier(tier).puts, 0);
        QCOMPARE(rig.tier(tier).erases, 0);
    }
    QVERIFY(!rig.origin().written(key));
    QCOMPARE(rig.counters().writes, 1u);
    QCOMPARE(rig.counters().writeFailures, 1u);
    QCOMPARE(rig.counters().kvQueued, 0u);
    QCOMPARE(rig.engine->kvQueueDepth(), 0u);
    QCOMPARE(rig.engine->busy(), false);
}

void TestEngineWrite::tooLargeIsRefused_data()
{
    QTest::addColumn<qint64>("size");
    QTest::addColumn<bool>("accepted");
    QTest::newRow("empty") << qint64(0) << true;
    QTest::newRow("at the limit") << qint64(1024 * 1024) << true;
    QTest::newRow("one byte over") << qint64(1024 * 1024 + 1) << false;
    QTest::newRow("far over") << qint64(64 * 1024 * 1024) << false;
}

void TestEngineWrite::tooLargeIsRefused()
{
    QFETCH(qint64, size);
    QFETCH(bool, accepted);
    Rig rig;
    const StoredKey key = rig.key("product", "big");
    Entry entry;
    entry.size = std::uint32_t(size);
    auto done = rig.write("product", "big", entry);
    QVERIFY(rig.clock.runUntilIdle());
    QVERIFY(done->has_value());
    QCOMPARE((*done)->ok, accepted);
    if (accepted) {
        QCOMPARE(rig.origin().puts, 1);
        QCOMPARE(rig.kv().peek(key)->size, std::uint32_t(size));
        QCOMPARE(rig.counters().tooLarge, 0u);
        return;
    }
    QCOMPARE(QString::fromStdString((*done)->error.code), QStringLiteral("too_large"));
    QVERIFY((*done)->error.message.find("max_object_size") != std::string::npos);
    QCOMPARE(rig.origin().puts, 0);
    QCOMPARE(rig.kv().puts, 0);
    QCOMPARE(rig.edge().puts, 0);
    QVERIFY(!rig.edge().peek(key));
    QCOMPARE(rig.counters().tooLarge, 1u);
    QCOMPARE(rig.counters().writes, 0u);
}

void TestEngineWrite::unknownNamespaceIsRefused()
{
    Rig rig;
    auto done = rig.write("nosuch", "a", makeEntry(0, "v"));
    QVERIFY(done->has_value());
    QCOMPARE(QString::fromStdString((*done)->error.code), QStringLiteral("unknown_namespace"));
    QCOMPARE(rig.origin().puts, 0);
    auto removed = rig.remove("nosuch", "a");
    QCOMPARE((*removed)->ok, false);
    QCOMPARE(rig.origin().erases, 0);
}

void TestEngineWrite::writeWithoutKv()
{
    Rig rig(kEdge | kOrigin | kClient);
    auto done = rig.write("product", "a", makeEntry(0, "v1"));
    QVERIFY(rig.clock.runUntilIdle());
    QVERIFY((*done)->ok);
    QCOMPARE((*done)->kvQueued, false);
    QCOMPARE(bodyOf(rig.edge().peek(rig.key("product", "a"))), QStringLiteral("v1"));
    QCOMPARE(rig.engine->kvQueueDepth(), 0u);
    QCOMPARE(rig.kv().puts, 0);
}

void TestEngineWrite::writeSupersedesReadFetchInFlight()
{
    // A read's origin fetch left before a write and answers after it with
    // the copy it read then. Back-filling that copy would put the value from
    // before the write back into KV and the edge cache, over the write's
    // (the same reason a purge stops in-flight back-fills).
    Rig rig;
    const StoredKey key = rig.key("product", "a");
    rig.origin().seed(key, makeEntry(0, "v0"));
    rig.origin().setLatency(ms(100)); // the read's origin call
    auto reader = rig.read("product", "a");
    rig.clock.advance(ms(10));
    rig.origin().setLatency(ms(5)); // the write's origin call
    auto writer = rig.write("product", "a", makeEntry(0, "v1"));
    rig.clock.advance(ms(10));
    QVERIFY((*writer)->ok);
    QCOMPARE(bodyOf(rig.edge().peek(key)), QStringLiteral("v1"));

    QVERIFY(rig.clock.runUntilIdle());
    QVERIFY(reader->has_value()); // the reader is answered (with what the origin sent)
    QCOMPARE(bodyOf(rig.kv().peek(key)), QStringLiteral("v1"));
    QCOMPARE(bodyOf(rig.edge().peek(key)), QStringLiteral("v1"));
    QCOMPARE(bodyOf(rig.readNow("product", "a").entry), QStringLiteral("v1"));
}

void TestEngineWrite::removeDeletesEverywhere()
{
    Rig rig;
    const StoredKey key = rig.key("product", "a");
    rig.write("product", "a", makeEntry(0, "v1"));
    QCOMPARE(rig.readNow("product", "a").servedBy, ServedBy::EdgeCache);
    rig.client().seed(key, makeEntry(0, "v1"));
    rig.origin().setLatency(ms(5));
    rig.kv().setLatency(ms(5));

    auto done = rig.remove("product", "a");
    QVERIFY(rig.clock.runUntilIdle());
    QVERIFY((*done)->ok);
    QCOMPARE((*done)->latency, ms(10));
    QCOMPARE(rig.origin().erases, 1);
    QCOMPARE(rig.kv().erases, 1);
    QCOMPARE(rig.edge().erases, 1);
    QCOMPARE(rig.client().erases, 1);
    for (TierId tier : kAllTiers)
        QVERIFY2(!rig.tier(tier).peek(key), tierName(tier).data());

    // The origin no longer knows it: 404, and nothing is back-filled.
    const ReadResult read = rig.readNow("product", "a");
    QCOMPARE(read.status, 404);
    QVERIFY(!rig.edge().peek(key));
}

void TestEngineWrite::removeRefusedByOriginChangesNothing()
{
    Rig rig;
    const StoredKey key = rig.key("product", "a");
    rig.write("product", "a", makeEntry(0, "v1"));
    rig.client().seed(key, makeEntry(0, "v1"));
    rig.origin().failNext(1);
    auto done = rig.remove("product", "a");
    QCOMPARE((*done)->ok, false);
    QCOMPARE(QString::fromStdString((*done)->error.code), QStringLiteral("origin_failed"));
    for (TierId tier : {TierId::EdgeCache, TierId::EdgeKv, TierId::ClientCache})
        QCOMPARE(bodyOf(rig.tier(tier).peek(key)), QStringLiteral("v1"));
    QCOMPARE(rig.counters().writeFailures, 1u);
}

QTEST_APPLESS_MAIN(TestEngineWrite)
#include "tst_enginewrite.moc"
