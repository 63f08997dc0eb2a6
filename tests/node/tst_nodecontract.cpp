// More tests of NodeService over plain request values (no sockets), for
// behaviours of SPEC §6 / the README that tst_nodeservice leaves open: the
// read answers' smaller details (503 not cached, the tier of a 404,
// percent-encoded addresses), the freshness and error labels of /metrics
// and the histogram's units, the 1 MiB admin body limit, the If-Match forms
// fallbackctl sends, versions that only move forward (versions.json), the
// audit lines' fields and time, and health's window and KV queue.
#include "auditfile.h"
#include "servicefixture.h"

#include <QFile>
#include <QtTest>

#include <sys/stat.h>

using namespace fallback;
using namespace fallback::node;
using namespace nodetest;
using Fixture = nodetest::ServiceFixture;
using Options = nodetest::FixtureOptions;

namespace {

QByteArray metricsText(Fixture& f)
{
    const HttpResponse r = f.call("GET", "/metrics");
    return r.status == 200 ? body(r) : QByteArray();
}

} // namespace

class TestNodeContract : public QObject {
    Q_OBJECT

private slots:
    void readAnswerDetails();
    void percentEncodedAddresses();
    void writeAndDeleteAnswers();
    void metricsFreshnessAndErrors();
    void latencyHistogramInSeconds();
    void adminBodyLimitIsOneMiB();
    void ifMatchForms();
    void versionsOnlyMoveForward();
    void auditLinesForEveryChange();
    void auditLogAppendsAcrossRestarts();
    void healthWindowAndKvQueue();
    void keyRoutesShowTheCurrentVersion();
    void purgeBodyChecks();
};

void TestNodeContract::readAnswerDetails()
{
    // A 503 must not be kept by a cache in front of the node.
    Fixture dead(Options{.deadOrigin = true});
    const HttpResponse unavailable = dead.call("GET", "/v1/items/product/a", {}, false);
    QCOMPARE(unavailable.status, 503);
    QCOMPARE(header(unavailable, "Cache-Control"), QByteArray("no-store"));

    // A 404 says which tier answered it: the origin.
    Fixture f;
    const HttpResponse missing = f.call("GET", "/v1/items/product/zz", {}, false);
    QCOMPARE(missing.status, 404);
    QCOMPARE(header(missing, "X-Fallback-Tier"), QByteArray("origin"));
    QVERIFY(json(missing).contains(QStringLiteral("error")));
}

void TestNodeContract::percentEncodedAddresses()
{
    Fixture f;
    // %64 is `d`, %61 is `a`: the same resource as /v1/items/product/a.
    const HttpResponse encoded = f.call("GET", "/v1/items/pro%64uct/%61", {}, false);
    QCOMPARE(encoded.status, 200);
    QCOMPARE(body(encoded), QByteArray("hello"));

    // %2F is a slash inside the id: written as x%2Fy, it is the id "x/y".
    QCOMPARE(f.call("PUT", "/v1/items/product/x%2Fy", "slash").status, 200);
    const HttpResponse read = f.call("GET", "/v1/items/product/x/y", {}, false);
    QCOMPARE(read.status, 200);
    QCOMPARE(body(read), QByteArray("slash"));
    QCOMPARE(json(f.call("POST", "/v1/admin/purge", R"({"keys":["product:x/y"]})"))
                 .value(QStringLiteral("purged")).toInt(), 2);

    // A bump named with an escape answers the namespace's name.
    const HttpResponse bump = f.call("POST", "/v1/admin/namespaces/pro%64uct/bump");
    QCOMPARE(bump.status, 200);
    QCOMPARE(json(bump).value(QStringLiteral("namespace")).toString(), QStringLiteral("product"));
}

