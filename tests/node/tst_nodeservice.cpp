// Tests of NodeService, the node's routes, over plain request values (no
// sockets): the route / method / token table, read headers, the exact 503,
// 413 before the body, the policy's ETag / If-Match rules, purge bodies,
// bump and the /metrics names. The engine runs on in-process tiers with a
// hand-set clock; a failing tier stands in for a dead origin.
#include "servicefixture.h"

#include <QtTest>

using namespace fallback;
using namespace fallback::node;
using namespace nodetest;
using Fixture = nodetest::ServiceFixture;

class TestNodeService : public QObject {
    Q_OBJECT

private slots:
    void routes_data();
    void routes();
    void readHeaders();
    void unavailableIsExact();
    void tooLargeBeforeBody();
    void policyEtagRules();
    void purgeBodies_data();
    void purgeBodies();
    void bumpChangesEtagAndVersion();
    void metricsNames();
    void oneOffIdsAreHandedBack();
};

void TestNodeService::routes_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<bool>("withToken");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("allow");

    QTest::newRow("read") << QByteArray("GET") << QByteArray("/v1/items/product/a") << false << 200 << QByteArray();
    QTest::newRow("read unknown id") << QByteArray("GET") << QByteArray("/v1/items/product/zz") << false << 404 << QByteArray();
    QTest::newRow("read unknown namespace") << QByteArray("GET") << QByteArray("/v1/items/nope/a") << false << 404 << QByteArray();
    QTest::newRow("bad namespace") << QByteArray("GET") << QByteArray("/v1/items/Bad/a") << false << 400 << QByteArray();
    QTest::newRow("dot-dot namespace") << QByteArray("GET") << QByteArray("/v1/items/../admin/health") << false << 400 << QByteArray();
    QTest::newRow("bad escape") << QByteArray("GET") << QByteArray("/v1/items/product/a%zz") << false << 400 << QByteArray();
    QTest::newRow("control byte in id") << QByteArray("GET") << QByteArray("/v1/items/product/a%01") << false << 400 << QByteArray();
    QTest::newRow("no id") << QByteArray("GET") << QByteArray("/v1/items/product/") << false << 400 << QByteArray();
    QTest::newRow("no namespace") << QByteArray("GET") << QByteArray("/v1/items/") << false << 400 << QByteArray();
    QTest::newRow("post item") << QByteArray("POST") << QByteArray("/v1/items/product/a") << true << 405 << QByteArray("GET, PUT, DELETE");
    QTest::newRow("put without token") << QByteArray("PUT") << QByteArray("/v1/items/product/a") << false << 401 << QByteArray();
    QTest::newRow("delete without token") << QByteArray("DELETE") << QByteArray("/v1/items/product/a") << false << 401 << QByteArray();
    QTest::newRow("health without token") << QByteArray("GET") << QByteArray("/v1/admin/health") << false << 401 << QByteArray();
    QTest::newRow("health") << QByteArray("GET") << QByteArray("/v1/admin/health") << true << 200 << QByteArray();
    QTest::newRow("stats") << QByteArray("GET") << QByteArray("/v1/admin/stats?series_after=0") << true << 200 << QByteArray();
    QTest::newRow("stats bad query") << QByteArray("GET") << QByteArray("/v1/admin/stats?series_after=x") << true << 400 << QByteArray();
    QTest::newRow("post health") << QByteArray("POST") << QByteArray("/v1/admin/health") << true << 405 << QByteArray("GET");
    QTest::newRow("get purge") << QByteArray("GET") << QByteArray("/v1/admin/purge") << true << 405 << QByteArray("POST");
    QTest::newRow("delete policy") << QByteArray("DELETE") << QByteArray("/v1/admin/policy") << true << 405 << QByteArray("GET, PUT");
    QTest::newRow("unknown admin route, no token") << QByteArray("GET") << QByteArray("/v1/admin/secret") << false << 401 << QByteArray();
    QTest::newRow("unknown admin route") << QByteArray("GET") << QByteArray("/v1/admin/secret") << true << 404 << QByteArray();
    QTest::newRow("bump unknown namespace") << QByteArray("POST") << QByteArray("/v1/admin/namespaces/nope/bump") << true << 404 << QByteArray();
    QTest::newRow("bump bad namespace") << QByteArray("POST") << QByteArray("/v1/admin/namespaces/B%41D/bump") << true << 400 << QByteArray();
    QTest::newRow("bump nested") << QByteArray("POST") << QByteArray("/v1/admin/namespaces/a/b/bump") << true << 404 << QByteArray();
    QTest::newRow("metrics without token") << QByteArray("GET") << QByteArray("/metrics") << false << 401 << QByteArray();
    QTest::newRow("metrics with token") << QByteArray("GET") << QByteArray("/metrics") << true << 200 << QByteArray();
    QTest::newRow("root") << QByteArray("GET") << QByteArray("/") << false << 404 << QByteArray();
    QTest::newRow("traversal") << QByteArray("GET") << QByteArray("/../../etc/passwd") << false << 404 << QByteArray();
}

