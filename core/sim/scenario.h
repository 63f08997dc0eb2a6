#pragma once

#include "engine/types.h"
#include "policy/policy.h"

#include <array>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace fallback {

/// Latency of a simulated tier as its 50th and 99th percentiles; a
/// log-normal is fitted to them (equal values mean a constant).
struct LatencySpec {
    Micros p50 = 0;
    Micros p99 = 0;
    bool operator==(const LatencySpec&) const = default;
};

enum class EvictionKind : std::uint8_t { Lru, Sieve };
std::string_view evictionName(EvictionKind kind); ///< "lru" / "sieve"
std::optional<EvictionKind> parseEviction(std::string_view text);

/// A tier's capacity: at most `entries` entries and at most `bytes` bytes;
/// 0 means unbounded on that axis.
struct Capacity {
    std::uint64_t entries = 0;
    std::uint64_t bytes = 0;
    bool unbounded() const { return entries == 0 && bytes == 0; }
    bool operator==(const Capacity&) const = default;
};

struct TierSpec {
    bool enabled = true;
    Capacity capacity;
    EvictionKind eviction = EvictionKind::Lru;
    LatencySpec latency;
    double failureRate = 0.0; ///< probability in [0, 1] that one call fails
    bool operator==(const TierSpec&) const = default;
};

struct SizeRange {
    std::uint64_t min = 1024;
    std::uint64_t max = 1024;
    bool operator==(const SizeRange&) const = default;
};

/// A synthetic workload: Poisson arrivals at `rate`, resource ids drawn from
/// a Zipf(`zipf`) law over `keys` ids per namespace, namespaces by weight.
struct SyntheticWorkload {
    double rate = 1000.0;    ///< requests per second
    std::uint64_t keys = 1000;
    double zipf = 0.9;       ///< exponent; 0 is uniform
    double readRatio = 1.0;  ///< share of reads; the rest are writes
    SizeRange objectSize;
    std::vector<std::pair<std::string, double>> namespaces; ///< name, weight (normalised)
    bool operator==(const SyntheticWorkload&) const = default;
};

enum class EventAction : std::uint8_t { Down, Up, Slow, Flaky, Purge, Bump };
std::string_view eventActionName(EventAction action);

/// A scheduled event (SPEC §4). Which fields matter depends on the action.
struct ScenarioEvent {
    Micros at = 0;
    EventAction action = EventAction::Down;
    std::optional<TierId> tier; ///< down / up / slow / flaky
    Micros duration = 0;        ///< `for`: 0 = until an `up` (down) or for ever
    double factor = 10.0;       ///< slow: latency multiplier
    double failureRate = 0.2;   ///< flaky: failure probability while it lasts
    std::string ns;             ///< purge / bump: namespace
    std::string key;            ///< purge: resource address `ns:id`
    bool all = false;           ///< purge: everything
    int line = 0;               ///< where it was declared, for messages
    bool operator==(const ScenarioEvent&) const = default;
};

/// A local test mode run (SPEC §4). Paths are resolved relative to the
/// scenario file's folder.
struct Scenario {
    int schema = 1;
    Policy policy;
    std::string policyPath;          ///< resolved path, or "" for an inline policy
    std::uint64_t seed = 1;
    std::optional<Micros> duration;  ///< virtual time to run
    std::optional<std::uint64_t> requests;
    std::optional<SyntheticWorkload> synthetic;
    std::string tracePath;           ///< resolved path when the workload is a trace
    std::array<TierSpec, kTierCount> tiers;
    std::vector<ScenarioEvent> events; ///< sorted by `at`
    std::string sourcePath;          ///< the scenario file, as given
    bool operator==(const Scenario&) const = default;
};

} // namespace fallback
