// LiveWorkspace reading what other clients did from the node's audit route,
// against a scripted node (127.0.0.1, port 0) whose audit answers the test
// sets: the recent past at connect, then what follows the last number read;
// this console's own records skipped; a restarted node (another instance)
// read from its newest, without repeating what was shown; an older node
// without the route asked once; every call naming this console.

#include "live/adminclient.h"
#include "scriptednode.h"
#include "workspaces/liveworkspace.h"

#include <QSignalSpy>
#include <QtTest>

#include <memory>

using namespace fallback;
using namespace fallback::ui;
using fallback::ui::test::profile;
using fallback::ui::test::ScriptedNode;

namespace {

constexpr int kTimeout = 10000;

nlohmann::json entry(std::uint64_t seq, const char* time, const char* action, const char* target,
                     const std::string& client, bool ok = true)
{
    nlohmann::json e = {{"seq", seq},       {"time", time}, {"action", action},
                        {"target", target}, {"ok", ok},     {"peer", "10.0.0.9:41000"},
                        {"result", ok ? "purged 3" : "refused: invalid policy"}};
    if (!client.empty())
        e["client"] = client;
    return e;
}

QByteArray page(const char* instance, const std::vector<nlohmann::json>& records, std::uint64_t last,
                bool more = false)
{
    const nlohmann::json doc = {{"instance", instance}, {"records", records}, {"last_seq", last},
                                {"first_seq", 1},       {"more", more},       {"missed", 0}};
    return ScriptedServer::answer(200, QByteArray::fromStdString(doc.dump()));
}

std::vector<ActivityRecord> records(const QSignalSpy& spy)
{
    std::vector<ActivityRecord> out;
    for (const QList<QVariant>& args : spy)
        out.push_back(args.at(0).value<ActivityRecord>());
    return out;
}

} // namespace

