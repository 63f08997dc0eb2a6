#pragma once

#include <QLabel>

namespace fallback::ui {

/// A note across the top of a page, above its content: word-wrapped text on
/// a light tint of the tone's colour with a border of it (the colours of the
/// pages' status lines), readable in light and dark themes alike. Hidden
/// until shown. GUI thread.
class Banner : public QLabel {
    Q_OBJECT

public:
    enum class Tone {
        Warn, ///< amber: advice, the thing still works
        Bad,  ///< red: something is refused
    };

    explicit Banner(Tone tone, QWidget* parent = nullptr);

    /// The banner look of `tone` for the widgets `selector` picks (`QLabel`,
    /// `QScrollArea#warningBanner`): for banners that are not a Banner.
    static QString styleSheet(Tone tone, const QString& selector);
};

} // namespace fallback::ui
