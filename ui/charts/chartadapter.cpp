#include "charts/chartadapter.h"

#include "charts/chartcolors.h"

#include <QAreaSeries>
#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QEnterEvent>
#include <QFile>
#include <QGraphicsLayout>
#include <QLabel>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QTextStream>
#include <QValueAxis>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace fallback::ui {

struct TimeChart::Series {
    QString name;
    QString label; ///< legend text
    bool stacked = false;
    QColor color;
    Qt::PenStyle style = Qt::SolidLine;
    qreal width = 1.0;
    bool visible = true;
    bool inLegend = true;
    QList<QPointF> pending; ///< set since the last flush
    bool hasPending = false;
    QList<QPointF> shown;   ///< the values drawn (a band's own values, not summed)
    // Qt Charts objects, owned by the chart; null until built.
    QLineSeries* line = nullptr;  ///< the line, or a band's upper edge
    QAreaSeries* area = nullptr;  ///< stacked bands and the gap shade
    QAreaSeries* proxy = nullptr; ///< a band's legend entry (never has points)
};

namespace {

/// A y maximum that makes round ticks: steps of 1, 2 or 5 times a power of ten.
std::pair<double, int> niceRange(double value)
{
    if (!(value > 0) || !std::isfinite(value))
        return {1.0, 5};
    const double raw = value / 5.0;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    const double norm = raw / magnitude;
    const double step = (norm <= 1.0 ? 1.0 : norm <= 2.0 ? 2.0 : norm <= 5.0 ? 5.0 : 10.0) * magnitude;
    const int steps = std::max(1, int(std::ceil(value / step - 1e-9)));
    return {steps * step, steps + 1};
}

void showLegendFor(QChart* chart, QAbstractSeries* series, bool visible)
{
    const QList<QLegendMarker*> markers = chart->legend()->markers(series);
    for (QLegendMarker* marker : markers)
        marker->setVisible(visible);
}

} // namespace

TimeChart::TimeChart(const QString& title, QWidget* parent) : QWidget(parent), m_title(title)
{
    m_chart = new QChart;
    m_chart->setTitle(title);
    m_chart->setAnimationOptions(QChart::NoAnimation);
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    // Room on the right for the last x label ("now"), centred on the edge.
    m_chart->setMargins(QMargins(4, 2, 18, 2));
    m_chart->setBackgroundRoundness(0);
    m_chart->layout()->setContentsMargins(0, 0, 0, 0);

    m_xAxis = new QCategoryAxis;
    m_xAxis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    m_yAxis = new QValueAxis;
    m_yAxis->setLabelFormat(QStringLiteral("%.0f"));
    m_yAxis->setRange(0, 1);
    m_yAxis->setTickCount(5);
    m_chart->addAxis(m_xAxis, Qt::AlignBottom);
    m_chart->addAxis(m_yAxis, Qt::AlignLeft);

    m_view = new QChartView(m_chart, this); // the view owns the chart
    m_view->setRenderHint(QPainter::Antialiasing, true);
    // Every refresh moves every series inside the plot area: repaint the
    // bounding rectangle of what changed (the plot), not the axes, title
    // and legend around it, and without computing an exact region.
    m_view->setViewportUpdateMode(QGraphicsView::BoundingRectViewportUpdate);
    m_view->setOptimizationFlags(QGraphicsView::DontSavePainterState |
                                 QGraphicsView::DontAdjustForAntialiasing);
    m_view->setFrameShape(QFrame::NoFrame);
    m_view->setMinimumHeight(140);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view);

    m_pausedLabel = new QLabel(this);
    m_pausedLabel->setObjectName(QStringLiteral("pausedLabel"));
    m_pausedLabel->setAttribute(Qt::WA_TransparentForMouseEvents);
    m_pausedLabel->setStyleSheet(QStringLiteral(
        "QLabel { background: rgba(232,163,23,215); color: black; border-radius: 3px;"
        " padding: 1px 6px; font-weight: bold; }"));
    m_pausedLabel->hide();

    applyTheme();
    applyXAxis();
}

