#include "node/diskstore.h"

#include "node/diskstorefile.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace fallback::node {

using namespace diskfile;

namespace {

using Clock = std::chrono::steady_clock;

// Index snapshot: magic, u64 count, then per entry u64 name, u64 version,
// i64 storedAt, u64 fileBytes, u32 size, u32 nsLen, u32 idLen, ns, id;
// then a u64 checksum of everything before it.
constexpr char kSnapshotMagic[8] = {'E', 'F', 'D', 'S', 'I', 'D', 'X', '1'};
constexpr std::size_t kSnapshotEntry = 44;
constexpr std::uint64_t kSnapshotSeed = 0x45464453'696e6478ULL;

Micros since(Clock::time_point start)
{
    return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count();
}

const std::shared_ptr<const std::string>& emptyBody()
{
    static const auto empty = std::make_shared<const std::string>();
    return empty;
}

} // namespace

DiskStore::DiskStore(std::string dir, KeySpace& keys, std::uint64_t maxBytes)
    : m_dir(std::move(dir)), m_keys(keys), m_maxBytes(maxBytes),
      m_writer(std::make_unique<DiskWriter>(m_dir))
{
}

DiskStore::~DiskStore()
{
    m_writer->flush();
    saveSnapshot();
}

Result<std::unique_ptr<DiskStore>> DiskStore::open(const std::string& dir, KeySpace& keys,
                                                   std::uint64_t maxBytes)
{
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec)
        return Error{"disk_store",
                     "cannot create the client cache folder " + dir + ": " + ec.message()};
    DIR* probe = ::opendir(dir.c_str());
    if (!probe)
        return Error{"disk_store", "cannot read the client cache folder " + dir + ": " +
                                       std::strerror(errno)};
    ::closedir(probe);
    std::unique_ptr<DiskStore> store(new DiskStore(dir, keys, maxBytes));
    if (Status loaded = store->load(); !loaded)
        return loaded.error();
    return store;
}

Status DiskStore::load()
{
    m_fromSnapshot = loadSnapshot();
    if (!m_fromSnapshot) {
        DIR* top = ::opendir(m_dir.c_str());
        if (!top)
            return Error{"disk_store", "cannot read the client cache folder " + m_dir + ": " +
                                           std::strerror(errno)};
        std::vector<int> folders;
        while (const dirent* item = ::readdir(top)) {
            std::uint64_t folder = 0;
            if (std::strlen(item->d_name) == 2 && parseHex(item->d_name, 2, folder))
                folders.push_back(int(folder));
        }
        ::closedir(top);
        for (int folder : folders)
            scanFolder(folder);
    }
    evictToFit();
    return Done{};
}

bool DiskStore::loadSnapshot()
{
    const std::string path = m_dir + "/" + kSnapshotName;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    struct stat info;
    std::string data;
    bool ok = ::fstat(fd, &info) == 0 && info.st_size >= 24 && info.st_size < (off_t(1) << 40);
    if (ok) {
        data.resize(std::size_t(info.st_size));
        ok = readAll(fd, data.data(), data.size(), 0);
    }
    ::close(fd);
    // A snapshot is good for one start only: what changes after it is not in
    // it. If it cannot be removed, it cannot be trusted next time: scan.
    if (::unlink(path.c_str()) != 0 || !ok)
        return false;
    const std::size_t end = data.size() - 8;
    if (std::memcmp(data.data(), kSnapshotMagic, 8) != 0 ||
        hash64(data.data(), end, kSnapshotSeed) != loadU64(data.data() + end))
        return false;

    struct Item {
        std::string_view ns, id;
        std::uint64_t version;
        Record record;
    };
    const std::uint64_t count = loadU64(data.data() + 8);
    if (count > end / kSnapshotEntry)
        return false;
    std::vector<Item> items;
    items.reserve(std::size_t(count));
    std::size_t pos = 16;
    for (std::uint64_t i = 0; i < count; ++i) {
        if (pos + kSnapshotEntry > end)
            return false;
        const char* at = data.data() + pos;
        Item item;
        item.record.name = loadU64(at);
        item.version = loadU64(at + 8);
        item.record.storedAt = static_cast<Micros>(loadU64(at + 16));
        item.record.fileBytes = loadU64(at + 24);
        item.record.size = loadU32(at + 32);
        const std::uint32_t nsLength = loadU32(at + 36);
        const std::uint32_t idLength = loadU32(at + 40);
        pos += kSnapshotEntry;
        if (nsLength == 0 || nsLength > kMaxNameBytes || idLength == 0 || idLength > kMaxIdBytes ||
            pos + nsLength + idLength > end)
            return false;
        item.ns = std::string_view(data.data() + pos, nsLength);
        item.id = std::string_view(data.data() + pos + nsLength, idLength);
        pos += nsLength + idLength;
        if (item.record.fileBytes != kFixedHeader + nsLength + idLength + item.record.size ||
            fileName(std::string(item.ns), item.version, std::string(item.id)) != item.record.name)
            return false;
        items.push_back(item);
    }
    if (pos != end)
        return false;
    for (const Item& item : items)
        insert(StoredKey{item.version, m_keys.intern(item.id), m_keys.namespaceId(item.ns)},
               item.record);
    return true;
}

