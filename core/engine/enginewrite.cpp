// The write path of SPEC §3: origin first, then edge KV (write-through or
// async-backfill, with a retry queue that never drops a write), then the
// edge cache.

#include "engine/engine.h"

#include "engine/engineops.h"

#include <algorithm>

namespace fallback {

void Engine::write(NamespaceId ns, ResourceId rid, Entry entry, WriteCallback done)
{
    startWrite(ns, rid, std::move(entry), false, std::move(done));
}

void Engine::remove(NamespaceId ns, ResourceId rid, WriteCallback done)
{
    startWrite(ns, rid, Entry{}, true, std::move(done));
}

void Engine::startWrite(NamespaceId ns, ResourceId rid, Entry entry, bool isDelete,
                        WriteCallback done)
{
    const NamespacePolicy* policy = namespacePolicy(ns);
    if (!policy) {
        if (done)
            done(WriteResult{false, {"unknown_namespace", "namespace is not in the policy"}, 0});
        return;
    }
    const Micros now = m_scheduler.now();
    if (!isDelete && entry.size > policy->maxObjectSize) {
        m_stats.add(now, ns, &RequestCounters::tooLarge);
        if (done) {
            done(WriteResult{false,
                             {"too_large", "object of " + std::to_string(entry.size) +
                                               " bytes is over max_object_size (" +
                                               std::to_string(policy->maxObjectSize) +
                                               " bytes) of namespace '" + policy->name + "'"},
                             0});
        }
        return;
    }
    const std::uint32_t index = allocWrite();
    WriteOp& op = m_writes[index];
    op = WriteOp{};
    op.key = storedKey(ns, rid);
    op.entry = std::move(entry);
    op.isDelete = isDelete;
    op.start = now;
    op.active = true;
    op.done = std::move(done);
    m_stats.add(now, ns, &RequestCounters::writes);

    Tier* origin = m_tiers[tierIndex(TierId::Origin)];
    if (!origin) {
        m_stats.add(now, ns, &RequestCounters::writeFailures);
        finishWrite(index, WriteResult{false, {"origin_failed", "the origin tier is disabled"}, 0});
        return;
    }
    op.stage = WriteOp::Stage::Origin;
    op.pending = isDelete ? origin->erase(op.key, now) : origin->put(op.key, op.entry, now);
    if (!mustWait(origin, token(OpKind::Write, index), op.pending))
        resumeWrite(index);
}

void Engine::resumeWrite(std::uint32_t index)
{
    WriteOp& op = m_writes[index];
    const Micros now = m_scheduler.now();
    if (op.stage == WriteOp::Stage::Origin) {
        if (op.pending.status == TierStatus::Error) {
            // Origin first: when it refuses, nothing else may change.
            m_stats.add(now, op.key.ns, &RequestCounters::writeFailures);
            finishWrite(index, WriteResult{false,
                                           {"origin_failed",
                                            "the origin refused the write; no tier was changed"},
                                           now - op.start});
            return;
        }
        // The origin applies writes in the order they are issued: stamp the
        // copy with that instant, so "newest wins" below follows the origin
        // even when answers come back out of order.
        op.entry.storedAt = op.start;
        if (op.isDelete)
            ++m_purgeEpoch; // reads that saw the deleted copy must not put it back
        // A fetch of the key already on its way carries the value from
        // before this write: it may answer its readers but not back-fill.
        if (const std::uint32_t* fetch = m_fetchByKey.find(op.key))
            m_fetches[*fetch].overtaken = true;
        writeToKv(index);
        return;
    }
    // The write-through KV call answered.
    kvCallAnswered(op.key);
    if (op.pending.status == TierStatus::Error) {
        enqueueKv(op.key, op.entry, op.isDelete);
        op.kvQueued = true;
    } else if (const auto it = m_kvPending.find(op.key);
               it != m_kvPending.end() && it->second.entry.storedAt <= op.entry.storedAt) {
        // An older queued write of this key must not land after this one.
        m_kvPending.erase(it);
        m_stats.add(now, op.key.ns, &RequestCounters::kvSuperseded);
    }
    forgetKvTrack(op.key);
    finishWrite(index, WriteResult{true, {}, now - op.start, op.kvQueued});
}

void Engine::writeToKv(std::uint32_t index)
{
    WriteOp& op = m_writes[index];
    const Micros now = m_scheduler.now();
    Tier* kv = m_tiers[tierIndex(TierId::EdgeKv)];
    const auto track = m_kvTrack.find(op.key);
    if (kv && ((track != m_kvTrack.end() && track->second.newest > op.entry.storedAt) ||
               holdsNewer(TierId::EdgeKv, op.key, op.entry.storedAt + 1))) {
        // A newer write of the key already went to KV: this one is superseded.
        m_stats.add(now, op.key.ns, &RequestCounters::kvSuperseded);
        kv = nullptr;
    }
    if (kv && m_nsPolicy[op.key.ns].writeMode == WriteMode::WriteThrough &&
        !m_kvPending.count(op.key)) {
        op.stage = WriteOp::Stage::Kv;
        kvCallIssued(op.key, op.entry.storedAt);
        op.pending = op.isDelete ? kv->erase(op.key, now) : kv->put(op.key, op.entry, now);
        if (!mustWait(kv, token(OpKind::Write, index), op.pending))
            resumeWrite(index);
        return;
    }
    if (kv) {
        // Async back-fill, or a write-through behind queued writes of the same
        // key: it joins the queue so that KV applies writes in order.
        enqueueKv(op.key, op.entry, op.isDelete);
        op.kvQueued = true;
    }
    finishWrite(index, WriteResult{true, {}, now - op.start, op.kvQueued});
}

void Engine::finishWrite(std::uint32_t index, WriteResult result)
{
    WriteOp& op = m_writes[index];
    if (result.ok) {
        // The edge cache (and, on delete, the client's copy) follows at once,
        // unless a newer write of the key got there first.
        const Micros now = m_scheduler.now();
        Tier* edge = m_tiers[tierIndex(TierId::EdgeCache)];
        if (edge && holdsNewer(TierId::EdgeCache, op.key, op.entry.storedAt + 1))
            edge = nullptr;
        if (edge) {
            if (op.isDelete)
                edge->erase(op.key, now);
            else
                edge->put(op.key, op.entry, now);
        }
        if (Tier* client = m_tiers[tierIndex(TierId::ClientCache)]; client && op.isDelete)
            client->erase(op.key, now);
    }
    WriteCallback done = std::move(op.done);
    op.done = nullptr;
    op.entry = Entry{};
    op.active = false;
    m_freeWrites.push_back(index);
    if (done)
        done(result);
}

// --- the KV retry queue -------------------------------------------------------------

void Engine::kvCallIssued(const StoredKey& key, Micros storedAt)
{
    KvTrack& track = m_kvTrack[key];
    track.newest = std::max(track.newest, storedAt);
    ++track.inFlight;
}

void Engine::kvCallAnswered(const StoredKey& key)
{
    if (const auto it = m_kvTrack.find(key); it != m_kvTrack.end() && it->second.inFlight > 0)
        --it->second.inFlight;
}

void Engine::forgetKvTrack(const StoredKey& key)
{
    // Only while calls are in flight or writes queued does KV's newest copy
    // matter; afterwards the record goes, so it stays proportional to them.
    const auto it = m_kvTrack.find(key);
    if (it != m_kvTrack.end() && it->second.inFlight == 0 && !m_kvPending.count(key))
        m_kvTrack.erase(it);
}

void Engine::enqueueKv(const StoredKey& key, const Entry& entry, bool isDelete)
{
    const Micros now = m_scheduler.now();
    if (const auto track = m_kvTrack.find(key);
        track != m_kvTrack.end() && track->second.newest > entry.storedAt) {
        // A newer copy of the key was already handed to KV: this one would
        // overwrite it. Superseded, not lost.
        m_stats.add(now, key.ns, &RequestCounters::kvSuperseded);
        forgetKvTrack(key);
        return;
    }
    auto [it, inserted] = m_kvPending.try_emplace(key);
    if (!inserted) {
        // Two writes of one key queued: the newer origin copy wins; the older
        // is superseded, not lost (KV ends with what the origin has).
        m_stats.add(now, key.ns, &RequestCounters::kvSuperseded);
        if (it->second.entry.storedAt > entry.storedAt)
            return;
    }
    const std::uint64_t sequence = ++m_kvSequence;
    it->second = KvPending{entry, sequence, 0, isDelete};
    m_kvOrder.emplace_back(key, sequence);
    m_stats.add(now, key.ns, &RequestCounters::kvQueued);
    // Superseded writes leave stale (key, sequence) pairs behind; compact so
    // the queue stays proportional to the keys waiting, not to the writes.
    if (m_kvOrder.size() > 64 && m_kvOrder.size() > 2 * m_kvPending.size()) {
        std::erase_if(m_kvOrder, [&](const auto& item) {
            const auto found = m_kvPending.find(item.first);
            return found == m_kvPending.end() || found->second.sequence != item.second;
        });
    }
    if (!m_kvDrainActive) {
        m_kvDrainActive = true;
        runKvDrain();
    }
}

void Engine::runKvDrain()
{
    Tier* kv = m_tiers[tierIndex(TierId::EdgeKv)];
    for (;;) {
        while (!m_kvOrder.empty()) {
            const auto& [key, sequence] = m_kvOrder.front();
            const auto it = m_kvPending.find(key);
            if (it != m_kvPending.end() && it->second.sequence == sequence)
                break;
            m_kvOrder.pop_front(); // superseded, or written through since
        }
        if (m_kvOrder.empty()) {
            m_kvDrainActive = false;
            return;
        }
        m_kvDrainKey = m_kvOrder.front().first;
        m_kvDrainSequence = m_kvOrder.front().second;
        const auto pendingIt = m_kvPending.find(m_kvDrainKey);
        if (holdsNewer(TierId::EdgeKv, m_kvDrainKey, pendingIt->second.entry.storedAt + 1)) {
            // KV already holds a newer copy (a later write got through first).
            m_stats.add(m_scheduler.now(), m_kvDrainKey.ns, &RequestCounters::kvSuperseded);
            m_kvPending.erase(pendingIt);
            m_kvOrder.pop_front();
            forgetKvTrack(m_kvDrainKey);
            continue;
        }
        const KvPending& pending = pendingIt->second;
        const Micros now = m_scheduler.now();
        kvCallIssued(m_kvDrainKey, pending.entry.storedAt);
        m_kvDrainAnswer = pending.isDelete ? kv->erase(m_kvDrainKey, now)
                                           : kv->put(m_kvDrainKey, pending.entry, now);
        if (mustWait(kv, token(OpKind::KvDrain, 0), m_kvDrainAnswer))
            return;
        if (!takeKvDrainAnswer())
            return;
    }
}

void Engine::handleKvDrainAnswer()
{
    if (takeKvDrainAnswer())
        runKvDrain();
}

bool Engine::takeKvDrainAnswer()
{
    kvCallAnswered(m_kvDrainKey);
    const auto it = m_kvPending.find(m_kvDrainKey);
    const bool current = it != m_kvPending.end() && it->second.sequence == m_kvDrainSequence;
    if (m_kvDrainAnswer.status != TierStatus::Error) {
        if (current)
            m_kvPending.erase(it);
        if (!m_kvOrder.empty() && m_kvOrder.front().second == m_kvDrainSequence)
            m_kvOrder.pop_front();
        forgetKvTrack(m_kvDrainKey);
        return true;
    }
    // KV refused: back off exponentially; the write stays at the head.
    const Micros now = m_scheduler.now();
    int attempts = 1;
    if (current) {
        attempts = ++it->second.attempts;
        m_stats.add(now, m_kvDrainKey.ns, &RequestCounters::kvRetries);
    }
    Micros delay = m_options.kvRetryInitial;
    for (int i = 1; i < attempts && delay < m_options.kvRetryMax; ++i)
        delay *= 2;
    m_kvDrainWaiting = true;
    m_scheduler.wakeAfter(token(OpKind::KvDrain, 0), std::min(delay, m_options.kvRetryMax));
    return false;
}

} // namespace fallback
