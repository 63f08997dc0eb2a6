// The Scenario tab's list of scheduled events: each event in words, sorted
// by time, and its status as the virtual clock passes it (due, under way
// for a fault with a duration, done); and the page showing the demo's.
#include "sim/scenarioloader.h"
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
    void describe_data();
    void describe();
    void statusFollowsTheClock();
    void scenarioPageListsTheDemosEvents();
};

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
    QCOMPARE(panel.statusText(0), QStringLiteral("due in 2m"));
    QCOMPARE(panel.statusText(1), QStringLiteral("due in 5m"));
    panel.setNow(150 * kMicrosPerSecond);
    QCOMPARE(panel.statusText(0), QStringLiteral("under way until 210s"));
    QCOMPARE(panel.statusText(1), QStringLiteral("due in 150s"));
    panel.setNow(300 * kMicrosPerSecond);
    QCOMPARE(panel.statusText(0), QStringLiteral("done"));
    QCOMPARE(panel.statusText(1), QStringLiteral("done"));
    // A reset run starts again.
    panel.setNow(0);
    QCOMPARE(panel.statusText(0), QStringLiteral("due in 2m"));
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
    QTRY_COMPARE(table->item(0, 2)->text(), QStringLiteral("under way until 210s"));
}

QTEST_MAIN(TestEventsPanel)
#include "tst_eventspanel.moc"
