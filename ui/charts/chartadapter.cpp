#include "charts/chartadapter.h"

#include "charts/chartcolors.h"
#include "charts/chartmath.h"

#include <QAreaSeries>
#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QGraphicsLayout>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace fallback::ui {

struct ChartAdapter::Private {
    QChart* chart = nullptr;
    QChartView* view = nullptr;
    QCategoryAxis* x = nullptr;
    QValueAxis* y = nullptr;
    QCategoryAxis* yLog = nullptr; ///< set: y values are log10, labelled by decade
    bool dark = false;

    QAbstractAxis* yAxis() const
    {
        return yLog ? static_cast<QAbstractAxis*>(yLog) : static_cast<QAbstractAxis*>(y);
    }
    void showLegend(QAbstractSeries* series, bool visible) const
    {
        const QList<QLegendMarker*> markers = chart->legend()->markers(series);
        for (QLegendMarker* marker : markers)
            marker->setVisible(visible);
    }
    void attach(QAbstractSeries* series) const
    {
        chart->addSeries(series);
        series->attachAxis(x);
        series->attachAxis(yAxis());
    }
};

struct ChartAdapter::Drawn {
    SeriesSpec spec;
    QLineSeries* line = nullptr;  ///< a line's first piece (in the legend), or a band's upper edge
    QAreaSeries* area = nullptr;  ///< a band, or the gap shade
    QAreaSeries* proxy = nullptr; ///< a band's legend entry (never has points)
    std::vector<QLineSeries*> more; ///< a line's further pieces, owned by the chart
    std::size_t moreUsed = 0;       ///< how many of `more` hold points
    QList<QPointF> given;           ///< a line's points as given, NaN and all
};

namespace {

QAreaSeries* makeArea(const QString& label)
{
    auto* upper = new QLineSeries;
    auto* area = new QAreaSeries(upper); // does not own its edge: parent it
    upper->setParent(area);
    area->setName(label);
    return area;
}

void replaceCategories(QCategoryAxis* axis, double start,
                       const QList<ChartAdapter::Tick>& ticks, double end)
{
    const QStringList old = axis->categoriesLabels();
    for (const QString& label : old)
        axis->remove(label);
    // A category ends at its tick; starting just before the range lets the
    // first tick sit on the edge and still get its label.
    const double epsilon = std::max(1e-9, (end - start) * 1e-6);
    axis->setStartValue(start - epsilon);
    double previous = start - epsilon;
    for (const ChartAdapter::Tick& tick : ticks) {
        if (tick.first <= previous || tick.first > end + epsilon)
            continue;
        axis->append(tick.second, tick.first);
        previous = tick.first;
    }
    axis->setRange(start, end);
}

} // namespace

ChartAdapter::ChartAdapter(const QString& title, QWidget* parent) : d(std::make_unique<Private>())
{
    d->chart = new QChart;
    d->chart->setTitle(title);
    d->chart->setAnimationOptions(QChart::NoAnimation);
    d->chart->legend()->setAlignment(Qt::AlignBottom);
    // Room on the right for the last x label ("now"), centred on the edge.
    d->chart->setMargins(QMargins(4, 2, 18, 2));
    d->chart->layout()->setContentsMargins(0, 0, 0, 0);

    d->x = new QCategoryAxis;
    d->x->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    d->y = new QValueAxis;
    d->y->setLabelFormat(QStringLiteral("%g"));
    d->y->setRange(0, 1);
    d->chart->addAxis(d->x, Qt::AlignBottom);
    d->chart->addAxis(d->y, Qt::AlignLeft);

    d->view = new QChartView(d->chart, parent); // the view owns the chart
    d->view->setRenderHint(QPainter::Antialiasing, true);
    // Every refresh moves every series inside the plot area: repaint the
    // bounding rectangle of what changed (the plot), not the axes, title
    // and legend around it, and without computing an exact region.
    d->view->setViewportUpdateMode(QGraphicsView::BoundingRectViewportUpdate);
    d->view->setOptimizationFlags(QGraphicsView::DontSavePainterState |
                                  QGraphicsView::DontAdjustForAntialiasing);
    d->view->setFrameShape(QFrame::NoFrame);
    d->view->setMinimumHeight(140);
}

ChartAdapter::~ChartAdapter() = default; // the view, a child of the parent, owns the chart

QWidget* ChartAdapter::view() const
{
    return d->view;
}

void ChartAdapter::clear()
{
    // removeAllSeries() deletes the series, edges go with their areas.
    d->chart->removeAllSeries();
    m_drawn.clear();
    m_shade.reset();
    m_built = false;
}

