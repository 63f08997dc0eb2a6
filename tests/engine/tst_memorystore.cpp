// Tests of MemoryStore: capacity by entries and by bytes, replacement,
// oversize entries, purge scopes and counts, keepFor expiry, listing, and a
// random sequence of operations against a reference LRU store.
#include "tiers/memorystore.h"

#include "sim/workload.h"

#include <QtTest>

#include <list>
#include <unordered_map>

using namespace fallback;

namespace {

StoredKey key(std::uint32_t rid, NamespaceId ns = 0, std::uint64_t version = 0)
{
    return StoredKey{version, rid, ns};
}

Entry entry(std::uint32_t size, Micros storedAt = 0)
{
    Entry e;
    e.size = size;
    e.storedAt = storedAt;
    return e;
}

constexpr Micros kForever = std::numeric_limits<Micros>::max() / 4;

} // namespace

class TestMemoryStore : public QObject {
    Q_OBJECT

private slots:
    void capacityByEntries_data();
    void capacityByEntries();
    void capacityByBytes();
    void capacityOnBothAxes();
    void replaceUpdatesBytes();
    void oversizeEntryIsNotStored();
    void getTouchesPeekDoesNot();
    void purgeAndCount_data();
    void purgeAndCount();
    void keepForExpiry();
    void forEachVisitsEveryEntryAndStops();
    void setCapacityEvictsAtOnce();
    void setCapacityFromUnbounded();
    void clearEmptiesTheStore();
    void randomOperationsMatchReferenceLru();
};

void TestMemoryStore::capacityByEntries_data()
{
    QTest::addColumn<int>("capacity");
    QTest::addColumn<int>("inserts");
    QTest::newRow("under") << 10 << 5;
    QTest::newRow("exactly full") << 10 << 10;
    QTest::newRow("over") << 10 << 25;
    QTest::newRow("capacity 1") << 1 << 4;
    QTest::newRow("unbounded (0)") << 0 << 100;
}

void TestMemoryStore::capacityByEntries()
{
    QFETCH(int, capacity);
    QFETCH(int, inserts);
    MemoryStore store(Capacity{std::uint64_t(capacity), 0}, EvictionKind::Lru);
    for (int i = 0; i < inserts; ++i)
        QVERIFY(store.put(key(std::uint32_t(i)), entry(10)));
    const int kept = capacity == 0 ? inserts : std::min(capacity, inserts);
    QCOMPARE(store.usage().entries, std::uint64_t(kept));
    QCOMPARE(store.usage().bytes, std::uint64_t(kept) * 10);
    QCOMPARE(store.usage().evictions, std::uint64_t(inserts - kept));
    // LRU with no reads: the newest `kept` survive.
    for (int i = 0; i < inserts; ++i)
        QCOMPARE(store.peek(key(std::uint32_t(i))) != nullptr, i >= inserts - kept);
}

void TestMemoryStore::capacityByBytes()
{
    MemoryStore store(Capacity{0, 1000}, EvictionKind::Lru);
    for (std::uint32_t i = 0; i < 3; ++i)
        QVERIFY(store.put(key(i), entry(300)));
    QCOMPARE(store.usage().bytes, 900u);
    QVERIFY(store.put(key(3), entry(300))); // 1200 > 1000: the oldest leaves
    QCOMPARE(store.usage().entries, 3u);
    QCOMPARE(store.usage().bytes, 900u);
    QVERIFY(!store.peek(key(0)));
    QVERIFY(store.put(key(4), entry(1000))); // fills the store alone
    QCOMPARE(store.usage().entries, 1u);
    QCOMPARE(store.usage().bytes, 1000u);
    QCOMPARE(store.usage().evictions, 4u);
    QVERIFY(store.peek(key(4)));
}

void TestMemoryStore::capacityOnBothAxes()
{
    MemoryStore store(Capacity{3, 1000}, EvictionKind::Lru);
    for (std::uint32_t i = 0; i < 4; ++i)
        store.put(key(i), entry(10));
    QCOMPARE(store.usage().entries, 3u); // entries bind first: 1, 2, 3 left
    store.put(key(10), entry(990));      // then bytes: 1 for the count, 2 for the bytes
    QCOMPARE(store.usage().bytes, 1000u);
    QCOMPARE(store.usage().entries, 2u);
    QVERIFY(store.peek(key(3)));
    QVERIFY(store.peek(key(10)));
}

