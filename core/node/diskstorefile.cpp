// File I/O is POSIX (pread / rename / openat): loading a few hundred thousand
// headers at start-up is dominated by system calls.

#include "node/diskstorefile.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace fallback::node::diskfile {

namespace {

constexpr char kMagic[8] = {'E', 'F', 'D', 'S', '0', '0', '0', '1'};
constexpr std::uint64_t kNameSeed = 0x45464453'6e616d65ULL;
constexpr std::uint64_t kBodySeed = 0x45464453'626f6479ULL;
constexpr char kHex[] = "0123456789abcdef";

void putU64(unsigned char* out, std::uint64_t value)
{
    for (int i = 0; i < 8; ++i)
        out[i] = static_cast<unsigned char>(value >> (8 * i));
}
void putU32(unsigned char* out, std::uint32_t value)
{
    for (int i = 0; i < 4; ++i)
        out[i] = static_cast<unsigned char>(value >> (8 * i));
}
std::uint64_t getU64(const unsigned char* in)
{
    std::uint64_t value = 0;
    for (int i = 7; i >= 0; --i)
        value = (value << 8) | in[i];
    return value;
}
std::uint32_t getU32(const unsigned char* in)
{
    std::uint32_t value = 0;
    for (int i = 3; i >= 0; --i)
        value = (value << 8) | in[i];
    return value;
}

} // namespace

std::uint64_t hash64(const char* data, std::size_t length, std::uint64_t seed)
{
    constexpr std::uint64_t m = 0xc6a4a7935bd1e995ULL;
    constexpr int r = 47;
    std::uint64_t h = seed ^ (length * m);
    const std::size_t blocks = length / 8;
    for (std::size_t i = 0; i < blocks; ++i) {
        std::uint64_t k;
        std::memcpy(&k, data + i * 8, 8);
        k *= m;
        k ^= k >> r;
        k *= m;
        h ^= k;
        h *= m;
    }
    const auto* tail = reinterpret_cast<const unsigned char*>(data + blocks * 8);
    switch (length & 7) {
    case 7: h ^= std::uint64_t(tail[6]) << 48; [[fallthrough]];
    case 6: h ^= std::uint64_t(tail[5]) << 40; [[fallthrough]];
    case 5: h ^= std::uint64_t(tail[4]) << 32; [[fallthrough]];
    case 4: h ^= std::uint64_t(tail[3]) << 24; [[fallthrough]];
    case 3: h ^= std::uint64_t(tail[2]) << 16; [[fallthrough]];
    case 2: h ^= std::uint64_t(tail[1]) << 8; [[fallthrough]];
    case 1: h ^= std::uint64_t(tail[0]); h *= m;
    }
    h ^= h >> r;
    h *= m;
    h ^= h >> r;
    return h;
}

std::uint64_t bodyChecksum(const std::string& body)
{
    return hash64(body.data(), body.size(), kBodySeed);
}

std::uint64_t fileName(const std::string& ns, std::uint64_t version, const std::string& id)
{
    std::string composed;
    composed.reserve(ns.size() + id.size() + 9);
    composed += ns;
    composed.push_back('\0');
    unsigned char v[8];
    putU64(v, version);
    composed.append(reinterpret_cast<const char*>(v), 8);
    composed += id;
    return hash64(composed.data(), composed.size(), kNameSeed);
}

void formatName(std::uint64_t name, char out[17])
{
    for (int i = 15; i >= 0; --i) {
        out[i] = kHex[name & 15];
        name >>= 4;
    }
    out[16] = '\0';
}

bool parseHex(const char* text, std::size_t length, std::uint64_t& out)
{
    out = 0;
    for (std::size_t i = 0; i < length; ++i) {
        const char c = text[i];
        int digit;
        if (c >= '0' && c <= '9')
            digit = c - '0';
        else if (c >= 'a' && c <= 'f')
            digit = c - 'a' + 10;
        else
            return false;
        out = (out << 4) | std::uint64_t(digit);
    }
    return true;
}