void TestNodeContract::writeAndDeleteAnswers()
{
    Fixture f;
    QCOMPARE(json(f.call("PUT", "/v1/items/product/w", "0123456789")).value(QStringLiteral("stored")).toBool(), true);
    // The copy written is 10 bytes in every tier that holds it.
    const QJsonObject tiers = json(f.call("GET", "/v1/admin/keys/product/w")).value(QStringLiteral("tiers")).toObject();
    QCOMPARE(tiers.value(QStringLiteral("edge_cache")).toObject().value(QStringLiteral("size")).toInt(), 10);
    QCOMPARE(tiers.value(QStringLiteral("edge_kv")).toObject().value(QStringLiteral("size")).toInt(), 10);

    const HttpResponse deleted = f.call("DELETE", "/v1/items/product/w");
    QCOMPARE(deleted.status, 200);
    QCOMPARE(json(deleted).value(QStringLiteral("deleted")).toBool(), true);
    QVERIFY(!json(deleted).contains(QStringLiteral("stored")));

    // POST on the policy is not a way to apply one.
    const HttpResponse post = f.call("POST", "/v1/admin/policy", QByteArray(kPolicy), true, {{"if-match", "*"}});
    QCOMPARE(post.status, 405);
    QCOMPARE(header(post, "Allow"), QByteArray("GET, PUT"));
}

void TestNodeContract::metricsFreshnessAndErrors()
{
    Fixture f;
    QCOMPARE(f.call("GET", "/v1/items/product/a", {}, false).status, 200); // origin, fresh
    f.clock.time += 70 * kMicrosPerSecond;                                 // past ttl 60 s, within swr 30 s
    const HttpResponse stale = f.call("GET", "/v1/items/product/a", {}, false);
    QCOMPARE(header(stale, "X-Fallback-Freshness"), QByteArray("stale"));
    const QByteArray text = metricsText(f);
    for (const char* line : {
             "fallback_requests_total{served_by=\"edge_cache\",freshness=\"stale\"} 1\n",
             "fallback_requests_total{served_by=\"edge_cache\",freshness=\"fresh\"} 0\n",
             "fallback_requests_total{served_by=\"origin\",freshness=\"fresh\"} 1\n",
             "fallback_requests_total{served_by=\"origin\",freshness=\"revalidated\"} 0\n",
             "fallback_tier_lookups_total{tier=\"edge_cache\",namespace=\"product\",result=\"stale\"} 1\n",
             "fallback_tier_lookups_total{tier=\"edge_cache\",namespace=\"product\",result=\"hit\"} 0\n",
             // The stale read was revalidated in the background; nothing joined a fetch.
             "fallback_coalesced_total 0\n"}) {
        QVERIFY2(text.contains(line), line);
    }

    // An origin that is down counts errors.
    Fixture dead(Options{.deadOrigin = true});
    QCOMPARE(dead.call("GET", "/v1/items/product/a", {}, false).status, 503);
    const QByteArray deadText = metricsText(dead);
    for (const char* line : {
             "fallback_tier_lookups_total{tier=\"origin\",namespace=\"product\",result=\"error\"} 1\n",
             "fallback_tier_lookups_total{tier=\"origin\",namespace=\"product\",result=\"miss\"} 0\n",
             "fallback_requests_total{served_by=\"failed\",freshness=\"none\"} 1\n"}) {
        QVERIFY2(deadText.contains(line), line);
    }
}

void TestNodeContract::latencyHistogramInSeconds()
{
    // Two origin calls of 3 ms and one of 40 ms (recorded in microseconds):
    // the `le` bounds and the sum are in seconds.
    EngineStats stats;
    LatencyHistogram& origin = stats.tierLatency[tierIndex(TierId::Origin)];
    origin.record(3000, 2);
    origin.record(40000);
    const std::string text = renderMetrics(stats, Policy{}, NodeCounters{}, 1.0);
    const QByteArray out = QByteArray::fromStdString(text);
    for (const char* line : {
             "fallback_tier_latency_seconds_bucket{tier=\"origin\",le=\"0.001\"} 0\n",
             "fallback_tier_latency_seconds_bucket{tier=\"origin\",le=\"0.0025\"} 0\n",
             "fallback_tier_latency_seconds_bucket{tier=\"origin\",le=\"0.005\"} 2\n",
             "fallback_tier_latency_seconds_bucket{tier=\"origin\",le=\"0.025\"} 2\n",
             "fallback_tier_latency_seconds_bucket{tier=\"origin\",le=\"0.05\"} 3\n",
             "fallback_tier_latency_seconds_bucket{tier=\"origin\",le=\"+Inf\"} 3\n",
             "fallback_tier_latency_seconds_count{tier=\"origin\"} 3\n"}) {
        QVERIFY2(out.contains(line), line);
    }
    const QRegularExpression sum(QStringLiteral("^fallback_tier_latency_seconds_sum\\{tier=\"origin\"\\} (\\S+)$"),
                                 QRegularExpression::MultilineOption);
    const QRegularExpressionMatch m = sum.match(QString::fromUtf8(out));
    QVERIFY(m.hasMatch());
    const double seconds = m.captured(1).toDouble();
    QVERIFY2(seconds > 0.045 && seconds < 0.047, qPrintable(m.captured(1))); // 0.046 s, within buckets
}

