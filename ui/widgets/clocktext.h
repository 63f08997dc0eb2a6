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

} // namespace fallback::ui
