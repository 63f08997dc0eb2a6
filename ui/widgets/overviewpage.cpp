#include "widgets/overviewpage.h"

#include "charts/timechart.h"
#include "charts/chartcolors.h"
#include "widgets/livestatusbar.h"
#include "widgets/tiercard.h"
#include "widgets/tiertext.h"
#include "workspaces/liveworkspace.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QStackedWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace fallback::ui {

namespace {

const QString kRequests = QStringLiteral("requests");
constexpr int kPixelsPerPoint = 4;
constexpr int kMaxPoints = 240;
const QString kLatency = QStringLiteral("latency");
const QString kOrigin = QStringLiteral("origin");

QString staleSeries()
{
    return OverviewPage::tr("stale (any tier)");
}

/// What each chart draws, by chart and series name.
struct ChartLine {
    QString chart;
    QString series;
    Metric metric;
};

const std::vector<ChartLine>& chartLines()
{
    static const std::vector<ChartLine> lines = [] {
        std::vector<ChartLine> out;
        for (TierId tier : kAllTiers)
            out.push_back({kRequests, tierText(tier), Metric::servedBy(servedByTier(tier))});
        out.push_back({kRequests, QStringLiteral("failed"), Metric::servedBy(ServedBy::Failed)});
        out.push_back({kRequests, staleSeries(), Metric::staleServed()});
        for (TierId tier : kAllTiers) {
            out.push_back(
                {kLatency, tierText(tier) + QStringLiteral(" p50"), Metric::tierP50(tier)});
            out.push_back(
                {kLatency, tierText(tier) + QStringLiteral(" p99"), Metric::tierP99(tier)});
        }
        out.push_back({kOrigin, QStringLiteral("origin fetches"), Metric::originFetches()});
        out.push_back({kOrigin, QStringLiteral("coalesced"), Metric::coalesced()});
        out.push_back({kOrigin, QStringLiteral("revalidations"), Metric::revalidations()});
        return out;
    }();
    return lines;
}

/// x ticks for a window, x being seconds relative to the last second.
QList<TimeChart::Tick> ticksFor(int window)
{
    const int step = window <= 60 ? 10 : window <= 300 ? 60 : window <= 900 ? 180 : 600;
    const QChar minus(0x2212);
    QList<TimeChart::Tick> ticks;
    for (int s = -window; s < 0; s += step) {
        const int ago = -s;
        const QString label = ago < 60 || ago % 60 != 0
                                  ? QString(minus + QString::number(ago) + QLatin1Char('s'))
                              : ago == 3600 ? QString(minus + QStringLiteral("1h"))
                                            : QString(minus + QString::number(ago / 60) + QLatin1Char('m'));
        ticks.append({double(s), label});
    }
    ticks.append({0.0, OverviewPage::tr("now")});
    return ticks;
}

} // namespace