void TestMemoryStore::replaceUpdatesBytes()
{
    MemoryStore store(Capacity{0, 1000}, EvictionKind::Lru);
    store.put(key(1), entry(100, 1));
    store.put(key(2), entry(200));
    QCOMPARE(store.usage().bytes, 300u);
    QVERIFY(store.put(key(1), entry(400, 2)));
    QCOMPARE(store.usage().entries, 2u);
    QCOMPARE(store.usage().bytes, 600u);
    QCOMPARE(store.peek(key(1))->storedAt, Micros(2));
    QCOMPARE(store.peek(key(1))->size, 400u);
    QVERIFY(store.put(key(1), entry(50)));
    QCOMPARE(store.usage().bytes, 250u);
    // Growing the replaced entry pushes out the others, not itself.
    QVERIFY(store.put(key(1), entry(900)));
    QCOMPARE(store.usage().entries, 1u);
    QCOMPARE(store.usage().bytes, 900u);
    QVERIFY(store.peek(key(1)));
    QCOMPARE(store.usage().evictions, 1u);
}

void TestMemoryStore::oversizeEntryIsNotStored()
{
    MemoryStore store(Capacity{0, 1000}, EvictionKind::Lru);
    store.put(key(1), entry(100));
    store.put(key(2), entry(100));
    QVERIFY(!store.put(key(3), entry(1001)));
    QVERIFY(!store.peek(key(3)));
    QCOMPARE(store.usage().entries, 2u);
    QCOMPARE(store.usage().bytes, 200u);
    QCOMPARE(store.usage().evictions, 0u); // nothing was pushed out for it
    // An oversize replacement removes the old copy: it would be out of date.
    QVERIFY(!store.put(key(1), entry(5000)));
    QVERIFY(!store.peek(key(1)));
    QCOMPARE(store.usage().bytes, 100u);
    // Without a byte limit any size is kept.
    MemoryStore unbounded(Capacity{10, 0}, EvictionKind::Lru);
    QVERIFY(unbounded.put(key(1), entry(0xFFFFFFFFu)));
    QCOMPARE(unbounded.usage().bytes, 0xFFFFFFFFull);
}

void TestMemoryStore::getTouchesPeekDoesNot()
{
    MemoryStore store(Capacity{3, 0}, EvictionKind::Lru);
    for (std::uint32_t i = 0; i < 3; ++i)
        store.put(key(i), entry(1));
    QVERIFY(store.peek(key(0)));        // no touch: 0 stays the oldest
    QVERIFY(store.get(key(1), 0, kForever)); // 1 becomes the newest
    store.put(key(3), entry(1));
    QVERIFY(!store.peek(key(0)));
    store.put(key(4), entry(1));
    QVERIFY(!store.peek(key(2)));
    QVERIFY(store.peek(key(1)));
    QVERIFY(!store.get(key(99), 0, kForever));
}

void TestMemoryStore::purgeAndCount_data()
{
    QTest::addColumn<int>("kind"); // PurgeScope::Kind
    QTest::addColumn<int>("ns");
    QTest::addColumn<int>("rid");
    QTest::addColumn<int>("version");
    QTest::addColumn<int>("matching");

    const int keyKind = int(PurgeScope::Kind::Key);
    const int nsKind = int(PurgeScope::Kind::Namespace);
    const int allKind = int(PurgeScope::Kind::All);
    // Contents: ns 0 rids 0..4 v0, ns 0 rid 0 v1, ns 1 rids 0..2 v3.
    QTest::newRow("key present") << keyKind << 0 << 2 << 0 << 1;
    QTest::newRow("key, other version") << keyKind << 0 << 0 << 1 << 1;
    QTest::newRow("key, unknown version") << keyKind << 0 << 0 << 2 << 0;
    QTest::newRow("key, other namespace") << keyKind << 1 << 4 << 3 << 0;
    QTest::newRow("namespace 0, every version") << nsKind << 0 << 0 << 0 << 6;
    QTest::newRow("namespace 1") << nsKind << 1 << 0 << 0 << 3;
    QTest::newRow("namespace absent") << nsKind << 7 << 0 << 0 << 0;
    QTest::newRow("all") << allKind << 0 << 0 << 0 << 9;
}

