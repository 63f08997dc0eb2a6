#pragma once

#include "engine/types.h"
#include "stats/stats.h"

#include <QList>
#include <QPointF>

#include <cstdint>
#include <vector>

namespace fallback::ui {

/// One value a chart draws from a SeriesPoint, and how seconds combine when
/// several fall into one drawn point. Plain function pointers, so a Metric is
/// cheap to copy and to evaluate 3600 times per refresh.
struct Metric {
    enum class Kind {
        Count,    ///< per-second count; a drawn point is the mean rate over its seconds
        Weighted, ///< a value weighted by `weight` (hit rate by lookups, p50 by lookups)
        Peak,     ///< the largest value over its seconds with weight > 0 (p99: keeps spikes)
        // Weighted, Peak: a second whose value is not finite has no value.
    };
    using Getter = double (*)(const SeriesPoint& point, int arg);

    Kind kind = Kind::Count;
    Getter value = nullptr;
    Getter weight = nullptr; ///< Weighted / Peak: 0 means "no value this second"
    int arg = 0;             ///< tier or ServedBy index handed to the getters

    // Requests per second. servedBy includes stale serves of that tier.
    static Metric servedBy(ServedBy who);
    static Metric staleServed();   ///< reads answered with a stale copy, any tier
    static Metric requests();      ///< all reads
    static Metric originFetches(); ///< every request the origin received
    static Metric coalesced();     ///< reads / revalidations joined to an in-flight fetch
    static Metric revalidations(); ///< background revalidations started
    static Metric tierLookups(TierId tier);
    // Ratios in [0, 1], weighted by the tier's lookups.
    static Metric tierHitRate(TierId tier);   ///< fresh hits / lookups
    static Metric tierServedShare(TierId tier); ///< (fresh + stale hits) / lookups
    // Latency in milliseconds; no value in a second where the tier saw no lookup.
    static Metric tierP50(TierId tier);
    static Metric tierP99(TierId tier);
    static Metric p50(); ///< end-to-end reads
    static Metric p99();
};

/// Bounded history of the 1-second SeriesPoints of one workspace (STYLE §10):
/// a fixed-capacity ring ordered by second, from which charts extract a
/// window downsampled to at most as many points as they have pixels.
/// Memory stays at `capacity` points (about 0.5 KiB each) whatever the run
/// length. GUI thread only (not thread-safe).
class SeriesHistory {
public:
    /// What a second without a point means. SeriesPoint's contract is that a
    /// second with no activity has no point, so a local workspace draws it as
    /// zero; a live workspace draws it as a gap (NaN, which breaks a line),
    /// because there it means "no answer from the deployment", not "idle".
    enum class MissingSeconds { Zero, Gap };

    /// Which seconds to extract and how x is computed:
    /// x = (second - xOrigin) * xScale, taken at the centre of the seconds a
    /// drawn point covers.
    struct Window {
        std::int64_t from = 0; ///< first second, inclusive
        std::int64_t to = 0;   ///< last second, inclusive
        int maxPoints = 600;   ///< at most this many points come out (>= 1)
        double xOrigin = 0.0;
        double xScale = 1.0;
    };

    explicit SeriesHistory(std::size_t capacity = 3600);

    /// Appends points in order. A point for a second already held (a second
    /// closed in two parts, or an idle second a live poller filled before the
    /// node closed it) is merged into it; other points older than the newest
    /// are ignored. When full, the oldest point is dropped.
    void append(const std::vector<SeriesPoint>& points);
    void append(const SeriesPoint& point);
    void clear();

    void setMissingSeconds(MissingSeconds mode) { m_missing = mode; }
    MissingSeconds missingSeconds() const { return m_missing; }

    std::size_t capacity() const { return m_capacity; }
    std::size_t size() const { return m_size; }
    bool isEmpty() const { return m_size == 0; }
    /// Oldest and newest second held; only meaningful when not empty.
    std::int64_t firstSecond() const;
    std::int64_t lastSecond() const;
    /// The i-th point held, 0 = oldest.
    const SeriesPoint& at(std::size_t i) const { return m_ring[(m_head + i) % m_capacity]; }

    /// The window of one metric. Seconds before the first point held are not
    /// drawn at all (no invented zeros before the history starts). Buckets of
    /// seconds are aligned on multiples of their width, so a window that
    /// slides by one second keeps the same values for the same seconds.
    /// A bucket with no value gives NaN (see MissingSeconds, Metric::Kind).
    QList<QPointF> extract(const Metric& metric, const Window& window) const;

    /// Seconds per drawn point for `window` (1 when no downsampling).
    static std::int64_t bucketWidth(const Window& window);

private:
    static void mergeInto(SeriesPoint& held, const SeriesPoint& point);
    /// Index (0 = oldest) of the first point with second >= `second`.
    std::size_t lowerBound(std::int64_t second) const;

    std::vector<SeriesPoint> m_ring;
    std::size_t m_capacity;
    std::size_t m_head = 0; ///< ring index of the oldest point
    std::size_t m_size = 0;
    MissingSeconds m_missing = MissingSeconds::Zero;
};

} // namespace fallback::ui
