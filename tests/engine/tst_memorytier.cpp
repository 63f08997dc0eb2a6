// Tests of MemoryTier, the node's in-process edge cache and edge KV: hits
// carry the body, keepFor expiry, put / erase always answer Hit at latency 0,
// purge scopes, capacity eviction, and an oversize copy dropping the old one.
#include "tiers/memorytier.h"

#include <QtTest>

#include <memory>
#include <string>

using namespace fallback;

namespace {

StoredKey key(std::uint32_t rid, NamespaceId ns = 0, std::uint64_t version = 0)
{
    return StoredKey{version, rid, ns};
}

Entry entry(const std::string& body, Micros storedAt = 0)
{
    Entry e;
    e.storedAt = storedAt;
    e.size = static_cast<std::uint32_t>(body.size());
    e.body = std::make_shared<const std::string>(body);
    return e;
}

constexpr Micros kForever = std::numeric_limits<Micros>::max() / 4;

} // namespace

class TestMemoryTier : public QObject {
    Q_OBJECT

private slots:
    void hitAndMiss();
    void expiryByKeepFor_data();
    void expiryByKeepFor();
    void eraseAnswersHit();
    void purgeScopes_data();
    void purgeScopes();
    void capacityEvicts();
    void oversizeDropsOldCopy();
};

void TestMemoryTier::hitAndMiss()
{
    MemoryTier tier(Capacity{}, EvictionKind::Lru);
    QCOMPARE(tier.get(key(1), 0, kForever).status, TierStatus::Miss);

    const TierAnswer stored = tier.put(key(1), entry("hello", 10), 10);
    QCOMPARE(stored.status, TierStatus::Hit);
    QCOMPARE(stored.latency, Micros(0));

    const TierAnswer hit = tier.get(key(1), 20, kForever);
    QCOMPARE(hit.status, TierStatus::Hit);
    QCOMPARE(hit.latency, Micros(0));
    QCOMPARE(hit.entry.storedAt, Micros(10));
    QCOMPARE(hit.entry.size, 5u);
    QVERIFY(hit.entry.body);
    QCOMPARE(*hit.entry.body, std::string("hello"));

    // Another version or namespace of the same resource is another key.
    QCOMPARE(tier.get(key(1, 0, 1), 20, kForever).status, TierStatus::Miss);
    QCOMPARE(tier.get(key(1, 1, 0), 20, kForever).status, TierStatus::Miss);

    QVERIFY(tier.peek(key(1)).has_value());
    QVERIFY(!tier.peek(key(2)).has_value());
    QCOMPARE(tier.usage().entries, std::uint64_t(1));
    QCOMPARE(tier.usage().bytes, std::uint64_t(5));
}

void TestMemoryTier::expiryByKeepFor_data()
{
    QTest::addColumn<qint64>("age");
    QTest::addColumn<qint64>("keepFor");
    QTest::addColumn<bool>("hit");
    QTest::newRow("young") << qint64(10) << qint64(100) << true;
    QTest::newRow("exactly keepFor") << qint64(100) << qint64(100) << true;
    QTest::newRow("past keepFor") << qint64(101) << qint64(100) << false;
    QTest::newRow("forever") << qint64(1'000'000'000) << qint64(kForever) << true;
}

void TestMemoryTier::expiryByKeepFor()
{
    QFETCH(qint64, age);
    QFETCH(qint64, keepFor);
    QFETCH(bool, hit);
    MemoryTier tier(Capacity{}, EvictionKind::Lru);
    tier.put(key(7), entry("x", 1000), 1000);
    const TierAnswer answer = tier.get(key(7), 1000 + age, keepFor);
    QCOMPARE(answer.status, hit ? TierStatus::Hit : TierStatus::Miss);
    // An expired copy is gone, not merely hidden.
    QCOMPARE(tier.peek(key(7)).has_value(), hit);
}

void TestMemoryTier::eraseAnswersHit()
{
    MemoryTier tier(Capacity{}, EvictionKind::Lru);
    tier.put(key(1), entry("a"), 0);
    QCOMPARE(tier.erase(key(1), 0).status, TierStatus::Hit);
    QCOMPARE(tier.erase(key(1), 0).status, TierStatus::Hit); // absent is fine
    QCOMPARE(tier.get(key(1), 0, kForever).status, TierStatus::Miss);
    QCOMPARE(tier.usage().entries, std::uint64_t(0));
}

void TestMemoryTier::purgeScopes_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<int>("expected");
    QTest::newRow("key") << int(PurgeScope::Kind::Key) << 1;
    QTest::newRow("namespace, every version") << int(PurgeScope::Kind::Namespace) << 4;
    QTest::newRow("all") << int(PurgeScope::Kind::All) << 7;
}

void TestMemoryTier::purgeScopes()
{
    QFETCH(int, kind);
    QFETCH(int, expected);
    MemoryTier tier(Capacity{}, EvictionKind::Sieve);
    for (std::uint32_t rid = 0; rid < 3; ++rid)
        tier.put(key(rid, 0, 1), entry("v1"), 0);
    tier.put(key(0, 0, 2), entry("v2"), 0);
    for (std::uint32_t rid = 0; rid < 3; ++rid)
        tier.put(key(rid, 1, 1), entry("other"), 0);

    PurgeScope scope;
    scope.kind = static_cast<PurgeScope::Kind>(kind);
    scope.key = key(2, 0, 1);
    scope.ns = 0;
    QCOMPARE(tier.countMatching(scope), std::size_t(expected));
    QCOMPARE(tier.purge(scope), std::size_t(expected));
    QCOMPARE(tier.countMatching(scope), std::size_t(0));
    QCOMPARE(tier.usage().entries, std::uint64_t(7 - expected));
}

void TestMemoryTier::capacityEvicts()
{
    MemoryTier tier(Capacity{3, 0}, EvictionKind::Lru);
    for (std::uint32_t rid = 0; rid < 3; ++rid)
        tier.put(key(rid), entry("abc"), 0);
    QCOMPARE(tier.get(key(0), 0, kForever).status, TierStatus::Hit); // 0 is now recent
    tier.put(key(3), entry("abc"), 0);
    QCOMPARE(tier.usage().entries, std::uint64_t(3));
    QCOMPARE(tier.usage().evictions, std::uint64_t(1));
    QVERIFY(!tier.peek(key(1)).has_value()); // least recently used left
    QVERIFY(tier.peek(key(0)).has_value());

    tier.setCapacity(Capacity{1, 0});
    QCOMPARE(tier.usage().entries, std::uint64_t(1));
    std::size_t listed = 0;
    tier.forEachKey([&](const StoredKey&, const Entry&) {
        ++listed;
        return true;
    });
    QCOMPARE(listed, std::size_t(1));
}

void TestMemoryTier::oversizeDropsOldCopy()
{
    MemoryTier tier(Capacity{0, 8}, EvictionKind::Lru);
    tier.put(key(1), entry("small"), 0);
    const TierAnswer answer = tier.put(key(1), entry("much too large"), 1);
    QCOMPARE(answer.status, TierStatus::Hit);
    QCOMPARE(tier.get(key(1), 1, kForever).status, TierStatus::Miss);
    QCOMPARE(tier.usage().bytes, std::uint64_t(0));
}

QTEST_APPLESS_MAIN(TestMemoryTier)
#include "tst_memorytier.moc"
