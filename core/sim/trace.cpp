#include "sim/trace.h"

#include "policy/key.h"
#include "util/suggest.h"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <optional>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace fallback {

namespace {

constexpr std::array<std::string_view, TraceReader::kMaxColumns> kColumnNames{"time", "namespace",
                                                                              "id", "size", "op"};
constexpr std::array<std::string_view, 3> kOpNames{"get", "set", "delete"};
constexpr std::string_view kBom = "\xEF\xBB\xBF";
// Bytes kept readable after the data, so that word-at-a-time scans may read
// past the end of the last line.
constexpr std::size_t kPadding = 64;
// 9e12 s (285,000 years) in microseconds still fits in an int64.
constexpr std::uint64_t kMaxSeconds = 9'000'000'000'000ULL;

enum class TimeParse { Ok, Bad, Negative, TooLarge };

/// High bit set in each byte of `word` that is zero, and only in those.
std::uint64_t zeroBytes(std::uint64_t word)
{
    constexpr std::uint64_t kLow7 = 0x7F7F7F7F7F7F7F7FULL;
    return ~(((word & kLow7) + kLow7) | word | kLow7);
}

/// The 8 bytes at `p`, which must be readable: every field lies in the
/// buffer, which has kPadding bytes after the data.
std::uint64_t load8(const char* p)
{
    std::uint64_t word;
    std::memcpy(&word, p, 8);
    return word;
}

/// Mask of the first `n` bits of a word, all of them from 64 on.
std::uint64_t firstBits(std::size_t n)
{
    return n >= 64 ? ~0ULL : (1ULL << n) - 1;
}

/// Mask of the first `n` bytes of a word, n in [0, 8].
std::uint64_t firstBytes(std::size_t n)
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

std::string_view trimSpaces(std::string_view text)
{
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    return text;
}

/// Times that are not plain `digits[.digits]`: exponents, more than 6
/// decimals (rounded to the microsecond), spaces, signs.
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

/// A byte below 0x20 or 0x7f, eight bytes at a time.
bool hasControlCharacter(std::string_view text)
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
/// on anything else and above 2^32 - 1.
bool parseByteCount(std::string_view text, std::uint32_t& size)
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

std::optional<TraceOp> parseOp(std::string_view word)
{
    if constexpr (std::endian::native != std::endian::little) {
        if (word == "get" || word.empty())
            return TraceOp::Get;
        if (word == "set")
            return TraceOp::Set;
        return word == "delete" ? std::optional(TraceOp::Delete) : std::nullopt;
    }
    // Whole-word compares: `word` is followed by readable bytes.
    const std::uint64_t head = load8(word.data());
    if (word.size() == 3) {
        if ((head & 0xFFFFFF) == 0x746567) // "get"
            return TraceOp::Get;
        if ((head & 0xFFFFFF) == 0x746573) // "set"
            return TraceOp::Set;
    } else if (word.size() == 6 && (head & 0xFFFFFFFFFFFFULL) == 0x6574656C6564ULL) { // "delete"
        return TraceOp::Delete;
    } else if (word.empty()) {
        return TraceOp::Get;
    }
    return std::nullopt;
}

} // namespace

TraceReader::TraceReader(std::string path, std::string fileLabel)
    : TraceReader(std::move(path), std::move(fileLabel), nullptr, 0)
{
}

TraceReader::TraceReader(std::string path, std::string fileLabel, Diagnostics* sink,
                         std::size_t maxErrors)
    : m_path(std::move(path)), m_label(std::move(fileLabel))
{
    if (m_label.empty())
        m_label = m_path;
    m_lintSink = sink;
    m_lintLeft = maxErrors == 0 ? static_cast<std::size_t>(-1) : maxErrors;

    m_file = std::fopen(m_path.c_str(), "rb");
    if (!m_file) {
        fail(1, 1, std::string("cannot open the trace: ") + std::strerror(errno), true);
        return;
    }
    // We read in large blocks ourselves: stdio's own buffer would only add a copy.
    std::setvbuf(m_file, nullptr, _IONBF, 0);
    std::error_code ec;
    const auto size = std::filesystem::file_size(m_path, ec);
    m_fileSize = ec ? 0 : static_cast<std::uint64_t>(size);
    m_buffer.resize(kChunkSize + kPadding);
    m_knownNamespaces.reserve(16);
    if (!parseHeader())
        m_failed = true;
}

TraceReader::~TraceReader()
{
    if (m_file)
        std::fclose(m_file);
}

