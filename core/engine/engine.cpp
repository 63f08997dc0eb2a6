// The read path of SPEC §3 and the engine's bookkeeping. The write path is in
// enginewrite.cpp, invalidation and policy in engineadmin.cpp.

#include "engine/engine.h"

#include "engine/engineops.h"
#include "policy/key.h"

#include <limits>

namespace fallback {

namespace {
constexpr Micros kForever = std::numeric_limits<Micros>::max() / 4;
}

std::size_t PurgeReport::total() const
{
    std::size_t sum = 0;
    for (std::size_t n : perTier)
        sum += n;
    return sum;
}

Engine::Engine(KeySpace& keys, Scheduler& scheduler, std::array<Tier*, kTierCount> tiers,
               EngineOptions options)
    : m_keys(keys), m_scheduler(scheduler), m_tiers(tiers), m_options(options),
      m_stats(options.seriesCapacity)
{
}

Engine::~Engine() = default;

OpToken Engine::token(OpKind kind, std::uint32_t index)
{
    return (static_cast<OpToken>(kind) << 32) | index;
}

void Engine::resume(OpToken op)
{
    const auto index = static_cast<std::uint32_t>(op & 0xffffffffu);
    switch (static_cast<OpKind>(op >> 32)) {
    case OpKind::Read:
        if (m_reads[index].stage == TierId::ClientCache)
            handleClientAnswer(index);
        else
            handleTierAnswer(index);
        break;
    case OpKind::Fetch: completeFetch(index); break;
    case OpKind::Write: resumeWrite(index); break;
    case OpKind::KvDrain:
        if (m_kvDrainWaiting) {
            m_kvDrainWaiting = false;
            runKvDrain();
        } else {
            handleKvDrainAnswer();
        }
        break;
    }
}

bool Engine::mustWait(Tier* tier, OpToken op, const TierAnswer& answer)
{
    if (answer.status == TierStatus::Pending) {
        tier->attach(op);
        return true;
    }
    return m_scheduler.suspendAfterCall(op, answer.latency);
}

void Engine::complete(OpToken op, const TierAnswer& answer)
{
    const auto index = static_cast<std::uint32_t>(op & 0xffffffffu);
    switch (static_cast<OpKind>(op >> 32)) {
    case OpKind::Read: m_reads[index].pending = answer; break;
    case OpKind::Fetch: m_fetches[index].pending = answer; break;
    case OpKind::Write: m_writes[index].pending = answer; break;
    case OpKind::KvDrain: m_kvDrainAnswer = answer; break;
    }
    resume(op);
}

std::size_t Engine::pendingOperations() const
{
    std::size_t count = (m_reads.size() - m_freeReads.size()) +
                        (m_fetches.size() - m_freeFetches.size()) +
                        (m_writes.size() - m_freeWrites.size());
    return count + (m_kvDrainActive ? 1 : 0);
}

const NamespacePolicy* Engine::namespacePolicy(NamespaceId ns) const
{
    return ns < m_nsActive.size() && m_nsActive[ns] ? &m_nsPolicy[ns] : nullptr;
}

StoredKey Engine::storedKey(NamespaceId ns, ResourceId rid) const
{
    return StoredKey{ns < m_nsPolicy.size() ? m_nsPolicy[ns].version : 0, rid, ns};
}

// --- operation pools ------------------------------------------------------------

template <typename Pool>
static std::uint32_t allocFrom(Pool& pool, std::vector<std::uint32_t>& free)
{
    if (!free.empty()) {
        const std::uint32_t index = free.back();
        free.pop_back();
        return index;
    }
    pool.emplace_back();
    return static_cast<std::uint32_t>(pool.size() - 1);
}

std::uint32_t Engine::allocRead() { return allocFrom(m_reads, m_freeReads); }
std::uint32_t Engine::allocFetch() { return allocFrom(m_fetches, m_freeFetches); }
std::uint32_t Engine::allocWrite() { return allocFrom(m_writes, m_freeWrites); }

// --- read path ------------------------------------------------------------------

Status Engine::read(std::string_view ns, std::string_view id, ReadCallback done)
{
    if (std::string why = checkNamespaceName(ns); !why.empty())
        return Error{"invalid_key", why};
    if (std::string why = checkResourceId(id); !why.empty())
        return Error{"invalid_key", why};
    const auto nsId = m_keys.findNamespace(ns);
    if (!nsId || !namespacePolicy(*nsId))
        return Error{"unknown_namespace",
                     "namespace '" + std::string(ns) + "' is not in the policy"};
    read(*nsId, m_keys.intern(id), std::move(done));
    return Done{};
}

void Engine::read(NamespaceId ns, ResourceId rid, ReadCallback done)
{
    if (!namespacePolicy(ns)) {
        if (done) {
            ReadResult result;
            result.status = 404;
            done(result);
        }
        return;
    }
    const StoredKey key = storedKey(ns, rid);
    const Micros now = m_scheduler.now();
    Tier* edge = m_tiers[tierIndex(TierId::EdgeCache)];
    TierAnswer answer;
    if (edge && !done) {
        // A read nobody waits on (the simulator's): a fresh edge-cache hit,
        // the common case, ends the read with no effect on any state. Count
        // it now, with its latency, instead of taking an operation and
        // parking it in the scheduler until the answer arrives. Same outcome.
        const NamespacePolicy& policy = m_nsPolicy[ns];
        answer = edge->get(key, now, policy.keepFor());
        if (answer.status == TierStatus::Hit &&
            now + answer.latency - answer.entry.storedAt <= policy.ttl) {
            m_stats.tierLookup(now, ns, TierId::EdgeCache, LookupResult::Hit, answer.latency);
            m_stats.readDone(now, ns, ServedBy::EdgeCache, Freshness::Fresh, answer.latency);
            return;
        }
    }
    const std::uint32_t index = allocRead();
    // Field by field rather than `op = ReadOp{}`: this is the hot path, and
    // finishRead() already released what the previous read held.
    ReadOp& op = m_reads[index];
    op.key = key;
    op.start = now;
    op.hasStale = false;
    op.sawOutdated = false;
    op.active = true;
    op.done = std::move(done);
    if (edge && !op.done) {
        op.stage = TierId::EdgeCache; // asked above
        op.pending = std::move(answer);
        afterAsking(index);
        return;
    }
    askNextCache(index, 0);
}

void Engine::askNextCache(std::uint32_t index, int fromTier)
{
    // Only the two caches are asked in turn; the origin is shared through
    // single-flight fetches, and the client cache is the last resort.
    for (int t = fromTier; t <= tierIndex(TierId::EdgeKv); ++t) {
        if (m_tiers[t]) {
            askTier(index, static_cast<TierId>(t), m_nsPolicy[m_reads[index].key.ns].keepFor());
            return;
        }
    }
    goToOrigin(index);
}

void Engine::askTier(std::uint32_t index, TierId tier, Micros keepFor)
{
    ReadOp& op = m_reads[index];
    op.stage = tier;
    if (tier == TierId::EdgeKv)
        op.kvEpoch = m_purgeEpoch;
    op.pending = m_tiers[tierIndex(tier)]->get(op.key, m_scheduler.now(), keepFor);
    afterAsking(index);
}

void Engine::afterAsking(std::uint32_t index)
{
    ReadOp& op = m_reads[index];
    const TierId tier = op.stage;
    if (tier == TierId::EdgeCache && op.pending.status != TierStatus::Hit) {
        // The KV is asked when this answer arrives: start loading its slot now.
        if (Tier* kv = m_tiers[tierIndex(TierId::EdgeKv)])
            kv->prefetch(op.key);
    }
    if (mustWait(m_tiers[tierIndex(tier)], token(OpKind::Read, index), op.pending))
        return;
    if (tier == TierId::ClientCache)
        handleClientAnswer(index);
    else
        handleTierAnswer(index);
}

void Engine::handleTierAnswer(std::uint32_t index)
{
    ReadOp& op = m_reads[index];
    const TierId tier = op.stage;
    const StoredKey key = op.key;
    const NamespacePolicy& policy = m_nsPolicy[key.ns];
    const Micros now = m_scheduler.now();
    const TierAnswer& answer = op.pending;

    if (answer.status != TierStatus::Hit) {
        m_stats.tierLookup(now, key.ns, tier,
                           answer.status == TierStatus::Error ? LookupResult::Error
                                                              : LookupResult::Miss,
                           answer.latency);
        askNextCache(index, tierIndex(tier) + 1);
        return;
    }

    const Micros age = now - answer.entry.storedAt;
    if (age <= policy.ttl + policy.staleWhileRevalidate) {
        const bool fresh = age <= policy.ttl;
        m_stats.tierLookup(now, key.ns, tier, fresh ? LookupResult::Hit : LookupResult::Stale,
                           answer.latency);
        // A KV copy goes into the edge cache, unless a purge, a delete or a
        // newer write happened while the KV was answering.
        if (tier == TierId::EdgeKv && op.kvEpoch == m_purgeEpoch &&
            !holdsNewer(TierId::EdgeCache, key, answer.entry.storedAt))
            backfill(key, answer.entry, tier);
        const Entry entry = answer.entry;
        // Answer first, then revalidate: the caller never waits for the origin.
        finishRead(index, servedByTier(tier), fresh ? Freshness::Fresh : Freshness::Stale, entry);
        if (!fresh)
            startRevalidation(key);
        return;
    }
    // Past SWR: not served from here, but kept in mind for stale-if-error.
    m_stats.tierLookup(now, key.ns, tier, LookupResult::Miss, answer.latency);
    op.sawOutdated = true;
    if (age <= policy.ttl + policy.staleIfError &&
        (!op.hasStale || answer.entry.storedAt > op.stale.storedAt)) {
        op.hasStale = true;
        op.staleTier = tier;
        op.stale = answer.entry;
    }
    askNextCache(index, tierIndex(tier) + 1);
}

void Engine::goToOrigin(std::uint32_t index)
{
    if (!m_tiers[tierIndex(TierId::Origin)]) {
        afterOriginFailure(index);
        return;
    }
    const StoredKey key = m_reads[index].key;
    if (const std::uint32_t* fetch = m_fetchByKey.find(key)) {
        m_fetches[*fetch].waiters.push_back(index);
        m_stats.add(m_scheduler.now(), key.ns, &RequestCounters::coalesced);
        return;
    }
    const std::uint32_t fetch = startFetch(key, false);
    m_fetches[fetch].waiters.push_back(index);
    runFetch(fetch);
}

void Engine::afterOriginFailure(std::uint32_t index)
{
    ReadOp& op = m_reads[index];
    const NamespacePolicy& policy = m_nsPolicy[op.key.ns];
    const Micros now = m_scheduler.now();
    if (op.hasStale && now - op.stale.storedAt <= policy.ttl + policy.staleIfError) {
        const Entry entry = op.stale;
        finishRead(index, servedByTier(op.staleTier), Freshness::Stale, entry);
        return;
    }
    if (m_tiers[tierIndex(TierId::ClientCache)]) {
        askTier(index, TierId::ClientCache, kForever);
        return;
    }
    finishRead(index, ServedBy::Failed, Freshness::Stale, Entry{}, 503);
}

void Engine::handleClientAnswer(std::uint32_t index)
{
    ReadOp& op = m_reads[index];
    const Micros now = m_scheduler.now();
    const TierAnswer& answer = op.pending;
    if (answer.status == TierStatus::Hit) {
        // The last-known-good copy is served whatever its age, marked stale.
        m_stats.tierLookup(now, op.key.ns, TierId::ClientCache, LookupResult::Stale,
                           answer.latency);
        const Entry entry = answer.entry;
        finishRead(index, ServedBy::ClientCache, Freshness::Stale, entry);
        return;
    }
    m_stats.tierLookup(now, op.key.ns, TierId::ClientCache,
                       answer.status == TierStatus::Error ? LookupResult::Error
                                                          : LookupResult::Miss,
                       answer.latency);
    finishRead(index, ServedBy::Failed, Freshness::Stale, Entry{}, 503);
}

void Engine::finishRead(std::uint32_t index, ServedBy who, Freshness freshness, const Entry& entry,
                        int status)
{
    ReadOp& op = m_reads[index];
    const Micros now = m_scheduler.now();
    const Micros latency = now - op.start;
    m_stats.readDone(now, op.key.ns, who, freshness, latency);
    op.active = false;
    op.stale.body.reset();
    op.pending.entry.body.reset();
    if (!op.done) { // the simulator's reads: nobody waits for an answer
        m_freeReads.push_back(index);
        return;
    }
    ReadResult result;
    result.status = status;
    result.servedBy = who;
    result.freshness = freshness;
    result.latency = latency;
    result.age = who == ServedBy::Failed ? 0 : std::max<Micros>(0, now - entry.storedAt);
    result.entry = entry;
    result.policy = m_nsPolicy[op.key.ns];
    ReadCallback done = std::move(op.done);
    op.done = nullptr;
    m_freeReads.push_back(index);
    done(result);
}

// --- origin fetches (single flight) ----------------------------------------------

std::uint32_t Engine::startFetch(const StoredKey& key, bool revalidation)
{
    const std::uint32_t index = allocFetch();
    FetchOp& fetch = m_fetches[index];
    fetch.key = key;
    fetch.start = m_scheduler.now();
    fetch.revalidation = revalidation;
    fetch.purgeEpoch = m_purgeEpoch;
    fetch.overtaken = false;
    fetch.waiters.clear();
    fetch.active = true;
    *m_fetchByKey.tryEmplace(key).first = index;
    m_stats.add(fetch.start, key.ns, &RequestCounters::originFetches);
    if (revalidation)
        m_stats.add(fetch.start, key.ns, &RequestCounters::revalidations);
    return index;
}

void Engine::runFetch(std::uint32_t index)
{
    FetchOp& fetch = m_fetches[index];
    Tier* origin = m_tiers[tierIndex(TierId::Origin)];
    fetch.pending = origin->get(fetch.key, m_scheduler.now(), kForever);
    if (mustWait(origin, token(OpKind::Fetch, index), fetch.pending))
        return;
    completeFetch(index);
}

void Engine::startRevalidation(const StoredKey& key)
{
    if (!m_tiers[tierIndex(TierId::Origin)])
        return;
    if (m_fetchByKey.contains(key)) {
        m_stats.add(m_scheduler.now(), key.ns, &RequestCounters::coalesced);
        return;
    }
    runFetch(startFetch(key, true));
}

void Engine::completeFetch(std::uint32_t index)
{
    FetchOp& fetch = m_fetches[index];
    const StoredKey key = fetch.key;
    const TierAnswer answer = fetch.pending;
    const bool mayBackfill = fetch.purgeEpoch == m_purgeEpoch && !fetch.overtaken;
    std::vector<std::uint32_t> waiters;
    waiters.swap(fetch.waiters);
    fetch.active = false;
    fetch.pending.entry.body.reset();
    m_fetchByKey.erase(key);
    m_freeFetches.push_back(index);

    const Micros now = m_scheduler.now();
    const LookupResult result = answer.status == TierStatus::Hit    ? LookupResult::Hit
                                : answer.status == TierStatus::Miss ? LookupResult::Miss
                                                                    : LookupResult::Error;
    m_stats.tierLookup(now, key.ns, TierId::Origin, result, answer.latency);

    if (answer.status == TierStatus::Hit) {
        if (mayBackfill && answer.entry.size <= m_nsPolicy[key.ns].maxObjectSize)
            backfill(key, answer.entry, TierId::Origin);
        for (std::uint32_t reader : waiters) {
            const Freshness freshness =
                m_reads[reader].sawOutdated ? Freshness::Revalidated : Freshness::Fresh;
            finishRead(reader, ServedBy::Origin, freshness, answer.entry);
        }
    } else if (answer.status == TierStatus::Miss) {
        for (std::uint32_t reader : waiters)
            finishRead(reader, ServedBy::Origin, Freshness::Fresh, Entry{}, 404);
    } else {
        for (std::uint32_t reader : waiters)
            afterOriginFailure(reader);
    }
    // Keep the vector's capacity for the next fetch in this slot.
    if (!m_fetches[index].active) {
        waiters.clear();
        m_fetches[index].waiters.swap(waiters);
    }
}

bool Engine::holdsNewer(TierId tier, const StoredKey& key, Micros storedAt) const
{
    const Tier* target = m_tiers[tierIndex(tier)];
    if (!target)
        return false;
    const std::optional<Entry> held = target->peek(key);
    return held && held->storedAt >= storedAt;
}

void Engine::backfill(const StoredKey& key, const Entry& entry, TierId from)
{
    // Back-fills run in the background (the seed's waitUntil): they cost the
    // reader no latency, and a failed one only means a later miss.
    const Micros now = m_scheduler.now();
    auto fill = [&](TierId tier) {
        if (Tier* target = m_tiers[tierIndex(tier)])
            target->put(key, entry, now);
    };
    if (from == TierId::Origin) {
        fill(TierId::EdgeKv);
        fill(TierId::ClientCache);
    }
    fill(TierId::EdgeCache);
}

EngineStats Engine::snapshot(std::int64_t seriesAfter) const
{
    EngineStats stats = m_stats.snapshot(seriesAfter);
    stats.now = m_scheduler.now();
    stats.kvQueueDepth = m_kvPending.size();
    for (std::size_t ns = 0; ns < stats.namespaces.size() && ns < m_nsPolicy.size(); ++ns)
        stats.namespaces[ns].version = m_nsPolicy[ns].version;
    return stats;
}

} // namespace fallback
