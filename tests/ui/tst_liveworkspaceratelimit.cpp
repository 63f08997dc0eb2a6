// "Show limits" (SPEC §8): the rate limit a deployment states in its answers
// to purges and bumps, as LiveWorkspace remembers it and the Overview's
// status bar shows it (amber with 10 % or less left, red with none), and in
// the invalidations' activity records. Against a scripted node (127.0.0.1,
// port 0) whose answers carry the headers the test chooses; the workspace is
// never started, so only the invalidations reach it.

#include "live/adminclient.h"
#include "scriptedinvalidations.h"
#include "widgets/livestatusbar.h"
#include "workspaces/liveworkspace.h"

#include <QLabel>
#include <QSignalSpy>
#include <QThread>
#include <QtTest>

#include <memory>

using namespace fallback;
using namespace fallback::ui;

namespace {

constexpr int kTimeout = 10000;
const QColor kAmber(0xb7, 0x79, 0x1f);
const QColor kRed(0xd0, 0x3b, 0x3b);

/// A purge's success carrying `headers`.
QByteArray purged(const QByteArray& headers)
{
    return ScriptedServer::answer(200, R"({"purged":3})", headers);
}

/// Cloudflare's form: `remaining` of 1000 left, reset in `resetSeconds`.
QByteArray cloudflare(int remaining, int resetSeconds)
{
    return "Ratelimit: \"default\";r=" + QByteArray::number(remaining) +
           ";t=" + QByteArray::number(resetSeconds) +
           "\r\nRatelimit-Policy: \"default\";q=1000;w=3600\r\n";
}

live::RateLimit limitOf(qint64 limit, qint64 remaining)
{
    live::RateLimit r;
    if (limit >= 0)
        r.limit = limit;
    if (remaining >= 0)
        r.remaining = remaining;
    return r;
}

} // namespace

class TestLiveWorkspaceRateLimit : public QObject {
    Q_OBJECT

private:
    std::shared_ptr<live::AdminClient> m_client = std::make_shared<live::AdminClient>();

    /// A workspace with a token, its records followed, and a status bar on it.
    struct Rig {
        Rig(TestLiveWorkspaceRateLimit* test, ScriptedNode& node)
            : workspace(profile(node), test->m_client)
        {
            workspace.setToken("token");
            connect(&workspace, &Workspace::activity, test,
                    [this](const ActivityRecord& record) { records.list << record; });
            bar.setWorkspace(&workspace);
            bar.show();
            label = bar.findChild<QLabel*>(QStringLiteral("purgeLimitLabel"));
        }
        QColor colour() const { return label->palette().color(QPalette::WindowText); }

        Records records; // declared first: the workspace may record as it goes
        LiveWorkspace workspace;
        LiveStatusBar bar;
        QLabel* label = nullptr;
    };

private slots:
    void cleanupTestCase() { m_client.reset(); }

    void shownAfterAPurgeAndABump()
    {
        ScriptedNode node;
        node.script = {purged(cloudflare(997, 3480)),
                       ScriptedServer::answer(200, R"({"version":4})", cloudflare(996, 3479))};
        Rig rig(this, node);
        QVERIFY(rig.label);
        QVERIFY(!rig.label->isVisible());
        QCOMPARE(rig.bar.purgeLimitText(), QString());
        QCOMPARE(rig.workspace.purgeLimit(), std::nullopt);
        QSignalSpy changed(&rig.workspace, &LiveWorkspace::purgeLimitChanged);

        rig.workspace.invalidate(purgeNamespace("product"));
        QTRY_COMPARE_WITH_TIMEOUT(rig.records.list.size(), 1, kTimeout);
        QVERIFY(rig.records.list[0].ok);
        QCOMPARE(rig.records.list[0].result,
                 QStringLiteral("purged 3 entries (rate limit: 997 of 1000 left)"));
        const std::optional<live::RateLimit> limit = rig.workspace.purgeLimit();
        QVERIFY(limit);
        QCOMPARE(limit->limit, std::optional<std::int64_t>(1000));
        QCOMPARE(limit->remaining, std::optional<std::int64_t>(997));
        QCOMPARE(limit->window, std::optional<Micros>(3600 * kMicrosPerSecond));
        QVERIFY(*limit->resetIn > 3470 * kMicrosPerSecond &&
                *limit->resetIn <= 3480 * kMicrosPerSecond);
        QCOMPARE(changed.size(), 1);
        QVERIFY(rig.label->isVisible());
        QCOMPARE(rig.bar.purgeLimitText(),
                 QStringLiteral("Purge limit: 997 of 1000 left, resets in 58 min"));
        QCOMPARE(rig.colour(), rig.bar.palette().color(QPalette::WindowText)); // plenty left: plain
        QVERIFY(!rig.label->font().bold());
        QVERIFY(rig.label->toolTip().contains(QStringLiteral("\"default\"")));

        rig.workspace.invalidate(bump("product"));
        QTRY_COMPARE_WITH_TIMEOUT(rig.records.list.size(), 2, kTimeout);
        QCOMPARE(rig.records.list[1].result,
                 QStringLiteral("version 4 (rate limit: 996 of 1000 left)"));
        QCOMPARE(rig.bar.purgeLimitText(),
                 QStringLiteral("Purge limit: 996 of 1000 left, resets in 58 min"));
    }

