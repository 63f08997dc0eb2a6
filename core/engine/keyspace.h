#pragma once

#include "engine/types.h"

#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace fallback {

/// Interns namespace names and resource ids into dense integers so that the
/// hot path hashes small fixed-size keys. Memory grows with the number of
/// distinct names seen, not with requests; a long-running owner that can
/// list every resource id still in use (the node, through
/// Engine::reclaimUnusedIds) hands the others back with reclaim(), and
/// intern() reuses them. Namespace ids are never forgotten.
/// Not thread-safe by itself: code that shares one KeySpace across threads
/// (a trace prefetch thread interning ids while the simulator runs) holds
/// mutex() around every call.
class KeySpace {
public:
    std::mutex& mutex() const { return m_mutex; }

    /// The id of `name`, registering it when new. Does not validate.
    NamespaceId namespaceId(std::string_view name);
    std::optional<NamespaceId> findNamespace(std::string_view name) const;
    const std::string& namespaceName(NamespaceId ns) const { return m_namespaces[ns]; }
    std::size_t namespaceCount() const { return m_namespaces.size(); }

    /// The id of resource `id`, interning it when new. Does not validate.
    ResourceId intern(std::string_view id);
    std::optional<ResourceId> findResource(std::string_view id) const;
    /// Empty for an id that reclaim() freed and nobody interned again.
    const std::string& resourceName(ResourceId rid) const { return m_resources[rid]; }
    /// One past the highest resource id handed out (freed ones included).
    std::size_t resourceCount() const { return m_resources.size(); }
    /// Resource ids that name something (resourceCount() minus the free ones).
    std::size_t liveResourceCount() const { return m_resources.size() - m_freeResources.size(); }
    void reserveResources(std::size_t count);

    /// Frees every resource id below inUse.size() whose flag is false (ids
    /// at or beyond it are kept): its name is forgotten, findResource() no
    /// longer finds it, and intern() hands the id out again for another
    /// name. The caller guarantees that nothing still holds a freed id: any
    /// holder would silently alias a future resource. Returns how many ids
    /// were freed now.
    std::size_t reclaim(const std::vector<bool>& inUse);

private:
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept
        {
            return std::hash<std::string_view>{}(s);
        }
    };
    mutable std::mutex m_mutex;
    std::vector<std::string> m_namespaces;
    std::unordered_map<std::string, NamespaceId, Hash, std::equal_to<>> m_namespaceIds;
    /// Open-addressing index over m_resources: a 32-bit hash tag and id + 1
    /// (0 = empty) per slot, so a look-up touches one small slot and compares
    /// one string. Interning is on the trace replay's hot path.
    struct ResourceSlot {
        std::uint32_t tag = 0;
        std::uint32_t ridPlusOne = 0;
    };
    std::size_t slotFor(std::string_view id, std::uint64_t hash) const;
    void growResourceTable(std::size_t capacity);

    std::vector<std::string> m_resources;
    std::vector<bool> m_resourceFree;          ///< by id: freed by reclaim(), not yet reused
    std::vector<ResourceId> m_freeResources;   ///< the free ids, reused last-freed first
    std::vector<ResourceSlot> m_resourceTable;
    int m_resourceShift = 64;
};

} // namespace fallback
