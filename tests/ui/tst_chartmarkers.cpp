// The Overview's marks of what a workspace did (purges, bumps, policy
// changes as lines; faults as spans), from the chart's overlay up to the
// bundled demo: MarkerOverlay's clipping and pixel mapping, TimeChart
// holding markers back while paused, OverviewPage turning activity records
// into markers on its x axis, and a local run of the demo scenario marking
// its origin outage and its purge where they happened.
#include "fakeworkspace.h"

#include "charts/markeroverlay.h"
#include "charts/timechart.h"
#include "sim/scenarioloader.h"
#include "widgets/overviewpage.h"
#include "workspaces/localworkspace.h"

#include <QSignalSpy>
#include <QtTest>

#include <cmath>

using namespace fallback;
using namespace fallback::ui;
using fallback::ui::test::FakeWorkspace;

namespace {

ChartMarker moment(double x, const char* label)
{
    ChartMarker marker;
    marker.x = x;
    marker.label = QString::fromLatin1(label);
    marker.color = Qt::black;
    return marker;
}

ChartMarker span(double from, double until, const char* label)
{
    ChartMarker marker = moment(from, label);
    marker.until = until;
    return marker;
}

QStringList labels(const QList<ChartMarker>& markers)
{
    QStringList list;
    for (const ChartMarker& marker : markers)
        list << marker.label;
    return list;
}

/// Seconds [from, to) with a read each, "now" at `to`.
WorkspaceSnapshot seconds(std::int64_t from, std::int64_t to, bool reset = false)
{
    WorkspaceSnapshot snapshot;
    snapshot.now = to * kMicrosPerSecond;
    for (std::int64_t second = from; second < to; ++second) {
        SeriesPoint point;
        point.second = second;
        point.requests.requests = 1;
        snapshot.newPoints.push_back(point);
    }
    snapshot.seriesReset = reset;
    return snapshot;
}

ActivityRecord done(const char* action, const char* target, const char* result, Micros at,
                    Micros until = -1, bool ok = true)
{
    ActivityRecord record;
    record.action = QString::fromLatin1(action);
    record.target = QString::fromLatin1(target);
    record.result = QString::fromUtf8(result);
    record.ok = ok;
    record.at = at;
    record.until = until;
    return record;
}

} // namespace

class TestChartMarkers : public QObject {
    Q_OBJECT

private slots:
    void overlayClipsToTheRange();
    void overlayMapsXToPixels();
    void chartHoldsMarkersWhilePaused();
    void pageMarksActivityOnItsAxis();
    void liveMarksOutliveTheNodesRestart();
    void demoMarksItsOutageAndPurge();
};

void TestChartMarkers::overlayClipsToTheRange()
{
    QWidget parent;
    MarkerOverlay overlay(&parent);
    overlay.setPlot(QRectF(0, 0, 100, 50), -60, 0);
    overlay.setMarkers({moment(-70, "before"), moment(-30, "inside"),
                        span(-90, -50, "ending inside"), span(-10, 20, "starting inside"),
                        span(-100, -61, "over"), moment(5, "after")});
    const QList<ChartMarker> visible = overlay.visibleMarkers();
    QCOMPARE(labels(visible),
             (QStringList{QStringLiteral("inside"), QStringLiteral("ending inside"),
                          QStringLiteral("starting inside")}));
    QCOMPARE(visible[1].x, -60.0); // clipped to the range
    QCOMPARE(visible[1].until, -50.0);
    QCOMPARE(visible[2].until, 0.0);
    QVERIFY(!visible[0].isSpan());
}

void TestChartMarkers::overlayMapsXToPixels()
{
    QWidget parent;
    MarkerOverlay overlay(&parent);
    overlay.setPlot(QRectF(40, 10, 600, 200), -300, 0);
    QCOMPARE(overlay.pixelX(-300), 40.0);
    QCOMPARE(overlay.pixelX(0), 640.0);
    QCOMPARE(overlay.pixelX(-150), 340.0);
}

