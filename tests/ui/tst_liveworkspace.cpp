// LiveWorkspace against a real fallback-node and origin on 127.0.0.1:
// polling and state, the series, policy with If-Match, purge and bump,
// warnings of a node whose disk refuses writes, production read-only, pause,
// an unreachable node.

#include "charts/serieshistory.h"
#include "dialogs/invalidationdialog.h"
#include "live/adminclient.h"
#include "livenode.h"
#include "widgets/livestatusbar.h"
#include "workspaces/liveworkspace.h"

#include <QJsonArray>
#include <QLabel>
#include <QtTest>

#include <memory>

using namespace fallback;
using namespace fallback::ui;
using namespace fallback::ui::test;

namespace {

constexpr int kTimeout = 20000;

/// Everything a workspace published, folded as the Overview folds it.
struct Collector {
    SeriesHistory history;
    int snapshots = 0;
    std::uint64_t reads = 0;

    explicit Collector(Workspace* workspace)
    {
        history.setMissingSeconds(SeriesHistory::MissingSeconds::Gap);
        QObject::connect(workspace, &Workspace::snapshotUpdated, workspace, [this](SnapshotPtr s) {
            ++snapshots;
            if (s->seriesReset)
                history.clear();
            history.append(s->newPoints);
            for (const SeriesPoint& p : s->newPoints)
                reads += p.requests.requests;
        });
    }
};

} // namespace

class TestLiveWorkspace : public QObject {
    Q_OBJECT

private:
    LiveNode m_node;
    std::shared_ptr<live::AdminClient> m_client;

    DeploymentProfile profile(const char* name, const char* environment = "staging") const
    {
        DeploymentProfile p;
        p.name = name;
        p.url = m_node.url().toStdString();
        p.token = {TokenSource::Kind::File, m_node.tokenFile().toStdString()};
        p.environment = environment;
        p.pollInterval = 200 * kMicrosPerMilli;
        return p;
    }

    std::unique_ptr<LiveWorkspace> open(const DeploymentProfile& p,
                                        const std::string& token = LiveNode::kToken)
    {
        auto workspace = std::make_unique<LiveWorkspace>(p, m_client);
        workspace->setToken(token);
        workspace->start();
        return workspace;
    }

