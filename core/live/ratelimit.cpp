#include "live/ratelimit.h"

#include "util/text.h"

#include <curl/curl.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <ctime>
#include <limits>
#include <map>

namespace fallback::live {

namespace {

char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string lowered(std::string_view text)
{
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), lower);
    return out;
}

constexpr std::array<std::string_view, 10> kHeaderNames{
    "ratelimit",
    "ratelimit-policy",
    "ratelimit-limit",
    "ratelimit-remaining",
    "ratelimit-reset",
    "x-ratelimit-limit",
    "x-ratelimit-remaining",
    "x-ratelimit-reset",
    "fastly-ratelimit-remaining",
    "fastly-ratelimit-reset",
};

/// `text` cut at each `separator` outside double quotes (a backslash in a
/// quoted string escapes the next byte, RFC 8941 §3.3.3).
std::vector<std::string_view> splitOutsideQuotes(std::string_view text, char separator)
{
    std::vector<std::string_view> parts;
    bool quoted = false;
    std::size_t start = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted && c == '\\') {
            ++i;
        } else if (c == '"') {
            quoted = !quoted;
        } else if (!quoted && c == separator) {
            parts.push_back(text.substr(start, i - start));
            start = i + 1;
        }
    }
    parts.push_back(text.substr(start));
    return parts;
}

/// A quoted string without its quotes and escapes; anything else as is.
std::string unquoted(std::string_view text)
{
    if (text.size() < 2 || text.front() != '"' || text.back() != '"')
        return std::string(text);
    std::string out;
    for (std::size_t i = 1; i + 1 < text.size(); ++i) {
        if (text[i] == '\\' && i + 2 < text.size())
            ++i;
        out += text[i];
    }
    return out;
}

/// One member of a header's list: `item;key=value;...` (a list item: a
/// policy's name, or a number) or `key=value;...` (a dictionary member,
/// then `key` is set, lower-cased).
struct Member {
    std::string key;
    std::string item;
    std::map<std::string, std::string> params; ///< keys lower-cased; the first of each kept
};

std::vector<Member> membersOf(std::string_view value)
{
    std::vector<Member> members;
    for (std::string_view part : splitOutsideQuotes(value, ',')) {
        const std::vector<std::string_view> pieces = splitOutsideQuotes(part, ';');
        Member member;
        const std::string_view head = trimSpaces(pieces.front());
        const std::size_t equals = head.find('=');
        if (equals != std::string_view::npos && head.front() != '"') {
            member.key = lowered(trimSpaces(head.substr(0, equals)));
            member.item = unquoted(trimSpaces(head.substr(equals + 1)));
        } else {
            member.item = unquoted(head);
        }
        for (std::size_t i = 1; i < pieces.size(); ++i) {
            const std::string_view piece = trimSpaces(pieces[i]);
            const std::size_t at = piece.find('=');
            const std::string key = lowered(trimSpaces(piece.substr(0, at)));
            const std::string_view param =
                at == std::string_view::npos ? "" : trimSpaces(piece.substr(at + 1));
            member.params.emplace(key, unquoted(param));
        }
        if (!member.item.empty() || !member.key.empty() || !member.params.empty())
            members.push_back(std::move(member));
    }
    return members;
}

/// A non-negative integer that fits; nullopt for anything else (signs,
/// fractions, units, overflow, nothing).
std::optional<std::int64_t> parseCount(std::string_view text)
{
    text = trimSpaces(text);
    if (text.empty())
        return std::nullopt;
    std::int64_t value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9')
            return std::nullopt;
        const int digit = c - '0';
        if (value > (std::numeric_limits<std::int64_t>::max() - digit) / 10)
            return std::nullopt;
        value = value * 10 + digit;
    }
    return value;
}

