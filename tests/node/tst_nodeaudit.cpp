// Tests of the node's audit route, `GET /v1/admin/audit`: every admin action
// numbered in order with who asked (`X-Fallback-Client`, cleaned), pages
// after a number, the newest page without one, what was forgotten counted,
// bad queries refused; the audit line format read back (ISO times, torn and
// malformed lines skipped) and the tail of a long file read without reading
// it whole.
#include "node/audittail.h"

#include "servicefixture.h"

#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QtTest>

#include <limits>

using namespace fallback;
using namespace fallback::node;
using namespace nodetest;

namespace {

QJsonArray records(const QJsonObject& page) { return page.value(QStringLiteral("records")).toArray(); }

AuditRecord record(Micros time, const std::string& target)
{
    AuditRecord r;
    r.time = time;
    r.action = "purge";
    r.target = target;
    r.result = "purged 1";
    r.peer = "127.0.0.1:9";
    return r;
}

} // namespace

class TestNodeAudit : public QObject {
    Q_OBJECT

private slots:
    void actionsAreNumberedWithWhoAsked()
    {
        ServiceFixture f;
        QCOMPARE(f.call("POST", "/v1/admin/purge", R"({"namespace":"product"})", true,
                        {{"x-fallback-client", "fallbackctl alice@ops-1"}})
                     .status,
                 200);
        QCOMPARE(f.call("POST", "/v1/admin/namespaces/product/bump").status, 200);
        // Refused actions are audited too, as failed.
        QCOMPARE(f.call("PUT", "/v1/admin/policy", "schema: 1", true, {{"if-match", "\"nope\""}}).status, 412);
        // A dry run (the console's preview) is not an action.
        QCOMPARE(f.call("POST", "/v1/admin/purge", R"({"namespace":"product","dry_run":true})").status, 200);

        const HttpResponse answer = f.call("GET", "/v1/admin/audit");
        QCOMPARE(answer.status, 200);
        const QJsonObject page = json(answer);
        const QJsonArray list = records(page);
        QCOMPARE(list.size(), 3);
        const QJsonObject purge = list[0].toObject();
        QCOMPARE(purge.value(QStringLiteral("seq")).toInt(), 1);
        QCOMPARE(purge.value(QStringLiteral("action")).toString(), QStringLiteral("purge"));
        QCOMPARE(purge.value(QStringLiteral("target")).toString(), QStringLiteral("namespace product"));
        QCOMPARE(purge.value(QStringLiteral("client")).toString(), QStringLiteral("fallbackctl alice@ops-1"));
        QCOMPARE(purge.value(QStringLiteral("peer")).toString(), QStringLiteral("127.0.0.1:1"));
        QCOMPARE(purge.value(QStringLiteral("time")).toString(),
                 QString::fromStdString(isoTime(kStart)));
        QVERIFY(purge.value(QStringLiteral("ok")).toBool());
        QVERIFY(!list[1].toObject().contains(QStringLiteral("client"))); // not said: not invented
        QCOMPARE(list[1].toObject().value(QStringLiteral("result")).toString(), QStringLiteral("version 4"));
        QCOMPARE(list[2].toObject().value(QStringLiteral("action")).toString(), QStringLiteral("policy"));
        QVERIFY(!list[2].toObject().value(QStringLiteral("ok")).toBool());
        QCOMPARE(page.value(QStringLiteral("first_seq")).toInt(), 1);
        QCOMPARE(page.value(QStringLiteral("last_seq")).toInt(), 3);
        QVERIFY(!page.value(QStringLiteral("more")).toBool());
        QCOMPARE(page.value(QStringLiteral("missed")).toInt(), 0);
        QCOMPARE(page.value(QStringLiteral("instance")).toString().size(), 16);
        // The route is part of the admin plane.
        QCOMPARE(f.call("GET", "/v1/admin/audit", {}, false).status, 401);
        QCOMPARE(f.call("POST", "/v1/admin/audit").status, 405);
    }

    void clientNameIsCleaned_data()
    {
        QTest::addColumn<QByteArray>("sent");
        QTest::addColumn<QString>("kept");
        QTest::newRow("plain") << QByteArray("fallback-console bob@desk #1a2b") << "fallback-console bob@desk #1a2b";
        QTest::newRow("spaces trimmed") << QByteArray("  ci-job 42  ") << "ci-job 42";
        QTest::newRow("controls dropped") << QByteArray("evil\x1b[31mred\x7f") << "evil[31mred";
        QTest::newRow("non-ASCII dropped") << QByteArray("caf\xc3\xa9") << "caf";
        QTest::newRow("only spaces") << QByteArray("   ") << "";
        QTest::newRow("cut at 100") << QByteArray(300, 'x') << QString(100, QLatin1Char('x'));
    }
    void clientNameIsCleaned()
    {
        QFETCH(QByteArray, sent);
        QFETCH(QString, kept);
        ServiceFixture f;
        QCOMPARE(f.call("POST", "/v1/admin/namespaces/product/bump", {}, true, {{"x-fallback-client", sent}})
                     .status,
                 200);
        const QJsonObject first = records(json(f.call("GET", "/v1/admin/audit")))[0].toObject();
        QCOMPARE(first.value(QStringLiteral("client")).toString(), kept);
        QCOMPARE(first.contains(QStringLiteral("client")), !kept.isEmpty());
    }

