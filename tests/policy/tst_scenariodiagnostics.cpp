// Tests of scenario loading's diagnostics (SPEC §4): every problem of the
// file, the policy, the workload, the tiers and the events as an exact line,
// the policy file's own problems under its name, all problems in one pass,
// warnings that do not fail the load, a missing file, and hostile input that
// must never crash. Loading and writing are in tst_scenarioloader.cpp.
#include "sim/scenarioloader.h"

#include "scenariofixtures.h"

#include <QtTest>

#include <string>

using namespace fallback;
using namespace scenariotest;

namespace {

// Lines 1-7: kPolicyHead and a valid workload; rows add from line 8.
const QByteArray kHead = kPolicyHead + "workload: { rate: 100/s }\n";

} // namespace

class TestScenarioDiagnostics : public QObject {
    Q_OBJECT

private slots:
    void diagnostics_data();
    void diagnostics();
    void policyFileDiagnosticsCarryItsName();
    void reportsEveryProblemInOnePass();
    void warningsDoNotFailTheLoad();
    void missingFile();
    void neverCrashes_data();
    void neverCrashes();
};

void TestScenarioDiagnostics::diagnostics_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<QString>("expected"); // Diagnostics::format(), exactly

    // The file and its top level.
    QTest::newRow("empty file") << QByteArray()
                                << QStringLiteral("s.yaml:1:1: error: the file is empty: a scenario file starts with 'schema: 1'\n");
    QTest::newRow("root is a list") << QByteArray("- 1\n")
                                    << QStringLiteral("s.yaml:1:1: error: a scenario file must be a mapping of keys (schema: 1, ...), not a list\n");
    QTest::newRow("syntax error") << QByteArray("schema: 1\npolicy: {\n")
                                  << QStringLiteral("s.yaml:3:1: error: invalid YAML: end of map flow not found\n");
    QTest::newRow("deep nesting") << QByteArray("schema: 1\ntiers: ").append(QByteArray(2500, '{'))
                                  << QStringLiteral("s.yaml:2:1: error: the document is nested too deeply (more than 500 levels)\n");
    QTest::newRow("missing keys") << QByteArray("duration: 1m\n")
                                  << QStringLiteral("s.yaml:1:1: error: missing key 'policy' at the top level\n"
                                                    "s.yaml:1:1: error: missing key 'workload' at the top level\n"
                                                    "s.yaml:1:1: error: missing key 'schema': this file format needs 'schema: 1'\n");
    QTest::newRow("wrong schema") << QByteArray("schema: 3\n") + kHead.mid(10)
                                  << QStringLiteral("s.yaml:1:9: error: schema '3' is not supported: this version reads schema 1\n");
    QTest::newRow("no end") << kHead.left(kPolicyHead.size() - 13) + "workload: { rate: 100/s }\n"
                            << QStringLiteral("s.yaml:1:1: error: a synthetic workload needs 'duration' or 'requests' to know when to stop\n");
    QTest::newRow("unknown top-level key") << kHead + "sead: 4\n"
                                           << QStringLiteral("s.yaml:8:1: error: unknown key 'sead' at the top level (did you mean 'seed'?)\n");
    QTest::newRow("negative seed") << kHead + "seed: -4\n"
                                   << QStringLiteral("s.yaml:8:7: error: seed must be a non-negative integer (got '-4')\n");
    QTest::newRow("zero requests") << kHead + "requests: 0\n"
                                   << QStringLiteral("s.yaml:8:11: error: requests must be at least 1 (got '0')\n");
    QTest::newRow("bad duration")
        << kPolicyHead.left(kPolicyHead.size() - 13) + "duration: 0\nworkload: { rate: 100/s }\n"
        << QStringLiteral("s.yaml:6:11: error: duration must be greater than 0 (got '0')\n");

    // The policy.
    QTest::newRow("policy is a list") << QByteArray("schema: 1\npolicy: [a]\nduration: 1m\nworkload: {}\n")
                                      << QStringLiteral("s.yaml:2:9: error: policy must be the path of a policy file or an inline mapping, not a list\n");
    QTest::newRow("policy file missing")
        << QByteArray("schema: 1\npolicy: nope.policy.yaml\nduration: 1m\nworkload: {}\n")
        << QStringLiteral("s.yaml:2:9: error: cannot read policy file '%1': no such file\n").arg(q(fixture("nope.policy.yaml")));
    QTest::newRow("policy file is a directory")
        << QByteArray("schema: 1\npolicy: ../policy\nduration: 1m\nworkload: {}\n")
        << QStringLiteral("s.yaml:2:9: error: cannot read policy file '%1': not a readable file\n")
               .arg(QStringLiteral(FALLBACK_FIXTURES_DIR "/policy"));
    QTest::newRow("inline policy problems")
        << QByteArray("schema: 1\npolicy:\n  namespace: []\n  defaults: { ttl: soon }\nrequests: 5\nworkload: {}\n")
        << QStringLiteral("s.yaml:3:3: error: unknown key 'namespace' in policy (did you mean 'namespaces'?)\n"
                          "s.yaml:3:3: error: missing key 'namespaces' in policy\n"
                          "s.yaml:4:20: error: ttl 'soon' is not a duration: use a number with a unit (250ms, 90s, 5m, 1h, 1d) or a bare number of seconds\n");

    // The workload.
    const QByteArray w = kPolicyHead + "workload:\n"; // rows add from line 8
    QTest::newRow("workload is a list") << kPolicyHead + "workload: [1]\n"
                                        << QStringLiteral("s.yaml:7:11: error: workload must be a mapping of keys, not a list\n");
    QTest::newRow("unknown workload key") << w + "  trase: t.csv\n"
                                          << QStringLiteral("s.yaml:8:3: error: unknown key 'trase' in workload (did you mean 'trace'?)\n");
    QTest::newRow("bare rate") << w + "  rate: 2000\n"
                               << QStringLiteral("s.yaml:8:9: error: rate '2000' is not a rate: use N/s (for example 2000/s)\n");
    QTest::newRow("zero rate") << w + "  rate: 0/s\n"
                               << QStringLiteral("s.yaml:8:9: error: rate must be greater than 0/s (got '0/s')\n");
    QTest::newRow("zero keys") << w + "  keys: 0\n"
                               << QStringLiteral("s.yaml:8:9: error: keys must be between 1 and 100000000 (got '0')\n");
    QTest::newRow("negative zipf") << w + "  zipf: -0.5\n"
                                   << QStringLiteral("s.yaml:8:9: error: zipf must be 0 or more (got '-0.5')\n");
    QTest::newRow("zipf not a number") << w + "  zipf: steep\n"
                                       << QStringLiteral("s.yaml:8:9: error: zipf must be a number (got 'steep')\n");
    QTest::newRow("read ratio above 1") << w + "  read_ratio: 1.5\n"
                                        << QStringLiteral("s.yaml:8:15: error: read_ratio must be between 0 and 1 (got '1.5')\n");
    QTest::newRow("object size min above max")
        << w + "  object_size: { min: 64KiB, max: 1KiB }\n"
        << QStringLiteral("s.yaml:8:35: error: object_size.max (1KiB) must not be below object_size.min (64KiB)\n");
    QTest::newRow("object size without max")
        << w + "  object_size: { min: 1KiB }\n"
        << QStringLiteral("s.yaml:8:16: error: missing key 'max' in object_size\n");
    QTest::newRow("object size too large")
        << w + "  object_size: { min: 1KiB, max: 2GiB }\n"
        << QStringLiteral("s.yaml:8:34: error: object_size.max must be between 0B and 1GiB (got '2GiB')\n");
    QTest::newRow("unknown namespace")
        << w + "  namespaces: { prodcut: 1 }\n"
        << QStringLiteral("s.yaml:8:17: error: namespace 'prodcut' is not in the policy (did you mean 'product'?)\n");
    QTest::newRow("invalid namespace name")
        << w + "  namespaces: { Product: 1 }\n"
        << QStringLiteral("s.yaml:8:17: error: namespace 'Product' is invalid: must match [a-z][a-z0-9_-]{0,62}\n");
    QTest::newRow("zero weight") << w + "  namespaces: { product: 0 }\n"
                                 << QStringLiteral("s.yaml:8:26: error: weight of 'product' must be greater than 0 (got '0')\n");
    QTest::newRow("duplicate weight")
        << w + "  namespaces: { product: 1, product: 2 }\n"
        << QStringLiteral("s.yaml:8:29: error: duplicate namespace 'product' in the workload (first at line 8)\n");
    QTest::newRow("no namespaces") << w + "  namespaces: {}\n"
                                   << QStringLiteral("s.yaml:8:15: error: namespaces is empty: give at least one namespace with its weight\n");
    QTest::newRow("namespaces as a list")
        << w + "  namespaces: [product]\n"
        << QStringLiteral("s.yaml:8:15: error: namespaces must be a mapping of namespace to weight, not a list\n");
    QTest::newRow("trace mixed with synthetic")
        << w + "  trace: trace.csv\n  rate: 5/s\n"
        << QStringLiteral("s.yaml:9:3: error: 'rate' does not apply to a trace workload: remove it or 'trace'\n");
    QTest::newRow("trace missing") << w + "  trace: missing.csv\n"
                                   << QStringLiteral("s.yaml:8:10: error: cannot read trace '%1': no such file\n")
                                          .arg(q(fixture("missing.csv")));
    QTest::newRow("trace is a directory") << w + "  trace: .\n"
                                          << QStringLiteral("s.yaml:8:10: error: cannot read trace '%1': not a readable file\n")
                                                 .arg(q(kDir));

    // Tiers.
    QTest::newRow("unknown tier") << kHead + "tiers:\n  edge_cahce: {}\n"
                                  << QStringLiteral("s.yaml:9:3: error: unknown key 'edge_cahce' in tiers (did you mean 'edge_cache'?)\n");
    QTest::newRow("tier without settings")
        << kHead + "tiers:\n  origin:\n"
        << QStringLiteral("s.yaml:9:3: error: tier 'origin' must be a mapping of keys, not empty\n");
    QTest::newRow("unknown tier key") << kHead + "tiers:\n  origin: { latancy: 5ms }\n"
                                      << QStringLiteral("s.yaml:9:13: error: unknown key 'latancy' in tier 'origin' (did you mean 'latency'?)\n");
    QTest::newRow("enabled not a boolean") << kHead + "tiers:\n  edge_kv: { enabled: maybe }\n"
                                           << QStringLiteral("s.yaml:9:23: error: enabled must be true or false (got 'maybe')\n");
    QTest::newRow("zero capacity") << kHead + "tiers:\n  edge_cache: { capacity: 0 }\n"
                                   << QStringLiteral("s.yaml:9:27: error: capacity must be at least 1 (leave it out for no limit)\n");
    QTest::newRow("capacity with a space")
        << kHead + "tiers:\n  edge_cache: { capacity: 64 MiB }\n"
        << QStringLiteral("s.yaml:9:27: error: capacity '64 MiB' is not a size: use bytes or a number with a unit (64KiB, 1MiB, 512MB)\n");
    QTest::newRow("empty capacity mapping")
        << kHead + "tiers:\n  edge_cache: { capacity: {} }\n"
        << QStringLiteral("s.yaml:9:27: error: capacity needs 'entries', 'bytes' or both (leave it out for no limit)\n");
    QTest::newRow("unknown eviction") << kHead + "tiers:\n  edge_cache: { eviction: lfu }\n"
                                      << QStringLiteral("s.yaml:9:27: error: eviction 'lfu' is invalid: use lru or sieve (did you mean 'lru'?)\n");
    QTest::newRow("p99 below p50")
        << kHead + "tiers:\n  origin: { latency: { p50: 20ms, p99: 10ms } }\n"
        << QStringLiteral("s.yaml:9:40: error: latency.p99 (10ms) must not be below latency.p50 (20ms)\n");
    QTest::newRow("latency without p50") << kHead + "tiers:\n  origin: { latency: { p99: 10ms } }\n"
                                         << QStringLiteral("s.yaml:9:22: error: missing key 'p50' in latency\n");
    QTest::newRow("latency in words") << kHead + "tiers:\n  origin: { latency: { p50: fast } }\n"
                                      << QStringLiteral("s.yaml:9:29: error: latency.p50 'fast' is not a duration: use a number with a unit (250ms, 90s, 5m, 1h, 1d) or a bare number of seconds\n");
    QTest::newRow("failure rate above 1") << kHead + "tiers:\n  edge_kv: { failure_rate: 2 }\n"
                                          << QStringLiteral("s.yaml:9:28: error: failure_rate must be between 0 and 1 (got '2')\n");

    // Events.
    const QByteArray e = kHead + "events:\n"; // events from line 9
    QTest::newRow("events not a list") << kHead + "events: { at: 1s }\n"
                                       << QStringLiteral("s.yaml:8:9: error: events must be a list of events, not a mapping\n");
    QTest::newRow("event not a mapping") << e + "  - down\n"
                                         << QStringLiteral("s.yaml:9:5: error: each event must be a mapping of keys, not a single value\n");
    QTest::newRow("missing at") << e + "  - { action: up, tier: origin }\n"
                                << QStringLiteral("s.yaml:9:5: error: missing key 'at' in event\n");
    QTest::newRow("missing action") << e + "  - { at: 5s }\n"
                                    << QStringLiteral("s.yaml:9:5: error: missing key 'action' in event\n");
    QTest::newRow("unknown action") << e + "  - { at: 5s, action: dwn, tier: origin }\n"
                                    << QStringLiteral("s.yaml:9:23: error: action 'dwn' is invalid: use down, up, slow, flaky, purge or bump (did you mean 'down'?)\n");
    QTest::newRow("unknown event key") << e + "  - { at: 5s, action: down, tier: origin, fro: 1m }\n"
                                       << QStringLiteral("s.yaml:9:43: error: unknown key 'fro' in event (did you mean 'for'?)\n");
    QTest::newRow("down without tier") << e + "  - { at: 5s, action: down }\n"
                                       << QStringLiteral("s.yaml:9:5: error: a down event needs 'tier'\n");
    QTest::newRow("unknown tier name") << e + "  - { at: 5s, action: down, tier: orgin }\n"
                                       << QStringLiteral("s.yaml:9:35: error: tier 'orgin' is invalid: use edge_cache, edge_kv, origin or client_cache (did you mean 'origin'?)\n");
    QTest::newRow("zero for") << e + "  - { at: 5s, action: down, tier: origin, for: 0 }\n"
                              << QStringLiteral("s.yaml:9:48: error: for must be greater than 0 (got '0')\n");
    QTest::newRow("negative at") << e + "  - { at: -5s, action: up, tier: origin }\n"
                                 << QStringLiteral("s.yaml:9:11: error: at must not be negative (got '-5s')\n");
    QTest::newRow("key not for this action")
        << e + "  - { at: 5s, action: up, tier: origin, for: 1m }\n"
        << QStringLiteral("s.yaml:9:41: error: 'for' does not apply to an up event\n");
    QTest::newRow("zero slow factor") << e + "  - { at: 5s, action: slow, tier: origin, factor: 0 }\n"
                                      << QStringLiteral("s.yaml:9:51: error: factor must be greater than 0 (got '0')\n");
    QTest::newRow("flaky rate above 1") << e + "  - { at: 5s, action: flaky, tier: origin, rate: 1.5 }\n"
                                        << QStringLiteral("s.yaml:9:50: error: rate must be between 0 and 1 (got '1.5')\n");
    QTest::newRow("purge of nothing") << e + "  - { at: 5s, action: purge }\n"
                                      << QStringLiteral("s.yaml:9:5: error: a purge event needs one of 'namespace', 'key' or 'all: true'\n");
    QTest::newRow("purge of two things") << e + "  - { at: 5s, action: purge, namespace: product, all: true }\n"
                                         << QStringLiteral("s.yaml:9:5: error: a purge event takes only one of 'namespace', 'key' or 'all: true'\n");
    QTest::newRow("purge all false") << e + "  - { at: 5s, action: purge, all: false }\n"
                                     << QStringLiteral("s.yaml:9:35: error: all must be true to purge everything (use 'namespace' or 'key' for less)\n");
    QTest::newRow("purge key without id") << e + "  - { at: 5s, action: purge, key: product }\n"
                                          << QStringLiteral("s.yaml:9:35: error: key 'product' is invalid: expected namespace:id\n");
    QTest::newRow("purge key with control character")
        << e + "  - { at: 5s, action: purge, key: \"product:a\\tb\" }\n"
        << QStringLiteral("s.yaml:9:35: error: resource id 'a\\tb' contains a control character (0x09 at byte 2)\n");
    QTest::newRow("purge key in unknown namespace")
        << e + "  - { at: 5s, action: purge, key: \"cart:1\" }\n"
        << QStringLiteral("s.yaml:9:35: error: namespace 'cart' is not in the policy\n");
    QTest::newRow("bump without namespace") << e + "  - { at: 5s, action: bump }\n"
                                            << QStringLiteral("s.yaml:9:5: error: a bump event needs 'namespace'\n");
    QTest::newRow("bump of unknown namespace")
        << e + "  - { at: 5s, action: bump, namespace: confg }\n"
        << QStringLiteral("s.yaml:9:40: error: namespace 'confg' is not in the policy (did you mean 'config'?)\n");
    QTest::newRow("bump of invalid namespace")
        << e + "  - { at: 5s, action: bump, namespace: Config }\n"
        << QStringLiteral("s.yaml:9:40: error: namespace 'Config' is invalid: must match [a-z][a-z0-9_-]{0,62}\n");
}

