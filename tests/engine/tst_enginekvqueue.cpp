// Tests of Engine's KV retry queue on the write path (SPEC §3): async
// back-fill answered at the origin and applied later; a failed write-through
// queued; a queue that never drops a write through a long KV outage and lets
// the newest write of a key win over older ones, late or retried; back-off
// that grows to a cap and starts again; a delete queued while KV is down.
// The basic write path is in tst_enginewrite.cpp.
#include "testsupport.h"

#include "sim/workload.h"

#include <QtTest>

#include <map>

using namespace fallback;
using namespace fallback::test;

class TestEngineKvQueue : public QObject {
    Q_OBJECT

private slots:
    void asyncBackfillIsQueuedThenApplied();
    void writeThroughFailureIsQueued();
    void writeBehindQueuedWriteJoinsTheQueue();
    void lateOlderWriteDoesNotReplaceQueuedNewer();
    void kvOutageLosesNoWrite_data();
    void kvOutageLosesNoWrite();
    void kvBackoffGrows_data();
    void kvBackoffGrows();
    void writeThroughErrorDoesNotOverwriteNewerKvCopy();
    void removeWithKvDownIsQueued();
};

void TestEngineKvQueue::asyncBackfillIsQueuedThenApplied()
{
    Rig rig(kAll, writeModePolicy(WriteMode::AsyncBackfill));
    rig.origin().setLatency(ms(10));
    rig.kv().setLatency(ms(40));
    const StoredKey key = rig.key("product", "a");

    auto done = rig.write("product", "a", makeEntry(0, "v1"));
    rig.clock.advance(ms(10));
    // The caller is answered as soon as the origin has it; KV follows.
    QVERIFY(done->has_value());
    QVERIFY((*done)->ok);
    QCOMPARE((*done)->kvQueued, true);
    QCOMPARE((*done)->latency, ms(10));
    QCOMPARE(bodyOf(rig.edge().peek(key)), QStringLiteral("v1"));
    QCOMPARE(rig.engine->kvQueueDepth(), 1u);
    QCOMPARE(rig.counters().kvQueued, 1u);

    rig.clock.advance(ms(40));
    QCOMPARE(rig.engine->kvQueueDepth(), 0u);
    QCOMPARE(bodyOf(rig.kv().peek(key)), QStringLiteral("v1"));
    QCOMPARE(rig.kv().peek(key)->storedAt, Micros(0)); // when the write was sent
    QCOMPARE(rig.kv().puts, 1);
    QCOMPARE(rig.counters().kvRetries, 0u);
    QVERIFY(rig.clock.runUntilIdle());
    QCOMPARE(rig.engine->pendingOperations(), 0u);
}

void TestEngineKvQueue::writeThroughFailureIsQueued()
{
    Rig rig;
    rig.kv().failNext(2); // the write-through call and the queue's first attempt
    const StoredKey key = rig.key("product", "a");
    auto done = rig.write("product", "a", makeEntry(0, "v1"));
    QVERIFY(done->has_value());
    QVERIFY((*done)->ok); // the origin has it: the write succeeded
    QCOMPARE((*done)->kvQueued, true);
    QCOMPARE(rig.engine->kvQueueDepth(), 1u);
    QCOMPARE(bodyOf(rig.edge().peek(key)), QStringLiteral("v1"));
    QVERIFY(!rig.kv().peek(key));

    rig.clock.advance(ms(100)); // first retry after kvRetryInitial
    QCOMPARE(rig.engine->kvQueueDepth(), 0u);
    QCOMPARE(bodyOf(rig.kv().peek(key)), QStringLiteral("v1"));
    QCOMPARE(rig.kv().puts, 3);
    QCOMPARE(rig.counters().kvQueued, 1u);
    QCOMPARE(rig.counters().kvRetries, 1u);
}

void TestEngineKvQueue::writeBehindQueuedWriteJoinsTheQueue()
{
    // A write-through of a key that already waits in the queue must not
    // overtake it: it joins the queue and supersedes the older write.
    Rig rig;
    const StoredKey key = rig.key("product", "a");
    rig.kv().setDown(true);
    rig.write("product", "a", makeEntry(0, "v1"));
    QCOMPARE(rig.engine->kvQueueDepth(), 1u);
    rig.kv().setDown(false);
    rig.clock.advance(ms(50)); // the drain sleeps until 100 ms
    auto second = rig.write("product", "a", makeEntry(0, "v2"));
    QCOMPARE((*second)->kvQueued, true);
    QCOMPARE(rig.engine->kvQueueDepth(), 1u);
    QCOMPARE(rig.counters().kvSuperseded, 1u);
    QVERIFY(rig.clock.runUntilIdle());
    QCOMPARE(bodyOf(rig.kv().peek(key)), QStringLiteral("v2"));
    QCOMPARE(rig.kv().peek(key)->storedAt, ms(50));
    QCOMPARE(rig.engine->kvQueueDepth(), 0u);
}

