#pragma once

// The node's client-cache tier (SPEC §6): a last-known-good store on disk
// under `--data-dir` that survives restarts.

#include "engine/keyspace.h"
#include "tiers/tier.h"
#include "util/result.h"

#include <cstdint>
#include <deque>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>

namespace fallback::node {

namespace diskfile {
class DiskWriter;
}

/// One file per stored key under `dir/XY/XYZ…` (16 hex digits of a hash of
/// namespace name, version and resource id; XY = its first two digits), so no
/// id, whatever it holds ('/', '..', ':', any bytes), reaches a path. A file
/// holds a small header (namespace name, version, resource id, storedAt,
/// body size, body checksum) and the body; a truncated or damaged file is
/// found out, removed and never served.
///
/// The index (key → storedAt, size) lives in memory, bodies on disk. Files
/// are written (temporary file + rename, no fsync) and removed by a writer
/// thread in call order, so the engine's thread never waits for the disk on
/// put / erase / purge; until a write is done, get() serves the copy from
/// memory. On destruction the store finishes its writes and saves its index
/// to `dir/index.snapshot`; open() loads that snapshot (and deletes it) or,
/// after a crash, scans every file's header.
///
/// `dir` should be a folder of its own: the store removes leftover `*.tmp`
/// and corrupt files in its two-hex-digit subfolders and ignores the rest.
///
/// Called from one thread (the engine's); open() runs before the engine, as
/// it interns names into the KeySpace.
class DiskStore final : public Tier {
public:
    static constexpr const char* kSnapshotName = "index.snapshot";
    /// Writes waiting for the disk beyond this many bytes make put() refuse.
    static constexpr std::uint64_t kMaxQueuedBytes = 64ull * 1024 * 1024;

    /// Opens `dir` (creating it), loads the index of what is on disk and
    /// interns its names into `keys`, which must outlive the store (its
    /// destructor reads names from it). Corrupt files met by the scan are
    /// removed; when the store is over `maxBytes` the oldest copies are
    /// evicted at once. `maxBytes` counts whole files (headers included);
    /// 0 = unbounded. Errors: `disk_store` when `dir` cannot be created or read.
    static Result<std::unique_ptr<DiskStore>> open(const std::string& dir, KeySpace& keys,
                                                   std::uint64_t maxBytes);
    /// Finishes queued writes and saves the index snapshot.
    ~DiskStore() override;
    DiskStore(const DiskStore&) = delete;
    DiskStore& operator=(const DiskStore&) = delete;

    /// Hit with the stored copy whatever its age, unless older than `keepFor`
    /// (then removed: Miss). A missing, truncated or corrupt file is a Miss
    /// and is removed; a file that cannot be opened for another reason
    /// (permissions, I/O) is an Error and is kept. `latency` is measured.
    TierAnswer get(const StoredKey& key, Micros now, Micros keepFor) override;
    /// Indexes the copy and queues its file; then evicts the oldest copies
    /// (by storedAt) while over maxBytes. Error, with nothing changed, when
    /// the writer is more than kMaxQueuedBytes behind; Error, and the old
    /// copy removed, when the copy alone is bigger than maxBytes.
    TierAnswer put(const StoredKey& key, const Entry& entry, Micros now) override;
    /// Always Hit: the key leaves the index, its file is removed in the background.
    TierAnswer erase(const StoredKey& key, Micros now) override;

    std::size_t purge(const PurgeScope& scope) override;
    std::size_t countMatching(const PurgeScope& scope) const override;
    /// From the index: storedAt and size, no body (reading it would cost a
    /// file read per Keys-tab look-up).
    std::optional<Entry> peek(const StoredKey& key) const override;
    /// Entries without bodies, in no particular order.
    void forEachKey(const std::function<bool(const StoredKey&, const Entry&)>& visit) const override;
    /// Entries, bytes of their files (headers included), evictions.
    TierUsage usage() const override { return {m_index.size(), m_bytes, m_evictions}; }

    /// Blocks until every queued write and removal is done (not fsynced).
    void flush();
    const std::string& directory() const { return m_dir; }
    std::uint64_t maxBytes() const { return m_maxBytes; }
    /// Files found truncated or corrupt (by the scan or by get()) and removed.
    std::uint64_t corruptRemoved() const { return m_corrupt; }
    /// Background writes and removals that failed (disk full, permissions).
    std::uint64_t writeFailures() const;
    /// The latest of them ("cannot write FILE: No space left on device"),
    /// empty before any.
    std::string lastWriteFailure() const;
    /// True when open() used the snapshot rather than scanning every file.
    bool loadedFromSnapshot() const { return m_fromSnapshot; }
    /// The file that holds `key`'s copy (whether or not it exists).
    std::string pathFor(const StoredKey& key) const;

private:
    struct Record {
        Micros storedAt = 0;
        std::uint64_t fileBytes = 0;
        std::uint64_t name = 0; ///< hash naming the file
        std::uint32_t size = 0; ///< body bytes
    };
    /// A copy whose file is not written yet: get() serves it from here.
    struct Unwritten {
        std::shared_ptr<const std::string> body;
        std::uint64_t ticket = 0;
    };
    using Index = std::unordered_map<StoredKey, Record, StoredKeyHash>;

    DiskStore(std::string dir, KeySpace& keys, std::uint64_t maxBytes);
    Status load();
    bool loadSnapshot();
    void saveSnapshot() const;
    void scanFolder(int folder);
    bool knows(const StoredKey& key) const;
    std::uint64_t nameOf(const StoredKey& key) const;
    void insert(const StoredKey& key, const Record& record);
    /// Drops `key` from the index (no file work).
    void forget(Index::iterator it);
    /// Drops `key` from the index and queues the removal of its file.
    void drop(const StoredKey& key, bool evicted);
    void evictToFit();
    /// Forgets unwritten copies whose write is done.
    void settleUnwritten();

    std::string m_dir;
    KeySpace& m_keys;
    std::uint64_t m_maxBytes;
    Index m_index;
    std::unordered_map<std::uint64_t, StoredKey> m_owners; ///< file name → key
    std::set<std::pair<Micros, std::uint64_t>> m_byAge;    ///< (storedAt, name), oldest first
    std::unordered_map<std::uint64_t, Unwritten> m_unwritten; ///< by file name
    std::deque<std::pair<std::uint64_t, std::uint64_t>> m_unwrittenOrder; ///< (name, ticket)
    std::unique_ptr<diskfile::DiskWriter> m_writer;
    std::uint64_t m_bytes = 0;
    std::uint64_t m_evictions = 0;
    std::uint64_t m_corrupt = 0;
    bool m_fromSnapshot = false;
};

} // namespace fallback::node
