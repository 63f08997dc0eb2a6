#pragma once

// Internal to the trace reader (sim/trace.cpp): the byte-level CSV scanning
// and the hand-written number parsing of the fast path. The hot functions
// are inline here so that they are inlined into TraceReader::next() as
// before; the rare paths live in csvscan.cpp.

#include "util/text.h"
#include "util/units.h"

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace fallback::csv {

// Bytes kept readable after the data, so that word-at-a-time scans may read
// past the end of the last line.
inline constexpr std::size_t kPadding = 64;
// 9e12 s (285,000 years) in microseconds still fits in an int64.
inline constexpr std::uint64_t kMaxSeconds = 9'000'000'000'000ULL;

enum class TimeParse { Ok, Bad, Negative, TooLarge };

/// High bit set in each byte of `word` that is zero, and only in those.
inline std::uint64_t zeroBytes(std::uint64_t word)
{
    constexpr std::uint64_t kLow7 = 0x7F7F7F7F7F7F7F7FULL;
    return ~(((word & kLow7) + kLow7) | word | kLow7);
}

/// The 8 bytes at `p`, which must be readable: every field lies in the
/// buffer, which has kPadding bytes after the data.
inline std::uint64_t load8(const char* p)
{
    std::uint64_t word;
    std::memcpy(&word, p, 8);
    return word;
}

/// Mask of the first `n` bits of a word, all of them from 64 on.
inline std::uint64_t firstBits(std::size_t n)
{
    return n >= 64 ? ~0ULL : (1ULL << n) - 1;
}

/// Mask of the first `n` bytes of a word, n in [0, 8].
inline std::uint64_t firstBytes(std::size_t n)
{
    return n >= 8 ? ~0ULL : (1ULL << (8 * n)) - 1;
}

/// Parses the n digits at p, n in [1, 8], without a branch per digit (a
/// mispredicted loop exit per field cost more than the parsing): Lemire's
/// eight-digit SWAR. False when one of them is not a digit.
[[gnu::always_inline]] inline bool parseDigits8(const char* p, std::size_t n, std::uint64_t& value)
{
    if constexpr (std::endian::native != std::endian::little)
        return false;
    constexpr std::uint64_t kZeros = 0x3030303030303030ULL;
    constexpr std::uint64_t kHigh = 0xF0F0F0F0F0F0F0F0ULL;
    const std::uint64_t keep = firstBytes(n);
    std::uint64_t word = (load8(p) & keep) | (kZeros & ~keep);
    if (((word & kHigh) | (((word + 0x0606060606060606ULL) & kHigh) >> 4)) != 0x3333333333333333ULL)
        return false;
    word = (word - kZeros) << (8 * (8 - n)); // leading zeros in the low bytes
    word = word * 10 + (word >> 8);
    word = (((word & 0x000000FF000000FFULL) * 0x000F424000000064ULL) +
            (((word >> 16) & 0x000000FF000000FFULL) * 0x0000271000000001ULL)) >>
           32;
    value = word;
    return true;
}

/// Parses the n digits at p, n in [1, 16]. False when one is not a digit.
[[gnu::always_inline]] inline bool parseDigits(const char* p, std::size_t n, std::uint64_t& value)
{
    if (n <= 8)
        return n > 0 && parseDigits8(p, n, value);
    for (; n > 16 && *p == '0'; --n) // rare: zero-padded numbers
        ++p;
    std::uint64_t high = 0, low = 0;
    if (n > 16 || !parseDigits8(p, n - 8, high) || !parseDigits8(p + n - 8, 8, low))
        return false;
    value = high * 100'000'000 + low;
    return true;
}

/// Spaces and tabs around a field (util/text.h; not inline, so it stays out
/// of TraceReader::next()).
using fallback::trimSpaces;

/// Times that are not plain `digits[.digits]`: exponents, more than 6
/// decimals (rounded to the microsecond), spaces, signs.
TimeParse parseTimeSlow(std::string_view field, Micros& time);

/// Seconds from the trace start, `field` followed by readable bytes.
[[gnu::always_inline]] inline TimeParse parseTime(std::string_view field, Micros& time)
{
    // What generators write, `digits[.digits]` with at most 16 + 6 digits:
    // without strtod, exact (no binary rounding), and without a branch per
    // digit.
    const std::size_t n = field.size();
    if (n > 0) {
        const std::uint64_t dots =
            zeroBytes(load8(field.data()) ^ 0x2E2E2E2E2E2E2E2EULL) & firstBytes(n);
        std::size_t whole = dots ? static_cast<std::size_t>(std::countr_zero(dots)) / 8 : n;
        if (!dots && n > 8)
            whole = std::min(field.find('.', 8), n);
        const std::size_t fractionDigits = whole < n ? n - whole - 1 : 0;
        std::uint64_t seconds = 0, fraction = 0;
        if (fractionDigits <= 6 && whole + fractionDigits > 0 &&
            (whole == 0 || parseDigits(field.data(), whole, seconds)) &&
            (fractionDigits == 0 ||
             parseDigits8(field.data() + whole + 1, fractionDigits, fraction))) {
            if (seconds > kMaxSeconds)
                return TimeParse::TooLarge;
            static constexpr std::uint64_t kScale[] = {1000000, 100000, 10000, 1000, 100, 10, 1};
            time = static_cast<Micros>(seconds * 1000000 + fraction * kScale[fractionDigits]);
            return TimeParse::Ok;
        }
    }
    return parseTimeSlow(field, time);
}

/// Seconds with up to 6 decimals and no trailing zeros: `4`, `3.5`, `0.000001`.
std::string formatSeconds(Micros time);

/// A byte below 0x20 or 0x7f, eight bytes at a time.
inline bool hasControlCharacter(std::string_view text)
{
    for (std::size_t at = 0; at < text.size(); at += 8) {
        const std::uint64_t keep = firstBytes(text.size() - at);
        // Bytes past the text become 'a', which is neither.
        const std::uint64_t word =
            (load8(text.data() + at) & keep) | (0x6161616161616161ULL & ~keep);
        if (zeroBytes(word & 0xE0E0E0E0E0E0E0E0ULL) | zeroBytes(word ^ 0x7F7F7F7F7F7F7F7FULL))
            return true;
    }
    return false;
}

/// Bytes: digits, maybe with spaces around; empty means unknown (0). False
/// on anything else and above 2^32 - 1. Forced inline: with external
/// linkage GCC would no longer inline it into TraceReader::next().
[[gnu::always_inline]] inline bool parseByteCount(std::string_view text, std::uint32_t& size)
{
    std::uint64_t value = 0;
    if (!parseDigits(text.data(), text.size(), value)) {
        text = trimSpaces(text);
        if (!text.empty() && !parseDigits(text.data(), text.size(), value))
            return false;
    }
    size = static_cast<std::uint32_t>(value);
    return value <= 0xFFFFFFFFULL;
}

/// Bit i of each mask: byte i of a 64-byte block is a comma, newline or quote.
struct Separators {
    std::uint64_t commas = 0, newlines = 0, quotes = 0;
};

/// The separators of the 64 bytes at `p` (all readable); bytes from
/// `available` on are masked off (they are padding or stale data).
inline Separators findSeparators(const char* p, std::size_t available)
{
    std::uint64_t commas = 0, newlines = 0, quotes = 0;
#if defined(__SSE2__)
    const __m128i comma = _mm_set1_epi8(','), newline = _mm_set1_epi8('\n'),
                  quote = _mm_set1_epi8('"');
    for (int i = 0; i < 4; ++i) {
        const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i));
        const auto bits = [&](__m128i wanted) {
            return static_cast<std::uint64_t>(
                       static_cast<std::uint16_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, wanted))))
                   << (16 * i);
        };
        commas |= bits(comma);
        newlines |= bits(newline);
        quotes |= bits(quote);
    }
