#pragma once

#include "policy/diagnostic.h"
#include "sim/scenario.h"

#include <string>
#include <string_view>

namespace fallback {

/// Loads a scenario file and the policy it names (SPEC §4). Diagnostics of the
/// referenced policy file carry that file's own name. All problems in one pass.
Loaded<Scenario> loadScenarioFile(const std::string& path);
/// `baseDir` resolves relative `policy:` and `trace:` paths.
Loaded<Scenario> parseScenarioYaml(std::string_view text, const std::string& fileLabel,
                                   const std::string& baseDir);

/// The scenario as YAML; the policy is written inline when policyPath is
/// empty, else as a path relative to `baseDir`.
std::string writeScenarioYaml(const Scenario& scenario, const std::string& baseDir);

} // namespace fallback
