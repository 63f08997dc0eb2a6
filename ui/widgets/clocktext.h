#pragma once

#include "util/units.h"

#include <QString>

namespace fallback::ui {

/// A simulation's virtual clock as `HH:MM:SS`, or `HH:MM:SS.t` with tenths.
inline QString formatVirtualClock(Micros now, bool tenths = false)
{
    const qint64 seconds = now / kMicrosPerSecond;
    QString text = QStringLiteral("%1:%2:%3")
                       .arg(seconds / 3600, 2, 10, QLatin1Char('0'))
                       .arg(seconds / 60 % 60, 2, 10, QLatin1Char('0'))
                       .arg(seconds % 60, 2, 10, QLatin1Char('0'));
    if (tenths)
        text += QLatin1Char('.') + QString::number(now % kMicrosPerSecond / 100000);
    return text;
}

/// A stretch of time to read at a glance, rounded up to the second: `45 s`,
/// `2 min 30 s`, `5 min`, `1 h 5 min` (no seconds past the hour).
inline QString formatSpan(Micros span)
{
    const qint64 seconds = span <= 0 ? 0 : (span + kMicrosPerSecond - 1) / kMicrosPerSecond;
    if (seconds < 60)
        return QStringLiteral("%1 s").arg(seconds);
    if (seconds < 3600) {
        const qint64 rest = seconds % 60;
        return rest == 0 ? QStringLiteral("%1 min").arg(seconds / 60)
                         : QStringLiteral("%1 min %2 s").arg(seconds / 60).arg(rest);
    }
    const qint64 minutes = seconds / 60 % 60;
    return minutes == 0 ? QStringLiteral("%1 h").arg(seconds / 3600)
                        : QStringLiteral("%1 h %2 min").arg(seconds / 3600).arg(minutes);
}

} // namespace fallback::ui
