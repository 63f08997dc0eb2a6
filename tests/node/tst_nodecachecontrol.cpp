// What the node says when its origin's answers carry Cache-Control
// directives that bind a shared cache (SPEC §8): health lists the sightings
// and warns where the policy in force does what they forbid, a policy PUT
// warns the same way, /metrics counts the answers, the log says it once per
// sighting, and a sighting is forgotten ten minutes after its last answer.
// In process, on a hand-set clock; HttpOrigin's part is in tst_httporigin.
#include "servicefixture.h"

#include <QJsonArray>
#include <QtTest>

using namespace fallback;
using namespace fallback::node;
using namespace nodetest;

namespace {

/// kPolicy with nothing served stale.
constexpr const char* kNoStalePolicy = R"(schema: 1
defaults:
  ttl: 60s
  stale_while_revalidate: 0s
  stale_if_error: 0s
  max_object_size: 1KiB
namespaces:
  - name: product
    version: 3
  - name: config
    version: 1
    ttl: 10s
)";

const QString kProductWarning = QStringLiteral(
    "namespace 'product': the origin's answers carry 'Cache-Control: max-age=60, s-maxage=60' "
    "(%1, latest %2); s-maxage forbids a shared cache to serve stale copies, but this node serves "
    "them for up to 30s (stale_while_revalidate) or 5m (stale_if_error)");

NamespaceId product(ServiceFixture& f)
{
    return *f.keys.findNamespace("product");
}

QJsonObject health(ServiceFixture& f)
{
    return json(f.call("GET", "/v1/admin/health"));
}

/// Health's `origin_cache_control` entry for product (empty when absent).
QJsonObject productSighting(ServiceFixture& f)
{
    return health(f)
        .value(QStringLiteral("origin_cache_control"))
        .toObject()
        .value(QStringLiteral("product"))
        .toObject();
}

QStringList warnings(const QJsonObject& health)
{
    QStringList list;
    for (const QJsonValue& warning : health.value(QStringLiteral("warnings")).toArray())
        list << warning.toString();
    return list;
}

QByteArray metricsLine(ServiceFixture& f, const QByteArray& labels)
{
    const QByteArray prefix = "fallback_origin_cache_control_total{" + labels + "} ";
    for (const QByteArray& line : body(f.call("GET", "/metrics")).split('\n'))
        if (line.startsWith(prefix))
            return line.mid(prefix.size());
    return {};
}

HttpResponse putPolicy(ServiceFixture& f, const char* yaml)
{
    return f.call("PUT", "/v1/admin/policy", QByteArray(yaml), true, {{"if-match", "*"}});
}

} // namespace

class TestNodeCacheControl : public QObject {
    Q_OBJECT

private slots:
    void healthWarnsWhileHealthy();
    void metricsCountEveryAnswer();
    void policyPutWarnsOnlyWhenItConflicts();
    void clientCacheServesStaleToo();
    void forgottenTenMinutesAfterTheLastAnswer();
    void loggedOncePerSighting();
    void headerIsCleanedAndCapped();
    void nothingSeenNothingSaid();
};

