// Tests of core/live/remotestats: the policy as JSON (round trips through the
// policy loader, diagnostics that point into a JSON body) and the stats
// document of a node read back into core types.
#include "live/remotestats.h"
#include "policy/policyloader.h"
#include "report/summary.h"

#include <QtTest>

#include <string>

using namespace fallback;
using namespace fallback::live;

namespace {

QString q(const std::string& text) { return QString::fromStdString(text); }

constexpr Micros kS = kMicrosPerSecond;

Policy loadExample(const char* name)
{
    const Loaded<Policy> loaded = loadPolicyFile(std::string(FALLBACK_EXAMPLES_DIR "/") + name);
    if (!loaded.ok())
        qFatal("example policy does not load: %s", loaded.diagnostics.format().c_str());
    return *loaded.value;
}

Policy handMadePolicy()
{
    Policy p;
    p.defaults.ttl = 90 * kS;
    p.defaults.staleWhileRevalidate = 250 * kMicrosPerMilli;
    p.defaults.staleIfError = 36 * 3600 * kS;
    p.defaults.maxObjectSize = 1536 * 1024;
    p.defaults.writeMode = WriteMode::AsyncBackfill;
    NamespacePolicy a = p.fromDefaults("alpha");
    a.version = 7;
    NamespacePolicy b = p.fromDefaults("beta-2");
    b.version = 0;
    b.ttl = 0;
    b.staleWhileRevalidate = 1500 * kMicrosPerMilli;
    b.maxObjectSize = 1000;
    b.writeMode = WriteMode::WriteThrough;
    p.namespaces = {a, b};
    return p;
}

TierCounters counters(std::uint64_t base)
{
    TierCounters c;
    c.lookups = base * 10;
    c.hits = base * 6;
    c.staleHits = base;
    c.misses = base * 2;
    c.errors = base / 2;
    return c;
}

RequestCounters requestCounters(std::uint64_t base)
{
    RequestCounters r;
    r.requests = base * 100;
    r.servedBy = {base * 50, base * 30, base * 15, base * 4, base};
    r.freshness = {base * 80, base * 15, base * 5};
    r.staleServed = base * 15;
    r.originFetches = base * 17;
    r.coalesced = base * 3;
    r.revalidations = base * 2;
    r.failed = base;
    r.writes = base * 7;
    r.writeFailures = 1;
    r.tooLarge = 2;
    r.kvQueued = 3;
    r.kvRetries = 4;
    r.purges = 5;
    r.purgedEntries = 600;
    r.bumps = 6;
    return r;
}

LatencyHistogram histogram(std::uint64_t scale)
{
    LatencyHistogram h;
    for (std::uint64_t v = 1; v <= 1000; ++v)
        h.record(v * scale);
    return h;
}

/// Stats as a node would hold them: every field different from its neighbours,
/// so a swapped field in the reader shows up.
EngineStats handFilledStats()
{
    EngineStats s;
    s.now = 1'700'000'123'456'000;
    for (int t = 0; t < kTierCount; ++t) {
        s.tiers[t] = counters(std::uint64_t(t + 1) * 10);
        s.tierLatency[t] = histogram(std::uint64_t(t + 1) * 100);
    }
    s.latency = histogram(250);
    s.requests = requestCounters(3);
    s.kvQueueDepth = 9;
    for (int n = 0; n < 3; ++n) {
        NamespaceStats ns;
        ns.name = std::string("ns") + char('a' + n);
        ns.version = std::uint64_t(n) * 4 + 1;
        for (int t = 0; t < kTierCount; ++t)
            ns.tiers[t] = counters(std::uint64_t(n + 1) * 3 + std::uint64_t(t));
        ns.requests = requestCounters(std::uint64_t(n) + 1);
        ns.latency = histogram(std::uint64_t(n) + 10);
        s.namespaces.push_back(std::move(ns));
    }
    for (int i = 0; i < 5; ++i) {
        SeriesPoint p;
        p.second = 1'700'000'000 + i * 2;
        for (int t = 0; t < kTierCount; ++t) {
            p.tiers[t] = counters(std::uint64_t(i + t + 1));
            p.tierP50Ms[t] = 0.5f * float(i + t + 1);
            p.tierP99Ms[t] = 4.25f * float(i + t + 1);
        }
        p.requests = requestCounters(std::uint64_t(i) + 2);
        p.p50Ms = 1.5f + float(i);
        p.p99Ms = 20.75f + float(i);
        s.series.push_back(p);
    }
    return s;
}

nlohmann::json nodeStatsJson(const RunSummary& summary)
{
    nlohmann::json doc = summaryToJson(summary);
    doc["namespaces"] = namespacesToJson(summary.stats);
    doc["series"] = seriesToJson(summary.stats);
    return doc;
}

void compareLatency(const LatencySummary& got, const LatencySummary& want)
{
    QCOMPARE(got.p50, want.p50);
    QCOMPARE(got.p90, want.p90);
    QCOMPARE(got.p95, want.p95);
    QCOMPARE(got.p99, want.p99);
    QCOMPARE(got.max, want.max);
}

} // namespace

