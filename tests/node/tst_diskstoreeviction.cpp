// Tests of how copies leave DiskStore: eviction of the oldest copy over
// maxBytes (while running, and at open from the snapshot or a scan), a copy
// larger than the store refused, purge scopes, keepFor expiry and erase, each
// checked against the files left on disk. Round trips, restarts and damaged
// files are in tst_diskstore.cpp.
#include "diskstorerig.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <string>

using namespace fallback;
using namespace fallback::node;
using namespace diskstoretest;

class TestDiskStoreEviction : public QObject {
    Q_OBJECT

private slots:
    void evictsOldestOverMaxBytes();
    void evictsAtOpenWhenOverMaxBytes_data() { addReopenRows(); }
    void evictsAtOpenWhenOverMaxBytes();
    void oversizeCopyIsRefused();
    void purgeScopes_data();
    void purgeScopes();
    void keepForExpiry();
    void eraseRemovesFile();
};

void TestDiskStoreEviction::evictsOldestOverMaxBytes()
{
    QTemporaryDir tmp;
    KeySpace keys;
    const std::string body(100, 'e');
    const std::uint64_t perFile = fileBytes("product", "k0", body.size());
    auto store = openStore(tmp.path(), keys, 3 * perFile);
    QVERIFY(store);
    // Written out of storedAt order: eviction follows storedAt, not writes.
    const int storedAt[] = {50, 10, 40, 30};
    for (int i = 0; i < 4; ++i)
        QCOMPARE(store->put(key(keys, "product", "k" + std::to_string(i)), entry(body, storedAt[i]), 0)
                     .status,
                 TierStatus::Hit);
    QCOMPARE(store->usage().entries, std::uint64_t(3));
    QCOMPARE(store->usage().evictions, std::uint64_t(1));
    QVERIFY(store->usage().bytes <= 3 * perFile);
    QVERIFY(!store->peek(key(keys, "product", "k1"))); // storedAt 10 left
    store->flush();
    QVERIFY(!QFile::exists(QString::fromStdString(store->pathFor(key(keys, "product", "k1")))));
    QCOMPARE(filesBelow(tmp.path()).size(), 3);

    // Replacing a copy with a newer one makes it the youngest.
    store->put(key(keys, "product", "k3"), entry(body, 60), 0);
    store->put(key(keys, "product", "k4"), entry(body, 70), 0);
    QVERIFY(!store->peek(key(keys, "product", "k2"))); // storedAt 40 was the oldest
    QVERIFY(store->peek(key(keys, "product", "k3")));
    QCOMPARE(store->usage().evictions, std::uint64_t(2));
}

void TestDiskStoreEviction::evictsAtOpenWhenOverMaxBytes()
{
    QFETCH(bool, viaSnapshot);
    QTemporaryDir tmp;
    const std::string body(100, 'e');
    const std::uint64_t perFile = fileBytes("product", "k0", body.size());
    {
        KeySpace keys;
        auto store = openStore(tmp.path(), keys);
        for (int i = 0; i < 5; ++i)
            store->put(key(keys, "product", "k" + std::to_string(i)), entry(body, 100 - i), 0);
    }
    forgetSnapshotUnless(viaSnapshot, tmp.path());
    KeySpace keys;
    auto store = openStore(tmp.path(), keys, 2 * perFile);
    QVERIFY(store);
    QCOMPARE(store->usage().entries, std::uint64_t(2));
    QVERIFY(store->peek(key(keys, "product", "k0")));
    QVERIFY(store->peek(key(keys, "product", "k1")));
    store->flush();
    QCOMPARE(filesBelow(tmp.path()).size(), 2);
}

void TestDiskStoreEviction::oversizeCopyIsRefused()
{
    QTemporaryDir tmp;
    KeySpace keys;
    auto store = openStore(tmp.path(), keys, 200);
    QVERIFY(store);
    const StoredKey k = key(keys, "product", "big");
    QCOMPARE(store->put(k, entry("small", 1), 1).status, TierStatus::Hit);
    QCOMPARE(store->put(k, entry(std::string(500, 'x'), 2), 2).status, TierStatus::Error);
    // The old copy is no longer the last known good one.
    QCOMPARE(store->get(k, 2, kForever).status, TierStatus::Miss);
    QCOMPARE(store->usage().entries, std::uint64_t(0));
}

void TestDiskStoreEviction::purgeScopes_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<int>("expected");
    QTest::newRow("key") << int(PurgeScope::Kind::Key) << 1;
    QTest::newRow("namespace, every version") << int(PurgeScope::Kind::Namespace) << 4;
    QTest::newRow("all") << int(PurgeScope::Kind::All) << 6;
}

void TestDiskStoreEviction::purgeScopes()
{
    QFETCH(int, kind);
    QFETCH(int, expected);
    QTemporaryDir tmp;
    KeySpace keys;
    auto store = openStore(tmp.path(), keys);
    QVERIFY(store);
    for (int i = 0; i < 3; ++i)
        store->put(key(keys, "product", "p" + std::to_string(i), 1), entry("v1", 1), 1);
    store->put(key(keys, "product", "p0", 2), entry("v2", 1), 1);
    store->put(key(keys, "config", "c0", 1), entry("c", 1), 1);
    store->put(key(keys, "config", "c1", 1), entry("c", 1), 1);

    PurgeScope scope;
    scope.kind = static_cast<PurgeScope::Kind>(kind);
    scope.key = key(keys, "product", "p1", 1);
    scope.ns = keys.namespaceId("product");
    QCOMPARE(store->countMatching(scope), std::size_t(expected));
    QCOMPARE(store->purge(scope), std::size_t(expected));
    QCOMPARE(store->countMatching(scope), std::size_t(0));
    QCOMPARE(store->usage().entries, std::uint64_t(6 - expected));
    store->flush();
    QCOMPARE(filesBelow(tmp.path()).size(), 6 - expected);
}

void TestDiskStoreEviction::keepForExpiry()
{
    QTemporaryDir tmp;
    KeySpace keys;
    auto store = openStore(tmp.path(), keys);
    const StoredKey k = key(keys, "product", "old");
    store->put(k, entry("x", 1000), 1000);
    QCOMPARE(store->get(k, 1100, 100).status, TierStatus::Hit);
    QCOMPARE(store->get(k, 1101, 100).status, TierStatus::Miss);
    QVERIFY(!store->peek(k));
    store->flush();
    QCOMPARE(filesBelow(tmp.path()).size(), 0);
}

void TestDiskStoreEviction::eraseRemovesFile()
{
    QTemporaryDir tmp;
    KeySpace keys;
    auto store = openStore(tmp.path(), keys);
    const StoredKey k = key(keys, "product", "doomed");
    store->put(k, entry("x", 1), 1);
    QCOMPARE(store->erase(k, 2).status, TierStatus::Hit);
    QCOMPARE(store->erase(k, 2).status, TierStatus::Hit); // absent is fine
    QCOMPARE(store->get(k, 2, kForever).status, TierStatus::Miss);
    store->flush();
    QCOMPARE(filesBelow(tmp.path()).size(), 0);
}

QTEST_APPLESS_MAIN(TestDiskStoreEviction)
#include "tst_diskstoreeviction.moc"