TimeChart::~TimeChart() = default;

TimeChart::Series* TimeChart::find(const QString& name) const
{
    for (const auto& series : m_series) {
        if (series->name == name)
            return series.get();
    }
    if (m_gapShade && m_gapShade->name == name)
        return m_gapShade.get();
    return nullptr;
}

void TimeChart::addLineSeries(const QString& name, const QColor& color, Qt::PenStyle style,
                              qreal width, const QString& legendLabel)
{
    auto series = std::make_unique<Series>();
    series->name = name;
    series->color = color;
    series->style = style;
    series->width = width;
    series->inLegend = legendLabel != QLatin1String("-");
    series->label = legendLabel.isEmpty() || !series->inLegend ? name : legendLabel;
    m_series.push_back(std::move(series));
    m_needsBuild = true;
}

void TimeChart::addStackedSeries(const QString& name, const QColor& color)
{
    auto series = std::make_unique<Series>();
    series->name = name;
    series->label = name;
    series->stacked = true;
    series->color = color;
    m_series.push_back(std::move(series));
    m_needsBuild = true;
}

void TimeChart::setGapShading(bool enabled, const QString& name)
{
    if (enabled == bool(m_gapShade))
        return;
    destroySeriesObjects();
    if (enabled) {
        m_gapShade = std::make_unique<Series>();
        m_gapShade->name = name.isEmpty() ? tr("no data") : name;
        m_gapShade->label = m_gapShade->name;
    } else {
        m_gapShade.reset();
    }
    m_needsBuild = true;
    m_dirty = true;
}

void TimeChart::destroySeriesObjects()
{
    // removeAllSeries() deletes the series; a band's upper line is a child
    // of its area and goes with it.
    m_chart->removeAllSeries();
    for (const auto& series : m_series)
        series->line = nullptr, series->area = nullptr, series->proxy = nullptr;
    if (m_gapShade)
        m_gapShade->line = nullptr, m_gapShade->area = nullptr;
    m_needsBuild = true;
}

void TimeChart::buildSeriesObjects()
{
    // Qt Charts keeps computing geometry for an area series that was
    // removed from a chart and added again, so the chart is built once, in
    // paint order, and rebuilt from scratch if series are added later.
    destroySeriesObjects();
    const auto makeArea = [](const QString& label) {
        auto* upper = new QLineSeries;
        auto* area = new QAreaSeries(upper);
        upper->setParent(area);
        area->setName(label);
        return area;
    };
    // Each band is filled from the baseline up to its running sum, and the
    // bands are painted top band first, each covering the one below it:
    // a band's polygon then has n + 2 corners instead of 2n, which halves
    // the antialiased edges the rasterizer walks (the costliest part of a
    // refresh). Paint order is the order series are added, and legend
    // order too, so the legend entries are empty proxy bands added first,
    // in stacking order; then the bands from the top down, the gap shade,
    // and the lines.
    std::vector<QAbstractSeries*> order;
    for (const auto& series : m_series) {
        if (!series->stacked)
            continue;
        series->area = makeArea(series->label);
        series->line = series->area->upperSeries();
        series->proxy = makeArea(series->label);
        order.push_back(series->proxy);
    }
    for (auto it = m_series.rbegin(); it != m_series.rend(); ++it) {
        if ((*it)->stacked)
            order.push_back((*it)->area);
    }
    if (m_gapShade) {
        m_gapShade->area = makeArea(m_gapShade->label);
        m_gapShade->line = m_gapShade->area->upperSeries();
        order.push_back(m_gapShade->area);
    }
    for (const auto& series : m_series) {
        if (series->stacked)
            continue;
        series->line = new QLineSeries;
        series->line->setName(series->label);
        order.push_back(series->line);
    }
    for (QAbstractSeries* drawn : order) {
        m_chart->addSeries(drawn);
        drawn->attachAxis(m_xAxis);
        drawn->attachAxis(yAxis());
    }
    for (const auto& series : m_series) {
        styleSeries(*series);
        QAbstractSeries* drawn = series->area ? static_cast<QAbstractSeries*>(series->area)
                                              : static_cast<QAbstractSeries*>(series->line);
        drawn->setVisible(series->visible);
        if (series->area)
            showLegendFor(m_chart, series->area, false);
        showLegendFor(m_chart, series->proxy ? series->proxy : drawn,
                      series->visible && series->inLegend);
        if (!series->stacked)
            series->line->replace(toDrawn(series->shown));
    }
    if (m_gapShade) {
        styleSeries(*m_gapShade);
        showLegendFor(m_chart, m_gapShade->area, false);
    }
    m_needsBuild = false;
    restack();
}