class TestRemoteStats : public QObject {
    Q_OBJECT

private slots:
    void policyJsonShape();
    void policyRoundTrip_data();
    void policyRoundTrip();
    void policyJsonWithTabsAndYaml();
    void policyJsonDiagnostics_data();
    void policyJsonDiagnostics();
    void statsRoundTrip();
    void statsDisabledTierAndMinimalDocument();
    void statsErrors_data();
    void statsErrors();
    void statsSeriesOldestFirst_data();
    void statsSeriesOldestFirst();
    void statsTable();
};

void TestRemoteStats::policyJsonShape()
{
    const nlohmann::json doc = policyToJson(handMadePolicy());
    QCOMPARE(doc["schema"].get<int>(), 1);
    const nlohmann::json& d = doc["defaults"];
    QCOMPARE(q(d["ttl"].get<std::string>()), QStringLiteral("90s"));
    QCOMPARE(q(d["stale_while_revalidate"].get<std::string>()), QStringLiteral("250ms"));
    QCOMPARE(q(d["stale_if_error"].get<std::string>()), QStringLiteral("1d12h"));
    QCOMPARE(d["max_object_size"].get<std::uint64_t>(), std::uint64_t(1536 * 1024));
    QCOMPARE(q(d["write_mode"].get<std::string>()), QStringLiteral("async-backfill"));

    const nlohmann::json& ns = doc["namespaces"];
    QVERIFY(ns.is_array());
    QCOMPARE(ns.size(), std::size_t(2));
    // Inherited values are left out, exactly like the YAML writer does.
    QCOMPARE(q(ns[0].dump()), QStringLiteral(R"({"name":"alpha","version":7})"));
    QCOMPARE(q(ns[1]["name"].get<std::string>()), QStringLiteral("beta-2"));
    QCOMPARE(ns[1]["version"].get<std::uint64_t>(), std::uint64_t(0));
    QCOMPARE(q(ns[1]["ttl"].get<std::string>()), QStringLiteral("0ms"));
    QCOMPARE(q(ns[1]["stale_while_revalidate"].get<std::string>()), QStringLiteral("1500ms"));
    QCOMPARE(ns[1]["max_object_size"].get<std::uint64_t>(), std::uint64_t(1000));
    QCOMPARE(q(ns[1]["write_mode"].get<std::string>()), QStringLiteral("write-through"));
    QVERIFY(!ns[1].contains("stale_if_error"));

    Policy empty;
    QCOMPARE(q(policyToJson(empty)["namespaces"].dump()), QStringLiteral("[]"));
}

void TestRemoteStats::policyRoundTrip_data()
{
    QTest::addColumn<int>("which");
    QTest::addColumn<int>("indent");
    QTest::newRow("demo, compact") << 0 << -1;
    QTest::newRow("demo, pretty") << 0 << 2;
    QTest::newRow("hand made, compact") << 1 << -1;
    QTest::newRow("hand made, pretty") << 1 << 4;
    QTest::newRow("no namespaces") << 2 << 2;
}

void TestRemoteStats::policyRoundTrip()
{
    QFETCH(int, which);
    QFETCH(int, indent);
    const Policy policy = which == 0 ? loadExample("demo.policy.yaml") : which == 1 ? handMadePolicy() : Policy{};
    const std::string text = policyToJson(policy).dump(indent);
    const Loaded<Policy> back = parsePolicyText(text, "node");
    QCOMPARE(q(back.diagnostics.format()), QString());
    QVERIFY(back.ok());
    QVERIFY(*back.value == policy);
    // JSON -> Policy -> JSON is the identity too, and so is the YAML route.
    QCOMPARE(q(policyToJson(*back.value).dump()), q(policyToJson(policy).dump()));
    const Loaded<Policy> viaYaml = parsePolicyText(writePolicyYaml(*back.value), "yaml");
    QVERIFY(viaYaml.ok());
    QVERIFY(*viaYaml.value == policy);
}

