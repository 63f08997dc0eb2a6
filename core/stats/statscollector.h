#pragma once

#include "stats/stats.h"

#include <cstdint>
#include <string>
#include <vector>

namespace fallback {

/// What one tier lookup found, for counting.
enum class LookupResult : std::uint8_t { Hit, Stale, Miss, Error };

/// Counts everything the engine does, as totals, per namespace and per
/// 1-second bucket. Owned by the engine and called on its thread only;
/// readers get an EngineStats copy through snapshot().
///
/// Every lookup and read passes through here, so each is recorded in as few
/// places as the figures allow: counters go to the totals and the namespace
/// (a second's counters are the difference of the totals when it closes),
/// latencies to the current second's histograms and the namespace's (the
/// totals' histograms gather each second as it closes).
class StatsCollector {
public:
    explicit StatsCollector(std::size_t seriesCapacity = 3600);

    /// Makes room for namespace `ns` and (re)names it.
    void describeNamespace(NamespaceId ns, const std::string& name, std::uint64_t version);

    void tierLookup(Micros now, NamespaceId ns, TierId tier, LookupResult result, Micros latency)
    {
        Bucket& bucket = current(now);
        TierCounters& total = m_tiers[tierIndex(tier)];
        TierCounters& inNs = m_namespaces[ns].tiers[tierIndex(tier)];
        ++total.lookups;
        ++inNs.lookups;
        switch (result) {
        case LookupResult::Hit: ++total.hits, ++inNs.hits; break;
        case LookupResult::Stale: ++total.staleHits, ++inNs.staleHits; break;
        case LookupResult::Miss: ++total.misses, ++inNs.misses; break;
        case LookupResult::Error: ++total.errors, ++inNs.errors; break;
        }
        const auto value = static_cast<std::uint64_t>(latency < 0 ? 0 : latency);
        bucket.tierLatency[tierIndex(tier)].record(value);
    }

    void readDone(Micros now, NamespaceId ns, ServedBy who, Freshness freshness, Micros latency);

    /// Adds `n` to one request counter in the totals, the namespace and the
    /// current second, e.g. add(now, ns, &RequestCounters::coalesced).
    void add(Micros now, NamespaceId ns, std::uint64_t RequestCounters::*field, std::uint64_t n = 1)
    {
        current(now);
        m_requests.*field += n;
        m_namespaces[ns].requests.*field += n;
    }
    /// Same, for events that belong to no namespace (purge all).
    void addGlobal(Micros now, std::uint64_t RequestCounters::*field, std::uint64_t n = 1)
    {
        current(now);
        m_requests.*field += n;
    }

    /// Closes the current second so that it appears in the series.
    void flush();
    /// Closes the current second only when `now` lies in a later one: on a
    /// real clock, a second followed by idle ones appears in the series
    /// without waiting for the next event (a node calls it every second).
    void closeElapsed(Micros now)
    {
        if (m_bucket.active && now / kMicrosPerSecond > m_bucket.point.second)
            flush();
    }

    /// A copy of everything; `now` and `kvQueueDepth` are filled by the caller.
    /// Only series points after second `seriesAfter` are copied (a reader
    /// that keeps its own history asks for the new ones).
    EngineStats snapshot(std::int64_t seriesAfter = -1) const;
    /// Totals so far, the current second included.
    const RequestCounters& requests() const { return m_requests; }
    const std::array<TierCounters, kTierCount>& tiers() const { return m_tiers; }

private:
    /// The current second. Its counters are not kept here but derived
    /// when it closes: the totals then, minus the totals when it opened.
    struct Bucket {
        SeriesPoint point;
        std::array<LatencyHistogram, kTierCount> tierLatency;
        LatencyHistogram latency;
        bool active = false;
    };

    Bucket& current(Micros now)
    {
        const std::int64_t second = now / kMicrosPerSecond;
        if (!m_bucket.active || second > m_bucket.point.second)
            roll(second);
        return m_bucket;
    }
    void roll(std::int64_t second);

    std::size_t m_seriesCapacity;
    std::array<TierCounters, kTierCount> m_tiers{};
    std::array<LatencyHistogram, kTierCount> m_tierLatency; ///< closed seconds only
    LatencyHistogram m_latency;                             ///< closed seconds only
    RequestCounters m_requests;
    /// The totals when the current second opened.
    std::array<TierCounters, kTierCount> m_tiersAtOpen{};
    RequestCounters m_requestsAtOpen;
    std::vector<NamespaceStats> m_namespaces;
    std::deque<SeriesPoint> m_series;
    Bucket m_bucket;
};

} // namespace fallback
