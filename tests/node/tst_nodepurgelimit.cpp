// Tests of the node's --purge-limit (a token bucket over purges and bumps):
// the RateLimit / RateLimit-Policy headers on every invalidation's answer, a
// 429 with Retry-After once the bucket is empty (audited as refused,
// counted in /metrics), tokens coming back with time, dry runs and refused
// bodies costing nothing, and no headers at all without a limit.
#include "node/purgelimit.h"

#include "servicefixture.h"

#include <QJsonArray>
#include <QtTest>

using namespace fallback;
using namespace fallback::node;
using namespace nodetest;

namespace {

FixtureOptions limited(std::uint32_t count, Micros window)
{
    FixtureOptions o;
    o.purgeLimit = PurgeLimitSpec{count, window};
    return o;
}

HttpResponse purgeAll(ServiceFixture& f) { return f.call("POST", "/v1/admin/purge", R"({"all":true})"); }

} // namespace

class TestNodePurgeLimit : public QObject {
    Q_OBJECT

private slots:
    void bucketEmptiesThenRefills()
    {
        ServiceFixture f(limited(2, 60 * kMicrosPerSecond));
        HttpResponse first = purgeAll(f);
        QCOMPARE(first.status, 200);
        QCOMPARE(header(first, "RateLimit-Policy"), QByteArray("\"invalidations\";q=2;w=60"));
        QCOMPARE(header(first, "RateLimit"), QByteArray("\"invalidations\";r=1;t=30"));
        QVERIFY(header(first, "Retry-After").isEmpty());
        // Health states what is left, taking nothing.
        for (int i = 0; i < 3; ++i) {
            const QJsonObject limit = json(f.call("GET", "/v1/admin/health")).value(QStringLiteral("purge_limit")).toObject();
            QCOMPARE(limit.value(QStringLiteral("limit")).toInt(), 2);
            QCOMPARE(limit.value(QStringLiteral("window_seconds")).toInt(), 60);
            QCOMPARE(limit.value(QStringLiteral("remaining")).toInt(), 1);
            QCOMPARE(limit.value(QStringLiteral("full_in_seconds")).toInt(), 30);
        }
        // A bump takes from the same bucket.
        const HttpResponse bump = f.call("POST", "/v1/admin/namespaces/product/bump");
        QCOMPARE(bump.status, 200);
        QCOMPARE(header(bump, "RateLimit"), QByteArray("\"invalidations\";r=0;t=60"));

        const HttpResponse refused = purgeAll(f);
        QCOMPARE(refused.status, 429);
        QCOMPARE(header(refused, "Retry-After"), QByteArray("30"));
        QCOMPARE(header(refused, "RateLimit"), QByteArray("\"invalidations\";r=0;t=60"));
        QCOMPARE(json(refused).value(QStringLiteral("retry_after_seconds")).toInt(), 30);
        QVERIFY(json(refused).value(QStringLiteral("error")).toString().contains(QStringLiteral("2 per 1m")));
        // Refused: nothing purged, the version kept, and said in the audit log.
        QCOMPARE(f.call("POST", "/v1/admin/namespaces/product/bump").status, 429);
        QCOMPARE(f.engine.namespacePolicy(*f.keys.findNamespace("product"))->version, std::uint64_t(4));
        const QJsonArray audit = json(f.call("GET", "/v1/admin/audit")).value(QStringLiteral("records")).toArray();
        QCOMPARE(audit.size(), 4);
        QCOMPARE(audit[2].toObject().value(QStringLiteral("result")).toString(),
                 QStringLiteral("refused: rate limited (2 per 1m)"));
        QVERIFY(!audit[3].toObject().value(QStringLiteral("ok")).toBool());
        QVERIFY(body(f.call("GET", "/metrics")).contains("fallback_invalidations_rate_limited_total 2\n"));

        // Half a window earns one token back (and not two).
        f.clock.time += 30 * kMicrosPerSecond;
        const HttpResponse again = purgeAll(f);
        QCOMPARE(again.status, 200);
        QCOMPARE(header(again, "RateLimit"), QByteArray("\"invalidations\";r=0;t=60"));
        QCOMPARE(purgeAll(f).status, 429);
        // A long pause fills it, and no fuller than its size.
        f.clock.time += 3600 * kMicrosPerSecond;
        QCOMPARE(header(purgeAll(f), "RateLimit"), QByteArray("\"invalidations\";r=1;t=30"));
    }

