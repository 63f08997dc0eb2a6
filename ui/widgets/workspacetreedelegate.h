#pragma once

#include <QStyledItemDelegate>

namespace fallback::ui {

/// Draws a workspace row of the tree as the default delegate does (status
/// dot, name), plus badges at its right edge: a red `PROD` for a production
/// workspace, a lock while it is read-only, `paused` while its polling is.
/// The name is elided before the badges rather than drawn under them.
/// Reads WorkspaceTreeModel's roles. GUI thread.
class WorkspaceTreeDelegate : public QStyledItemDelegate {
    Q_OBJECT

public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;

    /// Width the badges of `index` take, in pixels (0 for none).
    static int badgesWidth(const QStyleOptionViewItem& option, const QModelIndex& index);
};

} // namespace fallback::ui