void TestNodeCacheControl::healthWarnsWhileHealthy()
{
    ServiceFixture f;
    for (int i = 0; i < 3; ++i)
        f.service->noteOriginCacheControl(product(f), directiveBit(CacheDirective::SMaxage),
                                          "max-age=60, s-maxage=60");
    f.clock.time += 4 * kMicrosPerSecond;
    const QJsonObject doc = health(f);
    // Advice, not trouble: still ok, with no reason.
    QCOMPARE(doc.value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
    QVERIFY(!doc.contains(QStringLiteral("reason")));
    const QJsonObject seen = doc.value(QStringLiteral("origin_cache_control")).toObject();
    QCOMPARE(seen.keys(), QStringList{QStringLiteral("product")});
    const QJsonObject one = seen.value(QStringLiteral("product")).toObject();
    QCOMPARE(one.value(QStringLiteral("directives")).toArray(),
             QJsonArray{QStringLiteral("s-maxage")});
    QCOMPARE(one.value(QStringLiteral("answers")).toInt(), 3);
    QCOMPARE(one.value(QStringLiteral("last_seen_seconds_ago")).toDouble(), 4.0);
    QCOMPARE(one.value(QStringLiteral("header")).toString(),
             QStringLiteral("max-age=60, s-maxage=60"));
    QCOMPARE(warnings(doc), QStringList{kProductWarning.arg(QStringLiteral("3 answers"),
                                                            QStringLiteral("4 s ago"))});
}

void TestNodeCacheControl::metricsCountEveryAnswer()
{
    ServiceFixture f;
    const NamespaceId ns = product(f);
    f.service->noteOriginCacheControl(ns, directiveBit(CacheDirective::SMaxage), "s-maxage=1");
    f.service->noteOriginCacheControl(
        ns, directiveBit(CacheDirective::SMaxage) | directiveBit(CacheDirective::MustRevalidate),
        "s-maxage=1, must-revalidate");
    QCOMPARE(metricsLine(f, R"(namespace="product",directive="s-maxage")"), QByteArray("2"));
    QCOMPARE(metricsLine(f, R"(namespace="product",directive="must-revalidate")"), QByteArray("1"));
    QCOMPARE(metricsLine(f, R"(namespace="product",directive="no-store")"), QByteArray());
    // Health names every directive of the sighting, and the latest header.
    const QJsonObject one = productSighting(f);
    QCOMPARE(one.value(QStringLiteral("directives")).toArray(),
             (QJsonArray{QStringLiteral("s-maxage"), QStringLiteral("must-revalidate")}));
    QCOMPARE(one.value(QStringLiteral("header")).toString(),
             QStringLiteral("s-maxage=1, must-revalidate"));
}

void TestNodeCacheControl::policyPutWarnsOnlyWhenItConflicts()
{
    ServiceFixture f;
    f.service->noteOriginCacheControl(product(f), directiveBit(CacheDirective::SMaxage),
                                      "max-age=60, s-maxage=60");
    // A policy that serves nothing stale does what the origin allows.
    const HttpResponse quiet = putPolicy(f, kNoStalePolicy);
    QCOMPARE(quiet.status, 200);
    QVERIFY(headerValues(quiet, "X-Fallback-Warning").isEmpty());
    QJsonObject doc = health(f);
    QVERIFY(!doc.contains(QStringLiteral("warnings")));
    QVERIFY(doc.contains(QStringLiteral("origin_cache_control"))); // still seen, just no conflict

    // Back to serving stale copies: the answer says what the origin forbids.
    const HttpResponse loud = putPolicy(f, kPolicy);
    QCOMPARE(loud.status, 200);
    QCOMPARE(
        headerValues(loud, "X-Fallback-Warning"),
        QList<QByteArray>{
            kProductWarning.arg(QStringLiteral("1 answer"), QStringLiteral("just now")).toUtf8()});
    // The body stays the policy: warnings in headers only.
    QVERIFY(!json(loud).contains(QStringLiteral("warnings")));
    QCOMPARE(warnings(health(f)).size(), 1);
}

void TestNodeCacheControl::clientCacheServesStaleToo()
{
    ServiceFixture f(FixtureOptions{.clientCache = true});
    QCOMPARE(putPolicy(f, kNoStalePolicy).status, 200);
    f.service->noteOriginCacheControl(product(f), directiveBit(CacheDirective::ProxyRevalidate),
                                      "proxy-revalidate");
    QCOMPARE(
        warnings(health(f)),
        QStringList{QStringLiteral(
            "namespace 'product': the origin's answers carry 'Cache-Control: proxy-revalidate' "
            "(1 answer, latest just now); proxy-revalidate forbids a shared cache to serve stale "
            "copies, but this node serves them from its client cache when the origin fails")});
}

void TestNodeCacheControl::forgottenTenMinutesAfterTheLastAnswer()
{
    ServiceFixture f;
    const NamespaceId ns = product(f);
    f.service->noteOriginCacheControl(ns, directiveBit(CacheDirective::NoStore), "no-store");
    f.clock.time += 9 * 60 * kMicrosPerSecond;
    f.service->noteOriginCacheControl(ns, directiveBit(CacheDirective::NoStore), "no-store");
    f.clock.time += 10 * 60 * kMicrosPerSecond; // ten minutes after the last one: still remembered
    QCOMPARE(warnings(health(f)).size(), 1);
    QVERIFY(warnings(health(f)).at(0).contains(QStringLiteral("(2 answers, latest 10 min ago)")));
    f.clock.time += kMicrosPerSecond;
    const QJsonObject doc = health(f);
    QVERIFY(!doc.contains(QStringLiteral("warnings")));
    QVERIFY(!doc.contains(QStringLiteral("origin_cache_control")));
    // The counter only grows.
    QCOMPARE(metricsLine(f, R"(namespace="product",directive="no-store")"), QByteArray("2"));
    // A new sighting counts from one again.
    f.service->noteOriginCacheControl(ns, directiveBit(CacheDirective::NoStore), "no-store");
    QVERIFY(warnings(health(f)).at(0).contains(QStringLiteral("(1 answer, latest just now)")));
}

void TestNodeCacheControl::loggedOncePerSighting()
{
    QStringList lines;
    ServiceFixture f(FixtureOptions{.log = [&lines](const std::string& line) {
        if (line.find("Cache-Control") != std::string::npos) // not the policy PUT's own line
            lines << QString::fromStdString(line);
    }});
    const NamespaceId ns = product(f);
    for (int i = 0; i < 5; ++i)
        f.service->noteOriginCacheControl(ns, directiveBit(CacheDirective::SMaxage),
                                          "max-age=60, s-maxage=60");
    QCOMPARE(lines.size(), 1);
    QCOMPARE(
        lines.at(0),
        QStringLiteral("warning: origin: answers for namespace 'product' carry 'Cache-Control: "
                       "max-age=60, s-maxage=60'; s-maxage forbids a shared cache to serve stale "
                       "copies, but this node serves them for up to 30s (stale_while_revalidate) "
                       "or 5m (stale_if_error)"));
    // Seen again after it was forgotten: said again. Under a policy that
    // serves nothing stale it is news, not a warning.
    QCOMPARE(putPolicy(f, kNoStalePolicy).status, 200);
    f.clock.time += OriginCacheControl::kRemember + kMicrosPerSecond;
    f.service->noteOriginCacheControl(ns, directiveBit(CacheDirective::SMaxage), "s-maxage=5");
    QCOMPARE(lines.size(), 2);
    QCOMPARE(lines.at(1),
             QStringLiteral("origin: answers for namespace 'product' carry 'Cache-Control: "
                            "s-maxage=5'; this node's policy does what it allows"));
}

void TestNodeCacheControl::headerIsCleanedAndCapped()
{
    ServiceFixture f;
    const std::string tail(300, 'x');
    f.service->noteOriginCacheControl(product(f), directiveBit(CacheDirective::Private),
                                      "private\x1b[2J, " + tail);
    const QString shown = productSighting(f).value(QStringLiteral("header")).toString();
    QCOMPARE(shown.size(), int(OriginCacheControl::kMaxHeader) + 3);
    QVERIFY(shown.startsWith(QStringLiteral("private [2J, xxx")));
    QVERIFY(shown.endsWith(QStringLiteral("x...")));
    // The warning header carries no control character either.
    const HttpResponse put = putPolicy(f, kPolicy);
    const QList<QByteArray> values = headerValues(put, "X-Fallback-Warning");
    QCOMPARE(values.size(), 1);
    QVERIFY(!values.at(0).contains('\x1b'));

    // A cut never splits a UTF-8 sequence: "é" (2 bytes) straddling the cap.
    ServiceFixture g;
    const std::string utf8 =
        std::string(OriginCacheControl::kMaxHeader - 1, 'a') + "\xc3\xa9" + "bc";
    g.service->noteOriginCacheControl(product(g), directiveBit(CacheDirective::NoStore), utf8);
    const QString cut = productSighting(g).value(QStringLiteral("header")).toString();
    QCOMPARE(cut, QString(int(OriginCacheControl::kMaxHeader) - 1, QLatin1Char('a')) +
                      QStringLiteral("..."));
}

void TestNodeCacheControl::nothingSeenNothingSaid()
{
    ServiceFixture f;
    const QJsonObject doc = health(f);
    QVERIFY(!doc.contains(QStringLiteral("warnings")));
    QVERIFY(!doc.contains(QStringLiteral("origin_cache_control")));
    const QByteArray metrics = body(f.call("GET", "/metrics"));
    // The family is declared, with no sample yet.
    QVERIFY(metrics.contains("# TYPE fallback_origin_cache_control_total counter\n"));
    QVERIFY(!metrics.contains("fallback_origin_cache_control_total{"));
}

QTEST_GUILESS_MAIN(TestNodeCacheControl)
#include "tst_nodecachecontrol.moc"
