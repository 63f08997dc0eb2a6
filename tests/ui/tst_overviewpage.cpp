#include "fakeworkspace.h"

#include "charts/timechart.h"
#include "widgets/overviewpage.h"
#include "widgets/sparkline.h"
#include "widgets/tiercard.h"

#include <QAbstractScrollArea>
#include <QEnterEvent>
#include <QMouseEvent>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace fallback;
using namespace fallback::ui;
using fallback::ui::test::FakeWorkspace;

namespace {

/// Served by edge_cache, edge_kv, origin, client_cache, failed per second.
constexpr std::array<std::uint64_t, kServedByCount> kServed{50, 20, 10, 5, 3};

SeriesPoint makePoint(std::int64_t second, std::uint64_t edgeServed = kServed[0])
{
    SeriesPoint p;
    p.second = second;
    for (int i = 0; i < kServedByCount; ++i)
        p.requests.servedBy[i] = i == 0 ? edgeServed : kServed[std::size_t(i)];
    p.requests.requests = edgeServed + 38;
    p.requests.staleServed = 7;
    p.requests.failed = kServed[4];
    p.requests.originFetches = 12;
    p.requests.coalesced = 4;
    p.requests.revalidations = 2;
    for (int t = 0; t < kTierCount; ++t) {
        p.tiers[std::size_t(t)].lookups = 100;
        p.tiers[std::size_t(t)].hits = 80;
        p.tiers[std::size_t(t)].staleHits = 5;
        p.tierP50Ms[std::size_t(t)] = float(1 + t * 10);
        p.tierP99Ms[std::size_t(t)] = float(5 + t * 40);
    }
    p.p50Ms = 2;
    p.p99Ms = 30;
    return p;
}

/// A snapshot carrying seconds [from, to) as new points, "now" just after.
WorkspaceSnapshot makeSnapshot(std::int64_t from, std::int64_t to, std::uint64_t edgeServed = 50,
                               bool reset = false)
{
    WorkspaceSnapshot s;
    s.now = to * kMicrosPerSecond + 500 * kMicrosPerMilli;
    for (int t = 0; t < kTierCount; ++t) {
        TierView& view = s.tiers[std::size_t(t)];
        view.enabled = true;
        view.counters.lookups = 1000;
        view.counters.hits = 900;
        view.counters.staleHits = 50;
        view.counters.errors = 10;
        view.latency.p50 = 1.5;
        view.latency.p99 = 12;
        view.usage.entries = 4242;
    }
    for (std::int64_t second = from; second < to; ++second)
        s.newPoints.push_back(makePoint(second, edgeServed));
    s.seriesReset = reset;
    return s;
}

} // namespace

class TestOverviewPage : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<OverviewPage> m_page;
    std::unique_ptr<FakeWorkspace> m_workspace;

    /// Attaches a fake workspace. A one-minute window draws one point per
    /// second (longer ones are downsampled to the chart's pixel width).
    void attach(Workspace::Kind kind = Workspace::Kind::Local, int window = 60)
    {
        m_workspace = std::make_unique<FakeWorkspace>(kind);
        m_page->setWorkspace(m_workspace.get());
        m_page->setWindowSeconds(window);
    }

