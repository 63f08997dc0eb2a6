// CSV traces (SPEC §4), through the hand-written scanner: any bytes read to
// the end or to a located error, never a crash or a read outside the
// buffer. The streaming reader and `lint` agree on the first problem, and
// rows come in file order.

#include "fuzzcheck.h"
#include "sim/trace.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <unistd.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace fallback;
    // The reader takes a path: one scratch file per process, rewritten per input.
    static const std::string path = "/tmp/fuzz-trace-" + std::to_string(::getpid()) + ".csv";
    if (std::FILE* file = std::fopen(path.c_str(), "wb")) {
        if (size > 0)
            std::fwrite(data, 1, size, file);
        std::fclose(file);
    } else {
        return 0;
    }

    TraceReader reader(path, "fuzz.csv");
    TraceRecord record;
    std::uint64_t lastLine = 1; // the header
    while (reader.next(record)) {
        fuzz::check(record.line > lastLine, "rows out of file order");
        fuzz::check(!record.ns.empty() && !record.id.empty(), "a row without namespace or id");
        fuzz::check(record.time >= 0, "a negative time");
        lastLine = record.line;
    }
    const Diagnostics lint = TraceReader::lint(path, "fuzz.csv", 0);
    if (reader.ok()) {
        fuzz::check(!lint.hasErrors(), "lint finds a problem the reader did not");
    } else {
        const Diagnostic& first = reader.error();
        fuzz::check(first.line >= 1 && first.column >= 1, "an error before line 1 or column 1");
        fuzz::check(first.message.find('\n') == std::string::npos, "an error over two lines");
        fuzz::check(lint.hasErrors(), "the reader fails where lint finds nothing");
        const Diagnostic& linted = lint.items().front();
        fuzz::check(linted.line == first.line && linted.column == first.column &&
                        linted.message == first.message,
                    "lint's first problem is not the reader's");
    }
    return 0;
}