void DiskStore::saveSnapshot() const
{
    std::string data(kSnapshotMagic, 8);
    data.reserve(16 + m_index.size() * (kSnapshotEntry + 32) + 8);
    appendU64(data, m_index.size());
    for (const auto& [key, record] : m_index) {
        const std::string& ns = m_keys.namespaceName(key.ns);
        const std::string& id = m_keys.resourceName(key.rid);
        appendU64(data, record.name);
        appendU64(data, key.version);
        appendU64(data, static_cast<std::uint64_t>(record.storedAt));
        appendU64(data, record.fileBytes);
        appendU32(data, record.size);
        appendU32(data, static_cast<std::uint32_t>(ns.size()));
        appendU32(data, static_cast<std::uint32_t>(id.size()));
        data += ns;
        data += id;
    }
    appendU64(data, hash64(data.data(), data.size(), kSnapshotSeed));

    // Best effort: without a snapshot the next start scans the files.
    const std::string path = m_dir + "/" + kSnapshotName;
    const std::string temporary = path + ".tmp";
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return;
    const bool written = writeAll(fd, data.data(), data.size());
    if (::close(fd) != 0 || !written || ::rename(temporary.c_str(), path.c_str()) != 0)
        ::unlink(temporary.c_str());
}

void DiskStore::scanFolder(int folder)
{
    char name[17];
    formatName(std::uint64_t(folder) << 56, name);
    const std::string path = m_dir + "/" + std::string(name, 2);
    const int folderFd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (folderFd < 0)
        return;
    DIR* listing = ::fdopendir(::dup(folderFd));
    if (!listing) {
        ::close(folderFd);
        return;
    }
    while (const dirent* item = ::readdir(listing)) {
        const std::size_t length = std::strlen(item->d_name);
        if (length > 4 && std::strcmp(item->d_name + length - 4, ".tmp") == 0) {
            ::unlinkat(folderFd, item->d_name, 0); // a write cut short by a crash
            continue;
        }
        std::uint64_t fileId = 0;
        if (length != 16 || !parseHex(item->d_name, 16, fileId) || int(fileId >> 56) != folder)
            continue; // not ours
        const int fd = ::openat(folderFd, item->d_name, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue;
        const Header header = readHeader(fd);
        ::close(fd);
        if (!header.valid || fileName(header.ns, header.version, header.id) != fileId) {
            ::unlinkat(folderFd, item->d_name, 0);
            ++m_corrupt;
            continue;
        }
        insert(StoredKey{header.version, m_keys.intern(header.id), m_keys.namespaceId(header.ns)},
               Record{header.storedAt, header.fileBytes, fileId,
                      static_cast<std::uint32_t>(header.bodySize)});
    }
    ::closedir(listing);
    ::close(folderFd);
}

bool DiskStore::knows(const StoredKey& key) const
{
    return key.ns < m_keys.namespaceCount() && key.rid < m_keys.resourceCount();
}

std::uint64_t DiskStore::nameOf(const StoredKey& key) const
{
    return fileName(m_keys.namespaceName(key.ns), key.version, m_keys.resourceName(key.rid));
}

std::string DiskStore::pathFor(const StoredKey& key) const
{
    return knows(key) ? pathOf(m_dir, nameOf(key)) : std::string();
}

std::uint64_t DiskStore::writeFailures() const { return m_writer->failures(); }
std::string DiskStore::lastWriteFailure() const { return m_writer->lastFailure(); }

void DiskStore::flush()
{
    m_writer->flush();
    settleUnwritten();
}

void DiskStore::insert(const StoredKey& key, const Record& record)
{
    m_index[key] = record;
    m_owners[record.name] = key;
    m_byAge.emplace(record.storedAt, record.name);
    m_bytes += record.fileBytes;
}

void DiskStore::forget(Index::iterator it)
{
    const Record& record = it->second;
    m_bytes -= record.fileBytes;
    m_byAge.erase({record.storedAt, record.name});
    if (const auto owner = m_owners.find(record.name);
        owner != m_owners.end() && owner->second == it->first)
        m_owners.erase(owner);
    m_index.erase(it);
}

void DiskStore::drop(const StoredKey& key, bool evicted)
{
    const auto it = m_index.find(key);
    if (it == m_index.end())
        return;
    m_writer->remove(it->second.name);
    m_unwritten.erase(it->second.name);
    forget(it);
    if (evicted)
        ++m_evictions;
}

void DiskStore::evictToFit()
{
    while (m_maxBytes > 0 && m_bytes > m_maxBytes && !m_byAge.empty()) {
        const auto owner = m_owners.find(m_byAge.begin()->second);
        if (owner == m_owners.end()) { // cannot happen; never loop for ever
            m_byAge.erase(m_byAge.begin());
            continue;
        }
        drop(owner->second, true);
    }
}

void DiskStore::settleUnwritten()
{
    const std::uint64_t done = m_writer->completed();
    while (!m_unwrittenOrder.empty() && m_unwrittenOrder.front().second <= done) {
        const auto [name, ticket] = m_unwrittenOrder.front();
        if (const auto it = m_unwritten.find(name); it != m_unwritten.end() && it->second.ticket == ticket)
            m_unwritten.erase(it);
        m_unwrittenOrder.pop_front();
    }
}

TierAnswer DiskStore::get(const StoredKey& key, Micros now, Micros keepFor)
{
    const Clock::time_point start = Clock::now();
    settleUnwritten();
    TierAnswer answer; // Miss
    const auto it = m_index.find(key);
    if (it == m_index.end())
        return answer;
    const Record record = it->second;
    if (now - record.storedAt > keepFor) {
        drop(key, false);
        answer.latency = since(start);
        return answer;
    }
    answer.entry.storedAt = record.storedAt;
    answer.entry.size = record.size;

    // Written moments ago and still queued: the file may hold an older copy.
    if (const auto pending = m_unwritten.find(record.name); pending != m_unwritten.end()) {
        answer.status = TierStatus::Hit;
        answer.entry.body = pending->second.body;
        answer.latency = since(start);
        return answer;
    }

    const std::string path = pathOf(m_dir, record.name);
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            forget(it); // removed behind our back, or its write failed
        else
            answer.status = TierStatus::Error; // unreadable, maybe for now only: keep it
        answer.latency = since(start);
        return answer;
    }
    const Header header = readHeader(fd);
    bool good = header.valid && header.version == key.version &&
                header.storedAt == record.storedAt && header.bodySize == record.size &&
                header.ns == m_keys.namespaceName(key.ns) &&
                header.id == m_keys.resourceName(key.rid);
    auto body = std::make_shared<std::string>();
    if (good) {
        body->resize(std::size_t(header.bodySize));
        good = readAll(fd, body->data(), body->size(), off_t(header.headerBytes)) &&
               bodyChecksum(*body) == header.checksum;
    }
    ::close(fd);
    if (!good) {
        // Torn, truncated or damaged: never serve it, and do not trip over it again.
        drop(key, false);
        ++m_corrupt;
        answer.latency = since(start);
        return answer;
    }
    answer.status = TierStatus::Hit;
    answer.entry.body = std::move(body);
    answer.latency = since(start);
    return answer;
}

