#include "charts/chartcolors.h"

namespace fallback::ui {

namespace {

QColor pick(QRgb light, bool dark)
{
    const QColor colour = QColor::fromRgb(light);
    return dark ? colour.lighter(135) : colour;
}

} // namespace

bool isDarkPalette(const QPalette& palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

QColor tierColor(TierId tier, bool dark)
{
    switch (tier) {
    case TierId::EdgeCache: return pick(0x2f7ed8, dark);   // blue
    case TierId::EdgeKv: return pick(0x1f9e89, dark);      // teal
    case TierId::Origin: return pick(0x8a5cd0, dark);      // violet
    case TierId::ClientCache: return pick(0x7c8a99, dark); // slate
    }
    return pick(0x888888, dark);
}

QColor failedColor(bool dark)
{
    return pick(0xd64545, dark);
}

QColor staleColor(bool dark)
{
    return pick(0xe07b00, dark);
}

QColor faultColor(bool dark)
{
    return pick(0xe8a317, dark);
}

QColor healthyColor(bool dark)
{
    return pick(0x2e9e4f, dark);
}

QColor disabledColor(bool dark)
{
    return dark ? QColor(0x6a6a6a) : QColor(0xa8a8a8);
}

QColor markColor(bool dark)
{
    return dark ? QColor(0xb8b8b8) : QColor(0x4a4a4a);
}

QColor coalescedColor(bool dark)
{
    return pick(0x3b8bc2, dark);
}

QColor revalidationColor(bool dark)
{
    return pick(0x5aa469, dark);
}

} // namespace fallback::ui
