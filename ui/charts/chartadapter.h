#pragma once

#include <QColor>
#include <QFont>
#include <QList>
#include <QPair>
#include <QPalette>
#include <QPointF>
#include <QRectF>
#include <QString>

#include <functional>
#include <memory>
#include <vector>

class QWidget;

namespace fallback::ui {

/// The only code that includes Qt Charts (deprecated from Qt 6.10, SPEC
/// §8): it draws what TimeChart computed into a QChartView, and nothing
/// else. Replacing the chart library means rewriting this class alone.
///
/// Series are addressed by index, in the order given to build(): lines
/// (NaN breaks a line) and stacked bands (given their running sums, filled
/// from the baseline), plus an optional hatched "no data" shade. Data goes
/// in with QXYSeries::replace(), in bulk; animations are off, antialiasing
/// on. GUI thread only.
///
/// Qt Charts does not support NaN in a series: a dashed QLineSeries is
/// drawn as one QPainterPath, which skips a NaN point - joining the points
/// either side of a gap - and, when the first point is NaN, starts from the
/// plot area's top-left corner. So no NaN ever reaches Qt Charts: a line is
/// cut at its gaps into pieces (finiteRuns()), each a QLineSeries of its
/// own with the same pen, only the first one in the legend. Pieces are made
/// as gaps need them and kept for reuse; unused ones are left empty.
class ChartAdapter {
public:
    using Tick = QPair<double, QString>;
    struct SeriesSpec {
        QString label;  ///< legend text
        QColor color;
        Qt::PenStyle style = Qt::SolidLine;
        qreal width = 1.0;
        bool stacked = false;
    };

    /// Creates the chart view as a child of `parent` (see view()).
    ChartAdapter(const QString& title, QWidget* parent);
    ~ChartAdapter();
    ChartAdapter(const ChartAdapter&) = delete;
    ChartAdapter& operator=(const ChartAdapter&) = delete;

    QWidget* view() const;

    /// Creates every series afresh (any drawn before are dropped);
    /// `gapShadeLabel` empty: no gap shade.
    void build(const std::vector<SeriesSpec>& specs, const QString& gapShadeLabel);
    bool isBuilt() const { return m_built; }
    /// Drops every series (before the y axis type changes).
    void clear();

    void replace(std::size_t index, const QList<QPointF>& points);
    /// The points given to replace() (a line: NaN and all; a band: its
    /// upper edge).
    int count(std::size_t index) const;
    QList<QPointF> points(std::size_t index) const;
    /// What Qt Charts draws for a series: a line's pieces between its gaps
    /// (none when it has no two consecutive points with a value); a band's
    /// upper edge.
    QList<QList<QPointF>> pieces(std::size_t index) const;
    void setVisible(std::size_t index, bool visible, bool inLegend);
    /// The outline of the "no data" shade; its legend entry shows while it
    /// is not empty.
    void setGapShade(const QList<QPointF>& outline);
    QList<QPointF> gapShade() const;

    void setXAxis(double min, double max, const QList<Tick>& ticks);
    /// A linear y axis from 0 to `max`, or a log10 one labelled by decade
    /// (y values are then log10 already). Switching clears the series.
    void setYLogarithmic(bool on);
    void setYLinear(double max, int tickCount);
    void setYLog(int lowDecade, double top);
    void setYLabelFormat(const QString& printfFormat);
    void setYTitle(const QString& title);

    /// Light or dark theme from the palette, our colours on top.
    void applyPalette(const QPalette& palette, const QFont& font);
    /// Width of the plot area in pixels (0 before the first layout).
    int plotWidth() const;
    /// The plot area in the coordinates of view()'s viewport (empty before
    /// the first layout), and a call whenever it moves or changes size (a
    /// resize, wider axis labels).
    QRectF plotArea() const;
    void onPlotAreaChanged(std::function<void()> listener);

private:
    struct Drawn;
    void style(Drawn& drawn) const;
    /// One more piece for a line, at the end of its pieces.
    void addPiece(Drawn& drawn);

    struct Private;
    std::unique_ptr<Private> d;
    std::vector<std::unique_ptr<Drawn>> m_drawn;
    std::unique_ptr<Drawn> m_shade;
    bool m_built = false;
};

} // namespace fallback::ui
