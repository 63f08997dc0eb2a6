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
    /// the file atomically (temporary file, fsync, rename) when they changed
    /// or an earlier write failed. On failure the file keeps its old
    /// content, the versions stay remembered, and unsaved() is true until a
    /// later record() or retry() writes them.
    Status record(const Policy& policy);
    /// Writes the remembered versions if a write failed; Done otherwise.
    Status retry();
    /// Versions are remembered that the file does not hold yet.
    bool unsaved() const { return m_unsaved; }
    /// The highest version known for `ns` (saved, or waiting to be), 0 when unknown.
    std::uint64_t version(const std::string& ns) const;
    const std::map<std::string, std::uint64_t>& versions() const { return m_versions; }
    /// Writes the disk refused since load().
    std::uint64_t writeErrors() const { return m_writeErrors; }
    const std::string& path() const { return m_path; }

private:
    Status save();
    std::string m_path;
    std::map<std::string, std::uint64_t> m_versions;
    bool m_unsaved = false;
    std::uint64_t m_writeErrors = 0;
};

} // namespace fallback::node
