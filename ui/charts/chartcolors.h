#pragma once

#include "engine/types.h"

#include <QColor>
#include <QPalette>

namespace fallback::ui {

/// The colours every Overview chart and card uses, so that a tier has one
/// colour everywhere. Qt Gui only (no Qt Charts). `dark`: the palette's
/// window is dark; colours are lightened to stay readable on it.
bool isDarkPalette(const QPalette& palette);
QColor tierColor(TierId tier, bool dark);
QColor failedColor(bool dark);  ///< reads answered 503
QColor staleColor(bool dark);   ///< stale serves, charted apart from fresh hits (SPEC §8)
QColor faultColor(bool dark);   ///< amber: a fault is injected into the tier
QColor healthyColor(bool dark); ///< green: the tier is on the path, no fault
QColor disabledColor(bool dark);///< grey: the tier is off the path
QColor markColor(bool dark);    ///< a purge, bump or policy change marked on a chart
/// Neutral colours for secondary origin-load lines.
QColor coalescedColor(bool dark);
QColor revalidationColor(bool dark);

} // namespace fallback::ui
