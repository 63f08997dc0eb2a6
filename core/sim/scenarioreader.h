#pragma once

// Internal to fallback_core: the scenario loader's reading steps, split over
// scenarioloader.cpp (policy, workload, top level) and scenarioreader.cpp
// (tiers, events). Includes yaml-cpp, so no public header may include it.

#include "policy/yamlsupport.h"
#include "sim/scenario.h"

#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace fallback {

constexpr double kUnboundedNumber = std::numeric_limits<double>::infinity();

/// A field renamed for messages, so that `min` reads as `object_size.min`.
YamlField renamedField(const YamlField& field, std::string name);
/// `message` plus " (did you mean 'x'?)" when `word` is a near miss of one of `words`.
std::string withGuess(std::string message, std::string_view word, std::span<const std::string_view> words);

/// Reads the parts of one scenario, reporting every problem to `checker`.
struct ScenarioReader {
    YamlChecker& checker;
    const Policy* policy = nullptr;         ///< null when the policy failed: namespace checks are skipped
    std::string baseDir;                    ///< resolves relative `policy:` and `trace:` paths
    std::optional<Micros> runDuration = {}; ///< to flag events that never happen

    /// A namespace named in the scenario: valid, and declared by the policy.
    std::optional<std::string> knownNamespace(const YamlField& field, const std::string& name);
    /// The resolved path of a readable file named by `field`.
    std::optional<std::string> existingFile(const YamlField& field, std::string_view what);
    void readPolicy(const YamlField& field, Scenario& scenario, bool& policyOk);
    void readObjectSize(const YamlField& field, SizeRange& range);
    void readWeights(const YamlField& field, SyntheticWorkload& workload);
    void readSynthetic(const YamlMap& map, SyntheticWorkload& w);
    void readWorkload(const YamlField& field, Scenario& scenario);
    void readLatency(const YamlField& field, LatencySpec& latency);
    void readCapacity(const YamlField& field, Capacity& capacity);
    void readTier(const YamlField& field, TierId tier, TierSpec& spec);
    void readTiers(const YamlField& field, Scenario& scenario);
    /// Events sorted by `at` (stable); an event with an error is left out.
    void readEvents(const YamlField& field, Scenario& scenario);
    std::optional<ScenarioEvent> readEvent(const YAML::Node& node, const YAML::Mark& fallbackMark);
};

} // namespace fallback