OverviewPage::OverviewPage(QWidget* parent) : QWidget(parent)
{
    // --- tool row -------------------------------------------------------------
    m_windowBox = new QComboBox(this);
    m_windowBox->setObjectName(QStringLiteral("windowBox"));
    m_windowBox->addItem(tr("Last minute"), 60);
    m_windowBox->addItem(tr("Last 5 minutes"), 300);
    m_windowBox->addItem(tr("Last 15 minutes"), 900);
    m_windowBox->addItem(tr("Last hour"), 3600);
    m_windowBox->setCurrentIndex(1);
    connect(m_windowBox, &QComboBox::currentIndexChanged, this,
            [this](int index) { setWindowSeconds(m_windowBox->itemData(index).toInt()); });

    m_pauseButton = new QToolButton(this);
    m_pauseButton->setObjectName(QStringLiteral("pauseButton"));
    m_pauseButton->setCheckable(true);
    m_pauseButton->setText(tr("Pause"));
    m_pauseButton->setToolTip(tr("Freeze the charts; the cards keep updating. "
                                 "Hovering over a chart also freezes it."));
    connect(m_pauseButton, &QToolButton::toggled, this, &OverviewPage::setPaused);

    auto* pngButton = new QToolButton(this);
    pngButton->setText(tr("Export PNG\u2026"));
    connect(pngButton, &QToolButton::clicked, this, &OverviewPage::exportPngInteractive);
    auto* csvButton = new QToolButton(this);
    csvButton->setText(tr("Export CSV\u2026"));
    connect(csvButton, &QToolButton::clicked, this, &OverviewPage::exportCsvInteractive);

    m_liveBar = new LiveStatusBar(this); // live workspaces only
    m_liveBar->setObjectName(QStringLiteral("liveStatusBar"));
    m_liveBar->hide();

    // Top-aligned: the live bar grows a line for queued invalidations and
    // one for the purge limit, and the buttons stay level with its first.
    auto* tools = new QHBoxLayout;
    tools->addWidget(m_windowBox, 0, Qt::AlignTop);
    tools->addWidget(m_pauseButton, 0, Qt::AlignTop);
    tools->addSpacing(12);
    tools->addWidget(m_liveBar);
    tools->addStretch(1);
    tools->addWidget(pngButton, 0, Qt::AlignTop);
    tools->addWidget(csvButton, 0, Qt::AlignTop);

    // --- cards --------------------------------------------------------------
    auto* cards = new QHBoxLayout;
    cards->setSpacing(8);
    for (TierId tier : kAllTiers) {
        auto* card = new TierCard(tier, this);
        m_cards[std::size_t(tierIndex(tier))] = card;
        cards->addWidget(card, 1);
    }

    // --- charts -------------------------------------------------------------
    const bool dark = isDarkPalette(palette());
    m_requests = new TimeChart(tr("Reads served per second by tier \u2014 stale serves charted apart"));
    for (TierId tier : kAllTiers)
        m_requests->addStackedSeries(tierText(tier), tierColor(tier, dark));
    m_requests->addStackedSeries(QStringLiteral("failed"), failedColor(dark));
    m_requests->addLineSeries(staleSeries(), staleColor(dark), Qt::SolidLine, 2.0);
    m_requests->setYMinimumMax(5);
    m_requests->setYLabelFormat(QStringLiteral("%g"));

    m_latency = new TimeChart(tr("Latency per tier, ms (log scale) \u2014 p50 solid, p99 dashed"));
    for (TierId tier : kAllTiers) {
        m_latency->addLineSeries(tierText(tier) + QStringLiteral(" p50"), tierColor(tier, dark),
                                 Qt::SolidLine, 1.0, tierText(tier));
        m_latency->addLineSeries(tierText(tier) + QStringLiteral(" p99"), tierColor(tier, dark),
                                 Qt::DashLine, 1.0, QStringLiteral("-"));
    }
    // Tiers sit decades apart (a client cache in 0.4 ms, an origin in 200):
    // only a log scale shows them all.
    m_latency->setYLogarithmic(true, 0.1);

    m_origin = new TimeChart(tr("Origin load per second"));
    m_origin->addLineSeries(QStringLiteral("origin fetches"), tierColor(TierId::Origin, dark),
                            Qt::SolidLine, 1.0);
    m_origin->addLineSeries(QStringLiteral("coalesced"), coalescedColor(dark), Qt::SolidLine, 1.0);
    m_origin->addLineSeries(QStringLiteral("revalidations"), revalidationColor(dark),
                            Qt::DashLine, 1.0);
    m_origin->setYMinimumMax(5);
    m_origin->setYLabelFormat(QStringLiteral("%g"));
    // The requests chart names the marks; the two below only draw them.
    m_latency->setMarkerLabels(false);
    m_origin->setMarkerLabels(false);

    for (TimeChart* chart : {m_requests, m_latency, m_origin}) {
        connect(chart, &TimeChart::pausedChanged, this, [this](bool paused) {
            if (!paused)
                refreshNow(); // catch up at once
        });
    }

    auto* charts = new QWidget(this);
    auto* chartsLayout = new QVBoxLayout(charts);
    chartsLayout->setContentsMargins(0, 0, 0, 0);
    chartsLayout->setSpacing(6);
    chartsLayout->addWidget(m_requests, 5);
    auto* lower = new QHBoxLayout;
    lower->setSpacing(6);
    lower->addWidget(m_latency, 1);
    lower->addWidget(m_origin, 1);
    chartsLayout->addLayout(lower, 4);

    m_emptyLabel = new QLabel(this);
    m_emptyLabel->setAlignment(Qt::AlignCenter);
    m_emptyLabel->setWordWrap(true);
    m_emptyLabel->setForegroundRole(QPalette::PlaceholderText);

    m_stack = new QStackedWidget(this);
    m_stack->addWidget(m_emptyLabel);
    m_stack->addWidget(charts);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 6, 8, 8);
    layout->setSpacing(6);
    layout->addLayout(tools);
    layout->addLayout(cards);
    layout->addWidget(m_stack, 1);

    m_refreshTimer.setSingleShot(true);
    connect(&m_refreshTimer, &QTimer::timeout, this, &OverviewPage::refreshNow);

    applyWindowRange();
    setWorkspace(nullptr);
}