void TestMemoryStore::purgeAndCount()
{
    QFETCH(int, kind);
    QFETCH(int, ns);
    QFETCH(int, rid);
    QFETCH(int, version);
    QFETCH(int, matching);

    MemoryStore store(Capacity{}, EvictionKind::Sieve);
    for (std::uint32_t r = 0; r < 5; ++r)
        store.put(key(r, 0, 0), entry(10));
    store.put(key(0, 0, 1), entry(10));
    for (std::uint32_t r = 0; r < 3; ++r)
        store.put(key(r, 1, 3), entry(10));

    PurgeScope scope;
    scope.kind = PurgeScope::Kind(kind);
    scope.ns = NamespaceId(ns);
    scope.key = key(std::uint32_t(rid), NamespaceId(ns), std::uint64_t(version));

    QCOMPARE(store.countMatching(scope), std::size_t(matching));
    QCOMPARE(store.usage().entries, 9u);
    QCOMPARE(store.purge(scope), std::size_t(matching));
    QCOMPARE(store.usage().entries, std::uint64_t(9 - matching));
    QCOMPARE(store.usage().bytes, std::uint64_t(9 - matching) * 10);
    QCOMPARE(store.countMatching(scope), 0u);
    QCOMPARE(store.purge(scope), 0u);
    QCOMPARE(store.usage().evictions, 0u); // a purge is not an eviction
    std::size_t listed = 0;
    store.forEach([&](const StoredKey& k, const Entry&) {
        listed += 1;
        return !scope.matches(k); // none left in scope
    });
    QCOMPARE(listed, std::size_t(9 - matching));
    // The store still works after the purge (slots reused, eviction intact).
    store.put(key(100, 5), entry(10));
    QVERIFY(store.get(key(100, 5), 0, kForever));
}

void TestMemoryStore::keepForExpiry()
{
    MemoryStore store(Capacity{10, 0}, EvictionKind::Lru);
    store.put(key(1), entry(100, 1000));
    store.put(key(2), entry(50, 1000));
    const Micros keepFor = 500;
    QVERIFY(store.get(key(1), 1000 + keepFor, keepFor)); // exactly keepFor: kept
    QVERIFY(!store.get(key(1), 1000 + keepFor + 1, keepFor));
    QVERIFY(!store.peek(key(1))); // removed, not only hidden
    QCOMPARE(store.usage().entries, 1u);
    QCOMPARE(store.usage().bytes, 50u);
    QCOMPARE(store.usage().evictions, 0u);
    // A longer keepFor does not bring it back.
    QVERIFY(!store.get(key(1), 1000, kForever));
    // peek ignores age.
    QVERIFY(store.peek(key(2)));
    QVERIFY(store.get(key(2), 1'000'000, kForever));
}

void TestMemoryStore::forEachVisitsEveryEntryAndStops()
{
    MemoryStore store(Capacity{}, EvictionKind::Lru);
    for (std::uint32_t i = 0; i < 20; ++i)
        store.put(key(i), entry(i));
    store.erase(key(7));
    std::vector<bool> seen(20, false);
    int visits = 0;
    store.forEach([&](const StoredKey& k, const Entry& e) {
        ++visits;
        seen[k.rid] = true;
        return e.size == k.rid;
    });
    QCOMPARE(visits, 19);
    QVERIFY(!seen[7]);
    int stopped = 0;
    store.forEach([&](const StoredKey&, const Entry&) { return ++stopped < 5; });
    QCOMPARE(stopped, 5);
    QVERIFY(store.erase(key(8)));
    QVERIFY(!store.erase(key(8)));
}

void TestMemoryStore::setCapacityEvictsAtOnce()
{
    MemoryStore store(Capacity{10, 0}, EvictionKind::Lru);
    for (std::uint32_t i = 0; i < 10; ++i)
        store.put(key(i), entry(1));
    store.setCapacity(Capacity{4, 0});
    QCOMPARE(store.usage().entries, 4u);
    QCOMPARE(store.usage().evictions, 6u);
    for (std::uint32_t i = 6; i < 10; ++i)
        QVERIFY(store.peek(key(i)));
    QCOMPARE(store.capacity(), (Capacity{4, 0}));
}