void ChartAdapter::build(const std::vector<SeriesSpec>& specs, const QString& gapShadeLabel)
{
    // Qt Charts keeps computing geometry for an area series that was
    // removed from a chart and added again: build once, in paint order,
    // and from scratch if the series change.
    clear();
    for (const SeriesSpec& spec : specs) {
        auto drawn = std::make_unique<Drawn>();
        drawn->spec = spec;
        m_drawn.push_back(std::move(drawn));
    }
    // Bands are filled from the baseline up to their running sum and painted
    // top band first, each covering the one below: a band's polygon has
    // n + 2 corners instead of 2n, which halves the antialiased edges the
    // rasterizer walks, the costliest part of a refresh. Paint order is the
    // order series are added, and so is legend order: the legend entries
    // are empty proxy bands added first, in stacking order; then the bands
    // from the top down, the gap shade, and the lines.
    for (const auto& drawn : m_drawn) {
        if (!drawn->spec.stacked)
            continue;
        drawn->area = makeArea(drawn->spec.label);
        drawn->line = drawn->area->upperSeries();
        drawn->proxy = makeArea(drawn->spec.label);
        d->attach(drawn->proxy);
    }
    for (auto it = m_drawn.rbegin(); it != m_drawn.rend(); ++it) {
        if ((*it)->spec.stacked) {
            d->attach((*it)->area);
            d->showLegend((*it)->area, false);
        }
    }
    if (!gapShadeLabel.isEmpty()) {
        m_shade = std::make_unique<Drawn>();
        m_shade->area = makeArea(gapShadeLabel);
        m_shade->line = m_shade->area->upperSeries();
        d->attach(m_shade->area);
        d->showLegend(m_shade->area, false);
        style(*m_shade);
    }
    for (const auto& drawn : m_drawn) {
        if (!drawn->spec.stacked) {
            drawn->line = new QLineSeries;
            drawn->line->setName(drawn->spec.label);
            d->attach(drawn->line);
        }
        style(*drawn);
    }
    m_built = true;
}

void ChartAdapter::replace(std::size_t index, const QList<QPointF>& points)
{
    if (index >= m_drawn.size() || !m_drawn[index]->line)
        return;
    Drawn& drawn = *m_drawn[index];
    if (drawn.area) {
        drawn.line->replace(points); // a band: stackBands() leaves no gap in it
        return;
    }
    drawn.given = points;
    const std::vector<std::pair<qsizetype, qsizetype>> runs = finiteRuns(points);
    const auto piece = [&points](const std::pair<qsizetype, qsizetype>& run) {
        return run.first == 0 && run.second == points.size()
                   ? points // no gap: shared, not copied
                   : points.mid(run.first, run.second - run.first);
    };
    drawn.line->replace(runs.empty() ? QList<QPointF>{} : piece(runs.front()));
    const std::size_t used = runs.empty() ? 0 : runs.size() - 1;
    for (std::size_t k = 0; k < used; ++k) {
        if (k == drawn.more.size())
            addPiece(drawn);
        drawn.more[k]->replace(piece(runs[k + 1]));
    }
    for (std::size_t k = used; k < drawn.moreUsed; ++k)
        drawn.more[k]->clear();
    drawn.moreUsed = used;
}

void ChartAdapter::addPiece(Drawn& drawn)
{
    auto* piece = new QLineSeries;
    piece->setName(drawn.spec.label);
    d->attach(piece); // the chart owns it from here
    piece->setVisible(drawn.line->isVisible());
    d->showLegend(piece, false);
    drawn.more.push_back(piece);
    style(drawn); // after attach: adding a series applies the theme's pen
}

int ChartAdapter::count(std::size_t index) const
{
    return int(points(index).size());
}

QList<QPointF> ChartAdapter::points(std::size_t index) const
{
    if (index >= m_drawn.size() || !m_drawn[index]->line)
        return {};
    const Drawn& drawn = *m_drawn[index];
    return drawn.area ? drawn.line->points() : drawn.given;
}

QList<QList<QPointF>> ChartAdapter::pieces(std::size_t index) const
{
    QList<QList<QPointF>> out;
    if (index >= m_drawn.size() || !m_drawn[index]->line)
        return out;
    const Drawn& drawn = *m_drawn[index];
    if (drawn.line->count() > 0 || drawn.area)
        out.append(drawn.line->points());
    for (std::size_t k = 0; k < drawn.moreUsed; ++k)
        out.append(drawn.more[k]->points());
    return out;
}

void ChartAdapter::setVisible(std::size_t index, bool visible, bool inLegend)
{
    if (index >= m_drawn.size() || !m_drawn[index]->line)
        return;
    Drawn& drawn = *m_drawn[index];
    QAbstractSeries* series = drawn.area ? static_cast<QAbstractSeries*>(drawn.area)
                                         : static_cast<QAbstractSeries*>(drawn.line);
    series->setVisible(visible);
    d->showLegend(drawn.proxy ? drawn.proxy : series, visible && inLegend);
    for (QLineSeries* piece : drawn.more) {
        piece->setVisible(visible);
        d->showLegend(piece, false);
    }
}

void ChartAdapter::setGapShade(const QList<QPointF>& outline)
{
    if (!m_shade)
        return;
    m_shade->line->replace(outline);
    d->showLegend(m_shade->area, !outline.isEmpty());
}

QList<QPointF> ChartAdapter::gapShade() const
{
    return m_shade ? m_shade->line->points() : QList<QPointF>{};
}

