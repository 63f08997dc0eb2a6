// Tests of DiskStore, the node's last-known-good client cache on disk: round
// trips, reopening with a fresh KeySpace (from the index snapshot, and by
// scanning as after a crash), reads racing background writes, hostile ids
// that must stay inside the folder, corrupt or missing files (a Miss, then
// gone), leftovers of a crash, and a folder that cannot be made. Eviction,
// purge scopes, keepFor and erase are in tst_diskstoreeviction.cpp.
#include "diskstorerig.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <string>

using namespace fallback;
using namespace fallback::node;
using namespace diskstoretest;

namespace {

std::string bodyOf(const TierAnswer& answer)
{
    return answer.entry.body ? *answer.entry.body : std::string("<null>");
}

} // namespace

class TestDiskStore : public QObject {
    Q_OBJECT

private slots:
    void roundTrip();
    void survivesReopenWithNewKeySpace_data() { addReopenRows(); }
    void survivesReopenWithNewKeySpace();
    void damagedSnapshotFallsBackToScan();
    void latestCopyWhileWriting();
    void hostileIdsStayInside_data();
    void hostileIdsStayInside();
    void corruptFileIsMissAndRemoved_data();
    void corruptFileIsMissAndRemoved();
    void missingFileIsMiss();
    void crashLeftoversAreCleaned();
    void cannotCreateFolderIsError();
};

