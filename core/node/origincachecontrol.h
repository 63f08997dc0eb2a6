#pragma once

// What the origin's answers said about shared caching, per namespace: the
// binding Cache-Control directives (policy/cachecontrol.h) seen lately, so
// the node can warn where its policy does what the origin forbids.

#include "engine/types.h"
#include "policy/cachecontrol.h"
#include "util/units.h"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fallback::node {

class OriginCacheControl {
public:
    /// A sighting is remembered this long after the last answer that had it:
    /// an origin that stopped sending the directives stops the warning.
    static constexpr Micros kRemember = 10 * 60 * kMicrosPerSecond;
    /// Longer header values are cut (they come from someone else's server).
    static constexpr std::size_t kMaxHeader = 200;

    struct Sighting {
        CacheDirectives directives = 0; ///< every one seen since `first`
        std::uint64_t answers = 0;      ///< answers with any of them since `first`
        Micros first = 0;
        Micros last = 0;
        std::string header; ///< the latest value: control characters blanked, capped
    };

    /// Notes one answer for `ns` carrying `directives` (not 0) in `header`.
    /// True when the namespace had no sighting remembered: a new one.
    bool record(NamespaceId ns, CacheDirectives directives, std::string_view header, Micros now);
    /// The namespace's sighting, or null when none is remembered at `now`.
    const Sighting* find(NamespaceId ns, Micros now) const;
    /// Answers carrying each directive since the node started, per namespace
    /// id (for /metrics: they only grow).
    const std::vector<std::array<std::uint64_t, kCacheDirectiveCount>>& totals() const
    {
        return m_totals;
    }

private:
    std::vector<Sighting> m_sightings; ///< by namespace id; answers == 0: none
    std::vector<std::array<std::uint64_t, kCacheDirectiveCount>> m_totals;
};

} // namespace fallback::node
