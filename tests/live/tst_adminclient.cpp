// Tests of AdminClient against a scripted HTTP server inside the test
// (QTcpServer on 127.0.0.1, port 0): headers, ETag, retries for idempotent
// calls only, Retry-After, timeouts, refused connections, cancel, teardown
// with calls in flight, many concurrent calls, and the token kept out of
// every error.
#include "adminclientsupport.h"

#include <QElapsedTimer>
#include <QtTest>

#include <memory>

using namespace fallback;
using namespace fallback::live;

namespace {

constexpr const char* kToken = "tok-7f3a9c-SECRET-e21b";

} // namespace

class TestAdminClient : public QObject {
    Q_OBJECT

private slots:
    void authorizationOnlyWithToken_data();
    void authorizationOnlyWithToken();
    void callsUseTheirPaths();
    void putPolicySendsIfMatchAndBody();
    void etagAndContentTypeRead();
    void retriesOnlyIdempotentCalls_data();
    void retriesOnlyIdempotentCalls();
    void retryAfterHonoured();
    void retryAfterBeyondCapEndsTheCall();
    void timeoutWhenServerNeverAnswers();
    void connectionRefused();
    void waitBlocksForTheAnswer();
    void cancelledHandlerNeverRuns();
    void destroyWithCallsInFlight();
    void manyEndpointsAtOnce();
    void connectionsAreReused();
    void tokenNeverInErrors();
    void errorMessage_data();
    void errorMessage();
    void purgeRequestJson_data();
    void purgeRequestJson();
    void refusesHeaderInjection();
};

void TestAdminClient::authorizationOnlyWithToken_data()
{
    QTest::addColumn<QString>("token");
    QTest::newRow("with token") << QString::fromLatin1(kToken);
    QTest::newRow("without token") << QString();
}

void TestAdminClient::authorizationOnlyWithToken()
{
    QFETCH(QString, token);
    ScriptedServer server(always(200, R"({"status":"ok"})"));
    AdminClient client;
    Answers answers;
    client.health(endpoint(server.url(), token.toStdString()), answers.handler());
    QTRY_COMPARE(answers.count(), 1);
    QCOMPARE(answers.at(0).httpStatus, 200);
    QCOMPARE(server.seen().size(), std::size_t(1));
    const Seen& seen = server.seen()[0];
    QCOMPARE(seen.method, QByteArray("GET"));
    QCOMPARE(seen.path, QByteArray("/v1/admin/health"));
    QCOMPARE(seen.headers.count("accept") ? seen.headers.at("accept") : QByteArray(), QByteArray("application/json"));
    if (token.isEmpty())
        QVERIFY(!seen.headers.count("authorization"));
    else
        QCOMPARE(seen.headers.at("authorization"), "Bearer " + token.toUtf8());
}

void TestAdminClient::callsUseTheirPaths()
{
    ScriptedServer server(always(200));
    AdminClient client;
    Answers answers;
    // A trailing slash on the base URL is not doubled.
    const Endpoint ep = endpoint(server.url() + "/", kToken);
    client.stats(ep, -1, answers.handler(1));
    QTRY_COMPARE(answers.count(), 1);
    client.stats(ep, 1700000000, answers.handler(2));
    QTRY_COMPARE(answers.count(), 2);
    client.getPolicy(ep, answers.handler(3));
    QTRY_COMPARE(answers.count(), 3);
    PurgeRequest purge;
    purge.ns = "product";
    client.purge(ep, purge, answers.handler(4));
    QTRY_COMPARE(answers.count(), 4);
    // A namespace can never add a path segment or a query.
    client.bump(ep, "a b/../c?x", answers.handler(5));
    QTRY_COMPARE(answers.count(), 5);
    client.request(ep, "GET", "/metrics", {}, {}, answers.handler(6));
    QTRY_COMPARE(answers.count(), 6);

    const std::vector<Seen>& seen = server.seen();
    QCOMPARE(seen.size(), std::size_t(6));
    QCOMPARE(seen[0].path, QByteArray("/v1/admin/stats"));
    QCOMPARE(seen[1].path, QByteArray("/v1/admin/stats?series_after=1700000000"));
    QCOMPARE(seen[2].path, QByteArray("/v1/admin/policy"));
    QCOMPARE(seen[3].method, QByteArray("POST"));
    QCOMPARE(seen[3].path, QByteArray("/v1/admin/purge"));
    QCOMPARE(seen[3].body, QByteArray(R"({"namespace":"product"})"));
    QCOMPARE(seen[3].headers.at("content-type"), QByteArray("application/json"));
    QCOMPARE(seen[4].method, QByteArray("POST"));
    QCOMPARE(seen[4].path, QByteArray("/v1/admin/namespaces/a%20b%2F..%2Fc%3Fx/bump"));
    QCOMPARE(seen[5].path, QByteArray("/metrics"));
    for (const Seen& s : seen)
        QCOMPARE(s.headers.at("authorization"), QByteArray("Bearer ") + kToken);
}

