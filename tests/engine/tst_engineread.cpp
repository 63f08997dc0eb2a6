// Tests of Engine's read path (SPEC §3) when the tiers answer: the freshness
// decision at each tier, age and end-to-end latency (also per second), SWR
// with one coalesced revalidation, revalidated freshness, and reading by
// name. Fetches shared by readers (single flight, back-fill, re-entrant
// callbacks, counters under load) are in tst_enginefetch.cpp, failures in
// tst_enginefallback.cpp, bump and purge in tst_engineinvalidation.cpp.
#include "testsupport.h"

#include <QtTest>

#include <cmath>

using namespace fallback;
using namespace fallback::test;

class TestEngineRead : public QObject {
    Q_OBJECT

private slots:
    void freshnessDecision_data();
    void freshnessDecision();
    void ageIsMeasuredWhenTheAnswerArrives();
    void latencyIsEndToEnd();
    void staleWhileRevalidateStartsOneRevalidation_data();
    void staleWhileRevalidateStartsOneRevalidation();
    void revalidatedFreshness();
    void readByNameValidates();
    void seriesKeepsPercentilesPerSecond();
};

// --- the freshness decision at one tier ------------------------------------------

void TestEngineRead::freshnessDecision_data()
{
    QTest::addColumn<QString>("copyTier");       // where the only copy lives
    QTest::addColumn<qint64>("age");             // of that copy, µs
    QTest::addColumn<QString>("servedBy");
    QTest::addColumn<QString>("freshness");
    QTest::addColumn<QString>("lookup");         // what that tier's counters say
    QTest::addColumn<int>("originFetches");
    QTest::addColumn<int>("revalidations");
    QTest::addColumn<bool>("edgeKeepsOriginal"); // the edge copy afterwards is the original

    const QString edge = QStringLiteral("edge_cache");
    const QString kv = QStringLiteral("edge_kv");
    const QString origin = QStringLiteral("origin");
    const QString fresh = QStringLiteral("fresh");
    const QString stale = QStringLiteral("stale");
    const QString revalidated = QStringLiteral("revalidated");
    const QString hit = QStringLiteral("hit");
    const QString staleHit = QStringLiteral("stale");
    const QString miss = QStringLiteral("miss");

    for (const QString& tier : {edge, kv}) {
        auto row = [&](const char* what) {
            return &QTest::newRow(qPrintable(tier + QLatin1Char(' ') + QLatin1String(what)));
        };
        *row("age 0") << tier << qint64(0) << tier << fresh << hit << 0 << 0 << true;
        *row("age = ttl") << tier << qint64(kTtl) << tier << fresh << hit << 0 << 0 << true;
        *row("age = ttl + 1us") << tier << qint64(kTtl + 1) << tier << stale << staleHit << 1 << 1
                                << false;
        *row("age = ttl + swr") << tier << qint64(kTtl + kSwr) << tier << stale << staleHit << 1
                                << 1 << false;
        *row("age = ttl + swr + 1us") << tier << qint64(kTtl + kSwr + 1) << origin << revalidated
                                      << miss << 1 << 0 << false;
        *row("age = keepFor") << tier << qint64(kKeepFor) << origin << revalidated << miss << 1 << 0
                              << false;
        // Dropped by the tier: the reader never saw an out-of-date copy.
        *row("age = keepFor + 1us") << tier << qint64(kKeepFor + 1) << origin << fresh << miss << 1
                                    << 0 << false;
    }
}

void TestEngineRead::freshnessDecision()
{
    QFETCH(QString, copyTier);
    QFETCH(qint64, age);
    QFETCH(QString, servedBy);
    QFETCH(QString, freshness);
    QFETCH(QString, lookup);
    QFETCH(int, originFetches);
    QFETCH(int, revalidations);
    QFETCH(bool, edgeKeepsOriginal);

    Rig rig;
    QVERIFY(rig.clock.jumpTo(kStart));
    const TierId tier = *parseTierName(copyTier.toStdString());
    const StoredKey key = rig.key("product", "a");
    const Entry original = makeEntry(kStart - age, "old");
    rig.tier(tier).seed(key, original);

    const ReadResult result = rig.readNow("product", "a");
    QCOMPARE(result.status, 200);
    QCOMPARE(str(servedByName(result.servedBy)), servedBy);
    QCOMPARE(str(freshnessName(result.freshness)), freshness);
    if (servedBy != QLatin1String("origin")) {
        QCOMPARE(result.entry.storedAt, original.storedAt);
        QCOMPARE(result.age, Micros(age));
    } else {
        QCOMPARE(result.entry.storedAt, kStart);
        QCOMPARE(result.age, Micros(0));
    }

    const TierCounters& c = rig.tierCounters(tier);
    QCOMPARE(c.lookups, 1u);
    QCOMPARE(c.hits, lookup == QLatin1String("hit") ? 1u : 0u);
    QCOMPARE(c.staleHits, lookup == QLatin1String("stale") ? 1u : 0u);
    QCOMPARE(c.misses, lookup == QLatin1String("miss") ? 1u : 0u);
    QCOMPARE(rig.counters().originFetches, std::uint64_t(originFetches));
    QCOMPARE(rig.counters().revalidations, std::uint64_t(revalidations));
    QCOMPARE(rig.origin().gets, originFetches);
    // Only an origin answer is back-filled into the client cache (a KV hit
    // goes into the edge cache alone).
    QCOMPARE(rig.client().puts, originFetches);
    QCOMPARE(rig.client().peek(key).has_value(), originFetches > 0);

    // A served copy from KV is back-filled into the edge cache as it was;
    // an origin answer (or a finished revalidation) replaces it.
    const std::optional<Entry> edgeCopy = rig.edge().peek(key);
    QVERIFY(edgeCopy.has_value());
    QCOMPARE(edgeCopy->storedAt, edgeKeepsOriginal ? original.storedAt : kStart);
    QCOMPARE(rig.engine->busy(), false);
}