void TestChartMarkers::chartHoldsMarkersWhilePaused()
{
    TimeChart chart(QStringLiteral("t"));
    chart.addLineSeries(QStringLiteral("a"), Qt::blue);
    chart.resize(640, 300);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    chart.setXRange(-60, 0);
    chart.setMarkers({moment(-30, "purge product")});
    chart.flush();
    QCOMPARE(labels(chart.drawnMarkers()), QStringList{QStringLiteral("purge product")});
    // The overlay lines up with the chart's own plot area.
    QTRY_VERIFY(chart.plotWidth() > 0);
    QTRY_COMPARE(qRound(chart.markerPixelX(0) - chart.markerPixelX(-60)), chart.plotWidth());

    chart.setPaused(true);
    chart.setMarkers({moment(-30, "purge product"), moment(-10, "bump config")});
    chart.flush();
    QCOMPARE(chart.drawnMarkers().size(), 1); // frozen with the rest of the chart
    chart.setPaused(false);
    QCOMPARE(labels(chart.drawnMarkers()),
             (QStringList{QStringLiteral("purge product"), QStringLiteral("bump config")}));
}

void TestChartMarkers::pageMarksActivityOnItsAxis()
{
    OverviewPage page;
    page.resize(1280, 800);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    FakeWorkspace workspace(Workspace::Kind::Local);
    page.setWorkspace(&workspace);
    page.setWindowSeconds(60);
    workspace.push(seconds(0, 100)); // edge: second 99, x = second - 99
    workspace.answerActivity(done("purge", "product", "purged 12 entries", 90 * kMicrosPerSecond));
    workspace.answerActivity(done("fault", "origin",
                                  "scenario event at 1m10s (virtual): down for 20s",
                                  70 * kMicrosPerSecond, 90 * kMicrosPerSecond));
    workspace.answerActivity(done("bump", "config", "version 3 → 4", 95 * kMicrosPerSecond));
    workspace.answerActivity(
        done("policy", "policy", "applied: 1 namespace(s) changed", 96 * kMicrosPerSecond));
    // Neither a failed action nor one off the clock is marked.
    workspace.answerActivity(done("purge", "pricing", "refused", 97 * kMicrosPerSecond, -1, false));
    workspace.answerActivity(done("purge", "session", "purged 1 entry", -1));
    // Another client's purge (a live node's audit log) says whose it was.
    ActivityRecord other = done("purge", "all", "purged 40", 98 * kMicrosPerSecond);
    other.remote = true;
    other.by = QStringLiteral("fallbackctl alice@ops-1 (10.0.0.3)");
    workspace.answerActivity(other);
    page.refreshNow();

    const QList<ChartMarker> markers = page.markers(QStringLiteral("requests"));
    QCOMPARE(labels(markers),
             (QStringList{QStringLiteral("purge product"), QStringLiteral("origin down for 20s"),
                          QStringLiteral("bump config"), QStringLiteral("policy applied"),
                          QStringLiteral("purge all (fallbackctl)")}));
    QCOMPARE(markers[0].x, -9.0);
    QCOMPARE(markers[1].x, -29.0);
    QCOMPARE(markers[1].until, -9.0);
    QCOMPARE(markers[2].x, -4.0);
    // The charts below draw the same marks.
    QCOMPARE(page.markers(QStringLiteral("origin")), markers);
    QCOMPARE(page.markers(QStringLiteral("latency")), markers);

    // They move left with time, and leave the window like the data.
    workspace.push(seconds(100, 155)); // edge: second 154, the window from -60
    page.refreshNow();
    QCOMPARE(labels(page.markers(QStringLiteral("requests"))),
             (QStringList{QStringLiteral("bump config"), QStringLiteral("policy applied"),
                          QStringLiteral("purge all (fallbackctl)")}));
    QCOMPARE(page.markers(QStringLiteral("requests")).at(0).x, -59.0);

    // A reset run starts a new timeline: the old marks go with its series.
    workspace.push(seconds(0, 10, true));
    page.refreshNow();
    QVERIFY(page.markers(QStringLiteral("requests")).isEmpty());
}

