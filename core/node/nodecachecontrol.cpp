// The origin's Cache-Control against this node's policy (SPEC §8): what the
// origin's answers forbid a shared cache to do and the policy does anyway,
// said in the log, in health, in a policy PUT's answer and in /metrics.

#include "node/nodeservice.h"

#include "util/text.h"

namespace fallback::node {

namespace {

std::string ago(Micros elapsed)
{
    const Micros seconds = elapsed / kMicrosPerSecond;
    if (seconds < 1)
        return "just now";
    if (seconds < 120)
        return std::to_string(seconds) + " s ago";
    return std::to_string(seconds / 60) + " min ago";
}

} // namespace

void NodeService::noteOriginCacheControl(NamespaceId ns, CacheDirectives directives,
                                         std::string_view header)
{
    const Micros now = m_clock.now();
    if (!m_originCacheControl.record(ns, directives, header, now))
        return;
    // A new sighting: once in the log; health and /metrics keep it.
    const std::string& name = m_engine.keys().namespaceName(ns);
    const OriginCacheControl::Sighting* seen = m_originCacheControl.find(ns, now);
    std::string line =
        "origin: answers for namespace '" + name + "' carry 'Cache-Control: " + seen->header + "'";
    const NamespacePolicy* policy = m_engine.policy().find(name);
    const std::string conflict =
        policy ? cacheControlConflict(seen->directives, *policy, hasClientCache()) : std::string();
    log(conflict.empty() ? line + "; this node's policy does what it allows"
                         : "warning: " + line + "; " + conflict);
}

const OriginCacheControl::Sighting* NodeService::sightingFor(const NamespacePolicy& policy,
                                                             Micros now) const
{
    const std::optional<NamespaceId> ns = m_engine.keys().findNamespace(policy.name);
    return ns ? m_originCacheControl.find(*ns, now) : nullptr;
}

bool NodeService::hasClientCache() const
{
    return m_engine.tier(TierId::ClientCache) != nullptr;
}

std::vector<std::string> NodeService::originWarnings() const
{
    std::vector<std::string> warnings;
    const Micros now = m_clock.now();
    for (const NamespacePolicy& policy : m_engine.policy().namespaces) {
        const OriginCacheControl::Sighting* seen = sightingFor(policy, now);
        if (!seen)
            continue;
        const std::string conflict =
            cacheControlConflict(seen->directives, policy, hasClientCache());
        if (conflict.empty())
            continue;
        warnings.push_back("namespace '" + policy.name +
                           "': the origin's answers carry 'Cache-Control: " + seen->header + "' (" +
                           countOf(seen->answers, "answer", "answers") + ", latest " +
                           ago(now - seen->last) + "); " + conflict);
    }
    return warnings;
}

nlohmann::json NodeService::originCacheControlJson() const
{
    nlohmann::json doc = nlohmann::json::object();
    const Micros now = m_clock.now();
    for (const NamespacePolicy& policy : m_engine.policy().namespaces) {
        const OriginCacheControl::Sighting* seen = sightingFor(policy, now);
        if (!seen)
            continue;
        doc[policy.name] = {
            {"directives", cacheDirectiveNames(seen->directives)},
            {"answers", seen->answers},
            {"last_seen_seconds_ago", static_cast<double>(now - seen->last) / kMicrosPerSecond},
            {"header", seen->header}};
    }
    return doc;
}

std::vector<OriginDirectiveCount> NodeService::originDirectiveCounts() const
{
    std::vector<OriginDirectiveCount> counts;
    const auto& totals = m_originCacheControl.totals();
    for (std::size_t ns = 0; ns < totals.size(); ++ns) {
        for (std::size_t d = 0; d < kCacheDirectiveCount; ++d) {
            if (totals[ns][d] > 0)
                counts.push_back({m_engine.keys().namespaceName(static_cast<NamespaceId>(ns)),
                                  static_cast<CacheDirective>(d), totals[ns][d]});
        }
    }
    return counts;
}

} // namespace fallback::node
