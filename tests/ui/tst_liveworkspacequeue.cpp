// LiveWorkspace's line of invalidations (SPEC §8: purges are rate-limited):
// against a scripted node (127.0.0.1, port 0) that answers purges and bumps
// 429 as the test says. The workspace is never started: no polls, only the
// invalidations reach the node. Also the Overview's status bar line about
// the queue and its Cancel button.

#include "live/adminclient.h"
#include "scriptedinvalidations.h"
#include "widgets/livestatusbar.h"
#include "workspaces/liveworkspace.h"

#include <QLabel>
#include <QSignalSpy>
#include <QToolButton>
#include <QtTest>

#include <memory>

using namespace fallback;
using namespace fallback::ui;

namespace {

constexpr int kTimeout = 10000;

} // namespace

class TestLiveWorkspaceQueue : public QObject {
    Q_OBJECT

private:
    std::shared_ptr<live::AdminClient> m_client = std::make_shared<live::AdminClient>();

    void follow(LiveWorkspace& workspace, Records& records)
    {
        connect(&workspace, &Workspace::activity, this,
                [&records](const ActivityRecord& record) { records.list << record; });
    }

    static QList<int> counts(const QSignalSpy& spy)
    {
        QList<int> c;
        for (const QList<QVariant>& args : spy)
            c << args.at(0).toInt();
        return c;
    }

private slots:
    void cleanupTestCase() { m_client.reset(); }

    void sentAgainAfterRetryAfter()
    {
        ScriptedNode node;
        node.script = {rateLimited(1)};
        Records records; // outlives the workspace, which may record as it goes
        LiveWorkspace workspace(profile(node), m_client);
        workspace.setToken("token");
        follow(workspace, records);
        QSignalSpy queued(&workspace, &LiveWorkspace::queuedInvalidationsChanged);

        workspace.invalidate(purgeNamespace("product"));
        QTRY_COMPARE_WITH_TIMEOUT(records.list.size(), 1, kTimeout);
        QCOMPARE(records.list[0].action, QStringLiteral("purge"));
        QCOMPARE(records.list[0].target, QStringLiteral("product"));
        QVERIFY(!records.list[0].ok);
        QCOMPARE(records.list[0].result, QStringLiteral("rate-limited by the deployment (HTTP 429): "
                                                        "queued, sending again in 1 s (send 2 of 5)"));
        QCOMPARE(workspace.queuedInvalidations(), 1);
        QVERIFY(workspace.nextQueuedSendInMs() > 500);
        QVERIFY(workspace.nextQueuedSendInMs() <= 1000);

        QTRY_COMPARE_WITH_TIMEOUT(records.list.size(), 2, kTimeout);
        QVERIFY(records.list[1].ok);
        QCOMPARE(records.list[1].result,
                 QStringLiteral("purged 1 entry — sent again after the rate limit (refused once)"));
        QCOMPARE(counts(queued), (QList<int>{1, 0}));
        QCOMPARE(workspace.queuedInvalidations(), 0);
        QCOMPARE(workspace.nextQueuedSendInMs(), -1);
        const QList<qint64> at = node.arrivals();
        QCOMPARE(at.size(), 2);
        QVERIFY2(at[1] - at[0] >= 900, qPrintable(QString::number(at[1] - at[0])));
    }