class TestLiveWorkspaceAudit : public QObject {
    Q_OBJECT

private:
    std::shared_ptr<live::AdminClient> m_client = std::make_shared<live::AdminClient>();

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        qRegisterMetaType<ActivityRecord>();
    }
    void cleanupTestCase() { m_client.reset(); }

    void othersActionsBecomeRecords()
    {
        const std::string self = LiveWorkspace::clientName().toStdString();
        ScriptedNode node;
        node.audit = page("run-a",
                          {entry(4, "2026-11-25T10:00:00.250Z", "purge", "namespace product", "ci-job 17"),
                           entry(5, "2026-11-25T10:00:01.000Z", "bump", "namespace product", self),
                           entry(6, "2026-11-25T10:00:02.000Z", "policy", "policy", "", false)},
                          6);
        LiveWorkspace workspace(profile(node), m_client);
        QSignalSpy activity(&workspace, &Workspace::activity);
        workspace.setToken("token");
        workspace.start();

        QTRY_COMPARE_WITH_TIMEOUT(activity.size(), 2, kTimeout);
        const std::vector<ActivityRecord> seen = records(activity);
        const ActivityRecord& purge = seen[0];
        QVERIFY(purge.remote);
        QCOMPARE(purge.action, QStringLiteral("purge"));
        QCOMPARE(purge.target, QStringLiteral("namespace product"));
        QCOMPARE(purge.result, QStringLiteral("purged 3"));
        QCOMPARE(purge.by, QStringLiteral("ci-job 17 (10.0.0.9)"));
        QCOMPARE(purge.workspace, QStringLiteral("staging"));
        QCOMPARE(purge.when, QDateTime(QDate(2026, 11, 25), QTime(10, 0, 0, 250), QTimeZone::utc()));
        QCOMPARE(purge.at, purge.when.toMSecsSinceEpoch() * kMicrosPerMilli); // where the Overview marks it
        // This console's own bump is not repeated; a failed action from an
        // unnamed client is listed as failed, by its address.
        QCOMPARE(seen[1].action, QStringLiteral("policy"));
        QVERIFY(!seen[1].ok);
        QCOMPARE(seen[1].by, QStringLiteral("10.0.0.9"));

        // At connect the recent past; then what follows the last number.
        QTRY_VERIFY_WITH_TIMEOUT(node.auditCalls() >= 3, kTimeout);
        const QList<QByteArray> paths = node.auditPaths();
        QCOMPARE(paths[0], QByteArray("/v1/admin/audit?limit=50"));
        QCOMPARE(paths[1], QByteArray("/v1/admin/audit?after=6&limit=200"));
        // The same page answered again adds nothing.
        QCOMPARE(activity.size(), 2);

        // Another client acts: its record comes with a following poll.
        node.audit = page("run-a", {entry(7, "2026-11-25T10:00:09.000Z", "purge", "all", "fallbackctl bob@ops")}, 7);
        QTRY_COMPARE_WITH_TIMEOUT(activity.size(), 3, kTimeout);
        QCOMPARE(records(activity)[2].target, QStringLiteral("all"));
        QTRY_VERIFY_WITH_TIMEOUT(node.auditPaths().contains("/v1/admin/audit?after=7&limit=200"), kTimeout);
        // Every call says who is asking.
        QCOMPARE(node.lastClient(), QByteArray::fromStdString(self));
        QVERIFY(node.lastClient().startsWith("fallback-console "));
    }

    void restartedNodeIsReadFromItsNewest()
    {
        ScriptedNode node;
        const nlohmann::json before = entry(9, "2026-11-25T11:00:00.000Z", "purge", "namespace config", "ci-job 1");
        node.audit = page("run-a", {before}, 9);
        LiveWorkspace workspace(profile(node), m_client);
        QSignalSpy activity(&workspace, &Workspace::activity);
        workspace.setToken("token");
        workspace.start();
        QTRY_COMPARE_WITH_TIMEOUT(activity.size(), 1, kTimeout);

        // Restarted: new numbers, the old record read back from its file
        // (seq 1 now) and a new one after it.
        nlohmann::json again = before;
        again["seq"] = 1;
        node.audit = page("run-b",
                          {again, entry(2, "2026-11-25T11:05:00.000Z", "bump", "namespace config", "ci-job 2")}, 2);
        QTRY_COMPARE_WITH_TIMEOUT(activity.size(), 2, kTimeout);
        QCOMPARE(records(activity)[1].action, QStringLiteral("bump"));
        // It answered a number of the old run (after=9), so it was read
        // again from the newest, and then followed from 2.
        QTRY_VERIFY_WITH_TIMEOUT(node.auditPaths().contains("/v1/admin/audit?after=2&limit=200"), kTimeout);
        const QList<QByteArray> paths = node.auditPaths();
        const qsizetype old = paths.indexOf("/v1/admin/audit?after=9&limit=200");
        QVERIFY(old > 0);
        QCOMPARE(paths.value(old + 1), QByteArray("/v1/admin/audit?limit=50"));
        QCOMPARE(activity.size(), 2);
    }

    void morePagesAreReadAtOnce()
    {
        ScriptedNode node;
        node.audit = page("run-a", {entry(1, "2026-11-25T12:00:00.000Z", "purge", "all", "a")}, 300, true);
        LiveWorkspace workspace(profile(node), m_client);
        workspace.setToken("token");
        workspace.start();
        // A page saying more follows is followed by the next one without
        // waiting for a poll.
        QTRY_VERIFY_WITH_TIMEOUT(node.auditCalls() >= 2, kTimeout);
        QCOMPARE(node.auditPaths()[1], QByteArray("/v1/admin/audit?after=1&limit=200"));
        QVERIFY(node.statsCalls() <= 2);
    }

    void olderNodeIsAskedOnce()
    {
        ScriptedNode node; // answers 404 on the audit route, like a node before it
        LiveWorkspace workspace(profile(node), m_client);
        QSignalSpy activity(&workspace, &Workspace::activity);
        workspace.setToken("token");
        workspace.start();
        QTRY_VERIFY_WITH_TIMEOUT(node.statsCalls() >= 5, kTimeout);
        QCOMPARE(node.auditCalls(), 1);
        QCOMPARE(activity.size(), 0);
        QCOMPARE(workspace.state(), Workspace::State::Connected); // not a problem of the node's
    }
};

QTEST_MAIN(TestLiveWorkspaceAudit)
#include "tst_liveworkspaceaudit.moc"
