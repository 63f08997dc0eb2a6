#pragma once

#include "charts/chartmath.h"
#include "charts/markeroverlay.h"

#include <QColor>
#include <QList>
#include <QPair>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <QWidget>

#include <memory>
#include <vector>

class QLabel;

namespace fallback::ui {

class ChartAdapter;

/// A time chart for the Overview: named series over an explicit x range,
/// drawn through ChartAdapter (the only Qt Charts code, SPEC §8).
///
/// Named series are either lines (NaN y values break the line: a gap) or
/// bands of one stacked area, stacked in the order they were added (NaN in
/// any band marks the x as "no data": the stack drops to zero there and an
/// optional hatched "no data" band covers it). Feed it with setSeriesData()
/// for each series, then flush() once: the stack is summed, the y axis
/// re-ranged with headroom and every changed series replaced in bulk.
///
/// While paused - on demand, or while the pointer is over the chart - data
/// is kept but not drawn, and a "Paused" label says so; resuming draws the
/// latest at once. The theme follows the palette (light or dark).
/// GUI thread only.
class TimeChart : public QWidget {
    Q_OBJECT

public:
    /// x tick: value and label, e.g. {-60, "-1m"}.
    using Tick = QPair<double, QString>;

    explicit TimeChart(const QString& title, QWidget* parent = nullptr);
    ~TimeChart() override;

    // --- set-up (before data) ---------------------------------------------
    /// `width` in pixels: lines up to 1 px take the raster engine's fast
    /// path, wider ones cost several times more to paint.
    /// `legendLabel`: the text in the legend (default: the name); a
    /// "-" hides the series from the legend (e.g. p99 next to its p50).
    void addLineSeries(const QString& name, const QColor& color,
                       Qt::PenStyle style = Qt::SolidLine, qreal width = 1.0,
                       const QString& legendLabel = {});
    /// A band of the stacked area, on top of the bands added before it.
    void addStackedSeries(const QString& name, const QColor& color);
    /// Adds the hatched "no data" band over x values where a stacked band is
    /// NaN; its legend entry (default "no data") shows only while there is a gap.
    void setGapShading(bool enabled, const QString& name = {});
    /// Hides a series and its legend entry (e.g. a disabled tier's line).
    void setSeriesVisible(const QString& name, bool visible);
    bool isSeriesVisible(const QString& name) const;
    void setYTitle(const QString& title);
    void setYLabelFormat(const QString& printfFormat); ///< default "%g"
    /// The y axis shows at least [0, value] (default 1).
    void setYMinimumMax(double value);
    /// Logarithmic y (latency across tiers spans four decades): values
    /// below `floor` are drawn at it, NaN still breaks the line. Lines only.
    void setYLogarithmic(bool on, double floor = 0.1);
    bool isYLogarithmic() const { return m_yLog; }

    // --- data ---------------------------------------------------------------
    /// Explicit x range; ticks label the x axis (empty: five plain ticks).
    void setXRange(double min, double max, const QList<Tick>& ticks = {});
    /// The new points of one series; drawn at the next flush(). Stacked
    /// bands must share x values, in the same order.
    void setSeriesData(const QString& name, const QList<QPointF>& points);
    /// Draws what changed since the last flush, unless paused.
    void flush();
    /// Drops every series' points.
    void clearData();
    /// Moments and spans to mark over the plot (x in the chart's units),
    /// drawn from the next flush(); markers outside the x range are not.
    void setMarkers(const QList<ChartMarker>& markers);
    /// Labels along the top of the plot (default on).
    void setMarkerLabels(bool visible);

    // --- pause -------------------------------------------------------------
    void setPaused(bool paused); ///< on demand (the page's pause button)
    bool isPaused() const { return m_userPaused || m_hoverPaused; }
    bool isUserPaused() const { return m_userPaused; }
    bool isHoverPaused() const { return m_hoverPaused; }

    // --- export ------------------------------------------------------------
    bool exportPng(const QString& path);
    /// Header `xHeader,<series>...`, one row per x; stacked bands as their
    /// own values (not summed); NaN as an empty cell. What is drawn.
    bool exportCsv(const QString& path, const QString& xHeader = QStringLiteral("x")) const;

    // --- inspection (tests, page) -------------------------------------------
    QString title() const { return m_title; }
    QStringList seriesNames() const;
    /// Points drawn for `name` (stacked: the band's upper edge, i.e. the
    /// running sum; logarithmic y: log10 of the value; a line: NaN where it
    /// has a gap); -1 when there is no such series.
    int pointCount(const QString& name) const;
    QList<QPointF> drawnPoints(const QString& name) const;
    /// What the chart library is handed for `name`: a line's pieces between
    /// its gaps, each free of NaN (none when no two consecutive points have
    /// a value); a band's upper edge. Empty when there is no such series.
    QList<QList<QPointF>> drawnPieces(const QString& name) const;
    /// The markers drawn, clipped to the x range.
    QList<ChartMarker> drawnMarkers() const;
    /// Where the overlay draws x, in pixels across the chart view.
    double markerPixelX(double x) const;
    double xMin() const { return m_xMin; }
    double xMax() const { return m_xMax; }
    double yMax() const { return m_yMax; } ///< in data units, also on a log axis
    /// Width of the plot area in pixels: how many points are worth drawing.
    int plotWidth() const;

signals:
    void pausedChanged(bool paused);

protected:
    void enterEvent(QEnterEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void changeEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    struct Series;

    int indexOf(const QString& name) const;
    void build();
    void restack();
    void updateYRange();
    void applyXAxis();
    void updatePaused(bool wasPaused);
    void placePausedLabel();
    void placeMarkers();

    QString m_title;
    std::unique_ptr<ChartAdapter> m_adapter;
    QLabel* m_pausedLabel = nullptr;
    MarkerOverlay* m_markerOverlay = nullptr; ///< over the view's viewport
    QList<ChartMarker> m_pendingMarkers;
    bool m_markersDirty = false;
    std::vector<std::unique_ptr<Series>> m_series;
    QString m_gapShadeName; ///< empty: no gap shading
    QList<Tick> m_ticks;
    double m_xMin = 0, m_xMax = 1;
    bool m_xDirty = true;
    double m_yMax = 1, m_yMinimumMax = 1;
    bool m_yLog = false;
    double m_yFloor = 0.1;
    LogRange m_logRange;
    bool m_dirty = false;
    bool m_needsBuild = true;
    bool m_userPaused = false;
    bool m_hoverPaused = false;
    bool m_dark = false;
};

} // namespace fallback::ui
