// fallback-node on a disk that refuses writes, with real processes: the node
// runs under a file-size limit (RLIMIT_FSIZE, set between fork and exec),
// which fails writes past it with EFBIG, as a full disk fails them with
// ENOSPC. The node must keep serving (not be killed by SIGXFSZ), say which
// store fails in health and /metrics, warn on admin answers, never serve a
// copy it could not write, lose no audit line, and recover by itself once
// the limit is lifted (prlimit on the running node), all without a restart.
#include "auditfile.h"
#include "nodeharness.h"

#include <QDir>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/resource.h>

using namespace nodetest;

namespace {

/// Bigger than any audit line, smaller than one client-cache copy.
constexpr rlim_t kFileLimit = 3000;
constexpr int kObjectSize = 4000;

QJsonObject storeHealth(const Node& node, const char* store)
{
    return node.admin("GET", QStringLiteral("/v1/admin/health"))
        .json()
        .value(QStringLiteral("storage"))
        .toObject()
        .value(QLatin1String(store))
        .toObject();
}

} // namespace

class TestNodeDiskFull : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void servesWarnsAndRecovers();

private:
    Origin m_origin;
};

void TestNodeDiskFull::initTestCase()
{
    QVERIFY(m_origin.start(20, kObjectSize));
}

void TestNodeDiskFull::servesWarnsAndRecovers()
{
    QTemporaryDir dir;
    const QString data = dir.filePath(QStringLiteral("data"));
    Node node;
    // Only the limit: SIGXFSZ keeps its default action (kill), so the node
    // must ignore it itself.
    node.process().setChildModifier([] {
        rlimit limit{};
        ::getrlimit(RLIMIT_FSIZE, &limit);
        limit.rlim_cur = kFileLimit;
        ::setrlimit(RLIMIT_FSIZE, &limit);
    });
    QVERIFY(node.start(fixture("node.policy.yaml"), m_origin.url(), data));
    QCOMPARE(node.admin("GET", QStringLiteral("/v1/admin/health")).json().value(QStringLiteral("status")).toString(),
             QStringLiteral("ok"));

    // 1. A read whose client-cache copy cannot be written: served all the
    // same, and the failure shows.
    const Reply first = node.item(QStringLiteral("product"), QStringLiteral("item-1"));
    QCOMPARE(first.status, 200);
    QCOMPARE(first.body.size(), kObjectSize);
    QTRY_VERIFY_WITH_TIMEOUT(!node.process().running() ||
                                 storeHealth(node, "client_cache").value(QStringLiteral("write_errors")).toInt() >= 1,
                             10000);
    QVERIFY2(node.process().running(), "the node died at its first refused write (SIGXFSZ?)");
    const QJsonObject client = storeHealth(node, "client_cache");
    QCOMPARE(client.value(QStringLiteral("ok")).toBool(), false);
    QVERIFY2(client.value(QStringLiteral("last_error")).toString().contains(QStringLiteral("File too large")),
             qPrintable(client.value(QStringLiteral("last_error")).toString()));
    QCOMPARE(node.admin("GET", QStringLiteral("/v1/admin/health")).json().value(QStringLiteral("status")).toString(),
             QStringLiteral("degraded"));
    QVERIFY(node.admin("GET", QStringLiteral("/metrics")).body.contains("fallback_storage_ok{store=\"client_cache\"} 0\n"));
    QCOMPARE(node.item(QStringLiteral("product"), QStringLiteral("item-1")).header("x-fallback-tier"),
             QByteArray("edge_cache"));

    // 2. Admin actions until the audit log is full: each is done, and the
    // ones whose line did not fit say so.
    int purges = 0;
    QString warning;
    while (warning.isEmpty() && purges < 60) {
        const Reply purge = node.admin("POST", QStringLiteral("/v1/admin/purge"),
                                       R"({"keys":["swr:item-)" + QByteArray::number(purges) + "\"]}");
        QCOMPARE(purge.status, 200);
        ++purges;
        warning = QString::fromUtf8(purge.header("x-fallback-warning"));
        if (!warning.isEmpty()) {
            QCOMPARE(purge.json().value(QStringLiteral("warnings")).toArray().at(0).toString(), warning);
        }
    }
    QVERIFY2(warning.contains(QStringLiteral("audit log")), qPrintable(warning));
    QVERIFY(purges > 1); // the first lines fitted
    // versions.json cannot be replaced either (a directory where its
    // temporary file goes): two warnings, each in JSON and in a header.
    QVERIFY(QDir(data).mkdir(QStringLiteral("versions.json.tmp")));
    const Reply bump = node.admin("POST", QStringLiteral("/v1/admin/namespaces/async/bump"));
    QCOMPARE(bump.status, 200);
    QCOMPARE(bump.json().value(QStringLiteral("version")).toInt(), 2);
    const QList<QByteArray> bumpWarnings = bump.headerValues("x-fallback-warning");
    QCOMPARE(bumpWarnings.size(), 2);
    QVERIFY2(bumpWarnings[0].contains("versions.json"), bumpWarnings[0].constData());
    QVERIFY2(bumpWarnings[1].contains("2 audit lines wait"), bumpWarnings[1].constData());
    QCOMPARE(bump.json().value(QStringLiteral("warnings")).toArray().size(), 2);
    QVERIFY(QDir(data + QStringLiteral("/versions.json.tmp")).removeRecursively());
    QCOMPARE(storeHealth(node, "audit_log").value(QStringLiteral("pending_lines")).toInt(), 2);
    bool whole = false;
    QCOMPARE(auditLines(data, &whole).size(), purges - 1);
    QVERIFY(whole); // the refused line was cut back off

    // 3. The disk has room again: kept lines are written within a tick,
    // in order, and new copies reach the client cache.
    rlimit lifted{RLIM_INFINITY, RLIM_INFINITY};
    QCOMPARE(::prlimit(pid_t(node.process().pid()), RLIMIT_FSIZE, &lifted, nullptr), 0);
    QTRY_VERIFY_WITH_TIMEOUT(storeHealth(node, "audit_log").value(QStringLiteral("ok")).toBool(), 5000);
    QTRY_VERIFY_WITH_TIMEOUT(storeHealth(node, "versions").value(QStringLiteral("ok")).toBool(), 5000);
    QFile versions(data + QStringLiteral("/versions.json"));
    QVERIFY(versions.open(QIODevice::ReadOnly));
    QCOMPARE(QJsonDocument::fromJson(versions.readAll()).object().value(QStringLiteral("async")).toInt(), 2);
    const QList<QJsonObject> lines = auditLines(data, &whole);
    QVERIFY(whole);
    QCOMPARE(lines.size(), purges + 1);
    for (int i = 0; i < purges; ++i)
        QCOMPARE(lines[i].value(QStringLiteral("target")).toString(), QStringLiteral("keys swr:item-%1").arg(i));
    QCOMPARE(lines.last().value(QStringLiteral("action")).toString(), QStringLiteral("bump"));
    QCOMPARE(node.admin("POST", QStringLiteral("/v1/admin/purge"), R"({"namespace":"swr"})")
                 .header("x-fallback-warning"),
             QByteArray());

    const int failedWrites = storeHealth(node, "client_cache").value(QStringLiteral("write_errors")).toInt();
    QCOMPARE(node.item(QStringLiteral("product"), QStringLiteral("item-2")).status, 200); // copy written now
    // Only the client cache can answer now: it serves the copy it could
    // write, and never one it could not (item-1's, refused in step 1).
    QCOMPARE(node.admin("POST", QStringLiteral("/v1/admin/purge"), R"({"all":true})").status, 200);
    QVERIFY(m_origin.fail(500));
    const Reply kept = node.item(QStringLiteral("product"), QStringLiteral("item-2"));
    QCOMPARE(kept.status, 200);
    QCOMPARE(kept.header("x-fallback-tier"), QByteArray("client_cache"));
    QCOMPARE(kept.body.size(), kObjectSize);
    QCOMPARE(node.item(QStringLiteral("product"), QStringLiteral("item-1")).status, 503);
    QVERIFY(m_origin.recover());
    QCOMPARE(storeHealth(node, "client_cache").value(QStringLiteral("write_errors")).toInt(), failedWrites);

    QCOMPARE(node.terminate(), 0);
    const QByteArray log = node.process().errorOutput();
    QVERIFY2(log.contains("audit log written again"), log.constData());
    // Said once in the log, not once per refused copy.
    QCOMPARE(log.count("the client cache cannot write its copies (cannot write "), 1);
    QVERIFY(!log.contains("are lost"));
}

QTEST_GUILESS_MAIN(TestNodeDiskFull)
#include "tst_nodediskfull.moc"
