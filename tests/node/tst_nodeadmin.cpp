// Integration tests of fallback-node's admin plane (SPEC §6) against real
// processes: 401 without / with a wrong token, health, stats in the
// `simulate --json` shape plus namespaces and series (read back with the
// console's own parser), the policy's ETag with 412 / 428 / 400 diagnostics
// / 409, purge by key, namespace and all with counts and the next read from
// the origin, bump, and /metrics.
#include "nodeharness.h"

#include "live/remotestats.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

using namespace nodetest;

class TestNodeAdmin : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void init();

    void tokenRequired_data();
    void tokenRequired();
    void health();
    void stats();
    void policyEtagAndConflicts();
    void invalidPolicyHasDiagnostics();
    void purgeScopes();
    void purgeDryRunRemovesNothing();
    void keyInspection();
    void bump();
    void metrics();

private:
    QTemporaryDir m_dir;
    Origin m_origin;
    Node m_node;
};

void TestNodeAdmin::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY(m_origin.start(50, 128));
    // The token comes from a file of ours this time.
    const QString tokenFile = m_dir.filePath(QStringLiteral("token"));
    QFile file(tokenFile);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("admin-test-token-42\n");
    file.close();
    QVERIFY(m_node.start(fixture("node.policy.yaml"), m_origin.url(), m_dir.filePath(QStringLiteral("data")),
                         {QStringLiteral("--admin-token-file"), tokenFile}));
    QCOMPARE(m_node.token(), QByteArray("admin-test-token-42"));
}

void TestNodeAdmin::cleanupTestCase()
{
    QCOMPARE(m_node.terminate(), 0);
    QVERIFY(!m_node.process().errorOutput().contains("admin-test-token-42"));
}

void TestNodeAdmin::init()
{
    QVERIFY(m_origin.recover());
}

void TestNodeAdmin::tokenRequired_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("health") << QByteArray("GET") << QStringLiteral("/v1/admin/health") << QByteArray();
    QTest::newRow("stats") << QByteArray("GET") << QStringLiteral("/v1/admin/stats") << QByteArray();
    QTest::newRow("policy") << QByteArray("GET") << QStringLiteral("/v1/admin/policy") << QByteArray();
    QTest::newRow("put policy") << QByteArray("PUT") << QStringLiteral("/v1/admin/policy") << QByteArray("schema: 1");
    QTest::newRow("purge") << QByteArray("POST") << QStringLiteral("/v1/admin/purge") << QByteArray(R"({"all":true})");
    QTest::newRow("bump") << QByteArray("POST") << QStringLiteral("/v1/admin/namespaces/product/bump") << QByteArray();
    QTest::newRow("unknown admin route") << QByteArray("GET") << QStringLiteral("/v1/admin/nothing") << QByteArray();
}

void TestNodeAdmin::tokenRequired()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QByteArray, body);
    const QList<QList<QByteArray>> wrongHeaders{
        {},
        {"Authorization: Bearer admin-test-token-4"},
        {"Authorization: Bearer admin-test-token-422"},
        {"Authorization: Basic YWRtaW46YWRtaW4="},
        {"Authorization: Bearer"}};
    for (const QList<QByteArray>& headers : wrongHeaders) {
        const Reply r = http(method, m_node.url(path), body, headers);
        QCOMPARE(r.status, 401);
        QCOMPARE(r.header("www-authenticate"), QByteArray("Bearer"));
        QCOMPARE(r.header("content-type"), QByteArray("application/json"));
        QVERIFY(r.json().contains(QStringLiteral("error")));
    }
    // Nothing was bumped or purged by those.
    QCOMPARE(m_node.admin("GET", QStringLiteral("/v1/admin/policy"))
                 .json().value(QStringLiteral("namespaces")).toArray().first().toObject()
                 .value(QStringLiteral("version")).toInt(), 3);
}

