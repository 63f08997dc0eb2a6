// What the node keeps under --data-dir when the disk refuses writes: the
// audit log keeps refused lines in memory, in order, never leaves a torn
// line, and writes them once the disk takes them again; versions.json keeps
// trying until it is saved; the routes answer with warnings, health and
// /metrics say which store is failing, and everything recovers by itself.
// A full disk is played by RLIMIT_FSIZE (filesizelimit.h) or, for
// versions.json, by a directory standing where its temporary file goes.
#include "auditfile.h"
#include "filesizelimit.h"
#include "servicefixture.h"

#include "node/diskstore.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QtTest>

using namespace fallback;
using namespace fallback::node;
using namespace nodetest;

namespace {

AuditRecord record(const std::string& action, const std::string& target)
{
    AuditRecord r;
    r.time = 1'700'000'000'000'000;
    r.action = action;
    r.target = target;
    r.result = "done";
    r.peer = "127.0.0.1:1";
    return r;
}

QByteArray readAll(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

/// The targets of the audit log's lines, in order: `<not JSON>` for a line
/// that is not whole JSON, `<torn tail>` first when the last line is cut short.
QStringList auditTargets(const QString& dataDir)
{
    bool whole = true;
    QStringList targets;
    for (const QJsonObject& line : auditLines(dataDir, &whole))
        targets << (line.isEmpty() ? QStringLiteral("<not JSON>") : line.value(QStringLiteral("target")).toString());
    if (!whole)
        targets.prepend(QStringLiteral("<torn tail>"));
    return targets;
}

QStringList strings(std::initializer_list<const char*> items)
{
    QStringList list;
    for (const char* item : items)
        list << QString::fromUtf8(item);
    return list;
}

QJsonObject storeHealth(ServiceFixture& f, const char* store)
{
    const HttpResponse health = f.call("GET", "/v1/admin/health");
    return json(health).value(QStringLiteral("storage")).toObject().value(QLatin1String(store)).toObject();
}

QString healthStatus(ServiceFixture& f)
{
    return json(f.call("GET", "/v1/admin/health")).value(QStringLiteral("status")).toString();
}

} // namespace

class TestNodeStorage : public QObject {
    Q_OBJECT

private slots:
    void auditLineCutBackAndKept();
    void auditTornTailStartsANewLine();
    void auditKeepsAtMostMaxPending();
    void versionsRetryUntilSaved();
    void purgeWarnsWhileAuditFails();
    void bumpAndPolicyWarnWhileVersionsFail();
    void clientCacheFailuresLoggedOnce();
    void healthyStoresAddNothing();
};

void TestNodeStorage::auditLineCutBackAndKept()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("audit.jsonl"));
    auto log = std::move(AuditLog::open(path.toStdString()).value());
    QVERIFY(log->append(record("purge", "one")));
    QVERIFY(log->append(record("purge", "two")));
    const qint64 before = QFileInfo(path).size();
    {
        // Room for 10 more bytes: the next line is written in part, refused,
        // and must be cut back off the file.
        FileSizeLimit limit(rlim_t(before + 10));
        QVERIFY(limit.ok());
        const Status third = log->append(record("purge", "three"));
        QVERIFY(!third);
        QVERIFY2(QString::fromStdString(third.error().message).contains(QStringLiteral("File too large")),
                 third.error().message.c_str());
        QCOMPARE(QFileInfo(path).size(), before);
        QVERIFY(!log->append(record("bump", "four"))); // queued behind the third
        QVERIFY(!log->retry());
        QCOMPARE(log->pendingLines(), std::size_t(2));
        QCOMPARE(log->linesWritten(), std::size_t(2));
        QCOMPARE(log->writeErrors(), std::uint64_t(3));
        QCOMPARE(QFileInfo(path).size(), before);
    }
    // The disk takes lines again: the kept ones go first, in order.
    QVERIFY(log->retry());
    QCOMPARE(log->pendingLines(), std::size_t(0));
    QVERIFY(log->append(record("policy", "five")));
    QCOMPARE(auditTargets(dir.path()), strings({"one", "two", "three", "four", "five"}));
    QCOMPARE(log->linesWritten(), std::size_t(5));
}

