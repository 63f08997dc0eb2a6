#include "stats/histogram.h"

#include <algorithm>
#include <cmath>

namespace fallback {

LatencyHistogram::LatencyHistogram() : m_buckets(kBucketCount, 0) {}

void LatencyHistogram::merge(const LatencyHistogram& other)
{
    if (other.m_count == 0)
        return;
    // Only the other's touched range can be non-zero.
    for (std::uint32_t i = other.m_lowest; i <= other.m_highest; ++i)
        m_buckets[i] += other.m_buckets[i];
    m_count += other.m_count;
    m_max = std::max(m_max, other.m_max);
    m_lowest = std::min(m_lowest, other.m_lowest);
    m_highest = std::max(m_highest, other.m_highest);
}

void LatencyHistogram::reset()
{
    // The time series resets one histogram per second; clearing 7424 buckets
    // each time would cost more than the recording itself.
    if (m_lowest <= m_highest)
        std::fill(m_buckets.begin() + m_lowest, m_buckets.begin() + m_highest + 1, 0);
    m_count = 0;
    m_max = 0;
    m_lowest = kBucketCount;
    m_highest = 0;
}

std::uint64_t LatencyHistogram::quantile(double q) const
{
    if (m_count == 0)
        return 0;
    // Nearest-rank definition: the smallest value with at least ceil(q * n)
    // values at or below it. NaN and q <= 0 give the minimum, q >= 1 the max.
    // The small slack keeps a product like 0.07 * 100 = 7.000000000000001
    // from rounding up to the next rank.
    double wanted = std::ceil(q * static_cast<double>(m_count) - 1e-9);
    if (!(wanted >= 1.0))
        wanted = 1.0;
    if (wanted >= static_cast<double>(m_count))
        return m_max; // the top rank is known exactly
    const auto rank = static_cast<std::uint64_t>(wanted);
    std::uint64_t seen = 0;
    for (std::uint32_t i = m_lowest; i <= m_highest; ++i) {
        seen += m_buckets[i];
        if (seen >= rank) {
            const std::uint64_t low = bucketLow(i);
            const std::uint64_t mid = low + (bucketHigh(i) - low) / 2;
            return std::min(mid, m_max);
        }
    }
    return m_max; // unreachable while m_count matches the buckets
}

std::uint64_t LatencyHistogram::countAtOrBelow(std::uint64_t bound) const
{
    std::uint64_t seen = 0;
    for (std::uint32_t i = m_lowest; i <= m_highest && i < kBucketCount; ++i) {
        if (bucketHigh(i) > bound)
            break;
        seen += m_buckets[i];
    }
    return seen;
}

double LatencyHistogram::approximateSum() const
{
    double sum = 0.0;
    for (std::uint32_t i = m_lowest; i <= m_highest && i < kBucketCount; ++i) {
        if (m_buckets[i] == 0)
            continue;
        const std::uint64_t low = bucketLow(i);
        const double mid = static_cast<double>(low + (bucketHigh(i) - low) / 2);
        sum += mid * static_cast<double>(m_buckets[i]);
    }
    return sum;
}

std::uint64_t LatencyHistogram::bucketLow(std::uint32_t index)
{
    if (index < kExact)
        return index;
    const std::uint32_t k = index - kExact;
    const std::uint32_t shift = k / kHalf + 1;
    const std::uint64_t mantissa = kHalf + k % kHalf;
    return mantissa << shift;
}

std::uint64_t LatencyHistogram::bucketHigh(std::uint32_t index)
{
    if (index < kExact)
        return index;
    const std::uint32_t shift = (index - kExact) / kHalf + 1;
    // For the last bucket this is exactly 2^64 - 1: no overflow.
    return bucketLow(index) + ((std::uint64_t{1} << shift) - 1);
}

LatencySummary summarizeMicros(const LatencyHistogram& histogram)
{
    const auto ms = [](std::uint64_t micros) {
        return static_cast<double>(micros) / static_cast<double>(1000);
    };
    LatencySummary summary;
    summary.p50 = ms(histogram.quantile(0.50));
    summary.p90 = ms(histogram.quantile(0.90));
    summary.p95 = ms(histogram.quantile(0.95));
    summary.p99 = ms(histogram.quantile(0.99));
    summary.max = ms(histogram.max());
    return summary;
}

} // namespace fallback