void TestNodeAdmin::health()
{
    const Reply ok = m_node.admin("GET", QStringLiteral("/v1/admin/health"));
    QCOMPARE(ok.status, 200);
    const QJsonObject doc = ok.json();
    QCOMPARE(doc.value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
    QVERIFY(doc.value(QStringLiteral("uptime_seconds")).toDouble() >= 0);
    QVERIFY(doc.value(QStringLiteral("origin")).toObject().contains(QStringLiteral("recent_errors")));
    QCOMPARE(doc.value(QStringLiteral("kv_queue_depth")).toInt(), 0);
    QVERIFY(!doc.value(QStringLiteral("policy_etag")).toString().isEmpty());
    QVERIFY(!doc.value(QStringLiteral("version")).toString().isEmpty());

    // Most recent origin fetches failing: degraded.
    QVERIFY(m_origin.fail(500));
    for (int i = 0; i < 3; ++i)
        QCOMPARE(m_node.item(QStringLiteral("product"), QStringLiteral("health-%1").arg(i)).status, 503);
    const QJsonObject degraded = m_node.admin("GET", QStringLiteral("/v1/admin/health")).json();
    QCOMPARE(degraded.value(QStringLiteral("status")).toString(), QStringLiteral("degraded"));
    QVERIFY(degraded.value(QStringLiteral("origin")).toObject().value(QStringLiteral("recent_errors")).toInt() >= 3);
}

void TestNodeAdmin::stats()
{
    QCOMPARE(m_node.item(QStringLiteral("product"), QStringLiteral("item-10")).status, 200);
    QCOMPARE(m_node.item(QStringLiteral("product"), QStringLiteral("item-10")).status, 200);
    const Reply r = m_node.admin("GET", QStringLiteral("/v1/admin/stats"));
    QCOMPARE(r.status, 200);
    const QJsonObject doc = r.json();
    for (const char* key : {"requests", "tiers", "served_by", "origin_fetches", "coalesced",
                            "stale_served", "revalidations", "latency_ms", "wall_seconds",
                            "namespaces", "series", "now_ms", "policy_etag"})
        QVERIFY2(doc.contains(QLatin1String(key)), key);
    const QJsonObject tiers = doc.value(QStringLiteral("tiers")).toObject();
    for (const char* tier : {"edge_cache", "edge_kv", "origin", "client_cache"}) {
        const QJsonObject t = tiers.value(QLatin1String(tier)).toObject();
        for (const char* key : {"lookups", "hits", "stale_hits", "misses", "errors", "hit_rate", "latency_ms"})
            QVERIFY2(t.contains(QLatin1String(key)), key);
    }
    QVERIFY(tiers.value(QStringLiteral("edge_cache")).toObject().value(QStringLiteral("hits")).toInt() >= 1);
    const QJsonObject servedBy = doc.value(QStringLiteral("served_by")).toObject();
    for (const char* who : {"edge_cache", "edge_kv", "origin", "client_cache", "failed"})
        QVERIFY2(servedBy.contains(QLatin1String(who)), who);
    QVERIFY(doc.value(QStringLiteral("requests")).toInt() >= 2);
    const QJsonObject product = doc.value(QStringLiteral("namespaces")).toObject().value(QStringLiteral("product")).toObject();
    QCOMPARE(product.value(QStringLiteral("version")).toInt(), 3);
    QVERIFY(product.value(QStringLiteral("reads")).toInt() >= 2);
    QVERIFY(doc.value(QStringLiteral("series")).isArray());

    // The console's parser reads it.
    const auto parsed = fallback::live::parseStats(std::string_view(r.body.constData(), std::size_t(r.body.size())));
    QVERIFY2(parsed.ok(), parsed.ok() ? "" : parsed.error().message.c_str());
    QVERIFY(parsed->tierEnabled[0] && parsed->tierEnabled[3]);

    // A finished second shows up in the series (closed by the node's tick).
    QTRY_VERIFY_WITH_TIMEOUT(!m_node.admin("GET", QStringLiteral("/v1/admin/stats"))
                                  .json().value(QStringLiteral("series")).toArray().isEmpty(),
                             3000);
    const QJsonArray series = m_node.admin("GET", QStringLiteral("/v1/admin/stats")).json()
                                  .value(QStringLiteral("series")).toArray();
    const qint64 last = series.last().toObject().value(QStringLiteral("t")).toInteger();
    const QJsonArray after = m_node.admin("GET", QStringLiteral("/v1/admin/stats?series_after=%1").arg(last))
                                 .json().value(QStringLiteral("series")).toArray();
    for (const QJsonValue& point : after)
        QVERIFY(point.toObject().value(QStringLiteral("t")).toInteger() > last);
    QCOMPARE(m_node.admin("GET", QStringLiteral("/v1/admin/stats?series_after=soon")).status, 400);
}

void TestNodeAdmin::policyEtagAndConflicts()
{
    const Reply got = m_node.admin("GET", QStringLiteral("/v1/admin/policy"));
    QCOMPARE(got.status, 200);
    const QByteArray etag = got.header("etag");
    QVERIFY(etag.startsWith('"'));
    const QJsonObject policy = got.json();
    QCOMPARE(policy.value(QStringLiteral("schema")).toInt(), 1);
    QVERIFY(policy.value(QStringLiteral("defaults")).toObject().contains(QStringLiteral("ttl")));
    QCOMPARE(policy.value(QStringLiteral("namespaces")).toArray().first().toObject()
                 .value(QStringLiteral("name")).toString(), QStringLiteral("product"));

    // Edit: the `swr` namespace's ttl to 2s, sent back as JSON.
    QJsonObject edited = policy;
    QJsonArray namespaces = edited.value(QStringLiteral("namespaces")).toArray();
    for (int i = 0; i < namespaces.size(); ++i) {
        QJsonObject ns = namespaces[i].toObject();
        if (ns.value(QStringLiteral("name")).toString() == QStringLiteral("swr"))
            ns.insert(QStringLiteral("ttl"), QStringLiteral("2s"));
        namespaces[i] = ns;
    }
    edited.insert(QStringLiteral("namespaces"), namespaces);
    const QByteArray body = QJsonDocument(edited).toJson();

    const Reply missing = m_node.admin("PUT", QStringLiteral("/v1/admin/policy"), body);
    QCOMPARE(missing.status, 428);
    const Reply stale = m_node.admin("PUT", QStringLiteral("/v1/admin/policy"), body, {"If-Match: \"deadbeefdeadbeef\""});
    QCOMPARE(stale.status, 412);
    QCOMPARE(stale.json().value(QStringLiteral("etag")).toString().toUtf8(), etag);

    const Reply applied = m_node.admin("PUT", QStringLiteral("/v1/admin/policy"), body, {"If-Match: " + etag});
    QCOMPARE(applied.status, 200);
    const QByteArray newEtag = applied.header("etag");
    QVERIFY(!newEtag.isEmpty() && newEtag != etag);
    QCOMPARE(m_node.admin("GET", QStringLiteral("/v1/admin/policy")).header("etag"), newEtag);
    QCOMPARE(m_node.item(QStringLiteral("swr"), QStringLiteral("item-1")).header("cache-control"),
             QByteArray("max-age=2, stale-while-revalidate=60"));

    // The old ETag is stale now: a second writer with it gets 412.
    QCOMPARE(m_node.admin("PUT", QStringLiteral("/v1/admin/policy"), body, {"If-Match: " + etag}).status, 412);

    // A version going back is refused whole (409), nothing changes.
    const QByteArray backwards = QByteArray(body).replace("\"version\": 3", "\"version\": 1");
    QVERIFY(backwards != body);
    const Reply refused = m_node.admin("PUT", QStringLiteral("/v1/admin/policy"), backwards, {"If-Match: " + newEtag});
    QCOMPARE(refused.status, 409);
    QCOMPARE(m_node.admin("GET", QStringLiteral("/v1/admin/policy")).header("etag"), newEtag);
}

void TestNodeAdmin::invalidPolicyHasDiagnostics()
{
    const QByteArray etag = m_node.admin("GET", QStringLiteral("/v1/admin/policy")).header("etag");
    const QByteArray broken = "schema: 1\ndefaults:\n  ttl: soon\nnamespaces:\n  - name: product\n    versoin: 3\n";
    const Reply r = m_node.admin("PUT", QStringLiteral("/v1/admin/policy"), broken, {"If-Match: " + etag});
    QCOMPARE(r.status, 400);
    QVERIFY(r.json().contains(QStringLiteral("error")));
    const QJsonArray diagnostics = r.json().value(QStringLiteral("diagnostics")).toArray();
    QCOMPARE(diagnostics.size(), 2);
    const QRegularExpression shape(QStringLiteral("^<body>:\\d+:\\d+: error: .+"));
    for (const QJsonValue& d : diagnostics)
        QVERIFY2(shape.match(d.toString()).hasMatch(), qPrintable(d.toString()));
    QVERIFY(diagnostics.at(0).toString().startsWith(QStringLiteral("<body>:3:8: error:")));
    QVERIFY(diagnostics.at(1).toString().contains(QStringLiteral("did you mean 'version'")));
    // Not JSON, not YAML: still 400 with diagnostics, and the policy is unchanged.
    const Reply garbage = m_node.admin("PUT", QStringLiteral("/v1/admin/policy"), "{{{", {"If-Match: " + etag});
    QCOMPARE(garbage.status, 400);
    QVERIFY(!garbage.json().value(QStringLiteral("diagnostics")).toArray().isEmpty());
    QCOMPARE(m_node.admin("GET", QStringLiteral("/v1/admin/policy")).header("etag"), etag);
}

void TestNodeAdmin::purgeScopes()
{
    const auto fill = [&](const QStringList& ids) {
        for (const QString& id : ids)
            QCOMPARE(m_node.item(QStringLiteral("product"), id).status, 200);
    };
    const auto tierOf = [&](const QString& ns, const QString& id) {
        return m_node.item(ns, id).header("x-fallback-tier");
    };
    fill({QStringLiteral("item-20"), QStringLiteral("item-21"), QStringLiteral("item-22")});
    QCOMPARE(m_node.item(QStringLiteral("swr"), QStringLiteral("item-20")).status, 200);

    // One key: its edge and KV copies.
    Reply r = m_node.admin("POST", QStringLiteral("/v1/admin/purge"), R"({"keys":["product:item-20"]})");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json().value(QStringLiteral("purged")).toInt(), 2);
    QCOMPARE(tierOf(QStringLiteral("product"), QStringLiteral("item-20")), QByteArray("origin"));
    QCOMPARE(tierOf(QStringLiteral("product"), QStringLiteral("item-21")), QByteArray("edge_cache"));

    // A namespace: every copy of it, none of the others.
    r = m_node.admin("POST", QStringLiteral("/v1/admin/purge"), R"({"namespace":"product"})");
    QCOMPARE(r.status, 200);
    QVERIFY(r.json().value(QStringLiteral("purged")).toInt() >= 6);
    QCOMPARE(tierOf(QStringLiteral("product"), QStringLiteral("item-21")), QByteArray("origin"));
    QCOMPARE(tierOf(QStringLiteral("swr"), QStringLiteral("item-20")), QByteArray("edge_cache"));

    // Everything.
    r = m_node.admin("POST", QStringLiteral("/v1/admin/purge"), R"({"all":true})");
    QCOMPARE(r.status, 200);
    QVERIFY(r.json().value(QStringLiteral("purged")).toInt() >= 4);
    QCOMPARE(tierOf(QStringLiteral("swr"), QStringLiteral("item-20")), QByteArray("origin"));
    QCOMPARE(m_node.admin("POST", QStringLiteral("/v1/admin/purge"), R"({"all":true})")
                 .json().value(QStringLiteral("purged")).toInt(), 2); // the read above: edge + KV

    // Bad bodies.
    for (const QByteArray& bad : {QByteArray(R"({"namespace":"nope"})"), QByteArray(R"({"keys":["nope:x"]})"),
                                  QByteArray(R"({"keys":["no-colon"]})"), QByteArray("{}"),
                                  QByteArray("not json"), QByteArray(R"({"all":"yes"})")}) {
        const Reply badReply = m_node.admin("POST", QStringLiteral("/v1/admin/purge"), bad);
        QCOMPARE(badReply.status, 400);
        QVERIFY(badReply.json().contains(QStringLiteral("error")));
    }
}

