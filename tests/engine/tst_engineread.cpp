// Tests of Engine's read path (SPEC §3): the freshness decision at each
// tier, back-fill, SWR with one coalesced revalidation, stale-if-error, the
// client cache as last resort, 503, single flight, bump, purge, disabled
// tiers, expiry and the consistency of the counters.
#include "testsupport.h"

#include "sim/workload.h"
#include "tiers/simulatedtier.h"

#include <QtTest>

using namespace fallback;
using namespace fallback::test;

namespace {

QString str(std::string_view text)
{
    return QString::fromLatin1(text.data(), qsizetype(text.size()));
}

// ttl 60 s, swr 30 s, sie 300 s: see testNamespace().
constexpr Micros kTtl = sec(60);
constexpr Micros kSwr = sec(30);
constexpr Micros kSie = sec(300);
constexpr Micros kKeepFor = kTtl + kSie;
constexpr Micros kStart = sec(100000);

std::uint64_t sumServedBy(const RequestCounters& c)
{
    std::uint64_t sum = 0;
    for (std::uint64_t n : c.servedBy)
        sum += n;
    return sum;
}

} // namespace

class TestEngineRead : public QObject {
    Q_OBJECT

private slots:
    void freshnessDecision_data();
    void freshnessDecision();
    void ageIsMeasuredWhenTheAnswerArrives();
    void latencyIsEndToEnd();
    void staleWhileRevalidateStartsOneRevalidation_data();
    void staleWhileRevalidateStartsOneRevalidation();
    void staleIfError_data();
    void staleIfError();
    void staleIfErrorNotBeyondTtlPlusSie();
    void staleIfErrorRecheckedWhenTheOriginFails();
    void clientCacheServesWhateverItsAge();
    void unavailableWhenNothingAnswers();
    void tierErrorsMoveOn();
    void originMissIs404();
    void singleFlightCoalescesConcurrentMisses();
    void missJoinsRevalidationInFlight();
    void originBackfillsEveryTier();
    void revalidatedFreshness();
    void bumpMakesOldEntriesUnreachable();
    void purgeScopes_data();
    void purgeScopes();
    void purgeDuringFetchPreventsBackfill();
    void disabledTiersAreSkipped_data();
    void disabledTiersAreSkipped();
    void entriesExpireBeyondKeepFor();
    void downTierAnswersErrorButKeepsContents();
    void readByNameValidates();
    void callbackMayReadAgain_data();
    void callbackMayReadAgain();
    void statsAreConsistent();
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

// --- stale-if-error and the last resort ----------------------------------------------

void TestEngineRead::staleIfError_data()
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

void TestEngineRead::staleIfError()
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

void TestEngineRead::staleIfErrorNotBeyondTtlPlusSie()
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

void TestEngineRead::staleIfErrorRecheckedWhenTheOriginFails()
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

void TestEngineRead::clientCacheServesWhateverItsAge()
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

void TestEngineRead::unavailableWhenNothingAnswers()
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

void TestEngineRead::tierErrorsMoveOn()
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

void TestEngineRead::originMissIs404()
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

// --- single flight and back-fill ------------------------------------------------

void TestEngineRead::singleFlightCoalescesConcurrentMisses()
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

void TestEngineRead::missJoinsRevalidationInFlight()
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

void TestEngineRead::originBackfillsEveryTier()
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

// --- invalidation ----------------------------------------------------------------

void TestEngineRead::bumpMakesOldEntriesUnreachable()
{
    Rig rig;
    const NamespaceId product = rig.ns("product");
    const StoredKey oldKey = rig.key("product", "a");
    QCOMPARE(oldKey.version, 0u);
    rig.edge().seed(oldKey, makeEntry(0, "v0"));
    rig.kv().seed(oldKey, makeEntry(0, "v0"));
    rig.edge().seed(rig.key("config", "a"), makeEntry(0, "config"));
    QCOMPARE(rig.readNow("product", "a").servedBy, ServedBy::EdgeCache);

    const Result<std::uint64_t> bumped = rig.engine->bump(product);
    QVERIFY(bumped.ok());
    QCOMPARE(*bumped, 1u);
    QCOMPARE(rig.engine->namespacePolicy(product)->version, 1u);
    QCOMPARE(rig.engine->policy().find("product")->version, 1u);
    const StoredKey newKey = rig.key("product", "a");
    QCOMPARE(newKey.version, 1u);

    const ReadResult result = rig.readNow("product", "a");
    QCOMPARE(result.servedBy, ServedBy::Origin);
    QCOMPARE(result.freshness, Freshness::Fresh);
    QCOMPARE(rig.origin().getKeys.back(), newKey);
    QCOMPARE(rig.tierCounters(TierId::EdgeCache).misses, 1u);
    QCOMPARE(rig.tierCounters(TierId::EdgeKv).misses, 1u);
    // The old entries are still stored (they age out) but no read reaches them.
    QCOMPARE(bodyOf(rig.edge().peek(oldKey)), QStringLiteral("v0"));
    QVERIFY(rig.edge().peek(newKey).has_value());
    QCOMPARE(rig.edge().getKeys.back(), newKey);
    QCOMPARE(rig.kv().getKeys.back(), newKey);

    // Other namespaces are untouched.
    QCOMPARE(rig.readNow("config", "a").servedBy, ServedBy::EdgeCache);

    const EngineStats stats = rig.engine->snapshot();
    QCOMPARE(stats.namespaces[product].version, 1u);
    QCOMPARE(stats.requests.bumps, 1u);
    QCOMPARE(stats.namespaces[product].requests.bumps, 1u);

    QCOMPARE(*rig.engine->bump(product), 2u);
    QVERIFY(!rig.engine->bump(rig.ns("nosuch")).ok());
}

void TestEngineRead::purgeScopes_data()
{
    QTest::addColumn<QString>("scope"); // key:ns:id, ns:name, all
    QTest::addColumn<int>("edgeCount");
    QTest::addColumn<int>("kvCount");

    QTest::newRow("key product:a") << QStringLiteral("key:product:a") << 1 << 1;
    QTest::newRow("key product:c (edge only)") << QStringLiteral("key:product:c") << 1 << 0;
    QTest::newRow("key absent") << QStringLiteral("key:product:zzz") << 0 << 0;
    QTest::newRow("namespace product (every version)") << QStringLiteral("ns:product") << 4 << 2;
    QTest::newRow("namespace config") << QStringLiteral("ns:config") << 2 << 1;
    QTest::newRow("all") << QStringLiteral("all") << 6 << 3;
}

void TestEngineRead::purgeScopes()
{
    QFETCH(QString, scope);
    QFETCH(int, edgeCount);
    QFETCH(int, kvCount);

    Rig rig;
    for (const char* id : {"a", "b", "c"})
        rig.edge().seed(rig.key("product", id), makeEntry(0, id));
    rig.edge().seed(StoredKey{7, rig.rid("a"), rig.ns("product")}, makeEntry(0, "old version"));
    for (const char* id : {"x", "y"})
        rig.edge().seed(rig.key("config", id), makeEntry(0, id));
    for (const char* id : {"a", "b"})
        rig.kv().seed(rig.key("product", id), makeEntry(0, id));
    rig.kv().seed(rig.key("config", "x"), makeEntry(0, "x"));
    rig.client().seed(rig.key("product", "a"), makeEntry(0, "a"));

    PurgeScope purgeScope;
    const QStringList parts = scope.split(QLatin1Char(':'));
    if (parts[0] == QLatin1String("key"))
        purgeScope = rig.engine->keyScope(rig.ns(parts[1].toStdString()), rig.rid(parts[2].toStdString()));
    else if (parts[0] == QLatin1String("ns"))
        purgeScope = Engine::namespaceScope(rig.ns(parts[1].toStdString()));
    else
        purgeScope = Engine::allScope();

    const PurgeReport preview = rig.engine->previewPurge(purgeScope);
    QCOMPARE(preview.perTier[tierIndex(TierId::EdgeCache)], std::size_t(edgeCount));
    QCOMPARE(preview.perTier[tierIndex(TierId::EdgeKv)], std::size_t(kvCount));
    QCOMPARE(preview.perTier[tierIndex(TierId::Origin)], 0u);
    QCOMPARE(preview.perTier[tierIndex(TierId::ClientCache)], 0u);
    QCOMPARE(preview.total(), std::size_t(edgeCount + kvCount));
    // A preview removes nothing.
    QCOMPARE(rig.edge().usage().entries, 6u);
    QCOMPARE(rig.kv().usage().entries, 3u);

    const PurgeReport report = rig.engine->purge(purgeScope);
    QCOMPARE(report.perTier, preview.perTier);
    QCOMPARE(rig.edge().usage().entries, std::uint64_t(6 - edgeCount));
    QCOMPARE(rig.kv().usage().entries, std::uint64_t(3 - kvCount));
    QCOMPARE(rig.engine->previewPurge(purgeScope).total(), 0u);
    // The client cache is the user's copy: never purged.
    QCOMPARE(rig.client().usage().entries, 1u);

    QCOMPARE(rig.counters().purges, 1u);
    QCOMPARE(rig.counters().purgedEntries, std::uint64_t(edgeCount + kvCount));
}

void TestEngineRead::purgeDuringFetchPreventsBackfill()
{
    Rig rig;
    rig.origin().setLatency(ms(100));
    auto reader = rig.read("product", "a");
    rig.clock.advance(ms(50));
    QVERIFY(!reader->has_value());
    rig.engine->purge(rig.engine->keyScope(rig.ns("product"), rig.rid("a")));
    QVERIFY(rig.clock.runUntilIdle());

    // The waiter is still answered...
    QVERIFY(reader->has_value());
    QCOMPARE((*reader)->status, 200);
    QCOMPARE((*reader)->servedBy, ServedBy::Origin);
    // ...but the answer, produced before the purge was known, is not stored.
    const StoredKey key = rig.key("product", "a");
    QVERIFY(!rig.edge().peek(key));
    QVERIFY(!rig.kv().peek(key));
    QVERIFY(!rig.client().peek(key));
    QCOMPARE(rig.edge().puts + rig.kv().puts + rig.client().puts, 0);

    // A fetch started after the purge back-fills again.
    QCOMPARE(rig.readNow("product", "a").servedBy, ServedBy::Origin);
    QVERIFY(rig.edge().peek(key).has_value());
    QVERIFY(rig.kv().peek(key).has_value());
}

// --- disabled tiers, expiry, down tiers --------------------------------------------------

void TestEngineRead::disabledTiersAreSkipped_data()
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

void TestEngineRead::disabledTiersAreSkipped()
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

void TestEngineRead::entriesExpireBeyondKeepFor()
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

void TestEngineRead::downTierAnswersErrorButKeepsContents()
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

void TestEngineRead::callbackMayReadAgain_data()
{
    QTest::addColumn<qint64>("originLatency");
    QTest::newRow("instant origin") << qint64(0);
    QTest::newRow("slow origin") << qint64(ms(10));
}

void TestEngineRead::callbackMayReadAgain()
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

void TestEngineRead::statsAreConsistent()
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

QTEST_APPLESS_MAIN(TestEngineRead)
#include "tst_engineread.moc"