void TestNodeStorage::auditTornTailStartsANewLine()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("audit.jsonl"));
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"({"target":"whole"})" "\n" R"({"target":"cut sh)"); // a crash mid-line
    }
    auto log = std::move(AuditLog::open(path.toStdString()).value());
    QVERIFY(log->append(record("purge", "after")));
    QVERIFY(log->append(record("purge", "later")));
    QCOMPARE(auditTargets(dir.path()), strings({"whole", "<not JSON>", "after", "later"}));
}

void TestNodeStorage::auditKeepsAtMostMaxPending()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("audit.jsonl"));
    auto log = std::move(AuditLog::open(path.toStdString()).value());
    {
        FileSizeLimit limit(1);
        QVERIFY(limit.ok());
        for (std::size_t i = 0; i < AuditLog::kMaxPending + 3; ++i)
            QVERIFY(!log->append(record("purge", std::to_string(i))));
        QCOMPARE(log->pendingLines(), AuditLog::kMaxPending);
        QCOMPARE(log->droppedLines(), std::uint64_t(3));
    }
    QVERIFY(log->retry());
    const QStringList targets = auditTargets(dir.path());
    QCOMPARE(targets.size(), qsizetype(AuditLog::kMaxPending));
    QCOMPARE(targets.first(), QStringLiteral("3")); // the oldest went first
    QCOMPARE(targets.last(), QString::number(AuditLog::kMaxPending + 2));
}

void TestNodeStorage::versionsRetryUntilSaved()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("versions.json"));
    VersionStore store = VersionStore::load(path.toStdString()).value();
    Policy policy = *parsePolicyYaml(kPolicy, "test").value;
    QVERIFY(store.record(policy));
    QVERIFY(readAll(path).contains("\"product\": 3"));

    // A directory where the temporary file goes: every save fails, as on a
    // full disk, whoever runs the test.
    QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("versions.json.tmp")));
    policy.find("product")->version = 4;
    QVERIFY(!store.record(policy));
    QVERIFY(store.unsaved());
    QCOMPARE(store.version("product"), std::uint64_t(4)); // remembered, in force
    QVERIFY(readAll(path).contains("\"product\": 3"));     // the file is untouched
    // Nothing new to record, but still unsaved: it tries again.
    QVERIFY(!store.record(policy));
    QVERIFY(!store.retry());
    QCOMPARE(store.writeErrors(), std::uint64_t(3));

    QVERIFY(QDir(dir.filePath(QStringLiteral("versions.json.tmp"))).removeRecursively());
    QVERIFY(store.retry());
    QVERIFY(!store.unsaved());
    QVERIFY(readAll(path).contains("\"product\": 4"));
    QVERIFY(store.retry()); // nothing left to do
    QCOMPARE(VersionStore::load(path.toStdString()).value().version("product"), std::uint64_t(4));
}

