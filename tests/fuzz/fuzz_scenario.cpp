// Scenario YAML (SPEC §4), relative paths resolved in the bundled examples
// folder (so `policy: demo.policy.yaml` loads): never crashes; a scenario
// that loads writes back to YAML that loads to the same scenario.

#include "fuzzcheck.h"
#include "sim/scenarioloader.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace fallback;
    const std::string baseDir = FALLBACK_EXAMPLES_DIR;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const Loaded<Scenario> loaded = parseScenarioYaml(text, "fuzz.scenario.yaml", baseDir);
    fuzz::checkLoaded(loaded);
    if (loaded.ok()) {
        const std::string written = writeScenarioYaml(*loaded.value, baseDir);
        const Loaded<Scenario> again = parseScenarioYaml(written, "fuzz.scenario.yaml", baseDir);
        fuzz::check(again.ok(), "a written scenario does not load");
        // Events remember the line they were declared on, which a write moves.
        auto withoutLines = [](Scenario scenario) {
            for (ScenarioEvent& event : scenario.events)
                event.line = 0;
            return scenario;
        };
        fuzz::check(withoutLines(*again.value) == withoutLines(*loaded.value),
                    "a scenario changed in a write and load");
    }
    return 0;
}