void TimeChart::setSeriesVisible(const QString& name, bool visible)
{
    Series* series = find(name);
    if (!series || series->visible == visible)
        return;
    series->visible = visible;
    m_dirty = true; // the y range may change
    if (m_needsBuild)
        return;
    QAbstractSeries* drawn = series->area ? static_cast<QAbstractSeries*>(series->area)
                                          : static_cast<QAbstractSeries*>(series->line);
    drawn->setVisible(visible);
    showLegendFor(m_chart, series->proxy ? series->proxy : drawn, visible && series->inLegend);
}

bool TimeChart::isSeriesVisible(const QString& name) const
{
    const Series* series = find(name);
    return series && series->visible;
}

QAbstractAxis* TimeChart::yAxis() const
{
    return m_yLogAxis ? static_cast<QAbstractAxis*>(m_yLogAxis)
                      : static_cast<QAbstractAxis*>(m_yAxis);
}

void TimeChart::setYLogarithmic(bool on, double floor)
{
    m_yFloor = floor > 0 ? floor : 0.1;
    if (on == bool(m_yLogAxis))
        return;
    destroySeriesObjects(); // series are attached to the y axis
    QAbstractAxis* old = yAxis();
    m_chart->removeAxis(old);
    if (on) {
        // Qt's log axis drops a whole series on one NaN or zero, and NaN is
        // how a gap is drawn: plot log10 of the value on a linear axis
        // instead, labelled by decade.
        m_yLogAxis = new QCategoryAxis;
        m_yLogAxis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
        m_yLogAxis->setTitleText(m_yAxis->titleText());
        m_chart->addAxis(m_yLogAxis, Qt::AlignLeft);
        m_yAxis->setParent(this); // kept for its settings, off the chart
    } else {
        m_chart->addAxis(m_yAxis, Qt::AlignLeft);
        delete m_yLogAxis;
        m_yLogAxis = nullptr;
    }
    m_logDecades = {0, 0};
    applyTheme();
    m_dirty = true;
}

QList<QPointF> TimeChart::toDrawn(const QList<QPointF>& values) const
{
    if (!m_yLogAxis)
        return values;
    QList<QPointF> drawn;
    drawn.reserve(values.size());
    for (const QPointF& p : values)
        drawn.append(QPointF(p.x(), std::isnan(p.y()) ? p.y() : std::log10(std::max(p.y(), m_yFloor))));
    return drawn;
}

void TimeChart::setYTitle(const QString& title)
{
    m_yAxis->setTitleText(title);
    if (m_yLogAxis)
        m_yLogAxis->setTitleText(title);
}

void TimeChart::setYLabelFormat(const QString& printfFormat)
{
    m_yAxis->setLabelFormat(printfFormat);
}

void TimeChart::setYMinimumMax(double value)
{
    m_yMinimumMax = value > 0 ? value : 1.0;
    m_dirty = true;
}

void TimeChart::setXRange(double min, double max, const QList<Tick>& ticks)
{
    if (!(max > min))
        max = min + 1;
    if (min == m_xMin && max == m_xMax && ticks == m_ticks)
        return;
    m_xMin = min;
    m_xMax = max;
    m_ticks = ticks;
    m_xDirty = true;
}