void TestNodeStorage::purgeWarnsWhileAuditFails()
{
    QTemporaryDir dir;
    ServiceFixture f({.dataDir = dir.path()});
    const QString path = dir.filePath(QStringLiteral("audit.jsonl"));
    QVERIFY(f.call("POST", "/v1/admin/purge", R"({"namespace":"product"})").status == 200);
    QCOMPARE(healthStatus(f), QStringLiteral("ok"));
    QVERIFY(storeHealth(f, "audit_log").value(QStringLiteral("ok")).toBool());

    {
        FileSizeLimit limit(rlim_t(QFileInfo(path).size()));
        QVERIFY(limit.ok());
        const HttpResponse purge = f.call("POST", "/v1/admin/purge", R"({"all":true})");
        // Done all the same: a full disk does not undo or refuse a purge.
        QCOMPARE(purge.status, 200);
        QCOMPARE(json(purge).value(QStringLiteral("purged")).toInt(), 0);
        const QJsonArray warnings = json(purge).value(QStringLiteral("warnings")).toArray();
        QCOMPARE(warnings.size(), 1);
        const QString warning = warnings.at(0).toString();
        QVERIFY2(warning.contains(QStringLiteral("audit log")) &&
                     warning.contains(QStringLiteral("1 audit line waits in memory")),
                 qPrintable(warning));
        QCOMPARE(headerValues(purge, "X-Fallback-Warning"), QList<QByteArray>{warning.toUtf8()});

        QCOMPARE(healthStatus(f), QStringLiteral("degraded"));
        const QString reason =
            json(f.call("GET", "/v1/admin/health")).value(QStringLiteral("reason")).toString();
        QVERIFY2(reason.startsWith(QStringLiteral("audit log: 1 line waiting for the disk (cannot append")),
                 qPrintable(reason));
        const QJsonObject audit = storeHealth(f, "audit_log");
        QCOMPARE(audit.value(QStringLiteral("ok")).toBool(), false);
        QCOMPARE(audit.value(QStringLiteral("pending_lines")).toInt(), 1);
        QCOMPARE(audit.value(QStringLiteral("write_errors")).toInt(), 1);
        QVERIFY(audit.value(QStringLiteral("last_error")).toString().contains(QStringLiteral("audit.jsonl")));
        const QByteArray metrics = body(f.call("GET", "/metrics"));
        QVERIFY(metrics.contains("fallback_storage_ok{store=\"audit_log\"} 0\n"));
        QVERIFY(metrics.contains("fallback_storage_write_errors_total{store=\"audit_log\"} 1\n"));
        QVERIFY(metrics.contains("fallback_audit_pending_lines 1\n"));

        f.service->tick(); // still refused: nothing changes, nothing torn
        QCOMPARE(storeHealth(f, "audit_log").value(QStringLiteral("pending_lines")).toInt(), 1);
        QCOMPARE(auditTargets(dir.path()), QStringList{QStringLiteral("namespace product")});
    }
    // The disk has room again: the next tick writes the kept line.
    f.service->tick();
    QCOMPARE(auditTargets(dir.path()), strings({"namespace product", "all"}));
    const QJsonObject audit = storeHealth(f, "audit_log");
    QVERIFY(audit.value(QStringLiteral("ok")).toBool());
    QCOMPARE(audit.value(QStringLiteral("pending_lines")).toInt(), 0);
    QVERIFY(!audit.value(QStringLiteral("last_error")).toString().isEmpty()); // kept for the record
    QCOMPARE(healthStatus(f), QStringLiteral("ok"));
    QVERIFY(!json(f.call("GET", "/v1/admin/health")).contains(QStringLiteral("reason")));
    QVERIFY(body(f.call("GET", "/metrics")).contains("fallback_storage_ok{store=\"audit_log\"} 1\n"));
}

void TestNodeStorage::bumpAndPolicyWarnWhileVersionsFail()
{
    QTemporaryDir dir;
    ServiceFixture f({.dataDir = dir.path()});
    const QString path = dir.filePath(QStringLiteral("versions.json"));
    QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("versions.json.tmp")));

    const HttpResponse bump = f.call("POST", "/v1/admin/namespaces/product/bump");
    QCOMPARE(bump.status, 200);
    QCOMPARE(json(bump).value(QStringLiteral("version")).toInt(), 4); // in force
    const QJsonArray warnings = json(bump).value(QStringLiteral("warnings")).toArray();
    QCOMPARE(warnings.size(), 1);
    QVERIFY2(warnings.at(0).toString().contains(QStringLiteral("a restart before they are saved")),
             qPrintable(warnings.at(0).toString()));
    QCOMPARE(headerValues(bump, "X-Fallback-Warning").size(), 1);
    QCOMPARE(storeHealth(f, "versions").value(QStringLiteral("ok")).toBool(), false);
    QCOMPARE(healthStatus(f), QStringLiteral("degraded"));
    QVERIFY(json(f.call("GET", "/v1/admin/health")).value(QStringLiteral("reason")).toString()
                .startsWith(QStringLiteral("namespace versions not saved (cannot write")));
    QVERIFY(readAll(path).contains("\"product\": 3"));

    // A policy PUT answers the policy itself: the warning rides in a header
    // only, so the body can be sent back as it is.
    const HttpResponse get = f.call("GET", "/v1/admin/policy");
    QByteArray edited = body(get).replace("\"ttl\":\"10s\"", "\"ttl\":\"20s\"");
    const HttpResponse put = f.call("PUT", "/v1/admin/policy", edited, true,
                                    {{"if-match", header(get, "ETag")}});
    QCOMPARE(put.status, 200);
    QVERIFY(!json(put).contains(QStringLiteral("warnings")));
    const QList<QByteArray> putWarnings = headerValues(put, "X-Fallback-Warning");
    QCOMPARE(putWarnings.size(), 1);
    QVERIFY(putWarnings.at(0).contains("versions.json"));

    QVERIFY(QDir(dir.filePath(QStringLiteral("versions.json.tmp"))).removeRecursively());
    f.service->tick();
    QVERIFY(storeHealth(f, "versions").value(QStringLiteral("ok")).toBool());
    QCOMPARE(healthStatus(f), QStringLiteral("ok"));
    QCOMPARE(VersionStore::load(path.toStdString()).value().version("product"), std::uint64_t(4));
    QCOMPARE(storeHealth(f, "versions").value(QStringLiteral("write_errors")).toInt(), 2);
}

