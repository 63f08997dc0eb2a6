// The console in live mode end to end, offscreen, against a real
// fallback-node and origin on 127.0.0.1: deployments from a profiles file
// in the tree, the Overview charts filling from polls, a purge through the
// confirmation dialog landing in the Activity tab, production read-only
// until unlocked, and a 412 on Apply offering reload-and-reapply.

#include "dialogs/invalidationdialog.h"
#include "dialogs/policyconflictdialog.h"
#include "dialogs/unlockdialog.h"
#include "livenode.h"
#include "models/activitylog.h"
#include "models/credentialstore.h"
#include "models/activitymodel.h"
#include "models/namespacetablemodel.h"
#include "models/workspacetreemodel.h"
#include "widgets/activitypage.h"
#include "widgets/livestatusbar.h"
#include "widgets/mainwindow.h"
#include "widgets/namespacespage.h"
#include "widgets/overviewpage.h"
#include "widgets/warningbanner.h"
#include "widgets/workspaceview.h"
#include "workspaces/liveconnections.h"
#include "workspaces/liveworkspace.h"

#include <QAction>
#include <QJsonArray>
#include <QStatusBar>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QToolButton>
#include <QTreeView>
#include <QtTest>

using namespace fallback;
using namespace fallback::ui;
using namespace fallback::ui::test;

namespace {
constexpr int kTimeout = 20000;
}

class TestConsoleLive : public QObject {
    Q_OBJECT

private:
    LiveNode m_node;
    QTemporaryDir m_dir;
    QString m_profiles;
    std::unique_ptr<ActivityLog> m_log;
    std::unique_ptr<MainWindow> m_window;

    LiveWorkspace* deployment(const char* name) const
    {
        return m_window->liveConnections()->workspace(QString::fromLatin1(name));
    }

    /// Selects `workspace` in the tree and waits for it to answer.
    bool selectConnected(LiveWorkspace* workspace)
    {
        m_window->selectWorkspace(workspace);
        return m_window->currentWorkspace() == workspace
               && QTest::qWaitFor(
                   [&] {
                       return workspace->state() == Workspace::State::Connected
                              && workspace->appliedPolicy().find("product");
                   },
                   kTimeout);
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        QString error;
        QVERIFY2(m_node.start(&error), qPrintable(error));
        m_profiles = m_dir.filePath(QStringLiteral("deployments.yaml"));
        QFile file(m_profiles);
        QVERIFY(file.open(QIODevice::WriteOnly));
        const QString yaml = QStringLiteral("schema: 1\ndeployments:\n"
                                            "  - name: staging-live\n    url: %1\n    token: file:%2\n"
                                            "    environment: staging\n    poll_interval: 300ms\n"
                                            "  - name: prod-live\n    url: %1\n    token: file:%2\n"
                                            "    environment: production\n    poll_interval: 300ms\n")
                                 .arg(m_node.url(), m_node.tokenFile());
        QVERIFY(file.write(yaml.toUtf8()) > 0);
    }

    void init()
    {
        m_log = std::make_unique<ActivityLog>();
        m_log->setPath(m_dir.filePath(QStringLiteral("activity.jsonl")));
        m_window = std::make_unique<MainWindow>(m_log.get());
        m_window->liveConnections()->credentials()->setKeychainEnabled(false);
        QString error;
        QVERIFY2(m_window->loadProfiles(m_profiles, &error), qPrintable(error));
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    }

    void cleanup()
    {
        m_node.stopTraffic();
        m_window.reset();
        m_log.reset();
    }

    void cleanupTestCase() { m_node.stop(); }

    void deploymentsAreInTheTree()
    {
        WorkspaceTreeModel* model = m_window->workspaceModel();
        const QModelIndex live = model->index(WorkspaceTreeModel::LiveGroup, 0);
        QCOMPARE(model->rowCount(live), 2);
        LiveWorkspace* staging = deployment("staging-live");
        LiveWorkspace* production = deployment("prod-live");
        QVERIFY(staging && production);
        QCOMPARE(model->indexOf(production).parent(), live);
        QVERIFY(model->indexOf(production).data(WorkspaceTreeModel::ProductionRole).toBool());
        QVERIFY(model->indexOf(production).data(WorkspaceTreeModel::LockedRole).toBool());
        QVERIFY(selectConnected(staging));
        QTRY_COMPARE(model->indexOf(staging).data(WorkspaceTreeModel::StateRole).toInt(),
                     int(Workspace::State::Connected));
        // Live workspaces have no Scenario tab.
        WorkspaceView* view = m_window->currentView();
        QCOMPARE(view->count(), 4);
        QVERIFY(!view->showTab(QStringLiteral("scenario")));
        QVERIFY(view->scenario() == nullptr);
        QVERIFY(model->indexOf(staging).data(Qt::ToolTipRole).toString().contains(m_node.url()));
    }