void TestNodeService::routes()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, target);
    QFETCH(bool, withToken);
    QFETCH(int, status);
    QFETCH(QByteArray, allow);
    Fixture f;
    const HttpResponse r = f.call(method, target, {}, withToken);
    QCOMPARE(r.status, status);
    if (status != 200 || target != "/v1/items/product/a") {
        if (target != "/metrics")
            QCOMPARE(QByteArray::fromStdString(r.contentType), QByteArray("application/json"));
    }
    if (status >= 400)
        QVERIFY2(json(r).contains(QStringLiteral("error")), body(r).constData());
    if (status == 401)
        QCOMPARE(header(r, "WWW-Authenticate"), QByteArray("Bearer"));
    if (!allow.isEmpty())
        QCOMPARE(header(r, "Allow"), allow);
}

void TestNodeService::readHeaders()
{
    Fixture f;
    const HttpResponse first = f.call("GET", "/v1/items/product/a", {}, false);
    QCOMPARE(first.status, 200);
    QCOMPARE(body(first), QByteArray("hello"));
    QCOMPARE(header(first, "X-Fallback-Tier"), QByteArray("origin"));
    QCOMPARE(header(first, "X-Fallback-Freshness"), QByteArray("fresh"));
    QCOMPARE(header(first, "Age"), QByteArray("5"));
    QCOMPARE(header(first, "Cache-Control"), QByteArray("max-age=60, stale-while-revalidate=30"));

    f.clock.time += 2 * kMicrosPerSecond + 400 * kMicrosPerMilli;
    const HttpResponse second = f.call("GET", "/v1/items/product/a", {}, false);
    QCOMPARE(header(second, "X-Fallback-Tier"), QByteArray("edge_cache"));
    QCOMPARE(header(second, "Age"), QByteArray("7")); // whole seconds, rounded down

    f.clock.time += 60 * kMicrosPerSecond; // past ttl, within swr
    const HttpResponse stale = f.call("GET", "/v1/items/product/a", {}, false);
    QCOMPARE(header(stale, "X-Fallback-Freshness"), QByteArray("stale"));
}

void TestNodeService::unavailableIsExact()
{
    Fixture f({.deadOrigin = true});
    const HttpResponse r = f.call("GET", "/v1/items/product/a", {}, false);
    QCOMPARE(r.status, 503);
    QCOMPARE(body(r), QByteArray(R"({"error":"Service unavailable","hint":"use client cache"})"));
    QCOMPARE(QByteArray::fromStdString(r.contentType), QByteArray("application/json"));
    QCOMPARE(f.service->counters().reads[int(ServedBy::Failed)][0], std::uint64_t(1));
}

void TestNodeService::tooLargeBeforeBody()
{
    Fixture f;
    HttpRequest head = Fixture::head("PUT", "/v1/items/product/big", 1025);
    HeadVerdict verdict = f.service->inspectHead(head);
    QVERIFY(verdict.reject);
    QCOMPARE(verdict.reject->status, 413);

    head.contentLength = 1024;
    verdict = f.service->inspectHead(head);
    QVERIFY(!verdict.reject);
    QCOMPARE(verdict.bodyLimit, std::uint64_t(1024));

    // Without the token the answer is 401, whatever the size.
    head.headers.clear();
    head.contentLength = 1 << 30;
    verdict = f.service->inspectHead(head);
    QVERIFY(verdict.reject);
    QCOMPARE(verdict.reject->status, 401);

    // A body that arrives without a length is checked too.
    QCOMPARE(f.call("PUT", "/v1/items/product/big", QByteArray(2000, 'x')).status, 413);
    const HttpResponse stored = f.call("PUT", "/v1/items/product/small", QByteArray(10, 'x'));
    QCOMPARE(stored.status, 200);
    QCOMPARE(json(stored).value(QStringLiteral("stored")).toBool(), true);
}