void TimeChart::setSeriesData(const QString& name, const QList<QPointF>& points)
{
    Series* series = find(name);
    if (!series || series == m_gapShade.get())
        return;
    series->pending = points;
    series->hasPending = true;
    m_dirty = true;
}

void TimeChart::clearData()
{
    for (const auto& series : m_series) {
        series->pending.clear();
        series->hasPending = true;
    }
    m_dirty = true;
}

void TimeChart::flush()
{
    if (isPaused())
        return;
    if (m_needsBuild)
        buildSeriesObjects();
    if (m_xDirty)
        applyXAxis();
    if (!m_dirty)
        return;
    m_dirty = false;
    bool stackChanged = false;
    for (const auto& series : m_series) {
        if (!series->hasPending)
            continue;
        series->shown = std::move(series->pending);
        series->pending = {};
        series->hasPending = false;
        if (series->stacked)
            stackChanged = true;
        else
            series->line->replace(toDrawn(series->shown));
    }
    if (stackChanged || m_gapShade)
        restack();
    else
        updateYRange();
}

void TimeChart::restack()
{
    if (m_needsBuild)
        return;
    // Bands share x values; a band with fewer points (or none yet) counts
    // as zero where it has none.
    std::vector<Series*> bands;
    qsizetype count = 0;
    const QList<QPointF>* xs = nullptr;
    for (const auto& series : m_series) {
        if (!series->stacked)
            continue;
        bands.push_back(series.get());
        if (series->shown.size() > count) {
            count = series->shown.size();
            xs = &series->shown;
        }
    }
    std::vector<bool> gap(static_cast<std::size_t>(count), false);
    for (const Series* band : bands) {
        for (qsizetype i = 0; i < band->shown.size(); ++i) {
            if (std::isnan(band->shown[i].y()))
                gap[std::size_t(i)] = true;
        }
    }
    std::vector<double> running(static_cast<std::size_t>(count), 0.0);
    QList<QPointF> upper;
    for (Series* band : bands) {
        upper.clear();
        upper.reserve(count + 2);
        for (qsizetype i = 0; i < count; ++i) {
            if (!gap[std::size_t(i)]) {
                const double y = i < band->shown.size() ? band->shown[i].y() : 0.0;
                if (band->visible)
                    running[std::size_t(i)] += y;
                upper.append(QPointF((*xs)[i].x(), running[std::size_t(i)]));
                continue;
            }
            // A run of gaps: the stack drops straight down at the last
            // point with data and rises straight up at the next one, rather
            // than sloping into a zero that was never measured.
            qsizetype j = i;
            while (j + 1 < count && gap[std::size_t(j + 1)])
                ++j;
            upper.append(QPointF((*xs)[i > 0 ? i - 1 : i].x(), 0.0));
            upper.append(QPointF((*xs)[j + 1 < count ? j + 1 : j].x(), 0.0));
            i = j;
        }
        band->line->replace(upper);
    }
    updateYRange();

    if (!m_gapShade)
        return;
    // The hatched band spans each run of gaps, half a point either side.
    QList<QPointF> shade;
    const double half = count > 1 ? ((*xs)[1].x() - (*xs)[0].x()) / 2.0 : 0.5;
    for (qsizetype i = 0; i < count; ++i) {
        if (!gap[std::size_t(i)])
            continue;
        qsizetype j = i;
        while (j + 1 < count && gap[std::size_t(j + 1)])
            ++j;
        const double a = (*xs)[i].x() - half, b = (*xs)[j].x() + half;
        shade << QPointF(a, 0) << QPointF(a, m_yMax) << QPointF(b, m_yMax) << QPointF(b, 0);
        i = j;
    }
    showLegendFor(m_chart, m_gapShade->area, !shade.isEmpty());
    m_gapShade->line->replace(shade);
}