void TestNodeAdmin::purgeDryRunRemovesNothing()
{
    QCOMPARE(m_node.item(QStringLiteral("product"), QStringLiteral("item-30")).status, 200);
    QCOMPARE(m_node.item(QStringLiteral("product"), QStringLiteral("item-31")).status, 200);

    Reply r = m_node.admin("POST", QStringLiteral("/v1/admin/purge"),
                           R"({"namespace":"product","dry_run":true})");
    QCOMPARE(r.status, 200);
    const QJsonObject preview = r.json();
    QCOMPARE(preview.value(QStringLiteral("purged")).toInt(), 0);
    QVERIFY(preview.value(QStringLiteral("dry_run")).toBool());
    QCOMPARE(preview.value(QStringLiteral("would_purge")).toInt(), 4); // two keys, edge + KV
    const QJsonObject perTier = preview.value(QStringLiteral("per_tier")).toObject();
    QCOMPARE(perTier.value(QStringLiteral("edge_cache")).toInt(), 2);
    QCOMPARE(perTier.value(QStringLiteral("edge_kv")).toInt(), 2);
    // Nothing was removed: the next read is still an edge hit.
    QCOMPARE(m_node.item(QStringLiteral("product"), QStringLiteral("item-30")).header("x-fallback-tier"),
             QByteArray("edge_cache"));

    r = m_node.admin("POST", QStringLiteral("/v1/admin/purge"),
                     R"({"keys":["product:item-30","product:never-read"],"dry_run":true})");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json().value(QStringLiteral("would_purge")).toInt(), 2);
    QCOMPARE(m_node.admin("POST", QStringLiteral("/v1/admin/purge"),
                          R"({"all":true,"dry_run":"yes"})").status, 400);
    QCOMPARE(m_node.admin("POST", QStringLiteral("/v1/admin/purge"), R"({"dry_run":true})").status,
             400);
}

