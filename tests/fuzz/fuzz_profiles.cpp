// Deployment profiles YAML: never crashes; profiles that load write back to
// YAML that loads to the same profiles.

#include "fuzzcheck.h"
#include "live/profiles.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace fallback;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto loaded = parseProfilesYaml(text, "fuzz.deployments.yaml");
    fuzz::checkLoaded(loaded);
    if (loaded.ok()) {
        const auto again = parseProfilesYaml(writeProfilesYaml(*loaded.value), "again.yaml");
        fuzz::check(again.ok(), "written profiles do not load");
        fuzz::check(*again.value == *loaded.value, "profiles changed in a write and load");
    }
    return 0;
}
