#pragma once

// What tst_simulator and tst_simulatorevents share: a full stack scenario at
// 500 requests/s (namespaces, tier specs), a scenario event at a time, and
// running a Simulator to its end.

#include "sim/simulator.h"

#include <QtTest>

#include <cstdint>
#include <string>
#include <utility>

namespace simtest {

using namespace fallback;

constexpr Micros ms(std::int64_t n) { return n * kMicrosPerMilli; }
constexpr Micros sec(std::int64_t n) { return n * kMicrosPerSecond; }

inline NamespacePolicy makeNamespace(std::string name, std::uint64_t version, Micros ttl)
{
    NamespacePolicy ns;
    ns.name = std::move(name);
    ns.version = version;
    ns.ttl = ttl;
    ns.staleWhileRevalidate = sec(5);
    ns.staleIfError = sec(300);
    return ns;
}

inline TierSpec tierSpec(bool enabled, std::uint64_t entries, Micros p50, Micros p99, double failureRate = 0)
{
    TierSpec spec;
    spec.enabled = enabled;
    spec.capacity.entries = entries;
    spec.eviction = EvictionKind::Lru;
    spec.latency = LatencySpec{p50, p99};
    spec.failureRate = failureRate;
    return spec;
}

/// A full stack at 500 requests/s over 2000 keys of two namespaces.
inline Scenario stackScenario()
{
    Scenario scenario;
    scenario.policy.namespaces.push_back(makeNamespace("product", 3, sec(10)));
    scenario.policy.namespaces.push_back(makeNamespace("config", 12, sec(30)));
    scenario.seed = 42;
    SyntheticWorkload workload;
    workload.rate = 500;
    workload.keys = 2000;
    workload.zipf = 0.9;
    workload.readRatio = 0.95;
    workload.objectSize = SizeRange{1024, 8192};
    workload.namespaces = {{"product", 0.7}, {"config", 0.3}};
    scenario.synthetic = workload;
    scenario.duration = sec(60);
    scenario.tiers[tierIndex(TierId::EdgeCache)] = tierSpec(true, 500, ms(2), ms(15));
    scenario.tiers[tierIndex(TierId::EdgeKv)] = tierSpec(true, 0, ms(15), ms(80), 0.01);
    scenario.tiers[tierIndex(TierId::Origin)] = tierSpec(true, 0, ms(100), ms(400));
    scenario.tiers[tierIndex(TierId::ClientCache)] = tierSpec(true, 0, ms(1), ms(5));
    return scenario;
}

inline ScenarioEvent scenarioEvent(Micros at, EventAction action)
{
    ScenarioEvent e;
    e.at = at;
    e.action = action;
    return e;
}

inline EngineStats runToEnd(Simulator& simulator)
{
    const Status status = simulator.run();
    if (!status)
        qWarning("run failed: %s", status.error().message.c_str());
    return simulator.engine().snapshot();
}

} // namespace simtest
