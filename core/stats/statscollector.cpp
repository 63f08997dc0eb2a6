#include "stats/statscollector.h"

#include <iterator>

namespace fallback {

namespace {
/// Applies `op(mine, theirs)` to every counter of two RequestCounters: one
/// list of the fields for merge() and minus().
template <typename Op>
void eachCounter(RequestCounters& a, const RequestCounters& b, Op op)
{
    op(a.requests, b.requests);
    for (std::size_t i = 0; i < a.servedBy.size(); ++i)
        op(a.servedBy[i], b.servedBy[i]);
    for (std::size_t i = 0; i < a.freshness.size(); ++i)
        op(a.freshness[i], b.freshness[i]);
    op(a.staleServed, b.staleServed);
    op(a.originFetches, b.originFetches);
    op(a.coalesced, b.coalesced);
    op(a.revalidations, b.revalidations);
    op(a.failed, b.failed);
    op(a.writes, b.writes);
    op(a.writeFailures, b.writeFailures);
    op(a.tooLarge, b.tooLarge);
    op(a.kvQueued, b.kvQueued);
    op(a.kvRetries, b.kvRetries);
    op(a.kvSuperseded, b.kvSuperseded);
    op(a.purges, b.purges);
    op(a.purgedEntries, b.purgedEntries);
    op(a.bumps, b.bumps);
}
// A new counter must be added to eachCounter() above, or merge() and minus() skip it.
static_assert(sizeof(RequestCounters) == 23 * sizeof(std::uint64_t));
} // namespace

void RequestCounters::merge(const RequestCounters& o)
{
    eachCounter(*this, o, [](std::uint64_t& mine, std::uint64_t theirs) { mine += theirs; });
}

RequestCounters RequestCounters::minus(const RequestCounters& earlier) const
{
    RequestCounters result = *this;
    eachCounter(result, earlier, [](std::uint64_t& mine, std::uint64_t theirs) { mine -= theirs; });
    return result;
}

StatsCollector::StatsCollector(std::size_t seriesCapacity) : m_seriesCapacity(seriesCapacity) {}

void StatsCollector::describeNamespace(NamespaceId ns, const std::string& name,
                                       std::uint64_t version)
{
    if (m_namespaces.size() <= ns)
        m_namespaces.resize(ns + 1u);
    m_namespaces[ns].name = name;
    m_namespaces[ns].version = version;
}

void StatsCollector::readDone(Micros now, NamespaceId ns, ServedBy who, Freshness freshness,
                              Micros latency)
{
    Bucket& bucket = current(now);
    const auto value = static_cast<std::uint64_t>(latency < 0 ? 0 : latency);
    const bool stale = who != ServedBy::Failed && freshness == Freshness::Stale;
    for (RequestCounters* c : {&m_requests, &m_namespaces[ns].requests}) {
        ++c->requests;
        ++c->servedBy[static_cast<int>(who)];
        if (who == ServedBy::Failed) {
            ++c->failed;
        } else {
            ++c->freshness[static_cast<int>(freshness)];
            if (stale)
                ++c->staleServed;
        }
    }
    m_namespaces[ns].latency.record(value);
    bucket.latency.record(value);
}

void StatsCollector::roll(std::int64_t second)
{
    if (m_bucket.active) {
        SeriesPoint& point = m_bucket.point;
        for (int t = 0; t < kTierCount; ++t) {
            point.tiers[t] = m_tiers[t].minus(m_tiersAtOpen[t]);
            point.tierP50Ms[t] = float(double(m_bucket.tierLatency[t].quantile(0.50)) / 1000.0);
            point.tierP99Ms[t] = float(double(m_bucket.tierLatency[t].quantile(0.99)) / 1000.0);
            m_tierLatency[t].merge(m_bucket.tierLatency[t]);
            m_bucket.tierLatency[t].reset();
        }
        point.requests = m_requests.minus(m_requestsAtOpen);
        point.p50Ms = float(double(m_bucket.latency.quantile(0.50)) / 1000.0);
        point.p99Ms = float(double(m_bucket.latency.quantile(0.99)) / 1000.0);
        m_latency.merge(m_bucket.latency);
        m_bucket.latency.reset();
        m_series.push_back(point);
        while (m_series.size() > m_seriesCapacity)
            m_series.pop_front();
    }
    m_bucket.point = SeriesPoint{};
    m_bucket.point.second = second;
    m_bucket.active = true;
    m_tiersAtOpen = m_tiers;
    m_requestsAtOpen = m_requests;
}

void StatsCollector::flush()
{
    if (m_bucket.active) {
        roll(m_bucket.point.second + 1);
        m_bucket.active = false;
    }
}

EngineStats StatsCollector::snapshot(std::int64_t seriesAfter) const
{
    EngineStats stats;
    stats.tiers = m_tiers;
    stats.tierLatency = m_tierLatency;
    stats.latency = m_latency;
    // The open second's latencies are not in the totals yet.
    for (int t = 0; t < kTierCount; ++t)
        stats.tierLatency[t].merge(m_bucket.tierLatency[t]);
    stats.latency.merge(m_bucket.latency);
    stats.requests = m_requests;
    stats.namespaces = m_namespaces;
    if (seriesAfter < 0) {
        stats.series = m_series;
    } else {
        auto first = m_series.end();
        while (first != m_series.begin() && std::prev(first)->second > seriesAfter)
            --first;
        stats.series.assign(first, m_series.end());
    }
    return stats;
}

} // namespace fallback