    static bool connected(LiveWorkspace* workspace)
    {
        return QTest::qWaitFor(
            [&] {
                // ... and its audit log read: what other tests did to the
                // shared node has arrived before a test starts counting.
                return workspace->state() == Workspace::State::Connected
                       && workspace->appliedPolicy().find("product") != nullptr
                       && workspace->followsAuditLog();
            },
            kTimeout);
    }

private slots:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_node.start(&error), qPrintable(error));
        m_client = std::make_shared<live::AdminClient>();
    }

    void cleanupTestCase()
    {
        m_node.stop();
        m_client.reset();
    }

    void connectsPollsAndFillsTheSeries()
    {
        auto workspace = open(profile("staging-a"));
        QCOMPARE(workspace->kind(), Workspace::Kind::Live);
        Collector collected(workspace.get());
        m_node.startTraffic();
        QVERIFY(connected(workspace.get()));
        QTRY_VERIFY_WITH_TIMEOUT(collected.reads > 20 && collected.history.size() >= 3, kTimeout);
        m_node.stopTraffic();

        QVERIFY(!workspace->policyEtag().isEmpty());
        QVERIFY(workspace->lastSuccess().isValid());
        QVERIFY(workspace->latencyMs() >= 0.0);
        QVERIFY(workspace->pollsAnswered() >= 2);
        const SnapshotPtr snapshot = workspace->snapshot();
        QVERIFY(snapshot);
        QVERIFY(snapshot->tiers[tierIndex(TierId::EdgeCache)].enabled);
        QVERIFY(snapshot->requests.requests > 0);
        QVERIFY(snapshot->now > 0);
        // While the node answers, every second is held: a point or an idle
        // second filled in; none is a gap.
        const SeriesHistory& history = collected.history;
        QCOMPARE(std::int64_t(history.size()), history.lastSecond() - history.firstSecond() + 1);
        // The live edge: the last second held is the node's last complete one.
        QVERIFY(history.lastSecond() <= snapshot->now / kMicrosPerSecond - 1);
    }

    void wrongTokenIsUnauthorized()
    {
        auto workspace = open(profile("staging-b"), "not-the-token");
        QTRY_COMPARE_WITH_TIMEOUT(workspace->state(), Workspace::State::Unauthorized, kTimeout);
        QVERIFY2(workspace->lastError().contains(QStringLiteral("refused")),
                 qPrintable(workspace->lastError()));
        QVERIFY(!workspace->snapshot());
        // A token typed for the session reconnects at once.
        workspace->setToken(LiveNode::kToken);
        QVERIFY(connected(workspace.get()));
    }

    void noTokenSaysHowToGiveOne()
    {
        auto workspace = open(profile("staging-c"), {});
        QTRY_COMPARE_WITH_TIMEOUT(workspace->state(), Workspace::State::Unauthorized, kTimeout);
        QVERIFY2(workspace->lastError().contains(QStringLiteral("Enter token")),
                 qPrintable(workspace->lastError()));
    }

    void applyPolicyWithIfMatch()
    {
        auto workspace = open(profile("staging-d"));
        QVERIFY(connected(workspace.get()));
        const QString etagBefore = workspace->policyEtag();
        Policy policy = workspace->appliedPolicy();
        policy.find("product")->ttl = 7 * kMicrosPerSecond;
        QSignalSpy applied(workspace.get(), &Workspace::policyApplied);
        QSignalSpy activity(workspace.get(), &Workspace::activity);
        workspace->applyPolicy(policy);
        QTRY_COMPARE_WITH_TIMEOUT(applied.size(), 1, kTimeout);
        QVERIFY2(applied.first().at(0).toBool(), qPrintable(applied.first().at(1).toString()));
        QVERIFY(!applied.first().at(2).toBool()); // no warning from a healthy node
        // policyApplied comes once the policy in force was read back.
        QCOMPARE(workspace->appliedPolicy().find("product")->ttl, 7 * kMicrosPerSecond);
        QVERIFY(workspace->policyEtag() != etagBefore);
        QCOMPARE(activity.size(), 1);
        const auto record = activity.first().at(0).value<ActivityRecord>();
        QCOMPARE(record.action, QStringLiteral("policy"));
        QVERIFY(record.ok);
        QCOMPARE(record.workspace, QStringLiteral("staging-d"));
    }

    void staleEtagConflictsAndReloads()
    {
        auto workspace = open(profile("staging-e"));
        QVERIFY(connected(workspace.get()));
        // Nothing is read while another console changes the policy.
        workspace->setPollingPaused(true);
        const LiveNode::Reply current = m_node.admin("GET", QStringLiteral("/v1/admin/policy"));
        QCOMPARE(current.status, 200);
        QJsonObject doc = QJsonDocument::fromJson(current.body).object();
        QJsonArray namespaces = doc[QStringLiteral("namespaces")].toArray();
        for (int i = 0; i < namespaces.size(); ++i) {
            QJsonObject ns = namespaces[i].toObject();
            if (ns[QStringLiteral("name")] == QStringLiteral("config"))
                ns[QStringLiteral("ttl")] = QStringLiteral("95s");
            namespaces[i] = ns;
        }
        doc[QStringLiteral("namespaces")] = namespaces;
        const LiveNode::Reply put = m_node.admin("PUT", QStringLiteral("/v1/admin/policy"),
                                                 QJsonDocument(doc).toJson(), current.etag, "policy-bot 3");
        QVERIFY2(put.status == 200 || put.status == 204, put.body.constData());

        Policy mine = workspace->appliedPolicy();
        mine.find("product")->ttl = 8 * kMicrosPerSecond;
        QSignalSpy conflict(workspace.get(), &Workspace::policyConflict);
        QSignalSpy applied(workspace.get(), &Workspace::policyApplied);
        workspace->applyPolicy(mine);
        QTRY_COMPARE_WITH_TIMEOUT(conflict.size(), 1, kTimeout);
        QCOMPARE(applied.size(), 1);
        QCOMPARE(applied.first().at(0).toBool(), false);
        const QString message = conflict.first().at(0).toString();
        QVERIFY(message.contains(QStringLiteral("412")));
        // Who changed it, from the node's audit log (read then, polling or not).
        QVERIFY2(message.contains(QStringLiteral("The last change by another client: policy-bot 3 (127.0.0.1) at ")),
                 qPrintable(message));
        // Never overwritten: the other console's change is still in force.
        const LiveNode::Reply after = m_node.admin("GET", QStringLiteral("/v1/admin/policy"));
        QVERIFY(after.body.contains("\"95s\""));

        QSignalSpy reloaded(workspace.get(), &Workspace::policyReloaded);
        workspace->reloadPolicy();
        QTRY_COMPARE_WITH_TIMEOUT(reloaded.size(), 1, kTimeout);
        QVERIFY(reloaded.first().at(0).toBool());
        QCOMPARE(workspace->appliedPolicy().find("config")->ttl, 95 * kMicrosPerSecond);
        Policy again = workspace->appliedPolicy();
        again.find("product")->ttl = 8 * kMicrosPerSecond;
        workspace->applyPolicy(again);
        QTRY_COMPARE_WITH_TIMEOUT(applied.size(), 2, kTimeout);
        QVERIFY2(applied.last().at(0).toBool(), qPrintable(applied.last().at(1).toString()));
    }

    void purgeNamespaceReportsACount()
    {
        auto workspace = open(profile("staging-f"));
        QVERIFY(connected(workspace.get()));
        m_node.startTraffic({QStringLiteral("pricing")}, 6, 30);
        QTRY_VERIFY_WITH_TIMEOUT(m_node.answered() > 40, kTimeout);
        m_node.stopTraffic();
        QSignalSpy activity(workspace.get(), &Workspace::activity);
        workspace->invalidate({Invalidation::Kind::PurgeNamespace, QStringLiteral("pricing"), {}});
        QTRY_COMPARE_WITH_TIMEOUT(activity.size(), 1, kTimeout);
        const auto record = activity.first().at(0).value<ActivityRecord>();
        QVERIFY2(record.ok, qPrintable(record.result));
        QCOMPARE(record.action, QStringLiteral("purge"));
        QCOMPARE(record.target, QStringLiteral("pricing"));
        const QRegularExpressionMatch match =
            QRegularExpression(QStringLiteral("^purged (\\d+) entries")).match(record.result);
        QVERIFY2(match.hasMatch(), qPrintable(record.result));
        QVERIFY2(match.captured(1).toInt() > 0, qPrintable(record.result));
        // The purge shows in the stats soon after (a poll is sent at once).
        QTRY_VERIFY_WITH_TIMEOUT(workspace->snapshot()->requests.purges > 0, kTimeout);
    }

    void bumpReportsTheVersion()
    {
        auto workspace = open(profile("staging-g"));
        QVERIFY(connected(workspace.get()));
        const std::uint64_t before = workspace->appliedPolicy().find("session")->version;
        QSignalSpy activity(workspace.get(), &Workspace::activity);
        workspace->invalidate({Invalidation::Kind::Bump, QStringLiteral("session"), {}});
        QTRY_COMPARE_WITH_TIMEOUT(activity.size(), 1, kTimeout);
        const auto record = activity.first().at(0).value<ActivityRecord>();
        QVERIFY2(record.ok, qPrintable(record.result));
        QCOMPARE(record.result, QStringLiteral("version %1 → %2").arg(before).arg(before + 1));
        QTRY_COMPARE_WITH_TIMEOUT(workspace->appliedPolicy().find("session")->version, before + 1,
                                  kTimeout);
    }

    void othersActionsAreListed()
    {
        // Another client purges before this console connects, and bumps
        // while it watches: both arrive from the node's audit log, marked as
        // theirs; this console's own purge is recorded once, as its own.
        QCOMPARE(m_node.admin("POST", QStringLiteral("/v1/admin/purge"), R"({"namespace":"config"})", {},
                              "ci-script 7")
                     .status,
                 200);
        auto workspace = std::make_unique<LiveWorkspace>(profile("staging-n"), m_client);
        QSignalSpy activity(workspace.get(), &Workspace::activity);
        workspace->setToken(LiveNode::kToken);
        workspace->start();
        QVERIFY(connected(workspace.get()));
        auto remoteOnes = [&] {
            QList<ActivityRecord> found;
            for (const QList<QVariant>& args : activity)
                if (args.at(0).value<ActivityRecord>().remote)
                    found << args.at(0).value<ActivityRecord>();
            return found;
        };
        QTRY_VERIFY_WITH_TIMEOUT(!remoteOnes().isEmpty(), kTimeout);
        const ActivityRecord purge = remoteOnes().last();
        QCOMPARE(purge.action, QStringLiteral("purge"));
        QCOMPARE(purge.target, QStringLiteral("namespace config"));
        QCOMPARE(purge.by, QStringLiteral("ci-script 7 (127.0.0.1)"));
        QVERIFY(qAbs(purge.when.secsTo(QDateTime::currentDateTimeUtc())) < 60);

        const qsizetype before = remoteOnes().size();
        workspace->invalidate({Invalidation::Kind::PurgeNamespace, QStringLiteral("session"), {}});
        QCOMPARE(m_node.admin("POST", QStringLiteral("/v1/admin/namespaces/pricing/bump"), {}, {}, "ci-script 7")
                     .status,
                 200);
        QTRY_COMPARE_WITH_TIMEOUT(remoteOnes().size(), before + 1, kTimeout);
        QCOMPARE(remoteOnes().last().action, QStringLiteral("bump"));
        // Polls go on; this console's purge never comes back as another's.
        const int polls = workspace->pollsAnswered();
        QTRY_VERIFY_WITH_TIMEOUT(workspace->pollsAnswered() >= polls + 3, kTimeout);
        QCOMPARE(remoteOnes().size(), before + 1);
        int own = 0;
        for (const QList<QVariant>& args : activity) {
            const auto record = args.at(0).value<ActivityRecord>();
            own += !record.remote && record.target == QStringLiteral("session") ? 1 : 0;
        }
        QCOMPARE(own, 1);
    }

    void nodesPurgeLimitQueuesAndShows()
    {
        // A node started with --purge-limit 1/1m: the first purge goes
        // through and states the limit, the second is refused (429) and
        // waits in the queue for the node's Retry-After; both show.
        LiveNode limited;
        limited.setNodeArguments({QStringLiteral("--purge-limit"), QStringLiteral("1/1m")});
        QString error;
        QVERIFY2(limited.start(&error), qPrintable(error));
        DeploymentProfile p = profile("staging-o");
        p.url = limited.url().toStdString();
        p.token = {TokenSource::Kind::File, limited.tokenFile().toStdString()};
        auto workspace = open(p);
        QVERIFY(connected(workspace.get()));
        // Known before anyone purges: the node's health states it.
        QTRY_VERIFY_WITH_TIMEOUT(workspace->purgeLimit().has_value(), kTimeout);
        QCOMPARE(workspace->purgeLimit()->remaining, std::optional<std::int64_t>(1));
        QCOMPARE(workspace->purgeLimit()->limit, std::optional<std::int64_t>(1));
        {
            InvalidationDialog before(workspace.get(), {Invalidation::Kind::PurgeNamespace, QStringLiteral("pricing"), {}});
            QCOMPARE(before.limitNotice(), QStringLiteral("Rate limit: 1 of 1 left (as the deployment last stated it)."));
        }
        QSignalSpy activity(workspace.get(), &Workspace::activity);
        workspace->invalidate({Invalidation::Kind::PurgeNamespace, QStringLiteral("pricing"), {}});
        QTRY_COMPARE_WITH_TIMEOUT(activity.size(), 1, kTimeout);
        const auto done = activity.at(0).at(0).value<ActivityRecord>();
        QVERIFY2(done.ok, qPrintable(done.result));
        QVERIFY2(done.result.endsWith(QStringLiteral("(rate limit: none of 1 left)")), qPrintable(done.result));
        QVERIFY(workspace->purgeLimit());
        QCOMPARE(workspace->purgeLimit()->remaining, std::optional<std::int64_t>(0));
        // The confirmation dialog says so before the next one is asked.
        InvalidationDialog dialog(workspace.get(), {Invalidation::Kind::Bump, QStringLiteral("session"), {}});
        QVERIFY2(dialog.limitNotice().startsWith(QStringLiteral("Rate limit: none of 1 left until ")),
                 qPrintable(dialog.limitNotice()));
        QVERIFY(dialog.limitNotice().contains(QStringLiteral("it waits in the queue")));
        QLabel* notice = dialog.findChild<QLabel*>(QStringLiteral("limitLabel"));
        QVERIFY(notice && !notice->isHidden());
        QCOMPARE(notice->palette().color(QPalette::WindowText), LiveStatusBar::purgeLimitColor(*workspace->purgeLimit()));

        workspace->invalidate({Invalidation::Kind::Bump, QStringLiteral("session"), {}});
        QTRY_COMPARE_WITH_TIMEOUT(workspace->queuedInvalidations(), 1, kTimeout);
        if (const QString out = qEnvironmentVariable("FALLBACK_UI_SHOTS"); !out.isEmpty()) {
            dialog.show();
            QTRY_VERIFY_WITH_TIMEOUT(dialog.hasPreview(), kTimeout);
            QVERIFY(dialog.grab().save(out + QStringLiteral("/invalidation-limit.png")));
        }
        QTRY_VERIFY_WITH_TIMEOUT(dialog.limitNotice().endsWith(
                                     QStringLiteral("1 invalidation already waits for the rate limit: this one "
                                                    "goes after it.")),
                                 kTimeout);
        QTRY_VERIFY_WITH_TIMEOUT(workspace->nextQueuedSendInMs() > 50'000, kTimeout); // Retry-After: 60
        const auto refusal = activity.last().at(0).value<ActivityRecord>();
        QVERIFY2(refusal.result.contains(QStringLiteral("HTTP 429")), qPrintable(refusal.result));
        workspace->cancelQueued();
        QCOMPARE(workspace->queuedInvalidations(), 0);
        // The node audited its refusal as this console's: not listed again as another's.
        const int polls = workspace->pollsAnswered();
        QTRY_VERIFY_WITH_TIMEOUT(workspace->pollsAnswered() >= polls + 2, kTimeout);
        for (const QList<QVariant>& args : activity)
            QVERIFY(!args.at(0).value<ActivityRecord>().remote);
    }

    void refusedWritesShowAsWarnings()
    {
        // A node that can write no file: every action still happens, and
        // each answer carries the node's X-Fallback-Warning.
        LiveNode full;
        full.limitNodeFileSize(0);
        QString error;
        QVERIFY2(full.start(&error, 10), qPrintable(error));
        DeploymentProfile p = profile("staging-m");
        p.url = full.url().toStdString();
        auto workspace = open(p);
        // Not connected(): its health reports the storage trouble (Degraded).
        QTRY_VERIFY_WITH_TIMEOUT(workspace->appliedPolicy().find("session") != nullptr
                                     && !workspace->policyEtag().isEmpty(),
                                 kTimeout);
        const QString auditWarning = QStringLiteral(" — warning: done, but cannot append to the audit log ");
        QSignalSpy activity(workspace.get(), &Workspace::activity);

        workspace->invalidate({Invalidation::Kind::PurgeNamespace, QStringLiteral("pricing"), {}});
        QTRY_COMPARE_WITH_TIMEOUT(activity.size(), 1, kTimeout);
        auto record = activity.last().at(0).value<ActivityRecord>();
        QVERIFY2(record.ok, qPrintable(record.result)); // the purge happened
        QVERIFY2(QRegularExpression(QStringLiteral("^purged \\d+ entries.*") + QRegularExpression::escape(auditWarning))
                     .match(record.result)
                     .hasMatch(),
                 qPrintable(record.result));

        const std::uint64_t before = workspace->appliedPolicy().find("session")->version;
        workspace->invalidate({Invalidation::Kind::Bump, QStringLiteral("session"), {}});
        QTRY_COMPARE_WITH_TIMEOUT(activity.size(), 2, kTimeout);
        record = activity.last().at(0).value<ActivityRecord>();
        QVERIFY2(record.ok, qPrintable(record.result));
        QVERIFY2(record.result.startsWith(QStringLiteral("version %1 → %2 — warning: ").arg(before).arg(before + 1)),
                 qPrintable(record.result));
        QVERIFY2(record.result.contains(auditWarning), qPrintable(record.result));
        // The bumped policy is read back (with its new ETag) before an apply
        // builds on it: an apply with the ETag from before the bump is a 412.
        QTRY_COMPARE_WITH_TIMEOUT(workspace->appliedPolicy().find("session")->version, before + 1, kTimeout);

        // The policy's answer carries warnings in headers only; the
        // Namespaces page hears them through policyApplied.
        Policy policy = workspace->appliedPolicy();
        policy.find("product")->ttl = 9 * kMicrosPerSecond;
        QSignalSpy applied(workspace.get(), &Workspace::policyApplied);
        workspace->applyPolicy(policy);
        QTRY_COMPARE_WITH_TIMEOUT(applied.size(), 1, kTimeout);
        QVERIFY2(applied.first().at(0).toBool(), qPrintable(applied.first().at(1).toString()));
        QVERIFY2(applied.first().at(1).toString().contains(auditWarning),
                 qPrintable(applied.first().at(1).toString()));
        QVERIFY(applied.first().at(2).toBool()); // warned: the page shows it in amber
        QCOMPARE(activity.size(), 3);
        record = activity.last().at(0).value<ActivityRecord>();
        QVERIFY2(record.ok, qPrintable(record.result));
        QVERIFY2(record.result.startsWith(QStringLiteral("applied: 1 namespace(s) changed — warning: ")),
                 qPrintable(record.result));
        QVERIFY2(record.result.contains(auditWarning), qPrintable(record.result));
    }

    void productionIsReadOnlyUntilUnlocked()
    {
        auto workspace = open(profile("prod-a", "production"));
        QVERIFY(workspace->isProduction());
        QVERIFY(workspace->isReadOnly());
        QVERIFY(connected(workspace.get()));
        QSignalSpy applied(workspace.get(), &Workspace::policyApplied);
        QSignalSpy activity(workspace.get(), &Workspace::activity);
        workspace->applyPolicy(workspace->appliedPolicy());
        QCOMPARE(applied.size(), 1);
        QCOMPARE(applied.first().at(0).toBool(), false);
        QVERIFY(applied.first().at(1).toString().contains(QStringLiteral("read-only")));
        const Invalidation purge{Invalidation::Kind::PurgeNamespace, QStringLiteral("config"), {}};
        workspace->invalidate(purge);
        QCOMPARE(activity.size(), 1);
        QVERIFY(!activity.first().at(0).value<ActivityRecord>().ok);
        QVERIFY(activity.first().at(0).value<ActivityRecord>().result.contains(QStringLiteral("read-only")));

        QSignalSpy unlocked(workspace.get(), &Workspace::unlockedChanged);
        workspace->setUnlocked(true);
        QCOMPARE(unlocked.size(), 1);
        QVERIFY(!workspace->isReadOnly());
        workspace->invalidate(purge);
        QTRY_COMPARE_WITH_TIMEOUT(activity.size(), 2, kTimeout);
        QVERIFY2(activity.last().at(0).value<ActivityRecord>().ok,
                 qPrintable(activity.last().at(0).value<ActivityRecord>().result));
    }

    void previewIsADryRun()
    {
        auto workspace = open(profile("staging-h"));
        QVERIFY(connected(workspace.get()));
        const std::uint64_t purges = workspace->snapshot()->requests.purges;
        QSignalSpy previews(workspace.get(), &Workspace::previewReady);
        const Invalidation purge{Invalidation::Kind::PurgeNamespace, QStringLiteral("product"), {}};
        workspace->preview(purge);
        QTRY_COMPARE_WITH_TIMEOUT(previews.size(), 1, kTimeout);
        const auto preview = previews.first().at(0).value<InvalidationPreview>();
        QCOMPARE(preview.invalidation.ns, QStringLiteral("product"));
        if (!preview.ok && preview.error.contains(QStringLiteral("cannot preview")))
            QSKIP("this fallback-node has no purge dry run yet");
        QVERIFY2(preview.ok, qPrintable(preview.error));
        // Nothing was purged.
        const int polls = workspace->pollsAnswered();
        QTRY_VERIFY_WITH_TIMEOUT(workspace->pollsAnswered() > polls + 1, kTimeout);
        QCOMPARE(workspace->snapshot()->requests.purges, purges);
    }

    void keyLookupShowsEachTier()
    {
        auto workspace = open(profile("staging-i"));
        QVERIFY(connected(workspace.get()));
        const LiveNode::Reply read = m_node.admin("GET", QStringLiteral("/v1/items/product/item-3"));
        QCOMPARE(read.status, 200);
        QSignalSpy looked(workspace.get(), &Workspace::keyLookedUp);
        workspace->lookupKey(QStringLiteral("product"), QStringLiteral("item-3"));
        QTRY_COMPARE_WITH_TIMEOUT(looked.size(), 1, kTimeout);
        const auto report = looked.first().at(0).value<KeyReport>();
        QCOMPARE(report.id, QStringLiteral("item-3"));
        if (!report.ok && report.error.contains(QStringLiteral("cannot look keys up")))
            QSKIP("this fallback-node has no key lookup yet");
        QVERIFY2(report.ok, qPrintable(report.error));
        QVERIFY(report.tiers[tierIndex(TierId::EdgeCache)].present);
        QVERIFY(report.storedKey.endsWith(QStringLiteral(":item-3")));
    }

    void pausedPollingSendsNothing()
    {
        auto workspace = open(profile("staging-j"));
        QVERIFY(connected(workspace.get()));
        QSignalSpy paused(workspace.get(), &LiveWorkspace::pollingPausedChanged);
        QSignalSpy polled(workspace.get(), &LiveWorkspace::polled);
        workspace->setPollingPaused(true);
        QCOMPARE(paused.size(), 1);
        polled.wait(600); // the poll already under way, if any, lands
        polled.clear();
        QVERIFY(!polled.wait(1200)); // six intervals: nothing was sent
        workspace->setPollingPaused(false);
        QVERIFY(polled.wait(kTimeout)); // resuming polls at once
    }

    void killedNodeIsUnreachable()
    {
        LiveNode own;
        QString error;
        QVERIFY2(own.start(&error, 10), qPrintable(error));
        DeploymentProfile p = profile("staging-k");
        p.url = own.url().toStdString();
        auto workspace = open(p);
        QVERIFY(connected(workspace.get()));
        own.killNode();
        QTRY_COMPARE_WITH_TIMEOUT(workspace->state(), Workspace::State::Unreachable, kTimeout);
        QVERIFY(!workspace->lastError().isEmpty());
        QVERIFY(workspace->snapshot()); // what it showed stays
        // The node comes back elsewhere: the edited profile reconnects.
        QVERIFY2(own.startNode(&error), qPrintable(error));
        p.url = own.url().toStdString();
        workspace->setProfile(p);
        QVERIFY(connected(workspace.get()));
    }

    void deletedWhileCallsAreInFlight()
    {
        for (int i = 0; i < 5; ++i) {
            auto workspace = open(profile("staging-l"));
            workspace->lookupKey(QStringLiteral("product"), QStringLiteral("item-1"));
            workspace->reloadPolicy();
            workspace.reset(); // answers on their way are dropped
        }
        QTRY_COMPARE_WITH_TIMEOUT(m_client->pending(), std::size_t(0), kTimeout);
    }
};

QTEST_MAIN(TestLiveWorkspace)
#include "tst_liveworkspace.moc"