void TestScenarioDiagnostics::diagnostics()
{
    QFETCH(QByteArray, yaml);
    QFETCH(QString, expected);
    const Loaded<Scenario> loaded = parseScenarioYaml(yaml.toStdString(), "s.yaml", kDir);
    QCOMPARE(q(loaded.diagnostics.format()), expected);
    QVERIFY(loaded.diagnostics.hasErrors());
    QVERIFY(!loaded.ok()); // bad input loses nothing
}

void TestScenarioDiagnostics::policyFileDiagnosticsCarryItsName()
{
    const std::string path = fixture("broken-policy.scenario.yaml");
    const Loaded<Scenario> loaded = loadScenarioFile(path);
    QVERIFY(!loaded.ok());
    // The policy's own problems name the policy file; the scenario's
    // namespace references are not reported against a policy that failed.
    const QString policy = q(fixture("broken.policy.yaml"));
    QCOMPARE(q(loaded.diagnostics.format()),
             policy + QStringLiteral(":4:14: error: version must be a non-negative integer (got '-2')\n")
                 + policy + QStringLiteral(":5:5: error: unknown key 'tll' in namespace (did you mean 'ttl'?)\n"));
}

void TestScenarioDiagnostics::reportsEveryProblemInOnePass()
{
    const std::string path = fixture("many-errors.scenario.yaml");
    const Loaded<Scenario> loaded = loadScenarioFile(path);
    QVERIFY(!loaded.ok());
    const QString f = q(path);
    const QStringList expected{
        f + QStringLiteral(":3:7: error: seed must be a non-negative integer (got '-1')"),
        f + QStringLiteral(":4:11: error: duration '10 minutes' is not a duration: use a number with a unit (250ms, 90s, 5m, 1h, 1d) or a bare number of seconds"),
        f + QStringLiteral(":6:9: error: rate '2000' is not a rate: use N/s (for example 2000/s)"),
        f + QStringLiteral(":7:9: error: keys must be between 1 and 100000000 (got '0')"),
        f + QStringLiteral(":8:9: error: zipf must be 0 or more (got '-0.5')"),
        f + QStringLiteral(":9:15: error: read_ratio must be between 0 and 1 (got '1.5')"),
        f + QStringLiteral(":10:35: error: object_size.max (1KiB) must not be below object_size.min (64KiB)"),
        f + QStringLiteral(":11:17: error: namespace 'prodcut' is not in the policy (did you mean 'product'?)"),
        f + QStringLiteral(":11:39: error: weight of 'config' must be greater than 0 (got '0')"),
        f + QStringLiteral(":13:3: error: unknown key 'edge_cahce' in tiers (did you mean 'edge_cache'?)"),
        f + QStringLiteral(":14:23: error: enabled must be true or false (got 'maybe')"),
        f + QStringLiteral(":14:40: error: capacity must be at least 1 (leave it out for no limit)"),
        f + QStringLiteral(":14:53: error: eviction 'lfu' is invalid: use lru or sieve (did you mean 'lru'?)"),
        f + QStringLiteral(":14:85: error: latency.p99 (10ms) must not be below latency.p50 (20ms)"),
        f + QStringLiteral(":14:107: error: failure_rate must be between 0 and 1 (got '2')"),
        f + QStringLiteral(":16:21: error: tier 'orgin' is invalid: use edge_cache, edge_kv, origin or client_cache (did you mean 'origin'?)"),
        f + QStringLiteral(":17:5: error: a purge event needs one of 'namespace', 'key' or 'all: true'"),
        f + QStringLiteral(":18:40: error: namespace 'nope' is not in the policy"),
    };
    QCOMPARE(q(loaded.diagnostics.format()), expected.join(u'\n') + u'\n');
}