void TestDiskStore::roundTrip()
{
    QTemporaryDir tmp;
    KeySpace keys;
    auto store = openStore(tmp.path(), keys);
    QVERIFY(store);
    const StoredKey k = key(keys, "product", "sku-1");
    QCOMPARE(store->get(k, 0, kForever).status, TierStatus::Miss);

    QCOMPARE(store->put(k, entry("body one", 1000), 1000).status, TierStatus::Hit);
    const TierAnswer hit = store->get(k, 5'000'000'000, kForever); // any age: last known good
    QCOMPARE(hit.status, TierStatus::Hit);
    QCOMPARE(bodyOf(hit), std::string("body one"));
    QCOMPARE(hit.entry.storedAt, Micros(1000));
    QCOMPARE(hit.entry.size, 8u);
    QVERIFY(hit.latency >= 0);

    QCOMPARE(store->put(k, entry("two", 2000), 2000).status, TierStatus::Hit); // replace
    QCOMPARE(bodyOf(store->get(k, 2000, kForever)), std::string("two"));
    QCOMPARE(store->usage().entries, std::uint64_t(1));
    QCOMPARE(store->usage().bytes, fileBytes("product", "sku-1", 3));

    const auto peeked = store->peek(k);
    QVERIFY(peeked);
    QCOMPARE(peeked->storedAt, Micros(2000));
    QCOMPARE(peeked->size, 3u);
    QVERIFY(!store->peek(key(keys, "product", "other")));

    // Versions are apart: a bumped namespace does not see the old copy.
    QCOMPARE(store->get(key(keys, "product", "sku-1", 2), 0, kForever).status, TierStatus::Miss);

    // An empty body is a valid copy.
    const StoredKey empty = key(keys, "product", "empty");
    QCOMPARE(store->put(empty, entry("", 5), 5).status, TierStatus::Hit);
    const TierAnswer emptyHit = store->get(empty, 5, kForever);
    QCOMPARE(emptyHit.status, TierStatus::Hit);
    QCOMPARE(bodyOf(emptyHit), std::string());
}

void TestDiskStore::survivesReopenWithNewKeySpace()
{
    QFETCH(bool, viaSnapshot);
    QTemporaryDir tmp;
    {
        KeySpace keys;
        auto store = openStore(tmp.path(), keys);
        QVERIFY(store);
        for (int i = 0; i < 50; ++i) {
            const std::string id = "item-" + std::to_string(i);
            QCOMPARE(store->put(key(keys, i % 2 ? "config" : "product", id, 3), entry("v" + id, i),
                                i)
                         .status,
                     TierStatus::Hit);
        }
    }
    forgetSnapshotUnless(viaSnapshot, tmp.path());
    KeySpace keys;
    // Intern other names first: ids after the restart differ from before.
    keys.namespaceId("zzz");
    keys.intern("unrelated");
    auto store = openStore(tmp.path(), keys);
    QVERIFY(store);
    QCOMPARE(store->loadedFromSnapshot(), viaSnapshot);
    QVERIFY(!QFile::exists(tmp.filePath(QLatin1String(DiskStore::kSnapshotName)))); // used once
    QCOMPARE(store->usage().entries, std::uint64_t(50));
    std::uint64_t bytes = 0;
    for (int i = 0; i < 50; ++i) {
        const std::string id = "item-" + std::to_string(i);
        bytes += fileBytes(i % 2 ? "config" : "product", id, id.size() + 1);
    }
    QCOMPARE(store->usage().bytes, bytes);
    QCOMPARE(store->corruptRemoved(), std::uint64_t(0));
    for (int i = 0; i < 50; ++i) {
        const std::string id = "item-" + std::to_string(i);
        const TierAnswer answer =
            store->get(key(keys, i % 2 ? "config" : "product", id, 3), 0, kForever);
        QCOMPARE(answer.status, TierStatus::Hit);
        QCOMPARE(bodyOf(answer), "v" + id);
        QCOMPARE(answer.entry.storedAt, Micros(i));
    }
    std::size_t listed = 0;
    store->forEachKey([&](const StoredKey& k, const Entry& e) {
        listed += keys.namespaceName(k.ns) == (e.storedAt % 2 ? "config" : "product") ? 1 : 0;
        return true;
    });
    QCOMPARE(listed, std::size_t(50));
}

void TestDiskStore::damagedSnapshotFallsBackToScan()
{
    QTemporaryDir tmp;
    {
        KeySpace keys;
        auto store = openStore(tmp.path(), keys);
        for (int i = 0; i < 10; ++i)
            store->put(key(keys, "product", "p" + std::to_string(i)), entry("x", i), i);
    }
    QFile snapshot(tmp.filePath(QLatin1String(DiskStore::kSnapshotName)));
    QVERIFY(snapshot.open(QIODevice::ReadWrite));
    const QByteArray bytes = snapshot.readAll();
    snapshot.resize(0);
    snapshot.write(bytes.left(bytes.size() - 20)); // a torn snapshot
    snapshot.close();

    KeySpace keys;
    auto store = openStore(tmp.path(), keys);
    QVERIFY(store);
    QVERIFY(!store->loadedFromSnapshot());
    QCOMPARE(store->usage().entries, std::uint64_t(10));
    QCOMPARE(bodyOf(store->get(key(keys, "product", "p7"), 0, kForever)), std::string("x"));
}

void TestDiskStore::latestCopyWhileWriting()
{
    // Files are written in the background: a read right after a write must
    // see that write, whether its file has landed or not.
    QTemporaryDir tmp;
    KeySpace keys;
    auto store = openStore(tmp.path(), keys);
    const StoredKey k = key(keys, "product", "hot");
    for (int i = 1; i <= 300; ++i) {
        const std::string body = "copy " + std::to_string(i) + std::string(std::size_t(i * 13), '.');
        QCOMPARE(store->put(k, entry(body, i), i).status, TierStatus::Hit);
        const TierAnswer answer = store->get(k, i, kForever);
        QCOMPARE(answer.status, TierStatus::Hit);
        QCOMPARE(answer.entry.storedAt, Micros(i));
        QVERIFY(bodyOf(answer) == body);
        if (i % 50 == 0)
            store->flush();
    }
    QCOMPARE(store->corruptRemoved(), std::uint64_t(0));
    QCOMPARE(store->writeFailures(), std::uint64_t(0));
    store->flush();
    QCOMPARE(filesBelow(tmp.path()).size(), 1);
}

void TestDiskStore::hostileIdsStayInside_data()
{
    QTest::addColumn<QByteArray>("id");
    QTest::newRow("slash") << QByteArray("a/b/c");
    QTest::newRow("dot dot") << QByteArray("..");
    QTest::newRow("traversal") << QByteArray("../../../../tmp/evil");
    QTest::newRow("absolute") << QByteArray("/etc/passwd");
    QTest::newRow("colons") << QByteArray("user:42:profile");
    QTest::newRow("unicode") << QByteArray("ünïcødé/日本語");
    QTest::newRow("backslash") << QByteArray("..\\..\\x");
    QTest::newRow("tmp suffix") << QByteArray("x.tmp");
    QTest::newRow("long") << QByteArray(512, 'x');
}

void TestDiskStore::hostileIdsStayInside()
{
    QFETCH(QByteArray, id);
    QTemporaryDir tmp;
    const QString dir = tmp.filePath(QStringLiteral("store/nested"));
    KeySpace keys;
    KeySpace fresh; // for the restart; outlives the store (which uses it until destroyed)
    auto store = openStore(dir, keys);
    QVERIFY(store);
    const StoredKey k = key(keys, "product", id.toStdString());
    QCOMPARE(store->put(k, entry("payload", 7), 7).status, TierStatus::Hit);
    QCOMPARE(bodyOf(store->get(k, 7, kForever)), std::string("payload"));
    store->flush();

    // Exactly one file, two levels below the store's folder, named by hex.
    const QStringList files = filesBelow(tmp.path());
    QCOMPARE(files.size(), 1);
    static const QRegularExpression shape(QStringLiteral("^store/nested/[0-9a-f]{2}/[0-9a-f]{16}$"));
    QVERIFY2(shape.match(files.first()).hasMatch(), qPrintable(files.first()));
    QCOMPARE(QString::fromStdString(store->pathFor(k)), tmp.filePath(files.first()));

    // And it comes back after a restart under the same id.
    store.reset();
    store = openStore(dir, fresh);
    QVERIFY(store);
    QCOMPARE(bodyOf(store->get(key(fresh, "product", id.toStdString()), 7, kForever)),
             std::string("payload"));
}

void TestDiskStore::corruptFileIsMissAndRemoved_data()
{
    QTest::addColumn<QString>("damage");
    QTest::addColumn<int>("reopen"); // 0: found by get(); 1: reopened via snapshot; 2: via scan
    for (const int reopen : {0, 1, 2}) {
        const char* when = reopen == 0 ? "at get" : reopen == 1 ? "reopened, snapshot" : "reopened, scan";
        QTest::newRow(qPrintable(QStringLiteral("truncated body, %1").arg(QLatin1String(when))))
            << QStringLiteral("truncate") << reopen;
        QTest::newRow(qPrintable(QStringLiteral("empty file, %1").arg(QLatin1String(when))))
            << QStringLiteral("empty") << reopen;
        QTest::newRow(qPrintable(QStringLiteral("garbage, %1").arg(QLatin1String(when))))
            << QStringLiteral("garbage") << reopen;
        QTest::newRow(qPrintable(QStringLiteral("one body byte flipped, %1").arg(QLatin1String(when))))
            << QStringLiteral("flip") << reopen;
        QTest::newRow(qPrintable(QStringLiteral("appended bytes, %1").arg(QLatin1String(when))))
            << QStringLiteral("append") << reopen;
    }
}

void TestDiskStore::corruptFileIsMissAndRemoved()
{
    QFETCH(QString, damage);
    QFETCH(int, reopen);
    QTemporaryDir tmp;
    KeySpace keys;
    KeySpace fresh; // for the restart; outlives the store
    auto store = openStore(tmp.path(), keys);
    QVERIFY(store);
    const StoredKey k = key(keys, "product", "victim");
    const StoredKey other = key(keys, "product", "bystander");
    QCOMPARE(store->put(k, entry(std::string(300, 'b'), 1), 1).status, TierStatus::Hit);
    QCOMPARE(store->put(other, entry("fine", 1), 1).status, TierStatus::Hit);
    store->flush();
    const QString path = QString::fromStdString(store->pathFor(k));

    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadWrite));
    QByteArray bytes = file.readAll();
    if (damage == QLatin1String("truncate"))
        bytes.chop(10);
    else if (damage == QLatin1String("empty"))
        bytes.clear();
    else if (damage == QLatin1String("garbage"))
        bytes = QByteArray(400, 'z');
    else if (damage == QLatin1String("flip"))
        bytes[bytes.size() - 5] = char(bytes[bytes.size() - 5] ^ 0x40);
    else
        bytes.append("extra");
    file.resize(0);
    file.write(bytes);
    file.close();

    if (reopen != 0) {
        store.reset();
        forgetSnapshotUnless(reopen == 1, tmp.path());
        store = openStore(tmp.path(), fresh);
        QVERIFY(store);
        // Loading checks headers and sizes; a damaged body is found by get().
        QCOMPARE(store->get(key(fresh, "product", "victim"), 1, kForever).status, TierStatus::Miss);
        QCOMPARE(store->corruptRemoved(), std::uint64_t(1));
        QCOMPARE(store->usage().entries, std::uint64_t(1));
        QCOMPARE(bodyOf(store->get(key(fresh, "product", "bystander"), 1, kForever)),
                 std::string("fine"));
    } else {
        QCOMPARE(store->get(k, 1, kForever).status, TierStatus::Miss);
        QCOMPARE(store->corruptRemoved(), std::uint64_t(1));
        QVERIFY(!store->peek(k));
        QCOMPARE(store->usage().entries, std::uint64_t(1));
        QCOMPARE(store->usage().bytes, fileBytes("product", "bystander", 4));
        QCOMPARE(bodyOf(store->get(other, 1, kForever)), std::string("fine"));
    }
    store->flush();
    QVERIFY(!QFile::exists(path));
}

