#pragma once

// The Cache-Control directives of an origin's answer that bind a shared
// cache (RFC 9111 §5.2.2), and where a namespace's policy does what they
// forbid. A node is a shared cache: its policy serves stale copies and keeps
// copies in its tiers whatever the origin says, so it warns instead
// (SPEC §8: s-maxage disables stale serving in shared caches).

#include "policy/policy.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fallback {

enum class CacheDirective : std::uint8_t {
    SMaxage,         ///< no stale copy from a shared cache (§5.2.2.10)
    ProxyRevalidate, ///< the same (§5.2.2.8)
    MustRevalidate,  ///< no stale copy from any cache (§5.2.2.2)
    NoCache,         ///< no reuse without asking the origin (§5.2.2.4)
    NoStore,         ///< not stored at all (§5.2.2.5)
    Private,         ///< not stored by a shared cache (§5.2.2.7)
};
inline constexpr std::size_t kCacheDirectiveCount = 6;

/// A set of CacheDirective, one bit each.
using CacheDirectives = std::uint8_t;
constexpr CacheDirectives directiveBit(CacheDirective directive)
{
    return static_cast<CacheDirectives>(1u << static_cast<unsigned>(directive));
}

/// The directive as it is spelled in a header (`s-maxage`, ...).
std::string_view cacheDirectiveName(CacheDirective directive);
/// The names of the directives in a set, in the enum's order.
std::vector<std::string_view> cacheDirectiveNames(CacheDirectives directives);

/// The binding directives named in a Cache-Control value (several header
/// lines joined with commas). Names are case-insensitive; quoted arguments
/// may hold commas. `private` and `no-cache` with a list of fields
/// (`private="Set-Cookie"`) bind only those fields, and `s-maxage` without
/// its number is malformed: none of them counts. Anything unparsable is
/// skipped, never an error: the header comes from someone else's server.
CacheDirectives bindingDirectives(std::string_view value);

/// What `policy` makes a node do that `directives` forbid, as one clause per
/// conflict joined with "; " (e.g. "s-maxage forbids a shared cache to serve
/// stale copies, but this node serves them for up to 1m
/// (stale_while_revalidate)"), or "" when nothing conflicts.
/// `lastResort`: the node has a client cache, which serves its last copy
/// whatever its age when the origin fails.
std::string cacheControlConflict(CacheDirectives directives, const NamespacePolicy& policy,
                                 bool lastResort);

} // namespace fallback
