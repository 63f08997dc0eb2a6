// A deployment's rate-limit headers (live/ratelimit.h, SPEC §8): someone
// else's server writes them. Each input line is a raw header line; whatever
// they hold, the parse ends, keeps no negative count or delay, names its
// policy in printable ASCII only, and is the same parse when asked twice.

#include "fuzzcheck.h"
#include "live/ratelimit.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace fallback;
    using namespace fallback::live;
    std::string_view text(reinterpret_cast<const char*>(data), size);

    std::vector<HeaderField> headers;
    while (!text.empty()) {
        const std::size_t end = std::min(text.find('\n'), text.size());
        if (const auto field = rateLimitField(text.substr(0, end))) {
            fuzz::check(isRateLimitHeader(field->first), "a field of a header it does not read");
            headers.push_back(*field);
        }
        text.remove_prefix(std::min(end + 1, text.size()));
    }
    // The reset's epoch rule near a plausible "now" and at the extremes.
    for (const Micros now :
         {Micros(1'700'000'000) * kMicrosPerSecond, Micros(0), Micros(INT64_MAX)}) {
        const std::optional<RateLimit> limit = parseRateLimit(headers, now);
        fuzz::check(limit == parseRateLimit(headers, now), "two parses of the same headers differ");
        if (!limit)
            continue;
        fuzz::check(limit->limit || limit->remaining || limit->resetIn,
                    "a limit that says nothing");
        fuzz::check(limit->limit.value_or(0) >= 0 && limit->remaining.value_or(0) >= 0,
                    "a negative count");
        fuzz::check(limit->resetIn.value_or(0) >= 0 && limit->window.value_or(0) >= 0,
                    "a negative delay");
        fuzz::check(!hasControlCharacter(limit->policyName), "a policy name with a control byte");
        for (const bool withReset : {true, false})
            fuzz::check(!hasControlCharacter(describeRateLimit(*limit, "purges", withReset)),
                        "words with a control byte");
    }
    return 0;
}