void TestEngineKvQueue::lateOlderWriteDoesNotReplaceQueuedNewer()
{
    // Async back-fill: two writes of one key wait in the KV queue (the drain
    // is busy with another key); the older one's origin answer arrives last.
    // KV must end with the newer copy, the one the origin kept.
    Rig rig(kAll, writeModePolicy(WriteMode::AsyncBackfill));
    rig.kv().setLatency(ms(5));
    const StoredKey key = rig.key("product", "a");
    auto other = rig.write("product", "other", makeEntry(0, "other")); // KV busy until 5 ms
    rig.origin().setLatency(ms(3));
    auto older = rig.write("product", "a", makeEntry(0, "older")); // answered at 3 ms
    rig.clock.advance(1);
    rig.origin().setLatency(ms(1));
    auto newer = rig.write("product", "a", makeEntry(0, "newer")); // answered at 1 ms
    QVERIFY(rig.clock.runUntilIdle());
    for (const auto& done : {other, older, newer})
        QVERIFY(done->has_value() && (*done)->ok);
    QCOMPARE(bodyOf(rig.origin().written(key)), QStringLiteral("newer"));
    QCOMPARE(bodyOf(rig.kv().peek(key)), QStringLiteral("newer"));
    QCOMPARE(bodyOf(rig.edge().peek(key)), QStringLiteral("newer"));
    QCOMPARE(rig.engine->kvQueueDepth(), 0u);
}

void TestEngineKvQueue::kvOutageLosesNoWrite_data()
{
    QTest::addColumn<qint64>("kvLatency");
    QTest::addColumn<qint64>("originLatency");
    QTest::newRow("instant tiers") << qint64(0) << qint64(0);
    QTest::newRow("slow tiers") << qint64(ms(25)) << qint64(ms(40));
}

void TestEngineKvQueue::kvOutageLosesNoWrite()
{
    QFETCH(qint64, kvLatency);
    QFETCH(qint64, originLatency);

    // product is write-through, config async-backfill.
    Rig rig(kAll, writeModePolicy(WriteMode::WriteThrough, WriteMode::AsyncBackfill));
    rig.kv().setLatency(kvLatency);
    rig.origin().setLatency(originLatency);
    // What KV held before the outage: must be replaced, not kept.
    rig.kv().seed(rig.key("product", "k0"), makeEntry(-sec(1), "before"));

    rig.kv().setDown(true);
    Random random(99);
    std::map<std::pair<std::string, std::string>, std::string> latest; // (ns, id) -> body
    int writes = 0;
    int answered = 0;
    for (int i = 0; i < 60; ++i) {
        const std::string ns = random.below(2) ? "product" : "config";
        const std::string id = "k" + std::to_string(random.below(8));
        const std::string body = ns + "/" + id + "#" + std::to_string(i);
        rig.engine->write(rig.ns(ns), rig.rid(id), makeEntry(0, body),
                          [&answered](const WriteResult& r) { answered += r.ok ? 1 : 0; });
        latest[{ns, id}] = body;
        ++writes;
        rig.clock.advance(ms(std::int64_t(random.below(3000))));
    }
    // Some writes of a key finish while an older one of it is still at the
    // origin: let every caller be answered before counting.
    rig.clock.advance(sec(1));
    QCOMPARE(answered, writes);
    QCOMPARE(rig.engine->kvQueueDepth(), latest.size());
    QCOMPARE(rig.engine->snapshot().kvQueueDepth, std::uint64_t(latest.size()));
    QCOMPARE(bodyOf(rig.kv().peek(rig.key("product", "k0"))), QStringLiteral("before"));
    QVERIFY(rig.counters().kvRetries > 0);
    QVERIFY(!rig.engine->busy()); // the retry queue alone does not keep the engine busy

    // Several minutes of outage: nothing is dropped.
    rig.clock.advance(sec(600));
    QCOMPARE(rig.engine->kvQueueDepth(), latest.size());

    rig.kv().setDown(false);
    QVERIFY(rig.clock.runUntilIdle());
    QCOMPARE(rig.engine->kvQueueDepth(), 0u);
    QCOMPARE(rig.engine->pendingOperations(), 0u);
    for (const auto& [address, body] : latest) {
        const StoredKey key = rig.key(address.first, address.second);
        QCOMPARE(bodyOf(rig.kv().peek(key)), QString::fromStdString(body));
        QCOMPARE(bodyOf(rig.origin().written(key)), QString::fromStdString(body));
        QCOMPARE(bodyOf(rig.edge().peek(key)), QString::fromStdString(body));
    }
    QCOMPARE(rig.counters().writes, std::uint64_t(writes));
    QCOMPARE(rig.counters().kvQueued, std::uint64_t(writes));
    QCOMPARE(rig.counters().kvSuperseded, std::uint64_t(writes) - latest.size());
}

