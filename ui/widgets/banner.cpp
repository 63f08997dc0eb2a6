#include "widgets/banner.h"

namespace fallback::ui {

Banner::Banner(Tone tone, QWidget* parent) : QLabel(parent)
{
    setWordWrap(true);
    setStyleSheet(styleSheet(tone, QStringLiteral("QLabel")));
    hide();
}

QString Banner::styleSheet(Tone tone, const QString& selector)
{
    // Translucent, so that the tint works on a light and a dark palette.
    const QString rgb =
        tone == Tone::Warn ? QStringLiteral("178, 106, 0") : QStringLiteral("198, 40, 40");
    return QStringLiteral("%1 { background: rgba(%2, 28); border: 1px solid rgba(%2, 110);"
                          " border-radius: 3px; padding: 5px 8px; }")
        .arg(selector, rgb);
}

} // namespace fallback::ui
