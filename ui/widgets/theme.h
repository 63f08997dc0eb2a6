#pragma once

#include "models/preferences.h"

namespace fallback::ui {

/// Applies the console's theme to the whole application: the system's
/// palette, or Fusion with a light or dark palette. GUI thread.
void applyTheme(Preferences::Theme theme);

} // namespace fallback::ui