std::string pathOf(const std::string& dir, std::uint64_t name)
{
    char hex[17];
    formatName(name, hex);
    std::string path;
    path.reserve(dir.size() + 20);
    path += dir;
    path += '/';
    path.append(hex, 2);
    path += '/';
    path.append(hex, 16);
    return path;
}

std::string encodeHeader(const std::string& ns, const std::string& id, std::uint64_t version,
                         Micros storedAt, const std::string& body)
{
    std::string header(kFixedHeader, '\0');
    auto* bytes = reinterpret_cast<unsigned char*>(header.data());
    std::memcpy(bytes, kMagic, sizeof kMagic);
    putU32(bytes + 8, static_cast<std::uint32_t>(ns.size()));
    putU32(bytes + 12, static_cast<std::uint32_t>(id.size()));
    putU64(bytes + 16, version);
    putU64(bytes + 24, static_cast<std::uint64_t>(storedAt));
    putU64(bytes + 32, body.size());
    putU64(bytes + 40, bodyChecksum(body));
    header += ns;
    header += id;
    return header;
}

Header readHeader(int fd)
{
    Header header;
    struct stat info;
    if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode))
        return header;
    header.fileBytes = std::uint64_t(info.st_size);
    // One read covers the whole header of any real key (name ≤ 63 bytes,
    // id ≤ 512): loading the index costs one pread per file.
    char buffer[1024];
    const std::size_t first = std::min<std::uint64_t>(sizeof buffer, header.fileBytes);
    if (first < kFixedHeader || !readAll(fd, buffer, first, 0))
        return header;
    const auto* bytes = reinterpret_cast<const unsigned char*>(buffer);
    if (std::memcmp(buffer, kMagic, sizeof kMagic) != 0)
        return header;
    const std::uint32_t nsLength = getU32(bytes + 8);
    const std::uint32_t idLength = getU32(bytes + 12);
    header.version = getU64(bytes + 16);
    header.storedAt = static_cast<Micros>(getU64(bytes + 24));
    header.bodySize = getU64(bytes + 32);
    header.checksum = getU64(bytes + 40);
    if (nsLength == 0 || nsLength > kMaxNameBytes || idLength == 0 || idLength > kMaxIdBytes ||
        header.bodySize > 0xffffffffULL)
        return header;
    header.headerBytes = kFixedHeader + nsLength + idLength;
    if (header.fileBytes != header.headerBytes + header.bodySize)
        return header;
    std::string names(nsLength + idLength, '\0');
    if (header.headerBytes <= first)
        std::memcpy(names.data(), buffer + kFixedHeader, names.size());
    else if (!readAll(fd, names.data(), names.size(), kFixedHeader))
        return header;
    header.ns = names.substr(0, nsLength);
    header.id = names.substr(nsLength);
    header.valid = true;
    return header;
}

void appendU64(std::string& out, std::uint64_t value)
{
    unsigned char bytes[8];
    putU64(bytes, value);
    out.append(reinterpret_cast<const char*>(bytes), 8);
}

void appendU32(std::string& out, std::uint32_t value)
{
    unsigned char bytes[4];
    putU32(bytes, value);
    out.append(reinterpret_cast<const char*>(bytes), 4);
}

std::uint64_t loadU64(const char* in) { return getU64(reinterpret_cast<const unsigned char*>(in)); }
std::uint32_t loadU32(const char* in) { return getU32(reinterpret_cast<const unsigned char*>(in)); }

bool readAll(int fd, char* out, std::size_t length, off_t offset)
{
    while (length > 0) {
        const ssize_t n = ::pread(fd, out, length, offset);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        out += n;
        length -= std::size_t(n);
        offset += n;
    }
    return true;
}

bool writeAll(int fd, const char* data, std::size_t length)
{
    while (length > 0) {
        const ssize_t n = ::write(fd, data, length);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data += n;
        length -= std::size_t(n);
    }
    return true;
}

// --- DiskWriter ---------------------------------------------------------------------

DiskWriter::DiskWriter(std::string dir) : m_dir(std::move(dir))
{
    m_thread = std::thread([this] { run(); });
}