TierAnswer DiskStore::put(const StoredKey& key, const Entry& entry, Micros)
{
    const Clock::time_point start = Clock::now();
    settleUnwritten();
    TierAnswer answer;
    answer.status = TierStatus::Error;
    if (!knows(key))
        return answer;
    const std::string& ns = m_keys.namespaceName(key.ns);
    const std::string& id = m_keys.resourceName(key.rid);
    const std::shared_ptr<const std::string>& body = entry.body ? entry.body : emptyBody();
    if (ns.empty() || ns.size() > kMaxNameBytes || id.empty() || id.size() > kMaxIdBytes ||
        body->size() > 0xffffffffULL || m_writer->queuedBytes() > kMaxQueuedBytes) {
        answer.latency = since(start);
        return answer;
    }
    const std::uint64_t fileBytes = kFixedHeader + ns.size() + id.size() + body->size();
    if (m_maxBytes > 0 && fileBytes > m_maxBytes) {
        drop(key, false); // the old copy would no longer be the last known good one
        answer.latency = since(start);
        return answer;
    }

    const std::uint64_t name = nameOf(key);
    const std::uint64_t ticket = m_writer->write(name, ns, id, key.version, entry.storedAt, body);
    m_unwritten[name] = Unwritten{body, ticket};
    m_unwrittenOrder.emplace_back(name, ticket);

    if (const auto old = m_index.find(key); old != m_index.end())
        forget(old);
    // Another key hashing to the same file name lost its file just now.
    if (const auto owner = m_owners.find(name); owner != m_owners.end())
        if (const auto other = m_index.find(owner->second); other != m_index.end())
            forget(other);
    insert(key, Record{entry.storedAt, fileBytes, name, static_cast<std::uint32_t>(body->size())});
    evictToFit();
    answer.status = TierStatus::Hit;
    answer.latency = since(start);
    return answer;
}