void TestEngineRead::ageIsMeasuredWhenTheAnswerArrives()
{
    Rig rig;
    QVERIFY(rig.clock.jumpTo(kStart));
    rig.edge().setLatency(ms(10));
    // Fresh when asked, 5 ms past ttl when the answer arrives.
    rig.edge().seed(rig.key("product", "a"), makeEntry(kStart - kTtl + ms(5), "v"));
    const ReadResult result = rig.readNow("product", "a");
    QCOMPARE(result.servedBy, ServedBy::EdgeCache);
    QCOMPARE(result.freshness, Freshness::Stale);
    QCOMPARE(result.age, kTtl + ms(5));
    QCOMPARE(result.latency, ms(10));
}

void TestEngineRead::latencyIsEndToEnd()
{
    Rig rig;
    rig.edge().setLatency(ms(2));
    rig.kv().setLatency(ms(15));
    rig.origin().setLatency(ms(120));
    rig.client().setLatency(ms(1));
    const ReadResult result = rig.readNow("product", "a");
    QCOMPARE(result.servedBy, ServedBy::Origin);
    QCOMPARE(result.latency, ms(137));
    QCOMPARE(result.entry.storedAt, ms(137)); // produced when the origin answered
    QCOMPARE(rig.client().gets, 0);           // the last resort is not asked on success

    // The statistics record the same end-to-end latency: in the totals (the
    // second still open included) and in the namespace; each tier its own.
    const EngineStats stats = rig.engine->snapshot();
    QCOMPARE(stats.latency.count(), 1u);
    QCOMPARE(stats.latency.max(), std::uint64_t(ms(137)));
    const NamespaceStats& product = stats.namespaces[rig.ns("product")];
    QCOMPARE(product.latency.count(), 1u);
    QCOMPARE(product.latency.max(), std::uint64_t(ms(137)));
    QCOMPARE(stats.tierLatency[tierIndex(TierId::EdgeCache)].max(), std::uint64_t(ms(2)));
    QCOMPARE(stats.tierLatency[tierIndex(TierId::EdgeKv)].max(), std::uint64_t(ms(15)));
    QCOMPARE(stats.tierLatency[tierIndex(TierId::Origin)].max(), std::uint64_t(ms(120)));
}

// --- stale-while-revalidate ------------------------------------------------------

void TestEngineRead::staleWhileRevalidateStartsOneRevalidation_data()
{
    QTest::addColumn<QString>("copyTier");
    QTest::addColumn<qint64>("tierLatency");
    QTest::newRow("edge, instant") << QStringLiteral("edge_cache") << qint64(0);
    QTest::newRow("edge, 3 ms") << QStringLiteral("edge_cache") << qint64(ms(3));
    QTest::newRow("kv, 5 ms") << QStringLiteral("edge_kv") << qint64(ms(5));
}

void TestEngineRead::staleWhileRevalidateStartsOneRevalidation()
{
    QFETCH(QString, copyTier);
    QFETCH(qint64, tierLatency);
    const TierId tier = *parseTierName(copyTier.toStdString());

    Rig rig;
    QVERIFY(rig.clock.jumpTo(kStart));
    rig.tier(tier).setLatency(tierLatency);
    rig.origin().setLatency(ms(50));
    const StoredKey key = rig.key("product", "a");
    rig.tier(tier).seed(key, makeEntry(kStart - kTtl - sec(10), "old"));

    std::vector<std::shared_ptr<std::optional<ReadResult>>> reads;
    for (int i = 0; i < 10; ++i)
        reads.push_back(rig.read("product", "a"));
    rig.clock.advance(tierLatency);

    // Every reader is answered at once with the stale copy; the origin has
    // not answered yet.
    for (const auto& r : reads) {
        QVERIFY(r->has_value());
        QCOMPARE((*r)->servedBy, servedByTier(tier));
        QCOMPARE((*r)->freshness, Freshness::Stale);
        QCOMPARE(bodyOf((*r)->entry), QStringLiteral("old"));
        QCOMPARE((*r)->latency, Micros(tierLatency));
    }
    QCOMPARE(rig.engine->inFlightFetches(), 1u);
    QCOMPARE(rig.origin().gets, 1);
    QCOMPARE(rig.counters().staleServed, 10u);
    QCOMPARE(rig.counters().revalidations, 1u);
    QCOMPARE(rig.counters().originFetches, 1u);
    QCOMPARE(rig.counters().coalesced, 9u);

    QVERIFY(rig.clock.runUntilIdle());
    QCOMPARE(rig.origin().gets, 1);
    const Micros revalidatedAt = kStart + Micros(tierLatency) + ms(50);
    QCOMPARE(rig.edge().peek(key)->storedAt, revalidatedAt);
    QCOMPARE(rig.kv().peek(key)->storedAt, revalidatedAt);

    // The next reader gets the new copy fresh from the edge cache.
    const ReadResult after = rig.readNow("product", "a");
    QCOMPARE(after.servedBy, ServedBy::EdgeCache);
    QCOMPARE(after.freshness, Freshness::Fresh);
    QCOMPARE(rig.counters().originFetches, 1u);
}

