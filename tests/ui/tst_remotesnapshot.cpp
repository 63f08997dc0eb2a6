// Reading a node's answers into view types: the stats' series with idle
// seconds filled and unknown ones left as gaps, key reports, dry runs,
// errors and health.

#include "workspaces/remotesnapshot.h"

#include <nlohmann/json.hpp>

#include <QtTest>

using namespace fallback;
using namespace fallback::ui;

namespace {

nlohmann::json servedBy(int origin)
{
    return {{"edge_cache", 0}, {"edge_kv", 0}, {"origin", origin}, {"client_cache", 0}, {"failed", 0}};
}

nlohmann::json latency()
{
    return {{"p50", 1.0}, {"p90", 2.0}, {"p95", 2.0}, {"p99", 3.0}, {"max", 4.0}};
}

/// A stats document as a node writes it, with a point of `reads` reads at
/// each second of `seconds`.
std::string statsBody(std::int64_t nowSecond, double uptime, const QList<int>& seconds, int reads = 3)
{
    nlohmann::json series = nlohmann::json::array();
    for (int second : seconds) {
        series.push_back({{"t", second}, {"reads", reads}, {"tiers", nlohmann::json::object()},
                          {"served_by", servedBy(reads)}, {"stale_served", 0}, {"origin_fetches", reads},
                          {"coalesced", 0}, {"revalidations", 0}, {"p50_ms", 1.5}, {"p99_ms", 9.0}});
    }
    nlohmann::json doc = {
        {"requests", 10},
        {"tiers", {{"edge_cache", {{"lookups", 10}, {"hits", 4}, {"stale_hits", 1}, {"misses", 5},
                                   {"errors", 0}, {"hit_rate", 0.4}, {"latency_ms", latency()},
                                   {"entries", 7}}},
                   {"origin", {{"lookups", 5}, {"hits", 5}, {"stale_hits", 0}, {"misses", 0},
                               {"errors", 0}, {"hit_rate", 1.0}, {"latency_ms", latency()}}}}},
        {"served_by", servedBy(6)},
        {"origin_fetches", 5},
        {"coalesced", 0},
        {"stale_served", 1},
        {"revalidations", 0},
        {"latency_ms", latency()},
        {"wall_seconds", uptime},
        {"reads", 10},
        {"now_ms", nowSecond * 1000 + 250},
        {"policy_etag", "\"abc\""},
        {"series", series},
    };
    return doc.dump();
}

QList<int> range(int from, int to)
{
    QList<int> out;
    for (int s = from; s <= to; ++s)
        out << s;
    return out;
}

} // namespace

class TestRemoteSnapshot : public QObject {
    Q_OBJECT

private slots:
    void seriesIdleSecondsAndGaps_data()
    {
        QTest::addColumn<qint64>("lastPoint");
        QTest::addColumn<qint64>("filledTo");
        QTest::addColumn<qint64>("nodeStart");
        QTest::addColumn<double>("uptime");
        QTest::addColumn<qint64>("now");
        QTest::addColumn<QList<int>>("points");     ///< seconds the node sends
        QTest::addColumn<QList<int>>("expected");   ///< seconds handed over, in order
        QTest::addColumn<QList<int>>("real");       ///< of those, the node's points
        QTest::addColumn<qint64>("nextLastPoint");
        QTest::addColumn<qint64>("nextFilledTo");

        // A first look: everything since the node started is known.
        QTest::newRow("first answer") << qint64(-1) << qint64(-1) << qint64(-1) << 100.4 << qint64(1000)
                                      << QList<int>{990, 993, 999, 1000} << range(900, 999)
                                      << QList<int>{990, 993, 999} << qint64(999) << qint64(999);
        QTest::newRow("idle node") << qint64(-1) << qint64(-1) << qint64(-1) << 100.0 << qint64(1000)
                                   << QList<int>{} << range(900, 999) << QList<int>{} << qint64(-1)
                                   << qint64(999);
        QTest::newRow("start unknown") << qint64(-1) << qint64(-1) << qint64(-1) << 0.0 << qint64(1000)
                                       << QList<int>{995, 997} << range(995, 999) << QList<int>{995, 997}
                                       << qint64(997) << qint64(999);
        // The next poll: a late part of a second already filled goes first.
        QTest::newRow("continuing") << qint64(995) << qint64(997) << qint64(900) << 100.0 << qint64(1000)
                                    << QList<int>{996, 999} << QList<int>{996, 998, 999}
                                    << QList<int>{996, 999} << qint64(999) << qint64(999);
        QTest::newRow("nothing new") << qint64(999) << qint64(999) << qint64(900) << 100.0 << qint64(1000)
                                     << QList<int>{} << QList<int>{} << QList<int>{} << qint64(999)
                                     << qint64(999);
        // A restart: seconds before it stay gaps.
        QTest::newRow("restart") << qint64(950) << qint64(960) << qint64(800) << 20.0 << qint64(1000)
                                 << QList<int>{985, 990} << range(980, 999) << QList<int>{985, 990}
                                 << qint64(990) << qint64(999);
        // Beyond the node's history, seconds are unknown.
        QTest::newRow("long outage") << qint64(100) << qint64(100) << qint64(0) << 10000.0 << qint64(10000)
                                     << QList<int>{9990} << range(6400, 9999) << QList<int>{9990}
                                     << qint64(9990) << qint64(9999);
    }

