#include "charts/timechart.h"

#include "charts/chartadapter.h"
#include "charts/chartcolors.h"

#include <QEnterEvent>
#include <QAbstractScrollArea>
#include <QLabel>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace fallback::ui {

struct TimeChart::Series {
    QString name;
    ChartAdapter::SeriesSpec spec;
    bool visible = true;
    bool inLegend = true;
    QList<QPointF> pending; ///< set since the last flush
    bool hasPending = false;
    QList<QPointF> shown;   ///< the values drawn (a band's own values, not summed)
};

TimeChart::TimeChart(const QString& title, QWidget* parent)
    : QWidget(parent), m_title(title), m_adapter(std::make_unique<ChartAdapter>(title, this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_adapter->view());
    // Pointer moves reach the view's viewport, not this widget: watch both.
    m_adapter->view()->installEventFilter(this);
    QWidget* viewport = m_adapter->view();
    if (auto* area = qobject_cast<QAbstractScrollArea*>(m_adapter->view())) {
        viewport = area->viewport();
        viewport->setMouseTracking(true);
        viewport->installEventFilter(this);
    }
    m_markerOverlay = new MarkerOverlay(viewport);
    m_adapter->onPlotAreaChanged([this] { placeMarkers(); });

    m_pausedLabel = new QLabel(this);
    m_pausedLabel->setObjectName(QStringLiteral("pausedLabel"));
    m_pausedLabel->setAttribute(Qt::WA_TransparentForMouseEvents);
    m_pausedLabel->setStyleSheet(QStringLiteral(
        "QLabel { background: rgba(232,163,23,215); color: black; border-radius: 3px;"
        " padding: 1px 6px; font-weight: bold; }"));
    m_pausedLabel->hide();

    m_dark = isDarkPalette(palette());
    m_adapter->applyPalette(palette(), font());
    applyXAxis();
}

TimeChart::~TimeChart() = default;

int TimeChart::indexOf(const QString& name) const
{
    for (std::size_t i = 0; i < m_series.size(); ++i) {
        if (m_series[i]->name == name)
            return int(i);
    }
    return -1;
}

void TimeChart::addLineSeries(const QString& name, const QColor& color, Qt::PenStyle style,
                              qreal width, const QString& legendLabel)
{
    auto series = std::make_unique<Series>();
    series->name = name;
    series->inLegend = legendLabel != QLatin1String("-");
    series->spec = {legendLabel.isEmpty() || !series->inLegend ? name : legendLabel, color, style,
                    width, false};
    m_series.push_back(std::move(series));
    m_needsBuild = true;
}

void TimeChart::addStackedSeries(const QString& name, const QColor& color)
{
    auto series = std::make_unique<Series>();
    series->name = name;
    series->spec = {name, color, Qt::SolidLine, 1.0, true};
    m_series.push_back(std::move(series));
    m_needsBuild = true;
}

void TimeChart::setGapShading(bool enabled, const QString& name)
{
    const QString shadeName = enabled ? (name.isEmpty() ? tr("no data") : name) : QString();
    if (shadeName == m_gapShadeName)
        return;
    m_gapShadeName = shadeName;
    m_needsBuild = true;
    m_dirty = true;
}

void TimeChart::setSeriesVisible(const QString& name, bool visible)
{
    const int index = indexOf(name);
    if (index < 0 || m_series[std::size_t(index)]->visible == visible)
        return;
    Series& series = *m_series[std::size_t(index)];
    series.visible = visible;
    m_dirty = true; // the y range may change
    if (!m_needsBuild)
        m_adapter->setVisible(std::size_t(index), visible, series.inLegend);
}

bool TimeChart::isSeriesVisible(const QString& name) const
{
    const int index = indexOf(name);
    return index >= 0 && m_series[std::size_t(index)]->visible;
}

void TimeChart::setYTitle(const QString& title)
{
    m_adapter->setYTitle(title);
}

void TimeChart::setYLabelFormat(const QString& printfFormat)
{
    m_adapter->setYLabelFormat(printfFormat);
}

void TimeChart::setYMinimumMax(double value)
{
    m_yMinimumMax = value > 0 ? value : 1.0;
    m_dirty = true;
}

