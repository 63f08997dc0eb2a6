// Tests of the eviction policies: LruPolicy against a textbook std::list
// LRU and SievePolicy against a straightforward implementation of the SIEVE
// paper's algorithm (Zhang et al., NSDI '24), victim by victim on random
// Zipf sequences; both also through MemoryStore, which is how tiers use them.
#include "tiers/eviction.h"

#include "sim/workload.h"
#include "tiers/memorystore.h"

#include <QtTest>

#include <list>
#include <optional>
#include <set>
#include <unordered_map>

using namespace fallback;

namespace {

constexpr Micros kForever = std::numeric_limits<Micros>::max() / 4;

/// A cache of `capacity` objects in front of an abstract policy; returns
/// whether an access hit and which key (if any) it evicted.
class ReferenceCache {
public:
    virtual ~ReferenceCache() = default;
    virtual bool access(std::uint32_t key, std::optional<std::uint32_t>& victim) = 0;
};

/// Textbook LRU: front = most recently used.
class ReferenceLru final : public ReferenceCache {
public:
    explicit ReferenceLru(std::size_t capacity) : m_capacity(capacity) {}
    bool access(std::uint32_t key, std::optional<std::uint32_t>& victim) override
    {
        victim.reset();
        if (const auto it = m_index.find(key); it != m_index.end()) {
            m_order.splice(m_order.begin(), m_order, it->second);
            return true;
        }
        if (m_order.size() == m_capacity) {
            victim = m_order.back();
            m_index.erase(m_order.back());
            m_order.pop_back();
        }
        m_order.push_front(key);
        m_index[key] = m_order.begin();
        return false;
    }
    void remove(std::uint32_t key)
    {
        if (const auto it = m_index.find(key); it != m_index.end()) {
            m_order.erase(it->second);
            m_index.erase(it);
        }
    }

private:
    std::size_t m_capacity;
    std::list<std::uint32_t> m_order;
    std::unordered_map<std::uint32_t, std::list<std::uint32_t>::iterator> m_index;
};

/// SIEVE as in the paper's Figure: a FIFO queue (new objects at the head),
/// a visited bit set on a hit, and on a miss with a full cache the hand
/// moves from the tail towards the head, clearing visited bits, wrapping to
/// the tail, and evicts the first unvisited object; the hand stays at the
/// victim's newer neighbour. Eviction happens before the insertion.
class ReferenceSieve final : public ReferenceCache {
public:
    explicit ReferenceSieve(std::size_t capacity) : m_capacity(capacity) {}
    bool access(std::uint32_t key, std::optional<std::uint32_t>& victim) override
    {
        victim.reset();
        if (const auto it = m_index.find(key); it != m_index.end()) {
            it->second->visited = true;
            return true;
        }
        if (m_queue.size() == m_capacity)
            victim = evict();
        m_queue.push_front(Node{key, false});
        m_index[key] = m_queue.begin();
        return false;
    }

private:
    struct Node {
        std::uint32_t key;
        bool visited;
    };
    using Iterator = std::list<Node>::iterator;

    std::uint32_t evict()
    {
        Iterator object = m_hand ? *m_hand : std::prev(m_queue.end());
        while (object->visited) {
            object->visited = false;
            object = object == m_queue.begin() ? std::prev(m_queue.end()) : std::prev(object);
        }
        if (object == m_queue.begin())
            m_hand.reset();
        else
            m_hand = std::prev(object);
        const std::uint32_t key = object->key;
        m_index.erase(key);
        m_queue.erase(object);
        return key;
    }

