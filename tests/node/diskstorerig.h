#pragma once

// What tst_diskstore and tst_diskstoreeviction share: copies and keys for a
// DiskStore, opening one (null, with a warning, when that fails), the files
// it left on disk, how a closed store is opened again, and the bytes a file
// takes.

#include "node/diskstore.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QtTest>

#include <limits>
#include <memory>
#include <string>
#include <string_view>

namespace diskstoretest {

using namespace fallback;
using namespace fallback::node;

inline constexpr Micros kForever = std::numeric_limits<Micros>::max() / 4;

inline Entry entry(const std::string& body, Micros storedAt)
{
    Entry e;
    e.storedAt = storedAt;
    e.size = static_cast<std::uint32_t>(body.size());
    e.body = std::make_shared<const std::string>(body);
    return e;
}

inline StoredKey key(KeySpace& keys, std::string_view ns, std::string_view id, std::uint64_t version = 1)
{
    return StoredKey{version, keys.intern(id), keys.namespaceId(ns)};
}

inline std::unique_ptr<DiskStore> openStore(const QString& dir, KeySpace& keys, std::uint64_t maxBytes = 0)
{
    auto opened = DiskStore::open(dir.toStdString(), keys, maxBytes);
    if (!opened)
        qWarning("open failed: %s", opened.error().message.c_str());
    return opened ? std::move(opened).value() : nullptr;
}

/// Every regular file below `root` but the index snapshot, relative to it.
inline QStringList filesBelow(const QString& root)
{
    QStringList files;
    QDirIterator it(root, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString file = QDir(root).relativeFilePath(it.next());
        if (!file.endsWith(QLatin1String(DiskStore::kSnapshotName)))
            files << file;
    }
    files.sort();
    return files;
}

/// How a closed store is opened again: from the snapshot it saved, or by
/// scanning every file as after a crash (the snapshot is deleted first).
inline void forgetSnapshotUnless(bool viaSnapshot, const QString& dir)
{
    const QString snapshot = dir + QLatin1Char('/') + QLatin1String(DiskStore::kSnapshotName);
    QVERIFY(QFile::exists(snapshot));
    if (!viaSnapshot)
        QVERIFY(QFile::remove(snapshot));
}

inline void addReopenRows()
{
    QTest::addColumn<bool>("viaSnapshot");
    QTest::newRow("via snapshot") << true;
    QTest::newRow("via scan (after a crash)") << false;
}

/// Bytes a file of this key and body takes (48-byte header + names + body).
inline std::uint64_t fileBytes(std::string_view ns, std::string_view id, std::size_t body)
{
    return 48 + ns.size() + id.size() + body;
}

} // namespace diskstoretest