    void colourByShareLeft_data()
    {
        QTest::addColumn<qint64>("limit"); // -1: not stated
        QTest::addColumn<qint64>("remaining");
        QTest::addColumn<QColor>("colour"); // invalid: the palette's
        QTest::newRow("plenty") << qint64(1000) << qint64(997) << QColor();
        QTest::newRow("just over 10 %") << qint64(1000) << qint64(101) << QColor();
        QTest::newRow("10 %") << qint64(1000) << qint64(100) << kAmber;
        QTest::newRow("one left") << qint64(1000) << qint64(1) << kAmber;
        QTest::newRow("one of five") << qint64(5) << qint64(1) << QColor();
        QTest::newRow("one of ten") << qint64(10) << qint64(1) << kAmber;
        QTest::newRow("none left") << qint64(1000) << qint64(0) << kRed;
        QTest::newRow("none left, limit unknown") << qint64(-1) << qint64(0) << kRed;
        QTest::newRow("few left, limit unknown") << qint64(-1) << qint64(1) << QColor();
        QTest::newRow("only the limit") << qint64(1000) << qint64(-1) << QColor();
        QTest::newRow("a limit of 0") << qint64(0) << qint64(0) << kRed;
    }

    void colourByShareLeft()
    {
        QFETCH(qint64, limit);
        QFETCH(qint64, remaining);
        QFETCH(QColor, colour);
        QCOMPARE(LiveStatusBar::purgeLimitColor(limitOf(limit, remaining)), colour);
    }

    void rateLimitedIsRedThenForgottenByAnAnswerWithout()
    {
        ScriptedNode node;
        node.script = {rateLimited(1, "X-RateLimit-Limit: 1000\r\nX-RateLimit-Remaining: 0\r\n"
                                      "X-RateLimit-Reset: 30\r\n")};
        Rig rig(this, node);
        rig.workspace.invalidate(purgeNamespace("product"));
        QTRY_COMPARE_WITH_TIMEOUT(rig.records.list.size(), 1, kTimeout);
        QCOMPARE(rig.records.list[0].result,
                 QStringLiteral(
                     "rate-limited by the deployment (HTTP 429): queued, sending again in 1 s "
                     "(send 2 of 5) (rate limit: none of 1000 left)"));
        QCOMPARE(rig.bar.purgeLimitText(),
                 QStringLiteral("Purge limit: none of 1000 left until 30 s from now"));
        QCOMPARE(rig.colour(), kRed);
        QVERIFY(rig.label->font().bold());

        // Sent again; this answer states no limit: the old count is not shown
        // as if it still held.
        QTRY_COMPARE_WITH_TIMEOUT(rig.records.list.size(), 2, kTimeout);
        QCOMPARE(rig.records.list[1].result,
                 QStringLiteral("purged 1 entry — sent again after the rate limit (refused once)"));
        QCOMPARE(rig.workspace.purgeLimit(), std::nullopt);
        QVERIFY(!rig.label->isVisible());
        QCOMPARE(rig.bar.purgeLimitText(), QString());
    }