void TestAdminClient::putPolicySendsIfMatchAndBody()
{
    ScriptedServer server(always(200, "{}", "ETag: \"p2\"\r\n"));
    AdminClient client;
    Answers answers;
    // Over 1 KiB: libcurl would otherwise wait for `100 Continue`.
    std::string body = R"({"schema":1,"namespaces":[)";
    for (int i = 0; i < 200; ++i)
        body += std::string(i ? "," : "") + R"({"name":"ns)" + std::to_string(i) + R"(","version":1})";
    body += "]}";
    client.putPolicy(endpoint(server.url(), kToken), body, "\"p1\"", answers.handler());
    QTRY_COMPARE(answers.count(), 1);
    client.putPolicy(endpoint(server.url(), kToken), "schema: 1\nnamespaces: []\n", {}, answers.handler());
    QTRY_COMPARE(answers.count(), 2);

    QCOMPARE(answers.at(0).etag, std::string("\"p2\""));
    const Seen& first = server.seen().at(0);
    QCOMPARE(first.method, QByteArray("PUT"));
    QCOMPARE(first.path, QByteArray("/v1/admin/policy"));
    QCOMPARE(first.headers.at("if-match"), QByteArray("\"p1\""));
    QCOMPARE(first.headers.at("content-type"), QByteArray("application/json"));
    QVERIFY(!first.headers.count("expect"));
    QCOMPARE(first.body, QByteArray::fromStdString(body));
    const Seen& second = server.seen().at(1);
    QVERIFY(!second.headers.count("if-match"));
    QCOMPARE(second.headers.at("content-type"), QByteArray("application/yaml"));
}

void TestAdminClient::etagAndContentTypeRead()
{
    ScriptedServer server(always(200, R"({"schema":1})", "etag: W/\"abc-42\"\r\nX-Other: 1\r\n"));
    AdminClient client;
    Answers answers;
    client.getPolicy(endpoint(server.url(), kToken), answers.handler());
    QTRY_COMPARE(answers.count(), 1);
    const Response r = answers.at(0);
    QVERIFY(r.ok());
    QVERIFY(r.reached());
    QCOMPARE(r.etag, std::string("W/\"abc-42\""));
    QCOMPARE(r.contentType, std::string("application/json"));
    QCOMPARE(r.body, std::string(R"({"schema":1})"));
    QCOMPARE(r.attempts, 1);
    QCOMPARE(r.retryAfter, Micros(-1));
    QVERIFY(r.latency > 0);
}

void TestAdminClient::retriesOnlyIdempotentCalls_data()
{
    QTest::addColumn<QString>("call");
    QTest::addColumn<int>("failStatus");
    QTest::addColumn<int>("expectedStatus");
    QTest::addColumn<int>("expectedRequests");
    QTest::newRow("GET 503 then 200") << QStringLiteral("stats") << 503 << 200 << 2;
    QTest::newRow("GET 502 then 200") << QStringLiteral("health") << 502 << 200 << 2;
    QTest::newRow("GET 504 then 200") << QStringLiteral("policy") << 504 << 200 << 2;
    QTest::newRow("GET 500 not retried") << QStringLiteral("stats") << 500 << 500 << 1;
    QTest::newRow("GET 404 not retried") << QStringLiteral("stats") << 404 << 404 << 1;
    QTest::newRow("POST purge 503 not retried") << QStringLiteral("purge") << 503 << 503 << 1;
    QTest::newRow("POST bump 503 not retried") << QStringLiteral("bump") << 503 << 503 << 1;
    QTest::newRow("PUT policy 503 not retried") << QStringLiteral("put") << 503 << 503 << 1;
    QTest::newRow("POST request 502 not retried") << QStringLiteral("post") << 502 << 502 << 1;
}