void TestNodeContract::adminBodyLimitIsOneMiB()
{
    Fixture f;
    HttpRequest head = Fixture::head("POST", "/v1/admin/purge", 1024 * 1024);
    HeadVerdict verdict = f.service->inspectHead(head);
    QVERIFY(!verdict.reject);
    QCOMPARE(verdict.bodyLimit, std::uint64_t(1024 * 1024));
    head.contentLength = 1024 * 1024 + 1;
    verdict = f.service->inspectHead(head);
    QVERIFY(verdict.reject);
    QCOMPARE(verdict.reject->status, 413);
}

void TestNodeContract::ifMatchForms()
{
    Fixture f;
    const QByteArray etag = header(f.call("GET", "/v1/admin/policy"), "ETag");
    const QByteArray bare = etag.mid(1, etag.size() - 2);
    QByteArray next = QByteArray(kPolicy).replace("ttl: 10s", "ttl: 11s");
    // `fallbackctl policy apply --if-match "..."`: the shell drops the quotes.
    const HttpResponse unquoted = f.call("PUT", "/v1/admin/policy", next, true, {{"if-match", bare}});
    QCOMPARE(unquoted.status, 200);

    // A list of tags matches when any of them is the current one.
    const QByteArray current = header(unquoted, "ETag");
    next.replace("ttl: 11s", "ttl: 12s");
    const HttpResponse listed = f.call("PUT", "/v1/admin/policy", next, true,
                                       {{"if-match", "\"0000000000000000\", " + current}});
    QCOMPARE(listed.status, 200);
    QCOMPARE(f.engine.policy().find("config")->ttl, 12 * kMicrosPerSecond);
    // ...and none of them matching is still 412.
    QCOMPARE(f.call("PUT", "/v1/admin/policy", next, true, {{"if-match", "\"1\", \"2\""}}).status, 412);
}

void TestNodeContract::versionsOnlyMoveForward()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    Fixture f(Options{.dataDir = dir.path()});
    // config goes to version 7 by a policy change: versions.json keeps it.
    const QByteArray raised = QByteArray(kPolicy).replace("version: 1", "version: 7");
    QCOMPARE(f.call("PUT", "/v1/admin/policy", raised, true, {{"if-match", "*"}}).status, 200);
    QFile file(dir.filePath(QStringLiteral("versions.json")));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonObject saved = QJsonDocument::fromJson(file.readAll()).object();
    QCOMPARE(saved.value(QStringLiteral("config")).toInt(), 7);
    QCOMPARE(saved.value(QStringLiteral("product")).toInt(), 3);

    // config leaves the policy, then comes back below 7: refused whole (409).
    const QByteArray without = "schema: 1\ndefaults:\n  ttl: 60s\nnamespaces:\n  - name: product\n    version: 3\n";
    QCOMPARE(f.call("PUT", "/v1/admin/policy", without, true, {{"if-match", "*"}}).status, 200);
    const QByteArray etag = header(f.call("GET", "/v1/admin/policy"), "ETag");
    const HttpResponse back = f.call("PUT", "/v1/admin/policy", QByteArray(kPolicy), true, {{"if-match", "*"}});
    QCOMPARE(back.status, 409);
    QVERIFY(json(back).value(QStringLiteral("error")).toString().contains(QStringLiteral("config")));
    QVERIFY(!f.engine.policy().find("config"));
    QCOMPARE(header(f.call("GET", "/v1/admin/policy"), "ETag"), etag);
    // At (or above) its old version it may come back.
    QCOMPARE(f.call("PUT", "/v1/admin/policy", raised, true, {{"if-match", "*"}}).status, 200);
}

