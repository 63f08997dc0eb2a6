// Keys and units (SPEC §3, §4): never crash, and the promised round trips
// hold: a stored key parsed and composed parses to the same parts; a parsed
// duration or size formats to text that parses to the same value.

#include "fuzzcheck.h"
#include "policy/key.h"
#include "util/units.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace fallback;
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    std::string why;
    if (const auto key = parseStoredKey(text, &why)) {
        const auto again = parseStoredKey(composeStoredKey(key->ns, key->version, key->id));
        fuzz::check(again && again->ns == key->ns && again->version == key->version &&
                        again->id == key->id,
                    "a stored key changed in a compose and parse");
    } else {
        fuzz::check(!why.empty(), "a refused stored key without a reason");
    }
    if (const auto address = parseResourceAddress(text)) {
        fuzz::check(checkNamespaceName(address->ns).empty() && checkResourceId(address->id).empty(),
                    "an accepted address with an invalid part");
    }
    if (const auto duration = parseDuration(text)) {
        fuzz::check(*duration >= 0, "a negative duration");
        fuzz::check(parseDuration(formatDuration(*duration)) == duration,
                    "a duration changed in a format and parse");
    }
    if (const auto bytes = parseSize(text))
        fuzz::check(parseSize(formatSize(*bytes)) == bytes, "a size changed in a format and parse");
    parseRate(text);
    parseVersion(text);
    return 0;
}