    void laterOnesWaitBehindInOrder()
    {
        ScriptedNode node;
        node.script = {rateLimited(1)};
        Records records; // outlives the workspace, which may record as it goes
        LiveWorkspace workspace(profile(node), m_client);
        workspace.setToken("token");
        follow(workspace, records);
        QSignalSpy queued(&workspace, &LiveWorkspace::queuedInvalidationsChanged);

        workspace.invalidate(purgeNamespace("product"));
        QTRY_COMPARE_WITH_TIMEOUT(workspace.queuedInvalidations(), 1, kTimeout);
        // Asked while the purge waits: a bump of the same namespace must not
        // overtake it, nor the purge after it.
        workspace.invalidate(bump("product"));
        workspace.invalidate(purgeNamespace("config"));
        QCOMPARE(workspace.queuedInvalidations(), 3);
        QCOMPARE(node.invalidations().size(), 1);

        QTRY_COMPARE_WITH_TIMEOUT(records.list.size(), 4, kTimeout);
        QCOMPARE(node.invalidations(),
                 (QStringList{QStringLiteral(R"(purge {"namespace":"product"})"),
                              QStringLiteral(R"(purge {"namespace":"product"})"),
                              QStringLiteral("bump product"),
                              QStringLiteral(R"(purge {"namespace":"config"})")}));
        QCOMPARE(records.list[1].action, QStringLiteral("purge"));
        QVERIFY(records.list[1].result.endsWith(QStringLiteral("sent again after the rate limit (refused once)")));
        QCOMPARE(records.list[2].action, QStringLiteral("bump"));
        QCOMPARE(records.list[2].result, QStringLiteral("version 4"));
        QCOMPARE(records.list[3].target, QStringLiteral("config"));
        QCOMPARE(records.list[3].result, QStringLiteral("purged 1 entry"));
        QCOMPARE(counts(queued), (QList<int>{1, 2, 3, 2, 1, 0}));
    }

    void backsOffWithoutRetryAfter()
    {
        ScriptedNode node;
        node.script = {rateLimited(), rateLimited(), rateLimited()};
        Records records; // outlives the workspace, which may record as it goes
        QList<qint64> waits; // as each 429 is recorded
        LiveWorkspace workspace(profile(node), m_client);
        workspace.setToken("token");
        workspace.setRateLimitBackoff(100 * kMicrosPerMilli);
        connect(&workspace, &Workspace::activity, this, [&](const ActivityRecord& record) {
            records.list << record;
            waits << workspace.nextQueuedSendInMs();
        });

        workspace.invalidate(purgeNamespace("product"));
        QTRY_COMPARE_WITH_TIMEOUT(records.list.size(), 4, kTimeout);
        QVERIFY(records.list[3].ok);
        QCOMPARE(records.list[3].result,
                 QStringLiteral("purged 1 entry — sent again after the rate limit (refused 3 times)"));
        // 100, 200, 400 ms: doubled at each 429.
        const QList<qint64> expected{100, 200, 400};
        for (int i = 0; i < 3; ++i) {
            QVERIFY2(waits[i] > expected[i] * 3 / 4 && waits[i] <= expected[i],
                     qPrintable(QString::number(waits[i])));
            QVERIFY(records.list[i].result.endsWith(QStringLiteral("(send %1 of 5)").arg(i + 2)));
        }
        const QList<qint64> at = node.arrivals();
        QCOMPARE(at.size(), 4);
        for (int i = 0; i < 3; ++i)
            QVERIFY2(at[i + 1] - at[i] >= expected[i] - 20, qPrintable(QString::number(at[i + 1] - at[i])));
    }

    void givesUpAfterFiveSends()
    {
        ScriptedNode node;
        for (int i = 0; i < 5; ++i)
            node.script.push_back(rateLimited());
        Records records; // outlives the workspace, which may record as it goes
        LiveWorkspace workspace(profile(node), m_client);
        workspace.setToken("token");
        workspace.setRateLimitBackoff(10 * kMicrosPerMilli);
        follow(workspace, records);

        workspace.invalidate(purgeNamespace("product"));
        workspace.invalidate(purgeNamespace("config")); // still sent, after
        QTRY_COMPARE_WITH_TIMEOUT(records.list.size(), 6, kTimeout);
        for (int i = 0; i < 4; ++i)
            QVERIFY(records.list[i].result.contains(QStringLiteral("queued, sending again")));
        QCOMPARE(records.list[4].target, QStringLiteral("product"));
        QVERIFY(!records.list[4].ok);
        QCOMPARE(records.list[4].result, QStringLiteral("rate-limited by the deployment (HTTP 429) at "
                                                        "each of 5 sends: given up, not done"));
        QCOMPARE(records.list[5].target, QStringLiteral("config"));
        QVERIFY(records.list[5].ok);
        QCOMPARE(records.list[5].result, QStringLiteral("purged 1 entry"));
        QCOMPARE(node.invalidations().size(), 6);
        QCOMPARE(workspace.queuedInvalidations(), 0);
    }

