#include "report/lint.h"

#include "live/profiles.h"
#include "policy/policyloader.h"
#include "sim/scenarioloader.h"
#include "sim/trace.h"

#include <fstream>

namespace fallback {

namespace {
bool endsWith(std::string_view text, std::string_view suffix)
{
    return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

std::string_view baseName(std::string_view path)
{
    const auto slash = path.find_last_of('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}
} // namespace

std::string_view fileKindName(FileKind kind)
{
    switch (kind) {
    case FileKind::Policy: return "policy";
    case FileKind::Scenario: return "scenario";
    case FileKind::Profiles: return "deployment profiles";
    case FileKind::Trace: return "trace";
    }
    return "file";
}

FileKind detectFileKind(const std::string& path)
{
    const std::string_view name = baseName(path);
    if (endsWith(name, ".csv"))
        return FileKind::Trace;
    if (endsWith(name, ".scenario.yaml") || endsWith(name, ".scenario.yml"))
        return FileKind::Scenario;
    if (endsWith(name, ".policy.yaml") || endsWith(name, ".policy.yml"))
        return FileKind::Policy;
    if (name.starts_with("deployments") || name.starts_with("profiles"))
        return FileKind::Profiles;
    // Sniff the top-level keys: a cheap scan, the loader does the real parse.
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        if (line.starts_with("deployments:"))
            return FileKind::Profiles;
        if (line.starts_with("workload:") || line.starts_with("tiers:") ||
            line.starts_with("events:"))
            return FileKind::Scenario;
    }
    return FileKind::Policy;
}

Diagnostics lintFile(const std::string& path)
{
    switch (detectFileKind(path)) {
    case FileKind::Trace: return TraceReader::lint(path, path);
    case FileKind::Profiles: return loadProfilesFile(path).diagnostics;
    case FileKind::Policy: return loadPolicyFile(path).diagnostics;
    case FileKind::Scenario: {
        Loaded<Scenario> scenario = loadScenarioFile(path);
        Diagnostics diagnostics = scenario.diagnostics;
        if (scenario.value && !scenario.value->tracePath.empty())
            diagnostics.append(TraceReader::lint(scenario.value->tracePath, scenario.value->tracePath));
        return diagnostics;
    }
    }
    return {};
}

} // namespace fallback
