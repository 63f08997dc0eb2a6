#include "sim/trace.h"

#include "policy/key.h"
#include "sim/csvscan.h"
#include "util/suggest.h"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <optional>

namespace fallback {

namespace {

constexpr std::array<std::string_view, TraceReader::kMaxColumns> kColumnNames{"time", "namespace",
                                                                              "id", "size", "op"};
constexpr std::array<std::string_view, 3> kOpNames{"get", "set", "delete"};
constexpr std::string_view kBom = "\xEF\xBB\xBF";

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
    const std::uint64_t head = csv::load8(word.data());
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
    m_buffer.resize(kChunkSize + csv::kPadding);
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
    const std::size_t wanted = m_buffer.size() - csv::kPadding - m_end;
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
        const std::size_t usable = m_buffer.size() - csv::kPadding;
        if (m_end == usable)
            m_buffer.resize(std::min(usable * 2, kMaxLineLength + 1) + csv::kPadding);
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
    csv::SplitError error;
    if (csv::splitFields(line, m_lineStart, fields, offsets, count, m_unquoted, m_unquotedUsed,
                         error))
        return true;
    return fail(m_line, error.column, error.message);
}

void TraceReader::loadBlock()
{
    // Bit i of each mask: byte m_blockPos + i is a comma, newline or quote.
    const csv::Separators found =
        csv::findSeparators(m_buffer.data() + m_blockPos, m_end - m_blockPos);
    m_commaBits = found.commas;
    m_newlineBits = found.newlines;
    m_quoteBits = found.quotes;
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
    if (csv::parseTime(fields[0], ignored) == csv::TimeParse::Ok)
        return fail(m_line, 1,
                    "missing header row: the first line must name the columns, like "
                    "'time,namespace,id,size,op'");

    std::array<int*, kMaxColumns> slots{&m_timeColumn, &m_nsColumn, &m_idColumn, &m_sizeColumn,
                                        &m_opColumn};
    bool good = true;
    for (int i = 0; i < count; ++i) {
        std::string name(csv::trimSpaces(fields[static_cast<std::size_t>(i)]));
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
    const std::uint64_t head = csv::load8(ns.data()) & csv::firstBytes(ns.size());
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
    switch (csv::parseTime(timeText, time)) {
    case csv::TimeParse::Ok:
        break;
    case csv::TimeParse::Bad:
        return fail(m_line, column(m_timeColumn),
                    timeText.empty() ? std::string("missing time")
                                     : "bad time " + quoteForMessage(timeText) +
                                           ": expected seconds from the trace start, like 12.5");
    case csv::TimeParse::Negative:
        return fail(m_line, column(m_timeColumn),
                    "bad time " + quoteForMessage(timeText) + ": negative");
    case csv::TimeParse::TooLarge:
        return fail(m_line, column(m_timeColumn),
                    "bad time " + quoteForMessage(timeText) + ": more than 9000000000000 seconds");
    }
    if (time < m_lastTime)
        return fail(m_line, column(m_timeColumn),
                    "time " + csv::formatSeconds(time) + " is before the previous row's " +
                        csv::formatSeconds(m_lastTime));

    const std::string_view ns = m_fields[static_cast<std::size_t>(m_nsColumn)];
    if (!validNamespace(ns))
        return fail(m_line, column(m_nsColumn), checkNamespaceName(ns));

    // The contract's rule inline (1-512 bytes, no control characters): the
    // full check, which builds a message, runs only for a bad id.
    const std::string_view id = m_fields[static_cast<std::size_t>(m_idColumn)];
    if (id.empty() || id.size() > kMaxResourceIdLength || csv::hasControlCharacter(id)) {
        std::string why = checkResourceId(id);
        if (why.empty())
            why = "bad resource id: 1 to 512 bytes without control characters";
        return fail(m_line, column(m_idColumn), std::move(why));
    }

    std::uint32_t size = 0;
    if (m_sizeColumn >= 0) {
        const std::string_view sizeText = m_fields[static_cast<std::size_t>(m_sizeColumn)];
        if (!csv::parseByteCount(sizeText, size)) {
            const std::string_view digits = csv::trimSpaces(sizeText);
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
            parsed = parseOp(csv::trimSpaces(opText));
        if (parsed) {
            op = *parsed;
        } else {
            const std::string_view word = csv::trimSpaces(opText);
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
