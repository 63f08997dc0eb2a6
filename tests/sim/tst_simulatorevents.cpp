// Tests of Simulator's scenario events and faults: the origin down serving
// stale copies inside the window only, overlapping faults keeping the later
// end (and a fault set by hand surviving it), a purge making an origin spike
// that calms down, and a bump incrementing the namespace's version.
// Determinism, workloads and traces are in tst_simulator.cpp.
#include "simulatorrig.h"

#include <QtTest>

#include <mutex>

using namespace fallback;
using namespace simtest;

namespace {

const SeriesPoint* pointAt(const EngineStats& stats, std::int64_t second)
{
    for (const SeriesPoint& point : stats.series) {
        if (point.second == second)
            return &point;
    }
    return nullptr;
}

} // namespace

class TestSimulatorEvents : public QObject {
    Q_OBJECT

private slots:
    void originDownServesStale();
    void overlappingFaultsKeepTheLaterEnd();
    void purgeMakesAnOriginSpike();
    void bumpIncrementsTheVersion();
};

void TestSimulatorEvents::originDownServesStale()
{
    Scenario scenario = stackScenario();
    ScenarioEvent down = scenarioEvent(sec(20), EventAction::Down);
    down.tier = TierId::Origin;
    down.duration = sec(20);
    scenario.events.push_back(down);
    Simulator simulator(scenario);
    const EngineStats stats = runToEnd(simulator);
    const RequestCounters& c = stats.requests;

    QVERIFY(c.staleServed > 0);
    // Only keys never fetched before the outage fail: everything else has a
    // stale copy on the way or in the client cache.
    QVERIFY(c.failed > 0);
    QVERIFY2(c.failed * 4 < c.staleServed,
             qPrintable(QStringLiteral("failed %1, stale %2").arg(c.failed).arg(c.staleServed)));
    QVERIFY2(c.failed * 20 < c.requests,
             qPrintable(QStringLiteral("failed %1 of %2").arg(c.failed).arg(c.requests)));

    const int origin = tierIndex(TierId::Origin);
    for (const SeriesPoint& point : stats.series) {
        const TierCounters& o = point.tiers[origin];
        if (point.second < 20 || point.second >= 41) {
            // The origin never fails outside the window.
            QCOMPARE(o.errors, 0u);
            QCOMPARE(point.requests.failed, 0u);
        } else if (point.second >= 21 && point.second < 40) {
            // Inside it, every origin call fails and nobody is served by it.
            QCOMPARE(o.errors, o.lookups);
            QCOMPARE(point.requests.servedBy[int(ServedBy::Origin)], 0u);
            QVERIFY(point.requests.staleServed > 0);
        }
    }
    // The stale serves happen in the window, not before it.
    QCOMPARE(pointAt(stats, 10)->requests.failed, 0u);
}

void TestSimulatorEvents::overlappingFaultsKeepTheLaterEnd()
{
    // "down for 10 s" at 5 s, then "down for 60 s" at 10 s: the first end
    // (at 15 s) must not bring the tier back up while the second lasts.
    Scenario scenario = stackScenario();
    ScenarioEvent first = scenarioEvent(sec(5), EventAction::Down);
    first.tier = TierId::Origin;
    first.duration = sec(10);
    ScenarioEvent second = scenarioEvent(sec(10), EventAction::Down);
    second.tier = TierId::Origin;
    second.duration = sec(60);
    scenario.events = {first, second};
    Simulator simulator(scenario);
    QVERIFY(simulator.runUntil(sec(20)));
    QVERIFY(simulator.behaviour(TierId::Origin)->faults().down);
    // A fault set by hand is not cleared by a scenario end either.
    FaultState slow;
    slow.slowFactor = 5;
    QVERIFY(simulator.setFaults(TierId::Origin, slow));
    QVERIFY(simulator.runUntil(sec(59)));
    QCOMPARE(simulator.behaviour(TierId::Origin)->faults().slowFactor, 5.0);
    QVERIFY(!simulator.behaviour(TierId::Origin)->faults().down);
}

void TestSimulatorEvents::purgeMakesAnOriginSpike()
{
    Scenario scenario = stackScenario();
    for (NamespacePolicy& ns : scenario.policy.namespaces)
        ns.ttl = sec(86400);
    ScenarioEvent purge = scenarioEvent(sec(30), EventAction::Purge);
    purge.all = true;
    scenario.events.push_back(purge);
    Simulator simulator(scenario);
    const EngineStats stats = runToEnd(simulator);

    QCOMPARE(stats.requests.purges, 1u);
    QVERIFY(stats.requests.purgedEntries > 500); // the edge cache was full
    const SeriesPoint* before = pointAt(stats, 29);
    const SeriesPoint* after = pointAt(stats, 30);
    QVERIFY(before && after);
    QVERIFY2(after->requests.originFetches > 3 * before->requests.originFetches,
             qPrintable(QStringLiteral("origin fetches: %1 in second 29, %2 in second 30")
                            .arg(before->requests.originFetches)
                            .arg(after->requests.originFetches)));
    QCOMPARE(after->requests.purges, 1u);
    // And it calms down again as the caches refill.
    const SeriesPoint* later = pointAt(stats, 55);
    QVERIFY(later);
    QVERIFY(later->requests.originFetches < after->requests.originFetches);
}

void TestSimulatorEvents::bumpIncrementsTheVersion()
{
    Scenario scenario = stackScenario();
    ScenarioEvent bump = scenarioEvent(sec(10), EventAction::Bump);
    bump.ns = "config";
    scenario.events.push_back(bump);
    Simulator simulator(scenario);
    QVERIFY(simulator.runUntil(sec(10) - 1).ok());
    NamespaceId config;
    {
        std::lock_guard lock(simulator.keys().mutex());
        config = *simulator.keys().findNamespace("config");
    }
    QCOMPARE(simulator.engine().snapshot().namespaces[config].version, 12u);
    const EngineStats stats = runToEnd(simulator);
    QCOMPARE(stats.namespaces[config].version, 13u);
    QCOMPARE(stats.requests.bumps, 1u);
    QCOMPARE(stats.namespaces[config].requests.bumps, 1u);
    QCOMPARE(simulator.engine().policy().find("config")->version, 13u);
    QCOMPARE(simulator.engine().policy().find("product")->version, 3u);
    QCOMPARE(simulator.engine().storedKey(config, 0).version, 13u);
}

QTEST_APPLESS_MAIN(TestSimulatorEvents)
#include "tst_simulatorevents.moc"
