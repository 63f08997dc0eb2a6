// Tests of scenario loading and writing (SPEC §4): the referenced or inline
// policy, synthetic and trace workloads, tiers, events, round trips and the
// writer's relative paths. Diagnostics are in tst_scenariodiagnostics.cpp.
#include "sim/scenarioloader.h"

#include "scenariofixtures.h"

#include <QtTest>

#include <string>

using namespace fallback;
using namespace scenariotest;

namespace {

constexpr Micros kMs = kMicrosPerMilli;
constexpr Micros kS = kMicrosPerSecond;
constexpr Micros kMin = 60 * kS;

const TierSpec& tier(const Scenario& scenario, TierId id)
{
    return scenario.tiers[static_cast<std::size_t>(tierIndex(id))];
}

/// Positions in the file are not part of a scenario's meaning.
Scenario withoutPositions(Scenario scenario)
{
    for (ScenarioEvent& event : scenario.events)
        event.line = 0;
    scenario.sourcePath.clear();
    return scenario;
}

} // namespace

class TestScenarioLoader : public QObject {
    Q_OBJECT

private slots:
    void loadsSpecExample();
    void loadsTraceWorkload();
    void loadsInlinePolicyAndDefaults();
    void weightsAreNormalised();
    void roundTrip_data();
    void roundTrip();
    void writerNamesPathsRelativeToTheScenario();
    void names();
    void examplesLoad();
};

void TestScenarioLoader::loadsSpecExample()
{
    const std::string path = fixture("spec.scenario.yaml");
    const Loaded<Scenario> loaded = loadScenarioFile(path);
    QCOMPARE(q(loaded.diagnostics.format()), QString());
    QVERIFY(loaded.ok());
    const Scenario& s = *loaded.value;
    QCOMPARE(s.schema, 1);
    QCOMPARE(q(s.sourcePath), q(path));
    QCOMPARE(q(s.policyPath), q(fixture("example.policy.yaml")));
    QCOMPARE(s.policy.namespaces.size(), std::size_t(2));
    QCOMPARE(s.seed, std::uint64_t(42));
    QCOMPARE(s.duration, std::optional<Micros>(10 * kMin));
    QVERIFY(!s.requests);
    QVERIFY(s.tracePath.empty());

    QVERIFY(s.synthetic);
    const SyntheticWorkload& w = *s.synthetic;
    QCOMPARE(w.rate, 2000.0);
    QCOMPARE(w.keys, std::uint64_t(20000));
    QCOMPARE(w.zipf, 0.9);
    QCOMPARE(w.readRatio, 0.95);
    QCOMPARE(w.objectSize.min, std::uint64_t(1024));
    QCOMPARE(w.objectSize.max, std::uint64_t(64 * 1024));
    QCOMPARE(w.namespaces.size(), std::size_t(2));
    QCOMPARE(q(w.namespaces[0].first), QStringLiteral("product"));
    QCOMPARE(w.namespaces[0].second, 0.7);
    QCOMPARE(q(w.namespaces[1].first), QStringLiteral("config"));
    QCOMPARE(w.namespaces[1].second, 0.3);

    const TierSpec& edge = tier(s, TierId::EdgeCache);
    QVERIFY(edge.enabled);
    QCOMPARE(edge.capacity.entries, std::uint64_t(10000));
    QCOMPARE(edge.capacity.bytes, std::uint64_t(0));
    QCOMPARE(edge.eviction, EvictionKind::Lru);
    QCOMPARE(edge.latency.p50, 2 * kMs);
    QCOMPARE(edge.latency.p99, 15 * kMs);
    QCOMPARE(tier(s, TierId::EdgeKv).failureRate, 0.001);
    QVERIFY(tier(s, TierId::EdgeKv).capacity.unbounded());
    QCOMPARE(tier(s, TierId::Origin).latency.p99, 600 * kMs);
    QCOMPARE(tier(s, TierId::ClientCache).latency.p50, 1 * kMs);
    QCOMPARE(tier(s, TierId::ClientCache).failureRate, 0.0);

    QCOMPARE(s.events.size(), std::size_t(3));
    QCOMPARE(s.events[0].at, 2 * kMin);
    QCOMPARE(s.events[0].action, EventAction::Down);
    QCOMPARE(s.events[0].tier, std::optional<TierId>(TierId::Origin));
    QCOMPARE(s.events[0].duration, 1 * kMin);
    QCOMPARE(s.events[0].line, 18);
    QCOMPARE(s.events[1].action, EventAction::Purge);
    QCOMPARE(q(s.events[1].ns), QStringLiteral("product"));
    QCOMPARE(s.events[2].action, EventAction::Bump);
    QCOMPARE(q(s.events[2].ns), QStringLiteral("config"));
}