bool TraceReader::fail(std::uint64_t line, std::size_t column, std::string message, bool fatal)
{
    if (m_error.message.empty()) {
        m_error.file = m_label;
        m_error.line = static_cast<int>(line);
        m_error.column = static_cast<int>(column);
        m_error.message = message;
    }
    if (m_lintSink) {
        if (m_lintLeft > 0) {
            m_lintSink->error(m_label, static_cast<int>(line), static_cast<int>(column),
                              std::move(message));
            --m_lintLeft;
        }
        if (fatal || m_lintLeft == 0)
            m_failed = true;
    } else {
        m_failed = true;
    }
    return false;
}

bool TraceReader::fill()
{
    const std::size_t wanted = m_buffer.size() - kPadding - m_end;
    const std::size_t got = std::fread(m_buffer.data() + m_end, 1, wanted, m_file);
    m_end += got;
    if (got < wanted) {
        if (std::ferror(m_file))
            return fail(m_line + 1, 1,
                        std::string("cannot read the trace: ") + std::strerror(errno), true);
        m_eof = true;
    }
    return true;
}

bool TraceReader::nextLine(std::string_view& line)
{
    for (;;) {
        char* const data = m_buffer.data();
        const std::size_t from = std::max(m_begin, m_scan);
        if (const void* found = std::memchr(data + from, '\n', m_end - from)) {
            const char* newline = static_cast<const char*>(found);
            line = {data + m_begin, static_cast<std::size_t>(newline - (data + m_begin))};
            m_begin = static_cast<std::size_t>(newline - data) + 1;
            m_consumed += line.size() + 1;
            break;
        }
        m_scan = m_end; // no newline up to here: do not search it again
        if (m_eof) {
            if (m_begin == m_end || m_failed)
                return false;
            // The last line has no final newline.
            line = {data + m_begin, m_end - m_begin};
            m_begin = m_end;
            m_consumed += line.size();
            break;
        }
        const std::size_t partial = m_end - m_begin;
        if (partial >= kMaxLineLength)
            return fail(m_line + 1, 1, "line longer than 64 MiB", true);
        // Keep the partial line and read the rest behind it; grow only when
        // the line alone fills the buffer.
        if (m_begin > 0) {
            std::memmove(data, data + m_begin, partial);
            m_scan -= m_begin;
            m_end = partial;
            m_begin = 0;
        }
        const std::size_t usable = m_buffer.size() - kPadding;
        if (m_end == usable)
            m_buffer.resize(std::min(usable * 2, kMaxLineLength + 1) + kPadding);
        if (!fill())
            return false;
    }
    ++m_line;
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    return true;
}

void TraceReader::appendUnquoted(const char* from, const char* to)
{
    const auto size = static_cast<std::size_t>(to - from);
    std::memcpy(m_unquoted.data() + m_unquotedUsed, from, size);
    m_unquotedUsed += size;
}

