#include "sim/trace.h"

#include "policy/key.h"
#include "util/suggest.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <optional>

namespace fallback {

namespace {

constexpr std::array<std::string_view, TraceReader::kMaxColumns> kColumnNames{
    "time", "namespace", "id", "size", "op"};
constexpr std::array<std::string_view, 3> kOpNames{"get", "set", "delete"};
constexpr std::string_view kBom = "\xEF\xBB\xBF";
// 9e12 s (285,000 years) in microseconds still fits in an int64.
constexpr std::uint64_t kMaxSeconds = 9'000'000'000'000ULL;

enum class TimeParse { Ok, Bad, Negative, TooLarge };

bool isDigit(char c) { return static_cast<unsigned char>(c - '0') < 10; }

std::string_view trimSpaces(std::string_view text)
{
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    return text;
}

TimeParse parseTime(std::string_view field, Micros& time)
{
    // Fast path for what generators write, `digits[.digits]` with at most
    // microsecond precision: strtod-free, and exact (no binary rounding).
    const char* p = field.data();
    const char* const end = p + field.size();
    std::uint64_t seconds = 0;
    bool anyDigit = false;
    bool fast = true;
    for (; p < end && isDigit(*p); ++p) {
        seconds = seconds * 10 + static_cast<unsigned>(*p - '0');
        anyDigit = true;
        if (seconds > kMaxSeconds) {
            fast = false;
            break;
        }
    }
    std::uint64_t fraction = 0;
    int fractionDigits = 0;
    if (fast && p < end && *p == '.') {
        for (++p; p < end && isDigit(*p) && fractionDigits < 6; ++p, ++fractionDigits) {
            fraction = fraction * 10 + static_cast<unsigned>(*p - '0');
            anyDigit = true;
        }
    }
    if (fast && p == end && anyDigit) {
        static constexpr std::uint64_t kScale[] = {1000000, 100000, 10000, 1000, 100, 10, 1};
        time = static_cast<Micros>(seconds * 1000000 + fraction * kScale[fractionDigits]);
        return TimeParse::Ok;
    }

    // Everything else (exponents, more digits, spaces, signs) through from_chars.
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

bool hasControlCharacter(std::string_view text)
{
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f)
            return true;
    }
    return false;
}

std::optional<TraceOp> parseOp(std::string_view word)
{
    if (word == "get" || word.empty())
        return TraceOp::Get;
    if (word == "set")
        return TraceOp::Set;
    if (word == "delete")
        return TraceOp::Delete;
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
    m_buffer.resize(kChunkSize);
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
    const std::size_t wanted = m_buffer.size() - m_end;
    const std::size_t got = std::fread(m_buffer.data() + m_end, 1, wanted, m_file);
    m_end += got;
    if (got < wanted) {
        if (std::ferror(m_file))
            return fail(m_line + 1, 1, std::string("cannot read the trace: ") + std::strerror(errno),
                        true);
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
        if (m_end == m_buffer.size())
            m_buffer.resize(std::min(m_buffer.size() * 2, kMaxLineLength + 1));
        if (!fill())
            return false;
    }
    ++m_line;
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    return true;
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
            // m_unquoted, reserved to the line's size first so that it never
            // reallocates under views already handed out for this line.
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
                        m_unquoted.clear();
                        m_unquoted.reserve(line.size());
                        unquotedReady = true;
                    }
                    if (copyStart == std::string::npos)
                        copyStart = m_unquoted.size();
                    m_unquoted.append(run, quote + 1);
                    scan = run = quote + 2;
                    continue;
                }
                if (copyStart == std::string::npos) {
                    field = {run, static_cast<std::size_t>(quote - run)};
                } else {
                    m_unquoted.append(run, quote);
                    field = std::string_view(m_unquoted).substr(copyStart);
                }
                p = quote + 1;
                break;
            }
            if (p < end && *p != ',')
                return fail(m_line, static_cast<std::size_t>(p - m_lineStart) + 1,
                            "unexpected character after a closing quote");
        } else {
            const void* comma = std::memchr(p, ',', static_cast<std::size_t>(end - p));
            const char* stop = comma ? static_cast<const char*>(comma) : end;
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
    const std::size_t upperBound = 1 + static_cast<std::size_t>(std::count(line.begin(), line.end(), ','));
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
            const std::string suggestion = nearestMatch(name, std::span<const std::string_view>(kColumnNames));
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

bool TraceReader::validNamespace(std::string_view ns, std::string& why)
{
    // Traces use a handful of namespaces: remember the good ones so that the
    // full check runs once per name, not once per row. Bounded, so that a
    // trace with very many names costs time, never memory.
    for (const std::string& known : m_knownNamespaces)
        if (known == ns)
            return true;
    why = checkNamespaceName(ns);
    if (!why.empty())
        return false;
    if (m_knownNamespaces.size() < 64)
        m_knownNamespaces.emplace_back(ns);
    return true;
}

bool TraceReader::parseRow(std::string_view line, TraceRecord& record)
{
    m_lineStart = line.data();
    int count = 0;
    if (!splitFields(line, std::span(m_fields.data(), static_cast<std::size_t>(m_columnCount)),
                     std::span(m_fieldOffset.data(), static_cast<std::size_t>(m_columnCount) + 1),
                     count))
        return false;
    if (count != m_columnCount) {
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
        return fail(m_line, column(m_timeColumn), "bad time " + quoteForMessage(timeText) + ": negative");
    case TimeParse::TooLarge:
        return fail(m_line, column(m_timeColumn),
                    "bad time " + quoteForMessage(timeText) + ": more than 9000000000000 seconds");
    }
    if (time < m_lastTime)
        return fail(m_line, column(m_timeColumn),
                    "time " + formatSeconds(time) + " is before the previous row's " +
                        formatSeconds(m_lastTime));

    const std::string_view ns = m_fields[static_cast<std::size_t>(m_nsColumn)];
    std::string why;
    if (!validNamespace(ns, why))
        return fail(m_line, column(m_nsColumn), why);

    // The contract's rule inline (1-512 bytes, no control characters): the
    // full check, which builds a message, runs only for a bad id.
    const std::string_view id = m_fields[static_cast<std::size_t>(m_idColumn)];
    if (id.empty() || id.size() > kMaxResourceIdLength || hasControlCharacter(id)) {
        why = checkResourceId(id);
        if (why.empty())
            why = "bad resource id: 1 to 512 bytes without control characters";
        return fail(m_line, column(m_idColumn), why);
    }

    std::uint32_t size = 0;
    if (m_sizeColumn >= 0) {
        const std::string_view sizeText = m_fields[static_cast<std::size_t>(m_sizeColumn)];
        const std::string_view digits = trimSpaces(sizeText);
        const auto [stop, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), size);
        if (!digits.empty() && (ec != std::errc() || stop != digits.data() + digits.size())) {
            const bool tooLarge = ec == std::errc::result_out_of_range &&
                                  stop == digits.data() + digits.size();
            return fail(m_line, column(m_sizeColumn),
                        tooLarge ? "size " + std::string(digits) + " is too large: at most 4294967295 bytes"
                                 : "bad size " + quoteForMessage(sizeText) + ": expected a whole number of bytes");
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
            const std::string suggestion = nearestMatch(word, std::span<const std::string_view>(kOpNames));
            return fail(m_line, column(m_opColumn),
                        "unknown op " + quoteForMessage(opText) +
                            (suggestion.empty() ? std::string(": expected get, set or delete")
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
    std::string_view line;
    while (!m_failed && nextLine(line)) {
        if (line.empty())
            continue;
        if (parseRow(line, record))
            return true;
        // A bad row stops next() (fail() set m_failed) unless lint() collects.
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
