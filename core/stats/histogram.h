#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace fallback {

/// Latency histogram with log-linear buckets (HdrHistogram's layout): values
/// below 256 are exact, larger ones keep 8 significant bits, so a reported
/// percentile is within 0.4 % of the true value. Mergeable by bucket-wise
/// addition. Values are non-negative integers (the project uses microseconds).
/// Not thread-safe: one writer, readers take a copy.
class LatencyHistogram {
public:
    LatencyHistogram();

    void record(std::uint64_t value, std::uint64_t count = 1)
    {
        const std::uint32_t index = bucketIndex(value);
        m_buckets[index] += count;
        m_count += count;
        if (value > m_max)
            m_max = value;
        if (index < m_lowest)
            m_lowest = index;
        if (index > m_highest)
            m_highest = index;
    }

    void merge(const LatencyHistogram& other);
    /// Clears only the buckets touched since the last reset: cheap when the
    /// values were in a narrow range.
    void reset();

    std::uint64_t count() const { return m_count; }
    std::uint64_t max() const { return m_max; }
    /// Value at quantile q in [0, 1] (0.5 = p50): the midpoint of the bucket
    /// holding it, clamped to max(). 0 when empty.
    std::uint64_t quantile(double q) const;
    /// How many values were recorded at or below `bound`, at bucket
    /// resolution: a bucket counts when its largest value is <= `bound`
    /// (a Prometheus `le` bucket; off by at most the one straddling bucket).
    std::uint64_t countAtOrBelow(std::uint64_t bound) const;
    /// The sum of the recorded values, each taken as its bucket's midpoint
    /// (within 0.4 %; a Prometheus histogram's `_sum`).
    double approximateSum() const;

    static std::uint32_t bucketIndex(std::uint64_t value)
    {
        if (value < kExact)
            return static_cast<std::uint32_t>(value);
        const int width = 64 - __builtin_clzll(value); // >= 9
        const int shift = width - kSubBits;            // keeps kSubBits bits
        const std::uint64_t mantissa = value >> shift; // in [128, 256)
        return kExact + static_cast<std::uint32_t>(shift - 1) * kHalf +
               static_cast<std::uint32_t>(mantissa - kHalf);
    }
    /// Smallest and largest value that fall in bucket `index`.
    static std::uint64_t bucketLow(std::uint32_t index);
    static std::uint64_t bucketHigh(std::uint32_t index);

    static constexpr int kSubBits = 8;
    static constexpr std::uint32_t kExact = 1u << kSubBits;       // 256
    static constexpr std::uint32_t kHalf = 1u << (kSubBits - 1);  // 128
    static constexpr std::uint32_t kBucketCount = kExact + (64 - kSubBits) * kHalf;

private:
    std::vector<std::uint64_t> m_buckets;
    std::uint64_t m_count = 0;
    std::uint64_t m_max = 0;
    std::uint32_t m_lowest = kBucketCount;
    std::uint32_t m_highest = 0;
};

/// The percentiles the contract reports, in milliseconds.
struct LatencySummary {
    double p50 = 0, p90 = 0, p95 = 0, p99 = 0, max = 0;
};
/// Summary of a histogram of microseconds, in milliseconds.
LatencySummary summarizeMicros(const LatencyHistogram& histogram);

} // namespace fallback
