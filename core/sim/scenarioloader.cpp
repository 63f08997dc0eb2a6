#include "sim/scenarioloader.h"

#include "policy/key.h"
#include "policy/policyloader.h"
#include "policy/yamlsupport.h"
#include "sim/scenarioreader.h"
#include "util/suggest.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <unordered_map>

namespace fallback {

namespace {

constexpr std::string_view kTopKeys[] = {"schema", "policy", "seed", "duration",
                                         "requests", "workload", "tiers", "events"};
constexpr std::string_view kTopRequired[] = {"policy", "workload"};
constexpr std::string_view kSyntheticKeys[] = {"rate", "keys", "zipf", "read_ratio", "object_size",
                                               "namespaces"};
constexpr std::string_view kWorkloadKeys[] = {"trace", "rate", "keys", "zipf", "read_ratio",
                                              "object_size", "namespaces"};
constexpr std::string_view kRangeKeys[] = {"min", "max"};

/// Simulated objects above this are certainly a typo (and Entry sizes are 32-bit).
constexpr std::uint64_t kMaxObjectBytes = 1ULL << 30;
/// The Zipf sampler keeps 12 bytes per key: cap memory at about 1.2 GB.
constexpr std::uint64_t kMaxKeys = 100'000'000;

} // namespace

YamlField renamedField(const YamlField& field, std::string name)
{
    YamlField out = field;
    out.name = std::move(name);
    return out;
}

std::string withGuess(std::string message, std::string_view word, std::span<const std::string_view> words)
{
    const std::string guess = nearestMatch(word, words);
    if (!guess.empty())
        message += " (did you mean '" + guess + "'?)";
    return message;
}

std::optional<std::string> ScenarioReader::knownNamespace(const YamlField& field, const std::string& name)
{
    if (std::string problem = checkNamespaceName(name); !problem.empty()) {
        checker.error(field, std::move(problem));
        return std::nullopt;
    }
    if (policy && !policy->find(name)) {
        std::vector<std::string> names;
        for (const NamespacePolicy& ns : policy->namespaces)
            names.push_back(ns.name);
        std::string message = "namespace " + quoteForMessage(name) + " is not in the policy";
        const std::string guess = nearestMatch(name, std::span<const std::string>(names));
        if (!guess.empty())
            message += " (did you mean '" + guess + "'?)";
        checker.error(field, std::move(message));
        return std::nullopt;
    }
    return name;
}

std::optional<std::string> ScenarioReader::existingFile(const YamlField& field, std::string_view what)
{
    auto text = checker.scalar(field, "a path");
    if (!text)
        return std::nullopt;
    const std::string resolved = resolvePath(baseDir, *text);
    std::error_code ec;
    std::ifstream probe(resolved, std::ios::binary);
    if (!std::filesystem::is_regular_file(resolved, ec) || !probe) {
        const bool exists = std::filesystem::exists(resolved, ec);
        checker.error(field, "cannot read " + std::string(what) + " " + quoteForMessage(resolved) + ": "
                                 + (exists ? "not a readable file" : "no such file"));
        return std::nullopt;
    }
    return resolved;
}

void ScenarioReader::readPolicy(const YamlField& field, Scenario& scenario, bool& policyOk)
{
    policyOk = false;
    if (field.value.IsMap()) {
        if (auto p = readPolicyNode(field.value, field.key.Mark(), checker, false)) {
            scenario.policy = std::move(*p);
            policyOk = true;
        }
        return;
    }
    if (!field.value.IsScalar()) {
        checker.error(field, "policy must be the path of a policy file or an inline mapping, not "
                                 + std::string(nodeKindName(field.value)));
        return;
    }
    auto path = existingFile(field, "policy file");
    if (!path)
        return;
    // The policy file's own problems carry its own name (SPEC §4).
    Loaded<Policy> loaded = loadPolicyFile(*path);
    checker.diagnostics().append(loaded.diagnostics);
    if (loaded.value) {
        scenario.policy = std::move(*loaded.value);
        scenario.policyPath = *path;
        policyOk = true;
    }
}

void ScenarioReader::readObjectSize(const YamlField& field, SizeRange& range)
{
    if (field.value.IsScalar()) {
        if (auto v = checker.size(field, 0, kMaxObjectBytes))
            range = {*v, *v};
        return;
    }
    auto map = checker.mapping(field.value, field.key.Mark(), "object_size", "in object_size",
                               kRangeKeys, kRangeKeys);
    if (!map)
        return;
    std::optional<std::uint64_t> min, max;
    if (const YamlField* f = map->find("min"))
        min = checker.size(renamedField(*f, "object_size.min"), 0, kMaxObjectBytes);
    if (const YamlField* f = map->find("max"))
        max = checker.size(renamedField(*f, "object_size.max"), 0, kMaxObjectBytes);
    if (min && max && *min > *max)
        checker.error(*map->find("max"), "object_size.max (" + formatSize(*max)
                                             + ") must not be below object_size.min (" + formatSize(*min) + ")");
    else if (min && max)
        range = {*min, *max};
}

void ScenarioReader::readWeights(const YamlField& field, SyntheticWorkload& workload)
{
    if (!field.value.IsMap()) {
        checker.error(field, "namespaces must be a mapping of namespace to weight, not "
                                 + std::string(nodeKindName(field.value)));
        return;
    }
    std::unordered_map<std::string, int> seen;
    for (auto it = field.value.begin(); it != field.value.end(); ++it) {
        const YamlField entry{it->first.IsScalar() ? it->first.Scalar() : std::string(), it->first,
                              it->second};
        if (!entry.key.IsScalar()) {
            checker.error(entry.key.Mark(), "namespaces in the workload must be names, not "
                                                + std::string(nodeKindName(entry.key)));
            continue;
        }
        if (auto first = seen.find(entry.name); first != seen.end()) {
            checker.error(entry.key.Mark(), "duplicate namespace " + quoteForMessage(entry.name)
                                                + " in the workload (first at line "
                                                + std::to_string(first->second) + ")");
            continue;
        }
        seen.emplace(entry.name, markLine(entry.key.Mark()));
        const YamlField keyField{entry.name, entry.key, entry.key};
        auto ns = knownNamespace(keyField, entry.name);
        auto weight = checker.number(renamedField(entry, "weight of '" + entry.name + "'"), 0.0, kUnboundedNumber, true);
        if (ns && weight)
            workload.namespaces.emplace_back(*ns, *weight);
    }
    if (field.value.size() == 0)
        checker.error(field, "namespaces is empty: give at least one namespace with its weight");
}

void ScenarioReader::readSynthetic(const YamlMap& map, SyntheticWorkload& w)
{
    if (const YamlField* f = map.find("rate"))
        if (auto v = checker.rate(*f))
            w.rate = *v;
    if (const YamlField* f = map.find("keys"))
        if (auto v = checker.integer(*f, 1, kMaxKeys))
            w.keys = *v;
    if (const YamlField* f = map.find("zipf"))
        if (auto v = checker.number(*f, 0.0, kUnboundedNumber))
            w.zipf = *v;
    if (const YamlField* f = map.find("read_ratio"))
        if (auto v = checker.number(*f, 0.0, 1.0))
            w.readRatio = *v;
    if (const YamlField* f = map.find("object_size"))
        readObjectSize(*f, w.objectSize);
    if (const YamlField* f = map.find("namespaces")) {
        readWeights(*f, w);
    } else if (policy) {
        // No weights given: every namespace of the policy, evenly.
        for (const NamespacePolicy& ns : policy->namespaces)
            w.namespaces.emplace_back(ns.name, 1.0 / static_cast<double>(policy->namespaces.size()));
        if (policy->namespaces.empty())
            checker.error(map.mark, "the workload has no namespace to read: the policy declares none");
    }
    double total = 0.0;
    for (const auto& entry : w.namespaces)
        total += entry.second;
    // Already normalised weights are kept as they are, so that a written
    // scenario reads back to exactly the same values.
    if (total > 0 && std::abs(total - 1.0) > 1e-9) {
        for (auto& entry : w.namespaces)
            entry.second /= total;
    }
}

void ScenarioReader::readWorkload(const YamlField& field, Scenario& scenario)
{
    auto map = checker.mapping(field.value, field.key.Mark(), "workload", "in workload", kWorkloadKeys);
    if (!map)
        return;
    if (const YamlField* trace = map->find("trace")) {
        for (std::string_view key : kSyntheticKeys) {
            if (const YamlField* f = map->find(key))
                checker.error(f->key.Mark(), "'" + std::string(key)
                                                 + "' does not apply to a trace workload: remove it or 'trace'");
        }
        if (auto path = existingFile(*trace, "trace"))
            scenario.tracePath = *path;
        return;
    }
    SyntheticWorkload workload;
    readSynthetic(*map, workload);
    scenario.synthetic = std::move(workload);
}

namespace {

Scenario readScenario(const YAML::Node& root, YamlChecker& checker, const std::string& baseDir)
{
    Scenario scenario;
    auto map = checker.mapping(root, root.Mark(), "the scenario", "at the top level", kTopKeys, kTopRequired);
    if (!map)
        return scenario;
    checker.checkSchema(*map, true);

    bool policyOk = false;
    ScenarioReader reader{checker, nullptr, baseDir};
    if (const YamlField* f = map->find("policy"))
        reader.readPolicy(*f, scenario, policyOk);
    reader.policy = policyOk ? &scenario.policy : nullptr;

    if (const YamlField* f = map->find("seed"))
        if (auto v = checker.integer(*f))
            scenario.seed = *v;
    const YamlField* durationField = map->find("duration");
    if (durationField)
        scenario.duration = checker.duration(*durationField, 1);
    if (const YamlField* f = map->find("requests"))
        scenario.requests = checker.integer(*f, 1);
    if (const YamlField* f = map->find("workload"))
        reader.readWorkload(*f, scenario);
    // A trace ends by itself; a synthetic workload needs to be told when.
    if (scenario.synthetic && !durationField && !map->find("requests"))
        checker.error(map->mark, "a synthetic workload needs 'duration' or 'requests' to know when to stop");
    if (const YamlField* f = map->find("tiers"))
        reader.readTiers(*f, scenario);
    reader.runDuration = scenario.duration;
    if (const YamlField* f = map->find("events"))
        reader.readEvents(*f, scenario);

    return scenario;
}

} // namespace

Loaded<Scenario> parseScenarioYaml(std::string_view text, const std::string& fileLabel,
                                   const std::string& baseDir)
{
    Loaded<Scenario> loaded;
    YamlChecker checker(fileLabel, loaded.diagnostics);
    std::optional<Scenario> scenario;
    try {
        if (auto root = checker.parseDocument(text, "scenario"))
            scenario = readScenario(*root, checker, baseDir);
    } catch (const std::exception& e) {
        checker.error(YAML::Mark::null_mark(), std::string("could not read the scenario: ") + e.what());
    }
    if (scenario && !loaded.diagnostics.hasErrors()) {
        scenario->sourcePath = fileLabel;
        loaded.value = std::move(scenario);
    }
    return loaded;
}

Loaded<Scenario> loadScenarioFile(const std::string& path)
{
    std::string why;
    auto text = readTextFile(path, &why);
    if (!text) {
        Loaded<Scenario> loaded;
        loaded.diagnostics.error(path, 1, 1, "cannot read the scenario file: " + why);
        return loaded;
    }
    return parseScenarioYaml(*text, path, std::filesystem::path(path).parent_path().string());
}

} // namespace fallback
