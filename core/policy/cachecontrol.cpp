#include "policy/cachecontrol.h"

#include "util/text.h"
#include "util/units.h"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <vector>

namespace fallback {

namespace {

constexpr std::array<std::string_view, kCacheDirectiveCount> kNames = {
    "s-maxage", "proxy-revalidate", "must-revalidate", "no-cache", "no-store", "private"};

bool isSpace(char c)
{
    return c == ' ' || c == '\t';
}

bool equalsNoCase(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && startsWithNoCase(a, b);
}

bool allDigits(std::string_view text)
{
    return !text.empty() &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// The names of the directives of `among` that `directives` holds, as
/// "a", "a and b" or "a, b and c"; `count` says how many.
std::string namesOf(CacheDirectives directives, std::initializer_list<CacheDirective> among,
                    std::size_t& count)
{
    CacheDirectives wanted = 0;
    for (CacheDirective directive : among)
        wanted |= directiveBit(directive);
    const std::vector<std::string_view> names = cacheDirectiveNames(directives & wanted);
    count = names.size();
    std::string text;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i > 0)
            text += i + 1 == names.size() ? " and " : ", ";
        text += names[i];
    }
    return text;
}

} // namespace

std::string_view cacheDirectiveName(CacheDirective directive)
{
    return kNames[static_cast<std::size_t>(directive)];
}

std::vector<std::string_view> cacheDirectiveNames(CacheDirectives directives)
{
    std::vector<std::string_view> names;
    for (std::size_t d = 0; d < kCacheDirectiveCount; ++d) {
        if (directives & directiveBit(static_cast<CacheDirective>(d)))
            names.push_back(kNames[d]);
    }
    return names;
}

CacheDirectives bindingDirectives(std::string_view value)
{
    CacheDirectives found = 0;
    const std::size_t n = value.size();
    std::size_t i = 0;
    while (i < n) {
        // cache-directive = token [ "=" ( token / quoted-string ) ]
        while (i < n && (isSpace(value[i]) || value[i] == ','))
            ++i;
        const std::size_t nameStart = i;
        while (i < n && value[i] != '=' && value[i] != ',' && !isSpace(value[i]))
            ++i;
        const std::string_view name = value.substr(nameStart, i - nameStart);
        while (i < n && isSpace(value[i]))
            ++i;
        bool hasArgument = false;
        std::string argument;
        if (i < n && value[i] == '=') {
            hasArgument = true;
            ++i;
            while (i < n && isSpace(value[i]))
                ++i;
            if (i < n && value[i] == '"') {
                for (++i; i < n && value[i] != '"'; ++i) {
                    if (value[i] == '\\' && i + 1 < n)
                        ++i;
                    argument += value[i];
                }
                if (i < n)
                    ++i; // the closing quote
            } else {
                while (i < n && value[i] != ',' && !isSpace(value[i]))
                    argument += value[i++];
            }
        }
        while (i < n && value[i] != ',') // anything else before the comma is malformed
            ++i;

        const bool qualified = hasArgument && !trimSpaces(argument).empty();
        for (std::size_t d = 0; d < kCacheDirectiveCount; ++d) {
            if (!equalsNoCase(name, kNames[d]))
                continue;
            const auto directive = static_cast<CacheDirective>(d);
            bool binds = true;
            if (directive == CacheDirective::SMaxage)
                binds = allDigits(argument);
            else if (directive == CacheDirective::NoCache || directive == CacheDirective::Private)
                binds = !qualified; // a field list binds those fields only
            if (binds)
                found |= directiveBit(directive);
        }
    }
    return found;
}

std::string cacheControlConflict(CacheDirectives directives, const NamespacePolicy& policy,
                                 bool lastResort)
{
    std::vector<std::string> clauses;
    std::size_t count = 0;

    const std::string noStoring =
        namesOf(directives, {CacheDirective::NoStore, CacheDirective::Private}, count);
    if (count > 0)
        clauses.push_back(
            noStoring + (count > 1 ? " forbid" : " forbids") +
            " a shared cache to store the answers, but this node keeps copies in its tiers");

    if ((directives & directiveBit(CacheDirective::NoCache)) && policy.ttl > 0)
        clauses.push_back("no-cache forbids reusing an answer without asking the origin, but this "
                          "node serves copies for up to " +
                          formatDuration(policy.ttl) + " (ttl) without asking");

    const std::string noStale = namesOf(directives,
                                        {CacheDirective::SMaxage, CacheDirective::ProxyRevalidate,
                                         CacheDirective::MustRevalidate, CacheDirective::NoCache},
                                        count);
    std::vector<std::string> periods;
    if (policy.staleWhileRevalidate > 0)
        periods.push_back(formatDuration(policy.staleWhileRevalidate) +
                          " (stale_while_revalidate)");
    if (policy.staleIfError > 0)
        periods.push_back(formatDuration(policy.staleIfError) + " (stale_if_error)");
    if (count > 0 && (!periods.empty() || lastResort)) {
        std::string how;
        for (std::size_t i = 0; i < periods.size(); ++i)
            how += (i == 0 ? " for up to " : " or ") + periods[i];
        if (lastResort)
            how += std::string(periods.empty() ? "" : ", and") +
                   " from its client cache when the origin fails";
        clauses.push_back(noStale + (count > 1 ? " forbid" : " forbids") +
                          " a shared cache to serve stale copies, but this node serves them" + how);
    }

    std::string text;
    for (const std::string& clause : clauses)
        text += (text.empty() ? "" : "; ") + clause;
    return text;
}

} // namespace fallback