#else
    // Eight bytes at a time; the multiply gathers the bytes' high bits.
    for (int i = 0; i < 8; ++i) {
        std::uint64_t word = load8(p + 8 * i);
        if constexpr (std::endian::native == std::endian::big)
            word = __builtin_bswap64(word);
        const auto bits = [&](std::uint64_t pattern) {
            return ((zeroBytes(word ^ pattern) * 0x02040810204081ULL) >> 56) << (8 * i);
        };
        commas |= bits(0x2C2C2C2C2C2C2C2CULL);
        newlines |= bits(0x0A0A0A0A0A0A0A0AULL);
        quotes |= bits(0x2222222222222222ULL);
    }
#endif
    const std::uint64_t inData = firstBits(available);
    return {commas & inData, newlines & inData, quotes & inData};
}

/// Where splitFields() stopped on a quoting error: the 1-based byte column
/// in the line and why.
struct SplitError {
    std::size_t column = 0;
    const char* message = "";
};

/// Splits `line`, which starts at `lineStart` (offsets are from there),
/// into fields, RFC 4180 quotes allowed. The first fields.size() go to
/// `fields`; offsets has one more slot, for where the first extra field
/// starts. `count` is the number of fields found, even past fields.size().
/// Quoted fields with `""` are unescaped into `unquoted` (from
/// `unquotedUsed` = 0 on, padded like the buffer); the others stay views
/// into the line. False on a quoting error, described in `error`.
bool splitFields(std::string_view line, const char* lineStart, std::span<std::string_view> fields,
                 std::span<std::uint32_t> offsets, int& count, std::vector<char>& unquoted,
                 std::size_t& unquotedUsed, SplitError& error);

} // namespace fallback::csv
