#pragma once

// Namespace versions kept across restarts (`versions.json` under --data-dir).
// A bump must survive a restart: otherwise the node would go back to the
// policy file's version and old copies (in the client cache on disk) would
// become reachable again.

#include "policy/policy.h"
#include "util/result.h"

#include <cstdint>
#include <map>
#include <string>

namespace fallback::node {

/// Highest version seen per namespace. Called on the engine's thread.
class VersionStore {
public:
    /// Reads `path` when it exists; a missing file is an empty store, a
    /// corrupt one an error (the node refuses to start rather than guess).
    static Result<VersionStore> load(const std::string& path);

    /// Raises each namespace of `policy` to at least the saved version.
    /// Returns how many were raised.
    std::size_t raise(Policy& policy) const;
    /// Remembers the versions of `policy` (never lowering one) and writes
    /// the file atomically (temporary file, fsync, rename).
    Status record(const Policy& policy);
    /// The saved version of `ns`, 0 when unknown.
    std::uint64_t version(const std::string& ns) const;
    const std::map<std::string, std::uint64_t>& versions() const { return m_versions; }
    const std::string& path() const { return m_path; }

private:
    Status save() const;
    std::string m_path;
    std::map<std::string, std::uint64_t> m_versions;
};

} // namespace fallback::node