void TestEngineRead::revalidatedFreshness()
{
    Rig rig;
    QVERIFY(rig.clock.jumpTo(kStart));
    rig.origin().setLatency(ms(30));
    rig.kv().seed(rig.key("product", "a"), makeEntry(kStart - sec(120), "old"));

    auto outdated = rig.read("product", "a"); // past swr: goes to the origin
    auto missing = rig.read("product", "b");  // nothing seen on the way
    QVERIFY(rig.clock.runUntilIdle());
    QCOMPARE((*outdated)->servedBy, ServedBy::Origin);
    QCOMPARE((*outdated)->freshness, Freshness::Revalidated);
    QCOMPARE((*missing)->servedBy, ServedBy::Origin);
    QCOMPARE((*missing)->freshness, Freshness::Fresh);
    QCOMPARE(rig.counters().freshness[int(Freshness::Revalidated)], 1u);
    QCOMPARE(rig.counters().freshness[int(Freshness::Fresh)], 1u);
    QCOMPARE(rig.counters().revalidations, 0u); // no background revalidation
    QCOMPARE(rig.kv().peek(rig.key("product", "a"))->storedAt, kStart + ms(30));
}

// --- reading by name -----------------------------------------------------------------

void TestEngineRead::readByNameValidates()
{
    Rig rig;
    auto codeOf = [&](std::string_view ns, std::string_view id) {
        const Status status = rig.engine->read(ns, id, [](const ReadResult&) {});
        return status.ok() ? QStringLiteral("ok") : QString::fromStdString(status.error().code);
    };
    QCOMPARE(codeOf("product", "a:b:c"), QStringLiteral("ok"));
    QCOMPARE(codeOf("Product", "a"), QStringLiteral("invalid_key"));
    QCOMPARE(codeOf("product", ""), QStringLiteral("invalid_key"));
    QCOMPARE(codeOf("product", std::string(513, 'x')), QStringLiteral("invalid_key"));
    QCOMPARE(codeOf("product", "a\nb"), QStringLiteral("invalid_key"));
    QCOMPARE(codeOf("nosuch", "a"), QStringLiteral("unknown_namespace"));
    QVERIFY(rig.clock.runUntilIdle());
    QCOMPARE(rig.counters().requests, 1u);
}

// --- latency per second --------------------------------------------------------------

void TestEngineRead::seriesKeepsPercentilesPerSecond()
{
    // Ten edge hits within one second, five at 1 ms and five at 100 ms: the
    // second's point has p50 = 1 ms and p99 = 100 ms, per tier and end to end.
    Rig rig;
    QVERIFY(rig.clock.jumpTo(kStart));
    rig.edge().seed(rig.key("product", "a"), makeEntry(kStart, "v"));
    for (int i = 0; i < 10; ++i) {
        rig.edge().setLatency(i < 5 ? ms(1) : ms(100));
        QCOMPARE(rig.readNow("product", "a").servedBy, ServedBy::EdgeCache);
    }
    rig.engine->flushStats();
    const EngineStats stats = rig.engine->snapshot();
    QCOMPARE(stats.series.size(), 1u);
    const SeriesPoint& point = stats.series.front();
    QCOMPARE(point.second, kStart / kMicrosPerSecond);
    QCOMPARE(point.requests.requests, 10u);
    const int edge = tierIndex(TierId::EdgeCache);
    QCOMPARE(point.tiers[edge].hits, 10u);
    auto near = [](float got, double want) {
        return std::abs(double(got) - want) <= want * 0.01; // the histogram's bound
    };
    QVERIFY2(near(point.tierP50Ms[edge], 1.0), qPrintable(QString::number(point.tierP50Ms[edge])));
    QVERIFY2(near(point.tierP99Ms[edge], 100.0), qPrintable(QString::number(point.tierP99Ms[edge])));
    QVERIFY2(near(point.p50Ms, 1.0), qPrintable(QString::number(point.p50Ms)));
    QVERIFY2(near(point.p99Ms, 100.0), qPrintable(QString::number(point.p99Ms)));
}

QTEST_APPLESS_MAIN(TestEngineRead)
#include "tst_engineread.moc"