void TestDiskStore::missingFileIsMiss()
{
    QTemporaryDir tmp;
    KeySpace keys;
    auto store = openStore(tmp.path(), keys);
    QVERIFY(store);
    const StoredKey k = key(keys, "product", "gone");
    store->put(k, entry("x", 1), 1);
    store->flush();
    QVERIFY(QFile::remove(QString::fromStdString(store->pathFor(k))));
    QCOMPARE(store->get(k, 1, kForever).status, TierStatus::Miss);
    QCOMPARE(store->usage().entries, std::uint64_t(0));
    QCOMPARE(store->usage().bytes, std::uint64_t(0));
}

void TestDiskStore::crashLeftoversAreCleaned()
{
    QTemporaryDir tmp;
    std::string path;
    {
        KeySpace keys;
        auto store = openStore(tmp.path(), keys);
        const StoredKey k = key(keys, "product", "kept");
        store->put(k, entry("x", 1), 1);
        path = store->pathFor(k);
    }
    forgetSnapshotUnless(false, tmp.path()); // as after a crash
    // A write cut short leaves a temporary file; foreign files are left alone.
    QFile leftover(QString::fromStdString(path + ".tmp"));
    QVERIFY(leftover.open(QIODevice::WriteOnly));
    leftover.write("half a wri");
    leftover.close();
    QFile foreign(tmp.filePath(QStringLiteral("README")));
    QVERIFY(foreign.open(QIODevice::WriteOnly));
    foreign.close();

    KeySpace keys;
    auto store = openStore(tmp.path(), keys);
    QVERIFY(store);
    QCOMPARE(store->usage().entries, std::uint64_t(1));
    QVERIFY(!leftover.exists());
    QVERIFY(foreign.exists());
}

void TestDiskStore::cannotCreateFolderIsError()
{
    QTemporaryDir tmp;
    QFile blocker(tmp.filePath(QStringLiteral("file")));
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    KeySpace keys;
    const auto opened = DiskStore::open(tmp.filePath(QStringLiteral("file/store")).toStdString(),
                                        keys, 0);
    QVERIFY(!opened);
    QCOMPARE(opened.error().code, std::string("disk_store"));
}

QTEST_APPLESS_MAIN(TestDiskStore)
#include "tst_diskstore.moc"