void TestChartMarkers::liveMarksOutliveTheNodesRestart()
{
    // A live node's series count wall-clock seconds: this console's earlier
    // actions (its activity file) are marked where they happened, and a
    // restarted node (its series start again) keeps every mark.
    OverviewPage page;
    page.resize(1280, 800);
    FakeWorkspace workspace(Workspace::Kind::Live);
    page.setWorkspace(&workspace);
    page.setWindowSeconds(60);
    ActivityRecord earlier = done("purge", "product", "purged 3 entries", -1);
    earlier.when = QDateTime::fromSecsSinceEpoch(80, QTimeZone::utc());
    ActivityRecord failed = done("bump", "config", "refused", -1, -1, false);
    failed.when = QDateTime::fromSecsSinceEpoch(85, QTimeZone::utc());
    page.markEarlier({earlier, failed});
    workspace.push(seconds(40, 100, true)); // the first answer: edge at second 99
    page.refreshNow();
    QCOMPARE(labels(page.markers(QStringLiteral("requests"))), QStringList{QStringLiteral("purge product")});
    QCOMPARE(page.markers(QStringLiteral("requests")).at(0).x, -19.0);
    workspace.answerActivity(done("bump", "session", "version 2", 95 * kMicrosPerSecond));
    workspace.push(seconds(100, 110, true)); // the node restarted
    page.refreshNow();
    QCOMPARE(labels(page.markers(QStringLiteral("requests"))),
             (QStringList{QStringLiteral("purge product"), QStringLiteral("bump session")}));
    QCOMPARE(page.markers(QStringLiteral("requests")).at(1).x, -14.0);

    // A local run's records are on its own virtual clock: not placed.
    OverviewPage local;
    FakeWorkspace run(Workspace::Kind::Local);
    local.setWorkspace(&run);
    local.markEarlier({earlier});
    run.push(seconds(40, 100));
    local.refreshNow();
    QVERIFY(local.markers(QStringLiteral("requests")).isEmpty());
}

void TestChartMarkers::demoMarksItsOutageAndPurge()
{
    const QString path = QStringLiteral(FALLBACK_EXAMPLES_DIR "/demo.scenario.yaml");
    Loaded<Scenario> scenario = loadScenarioFile(path.toStdString());
    QVERIFY2(scenario.ok(), scenario.diagnostics.format().c_str());
    LocalWorkspace workspace(*scenario.value, path);
    OverviewPage page;
    page.resize(1280, 800);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    page.setWorkspace(&workspace);
    page.setWindowSeconds(300);
    QSignalSpy reached(&workspace, &LocalWorkspace::reachedTime);
    workspace.runUntil(330 * kMicrosPerSecond); // past the outage (2m for 90s) and the purge (5m)
    QVERIFY(reached.wait(30000));
    QTRY_VERIFY(!page.isShowingEmptyState());
    QTRY_COMPARE(page.markers(QStringLiteral("requests")).size(), 2);
    const QList<ChartMarker> markers = page.markers(QStringLiteral("requests"));
    QCOMPARE(labels(markers),
             (QStringList{QStringLiteral("origin down for 90s"), QStringLiteral("purge product")}));
    // On the virtual clock: the outage from 120 s to 210 s, the purge at 300 s.
    QCOMPARE(markers[0].until - markers[0].x, 90.0);
    QCOMPARE(markers[1].x - markers[0].x, 180.0);
    const double edge = double(page.history().lastSecond());
    QCOMPARE(markers[1].x + edge, 300.0);
}

QTEST_MAIN(TestChartMarkers)
#include "tst_chartmarkers.moc"
