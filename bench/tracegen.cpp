// fallback-tracegen: writes a deterministic synthetic CSV trace (SPEC §4,
// `time,namespace,id,size,op`) for benchmarks and examples. The same
// arguments give the same bytes on every platform (own PRNG, own formatting).
//
//   fallback-tracegen --requests N --keys K --zipf S --rate R --seed N
//       [--namespaces product:0.7,config:0.3] [--write-ratio W]
//       [--min-size B --max-size B] [--output FILE] > trace.csv

#include "policy/key.h"
#include "sim/workload.h"
#include "util/units.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using namespace fallback;

constexpr const char* kUsage =
    "usage: fallback-tracegen [--requests N] [--keys K] [--zipf S] [--rate R] [--seed N]\n"
    "                         [--namespaces NS:W,...] [--write-ratio W]\n"
    "                         [--min-size B] [--max-size B] [--output FILE]\n"
    "Writes a CSV trace `time,namespace,id,size,op` to stdout (or FILE):\n"
    "  --requests N     rows to write (default 1000000)\n"
    "  --keys K         ids per namespace, the decimal numbers 0..K-1 (default 10000)\n"
    "  --zipf S         Zipf exponent of id popularity, 0 = uniform (default 0.9)\n"
    "  --rate R         mean arrivals per second, Poisson (`2000` or `2000/s`; default 1000)\n"
    "  --seed N         the same seed gives the same trace (default 1)\n"
    "  --namespaces L   names and weights (default product:0.7,config:0.3)\n"
    "  --write-ratio W  share of `set` rows, in [0, 1] (default 0)\n"
    "  --min-size B     smallest object size, bytes or `64KiB` (default 1KiB)\n"
    "  --max-size B     largest object size (default 64KiB); each (namespace, id)\n"
    "                   keeps one size, uniform in [min, max]\n";

struct Options {
    std::uint64_t requests = 1'000'000;
    std::uint64_t keys = 10'000;
    double zipf = 0.9;
    double rate = 1000.0;
    std::uint64_t seed = 1;
    std::vector<std::pair<std::string, double>> namespaces{{"product", 0.7}, {"config", 0.3}};
    double writeRatio = 0.0;
    std::uint64_t minSize = 1024;
    std::uint64_t maxSize = 64 * 1024;
    std::string output;
};

template <typename T> std::optional<T> parseNumber(std::string_view text)
{
    T value{};
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

std::optional<std::vector<std::pair<std::string, double>>> parseNamespaces(std::string_view text,
                                                                           std::string& why)
{
    std::vector<std::pair<std::string, double>> result;
    while (!text.empty()) {
        const std::size_t comma = text.find(',');
        const std::string_view item = text.substr(0, comma);
        text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
        const std::size_t colon = item.find(':');
        const std::string_view name = item.substr(0, colon);
        std::optional<double> weight = 1.0;
        if (colon != std::string_view::npos)
            weight = parseNumber<double>(item.substr(colon + 1));
        if (const std::string problem = checkNamespaceName(name); !problem.empty()) {
            why = problem;
            return std::nullopt;
        }
        if (!weight || !(*weight > 0) || !std::isfinite(*weight)) {
            why = "bad weight in '" + std::string(item) + "': expected a positive number";
            return std::nullopt;
        }
        result.emplace_back(std::string(name), *weight);
    }
    if (result.empty()) {
        why = "no namespace given";
        return std::nullopt;
    }
    return result;
}

/// Parses the command line; on a usage error prints why and returns nullopt.
std::optional<Options> parseArguments(int argc, char** argv)
{
    Options options;
    const auto bad = [](std::string_view option, const std::string& why) {
        std::fprintf(stderr, "fallback-tracegen: %.*s: %s\n%s", int(option.size()), option.data(),
                     why.c_str(), kUsage);
        return std::nullopt;
    };
    for (int i = 1; i < argc; ++i) {
        std::string_view option = argv[i];
        if (option == "--help" || option == "-h") {
            std::fputs(kUsage, stdout);
            std::exit(0);
        }
        std::string_view value;
        if (const std::size_t eq = option.find('=');
            option.starts_with("--") && eq != option.npos) {
            value = option.substr(eq + 1);
            option = option.substr(0, eq);
        } else if (i + 1 < argc) {
            value = argv[++i];
        } else {
            return bad(option, "missing value");
        }

        if (option == "--requests") {
            const auto n = parseNumber<std::uint64_t>(value);
            if (!n)
                return bad(option, "expected a whole number");
            options.requests = *n;
        } else if (option == "--keys") {
            const auto n = parseNumber<std::uint64_t>(value);
            if (!n || *n == 0 || *n > 0xFFFFFFFFULL)
                return bad(option, "expected a whole number from 1 to 4294967295");
            options.keys = *n;
        } else if (option == "--zipf") {
            const auto s = parseNumber<double>(value);
            if (!s || !(*s >= 0) || !std::isfinite(*s))
                return bad(option, "expected a number >= 0");
            options.zipf = *s;
        } else if (option == "--rate") {
            std::optional<double> r = parseNumber<double>(value);
            if (!r)
                r = parseRate(value);
            if (!r || !(*r > 0) || !std::isfinite(*r))
                return bad(option, "expected a positive rate like 2000 or 2000/s");
            options.rate = *r;
        } else if (option == "--seed") {
            const auto n = parseNumber<std::uint64_t>(value);
            if (!n)
                return bad(option, "expected a whole number");
            options.seed = *n;
        } else if (option == "--namespaces") {
            std::string why;
            auto list = parseNamespaces(value, why);
            if (!list)
                return bad(option, why);
            options.namespaces = std::move(*list);
        } else if (option == "--write-ratio") {
            const auto w = parseNumber<double>(value);
            if (!w || !(*w >= 0 && *w <= 1))
                return bad(option, "expected a number in [0, 1]");
            options.writeRatio = *w;
        } else if (option == "--min-size" || option == "--max-size") {
            const auto size = parseSize(value);
            if (!size || *size > 0xFFFFFFFFULL)
                return bad(option, "expected a size up to 4294967295 bytes, like 4096 or 64KiB");
            (option == "--min-size" ? options.minSize : options.maxSize) = *size;
        } else if (option == "--output" || option == "-o") {
            options.output = std::string(value);
        } else {
            return bad(option, "unknown option");
        }
    }
    if (options.minSize > options.maxSize)
        return bad("--min-size", "larger than --max-size");
    return options;
}

/// Appends rows to a large buffer and writes it out in big blocks: one
/// fwrite per MiB instead of one stream operation per field.
class Output {
public:
    explicit Output(std::FILE* file) : m_file(file), m_buffer(kSize) {}
    ~Output() { flush(); }
    char* reserve(std::size_t bytes)
    {
        if (m_used + bytes > m_buffer.size())
            flush();
        return m_buffer.data() + m_used;
    }
    void commit(char* end) { m_used = static_cast<std::size_t>(end - m_buffer.data()); }
    void append(std::string_view text)
    {
        char* p = reserve(text.size());
        std::memcpy(p, text.data(), text.size());
        commit(p + text.size());
    }
    bool flush()
    {
        if (m_used && std::fwrite(m_buffer.data(), 1, m_used, m_file) != m_used)
            m_failed = true;
        m_used = 0;
        return !m_failed;
    }
    bool failed() const { return m_failed; }

private:
    static constexpr std::size_t kSize = std::size_t{1} << 20;
    std::FILE* m_file;
    std::vector<char> m_buffer;
    std::size_t m_used = 0;
    bool m_failed = false;
};

char* writeUnsigned(char* p, std::uint64_t value)
{
    return std::to_chars(p, p + 20, value).ptr;
}

} // namespace

