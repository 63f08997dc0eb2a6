// Integration tests of fallback-node's life cycle with real processes: the
// last-known-good client cache surviving a restart with the origin down, a
// bump surviving a restart (old copies stay unreachable), SIGTERM finishing
// a request in flight and exiting 0 with the audit log on disk, the audit
// route reading the previous run's actions back from the file, the
// generated admin token (0600, never logged), and the exit codes for bad
// arguments, a bad policy and a taken port.
#include "auditfile.h"
#include "nodeharness.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>

using namespace nodetest;

namespace {

/// Runs fallback-node to its exit; returns the exit code, stderr in `err`.
int runToExit(const QStringList& arguments, QByteArray* err = nullptr, QByteArray* out = nullptr)
{
    QProcess process;
    process.start(nodeBinary(), arguments);
    if (!process.waitForFinished(10000)) {
        process.kill();
        process.waitForFinished();
        return -1;
    }
    if (err)
        *err = process.readAllStandardError();
    if (out)
        *out = process.readAllStandardOutput();
    return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
}

} // namespace

class TestNodeRestart : public QObject {
    Q_OBJECT

private slots:
    void lastKnownGoodSurvivesRestart();
    void bumpSurvivesRestart();
    void sigtermFinishesInFlightAndAudits();
    void generatedTokenIsPrivate();
    void exitCodes_data();
    void exitCodes();
    void portInUse();
};

void TestNodeRestart::lastKnownGoodSurvivesRestart()
{
    QTemporaryDir dir;
    const QString data = dir.filePath(QStringLiteral("data"));
    Origin origin;
    QVERIFY(origin.start());
    Node first;
    QVERIFY(first.start(fixture("node.policy.yaml"), origin.url(), data));
    const Reply fresh = first.item(QStringLiteral("product"), QStringLiteral("item-7"));
    QCOMPARE(fresh.header("x-fallback-tier"), QByteArray("origin"));
    QCOMPARE(first.terminate(), 0);

    // The origin is gone and the in-process caches went with the old node:
    // the client cache on disk still has the copy.
    const QString originUrl = origin.url();
    origin.stop();
    Node second;
    QVERIFY(second.start(fixture("node.policy.yaml"), originUrl, data));
    const Reply served = second.item(QStringLiteral("product"), QStringLiteral("item-7"));
    QCOMPARE(served.status, 200);
    QCOMPARE(served.header("x-fallback-tier"), QByteArray("client_cache"));
    QCOMPARE(served.header("x-fallback-freshness"), QByteArray("stale"));
    QCOMPARE(served.body, fresh.body);
    QVERIFY(!served.header("age").isEmpty());
    // Never fetched: nothing can answer.
    const Reply none = second.item(QStringLiteral("product"), QStringLiteral("item-8"));
    QCOMPARE(none.status, 503);
    QCOMPARE(none.body, QByteArray(R"({"error":"Service unavailable","hint":"use client cache"})"));
    QCOMPARE(second.terminate(), 0);
}

void TestNodeRestart::bumpSurvivesRestart()
{
    QTemporaryDir dir;
    const QString data = dir.filePath(QStringLiteral("data"));
    Origin origin;
    QVERIFY(origin.start());
    Node first;
    QVERIFY(first.start(fixture("node.policy.yaml"), origin.url(), data));
    // The versions in force are saved at start, before any bump.
    QFile versions(data + QStringLiteral("/versions.json"));
    QVERIFY(versions.open(QIODevice::ReadOnly));
    const QJsonObject saved = QJsonDocument::fromJson(versions.readAll()).object();
    QCOMPARE(saved.value(QStringLiteral("product")).toInt(), 3);
    QCOMPARE(saved.value(QStringLiteral("swr")).toInt(), 1);
    versions.close();
    QCOMPARE(first.item(QStringLiteral("product"), QStringLiteral("item-9")).status, 200); // v3 on disk
    const Reply bump = first.admin("POST", QStringLiteral("/v1/admin/namespaces/product/bump"));
    QCOMPARE(bump.json().value(QStringLiteral("version")).toInt(), 4);
    QCOMPARE(first.terminate(), 0);

    QVERIFY(origin.fail(500));
    Node second;
    QVERIFY(second.start(fixture("node.policy.yaml"), origin.url(), data));
    const QJsonObject policy = second.admin("GET", QStringLiteral("/v1/admin/policy")).json();
    QCOMPARE(policy.value(QStringLiteral("namespaces")).toArray().first().toObject()
                 .value(QStringLiteral("version")).toInt(), 4);
    QVERIFY(second.admin("GET", QStringLiteral("/metrics")).body.contains("fallback_namespace_version{namespace=\"product\"} 4\n"));
    // The copy kept on disk is version 3's: unreachable now, even as a last resort.
    QCOMPARE(second.item(QStringLiteral("product"), QStringLiteral("item-9")).status, 503);
    // A namespace the bump did not touch keeps its version.
    QCOMPARE(second.admin("POST", QStringLiteral("/v1/admin/namespaces/swr/bump"))
                 .json().value(QStringLiteral("version")).toInt(), 2);
    // The audit route still knows the first run's bump (read back from the
    // file), under a new instance name, then the second run's own.
    const QJsonObject audit = second.admin("GET", QStringLiteral("/v1/admin/audit")).json();
    const QJsonArray records = audit.value(QStringLiteral("records")).toArray();
    QCOMPARE(records.size(), 2);
    QCOMPARE(records[0].toObject().value(QStringLiteral("target")).toString(),
             QStringLiteral("namespace product"));
    QCOMPARE(records[0].toObject().value(QStringLiteral("result")).toString(), QStringLiteral("version 4"));
    QCOMPARE(records[1].toObject().value(QStringLiteral("target")).toString(), QStringLiteral("namespace swr"));
    QCOMPARE(records[1].toObject().value(QStringLiteral("seq")).toInt(), 2);
    QCOMPARE(audit.value(QStringLiteral("instance")).toString().size(), 16);
    QCOMPARE(second.terminate(), 0);
}

