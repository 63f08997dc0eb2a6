// Engine::reclaimUnusedIds(): ids nobody holds go back to the key space;
// ids held by a tier, a read, a fetch, a write or the KV queue stay, so that
// the ids handed out again afterwards never alias a resource in use.

#include "testsupport.h"

#include <QtTest>

#include <algorithm>

using namespace fallback;
using namespace fallback::test;

namespace {

Policy asyncPolicy()
{
    Policy policy;
    NamespacePolicy ns = testNamespace("product");
    ns.writeMode = WriteMode::AsyncBackfill;
    policy.namespaces.push_back(ns);
    return policy;
}

/// Interns `count` names nobody uses ("<prefix>0", ...).
void internUnused(KeySpace& keys, const char* prefix, int count)
{
    for (int i = 0; i < count; ++i)
        keys.intern(prefix + std::to_string(i));
}

/// A rig whose first ids are taken: no resource under test has id 0, the
/// value a default StoredKey carries.
void skipFirstIds(Rig& rig) { internUnused(rig.keys, "first-", 3); }

/// The name behind a tier's copy: what a request for it would be served.
std::string nameOf(const Rig& rig, const StoredKey& key) { return rig.keys.resourceName(key.rid); }

} // namespace

class TestEngineReclaim : public QObject {
    Q_OBJECT

private slots:
    void unusedIdsGoBack();
    void cachedIdsStay();
    void readInFlightKeepsItsId();
    void writeInFlightKeepsItsId();
    void queuedKvWriteKeepsItsId();
};

void TestEngineReclaim::unusedIdsGoBack()
{
    Rig rig;
    skipFirstIds(rig);
    QVERIFY(rig.clock.jumpTo(kStart));
    QCOMPARE(rig.readNow("product", "a").status, 200);
    internUnused(rig.keys, "junk-", 100);
    QCOMPARE(rig.engine->reclaimUnusedIds(), std::size_t(103));
    QVERIFY(!rig.keys.findResource("junk-7"));
    QVERIFY(rig.keys.findResource("a"));
    QCOMPARE(rig.engine->reclaimUnusedIds(), std::size_t(0));
}

void TestEngineReclaim::cachedIdsStay()
{
    // Only the edge cache holds "e" (seeded there): it survives the sweep,
    // keeps its id, and is still served from the edge with its own body.
    Rig rig;
    skipFirstIds(rig);
    QVERIFY(rig.clock.jumpTo(kStart));
    const StoredKey key = rig.key("product", "e");
    rig.edge().seed(key, makeEntry(kStart, "edge copy"));
    internUnused(rig.keys, "junk-", 50);
    QCOMPARE(rig.engine->reclaimUnusedIds(), std::size_t(53));
    internUnused(rig.keys, "new-", 50); // takes the freed ids
    QCOMPARE(rig.keys.findResource("e"), std::optional<ResourceId>(key.rid));
    const ReadResult read = rig.readNow("product", "e");
    QCOMPARE(read.servedBy, ServedBy::EdgeCache);
    QCOMPARE(bodyOf(read.entry), QStringLiteral("edge copy"));
}

void TestEngineReclaim::readInFlightKeepsItsId()
{
    // While the origin fetch is in flight no tier holds "b": only the read,
    // the fetch and the single-flight table do.
    Rig rig;
    skipFirstIds(rig);
    QVERIFY(rig.clock.jumpTo(kStart));
    rig.origin().setLatency(ms(100));
    auto read = rig.read("product", "b");
    QVERIFY(!read->has_value());
    const ResourceId rid = *rig.keys.findResource("b");
    internUnused(rig.keys, "junk-", 50);
    QCOMPARE(rig.engine->reclaimUnusedIds(), std::size_t(53));
    internUnused(rig.keys, "new-", 50);
    QCOMPARE(rig.keys.findResource("b"), std::optional<ResourceId>(rid));

    QVERIFY(rig.clock.runUntilIdle());
    QVERIFY(read->has_value());
    QCOMPARE((*read)->status, 200);
    QCOMPARE((*read)->servedBy, ServedBy::Origin);
    // The back-filled copies are filed under "b", not under a newcomer.
    std::size_t copies = 0;
    rig.edge().forEachKey([&](const StoredKey& key, const Entry&) {
        copies += nameOf(rig, key) == "b";
        return true;
    });
    QCOMPARE(copies, std::size_t(1));
    QVERIFY(rig.kv().peek(rig.key("product", "b")).has_value());
}

void TestEngineReclaim::writeInFlightKeepsItsId()
{
    Rig rig;
    skipFirstIds(rig);
    QVERIFY(rig.clock.jumpTo(kStart));
    rig.origin().setLatency(ms(100));
    auto write = rig.write("product", "w", makeEntry(0, "written"));
    const ResourceId rid = *rig.keys.findResource("w");
    internUnused(rig.keys, "junk-", 20);
    QCOMPARE(rig.engine->reclaimUnusedIds(), std::size_t(23));
    internUnused(rig.keys, "new-", 20);
    QCOMPARE(rig.keys.findResource("w"), std::optional<ResourceId>(rid));

    QVERIFY(rig.clock.runUntilIdle());
    QVERIFY(write->has_value() && (*write)->ok);
    const StoredKey key = rig.key("product", "w");
    QCOMPARE(key.rid, rid);
    QCOMPARE(bodyOf(rig.origin().written(key)), QStringLiteral("written"));
    QCOMPARE(bodyOf(rig.edge().peek(key)), QStringLiteral("written"));
}

void TestEngineReclaim::queuedKvWriteKeepsItsId()
{
    // Async back-fill with the KV down: three writes wait in the retry
    // queue, then land under their own names once the KV is back. Each write
    // reuses the finished one's slot, and the drain retries "q" first: "r"
    // is held by the queue alone (a real origin keeps no ids).
    Rig rig(kAll, asyncPolicy());
    skipFirstIds(rig);
    QVERIFY(rig.clock.jumpTo(kStart));
    rig.kv().setDown(true);
    for (const char* id : {"q", "r", "s"}) {
        auto write = rig.write("product", id, makeEntry(0, std::string("body of ") + id));
        rig.clock.advance(ms(10));
        QVERIFY(write->has_value() && (*write)->ok);
    }
    QCOMPARE(rig.engine->kvQueueDepth(), 3u);
    const StoredKey key = rig.key("product", "r");
    rig.origin().forget(key);
    rig.edge().store().erase(key);
    internUnused(rig.keys, "junk-", 20);
    QCOMPARE(rig.engine->reclaimUnusedIds(), std::size_t(23));
    internUnused(rig.keys, "new-", 20);
    QCOMPARE(rig.keys.findResource("r"), std::optional<ResourceId>(key.rid));

    rig.kv().setDown(false);
    QVERIFY(rig.clock.runUntilIdle());
    QCOMPARE(rig.engine->kvQueueDepth(), 0u);
    std::vector<std::string> names;
    rig.kv().forEachKey([&](const StoredKey& stored, const Entry&) {
        names.push_back(nameOf(rig, stored));
        return true;
    });
    std::sort(names.begin(), names.end());
    QCOMPARE(names, (std::vector<std::string>{"q", "r", "s"}));
    QCOMPARE(bodyOf(rig.kv().peek(key)), QStringLiteral("body of r"));
}

QTEST_APPLESS_MAIN(TestEngineReclaim)
#include "tst_enginereclaim.moc"