void TestNodeContract::auditLinesForEveryChange()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    Fixture f(Options{.dataDir = dir.path()});
    f.clock.time = kStart + 123 * kMicrosPerMilli; // 2023-11-14T22:13:20.123Z
    QCOMPARE(f.call("POST", "/v1/admin/purge", R"({"namespace":"product"})").status, 200);
    f.clock.time += 2 * kMicrosPerSecond;
    QCOMPARE(f.call("POST", "/v1/admin/namespaces/config/bump").status, 200);
    QCOMPARE(f.call("PUT", "/v1/admin/policy", "schema: 1\nnope: 1\n", true, {{"if-match", "*"}}).status, 400);
    QCOMPARE(f.call("PUT", "/v1/admin/policy", QByteArray(kPolicy), true, {{"if-match", "\"stale\""}}).status, 412);
    // A preview changes nothing and is not audited.
    QCOMPARE(f.call("POST", "/v1/admin/purge", R"({"all":true,"dry_run":true})").status, 200);

    const QList<QJsonObject> lines = auditLines(dir.path());
    QCOMPARE(lines.size(), 4);
    QCOMPARE(lines[0].value(QStringLiteral("time")).toString(), QStringLiteral("2023-11-14T22:13:20.123Z"));
    QCOMPARE(lines[0].value(QStringLiteral("action")).toString(), QStringLiteral("purge"));
    QCOMPARE(lines[0].value(QStringLiteral("target")).toString(), QStringLiteral("namespace product"));
    QCOMPARE(lines[0].value(QStringLiteral("ok")).toBool(), true);
    QCOMPARE(lines[0].value(QStringLiteral("peer")).toString(), QStringLiteral("127.0.0.1:1"));
    QCOMPARE(lines[1].value(QStringLiteral("time")).toString(), QStringLiteral("2023-11-14T22:13:22.123Z"));
    QCOMPARE(lines[1].value(QStringLiteral("action")).toString(), QStringLiteral("bump"));
    QCOMPARE(lines[1].value(QStringLiteral("target")).toString(), QStringLiteral("namespace config"));
    QCOMPARE(lines[1].value(QStringLiteral("result")).toString(), QStringLiteral("version 2"));
    for (int i : {2, 3}) {
        QCOMPARE(lines[i].value(QStringLiteral("action")).toString(), QStringLiteral("policy"));
        QCOMPARE(lines[i].value(QStringLiteral("ok")).toBool(), false);
        QVERIFY(lines[i].value(QStringLiteral("result")).toString().startsWith(QStringLiteral("refused")));
    }
    struct stat info {};
    QCOMPARE(::stat(QFile::encodeName(dir.filePath(QStringLiteral("audit.jsonl"))).constData(), &info), 0);
    QCOMPARE(int(info.st_mode & 0777), 0600);
}

void TestNodeContract::auditLogAppendsAcrossRestarts()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    for (int run = 0; run < 2; ++run) {
        Fixture f(Options{.dataDir = dir.path()});
        QCOMPARE(f.call("POST", "/v1/admin/namespaces/product/bump").status, 200);
    }
    // Append-only: the second run's line follows the first's; the bump survived too.
    const QList<QJsonObject> lines = auditLines(dir.path());
    QCOMPARE(lines.size(), 2);
    QCOMPARE(lines[0].value(QStringLiteral("result")).toString(), QStringLiteral("version 4"));
    QCOMPARE(lines[1].value(QStringLiteral("result")).toString(), QStringLiteral("version 5"));
}

