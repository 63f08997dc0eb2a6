#pragma once

#include "policy/diagnostic.h"
#include "util/units.h"

#include <string>
#include <string_view>
#include <vector>

namespace fallback {

/// Where a deployment's admin token comes from; the YAML never holds it.
struct TokenSource {
    enum class Kind { None, Env, File, Keychain } kind = Kind::None;
    std::string ref; ///< variable name, file path or keychain entry
    bool operator==(const TokenSource&) const = default;
};

/// One entry of `deployments.yaml` (SPEC §4).
struct DeploymentProfile {
    std::string name;
    std::string kind = "fallback-node";
    std::string url;
    TokenSource token;
    std::string environment = "staging"; ///< `production` profiles start read-only
    Micros pollInterval = 2 * kMicrosPerSecond;

    bool isProduction() const { return environment == "production"; }
    bool operator==(const DeploymentProfile&) const = default;
};

/// `env:NAME`, `file:PATH`, `keychain:ENTRY` or "" — the reference, as a
/// profile writes it (never a secret).
std::string describeTokenSource(const TokenSource& source);

Loaded<std::vector<DeploymentProfile>> loadProfilesFile(const std::string& path);
Loaded<std::vector<DeploymentProfile>> parseProfilesYaml(std::string_view text,
                                                         const std::string& fileLabel);
/// The profiles as YAML; token sources are references, never secrets.
std::string writeProfilesYaml(const std::vector<DeploymentProfile>& profiles);

} // namespace fallback