void TestRemoteStats::policyJsonWithTabsAndYaml()
{
    const std::string tabbed = "{\n\t\"schema\": 1,\n\t\"namespaces\": [\n\t\t{\"name\": \"product\", \"version\": 3,"
                               " \"ttl\": \"5m\"}\n\t]\n}\n";
    const Loaded<Policy> loaded = parsePolicyText(tabbed, "tabs.json");
    QCOMPARE(q(loaded.diagnostics.format()), QString());
    QVERIFY(loaded.ok());
    QCOMPARE(loaded.value->namespaces.at(0).ttl, 300 * kS);

    const Loaded<Policy> yaml = parsePolicyText("schema: 1\nnamespaces:\n  - name: config\n    version: 2\n", "p.yaml");
    QVERIFY(yaml.ok());
    QCOMPARE(yaml.value->namespaces.at(0).version, std::uint64_t(2));
}

void TestRemoteStats::policyJsonDiagnostics_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected");
    QTest::newRow("unknown key, pretty")
        << QStringLiteral("{\n  \"schema\": 1,\n  \"defaults\": {\n    \"tll\": \"120s\"\n  },\n  \"namespaces\": []\n}\n")
        << QStringLiteral("body:4:5: error: unknown key 'tll' in defaults (did you mean 'ttl'?)\n");
    QTest::newRow("bad duration, compact")
        << QStringLiteral(R"({"schema":1,"namespaces":[{"name":"product","version":1,"ttl":"soon"}]})")
        << QStringLiteral("body:1:63: error: ");
    QTest::newRow("negative version")
        << QStringLiteral("{\"schema\": 1,\n \"namespaces\": [\n  {\"name\": \"a\", \"version\": -1}\n ]\n}")
        << QStringLiteral("body:3:28: error: ");
    QTest::newRow("syntax error")
        << QStringLiteral("{\"schema\": 1,\n \"namespaces\": [\n")
        << QStringLiteral("body:");
    QTest::newRow("empty body") << QString() << QStringLiteral("body:1:1: error: ");
}

void TestRemoteStats::policyJsonDiagnostics()
{
    QFETCH(QString, text);
    QFETCH(QString, expected);
    const Loaded<Policy> loaded = parsePolicyText(text.toStdString(), "body");
    QVERIFY(!loaded.ok());
    const QString got = q(loaded.diagnostics.format());
    QVERIFY2(got.startsWith(expected), qPrintable(got));
}

