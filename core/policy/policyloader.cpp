#include "policy/policyloader.h"

#include "policy/policyfields.h"
#include "policy/yamlsupport.h"

#include <algorithm>
#include <unordered_map>

namespace fallback {

namespace {

constexpr std::string_view kTopKeys[] = {"schema", "defaults", "namespaces"};
constexpr std::string_view kDefaultKeys[] = {"ttl", "stale_while_revalidate", "stale_if_error",
                                             "max_object_size", "write_mode"};
constexpr std::string_view kNamespaceKeys[] = {"name", "version", "ttl", "stale_while_revalidate",
                                               "stale_if_error", "max_object_size", "write_mode"};
constexpr std::string_view kNamespaceRequired[] = {"name"};

std::size_t errorCount(const Diagnostics& diagnostics)
{
    return static_cast<std::size_t>(std::count_if(diagnostics.items().begin(), diagnostics.items().end(),
                                                  [](const Diagnostic& d) { return !d.warning; }));
}

/// Reads one field's scalar through the same rules the console's editor
/// uses (policy/policyfields.h), reporting its problem at the value.
template <typename Target>
void readField(const YamlField& f, YamlChecker& checker, Target& target, PolicyField field)
{
    if (auto text = checker.scalar(f, policyFieldExpected(field)))
        if (std::string problem = applyPolicyField(target, field, *text); !problem.empty())
            checker.error(f, std::move(problem));
}

/// Reads the five tunables that both `defaults` and each namespace may set.
template <typename Target>
void readTunables(const YamlMap& map, YamlChecker& checker, Target& target)
{
    for (PolicyField field : kTunableFields)
        if (const YamlField* f = map.find(policyFieldKey(field)))
            readField(*f, checker, target, field);
}

void readNamespaces(const YamlField& field, YamlChecker& checker, Policy& policy)
{
    if (!field.value.IsSequence()) {
        checker.error(field, "namespaces must be a list of namespaces (use [] for none), not "
                                 + std::string(nodeKindName(field.value)));
        return;
    }
    std::unordered_map<std::string, int> declaredAt;
    for (const YAML::Node& item : field.value) {
        auto map = checker.mapping(item, field.key.Mark(), "each namespace", "in namespace",
                                   kNamespaceKeys, kNamespaceRequired);
        if (!map)
            continue;
        NamespacePolicy ns = policy.fromDefaults({});
        bool named = false;
        if (const YamlField* f = map->find("name")) {
            if (auto name = checker.scalar(*f, policyFieldExpected(PolicyField::Name))) {
                if (std::string problem = checkPolicyField(PolicyField::Name, *name); !problem.empty()) {
                    checker.error(*f, std::move(problem));
                } else if (auto first = declaredAt.find(*name); first != declaredAt.end()) {
                    checker.error(*f, "duplicate namespace " + quoteForMessage(*name)
                                          + " (first declared at line " + std::to_string(first->second) + ")");
                } else {
                    declaredAt.emplace(*name, markLine(f->key.Mark()));
                    ns.name = *name;
                    named = true;
                }
            }
        }
        if (const YamlField* f = map->find("version"))
            readField(*f, checker, ns, PolicyField::Version);
        readTunables(*map, checker, ns);
        if (!named)
            continue;
        if (std::string warning = namespaceWarning(ns); !warning.empty())
            checker.warning(map->mark, std::move(warning));
        policy.namespaces.push_back(std::move(ns));
    }
}

void appendLine(std::string& out, int indent, std::string_view text)
{
    out.append(static_cast<std::size_t>(indent), ' ');
    out.append(text);
    out += '\n';
}

} // namespace

std::optional<Policy> readPolicyNode(const YAML::Node& node, const YAML::Mark& fallbackMark,
                                     YamlChecker& checker, bool schemaRequired)
{
    const std::size_t errorsBefore = errorCount(checker.diagnostics());
    constexpr std::string_view kRequired[] = {"namespaces"};
    auto root = schemaRequired
                    ? checker.mapping(node, fallbackMark, "the policy", "at the top level", kTopKeys, kRequired)
                    : checker.mapping(node, fallbackMark, "policy", "in policy", kTopKeys, kRequired);
    if (!root)
        return std::nullopt;
    checker.checkSchema(*root, schemaRequired);

    Policy policy;
    // Defaults first: namespaces inherit whatever they do not override.
    if (const YamlField* f = root->find("defaults")) {
        if (auto defaults = checker.mapping(f->value, f->key.Mark(), "defaults", "in defaults", kDefaultKeys))
            readTunables(*defaults, checker, policy.defaults);
    }
    if (const YamlField* f = root->find("namespaces"))
        readNamespaces(*f, checker, policy);

    if (errorCount(checker.diagnostics()) != errorsBefore)
        return std::nullopt;
    return policy;
}

void appendPolicyYaml(std::string& out, const Policy& policy, int indent, bool withSchema)
{
    const PolicyDefaults& d = policy.defaults;
    if (withSchema)
        appendLine(out, indent, "schema: " + std::to_string(policy.schema));
    appendLine(out, indent, "defaults:");
    appendLine(out, indent + 2, "ttl: " + formatDuration(d.ttl));
    appendLine(out, indent + 2, "stale_while_revalidate: " + formatDuration(d.staleWhileRevalidate));
    appendLine(out, indent + 2, "stale_if_error: " + formatDuration(d.staleIfError));
    appendLine(out, indent + 2, "max_object_size: " + formatSize(d.maxObjectSize));
    appendLine(out, indent + 2, "write_mode: " + std::string(writeModeName(d.writeMode)));
    if (policy.namespaces.empty()) {
        appendLine(out, indent, "namespaces: []");
        return;
    }
    appendLine(out, indent, "namespaces:");
    for (const NamespacePolicy& ns : policy.namespaces) {
        // Only what differs from the defaults, so that a later change of a
        // default still reaches every namespace that did not override it.
        appendLine(out, indent + 2, "- name: " + yamlScalar(ns.name));
        appendLine(out, indent + 4, "version: " + std::to_string(ns.version));
        if (ns.ttl != d.ttl)
            appendLine(out, indent + 4, "ttl: " + formatDuration(ns.ttl));
        if (ns.staleWhileRevalidate != d.staleWhileRevalidate)
            appendLine(out, indent + 4, "stale_while_revalidate: " + formatDuration(ns.staleWhileRevalidate));
        if (ns.staleIfError != d.staleIfError)
            appendLine(out, indent + 4, "stale_if_error: " + formatDuration(ns.staleIfError));
        if (ns.maxObjectSize != d.maxObjectSize)
            appendLine(out, indent + 4, "max_object_size: " + formatSize(ns.maxObjectSize));
        if (ns.writeMode != d.writeMode)
            appendLine(out, indent + 4, "write_mode: " + std::string(writeModeName(ns.writeMode)));
    }
}

Loaded<Policy> parsePolicyYaml(std::string_view text, const std::string& fileLabel)
{
    Loaded<Policy> loaded;
    YamlChecker checker(fileLabel, loaded.diagnostics);
    std::optional<Policy> policy;
    try {
        if (auto root = checker.parseDocument(text, "policy"))
            policy = readPolicyNode(*root, root->Mark(), checker, true);
    } catch (const std::exception& e) {
        // The checks above should leave yaml-cpp nothing to throw; if it does,
        // the file still gets a diagnostic rather than a crash.
        checker.error(YAML::Mark::null_mark(), std::string("could not read the policy: ") + e.what());
    }
    if (policy && !loaded.diagnostics.hasErrors())
        loaded.value = std::move(policy);
    return loaded;
}

Loaded<Policy> loadPolicyFile(const std::string& path)
{
    std::string why;
    auto text = readTextFile(path, &why);
    if (!text) {
        Loaded<Policy> loaded;
        loaded.diagnostics.error(path, 1, 1, "cannot read the policy file: " + why);
        return loaded;
    }
    return parsePolicyYaml(*text, path);
}

std::string writePolicyYaml(const Policy& policy)
{
    std::string out;
    appendPolicyYaml(out, policy, 0, true);
    return out;
}

} // namespace fallback