void TestNodeRestart::sigtermFinishesInFlightAndAudits()
{
    QTemporaryDir dir;
    const QString data = dir.filePath(QStringLiteral("data"));
    Origin origin;
    QVERIFY(origin.start());
    Node node;
    QVERIFY(node.start(fixture("node.policy.yaml"), origin.url(), data));

    QCOMPARE(node.item(QStringLiteral("product"), QStringLiteral("item-1")).status, 200);
    QCOMPARE(node.admin("POST", QStringLiteral("/v1/admin/purge"), R"({"namespace":"product"})").status, 200);
    QCOMPARE(node.admin("POST", QStringLiteral("/v1/admin/namespaces/config-missing/bump")).status, 404);
    QCOMPARE(node.admin("POST", QStringLiteral("/v1/admin/namespaces/swr/bump")).status, 200);
    const QByteArray etag = node.admin("GET", QStringLiteral("/v1/admin/policy")).header("etag");
    QCOMPARE(node.admin("PUT", QStringLiteral("/v1/admin/policy"), "schema: 1", {"If-Match: \"stale\""}).status, 412);
    QFile policyFile(fixture("node.policy.yaml"));
    QVERIFY(policyFile.open(QIODevice::ReadOnly));
    const QByteArray policy = policyFile.readAll().replace("version: 1\n    ttl: 1s\n    stale_while_revalidate: 60s",
                                                           "version: 2\n    ttl: 1s\n    stale_while_revalidate: 60s");
    QCOMPARE(node.admin("PUT", QStringLiteral("/v1/admin/policy"), policy, {"If-Match: " + etag}).status, 200);

    // A read waiting on a slow origin when SIGTERM arrives is still answered.
    QVERIFY(http("POST", origin.url() + QStringLiteral("/control/delay"), R"({"ms":800})").status == 200);
    const int gets = origin.gets();
    QTcpSocket socket;
    socket.connectToHost(QStringLiteral("127.0.0.1"), node.port());
    QVERIFY(socket.waitForConnected(5000));
    socket.write("GET /v1/items/product/item-2 HTTP/1.1\r\nHost: x\r\n\r\n");
    QVERIFY(socket.waitForBytesWritten(5000));
    QTRY_VERIFY_WITH_TIMEOUT(origin.gets() > gets, 5000); // the node is waiting on the origin
    QElapsedTimer timer;
    timer.start();
    const int exitCode = node.terminate();
    QByteArray answer;
    while (socket.bytesAvailable() || socket.waitForReadyRead(2000))
        answer += socket.readAll();
    QCOMPARE(exitCode, 0);
    QCOMPARE(rawStatus(answer), 200);
    QVERIFY(answer.contains("product/item-2"));
    QVERIFY(answer.contains("Connection: close"));
    QVERIFY2(timer.elapsed() < 8000, "the drain is bounded");

    const QByteArray log = node.process().errorOutput();
    QVERIFY2(log.contains("received SIGTERM"), log.constData());
    QVERIFY2(log.contains("drained 0 KV writes"), log.constData());
    QVERIFY(!log.contains(node.token()));

    const QList<QJsonObject> lines = auditLines(data);
    QCOMPARE(lines.size(), 4); // purge, bump, refused policy, applied policy (the 404 changed nothing)
    QCOMPARE(lines[0].value(QStringLiteral("action")).toString(), QStringLiteral("purge"));
    QCOMPARE(lines[0].value(QStringLiteral("target")).toString(), QStringLiteral("namespace product"));
    QCOMPARE(lines[0].value(QStringLiteral("result")).toString(), QStringLiteral("purged 2"));
    QCOMPARE(lines[1].value(QStringLiteral("action")).toString(), QStringLiteral("bump"));
    QCOMPARE(lines[1].value(QStringLiteral("result")).toString(), QStringLiteral("version 2"));
    QCOMPARE(lines[2].value(QStringLiteral("action")).toString(), QStringLiteral("policy"));
    QCOMPARE(lines[2].value(QStringLiteral("ok")).toBool(), false);
    QCOMPARE(lines[3].value(QStringLiteral("action")).toString(), QStringLiteral("policy"));
    QCOMPARE(lines[3].value(QStringLiteral("ok")).toBool(), true);
    const QRegularExpression iso(QStringLiteral("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z$"));
    for (const QJsonObject& line : lines) {
        QVERIFY(iso.match(line.value(QStringLiteral("time")).toString()).hasMatch());
        QVERIFY(line.value(QStringLiteral("peer")).toString().startsWith(QStringLiteral("127.0.0.1:")));
    }
    QFile audit(data + QStringLiteral("/audit.jsonl"));
    QVERIFY(audit.open(QIODevice::ReadOnly));
    QVERIFY(!audit.readAll().contains(node.token()));
}

