// Tests of the origin fetch behind Engine's reads (SPEC §3): single flight
// coalescing concurrent misses, a miss joining a revalidation in flight,
// back-fill of the origin's answer into every tier (not when it is over
// max_object_size), callbacks that read again while a fetch's waiters are
// answered, and counters that add up under a random load with faults. What a
// single read is served is in tst_engineread.cpp.
#include "testsupport.h"

#include "sim/workload.h"

#include <QtTest>

using namespace fallback;
using namespace fallback::test;

class TestEngineFetch : public QObject {
    Q_OBJECT

private slots:
    void singleFlightCoalescesConcurrentMisses();
    void missJoinsRevalidationInFlight();
    void originBackfillsEveryTier();
    void oversizedOriginAnswerIsNotStored();
    void callbackMayReadAgain_data();
    void callbackMayReadAgain();
    void statsAreConsistent();
};

// --- single flight and back-fill ------------------------------------------------

void TestEngineFetch::singleFlightCoalescesConcurrentMisses()
{
    Rig rig;
    rig.origin().setLatency(ms(10));
    std::vector<std::shared_ptr<std::optional<ReadResult>>> reads;
    for (int i = 0; i < 50; ++i)
        reads.push_back(rig.read("product", "hot"));
    QCOMPARE(rig.engine->inFlightFetches(), 1u);
    QVERIFY(!reads.front()->has_value());

    QVERIFY(rig.clock.runUntilIdle());
    for (const auto& r : reads) {
        QVERIFY(r->has_value());
        QCOMPARE((*r)->status, 200);
        QCOMPARE((*r)->servedBy, ServedBy::Origin);
        QCOMPARE((*r)->freshness, Freshness::Fresh);
        QCOMPARE((*r)->entry.storedAt, ms(10));
    }
    QCOMPARE(rig.origin().gets, 1);
    QCOMPARE(rig.counters().originFetches, 1u);
    QCOMPARE(rig.counters().coalesced, 49u);
    QCOMPARE(rig.counters().revalidations, 0u);
    QCOMPARE(rig.counters().servedBy[int(ServedBy::Origin)], 50u);
    QCOMPARE(rig.tierCounters(TierId::Origin).lookups, 1u);
    QCOMPARE(rig.engine->inFlightFetches(), 0u);

    // Another key is its own flight.
    rig.read("product", "other");
    rig.read("config", "hot"); // same id, other namespace: another stored key
    QCOMPARE(rig.engine->inFlightFetches(), 2u);
    QVERIFY(rig.clock.runUntilIdle());
    QCOMPARE(rig.counters().originFetches, 3u);
}

void TestEngineFetch::missJoinsRevalidationInFlight()
{
    Rig rig;
    QVERIFY(rig.clock.jumpTo(kStart));
    rig.origin().setLatency(ms(50));
    rig.edge().setLatency(ms(1));
    const StoredKey key = rig.key("product", "a");
    rig.edge().seed(key, makeEntry(kStart - kTtl - 1, "old"));
    auto first = rig.read("product", "a");
    rig.clock.advance(ms(1)); // served stale, revalidation in flight
    QVERIFY(first->has_value());
    rig.edge().store().erase(key);
    auto second = rig.read("product", "a"); // a miss now: joins the revalidation
    QVERIFY(rig.clock.runUntilIdle());
    QCOMPARE((*second)->servedBy, ServedBy::Origin);
    QCOMPARE(rig.counters().originFetches, 1u);
    QCOMPARE(rig.counters().coalesced, 1u);
    QCOMPARE(rig.origin().gets, 1);
}

