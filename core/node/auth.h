#pragma once

// The admin bearer token (SPEC §6): checking it without leaking timing, and
// obtaining it from a file or generating one. The token is never logged or
// put in an error message.

#include "util/result.h"

#include <string>
#include <string_view>

namespace fallback::node {

/// True when `presented` equals `expected`. Takes the same time for every
/// presented token of a given length whatever its content: the whole token
/// is compared, never stopping at the first difference.
bool tokenMatches(std::string_view expected, std::string_view presented);

/// The token of an `Authorization: Bearer TOKEN` header value; empty when the
/// header is absent (null) or uses another scheme.
std::string_view bearerToken(const std::string* authorization);

/// 32 random bytes from the kernel (getrandom), as 64 lower-case hex digits.
/// Fails only when the kernel refuses randomness.
Result<std::string> generateToken();

/// The token in file `path`: its first line, surrounding whitespace removed.
/// Fails on a missing / unreadable / empty / oversized (> 4 KiB) file or a
/// token with control characters; the message names the path, never the token.
Result<std::string> readTokenFile(const std::string& path);

/// The token kept in `path` (a data directory's `admin.token`), or a new one
/// written there with mode 0600 when the file does not exist. `created` tells
/// which happened.
Result<std::string> loadOrCreateTokenFile(const std::string& path, bool* created);

} // namespace fallback::node
