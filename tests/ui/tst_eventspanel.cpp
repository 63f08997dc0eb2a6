// The Scenario tab's list of scheduled events: each event in words, sorted
// by time, and its status as the virtual clock passes it (due, under way
// for a fault with a duration, done); and the page showing the demo's. Also
// formatSpan, the "due in" wording.
#include "sim/scenarioloader.h"
#include "widgets/clocktext.h"
#include "widgets/eventspanel.h"
#include "widgets/scenariopage.h"
#include "workspaces/localworkspace.h"

#include <QTableWidget>
#include <QtTest>

using namespace fallback;
using namespace fallback::ui;

namespace {

ScenarioEvent scheduled(Micros at, EventAction action)
{
    ScenarioEvent e;
    e.at = at;
    e.action = action;
    return e;
}

} // namespace

Q_DECLARE_METATYPE(fallback::ScenarioEvent)

class TestEventsPanel : public QObject {
    Q_OBJECT

private slots:
    void formatSpan_data();
    void formatSpan();
    void describe_data();
    void describe();
    void statusFollowsTheClock();
    void scenarioPageListsTheDemosEvents();
};

void TestEventsPanel::formatSpan_data()
{
    QTest::addColumn<qint64>("micros");
    QTest::addColumn<QString>("text");
    QTest::newRow("zero") << qint64(0) << QStringLiteral("0 s");
    QTest::newRow("a part of a second, rounded up") << qint64(1) << QStringLiteral("1 s");
    QTest::newRow("seconds") << qint64(45 * kMicrosPerSecond) << QStringLiteral("45 s");
    QTest::newRow("whole minutes") << qint64(300 * kMicrosPerSecond) << QStringLiteral("5 min");
    QTest::newRow("minutes and seconds") << qint64(150 * kMicrosPerSecond) << QStringLiteral("2 min 30 s");
    QTest::newRow("an hour") << qint64(3600 * kMicrosPerSecond) << QStringLiteral("1 h");
    QTest::newRow("hours and minutes, seconds dropped") << qint64(3930 * kMicrosPerSecond) << QStringLiteral("1 h 5 min");
}

void TestEventsPanel::formatSpan()
{
    QFETCH(qint64, micros);
    QFETCH(QString, text);
    QCOMPARE(fallback::ui::formatSpan(micros), text);
}

void TestEventsPanel::describe_data()
{
    QTest::addColumn<ScenarioEvent>("event");
    QTest::addColumn<QString>("text");
    ScenarioEvent down = scheduled(0, EventAction::Down);
    down.tier = TierId::Origin;
    down.duration = 90 * kMicrosPerSecond;
    QTest::newRow("down for") << down << QStringLiteral("origin down for 90s");
    ScenarioEvent up = scheduled(0, EventAction::Up);
    up.tier = TierId::Origin;
    up.duration = 5 * kMicrosPerSecond; // an `up` has no duration to show
    QTest::newRow("up") << up << QStringLiteral("origin up");
    ScenarioEvent slow = scheduled(0, EventAction::Slow);
    slow.tier = TierId::EdgeKv;
    slow.factor = 5;
    slow.duration = 60 * kMicrosPerSecond;
    QTest::newRow("slow") << slow << QStringLiteral("edge_kv slow \u00d75 for 1m");
    ScenarioEvent flaky = scheduled(0, EventAction::Flaky);
    flaky.tier = TierId::EdgeCache;
    flaky.failureRate = 0.25;
    QTest::newRow("flaky for ever") << flaky << QStringLiteral("edge_cache flaky 25 %");
    ScenarioEvent purgeNs = scheduled(0, EventAction::Purge);
    purgeNs.ns = "product";
    QTest::newRow("purge namespace") << purgeNs << QStringLiteral("purge product");
    ScenarioEvent purgeKey = scheduled(0, EventAction::Purge);
    purgeKey.key = "product:sku-1";
    QTest::newRow("purge key") << purgeKey << QStringLiteral("purge product:sku-1");
    ScenarioEvent purgeAll = scheduled(0, EventAction::Purge);
    purgeAll.all = true;
    QTest::newRow("purge all") << purgeAll << QStringLiteral("purge everything");
    ScenarioEvent bump = scheduled(0, EventAction::Bump);
    bump.ns = "pricing";
    QTest::newRow("bump") << bump << QStringLiteral("bump pricing");
}

void TestEventsPanel::describe()
{
    QFETCH(ScenarioEvent, event);
    QFETCH(QString, text);
    QCOMPARE(EventsPanel::describe(event), text);
}

void TestEventsPanel::statusFollowsTheClock()
{
    EventsPanel panel;
    ScenarioEvent purge = scheduled(300 * kMicrosPerSecond, EventAction::Purge);
    purge.ns = "product";
    ScenarioEvent down = scheduled(120 * kMicrosPerSecond, EventAction::Down);
    down.tier = TierId::Origin;
    down.duration = 90 * kMicrosPerSecond;
    panel.setEvents({purge, down}); // listed by time, whatever the file's order
    QCOMPARE(panel.table()->rowCount(), 2);
    QCOMPARE(panel.table()->item(0, 1)->text(), QStringLiteral("origin down for 90s"));
    QCOMPARE(panel.table()->item(0, 0)->text(), QStringLiteral("00:02:00")); // as the run's clock
    QCOMPARE(panel.statusText(0), QStringLiteral("due in 2 min"));
    QCOMPARE(panel.statusText(1), QStringLiteral("due in 5 min"));
    panel.setNow(150 * kMicrosPerSecond + 1);
    QCOMPARE(panel.statusText(0), QStringLiteral("under way until 00:03:30"));
    QCOMPARE(panel.statusText(1), QStringLiteral("due in 2 min 30 s")); // rounded up, never "due in 0 s" early
    panel.setNow(300 * kMicrosPerSecond);
    QCOMPARE(panel.statusText(0), QStringLiteral("done"));
    QCOMPARE(panel.statusText(1), QStringLiteral("done"));
    // A reset run starts again.
    panel.setNow(0);
    QCOMPARE(panel.statusText(0), QStringLiteral("due in 2 min"));
}

void TestEventsPanel::scenarioPageListsTheDemosEvents()
{
    const QString path = QStringLiteral(FALLBACK_EXAMPLES_DIR "/demo.scenario.yaml");
    Loaded<Scenario> scenario = loadScenarioFile(path.toStdString());
    QVERIFY2(scenario.ok(), scenario.diagnostics.format().c_str());
    LocalWorkspace workspace(*scenario.value, path);
    ScenarioPage page;
    page.setWorkspace(&workspace);
    auto* table = page.findChild<QTableWidget*>(QStringLiteral("eventsTable"));
    QVERIFY(table);
    QCOMPARE(table->rowCount(), int(scenario.value->events.size()));
    QCOMPARE(table->item(0, 1)->text(), QStringLiteral("origin down for 90s"));
    QSignalSpy reached(&workspace, &LocalWorkspace::reachedTime);
    workspace.runUntil(150 * kMicrosPerSecond);
    QVERIFY(reached.wait(30000));
    QTRY_COMPARE(table->item(0, 2)->text(), QStringLiteral("under way until 00:03:30"));
}

QTEST_MAIN(TestEventsPanel)
#include "tst_eventspanel.moc"
