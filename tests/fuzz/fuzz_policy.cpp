// Policy YAML (SPEC §4): never crashes; a policy that loads writes back to
// YAML that loads to the same policy (policyloader.h's round-trip promise).

#include "fuzzcheck.h"
#include "policy/policyloader.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace fallback;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const Loaded<Policy> loaded = parsePolicyYaml(text, "fuzz.policy.yaml");
    fuzz::checkLoaded(loaded);
    if (loaded.ok()) {
        const Loaded<Policy> again = parsePolicyYaml(writePolicyYaml(*loaded.value), "again.yaml");
        fuzz::check(again.ok(), "a written policy does not load");
        fuzz::check(*again.value == *loaded.value, "a policy changed in a write and load");
    }
    return 0;
}
