#include "widgets/workspacetreedelegate.h"

#include "models/workspacetreemodel.h"

#include <QApplication>
#include <QPainter>

#include <algorithm>

namespace fallback::ui {

namespace {

constexpr int kGap = 4;
constexpr int kLockWidth = 10;

QFont badgeFont(const QStyleOptionViewItem& option)
{
    QFont font = option.font;
    font.setBold(true);
    font.setPointSizeF(std::max(6.0, font.pointSizeF() * 0.75));
    return font;
}

QString prodText()
{
    return QStringLiteral("PROD");
}

/// A padlock, closed, in `rect` (about 10 × 12 px).
void drawLock(QPainter* painter, const QRectF& rect, const QColor& color)
{
    const QRectF body(rect.left(), rect.top() + rect.height() * 0.45, rect.width(),
                      rect.height() * 0.55);
    const QRectF shackle(rect.left() + rect.width() * 0.2, rect.top(), rect.width() * 0.6,
                         rect.height() * 0.75);
    painter->setPen(QPen(color, 1.6));
    painter->setBrush(Qt::NoBrush);
    painter->drawArc(shackle, 0, 180 * 16);
    painter->drawLine(QPointF(shackle.left(), shackle.center().y()),
                      QPointF(shackle.left(), body.top()));
    painter->drawLine(QPointF(shackle.right(), shackle.center().y()),
                      QPointF(shackle.right(), body.top()));
    painter->setPen(Qt::NoPen);
    painter->setBrush(color);
    painter->drawRoundedRect(body, 1.5, 1.5);
}

} // namespace

int WorkspaceTreeDelegate::badgesWidth(const QStyleOptionViewItem& option, const QModelIndex& index)
{
    const QFontMetrics metrics(badgeFont(option));
    int width = 0;
    if (index.data(WorkspaceTreeModel::ProductionRole).toBool())
        width += metrics.horizontalAdvance(prodText()) + 8 + kGap;
    if (index.data(WorkspaceTreeModel::LockedRole).toBool())
        width += kLockWidth + kGap;
    if (index.data(WorkspaceTreeModel::PausedRole).toBool())
        width += QFontMetrics(option.font).horizontalAdvance(tr("paused")) + kGap;
    return width;
}

void WorkspaceTreeDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                                  const QModelIndex& index) const
{
    const int badges = badgesWidth(option, index);
    if (badges == 0) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    // The row's background and selection span the whole width; the text is
    // elided short of the badges.
    const QWidget* widget = option.widget;
    QStyle* style = widget ? widget->style() : QApplication::style();
    QStyleOptionViewItem row(option);
    initStyleOption(&row, index);
    style->drawPrimitive(QStyle::PE_PanelItemViewItem, &row, painter, widget);
    QStyleOptionViewItem text(row);
    text.rect.setRight(option.rect.right() - badges - kGap);
    text.state &= ~(QStyle::State_Selected | QStyle::State_HasFocus); // drawn above
    text.backgroundBrush = Qt::NoBrush;
    if (option.state & QStyle::State_Selected)
        text.palette.setBrush(QPalette::Text, option.palette.brush(QPalette::HighlightedText));
    style->drawControl(QStyle::CE_ItemViewItem, &text, painter, widget);

    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    int x = option.rect.right() - kGap;
    const int midY = option.rect.center().y();
    if (index.data(WorkspaceTreeModel::PausedRole).toBool()) {
        const QString text = tr("paused");
        const int w = QFontMetrics(option.font).horizontalAdvance(text);
        x -= w;
        painter->setFont(option.font);
        painter->setPen(option.palette.color(QPalette::PlaceholderText));
        painter->drawText(QRect(x, option.rect.top(), w, option.rect.height()), Qt::AlignVCenter, text);
        x -= kGap;
    }
    const QColor red(0xc6, 0x28, 0x28);
    if (index.data(WorkspaceTreeModel::LockedRole).toBool()) {
        x -= kLockWidth;
        drawLock(painter, QRectF(x, midY - 6, kLockWidth, 12),
                 option.state & QStyle::State_Selected ? option.palette.color(QPalette::HighlightedText) : red);
        x -= kGap;
    }
    if (index.data(WorkspaceTreeModel::ProductionRole).toBool()) {
        const QFont font = badgeFont(option);
        const QFontMetrics metrics(font);
        const int w = metrics.horizontalAdvance(prodText()) + 8;
        const int h = metrics.height() + 2;
        x -= w;
        const QRectF badge(x, midY - h / 2.0, w, h);
        painter->setPen(Qt::NoPen);
        painter->setBrush(red);
        painter->drawRoundedRect(badge, 3, 3);
        painter->setFont(font);
        painter->setPen(Qt::white);
        painter->drawText(badge, Qt::AlignCenter, prodText());
    }
    painter->restore();
}

QSize WorkspaceTreeDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    QSize size = QStyledItemDelegate::sizeHint(option, index);
    size.rwidth() += badgesWidth(option, index) + kGap;
    return size;
}

} // namespace fallback::ui
