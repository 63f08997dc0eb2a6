#pragma once

#include "engine/keyspace.h"
#include "engine/scheduler.h"
#include "engine/types.h"
#include "policy/policy.h"
#include "stats/statscollector.h"
#include "tiers/tier.h"
#include "util/flatmap.h"
#include "util/result.h"

#include <array>
#include <deque>
#include <functional>
#include <limits>
#include <string>
#include <unordered_map>
#include <vector>

namespace fallback {

/// What a read answered. `status` is 200, 404 (the origin does not know the
/// resource) or 503 (nothing could answer, SPEC §3).
struct ReadResult {
    int status = 200;
    ServedBy servedBy = ServedBy::Failed;
    Freshness freshness = Freshness::Fresh;
    Micros latency = 0; ///< end to end
    Micros age = 0;     ///< of the copy served
    Entry entry;
    NamespacePolicy policy; ///< the namespace rules in force when it was served
};
using ReadCallback = std::function<void(const ReadResult&)>;

/// What a write or delete answered: ok, or why it was refused.
struct WriteResult {
    bool ok = true;
    Error error;        ///< when !ok: code `too_large`, `origin_failed`, `unknown_namespace`
    Micros latency = 0; ///< until the caller got its answer (KV queueing excluded)
    bool kvQueued = false; ///< the KV copy was queued for retry or back-fill
};
using WriteCallback = std::function<void(const WriteResult&)>;

/// What an invalidation would reach or reached, per tier.
struct PurgeReport {
    std::array<std::size_t, kTierCount> perTier{};
    std::size_t total() const;
};

struct EngineOptions {
    std::size_t seriesCapacity = 3600; ///< 1-second points kept
    Micros kvRetryInitial = 100 * kMicrosPerMilli;
    Micros kvRetryMax = 30 * kMicrosPerSecond;
};

/// The fallback engine of SPEC §3: read path in seed order with back-fill,
/// SWR with one coalesced background revalidation, stale-if-error, the client
/// cache as last resort, single-flight origin fetches, the write path with a
/// KV retry queue that never drops a write, purge and bump.
///
/// Not thread-safe: every call, and every Scheduler callback, happens on one
/// thread (the simulator's or a node's engine thread). Tiers are borrowed;
/// a null tier is a disabled one.
class Engine {
public:
    Engine(KeySpace& keys, Scheduler& scheduler, std::array<Tier*, kTierCount> tiers,
           EngineOptions options = {});
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    // --- policy -------------------------------------------------------------
    /// Replaces the policy at once; namespaces it lacks stop being served.
    /// For the initial policy: no check against the one in force.
    void setPolicy(const Policy& policy);
    /// Replaces the policy in force, refusing one that would move a
    /// namespace's version back (old entries would become reachable again;
    /// versions only go forward, by bump). Applied whole or not at all.
    Status applyPolicy(const Policy& policy);
    const Policy& policy() const { return m_policy; }
    /// Rules of a namespace, or null when it is not in the policy.
    const NamespacePolicy* namespacePolicy(NamespaceId ns) const;
    KeySpace& keys() { return m_keys; }

    // --- data path ----------------------------------------------------------
    /// Starts a read of `ns` + `rid`; `done` is called once, possibly from
    /// within this call.
    void read(NamespaceId ns, ResourceId rid, ReadCallback done = {});
    /// A read of `ns` + `rid` is coming soon: the caches may start loading
    /// where its entry lives (the simulator looks a few requests ahead).
    void prefetch(NamespaceId ns, ResourceId rid) const
    {
        if (Tier* edge = m_tiers[tierIndex(TierId::EdgeCache)])
            edge->prefetch(storedKey(ns, rid));
    }
    /// Validates and interns, then reads. Unknown namespace or bad id: error.
    Status read(std::string_view ns, std::string_view id, ReadCallback done);

    /// Write path: origin first, then KV (write-through or async-backfill),
    /// then the edge cache. `entry.storedAt` is set by the engine.
    void write(NamespaceId ns, ResourceId rid, Entry entry, WriteCallback done = {});
    /// Delete: at the origin, then removed from KV and the edge cache.
    void remove(NamespaceId ns, ResourceId rid, WriteCallback done = {});

    // --- invalidation -------------------------------------------------------
    /// Purges edge cache and edge KV. In flight origin fetches started before
    /// a purge still answer their waiters but no longer back-fill.
    PurgeReport purge(const PurgeScope& scope);
    PurgeReport previewPurge(const PurgeScope& scope) const;
    /// Increments the namespace's version; returns the new one.
    Result<std::uint64_t> bump(NamespaceId ns);
    /// Scope helpers that compose the current version.
    PurgeScope keyScope(NamespaceId ns, ResourceId rid) const;
    static PurgeScope namespaceScope(NamespaceId ns);
    static PurgeScope allScope();

    // --- memory -------------------------------------------------------------
    /// Hands back to the key space every resource id that no tier holds and
    /// no operation in flight or queued KV write uses (KeySpace::reclaim).
    /// For a long-running node, whose key space would otherwise keep every id
    /// ever asked for; O(entries in the tiers). Every holder of ids must be
    /// the engine or one of its tiers: callers keep none between calls.
    /// Returns how many ids were freed.
    std::size_t reclaimUnusedIds();