    std::size_t m_capacity;
    std::list<Node> m_queue; // front = head (newest), back = tail (oldest)
    std::unordered_map<std::uint32_t, Iterator> m_index;
    std::optional<Iterator> m_hand;
};

/// An EvictionPolicy driven as a cache of `capacity` objects in the paper's
/// order: on a miss with a full cache, evict first, then track the new one.
class PolicyCache final : public ReferenceCache {
public:
    PolicyCache(EvictionPolicy& policy, std::size_t capacity) : m_policy(policy), m_capacity(capacity) {}
    bool access(std::uint32_t key, std::optional<std::uint32_t>& victim) override
    {
        victim.reset();
        if (const auto it = m_slotOf.find(key); it != m_slotOf.end()) {
            m_policy.touch(it->second);
            return true;
        }
        if (m_slotOf.size() == m_capacity) {
            const std::uint32_t slot = m_policy.evict();
            victim = m_keyOf.at(slot);
            m_slotOf.erase(*victim);
            m_free.push_back(slot);
        }
        std::uint32_t slot;
        if (!m_free.empty()) {
            slot = m_free.back();
            m_free.pop_back();
        } else {
            slot = static_cast<std::uint32_t>(m_keyOf.size());
            m_keyOf.push_back(0);
        }
        m_keyOf[slot] = key;
        m_slotOf[key] = slot;
        m_policy.track(slot);
        return false;
    }
    void remove(std::uint32_t key)
    {
        if (const auto it = m_slotOf.find(key); it != m_slotOf.end()) {
            m_policy.remove(it->second);
            m_free.push_back(it->second);
            m_slotOf.erase(it);
        }
    }

private:
    EvictionPolicy& m_policy;
    std::size_t m_capacity;
    std::unordered_map<std::uint32_t, std::uint32_t> m_slotOf;
    std::vector<std::uint32_t> m_keyOf;
    std::vector<std::uint32_t> m_free;
};

std::vector<std::uint32_t> zipfSequence(std::uint64_t keys, double exponent, std::size_t length,
                                        std::uint64_t seed)
{
    Random random(seed);
    ZipfSampler zipf(keys, exponent);
    std::vector<std::uint32_t> sequence(length);
    for (auto& key : sequence)
        key = zipf.sample(random);
    return sequence;
}

void addSequenceRows()
{
    QTest::addColumn<int>("capacity");
    QTest::addColumn<int>("keys");
    QTest::addColumn<double>("zipf");
    QTest::addColumn<int>("seed");
    QTest::newRow("C=1") << 1 << 20 << 0.9 << 1;
    QTest::newRow("C=2") << 2 << 20 << 0.9 << 2;
    QTest::newRow("C=10 keys=100 zipf=0.8") << 10 << 100 << 0.8 << 3;
    QTest::newRow("C=50 keys=1000 zipf=1.0") << 50 << 1000 << 1.0 << 4;
    QTest::newRow("C=100 keys=1000 zipf=0.6") << 100 << 1000 << 0.6 << 5;
    QTest::newRow("C=200 keys=300 uniform") << 200 << 300 << 0.0 << 6;
}

/// What replaying one sequence through a cache and its reference gave.
struct Replay {
    std::uint64_t hits = 0, referenceHits = 0;
    QString mismatch; ///< the first step where the two evicted differently
};

Replay replayBoth(ReferenceCache& cache, ReferenceCache& reference,
                  const std::vector<std::uint32_t>& sequence, const char* referenceName)
{
    Replay replay;
    std::optional<std::uint32_t> victim, referenceVictim;
    for (std::size_t i = 0; i < sequence.size(); ++i) {
        replay.hits += cache.access(sequence[i], victim);
        replay.referenceHits += reference.access(sequence[i], referenceVictim);
        if (victim != referenceVictim) {
            replay.mismatch = QStringLiteral("step %1: evicted %2, %3 evicts %4")
                                  .arg(i)
                                  .arg(victim ? qint64(*victim) : -1)
                                  .arg(QLatin1String(referenceName))
                                  .arg(referenceVictim ? qint64(*referenceVictim) : -1);
            break;
        }
    }
    return replay;
}

/// Replays `sequence` through a store-backed cache and returns the hits.
std::uint64_t storeHits(EvictionKind kind, std::size_t capacity,
                        const std::vector<std::uint32_t>& sequence)
{
    MemoryStore store(Capacity{capacity, 0}, kind);
    std::uint64_t hits = 0;
    for (std::uint32_t key : sequence) {
        const StoredKey k{0, key, 0};
        if (store.get(k, 0, kForever))
            ++hits;
        else
            store.put(k, Entry{});
    }
    return hits;
}

} // namespace