void TimeChart::setYLogarithmic(bool on, double floor)
{
    m_yFloor = floor > 0 ? floor : 0.1;
    if (on == m_yLog)
        return;
    m_yLog = on;
    m_adapter->setYLogarithmic(on);
    m_adapter->applyPalette(palette(), font());
    m_logRange = {};
    m_needsBuild = true;
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
    const int index = indexOf(name);
    if (index < 0)
        return;
    Series& series = *m_series[std::size_t(index)];
    series.pending = points;
    series.hasPending = true;
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

void TimeChart::build()
{
    std::vector<ChartAdapter::SeriesSpec> specs;
    for (const auto& series : m_series)
        specs.push_back(series->spec);
    m_adapter->build(specs, m_gapShadeName);
    m_needsBuild = false;
    for (std::size_t i = 0; i < m_series.size(); ++i) {
        const Series& series = *m_series[i];
        m_adapter->setVisible(i, series.visible, series.inLegend);
        if (!series.spec.stacked)
            m_adapter->replace(i, m_yLog ? log10Points(series.shown, m_yFloor) : series.shown);
    }
    restack();
}

void TimeChart::flush()
{
    if (isPaused())
        return;
    if (m_needsBuild)
        build();
    if (m_xDirty)
        applyXAxis();
    if (m_markersDirty) {
        m_markersDirty = false;
        m_markerOverlay->setMarkers(m_pendingMarkers);
        placeMarkers();
    }
    if (!m_dirty)
        return;
    m_dirty = false;
    bool stackChanged = false;
    for (std::size_t i = 0; i < m_series.size(); ++i) {
        Series& series = *m_series[i];
        if (!series.hasPending)
            continue;
        series.shown = std::move(series.pending);
        series.pending = {};
        series.hasPending = false;
        if (series.spec.stacked)
            stackChanged = true;
        else
            m_adapter->replace(i, m_yLog ? log10Points(series.shown, m_yFloor) : series.shown);
    }
    if (stackChanged || !m_gapShadeName.isEmpty())
        restack();
    else
        updateYRange();
}

void TimeChart::restack()
{
    std::vector<std::size_t> bands;
    std::vector<const QList<QPointF>*> values;
    std::vector<bool> visible;
    for (std::size_t i = 0; i < m_series.size(); ++i) {
        if (m_series[i]->spec.stacked) {
            bands.push_back(i);
            values.push_back(&m_series[i]->shown);
            visible.push_back(m_series[i]->visible);
        }
    }
    const StackedBands stack = stackBands(values, visible);
    for (std::size_t b = 0; b < bands.size(); ++b)
        m_adapter->replace(bands[b], stack.uppers[b]);
    updateYRange();
    if (!m_gapShadeName.isEmpty())
        m_adapter->setGapShade(gapOutline(stack.gaps, m_yMax));
}

void TimeChart::updateYRange()
{
    double top = 0.0;
    for (std::size_t i = 0; i < m_series.size(); ++i) {
        const Series& series = *m_series[i];
        if (series.spec.stacked)
            top = std::max(top, maxY(m_adapter->points(i))); // the running sum
        else if (series.visible)
            top = std::max(top, maxY(series.shown));
    }
    if (m_yLog) {
        const LogRange range = logRange(top, m_yFloor, m_yMinimumMax);
        m_yMax = std::pow(10.0, range.top());
        if (range != m_logRange) {
            m_logRange = range;
            m_adapter->setYLog(range.lowDecade, range.top());
        }
        return;
    }
    const auto [max, ticks] = niceLinearRange(std::max(top * 1.08, m_yMinimumMax));
    m_yMax = max;
    m_adapter->setYLinear(max, ticks);
}

void TimeChart::applyXAxis()
{
    m_xDirty = false;
    QList<Tick> ticks = m_ticks;
    if (ticks.isEmpty()) {
        for (int i = 0; i <= 4; ++i) {
            const double x = m_xMin + (m_xMax - m_xMin) * i / 4.0;
            ticks.append({x, QString::number(x, 'g', 4)});
        }
    }
    m_adapter->setXAxis(m_xMin, m_xMax, ticks);
    placeMarkers();
}

void TimeChart::setMarkers(const QList<ChartMarker>& markers)
{
    m_pendingMarkers = markers;
    m_markersDirty = true;
}

void TimeChart::setMarkerLabels(bool visible)
{
    m_markerOverlay->setLabelsVisible(visible);
}

void TimeChart::placeMarkers()
{
    m_markerOverlay->resize(m_markerOverlay->parentWidget()->size());
    m_markerOverlay->setPlot(m_adapter->plotArea(), m_xMin, m_xMax);
    m_markerOverlay->raise();
}

QList<ChartMarker> TimeChart::drawnMarkers() const
{
    return m_markerOverlay->visibleMarkers();
}

double TimeChart::markerPixelX(double x) const
{
    return m_markerOverlay->pixelX(x);
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
    // Entering alone does not pause: a window that opens under a resting
    // pointer (or a kiosk's centred one) would show a chart frozen empty.
    // The first move of the pointer over the chart does (eventFilter).
    QWidget::enterEvent(event);
}

bool TimeChart::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() == QEvent::Resize && watched == m_markerOverlay->parentWidget())
        placeMarkers();
    if (event->type() == QEvent::MouseMove && !m_hoverPaused) {
        const bool was = isPaused();
        m_hoverPaused = true;
        updatePaused(was);
    }
    return QWidget::eventFilter(watched, event);
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
    if (event->type() == QEvent::PaletteChange && isDarkPalette(palette()) != m_dark) {
        m_dark = isDarkPalette(palette());
        m_adapter->applyPalette(palette(), font());
    }
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
    const int index = indexOf(name);
    if (index >= 0)
        return m_adapter->count(std::size_t(index));
    return !name.isEmpty() && name == m_gapShadeName ? int(m_adapter->gapShade().size()) : -1;
}

QList<QPointF> TimeChart::drawnPoints(const QString& name) const
{
    const int index = indexOf(name);
    if (index >= 0)
        return m_adapter->points(std::size_t(index));
    return !name.isEmpty() && name == m_gapShadeName ? m_adapter->gapShade() : QList<QPointF>{};
}

QList<QList<QPointF>> TimeChart::drawnPieces(const QString& name) const
{
    const int index = indexOf(name);
    return index >= 0 ? m_adapter->pieces(std::size_t(index)) : QList<QList<QPointF>>{};
}

int TimeChart::plotWidth() const
{
    const int width = m_adapter->plotWidth();
    // Before the first layout the plot area is empty: guess from the widget.
    return width > 10 ? width : std::max(100, this->width() - 80);
}

bool TimeChart::exportPng(const QString& path)
{
    return grab().save(path, "PNG");
}

bool TimeChart::exportCsv(const QString& path, const QString& xHeader) const
{
    QStringList names;
    std::vector<const QList<QPointF>*> columns;
    for (const auto& series : m_series) {
        names << series->name;
        columns.push_back(&series->shown);
    }
    return writeColumnsCsv(path, xHeader, names, columns);
}

} // namespace fallback::ui
