#pragma once

#include "policy/diagnostic.h"
#include "util/units.h"

#include <array>
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fallback {

enum class TraceOp : std::uint8_t { Get, Set, Delete };

/// One row of a trace (SPEC §4). The string views point into the reader's
/// buffer and are valid until the next call to next().
struct TraceRecord {
    Micros time = 0; ///< from the trace start; exact up to 6 decimals, rounded beyond
    std::string_view ns;
    std::string_view id;
    std::uint32_t size = 0; ///< 0 when the trace has no size column
    TraceOp op = TraceOp::Get;
    std::uint64_t line = 0; ///< 1-based line in the file
};

/// Streams a CSV trace in fixed-size chunks: memory does not grow with the
/// trace. Header `time,namespace,id` then optionally `size` and `op`, in any
/// order (names case-insensitive). Fields may be double-quoted (RFC 4180),
/// but a quoted field cannot span lines (no valid field contains a newline).
/// Blank lines, a UTF-8 BOM and CRLF line ends are accepted; an empty `size`
/// is 0 and an empty `op` is `get`. Every problem is a Diagnostic with the
/// 1-based line and byte column where the bad field starts (the BOM is not
/// counted). One reader is used by one thread at a time.
class TraceReader {
public:
    /// Opens the file and reads the header. On failure error() says why.
    /// `fileLabel` names the file in diagnostics (default: `path`).
    explicit TraceReader(std::string path, std::string fileLabel = {});
    ~TraceReader();
    TraceReader(const TraceReader&) = delete;
    TraceReader& operator=(const TraceReader&) = delete;

    bool ok() const { return !m_failed; }
    /// The first problem found, as a diagnostic; empty message when none.
    const Diagnostic& error() const { return m_error; }

    /// Reads the next record. False at the end or on an error (check ok());
    /// after an error it stays false.
    bool next(TraceRecord& record);

    bool hasSize() const { return m_sizeColumn >= 0; }
    bool hasOp() const { return m_opColumn >= 0; }
    /// Bytes of the file consumed so far (header and rows), for progress.
    std::uint64_t bytesRead() const { return m_consumed; }
    /// Size of the file when opened; 0 when unknown.
    std::uint64_t fileSize() const { return m_fileSize; }

    /// Reads a whole trace and reports every problem (for `lint`): after a
    /// bad row it resumes on the next line; a bad header stops it. At most
    /// `maxErrors` diagnostics (0: no limit).
    static Diagnostics lint(const std::string& path, const std::string& fileLabel,
                            std::size_t maxErrors = 100);

    /// Bytes read from the file per fread (the buffer grows only for a
    /// longer line, up to kMaxLineLength).
    static constexpr std::size_t kChunkSize = std::size_t{1} << 20;
    /// A longer line is an error: it keeps a file without newlines from
    /// being read into memory whole.
    static constexpr std::size_t kMaxLineLength = std::size_t{64} << 20;
    /// Columns a valid header can name: time, namespace, id, size, op.
    static constexpr int kMaxColumns = 5;

private:
    /// lint(): every diagnostic goes to `sink` (at most `maxErrors`, 0 = no
    /// limit) and reading resumes after a bad row.
    TraceReader(std::string path, std::string fileLabel, Diagnostics* sink, std::size_t maxErrors);

    bool fill();
    bool nextLine(std::string_view& line);
    bool parseHeader();
    /// Checks and converts a split row (`count` fields found).
    bool parseRow(std::string_view line, int count, TraceRecord& record);
    /// Splits `line` (which starts at m_lineStart) into fields, RFC 4180
    /// quotes allowed. The first fields.size() go to `fields`; offsets has
    /// one more slot, for where the first extra field starts. `count` is
    /// the number of fields found, even past fields.size(). False on a
    /// quoting error (already reported).
    bool splitFields(std::string_view line, std::span<std::string_view> fields,
                     std::span<std::uint32_t> offsets, int& count);
    /// The fast path: takes the next line from the buffer and splits it into
    /// m_fields / m_fieldOffset, when the line has no quote and ends in the
    /// buffer. False (nothing consumed) otherwise.
    bool scanRow(std::string_view& line, int& count);
    void loadBlock();
    /// Whether `ns` is a valid name; cached for the names already seen.
    bool validNamespace(std::string_view ns);
    bool rememberNamespace(std::string_view ns, std::uint64_t head);
    /// Records a problem. Returns false so that callers can `return fail(...)`.
    /// `fatal`: reading cannot go on, not even for lint().
    bool fail(std::uint64_t line, std::size_t column, std::string message, bool fatal = false);

    std::string m_path;
    std::string m_label;
    std::FILE* m_file = nullptr;
    std::vector<char> m_buffer;
    std::size_t m_begin = 0, m_end = 0;
    bool m_eof = false;
    bool m_failed = false;
    Diagnostic m_error;
    std::uint64_t m_line = 0;
    std::uint64_t m_consumed = 0;
    std::uint64_t m_fileSize = 0;
    Micros m_lastTime = 0;
    int m_timeColumn = -1, m_nsColumn = -1, m_idColumn = -1, m_sizeColumn = -1, m_opColumn = -1;
    int m_columnCount = 0;
    const char* m_lineStart = nullptr; ///< splitFields(): the line's start, BOM excluded
    std::size_t m_scan = 0;            ///< where the search for '\n' goes on
    // scanRow(): separators of the 64 bytes from m_blockPos not consumed yet.
    std::size_t m_blockPos = 0;
    std::uint64_t m_commaBits = 0, m_newlineBits = 0, m_quoteBits = 0;
    bool m_blockValid = false;
    std::string m_headerText; ///< column names in file order, for messages
    /// The fields of the row being parsed, and the 0-based byte offset in
    /// the line where each starts; the last slot is for fields past the
    /// header's count.
    std::array<std::string_view, kMaxColumns + 1> m_fields;
    std::array<std::uint32_t, kMaxColumns + 1> m_fieldOffset{};
    /// Backing store for quoted fields with `""`, padded like the buffer.
    std::vector<char> m_unquoted;
    std::size_t m_unquotedUsed = 0;
    struct KnownName {
        std::uint64_t head = 0; ///< the first 8 bytes, zero-padded
        std::string name;
    };
    std::vector<KnownName> m_knownNamespaces; ///< names already checked valid
    Diagnostics* m_lintSink = nullptr;        ///< set by lint(): collect and go on
    std::size_t m_lintLeft = 0;
};

} // namespace fallback