void TestAdminClient::retriesOnlyIdempotentCalls()
{
    QFETCH(QString, call);
    QFETCH(int, failStatus);
    QFETCH(int, expectedStatus);
    QFETCH(int, expectedRequests);
    ScriptedServer server([failStatus](const Seen&, int index) {
        return index == 0 ? ScriptedServer::answer(failStatus, R"({"error":"busy"})") : ScriptedServer::answer(200);
    });
    AdminClient client;
    Answers answers;
    const Endpoint ep = endpoint(server.url(), kToken);
    if (call == QLatin1String("stats"))
        client.stats(ep, -1, answers.handler());
    else if (call == QLatin1String("health"))
        client.health(ep, answers.handler());
    else if (call == QLatin1String("policy"))
        client.getPolicy(ep, answers.handler());
    else if (call == QLatin1String("purge"))
        client.purge(ep, PurgeRequest{{}, {}, true}, answers.handler());
    else if (call == QLatin1String("bump"))
        client.bump(ep, "config", answers.handler());
    else if (call == QLatin1String("put"))
        client.putPolicy(ep, "{}", "\"e1\"", answers.handler());
    else
        client.request(ep, "POST", "/v1/other", "{}", {}, answers.handler());
    QTRY_COMPARE(answers.count(), 1);
    const Response r = answers.at(0);
    QCOMPARE(r.httpStatus, expectedStatus);
    QCOMPARE(r.attempts, expectedRequests);
    QCOMPARE(int(server.seen().size()), expectedRequests);
    QCOMPARE(client.pending(), std::size_t(0));
}

void TestAdminClient::retryAfterHonoured()
{
    ScriptedServer server([](const Seen&, int index) {
        return index == 0 ? ScriptedServer::answer(503, "{}", "Retry-After: 1\r\n") : ScriptedServer::answer(200);
    });
    AdminClient client;
    Answers answers;
    client.stats(endpoint(server.url(), kToken), -1, answers.handler());
    QTRY_COMPARE_WITH_TIMEOUT(answers.count(), 1, 10000);
    QCOMPARE(answers.at(0).httpStatus, 200);
    QCOMPARE(answers.at(0).attempts, 2);
    QCOMPARE(server.seen().size(), std::size_t(2));
    // The backoff alone would be 20 ms: the second attempt waited the second.
    const qint64 gap = server.seen()[1].atMs - server.seen()[0].atMs;
    QVERIFY2(gap >= 950, qPrintable(QString::number(gap)));
}

void TestAdminClient::retryAfterBeyondCapEndsTheCall()
{
    ScriptedServer server(always(503, R"({"error":"maintenance"})", "Retry-After: 3600\r\n"));
    AdminClient client;
    Answers answers;
    client.stats(endpoint(server.url(), kToken), -1, answers.handler());
    QTRY_COMPARE(answers.count(), 1);
    const Response r = answers.at(0);
    QCOMPARE(r.httpStatus, 503);
    QCOMPARE(r.attempts, 1);
    QCOMPARE(r.retryAfter, 3600 * kMicrosPerSecond);
    QCOMPARE(r.errorMessage(), std::string("maintenance"));
}

void TestAdminClient::timeoutWhenServerNeverAnswers()
{
    ScriptedServer server(never());
    AdminClient client;
    Answers answers;
    Endpoint ep = endpoint(server.url(), kToken);
    ep.timeout = 300 * kMicrosPerMilli;
    ep.retries = 1;
    QElapsedTimer clock;
    clock.start();
    client.stats(ep, -1, answers.handler());
    QTRY_COMPARE(answers.count(), 1);
    const Response r = answers.at(0);
    QCOMPARE(r.httpStatus, 0);
    QVERIFY(!r.reached());
    QVERIFY(!r.transportError.empty());
    QVERIFY2(QString::fromStdString(r.transportError).contains(QStringLiteral("timed out")),
             r.transportError.c_str());
    QCOMPARE(r.attempts, 2); // a GET timing out is retried once
    QVERIFY(clock.elapsed() >= 550);
    QVERIFY(clock.elapsed() < 4000);
}

void TestAdminClient::connectionRefused()
{
    AdminClient client;
    Answers answers;
    Endpoint ep = endpoint(closedPortUrl(), kToken);
    client.health(ep, answers.handler(1));
    ep.retries = 0;
    client.bump(ep, "product", answers.handler(2));
    QTRY_COMPARE(answers.count(), 2);
    for (const auto& [tag, r] : answers.all()) {
        QCOMPARE(r.httpStatus, 0);
        QVERIFY(!r.reached());
        QVERIFY(!r.ok());
        QVERIFY(!r.transportError.empty());
        QCOMPARE(r.errorMessage(), r.transportError);
        QCOMPARE(r.attempts, tag == 1 ? 3 : 1);
        QVERIFY(!r.refusedLocally); // sent, and nobody answered
    }
}