    void previewsAndBadBodiesCostNothing()
    {
        ServiceFixture f(limited(1, 10 * kMicrosPerSecond));
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(f.call("POST", "/v1/admin/purge", R"({"namespace":"product","dry_run":true})").status, 200);
            QCOMPARE(f.call("POST", "/v1/admin/purge", R"({"namespace":"nope"})").status, 400);
            QCOMPARE(f.call("POST", "/v1/admin/namespaces/nope/bump").status, 404);
        }
        QCOMPARE(purgeAll(f).status, 200);
        const HttpResponse refused = purgeAll(f);
        QCOMPARE(refused.status, 429);
        QCOMPARE(header(refused, "Retry-After"), QByteArray("10"));
    }

    void retryAfterIsNeverZero()
    {
        // Most of a token back: still refused, and told to wait a second, not 0.
        ServiceFixture f(limited(1, 10 * kMicrosPerSecond));
        QCOMPARE(purgeAll(f).status, 200);
        f.clock.time += 9'999'000;
        const HttpResponse refused = purgeAll(f);
        QCOMPARE(refused.status, 429);
        QCOMPARE(header(refused, "Retry-After"), QByteArray("1"));
    }

    void noLimitNoHeaders()
    {
        ServiceFixture f;
        for (int i = 0; i < 50; ++i) {
            const HttpResponse answer = purgeAll(f);
            QCOMPARE(answer.status, 200);
            QVERIFY(header(answer, "RateLimit").isEmpty());
            QVERIFY(header(answer, "RateLimit-Policy").isEmpty());
        }
        QVERIFY(body(f.call("GET", "/metrics")).contains("fallback_invalidations_rate_limited_total 0\n"));
        QVERIFY(!json(f.call("GET", "/v1/admin/health")).contains(QStringLiteral("purge_limit")));
    }

    void specs_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("count"); // 0: refused
        QTest::addColumn<qint64>("seconds");
        QTest::newRow("per minute") << "60/1m" << 60 << qint64(60);
        QTest::newRow("per hour") << "1000/1h" << 1000 << qint64(3600);
        QTest::newRow("per second") << "1/1s" << 1 << qint64(1);
        QTest::newRow("per day") << "5/1d" << 5 << qint64(86400);
        QTest::newRow("no slash") << "60" << 0 << qint64(0);
        QTest::newRow("no count") << "/1m" << 0 << qint64(0);
        QTest::newRow("zero") << "0/1m" << 0 << qint64(0);
        QTest::newRow("sign") << "+5/1m" << 0 << qint64(0);
        QTest::newRow("fraction of a second") << "5/1500ms" << 0 << qint64(0);
        QTest::newRow("over a day") << "5/25h" << 0 << qint64(0);
        QTest::newRow("too many") << "1000001/1h" << 0 << qint64(0);
        QTest::newRow("words") << "lots/1m" << 0 << qint64(0);
    }
    void specs()
    {
        QFETCH(QString, text);
        QFETCH(int, count);
        QFETCH(qint64, seconds);
        const std::optional<PurgeLimitSpec> spec = parsePurgeLimit(text.toStdString());
        QCOMPARE(spec.has_value(), count > 0);
        if (spec) {
            QCOMPARE(int(spec->count), count);
            QCOMPARE(spec->window, seconds * kMicrosPerSecond);
        }
    }
};

QTEST_APPLESS_MAIN(TestNodePurgeLimit)
#include "tst_nodepurgelimit.moc"
