// The console end to end, offscreen: open a scenario, run it, watch the
// charts fill, change the policy, purge through the dialog, compare A/B.

#include "dialogs/invalidationdialog.h"
#include "dialogs/invalidationtargetdialog.h"
#include "models/activitylog.h"
#include "models/workspacetreemodel.h"
#include "policy/policyloader.h"
#include "widgets/abcomparepanel.h"
#include "widgets/deploymentactions.h"
#include "widgets/keyspage.h"
#include "widgets/mainwindow.h"
#include "widgets/overviewpage.h"
#include "widgets/scenariopage.h"
#include "widgets/workspaceview.h"
#include "workspaces/localworkspace.h"

#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QToolButton>
#include <QtTest>

using namespace fallback;
using namespace fallback::ui;

namespace {
QString fixture(const char* name)
{
    return QStringLiteral(FALLBACK_FIXTURES_DIR "/console/") + QLatin1String(name);
}
} // namespace

class TestConsole : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<ActivityLog> m_log;
    std::unique_ptr<MainWindow> m_window;
    LocalWorkspace* m_workspace = nullptr;

    /// Runs the open workspace to virtual time `until` and waits for it.
    void runTo(Micros until)
    {
        QSignalSpy reached(m_workspace, &LocalWorkspace::reachedTime);
        m_workspace->runUntil(until);
        QVERIFY(reached.wait(20000));
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
    }

    void init()
    {
        m_log = std::make_unique<ActivityLog>();
        m_log->setPath(m_dir.filePath(QStringLiteral("activity.jsonl")));
        m_window = std::make_unique<MainWindow>(m_log.get());
        QString error;
        m_workspace = m_window->openScenario(fixture("quick.scenario.yaml"), &error);
        QVERIFY2(m_workspace, qPrintable(error));
        m_window->show();
    }

    void cleanup()
    {
        m_window.reset();
        m_log.reset();
    }

    void opensIntoTheTreeAndTabs()
    {
        QCOMPARE(m_window->currentWorkspace(), m_workspace);
        const QModelIndex index = m_window->workspaceModel()->indexOf(m_workspace);
        QVERIFY(index.isValid());
        QCOMPARE(index.parent().row(), int(WorkspaceTreeModel::LocalGroup));
        WorkspaceView* view = m_window->currentView();
        QVERIFY(view);
        QCOMPARE(view->count(), 5);
        for (const QString& tab : WorkspaceView::tabNames())
            QVERIFY2(view->showTab(tab), qPrintable(tab));
        QVERIFY(!view->showTab(QStringLiteral("nonsense")));
    }

    void noticeAtStartupHidesTheStateLabel()
    {
        // A notice can come while the window is being built (a token file
        // readable by others, found when the deployments load): once the
        // window shows, the notice takes the status bar, over the state
        // label, and the two texts are never drawn on top of each other.
        MainWindow window(m_log.get());
        emit window.deploymentActions()->notice(QStringLiteral("staging: the token file is readable"));
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto* state = window.statusBar()->findChild<QLabel*>(QStringLiteral("statusState"));
        QVERIFY(state);
        QTRY_COMPARE(window.statusBar()->currentMessage(), QStringLiteral("staging: the token file is readable"));
        QVERIFY(!state->isVisible());
        // After the message, the state label comes back.
        window.statusBar()->clearMessage();
        QTRY_VERIFY(state->isVisible());
    }

    void badScenarioIsRefusedWithLocation()
    {
        QString error;
        QVERIFY(!m_window->openScenario(fixture("broken.scenario.yaml"), &error));
        QVERIFY2(error.contains(QStringLiteral("broken.scenario.yaml:3:")), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("did you mean 'capacity'")), qPrintable(error));
        QCOMPARE(m_window->workspaceModel()->workspaces().size(), 1); // nothing half-opened
    }

    void runFillsTheCharts()
    {
        runTo(20 * kMicrosPerSecond);
        OverviewPage* overview = m_window->currentView()->overview();
        overview->refreshNow();
        QTRY_VERIFY(overview->history().size() >= 15);
        QVERIFY(!overview->isShowingEmptyState());
        QVERIFY(overview->seriesPointCount(QStringLiteral("origin"), QStringLiteral("origin fetches")) > 0);
        const SnapshotPtr snapshot = m_workspace->snapshot();
        QVERIFY(snapshot);
        QVERIFY(snapshot->now >= 20 * kMicrosPerSecond);
        QVERIFY(snapshot->requests.requests > 5000);
        QVERIFY(snapshot->tiers[0].counters.hits > 0);
    }

    void playAndPauseFromTheScenarioTab()
    {
        ScenarioPage* page = m_window->currentView()->scenario();
        auto* play = page->findChild<QToolButton*>(QStringLiteral("scenarioPlay"));
        QVERIFY(play);
        QTest::mouseClick(play, Qt::LeftButton);
        QTRY_COMPARE(m_workspace->state(), Workspace::State::Running);
        QTest::mouseClick(play, Qt::LeftButton);
        QTRY_COMPARE(m_workspace->state(), Workspace::State::Paused);
    }

    void outageIsSurvivedOnStaleCopies()
    {
        runTo(45 * kMicrosPerSecond); // the origin is down from 30 s to 40 s
        const SnapshotPtr snapshot = m_workspace->snapshot();
        QVERIFY(snapshot->requests.staleServed > 0);
        QVERIFY(snapshot->tiers[2].counters.errors > 0);
        QVERIFY(snapshot->requests.failed < snapshot->requests.staleServed);
    }

    void keyLookupReadsTheSimulatedTiers()
    {
        runTo(20 * kMicrosPerSecond);
        // The most popular synthetic id: in the edge cache by now.
        QSignalSpy looked(m_workspace, &Workspace::keyLookedUp);
        m_workspace->lookupKey(QStringLiteral("product"), QStringLiteral("0"));
        QVERIFY(looked.wait(5000));
        const KeyReport report = looked.first().at(0).value<KeyReport>();
        QVERIFY2(report.ok, qPrintable(report.error));
        QCOMPARE(report.storedKey, QStringLiteral("product:3:0"));
        QVERIFY(report.virtualNow);
        QCOMPARE(*report.virtualNow, m_workspace->snapshot()->now);
        const KeyCopy& edge = report.tiers[tierIndex(TierId::EdgeCache)];
        QVERIFY(edge.present);
        QVERIFY(edge.age >= 0 && edge.age <= 30 * kMicrosPerSecond); // ttl 20 s + swr 10 s
        QVERIFY(edge.size >= 1024 && edge.size <= 8192);
        QCOMPARE(report.tiers[tierIndex(TierId::Origin)].freshness, QStringLiteral("source"));

        // Through the Keys tab: the label names the virtual clock the ages count from.
        KeysPage* page = m_window->currentView()->keys();
        m_window->currentView()->showTab(QStringLiteral("keys"));
        page->findChild<QLineEdit*>(QStringLiteral("idEdit"))->setText(QStringLiteral("0"));
        QTest::mouseClick(page->findChild<QPushButton*>(QStringLiteral("lookupButton")), Qt::LeftButton);
        auto* status = page->findChild<QLabel*>(QStringLiteral("statusLabel"));
        QTRY_COMPARE(status->text(), QStringLiteral("Looked up at virtual 00:00:20"));

        // A namespace the policy does not have: a clear error, not a crash.
        looked.clear();
        m_workspace->lookupKey(QStringLiteral("cart"), QStringLiteral("0"));
        QVERIFY(looked.wait(5000));
        const KeyReport bad = looked.first().at(0).value<KeyReport>();
        QVERIFY(!bad.ok);
        QVERIFY2(bad.error.contains(QStringLiteral("not in the policy")), qPrintable(bad.error));
    }

    void applyChangesTheEnginePolicy()
    {
        Policy policy = m_workspace->scenario().policy;
        policy.find("product")->ttl = 7 * kMicrosPerSecond;
        QSignalSpy applied(m_workspace, &Workspace::policyApplied);
        m_workspace->applyPolicy(policy);
        QVERIFY(applied.wait(5000));
        QCOMPARE(applied.first().at(0).toBool(), true);
        QTRY_COMPARE(m_workspace->appliedPolicy().find("product")->ttl, 7 * kMicrosPerSecond);
        QTRY_VERIFY(!m_log->records().isEmpty());
        QCOMPARE(m_log->records().last().action, QStringLiteral("policy"));
    }

    void purgeThroughTheDialogReachesEngineAndLog()
    {
        runTo(10 * kMicrosPerSecond);
        Invalidation purge{Invalidation::Kind::PurgeNamespace, QStringLiteral("product"), {}};
        QSignalSpy previews(m_workspace, &Workspace::previewReady);
        auto* dialog = new InvalidationDialog(m_workspace, purge, m_window.get());
        dialog->open();
        QTRY_VERIFY(dialog->hasPreview());
        const InvalidationPreview before = previews.last().at(0).value<InvalidationPreview>();
        QVERIFY(before.entriesPerTier[0] > 0);
        auto* confirm = dialog->findChild<QPushButton*>(QStringLiteral("confirmButton"));
        QVERIFY(confirm);
        QTRY_VERIFY(confirm->isEnabled());
        QTest::mouseClick(confirm, Qt::LeftButton);
        QTRY_VERIFY(!m_log->records().isEmpty() && m_log->records().last().action == QStringLiteral("purge"));
        const ActivityRecord record = m_log->records().last();
        QCOMPARE(record.target, QStringLiteral("product"));
        QVERIFY(record.ok);
        QCOMPARE(record.workspace, m_workspace->name());
        // The engine holds no product entry any more (the run is paused).
        m_workspace->preview(purge);
        QTRY_COMPARE(previews.size(), 2);
        const InvalidationPreview after = previews.last().at(0).value<InvalidationPreview>();
        QCOMPARE(after.entriesPerTier[0], std::size_t(0));
        QCOMPARE(after.entriesPerTier[1], std::size_t(0));
        QCOMPARE(m_workspace->snapshot()->requests.purges, std::uint64_t(1));
    }

    void invalidateMenuAimsThenConfirms()
    {
        runTo(5 * kMicrosPerSecond);
        QAction* purgeKey = nullptr;
        for (QAction* action : m_window->findChildren<QAction*>())
            if (action->text() == QStringLiteral("Purge &key…"))
                purgeKey = action;
        QVERIFY(purgeKey);
        purgeKey->trigger(); // returns at once: no nested event loop
        auto* target = m_window->findChild<InvalidationTargetDialog*>();
        QVERIFY(target);
        QVERIFY(target->isVisible());
        auto* namespaces = target->findChild<QComboBox*>(QStringLiteral("namespaceCombo"));
        const int config = namespaces->findData(QStringLiteral("config"));
        QVERIFY(config >= 0);
        namespaces->setCurrentIndex(config);
        QTest::keyClicks(target->findChild<QLineEdit*>(QStringLiteral("idEdit")), QStringLiteral("7"));
        QTest::mouseClick(target->findChild<QPushButton*>(QStringLiteral("continueButton")),
                          Qt::LeftButton);

        InvalidationDialog* dialog = nullptr;
        QTRY_VERIFY((dialog = m_window->findChild<InvalidationDialog*>()) != nullptr);
        QCOMPARE(dialog->invalidation().id, QStringLiteral("7"));
        QTRY_VERIFY(dialog->hasPreview());
        auto* confirm = dialog->findChild<QPushButton*>(QStringLiteral("confirmButton"));
        QTRY_VERIFY(confirm->isEnabled());
        QTest::mouseClick(confirm, Qt::LeftButton);
        QTRY_VERIFY(!m_log->records().isEmpty() && m_log->records().last().action == QStringLiteral("purge"));
        QCOMPARE(m_log->records().last().target, QStringLiteral("config:7"));

        // The next prompt starts on the namespace used last.
        QTRY_VERIFY(m_window->findChild<InvalidationTargetDialog*>() == nullptr);
        purgeKey->trigger();
        target = m_window->findChild<InvalidationTargetDialog*>();
        QVERIFY(target);
        QCOMPARE(target->target().ns, QStringLiteral("config"));
        target->reject();
    }

    void bumpMovesTheVersion()
    {
        QSignalSpy activity(m_workspace, &Workspace::activity);
        m_workspace->invalidate({Invalidation::Kind::Bump, QStringLiteral("config"), {}});
        QVERIFY(activity.wait(5000));
        QCOMPARE(activity.first().at(0).value<ActivityRecord>().result, QStringLiteral("version 1 → 2"));
        QTRY_COMPARE(m_workspace->appliedPolicy().find("config")->version, std::uint64_t(2));
    }

    void faultToggleReachesTheSimulation()
    {
        FaultState down;
        down.down = true;
        m_workspace->setFaults(TierId::EdgeKv, down);
        runTo(5 * kMicrosPerSecond);
        QTRY_VERIFY(m_workspace->snapshot()->tiers[1].faults.down);
        QVERIFY(m_workspace->snapshot()->tiers[1].counters.errors > 0);
        QCOMPARE(m_workspace->snapshot()->tiers[1].counters.hits, std::uint64_t(0));
    }

    void abCompareReturnsTwoResults()
    {
        Policy b = m_workspace->scenario().policy;
        for (NamespacePolicy& ns : b.namespaces)
            ns.ttl = kMicrosPerSecond; // much shorter: more origin traffic
        AbComparePanel* panel = m_window->currentView()->scenario()->comparePanel();
        QSignalSpy done(panel, &AbComparePanel::comparisonFinished);
        panel->compareWith(b, QStringLiteral("short ttl"));
        QVERIFY(done.wait(60000));
        QVERIFY(panel->resultRows() >= 8);
        int originRow = -1;
        for (int row = 0; row < panel->resultRows(); ++row) {
            if (panel->resultText(row, 0) == QStringLiteral("origin fetches"))
                originRow = row;
        }
        QVERIFY(originRow >= 0);
        const double a = QLocale().toDouble(panel->resultText(originRow, 1));
        const double bFetches = QLocale().toDouble(panel->resultText(originRow, 2));
        QVERIFY2(bFetches > a, qPrintable(panel->resultText(originRow, 1) + QStringLiteral(" vs ") +
                                          panel->resultText(originRow, 2)));
    }
};

QTEST_MAIN(TestConsole)
#include "tst_console.moc"
