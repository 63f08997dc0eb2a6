// The workspace tree: groups, status dots, production and lock badges,
// updates, under QAbstractItemModelTester.

#include "fakeworkspace.h"
#include "models/workspacetreemodel.h"
#include "widgets/workspacetreedelegate.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTreeView>
#include <QtTest>

using namespace fallback;
using namespace fallback::ui;
using namespace fallback::ui::test;

class TestWorkspaceTreeModel : public QObject {
    Q_OBJECT

private slots:
    void groupsAndRoles()
    {
        WorkspaceTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        FakeWorkspace local(Workspace::Kind::Local, QStringLiteral("demo"));
        FakeWorkspace staging(Workspace::Kind::Live, QStringLiteral("staging-eu"));
        FakeWorkspace production(Workspace::Kind::Live, QStringLiteral("prod-us"));
        production.production = true;
        model.addWorkspace(&local);
        model.addWorkspace(&staging);
        model.addWorkspace(&production);

        QCOMPARE(model.rowCount(), 2);
        const QModelIndex live = model.index(WorkspaceTreeModel::LiveGroup, 0);
        QCOMPARE(model.rowCount(live), 2);
        const QModelIndex prod = model.indexOf(&production);
        QCOMPARE(prod.parent(), live);
        QCOMPARE(prod.data().toString(), QStringLiteral("prod-us"));
        QVERIFY(prod.data(WorkspaceTreeModel::ProductionRole).toBool());
        QVERIFY(prod.data(WorkspaceTreeModel::LockedRole).toBool());
        QCOMPARE(prod.data(Qt::ForegroundRole).value<QColor>(), QColor(0xd0, 0x3b, 0x3b));
        QVERIFY(prod.data(Qt::ToolTipRole).toString().contains(QStringLiteral("read-only")));
        const QModelIndex stage = model.indexOf(&staging);
        QVERIFY(!stage.data(WorkspaceTreeModel::ProductionRole).toBool());
        QVERIFY(!stage.data(WorkspaceTreeModel::LockedRole).toBool());
        QVERIFY(!stage.data(Qt::ForegroundRole).isValid());
        QCOMPARE(model.workspaceAt(stage), &staging);
        QCOMPARE(model.workspaceAt(live), nullptr);
    }

    void statusFollowsTheWorkspace_data()
    {
        QTest::addColumn<int>("state");
        QTest::addColumn<QColor>("color");
        QTest::newRow("connected") << int(Workspace::State::Connected) << QColor(0x2e, 0x9d, 0x4f);
        QTest::newRow("degraded") << int(Workspace::State::Degraded) << QColor(0xe0, 0xa1, 0x1b);
        QTest::newRow("unreachable") << int(Workspace::State::Unreachable) << QColor(0xd0, 0x3b, 0x3b);
        QTest::newRow("unauthorized") << int(Workspace::State::Unauthorized) << QColor(0x8e, 0x44, 0xad);
        QTest::newRow("connecting") << int(Workspace::State::Connecting) << QColor(0x8a, 0x8f, 0x98);
    }

    void statusFollowsTheWorkspace()
    {
        QFETCH(int, state);
        QFETCH(QColor, color);
        WorkspaceTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        FakeWorkspace workspace(Workspace::Kind::Live, QStringLiteral("edge"));
        workspace.production = true;
        model.addWorkspace(&workspace);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        workspace.changeState(Workspace::State(state), QStringLiteral("why it is so"));
        if (Workspace::State(state) != Workspace::State::Stopped)
            QCOMPARE(changed.size(), 1);
        const QModelIndex at = model.indexOf(&workspace);
        QCOMPARE(changed.isEmpty() ? at : changed.first().at(0).toModelIndex(), at);
        QCOMPARE(at.data(WorkspaceTreeModel::StateRole).toInt(), state);
        QCOMPARE(at.data(WorkspaceTreeModel::StateColorRole).value<QColor>(), color);
        QVERIFY(at.data(Qt::ToolTipRole).toString().contains(QStringLiteral("why it is so")));

        changed.clear();
        workspace.setUnlocked(true);
        QCOMPARE(changed.size(), 1);
        QVERIFY(!at.data(WorkspaceTreeModel::LockedRole).toBool());
        QVERIFY(at.data(Qt::ToolTipRole).toString().contains(QStringLiteral("unlocked")));
    }

