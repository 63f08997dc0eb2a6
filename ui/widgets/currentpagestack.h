#pragma once

#include <QStackedWidget>

namespace fallback::ui {

/// A QStackedWidget whose size hints come from the page shown only. With
/// fifty workspaces, QStackedWidget's own hints ask every page, and every
/// relayout of the window (a label of the shown page changing its text once
/// a poll) grew with the number of workspaces (bench_livepoll). GUI thread.
class CurrentPageStack : public QStackedWidget {
    Q_OBJECT

public:
    using QStackedWidget::QStackedWidget;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;
};

} // namespace fallback::ui