void TestNodeContract::healthWindowAndKvQueue()
{
    Fixture f(Options{.deadOrigin = true});
    f.service->tick();
    for (const char* id : {"/v1/items/product/h1", "/v1/items/product/h2"})
        QCOMPARE(f.call("GET", id, {}, false).status, 503);
    f.service->tick(); // a second later: the errors are inside the 60 s window
    QJsonObject health = json(f.call("GET", "/v1/admin/health"));
    QCOMPARE(health.value(QStringLiteral("status")).toString(), QStringLiteral("degraded"));
    QCOMPARE(health.value(QStringLiteral("origin")).toObject().value(QStringLiteral("recent_errors")).toInt(), 2);
    // Why, in words, for people and the console.
    QCOMPARE(health.value(QStringLiteral("reason")).toString(),
             QStringLiteral("origin: 2 of 2 fetches failed in the last 60 s"));
    for (int second = 0; second < 30; ++second)
        f.service->tick();
    QCOMPARE(json(f.call("GET", "/v1/admin/health")).value(QStringLiteral("origin")).toObject()
                 .value(QStringLiteral("recent_errors")).toInt(), 2);
    for (int second = 0; second < 40; ++second)
        f.service->tick();
    health = json(f.call("GET", "/v1/admin/health"));
    QCOMPARE(health.value(QStringLiteral("origin")).toObject().value(QStringLiteral("recent_errors")).toInt(), 0);
    QCOMPARE(health.value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
    QVERIFY(!health.contains(QStringLiteral("reason")));

    // Errors before the first tick count from the start: still recent after it.
    Fixture early(Options{.deadOrigin = true});
    QCOMPARE(early.call("GET", "/v1/items/product/e1", {}, false).status, 503);
    early.service->tick();
    health = json(early.call("GET", "/v1/admin/health"));
    QCOMPARE(health.value(QStringLiteral("reason")).toString(),
             QStringLiteral("origin: 1 of 1 fetch failed in the last 60 s"));

    // A KV write waiting for a retry makes the node degraded, and shows.
    Fixture kv(Options{false, true});
    const HttpResponse put = kv.call("PUT", "/v1/items/product/q", "x");
    QCOMPARE(put.status, 200);
    QCOMPARE(json(put).value(QStringLiteral("kv_queued")).toBool(), true);
    health = json(kv.call("GET", "/v1/admin/health"));
    QCOMPARE(health.value(QStringLiteral("kv_queue_depth")).toInt(), 1);
    QCOMPARE(health.value(QStringLiteral("status")).toString(), QStringLiteral("degraded"));
    QCOMPARE(health.value(QStringLiteral("reason")).toString(),
             QStringLiteral("edge KV: 1 write waiting for retry"));
    QVERIFY(metricsText(kv).contains("\nfallback_kv_queue_depth 1\n"));
}

void TestNodeContract::keyRoutesShowTheCurrentVersion()
{
    Fixture f(Options{.clientCache = true});
    QCOMPARE(f.call("GET", "/v1/items/product/a", {}, false).status, 200);
    QCOMPARE(json(f.call("GET", "/v1/admin/keys/product")).value(QStringLiteral("ids")).toArray().size(), 1);
    // Long past keep-for, the client cache's copy is still a last-known-good one.
    f.clock.time += 3600 * kMicrosPerSecond;
    const QJsonObject tiers = json(f.call("GET", "/v1/admin/keys/product/a")).value(QStringLiteral("tiers")).toObject();
    QCOMPARE(tiers.value(QStringLiteral("client_cache")).toObject().value(QStringLiteral("freshness")).toString(),
             QStringLiteral("stale"));
    QCOMPARE(tiers.value(QStringLiteral("edge_cache")).toObject().value(QStringLiteral("freshness")).toString(),
             QStringLiteral("expired"));
    // After a bump the old copies are unreachable: not listed.
    QCOMPARE(f.call("POST", "/v1/admin/namespaces/product/bump").status, 200);
    QCOMPARE(json(f.call("GET", "/v1/admin/keys/product")).value(QStringLiteral("ids")).toArray().size(), 0);
    QCOMPARE(f.call("GET", "/v1/admin/keys/product?limit=1000").status, 200);
    QCOMPARE(f.call("GET", "/v1/admin/keys/product?limit=1001").status, 400);
}

void TestNodeContract::purgeBodyChecks()
{
    Fixture f;
    // An id the key rules refuse is a 400, like on the data plane.
    QCOMPARE(f.call("POST", "/v1/admin/purge", "{\"keys\":[\"product:a\\u0001\"]}").status, 400);
    // At most 10000 keys in one purge.
    QByteArray keys = "{\"keys\":[";
    for (int i = 0; i < 10001; ++i)
        keys += (i ? ",\"product:k" : "\"product:k") + QByteArray::number(i) + "\"";
    keys += "]}";
    QVERIFY(keys.size() < 1024 * 1024);
    QCOMPARE(f.call("POST", "/v1/admin/purge", keys).status, 400);
}

QTEST_APPLESS_MAIN(TestNodeContract)
#include "tst_nodecontract.moc"