    void pagesFollowOn()
    {
        ServiceFixture f;
        for (int i = 0; i < 7; ++i)
            QCOMPARE(f.call("POST", "/v1/admin/namespaces/product/bump").status, 200);
        // Without `after`: the newest `limit`, oldest first.
        QJsonObject page = json(f.call("GET", "/v1/admin/audit?limit=3"));
        QCOMPARE(records(page).size(), 3);
        QCOMPARE(records(page)[0].toObject().value(QStringLiteral("seq")).toInt(), 5);
        QCOMPARE(records(page)[2].toObject().value(QStringLiteral("seq")).toInt(), 7);
        QVERIFY(!page.value(QStringLiteral("more")).toBool());
        // With it: what follows, a page at a time.
        page = json(f.call("GET", "/v1/admin/audit?after=2&limit=3"));
        QCOMPARE(records(page)[0].toObject().value(QStringLiteral("seq")).toInt(), 3);
        QCOMPARE(records(page)[2].toObject().value(QStringLiteral("result")).toString(), QStringLiteral("version 8"));
        QVERIFY(page.value(QStringLiteral("more")).toBool());
        page = json(f.call("GET", "/v1/admin/audit?after=5&limit=3"));
        QCOMPARE(records(page).size(), 2);
        QVERIFY(!page.value(QStringLiteral("more")).toBool());
        // Up to date: nothing, and nothing missed.
        page = json(f.call("GET", "/v1/admin/audit?after=7"));
        QCOMPARE(records(page).size(), 0);
        QCOMPARE(page.value(QStringLiteral("last_seq")).toInt(), 7);
        // A number from another run of the node (higher than any here): nothing.
        QCOMPARE(records(json(f.call("GET", "/v1/admin/audit?after=900"))).size(), 0);
    }

    void forgottenRecordsAreCounted()
    {
        AuditTail tail("0123456789abcdef");
        for (std::size_t i = 0; i < AuditTail::kKeep + 25; ++i)
            tail.add(record(Micros(i) * kMicrosPerSecond, "namespace n" + std::to_string(i)));
        QCOMPARE(tail.size(), AuditTail::kKeep);
        nlohmann::json page = tail.page(std::uint64_t(10), 5);
        QCOMPARE(page["first_seq"].get<int>(), 26);
        QCOMPARE(page["missed"].get<int>(), 15); // 11..25 are gone
        QCOMPARE(page["records"][0]["seq"].get<int>(), 26);
        QCOMPARE(page["records"][0]["target"].get<std::string>(), std::string("namespace n25"));
        QVERIFY(page["more"].get<bool>());
        page = tail.page(std::uint64_t(25), 5);
        QCOMPARE(page["missed"].get<int>(), 0);
        QCOMPARE(page["records"][0]["seq"].get<int>(), 26);
        // The largest number there is: nothing after it, nothing missed.
        page = tail.page(std::numeric_limits<std::uint64_t>::max(), 5);
        QCOMPARE(page["records"].size(), std::size_t(0));
        QCOMPARE(page["missed"].get<int>(), 0);
        QVERIFY(!page["more"].get<bool>());
        // An empty tail numbers its first record 1.
        AuditTail empty("x");
        QCOMPARE(empty.page(std::nullopt, 10)["first_seq"].get<int>(), 1);
        QCOMPARE(empty.page(std::nullopt, 10)["records"].size(), std::size_t(0));
    }

    void badQueriesAreRefused_data()
    {
        QTest::addColumn<QByteArray>("target");
        QTest::newRow("after not a number") << QByteArray("/v1/admin/audit?after=abc");
        QTest::newRow("after negative") << QByteArray("/v1/admin/audit?after=-1");
        QTest::newRow("after empty") << QByteArray("/v1/admin/audit?after=");
        QTest::newRow("limit 0") << QByteArray("/v1/admin/audit?limit=0");
        QTest::newRow("limit too big") << QByteArray("/v1/admin/audit?limit=1001");
        QTest::newRow("limit with text") << QByteArray("/v1/admin/audit?limit=10x");
    }
    void badQueriesAreRefused()
    {
        QFETCH(QByteArray, target);
        ServiceFixture f;
        const HttpResponse answer = f.call("GET", target);
        QCOMPARE(answer.status, 400);
        QVERIFY(!json(answer).value(QStringLiteral("error")).toString().isEmpty());
    }