void ChartAdapter::setXAxis(double min, double max, const QList<Tick>& ticks)
{
    replaceCategories(d->x, min, ticks, max);
}

void ChartAdapter::setYLogarithmic(bool on)
{
    if (on == bool(d->yLog))
        return;
    clear(); // series are attached to the y axis
    QAbstractAxis* old = d->yAxis();
    d->chart->removeAxis(old);
    if (on) {
        // Qt's QLogValueAxis drops a whole series on one NaN or zero, and
        // NaN is how a gap is drawn: TimeChart plots log10 of the values on
        // this linear axis instead, labelled by decade.
        d->yLog = new QCategoryAxis;
        d->yLog->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
        d->yLog->setTitleText(d->y->titleText());
        d->chart->addAxis(d->yLog, Qt::AlignLeft);
        d->y->setParent(d->view); // kept for its settings, off the chart
    } else {
        delete d->yLog;
        d->yLog = nullptr;
        d->chart->addAxis(d->y, Qt::AlignLeft);
    }
}

void ChartAdapter::setYLinear(double max, int tickCount)
{
    if (d->y->max() != max || d->y->min() != 0.0)
        d->y->setRange(0.0, max);
    if (d->y->tickCount() != tickCount)
        d->y->setTickCount(tickCount);
}

void ChartAdapter::setYLog(int lowDecade, double top)
{
    if (!d->yLog)
        return;
    QList<Tick> ticks;
    for (int decade = lowDecade; decade <= top; ++decade)
        ticks.append({double(decade), QString::number(std::pow(10.0, decade), 'g', 12)});
    replaceCategories(d->yLog, lowDecade, ticks, top);
}

void ChartAdapter::setYLabelFormat(const QString& printfFormat)
{
    d->y->setLabelFormat(printfFormat);
}

void ChartAdapter::setYTitle(const QString& title)
{
    d->y->setTitleText(title);
    if (d->yLog)
        d->yLog->setTitleText(title);
}

void ChartAdapter::applyPalette(const QPalette& palette, const QFont& font)
{
    d->dark = isDarkPalette(palette);
    // A theme resets series colours and fonts: set ours again after it.
    d->chart->setTheme(d->dark ? QChart::ChartThemeDark : QChart::ChartThemeLight);
    d->chart->setBackgroundRoundness(0);
    d->chart->setBackgroundBrush(palette.color(QPalette::Base));
    QFont titleFont = font;
    titleFont.setBold(true);
    d->chart->setTitleFont(titleFont);
    d->chart->setTitleBrush(palette.color(QPalette::Text));
    QFont small = font;
    small.setPointSizeF(std::max(7.0, small.pointSizeF() - 1.0));
    d->chart->legend()->setFont(small);
    d->chart->legend()->setLabelColor(palette.color(QPalette::Text));
    for (QAbstractAxis* axis : {static_cast<QAbstractAxis*>(d->x), d->yAxis()}) {
        axis->setLabelsFont(small);
        axis->setTitleFont(small);
    }
    d->view->setBackgroundBrush(palette.color(QPalette::Base));
    for (const auto& drawn : m_drawn) {
        style(*drawn);
        for (QLineSeries* piece : drawn->more)
            d->showLegend(piece, false);
    }
    if (m_shade)
        style(*m_shade);
}

void ChartAdapter::style(Drawn& drawn) const
{
    if (!drawn.line)
        return; // not built yet: styled when it is
    if (&drawn == m_shade.get()) {
        const QColor hatch = d->dark ? QColor(0x9a9a9a) : QColor(0x8c8c8c);
        drawn.area->setBrush(QBrush(hatch, Qt::BDiagPattern));
        drawn.area->setPen(Qt::NoPen);
        return;
    }
    if (drawn.area) {
        // Opaque fills: blending is what costs when every band covers the
        // ones below it.
        const QPen edge(drawn.spec.color.darker(125), 1.0);
        for (QAreaSeries* area : {drawn.area, drawn.proxy}) {
            area->setBrush(drawn.spec.color);
            area->setPen(edge);
        }
        return;
    }
    // Up to 1 px wide, lines take the raster engine's fast path.
    QPen pen(drawn.spec.color, drawn.spec.width, drawn.spec.style);
    pen.setCapStyle(Qt::FlatCap);
    drawn.line->setPen(pen);
    for (QLineSeries* piece : drawn.more)
        piece->setPen(pen);
}

int ChartAdapter::plotWidth() const
{
    return int(d->chart->plotArea().width());
}

QRectF ChartAdapter::plotArea() const
{
    const QRectF inScene = d->chart->mapToScene(d->chart->plotArea()).boundingRect();
    return d->view->viewportTransform().mapRect(inScene);
}

void ChartAdapter::onPlotAreaChanged(std::function<void()> listener)
{
    QObject::connect(d->chart, &QChart::plotAreaChanged, d->view,
                     [listener = std::move(listener)](const QRectF&) { listener(); });
}

} // namespace fallback::ui
