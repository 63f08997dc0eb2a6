#include "policy/policyfields.h"

#include "policy/key.h"
#include "policy/yamlsupport.h"
#include "util/suggest.h"

#include <unordered_map>

namespace fallback {

namespace {

constexpr std::string_view kWriteModes[] = {"write-through", "async-backfill"};

/// 0 would reject every write: certainly a mistake, not a policy.
constexpr std::uint64_t kMinObjectSize = 1;

std::string noValue(PolicyField field)
{
    return std::string(policyFieldKey(field)) + " has no value: expected "
           + std::string(policyFieldExpected(field));
}

std::string writeModeProblem(std::string_view text)
{
    std::string message = "write_mode " + quoteForMessage(text)
                          + " is invalid: use write-through or async-backfill";
    const std::string guess = nearestMatch(text, kWriteModes);
    if (!guess.empty())
        message += " (did you mean '" + guess + "'?)";
    return message;
}

/// The five tunables: PolicyDefaults and NamespacePolicy share these member
/// names, so one template serves both.
template <typename Target>
std::string applyTunable(Target& target, PolicyField field, std::string_view text)
{
    if (text.empty())
        return noValue(field);
    const std::string_view key = policyFieldKey(field);
    std::string problem;
    switch (field) {
    case PolicyField::Ttl:
        if (auto v = durationFromText(key, text, 0, problem))
            target.ttl = *v;
        return problem;
    case PolicyField::StaleWhileRevalidate:
        if (auto v = durationFromText(key, text, 0, problem))
            target.staleWhileRevalidate = *v;
        return problem;
    case PolicyField::StaleIfError:
        if (auto v = durationFromText(key, text, 0, problem))
            target.staleIfError = *v;
        return problem;
    case PolicyField::MaxObjectSize:
        if (auto v = sizeFromText(key, text, kMinObjectSize, UINT64_MAX, problem))
            target.maxObjectSize = *v;
        return problem;
    case PolicyField::WriteMode:
        if (auto mode = parseWriteMode(text)) {
            target.writeMode = *mode;
            return {};
        }
        return writeModeProblem(text);
    case PolicyField::Name:
    case PolicyField::Version: break;
    }
    return std::string(key) + " is not a default: only a namespace has one";
}

template <typename Source>
std::string formatTunable(const Source& source, PolicyField field)
{
    switch (field) {
    case PolicyField::Ttl: return formatDuration(source.ttl);
    case PolicyField::StaleWhileRevalidate: return formatDuration(source.staleWhileRevalidate);
    case PolicyField::StaleIfError: return formatDuration(source.staleIfError);
    case PolicyField::MaxObjectSize: return formatSize(source.maxObjectSize);
    case PolicyField::WriteMode: return std::string(writeModeName(source.writeMode));
    case PolicyField::Name:
    case PolicyField::Version: break;
    }
    return {};
}

} // namespace

std::string_view policyFieldKey(PolicyField field)
{
    switch (field) {
    case PolicyField::Name: return "name";
    case PolicyField::Version: return "version";
    case PolicyField::Ttl: return "ttl";
    case PolicyField::StaleWhileRevalidate: return "stale_while_revalidate";
    case PolicyField::StaleIfError: return "stale_if_error";
    case PolicyField::MaxObjectSize: return "max_object_size";
    case PolicyField::WriteMode: return "write_mode";
    }
    return "name";
}

std::string_view policyFieldExpected(PolicyField field)
{
    switch (field) {
    case PolicyField::Name: return "a namespace name";
    case PolicyField::Version: return "a non-negative integer";
    case PolicyField::Ttl:
    case PolicyField::StaleWhileRevalidate:
    case PolicyField::StaleIfError: return "a duration";
    case PolicyField::MaxObjectSize: return "a size";
    case PolicyField::WriteMode: return "write-through or async-backfill";
    }
    return "a value";
}

std::string checkPolicyField(PolicyField field, std::string_view text)
{
    NamespacePolicy scratch;
    return applyPolicyField(scratch, field, text);
}

std::string applyPolicyField(NamespacePolicy& target, PolicyField field, std::string_view text)
{
    switch (field) {
    case PolicyField::Name: {
        std::string problem = checkNamespaceName(text);
        if (problem.empty())
            target.name = std::string(text);
        return problem;
    }
    case PolicyField::Version: {
        if (text.empty())
            return noValue(field);
        std::string problem;
        if (auto v = integerFromText(policyFieldKey(field), text, 0, UINT64_MAX, problem))
            target.version = *v;
        return problem;
    }
    default: return applyTunable(target, field, text);
    }
}

std::string applyPolicyField(PolicyDefaults& target, PolicyField field, std::string_view text)
{
    return applyTunable(target, field, text);
}

std::string formatPolicyField(const NamespacePolicy& ns, PolicyField field)
{
    switch (field) {
    case PolicyField::Name: return ns.name;
    case PolicyField::Version: return std::to_string(ns.version);
    default: return formatTunable(ns, field);
    }
}

std::string formatPolicyField(const PolicyDefaults& defaults, PolicyField field)
{
    return formatTunable(defaults, field);
}

void copyPolicyField(NamespacePolicy& target, const NamespacePolicy& source, PolicyField field)
{
    switch (field) {
    case PolicyField::Name: target.name = source.name; return;
    case PolicyField::Version: target.version = source.version; return;
    case PolicyField::Ttl: target.ttl = source.ttl; return;
    case PolicyField::StaleWhileRevalidate: target.staleWhileRevalidate = source.staleWhileRevalidate; return;
    case PolicyField::StaleIfError: target.staleIfError = source.staleIfError; return;
    case PolicyField::MaxObjectSize: target.maxObjectSize = source.maxObjectSize; return;
    case PolicyField::WriteMode: target.writeMode = source.writeMode; return;
    }
}

std::vector<std::string> checkPolicy(const Policy& policy)
{
    std::vector<std::string> problems;
    if (policy.schema != 1)
        problems.push_back("schema '" + std::to_string(policy.schema)
                           + "' is not supported: this version reads schema 1");
    // Values go through their own text form, so a policy built in code meets
    // exactly the rules (and messages) a file would.
    for (PolicyField field : kTunableFields) {
        PolicyDefaults scratch;
        if (std::string p = applyPolicyField(scratch, field, formatPolicyField(policy.defaults, field)); !p.empty())
            problems.push_back("defaults: " + p);
    }
    std::unordered_map<std::string_view, std::size_t> declaredAt;
    for (std::size_t i = 0; i < policy.namespaces.size(); ++i) {
        const NamespacePolicy& ns = policy.namespaces[i];
        const std::string label = ns.name.empty() ? "namespace " + std::to_string(i + 1) : ns.name;
        if (std::string p = checkNamespaceName(ns.name); !p.empty())
            problems.push_back(label + ": " + p);
        else if (auto [it, fresh] = declaredAt.emplace(ns.name, i + 1); !fresh)
            problems.push_back(label + ": duplicate namespace " + quoteForMessage(ns.name)
                               + " (first declared as namespace " + std::to_string(it->second) + ")");
        for (PolicyField field : kTunableFields) {
            if (std::string p = checkPolicyField(field, formatPolicyField(ns, field)); !p.empty())
                problems.push_back(label + ": " + p);
        }
    }
    return problems;
}

std::string namespaceWarning(const NamespacePolicy& ns)
{
    if (ns.ttl == 0 && ns.staleWhileRevalidate == 0)
        return "namespace '" + ns.name
               + "' has ttl 0 and stale_while_revalidate 0: every read goes to the origin";
    return {};
}

std::string PolicyChange::describe() const
{
    switch (kind) {
    case Kind::Added: return "+ namespace " + ns;
    case Kind::Removed: return "- namespace " + ns;
    case Kind::Changed: break;
    }
    return (ns.empty() ? std::string("defaults") : ns) + "." + std::string(policyFieldKey(field)) + ": "
           + before + " \u2192 " + after;
}

std::vector<PolicyChange> diffPolicy(const Policy& from, const Policy& to)
{
    std::vector<PolicyChange> changes;
    for (PolicyField field : kTunableFields) {
        std::string before = formatPolicyField(from.defaults, field);
        std::string after = formatPolicyField(to.defaults, field);
        if (before != after)
            changes.push_back({PolicyChange::Kind::Changed, {}, field, std::move(before), std::move(after)});
    }
    for (const NamespacePolicy& ns : to.namespaces) {
        const NamespacePolicy* old = from.find(ns.name);
        if (!old) {
            changes.push_back({PolicyChange::Kind::Added, ns.name, PolicyField::Name, {}, {}});
            continue;
        }
        for (PolicyField field : kPolicyFields) {
            if (field == PolicyField::Name)
                continue;
            std::string before = formatPolicyField(*old, field);
            std::string after = formatPolicyField(ns, field);
            if (before != after)
                changes.push_back({PolicyChange::Kind::Changed, ns.name, field, std::move(before), std::move(after)});
        }
    }
    for (const NamespacePolicy& ns : from.namespaces) {
        if (!to.find(ns.name))
            changes.push_back({PolicyChange::Kind::Removed, ns.name, PolicyField::Name, {}, {}});
    }
    return changes;
}

} // namespace fallback