void TestNodeRestart::generatedTokenIsPrivate()
{
    QTemporaryDir dir;
    const QString data = dir.filePath(QStringLiteral("data"));
    Origin origin;
    QVERIFY(origin.start());
    Node node;
    QVERIFY(node.start(fixture("node.policy.yaml"), origin.url(), data));
    QCOMPARE(node.token().size(), 64);
    struct stat info {};
    QCOMPARE(::stat(QFile::encodeName(data + QStringLiteral("/admin.token")).constData(), &info), 0);
    QCOMPARE(int(info.st_mode & 0777), 0600);
    QCOMPARE(node.admin("GET", QStringLiteral("/v1/admin/health")).status, 200);
    QCOMPARE(node.terminate(), 0);
    const QByteArray log = node.process().errorOutput();
    QVERIFY2(log.contains("admin.token"), log.constData()); // the path is logged
    QVERIFY(!log.contains(node.token()));                   // the token never is
}

void TestNodeRestart::exitCodes_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("message");
    const QString policy = fixture("node.policy.yaml");
    const QString broken = fixture("broken.policy.yaml");
    QTest::newRow("no arguments") << QStringList{} << 2 << QStringLiteral("--policy");
    QTest::newRow("no origin") << QStringList{QStringLiteral("--policy"), policy} << 2 << QStringLiteral("--origin");
    QTest::newRow("bad listen") << QStringList{QStringLiteral("--policy"), policy, QStringLiteral("--origin"),
                                               QStringLiteral("http://127.0.0.1:1"), QStringLiteral("--listen"),
                                               QStringLiteral("nowhere")}
                                << 2 << QStringLiteral("HOST:PORT");
    QTest::newRow("unknown option") << QStringList{QStringLiteral("--policy"), policy, QStringLiteral("--origin"),
                                                   QStringLiteral("http://127.0.0.1:1"), QStringLiteral("--fast")}
                                    << 2 << QStringLiteral("--fast");
    QTest::newRow("missing token file") << QStringList{QStringLiteral("--policy"), policy, QStringLiteral("--origin"),
                                                       QStringLiteral("http://127.0.0.1:1"), QStringLiteral("--listen"),
                                                       QStringLiteral("127.0.0.1:0"), QStringLiteral("--admin-token-file"),
                                                       QStringLiteral("/nonexistent/token")}
                                        << 2 << QStringLiteral("/nonexistent/token");
    QTest::newRow("bad policy") << QStringList{QStringLiteral("--policy"), broken, QStringLiteral("--origin"),
                                               QStringLiteral("http://127.0.0.1:1")}
                                << 1 << broken + QStringLiteral(":3:8: error:");
    QTest::newRow("missing policy") << QStringList{QStringLiteral("--policy"), QStringLiteral("/nonexistent.yaml"),
                                                   QStringLiteral("--origin"), QStringLiteral("http://127.0.0.1:1")}
                                    << 1 << QStringLiteral("/nonexistent.yaml");
    QTest::newRow("help") << QStringList{QStringLiteral("--help")} << 0 << QString();
}

void TestNodeRestart::exitCodes()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, code);
    QFETCH(QString, message);
    QTemporaryDir dir;
    if (arguments.contains(QStringLiteral("--admin-token-file")))
        arguments << QStringLiteral("--data-dir") << dir.filePath(QStringLiteral("data"));
    QByteArray err;
    QByteArray out;
    QCOMPARE(runToExit(arguments, &err, &out), code);
    QVERIFY2(err.contains(message.toUtf8()), err.constData());
    if (code == 0)
        QVERIFY(out.contains("usage: fallback-node"));
    else
        QVERIFY(!out.contains("listening on"));
}

void TestNodeRestart::portInUse()
{
    QTemporaryDir dir;
    Origin origin;
    QVERIFY(origin.start());
    Node node;
    QVERIFY(node.start(fixture("node.policy.yaml"), origin.url(), dir.filePath(QStringLiteral("a"))));
    QByteArray err;
    const int code = runToExit({QStringLiteral("--policy"), fixture("node.policy.yaml"), QStringLiteral("--origin"),
                                origin.url(), QStringLiteral("--listen"),
                                QStringLiteral("127.0.0.1:%1").arg(node.port()), QStringLiteral("--data-dir"),
                                dir.filePath(QStringLiteral("b"))},
                               &err);
    QCOMPARE(code, 1);
    QVERIFY2(err.contains("cannot bind"), err.constData());
    QCOMPARE(node.terminate(), 0);
}

QTEST_GUILESS_MAIN(TestNodeRestart)
#include "tst_noderestart.moc"