    void longRetryAfterIsNotWaitedFor()
    {
        ScriptedNode node;
        node.script = {rateLimited(900)};
        Records records; // outlives the workspace, which may record as it goes
        LiveWorkspace workspace(profile(node), m_client);
        workspace.setToken("token");
        follow(workspace, records);
        QSignalSpy queued(&workspace, &LiveWorkspace::queuedInvalidationsChanged);

        workspace.invalidate(purgeNamespace("product"));
        workspace.invalidate(bump("product"));
        QTRY_COMPARE_WITH_TIMEOUT(records.list.size(), 2, kTimeout);
        QVERIFY(!records.list[0].ok);
        QCOMPARE(records.list[0].result, QStringLiteral("rate-limited by the deployment (HTTP 429): retry "
                                                        "after 15 min, longer than the console waits "
                                                        "(10 min): not sent again"));
        QCOMPARE(records.list[1].action, QStringLiteral("bump"));
        QVERIFY(records.list[1].ok);
        QCOMPARE(counts(queued), (QList<int>{1, 0})); // the bump, behind the purge on the wire
    }

    void cancelDropsTheQueue()
    {
        ScriptedNode node;
        node.script = {rateLimited(30)};
        Records records; // outlives the workspace, which may record as it goes
        LiveWorkspace workspace(profile(node), m_client);
        workspace.setToken("token");
        follow(workspace, records);

        workspace.invalidate(purgeNamespace("product"));
        QTRY_COMPARE_WITH_TIMEOUT(workspace.queuedInvalidations(), 1, kTimeout);
        workspace.invalidate(bump("product"));
        QSignalSpy queued(&workspace, &LiveWorkspace::queuedInvalidationsChanged);
        workspace.cancelQueued();
        QCOMPARE(counts(queued), QList<int>{0});
        QCOMPARE(workspace.nextQueuedSendInMs(), -1);
        QCOMPARE(records.results(),
                 (QStringList{records.list[0].result,
                              QStringLiteral("cancelled while waiting for the rate limit"),
                              QStringLiteral("cancelled while waiting for the rate limit")}));
        QCOMPARE(records.list[1].target, QStringLiteral("product"));
        QCOMPARE(records.list[2].action, QStringLiteral("bump"));
        QCOMPARE(node.invalidations().size(), 1);
    }

    void readOnlyNeverQueues()
    {
        ScriptedNode node;
        Records records; // outlives the workspace, which may record as it goes
        LiveWorkspace workspace(profile(node, "production"), m_client);
        workspace.setToken("token");
        QVERIFY(workspace.isReadOnly());
        follow(workspace, records);
        QSignalSpy queued(&workspace, &LiveWorkspace::queuedInvalidationsChanged);
        workspace.invalidate(purgeNamespace("product"));
        QCOMPARE(records.list.size(), 1);
        QCOMPARE(records.list[0].result, workspace.readOnlyMessage());
        QCOMPARE(workspace.queuedInvalidations(), 0);
        QCOMPARE(queued.size(), 0);

        // Unlocked, rate-limited, then locked again: what waits is dropped.
        node.script = {rateLimited(30)};
        workspace.setUnlocked(true);
        workspace.invalidate(purgeNamespace("product"));
        QTRY_COMPARE_WITH_TIMEOUT(workspace.queuedInvalidations(), 1, kTimeout);
        workspace.setUnlocked(false);
        QCOMPARE(workspace.queuedInvalidations(), 0);
        QCOMPARE(records.list.last().result, QStringLiteral("not sent: staging is read-only now"));
        QCOMPARE(node.invalidations().size(), 1);
    }