void TestScenarioDiagnostics::warningsDoNotFailTheLoad()
{
    const QByteArray yaml = kHead + "tiers:\n  origin: { capacity: 100 }\nevents:\n  - { at: 2m, action: bump, namespace: config }\n";
    const Loaded<Scenario> loaded = parseScenarioYaml(yaml.toStdString(), "s.yaml", kDir);
    QVERIFY(loaded.ok());
    QCOMPARE(q(loaded.diagnostics.format()),
             QStringLiteral("s.yaml:9:13: warning: capacity has no effect on the origin: it holds every object\n"
                            "s.yaml:11:11: warning: this event at 2m comes after the end of the run (1m): it never happens\n"));
}

void TestScenarioDiagnostics::missingFile()
{
    const std::string path = fixture("nope.scenario.yaml");
    const Loaded<Scenario> loaded = loadScenarioFile(path);
    QVERIFY(!loaded.ok());
    QCOMPARE(q(loaded.diagnostics.format()),
             q(path) + QStringLiteral(":1:1: error: cannot read the scenario file: No such file or directory\n"));
}

void TestScenarioDiagnostics::neverCrashes_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::newRow("binary") << QByteArray("\xff\xfe\x00\x01\x80 : : [ { ", 15);
    QTest::newRow("everything null") << QByteArray("schema:\npolicy:\nworkload:\ntiers:\nevents:\n");
    QTest::newRow("everything a list") << QByteArray("schema: []\npolicy: []\nworkload: []\ntiers: []\nevents: [[]]\n");
    QTest::newRow("everything a mapping") << kPolicyHead + "seed: {}\nrequests: {}\nworkload: { rate: {}, keys: {}, zipf: {}, read_ratio: {}, object_size: { min: {}, max: [] }, namespaces: { product: {} } }\n"
                                                           "tiers: { edge_cache: { enabled: {}, capacity: { entries: {} }, eviction: {}, latency: { p50: {}, p99: [] }, failure_rate: {} } }\n"
                                                           "events: [ { at: {}, action: {} }, { at: 1s, action: purge, key: {}, namespace: [], all: {} } ]\n";
    QTest::newRow("policy pointing at itself") << QByteArray("schema: 1\npolicy: s.yaml\nduration: 1m\nworkload: {}\n");
    QTest::newRow("policy pointing at a trace") << QByteArray("schema: 1\npolicy: trace.csv\nduration: 1m\nworkload: {}\n");
    QTest::newRow("many events") << [] {
        QByteArray yaml = kHead + "events:\n";
        for (int i = 0; i < 3000; ++i)
            yaml.append("  - { at: ").append(QByteArray::number(3000 - i)).append("ms, action: bump, namespace: product }\n");
        return yaml;
    }();
}

void TestScenarioDiagnostics::neverCrashes()
{
    QFETCH(QByteArray, yaml);
    const Loaded<Scenario> loaded =
        parseScenarioYaml(std::string(yaml.constData(), std::size_t(yaml.size())), "s.yaml", kDir);
    QCOMPARE(loaded.ok(), !loaded.diagnostics.hasErrors());
    for (const Diagnostic& d : loaded.diagnostics.items()) {
        QVERIFY(d.line >= 1);
        QVERIFY(d.column >= 1);
        QVERIFY(!d.message.empty());
    }
    if (loaded.ok()) {
        for (std::size_t i = 1; i < loaded.value->events.size(); ++i)
            QVERIFY(loaded.value->events[i - 1].at <= loaded.value->events[i].at);
    }
}

QTEST_APPLESS_MAIN(TestScenarioDiagnostics)
#include "tst_scenariodiagnostics.moc"