DiskWriter::~DiskWriter()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_one();
    m_thread.join();
}

std::uint64_t DiskWriter::write(std::uint64_t name, std::string ns, std::string id,
                                std::uint64_t version, Micros storedAt,
                                std::shared_ptr<const std::string> body)
{
    Job job;
    job.name = name;
    job.ns = std::move(ns);
    job.id = std::move(id);
    job.version = version;
    job.storedAt = storedAt;
    job.body = std::move(body);
    return enqueue(std::move(job));
}

std::uint64_t DiskWriter::remove(std::uint64_t name)
{
    Job job;
    job.name = name;
    job.remove = true;
    return enqueue(std::move(job));
}

std::uint64_t DiskWriter::enqueue(Job job)
{
    m_queuedBytes.fetch_add(job.bytes(), std::memory_order_relaxed);
    std::uint64_t ticket;
    bool wake;
    {
        std::lock_guard lock(m_mutex);
        ticket = job.ticket = ++m_nextTicket;
        wake = m_jobs.empty();
        m_jobs.push_back(std::move(job));
    }
    if (wake)
        m_wake.notify_one();
    return ticket;
}

void DiskWriter::flush()
{
    std::unique_lock lock(m_mutex);
    const std::uint64_t target = m_nextTicket;
    m_drained.wait(lock, [&] { return m_completed.load(std::memory_order_acquire) >= target; });
}

void DiskWriter::run()
{
    std::unique_lock lock(m_mutex);
    for (;;) {
        m_wake.wait(lock, [&] { return m_stopping || !m_jobs.empty(); });
        if (m_jobs.empty())
            return; // stopping, and every queued job is done
        Job job = std::move(m_jobs.front());
        m_jobs.pop_front();
        lock.unlock();
        execute(job);
        m_queuedBytes.fetch_sub(job.bytes(), std::memory_order_relaxed);
        lock.lock();
        m_completed.store(job.ticket, std::memory_order_release);
        m_drained.notify_all();
    }
}

std::string DiskWriter::lastFailure() const
{
    std::lock_guard lock(m_mutex);
    return m_lastFailure;
}

void DiskWriter::fail(const std::string& what, int error)
{
    std::string message = what + ": " + std::strerror(error);
    {
        std::lock_guard lock(m_mutex);
        m_lastFailure = std::move(message);
    }
    m_failures.fetch_add(1, std::memory_order_relaxed);
}

void DiskWriter::execute(const Job& job)
{
    const std::string path = pathOf(m_dir, job.name);
    if (job.remove) {
        if (::unlink(path.c_str()) != 0 && errno != ENOENT)
            fail("cannot remove " + path, errno);
        return;
    }
    const std::size_t folder = std::size_t(job.name >> 56);
    if (!m_folderReady.test(folder)) {
        const std::string folderPath = path.substr(0, m_dir.size() + 3);
        if (::mkdir(folderPath.c_str(), 0755) != 0 && errno != EEXIST) {
            fail("cannot create " + folderPath, errno);
            return;
        }
        m_folderReady.set(folder);
    }
    // Temporary file + rename: a reader (or a crash) sees the old copy or the
    // new one, never half of one. No fsync: a copy lost in a power cut is a
    // cache miss, and a torn file is caught by its size and checksum.
    static const std::string kEmpty;
    const std::string& body = job.body ? *job.body : kEmpty;
    const std::string header = encodeHeader(job.ns, job.id, job.version, job.storedAt, body);
    const std::string temporary = path + ".tmp";
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    bool written = fd >= 0;
    int error = errno;
    if (written) {
        written = writeAll(fd, header.data(), header.size()) &&
                  writeAll(fd, body.data(), body.size());
        error = errno;
        if (::close(fd) != 0 && written) {
            written = false;
            error = errno;
        }
    }
    if (written && ::rename(temporary.c_str(), path.c_str()) != 0) {
        written = false;
        error = errno;
    }
    if (!written) {
        ::unlink(temporary.c_str());
        fail("cannot write " + path, error);
    }
}

} // namespace fallback::node::diskfile