void TestNodeStorage::clientCacheFailuresLoggedOnce()
{
    QTemporaryDir dir;
    QStringList log;
    ServiceFixture f({.dataDir = dir.path(),
                      .log = [&log](const std::string& line) { log << QString::fromStdString(line); }});
    KeySpace keys;
    auto store = std::move(DiskStore::open(dir.filePath(QStringLiteral("cc")).toStdString(), keys, 0).value());
    f.service->watchClientCache(store.get());
    f.service->tick(); // the node ticks from its start: the window opens before any failure
    Entry copy;
    copy.storedAt = 1;
    copy.body = std::make_shared<const std::string>(std::string(4000, 'x'));
    copy.size = 4000;
    {
        FileSizeLimit limit(3000);
        QVERIFY(limit.ok());
        for (const char* id : {"a", "b", "c"})
            store->put(StoredKey{1, keys.intern(id), keys.namespaceId("product")}, copy, 1);
        store->flush();
    }
    QCOMPARE(store->writeFailures(), std::uint64_t(3));
    QCOMPARE(storeHealth(f, "client_cache").value(QStringLiteral("recent_write_errors")).toInt(), 3);
    f.service->tick();
    f.service->tick();
    // Three refused copies, one line; then quiet for a whole health window: one more.
    QCOMPARE(log.filter(QStringLiteral("client cache cannot write")).size(), 1);
    QVERIFY2(log.filter(QStringLiteral("client cache cannot write")).first().contains(QStringLiteral("File too large")),
             qPrintable(log.join(QLatin1Char('\n'))));
    QCOMPARE(storeHealth(f, "client_cache").value(QStringLiteral("ok")).toBool(), false);
    for (int second = 0; second < 61; ++second)
        f.service->tick();
    QCOMPARE(log.filter(QStringLiteral("client cache: no write refused in the last 60 s")).size(), 1);
    QVERIFY(storeHealth(f, "client_cache").value(QStringLiteral("ok")).toBool());
    QCOMPARE(healthStatus(f), QStringLiteral("ok"));
}

void TestNodeStorage::healthyStoresAddNothing()
{
    QTemporaryDir dir;
    ServiceFixture f({.dataDir = dir.path()});
    for (const auto& [target, body] :
         {std::pair<QByteArray, QByteArray>{"/v1/admin/purge", R"({"all":true})"},
          {"/v1/admin/namespaces/config/bump", {}}}) {
        const HttpResponse answer = f.call("POST", target, body);
        QCOMPARE(answer.status, 200);
        QVERIFY(!json(answer).contains(QStringLiteral("warnings")));
        QVERIFY(headerValues(answer, "X-Fallback-Warning").isEmpty());
    }
    const QJsonObject storage =
        json(f.call("GET", "/v1/admin/health")).value(QStringLiteral("storage")).toObject();
    QCOMPARE(storage.keys(), strings({"audit_log", "versions"})); // no client cache on disk here
    for (const QString& store : storage.keys())
        QVERIFY2(storage.value(store).toObject().value(QStringLiteral("ok")).toBool(), qPrintable(store));
    // Without a data dir (tests, embedded use) there is nothing to report.
    ServiceFixture bare;
    QVERIFY(!json(bare.call("GET", "/v1/admin/health")).contains(QStringLiteral("storage")));
    QVERIFY(!body(bare.call("GET", "/metrics")).contains("fallback_storage_ok"));
}

QTEST_APPLESS_MAIN(TestNodeStorage)
#include "tst_nodestorage.moc"
