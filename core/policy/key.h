#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fallback {

/// Key rules of SPEC §3 (contract). A stored key is
/// `namespace:version:resourceId`; callers address `namespace` + `resourceId`.
constexpr std::size_t kMaxNamespaceLength = 63;
constexpr std::size_t kMaxResourceIdLength = 512;

/// Empty when valid, else a sentence saying what is wrong.
std::string checkNamespaceName(std::string_view name);
std::string checkResourceId(std::string_view id);

/// A version: decimal digits only (no sign, no spaces) that fit in 64 bits.
/// Nullopt on anything else.
std::optional<std::uint64_t> parseVersion(std::string_view text);

struct StoredKeyText {
    std::string ns;
    std::uint64_t version = 0;
    std::string id;
};

/// Composes `ns:version:id`. Does not validate.
std::string composeStoredKey(std::string_view ns, std::uint64_t version, std::string_view id);

/// Parses `ns:version:id` (the id may contain ':'). On failure returns nullopt
/// and, if `why` is given, a sentence saying what is wrong.
std::optional<StoredKeyText> parseStoredKey(std::string_view text, std::string* why = nullptr);

/// A resource address `ns:id` as taken by purge (`--key NS:ID`). The id may
/// contain ':'; the namespace is everything before the first one.
struct ResourceAddress {
    std::string ns;
    std::string id;
};
std::optional<ResourceAddress> parseResourceAddress(std::string_view text,
                                                    std::string* why = nullptr);

} // namespace fallback
