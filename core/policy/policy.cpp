#include "policy/policy.h"

#include <algorithm>
#include <utility>

namespace fallback {

std::string_view writeModeName(WriteMode mode)
{
    switch (mode) {
    case WriteMode::WriteThrough: return "write-through";
    case WriteMode::AsyncBackfill: return "async-backfill";
    }
    return "write-through";
}

std::optional<WriteMode> parseWriteMode(std::string_view text)
{
    if (text == "write-through")
        return WriteMode::WriteThrough;
    if (text == "async-backfill")
        return WriteMode::AsyncBackfill;
    return std::nullopt;
}

const NamespacePolicy* Policy::find(std::string_view name) const
{
    auto it = std::find_if(namespaces.begin(), namespaces.end(),
                           [&](const NamespacePolicy& ns) { return ns.name == name; });
    return it == namespaces.end() ? nullptr : &*it;
}

NamespacePolicy* Policy::find(std::string_view name)
{
    return const_cast<NamespacePolicy*>(std::as_const(*this).find(name));
}

NamespacePolicy Policy::fromDefaults(std::string name) const
{
    NamespacePolicy ns;
    ns.name = std::move(name);
    ns.version = 0;
    ns.ttl = defaults.ttl;
    ns.staleWhileRevalidate = defaults.staleWhileRevalidate;
    ns.staleIfError = defaults.staleIfError;
    ns.maxObjectSize = defaults.maxObjectSize;
    ns.writeMode = defaults.writeMode;
    return ns;
}

int changedNamespaces(const Policy& before, const Policy& after)
{
    int changes = 0;
    for (const NamespacePolicy& ns : after.namespaces) {
        const NamespacePolicy* old = before.find(ns.name);
        changes += !old || !(*old == ns);
    }
    for (const NamespacePolicy& ns : before.namespaces)
        changes += after.find(ns.name) == nullptr;
    return changes;
}

} // namespace fallback