void TestEngineFetch::originBackfillsEveryTier()
{
    Rig rig;
    rig.origin().setLatency(ms(20));
    rig.origin().setDefaultSize(4321);
    const ReadResult result = rig.readNow("product", "a");
    QCOMPARE(result.servedBy, ServedBy::Origin);
    const StoredKey key = rig.key("product", "a");
    for (TierId tier : {TierId::EdgeCache, TierId::EdgeKv, TierId::ClientCache}) {
        const std::optional<Entry> copy = rig.tier(tier).peek(key);
        QVERIFY2(copy.has_value(), tierName(tier).data());
        QCOMPARE(copy->storedAt, ms(20));
        QCOMPARE(copy->size, 4321u);
    }
    // The next read is a fresh edge hit with the age carried along.
    rig.clock.advance(sec(5));
    const ReadResult again = rig.readNow("product", "a");
    QCOMPARE(again.servedBy, ServedBy::EdgeCache);
    QCOMPARE(again.age, sec(5));
    QCOMPARE(rig.origin().gets, 1);
}

void TestEngineFetch::oversizedOriginAnswerIsNotStored()
{
    // An origin object over the namespace's max_object_size is served but
    // kept in no tier; one at the limit is back-filled as usual.
    Rig rig;
    const std::uint32_t limit = 1024 * 1024;
    rig.origin().setDefaultSize(limit + 1);
    const ReadResult big = rig.readNow("product", "big");
    QCOMPARE(big.status, 200);
    QCOMPARE(big.servedBy, ServedBy::Origin);
    QCOMPARE(big.entry.size, limit + 1);
    const StoredKey bigKey = rig.key("product", "big");
    for (TierId tier : {TierId::EdgeCache, TierId::EdgeKv, TierId::ClientCache}) {
        QVERIFY2(!rig.tier(tier).peek(bigKey), tierName(tier).data());
        QCOMPARE(rig.tier(tier).puts, 0);
    }
    QCOMPARE(rig.readNow("product", "big").servedBy, ServedBy::Origin);
    QCOMPARE(rig.origin().gets, 2);

    rig.origin().setDefaultSize(limit);
    QCOMPARE(rig.readNow("product", "small").servedBy, ServedBy::Origin);
    const StoredKey smallKey = rig.key("product", "small");
    for (TierId tier : {TierId::EdgeCache, TierId::EdgeKv, TierId::ClientCache})
        QVERIFY2(rig.tier(tier).peek(smallKey).has_value(), tierName(tier).data());
}

// --- re-entrant callbacks ------------------------------------------------------------

void TestEngineFetch::callbackMayReadAgain_data()
{
    QTest::addColumn<qint64>("originLatency");
    QTest::newRow("instant origin") << qint64(0);
    QTest::newRow("slow origin") << qint64(ms(10));
}

void TestEngineFetch::callbackMayReadAgain()
{
    // A caller that reads again from its callback (the engine is
    // re-entered while it finishes a fetch's waiters).
    QFETCH(qint64, originLatency);
    Rig rig(kOrigin | kClient);
    rig.origin().setLatency(originLatency);
    const NamespaceId ns = rig.ns("product");
    const ResourceId rid = rig.rid("a");
    std::vector<ServedBy> answers;
    std::function<void(const ReadResult&)> again = [&](const ReadResult& r) {
        answers.push_back(r.servedBy);
        if (answers.size() < 5)
            rig.engine->read(ns, rid, again);
    };
    for (int i = 0; i < 3; ++i)
        rig.engine->read(ns, rid, again);
    QVERIFY(rig.clock.runUntilIdle());
    QCOMPARE(answers.size(), 7u); // 3 readers, and re-reads until 5 answers were seen
    for (ServedBy who : answers)
        QCOMPARE(who, ServedBy::Origin);
    QCOMPARE(rig.engine->pendingOperations(), 0u);
    QCOMPARE(rig.counters().requests, 7u);
}

// --- counters ------------------------------------------------------------------------

