#include "sim/csvscan.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <system_error>

namespace fallback::csv {

TimeParse parseTimeSlow(std::string_view field, Micros& time)
{
    const std::string_view text = trimSpaces(field);
    double value = 0;
    const auto [stop, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || stop != text.data() + text.size() || std::isnan(value))
        return TimeParse::Bad;
    if (ec == std::errc::result_out_of_range)
        return value < 0 ? TimeParse::Negative : TimeParse::TooLarge;
    if (value < 0)
        return TimeParse::Negative;
    if (!(value <= static_cast<double>(kMaxSeconds)))
        return TimeParse::TooLarge;
    time = std::llround(value * 1e6);
    return TimeParse::Ok;
}

std::string formatSeconds(Micros time)
{
    std::string text = std::to_string(time / kMicrosPerSecond);
    if (const Micros fraction = time % kMicrosPerSecond) {
        char digits[16];
        std::snprintf(digits, sizeof digits, ".%06lld", static_cast<long long>(fraction));
        std::string_view view(digits);
        while (view.back() == '0')
            view.remove_suffix(1);
        text += view;
    }
    return text;
}

bool splitFields(std::string_view line, const char* lineStart, std::span<std::string_view> fields,
                 std::span<std::uint32_t> offsets, int& count, std::vector<char>& unquoted,
                 std::size_t& unquotedUsed, SplitError& error)
{
    const auto append = [&](const char* from, const char* to) {
        const auto size = static_cast<std::size_t>(to - from);
        std::memcpy(unquoted.data() + unquotedUsed, from, size);
        unquotedUsed += size;
    };
    const char* p = line.data();
    const char* const end = p + line.size();
    const std::size_t maxFields = fields.size();
    bool unquotedReady = false;
    std::size_t n = 0;
    for (;;) {
        const auto offset = static_cast<std::uint32_t>(p - lineStart);
        std::string_view field;
        if (p < end && *p == '"') {
            // RFC 4180: "" inside a quoted field is one quote. Fields without
            // it stay views into the buffer; the others are unescaped into
            // `unquoted`, sized for the whole line (and padded like the
            // buffer) before the first copy, so that it never reallocates
            // under views already handed out for this line.
            const char* run = p + 1;
            const char* scan = run;
            std::size_t copyStart = std::string::npos;
            for (;;) {
                const void* found = std::memchr(scan, '"', static_cast<std::size_t>(end - scan));
                if (!found) {
                    error = {offset + std::size_t{1}, "unterminated quoted field"};
                    return false;
                }
                const char* quote = static_cast<const char*>(found);
                if (quote + 1 < end && quote[1] == '"') {
                    if (!unquotedReady) {
                        if (unquoted.size() < line.size() + kPadding)
                            unquoted.resize(line.size() + kPadding);
                        unquotedUsed = 0;
                        unquotedReady = true;
                    }
                    if (copyStart == std::string::npos)
                        copyStart = unquotedUsed;
                    append(run, quote + 1);
                    scan = run = quote + 2;
                    continue;
                }
                if (copyStart == std::string::npos) {
                    field = {run, static_cast<std::size_t>(quote - run)};
                } else {
                    append(run, quote);
                    field = {unquoted.data() + copyStart, unquotedUsed - copyStart};
                }
                p = quote + 1;
                break;
            }
            if (p < end && *p != ',') {
                error = {static_cast<std::size_t>(p - lineStart) + 1,
                         "unexpected character after a closing quote"};
                return false;
            }
        } else {
            const char* stop = p;
            while (stop < end && *stop != ',')
                ++stop;
            field = {p, static_cast<std::size_t>(stop - p)};
            p = stop;
        }
        if (n < maxFields)
            fields[n] = field;
        if (n <= maxFields)
            offsets[n] = offset;
        ++n;
        if (p == end)
            break;
        ++p; // the comma
    }
    count = static_cast<int>(n);
    return true;
}

} // namespace fallback::csv