    void amberThenGoneAtTheReset()
    {
        ScriptedNode node;
        node.script = {
            purged("RateLimit-Limit: 10\r\nRateLimit-Remaining: 1\r\nRateLimit-Reset: 1\r\n")};
        Rig rig(this, node);
        QSignalSpy changed(&rig.workspace, &LiveWorkspace::purgeLimitChanged);
        rig.workspace.invalidate(purgeNamespace("product"));
        QTRY_COMPARE_WITH_TIMEOUT(rig.records.list.size(), 1, kTimeout);
        QCOMPARE(rig.bar.purgeLimitText(),
                 QStringLiteral("Purge limit: 1 of 10 left, resets in 1 s"));
        QCOMPARE(rig.colour(), kAmber);
        QElapsedTimer clock;
        clock.start();
        QTRY_VERIFY_WITH_TIMEOUT(!rig.label->isVisible(), kTimeout);
        QVERIFY2(clock.elapsed() < 1500, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(rig.workspace.purgeLimit(), std::nullopt);
        QCOMPARE(changed.size(), 2); // shown, then forgotten by the workspace itself
    }

    void withoutAResetGoneAfterItsWindow()
    {
        ScriptedNode node;
        node.script = {purged("RateLimit-Limit: 100;w=1\r\nRateLimit-Remaining: 50\r\n")};
        Rig rig(this, node);
        rig.workspace.invalidate(purgeNamespace("product"));
        QTRY_COMPARE_WITH_TIMEOUT(rig.records.list.size(), 1, kTimeout);
        QCOMPARE(rig.records.list[0].result,
                 QStringLiteral("purged 3 entries (rate limit: 50 of 100 left)"));
        QCOMPARE(rig.bar.purgeLimitText(), QStringLiteral("Purge limit: 50 of 100 left"));
        // A GUI thread busy past the window (no timer could fire) is still
        // told nothing stale.
        QThread::msleep(1100);
        QCOMPARE(rig.workspace.purgeLimit(), std::nullopt);
        QTRY_VERIFY_WITH_TIMEOUT(!rig.label->isVisible(), kTimeout);
    }

    void aResetAlreadyPastIsNotShown()
    {
        ScriptedNode node;
        node.script = {purged("X-RateLimit-Remaining: 5\r\nX-RateLimit-Reset: 1000000001\r\n")};
        Rig rig(this, node);
        rig.workspace.invalidate(purgeNamespace("product"));
        QTRY_COMPARE_WITH_TIMEOUT(rig.records.list.size(), 1, kTimeout);
        QCOMPARE(rig.workspace.purgeLimit(), std::nullopt);
        QVERIFY(!rig.label->isVisible());
    }

    void goneOnANewConnection()
    {
        ScriptedNode node;
        node.script = {purged(cloudflare(10, 600)), purged(cloudflare(9, 600))};
        Rig rig(this, node);
        rig.workspace.invalidate(purgeNamespace("product"));
        QTRY_VERIFY_WITH_TIMEOUT(rig.label->isVisible(), kTimeout);

        QSignalSpy changed(&rig.workspace, &LiveWorkspace::purgeLimitChanged);
        rig.workspace.setToken("another token"); // another token may have another quota
        QCOMPARE(changed.size(), 1);
        QCOMPARE(rig.workspace.purgeLimit(), std::nullopt);
        QVERIFY(!rig.label->isVisible());

        rig.workspace.invalidate(purgeNamespace("product"));
        QTRY_VERIFY_WITH_TIMEOUT(rig.label->isVisible(), kTimeout);
        QCOMPARE(rig.bar.purgeLimitText(),
                 QStringLiteral("Purge limit: 9 of 1000 left, resets in 10 min"));
        DeploymentProfile moved = rig.workspace.profile();
        moved.url = closedPortUrl(); // another node
        rig.workspace.setProfile(moved);
        QCOMPARE(rig.workspace.purgeLimit(), std::nullopt);
        QVERIFY(!rig.label->isVisible());

        // The same profile again (nothing moved) keeps what is known.
        ScriptedNode other;
        other.script = {purged(cloudflare(8, 600))};
        moved.url = other.url();
        rig.workspace.setProfile(moved);
        rig.workspace.invalidate(purgeNamespace("product"));
        QTRY_VERIFY_WITH_TIMEOUT(rig.label->isVisible(), kTimeout);
        rig.workspace.setProfile(moved);
        QVERIFY(rig.workspace.purgeLimit());
        QVERIFY(rig.label->isVisible());
    }
};

QTEST_MAIN(TestLiveWorkspaceRateLimit)
#include "tst_liveworkspaceratelimit.moc"
