#pragma once

// Request-target parsing for the node's routes: path and query apart,
// percent-decoding that refuses bad escapes instead of guessing.

#include <optional>
#include <string>
#include <string_view>

namespace fallback::node {

/// A request target split at the first `?`. Views into the target.
struct TargetParts {
    std::string_view path;
    std::string_view query; ///< without the `?`; empty when absent
};
TargetParts splitTarget(std::string_view target);

/// Decodes `%XX` escapes (any byte, `%2F` included). `+` stays `+` (it is a
/// space only in form bodies). Nullopt when a `%` is not followed by two hex
/// digits. The result may contain any byte: callers validate it.
std::optional<std::string> percentDecode(std::string_view text);

/// The value of `name` in a query string `a=1&b=2`, decoded; nullopt when
/// absent or badly encoded.
std::optional<std::string> queryValue(std::string_view query, std::string_view name);

} // namespace fallback::node
