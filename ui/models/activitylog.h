#pragma once

#include "workspaces/workspacetypes.h"

#include <QByteArray>
#include <QFile>
#include <QList>
#include <QObject>
#include <QSet>
#include <QString>

#include <optional>

namespace fallback::ui {

/// The audit trail of SPEC §7 Activity: every purge, bump, policy change and
/// injected fault, kept on disk as JSON lines, append-only, one line per
/// record:
///
///   {"time":"2024-05-01T12:00:00.123Z","workspace":"demo","action":"purge",
///    "target":"product","result":"purged 42 entries","ok":true}
///
/// (on one line). The file is opened with QIODevice::Append and each line is
/// flushed as it is written; the log never rewrites or truncates it. Records
/// are also kept in memory, oldest first, for ActivityModel.
///
/// If the file cannot be written, the record is still kept in memory,
/// lastError() says why and writeFailed() is emitted; records not yet written
/// are written, in order, by the next append that manages to open the file,
/// so nothing is lost while the session lasts.
///
/// GUI thread only. A write is one short append and flush (no fsync), cheap
/// enough for the GUI thread at the rate people purge.
class ActivityLog : public QObject {
    Q_OBJECT

public:
    /// Uses defaultPath() until setPath() or load() says otherwise. Touches
    /// no file until the first append() or load().
    explicit ActivityLog(QObject* parent = nullptr);
    ~ActivityLog() override;

    /// `<AppDataLocation>/activity.jsonl`.
    static QString defaultPath();

    /// Where appends go from now on. Keeps the records in memory; does not
    /// read the file (see load()).
    void setPath(const QString& path);
    QString path() const { return m_path; }

    /// Replaces the records in memory with those of the file at `path` (a
    /// missing file is an empty log) and appends there from now on.
    /// Malformed lines are skipped and counted (malformedLines()). Returns
    /// false, with lastError(), only when an existing file cannot be read.
    /// Records appended earlier and never written stay pending and are
    /// written to the new file by the next append.
    bool load(const QString& path);
    int malformedLines() const { return m_malformed; }

    /// Appends one record: in memory at once, then on disk. Another
    /// client's record (`remote`) already held - the same deployment read
    /// again, by a new workspace for it - is not appended twice.
    void append(const ActivityRecord& record);

    int count() const { return int(m_records.size()); }
    /// Oldest first; `index` in [0, count()).
    const ActivityRecord& at(int index) const { return m_records.at(index); }
    const QList<ActivityRecord>& records() const { return m_records; }

    /// Why the last write (or load) failed; empty once a write succeeds.
    QString lastError() const { return m_lastError; }
    /// Records kept in memory only, waiting for the file to become writable.
    int unwrittenCount() const { return m_unwritten; }

    /// One JSON line without the newline. `time` is ISO-8601 UTC with ms.
    static QByteArray toJsonLine(const ActivityRecord& record);
    /// Nullopt unless `line` is a JSON object with a valid `time` and a
    /// non-empty `action`; other fields default to empty strings and ok=true.
    static std::optional<ActivityRecord> fromJsonLine(const QByteArray& line);

signals:
    /// Around an append: the new record gets index `index` (== count() before).
    void recordAboutToBeAppended(int index);
    void recordAppended(int index);
    /// Around load(): every record may have changed.
    void aboutToReload();
    void reloaded();
    /// The path changed (setPath() or load()).
    void pathChanged(const QString& path);
    /// A write failed; the records are kept in memory (see unwrittenCount()).
    void writeFailed(const QString& error);
    /// lastError() changed (set on a failure, cleared on the next success).
    void errorChanged(const QString& error);

private:
    bool openForAppend();
    void writePending();
    void setError(const QString& error);

    QString m_path;
    QFile m_file;
    QList<ActivityRecord> m_records;
    QSet<QString> m_remoteKeys; ///< the remote records held, against repeats
    static QString remoteKey(const ActivityRecord& record);
    int m_unwritten = 0; ///< the last m_unwritten records are not on disk yet
    int m_malformed = 0;
    QString m_lastError;
};

} // namespace fallback::ui
