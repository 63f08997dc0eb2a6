// Policy changes and invalidations, which act at once outside the data path,
// and handing unused resource ids back to the key space.

#include "engine/engine.h"

#include "engine/engineops.h"

namespace fallback {

void Engine::setPolicy(const Policy& policy)
{
    m_policy = policy;
    std::fill(m_nsActive.begin(), m_nsActive.end(), false);
    for (const NamespacePolicy& ns : policy.namespaces) {
        const NamespaceId id = m_keys.namespaceId(ns.name);
        if (m_nsPolicy.size() <= id) {
            m_nsPolicy.resize(id + 1u);
            m_nsActive.resize(id + 1u, false);
        }
        m_nsPolicy[id] = ns;
        m_nsActive[id] = true;
        m_stats.describeNamespace(id, ns.name, ns.version);
    }
}

Status Engine::applyPolicy(const Policy& policy)
{
    for (const NamespacePolicy& ns : policy.namespaces) {
        const NamespacePolicy* current = m_policy.find(ns.name);
        if (current && ns.version < current->version) {
            return Error{"version_backwards",
                         "namespace '" + ns.name + "' would go back from version " +
                             std::to_string(current->version) + " to " +
                             std::to_string(ns.version) + "; versions only move forward (bump)"};
        }
    }
    setPolicy(policy);
    return Done{};
}

PurgeScope Engine::keyScope(NamespaceId ns, ResourceId rid) const
{
    PurgeScope scope;
    scope.kind = PurgeScope::Kind::Key;
    scope.key = storedKey(ns, rid);
    scope.ns = ns;
    return scope;
}

PurgeScope Engine::namespaceScope(NamespaceId ns)
{
    PurgeScope scope;
    scope.kind = PurgeScope::Kind::Namespace;
    scope.ns = ns;
    return scope;
}

PurgeScope Engine::allScope() { return PurgeScope{}; }

PurgeReport Engine::previewPurge(const PurgeScope& scope) const
{
    PurgeReport report;
    for (TierId tier : {TierId::EdgeCache, TierId::EdgeKv}) {
        if (Tier* t = m_tiers[tierIndex(tier)])
            report.perTier[tierIndex(tier)] = t->countMatching(scope);
    }
    return report;
}

PurgeReport Engine::purge(const PurgeScope& scope)
{
    PurgeReport report;
    for (TierId tier : {TierId::EdgeCache, TierId::EdgeKv}) {
        if (Tier* t = m_tiers[tierIndex(tier)])
            report.perTier[tierIndex(tier)] = t->purge(scope);
    }
    // Fetches already in flight answer their readers but must not put back
    // what was just purged.
    ++m_purgeEpoch;
    const Micros now = m_scheduler.now();
    if (scope.kind == PurgeScope::Kind::All) {
        m_stats.addGlobal(now, &RequestCounters::purges);
        m_stats.addGlobal(now, &RequestCounters::purgedEntries, report.total());
    } else {
        m_stats.add(now, scope.ns, &RequestCounters::purges);
        m_stats.add(now, scope.ns, &RequestCounters::purgedEntries, report.total());
    }
    return report;
}

Result<std::uint64_t> Engine::bump(NamespaceId ns)
{
    if (!namespacePolicy(ns))
        return Error{"unknown_namespace", "namespace is not in the policy"};
    NamespacePolicy& rules = m_nsPolicy[ns];
    ++rules.version;
    if (NamespacePolicy* inPolicy = m_policy.find(rules.name))
        inPolicy->version = rules.version;
    m_stats.describeNamespace(ns, rules.name, rules.version);
    m_stats.add(m_scheduler.now(), ns, &RequestCounters::bumps);
    return rules.version;
}

std::size_t Engine::reclaimUnusedIds()
{
    std::vector<bool> inUse(m_keys.resourceCount(), false);
    auto mark = [&inUse](const StoredKey& key) {
        if (key.rid < inUse.size())
            inUse[key.rid] = true;
    };
    // Finished operations' slots keep their last key: marking them too only
    // keeps a few ids longer, and never misses a live one.
    for (const ReadOp& op : m_reads)
        mark(op.key);
    for (const FetchOp& op : m_fetches)
        mark(op.key);
    for (const WriteOp& op : m_writes)
        mark(op.key);
    m_fetchByKey.forEach([&](const StoredKey& key, std::uint32_t) { mark(key); });
    for (const auto& [key, pending] : m_kvPending)
        mark(key);
    for (const auto& [key, track] : m_kvTrack)
        mark(key);
    for (const auto& [key, sequence] : m_kvOrder)
        mark(key);
    if (m_kvDrainActive)
        mark(m_kvDrainKey);
    for (const Tier* tier : m_tiers) {
        if (tier)
            tier->forEachKey([&](const StoredKey& key, const Entry&) {
                mark(key);
                return true;
            });
    }
    return m_keys.reclaim(inUse);
}

} // namespace fallback
