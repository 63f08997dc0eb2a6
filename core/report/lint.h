#pragma once

#include "policy/diagnostic.h"

#include <string>
#include <string_view>

namespace fallback {

enum class FileKind { Policy, Scenario, Profiles, Trace };
std::string_view fileKindName(FileKind kind);

/// Which format a file is in: by name first (`*.policy.yaml`,
/// `*.scenario.yaml`, `deployments.yaml`, `*.csv`), else by its top-level
/// keys (`deployments:` → profiles, `workload:` / `tiers:` → scenario,
/// otherwise policy).
FileKind detectFileKind(const std::string& path);

/// Validates one file of any kind, reporting every problem (SPEC §4).
/// A scenario's trace is linted too.
Diagnostics lintFile(const std::string& path);

} // namespace fallback
