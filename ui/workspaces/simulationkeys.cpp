// The Keys tab in a local run: one resource's copy in every tier, and the
// ids a namespace holds, read from the simulated tiers without touching them.

#include "workspaces/simulationrunner.h"

#include "policy/key.h"

#include <QStringList>

#include <set>

namespace fallback::ui {

namespace {
constexpr std::size_t kListScanLimit = 50000; ///< entries looked at per listing, at most
} // namespace

void SimulationRunner::lookupKey(const QString& nsName, const QString& id)
{
    KeyReport report;
    report.ns = nsName;
    report.id = id;
    const std::string ns = nsName.toStdString();
    const std::string resource = id.toStdString();
    std::string why = checkNamespaceName(ns);
    if (why.empty())
        why = checkResourceId(resource);
    Engine& engine = m_simulator->engine();
    const auto nsId = m_simulator->keys().findNamespace(ns);
    const NamespacePolicy* policy = nsId ? engine.namespacePolicy(*nsId) : nullptr;
    if (why.empty() && !policy)
        why = "namespace '" + ns + "' is not in the policy";
    if (!why.empty()) {
        report.ok = false;
        report.error = QString::fromStdString(why);
        emit keyLookedUp(report);
        return;
    }
    report.version = policy->version;
    report.storedKey = QString::fromStdString(composeStoredKey(ns, policy->version, resource));
    std::optional<ResourceId> rid;
    {
        std::lock_guard lock(m_simulator->keys().mutex());
        rid = m_simulator->keys().findResource(resource);
    }
    const Micros now = m_simulator->now();
    report.virtualNow = now;
    for (TierId tier : kAllTiers) {
        KeyCopy& copy = report.tiers[tierIndex(tier)];
        if (tier == TierId::Origin) {
            // The origin is the source of truth: it always has the resource.
            copy.present = m_simulator->tierEnabled(tier);
            copy.freshness = QStringLiteral("source");
            if (SimulatedOrigin* origin = m_simulator->origin(); origin && rid)
                copy.size = origin->objectSize(*nsId, *rid);
            continue;
        }
        SimulatedTier* cache = m_simulator->cacheTier(tier);
        if (!cache || !rid)
            continue;
        const std::optional<Entry> entry = cache->peek(engine.storedKey(*nsId, *rid));
        if (!entry)
            continue;
        copy.present = true;
        copy.age = now - entry->storedAt;
        copy.ttlLeft = policy->ttl - copy.age;
        copy.size = entry->size;
        if (copy.age <= policy->ttl)
            copy.freshness = QStringLiteral("fresh");
        else if (copy.age <= policy->keepFor() || tier == TierId::ClientCache)
            copy.freshness = QStringLiteral("stale");
        else
            copy.freshness = QStringLiteral("expired");
    }
    emit keyLookedUp(report);
}

void SimulationRunner::listKeys(const QString& nsName, const QString& prefix, int limit)
{
    const auto nsId = m_simulator->keys().findNamespace(nsName.toStdString());
    QStringList ids;
    if (nsId && limit > 0) {
        const std::string wanted = prefix.toStdString();
        std::set<std::string> found;
        std::size_t scanned = 0;
        std::lock_guard lock(m_simulator->keys().mutex());
        for (TierId tier : {TierId::EdgeCache, TierId::EdgeKv}) {
            SimulatedTier* cache = m_simulator->cacheTier(tier);
            if (!cache)
                continue;
            cache->forEachKey([&](const StoredKey& key, const Entry&) {
                if (key.ns == *nsId) {
                    const std::string& name = m_simulator->keys().resourceName(key.rid);
                    if (name.compare(0, wanted.size(), wanted) == 0)
                        found.insert(name);
                }
                return ++scanned < kListScanLimit && found.size() < std::size_t(limit) * 4;
            });
        }
        for (const std::string& name : found) {
            if (ids.size() >= limit)
                break;
            ids << QString::fromStdString(name);
        }
    }
    emit keysListed(nsName, ids);
}

} // namespace fallback::ui