void TestMemoryStore::setCapacityFromUnbounded()
{
    // An unbounded store that becomes bounded (a scenario edit) evicts at
    // once; with no use order known, the oldest copies leave first.
    MemoryStore store(Capacity{}, EvictionKind::Lru);
    const std::uint32_t order[] = {5, 2, 8, 0, 9, 1, 7, 3, 6, 4}; // storedAt = rid
    for (std::uint32_t rid : order)
        store.put(key(rid), entry(10, Micros(rid)));
    QVERIFY(store.get(key(0), 0, kForever));
    store.setCapacity(Capacity{4, 0});
    QCOMPARE(store.usage().entries, 4u);
    QCOMPARE(store.usage().bytes, 40u);
    for (std::uint32_t rid = 6; rid < 10; ++rid)
        QVERIFY(store.peek(key(rid)));
    // From now on it evicts like any bounded store.
    store.put(key(20), entry(10, 20));
    QCOMPARE(store.usage().entries, 4u);
    QVERIFY(!store.peek(key(6)));
    QVERIFY(store.peek(key(20)));
}

void TestMemoryStore::clearEmptiesTheStore()
{
    MemoryStore store(Capacity{3, 0}, EvictionKind::Sieve);
    for (std::uint32_t i = 0; i < 3; ++i)
        store.put(key(i), entry(5));
    store.clear();
    QCOMPARE(store.usage().entries, 0u);
    QCOMPARE(store.usage().bytes, 0u);
    QVERIFY(!store.peek(key(0)));
    for (std::uint32_t i = 10; i < 20; ++i)
        store.put(key(i), entry(5));
    QCOMPARE(store.usage().entries, 3u);
}

void TestMemoryStore::randomOperationsMatchReferenceLru()
{
    // A reference LRU store with entry and byte limits: front = most recent.
    struct Reference {
        Reference(std::uint64_t entries, std::uint64_t bytesLimit)
            : maxEntries(entries), maxBytes(bytesLimit)
        {
        }
        std::uint64_t maxEntries, maxBytes;
        std::list<std::pair<std::uint32_t, std::uint32_t>> order; // rid, size
        std::unordered_map<std::uint32_t, decltype(order)::iterator> index;
        std::uint64_t bytes = 0;

        bool put(std::uint32_t rid, std::uint32_t size)
        {
            if (maxBytes && size > maxBytes) {
                erase(rid);
                return false;
            }
            if (auto it = index.find(rid); it != index.end()) {
                bytes = bytes - it->second->second + size;
                order.erase(it->second);
            } else {
                bytes += size;
            }
            order.emplace_front(rid, size);
            index[rid] = order.begin();
            while ((maxEntries && order.size() > maxEntries) || (maxBytes && bytes > maxBytes)) {
                bytes -= order.back().second;
                index.erase(order.back().first);
                order.pop_back();
            }
            return true;
        }
        bool get(std::uint32_t rid)
        {
            auto it = index.find(rid);
            if (it == index.end())
                return false;
            order.splice(order.begin(), order, it->second);
            return true;
        }
        void erase(std::uint32_t rid)
        {
            if (auto it = index.find(rid); it != index.end()) {
                bytes -= it->second->second;
                order.erase(it->second);
                index.erase(it);
            }
        }
    };

    Reference reference(40, 20000);
    MemoryStore store(Capacity{40, 20000}, EvictionKind::Lru);
    Random random(5);
    ZipfSampler zipf(200, 0.8);
    for (int step = 0; step < 50000; ++step) {
        const std::uint32_t rid = zipf.sample(random);
        const std::uint64_t op = random.below(10);
        if (op < 5) {
            QCOMPARE(store.get(key(rid), 0, kForever) != nullptr, reference.get(rid));
        } else if (op < 9) {
            const auto size = std::uint32_t(1 + random.below(op == 8 ? 25000 : 1500));
            QCOMPARE(store.put(key(rid), entry(size)), reference.put(rid, size));
        } else {
            QCOMPARE(store.erase(key(rid)), reference.index.count(rid) == 1);
            reference.erase(rid);
        }
        QCOMPARE(store.usage().entries, std::uint64_t(reference.order.size()));
        QCOMPARE(store.usage().bytes, reference.bytes);
    }
    for (const auto& [rid, size] : reference.order)
        QCOMPARE(store.peek(key(rid))->size, size);
}

QTEST_APPLESS_MAIN(TestMemoryStore)
#include "tst_memorystore.moc"