TierAnswer DiskStore::erase(const StoredKey& key, Micros)
{
    settleUnwritten();
    drop(key, false);
    return TierAnswer{TierStatus::Hit, 0, {}};
}

std::size_t DiskStore::purge(const PurgeScope& scope)
{
    settleUnwritten();
    if (scope.kind == PurgeScope::Kind::Key) {
        const bool held = m_index.count(scope.key) > 0;
        drop(scope.key, false);
        return held ? 1 : 0;
    }
    std::vector<StoredKey> victims;
    for (const auto& [key, record] : m_index)
        if (scope.matches(key))
            victims.push_back(key);
    for (const StoredKey& key : victims)
        drop(key, false);
    return victims.size();
}

std::size_t DiskStore::countMatching(const PurgeScope& scope) const
{
    if (scope.kind == PurgeScope::Kind::Key)
        return m_index.count(scope.key);
    if (scope.kind == PurgeScope::Kind::All)
        return m_index.size();
    std::size_t count = 0;
    for (const auto& [key, record] : m_index)
        count += scope.matches(key) ? 1 : 0;
    return count;
}

std::optional<Entry> DiskStore::peek(const StoredKey& key) const
{
    const auto it = m_index.find(key);
    if (it == m_index.end())
        return std::nullopt;
    Entry entry;
    entry.storedAt = it->second.storedAt;
    entry.size = it->second.size;
    return entry;
}

void DiskStore::forEachKey(const std::function<bool(const StoredKey&, const Entry&)>& visit) const
{
    Entry entry;
    for (const auto& [key, record] : m_index) {
        entry.storedAt = record.storedAt;
        entry.size = record.size;
        if (!visit(key, entry))
            return;
    }
}

} // namespace fallback::node