void TimeChart::updateYRange()
{
    double top = 0.0;
    const auto consider = [&top](const QList<QPointF>& points) {
        for (const QPointF& p : points) {
            if (p.y() > top) // false for NaN
                top = p.y();
        }
    };
    QLineSeries* stackTop = nullptr;
    for (const auto& series : m_series) {
        if (series->stacked)
            stackTop = series->line;
        else if (series->visible)
            consider(series->shown);
    }
    if (stackTop)
        consider(stackTop->points());
    if (m_yLogAxis) {
        // Whole decades from the floor to just above the largest value.
        // From the floor's decade to a little above the largest value,
        // rounded up to a third of a decade so that noise does not move it;
        // a label on every whole decade.
        const int low = int(std::floor(std::log10(m_yFloor)));
        const double top3 = std::ceil(
            3.0 * std::log10(std::max(top * 1.2, std::max(m_yMinimumMax, m_yFloor * 10))));
        const int high = std::max(3 * (low + 1), int(top3)); // in thirds of a decade
        m_yMax = std::pow(10.0, high / 3.0);
        if (m_logDecades == std::pair<int, int>{low, high})
            return;
        m_logDecades = {low, high};
        for (const QString& label : m_yLogAxis->categoriesLabels())
            m_yLogAxis->remove(label);
        m_yLogAxis->setStartValue(low - 1e-6);
        for (int d = low; 3 * d <= high; ++d)
            m_yLogAxis->append(QString::number(std::pow(10.0, d), 'g', 12), d);
        m_yLogAxis->setRange(low, high / 3.0);
        return;
    }
    const auto [max, ticks] = niceRange(std::max(top * 1.08, m_yMinimumMax));
    m_yMax = max;
    if (m_yAxis->max() != max || m_yAxis->min() != 0.0)
        m_yAxis->setRange(0.0, max);
    if (m_yAxis->tickCount() != ticks)
        m_yAxis->setTickCount(ticks);
}

void TimeChart::applyXAxis()
{
    m_xDirty = false;
    const QStringList old = m_xAxis->categoriesLabels();
    for (const QString& label : old)
        m_xAxis->remove(label);
    QList<Tick> ticks = m_ticks;
    if (ticks.isEmpty()) {
        for (int i = 0; i <= 4; ++i) {
            const double x = m_xMin + (m_xMax - m_xMin) * i / 4.0;
            ticks.append({x, QString::number(x, 'g', 4)});
        }
    }
    // A category ends at its tick; starting just left of the range lets the
    // first tick sit on the left edge and still get its label.
    const double epsilon = (m_xMax - m_xMin) * 1e-6;
    m_xAxis->setStartValue(m_xMin - epsilon);
    double previous = m_xMin - epsilon;
    for (const Tick& tick : ticks) {
        if (tick.first <= previous || tick.first > m_xMax + epsilon)
            continue;
        m_xAxis->append(tick.second, tick.first);
        previous = tick.first;
    }
    m_xAxis->setRange(m_xMin, m_xMax);
}

void TimeChart::setPaused(bool paused)
{
    if (m_userPaused == paused)
        return;
    const bool was = isPaused();
    m_userPaused = paused;
    updatePaused(was);
}

void TimeChart::enterEvent(QEnterEvent* event)
{
    const bool was = isPaused();
    m_hoverPaused = true;
    updatePaused(was);
    QWidget::enterEvent(event);
}

void TimeChart::leaveEvent(QEvent* event)
{
    const bool was = isPaused();
    m_hoverPaused = false;
    updatePaused(was);
    QWidget::leaveEvent(event);
}

void TimeChart::updatePaused(bool wasPaused)
{
    m_pausedLabel->setText(m_userPaused ? tr("Paused") : tr("Paused while the pointer is here"));
    m_pausedLabel->adjustSize();
    placePausedLabel();
    m_pausedLabel->setVisible(isPaused());
    m_pausedLabel->raise();
    if (wasPaused == isPaused())
        return;
    if (!isPaused())
        flush(); // catch up with what arrived meanwhile
    emit pausedChanged(isPaused());
}

void TimeChart::placePausedLabel()
{
    m_pausedLabel->move(width() - m_pausedLabel->width() - 12, 6);
}

void TimeChart::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    placePausedLabel();
}

void TimeChart::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && isDarkPalette(palette()) != m_dark)
        applyTheme();
}

