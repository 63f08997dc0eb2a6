#include "engine/keyspace.h"

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

ResourceId KeySpace::intern(std::string_view id)
{
    if (auto it = m_resourceIds.find(id); it != m_resourceIds.end())
        return it->second;
    const auto rid = static_cast<ResourceId>(m_resources.size());
    m_resources.emplace_back(id);
    m_resourceIds.emplace(std::string(id), rid);
    return rid;
}

std::optional<ResourceId> KeySpace::findResource(std::string_view id) const
{
    if (auto it = m_resourceIds.find(id); it != m_resourceIds.end())
        return it->second;
    return std::nullopt;
}

void KeySpace::reserveResources(std::size_t count)
{
    m_resources.reserve(count);
    m_resourceIds.reserve(count);
}

} // namespace fallback