    void aNewConnectionOrClosingDropsTheQueue()
    {
        ScriptedNode node;
        node.script = {rateLimited(30), rateLimited(30)};
        Records records;
        {
            LiveWorkspace workspace(profile(node), m_client);
            workspace.setToken("token");
            follow(workspace, records);
            workspace.invalidate(purgeNamespace("product"));
            QTRY_COMPARE_WITH_TIMEOUT(workspace.queuedInvalidations(), 1, kTimeout);
            workspace.setToken("another token");
            QCOMPARE(workspace.queuedInvalidations(), 0);
            QCOMPARE(records.list.last().result,
                     QStringLiteral("not sent: the connection to staging changed"));

            workspace.invalidate(bump("product"));
            QTRY_COMPARE_WITH_TIMEOUT(workspace.queuedInvalidations(), 1, kTimeout);
        }
        QCOMPARE(records.list.size(), 4);
        QCOMPARE(records.list.last().action, QStringLiteral("bump"));
        QCOMPARE(records.list.last().result, QStringLiteral("not sent: the workspace was closed"));
    }

    void oneOnTheWireIsNotCancelled()
    {
        ScriptedNode node;
        node.silent = true;
        Records records; // outlives the workspace, which may record as it goes
        LiveWorkspace workspace(profile(node), m_client);
        workspace.setToken("token");
        follow(workspace, records);
        workspace.invalidate(purgeNamespace("product"));
        workspace.invalidate(bump("product"));
        QCOMPARE(workspace.queuedInvalidations(), 1); // the bump, behind the purge
        QTRY_COMPARE_WITH_TIMEOUT(node.invalidations().size(), 1, kTimeout);

        // Cancel drops the bump only: the purge is past stopping.
        workspace.cancelQueued();
        QCOMPARE(records.results(), QStringList{QStringLiteral("cancelled before it was sent")});
        QCOMPARE(records.list[0].action, QStringLiteral("bump"));
        QCOMPARE(workspace.queuedInvalidations(), 0);

        // A new connection forgets the call: nobody knows whether it was done.
        workspace.setToken("another token");
        QCOMPARE(records.list.size(), 2);
        QCOMPARE(records.list[1].action, QStringLiteral("purge"));
        QCOMPARE(records.list[1].result,
                 QStringLiteral("no answer: the connection to staging changed while it was being "
                                "sent; it may or may not have been done"));
    }

    void statusBarShowsTheQueue()
    {
        QCOMPARE(LiveStatusBar::queueText(0, 100), QString());
        QCOMPARE(LiveStatusBar::queueText(1, 7200),
                 QStringLiteral("1 invalidation queued (rate limit), next in 8 s"));
        QCOMPARE(LiveStatusBar::queueText(2, -1),
                 QStringLiteral("2 invalidations queued behind one being sent"));

        ScriptedNode node;
        node.script = {rateLimited(30)};
        Records records; // outlives the workspace, which may record as it goes
        LiveWorkspace workspace(profile(node), m_client);
        workspace.setToken("token");
        follow(workspace, records);
        LiveStatusBar bar;
        bar.setWorkspace(&workspace);
        bar.show();
        auto* label = bar.findChild<QLabel*>(QStringLiteral("queueLabel"));
        auto* cancel = bar.findChild<QToolButton*>(QStringLiteral("cancelQueuedButton"));
        QVERIFY(label && cancel);
        QVERIFY(!label->isVisible());
        QVERIFY(!cancel->isVisible());
        QCOMPARE(bar.queueText(), QString());

        workspace.invalidate(purgeNamespace("product"));
        QTRY_VERIFY_WITH_TIMEOUT(cancel->isVisible(), kTimeout);
        QCOMPARE(bar.queueText(), QStringLiteral("1 invalidation queued (rate limit), next in 30 s"));
        workspace.invalidate(bump("product"));
        QCOMPARE(bar.queueText(), QStringLiteral("2 invalidations queued (rate limit), next in 30 s"));
        QVERIFY(label->isVisible());

        QTest::mouseClick(cancel, Qt::LeftButton);
        QCOMPARE(workspace.queuedInvalidations(), 0);
        QVERIFY(!label->isVisible());
        QVERIFY(!cancel->isVisible());
        QCOMPARE(bar.queueText(), QString());
        QCOMPARE(records.list.size(), 3);
        QCOMPARE(records.list.last().result, QStringLiteral("cancelled while waiting for the rate limit"));
    }
};

QTEST_MAIN(TestLiveWorkspaceQueue)
#include "tst_liveworkspacequeue.moc"
