#pragma once

#include "policy/diagnostic.h"
#include "policy/policy.h"

#include <string>
#include <string_view>

namespace fallback {

/// Loads a policy file (SPEC §4). `fileLabel` is the name diagnostics print.
/// Reports every problem in one pass; never returns half a policy.
Loaded<Policy> loadPolicyFile(const std::string& path);
Loaded<Policy> parsePolicyYaml(std::string_view text, const std::string& fileLabel);

/// The policy as YAML in the file format, readable and round-trippable:
/// parsePolicyYaml(writePolicyYaml(p)) == p.
std::string writePolicyYaml(const Policy& policy);

} // namespace fallback