    void overviewChartsFill()
    {
        LiveWorkspace* staging = deployment("staging-live");
        QVERIFY(selectConnected(staging));
        m_node.startTraffic();
        OverviewPage* overview = m_window->currentView()->overview();
        QTRY_VERIFY_WITH_TIMEOUT(overview->history().size() >= 3 && !overview->isShowingEmptyState(),
                                 kTimeout);
        overview->refreshNow();
        // Reads reach the stacked requests chart as they are served.
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                overview->refreshNow();
                double served = 0;
                for (const QString& tier : {QStringLiteral("edge_cache"), QStringLiteral("origin")}) {
                    for (const QPointF& p : overview->seriesPoints(QStringLiteral("requests"), tier)) {
                        if (!std::isnan(p.y()))
                            served = std::max(served, p.y());
                    }
                }
                return served > 0;
            }(),
            kTimeout);
        QVERIFY(overview->seriesPointCount(QStringLiteral("origin"), QStringLiteral("origin fetches")) > 0);
        const SnapshotPtr snapshot = staging->snapshot();
        QVERIFY(snapshot && snapshot->requests.requests > 0);
        // The live line says when it was last updated.
        auto* bar = overview->findChild<LiveStatusBar*>(QStringLiteral("liveStatusBar"));
        QVERIFY(bar && bar->isVisible());
        QVERIFY2(bar->text().contains(QStringLiteral("updated")), qPrintable(bar->text()));
        // Pausing polling from the Overview stops the polls.
        auto* pollButton = bar->findChild<QToolButton*>(QStringLiteral("pollingButton"));
        QVERIFY(pollButton);
        QTest::mouseClick(pollButton, Qt::LeftButton);
        QVERIFY(staging->isPollingPaused());
        QTRY_VERIFY(bar->text().contains(QStringLiteral("paused")));
        QTest::mouseClick(pollButton, Qt::LeftButton);
        QVERIFY(!staging->isPollingPaused());
    }

    void purgeThroughTheDialogLandsInTheActivityLog()
    {
        LiveWorkspace* staging = deployment("staging-live");
        QVERIFY(selectConnected(staging));
        m_node.startTraffic({QStringLiteral("product")});
        QTRY_VERIFY_WITH_TIMEOUT(m_node.answered() > 30, kTimeout);
        m_node.stopTraffic();

        const Invalidation purge{Invalidation::Kind::PurgeNamespace, QStringLiteral("product"), {}};
        QSignalSpy previews(staging, &Workspace::previewReady);
        auto* dialog = new InvalidationDialog(staging, purge, m_window.get());
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->open();
        QTRY_VERIFY_WITH_TIMEOUT(dialog->hasPreview(), kTimeout);
        const auto preview = previews.last().at(0).value<InvalidationPreview>();
        if (!preview.ok && preview.error.contains(QStringLiteral("cannot preview"))) {
            dialog->reject();
            QSKIP("this fallback-node has no purge dry run yet: the dialog cannot confirm");
        }
        QVERIFY2(preview.ok, qPrintable(preview.error));
        QVERIFY(preview.entriesPerTier[0] + preview.entriesPerTier[1] > 0);
        auto* confirm = dialog->findChild<QPushButton*>(QStringLiteral("confirmButton"));
        QVERIFY(confirm);
        QTRY_VERIFY(confirm->isEnabled()); // staging: no name to type
        QTest::mouseClick(confirm, Qt::LeftButton);

        QTRY_VERIFY_WITH_TIMEOUT(!m_log->records().isEmpty()
                                     && m_log->records().last().action == QStringLiteral("purge"),
                                 kTimeout);
        const ActivityRecord record = m_log->records().last();
        QVERIFY2(record.ok, qPrintable(record.result));
        QCOMPARE(record.workspace, QStringLiteral("staging-live"));
        QCOMPARE(record.target, QStringLiteral("product"));
        QVERIFY2(record.result.startsWith(QStringLiteral("purged ")), qPrintable(record.result));
        // ... and it shows in the deployment's Activity tab.
        ActivityPage* activity = m_window->currentView()->activity();
        m_window->currentView()->showTab(QStringLiteral("activity"));
        ActivityModel* model = activity->model();
        QTRY_VERIFY(model->rowCount() > 0);
        const int last = model->rowCount() - 1;
        QCOMPARE(model->index(last, ActivityModel::Action).data().toString(), QStringLiteral("purge"));
        QCOMPARE(model->index(last, ActivityModel::Workspace).data().toString(), QStringLiteral("staging-live"));
    }

    void productionIsLockedUntilTheNameIsTyped()
    {
        LiveWorkspace* production = deployment("prod-live");
        QVERIFY(selectConnected(production));
        QVERIFY(production->isReadOnly());
        // The invalidation dialog offers no confirm while locked.
        const Invalidation bump{Invalidation::Kind::Bump, QStringLiteral("config"), {}};
        auto* dialog = new InvalidationDialog(production, bump, m_window.get());
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->open();
        auto* confirm = dialog->findChild<QPushButton*>(QStringLiteral("confirmButton"));
        QVERIFY(!confirm->isVisible());
        QVERIFY(dialog->findChild<QLabel*>(QStringLiteral("readOnlyNotice"))->isVisible());
        dialog->reject();
        // The Namespaces page refuses edits.
        NamespacesPage* page = m_window->currentView()->namespaces();
        QVERIFY(page->model()->isReadOnly());

        auto* unlock = new UnlockDialog(production, m_window.get());
        unlock->setAttribute(Qt::WA_DeleteOnClose);
        unlock->open();
        auto* button = unlock->findChild<QPushButton*>(QStringLiteral("unlockButton"));
        auto* edit = unlock->findChild<QLineEdit*>(QStringLiteral("confirmEdit"));
        QTest::keyClicks(edit, QStringLiteral("prod"));
        QVERIFY(!button->isEnabled());
        QTest::keyClicks(edit, QStringLiteral("-live"));
        QVERIFY(button->isEnabled());
        QTest::mouseClick(button, Qt::LeftButton);
        QVERIFY(!production->isReadOnly());
        QVERIFY(!page->model()->isReadOnly());
        QVERIFY(!m_window->workspaceModel()->indexOf(production).data(WorkspaceTreeModel::LockedRole).toBool());

        // Unlocked, a production bump still asks for the namespace's name.
        auto* again = new InvalidationDialog(production, bump, m_window.get());
        again->setAttribute(Qt::WA_DeleteOnClose);
        again->open();
        auto* confirmAgain = again->findChild<QPushButton*>(QStringLiteral("confirmButton"));
        QVERIFY(confirmAgain->isVisible());
        QVERIFY(!confirmAgain->isEnabled());
        again->reject();
    }

    void applyConflictOffersReloadAndReapply()
    {
        LiveWorkspace* staging = deployment("staging-live");
        QVERIFY(selectConnected(staging));
        m_window->currentView()->showTab(QStringLiteral("namespaces"));
        NamespacesPage* page = m_window->currentView()->namespaces();
        NamespaceTableModel* model = page->model();
        QTRY_VERIFY(model->rowOf("product") >= 0);

        // Another console changes config while this one edits product.
        staging->setPollingPaused(true);
        const LiveNode::Reply current = m_node.admin("GET", QStringLiteral("/v1/admin/policy"));
        QJsonObject doc = QJsonDocument::fromJson(current.body).object();
        QJsonArray namespaces = doc[QStringLiteral("namespaces")].toArray();
        for (int i = 0; i < namespaces.size(); ++i) {
            QJsonObject ns = namespaces[i].toObject();
            if (ns[QStringLiteral("name")] == QStringLiteral("config"))
                ns[QStringLiteral("ttl")] = QStringLiteral("77s");
            namespaces[i] = ns;
        }
        doc[QStringLiteral("namespaces")] = namespaces;
        const LiveNode::Reply put = m_node.admin("PUT", QStringLiteral("/v1/admin/policy"),
                                                 QJsonDocument(doc).toJson(), current.etag);
        QVERIFY2(put.status / 100 == 2, put.body.constData());

        const int row = model->rowOf("product");
        QVERIFY(model->setData(model->index(row, NamespaceTableModel::Ttl), QStringLiteral("9s")));
        QAction* apply = page->findChild<QAction*>(QStringLiteral("applyAction"));
        QVERIFY(apply && apply->isEnabled());
        apply->trigger();

        PolicyConflictDialog* conflict = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((conflict = page->findChild<PolicyConflictDialog*>()) != nullptr, kTimeout);
        QVERIFY(conflict->findChild<QLabel*>(QStringLiteral("changesLabel"))->text().contains(QStringLiteral("product.ttl")));
        // The other console's change was not overwritten.
        QVERIFY(m_node.admin("GET", QStringLiteral("/v1/admin/policy")).body.contains("\"77s\""));
        QTest::mouseClick(conflict->findChild<QPushButton*>(QStringLiteral("reloadButton")), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(page->findChild<PolicyConflictDialog*>() == nullptr
                                     || !page->findChild<PolicyConflictDialog*>()->isVisible(),
                                 kTimeout);
        // The live value arrived; the user's edit is back on top of it.
        QCOMPARE(model->appliedPolicy().find("config")->ttl, 77 * kMicrosPerSecond);
        QCOMPARE(model->policy().find("config")->ttl, 77 * kMicrosPerSecond);
        QCOMPARE(model->policy().find("product")->ttl, 9 * kMicrosPerSecond);
        QCOMPARE(int(model->changes().size()), 1);
        auto* status = page->findChild<QLabel*>(QStringLiteral("statusLabel"));
        QVERIFY2(status->text().contains(QStringLiteral("Reloaded")), qPrintable(status->text()));

        QSignalSpy applied(staging, &Workspace::policyApplied);
        QTRY_VERIFY(apply->isEnabled());
        apply->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(applied.size(), 1, kTimeout);
        QVERIFY2(applied.first().at(0).toBool(), qPrintable(applied.first().at(1).toString()));
        QTRY_VERIFY(!model->isDirty());
        staging->setPollingPaused(false);
    }

    void addAndRemoveADeploymentSavesTheFile()
    {
        LiveConnections* live = m_window->liveConnections();
        DeploymentProfile extra;
        extra.name = "extra";
        extra.url = m_node.url().toStdString();
        QString error;
        LiveWorkspace* added = live->addDeployment(extra, QString::fromLatin1(LiveNode::kToken), &error);
        QVERIFY2(added, qPrintable(error));
        // Asked each session: the token typed in the dialog is used, and
        // never written to the file.
        QTRY_COMPARE_WITH_TIMEOUT(added->state(), Workspace::State::Connected, kTimeout);
        QFile file(m_profiles);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray saved = file.readAll();
        file.close();
        QVERIFY(saved.contains("name: extra"));
        QVERIFY(!saved.contains(LiveNode::kToken));
        QCOMPARE(m_window->workspaceModel()->rowCount(
                     m_window->workspaceModel()->index(WorkspaceTreeModel::LiveGroup, 0)),
                 3);
        QVERIFY(live->removeDeployment(QStringLiteral("extra"), &error));
        QTRY_COMPARE(m_window->workspaceModel()->rowCount(
                         m_window->workspaceModel()->index(WorkspaceTreeModel::LiveGroup, 0)),
                     2);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(!file.readAll().contains("name: extra"));
    }

    // Last: the node remembers what its origin sent for ten minutes.
    void originWarningsReachTheWindow()
    {
        // The origin forbids stale copies (s-maxage); the demo policy serves them.
        QCOMPARE(m_node.controlOrigin(QStringLiteral("/control/headers"),
                                      R"({"Cache-Control":"max-age=60, s-maxage=60"})"),
                 200);
        m_node.startTraffic({QStringLiteral("config")}, 2, 5);
        QTRY_VERIFY_WITH_TIMEOUT(m_node.answered() >= 5, kTimeout);
        m_node.stopTraffic();
        // A window opened now meets a node that has seen it: its first health answer says so.
        cleanup();
        init();
        LiveWorkspace* staging = deployment("staging-live");
        QVERIFY(selectConnected(staging));
        auto* state = m_window->statusBar()->findChild<QLabel*>(QStringLiteral("statusState"));
        QVERIFY(state);
        QTRY_COMPARE_WITH_TIMEOUT(state->text(),
                                  QStringLiteral("Connected — the node warns: see the Namespaces tab"),
                                  kTimeout);
        QCOMPARE(staging->state(), Workspace::State::Connected); // advice, not degraded
        const QString tip = m_window->workspaceModel()->indexOf(staging).data(Qt::ToolTipRole).toString();
        QVERIFY2(tip.contains(QStringLiteral("The node warns:\n\u2022 namespace 'config': the origin's answers "
                                             "carry 'Cache-Control: max-age=60, s-maxage=60'")),
                 qPrintable(tip));
        auto* banner = m_window->currentView()->findChild<WarningBanner*>(QStringLiteral("warningBanner"));
        QVERIFY(banner);
        QCOMPARE(banner->warnings().size(), 1);
        QVERIFY(banner->warnings().at(0).contains(QStringLiteral("s-maxage forbids a shared cache")));
        QCOMPARE(m_node.controlOrigin(QStringLiteral("/control/headers"), "{}"), 200);
    }
};

QTEST_MAIN(TestConsoleLive)
#include "tst_consolelive.moc"