void TestNodeAdmin::keyInspection()
{
    QCOMPARE(m_node.item(QStringLiteral("product"), QStringLiteral("item-40")).status, 200);
    QCOMPARE(m_node.item(QStringLiteral("product"), QStringLiteral("item-41")).status, 200);

    Reply r = m_node.admin("GET", QStringLiteral("/v1/admin/keys/product/item-40"));
    QCOMPARE(r.status, 200);
    QJsonObject report = r.json();
    QCOMPARE(report.value(QStringLiteral("id")).toString(), QStringLiteral("item-40"));
    QVERIFY(report.value(QStringLiteral("stored_key")).toString().startsWith(QStringLiteral("product:")));
    const QJsonObject tiers = report.value(QStringLiteral("tiers")).toObject();
    for (const QString& tier : {QStringLiteral("edge_cache"), QStringLiteral("edge_kv"),
                                QStringLiteral("client_cache")}) {
        const QJsonObject copy = tiers.value(tier).toObject();
        QVERIFY2(copy.value(QStringLiteral("present")).toBool(), qPrintable(tier));
        QCOMPARE(copy.value(QStringLiteral("freshness")).toString(), QStringLiteral("fresh"));
        QVERIFY(copy.value(QStringLiteral("size")).toInt() > 0);
    }
    // An id never read is absent everywhere, and looking does not fetch it.
    r = m_node.admin("GET", QStringLiteral("/v1/admin/keys/product/never-read"));
    QCOMPARE(r.status, 200);
    QVERIFY(!r.json().value(QStringLiteral("tiers")).toObject().value(QStringLiteral("edge_cache"))
                 .toObject().value(QStringLiteral("present")).toBool());

    r = m_node.admin("GET", QStringLiteral("/v1/admin/keys/product?prefix=item-4&limit=10"));
    QCOMPARE(r.status, 200);
    QStringList ids;
    for (const QJsonValue& id : r.json().value(QStringLiteral("ids")).toArray())
        ids << id.toString();
    QCOMPARE(ids, (QStringList{QStringLiteral("item-40"), QStringLiteral("item-41")}));

    QCOMPARE(m_node.admin("GET", QStringLiteral("/v1/admin/keys/nope/x")).status, 404);
    QCOMPARE(m_node.admin("GET", QStringLiteral("/v1/admin/keys/product?limit=0")).status, 400);
    QCOMPARE(m_node.admin("POST", QStringLiteral("/v1/admin/keys/product/item-40")).status, 405);
    QCOMPARE(m_node.get(QStringLiteral("/v1/admin/keys/product/item-40")).status, 401);
}