class TestEviction : public QObject {
    Q_OBJECT

private slots:
    void emptyPolicyHasNoVictim_data();
    void emptyPolicyHasNoVictim();
    void lruMatchesReference_data() { addSequenceRows(); }
    void lruMatchesReference();
    void lruWithRemovalsMatchesReference();
    void sieveMatchesPaper_data() { addSequenceRows(); }
    void sieveMatchesPaper();
    void sieveSparesVisitedOnce();
    void sieveRemoveKeepsTheQueueWhole();
    void storeLruMatchesReference_data() { addSequenceRows(); }
    void storeLruMatchesReference();
    void storeSieveMatchesPaper_data() { addSequenceRows(); }
    void storeSieveMatchesPaper();
};

void TestEviction::emptyPolicyHasNoVictim_data()
{
    QTest::addColumn<int>("kind");
    QTest::newRow("lru") << int(EvictionKind::Lru);
    QTest::newRow("sieve") << int(EvictionKind::Sieve);
}

void TestEviction::emptyPolicyHasNoVictim()
{
    QFETCH(int, kind);
    auto policy = makeEvictionPolicy(EvictionKind(kind));
    QCOMPARE(policy->evict(), EvictionPolicy::kNone);
    policy->track(3);
    policy->track(0);
    QVERIFY(policy->memorySize() > 0);
    const std::uint32_t first = policy->evict();
    const std::uint32_t second = policy->evict();
    QCOMPARE(std::set<std::uint32_t>({first, second}), std::set<std::uint32_t>({0, 3}));
    QCOMPARE(policy->evict(), EvictionPolicy::kNone);
    policy->track(1);
    policy->reset();
    QCOMPARE(policy->evict(), EvictionPolicy::kNone);
    policy->track(5); // usable after a reset
    QCOMPARE(policy->evict(), 5u);
}

void TestEviction::lruMatchesReference()
{
    QFETCH(int, capacity);
    QFETCH(int, keys);
    QFETCH(double, zipf);
    QFETCH(int, seed);
    LruPolicy policy;
    PolicyCache cache(policy, std::size_t(capacity));
    ReferenceLru reference{std::size_t(capacity)};
    const auto sequence = zipfSequence(std::uint64_t(keys), zipf, 20000, std::uint64_t(seed));
    const Replay replay = replayBoth(cache, reference, sequence, "LRU");
    if (!replay.mismatch.isEmpty())
        QFAIL(qPrintable(replay.mismatch));
    QCOMPARE(replay.hits, replay.referenceHits);
    QVERIFY(replay.hits > 0);
}

void TestEviction::lruWithRemovalsMatchesReference()
{
    LruPolicy policy;
    PolicyCache cache(policy, 30);
    ReferenceLru reference(30);
    Random random(11);
    ZipfSampler zipf(200, 0.9);
    std::optional<std::uint32_t> victim, referenceVictim;
    for (int i = 0; i < 30000; ++i) {
        const std::uint32_t key = zipf.sample(random);
        if (random.below(8) == 0) {
            cache.remove(key);
            reference.remove(key);
            continue;
        }
        QCOMPARE(cache.access(key, victim), reference.access(key, referenceVictim));
        QCOMPARE(victim, referenceVictim);
    }
}