void TestNodeService::policyEtagRules()
{
    Fixture f;
    const HttpResponse got = f.call("GET", "/v1/admin/policy");
    QCOMPARE(got.status, 200);
    const QByteArray etag = header(got, "ETag");
    QVERIFY(etag.startsWith('"') && etag.endsWith('"') && etag.size() == 18);
    QCOMPARE(json(got).value(QStringLiteral("namespaces")).toArray().size(), 2);

    const QByteArray next = QByteArray(kPolicy).replace("ttl: 10s", "ttl: 20s");
    QCOMPARE(f.call("PUT", "/v1/admin/policy", next).status, 428);
    const HttpResponse stale = f.call("PUT", "/v1/admin/policy", next, true, {{"if-match", "\"0000000000000000\""}});
    QCOMPARE(stale.status, 412);
    QCOMPARE(json(stale).value(QStringLiteral("etag")).toString().toUtf8(), etag);

    const HttpResponse broken =
        f.call("PUT", "/v1/admin/policy", "schema: 1\ndefaults:\n  tll: 5s\n", true, {{"if-match", etag}});
    QCOMPARE(broken.status, 400);
    const QJsonArray diagnostics = json(broken).value(QStringLiteral("diagnostics")).toArray();
    QVERIFY(!diagnostics.isEmpty());
    bool found = false;
    for (const QJsonValue& d : diagnostics)
        found = found || d.toString().startsWith(QStringLiteral("<body>:3:3: error: unknown key 'tll'"));
    QVERIFY2(found, QJsonDocument(diagnostics).toJson().constData());

    const QByteArray backwards = QByteArray(kPolicy).replace("version: 3", "version: 2");
    QCOMPARE(f.call("PUT", "/v1/admin/policy", backwards, true, {{"if-match", etag}}).status, 409);

    const HttpResponse applied = f.call("PUT", "/v1/admin/policy", next, true, {{"if-match", etag}});
    QCOMPARE(applied.status, 200);
    const QByteArray newEtag = header(applied, "ETag");
    QVERIFY(newEtag != etag);
    QCOMPARE(f.engine.policy().find("config")->ttl, 20 * kMicrosPerSecond);
    // The old tag is stale now; `*` replaces whatever is in force.
    QCOMPARE(f.call("PUT", "/v1/admin/policy", next, true, {{"if-match", etag}}).status, 412);
    QCOMPARE(f.call("PUT", "/v1/admin/policy", next, true, {{"if-match", "*"}}).status, 200);
    // The same policy gives the same tag.
    QCOMPARE(header(f.call("GET", "/v1/admin/policy"), "ETag"), newEtag);
}

void TestNodeService::purgeBodies_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("purged");
    QTest::newRow("key") << QByteArray(R"({"keys":["product:a"]})") << 200 << 2;
    QTest::newRow("unknown id") << QByteArray(R"({"keys":["product:never"]})") << 200 << 0;
    QTest::newRow("namespace") << QByteArray(R"({"namespace":"product"})") << 200 << 2;
    QTest::newRow("other namespace") << QByteArray(R"({"namespace":"config"})") << 200 << 0;
    QTest::newRow("all") << QByteArray(R"({"all":true})") << 200 << 2;
    QTest::newRow("all false") << QByteArray(R"({"all":false})") << 400 << -1;
    QTest::newRow("unknown namespace") << QByteArray(R"({"namespace":"nope"})") << 400 << -1;
    QTest::newRow("key in unknown namespace") << QByteArray(R"({"keys":["nope:a"]})") << 400 << -1;
    QTest::newRow("key without colon") << QByteArray(R"({"keys":["product"]})") << 400 << -1;
    QTest::newRow("empty keys") << QByteArray(R"({"keys":[]})") << 400 << -1;
    QTest::newRow("keys not strings") << QByteArray(R"({"keys":[1]})") << 400 << -1;
    QTest::newRow("two scopes") << QByteArray(R"({"all":true,"namespace":"product"})") << 400 << -1;
    QTest::newRow("unknown member") << QByteArray(R"({"everything":true})") << 400 << -1;
    QTest::newRow("not json") << QByteArray("purge it") << 400 << -1;
    QTest::newRow("array") << QByteArray("[]") << 400 << -1;
    QTest::newRow("empty") << QByteArray() << 400 << -1;
}

void TestNodeService::purgeBodies()
{
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(int, purged);
    Fixture f;
    QCOMPARE(f.call("GET", "/v1/items/product/a", {}, false).status, 200); // edge + KV hold a copy
    const HttpResponse r = f.call("POST", "/v1/admin/purge", body);
    QCOMPARE(r.status, status);
    if (purged >= 0)
        QCOMPARE(json(r).value(QStringLiteral("purged")).toInt(), purged);
    else
        QVERIFY(json(r).contains(QStringLiteral("error")));
}