void TestNodeAdmin::bump()
{
    QCOMPARE(m_node.item(QStringLiteral("product"), QStringLiteral("item-30")).status, 200);
    QCOMPARE(m_node.item(QStringLiteral("product"), QStringLiteral("item-30")).header("x-fallback-tier"),
             QByteArray("edge_cache"));
    const QByteArray etag = m_node.admin("GET", QStringLiteral("/v1/admin/policy")).header("etag");
    const Reply r = m_node.admin("POST", QStringLiteral("/v1/admin/namespaces/product/bump"));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.json().value(QStringLiteral("namespace")).toString(), QStringLiteral("product"));
    const int version = r.json().value(QStringLiteral("version")).toInt();
    QVERIFY(version >= 4);
    // The next read composes the new version: a miss everywhere, origin.
    QCOMPARE(m_node.item(QStringLiteral("product"), QStringLiteral("item-30")).header("x-fallback-tier"),
             QByteArray("origin"));
    QVERIFY(m_node.admin("GET", QStringLiteral("/v1/admin/policy")).header("etag") != etag);
    QCOMPARE(m_node.admin("POST", QStringLiteral("/v1/admin/namespaces/product/bump"))
                 .json().value(QStringLiteral("version")).toInt(), version + 1);
    QCOMPARE(m_node.admin("POST", QStringLiteral("/v1/admin/namespaces/nope/bump")).status, 404);
    QCOMPARE(m_node.admin("GET", QStringLiteral("/v1/admin/namespaces/product/bump")).status, 405);
}