void TestEviction::sieveMatchesPaper()
{
    QFETCH(int, capacity);
    QFETCH(int, keys);
    QFETCH(double, zipf);
    QFETCH(int, seed);
    SievePolicy policy;
    PolicyCache cache(policy, std::size_t(capacity));
    ReferenceSieve reference{std::size_t(capacity)};
    const auto sequence = zipfSequence(std::uint64_t(keys), zipf, 20000, std::uint64_t(seed));
    const Replay replay = replayBoth(cache, reference, sequence, "SIEVE");
    if (!replay.mismatch.isEmpty())
        QFAIL(qPrintable(replay.mismatch));
    QCOMPARE(replay.hits, replay.referenceHits);
}

void TestEviction::sieveSparesVisitedOnce()
{
    // Queue (oldest first) 0 1 2 3; 0 and 2 visited. The hand clears 0,
    // evicts 1; next time it starts at 2: clears it, evicts 3; then wraps to
    // the tail and evicts 0 (its bit was cleared).
    SievePolicy policy;
    for (std::uint32_t slot = 0; slot < 4; ++slot)
        policy.track(slot);
    policy.touch(0);
    policy.touch(2);
    QCOMPARE(policy.evict(), 1u);
    QCOMPARE(policy.evict(), 3u);
    QCOMPARE(policy.evict(), 0u);
    QCOMPARE(policy.evict(), 2u);
    QCOMPARE(policy.evict(), EvictionPolicy::kNone);
}

void TestEviction::sieveRemoveKeepsTheQueueWhole()
{
    // Removals (purge, expiry) anywhere, including at the hand: every
    // remaining slot is still evicted exactly once, removed ones never.
    SievePolicy policy;
    Random random(3);
    std::set<std::uint32_t> live;
    std::uint32_t next = 0;
    for (int step = 0; step < 20000; ++step) {
        const std::uint64_t op = random.below(10);
        if (op < 4 || live.empty()) {
            policy.track(next);
            live.insert(next++);
        } else if (op < 7) {
            auto it = live.begin();
            std::advance(it, std::ptrdiff_t(random.below(live.size())));
            policy.touch(*it);
        } else if (op < 9) {
            auto it = live.begin();
            std::advance(it, std::ptrdiff_t(random.below(live.size())));
            policy.remove(*it);
            live.erase(it);
        } else {
            const std::uint32_t victim = policy.evict();
            QVERIFY(live.erase(victim) == 1);
        }
    }
    while (!live.empty()) {
        const std::uint32_t victim = policy.evict();
        QVERIFY(live.erase(victim) == 1);
    }
    QCOMPARE(policy.evict(), EvictionPolicy::kNone);
}

void TestEviction::storeLruMatchesReference()
{
    QFETCH(int, capacity);
    QFETCH(int, keys);
    QFETCH(double, zipf);
    QFETCH(int, seed);
    const auto sequence = zipfSequence(std::uint64_t(keys), zipf, 20000, std::uint64_t(seed));
    ReferenceLru reference{std::size_t(capacity)};
    std::uint64_t referenceHits = 0;
    std::optional<std::uint32_t> victim;
    for (std::uint32_t key : sequence)
        referenceHits += reference.access(key, victim);
    QCOMPARE(storeHits(EvictionKind::Lru, std::size_t(capacity), sequence), referenceHits);
}

void TestEviction::storeSieveMatchesPaper()
{
    // MemoryStore is how tiers use SIEVE: a miss then a put must behave as
    // the paper's miss (evict, then insert at the head).
    QFETCH(int, capacity);
    QFETCH(int, keys);
    QFETCH(double, zipf);
    QFETCH(int, seed);
    const auto sequence = zipfSequence(std::uint64_t(keys), zipf, 20000, std::uint64_t(seed));
    ReferenceSieve reference{std::size_t(capacity)};
    std::uint64_t referenceHits = 0;
    std::optional<std::uint32_t> victim;
    for (std::uint32_t key : sequence)
        referenceHits += reference.access(key, victim);
    QCOMPARE(storeHits(EvictionKind::Sieve, std::size_t(capacity), sequence), referenceHits);
}

QTEST_APPLESS_MAIN(TestEviction)
#include "tst_eviction.moc"