/// Seconds, maybe with a fraction (`30`, `1.5`, `1700000000.250`), in
/// microseconds; nullopt when malformed or beyond what Micros holds.
std::optional<Micros> parseSeconds(std::string_view text)
{
    text = trimSpaces(text);
    const std::size_t dot = text.find('.');
    const std::optional<std::int64_t> whole = parseCount(text.substr(0, dot));
    if (!whole || *whole > std::numeric_limits<Micros>::max() / kMicrosPerSecond - 1)
        return std::nullopt;
    Micros fraction = 0;
    if (dot != std::string_view::npos) {
        const std::string_view digits = text.substr(dot + 1);
        if (digits.empty() || !parseCount(digits))
            return std::nullopt;
        Micros scale = kMicrosPerSecond;
        for (std::size_t i = 0; i < digits.size() && i < 6; ++i) {
            scale /= 10;
            fraction += (digits[i] - '0') * scale;
        }
    }
    return *whole * kMicrosPerSecond + fraction;
}

/// A reset as a delay from `now`: above kEpochResetAbove seconds it is an
/// instant (0 once it has passed), else already a delay.
std::optional<Micros> parseReset(std::string_view text, Micros now)
{
    const std::optional<Micros> value = parseSeconds(text);
    if (!value)
        return std::nullopt;
    if (*value <= kEpochResetAbove * kMicrosPerSecond)
        return value;
    return *value > now ? *value - now : 0;
}

std::optional<std::int64_t> firstCount(const std::vector<Member>& members)
{
    for (const Member& m : members)
        if (m.key.empty())
            if (const auto count = parseCount(m.item))
                return count;
    return std::nullopt;
}

std::optional<Micros> windowOf(const Member& member)
{
    const auto it = member.params.find("w");
    return it != member.params.end() ? parseSeconds(it->second) : std::nullopt;
}

/// The window of `limit` from a `RateLimit-Policy: 100;w=60, 1000;w=3600`
/// list (drafts up to 07): the member with the same number, else the first
/// with a window.
std::optional<Micros> numericPolicyWindow(const std::vector<Member>& policy,
                                          std::optional<std::int64_t> limit)
{
    std::optional<Micros> first;
    for (const Member& m : policy) {
        const auto count = m.key.empty() ? parseCount(m.item) : std::nullopt;
        const auto window = windowOf(m);
        if (!count || !window)
            continue;
        if (limit && *count == *limit)
            return window;
        if (!first)
            first = window;
    }
    return first;
}

bool yieldsSomething(const RateLimit& r)
{
    return r.limit || r.remaining || r.resetIn;
}

std::string printableName(std::string_view name)
{
    std::string out;
    for (const char c : name.substr(0, 64))
        if (c >= 0x20 && c < 0x7f)
            out += c;
    return out;
}

/// Draft 08+: named policies, `RateLimit: "name";r=..;t=..` and
/// `RateLimit-Policy: "name";q=..;w=..`.
RateLimit structuredForm(const std::vector<Member>& current, const std::vector<Member>& policy,
                         Micros now)
{
    RateLimit best;
    bool found = false;
    for (const Member& m : current) {
        if (!m.key.empty() || parseCount(m.item))
            continue; // a draft-07 member, or a bare number
        RateLimit candidate;
        if (const auto r = m.params.find("r"); r != m.params.end())
            candidate.remaining = parseCount(r->second);
        if (const auto t = m.params.find("t"); t != m.params.end())
            candidate.resetIn = parseReset(t->second, now);
        if (!candidate.remaining && !candidate.resetIn)
            continue;
        candidate.policyName = printableName(m.item);
        // The policy that bites first: the fewest requests left.
        const bool better = !found || (candidate.remaining &&
                                       (!best.remaining || *candidate.remaining < *best.remaining));
        if (better) {
            best = std::move(candidate);
            found = true;
        }
    }
    for (const Member& p : policy) {
        if (!p.key.empty() || parseCount(p.item) || p.item.empty())
            continue;
        if (found && printableName(p.item) != best.policyName)
            continue;
        const auto q = p.params.find("q");
        const std::optional<std::int64_t> quota =
            q != p.params.end() ? parseCount(q->second) : std::nullopt;
        if (!found && !quota)
            continue;
        best.limit = quota;
        best.window = windowOf(p);
        best.policyName = printableName(p.item);
        break;
    }
    return best;
}