void TestAdminClient::waitBlocksForTheAnswer()
{
    AdminClient client;
    const Endpoint ep = endpoint(closedPortUrl(), kToken);
    const Response r = client.wait([&](ResponseHandler done) { return client.health(ep, std::move(done)); });
    QCOMPARE(r.httpStatus, 0);
    QVERIFY(!r.transportError.empty());
    QCOMPARE(client.pending(), std::size_t(0));
}

void TestAdminClient::cancelledHandlerNeverRuns()
{
    ScriptedServer server(never());
    AdminClient client;
    Answers answers;
    Endpoint shortCall = endpoint(server.url(), kToken);
    shortCall.timeout = 200 * kMicrosPerMilli;
    shortCall.retries = 0;
    const CallId id = client.stats(shortCall, -1, answers.handler(1));
    QCOMPARE(client.pending(), std::size_t(1));
    client.cancel(id);
    QCOMPARE(client.pending(), std::size_t(0));
    client.cancel(id); // twice is harmless
    client.cancel(987654);
    // A later call that times out after the cancelled one would have: when
    // its answer is in, the cancelled handler had every chance to run.
    Endpoint longer = shortCall;
    longer.timeout = 600 * kMicrosPerMilli;
    client.stats(longer, -1, answers.handler(2));
    QTRY_COMPARE(answers.count(), 1);
    QCOMPARE(answers.all().at(0).first, 2);
}

void TestAdminClient::destroyWithCallsInFlight()
{
    ScriptedServer server(never());
    Answers answers;
    QElapsedTimer clock;
    clock.start();
    {
        AdminClient client;
        for (int i = 0; i < 20; ++i)
            client.stats(endpoint(server.url(), kToken), -1, answers.handler(i));
        QTRY_VERIFY(server.seen().size() >= 5); // some are really in flight
        QCOMPARE(client.pending(), std::size_t(20));
    }
    QVERIFY(clock.elapsed() < 4000); // not waiting for the 5 s timeouts
    QCOMPARE(answers.count(), 0);
}

void TestAdminClient::manyEndpointsAtOnce()
{
    constexpr int kServers = 50;
    std::vector<std::unique_ptr<ScriptedServer>> servers;
    for (int i = 0; i < kServers; ++i) {
        servers.push_back(std::make_unique<ScriptedServer>([i](const Seen&, int) {
            return ScriptedServer::answer(200, "{\"node\":" + QByteArray::number(i) + "}");
        }));
    }
    AdminClient client;
    Answers answers;
    for (int round = 0; round < 2; ++round) {
        for (int i = 0; i < kServers; ++i)
            client.stats(endpoint(servers[i]->url(), kToken), -1, answers.handler(i));
        QTRY_COMPARE_WITH_TIMEOUT(answers.count(), kServers * (round + 1), 20000);
    }
    for (const auto& [tag, r] : answers.all()) {
        QCOMPARE(r.httpStatus, 200);
        QCOMPARE(r.body, "{\"node\":" + std::to_string(tag) + "}");
    }
    // The second round reused the first round's connections.
    for (const auto& server : servers)
        QCOMPARE(server->connections(), 1);
}

void TestAdminClient::connectionsAreReused()
{
    ScriptedServer server(always(200));
    AdminClient client;
    Answers answers;
    for (int i = 0; i < 5; ++i) {
        client.health(endpoint(server.url(), kToken), answers.handler());
        QTRY_COMPARE(answers.count(), i + 1);
    }
    QCOMPARE(server.connections(), 1);
}

