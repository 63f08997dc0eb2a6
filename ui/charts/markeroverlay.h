#pragma once

#include <QColor>
#include <QList>
#include <QRectF>
#include <QString>
#include <QWidget>

#include <cmath>
#include <limits>

namespace fallback::ui {

/// A moment (a purge, a bump) or a span (an origin outage) on a time
/// chart's x axis, like an annotation in a dashboard.
struct ChartMarker {
    double x = 0;                                            ///< in x units
    double until = std::numeric_limits<double>::quiet_NaN(); ///< a span's end; NaN: a moment
    QString label;
    QColor color;
    bool isSpan() const { return !std::isnan(until); }
    bool operator==(const ChartMarker& other) const
    {
        // Two moments have NaN for `until`: equal, which `= default` would deny.
        const bool sameEnd = isSpan() ? until == other.until : !other.isSpan();
        return x == other.x && sameEnd && label == other.label && color == other.color;
    }
};

/// Draws ChartMarkers over a chart's plot area: a dashed line per moment, a
/// translucent band per span, and optionally their labels along the top
/// (in rows when they would overlap). It never takes the mouse, so the chart
/// under it still sees the pointer. Knows no chart library: the owner tells
/// it the plot area and the x range. GUI thread only.
class MarkerOverlay : public QWidget {
    Q_OBJECT

public:
    explicit MarkerOverlay(QWidget* parent);

    void setMarkers(const QList<ChartMarker>& markers);
    /// The plot area in this widget's coordinates, and the x range it shows.
    void setPlot(const QRectF& plotArea, double xMin, double xMax);
    void setLabelsVisible(bool visible);

    /// The markers that reach into the x range, clipped to it, in the order given.
    QList<ChartMarker> visibleMarkers() const;
    /// Where a value of x is drawn, in pixels from this widget's left edge.
    double pixelX(double x) const;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QList<ChartMarker> m_markers;
    QRectF m_plot;
    double m_xMin = 0;
    double m_xMax = 1;
    bool m_labels = true;
};

} // namespace fallback::ui
