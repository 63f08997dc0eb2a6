#include "charts/markeroverlay.h"

#include <QFontMetrics>
#include <QPainter>

#include <algorithm>
#include <vector>

namespace fallback::ui {

namespace {
constexpr int kLabelRows = 3; ///< overlapping labels go down, at most this many rows
constexpr int kLabelPadding = 3;
} // namespace

MarkerOverlay::MarkerOverlay(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("markerOverlay"));
    setAttribute(Qt::WA_TransparentForMouseEvents);
    setAttribute(Qt::WA_NoSystemBackground);
}

void MarkerOverlay::setMarkers(const QList<ChartMarker>& markers)
{
    if (markers == m_markers)
        return;
    m_markers = markers;
    update();
}

void MarkerOverlay::setPlot(const QRectF& plotArea, double xMin, double xMax)
{
    if (plotArea == m_plot && xMin == m_xMin && xMax == m_xMax)
        return;
    m_plot = plotArea;
    m_xMin = xMin;
    m_xMax = xMax;
    update();
}

void MarkerOverlay::setLabelsVisible(bool visible)
{
    m_labels = visible;
    update();
}

QList<ChartMarker> MarkerOverlay::visibleMarkers() const
{
    QList<ChartMarker> visible;
    for (ChartMarker marker : m_markers) {
        const double end = marker.isSpan() ? marker.until : marker.x;
        if (end < m_xMin || marker.x > m_xMax)
            continue;
        if (marker.isSpan()) {
            marker.x = std::max(marker.x, m_xMin);
            marker.until = std::min(marker.until, m_xMax);
        }
        visible.append(marker);
    }
    return visible;
}

double MarkerOverlay::pixelX(double x) const
{
    const double span = m_xMax - m_xMin;
    return span > 0 ? m_plot.left() + (x - m_xMin) / span * m_plot.width() : m_plot.left();
}

void MarkerOverlay::paintEvent(QPaintEvent*)
{
    if (m_plot.isEmpty())
        return;
    QPainter painter(this);
    painter.setClipRect(m_plot.adjusted(0, 0, 1, 1));
    QFont small = font();
    small.setPointSizeF(std::max(7.0, small.pointSizeF() - 1.0));
    painter.setFont(small);
    const QFontMetrics metrics(small);
    // Per label row, where its last label ends: a label starts in the first
    // row it fits in.
    std::vector<double> rowEnds(kLabelRows, -1e9);

    for (const ChartMarker& marker : visibleMarkers()) {
        const double left = pixelX(marker.x);
        QColor line = marker.color;
        if (marker.isSpan()) {
            QColor fill = marker.color;
            fill.setAlpha(40);
            painter.fillRect(QRectF(left, m_plot.top(), std::max(1.0, pixelX(marker.until) - left),
                                    m_plot.height()),
                             fill);
        }
        QPen pen(line, 1.0, Qt::DashLine);
        painter.setPen(pen);
        painter.drawLine(QPointF(left, m_plot.top()), QPointF(left, m_plot.bottom()));
        if (!m_labels || marker.label.isEmpty())
            continue;
        const double width = metrics.horizontalAdvance(marker.label) + 2 * kLabelPadding;
        const double start = left + 1 + width > m_plot.right() ? left - 1 - width : left;
        int row = 0;
        while (row + 1 < kLabelRows && rowEnds[std::size_t(row)] > start)
            ++row;
        rowEnds[std::size_t(row)] = start + width + 2;
        const QRectF box(start + (start < left ? 0 : 1),
                         m_plot.top() + 1 + row * (metrics.height() + 2), width, metrics.height());
        QColor background = palette().color(QPalette::Base);
        background.setAlpha(215);
        painter.fillRect(box, background);
        painter.setPen(palette().color(QPalette::Text));
        painter.drawText(box, Qt::AlignCenter, marker.label);
    }
}

} // namespace fallback::ui
