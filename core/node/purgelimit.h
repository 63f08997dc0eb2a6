#pragma once

// An optional limit on the node's invalidations (`--purge-limit N/WINDOW`):
// purges and bumps each send the origin a wave of misses, so a script that
// purges in a loop can hurt it as a burst of traffic does. Like the CDNs'
// purge APIs (SPEC §8: token buckets), the node then answers 429 with
// `Retry-After`, and every invalidation's answer states the limit in the
// IETF RateLimit headers (draft 08+, as Cloudflare sends them), which the
// console and fallbackctl show.

#include "node/httpmessage.h"
#include "util/units.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fallback::node {

struct PurgeLimitSpec {
    std::uint32_t count = 0; ///< invalidations per window; 0: no limit
    Micros window = 0;       ///< whole seconds
    bool enabled() const { return count > 0; }
    /// `60 per 1m`.
    std::string text() const;
};

/// `N/DURATION`, e.g. `60/1m` or `1000/1h`: N from 1 to 1 000 000, the
/// duration whole seconds from 1 s to 1 d. Nullopt for anything else.
std::optional<PurgeLimitSpec> parsePurgeLimit(std::string_view text);

/// A token bucket of `count` tokens, refilled at count per window, full at
/// the start. Engine thread only.
class PurgeLimiter {
public:
    PurgeLimiter(PurgeLimitSpec spec, Micros now);

    struct Verdict {
        bool allowed = false;
        std::int64_t remaining = 0; ///< whole tokens left after this one
        Micros fullIn = 0;          ///< until the bucket is full again
        Micros retryAfter = 0;      ///< refused: until one token is back

        /// fullIn in whole seconds, rounded up.
        std::int64_t fullInSeconds() const;
        /// retryAfter in whole seconds, rounded up, at least 1 (Retry-After).
        std::int64_t retryAfterSeconds() const;
    };
    /// Takes a token when there is one.
    Verdict take(Micros now);
    /// What take() would find at `now`, taking nothing (health).
    Verdict state(Micros now) const;
    /// `RateLimit-Policy` and `RateLimit` on an invalidation's answer, and
    /// `Retry-After` on a refusal.
    void addHeaders(HttpResponse& response, const Verdict& verdict) const;
    const PurgeLimitSpec& spec() const { return m_spec; }

private:
    void refill(Micros now);
    double tokensAt(Micros now) const;
    /// What `tokens` left (after any taken) say; retryAfter when not `allowed`.
    Verdict verdictFor(double tokens, bool allowed) const;
    PurgeLimitSpec m_spec;
    double m_tokens;
    Micros m_at;
};

} // namespace fallback::node