int main(int argc, char** argv)
{
    const std::optional<Options> parsed = parseArguments(argc, argv);
    if (!parsed)
        return 2;
    const Options& options = *parsed;

    std::FILE* file = stdout;
    if (!options.output.empty()) {
        file = std::fopen(options.output.c_str(), "wb");
        if (!file) {
            std::fprintf(stderr, "fallback-tracegen: cannot write %s: %s\n", options.output.c_str(),
                         std::strerror(errno));
            return 1;
        }
    }

    Random random(options.seed);
    const ZipfSampler zipf(options.keys, options.zipf);
    std::vector<double> weights;
    for (const auto& entry : options.namespaces)
        weights.push_back(entry.second);
    const WeightedChoice namespaceChoice(std::move(weights));
    // A separate stream for sizes so that the row stream does not depend on them.
    const std::uint64_t sizeSeed = options.seed * 0x9E3779B97F4A7C15ULL + 1;
    const std::uint64_t sizeSpan = options.maxSize - options.minSize + 1;

    {
        Output out(file);
        out.append("time,namespace,id,size,op\n");
        double seconds = 0;
        for (std::uint64_t n = 0; n < options.requests; ++n) {
            // Exponential gaps make Poisson arrivals; 1 - u keeps log away from 0.
            seconds += -std::log(1.0 - random.uniform()) / options.rate;
            const auto micros = static_cast<std::uint64_t>(seconds * 1e6);
            const std::size_t ns = namespaceChoice.sample(random);
            const std::uint32_t id = zipf.sample(random);
            const bool write = random.chance(options.writeRatio);

            // A stable size per (namespace, id): a hash, not a draw, so that
            // it needs no table and every occurrence agrees.
            std::uint64_t h = sizeSeed ^ (std::uint64_t(ns) << 40) ^ id;
            h ^= h >> 33;
            h *= 0xFF51AFD7ED558CCDULL;
            h ^= h >> 33;
            const std::uint64_t size = options.minSize + h % sizeSpan;

            const std::string& name = options.namespaces[ns].first;
            char* p = out.reserve(96 + name.size());
            p = writeUnsigned(p, micros / 1'000'000);
            *p++ = '.';
            const auto fraction = static_cast<std::uint32_t>(micros % 1'000'000);
            for (std::uint32_t div = 100'000; div > 0; div /= 10)
                *p++ = static_cast<char>('0' + fraction / div % 10);
            *p++ = ',';
            std::memcpy(p, name.data(), name.size());
            p += name.size();
            *p++ = ',';
            p = writeUnsigned(p, id);
            *p++ = ',';
            p = writeUnsigned(p, size);
            std::memcpy(p, write ? ",set\n" : ",get\n", 5);
            out.commit(p + 5);
        }
        out.flush();
        if (out.failed() || std::fflush(file) != 0) {
            std::fprintf(stderr, "fallback-tracegen: write failed: %s\n", std::strerror(errno));
            return 1;
        }
    }
    if (file != stdout && std::fclose(file) != 0) {
        std::fprintf(stderr, "fallback-tracegen: write failed: %s\n", std::strerror(errno));
        return 1;
    }
    return 0;
}
