// LiveWorkspace's reading of the node's health against a scripted node
// (127.0.0.1, port 0) whose health answer the test sets step by step: the
// warnings it sends, kept through health calls that fail or are refused,
// replaced by the next one read, cleared when the profile moves to another
// node. (tst_liveworkspace runs a real fallback-node, whose answers a test
// cannot script.)

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

} // namespace

class TestLiveWorkspaceHealth : public QObject {
    Q_OBJECT

private:
    std::shared_ptr<live::AdminClient> m_client = std::make_shared<live::AdminClient>();

    /// A new token reconnects, and a reconnect asks the health at once: well
    /// before the periodic check (kHealthEverySeconds) would.
    static void reconnect(LiveWorkspace& workspace, ScriptedNode& node, const QByteArray& health)
    {
        static int tokens = 0;
        node.health = health;
        const int asked = node.healthCalls();
        workspace.setToken("token-" + std::to_string(++tokens));
        QTRY_VERIFY_WITH_TIMEOUT(node.healthCalls() > asked, LiveWorkspace::kHealthEverySeconds * 1000 / 2);
    }

    static QStringList last(const QSignalSpy& spy) { return spy.last().at(0).toStringList(); }

private slots:
    void cleanupTestCase() { m_client.reset(); }

    void warningsFollowTheHealthAnswers()
    {
        const QString a = QStringLiteral("namespace 'product': s-maxage forbids serving stale copies");
        const QString b = QStringLiteral("namespace 'config': no-store forbids storing");
        const QString c = QStringLiteral("namespace 'pricing': private forbids a shared cache to store");
        ScriptedNode node;
        node.health = ScriptedNode::healthOk({a, b});
        LiveWorkspace workspace(profile(node), m_client);
        QSignalSpy changed(&workspace, &Workspace::warningsChanged);
        QVERIFY(workspace.warnings().isEmpty());
        workspace.setToken("token-0");
        workspace.start();

        // Warnings are advice: the node stays Connected.
        QTRY_COMPARE_WITH_TIMEOUT(changed.size(), 1, kTimeout);
        QCOMPARE(last(changed), (QStringList{a, b}));
        QCOMPARE(workspace.warnings(), (QStringList{a, b}));
        QTRY_COMPARE_WITH_TIMEOUT(workspace.state(), Workspace::State::Connected, kTimeout);

        // An error answer makes the node Degraded and keeps the warnings.
        reconnect(workspace, node, ScriptedServer::answer(503, R"({"error":"busy"})"));
        QTRY_VERIFY_WITH_TIMEOUT(workspace.lastError().contains(QStringLiteral("HTTP 503")), kTimeout);
        QCOMPARE(workspace.state(), Workspace::State::Degraded);
        QCOMPARE(workspace.warnings(), (QStringList{a, b}));

        // So does an answer that is not a health document.
        reconnect(workspace, node, ScriptedServer::answer(200, "<html>warnings</html>"));
        QTRY_VERIFY_WITH_TIMEOUT(workspace.lastError().contains(QStringLiteral("not a JSON object")), kTimeout);
        QCOMPARE(workspace.warnings(), (QStringList{a, b}));

        // The same warnings again: no signal.
        reconnect(workspace, node, ScriptedNode::healthOk({a, b}));
        QTRY_COMPARE_WITH_TIMEOUT(workspace.state(), Workspace::State::Connected, kTimeout);
        QCOMPARE(changed.size(), 1);

        // A refused health call leaves them as they are: had it cleared
        // them, the spy would hold an empty list before the next answer.
        reconnect(workspace, node, ScriptedServer::answer(401, R"({"error":"unauthorized"})"));
        const int stats = node.statsCalls();
        QTRY_VERIFY_WITH_TIMEOUT(node.statsCalls() >= stats + 2, kTimeout); // its answer has landed
        QCOMPARE(workspace.warnings(), (QStringList{a, b}));

        // A degraded node may warn too: both show.
        reconnect(workspace, node, ScriptedNode::healthOk({c}, "degraded"));
        QTRY_COMPARE_WITH_TIMEOUT(changed.size(), 2, kTimeout);
        QCOMPARE(last(changed), QStringList{c});
        QTRY_COMPARE_WITH_TIMEOUT(workspace.state(), Workspace::State::Degraded, kTimeout);
        QVERIFY2(workspace.lastError().contains(QStringLiteral("origin failing")),
                 qPrintable(workspace.lastError()));

        // A health answer without warnings empties them.
        reconnect(workspace, node, ScriptedNode::healthOk({}));
        QTRY_COMPARE_WITH_TIMEOUT(changed.size(), 3, kTimeout);
        QVERIFY(last(changed).isEmpty());
        QVERIFY(workspace.warnings().isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(workspace.state(), Workspace::State::Connected, kTimeout);
    }

    void anotherNodeStartsWithoutWarnings()
    {
        const QString old = QStringLiteral("the old node's warning");
        const QString fresh = QStringLiteral("the new node's warning");
        ScriptedNode first;
        first.health = ScriptedNode::healthOk({old}, "degraded");
        ScriptedNode second;
        second.health = ScriptedNode::healthOk({fresh});
        LiveWorkspace workspace(profile(first), m_client);
        QSignalSpy changed(&workspace, &Workspace::warningsChanged);
        workspace.setToken("token");
        workspace.start();
        QTRY_COMPARE_WITH_TIMEOUT(workspace.warnings(), QStringList{old}, kTimeout);
        QTRY_COMPARE_WITH_TIMEOUT(workspace.state(), Workspace::State::Degraded, kTimeout);

        // Cleared at once (not at the new node's answer), and the new node's
        // health is asked at its first answer: neither its warnings nor its
        // state are the old node's, not even before its health answers.
        QList<Workspace::State> afterPoll;
        connect(&workspace, &LiveWorkspace::polled, this, [&] { afterPoll << workspace.state(); });
        workspace.setProfile(profile(second));
        QCOMPARE(changed.size(), 2);
        QVERIFY(last(changed).isEmpty());
        QVERIFY(workspace.warnings().isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(workspace.warnings(), QStringList{fresh}, kTimeout);
        QCOMPARE(afterPoll.value(0), Workspace::State::Connected);
        QCOMPARE(workspace.state(), Workspace::State::Connected);
        QCOMPARE(second.healthCalls(), 1);
        disconnect(&workspace, nullptr, this, nullptr);
    }
};

QTEST_MAIN(TestLiveWorkspaceHealth)
#include "tst_liveworkspacehealth.moc"
