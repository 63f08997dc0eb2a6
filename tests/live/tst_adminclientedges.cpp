// Edges of AdminClient's promises (core/live/adminclient.h) that
// tst_adminclient leaves open, against the same scripted HTTP server on
// 127.0.0.1: the backoff doubling between attempts, Retry-After as an HTTP
// date and exactly at the cap, control characters in the token or in any
// header (If-Match included) refused before anything is sent, a missing URL
// named as such, redirects not followed, answers over 32 MiB refused, a
// cut-off answer being no answer, `series_after=0`, cancel stopping
// retries, the connect timeout bounding a handshake that never ends, and
// every X-Fallback-Warning of an answer kept, in order, and the rate-limit
// headers of an answer arriving parsed (live/ratelimit.h).
#include "adminclientsupport.h"

#include <QDateTime>
#include <QLocale>
#include <QtTest>

using namespace fallback;
using namespace fallback::live;

namespace {

constexpr const char* kToken = "tok-edge-5d2e-SECRET";

/// Fails the first `failures` requests with 503 (and `extra` headers), then 200.
ScriptedServer::Script failingFirst(int failures, QByteArray extra = {})
{
    return [=](const Seen&, int index) {
        return index < failures ? ScriptedServer::answer(503, R"({"error":"busy"})", extra)
                                : ScriptedServer::answer(200);
    };
}

/// An HTTP date (RFC 9110 IMF-fixdate) `seconds` from now.
QByteArray httpDate(qint64 seconds)
{
    return QLocale::c()
        .toString(QDateTime::currentDateTimeUtc().addSecs(seconds), QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'"))
        .toLatin1();
}

} // namespace

class TestAdminClientEdges : public QObject {
    Q_OBJECT

private slots:
    void backoffDoublesBetweenAttempts();
    void retryAfterForms_data();
    void retryAfterForms();
    void refusesControlCharacters_data();
    void refusesControlCharacters();
    void missingUrlIsNamed();
    void redirectsAreNotFollowed();
    void oversizedAnswerIsRefused();
    void cutOffAnswerIsNoAnswer();
    void seriesAfterZeroIsSent();
    void cancelStopsRetries();
    void connectTimeoutBoundsTheHandshake();
    void warningsKeptInOrder_data();
    void warningsKeptInOrder();
    void rateLimitArrivesParsed_data();
    void rateLimitArrivesParsed();
};

void TestAdminClientEdges::backoffDoublesBetweenAttempts()
{
    ScriptedServer server(failingFirst(2));
    AdminClient client;
    Answers answers;
    Endpoint ep = endpoint(server.url(), kToken);
    ep.retryBackoff = 500 * kMicrosPerMilli;
    client.stats(ep, -1, answers.handler());
    QTRY_COMPARE_WITH_TIMEOUT(answers.count(), 1, 10000);
    QCOMPARE(answers.at(0).httpStatus, 200);
    QCOMPARE(answers.at(0).attempts, 3);
    QCOMPARE(server.seen().size(), std::size_t(3));
    // 500 ms before the second attempt, 1 s before the third. The upper
    // bound leaves a loaded machine 300 ms and still tells 500 from 1000.
    const qint64 first = server.seen()[1].atMs - server.seen()[0].atMs;
    const qint64 second = server.seen()[2].atMs - server.seen()[1].atMs;
    QVERIFY2(first >= 480 && first < 800, qPrintable(QString::number(first)));
    QVERIFY2(second >= 960, qPrintable(QString::number(second)));
}

void TestAdminClientEdges::retryAfterForms_data()
{
    QTest::addColumn<QByteArray>("retryAfter");
    QTest::addColumn<int>("capSeconds");
    QTest::addColumn<int>("expectedStatus");
    QTest::addColumn<int>("expectedAttempts");
    QTest::addColumn<int>("expectedSeconds"); // the Response's retryAfter, about; -1 when not checked
    // An HTTP date an hour ahead is beyond the 30 s cap: the call ends with it.
    QTest::newRow("date beyond the cap") << httpDate(3600) << 30 << 503 << 1 << 3600;
    // A date already past: come back at once.
    QTest::newRow("date in the past") << httpDate(-3600) << 30 << 200 << 2 << -1;
    // "Up to this long is waited for": exactly the cap is still waited.
    QTest::newRow("seconds equal to the cap") << QByteArray("1") << 1 << 200 << 2 << -1;
    QTest::newRow("seconds over the cap") << QByteArray("2") << 1 << 503 << 1 << 2;
}

void TestAdminClientEdges::retryAfterForms()
{
    QFETCH(QByteArray, retryAfter);
    QFETCH(int, capSeconds);
    QFETCH(int, expectedStatus);
    QFETCH(int, expectedAttempts);
    QFETCH(int, expectedSeconds);
    ScriptedServer server(failingFirst(1, "Retry-After: " + retryAfter + "\r\n"));
    AdminClient client;
    Answers answers;
    Endpoint ep = endpoint(server.url(), kToken);
    ep.maxRetryAfter = capSeconds * kMicrosPerSecond;
    client.stats(ep, -1, answers.handler());
    QTRY_COMPARE_WITH_TIMEOUT(answers.count(), 1, 10000);
    const Response r = answers.at(0);
    QCOMPARE(r.httpStatus, expectedStatus);
    QCOMPARE(r.attempts, expectedAttempts);
    QCOMPARE(int(server.seen().size()), expectedAttempts);
    if (expectedSeconds >= 0) {
        QVERIFY2(r.retryAfter >= (expectedSeconds - 5) * kMicrosPerSecond
                     && r.retryAfter <= (expectedSeconds + 5) * kMicrosPerSecond,
                 qPrintable(QString::number(r.retryAfter)));
    }
}

void TestAdminClientEdges::refusesControlCharacters_data()
{
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<QString>("call"); // health, put (If-Match), header (a request header)
    QTest::addColumn<QByteArray>("value");
    QTest::newRow("token with SOH") << QByteArray("abc\x01" "def") << QStringLiteral("health") << QByteArray();
    QTest::newRow("token with DEL") << QByteArray("abc\x7f" "def") << QStringLiteral("health") << QByteArray();
    QTest::newRow("token with NUL") << QByteArray("abc\0def", 7) << QStringLiteral("health") << QByteArray();
    QTest::newRow("If-Match with CRLF") << QByteArray(kToken) << QStringLiteral("put")
                                        << QByteArray("\"e1\"\r\nX-Evil: 1");
    QTest::newRow("header with LF") << QByteArray(kToken) << QStringLiteral("header")
                                    << QByteArray("X-Trace: 1\nX-Evil: 1");
}

void TestAdminClientEdges::refusesControlCharacters()
{
    QFETCH(QByteArray, token);
    QFETCH(QString, call);
    QFETCH(QByteArray, value);
    ScriptedServer server([](const Seen&, int) { return ScriptedServer::answer(200); });
    AdminClient client;
    Answers answers;
    const Endpoint ep = endpoint(server.url(), token.toStdString());
    if (call == QLatin1String("health"))
        client.health(ep, answers.handler());
    else if (call == QLatin1String("put"))
        client.putPolicy(ep, "{}", value.toStdString(), answers.handler());
    else
        client.request(ep, "GET", "/metrics", {}, {value.toStdString()}, answers.handler());
    QTRY_COMPARE(answers.count(), 1);
    const Response r = answers.at(0);
    QCOMPARE(r.httpStatus, 0);
    QVERIFY(!r.transportError.empty());
    QVERIFY2(r.transportError.find("abc") == std::string::npos, r.transportError.c_str());
    QVERIFY2(r.transportError.find(kToken) == std::string::npos, r.transportError.c_str());
    QCOMPARE(r.attempts, 1);
    QVERIFY(r.refusedLocally); // bad input, not an unreachable deployment
    // Refused before anything left: no request, so no token, reached the node.
    QTest::qWait(200);
    QCOMPARE(server.seen().size(), std::size_t(0));
}

void TestAdminClientEdges::missingUrlIsNamed()
{
    AdminClient client;
    const Endpoint ep = endpoint(std::string{}, kToken);
    const Response r = client.wait([&](ResponseHandler done) { return client.health(ep, std::move(done)); });
    QCOMPARE(r.httpStatus, 0);
    QCOMPARE(QString::fromStdString(r.errorMessage()), QStringLiteral("no deployment URL given"));
    QCOMPARE(r.attempts, 1);
}

void TestAdminClientEdges::redirectsAreNotFollowed()
{
    // A token must not travel to another host: the redirect is the answer.
    ScriptedServer elsewhere([](const Seen&, int) { return ScriptedServer::answer(200); });
    const QByteArray location = QByteArray::fromStdString(elsewhere.url()) + "/v1/admin/stats";
    ScriptedServer server([location](const Seen&, int) {
        return ScriptedServer::answer(307, "{}", "Location: " + location + "\r\n");
    });
    AdminClient client;
    Answers answers;
    client.stats(endpoint(server.url(), kToken), -1, answers.handler());
    QTRY_COMPARE(answers.count(), 1);
    QCOMPARE(answers.at(0).httpStatus, 307);
    QVERIFY(!answers.at(0).ok());
    QTest::qWait(200);
    QCOMPARE(server.seen().size(), std::size_t(1));
    QCOMPARE(elsewhere.seen().size(), std::size_t(0));
}

void TestAdminClientEdges::oversizedAnswerIsRefused()
{
    const QByteArray huge = "\"" + QByteArray(33 << 20, 'x') + "\"";
    ScriptedServer server([huge](const Seen&, int) { return ScriptedServer::answer(200, huge); });
    AdminClient client;
    Answers answers;
    client.stats(endpoint(server.url(), kToken), -1, answers.handler());
    QTRY_COMPARE_WITH_TIMEOUT(answers.count(), 1, 20000);
    const Response r = answers.at(0);
    QCOMPARE(r.httpStatus, 0);
    QVERIFY(r.body.empty());
    QCOMPARE(QString::fromStdString(r.transportError), QStringLiteral("the answer is larger than 32 MiB"));
    QCOMPARE(r.attempts, 1); // another attempt would be as large
}

void TestAdminClientEdges::cutOffAnswerIsNoAnswer()
{
    // The status line and half the body, then nothing: half an answer is no answer.
    ScriptedServer server([](const Seen&, int) {
        return QByteArray("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
                          "{\"purged\":");
    });
    AdminClient client;
    Answers answers;
    Endpoint ep = endpoint(server.url(), kToken);
    ep.timeout = 300 * kMicrosPerMilli;
    ep.retries = 0;
    client.stats(ep, -1, answers.handler());
    QTRY_COMPARE(answers.count(), 1);
    const Response r = answers.at(0);
    QCOMPARE(r.httpStatus, 0);
    QVERIFY(!r.reached());
    QVERIFY(!r.ok());
    QVERIFY2(r.body.empty(), r.body.c_str());
    QVERIFY(!r.transportError.empty());
}

void TestAdminClientEdges::seriesAfterZeroIsSent()
{
    ScriptedServer server([](const Seen&, int) { return ScriptedServer::answer(200); });
    AdminClient client;
    Answers answers;
    client.stats(endpoint(server.url(), kToken), 0, answers.handler());
    QTRY_COMPARE(answers.count(), 1);
    QCOMPARE(server.seen().at(0).path, QByteArray("/v1/admin/stats?series_after=0"));
}

void TestAdminClientEdges::cancelStopsRetries()
{
    // A cancelled call is forgotten, retries included: a poller that gives
    // up on a failing node must not keep calling it.
    ScriptedServer server([](const Seen&, int) { return ScriptedServer::answer(503, R"({"error":"busy"})"); });
    AdminClient client;
    Answers answers;
    Endpoint ep = endpoint(server.url(), kToken);
    ep.retryBackoff = 500 * kMicrosPerMilli;
    const CallId id = client.stats(ep, -1, answers.handler());
    QTRY_COMPARE(server.seen().size(), std::size_t(1));
    client.cancel(id);
    QCOMPARE(client.pending(), std::size_t(0));
    QTest::qWait(1200); // both retries would have run by now
    QCOMPARE(server.seen().size(), std::size_t(1));
    QCOMPARE(answers.count(), 0);
}

void TestAdminClientEdges::connectTimeoutBoundsTheHandshake()
{
    // A host that takes the SYN and never completes the handshake (a
    // firewall dropping packets, a saturated node): each attempt ends at
    // connectTimeout, well before the call's whole timeout, and the call
    // is an unreachable deployment, not bad input.
    StalledListener stalled;
    AdminClient client;
    Answers answers;
    Endpoint ep = endpoint(stalled.url(), kToken);
    ep.connectTimeout = 300 * kMicrosPerMilli;
    ep.timeout = 10 * kMicrosPerSecond;
    ep.retries = 1;
    ep.retryBackoff = 50 * kMicrosPerMilli;
    QElapsedTimer clock;
    clock.start();
    client.health(ep, answers.handler());
    QTRY_COMPARE_WITH_TIMEOUT(answers.count(), 1, 8000);
    const qint64 elapsed = clock.elapsed();
    const Response r = answers.at(0);
    QCOMPARE(r.httpStatus, 0);
    QCOMPARE(r.attempts, 2);
    QVERIFY(!r.refusedLocally);
    QVERIFY2(QString::fromStdString(r.transportError).contains(QStringLiteral("timed out"), Qt::CaseInsensitive) ||
                 QString::fromStdString(r.transportError).contains(QStringLiteral("timeout"), Qt::CaseInsensitive),
             r.transportError.c_str());
    // Two attempts of 300 ms and a 50 ms back-off; far from 2 x 10 s.
    QVERIFY2(elapsed >= 600 && elapsed < 3000, qPrintable(QString::number(elapsed)));
}

void TestAdminClientEdges::warningsKeptInOrder_data()
{
    QTest::addColumn<QByteArray>("answer");
    QTest::addColumn<QStringList>("warnings");
    QTest::newRow("none") << ScriptedServer::answer(200, R"({"purged":1})") << QStringList();
    QTest::newRow("one") << ScriptedServer::answer(200, "{}", "X-Fallback-Warning:  disk full \r\n")
                         << QStringList{QStringLiteral("disk full")};
    // A header that repeats keeps every value, not the last one only.
    QTest::newRow("repeated, any case")
        << ScriptedServer::answer(200, "{}",
                                  "X-Fallback-Warning: versions not saved\r\nETag: \"e\"\r\n"
                                  "x-fallback-warning: audit line waits\r\n")
        << QStringList{QStringLiteral("versions not saved"), QStringLiteral("audit line waits")};
    // Only the final answer's headers count, as for the ETag.
    QTest::newRow("after 100 Continue")
        << QByteArray("HTTP/1.1 100 Continue\r\nX-Fallback-Warning: interim\r\n\r\n")
               + ScriptedServer::answer(200, "{}", "X-Fallback-Warning: final\r\n")
        << QStringList{QStringLiteral("final")};
    QTest::newRow("token echoed") << ScriptedServer::answer(200, "{}", QByteArray("X-Fallback-Warning: saw ") + kToken + "\r\n")
                                  << QStringList{QStringLiteral("saw ***")};
    // It ends up on a terminal: no escape sequence gets through.
    QTest::newRow("control bytes")
        << ScriptedServer::answer(200, "{}", "X-Fallback-Warning: \x1b[2Jcleared\x07\x7f\r\n")
        << QStringList{QStringLiteral("[2Jcleared")};
}

void TestAdminClientEdges::warningsKeptInOrder()
{
    QFETCH(QByteArray, answer);
    QFETCH(QStringList, warnings);
    ScriptedServer server([answer](const Seen&, int) { return answer; });
    AdminClient client;
    Answers answers;
    client.bump(endpoint(server.url(), kToken), "product", answers.handler());
    QTRY_COMPARE(answers.count(), 1);
    const Response r = answers.at(0);
    QCOMPARE(r.httpStatus, 200);
    QStringList got;
    for (const std::string& warning : r.warnings)
        got.append(QString::fromStdString(warning));
    QCOMPARE(got, warnings);
}

void TestAdminClientEdges::rateLimitArrivesParsed_data()
{
    QTest::addColumn<QByteArrayList>("answers"); // one per attempt (a GET is retried after a 503)
    QTest::addColumn<bool>("found");
    QTest::addColumn<qint64>("limit");     // -1: none
    QTest::addColumn<qint64>("remaining"); // -1: none
    QTest::addColumn<qint64>("resetS");    // seconds, -1: none
    const QByteArray epoch = QByteArray::number(QDateTime::currentSecsSinceEpoch() + 3480);
    QTest::newRow("none") << QByteArrayList{ScriptedServer::answer(200)} << false << qint64(-1)
                          << qint64(-1) << qint64(-1);
    QTest::newRow("draft 08 (Cloudflare)")
        << QByteArrayList{ScriptedServer::answer(200, "{}",
                                                 "Ratelimit: \"default\";r=997;t=30\r\n"
                                                 "Ratelimit-Policy: \"default\";q=1000;w=3600\r\n")}
        << true << qint64(1000) << qint64(997) << qint64(30);
    QTest::newRow("429, X- with an epoch reset")
        << QByteArrayList{ScriptedServer::answer(429, R"({"error":"slow down"})",
                                                 "Retry-After: 3480\r\nX-RateLimit-Limit: 1000\r\n"
                                                 "X-RateLimit-Remaining: 0\r\nX-RateLimit-Reset: " +
                                                     epoch + "\r\n")}
        << true << qint64(1000) << qint64(0) << qint64(3480);
    QTest::newRow("repeated lines joined")
        << QByteArrayList{ScriptedServer::answer(
               200, "{}",
               "RateLimit-Limit: 10\r\nETag: \"e\"\r\n"
               "ratelimit-limit: 10;w=60\r\nRateLimit-Remaining: 4\r\n")}
        << true << qint64(10) << qint64(4) << qint64(-1);
    // Only the final answer's headers count, as for the ETag and warnings.
    QTest::newRow("after 100 Continue")
        << QByteArrayList{QByteArray("HTTP/1.1 100 Continue\r\nRateLimit-Remaining: 1\r\n\r\n") +
                          ScriptedServer::answer(200, "{}", "RateLimit-Remaining: 2\r\n")}
        << true << qint64(-1) << qint64(2) << qint64(-1);
    QTest::newRow("the last attempt's")
        << QByteArrayList{ScriptedServer::answer(503, "{}", "RateLimit-Remaining: 1\r\n"),
                          ScriptedServer::answer(200)}
        << false << qint64(-1) << qint64(-1) << qint64(-1);
    QTest::newRow("garbage") << QByteArrayList{ScriptedServer::answer(
                                    200, "{}", "RateLimit-Remaining: -1\r\n")}
                             << false << qint64(-1) << qint64(-1) << qint64(-1);
}

void TestAdminClientEdges::rateLimitArrivesParsed()
{
    QFETCH(QByteArrayList, answers);
    QFETCH(bool, found);
    QFETCH(qint64, limit);
    QFETCH(qint64, remaining);
    QFETCH(qint64, resetS);
    ScriptedServer server(
        [answers](const Seen&, int index) { return answers.value(index, answers.last()); });
    AdminClient client;
    Answers got;
    client.stats(endpoint(server.url(), kToken), -1, got.handler());
    QTRY_COMPARE(got.count(), 1);
    const Response r = got.at(0);
    QCOMPARE(r.attempts, int(answers.size()));
    QCOMPARE(r.rateLimit.has_value(), found);
    if (!found)
        return;
    QCOMPARE(r.rateLimit->limit.value_or(-1), limit);
    QCOMPARE(r.rateLimit->remaining.value_or(-1), remaining);
    // An epoch reset is a delay from when the answer was read: a second or
    // two may have passed since the row was made.
    const qint64 reset = r.rateLimit->resetIn.value_or(-kMicrosPerSecond);
    QVERIFY2(reset <= resetS * kMicrosPerSecond && reset > (resetS - 3) * kMicrosPerSecond,
             qPrintable(QString::number(reset)));
}

QTEST_GUILESS_MAIN(TestAdminClientEdges)
#include "tst_adminclientedges.moc"