/// Draft 07: `RateLimit: limit=100, remaining=50, reset=30`.
RateLimit dictionaryForm(const std::vector<Member>& current, const std::vector<Member>& policy,
                         Micros now)
{
    RateLimit r;
    for (const Member& m : current) {
        if (m.key == "limit" && !r.limit) {
            r.limit = parseCount(m.item);
            if (r.limit)
                r.window = windowOf(m);
        } else if (m.key == "remaining" && !r.remaining) {
            r.remaining = parseCount(m.item);
        } else if (m.key == "reset" && !r.resetIn) {
            r.resetIn = parseReset(m.item, now);
        }
    }
    if (yieldsSomething(r) && !r.window)
        r.window = numericPolicyWindow(policy, r.limit);
    return r;
}

/// Drafts up to 06 and the legacy / vendor headers: one field per value,
/// `PREFIX-Limit` (maybe `100, 100;w=60`), `PREFIX-Remaining`, `PREFIX-Reset`.
RateLimit separateForm(const std::map<std::string, std::string>& fields, const std::string& prefix,
                       const std::vector<Member>& policy, Micros now)
{
    RateLimit r;
    auto field = [&](const char* suffix) -> const std::string* {
        const auto it = fields.find(prefix + suffix);
        return it != fields.end() ? &it->second : nullptr;
    };
    if (const std::string* limit = field("-limit")) {
        // `100, 100;w=60`: the limit in force, then the policies behind it.
        const std::vector<Member> members = membersOf(*limit);
        r.limit = firstCount(members);
        if (r.limit)
            r.window = numericPolicyWindow(members, r.limit);
    }
    if (const std::string* remaining = field("-remaining"))
        r.remaining = firstCount(membersOf(*remaining));
    if (const std::string* reset = field("-reset")) {
        const std::vector<Member> members = membersOf(*reset);
        if (!members.empty() && members.front().key.empty())
            r.resetIn = parseReset(members.front().item, now);
    }
    if (yieldsSomething(r) && !r.window && prefix == "ratelimit")
        r.window = numericPolicyWindow(policy, r.limit);
    return r;
}

} // namespace

bool isRateLimitHeader(std::string_view name)
{
    const std::string key = lowered(trimSpaces(name));
    return std::find(kHeaderNames.begin(), kHeaderNames.end(), key) != kHeaderNames.end();
}

std::optional<HeaderField> rateLimitField(std::string_view line)
{
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || !isRateLimitHeader(line.substr(0, colon)))
        return std::nullopt;
    return HeaderField{std::string(trimSpaces(line.substr(0, colon))),
                       std::string(trimSpaces(line.substr(colon + 1)))};
}

std::optional<RateLimit> parseRateLimit(const std::vector<HeaderField>& headers, Micros now)
{
    // Repeated fields are one comma-separated list (RFC 9110 §5.3).
    std::map<std::string, std::string> fields;
    for (const auto& [name, value] : headers) {
        if (!isRateLimitHeader(name))
            continue;
        std::string& joined = fields[lowered(trimSpaces(name))];
        if (!joined.empty())
            joined += ", ";
        joined += trimSpaces(value);
    }
    if (fields.empty())
        return std::nullopt;
    auto membersOfField = [&](const char* name) {
        const auto it = fields.find(name);
        return it != fields.end() ? membersOf(it->second) : std::vector<Member>{};
    };
    const std::vector<Member> current = membersOfField("ratelimit");
    const std::vector<Member> policy = membersOfField("ratelimit-policy");

    for (RateLimit form :
         {structuredForm(current, policy, now), dictionaryForm(current, policy, now),
          separateForm(fields, "ratelimit", policy, now),
          separateForm(fields, "fastly-ratelimit", policy, now),
          separateForm(fields, "x-ratelimit", policy, now)}) {
        if (yieldsSomething(form))
            return form;
    }
    return std::nullopt;
}