void TestScenarioLoader::loadsTraceWorkload()
{
    const Loaded<Scenario> loaded = loadScenarioFile(fixture("trace.scenario.yaml"));
    QCOMPARE(q(loaded.diagnostics.format()), QString());
    QVERIFY(loaded.ok());
    QVERIFY(!loaded.value->synthetic);
    QCOMPARE(q(loaded.value->tracePath), q(fixture("trace.csv")));
    QCOMPARE(loaded.value->requests, std::optional<std::uint64_t>(1000));
    QVERIFY(!loaded.value->duration);

    // A trace needs no duration: it ends by itself.
    const Loaded<Scenario> open = parseScenarioYaml("schema: 1\npolicy: example.policy.yaml\nworkload: { trace: trace.csv }\n",
                                                    "t.yaml", kDir);
    QCOMPARE(q(open.diagnostics.format()), QString());
    QVERIFY(open.ok());
}

void TestScenarioLoader::loadsInlinePolicyAndDefaults()
{
    const Loaded<Scenario> loaded = loadScenarioFile(fixture("inline.scenario.yaml"));
    QCOMPARE(q(loaded.diagnostics.format()), QString());
    QVERIFY(loaded.ok());
    const Scenario& s = *loaded.value;
    QVERIFY(s.policyPath.empty());
    QCOMPARE(s.policy.defaults.ttl, 30 * kS);
    QCOMPARE(s.policy.find("cart")->staleIfError, 10 * kMin);
    QCOMPARE(s.policy.find("search")->writeMode, WriteMode::AsyncBackfill);
    QCOMPARE(s.requests, std::optional<std::uint64_t>(50000));

    // Weights default to every namespace of the policy, evenly.
    QCOMPARE(s.synthetic->namespaces.size(), std::size_t(2));
    QCOMPARE(s.synthetic->namespaces[0].second, 0.5);
    QCOMPARE(s.synthetic->objectSize.min, std::uint64_t(4096));
    QCOMPARE(s.synthetic->objectSize.max, std::uint64_t(4096));
    QCOMPARE(s.synthetic->zipf, 0.0);

    const TierSpec& edge = tier(s, TierId::EdgeCache);
    QCOMPARE(edge.capacity.bytes, std::uint64_t(64) * 1024 * 1024);
    QCOMPARE(edge.capacity.entries, std::uint64_t(0));
    QCOMPARE(edge.eviction, EvictionKind::Sieve);
    QCOMPARE(edge.latency.p50, 1 * kMs);
    QCOMPARE(edge.latency.p99, 1 * kMs);
    QVERIFY(!tier(s, TierId::EdgeKv).enabled);
    QCOMPARE(tier(s, TierId::Origin).latency.p99, 50 * kMs); // p50 alone is a constant
    QCOMPARE(tier(s, TierId::Origin).failureRate, 0.01);
    QVERIFY(tier(s, TierId::ClientCache) == TierSpec{}); // absent: enabled, instant, unbounded

    // Sorted by `at`, stable for equal times (declaration order kept).
    QCOMPARE(s.events.size(), std::size_t(6));
    const EventAction order[] = {EventAction::Flaky, EventAction::Purge, EventAction::Purge,
                                 EventAction::Down,  EventAction::Up,    EventAction::Slow};
    for (std::size_t i = 0; i < s.events.size(); ++i)
        QCOMPARE(s.events[i].action, order[i]);
    QCOMPARE(s.events[0].failureRate, 0.5);
    QCOMPARE(s.events[0].duration, 5 * kS);
    QCOMPARE(q(s.events[1].key), QStringLiteral("cart:user:42"));
    QVERIFY(s.events[2].all);
    QCOMPARE(s.events[3].duration, Micros(0)); // down until `up`
    QCOMPARE(s.events[5].factor, 4.0);
}

void TestScenarioLoader::weightsAreNormalised()
{
    // Weights are relative: the loader scales them to sum to 1 (scenario.h),
    // whether they sum to more or to less.
    const Loaded<Scenario> more = parseScenarioYaml(
        QByteArray(kPolicyHead + "workload: { rate: 1/s, namespaces: { product: 1, config: 3 } }\n").toStdString(), "s.yaml", kDir);
    QVERIFY2(more.ok(), more.diagnostics.format().c_str());
    QCOMPARE(more.value->synthetic->namespaces[0].second, 0.25);
    QCOMPARE(more.value->synthetic->namespaces[1].second, 0.75);
    const Loaded<Scenario> less = parseScenarioYaml(
        QByteArray(kPolicyHead + "workload: { rate: 1/s, namespaces: { product: 0.125, config: 0.375 } }\n").toStdString(), "s.yaml", kDir);
    QVERIFY2(less.ok(), less.diagnostics.format().c_str());
    QCOMPARE(less.value->synthetic->namespaces[0].second, 0.25);
    QCOMPARE(less.value->synthetic->namespaces[1].second, 0.75);
}