void TestRemoteStats::statsRoundTrip()
{
    RunSummary summary;
    summary.stats = handFilledStats();
    summary.requests = 4321;
    summary.wallSeconds = 3600.5;
    nlohmann::json doc = nodeStatsJson(summary);
    doc["now_ms"] = 1'700'000'123'456;

    // Through text, as a client gets it.
    const Result<RemoteStats> parsed = parseStats(std::string_view(doc.dump()));
    QVERIFY2(parsed.ok(), parsed.ok() ? "" : parsed.error().message.c_str());
    const RemoteStats& r = parsed.value();
    const EngineStats& s = summary.stats;

    QCOMPARE(r.requests, std::uint64_t(4321));
    QCOMPARE(r.uptimeSeconds, 3600.5);
    QCOMPARE(r.now, Micros(1'700'000'123'456'000));
    QCOMPARE(r.kvQueueDepth, std::uint64_t(9));
    for (int t = 0; t < kTierCount; ++t) {
        QVERIFY(r.tierEnabled[t]);
        QVERIFY(r.tiers[t] == s.tiers[t]);
        compareLatency(r.tierLatency[t], summarizeMicros(s.tierLatency[t]));
    }
    compareLatency(r.latency, summarizeMicros(s.latency));
    // kvSuperseded is not in the document: everything else comes back.
    RequestCounters expected = s.requests;
    expected.kvSuperseded = 0;
    QVERIFY(r.counters == expected);

    QCOMPARE(r.namespaces.size(), s.namespaces.size());
    for (std::size_t i = 0; i < s.namespaces.size(); ++i) {
        const RemoteNamespace& got = r.namespaces[i];
        const NamespaceStats& want = s.namespaces[i];
        QCOMPARE(q(got.name), q(want.name));
        QCOMPARE(got.version, want.version);
        QVERIFY(got.tiers == want.tiers);
        compareLatency(got.latency, summarizeMicros(want.latency));
        const RequestCounters& gr = got.requests;
        const RequestCounters& wr = want.requests;
        QCOMPARE(gr.requests, wr.requests);
        QVERIFY(gr.servedBy == wr.servedBy);
        QCOMPARE(gr.originFetches, wr.originFetches);
        QCOMPARE(gr.coalesced, wr.coalesced);
        QCOMPARE(gr.staleServed, wr.staleServed);
        QCOMPARE(gr.revalidations, wr.revalidations);
        QCOMPARE(gr.purges, wr.purges);
        QCOMPARE(gr.bumps, wr.bumps);
    }

    QCOMPARE(r.series.size(), s.series.size());
    for (std::size_t i = 0; i < s.series.size(); ++i) {
        const SeriesPoint& got = r.series[i];
        const SeriesPoint& want = s.series[i];
        QCOMPARE(got.second, want.second);
        QVERIFY(got.tiers == want.tiers);
        QVERIFY(got.tierP50Ms == want.tierP50Ms);
        QVERIFY(got.tierP99Ms == want.tierP99Ms);
        QCOMPARE(got.p50Ms, want.p50Ms);
        QCOMPARE(got.p99Ms, want.p99Ms);
        QCOMPARE(got.requests.requests, want.requests.requests);
        QVERIFY(got.requests.servedBy == want.requests.servedBy);
        QCOMPARE(got.requests.staleServed, want.requests.staleServed);
        QCOMPARE(got.requests.originFetches, want.requests.originFetches);
        QCOMPARE(got.requests.coalesced, want.requests.coalesced);
        QCOMPARE(got.requests.revalidations, want.requests.revalidations);
    }
}

void TestRemoteStats::statsDisabledTierAndMinimalDocument()
{
    RunSummary summary;
    summary.stats = handFilledStats();
    summary.tierEnabled = {true, false, true, true};
    const nlohmann::json full = summaryToJson(summary);
    const Result<RemoteStats> parsed = parseStats(full);
    QVERIFY(parsed.ok());
    QVERIFY(!parsed->tierEnabled[tierIndex(TierId::EdgeKv)]);
    QVERIFY(parsed->tierEnabled[tierIndex(TierId::Origin)]);
    QVERIFY(parsed->tiers[tierIndex(TierId::EdgeKv)] == TierCounters{});
    QVERIFY(parsed->namespaces.empty());
    QVERIFY(parsed->series.empty());
    // Without now_ms, the engine clock of virtual_seconds stands in.
    QCOMPARE(parsed->now, summary.stats.now);

    // The contract fields alone (SPEC §5) are enough.
    nlohmann::json minimal = nlohmann::json::parse(R"({
        "requests": 0, "tiers": {},
        "served_by": {"edge_cache": 0, "edge_kv": 0, "origin": 0, "client_cache": 0, "failed": 0},
        "origin_fetches": 0, "coalesced": 0, "stale_served": 0, "revalidations": 0,
        "latency_ms": {"p50": 0, "p90": 0, "p95": 0, "p99": 0, "max": 0}, "wall_seconds": 0.0})");
    const Result<RemoteStats> bare = parseStats(minimal);
    QVERIFY2(bare.ok(), bare.ok() ? "" : bare.error().message.c_str());
    QCOMPARE(bare->now, Micros(0));
}

void TestRemoteStats::statsErrors_data()
{
    QTest::addColumn<QString>("patch");    // a JSON merge patch over a valid document, or raw text
    QTest::addColumn<bool>("raw");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("message");
    QTest::newRow("not json") << QStringLiteral("{\"requests\": ") << true << QStringLiteral("invalid_json")
                              << QStringLiteral("the stats are not valid JSON: ");
    // A number too big for a double: the JSON library throws out_of_range,
    // not parse_error (found by fuzzing; it used to end the process).
    QTest::newRow("number overflow") << QStringLiteral("{\"requests\": 5E3333333}") << true
                                     << QStringLiteral("invalid_json")
                                     << QStringLiteral("the stats are not valid JSON: number overflow");
    QTest::newRow("not an object") << QStringLiteral("[1, 2]") << true << QStringLiteral("invalid_stats")
                                   << QStringLiteral("the stats are not a JSON object");
    QTest::newRow("missing requests") << QStringLiteral(R"({"requests": null})") << false
                                      << QStringLiteral("invalid_stats")
                                      << QStringLiteral("stats field 'requests' is missing");
    QTest::newRow("negative count") << QStringLiteral(R"({"coalesced": -3})") << false
                                    << QStringLiteral("invalid_stats")
                                    << QStringLiteral("stats field 'coalesced' is not a non-negative integer");
    QTest::newRow("tier counter text") << QStringLiteral(R"({"tiers": {"origin": {"hits": "many"}}})") << false
                                       << QStringLiteral("invalid_stats")
                                       << QStringLiteral("stats field 'tiers.origin.hits' is not a non-negative integer");
    QTest::newRow("latency missing") << QStringLiteral(R"({"latency_ms": {"p99": null}})") << false
                                     << QStringLiteral("invalid_stats")
                                     << QStringLiteral("stats field 'latency_ms.p99' is missing");
    QTest::newRow("namespace not object") << QStringLiteral(R"({"namespaces": {"product": 3}})") << false
                                          << QStringLiteral("invalid_stats")
                                          << QStringLiteral("stats field 'namespaces.product' is not an object");
    QTest::newRow("series not list") << QStringLiteral(R"({"series": {}})") << false
                                     << QStringLiteral("invalid_stats")
                                     << QStringLiteral("stats field 'series' is not a list");
    QTest::newRow("series point") << QStringLiteral(R"({"series": [{"t": 1.5}]})") << false
                                  << QStringLiteral("invalid_stats")
                                  << QStringLiteral("stats field 'series[0].t' is not an integer");
}

void TestRemoteStats::statsErrors()
{
    QFETCH(QString, patch);
    QFETCH(bool, raw);
    QFETCH(QString, code);
    QFETCH(QString, message);
    Result<RemoteStats> parsed = Error{};
    if (raw) {
        parsed = parseStats(std::string_view(patch.toStdString()));
    } else {
        RunSummary summary;
        summary.stats = handFilledStats();
        nlohmann::json doc = nodeStatsJson(summary);
        doc.merge_patch(nlohmann::json::parse(patch.toStdString()));
        parsed = parseStats(doc);
    }
    QVERIFY(!parsed.ok());
    QCOMPARE(q(parsed.error().code), code);
    QVERIFY2(q(parsed.error().message).startsWith(message), parsed.error().message.c_str());
}

void TestRemoteStats::statsSeriesOldestFirst_data()
{
    // handFilledStats() has points at 1'700'000'000, ...'002, ...'004: the
    // second point's `t` is moved.
    QTest::addColumn<qint64>("second");
    QTest::addColumn<bool>("ok");
    QTest::newRow("after the first") << qint64(1'700'000'001) << true;
    QTest::newRow("same second") << qint64(1'700'000'000) << false;
    QTest::newRow("before the first") << qint64(1'699'999'999) << false;
}

void TestRemoteStats::statsSeriesOldestFirst()
{
    QFETCH(qint64, second);
    QFETCH(bool, ok);
    RunSummary summary;
    summary.stats = handFilledStats();
    nlohmann::json doc = nodeStatsJson(summary);
    doc["series"][1]["t"] = second;
    const Result<RemoteStats> parsed = parseStats(doc);
    if (ok) {
        QVERIFY2(parsed.ok(), parsed.ok() ? "" : parsed.error().message.c_str());
        QCOMPARE(parsed->series.size(), std::size_t(5));
        QCOMPARE(parsed->series[1].second, std::int64_t(second));
        return;
    }
    QVERIFY(!parsed.ok());
    QCOMPARE(q(parsed.error().code), QStringLiteral("invalid_stats"));
    QCOMPARE(q(parsed.error().message),
             QStringLiteral("stats field 'series[1].t' does not follow the previous point (series are oldest first)"));
}

void TestRemoteStats::statsTable()
{
    RunSummary summary;
    summary.stats = handFilledStats();
    summary.tierEnabled = {true, true, true, false};
    const Result<RemoteStats> parsed = parseStats(nodeStatsJson(summary));
    QVERIFY(parsed.ok());
    const QString table = q(remoteStatsToTable(*parsed));
    QVERIFY2(table.contains(QStringLiteral("edge_cache")), qPrintable(table));
    QVERIFY(table.contains(QStringLiteral("client_cache   (disabled)")));
    // Shares of the reads answered: 150 of the 300 served.
    QVERIFY2(table.contains(QStringLiteral("served by   edge_cache 150 (50.00%), edge_kv 90 (30.00%)")),
             qPrintable(table));
    QVERIFY(table.contains(QStringLiteral("nsb")));
    QVERIFY(table.contains(QStringLiteral("latency ms  p50 ")));
}

QTEST_APPLESS_MAIN(TestRemoteStats)
#include "tst_remotestats.moc"
