// Tests of Engine's invalidation (SPEC §3): a namespace bump makes the old
// entries unreachable; a purge by key, namespace or everything previews and
// removes the right entries, and stops the back-fill of a fetch in flight.
#include "testsupport.h"

#include <QtTest>

using namespace fallback;
using namespace fallback::test;

class TestEngineInvalidation : public QObject {
    Q_OBJECT

private slots:
    void bumpMakesOldEntriesUnreachable();
    void purgeScopes_data();
    void purgeScopes();
    void purgeDuringFetchPreventsBackfill();
    void applyRefusesAVersionGoingBack();
};

void TestEngineInvalidation::applyRefusesAVersionGoingBack()
{
    Rig rig;
    const NamespaceId product = rig.ns("product");
    QVERIFY(rig.engine->bump(product).ok());
    QVERIFY(rig.engine->bump(product).ok()); // version 2
    Policy older = rig.engine->policy();
    older.find("product")->version = 1;
    older.find("product")->ttl = sec(1);
    const Status refused = rig.engine->applyPolicy(older);
    QVERIFY(!refused.ok());
    QCOMPARE(QString::fromStdString(refused.error().code), QStringLiteral("version_backwards"));
    // Nothing of it applied: not the version, not the ttl.
    QCOMPARE(rig.engine->namespacePolicy(product)->version, 2u);
    QVERIFY(rig.engine->namespacePolicy(product)->ttl != sec(1));

    Policy newer = rig.engine->policy();
    newer.find("product")->ttl = sec(1);
    QVERIFY(rig.engine->applyPolicy(newer).ok());
    QCOMPARE(rig.engine->namespacePolicy(product)->ttl, sec(1));
}

// --- invalidation ----------------------------------------------------------------

void TestEngineInvalidation::bumpMakesOldEntriesUnreachable()
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

void TestEngineInvalidation::purgeScopes_data()
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

void TestEngineInvalidation::purgeScopes()
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

void TestEngineInvalidation::purgeDuringFetchPreventsBackfill()
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

QTEST_APPLESS_MAIN(TestEngineInvalidation)
#include "tst_engineinvalidation.moc"
