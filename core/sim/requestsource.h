#pragma once

#include "engine/keyspace.h"
#include "policy/diagnostic.h"
#include "policy/policy.h"
#include "sim/scenario.h"
#include "sim/trace.h"
#include "sim/workload.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <thread>
#include <string>
#include <utility>
#include <vector>

namespace fallback {

/// One request of a workload, in interned form.
struct SimRequest {
    Micros time = 0;
    NamespaceId ns = 0;
    ResourceId rid = 0;
    std::uint32_t size = 0; ///< object size; 0 = the origin's default
    TraceOp op = TraceOp::Get;
};

/// Where a simulation's requests come from, in time order.
class RequestSource {
public:
    virtual ~RequestSource() = default;
    /// The next request; false at the end or on an error (see error()).
    virtual bool next(SimRequest& request) = 0;
    /// Share of the source consumed, in [0, 1], when it knows its length.
    virtual double progress() const { return 0.0; }
    /// The problem that stopped the source, if any.
    virtual const Diagnostic* error() const { return nullptr; }
};

/// Poisson arrivals, namespaces by weight, ids by Zipf per namespace, a
/// fixed size per object drawn from the size range. Ids are the decimal
/// numbers 0..keys-1.
class SyntheticSource final : public RequestSource {
public:
    SyntheticSource(const SyntheticWorkload& workload, KeySpace& keys, std::uint64_t seed);
    bool next(SimRequest& request) override;

private:
    SyntheticWorkload m_workload;
    Random m_random;
    ZipfSampler m_zipf;
    WeightedChoice m_namespaceChoice;
    std::vector<NamespaceId> m_namespaces;
    std::vector<ResourceId> m_rids; ///< rank -> interned id
    std::uint64_t m_sizeSeed;
    double m_time = 0; ///< seconds
};

/// Replays a CSV trace, streaming. A namespace absent from the policy stops
/// the run with a diagnostic at its row. Interns ids into the KeySpace:
/// when that is shared across threads, the caller holds KeySpace::mutex().
class TraceSource final : public RequestSource {
public:
    TraceSource(const std::string& path, const std::string& label, KeySpace& keys,
                const Policy& policy);
    bool next(SimRequest& request) override;
    /// Safe to call from another thread than next()'s.
    double progress() const override;
    const Diagnostic* error() const override;

private:
    TraceReader m_reader;
    KeySpace& m_keys;
    std::vector<std::pair<std::string, NamespaceId>> m_namespaces; ///< in the policy
    std::vector<std::string> m_namespaceNames;
    std::string m_label;
    Diagnostic m_error;
    bool m_failed = false;
    std::atomic<std::uint64_t> m_bytesRead{0};
};

/// Runs another source on a thread of its own, a few batches of requests
/// ahead of the simulator, so that parsing, interning and random draws use
/// the second core. The order of requests is unchanged, so runs stay
/// deterministic. Memory stays bounded: a few batches are in flight.
class PrefetchSource final : public RequestSource {
public:
    /// `keysMutex` (may be null) is held while a batch is produced, for a
    /// source that interns into a shared KeySpace.
    PrefetchSource(std::unique_ptr<RequestSource> inner, std::mutex* keysMutex);
    ~PrefetchSource() override;
    bool next(SimRequest& request) override;
    /// The next batch of requests, in order; empty at the end. Valid until
    /// the next call (the simulator reads requests in place, and looks a few
    /// ahead within the batch). Do not mix with next().
    std::span<const SimRequest> nextBatch();
    double progress() const override;
    /// The inner source's problem, once the consumer has reached its end.
    const Diagnostic* error() const override;

private:
    struct Batch {
        std::vector<SimRequest> requests;
        bool last = false; ///< the source ends (or failed) after this batch
    };
    void produce();

    std::unique_ptr<RequestSource> m_inner;
    std::mutex* m_keysMutex;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<Batch> m_full;  ///< produced, not yet consumed
    std::vector<Batch> m_free; ///< consumed, ready for reuse
    bool m_stop = false;
    Batch m_current;           ///< the consumer's batch
    std::size_t m_position = 0;
    bool m_ended = false;      ///< the consumer took the last batch
    std::thread m_thread;
};

} // namespace fallback
