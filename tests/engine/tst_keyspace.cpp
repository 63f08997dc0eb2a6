// KeySpace: dense ids for names, and reclaim() handing unused resource ids
// back: freed names are no longer found, their ids are reused, kept ids
// never move, and the index stays right through many rounds (checked
// against a plain map).
#include "engine/keyspace.h"

#include <QtTest>

#include <map>
#include <random>
#include <set>

using namespace fallback;

class TestKeySpace : public QObject {
    Q_OBJECT

private slots:
    void internIsStableAndDense();
    void reclaimFreesOnlyUnused();
    void freedIdsAreReused();
    void idsBeyondTheMarksAreKept();
    void manyRoundsAgainstAMap();
};

void TestKeySpace::internIsStableAndDense()
{
    KeySpace keys;
    QCOMPARE(keys.intern("a"), ResourceId(0));
    QCOMPARE(keys.intern("b"), ResourceId(1));
    QCOMPARE(keys.intern("a"), ResourceId(0));
    QCOMPARE(keys.findResource("b"), std::optional<ResourceId>(1));
    QCOMPARE(keys.findResource("c"), std::nullopt);
    QCOMPARE(keys.resourceName(1), std::string("b"));
    QCOMPARE(keys.resourceCount(), std::size_t(2));
    QCOMPARE(keys.liveResourceCount(), std::size_t(2));
}

void TestKeySpace::reclaimFreesOnlyUnused()
{
    KeySpace keys;
    for (int i = 0; i < 1000; ++i)
        QCOMPARE(keys.intern("id-" + std::to_string(i)), ResourceId(i));
    std::vector<bool> inUse(1000, false);
    for (int i = 0; i < 1000; i += 3)
        inUse[i] = true;
    QCOMPARE(keys.reclaim(inUse), std::size_t(666));
    QCOMPARE(keys.liveResourceCount(), std::size_t(334));
    QCOMPARE(keys.resourceCount(), std::size_t(1000)); // ids are not renumbered
    for (int i = 0; i < 1000; ++i) {
        const std::string name = "id-" + std::to_string(i);
        if (i % 3 == 0) {
            QCOMPARE(keys.findResource(name), std::optional<ResourceId>(i));
            QCOMPARE(keys.resourceName(i), name);
        } else {
            QCOMPARE(keys.findResource(name), std::nullopt);
            QVERIFY(keys.resourceName(i).empty());
        }
    }
    // A second sweep with the same marks frees nothing more.
    QCOMPARE(keys.reclaim(inUse), std::size_t(0));
}

void TestKeySpace::freedIdsAreReused()
{
    KeySpace keys;
    for (int i = 0; i < 10; ++i)
        keys.intern("old-" + std::to_string(i));
    std::vector<bool> inUse(10, true);
    inUse[2] = inUse[7] = false;
    QCOMPARE(keys.reclaim(inUse), std::size_t(2));
    const ResourceId first = keys.intern("new-1");
    const ResourceId second = keys.intern("new-2");
    QCOMPARE(std::set<ResourceId>({first, second}), std::set<ResourceId>({2, 7}));
    QCOMPARE(keys.resourceCount(), std::size_t(10)); // no growth while ids are free
    QCOMPARE(keys.resourceName(first), std::string("new-1"));
    QCOMPARE(keys.findResource("new-2"), std::optional<ResourceId>(second));
    // An old name asked for again is a new resource with a new id.
    const ResourceId again = keys.intern("old-2");
    QCOMPARE(again, ResourceId(10));
    QCOMPARE(keys.findResource("old-2"), std::optional<ResourceId>(10));
    QCOMPARE(keys.liveResourceCount(), std::size_t(11));
}

void TestKeySpace::idsBeyondTheMarksAreKept()
{
    // Ids interned after the marks were taken are not judged by them.
    KeySpace keys;
    keys.intern("a");
    keys.intern("b");
    keys.intern("c");
    QCOMPARE(keys.reclaim(std::vector<bool>{false}), std::size_t(1));
    QCOMPARE(keys.findResource("a"), std::nullopt);
    QCOMPARE(keys.findResource("b"), std::optional<ResourceId>(1));
    QCOMPARE(keys.findResource("c"), std::optional<ResourceId>(2));
}

void TestKeySpace::manyRoundsAgainstAMap()
{
    std::mt19937_64 random(7);
    KeySpace keys;
    std::map<std::string, ResourceId> model; // the names the key space must know
    std::map<ResourceId, std::string> byId;
    std::size_t peak = 0;
    for (int round = 0; round < 40; ++round) {
        // Intern a burst of names from a universe wider than what is kept.
        for (int i = 0; i < 2000; ++i) {
            const std::string name = "r" + std::to_string(random() % 20000);
            const ResourceId rid = keys.intern(name);
            const auto [it, inserted] = model.emplace(name, rid);
            QCOMPARE(it->second, rid); // a known name keeps its id
            if (inserted) { // a new name gets an id nobody else has
                const auto [owner, fresh] = byId.emplace(rid, name);
                QVERIFY2(fresh, qPrintable(QStringLiteral("id %1 given to %2 and %3")
                                               .arg(rid)
                                               .arg(QString::fromStdString(owner->second),
                                                    QString::fromStdString(name))));
            }
        }
        peak = std::max(peak, keys.resourceCount());
        // Keep a random third, free the rest.
        std::vector<bool> inUse(keys.resourceCount(), false);
        for (auto it = model.begin(); it != model.end();) {
            if (random() % 3 == 0) {
                inUse[it->second] = true;
                ++it;
            } else {
                byId.erase(it->second);
                it = model.erase(it);
            }
        }
        keys.reclaim(inUse);
        QCOMPARE(keys.liveResourceCount(), model.size());
        for (const auto& [name, rid] : model) {
            QCOMPARE(keys.findResource(name), std::optional<ResourceId>(rid));
            QCOMPARE(keys.resourceName(rid), name);
        }
    }
    // Memory follows the ids in use, not the 80 000 interns: freed ids were
    // reused, so the id range stayed near one round's worth.
    QVERIFY2(peak < 4000, qPrintable(QString::number(peak)));
}

QTEST_APPLESS_MAIN(TestKeySpace)
#include "tst_keyspace.moc"
