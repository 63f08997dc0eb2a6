#pragma once

// The node's audit log as the tests read it back: `audit.jsonl` under a
// data dir, one JSON object per line.

#include <QByteArray>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace nodetest {

/// Each line of `dataDir/audit.jsonl`, parsed, in order; a line that is not
/// a JSON object comes back empty. `wholeLines`, when given, says whether
/// the file ends with a line break (no line cut short). No file: no lines.
inline QList<QJsonObject> auditLines(const QString& dataDir, bool* wholeLines = nullptr)
{
    QList<QJsonObject> lines;
    QFile file(dataDir + QStringLiteral("/audit.jsonl"));
    if (!file.open(QIODevice::ReadOnly))
        return lines;
    const QByteArray content = file.readAll();
    if (wholeLines)
        *wholeLines = content.isEmpty() || content.endsWith('\n');
    for (const QByteArray& line : content.split('\n')) {
        if (!line.isEmpty())
            lines.append(QJsonDocument::fromJson(line).object());
    }
    return lines;
}

} // namespace nodetest
