// Key inspection for the console's Keys tab (not in the SPEC §6 contract,
// which it extends): one resource's copy in every tier, and cached ids of a
// namespace for completion. Read-only: nothing is counted, touched or
// interned, so looking does not change what is looked at.

#include "node/nodeservice.h"

#include "node/urlcodec.h"
#include "policy/key.h"

#include <charconv>
#include <set>

namespace fallback::node {

namespace {

/// Entries visited at most per listing, whatever the limit: a listing never
/// walks a large cache whole on the engine thread.
constexpr std::size_t kListScanLimit = 50000;
constexpr int kMaxListLimit = 1000;

constexpr std::int64_t toMillis(Micros micros) { return micros / kMicrosPerMilli; }

} // namespace

HttpResponse NodeService::lookupKey(const Route& route) const
{
    const ItemAddress address = resolveItem(route);
    if (address.error)
        return *address.error;
    const NamespacePolicy& policy = *m_engine.namespacePolicy(address.ns);
    const std::string& nsName = m_engine.keys().namespaceName(address.ns);
    const std::optional<ResourceId> rid = m_engine.keys().findResource(address.id);
    const Micros now = m_clock.now();

    nlohmann::json tiers = nlohmann::json::object();
    for (TierId tier : {TierId::EdgeCache, TierId::EdgeKv, TierId::ClientCache}) {
        const Tier* store = m_engine.tier(tier);
        if (!store)
            continue;
        nlohmann::json copy = {{"present", false}};
        const std::optional<Entry> entry =
            rid ? store->peek(m_engine.storedKey(address.ns, *rid)) : std::nullopt;
        if (entry) {
            const Micros age = now - entry->storedAt;
            const char* freshness = age <= policy.ttl ? "fresh"
                                    // The client cache serves its last-known-good copy at any age.
                                    : age <= policy.keepFor() || tier == TierId::ClientCache ? "stale"
                                                                                              : "expired";
            copy = {{"present", true},
                    {"age_ms", toMillis(age)},
                    {"ttl_left_ms", toMillis(policy.ttl - age)},
                    {"freshness", freshness},
                    {"size", entry->size}};
        }
        tiers[std::string(tierName(tier))] = std::move(copy);
    }
    return jsonResponse(200, {{"namespace", nsName},
                              {"id", address.id},
                              {"version", policy.version},
                              {"stored_key", composeStoredKey(nsName, policy.version, address.id)},
                              {"tiers", std::move(tiers)}});
}

HttpResponse NodeService::listKeys(const Route& route, const HttpRequest& request) const
{
    const std::optional<std::string> ns = percentDecode(route.nsRaw);
    if (!ns)
        return errorResponse(400, "bad percent-encoding in the namespace");
    if (std::string why = checkNamespaceName(*ns); !why.empty())
        return errorResponse(400, why);
    const std::optional<NamespaceId> nsId = m_engine.keys().findNamespace(*ns);
    if (!nsId || !m_engine.namespacePolicy(*nsId))
        return errorResponse(404, "namespace '" + *ns + "' is not in the policy");

    std::string prefix;
    int limit = 50;
    if (const std::string_view query = splitTarget(request.target).query; !query.empty()) {
        if (std::optional<std::string> value = queryValue(query, "prefix"))
            prefix = std::move(*value);
        if (const std::optional<std::string> value = queryValue(query, "limit")) {
            const char* end = value->data() + value->size();
            const auto [ptr, ec] = std::from_chars(value->data(), end, limit);
            if (ec != std::errc() || ptr != end || limit < 1 || limit > kMaxListLimit)
                return errorResponse(400, "limit must be a whole number from 1 to 1000");
        }
    }

    // Copies under the current version only: older versions are unreachable.
    const std::uint64_t version = m_engine.namespacePolicy(*nsId)->version;
    std::set<std::string> found;
    std::size_t scanned = 0;
    bool complete = true;
    for (TierId tier : {TierId::EdgeCache, TierId::EdgeKv}) {
        const Tier* store = m_engine.tier(tier);
        if (!store)
            continue;
        store->forEachKey([&](const StoredKey& key, const Entry&) {
            if (key.ns == *nsId && key.version == version) {
                const std::string& name = m_engine.keys().resourceName(key.rid);
                if (name.compare(0, prefix.size(), prefix) == 0)
                    found.insert(name);
            }
            if (++scanned >= kListScanLimit) {
                complete = false;
                return false;
            }
            return found.size() < static_cast<std::size_t>(limit) * 4;
        });
    }
    nlohmann::json ids = nlohmann::json::array();
    for (const std::string& name : found) {
        if (ids.size() >= static_cast<std::size_t>(limit))
            break;
        ids.push_back(name);
    }
    return jsonResponse(200, {{"namespace", *ns}, {"ids", std::move(ids)}, {"complete", complete}});
}

} // namespace fallback::node