void TestNodeService::bumpChangesEtagAndVersion()
{
    Fixture f;
    const QByteArray before = header(f.call("GET", "/v1/admin/policy"), "ETag");
    const HttpResponse r = f.call("POST", "/v1/admin/namespaces/product/bump");
    QCOMPARE(r.status, 200);
    QCOMPARE(json(r).value(QStringLiteral("namespace")).toString(), QStringLiteral("product"));
    QCOMPARE(json(r).value(QStringLiteral("version")).toInt(), 4);
    QVERIFY(header(f.call("GET", "/v1/admin/policy"), "ETag") != before);
}

void TestNodeService::metricsNames()
{
    Fixture f;
    f.call("GET", "/v1/items/product/a", {}, false);
    f.call("GET", "/v1/items/product/a", {}, false);
    f.call("POST", "/v1/admin/purge", R"({"namespace":"product"})");
    const HttpResponse r = f.call("GET", "/metrics", {}, true);
    QCOMPARE(r.status, 200);
    QVERIFY(QByteArray::fromStdString(r.contentType).startsWith("text/plain; version=0.0.4"));
    const QByteArray text = body(r);
    for (const char* line : {
             "# TYPE fallback_tier_lookups_total counter",
             "# TYPE fallback_tier_latency_seconds histogram",
             "# TYPE fallback_requests_total counter",
             "# TYPE fallback_origin_fetches_total counter",
             "# TYPE fallback_coalesced_total counter",
             "# TYPE fallback_purges_total counter",
             "# TYPE fallback_namespace_version gauge",
             "fallback_tier_lookups_total{tier=\"edge_cache\",namespace=\"product\",result=\"hit\"} 1\n",
             "fallback_tier_lookups_total{tier=\"edge_cache\",namespace=\"product\",result=\"miss\"} 1\n",
             "fallback_tier_latency_seconds_bucket{tier=\"edge_cache\",le=\"+Inf\"} 2\n",
             "fallback_tier_latency_seconds_count{tier=\"origin\"} 1\n",
             "fallback_requests_total{served_by=\"edge_cache\",freshness=\"fresh\"} 1\n",
             "fallback_requests_total{served_by=\"origin\",freshness=\"fresh\"} 1\n",
             "fallback_requests_total{served_by=\"failed\",freshness=\"none\"} 0\n",
             "fallback_origin_fetches_total 1\n",
             "fallback_coalesced_total 0\n",
             "fallback_purges_total{scope=\"namespace\"} 1\n",
             "fallback_purges_total{scope=\"key\"} 0\n",
             "fallback_namespace_version{namespace=\"product\"} 3\n",
             "fallback_namespace_version{namespace=\"config\"} 1\n"}) {
        QVERIFY2(text.contains(line), line);
    }
}

void TestNodeService::oneOffIdsAreHandedBack()
{
    // A crawler asks for thousands of ids the origin does not have, between
    // reads and writes of real items. The key space is swept on tick() and
    // stays the size of what is in use; no item ever answers another's body.
    Fixture f({.idSweepThreshold = 256});
    auto item = [](int i) -> QByteArray { return "/v1/items/product/item-" + QByteArray::number(i); };
    auto bodyOfItem = [](int i, int generation) -> QByteArray {
        return "body " + QByteArray::number(i) + " v" + QByteArray::number(generation);
    };
    std::vector<int> generation(40, 0);
    for (int i = 0; i < 40; ++i)
        QCOMPARE(f.call("PUT", item(i), bodyOfItem(i, 0)).status, 200);
    for (int round = 0; round < 30; ++round) {
        for (int i = 0; i < 300; ++i) {
            const QByteArray target = QByteArray("/v1/items/product/crawl-") +
                                      QByteArray::number(round) + "-" + QByteArray::number(i);
            QCOMPARE(f.call("GET", target, {}, false).status, 404);
        }
        const int changed = round % 40;
        QCOMPARE(f.call("PUT", item(changed), bodyOfItem(changed, ++generation[changed])).status, 200);
        for (int i = 0; i < 40; ++i) {
            const HttpResponse r = f.call("GET", item(i), {}, false);
            QCOMPARE(r.status, 200);
            QCOMPARE(body(r), bodyOfItem(i, generation[i]));
        }
        f.clock.time += kMicrosPerSecond;
        f.service->tick();
    }
    // 9 000 one-off ids were asked for; the key space holds the 40 items,
    // "a", and at most what arrived since the last sweep.
    QVERIFY2(f.keys.liveResourceCount() < 41 + 2 * 300 + 256,
             qPrintable(QString::number(f.keys.liveResourceCount())));
    QVERIFY(f.keys.resourceCount() < 2000); // ids were reused, not grown
    QVERIFY(!f.keys.findResource("crawl-0-0"));
}

QTEST_APPLESS_MAIN(TestNodeService)
#include "tst_nodeservice.moc"