void TimeChart::applyTheme()
{
    m_dark = isDarkPalette(palette());
    // A theme resets series colours and fonts: set ours again after it.
    m_chart->setTheme(m_dark ? QChart::ChartThemeDark : QChart::ChartThemeLight);
    m_chart->setBackgroundRoundness(0);
    m_chart->setBackgroundBrush(palette().color(QPalette::Base));
    QFont titleFont = font();
    titleFont.setBold(true);
    m_chart->setTitleFont(titleFont);
    m_chart->setTitleBrush(palette().color(QPalette::Text));
    QFont small = font();
    small.setPointSizeF(std::max(7.0, small.pointSizeF() - 1.0));
    m_chart->legend()->setFont(small);
    m_chart->legend()->setLabelColor(palette().color(QPalette::Text));
    for (QAbstractAxis* axis : {static_cast<QAbstractAxis*>(m_xAxis), yAxis()}) {
        axis->setLabelsFont(small);
        axis->setTitleFont(small);
    }
    m_view->setBackgroundBrush(palette().color(QPalette::Base));
    for (const auto& series : m_series)
        styleSeries(*series);
    if (m_gapShade)
        styleSeries(*m_gapShade);
}

void TimeChart::styleSeries(Series& series) const
{
    if (!series.line)
        return; // not built yet: styled when it is
    if (&series == m_gapShade.get()) {
        const QColor hatch = m_dark ? QColor(0x9a9a9a) : QColor(0x8c8c8c);
        series.area->setBrush(QBrush(hatch, Qt::BDiagPattern));
        series.area->setPen(Qt::NoPen);
        return;
    }
    if (series.area) {
        // Opaque fills: blending is what costs when every band covers the
        // ones below it.
        const QPen edge(series.color.darker(125), 1.0);
        for (QAreaSeries* area : {series.area, series.proxy}) {
            if (area) {
                area->setBrush(series.color);
                area->setPen(edge);
            }
        }
        return;
    }
    QPen pen(series.color, series.width, series.style);
    pen.setCapStyle(Qt::FlatCap);
    series.line->setPen(pen);
}

QStringList TimeChart::seriesNames() const
{
    QStringList names;
    for (const auto& series : m_series)
        names << series->name;
    return names;
}

int TimeChart::pointCount(const QString& name) const
{
    const Series* series = find(name);
    if (!series)
        return -1;
    return series->line ? int(series->line->count()) : 0;
}

QList<QPointF> TimeChart::drawnPoints(const QString& name) const
{
    const Series* series = find(name);
    return series && series->line ? series->line->points() : QList<QPointF>{};
}

int TimeChart::plotWidth() const
{
    const int width = int(m_chart->plotArea().width());
    // Before the first layout the plot area is empty: guess from the widget.
    return width > 10 ? width : std::max(100, this->width() - 80);
}

bool TimeChart::exportPng(const QString& path)
{
    return grab().save(path, "PNG");
}

bool TimeChart::exportCsv(const QString& path, const QString& xHeader) const
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text))
        return false;
    const std::size_t columns = m_series.size();
    std::map<double, std::vector<double>> rows;
    for (std::size_t c = 0; c < columns; ++c) {
        for (const QPointF& p : m_series[c]->shown) {
            auto it = rows.find(p.x());
            if (it == rows.end())
                it = rows.emplace(p.x(), std::vector<double>(columns,
                                                            std::numeric_limits<double>::quiet_NaN()))
                         .first;
            it->second[c] = p.y();
        }
    }
    QTextStream out(&file);
    out << xHeader;
    for (const auto& series : m_series)
        out << ',' << series->name;
    out << '\n';
    for (const auto& [x, values] : rows) {
        out << QString::number(x, 'g', 12);
        for (double v : values) {
            out << ',';
            if (!std::isnan(v))
                out << QString::number(v, 'g', 10);
        }
        out << '\n';
    }
    out.flush();
    return file.error() == QFileDevice::NoError;
}

} // namespace fallback::ui
