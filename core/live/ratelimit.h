#pragma once

// A deployment's rate limit as its answer's headers state it (SPEC §8:
// purges are rate-limited by every vendor; show limits). Qt-free. The
// headers come from someone else's server: everything here is lenient,
// never throws, and a value it cannot read is left out, not guessed.

#include "util/units.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fallback::live {

/// One header field as received: its name (any case) and its value.
using HeaderField = std::pair<std::string, std::string>;

/// What an answer said about the caller's quota. Every part is optional:
/// deployments send some of them, in one of several forms (see
/// parseRateLimit()). Counts are never negative.
struct RateLimit {
    std::optional<std::int64_t> limit;     ///< requests allowed per window
    std::optional<std::int64_t> remaining; ///< of those, left in the current window
    /// Until the quota is back, measured from the `now` given to
    /// parseRateLimit() (for an AdminClient answer: when it was read).
    /// 0 when the reset it named has already passed.
    std::optional<Micros> resetIn;
    std::optional<Micros> window; ///< the length of the window (`w=`)
    /// The policy's name in the structured form (`"default"`), printable
    /// ASCII only; "" otherwise.
    std::string policyName;

    bool operator==(const RateLimit&) const = default;
};

/// The header names parseRateLimit() reads, compared without case:
/// `RateLimit`, `RateLimit-Policy`, `RateLimit-Limit`, `RateLimit-Remaining`,
/// `RateLimit-Reset`, the same with `X-` in front, and
/// `Fastly-RateLimit-Remaining` / `Fastly-RateLimit-Reset`.
bool isRateLimitHeader(std::string_view name);

/// `line` (one raw header line, `Name: value`, line break removed) as a
/// field when it is a rate-limit header, else nullopt. For a libcurl header
/// callback: the value's surrounding spaces are trimmed.
std::optional<HeaderField> rateLimitField(std::string_view line);

/// Reads the rate limit out of `headers` (any headers; the others are
/// ignored; repeated names are joined with commas as HTTP says). `now` is
/// the Unix epoch in microseconds, to turn reset instants into delays.
///
/// Forms, newest first; the first that yields a count or a reset wins as a
/// whole (forms are never mixed):
///  1. IETF draft 08+: `RateLimit: "default";r=50;t=30` with
///     `RateLimit-Policy: "default";q=100;w=60` (Cloudflare's API). With
///     several policies, the one with the fewest requests left.
///  2. IETF draft 07: `RateLimit: limit=100, remaining=50, reset=30`, its
///     window from `RateLimit-Policy: 100;w=60`.
///  3. IETF drafts up to 06: `RateLimit-Limit` (maybe a list like
///     `100, 100;w=60`: the first number, its `w=` the window),
///     `RateLimit-Remaining`, `RateLimit-Reset`.
///  4. `Fastly-RateLimit-Remaining`, `Fastly-RateLimit-Reset` (Unix epoch
///     seconds).
///  5. `X-RateLimit-Limit`, `X-RateLimit-Remaining`, `X-RateLimit-Reset`.
/// A reset above 10^9 seconds is a Unix epoch instant (GitHub's
/// X-RateLimit-Reset), else a delay in seconds; fractions of a second are
/// read. Negative, non-numeric and overflowing values are malformed and
/// ignored, as is anything else not understood. Nullopt when nothing usable
/// was found.
std::optional<RateLimit> parseRateLimit(const std::vector<HeaderField>& headers, Micros now);

/// Resets above this many seconds are Unix epoch instants, not delays.
inline constexpr std::int64_t kEpochResetAbove = 1'000'000'000;

/// The limit in words for people: `997 of 1000 left, resets in 58 min`,
/// `42 left`, `none of 1000 left until 12 s from now`, `limit 1000 per
/// 1 min`. `noun` (plural, e.g. "purges") follows the count when given:
/// `997 of 1000 purges left`. Without `withReset`, the reset is left out
/// (for a record read later, when "in 58 min" no longer holds).
std::string describeRateLimit(const RateLimit& limit, std::string_view noun = {},
                              bool withReset = true);

/// A `Retry-After` value (RFC 9110 §10.2.3: seconds, or an HTTP date) as a
/// delay from now; -1 when it is neither. Absurdly long ones are capped far
/// beyond any wait a caller would take.
Micros parseRetryAfter(std::string_view value);

/// A fallback-node's own limit as its health answer states it (`purge_limit`:
/// `limit`, `window_seconds`, `remaining`, `full_in_seconds`; the node's
/// --purge-limit), with resetIn = until the bucket is full again (none when
/// it is full). Nullopt when the body has none or is not a JSON object.
std::optional<RateLimit> nodePurgeLimit(std::string_view healthBody);

/// `12 s`, `58 min`, `2 h 5 min`, `3 d`: a delay, rounded up, in words.
std::string waitInWords(Micros delay);

} // namespace fallback::live