void TestScenarioLoader::roundTrip_data()
{
    QTest::addColumn<QString>("file");
    QTest::newRow("spec example") << QStringLiteral("spec.scenario.yaml");
    QTest::newRow("trace") << QStringLiteral("trace.scenario.yaml");
    QTest::newRow("inline policy") << QStringLiteral("inline.scenario.yaml");
}

void TestScenarioLoader::roundTrip()
{
    QFETCH(QString, file);
    const Loaded<Scenario> loaded = loadScenarioFile(fixture(file.toStdString()));
    QVERIFY(loaded.ok());
    const std::string written = writeScenarioYaml(*loaded.value, kDir);
    const Loaded<Scenario> again = parseScenarioYaml(written, "written.yaml", kDir);
    QVERIFY2(again.ok(), (again.diagnostics.format() + written).c_str());
    QVERIFY2(withoutPositions(*again.value) == withoutPositions(*loaded.value), written.c_str());
    QCOMPARE(q(writeScenarioYaml(*again.value, kDir)), q(written));
}

void TestScenarioLoader::writerNamesPathsRelativeToTheScenario()
{
    const Loaded<Scenario> loaded = loadScenarioFile(fixture("trace.scenario.yaml"));
    QVERIFY(loaded.ok());
    const QString here = q(writeScenarioYaml(*loaded.value, kDir));
    QVERIFY(here.contains(QStringLiteral("\npolicy: example.policy.yaml\n")));
    QVERIFY(here.contains(QStringLiteral("\n  trace: trace.csv\n")));
    // Saved elsewhere, the paths still lead to the same files.
    const std::string otherDir = FALLBACK_FIXTURES_DIR "/policy";
    const std::string elsewhere = writeScenarioYaml(*loaded.value, otherDir);
    QVERIFY(q(elsewhere).contains(QStringLiteral("\npolicy: ../scenario/example.policy.yaml\n")));
    const Loaded<Scenario> again = parseScenarioYaml(elsewhere, "moved.yaml", otherDir);
    QVERIFY2(again.ok(), again.diagnostics.format().c_str());
    QCOMPARE(q(again.value->tracePath), q(loaded.value->tracePath));
    QCOMPARE(q(again.value->policyPath), q(loaded.value->policyPath));

    // Awkward resource ids are quoted so that they read back unchanged.
    Scenario scenario = *loaded.value;
    ScenarioEvent purge;
    purge.action = EventAction::Purge;
    purge.key = "product:a: b, {c} #d \"e\"";
    scenario.events.push_back(purge);
    const Loaded<Scenario> quoted = parseScenarioYaml(writeScenarioYaml(scenario, kDir), "q.yaml", kDir);
    QVERIFY2(quoted.ok(), quoted.diagnostics.format().c_str());
    QCOMPARE(q(quoted.value->events.front().key), q(purge.key));
}

void TestScenarioLoader::names()
{
    QCOMPARE(q(std::string(evictionName(EvictionKind::Lru))), QStringLiteral("lru"));
    QCOMPARE(q(std::string(evictionName(EvictionKind::Sieve))), QStringLiteral("sieve"));
    QCOMPARE(parseEviction("sieve"), std::optional<EvictionKind>(EvictionKind::Sieve));
    QVERIFY(!parseEviction("LRU"));
    const char* actions[] = {"down", "up", "slow", "flaky", "purge", "bump"};
    for (int i = 0; i < 6; ++i)
        QCOMPARE(q(std::string(eventActionName(static_cast<EventAction>(i)))), QString::fromLatin1(actions[i]));
}

void TestScenarioLoader::examplesLoad()
{
    const QDir dir(QStringLiteral(FALLBACK_EXAMPLES_DIR));
    const QStringList files = dir.entryList({QStringLiteral("*.scenario.yaml")}, QDir::Files);
    if (files.isEmpty())
        QSKIP("no example scenarios bundled yet");
    for (const QString& name : files) {
        const Loaded<Scenario> loaded = loadScenarioFile(dir.filePath(name).toStdString());
        QVERIFY2(loaded.ok(), loaded.diagnostics.format().c_str());
    }
}

QTEST_APPLESS_MAIN(TestScenarioLoader)
#include "tst_scenarioloader.moc"
