#include "engine/keyspace.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace fallback {

NamespaceId KeySpace::namespaceId(std::string_view name)
{
    if (auto it = m_namespaceIds.find(name); it != m_namespaceIds.end())
        return it->second;
    if (m_namespaces.size() > std::numeric_limits<NamespaceId>::max())
        throw std::length_error("too many namespaces");
    const auto id = static_cast<NamespaceId>(m_namespaces.size());
    m_namespaces.emplace_back(name);
    m_namespaceIds.emplace(std::string(name), id);
    return id;
}

std::optional<NamespaceId> KeySpace::findNamespace(std::string_view name) const
{
    if (auto it = m_namespaceIds.find(name); it != m_namespaceIds.end())
        return it->second;
    return std::nullopt;
}

namespace {
std::uint64_t hashId(std::string_view id) { return std::hash<std::string_view>{}(id); }
} // namespace

std::size_t KeySpace::slotFor(std::string_view id, std::uint64_t hash) const
{
    // Returns the slot holding `id`, or the empty slot where it belongs.
    const std::size_t mask = m_resourceTable.size() - 1;
    const auto tag = static_cast<std::uint32_t>(hash);
    for (std::size_t i = (hash * 0x9E3779B97F4A7C15ULL) >> m_resourceShift;; i = (i + 1) & mask) {
        const ResourceSlot& slot = m_resourceTable[i];
        if (slot.ridPlusOne == 0 ||
            (slot.tag == tag && m_resources[slot.ridPlusOne - 1] == id))
            return i;
    }
}

void KeySpace::growResourceTable(std::size_t capacity)
{
    int bits = 0;
    while ((std::size_t(1) << bits) < capacity)
        ++bits;
    m_resourceTable.assign(std::size_t(1) << bits, ResourceSlot{});
    m_resourceShift = 64 - bits;
    for (std::size_t rid = 0; rid < m_resources.size(); ++rid) {
        if (!m_freeResources.empty() && m_resourceFree[rid])
            continue;
        const std::uint64_t hash = hashId(m_resources[rid]);
        m_resourceTable[slotFor(m_resources[rid], hash)] =
            ResourceSlot{static_cast<std::uint32_t>(hash), static_cast<std::uint32_t>(rid + 1)};
    }
}

ResourceId KeySpace::intern(std::string_view id)
{
    if ((m_resources.size() + 1) * 10 > m_resourceTable.size() * 7)
        growResourceTable(std::max<std::size_t>(64, m_resourceTable.size() * 2));
    const std::uint64_t hash = hashId(id);
    ResourceSlot& slot = m_resourceTable[slotFor(id, hash)];
    if (slot.ridPlusOne != 0)
        return slot.ridPlusOne - 1;
    ResourceId rid;
    if (!m_freeResources.empty()) {
        rid = m_freeResources.back();
        m_freeResources.pop_back();
        m_resourceFree[rid] = false;
        m_resources[rid] = id;
    } else {
        rid = static_cast<ResourceId>(m_resources.size());
        m_resources.emplace_back(id);
        m_resourceFree.push_back(false);
    }
    slot = ResourceSlot{static_cast<std::uint32_t>(hash), rid + 1};
    return rid;
}

std::size_t KeySpace::reclaim(const std::vector<bool>& inUse)
{
    std::size_t freed = 0;
    const std::size_t end = std::min(inUse.size(), m_resources.size());
    for (std::size_t rid = 0; rid < end; ++rid) {
        if (inUse[rid] || m_resourceFree[rid])
            continue;
        std::string().swap(m_resources[rid]); // give the name's memory back
        m_resourceFree[rid] = true;
        m_freeResources.push_back(static_cast<ResourceId>(rid));
        ++freed;
    }
    if (freed > 0) // drop the freed names from the index
        growResourceTable(m_resourceTable.size());
    return freed;
}

std::optional<ResourceId> KeySpace::findResource(std::string_view id) const
{
    if (m_resourceTable.empty())
        return std::nullopt;
    const ResourceSlot& slot = m_resourceTable[slotFor(id, hashId(id))];
    if (slot.ridPlusOne == 0)
        return std::nullopt;
    return slot.ridPlusOne - 1;
}

void KeySpace::reserveResources(std::size_t count)
{
    m_resources.reserve(count);
    m_resourceFree.reserve(count);
    std::size_t capacity = std::max<std::size_t>(64, m_resourceTable.size());
    while (count * 10 > capacity * 7)
        capacity *= 2;
    if (capacity != m_resourceTable.size())
        growResourceTable(capacity);
}

} // namespace fallback
