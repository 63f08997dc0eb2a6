#pragma once

// Resolving a deployment's admin token from where its profile says it lives
// (SPEC §4: env:, file: or keychain:). Core is Qt-free: keychain entries are
// resolved by the console (QtKeychain), not here.

#include "live/profiles.h"
#include "util/result.h"

#include <string>

namespace fallback::live {

/// The token `source` points at. Any thread; reads the environment or one
/// small file, nothing else.
/// - env:NAME — the variable's value; an error naming the variable (never a
///   value) when it is unset or empty.
/// - file:PATH — the file's first line, surrounding whitespace trimmed
///   (`~/` is the home directory); an error when it cannot be read or the
///   line is empty. A file that other users may read still works, but
///   `warning` (when given) is set to a sentence saying so.
/// - keychain:ENTRY — error code "keychain": only fallback-console reads the
///   OS keychain.
/// - none — error code "no_token".
/// Error codes: "token_env", "token_file", "keychain", "no_token". Messages
/// never contain the token.
Result<std::string> resolveToken(const TokenSource& source, std::string* warning = nullptr);

/// The same as resolveToken({File, path}): for `--token-file`.
Result<std::string> readTokenFile(const std::string& path, std::string* warning = nullptr);

/// `env:NAME`, `file:PATH`, `keychain:ENTRY` or "": live/profiles.h.
using fallback::describeTokenSource;

} // namespace fallback::live