bool TraceReader::splitFields(std::string_view line, std::span<std::string_view> fields,
                              std::span<std::uint32_t> offsets, int& count)
{
    const char* p = line.data();
    const char* const end = p + line.size();
    const std::size_t maxFields = fields.size();
    bool unquotedReady = false;
    std::size_t n = 0;
    for (;;) {
        const auto offset = static_cast<std::uint32_t>(p - m_lineStart);
        std::string_view field;
        if (p < end && *p == '"') {
            // RFC 4180: "" inside a quoted field is one quote. Fields without
            // it stay views into the buffer; the others are unescaped into
            // m_unquoted, sized for the whole line (and padded like the
            // buffer) before the first copy, so that it never reallocates
            // under views already handed out for this line.
            const char* run = p + 1;
            const char* scan = run;
            std::size_t copyStart = std::string::npos;
            for (;;) {
                const void* found = std::memchr(scan, '"', static_cast<std::size_t>(end - scan));
                if (!found)
                    return fail(m_line, offset + 1, "unterminated quoted field");
                const char* quote = static_cast<const char*>(found);
                if (quote + 1 < end && quote[1] == '"') {
                    if (!unquotedReady) {
                        if (m_unquoted.size() < line.size() + kPadding)
                            m_unquoted.resize(line.size() + kPadding);
                        m_unquotedUsed = 0;
                        unquotedReady = true;
                    }
                    if (copyStart == std::string::npos)
                        copyStart = m_unquotedUsed;
                    appendUnquoted(run, quote + 1);
                    scan = run = quote + 2;
                    continue;
                }
                if (copyStart == std::string::npos) {
                    field = {run, static_cast<std::size_t>(quote - run)};
                } else {
                    appendUnquoted(run, quote);
                    field = {m_unquoted.data() + copyStart, m_unquotedUsed - copyStart};
                }
                p = quote + 1;
                break;
            }
            if (p < end && *p != ',')
                return fail(m_line, static_cast<std::size_t>(p - m_lineStart) + 1,
                            "unexpected character after a closing quote");
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

void TraceReader::loadBlock()
{
    // Bit i of each mask: byte m_blockPos + i is a comma, newline or quote.
    // Bytes from m_end on are masked off (they are padding or stale data).
    const char* p = m_buffer.data() + m_blockPos;
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
    const std::uint64_t inData = firstBits(m_end - m_blockPos);
    m_commaBits = commas & inData;
    m_newlineBits = newlines & inData;
    m_quoteBits = quotes & inData;
}

[[gnu::always_inline]] inline bool TraceReader::scanRow(std::string_view& line, int& count)
{
    // The fast path (simdcsv's idea): bitmaps of the commas, newlines and
    // quotes of 64 bytes at a time, then one step per comma. A branch per
    // byte mispredicts at every field end, which cost more than everything
    // else in a row. Inlined into next(), as is parseRow(): the calls cost
    // 10 % of the time per row.
    if (!m_blockValid) {
        m_blockPos = m_begin;
        loadBlock();
        m_blockValid = true;
    }
    // Locals, not members, in the loop: stores to m_fields could otherwise
    // alias them and force reloads.
    const char* const data = m_buffer.data();
    const auto maxFields = static_cast<std::size_t>(m_columnCount);
    const std::size_t rowStart = m_begin;
    std::uint64_t commas = m_commaBits, newlines = m_newlineBits;
    std::size_t blockPos = m_blockPos;
    std::size_t fieldStart = rowStart;
    std::size_t n = 0;
    for (;;) {
        // This block's part of the row: the bits below its first newline.
        const std::uint64_t newline = newlines & (0 - newlines);
        const std::uint64_t inRow = newline - 1; // all bits when no newline
        if (m_quoteBits & inRow) {
            // A quote in this row: the general path reads it.
            m_blockValid = false;
            return false;
        }
        for (std::uint64_t ends = commas & inRow; ends; ends &= ends - 1) {
            const std::size_t at = blockPos + static_cast<std::size_t>(std::countr_zero(ends));
            // Fields past the header's count go to a spare slot: parseRow()
            // only counts them.
            const std::size_t slot = std::min(n, maxFields);
            m_fields[slot] = {data + fieldStart, at - fieldStart};
            m_fieldOffset[slot] = static_cast<std::uint32_t>(fieldStart - rowStart);
            ++n;
            fieldStart = at + 1;
        }
        if (!newline) {
            m_blockPos = blockPos += 64;
            if (blockPos >= m_end) {
                // The row goes on past the data read: nextLine() reads more.
                m_blockValid = false;
                return false;
            }
            loadBlock();
            commas = m_commaBits;
            newlines = m_newlineBits;
            continue;
        }
        const std::size_t at = blockPos + static_cast<std::size_t>(std::countr_zero(newline));
        const std::size_t end = at > rowStart && data[at - 1] == '\r' ? at - 1 : at;
        const std::size_t slot = std::min(n, maxFields);
        m_fields[slot] = {data + fieldStart, end - fieldStart};
        m_fieldOffset[slot] = static_cast<std::uint32_t>(fieldStart - rowStart);
        const std::uint64_t consumed = inRow | newline;
        m_commaBits = commas & ~consumed;
        m_newlineBits = newlines & ~consumed;
        m_begin = at + 1;
        m_consumed += at + 1 - rowStart;
        ++m_line;
        line = {data + rowStart, end - rowStart};
        count = static_cast<int>(n + 1);
        return true;
    }
}

bool TraceReader::parseHeader()
{
    std::string_view line;
    for (;;) {
        if (!nextLine(line)) {
            if (!m_failed)
                fail(std::max<std::uint64_t>(m_line, 1), 1,
                     "the trace is empty: expected a header row like 'time,namespace,id,size,op'");
            return false;
        }
        if (m_line == 1 && line.starts_with(kBom))
            line.remove_prefix(kBom.size());
        if (!line.empty())
            break;
    }
    m_lineStart = line.data();

    // Only the header may name unknown columns, so it gets its own vectors.
    const std::size_t upperBound =
        1 + static_cast<std::size_t>(std::count(line.begin(), line.end(), ','));
    std::vector<std::string_view> fields(upperBound);
    std::vector<std::uint32_t> offsets(upperBound + 1);
    int count = 0;
    if (!splitFields(line, fields, offsets, count))
        return false;

    Micros ignored = 0;
    if (parseTime(fields[0], ignored) == TimeParse::Ok)
        return fail(m_line, 1,
                    "missing header row: the first line must name the columns, like "
                    "'time,namespace,id,size,op'");

    std::array<int*, kMaxColumns> slots{&m_timeColumn, &m_nsColumn, &m_idColumn, &m_sizeColumn,
                                        &m_opColumn};
    bool good = true;
    for (int i = 0; i < count; ++i) {
        std::string name(trimSpaces(fields[static_cast<std::size_t>(i)]));
        std::transform(name.begin(), name.end(), name.begin(),
                       [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; });
        const std::size_t column = offsets[static_cast<std::size_t>(i)] + 1;
        const auto known = std::find(kColumnNames.begin(), kColumnNames.end(), name);
        if (known == kColumnNames.end()) {
            const std::string suggestion =
                nearestMatch(name, std::span<const std::string_view>(kColumnNames));
            fail(m_line, column,
                 "unknown column " + quoteForMessage(fields[static_cast<std::size_t>(i)]) +
                     (suggestion.empty() ? std::string(": expected time, namespace, id, size or op")
                                         : "; did you mean " + quoteForMessage(suggestion) + "?"));
            good = false;
            continue;
        }
        int& slot = *slots[static_cast<std::size_t>(known - kColumnNames.begin())];
        if (slot >= 0) {
            fail(m_line, column, "duplicate column " + quoteForMessage(name));
            good = false;
            continue;
        }
        slot = i;
        if (!m_headerText.empty())
            m_headerText += ',';
        m_headerText += name;
    }
    for (std::size_t k = 0; k < 3; ++k) {
        if (*slots[k] < 0) {
            fail(m_line, 1,
                 "missing column " + quoteForMessage(kColumnNames[k]) +
                     ": the header must name time, namespace and id");
            good = false;
        }
    }
    m_columnCount = count;
    return good;
}

[[gnu::always_inline]] inline bool TraceReader::validNamespace(std::string_view ns)
{
    // Traces use a handful of namespaces: remember the good ones so that the
    // full check runs once per name, not once per row. Bounded, so that a
    // trace with very many names costs time, never memory.
    const std::uint64_t head = load8(ns.data()) & firstBytes(ns.size());
    for (const KnownName& known : m_knownNamespaces) {
        if (known.head == head && known.name.size() == ns.size() &&
            (ns.size() <= 8 ||
             std::memcmp(known.name.data() + 8, ns.data() + 8, ns.size() - 8) == 0))
            return true;
    }
    return rememberNamespace(ns, head);
}

bool TraceReader::rememberNamespace(std::string_view ns, std::uint64_t head)
{
    if (!checkNamespaceName(ns).empty())
        return false;
    if (m_knownNamespaces.size() < 64)
        m_knownNamespaces.push_back({head, std::string(ns)});
    return true;
}

[[gnu::always_inline]] inline bool TraceReader::parseRow(std::string_view line, int count,
                                                         TraceRecord& record)
{
    if (count != m_columnCount) {
        if (count > m_columnCount) {
            // scanRow() kept the last extra field's offset: find the first.
            m_lineStart = line.data();
            splitFields(line, std::span(m_fields.data(), std::size_t(m_columnCount)),
                        std::span(m_fieldOffset.data(), std::size_t(m_columnCount) + 1), count);
        }
        const std::size_t column = count < m_columnCount
                                       ? line.size() + 1
                                       : m_fieldOffset[static_cast<std::size_t>(m_columnCount)] + 1;
        return fail(m_line, column,
                    "expected " + std::to_string(m_columnCount) + " fields (" + m_headerText +
                        "), found " + std::to_string(count));
    }
    const auto column = [this](int index) {
        return static_cast<std::size_t>(m_fieldOffset[static_cast<std::size_t>(index)]) + 1;
    };

    const std::string_view timeText = m_fields[static_cast<std::size_t>(m_timeColumn)];
    Micros time = 0;
    switch (parseTime(timeText, time)) {
    case TimeParse::Ok:
        break;
    case TimeParse::Bad:
        return fail(m_line, column(m_timeColumn),
                    timeText.empty() ? std::string("missing time")
                                     : "bad time " + quoteForMessage(timeText) +
                                           ": expected seconds from the trace start, like 12.5");
    case TimeParse::Negative:
        return fail(m_line, column(m_timeColumn),
                    "bad time " + quoteForMessage(timeText) + ": negative");
    case TimeParse::TooLarge:
        return fail(m_line, column(m_timeColumn),
                    "bad time " + quoteForMessage(timeText) + ": more than 9000000000000 seconds");
    }
    if (time < m_lastTime)
        return fail(m_line, column(m_timeColumn),
                    "time " + formatSeconds(time) + " is before the previous row's " +
                        formatSeconds(m_lastTime));

    const std::string_view ns = m_fields[static_cast<std::size_t>(m_nsColumn)];
    if (!validNamespace(ns))
        return fail(m_line, column(m_nsColumn), checkNamespaceName(ns));

    // The contract's rule inline (1-512 bytes, no control characters): the
    // full check, which builds a message, runs only for a bad id.
    const std::string_view id = m_fields[static_cast<std::size_t>(m_idColumn)];
    if (id.empty() || id.size() > kMaxResourceIdLength || hasControlCharacter(id)) {
        std::string why = checkResourceId(id);
        if (why.empty())
            why = "bad resource id: 1 to 512 bytes without control characters";
        return fail(m_line, column(m_idColumn), std::move(why));
    }

    std::uint32_t size = 0;
    if (m_sizeColumn >= 0) {
        const std::string_view sizeText = m_fields[static_cast<std::size_t>(m_sizeColumn)];
        if (!parseByteCount(sizeText, size)) {
            const std::string_view digits = trimSpaces(sizeText);
            const auto [stop, ec] =
                std::from_chars(digits.data(), digits.data() + digits.size(), size);
            const bool tooLarge =
                ec == std::errc::result_out_of_range && stop == digits.data() + digits.size();
            return fail(m_line, column(m_sizeColumn),
                        tooLarge ? "size " + std::string(digits) +
                                       " is too large: at most 4294967295 bytes"
                                 : "bad size " + quoteForMessage(sizeText) +
                                       ": expected a whole number of bytes");
        }
    }

    TraceOp op = TraceOp::Get;
    if (m_opColumn >= 0) {
        const std::string_view opText = m_fields[static_cast<std::size_t>(m_opColumn)];
        std::optional<TraceOp> parsed = parseOp(opText);
        if (!parsed)
            parsed = parseOp(trimSpaces(opText));
        if (parsed) {
            op = *parsed;
        } else {
            const std::string_view word = trimSpaces(opText);
            const std::string suggestion =
                nearestMatch(word, std::span<const std::string_view>(kOpNames));
            return fail(m_line, column(m_opColumn),
                        "unknown op " + quoteForMessage(opText) +
                            (suggestion.empty()
                                 ? std::string(": expected get, set or delete")
                                 : "; did you mean " + quoteForMessage(suggestion) + "?"));
        }
    }

    m_lastTime = time;
    record.time = time;
    record.ns = ns;
    record.id = id;
    record.size = size;
    record.op = op;
    record.line = m_line;
    return true;
}

bool TraceReader::next(TraceRecord& record)
{
    // A bad row stops next() (fail() sets m_failed) unless lint() collects.
    while (!m_failed) {
        std::string_view line;
        int count = 0;
        if (!scanRow(line, count)) {
            // Quotes, a line across the end of the buffer, or the last line
            // without a newline.
            m_blockValid = false;
            if (!nextLine(line))
                return false;
            if (line.empty())
                continue;
            m_lineStart = line.data();
            if (!splitFields(
                    line, std::span(m_fields.data(), static_cast<std::size_t>(m_columnCount)),
                    std::span(m_fieldOffset.data(), static_cast<std::size_t>(m_columnCount) + 1),
                    count))
                continue;
        }
        if (line.empty())
            continue;
        if (parseRow(line, count, record))
            return true;
    }
    return false;
}

Diagnostics TraceReader::lint(const std::string& path, const std::string& fileLabel,
                              std::size_t maxErrors)
{
    Diagnostics diagnostics;
    TraceReader reader(path, fileLabel, &diagnostics, maxErrors);
    TraceRecord record;
    while (reader.next(record)) {
    }
    return diagnostics;
}

} // namespace fallback
