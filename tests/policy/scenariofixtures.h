#pragma once

// What tst_scenarioloader and tst_scenariodiagnostics share: the scenario
// fixtures folder (tests/fixtures/scenario, also the folder inline YAML is
// read relative to) and the head of an inline scenario.

#include <QByteArray>
#include <QString>

#include <string>

namespace scenariotest {

inline QString q(const std::string& text) { return QString::fromStdString(text); }

inline const std::string kDir = FALLBACK_FIXTURES_DIR "/scenario";
inline std::string fixture(const std::string& name) { return kDir + "/" + name; }

// Lines 1-6: an inline policy with `product` and `config`, and a duration.
inline const QByteArray kPolicyHead = "schema: 1\n"
                                      "policy:\n"
                                      "  namespaces:\n"
                                      "    - { name: product, version: 1 }\n"
                                      "    - { name: config, version: 1 }\n"
                                      "duration: 1m\n";

} // namespace scenariotest