    void isoTimes_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("micros"); // -1: not a time
        QTest::newRow("with ms") << "2024-05-01T12:00:00.123Z" << qint64(1714564800123000);
        QTest::newRow("without ms") << "2024-05-01T12:00:00Z" << qint64(1714564800000000);
        QTest::newRow("epoch") << "1970-01-01T00:00:00.000Z" << qint64(0);
        QTest::newRow("no Z") << "2024-05-01T12:00:00.123" << qint64(-1);
        QTest::newRow("space for T") << "2024-05-01 12:00:00.123Z" << qint64(-1);
        QTest::newRow("month 13") << "2024-13-01T12:00:00.000Z" << qint64(-1);
        QTest::newRow("hour 24") << "2024-05-01T24:00:00.000Z" << qint64(-1);
        QTest::newRow("letters") << "2024-05-0xT12:00:00.000Z" << qint64(-1);
        QTest::newRow("empty") << "" << qint64(-1);
    }
    void isoTimes()
    {
        QFETCH(QString, text);
        QFETCH(qint64, micros);
        const std::optional<Micros> parsed = parseIsoTime(text.toStdString());
        QCOMPARE(parsed.has_value(), micros >= 0);
        if (parsed) {
            QCOMPARE(*parsed, micros);
            QCOMPARE(QString::fromStdString(isoTime(*parsed)).left(19), text.left(19));
        }
    }

    void auditLinesReadBack()
    {
        AuditRecord written = record(1714564800123000, "keys product:a");
        written.ok = false;
        written.client = "fallbackctl";
        const std::optional<AuditRecord> read = parseAuditLine(auditLine(written));
        QVERIFY(read);
        QCOMPARE(read->time, written.time);
        QCOMPARE(read->action, written.action);
        QCOMPARE(read->target, written.target);
        QCOMPARE(read->result, written.result);
        QCOMPARE(read->ok, false);
        QCOMPARE(read->peer, written.peer);
        QCOMPARE(read->client, written.client);
        QVERIFY(!parseAuditLine(R"({"time":"2024-05-01T12:00:00.123Z"})")); // no action
        QVERIFY(!parseAuditLine(R"({"time":"yesterday","action":"purge"})"));
        QVERIFY(!parseAuditLine("{\"time\":\"2024-05-01T12:0"));        // torn
        QVERIFY(!parseAuditLine("[1,2]"));
    }

    void tailOfTheFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("audit.jsonl"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        for (int i = 0; i < 50; ++i) {
            file.write(QByteArray::fromStdString(auditLine(record(i * kMicrosPerSecond, "t" + std::to_string(i)))));
            file.write("\n");
            if (i == 20)
                file.write("not json\n{\"time\":\"2024-05-01T12:0\n"); // a crash's fragment, then a break
        }
        file.write("{\"time\":\"2024-05-01T12:00:00.000Z\",\"action\":\"purge\",\"tar"); // torn at the end
        file.close();

        std::vector<AuditRecord> last = readAuditTail(path.toStdString(), 10);
        QCOMPARE(last.size(), std::size_t(10));
        QCOMPARE(last.front().target, std::string("t40"));
        QCOMPARE(last.back().target, std::string("t49"));
        std::vector<AuditRecord> all = readAuditTail(path.toStdString(), 1000);
        QCOMPARE(all.size(), std::size_t(50)); // the two bad lines and the torn end skipped
        // Only the file's end is read: the cut line at its start is skipped.
        const std::size_t lineBytes = auditLine(record(0, "t49")).size() + 1;
        std::vector<AuditRecord> cut = readAuditTail(path.toStdString(), 1000, 5 * lineBytes + 60);
        QVERIFY(cut.size() >= 4 && cut.size() <= 5);
        QCOMPARE(cut.back().target, std::string("t49"));
        QVERIFY(readAuditTail(dir.filePath(QStringLiteral("missing")).toStdString(), 10).empty());
    }

    void seededRecordsComeFirst()
    {
        ServiceFixture f;
        std::vector<AuditRecord> earlier;
        earlier.push_back(record(kStart - 60 * kMicrosPerSecond, "namespace earlier"));
        f.service->seedAudit(std::move(earlier));
        QCOMPARE(f.call("POST", "/v1/admin/namespaces/product/bump").status, 200);
        const QJsonArray list = records(json(f.call("GET", "/v1/admin/audit")));
        QCOMPARE(list.size(), 2);
        QCOMPARE(list[0].toObject().value(QStringLiteral("target")).toString(), QStringLiteral("namespace earlier"));
        QCOMPARE(list[1].toObject().value(QStringLiteral("seq")).toInt(), 2);
    }
};

QTEST_APPLESS_MAIN(TestNodeAudit)
#include "tst_nodeaudit.moc"
