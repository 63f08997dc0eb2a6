#pragma once

#include "engine/types.h"
#include "stats/histogram.h"

#include <array>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace fallback {

/// What one tier answered (SPEC §3 statistics). `hits` are fresh hits only;
/// stale hits are counted apart so a dead origin never hides behind a healthy
/// hit rate. An out-of-date copy that is not served counts as a miss.
struct TierCounters {
    std::uint64_t lookups = 0;
    std::uint64_t hits = 0;
    std::uint64_t staleHits = 0;
    std::uint64_t misses = 0;
    std::uint64_t errors = 0;

    double hitRate() const { return lookups ? double(hits) / double(lookups) : 0.0; }
    void merge(const TierCounters& o)
    {
        lookups += o.lookups, hits += o.hits, staleHits += o.staleHits, misses += o.misses,
            errors += o.errors;
    }
    /// What was counted since `earlier` (a copy of these counters then).
    TierCounters minus(const TierCounters& earlier) const
    {
        return {lookups - earlier.lookups, hits - earlier.hits, staleHits - earlier.staleHits,
                misses - earlier.misses, errors - earlier.errors};
    }
    bool operator==(const TierCounters&) const = default;
};

/// Request-level counters (not per tier).
struct RequestCounters {
    std::uint64_t requests = 0;                             ///< reads
    std::array<std::uint64_t, kServedByCount> servedBy{};   ///< indexed by ServedBy
    std::array<std::uint64_t, 3> freshness{};               ///< indexed by Freshness
    std::uint64_t staleServed = 0;
    std::uint64_t originFetches = 0;   ///< every request the origin received, revalidations included
    std::uint64_t coalesced = 0;       ///< reads / revalidations that joined an in-flight fetch
    std::uint64_t revalidations = 0;   ///< background revalidations started
    std::uint64_t failed = 0;          ///< reads answered 503
    std::uint64_t writes = 0;
    std::uint64_t writeFailures = 0;   ///< origin refused: nothing changed
    std::uint64_t tooLarge = 0;        ///< writes refused over max_object_size
    std::uint64_t kvQueued = 0;        ///< KV writes that went through the retry queue
    std::uint64_t kvRetries = 0;
    std::uint64_t kvSuperseded = 0;    ///< queued KV writes replaced by a newer write of the key
    std::uint64_t purges = 0;
    std::uint64_t purgedEntries = 0;
    std::uint64_t bumps = 0;

    void merge(const RequestCounters& o);
    /// What was counted since `earlier` (a copy of these counters then).
    RequestCounters minus(const RequestCounters& earlier) const;
    bool operator==(const RequestCounters&) const = default;
};

/// Per-namespace view: the same tier counters and request counters.
struct NamespaceStats {
    std::string name;
    std::uint64_t version = 0;
    std::array<TierCounters, kTierCount> tiers{};
    RequestCounters requests;
    LatencyHistogram latency; ///< end-to-end reads of this namespace
};

/// One 1-second bucket of the time series (virtual seconds in simulation).
/// Seconds with no activity have no point: a missing second means zero.
struct SeriesPoint {
    std::int64_t second = 0;
    std::array<TierCounters, kTierCount> tiers{};
    std::array<float, kTierCount> tierP50Ms{};
    std::array<float, kTierCount> tierP99Ms{};
    RequestCounters requests;
    float p50Ms = 0, p99Ms = 0;
};

/// A consistent copy of everything the engine counted; cheap to copy,
/// taken by readers instead of locking each counter.
struct EngineStats {
    Micros now = 0;
    std::array<TierCounters, kTierCount> tiers{};
    std::array<LatencyHistogram, kTierCount> tierLatency;
    LatencyHistogram latency; ///< end-to-end, reads
    RequestCounters requests;
    std::vector<NamespaceStats> namespaces;
    std::deque<SeriesPoint> series; ///< oldest first, bounded
    std::uint64_t kvQueueDepth = 0;  ///< KV writes waiting for retry now
};

} // namespace fallback