void TestEngineKvQueue::kvBackoffGrows_data()
{
    QTest::addColumn<qint64>("initial");
    QTest::addColumn<qint64>("max");
    QTest::newRow("defaults: 100 ms doubling to 30 s") << qint64(0) << qint64(0);
    QTest::newRow("1 s doubling to 5 s") << qint64(sec(1)) << qint64(sec(5));
}

void TestEngineKvQueue::kvBackoffGrows()
{
    QFETCH(qint64, initial);
    QFETCH(qint64, max);
    EngineOptions options;
    if (initial > 0) {
        options.kvRetryInitial = initial;
        options.kvRetryMax = max;
    }
    Rig rig(kAll, std::nullopt, options);
    rig.kv().setDown(true);
    rig.write("product", "a", makeEntry(0, "v1"));
    rig.clock.advance(sec(600));

    // Expected delays: initial, 2x, 4x ... capped at max.
    std::vector<Micros> expected;
    Micros delay = options.kvRetryInitial;
    Micros at = 0;
    while (at + delay <= sec(600)) {
        expected.push_back(delay);
        at += delay;
        delay = std::min(delay * 2, options.kvRetryMax);
    }
    expected.push_back(delay); // armed after the last failure, not yet due
    QCOMPARE(rig.clock.wakeDelays(), expected);
    QCOMPARE(rig.counters().kvRetries, std::uint64_t(expected.size()));
    QCOMPARE(rig.kv().puts, int(expected.size()) + 1); // + the write-through call
    QCOMPARE(rig.engine->kvQueueDepth(), 1u);

    // Back up: applied at the next retry, at most kvRetryMax later.
    rig.kv().setDown(false);
    rig.clock.advance(options.kvRetryMax);
    QCOMPARE(rig.engine->kvQueueDepth(), 0u);
    QCOMPARE(bodyOf(rig.kv().peek(rig.key("product", "a"))), QStringLiteral("v1"));

    // A later outage starts again from the initial delay.
    rig.kv().setDown(true);
    const std::size_t before = rig.clock.wakeDelays().size();
    rig.write("product", "b", makeEntry(0, "v2"));
    QCOMPARE(rig.clock.wakeDelays().size(), before + 1);
    QCOMPARE(rig.clock.wakeDelays().back(), options.kvRetryInitial);
}

void TestEngineKvQueue::writeThroughErrorDoesNotOverwriteNewerKvCopy()
{
    // Two write-throughs of one key overlap at a slow KV: the older one's KV
    // call fails, the newer one's succeeds. The older write, retried from
    // the queue, must not replace the newer copy in KV (SPEC §3: a queued
    // write is never dropped, and KV ends with what the origin has).
    Rig rig;
    rig.kv().setLatency(ms(10));
    const StoredKey key = rig.key("product", "a");

    rig.kv().failNext(1);
    auto first = rig.write("product", "a", makeEntry(0, "v1")); // KV call fails at 10 ms
    rig.clock.advance(ms(1));
    auto second = rig.write("product", "a", makeEntry(0, "v2")); // KV call succeeds at 11 ms
    QVERIFY(rig.clock.runUntilIdle());
    QVERIFY((*first)->ok);
    QVERIFY((*second)->ok);
    QCOMPARE(bodyOf(rig.origin().written(key)), QStringLiteral("v2"));
    QCOMPARE(bodyOf(rig.edge().peek(key)), QStringLiteral("v2"));
    QCOMPARE(bodyOf(rig.kv().peek(key)), QStringLiteral("v2"));
    QCOMPARE(rig.engine->kvQueueDepth(), 0u);
}

void TestEngineKvQueue::removeWithKvDownIsQueued()
{
    Rig rig;
    const StoredKey key = rig.key("product", "a");
    rig.write("product", "a", makeEntry(0, "v1"));
    rig.kv().setDown(true);
    auto done = rig.remove("product", "a");
    QVERIFY((*done)->ok);
    QCOMPARE((*done)->kvQueued, true);
    QVERIFY(!rig.edge().peek(key));
    QCOMPARE(bodyOf(rig.kv().peek(key)), QStringLiteral("v1")); // down keeps contents
    QCOMPARE(rig.engine->kvQueueDepth(), 1u);

    rig.kv().setDown(false);
    QVERIFY(rig.clock.runUntilIdle());
    QVERIFY(!rig.kv().peek(key));
    QCOMPARE(rig.engine->kvQueueDepth(), 0u);
}

QTEST_APPLESS_MAIN(TestEngineKvQueue)
#include "tst_enginekvqueue.moc"