    // --- inspection ---------------------------------------------------------
    StoredKey storedKey(NamespaceId ns, ResourceId rid) const;
    Tier* tier(TierId id) const { return m_tiers[tierIndex(id)]; }
    /// Everything counted; only series points after `seriesAfter` (seconds).
    EngineStats snapshot(std::int64_t seriesAfter = -1) const;
    const StatsCollector& stats() const { return m_stats; }
    std::size_t kvQueueDepth() const { return m_kvPending.size(); }
    std::size_t inFlightFetches() const { return m_fetchByKey.size(); }
    /// Operations not yet answered (reads, writes, fetches, KV drain).
    std::size_t pendingOperations() const;
    /// True while reads, writes or origin fetches are in flight (the KV
    /// retry queue, which may wait for ever on a dead KV, is not counted).
    bool busy() const { return pendingOperations() > (m_kvDrainActive ? 1u : 0u); }
    /// Closes the current 1-second bucket of the series (end of a run).
    void flushStats() { m_stats.flush(); }
    /// Closes the current 1-second bucket once its second is over (a node's
    /// once-a-second tick on the real clock; see StatsCollector::closeElapsed).
    void closeElapsedStats() { m_stats.closeElapsed(m_scheduler.now()); }

    /// Called by the Scheduler when a suspended operation's time has come.
    void resume(OpToken op);
    /// Called by a remote tier (on the engine's thread) with the answer to a
    /// call that returned Pending; the waiting operation goes on at once.
    void complete(OpToken op, const TierAnswer& answer);

private:
    enum class OpKind : std::uint8_t { Read, Fetch, Write, KvDrain };
    struct ReadOp;
    struct FetchOp;
    struct WriteOp;
    struct KvPending {
        Entry entry;
        std::uint64_t sequence = 0; ///< newer writes of the key have higher ones
        int attempts = 0;
        bool isDelete = false;
    };

    static OpToken token(OpKind kind, std::uint32_t index);
    /// After a tier call: true when operation `op` must wait for its answer
    /// (a Pending remote call, or simulated latency); false to go on inline.
    bool mustWait(Tier* tier, OpToken op, const TierAnswer& answer);

    // read path (engine.cpp)
    void askNextCache(std::uint32_t index, int fromTier);
    void askTier(std::uint32_t index, TierId tier, Micros keepFor);
    /// After a read's tier call answered into op.pending: wait or go on.
    void afterAsking(std::uint32_t index);
    void handleTierAnswer(std::uint32_t index);
    void handleClientAnswer(std::uint32_t index);
    void goToOrigin(std::uint32_t index);
    void afterOriginFailure(std::uint32_t index);
    void finishRead(std::uint32_t index, ServedBy who, Freshness freshness, const Entry& entry,
                    int status = 200);
    std::uint32_t startFetch(const StoredKey& key, bool revalidation);
    void runFetch(std::uint32_t index);
    void completeFetch(std::uint32_t index);
    void startRevalidation(const StoredKey& key);
    void backfill(const StoredKey& key, const Entry& entry, TierId from);
    /// True when `tier` holds a copy of `key` at least as new as `storedAt`.
    bool holdsNewer(TierId tier, const StoredKey& key, Micros storedAt) const;

    // write path (enginewrite.cpp)
    void startWrite(NamespaceId ns, ResourceId rid, Entry entry, bool isDelete, WriteCallback done);
    void resumeWrite(std::uint32_t index);
    void writeToKv(std::uint32_t index);
    void finishWrite(std::uint32_t index, WriteResult result);
    void enqueueKv(const StoredKey& key, const Entry& entry, bool isDelete);
    void runKvDrain();
    void kvCallIssued(const StoredKey& key, Micros storedAt);
    void kvCallAnswered(const StoredKey& key);
    void forgetKvTrack(const StoredKey& key);
    void handleKvDrainAnswer();
    bool takeKvDrainAnswer(); ///< false while backing off

    std::uint32_t allocRead();
    std::uint32_t allocFetch();
    std::uint32_t allocWrite();

    KeySpace& m_keys;
    Scheduler& m_scheduler;
    std::array<Tier*, kTierCount> m_tiers;
    EngineOptions m_options;

    Policy m_policy;
    /// Indexed by NamespaceId; inactive when the policy lacks the namespace.
    std::vector<NamespacePolicy> m_nsPolicy;
    std::vector<bool> m_nsActive;

    std::deque<ReadOp> m_reads; // deque: references stay valid as it grows
    std::vector<std::uint32_t> m_freeReads;
    std::deque<FetchOp> m_fetches;
    std::vector<std::uint32_t> m_freeFetches;
    /// In-flight origin fetches by key (single flight): looked up on every
    /// cache miss, so a flat table rather than a node-based map.
    FlatMap<StoredKey, std::uint32_t, StoredKeyHash> m_fetchByKey{kNoStoredKey};
    std::deque<WriteOp> m_writes;
    std::vector<std::uint32_t> m_freeWrites;

    std::unordered_map<StoredKey, KvPending, StoredKeyHash> m_kvPending;
    /// Per key with KV calls in flight or writes queued: the newest copy
    /// handed to KV, so an older one never overwrites it.
    struct KvTrack {
        Micros newest = std::numeric_limits<Micros>::min();
        int inFlight = 0;
    };
    std::unordered_map<StoredKey, KvTrack, StoredKeyHash> m_kvTrack;
    std::deque<std::pair<StoredKey, std::uint64_t>> m_kvOrder; ///< FIFO of (key, sequence)
    std::uint64_t m_kvSequence = 0;
    bool m_kvDrainActive = false;
    StoredKey m_kvDrainKey;
    std::uint64_t m_kvDrainSequence = 0;
    bool m_kvDrainWaiting = false; ///< sleeping on back-off rather than in a call
    TierAnswer m_kvDrainAnswer;

    /// Counts purges and completed deletes: a copy read before one of them
    /// must not be written back into a faster tier after it.
    std::uint64_t m_purgeEpoch = 0;
    StatsCollector m_stats;
};

} // namespace fallback
