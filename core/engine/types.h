#pragma once

#include "util/units.h"

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace fallback {

/// The four tiers of the read path, in seed order (SPEC §3).
enum class TierId : std::uint8_t { EdgeCache = 0, EdgeKv = 1, Origin = 2, ClientCache = 3 };
constexpr int kTierCount = 4;
constexpr std::array<TierId, kTierCount> kAllTiers{TierId::EdgeCache, TierId::EdgeKv,
                                                   TierId::Origin, TierId::ClientCache};
constexpr int tierIndex(TierId tier) { return static_cast<int>(tier); }

/// `edge_cache`, `edge_kv`, `origin`, `client_cache` (the contract's words).
std::string_view tierName(TierId tier);
std::optional<TierId> parseTierName(std::string_view name);

/// Who answered a read: one of the tiers, or nobody (the 503 answer).
enum class ServedBy : std::uint8_t { EdgeCache = 0, EdgeKv = 1, Origin = 2, ClientCache = 3, Failed = 4 };
constexpr int kServedByCount = 5;
constexpr ServedBy servedByTier(TierId tier) { return static_cast<ServedBy>(tier); }
std::string_view servedByName(ServedBy who); ///< tier name, or `failed`

/// `fresh`: within ttl. `stale`: past ttl, served under SWR, SIE or as the
/// client cache's last-known-good copy. `revalidated`: the read found an
/// out-of-date copy on its way, and the origin answered it with a new one.
enum class Freshness : std::uint8_t { Fresh = 0, Stale = 1, Revalidated = 2 };
std::string_view freshnessName(Freshness freshness);

/// Index of a namespace in the engine's registry. Stable for the engine's
/// life: a namespace removed from the policy keeps its id, so does a re-added one.
using NamespaceId = std::uint16_t;
/// Interned resource id (see KeySpace). Stable for the engine's life.
using ResourceId = std::uint32_t;

/// A stored key `namespace:version:resourceId` in interned form.
struct StoredKey {
    std::uint64_t version = 0;
    ResourceId rid = 0;
    NamespaceId ns = 0;

    bool operator==(const StoredKey&) const = default;
};

/// A key no caller can form (namespace ids stop well below 0xffff): marks
/// free slots in flat hash tables.
constexpr StoredKey kNoStoredKey{~std::uint64_t(0), ~std::uint32_t(0), 0xffff};

struct StoredKeyHash {
    std::size_t operator()(const StoredKey& key) const noexcept
    {
        // One multiply-xorshift round over the packed fields: cheap and
        // well spread for the dense ids the KeySpace hands out.
        std::uint64_t h = (static_cast<std::uint64_t>(key.rid) << 16) ^ key.ns;
        h ^= key.version * 0x9E3779B97F4A7C15ULL;
        h *= 0xBF58476D1CE4E5B9ULL;
        h ^= h >> 31;
        return static_cast<std::size_t>(h);
    }
};

/// A cached copy. `storedAt` is when the origin produced it (age = now -
/// storedAt, carried along when a copy is back-filled). `body` is null in
/// simulation, where only the size matters.
struct Entry {
    Micros storedAt = 0;
    std::uint32_t size = 0;
    std::shared_ptr<const std::string> body;
};

} // namespace fallback
