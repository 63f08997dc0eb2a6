#pragma once

// Internal to fallback_core: schema checking over yaml-cpp nodes, shared by
// the policy, scenario and deployment profile loaders. yaml-cpp is a private
// dependency of core, so no public header may include this one.

#include "policy/diagnostic.h"
#include "policy/policy.h"
#include "util/units.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fallback {

/// Longest duration any file may give (ten years): far beyond any sensible
/// TTL or run, and small enough that ttl + swr + sie can never overflow.
constexpr Micros kMaxFileDuration = 3650LL * 24 * 3600 * kMicrosPerSecond;

/// One `key: value` pair of a mapping; `name` is the key's text.
struct YamlField {
    std::string name;
    YAML::Node key;
    YAML::Node value;
};

/// A mapping whose keys were checked. find() returns the first occurrence of
/// a key (a repeated key has already been reported).
struct YamlMap {
    YAML::Mark mark;
    std::vector<YamlField> fields;

    const YamlField* find(std::string_view name) const;
};

/// Records diagnostics for one file at 1-based positions (yaml-cpp marks are
/// 0-based) and reads typed values, reporting every bad one.
class YamlChecker {
public:
    YamlChecker(std::string fileLabel, Diagnostics& out);

    const std::string& file() const { return m_file; }
    Diagnostics& diagnostics() { return m_out; }

    void error(const YAML::Mark& mark, std::string message);
    void warning(const YAML::Mark& mark, std::string message);
    /// At the field's value, or at its key when the value is empty.
    void error(const YamlField& field, std::string message);
    void warning(const YamlField& field, std::string message);

    /// Parses a document. An empty file, a syntax error, too deep nesting or
    /// a root that is not a mapping become diagnostics and give nullopt.
    /// `fileKind` names the format in messages ("policy").
    std::optional<YAML::Node> parseDocument(std::string_view text, std::string_view fileKind);

    /// Checks that `node` is a mapping with only `allowed` keys, each once,
    /// and every `required` key. `what` names the mapping in type errors
    /// ("'defaults'"), `where` places unknown keys ("in namespace").
    /// Nullopt only when `node` is not a mapping; key problems are reported
    /// and the valid fields are still returned, so checking goes on.
    std::optional<YamlMap> mapping(const YAML::Node& node, const YAML::Mark& fallbackMark,
                                   std::string_view what, std::string_view where,
                                   std::span<const std::string_view> allowed,
                                   std::span<const std::string_view> required = {});

    /// `schema:` of a top-level mapping: must be 1. Missing is an error only
    /// when `required`.
    void checkSchema(const YamlMap& root, bool required);

    /// The value as one scalar, or nullopt after reporting that it is empty
    /// or a mapping / list. `expected` completes "expected ..." messages.
    std::optional<std::string> scalar(const YamlField& field, std::string_view expected);
    std::optional<bool> boolean(const YamlField& field);
    /// A non-negative integer within [min, max].
    std::optional<std::uint64_t> integer(const YamlField& field, std::uint64_t min = 0,
                                         std::uint64_t max = UINT64_MAX);
    /// A finite number within [min, max]; `minExclusive` makes it > min.
    std::optional<double> number(const YamlField& field, double min, double max,
                                 bool minExclusive = false);
    /// A duration within [min, kMaxFileDuration].
    std::optional<Micros> duration(const YamlField& field, Micros min = 0);
    /// A size within [min, max] bytes.
    std::optional<std::uint64_t> size(const YamlField& field, std::uint64_t min = 0,
                                      std::uint64_t max = UINT64_MAX);
    /// A rate `N/s` greater than 0, in events per second.
    std::optional<double> rate(const YamlField& field);

private:
    std::string m_file;
    Diagnostics& m_out;
};

/// Checks of one scalar's text, shared by YamlChecker and the console's
/// per-field editing (policy/policyfields.cpp), so that a file and an edited
/// cell meet the same rules and messages. `name` starts the message. Each
/// returns the value, or nullopt with `error` set to one sentence.
std::optional<std::uint64_t> integerFromText(std::string_view name, std::string_view text,
                                            std::uint64_t min, std::uint64_t max, std::string& error);
/// A duration within [min, kMaxFileDuration].
std::optional<Micros> durationFromText(std::string_view name, std::string_view text, Micros min,
                                       std::string& error);
/// A size within [min, max] bytes.
std::optional<std::uint64_t> sizeFromText(std::string_view name, std::string_view text,
                                          std::uint64_t min, std::uint64_t max, std::string& error);

/// "a mapping", "a list", "a value" or "empty", for type messages.
std::string_view nodeKindName(const YAML::Node& node);

/// The 1-based line of a mark, for "first declared at line N" messages.
int markLine(const YAML::Mark& mark);

/// `text` as a YAML scalar: plain when that reads back identically, else
/// double-quoted with escapes.
std::string yamlScalar(std::string_view text);
/// `text` always double-quoted, with escapes (safe in flow mappings).
std::string yamlQuoted(std::string_view text);

/// A finite double written so that it reads back to the same value.
std::string formatNumber(double value);

/// The whole file, or nullopt with `why` set to a sentence.
std::optional<std::string> readTextFile(const std::string& path, std::string* why);

/// `path` relative to `baseDir` unless absolute, lexically normalised.
std::string resolvePath(const std::string& baseDir, const std::string& path);
/// `path` relative to `baseDir` when it can be, else `path` unchanged.
std::string relativePath(const std::string& path, const std::string& baseDir);

// Shared between loaders; defined in policyloader.cpp.

/// Reads a policy mapping (a policy file's root, or a scenario's inline
/// `policy:`). Nullopt when the checker recorded an error while reading it.
std::optional<Policy> readPolicyNode(const YAML::Node& node, const YAML::Mark& fallbackMark,
                                     YamlChecker& checker, bool schemaRequired);
/// Appends the policy as YAML lines indented by `indent` spaces.
void appendPolicyYaml(std::string& out, const Policy& policy, int indent, bool withSchema);

} // namespace fallback