void TestEngineFetch::statsAreConsistent()
{
    EngineOptions options;
    options.seriesCapacity = 1'000'000; // keep every second of the run
    Rig rig(kAll, std::nullopt, options);
    rig.edge().setLatency(ms(1));
    rig.kv().setLatency(ms(8));
    rig.origin().setLatency(ms(60));
    rig.client().setLatency(ms(1));
    rig.edge().store().setCapacity(Capacity{15, 0});
    Random random(2024);
    int answered = 0;
    int issued = 0;
    const char* namespaces[] = {"product", "config"};
    for (int step = 0; step < 4000; ++step) {
        const std::uint64_t dice = random.below(100);
        if (dice < 2)
            rig.origin().setDown(!rig.origin().isDown());
        else if (dice < 4)
            rig.kv().setDown(!rig.kv().isDown());
        else if (dice < 6)
            rig.edge().failNext(int(random.below(3)));
        else if (dice < 7)
            rig.engine->purge(Engine::namespaceScope(rig.ns(namespaces[random.below(2)])));
        else if (dice < 8)
            rig.engine->bump(rig.ns(namespaces[random.below(2)]));
        const int burst = 1 + int(random.below(3));
        for (int i = 0; i < burst; ++i) {
            const std::string id = std::to_string(random.below(40));
            rig.engine->read(rig.ns(namespaces[random.below(2)]), rig.rid(id),
                             [&answered](const ReadResult&) { ++answered; });
            ++issued;
        }
        rig.clock.advance(Micros(random.below(std::uint64_t(sec(20)))));
    }
    QVERIFY(rig.clock.runUntilIdle());
    QCOMPARE(answered, issued);
    rig.engine->flushStats();
    const EngineStats stats = rig.engine->snapshot();
    const RequestCounters& c = stats.requests;

    QCOMPARE(c.requests, std::uint64_t(issued));
    QCOMPARE(sumServedBy(c), c.requests);
    QCOMPARE(c.freshness[0] + c.freshness[1] + c.freshness[2] + c.failed, c.requests);
    QCOMPARE(c.failed, c.servedBy[int(ServedBy::Failed)]);
    QCOMPARE(c.staleServed, c.freshness[int(Freshness::Stale)]);
    QCOMPARE(stats.latency.count(), c.requests);
    QVERIFY(c.revalidations <= c.originFetches);
    QVERIFY(c.staleServed > 0);
    QVERIFY(c.failed > 0);
    QVERIFY(c.coalesced > 0);
    QVERIFY(c.freshness[int(Freshness::Revalidated)] > 0);
    // Every fetch the origin received is one origin lookup.
    QCOMPARE(stats.tiers[tierIndex(TierId::Origin)].lookups, c.originFetches);
    QCOMPARE(std::uint64_t(rig.origin().gets), c.originFetches);
    for (TierId tier : kAllTiers) {
        const TierCounters& t = stats.tiers[tierIndex(tier)];
        QCOMPARE(t.lookups, t.hits + t.staleHits + t.misses + t.errors);
        QCOMPARE(stats.tierLatency[tierIndex(tier)].count(), t.lookups);
        QCOMPARE(t.lookups, std::uint64_t(rig.tier(tier).gets));
    }

    // Namespaces and the 1-second series add up to the totals.
    RequestCounters byNamespace;
    std::array<TierCounters, kTierCount> tiersByNamespace{};
    for (const NamespaceStats& ns : stats.namespaces) {
        byNamespace.merge(ns.requests);
        for (int t = 0; t < kTierCount; ++t)
            tiersByNamespace[t].merge(ns.tiers[t]);
    }
    QCOMPARE(byNamespace, c);
    QCOMPARE(tiersByNamespace, stats.tiers);

    RequestCounters bySecond;
    std::array<TierCounters, kTierCount> tiersBySecond{};
    std::int64_t previous = -1;
    for (const SeriesPoint& point : stats.series) {
        QVERIFY(point.second > previous);
        previous = point.second;
        bySecond.merge(point.requests);
        for (int t = 0; t < kTierCount; ++t)
            tiersBySecond[t].merge(point.tiers[t]);
    }
    QCOMPARE(bySecond, c);
    QCOMPARE(tiersBySecond, stats.tiers);
}

QTEST_APPLESS_MAIN(TestEngineFetch)
#include "tst_enginefetch.moc"
