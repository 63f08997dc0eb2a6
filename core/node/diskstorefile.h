#pragma once

// DiskStore's file format and its writer thread (see diskstore.h).

#include "util/units.h"

#include <sys/types.h>

#include <atomic>
#include <bitset>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace fallback::node::diskfile {

// A copy's file: a 48-byte header — magic "EFDS0001", u32 namespace length,
// u32 id length, u64 version, i64 storedAt, u64 body size, u64 body checksum,
// all little-endian — then the namespace name, the id and the body.
constexpr std::size_t kFixedHeader = 48;
constexpr std::uint32_t kMaxNameBytes = 255;
constexpr std::uint32_t kMaxIdBytes = 4096;

/// MurmurHash64A: names files and checks bodies. Guards against torn and
/// damaged files, not against a hostile disk.
std::uint64_t hash64(const char* data, std::size_t length, std::uint64_t seed);
std::uint64_t bodyChecksum(const std::string& body);
/// The file name (as a number) of a stored key: never derived from the raw
/// id, so no id can reach a path.
std::uint64_t fileName(const std::string& ns, std::uint64_t version, const std::string& id);
/// 16 lower-case hex digits and a NUL.
void formatName(std::uint64_t name, char out[17]);
/// Lower-case hex only (what we write); false on anything else.
bool parseHex(const char* text, std::size_t length, std::uint64_t& out);
/// `dir/XY/XYZ…` for a file name.
std::string pathOf(const std::string& dir, std::uint64_t name);

std::string encodeHeader(const std::string& ns, const std::string& id, std::uint64_t version,
                         Micros storedAt, const std::string& body);

/// A file's header as read back; `valid` is false for anything truncated,
/// oversized, of the wrong size or not ours.
struct Header {
    bool valid = false;
    std::string ns;
    std::string id;
    std::uint64_t version = 0;
    Micros storedAt = 0;
    std::uint64_t bodySize = 0;
    std::uint64_t checksum = 0;
    std::uint64_t fileBytes = 0;
    std::size_t headerBytes = 0;
};
Header readHeader(int fd);

/// Little-endian integers in byte strings (headers and the index snapshot).
void appendU64(std::string& out, std::uint64_t value);
void appendU32(std::string& out, std::uint32_t value);
std::uint64_t loadU64(const char* in);
std::uint32_t loadU32(const char* in);

bool readAll(int fd, char* out, std::size_t length, off_t offset);
bool writeAll(int fd, const char* data, std::size_t length);

/// Writes (temporary file + rename, no fsync) and removes files on a thread
/// of its own, in the order they were queued, so that the engine's thread
/// never waits for the disk. Each job gets a ticket; completed() is the last
/// ticket done. Queueing is thread-safe; the writer owns no index.
class DiskWriter {
public:
    explicit DiskWriter(std::string dir);
    /// Finishes the queued jobs, then joins.
    ~DiskWriter();
    DiskWriter(const DiskWriter&) = delete;
    DiskWriter& operator=(const DiskWriter&) = delete;

    /// Writes a copy's file: header (checksum computed here, off the
    /// engine's thread) and body. A null body is an empty one.
    std::uint64_t write(std::uint64_t name, std::string ns, std::string id, std::uint64_t version,
                        Micros storedAt, std::shared_ptr<const std::string> body);
    std::uint64_t remove(std::uint64_t name);
    /// The highest ticket whose job is done (jobs finish in ticket order).
    std::uint64_t completed() const { return m_completed.load(std::memory_order_acquire); }
    /// Bytes of headers and bodies waiting to be written.
    std::uint64_t queuedBytes() const { return m_queuedBytes.load(std::memory_order_relaxed); }
    /// Writes and removals that failed (disk full, permissions) since start.
    std::uint64_t failures() const { return m_failures.load(std::memory_order_relaxed); }
    /// What the latest failure was ("cannot write FILE: No space left on
    /// device"); empty before any.
    std::string lastFailure() const;
    /// Blocks until every job queued so far is done.
    void flush();

private:
    struct Job {
        std::uint64_t ticket = 0;
        std::uint64_t name = 0;
        bool remove = false;
        std::string ns;
        std::string id;
        std::uint64_t version = 0;
        Micros storedAt = 0;
        std::shared_ptr<const std::string> body;
        std::uint64_t bytes() const { return ns.size() + id.size() + (body ? body->size() : 0); }
    };
    std::uint64_t enqueue(Job job);
    void run();
    void execute(const Job& job);
    void fail(const std::string& what, int error);

    std::string m_dir;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_drained;
    std::deque<Job> m_jobs;       ///< guarded by m_mutex
    std::uint64_t m_nextTicket = 0; ///< guarded by m_mutex
    bool m_stopping = false;      ///< guarded by m_mutex
    std::atomic<std::uint64_t> m_completed{0};
    std::atomic<std::uint64_t> m_queuedBytes{0};
    std::atomic<std::uint64_t> m_failures{0};
    std::string m_lastFailure;    ///< guarded by m_mutex
    std::bitset<256> m_folderReady; ///< writer thread only
    std::thread m_thread;
};

} // namespace fallback::node::diskfile