OverviewPage::~OverviewPage() = default;

void OverviewPage::setWorkspace(Workspace* workspace)
{
    if (m_connection)
        disconnect(m_connection);
    if (m_activityConnection)
        disconnect(m_activityConnection);
    m_workspace = workspace;
    m_history.clear();
    m_marks.clear();
    ++m_dataVersion;
    m_latest.reset();
    m_enabled = {};
    for (TimeChart* chart : {m_requests, m_latency, m_origin})
        chart->clearData();
    for (TierCard* card : m_cards)
        card->clear();

    m_live = workspace && workspace->kind() == Workspace::Kind::Live;
    m_liveBar->setWorkspace(qobject_cast<LiveWorkspace*>(workspace));
    m_liveBar->setVisible(m_live);
    setPaused(isPaused()); // the button's words differ live
    // Live: a missing second is a missed poll, not an idle second.
    m_history.setMissingSeconds(m_live ? SeriesHistory::MissingSeconds::Gap
                                       : SeriesHistory::MissingSeconds::Zero);
    m_requests->setGapShading(m_live);
    m_emptyLabel->setText(workspace ? tr("No data yet: the charts fill in once the first second of "
                                         "traffic has been counted.")
                                    : tr("No workspace selected."));
    if (workspace) {
        m_connection = connect(workspace, &Workspace::snapshotUpdated, this,
                               &OverviewPage::onSnapshot);
        m_activityConnection =
            connect(workspace, &Workspace::activity, this, &OverviewPage::onActivity);
        if (SnapshotPtr current = workspace->snapshot())
            onSnapshot(current);
    }
    refreshNow();
}

void OverviewPage::onSnapshot(const SnapshotPtr& snapshot)
{
    if (!snapshot)
        return;
    if (snapshot->seriesReset) {
        m_history.clear();
        if (!m_live)
            m_marks.clear(); // a reset run starts a new timeline; a node's is the wall clock
    }
    m_history.append(snapshot->newPoints);
    if (snapshot->seriesReset || !snapshot->newPoints.empty())
        ++m_dataVersion;
    m_latest = snapshot;
    scheduleRefresh();
}

QList<ChartMarker> OverviewPage::markers(const QString& chart) const
{
    const TimeChart* c = this->chart(chart);
    return c ? c->drawnMarkers() : QList<ChartMarker>{};
}

void OverviewPage::scheduleRefresh()
{
    if (!isVisible() || m_refreshTimer.isActive())
        return;
    const qint64 since = m_sinceRefresh.isValid() ? m_sinceRefresh.elapsed() : kMinRefreshMs;
    m_refreshTimer.start(int(std::max<qint64>(0, kMinRefreshMs - since)));
}

void OverviewPage::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    scheduleRefresh();
}

void OverviewPage::refreshNow()
{
    m_refreshTimer.stop();
    m_sinceRefresh.start();
    ++m_refreshCount;
    refreshCards();
    refreshCharts();
}

std::int64_t OverviewPage::edgeSecond() const
{
    std::int64_t edge = m_history.isEmpty() ? 0 : m_history.lastSecond();
    // Local: points come only for closed seconds, and the stats bucket of
    // the second before `now` may still be open, so a second after the last
    // point is not known to be idle yet - drawing it as zero would show a
    // false drop at the edge. The last second with data is the edge.
    if (!m_live)
        return edge;
    // Live: the current second is still open, the last complete one is
    // now - 1; a second up to it without an answer is a gap.
    if (m_latest && m_latest->now > 0)
        edge = std::max(edge, m_latest->now / kMicrosPerSecond - 1);
    return edge;
}

void OverviewPage::refreshCards()
{
    if (!m_latest)
        return;
    const std::int64_t edge = edgeSecond();
    const SeriesHistory::Window trend{edge - 119, edge, 120, 0.0, 1.0};
    for (TierId tier : kAllTiers) {
        const auto t = std::size_t(tierIndex(tier));
        m_cards[t]->setView(m_latest->tiers[t]);
        if (m_history.isEmpty()) {
            m_cards[t]->setTrend({});
            continue;
        }
        const Metric metric = tier == TierId::Origin        ? Metric::tierLookups(tier)
                              : tier == TierId::ClientCache ? Metric::tierServedShare(tier)
                                                            : Metric::tierHitRate(tier);
        const QList<QPointF> points = m_history.extract(metric, trend);
        QList<double> values;
        values.reserve(points.size());
        for (const QPointF& p : points)
            values.append(p.y());
        m_cards[t]->setTrend(std::move(values));
    }
}