    void seriesIdleSecondsAndGaps()
    {
        QFETCH(qint64, lastPoint);
        QFETCH(qint64, filledTo);
        QFETCH(qint64, nodeStart);
        QFETCH(double, uptime);
        QFETCH(qint64, now);
        QFETCH(QList<int>, points);
        QFETCH(QList<int>, expected);
        QFETCH(QList<int>, real);
        QFETCH(qint64, nextLastPoint);
        QFETCH(qint64, nextFilledTo);

        const SeriesCursor cursor{lastPoint, filledTo, nodeStart};
        QList<int> sent;
        for (int s : points) {
            if (s > lastPoint)
                sent << s; // the node answers series_after
        }
        const StatsReading reading = readStats(statsBody(now, uptime, sent), Policy{}, cursor, 0);
        QVERIFY2(reading.ok, qPrintable(reading.error));
        QList<int> seconds;
        QList<int> withReads;
        for (const SeriesPoint& point : reading.snapshot->newPoints) {
            seconds << int(point.second);
            if (point.requests.requests > 0)
                withReads << int(point.second);
        }
        QCOMPARE(seconds, expected);
        QCOMPARE(withReads, real);
        QCOMPARE(reading.cursor.lastPoint, std::int64_t(nextLastPoint));
        QCOMPARE(reading.cursor.filledTo, std::int64_t(nextFilledTo));
        QCOMPARE(reading.snapshot->seriesReset, cursor.isFresh());
    }

    void snapshotFields()
    {
        Policy policy;
        policy.namespaces.push_back(policy.fromDefaults("product"));
        const StatsReading reading = readStats(statsBody(1000, 50, {999}), policy, {}, 0);
        QVERIFY(reading.ok);
        QCOMPARE(reading.policyEtag, std::string("\"abc\""));
        QVERIFY(reading.healthProblem.isEmpty());
        const WorkspaceSnapshot& s = *reading.snapshot;
        QCOMPARE(s.now, Micros(1000250) * kMicrosPerMilli);
        QVERIFY(s.tiers[tierIndex(TierId::EdgeCache)].enabled);
        QVERIFY(!s.tiers[tierIndex(TierId::EdgeKv)].enabled); // absent: off the path
        QCOMPARE(s.tiers[tierIndex(TierId::EdgeCache)].counters.staleHits, std::uint64_t(1));
        QCOMPARE(s.tiers[tierIndex(TierId::EdgeCache)].usage.entries, std::uint64_t(7));
        QVERIFY(s.tiers[tierIndex(TierId::EdgeCache)].usageKnown);
        QVERIFY(!s.tiers[tierIndex(TierId::Origin)].usageKnown); // not sent: a dash, not "0"
        QCOMPARE(s.requests.requests, std::uint64_t(10));
        QCOMPARE(s.policy, policy);
        QCOMPARE(s.requestsPerSecond, 3.0);
    }

    void badDocumentsAreErrors_data()
    {
        QTest::addColumn<QString>("body");
        QTest::newRow("not json") << QStringLiteral("<html>");
        QTest::newRow("array") << QStringLiteral("[1,2]");
        QTest::newRow("missing tiers") << QStringLiteral("{\"requests\": 1}");
    }

    void badDocumentsAreErrors()
    {
        QFETCH(QString, body);
        const StatsReading reading = readStats(body.toStdString(), Policy{}, {}, 0);
        QVERIFY(!reading.ok);
        QVERIFY(!reading.error.isEmpty());
        QVERIFY(!reading.snapshot);
    }

    void health_data()
    {
        QTest::addColumn<QString>("body");
        QTest::addColumn<bool>("healthy");
        QTest::newRow("ok") << QStringLiteral(R"({"status":"ok","uptime_seconds":3})") << true;
        QTest::newRow("degraded") << QStringLiteral(R"({"status":"degraded","reason":"origin failing"})") << false;
        QTest::newRow("garbage") << QStringLiteral("nope") << false;
    }