    void warningsInTheToolTipAndOnTheDot()
    {
        WorkspaceTreeModel model;
        FakeWorkspace workspace(Workspace::Kind::Live, QStringLiteral("edge"));
        workspace.changeState(Workspace::State::Connected);
        model.addWorkspace(&workspace);
        const QModelIndex at = model.indexOf(&workspace);
        // The dot's lower right: the state's green without warnings, the
        // warning badge with them, and the view hears of the change.
        auto corner = [&] {
            const QIcon icon = at.data(Qt::DecorationRole).value<QIcon>();
            return icon.pixmap(12, 12).toImage().pixelColor(8, 8);
        };
        QCOMPARE(corner(), WorkspaceTreeModel::stateColor(int(Workspace::State::Connected)));
        QCOMPARE(at.data(WorkspaceTreeModel::WarningCountRole).toInt(), 0);
        QVERIFY(!at.data(Qt::ToolTipRole).toString().contains(QStringLiteral("warns")));
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        workspace.changeWarnings({QStringLiteral("first"), QStringLiteral("second"), QStringLiteral("third"),
                                  QStringLiteral("fourth")});
        QCOMPARE(changed.size(), 1);
        QCOMPARE(corner(), WorkspaceTreeModel::warningColor());
        QCOMPARE(at.data(WorkspaceTreeModel::WarningCountRole).toInt(), 4);
        QCOMPARE(at.data(Qt::AccessibleDescriptionRole).toString(), QStringLiteral("Connected, 4 warning(s)"));
        const QString tip = at.data(Qt::ToolTipRole).toString();
        QVERIFY2(tip.contains(QStringLiteral("\nThe node warns:\n\u2022 first\n\u2022 second\n\u2022 third\n"
                                             "\u2026 and 1 more on the Namespaces tab")),
                 qPrintable(tip));
        QVERIFY(!tip.contains(QStringLiteral("fourth")));
        workspace.changeWarnings({});
        QVERIFY(!at.data(Qt::ToolTipRole).toString().contains(QStringLiteral("warns")));
        QCOMPARE(corner(), WorkspaceTreeModel::stateColor(int(Workspace::State::Connected)));
    }

    void removedAndDestroyedWorkspacesLeave()
    {
        WorkspaceTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        FakeWorkspace kept(Workspace::Kind::Live, QStringLiteral("kept"));
        auto* gone = new FakeWorkspace(Workspace::Kind::Live, QStringLiteral("gone"));
        model.addWorkspace(&kept);
        model.addWorkspace(gone);
        delete gone;
        QCOMPARE(model.rowCount(model.index(WorkspaceTreeModel::LiveGroup, 0)), 1);
        model.removeWorkspace(&kept);
        QCOMPARE(model.rowCount(model.index(WorkspaceTreeModel::LiveGroup, 0)), 0);
    }

    void delegateDrawsBadges()
    {
        WorkspaceTreeModel model;
        FakeWorkspace production(Workspace::Kind::Live, QStringLiteral("prod-with-a-long-name-eu-west-1"));
        production.production = true;
        FakeWorkspace staging(Workspace::Kind::Live, QStringLiteral("staging"));
        model.addWorkspace(&production);
        model.addWorkspace(&staging);
        QTreeView view;
        view.setModel(&model);
        auto* delegate = new WorkspaceTreeDelegate(&view);
        view.setItemDelegate(delegate);
        view.resize(220, 200);
        view.expandAll();
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QStyleOptionViewItem option;
        option.initFrom(&view);
        const QModelIndex prod = model.indexOf(&production);
        const int badges = WorkspaceTreeDelegate::badgesWidth(option, prod);
        QVERIFY(badges > 20); // PROD and a lock
        QCOMPARE(WorkspaceTreeDelegate::badgesWidth(option, model.indexOf(&staging)), 0);
        QVERIFY(delegate->sizeHint(option, prod).width() > badges);
        QVERIFY(!view.grab().isNull()); // paints without trouble
    }
};

QTEST_MAIN(TestWorkspaceTreeModel)
#include "tst_workspacetreemodel.moc"