void OverviewPage::refreshCharts()
{
    const bool empty = m_history.isEmpty();
    m_stack->setCurrentIndex(empty ? 0 : 1);
    if (empty)
        return;
    if (m_latest) {
        for (TierId tier : kAllTiers) {
            const auto t = std::size_t(tierIndex(tier));
            m_enabled[t] = m_latest->tiers[t].enabled;
            m_latency->setSeriesVisible(tierText(tier) + QStringLiteral(" p50"), m_enabled[t]);
            m_latency->setSeriesVisible(tierText(tier) + QStringLiteral(" p99"), m_enabled[t]);
        }
    }
    const std::int64_t edge = edgeSecond();
    const QList<ChartMarker> markers = markersAt(edge);
    const std::pair<const QString&, TimeChart*> charts[] = {
        {kRequests, m_requests}, {kLatency, m_latency}, {kOrigin, m_origin}};
    for (std::size_t c = 0; c < std::size(charts); ++c) {
        const auto& [key, chart] = charts[c];
        if (chart->isPaused())
            continue; // resuming refreshes again
        SeriesHistory::Window window;
        window.from = edge - m_windowSeconds + 1;
        window.to = edge;
        // A point per few pixels: more would be drawn over each other, and
        // the cost of a refresh grows with the points (bench_overview).
        window.maxPoints = std::clamp(chart->plotWidth() / kPixelsPerPoint, 60, kMaxPoints);
        window.xOrigin = double(edge);
        // Snapshots come ten times a second, seconds once a second (at 1x):
        // most refreshes have nothing new to draw.
        const DrawnKey drawn{m_dataVersion, edge, m_windowSeconds, window.maxPoints};
        if (drawn != m_drawn[c]) {
            m_drawn[c] = drawn;
            for (const ChartLine& line : chartLines()) {
                if (line.chart == key)
                    chart->setSeriesData(line.series, m_history.extract(line.metric, window));
            }
        }
        chart->setMarkers(markers);
        chart->flush(); // cheap when nothing was set
    }
}

void OverviewPage::applyWindowRange()
{
    const QList<TimeChart::Tick> ticks = ticksFor(m_windowSeconds);
    for (TimeChart* chart : {m_requests, m_latency, m_origin})
        chart->setXRange(-double(m_windowSeconds), 0.0, ticks);
}

void OverviewPage::setWindowSeconds(int seconds)
{
    seconds = std::clamp(seconds, 10, int(m_history.capacity()));
    if (seconds == m_windowSeconds)
        return;
    m_windowSeconds = seconds;
    const int index = m_windowBox->findData(seconds);
    if (index >= 0 && index != m_windowBox->currentIndex())
        m_windowBox->setCurrentIndex(index);
    applyWindowRange();
    refreshNow();
}

void OverviewPage::setPaused(bool paused)
{
    if (m_pauseButton->isChecked() != paused)
        m_pauseButton->setChecked(paused); // comes back here through toggled()
    // Live, "Pause" beside "Pause polling" would be ambiguous.
    m_pauseButton->setText(m_live ? (paused ? tr("Unfreeze charts") : tr("Freeze charts"))
                                  : (paused ? tr("Resume") : tr("Pause")));
    for (TimeChart* chart : {m_requests, m_latency, m_origin})
        chart->setPaused(paused);
}

bool OverviewPage::isPaused() const
{
    return m_pauseButton->isChecked();
}

TimeChart* OverviewPage::chart(const QString& name) const
{
    if (name == kRequests)
        return m_requests;
    if (name == kLatency)
        return m_latency;
    if (name == kOrigin)
        return m_origin;
    return nullptr;
}

int OverviewPage::seriesPointCount(const QString& chart, const QString& series) const
{
    const TimeChart* c = this->chart(chart);
    return c ? c->pointCount(series) : -1;
}

QList<QPointF> OverviewPage::seriesPoints(const QString& chart, const QString& series) const
{
    const TimeChart* c = this->chart(chart);
    return c ? c->drawnPoints(series) : QList<QPointF>{};
}

bool OverviewPage::isShowingEmptyState() const
{
    return m_stack->currentIndex() == 0;
}

} // namespace fallback::ui
