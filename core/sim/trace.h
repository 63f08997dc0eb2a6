#pragma once

#include "policy/diagnostic.h"
#include "util/units.h"

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace fallback {

enum class TraceOp : std::uint8_t { Get, Set, Delete };

/// One row of a trace (SPEC §4). The string views point into the reader's
/// buffer and are valid until the next call to next().
struct TraceRecord {
    Micros time = 0;          ///< from the trace start
    std::string_view ns;
    std::string_view id;
    std::uint32_t size = 0;   ///< 0 when the trace has no size column
    TraceOp op = TraceOp::Get;
    std::uint64_t line = 0;   ///< 1-based line in the file
};

/// Streams a CSV trace in fixed-size chunks: memory does not grow with the
/// trace. Header `time,namespace,id` then optionally `size` and `op`, in any
/// order. Fields may be double-quoted (RFC 4180). Blank lines are skipped.
class TraceReader {
public:
    /// Opens the file and reads the header. On failure error() says why.
    explicit TraceReader(std::string path, std::string fileLabel = {});
    ~TraceReader();
    TraceReader(const TraceReader&) = delete;
    TraceReader& operator=(const TraceReader&) = delete;

    bool ok() const { return !m_failed; }
    /// The first problem found, as a diagnostic; empty message when none.
    const Diagnostic& error() const { return m_error; }

    /// Reads the next record. False at the end or on an error (check ok()).
    bool next(TraceRecord& record);

    bool hasSize() const { return m_sizeColumn >= 0; }
    bool hasOp() const { return m_opColumn >= 0; }
    std::uint64_t bytesRead() const { return m_consumed; }
    std::uint64_t fileSize() const { return m_fileSize; }

    /// Reads a whole trace and reports every problem (for `lint`).
    static Diagnostics lint(const std::string& path, const std::string& fileLabel,
                            std::size_t maxErrors = 100);

private:
    bool fill();
    bool parseHeader();
    bool fail(std::uint64_t line, std::size_t column, std::string message);
    bool splitFields(std::string_view line, std::uint64_t lineNo);

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
    std::vector<std::string_view> m_fields;
    std::vector<std::size_t> m_fieldColumns; ///< 1-based column where each field starts
    std::string m_unquoted;                  ///< backing store for quoted fields
};

} // namespace fallback