Micros parseRetryAfter(std::string_view value)
{
    value = trimSpaces(value);
    if (value.empty())
        return -1;
    if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        if (value.size() > 9)
            return 999'999'999 * kMicrosPerSecond; // absurdly far: beyond any cap
        return static_cast<Micros>(std::stoll(std::string(value))) * kMicrosPerSecond;
    }
    const std::string text(value);
    const time_t at = curl_getdate(text.c_str(), nullptr);
    if (at < 0)
        return -1;
    const time_t now = std::time(nullptr);
    return at > now ? static_cast<Micros>(at - now) * kMicrosPerSecond : 0;
}

std::optional<RateLimit> nodePurgeLimit(std::string_view healthBody)
{
    const nlohmann::json doc = nlohmann::json::parse(healthBody, nullptr, false);
    if (!doc.is_object())
        return std::nullopt;
    const auto object = doc.find("purge_limit");
    if (object == doc.end() || !object->is_object())
        return std::nullopt;
    auto count = [&](const char* name) -> std::optional<std::int64_t> {
        const auto it = object->find(name);
        if (it == object->end() || !it->is_number_unsigned() || it->get<std::uint64_t>() > 1'000'000'000'000ull)
            return std::nullopt;
        return static_cast<std::int64_t>(it->get<std::uint64_t>());
    };
    RateLimit limit;
    limit.limit = count("limit");
    limit.remaining = count("remaining");
    if (const auto window = count("window_seconds"); window && *window > 0)
        limit.window = *window * kMicrosPerSecond;
    if (const auto full = count("full_in_seconds"); full && *full > 0)
        limit.resetIn = *full * kMicrosPerSecond;
    if (!limit.limit && !limit.remaining)
        return std::nullopt;
    return limit;
}

std::string waitInWords(Micros delay)
{
    const std::int64_t seconds =
        std::max<Micros>(0, (delay + kMicrosPerSecond - 1) / kMicrosPerSecond);
    if (seconds < 120)
        return std::to_string(seconds) + " s";
    const std::int64_t minutes = (seconds + 59) / 60;
    if (minutes < 120)
        return std::to_string(minutes) + " min";
    if (minutes < 48 * 60) {
        const std::int64_t rest = minutes % 60;
        return std::to_string(minutes / 60) + " h" +
               (rest ? " " + std::to_string(rest) + " min" : "");
    }
    return std::to_string((minutes + 24 * 60 - 1) / (24 * 60)) + " d";
}

std::string describeRateLimit(const RateLimit& limit, std::string_view noun, bool withReset)
{
    const std::string nounPart = noun.empty() ? std::string() : " " + std::string(noun);
    const bool reset = withReset && limit.resetIn.has_value();
    const std::string resetPart = !reset ? std::string()
                                  : *limit.resetIn <= 0
                                      ? ", resets now"
                                      : ", resets in " + waitInWords(*limit.resetIn);
    std::string text;
    if (limit.remaining && *limit.remaining == 0) {
        if (limit.limit)
            text = "none of " + std::to_string(*limit.limit) + nounPart + " left";
        else
            text = noun.empty() ? "none left" : "no" + nounPart + " left";
        if (reset && *limit.resetIn > 0)
            return text + " until " + waitInWords(*limit.resetIn) + " from now";
        return text + resetPart;
    }
    if (limit.remaining) {
        text = std::to_string(*limit.remaining);
        if (limit.limit)
            text += " of " + std::to_string(*limit.limit);
        return text + nounPart + " left" + resetPart;
    }
    if (limit.limit) {
        text = "limit " + std::to_string(*limit.limit) + nounPart;
        if (limit.window)
            text += " per " + waitInWords(*limit.window);
        return text + resetPart;
    }
    return reset ? resetPart.substr(2) : std::string();
}

} // namespace fallback::live
