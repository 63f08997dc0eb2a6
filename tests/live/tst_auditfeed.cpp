// Tests of the audit feed's client side: the node's `GET /v1/admin/audit`
// document read into entries (what is skipped, what is an error), who made
// an entry in words, and AdminClient's audit() paths and the
// `X-Fallback-Client` header it sends with every call (against the scripted
// HTTP server on 127.0.0.1).
#include "live/auditfeed.h"

#include "adminclientsupport.h"

#include <QtTest>

using namespace fallback;
using namespace fallback::live;

class TestAuditFeed : public QObject {
    Q_OBJECT

private slots:
    void readsThePage()
    {
        const Result<AuditPage> page = parseAuditPage(R"({
            "instance": "0123456789abcdef", "first_seq": 4, "last_seq": 6, "more": true, "missed": 3,
            "records": [
              {"seq": 4, "time": "2024-05-01T12:00:00.123Z", "action": "purge", "target": "namespace product",
               "result": "purged 3", "ok": true, "peer": "10.0.0.3:5123", "client": "fallbackctl alice@ops-1"},
              {"seq": 5, "time": "2024-05-01T12:00:01.000Z", "action": "policy", "target": "policy",
               "result": "refused: invalid policy", "ok": false, "peer": "10.0.0.4:80"},
              {"seq": 6, "time": "2024-05-01T12:00:02.000Z", "action": "rotate", "target": "key",
               "result": "done", "future_field": [1, 2]}
            ]})");
        QVERIFY(page);
        QCOMPARE(page.value().instance, std::string("0123456789abcdef"));
        QCOMPARE(page.value().lastSeq, std::uint64_t(6));
        QVERIFY(page.value().more);
        QCOMPARE(page.value().missed, std::uint64_t(3));
        const std::vector<AuditEntry>& entries = page.value().entries;
        QCOMPARE(entries.size(), std::size_t(3));
        QCOMPARE(entries[0].seq, std::uint64_t(4));
        QCOMPARE(entries[0].time, Micros(1714564800123000));
        QCOMPARE(entries[0].timeText, std::string("2024-05-01T12:00:00.123Z"));
        QCOMPARE(entries[0].result, std::string("purged 3"));
        QCOMPARE(entries[0].who(), std::string("fallbackctl alice@ops-1 (10.0.0.3)"));
        QVERIFY(!entries[1].ok);
        QCOMPARE(entries[1].who(), std::string("10.0.0.4"));
        // An action this client does not know is still listed, as sent.
        QCOMPARE(entries[2].action, std::string("rotate"));
        QVERIFY(entries[2].ok);
        QCOMPARE(entries[2].who(), std::string("unknown"));
    }

    void skipsWhatItCannotPlace_data()
    {
        QTest::addColumn<QByteArray>("record");
        QTest::newRow("no seq") << QByteArray(R"({"time":"2024-05-01T12:00:00Z","action":"purge"})");
        QTest::newRow("seq 0") << QByteArray(R"({"seq":0,"time":"2024-05-01T12:00:00Z","action":"purge"})");
        QTest::newRow("negative seq") << QByteArray(R"({"seq":-2,"time":"2024-05-01T12:00:00Z","action":"purge"})");
        QTest::newRow("seq as text") << QByteArray(R"({"seq":"7","time":"2024-05-01T12:00:00Z","action":"purge"})");
        QTest::newRow("bad time") << QByteArray(R"({"seq":7,"time":"yesterday","action":"purge"})");
        QTest::newRow("no action") << QByteArray(R"({"seq":7,"time":"2024-05-01T12:00:00Z"})");
        QTest::newRow("not an object") << QByteArray(R"("purge")");
    }
    void skipsWhatItCannotPlace()
    {
        QFETCH(QByteArray, record);
        const QByteArray body = R"({"instance":"x","records":[)" + record +
                                R"(,{"seq":8,"time":"2024-05-01T12:00:00Z","action":"bump"}]})";
        const Result<AuditPage> page = parseAuditPage(body.toStdString());
        QVERIFY(page);
        QCOMPARE(page.value().entries.size(), std::size_t(1));
        QCOMPARE(page.value().entries[0].action, std::string("bump"));
    }

    void refusesWhatIsNotThePage_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("why");
        QTest::newRow("not JSON") << QByteArray("<html>") << "not a JSON object";
        QTest::newRow("an array") << QByteArray("[]") << "not a JSON object";
        QTest::newRow("no records") << QByteArray(R"({"instance":"x"})") << "no 'records' list";
        QTest::newRow("records not a list") << QByteArray(R"({"records":{}})") << "no 'records' list";
    }
    void refusesWhatIsNotThePage()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, why);
        const Result<AuditPage> page = parseAuditPage(body.toStdString());
        QVERIFY(!page);
        QVERIFY2(QString::fromStdString(page.error().message).contains(why), page.error().message.c_str());
    }

    void clientAsksAndSaysWhoItIs()
    {
        ScriptedServer server(always(200, R"({"records":[]})"));
        AdminClient client;
        Answers answers;
        Endpoint ep = endpoint(server.url(), "tok");
        ep.client = "fallback-console bob@desk\r\nX-Evil: 1 #4f2a\x7f";
        client.audit(ep, -1, 0, answers.handler(1));
        QTRY_COMPARE(answers.count(), 1);
        client.audit(ep, 41, 500, answers.handler(2));
        QTRY_COMPARE(answers.count(), 2);
        client.audit(ep, -1, 20, answers.handler(3));
        QTRY_COMPARE(answers.count(), 3);
        ep.client.clear();
        client.bump(ep, "product", answers.handler(4));
        QTRY_COMPARE(answers.count(), 4);

        const std::vector<Seen>& seen = server.seen();
        QCOMPARE(seen.size(), std::size_t(4));
        QCOMPARE(seen[0].path, QByteArray("/v1/admin/audit"));
        QCOMPARE(seen[1].path, QByteArray("/v1/admin/audit?after=41&limit=500"));
        QCOMPARE(seen[2].path, QByteArray("/v1/admin/audit?limit=20"));
        // Control characters are dropped, so a name cannot add a header.
        QCOMPARE(seen[0].headers.at("x-fallback-client"), QByteArray("fallback-console bob@deskX-Evil: 1 #4f2a"));
        QVERIFY(!seen[0].headers.count("x-evil"));
        QVERIFY(answers.at(0).ok());
        QVERIFY(!seen[3].headers.count("x-fallback-client")); // no name: no header
    }
};

QTEST_GUILESS_MAIN(TestAuditFeed)
#include "tst_auditfeed.moc"
