// CSV trace parsing speed: reads a whole trace with TraceReader and prints
// one figure per line, to compare between runs. Not a test: nothing is
// asserted. The best of --repeat runs (default 3) is reported; the first
// run also warms the page cache.
//
//   bench_tracereader FILE [--repeat N]

#include "sim/trace.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include "benchutil.h"

#include <cstring>
#include <fstream>
#include <string>


int main(int argc, char** argv)
{
    using namespace fallback;
    std::string path;
    int repeat = 3;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--repeat") == 0 && i + 1 < argc)
            repeat = std::max(1, std::atoi(argv[++i]));
        else
            path = argv[i];
    }
    if (path.empty()) {
        std::fprintf(stderr, "usage: bench_tracereader FILE [--repeat N]\n");
        return 2;
    }

    double best = 0;
    std::uint64_t lines = 0, bytes = 0, checksum = 0;
    for (int run = 0; run < repeat; ++run) {
        const auto start = std::chrono::steady_clock::now();
        TraceReader reader(path);
        TraceRecord record;
        std::uint64_t count = 0, sum = 0;
        while (reader.next(record)) {
            ++count;
            // Touch every field so that nothing can be skipped.
            sum += static_cast<std::uint64_t>(record.time) + record.size + record.id.size() +
                   record.ns.size() + static_cast<std::uint64_t>(record.op);
        }
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (!reader.ok()) {
            std::fprintf(stderr, "%s\n", reader.error().format().c_str());
            return 1;
        }
        if (best == 0 || seconds < best)
            best = seconds;
        lines = count;
        bytes = reader.bytesRead();
        checksum = sum;
    }
    std::printf("lines: %llu\n", static_cast<unsigned long long>(lines));
    std::printf("seconds: %.4f\n", best);
    std::printf("lines/s: %.0f\n", double(lines) / best);
    std::printf("MB/s: %.1f\n", double(bytes) / 1e6 / best);
    std::printf("peak_rss_mib: %.1f\n", fallback::bench::peakRssMiB());
    std::printf("checksum: %llu\n", static_cast<unsigned long long>(checksum));
    return 0;
}