void TestAdminClient::tokenNeverInErrors()
{
    // A server that echoes every header back, as a broken proxy might.
    ScriptedServer echo([](const Seen& seen, int) {
        QByteArray all;
        for (const auto& [name, value] : seen.headers)
            all += name + ": " + value + "; ";
        return ScriptedServer::answer(401, "{\"error\":\"refused " + all + "\"}");
    });
    ScriptedServer silent(never());
    AdminClient client;
    Answers answers;
    Endpoint ep = endpoint(echo.url(), kToken);
    client.stats(ep, -1, answers.handler());
    ep.url = closedPortUrl();
    client.stats(ep, -1, answers.handler());
    ep.url = silent.url();
    ep.timeout = 200 * kMicrosPerMilli;
    ep.retries = 0;
    client.stats(ep, -1, answers.handler());
    ep.url = "http://no-such-host.invalid";
    client.stats(ep, -1, answers.handler());
    QTRY_COMPARE_WITH_TIMEOUT(answers.count(), 4, 20000);
    for (const auto& [tag, r] : answers.all()) {
        QVERIFY(!r.errorMessage().empty());
        QVERIFY2(r.errorMessage().find(kToken) == std::string::npos, r.errorMessage().c_str());
        QVERIFY(r.transportError.find(kToken) == std::string::npos);
        QVERIFY(r.body.find(kToken) == std::string::npos);
    }
}

void TestAdminClient::errorMessage_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("body");
    QTest::addColumn<QString>("transport");
    QTest::addColumn<QString>("expected");
    QTest::newRow("node error") << 400 << R"({"error":"namespace 'x' is unknown"})" << QString()
                                << QStringLiteral("namespace 'x' is unknown");
    QTest::newRow("no body") << 412 << QString() << QString() << QStringLiteral("HTTP 412");
    QTest::newRow("not json") << 502 << QStringLiteral("<html>bad gateway</html>") << QString()
                              << QStringLiteral("HTTP 502");
    QTest::newRow("error not a string") << 500 << R"({"error":{"code":1}})" << QString() << QStringLiteral("HTTP 500");
    QTest::newRow("transport") << 0 << QString() << QStringLiteral("Connection refused")
                               << QStringLiteral("Connection refused");
}

void TestAdminClient::errorMessage()
{
    QFETCH(int, status);
    QFETCH(QString, body);
    QFETCH(QString, transport);
    QFETCH(QString, expected);
    Response r;
    r.httpStatus = status;
    r.body = body.toStdString();
    r.transportError = transport.toStdString();
    QCOMPARE(QString::fromStdString(r.errorMessage()), expected);
}

void TestAdminClient::purgeRequestJson_data()
{
    QTest::addColumn<QStringList>("keys");
    QTest::addColumn<QString>("ns");
    QTest::addColumn<bool>("all");
    QTest::addColumn<QString>("expected");
    QTest::newRow("keys") << QStringList{QStringLiteral("product:1"), QStringLiteral("product:a:b")} << QString()
                          << false << QStringLiteral(R"({"keys":["product:1","product:a:b"]})");
    QTest::newRow("namespace") << QStringList{} << QStringLiteral("config") << false
                               << QStringLiteral(R"({"namespace":"config"})");
    QTest::newRow("all") << QStringList{} << QString() << true << QStringLiteral(R"({"all":true})");
    // Exactly one scope is sent: all, else the namespace, else the keys.
    QTest::newRow("all wins") << QStringList{QStringLiteral("product:1")} << QStringLiteral("config") << true
                              << QStringLiteral(R"({"all":true})");
    QTest::newRow("namespace over keys") << QStringList{QStringLiteral("product:1")} << QStringLiteral("config")
                                         << false << QStringLiteral(R"({"namespace":"config"})");
    QTest::newRow("escaped key") << QStringList{QStringLiteral("p:\"q\"")} << QString() << false
                                 << QStringLiteral(R"({"keys":["p:\"q\""]})");
}

void TestAdminClient::purgeRequestJson()
{
    QFETCH(QStringList, keys);
    QFETCH(QString, ns);
    QFETCH(bool, all);
    QFETCH(QString, expected);
    PurgeRequest request;
    for (const QString& key : keys)
        request.keys.push_back(key.toStdString());
    request.ns = ns.toStdString();
    request.all = all;
    QCOMPARE(QString::fromStdString(request.toJson()), expected);
}

void TestAdminClient::refusesHeaderInjection()
{
    ScriptedServer server(always(200));
    AdminClient client;
    Answers answers;
    client.health(endpoint(server.url(), "abc\r\nX-Evil: 1"), answers.handler());
    client.health(endpoint(std::string{}), answers.handler());
    QTRY_COMPARE(answers.count(), 2);
    for (const auto& [tag, r] : answers.all()) {
        QCOMPARE(r.httpStatus, 0);
        QVERIFY(!r.transportError.empty());
        QVERIFY(r.transportError.find("abc") == std::string::npos);
    }
    QCOMPARE(server.seen().size(), std::size_t(0));
}

QTEST_GUILESS_MAIN(TestAdminClient)
#include "tst_adminclient.moc"
