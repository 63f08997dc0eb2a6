#include "sim/scenarioloader.h"

#include "policy/yamlsupport.h"

namespace fallback {

namespace {

std::string latencyYaml(const LatencySpec& latency)
{
    return "{ p50: " + formatDuration(latency.p50) + ", p99: " + formatDuration(latency.p99) + " }";
}

std::string capacityYaml(const Capacity& capacity)
{
    // formatSize() always carries a unit, so a byte capacity never reads back
    // as an entry count.
    if (capacity.entries != 0 && capacity.bytes != 0)
        return "{ entries: " + std::to_string(capacity.entries) + ", bytes: " + formatSize(capacity.bytes) + " }";
    if (capacity.entries != 0)
        return std::to_string(capacity.entries);
    return formatSize(capacity.bytes);
}

std::string tierYaml(const TierSpec& tier)
{
    std::string out = "{ enabled: ";
    out += tier.enabled ? "true" : "false";
    if (!tier.capacity.unbounded())
        out += ", capacity: " + capacityYaml(tier.capacity);
    // Eviction only matters once a capacity forces one.
    if (!tier.capacity.unbounded() || tier.eviction != EvictionKind::Lru)
        out += ", eviction: " + std::string(evictionName(tier.eviction));
    out += ", latency: " + latencyYaml(tier.latency);
    out += ", failure_rate: " + formatNumber(tier.failureRate) + " }";
    return out;
}

std::string eventYaml(const ScenarioEvent& event)
{
    std::string out = "{ at: " + formatDuration(event.at) + ", action: " + std::string(eventActionName(event.action));
    if (event.tier)
        out += ", tier: " + std::string(tierName(*event.tier));
    switch (event.action) {
    case EventAction::Slow: out += ", factor: " + formatNumber(event.factor); break;
    case EventAction::Flaky: out += ", rate: " + formatNumber(event.failureRate); break;
    case EventAction::Purge:
        if (event.all)
            out += ", all: true";
        else if (!event.key.empty())
            out += ", key: " + yamlQuoted(event.key); // ids may hold any YAML syntax
        else
            out += ", namespace: " + yamlScalar(event.ns);
        break;
    case EventAction::Bump: out += ", namespace: " + yamlScalar(event.ns); break;
    case EventAction::Down:
    case EventAction::Up: break;
    }
    const bool timed = event.action == EventAction::Down || event.action == EventAction::Slow
                       || event.action == EventAction::Flaky;
    if (timed && event.duration > 0)
        out += ", for: " + formatDuration(event.duration);
    out += " }";
    return out;
}

} // namespace

std::string writeScenarioYaml(const Scenario& scenario, const std::string& baseDir)
{
    std::string out = "schema: " + std::to_string(scenario.schema) + "\n";
    if (scenario.policyPath.empty()) {
        out += "policy:\n";
        appendPolicyYaml(out, scenario.policy, 2, false);
    } else {
        out += "policy: " + yamlScalar(relativePath(scenario.policyPath, baseDir)) + "\n";
    }
    out += "seed: " + std::to_string(scenario.seed) + "\n";
    if (scenario.duration)
        out += "duration: " + formatDuration(*scenario.duration) + "\n";
    if (scenario.requests)
        out += "requests: " + std::to_string(*scenario.requests) + "\n";

    out += "workload:\n";
    if (scenario.synthetic) {
        const SyntheticWorkload& w = *scenario.synthetic;
        out += "  rate: " + formatNumber(w.rate) + "/s\n";
        out += "  keys: " + std::to_string(w.keys) + "\n";
        out += "  zipf: " + formatNumber(w.zipf) + "\n";
        out += "  read_ratio: " + formatNumber(w.readRatio) + "\n";
        out += "  object_size: { min: " + formatSize(w.objectSize.min) + ", max: " + formatSize(w.objectSize.max)
               + " }\n";
        if (!w.namespaces.empty()) {
            out += "  namespaces: {";
            const char* separator = " ";
            for (const auto& [name, weight] : w.namespaces) {
                out += separator + yamlScalar(name) + ": " + formatNumber(weight);
                separator = ", ";
            }
            out += " }\n";
        }
    } else {
        out += "  trace: " + yamlScalar(relativePath(scenario.tracePath, baseDir)) + "\n";
    }

    out += "tiers:\n";
    for (TierId tier : kAllTiers) {
        const std::string name(tierName(tier));
        out += "  " + name + ":" + std::string(13 - name.size(), ' ')
               + tierYaml(scenario.tiers[static_cast<std::size_t>(tierIndex(tier))]) + "\n";
    }
    if (!scenario.events.empty()) {
        out += "events:\n";
        for (const ScenarioEvent& event : scenario.events)
            out += "  - " + eventYaml(event) + "\n";
    }
    return out;
}

} // namespace fallback
