#include "widgets/theme.h"

#include <QApplication>
#include <QPalette>
#include <QStyle>
#include <QStyleFactory>

namespace fallback::ui {

namespace {

QPalette darkPalette()
{
    QPalette p;
    const QColor window(0x26, 0x29, 0x2e), base(0x1d, 0x1f, 0x23), text(0xe6, 0xe8, 0xeb);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, window);
    p.setColor(QPalette::ToolTipBase, base);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::Highlight, QColor(0x3b, 0x7d, 0xd8));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::PlaceholderText, QColor(0x8a, 0x8f, 0x98));
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x70, 0x74, 0x7a));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x70, 0x74, 0x7a));
    return p;
}

} // namespace

void applyTheme(Preferences::Theme theme)
{
    static const QPalette systemPalette = QApplication::palette();
    if (theme == Preferences::Theme::System) {
        QApplication::setPalette(systemPalette);
        return;
    }
    // Fusion draws the palette faithfully on every platform.
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QApplication::setPalette(theme == Preferences::Theme::Dark ? darkPalette()
                                                               : QApplication::style()->standardPalette());
}

} // namespace fallback::ui
