#include "charts/serieshistory.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace fallback::ui {

namespace {

double lookupsOf(const SeriesPoint& p, int tier)
{
    return double(p.tiers[tier].lookups);
}

Metric count(Metric::Getter value, int arg = 0)
{
    return Metric{Metric::Kind::Count, value, nullptr, arg};
}

std::int64_t floorDiv(std::int64_t a, std::int64_t b)
{
    const std::int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

} // namespace

Metric Metric::servedBy(ServedBy who)
{
    return count([](const SeriesPoint& p, int i) { return double(p.requests.servedBy[i]); },
                 static_cast<int>(who));
}

Metric Metric::staleServed()
{
    return count([](const SeriesPoint& p, int) { return double(p.requests.staleServed); });
}

Metric Metric::requests()
{
    return count([](const SeriesPoint& p, int) { return double(p.requests.requests); });
}

Metric Metric::originFetches()
{
    return count([](const SeriesPoint& p, int) { return double(p.requests.originFetches); });
}

Metric Metric::coalesced()
{
    return count([](const SeriesPoint& p, int) { return double(p.requests.coalesced); });
}

Metric Metric::revalidations()
{
    return count([](const SeriesPoint& p, int) { return double(p.requests.revalidations); });
}

Metric Metric::tierLookups(TierId tier)
{
    return count(lookupsOf, tierIndex(tier));
}

Metric Metric::tierHitRate(TierId tier)
{
    return Metric{Kind::Weighted,
                  [](const SeriesPoint& p, int t) {
                      return p.tiers[t].lookups ? double(p.tiers[t].hits) / double(p.tiers[t].lookups)
                                                : 0.0;
                  },
                  lookupsOf, tierIndex(tier)};
}

Metric Metric::tierServedShare(TierId tier)
{
    return Metric{Kind::Weighted,
                  [](const SeriesPoint& p, int t) {
                      const TierCounters& c = p.tiers[t];
                      return c.lookups ? double(c.hits + c.staleHits) / double(c.lookups) : 0.0;
                  },
                  lookupsOf, tierIndex(tier)};
}

Metric Metric::tierP50(TierId tier)
{
    return Metric{Kind::Weighted,
                  [](const SeriesPoint& p, int t) { return double(p.tierP50Ms[t]); }, lookupsOf,
                  tierIndex(tier)};
}

Metric Metric::tierP99(TierId tier)
{
    return Metric{Kind::Peak, [](const SeriesPoint& p, int t) { return double(p.tierP99Ms[t]); },
                  lookupsOf, tierIndex(tier)};
}

Metric Metric::p50()
{
    return Metric{Kind::Weighted, [](const SeriesPoint& p, int) { return double(p.p50Ms); },
                  [](const SeriesPoint& p, int) { return double(p.requests.requests); }, 0};
}

Metric Metric::p99()
{
    return Metric{Kind::Peak, [](const SeriesPoint& p, int) { return double(p.p99Ms); },
                  [](const SeriesPoint& p, int) { return double(p.requests.requests); }, 0};
}

SeriesHistory::SeriesHistory(std::size_t capacity) : m_capacity(std::max<std::size_t>(capacity, 1))
{
    m_ring.resize(m_capacity);
}

void SeriesHistory::append(const std::vector<SeriesPoint>& points)
{
    for (const SeriesPoint& point : points)
        append(point);
}

void SeriesHistory::mergeInto(SeriesPoint& held, const SeriesPoint& point)
{
    // The same second handed over in two parts (a collector flushed
    // mid-second, or a live poller filled an idle second that the node
    // closed later): add the counts; latency keeps the busier part's p50
    // and the larger p99.
    for (int t = 0; t < kTierCount; ++t) {
        if (point.tiers[t].lookups > held.tiers[t].lookups)
            held.tierP50Ms[t] = point.tierP50Ms[t];
        held.tierP99Ms[t] = std::max(held.tierP99Ms[t], point.tierP99Ms[t]);
        held.tiers[t].merge(point.tiers[t]);
    }
    if (point.requests.requests > held.requests.requests)
        held.p50Ms = point.p50Ms;
    held.p99Ms = std::max(held.p99Ms, point.p99Ms);
    held.requests.merge(point.requests);
}

void SeriesHistory::append(const SeriesPoint& point)
{
    if (m_size > 0) {
        SeriesPoint& newest = m_ring[(m_head + m_size - 1) % m_capacity];
        if (point.second < newest.second) {
            // Only a second already held takes a late part; nothing is
            // inserted before the newest point.
            const std::size_t i = lowerBound(point.second);
            if (i < m_size && at(i).second == point.second)
                mergeInto(m_ring[(m_head + i) % m_capacity], point);
            return;
        }
        if (point.second == newest.second) {
            mergeInto(newest, point);
            return;
        }
    }
    if (m_size < m_capacity) {
        m_ring[(m_head + m_size) % m_capacity] = point;
        ++m_size;
    } else {
        m_ring[m_head] = point;
        m_head = (m_head + 1) % m_capacity;
    }
}

void SeriesHistory::clear()
{
    m_head = 0;
    m_size = 0;
}

std::int64_t SeriesHistory::firstSecond() const
{
    return m_size ? at(0).second : 0;
}

std::int64_t SeriesHistory::lastSecond() const
{
    return m_size ? at(m_size - 1).second : 0;
}

std::size_t SeriesHistory::lowerBound(std::int64_t second) const
{
    std::size_t lo = 0, hi = m_size;
    while (lo < hi) {
        const std::size_t mid = lo + (hi - lo) / 2;
        if (at(mid).second < second)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

std::int64_t SeriesHistory::bucketWidth(const Window& window)
{
    const std::int64_t span = window.to - window.from + 1;
    if (span <= 0)
        return 1;
    const std::int64_t maxPoints = std::max(window.maxPoints, 1);
    if (span <= maxPoints)
        return 1;
    if (maxPoints == 1)
        return span;
    // Aligned buckets can cut one extra partial bucket at each end: ask
    // for maxPoints - 1 full ones so that at most maxPoints come out.
    return (span + maxPoints - 2) / (maxPoints - 1);
}

QList<QPointF> SeriesHistory::extract(const Metric& metric, const Window& window) const
{
    QList<QPointF> out;
    if (m_size == 0 || window.to < window.from || !metric.value)
        return out;
    const std::int64_t from = std::max(window.from, firstSecond());
    const std::int64_t to = window.to;
    if (from > to)
        return out;

    const std::int64_t width = bucketWidth(window);
    // One bucket over the whole window when a single point is asked for.
    const bool single = window.maxPoints <= 1;
    const std::int64_t firstBucket = single ? 0 : floorDiv(from, width);
    const std::int64_t lastBucket = single ? 0 : floorDiv(to, width);
    out.reserve(static_cast<qsizetype>(lastBucket - firstBucket + 1));

    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    const bool gaps = m_missing == MissingSeconds::Gap;
    std::size_t index = lowerBound(from);
    for (std::int64_t bucket = firstBucket; bucket <= lastBucket; ++bucket) {
        const std::int64_t s0 = single ? from : std::max(bucket * width, from);
        const std::int64_t s1 = single ? to : std::min(bucket * width + width - 1, to);
        double sum = 0.0, weightSum = 0.0, peak = -std::numeric_limits<double>::infinity();
        std::int64_t present = 0;
        for (; index < m_size; ++index) {
            const SeriesPoint& point = at(index);
            if (point.second > s1)
                break;
            ++present;
            switch (metric.kind) {
            case Metric::Kind::Count: sum += metric.value(point, metric.arg); break;
            // A second whose value is not a number has no value: it must
            // neither poison the bucket nor, for a peak, leave it at -inf
            // (which is not NaN, so not a gap, and would be drawn).
            case Metric::Kind::Weighted: {
                const double w = metric.weight(point, metric.arg);
                if (w > 0) {
                    const double v = metric.value(point, metric.arg);
                    if (std::isfinite(v)) {
                        sum += v * w;
                        weightSum += w;
                    }
                }
                break;
            }
            case Metric::Kind::Peak:
                if (metric.weight(point, metric.arg) > 0) {
                    const double v = metric.value(point, metric.arg);
                    if (std::isfinite(v)) {
                        peak = std::max(peak, v);
                        weightSum += 1.0;
                    }
                }
                break;
            }
        }
        double y = nan;
        switch (metric.kind) {
        case Metric::Kind::Count:
            if (!gaps)
                y = sum / double(s1 - s0 + 1);
            else if (present > 0)
                y = sum / double(present);
            break;
        case Metric::Kind::Weighted:
            if (weightSum > 0)
                y = sum / weightSum;
            break;
        case Metric::Kind::Peak:
            if (weightSum > 0)
                y = peak;
            break;
        }
        const double centre = (double(s0) + double(s1)) / 2.0;
        out.append(QPointF((centre - window.xOrigin) * window.xScale, y));
    }
    return out;
}

} // namespace fallback::ui
