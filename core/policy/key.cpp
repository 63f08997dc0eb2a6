#include "policy/key.h"

#include "policy/diagnostic.h"

#include <limits>

namespace fallback {

namespace {

bool isLowerOrDigit(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

void setWhy(std::string* why, std::string message)
{
    if (why)
        *why = std::move(message);
}

} // namespace

std::string checkNamespaceName(std::string_view name)
{
    static const std::string kRule = "must match [a-z][a-z0-9_-]{0,62}";
    if (name.empty())
        return "namespace name is empty: " + kRule;
    if (name.size() > kMaxNamespaceLength)
        return "namespace " + quoteForMessage(name) + " is invalid: it is "
               + std::to_string(name.size()) + " characters long, at most "
               + std::to_string(kMaxNamespaceLength) + " are allowed";
    bool valid = name.front() >= 'a' && name.front() <= 'z';
    for (char c : name.substr(1))
        valid = valid && (isLowerOrDigit(c) || c == '_' || c == '-');
    if (!valid)
        return "namespace " + quoteForMessage(name) + " is invalid: " + kRule;
    return {};
}

std::string checkResourceId(std::string_view id)
{
    if (id.empty())
        return "resource id is empty: it must be 1 to 512 bytes long";
    if (id.size() > kMaxResourceIdLength)
        return "resource id is " + std::to_string(id.size()) + " bytes long: at most "
               + std::to_string(kMaxResourceIdLength) + " are allowed";
    for (std::size_t i = 0; i < id.size(); ++i) {
        const auto byte = static_cast<unsigned char>(id[i]);
        if (byte < 0x20 || byte == 0x7f) {
            static constexpr char kHex[] = "0123456789abcdef";
            std::string code = "0x";
            code += kHex[byte >> 4];
            code += kHex[byte & 0xf];
            return "resource id " + quoteForMessage(id) + " contains a control character (" + code
                   + " at byte " + std::to_string(i + 1) + ")";
        }
    }
    return {};
}

std::optional<std::uint64_t> parseVersion(std::string_view text)
{
    if (text.empty())
        return std::nullopt;
    std::uint64_t value = 0;
    for (char c : text) {
        if (c < '0' || c > '9')
            return std::nullopt;
        const auto digit = static_cast<std::uint64_t>(c - '0');
        if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10)
            return std::nullopt;
        value = value * 10 + digit;
    }
    return value;
}

std::string composeStoredKey(std::string_view ns, std::uint64_t version, std::string_view id)
{
    std::string out;
    out.reserve(ns.size() + id.size() + 22);
    out.append(ns);
    out += ':';
    out += std::to_string(version);
    out += ':';
    out.append(id);
    return out;
}

std::optional<StoredKeyText> parseStoredKey(std::string_view text, std::string* why)
{
    const std::size_t first = text.find(':');
    const std::size_t second = first == std::string_view::npos ? first : text.find(':', first + 1);
    if (second == std::string_view::npos) {
        setWhy(why, "key " + quoteForMessage(text) + " is invalid: expected namespace:version:id");
        return std::nullopt;
    }
    StoredKeyText out;
    out.ns = std::string(text.substr(0, first));
    const std::string_view versionText = text.substr(first + 1, second - first - 1);
    out.id = std::string(text.substr(second + 1));
    if (std::string problem = checkNamespaceName(out.ns); !problem.empty()) {
        setWhy(why, std::move(problem));
        return std::nullopt;
    }
    const auto version = parseVersion(versionText);
    if (!version) {
        setWhy(why, "version " + quoteForMessage(versionText)
                        + " is invalid: it must be a non-negative integer");
        return std::nullopt;
    }
    out.version = *version;
    if (std::string problem = checkResourceId(out.id); !problem.empty()) {
        setWhy(why, std::move(problem));
        return std::nullopt;
    }
    return out;
}

std::optional<ResourceAddress> parseResourceAddress(std::string_view text, std::string* why)
{
    const std::size_t colon = text.find(':');
    if (colon == std::string_view::npos) {
        setWhy(why, "key " + quoteForMessage(text) + " is invalid: expected namespace:id");
        return std::nullopt;
    }
    ResourceAddress out{std::string(text.substr(0, colon)), std::string(text.substr(colon + 1))};
    if (std::string problem = checkNamespaceName(out.ns); !problem.empty()) {
        setWhy(why, std::move(problem));
        return std::nullopt;
    }
    if (std::string problem = checkResourceId(out.id); !problem.empty()) {
        setWhy(why, std::move(problem));
        return std::nullopt;
    }
    return out;
}

} // namespace fallback
