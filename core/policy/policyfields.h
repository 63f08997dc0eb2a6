#pragma once

// Per-field rules of a policy (SPEC §4), for editors that change one value at
// a time. The YAML loader reads every namespace field through these same
// functions, so an edited cell and a file meet the same rules and messages.

#include "policy/policy.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fallback {

/// One editable value of a namespace, in file order.
enum class PolicyField : std::uint8_t {
    Name,
    Version,
    Ttl,
    StaleWhileRevalidate,
    StaleIfError,
    MaxObjectSize,
    WriteMode,
};
inline constexpr PolicyField kPolicyFields[] = {
    PolicyField::Name,         PolicyField::Version,       PolicyField::Ttl,
    PolicyField::StaleWhileRevalidate, PolicyField::StaleIfError, PolicyField::MaxObjectSize,
    PolicyField::WriteMode,
};
/// The fields both `defaults` and a namespace may set (all but Name, Version).
inline constexpr PolicyField kTunableFields[] = {
    PolicyField::Ttl,          PolicyField::StaleWhileRevalidate, PolicyField::StaleIfError,
    PolicyField::MaxObjectSize, PolicyField::WriteMode,
};

/// The field's key in a policy file: `name`, `version`, `ttl`,
/// `stale_while_revalidate`, `stale_if_error`, `max_object_size`, `write_mode`.
std::string_view policyFieldKey(PolicyField field);
/// What the field takes, completing "expected ...": `a duration`, `a size`, ...
std::string_view policyFieldExpected(PolicyField field);

/// Empty when `text` is a valid value for `field`, else the sentence the
/// policy loader reports for it (e.g. "ttl '5x' is not a duration: ...").
/// Empty text is "<key> has no value: expected <what>" (a namespace name
/// says what a name must match). Text is taken as is: no trimming.
std::string checkPolicyField(PolicyField field, std::string_view text);

/// Parses `text` and assigns it to the field of `target`; returns "" then.
/// On an invalid value `target` is unchanged and the message is returned.
/// Name is checked alone here: uniqueness is a whole-policy rule (checkPolicy).
std::string applyPolicyField(NamespacePolicy& target, PolicyField field, std::string_view text);
/// The same for the defaults block; Name and Version are not defaults and
/// are refused with a message.
std::string applyPolicyField(PolicyDefaults& target, PolicyField field, std::string_view text);

/// The value as the file writes it (`300s`, `256KiB`, `async-backfill`);
/// it always reads back to the same value through applyPolicyField().
std::string formatPolicyField(const NamespacePolicy& ns, PolicyField field);
std::string formatPolicyField(const PolicyDefaults& defaults, PolicyField field);

/// Copies one field from `source` to `target`.
void copyPolicyField(NamespacePolicy& target, const NamespacePolicy& source, PolicyField field);

/// Every rule a whole policy breaks, one sentence each, empty when it is
/// valid: schema, invalid or duplicate namespace names, values out of range
/// (a policy built in code may hold what no file can). Messages about a
/// namespace start with its name (`product: ttl ...`).
std::vector<std::string> checkPolicy(const Policy& policy);

/// The warning the loader gives about a namespace that is valid but likely a
/// mistake (ttl 0 and stale_while_revalidate 0), or "".
std::string namespaceWarning(const NamespacePolicy& ns);

/// One difference between two policies, field by field.
struct PolicyChange {
    enum class Kind : std::uint8_t { Added, Removed, Changed };
    Kind kind = Kind::Changed;
    std::string ns;        ///< the namespace's name; empty for the defaults block
    PolicyField field = PolicyField::Name; ///< Changed only
    std::string before;    ///< Changed: formatted old value
    std::string after;     ///< Changed: formatted new value

    /// `product.ttl: 300s → 120s`, `defaults.ttl: 120s → 60s`,
    /// `+ namespace pricing`, `- namespace session`.
    std::string describe() const;
    bool operator==(const PolicyChange&) const = default;
};

/// What changes from `from` to `to`: namespaces are matched by name (a
/// renamed namespace is a removal and an addition, as the engine sees it);
/// order alone is no change. Defaults first, then `to`'s namespaces in order
/// (changed fields or additions), then removals in `from`'s order.
std::vector<PolicyChange> diffPolicy(const Policy& from, const Policy& to);

} // namespace fallback
