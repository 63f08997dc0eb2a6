#include "util/units.h"

#include "util/text.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>

namespace fallback {

namespace {

constexpr Micros kMicrosPerMinute = 60 * kMicrosPerSecond;
constexpr Micros kMicrosPerHour = 60 * kMicrosPerMinute;
constexpr Micros kMicrosPerDay = 24 * kMicrosPerHour;

bool isDigit(char c) { return c >= '0' && c <= '9'; }

/// A decimal number split into its exact integer part and its fraction, so
/// that `1.5MiB` and `0.25s` convert without floating point drift in the
/// integer part (the fraction is below one unit, where a double is exact
/// enough for microseconds and bytes).
struct Decimal {
    std::uint64_t whole = 0;
    double fraction = 0.0;
    bool hasFraction = false;
};

/// Reads `digits[.digits]` from the front of `text`; advances `text`.
std::optional<Decimal> takeDecimal(std::string_view& text)
{
    std::size_t i = 0;
    Decimal out;
    while (i < text.size() && isDigit(text[i])) {
        const std::uint64_t digit = static_cast<std::uint64_t>(text[i] - '0');
        if (out.whole > (std::numeric_limits<std::uint64_t>::max() - digit) / 10)
            return std::nullopt;
        out.whole = out.whole * 10 + digit;
        ++i;
    }
    const std::size_t wholeDigits = i;
    if (i < text.size() && text[i] == '.') {
        const std::size_t start = i;
        ++i;
        while (i < text.size() && isDigit(text[i]))
            ++i;
        if (i == start + 1)
            return std::nullopt; // "1." is not a number we accept
        // from_chars is locale-independent, unlike strtod.
        std::string fractionText = "0";
        fractionText.append(text.substr(start, i - start));
        double value = 0.0;
        const auto res = std::from_chars(fractionText.data(),
                                         fractionText.data() + fractionText.size(), value);
        if (res.ec != std::errc())
            return std::nullopt;
        out.fraction = value;
        out.hasFraction = true;
    } else if (wholeDigits == 0) {
        return std::nullopt;
    }
    if (wholeDigits == 0 && !out.hasFraction)
        return std::nullopt;
    text.remove_prefix(i);
    return out;
}

/// whole * unit + round(fraction * unit), or nullopt on overflow of `limit`.
std::optional<std::uint64_t> scale(const Decimal& d, std::uint64_t unit, std::uint64_t limit)
{
    if (d.whole != 0 && d.whole > limit / unit)
        return std::nullopt;
    const std::uint64_t base = d.whole * unit;
    const auto extra = static_cast<std::uint64_t>(std::llround(d.fraction * static_cast<double>(unit)));
    if (extra > limit - base)
        return std::nullopt;
    return base + extra;
}

std::optional<Micros> durationUnit(std::string_view unit)
{
    if (unit == "us")
        return 1;
    if (unit == "ms")
        return kMicrosPerMilli;
    if (unit == "s")
        return kMicrosPerSecond;
    if (unit == "m" || unit == "min")
        return kMicrosPerMinute;
    if (unit == "h")
        return kMicrosPerHour;
    if (unit == "d")
        return kMicrosPerDay;
    return std::nullopt;
}

std::optional<std::uint64_t> sizeUnit(std::string_view unit)
{
    struct Unit {
        std::string_view name;
        std::uint64_t factor;
    };
    static constexpr Unit kUnits[] = {
        {"B", 1},
        {"KB", 1000ULL},
        {"kB", 1000ULL},
        {"MB", 1000ULL * 1000},
        {"GB", 1000ULL * 1000 * 1000},
        {"TB", 1000ULL * 1000 * 1000 * 1000},
        {"KiB", 1ULL << 10},
        {"MiB", 1ULL << 20},
        {"GiB", 1ULL << 30},
        {"TiB", 1ULL << 40},
    };
    for (const Unit& u : kUnits) {
        if (u.name == unit)
            return u.factor;
    }
    return std::nullopt;
}

} // namespace

std::optional<Micros> parseDuration(std::string_view text)
{
    text = trimSpaces(text);
    if (text.empty())
        return std::nullopt;
    constexpr auto kLimit = static_cast<std::uint64_t>(std::numeric_limits<Micros>::max());

    // A bare number is seconds. Anything else is one or more number+unit
    // parts (`1h30m`), which is what formatDuration() writes.
    std::string_view rest = text;
    auto first = takeDecimal(rest);
    if (!first)
        return std::nullopt;
    if (rest.empty()) {
        auto value = scale(*first, kMicrosPerSecond, kLimit);
        if (!value)
            return std::nullopt;
        return static_cast<Micros>(*value);
    }

    std::uint64_t total = 0;
    std::optional<Decimal> number = first;
    Micros previousUnit = std::numeric_limits<Micros>::max();
    while (true) {
        std::size_t unitLength = 0;
        while (unitLength < rest.size() && !isDigit(rest[unitLength]) && rest[unitLength] != '.')
            ++unitLength;
        auto unit = durationUnit(rest.substr(0, unitLength));
        // Parts must go from larger to smaller units, as in `1h30m`; `30m1h`
        // is more likely a typo than an intent.
        if (!unit || *unit >= previousUnit)
            return std::nullopt;
        previousUnit = *unit;
        rest.remove_prefix(unitLength);
        auto part = scale(*number, static_cast<std::uint64_t>(*unit), kLimit);
        if (!part || *part > kLimit - total)
            return std::nullopt;
        total += *part;
        if (rest.empty())
            break;
        number = takeDecimal(rest);
        if (!number || rest.empty())
            return std::nullopt;
    }
    return static_cast<Micros>(total);
}

std::optional<std::uint64_t> parseSize(std::string_view text)
{
    text = trimSpaces(text);
    std::string_view rest = text;
    auto number = takeDecimal(rest);
    if (!number)
        return std::nullopt;
    if (rest.empty()) {
        if (number->hasFraction)
            return std::nullopt; // a fraction of a byte is not a size
        return number->whole;
    }
    auto unit = sizeUnit(rest);
    if (!unit)
        return std::nullopt;
    return scale(*number, *unit, std::numeric_limits<std::uint64_t>::max());
}

std::optional<double> parseRate(std::string_view text)
{
    text = trimSpaces(text);
    const std::size_t slash = text.find('/');
    if (slash == std::string_view::npos)
        return std::nullopt;
    std::string_view numberText = trimSpaces(text.substr(0, slash));
    const std::string_view per = trimSpaces(text.substr(slash + 1));
    double divisor = 0.0;
    if (per == "s")
        divisor = 1.0;
    else if (per == "m" || per == "min")
        divisor = 60.0;
    else if (per == "h")
        divisor = 3600.0;
    else
        return std::nullopt;
    if (numberText.empty() || !(isDigit(numberText.front()) || numberText.front() == '.'))
        return std::nullopt; // no sign, no "inf"
    double value = 0.0;
    const auto res = std::from_chars(numberText.data(), numberText.data() + numberText.size(), value);
    if (res.ec != std::errc() || res.ptr != numberText.data() + numberText.size()
        || !std::isfinite(value))
        return std::nullopt;
    return value / divisor;
}

std::string formatDuration(Micros value)
{
    if (value < 0)
        return "-" + formatDuration(value == std::numeric_limits<Micros>::min()
                                        ? std::numeric_limits<Micros>::max()
                                        : -value);
    if (value == 0)
        return "0ms";

    auto piece = [](Micros amount, const char* unit) {
        return std::to_string(amount) + unit;
    };
    // Sub-second remainders: whole milliseconds when exact, else microseconds.
    auto subSecond = [&](Micros rest) -> std::string {
        if (rest == 0)
            return {};
        if (rest % kMicrosPerMilli == 0)
            return piece(rest / kMicrosPerMilli, "ms");
        return piece(rest, "us");
    };

    // Under a minute one unit reads best (`1500ms`); whole seconds under an
    // hour stay in seconds (`90s` rather than `1m30s`), as people write TTLs;
    // anything else is a compound from days down (`5m`, `1h30m`, `2d`).
    if (value < kMicrosPerMinute) {
        if (value % kMicrosPerSecond == 0)
            return piece(value / kMicrosPerSecond, "s");
        return subSecond(value);
    }
    if (value < kMicrosPerHour && value % kMicrosPerSecond == 0 && value % kMicrosPerMinute != 0)
        return piece(value / kMicrosPerSecond, "s");
    std::string out;
    Micros rest = value;
    const std::pair<Micros, const char*> units[] = {
        {kMicrosPerDay, "d"}, {kMicrosPerHour, "h"}, {kMicrosPerMinute, "m"}, {kMicrosPerSecond, "s"}};
    for (const auto& [size, name] : units) {
        if (rest >= size) {
            out += piece(rest / size, name);
            rest %= size;
        }
    }
    out += subSecond(rest);
    return out;
}

std::string formatSize(std::uint64_t bytes)
{
    if (bytes == 0)
        return "0B";
    // Candidates that parse back exactly; the shortest wins, binary first on
    // a tie: 1MiB, 1.5MiB, 512MB (not 500000KiB), 1025B.
    std::string binaryText;
    const std::pair<std::uint64_t, const char*> binary[] = {
        {1ULL << 40, "TiB"}, {1ULL << 30, "GiB"}, {1ULL << 20, "MiB"}, {1ULL << 10, "KiB"}};
    for (const auto& [unit, name] : binary) {
        if (bytes < unit || !binaryText.empty())
            continue;
        const std::uint64_t whole = bytes / unit;
        const std::uint64_t rest = bytes % unit;
        if (rest == 0) {
            binaryText = std::to_string(whole) + name;
            continue;
        }
        std::uint64_t power = 1;
        for (int decimals = 1; decimals <= 2 && binaryText.empty(); ++decimals) {
            power *= 10;
            if ((rest * power) % unit == 0) {
                std::string digits = std::to_string(rest * power / unit);
                digits.insert(0, static_cast<std::size_t>(decimals) - digits.size(), '0');
                binaryText = std::to_string(whole) + "." + digits + name;
            }
        }
    }
    std::string decimalText;
    const std::pair<std::uint64_t, const char*> decimal[] = {
        {1000ULL * 1000 * 1000 * 1000, "TB"}, {1000ULL * 1000 * 1000, "GB"}, {1000ULL * 1000, "MB"},
        {1000ULL, "KB"}};
    for (const auto& [unit, name] : decimal) {
        if (decimalText.empty() && bytes >= unit && bytes % unit == 0)
            decimalText = std::to_string(bytes / unit) + name;
    }
    std::string best = std::to_string(bytes) + "B";
    for (const std::string* candidate : {&decimalText, &binaryText}) {
        if (!candidate->empty() && candidate->size() <= best.size())
            best = *candidate;
    }
    return best;
}

} // namespace fallback
