#pragma once

// What every fallbackctl command shares: the exit codes of SPEC §5
// (contract) and how usage errors are reported.

#include <string>

namespace fallbackctl {

constexpr int kOk = 0;
constexpr int kFailed = 1;      ///< invalid input or failed operation
constexpr int kUsage = 2;       ///< usage error
constexpr int kUnreachable = 3; ///< could not reach the deployment

/// The whole `fallbackctl --help` text.
extern const char* const kUsageText;

/// Prints `fallbackctl: MESSAGE` and the usage text on stderr; returns kUsage.
int usageError(const std::string& message);

/// Prints `fallbackctl: MESSAGE` on stderr; returns `code`.
int fail(int code, const std::string& message);

} // namespace fallbackctl