    void health()
    {
        QFETCH(QString, body);
        QFETCH(bool, healthy);
        const QString problem = readHealth(body.toStdString()).problem;
        QCOMPARE(problem.isEmpty(), healthy);
        if (body.contains(QStringLiteral("origin failing")))
            QVERIFY(problem.contains(QStringLiteral("origin failing")));
    }

    void healthWarnings_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("problem");
        QTest::addColumn<QStringList>("warnings");
        QTest::addColumn<bool>("understood");
        const auto ok = [](const nlohmann::json& warnings) {
            return QByteArray::fromStdString(
                nlohmann::json{{"status", "ok"}, {"uptime_seconds", 12.5}, {"warnings", warnings}}.dump());
        };
        const QString sMaxage = QStringLiteral(
            "namespace 'product': the origin's answers carry 'Cache-Control: s-maxage=60, "
            "stale-while-revalidate=30' (12 answers, latest 3 s ago); s-maxage forbids a shared cache "
            "to serve stale copies, but this node serves them for up to 30 s (stale_while_revalidate), "
            "300 s (stale_if_error) and from its client cache when the origin fails");
        const QString a = QStringLiteral("a");
        const QString b = QStringLiteral("b");
        const QString c = QStringLiteral("c");

        QTest::newRow("none") << QByteArray(R"({"status":"ok","uptime_seconds":3})") << QString()
                              << QStringList() << true;
        QTest::newRow("empty list") << ok(nlohmann::json::array()) << QString() << QStringList() << true;
        QTest::newRow("one") << QByteArray(R"({"status":"ok","uptime_seconds":12.5,"kv_queue_depth":0,
            "origin_cache_control":{"product":{"directives":["s-maxage"],"answers":12,
            "last_seen_seconds_ago":3.2,"header":"s-maxage=60, stale-while-revalidate=30"}},
            "warnings":[")" + sMaxage.toUtf8() + R"("]})")
                             << QString() << QStringList{sMaxage} << true;
        QTest::newRow("several, in order") << ok({"c", "a", "b"}) << QString() << QStringList{c, a, b} << true;
        QTest::newRow("non-string items") << ok(nlohmann::json::parse(R"(["a", 3, null, {"x": "b"}, ["b"], true, "c"])"))
                                          << QString() << QStringList{a, c} << true;
        QTest::newRow("not a list") << ok("a") << QString() << QStringList() << true;
        QTest::newRow("control characters")
            << ok({"a\x07" "b\nc\td\x1b[31me\x7f" "f\xc2\x9bg\r\nh"}) // BEL, LF, TAB, ESC, DEL, C1 CSI, CRLF
            << QString() << QStringList{QStringLiteral("a b c d [31me f g  h")} << true;
        QTest::newRow("blank ones skipped") << ok({" \n\t", "", "a"}) << QString() << QStringList{a} << true;
        QTest::newRow("markup is text") << ok({"<b>x</b> & y"}) << QString()
                                        << QStringList{QStringLiteral("<b>x</b> & y")} << true;
        QTest::newRow("too long")
            << ok({std::string(600, 'x')}) << QString()
            << QStringList{QString(kMaxHealthWarningLength - 1, QLatin1Char('x')) + QChar(0x2026)} << true;
        // A cut never leaves half a surrogate pair behind.
        QTest::newRow("too long, cut at an emoji")
            << ok({std::string(kMaxHealthWarningLength - 2, 'x') + "\xf0\x9f\x98\x80 and more text"})
            << QString() << QStringList{QString(kMaxHealthWarningLength - 2, QLatin1Char('x')) + QChar(0x2026)}
            << true;
        nlohmann::json many = nlohmann::json::array();
        QStringList kept;
        for (int i = 0; i < kMaxHealthWarnings + 5; ++i) {
            many.push_back("w" + std::to_string(i));
            if (i < kMaxHealthWarnings)
                kept << QStringLiteral("w%1").arg(i);
        }
        QTest::newRow("too many") << ok(many) << QString()
                                  << (kept + QStringList{QStringLiteral("(5 more warnings not shown)")}) << true;
        QTest::newRow("degraded, with warnings")
            << QByteArray(R"({"status":"degraded","reason":"origin failing","warnings":["a","b"]})")
            << QStringLiteral("the node reports degraded: origin failing") << QStringList{a, b} << true;
        QTest::newRow("degraded, no reason") << QByteArray(R"({"status":"degraded","warnings":["a"]})")
                                             << QStringLiteral("the node reports degraded") << QStringList{a}
                                             << true;
        QTest::newRow("not JSON") << QByteArray("<html>warnings</html>")
                                  << QStringLiteral("the health answer is not a JSON object") << QStringList()
                                  << false;
        QTest::newRow("a list, not an object") << QByteArray(R"(["a"])")
                                               << QStringLiteral("the health answer is not a JSON object")
                                               << QStringList() << false;
    }

    void healthWarnings()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, problem);
        QFETCH(QStringList, warnings);
        QFETCH(bool, understood);
        const HealthReading reading = readHealth(body.toStdString());
        QCOMPARE(reading.problem, problem);
        QCOMPARE(reading.warnings, warnings);
        QCOMPARE(reading.understood, understood);
    }

    void healthPurgeLimit_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("words"); // "" when none is read
        QTest::newRow("some left")
            << QByteArray(R"({"status":"ok","purge_limit":{"limit":60,"window_seconds":60,"remaining":58,"full_in_seconds":2}})")
            << "58 of 60 left, resets in 2 s";
        QTest::newRow("full: no reset")
            << QByteArray(R"({"status":"ok","purge_limit":{"limit":60,"window_seconds":60,"remaining":60,"full_in_seconds":0}})")
            << "60 of 60 left";
        QTest::newRow("none") << QByteArray(R"({"status":"ok"})") << "";
        QTest::newRow("not an object") << QByteArray(R"({"status":"ok","purge_limit":60})") << "";
        QTest::newRow("negative counts") << QByteArray(R"({"status":"ok","purge_limit":{"limit":-1,"remaining":-5}})") << "";
        QTest::newRow("texts") << QByteArray(R"({"status":"ok","purge_limit":{"limit":"60","remaining":"1"}})") << "";
        QTest::newRow("not JSON") << QByteArray("<html>") << "";
    }

    void healthPurgeLimit()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, words);
        const HealthReading reading = readHealth(body.toStdString());
        QCOMPARE(reading.purgeLimit.has_value(), !words.isEmpty());
        if (reading.purgeLimit)
            QCOMPARE(QString::fromStdString(live::describeRateLimit(*reading.purgeLimit)), words);
    }

    void keyReport()
    {
        const std::string body = R"({"namespace":"product","id":"a:b","version":3,"stored_key":"product:3:a:b",
            "tiers":{"edge_cache":{"present":true,"age_ms":1500,"ttl_left_ms":-200,"freshness":"stale","size":512},
                     "edge_kv":{"present":false}}})";
        const KeyReport report = readKeyReport(body, QStringLiteral("product"), QStringLiteral("a:b"));
        QVERIFY(report.ok);
        QCOMPARE(report.version, std::uint64_t(3));
        QCOMPARE(report.storedKey, QStringLiteral("product:3:a:b"));
        const KeyCopy& edge = report.tiers[tierIndex(TierId::EdgeCache)];
        QVERIFY(edge.present);
        QCOMPARE(edge.age, 1500 * kMicrosPerMilli);
        QCOMPARE(edge.ttlLeft, -200 * kMicrosPerMilli);
        QCOMPARE(edge.freshness, QStringLiteral("stale"));
        QCOMPARE(edge.size, std::uint32_t(512));
        QVERIFY(!report.tiers[tierIndex(TierId::EdgeKv)].present);
        QVERIFY(!readKeyReport("{}", QStringLiteral("p"), QStringLiteral("i")).ok);
    }

    void dryRunPreview()
    {
        const Invalidation purge{Invalidation::Kind::PurgeNamespace, QStringLiteral("product"), {}};
        const InvalidationPreview preview = readPurgePreview(
            R"({"purged":0,"would_purge":42,"per_tier":{"edge_cache":30,"edge_kv":12}})", purge);
        QVERIFY(preview.ok);
        QCOMPARE(preview.entriesPerTier[tierIndex(TierId::EdgeCache)], std::size_t(30));
        QCOMPARE(preview.entriesPerTier[tierIndex(TierId::EdgeKv)], std::size_t(12));
        // A node that purged for real instead of counting says so.
        const InvalidationPreview real = readPurgePreview(R"({"purged":42})", purge);
        QVERIFY(!real.ok);
        QVERIFY(real.error.contains(QStringLiteral("cannot preview")));
    }

    void errorBodies()
    {
        QCOMPARE(readErrorBody(R"({"error":"invalid policy","diagnostics":["a:1:1: error: x","a:2:1: error: y"]})"),
                 QStringLiteral("invalid policy\na:1:1: error: x\na:2:1: error: y"));
        QCOMPARE(readErrorBody("not json"), QString());
        QCOMPARE(readCount(R"({"purged":12})", "purged"), std::int64_t(12));
        QCOMPARE(readCount(R"({"namespace":"a","version":4})", "version"), std::int64_t(4));
        QCOMPARE(readCount("{}", "purged"), std::int64_t(-1));
        QCOMPARE(readKeyIds(R"({"ids":["a","b",3]})"), (QStringList{QStringLiteral("a"), QStringLiteral("b")}));
    }
};

QTEST_APPLESS_MAIN(TestRemoteSnapshot)
#include "tst_remotesnapshot.moc"
