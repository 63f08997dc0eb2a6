#include "models/activitylog.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QStandardPaths>

namespace fallback::ui {

namespace {

// Written by hand rather than through QJsonDocument so that the fields keep
// the documented order (QJsonObject sorts its keys) and a line stays
// readable with `tail -f`.
void appendJsonString(QByteArray& out, const QString& text)
{
    out += '"';
    const QByteArray utf8 = text.toUtf8();
    for (const char c : utf8) {
        const auto byte = static_cast<unsigned char>(c);
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (byte < 0x20) {
                static const char hex[] = "0123456789abcdef";
                out += "\\u00";
                out += hex[byte >> 4];
                out += hex[byte & 0xf];
            } else {
                out += c;
            }
        }
    }
    out += '"';
}

} // namespace

ActivityLog::ActivityLog(QObject* parent) : QObject(parent), m_path(defaultPath()) {}

ActivityLog::~ActivityLog() = default;

QString ActivityLog::defaultPath()
{
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    return QDir(dir).filePath(QStringLiteral("activity.jsonl"));
}

void ActivityLog::setPath(const QString& path)
{
    if (path == m_path)
        return;
    m_file.close();
    m_path = path;
    emit pathChanged(m_path);
}

bool ActivityLog::load(const QString& path)
{
    QList<ActivityRecord> loaded;
    int malformed = 0;
    QFile file(path);
    if (file.exists()) {
        if (!file.open(QIODevice::ReadOnly)) {
            setError(tr("Cannot read the activity log %1: %2").arg(path, file.errorString()));
            return false;
        }
        while (!file.atEnd()) {
            const QByteArray line = file.readLine().trimmed();
            if (line.isEmpty())
                continue;
            if (std::optional<ActivityRecord> record = fromJsonLine(line))
                loaded.append(std::move(*record));
            else
                ++malformed;
        }
    }

    emit aboutToReload();
    // Records appended before the load and never written belong to this
    // session: keep them after the loaded ones, still waiting to be written.
    const QList<ActivityRecord> pending = m_records.mid(m_records.size() - m_unwritten);
    m_records = std::move(loaded);
    m_records.append(pending);
    m_remoteKeys.clear(); // the file holds none; the pending may
    for (const ActivityRecord& record : pending)
        if (record.remote)
            m_remoteKeys.insert(remoteKey(record));
    m_malformed = malformed;
    emit reloaded();
    setPath(path);
    return true;
}

QString ActivityLog::remoteKey(const ActivityRecord& record)
{
    return record.workspace + QLatin1Char('\n') + record.when.toString(Qt::ISODateWithMs) + QLatin1Char('\n') +
           record.action + QLatin1Char('\n') + record.target + QLatin1Char('\n') + record.by;
}

void ActivityLog::append(const ActivityRecord& record)
{
    if (record.remote) {
        const QString key = remoteKey(record);
        if (m_remoteKeys.contains(key))
            return;
        m_remoteKeys.insert(key);
    }
    const int index = count();
    emit recordAboutToBeAppended(index);
    m_records.append(record);
    ++m_unwritten;
    emit recordAppended(index);
    writePending();
}

bool ActivityLog::openForAppend()
{
    if (m_file.isOpen())
        return true;
    const QFileInfo info(m_path);
    if (m_path.isEmpty()) {
        setError(tr("No activity log file is set"));
        return false;
    }
    if (!QDir().mkpath(info.absolutePath())) {
        setError(tr("Cannot create the folder %1 for the activity log")
                     .arg(QDir::toNativeSeparators(info.absolutePath())));
        return false;
    }
    // A line cut short by a crash or a full disk must not swallow the next
    // one: start on a fresh line.
    bool needsNewline = false;
    if (info.exists() && info.size() > 0) {
        QFile tail(m_path);
        if (tail.open(QIODevice::ReadOnly) && tail.seek(tail.size() - 1)) {
            char last = '\n';
            needsNewline = tail.getChar(&last) && last != '\n';
        }
    }
    m_file.setFileName(m_path);
    // Unbuffered: a failed write is reported by write() itself and nothing
    // stays in a buffer that close() could write a second time.
    if (!m_file.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Unbuffered)) {
        setError(tr("Cannot write the activity log %1: %2")
                     .arg(QDir::toNativeSeparators(m_path), m_file.errorString()));
        return false;
    }
    if (needsNewline && m_file.write("\n", 1) != 1) {
        setError(tr("Cannot write the activity log %1: %2")
                     .arg(QDir::toNativeSeparators(m_path), m_file.errorString()));
        m_file.close();
        return false;
    }
    return true;
}

void ActivityLog::writePending()
{
    if (m_unwritten == 0)
        return;
    if (!openForAppend()) {
        emit writeFailed(m_lastError);
        return;
    }
    while (m_unwritten > 0) {
        const ActivityRecord& record = m_records.at(count() - m_unwritten);
        // The file holds what people did here: not a simulation's events,
        // nor what other clients did (their deployment's audit log has it).
        if (record.simulated || record.remote) {
            --m_unwritten;
            continue;
        }
        const QByteArray line = toJsonLine(record) + '\n';
        if (m_file.write(line) != line.size() || !m_file.flush()) {
            setError(tr("Cannot write the activity log %1: %2")
                         .arg(QDir::toNativeSeparators(m_path), m_file.errorString()));
            m_file.close();
            emit writeFailed(m_lastError);
            return;
        }
        --m_unwritten;
    }
    setError({});
}

void ActivityLog::setError(const QString& error)
{
    if (error == m_lastError)
        return;
    m_lastError = error;
    emit errorChanged(m_lastError);
}

QByteArray ActivityLog::toJsonLine(const ActivityRecord& record)
{
    QByteArray out;
    out.reserve(160);
    out += "{\"time\":";
    appendJsonString(out, record.when.toUTC().toString(Qt::ISODateWithMs));
    out += ",\"workspace\":";
    appendJsonString(out, record.workspace);
    out += ",\"action\":";
    appendJsonString(out, record.action);
    out += ",\"target\":";
    appendJsonString(out, record.target);
    out += ",\"result\":";
    appendJsonString(out, record.result);
    out += record.ok ? ",\"ok\":true}" : ",\"ok\":false}";
    return out;
}

std::optional<ActivityRecord> ActivityLog::fromJsonLine(const QByteArray& line)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(line, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    const QJsonObject object = doc.object();
    const QJsonValue time = object.value(QLatin1String("time"));
    const QJsonValue action = object.value(QLatin1String("action"));
    const QJsonValue ok = object.value(QLatin1String("ok"));
    if (!time.isString() || !action.isString() || action.toString().isEmpty())
        return std::nullopt;
    if (!ok.isUndefined() && !ok.isBool())
        return std::nullopt;
    ActivityRecord record;
    record.when = QDateTime::fromString(time.toString(), Qt::ISODateWithMs);
    if (!record.when.isValid())
        return std::nullopt;
    record.when = record.when.toUTC();
    record.workspace = object.value(QLatin1String("workspace")).toString();
    record.action = action.toString();
    record.target = object.value(QLatin1String("target")).toString();
    record.result = object.value(QLatin1String("result")).toString();
    record.ok = ok.toBool(true);
    return record;
}

} // namespace fallback::ui