void TestNodeAdmin::metrics()
{
    QCOMPARE(m_node.item(QStringLiteral("swr"), QStringLiteral("item-40")).status, 200);
    QCOMPARE(m_node.item(QStringLiteral("swr"), QStringLiteral("item-40")).status, 200);
    QCOMPARE(m_node.admin("POST", QStringLiteral("/v1/admin/purge"), R"({"keys":["swr:item-40"]})").status, 200);
    QCOMPARE(m_node.get(QStringLiteral("/metrics")).status, 401); // admin plane: token needed
    const Reply r = m_node.admin("GET", QStringLiteral("/metrics"));
    QCOMPARE(r.status, 200);
    QVERIFY(r.header("content-type").startsWith("text/plain; version=0.0.4"));
    const QString text = QString::fromUtf8(r.body);
    for (const char* name : {"fallback_tier_lookups_total", "fallback_tier_latency_seconds",
                             "fallback_requests_total", "fallback_origin_fetches_total",
                             "fallback_coalesced_total", "fallback_purges_total",
                             "fallback_namespace_version"}) {
        QVERIFY2(text.contains(QStringLiteral("# HELP %1 ").arg(QLatin1String(name))), name);
        QVERIFY2(text.contains(QStringLiteral("# TYPE %1 ").arg(QLatin1String(name))), name);
    }
    const auto value = [&](const QString& sample) {
        const QRegularExpression re(QStringLiteral("^") + QRegularExpression::escape(sample) +
                                        QStringLiteral(" ([0-9.e+-]+)$"),
                                    QRegularExpression::MultilineOption);
        const QRegularExpressionMatch m = re.match(text);
        return m.hasMatch() ? m.captured(1).toDouble() : -1.0;
    };
    QVERIFY(value(QStringLiteral("fallback_tier_lookups_total{tier=\"edge_cache\",namespace=\"swr\",result=\"hit\"}")) >= 1);
    QVERIFY(value(QStringLiteral("fallback_tier_lookups_total{tier=\"origin\",namespace=\"swr\",result=\"hit\"}")) >= 1);
    QVERIFY(value(QStringLiteral("fallback_tier_lookups_total{tier=\"origin\",namespace=\"swr\",result=\"error\"}")) >= 0);
    QVERIFY(value(QStringLiteral("fallback_requests_total{served_by=\"edge_cache\",freshness=\"fresh\"}")) >= 1);
    QVERIFY(value(QStringLiteral("fallback_requests_total{served_by=\"origin\",freshness=\"fresh\"}")) >= 1);
    QVERIFY(value(QStringLiteral("fallback_requests_total{served_by=\"failed\",freshness=\"none\"}")) >= 0);
    QVERIFY(value(QStringLiteral("fallback_origin_fetches_total")) >= 1);
    QVERIFY(value(QStringLiteral("fallback_coalesced_total")) >= 0);
    QVERIFY(value(QStringLiteral("fallback_purges_total{scope=\"key\"}")) >= 1);
    QVERIFY(value(QStringLiteral("fallback_purges_total{scope=\"namespace\"}")) >= 0);
    QVERIFY(value(QStringLiteral("fallback_purges_total{scope=\"all\"}")) >= 0);
    QCOMPARE(value(QStringLiteral("fallback_namespace_version{namespace=\"swr\"}")), 1.0);
    // Histogram: cumulative buckets ending in +Inf == _count.
    const double inf = value(QStringLiteral("fallback_tier_latency_seconds_bucket{tier=\"origin\",le=\"+Inf\"}"));
    QVERIFY(inf >= 1);
    QCOMPARE(value(QStringLiteral("fallback_tier_latency_seconds_count{tier=\"origin\"}")), inf);
    QVERIFY(value(QStringLiteral("fallback_tier_latency_seconds_sum{tier=\"origin\"}")) > 0);
    QVERIFY(value(QStringLiteral("fallback_tier_latency_seconds_bucket{tier=\"origin\",le=\"0.001\"}")) <=
            value(QStringLiteral("fallback_tier_latency_seconds_bucket{tier=\"origin\",le=\"10\"}")));
}

QTEST_GUILESS_MAIN(TestNodeAdmin)
#include "tst_nodeadmin.moc"
