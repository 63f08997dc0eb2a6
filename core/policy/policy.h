#pragma once

#include "util/units.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fallback {

enum class WriteMode : std::uint8_t { WriteThrough, AsyncBackfill };
std::string_view writeModeName(WriteMode mode); ///< "write-through" / "async-backfill"
std::optional<WriteMode> parseWriteMode(std::string_view text);

/// The rules of one namespace, all defaults already resolved.
struct NamespacePolicy {
    std::string name;
    std::uint64_t version = 0;
    Micros ttl = 120 * kMicrosPerSecond;
    Micros staleWhileRevalidate = 60 * kMicrosPerSecond;
    Micros staleIfError = 300 * kMicrosPerSecond;
    std::uint64_t maxObjectSize = 1024 * 1024;
    WriteMode writeMode = WriteMode::WriteThrough;

    /// How long a tier keeps an entry: ttl + max(swr, sie) (SPEC §3).
    Micros keepFor() const
    {
        return ttl + (staleWhileRevalidate > staleIfError ? staleWhileRevalidate : staleIfError);
    }
    bool operator==(const NamespacePolicy&) const = default;
};

/// The defaults block of a policy file; a namespace overrides any of them.
struct PolicyDefaults {
    Micros ttl = 120 * kMicrosPerSecond;
    Micros staleWhileRevalidate = 60 * kMicrosPerSecond;
    Micros staleIfError = 300 * kMicrosPerSecond;
    std::uint64_t maxObjectSize = 1024 * 1024;
    WriteMode writeMode = WriteMode::WriteThrough;
    bool operator==(const PolicyDefaults&) const = default;
};

/// A whole policy (SPEC §4). Namespace names are unique and valid.
struct Policy {
    int schema = 1;
    PolicyDefaults defaults;
    std::vector<NamespacePolicy> namespaces;

    const NamespacePolicy* find(std::string_view name) const;
    NamespacePolicy* find(std::string_view name);
    /// A namespace with every value taken from the defaults.
    NamespacePolicy fromDefaults(std::string name) const;
    bool operator==(const Policy&) const = default;
};

/// How many namespaces differ between two policies: changed, added or removed.
int changedNamespaces(const Policy& before, const Policy& after);

} // namespace fallback
