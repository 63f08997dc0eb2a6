#include "util/isotime.h"

#include <ctime>

namespace fallback {

std::string isoTime(Micros time)
{
    const std::time_t seconds = static_cast<std::time_t>(time / kMicrosPerSecond);
    const int millis = static_cast<int>((time % kMicrosPerSecond) / kMicrosPerMilli);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char buffer[32];
    const std::size_t length = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &utc);
    std::string text(buffer, length);
    const int ms = millis < 0 ? 0 : millis % 1000;
    text += '.';
    text += static_cast<char>('0' + ms / 100);
    text += static_cast<char>('0' + ms / 10 % 10);
    text += static_cast<char>('0' + ms % 10);
    text += 'Z';
    return text;
}

std::optional<Micros> parseIsoTime(std::string_view text)
{
    // YYYY-MM-DDTHH:MM:SS[.mmm]Z, nothing else: the log writes only that.
    if (text.size() != 20 && text.size() != 24)
        return std::nullopt;
    const std::string_view digits = text.size() == 24 ? "dddd-dd-ddTdd:dd:dd.dddZ" : "dddd-dd-ddTdd:dd:ddZ";
    for (std::size_t i = 0; i < text.size(); ++i) {
        const bool ok = digits[i] == 'd' ? (text[i] >= '0' && text[i] <= '9') : text[i] == digits[i];
        if (!ok)
            return std::nullopt;
    }
    auto number = [&](std::size_t at, std::size_t length) {
        int value = 0;
        for (std::size_t i = at; i < at + length; ++i)
            value = value * 10 + (text[i] - '0');
        return value;
    };
    std::tm utc{};
    utc.tm_year = number(0, 4) - 1900;
    utc.tm_mon = number(5, 2) - 1;
    utc.tm_mday = number(8, 2);
    utc.tm_hour = number(11, 2);
    utc.tm_min = number(14, 2);
    utc.tm_sec = number(17, 2);
    if (utc.tm_mon > 11 || utc.tm_mday < 1 || utc.tm_mday > 31 || utc.tm_hour > 23 ||
        utc.tm_min > 59 || utc.tm_sec > 60)
        return std::nullopt;
    const std::time_t seconds = timegm(&utc);
    const int millis = text.size() == 24 ? number(20, 3) : 0;
    return static_cast<Micros>(seconds) * kMicrosPerSecond + millis * kMicrosPerMilli;
}

} // namespace fallback
