#include "stats/statscollector.h"

#include <iterator>

namespace fallback {

void RequestCounters::merge(const RequestCounters& o)
{
    requests += o.requests;
    for (std::size_t i = 0; i < servedBy.size(); ++i)
        servedBy[i] += o.servedBy[i];
    for (std::size_t i = 0; i < freshness.size(); ++i)
        freshness[i] += o.freshness[i];
    staleServed += o.staleServed;
    originFetches += o.originFetches;
    coalesced += o.coalesced;
    revalidations += o.revalidations;
    failed += o.failed;
    writes += o.writes;
    writeFailures += o.writeFailures;
    tooLarge += o.tooLarge;
    kvQueued += o.kvQueued;
    kvRetries += o.kvRetries;
    kvSuperseded += o.kvSuperseded;
    purges += o.purges;
    purgedEntries += o.purgedEntries;
    bumps += o.bumps;
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
    for (RequestCounters* c :
         {&m_requests, &m_namespaces[ns].requests, &bucket.point.requests}) {
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
    m_latency.record(value);
    m_namespaces[ns].latency.record(value);
    bucket.latency.record(value);
}

void StatsCollector::roll(std::int64_t second)
{
    if (m_bucket.active) {
        SeriesPoint& point = m_bucket.point;
        for (int t = 0; t < kTierCount; ++t) {
            point.tierP50Ms[t] = float(double(m_bucket.tierLatency[t].quantile(0.50)) / 1000.0);
            point.tierP99Ms[t] = float(double(m_bucket.tierLatency[t].quantile(0.99)) / 1000.0);
            m_bucket.tierLatency[t].reset();
        }
        point.p50Ms = float(double(m_bucket.latency.quantile(0.50)) / 1000.0);
        point.p99Ms = float(double(m_bucket.latency.quantile(0.99)) / 1000.0);
        m_bucket.latency.reset();
        m_series.push_back(point);
        while (m_series.size() > m_seriesCapacity)
            m_series.pop_front();
    }
    m_bucket.point = SeriesPoint{};
    m_bucket.point.second = second;
    m_bucket.active = true;
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
