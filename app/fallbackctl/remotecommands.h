#pragma once

// fallbackctl's commands against a live deployment (SPEC §5): stats,
// policy get / apply, purge, bump, audit. Each returns the process exit code.

#include <string>
#include <vector>

namespace fallbackctl {

int statsCommand(const std::vector<std::string>& args);
/// `policy get ...` or `policy apply FILE ...`: `args` start after `policy`.
int policyCommand(const std::vector<std::string>& args);
int purgeCommand(const std::vector<std::string>& args);
int bumpCommand(const std::vector<std::string>& args);
/// The deployment's latest admin actions, whoever made them (auditcommand.cpp).
int auditCommand(const std::vector<std::string>& args);

} // namespace fallbackctl
