#include "engine/types.h"

namespace fallback {

std::string_view tierName(TierId tier)
{
    switch (tier) {
    case TierId::EdgeCache: return "edge_cache";
    case TierId::EdgeKv: return "edge_kv";
    case TierId::Origin: return "origin";
    case TierId::ClientCache: return "client_cache";
    }
    return "unknown";
}

std::optional<TierId> parseTierName(std::string_view name)
{
    for (TierId tier : kAllTiers) {
        if (tierName(tier) == name)
            return tier;
    }
    return std::nullopt;
}

std::string_view servedByName(ServedBy who)
{
    if (who == ServedBy::Failed)
        return "failed";
    return tierName(static_cast<TierId>(who));
}

std::string_view freshnessName(Freshness freshness)
{
    switch (freshness) {
    case Freshness::Fresh: return "fresh";
    case Freshness::Stale: return "stale";
    case Freshness::Revalidated: return "revalidated";
    }
    return "unknown";
}

} // namespace fallback