private slots:
    void init()
    {
        m_page = std::make_unique<OverviewPage>();
        m_page->resize(1280, 800);
        m_page->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
    }

    void cleanup()
    {
        m_page.reset();
        m_workspace.reset();
    }

    void emptyStateUntilData()
    {
        QVERIFY(m_page->isShowingEmptyState());
        attach();
        QVERIFY(m_page->isShowingEmptyState());
        m_workspace->push(makeSnapshot(0, 0));
        QTRY_VERIFY(m_page->refreshCount() >= 2);
        QVERIFY(m_page->isShowingEmptyState());
        m_workspace->push(makeSnapshot(0, 30));
        QTRY_VERIFY(!m_page->isShowingEmptyState());
    }

    void seriesFilled()
    {
        QCOMPARE(m_page->windowSeconds(), 300); // the default
        attach();
        m_workspace->push(makeSnapshot(0, 120));
        QTRY_VERIFY(m_page->seriesPointCount(QStringLiteral("requests"), QStringLiteral("edge_cache")) > 0);
        for (const QString& chartName :
             {QStringLiteral("requests"), QStringLiteral("latency"), QStringLiteral("origin")}) {
            const TimeChart* chart = m_page->chart(chartName);
            QVERIFY(chart);
            for (const QString& series : chart->seriesNames())
                QVERIFY2(m_page->seriesPointCount(chartName, series) > 0,
                         qPrintable(QString(chartName + QLatin1Char('/') + series)));
        }
        QCOMPARE(m_page->seriesPointCount(QStringLiteral("nope"), QStringLiteral("edge_cache")), -1);
        QCOMPARE(m_page->seriesPointCount(QStringLiteral("requests"), QStringLiteral("nope")), -1);
        // x is in seconds before the last complete one.
        const TimeChart* requests = m_page->chart(QStringLiteral("requests"));
        QCOMPARE(requests->xMin(), -60.0);
        QCOMPARE(requests->xMax(), 0.0);
        QCOMPARE(m_page->seriesPoints(QStringLiteral("requests"), QStringLiteral("edge_cache")).back().x(), 0.0);
        // The cards show the totals.
        QCOMPARE(m_page->tierCard(TierId::EdgeCache)->hitRateText(), QStringLiteral("90.0 %"));
        QCOMPARE(m_page->tierCard(TierId::EdgeCache)->status(), TierCard::Status::Healthy);
        QVERIFY(!m_page->tierCard(TierId::EdgeKv)->sparkline()->values().isEmpty());
        // Fresh hits only for a cache; what the client cache served, stale
        // included, for the last resort (all it serves is stale).
        QCOMPARE(m_page->tierCard(TierId::EdgeKv)->hitRateText(), QStringLiteral("90.0 %"));
        QCOMPARE(m_page->tierCard(TierId::ClientCache)->hitRateText(), QStringLiteral("95.0 %"));
        QCOMPARE(m_page->tierCard(TierId::EdgeCache)->sparkline()->values().back(), 0.80);
        QCOMPARE(m_page->tierCard(TierId::ClientCache)->sparkline()->values().back(), 0.85);
    }

    void stackedSeriesSum()
    {
        attach();
        m_workspace->push(makeSnapshot(0, 200));
        QTRY_VERIFY(m_page->seriesPointCount(QStringLiteral("requests"), QStringLiteral("failed")) > 0);
        const QStringList bands{QStringLiteral("edge_cache"), QStringLiteral("edge_kv"),
                                QStringLiteral("origin"), QStringLiteral("client_cache"),
                                QStringLiteral("failed")};
        double expected = 0;
        for (int b = 0; b < bands.size(); ++b) {
            expected += double(kServed[std::size_t(b)]);
            const QList<QPointF> upper = m_page->seriesPoints(QStringLiteral("requests"), bands[b]);
            QCOMPARE(upper.size(), 60);
            for (const QPointF& p : upper)
                QCOMPARE(p.y(), expected);
        }
        // Stale serves are their own series, not summed into the stack.
        const QList<QPointF> stale =
            m_page->seriesPoints(QStringLiteral("requests"), QStringLiteral("stale (any tier)"));
        QVERIFY(!stale.isEmpty());
        for (const QPointF& p : stale)
            QCOMPARE(p.y(), 7.0);
        QVERIFY(m_page->chart(QStringLiteral("requests"))->yMax() >= expected);
    }

    void pauseStopsUpdatesResumeCatchesUp()
    {
        attach();
        m_workspace->push(makeSnapshot(0, 60, 50));
        QTRY_VERIFY(m_page->seriesPointCount(QStringLiteral("requests"), QStringLiteral("edge_cache")) == 60);
        const QList<QPointF> before =
            m_page->seriesPoints(QStringLiteral("requests"), QStringLiteral("edge_cache"));

        QSignalSpy paused(m_page->chart(QStringLiteral("requests")), &TimeChart::pausedChanged);
        m_page->setPaused(true);
        QVERIFY(m_page->isPaused());
        QCOMPARE(paused.count(), 1);
        QVERIFY(m_page->chart(QStringLiteral("latency"))->isUserPaused());
        const int refreshes = m_page->refreshCount();
        m_workspace->push(makeSnapshot(60, 90, 100));
        QTRY_VERIFY(m_page->refreshCount() > refreshes);
        QCOMPARE(m_page->seriesPoints(QStringLiteral("requests"), QStringLiteral("edge_cache")), before);
        QCOMPARE(m_page->history().lastSecond(), std::int64_t(89)); // history kept filling

        m_page->setPaused(false);
        QCOMPARE(paused.count(), 2);
        const QList<QPointF> after =
            m_page->seriesPoints(QStringLiteral("requests"), QStringLiteral("edge_cache"));
        QCOMPARE(after.size(), 60);
        QCOMPARE(after.back().y(), 100.0);
    }

    void hoverPausesChart()
    {
        attach();
        m_workspace->push(makeSnapshot(0, 60, 50));
        QTRY_VERIFY(!m_page->isShowingEmptyState());
        TimeChart* chart = m_page->chart(QStringLiteral("requests"));
        const QList<QPointF> before = chart->drawnPoints(QStringLiteral("edge_cache"));
        const QPointF inside(20, 20);
        QEnterEvent enter(inside, inside, chart->mapToGlobal(inside));
        QCoreApplication::sendEvent(chart, &enter);
        QVERIFY(!chart->isHoverPaused()); // a resting pointer does not freeze the chart
        auto* view = chart->findChild<QAbstractScrollArea*>();
        QVERIFY(view);
        QMouseEvent move(QEvent::MouseMove, inside, view->viewport()->mapToGlobal(inside), Qt::NoButton,
                         Qt::NoButton, Qt::NoModifier);
        QCoreApplication::sendEvent(view->viewport(), &move);
        QVERIFY(chart->isHoverPaused());
        QVERIFY(!m_page->chart(QStringLiteral("origin"))->isPaused()); // only the one hovered
        auto* label = chart->findChild<QLabel*>(QStringLiteral("pausedLabel"));
        QVERIFY(label && label->isVisible());
        const int refreshes = m_page->refreshCount();
        m_workspace->push(makeSnapshot(60, 70, 100));
        QTRY_VERIFY(m_page->refreshCount() > refreshes);
        QCOMPARE(chart->drawnPoints(QStringLiteral("edge_cache")), before);
        QEvent leave(QEvent::Leave);
        QCoreApplication::sendEvent(chart, &leave);
        QVERIFY(!chart->isPaused());
        QVERIFY(!label->isVisible());
        QCOMPARE(chart->drawnPoints(QStringLiteral("edge_cache")).back().y(), 100.0);
    }

    void refreshIsThrottled()
    {
        attach();
        const int start = m_page->refreshCount();
        for (int i = 0; i < 50; ++i)
            m_workspace->push(makeSnapshot(i, i + 1));
        // Fifty snapshots in one go make one redraw, not fifty.
        QTRY_VERIFY(m_page->refreshCount() > start);
        QVERIFY(m_page->refreshCount() - start <= 2);
        QCOMPARE(m_page->seriesPointCount(QStringLiteral("requests"), QStringLiteral("edge_cache")), 50);
    }

    void windowSelector()
    {
        attach();
        m_workspace->push(makeSnapshot(0, 2000));
        QTRY_VERIFY(!m_page->isShowingEmptyState());
        m_page->setWindowSeconds(60);
        QCOMPARE(m_page->chart(QStringLiteral("latency"))->xMin(), -60.0);
        QCOMPARE(m_page->seriesPointCount(QStringLiteral("requests"), QStringLiteral("edge_cache")), 60);
        m_page->setWindowSeconds(3600);
        const int points = m_page->seriesPointCount(QStringLiteral("requests"), QStringLiteral("edge_cache"));
        QVERIFY(points > 0 && points <= 600);
        QCOMPARE(m_page->history().size(), std::size_t(2000));
    }

    void liveGapsAreGaps()
    {
        attach(Workspace::Kind::Live);
        WorkspaceSnapshot s = makeSnapshot(0, 60);
        s.newPoints.erase(s.newPoints.begin() + 20, s.newPoints.begin() + 30); // no answer for 10 s
        m_workspace->push(std::move(s));
        QTRY_VERIFY(!m_page->isShowingEmptyState());
        // Seconds 20-29 are x -39 to -30: the stack drops out there, going
        // straight down at x -40 and up at x -29.
        const QList<QPointF> top = m_page->seriesPoints(QStringLiteral("requests"), QStringLiteral("failed"));
        QCOMPARE(top.size(), 50 + 2);
        int zeros = 0;
        for (const QPointF& p : top) {
            QVERIFY(p.x() < -39 || p.x() > -30);
            if (p.y() == 0.0) {
                ++zeros;
                QVERIFY(p.x() == -40.0 || p.x() == -29.0);
            }
        }
        QCOMPARE(zeros, 2);
        QVERIFY(m_page->seriesPointCount(QStringLiteral("requests"), QStringLiteral("no data")) > 0);
        const TimeChart* latency = m_page->chart(QStringLiteral("latency"));
        QVERIFY(std::isnan(latency->drawnPoints(QStringLiteral("edge_kv p50"))[25].y()));
        QVERIFY(!std::isnan(latency->drawnPoints(QStringLiteral("edge_kv p50"))[10].y()));
    }

    void localRightEdgeIsTheLastSecondWithData()
    {
        // A local run's "now" runs ahead of its counted seconds: the bucket
        // of the second before now may still be open. The right edge is the
        // last second with data, not a second invented as zero.
        attach(Workspace::Kind::Local);
        WorkspaceSnapshot s = makeSnapshot(0, 100);
        s.now = (99 + 2) * kMicrosPerSecond + 500 * kMicrosPerMilli; // 2 s past the last point
        m_workspace->push(std::move(s));
        QTRY_VERIFY(!m_page->isShowingEmptyState());
        m_page->refreshNow();
        const QList<QPointF> top =
            m_page->seriesPoints(QStringLiteral("requests"), QStringLiteral("failed"));
        QCOMPARE(top.size(), 60);
        QCOMPARE(top.back().x(), 0.0); // x 0 is second 99, the last with data
        QCOMPARE(top.back().y(), 88.0); // 50 + 20 + 10 + 5 + 3: no drop to zero
        for (const QPointF& p : top)
            QCOMPARE(p.y(), 88.0);
        const QList<QPointF> fetches =
            m_page->seriesPoints(QStringLiteral("origin"), QStringLiteral("origin fetches"));
        QCOMPARE(fetches.back(), QPointF(0.0, 12.0));
    }

    void liveRightEdgeIsNowMinusOne()
    {
        // Live: a second without an answer up to now - 1 is a gap, drawn as one.
        attach(Workspace::Kind::Live);
        WorkspaceSnapshot s = makeSnapshot(0, 100);
        s.now = (99 + 2) * kMicrosPerSecond + 500 * kMicrosPerMilli;
        m_workspace->push(std::move(s));
        QTRY_VERIFY(!m_page->isShowingEmptyState());
        m_page->refreshNow();
        const QList<QPointF> fetches =
            m_page->seriesPoints(QStringLiteral("origin"), QStringLiteral("origin fetches"));
        QCOMPARE(fetches.size(), 60);
        QCOMPARE(fetches.back().x(), 0.0); // second 100
        QVERIFY(std::isnan(fetches.back().y()));
        QCOMPARE(fetches[58], QPointF(-1.0, 12.0));
    }

    void linesAreNeverDrawnAcrossGaps()
    {
        // The client cache is looked up only during an outage (seconds
        // 20-39 of 60): before and after, its latency lines have no value.
        // Qt Charts draws a dashed line with a NaN first point from the plot
        // area's corner, and joins the points either side of an inner NaN:
        // it must be handed only the pieces between gaps.
        attach(Workspace::Kind::Live);
        WorkspaceSnapshot s = makeSnapshot(0, 60);
        for (SeriesPoint& p : s.newPoints) {
            if (p.second < 20 || p.second >= 40)
                p.tiers[3].lookups = 0;
        }
        s.newPoints.erase(s.newPoints.begin() + 28, s.newPoints.begin() + 31); // no answer for 3 s
        m_workspace->push(std::move(s));
        QTRY_VERIFY(!m_page->isShowingEmptyState());
        m_page->refreshNow();
        const TimeChart* latency = m_page->chart(QStringLiteral("latency"));
        QVERIFY(latency->isYLogarithmic());
        for (const QString& name : {QStringLiteral("client_cache p50"), QStringLiteral("client_cache p99")}) {
            const QList<QPointF> points = latency->drawnPoints(name);
            QCOMPARE(points.size(), 60); // the gaps are still there, as NaN
            QVERIFY(std::isnan(points.front().y()));
            QVERIFY(std::isnan(points.back().y()));
            // Seconds 20-27 and 31-39 are x -39 to -32 and -28 to -20.
            const QList<QList<QPointF>> pieces = latency->drawnPieces(name);
            QCOMPARE(pieces.size(), 2);
            QCOMPARE(pieces[0].front().x(), -39.0);
            QCOMPARE(pieces[0].back().x(), -32.0);
            QCOMPARE(pieces[1].front().x(), -28.0);
            QCOMPARE(pieces[1].back().x(), -20.0);
            for (const QList<QPointF>& piece : pieces) {
                for (const QPointF& p : piece)
                    QVERIFY(std::isfinite(p.x()) && std::isfinite(p.y()));
            }
        }
        QCOMPARE(latency->drawnPieces(QStringLiteral("client_cache p99"))[0].front().y(),
                 std::log10(125.0)); // 5 + 3 * 40 ms, log scale
        // Every other line of every chart is cut at the missing seconds too.
        for (const QString& chartName : {QStringLiteral("latency"), QStringLiteral("origin")}) {
            const TimeChart* chart = m_page->chart(chartName);
            for (const QString& name : chart->seriesNames()) {
                if (name.startsWith(QStringLiteral("client_cache")))
                    continue;
                const QList<QList<QPointF>> pieces = chart->drawnPieces(name);
                QVERIFY2(pieces.size() == 2, qPrintable(name));
                QCOMPARE(pieces[0].back().x(), -32.0);
                QCOMPARE(pieces[1].front().x(), -28.0);
            }
        }
        const QList<QList<QPointF>> stale = m_page->chart(QStringLiteral("requests"))
                                                ->drawnPieces(QStringLiteral("stale (any tier)"));
        QCOMPARE(stale.size(), 2);

        // The gap closes: the spare piece is emptied, the line is whole again.
        m_page->setWorkspace(nullptr);
        attach(Workspace::Kind::Live);
        m_workspace->push(makeSnapshot(0, 60));
        QTRY_VERIFY(!m_page->isShowingEmptyState());
        m_page->refreshNow();
        const QList<QList<QPointF>> whole =
            m_page->chart(QStringLiteral("latency"))->drawnPieces(QStringLiteral("client_cache p99"));
        QCOMPARE(whole.size(), 1);
        QCOMPARE(whole[0].size(), 60);
    }

    void cardsFollowFaultsAndDisabledTiers()
    {
        attach();
        WorkspaceSnapshot s = makeSnapshot(0, 10);
        s.tiers[1].faults.down = true;
        s.tiers[3].enabled = false;
        m_workspace->push(std::move(s));
        QTRY_COMPARE(m_page->tierCard(TierId::EdgeKv)->status(), TierCard::Status::Fault);
        QCOMPARE(m_page->tierCard(TierId::EdgeKv)->statusText(), QStringLiteral("down"));
        QCOMPARE(m_page->tierCard(TierId::ClientCache)->status(), TierCard::Status::Disabled);
        const TimeChart* latency = m_page->chart(QStringLiteral("latency"));
        QVERIFY(!latency->isSeriesVisible(QStringLiteral("client_cache p99")));
        QVERIFY(latency->isSeriesVisible(QStringLiteral("edge_kv p99")));
    }

    void resetAndDetach()
    {
        attach();
        m_workspace->push(makeSnapshot(0, 100));
        QTRY_COMPARE(m_page->history().size(), std::size_t(100));
        m_workspace->push(makeSnapshot(0, 5, 50, true));
        QCOMPARE(m_page->history().size(), std::size_t(5));
        m_page->setWorkspace(nullptr);
        QVERIFY(m_page->isShowingEmptyState());
        QCOMPARE(m_page->tierCard(TierId::Origin)->status(), TierCard::Status::NoData);
        m_workspace->push(makeSnapshot(5, 50));
        QVERIFY(m_page->history().isEmpty());
    }

    void exportPng()
    {
        attach();
        m_workspace->push(makeSnapshot(0, 300));
        QTRY_VERIFY(!m_page->isShowingEmptyState());
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("overview.png"));
        QVERIFY(m_page->exportPng(path));
        QVERIFY(QFile(path).size() > 1000);
        QImage image(path);
        QVERIFY(!image.isNull());
        QCOMPARE(image.size(), m_page->size() * m_page->devicePixelRatio());
        QVERIFY(!m_page->exportPng(dir.filePath(QStringLiteral("missing/dir/x.png"))));
        const QString chartPath = dir.filePath(QStringLiteral("chart.png"));
        QVERIFY(m_page->chart(QStringLiteral("requests"))->exportPng(chartPath));
        QVERIFY(!QImage(chartPath).isNull());
    }

    void exportCsv()
    {
        attach(Workspace::Kind::Local, 300);
        m_workspace->push(makeSnapshot(0, 100));
        QTRY_VERIFY(!m_page->isShowingEmptyState());
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("overview.csv"));
        QVERIFY(m_page->exportCsv(path));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly | QIODevice::Text));
        const QStringList lines =
            QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        // Header, then one row per second held (never downsampled, nothing
        // invented before the first second).
        QCOMPARE(lines.size(), 101);
        QVERIFY(lines[0].startsWith(QStringLiteral("second,served_edge_cache,served_edge_kv")));
        const QStringList header = lines[0].split(QLatin1Char(','));
        const QStringList first = lines[1].split(QLatin1Char(','));
        QCOMPARE(first.size(), header.size());
        QCOMPARE(first[0], QStringLiteral("0"));
        QCOMPARE(first[1], QStringLiteral("50"));
        QCOMPARE(first[header.indexOf(QStringLiteral("stale_served"))], QStringLiteral("7"));
        QCOMPARE(first[header.indexOf(QStringLiteral("edge_kv_p99_ms"))], QStringLiteral("45"));
        QCOMPARE(lines.back().section(QLatin1Char(','), 0, 0), QStringLiteral("99"));

        // One chart: what it draws, bands as their own values.
        const QString chartPath = dir.filePath(QStringLiteral("requests.csv"));
        QVERIFY(m_page->chart(QStringLiteral("requests"))
                    ->exportCsv(chartPath, QStringLiteral("seconds")));
        QFile chartFile(chartPath);
        QVERIFY(chartFile.open(QIODevice::ReadOnly | QIODevice::Text));
        const QStringList chartLines =
            QString::fromUtf8(chartFile.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(chartLines.size(),
                 1 + m_page->seriesPointCount(QStringLiteral("requests"), QStringLiteral("failed")));
        QVERIFY(chartLines[0].startsWith(
            QStringLiteral("seconds,edge_cache,edge_kv,origin,client_cache,failed,stale")));
        QCOMPARE(chartLines[1].section(QLatin1Char(','), 1), QStringLiteral("50,20,10,5,3,7"));
    }
};

QTEST_MAIN(TestOverviewPage)
#include "tst_overviewpage.moc"
