// KeysPage: debounced completion, validated lookups, the per-tier table and
// the purge of the shown key.
#include "dialogs/invalidationdialog.h"
#include "fakeworkspace.h"
#include "models/keytiermodel.h"
#include "widgets/keyspage.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QCompleter>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTest>

using namespace fallback;
using namespace fallback::ui;
using fallback::ui::test::FakeWorkspace;

namespace {

WorkspaceSnapshot snapshotWith(std::initializer_list<const char*> names)
{
    WorkspaceSnapshot snapshot;
    std::uint64_t version = 3;
    for (const char* name : names) {
        NamespacePolicy ns;
        ns.name = name;
        ns.version = version++;
        snapshot.policy.namespaces.push_back(ns);
    }
    return snapshot;
}

KeyReport makeReport(const QString& ns = QStringLiteral("product"),
                     const QString& id = QStringLiteral("sku-1042"))
{
    KeyReport report;
    report.ns = ns;
    report.id = id;
    report.version = 3;
    report.storedKey = QString(ns + QStringLiteral(":3:") + id);
    KeyCopy& edge = report.tiers[tierIndex(TierId::EdgeCache)];
    edge.present = true;
    edge.age = 42 * kMicrosPerSecond;
    edge.ttlLeft = 78 * kMicrosPerSecond;
    edge.freshness = QStringLiteral("fresh");
    edge.size = 2048;
    KeyCopy& kv = report.tiers[tierIndex(TierId::EdgeKv)];
    kv.present = true;
    kv.age = 150 * kMicrosPerSecond;
    kv.ttlLeft = -30 * kMicrosPerSecond;
    kv.freshness = QStringLiteral("stale");
    kv.size = 2048;
    KeyCopy& origin = report.tiers[tierIndex(TierId::Origin)];
    origin.present = true;
    origin.freshness = QStringLiteral("source");
    origin.size = 2048;
    KeyCopy& client = report.tiers[tierIndex(TierId::ClientCache)];
    client.present = true;
    client.age = 3 * 3600 * kMicrosPerSecond;
    client.ttlLeft = client.age * -1 + 120 * kMicrosPerSecond;
    client.freshness = QStringLiteral("expired");
    client.size = 1990;
    return report;
}

struct Fixture {
    FakeWorkspace workspace;
    KeysPage page;
    QComboBox* ns = nullptr;
    QLineEdit* id = nullptr;
    QPushButton* lookup = nullptr;
    QPushButton* purge = nullptr;
    QLabel* error = nullptr;

    Fixture()
    {
        workspace.push(snapshotWith({"product", "user", "session"}));
        page.setWorkspace(&workspace);
        ns = page.findChild<QComboBox*>(QStringLiteral("namespaceCombo"));
        id = page.findChild<QLineEdit*>(QStringLiteral("idEdit"));
        lookup = page.findChild<QPushButton*>(QStringLiteral("lookupButton"));
        purge = page.findChild<QPushButton*>(QStringLiteral("purgeButton"));
        error = page.findChild<QLabel*>(QStringLiteral("errorLabel"));
    }
};

} // namespace

class TestKeysPage : public QObject {
    Q_OBJECT

private slots:
    void namespacesComeFromThePolicy();
    void typingRequestsCompletionsDebounced();
    void completionsFillTheCompleter();
    void lookUpCallsWorkspaceWithValidatedKey();
    void enterLooksUp();
    void invalidInputShowsErrorAndCallsNothing();
    void reportFillsTheTable();
    void failedReportShowsError();
    void otherLookupsAreIgnored();
    void purgeOpensTheDialogForTheKey();
    void purgeOfTheKeyRefreshes();
    void othersPurgesInTheNodesWords_data();
    void othersPurgesInTheNodesWords();
    void render();
};

void TestKeysPage::namespacesComeFromThePolicy()
{
    Fixture f;
    QCOMPARE(f.ns->count(), 3);
    QCOMPARE(f.ns->currentText(), QStringLiteral("product"));
    f.ns->setCurrentIndex(1);
    // The same policy again changes nothing; a new namespace keeps the pick.
    f.workspace.push(snapshotWith({"product", "user", "session"}));
    QCOMPARE(f.ns->currentText(), QStringLiteral("user"));
    f.workspace.push(snapshotWith({"product", "user", "session", "cart"}));
    QCOMPARE(f.ns->count(), 4);
    QCOMPARE(f.ns->currentText(), QStringLiteral("user"));
}

void TestKeysPage::typingRequestsCompletionsDebounced()
{
    Fixture f;
    QTest::keyClicks(f.id, QStringLiteral("sku-1"));
    // Five keystrokes, no request yet: the timer waits for a pause.
    QCOMPARE(f.workspace.listKeysCalls.size(), 0);
    QTRY_COMPARE(f.workspace.listKeysCalls.size(), 1);
    QCOMPARE(f.workspace.listKeysCalls[0].ns, QStringLiteral("product"));
    QCOMPARE(f.workspace.listKeysCalls[0].prefix, QStringLiteral("sku-1"));
    QCOMPARE(f.workspace.listKeysCalls[0].limit, KeysPage::kCompletionLimit);
    QVERIFY(f.workspace.lookups.isEmpty());

    QTest::keyClicks(f.id, QStringLiteral("0"));
    QTRY_COMPARE(f.workspace.listKeysCalls.size(), 2);
    QCOMPARE(f.workspace.listKeysCalls[1].prefix, QStringLiteral("sku-10"));
}

void TestKeysPage::completionsFillTheCompleter()
{
    Fixture f;
    f.workspace.answerKeys(QStringLiteral("product"),
                           {QStringLiteral("sku-1042"), QStringLiteral("sku-1043")});
    QCOMPARE(f.page.completer()->model()->rowCount(), 2);
    // An answer for a namespace not picked any more is dropped.
    f.workspace.answerKeys(QStringLiteral("user"), {QStringLiteral("u-1")});
    QCOMPARE(f.page.completer()->model()->rowCount(), 2);
    f.ns->setCurrentIndex(1);
    QCOMPARE(f.page.completer()->model()->rowCount(), 0);
}

void TestKeysPage::lookUpCallsWorkspaceWithValidatedKey()
{
    Fixture f;
    f.ns->setCurrentIndex(1);
    f.id->setText(QStringLiteral("account:42"));
    QTest::mouseClick(f.lookup, Qt::LeftButton);
    QCOMPARE(f.workspace.lookups.size(), 1);
    QCOMPARE(f.workspace.lookups[0].first, QStringLiteral("user"));
    QCOMPARE(f.workspace.lookups[0].second, QStringLiteral("account:42"));
    QVERIFY(!f.error->isVisible());
}

void TestKeysPage::enterLooksUp()
{
    Fixture f;
    QTest::keyClicks(f.id, QStringLiteral("sku-7"));
    QTest::keyClick(f.id, Qt::Key_Return);
    QCOMPARE(f.workspace.lookups.size(), 1);
    QCOMPARE(f.workspace.lookups[0].second, QStringLiteral("sku-7"));
}

void TestKeysPage::invalidInputShowsErrorAndCallsNothing()
{
    Fixture f;
    f.page.show();
    QTest::mouseClick(f.lookup, Qt::LeftButton); // empty id
    QVERIFY(f.error->isVisible());
    QVERIFY(f.error->text().contains(QStringLiteral("empty")));

    f.id->setText(QStringLiteral("bad\tid"));
    QTest::mouseClick(f.lookup, Qt::LeftButton);
    QVERIFY(f.error->text().contains(QStringLiteral("control character")));

    f.id->setText(QString(513, QLatin1Char('x')));
    QTest::mouseClick(f.lookup, Qt::LeftButton);
    QVERIFY(f.error->text().contains(QStringLiteral("513")));

    f.id->setText(QStringLiteral("sku-1"));
    f.ns->setEditText(QStringLiteral("Product"));
    QTest::mouseClick(f.lookup, Qt::LeftButton);
    QVERIFY(f.error->text().contains(QStringLiteral("[a-z]")));
    QVERIFY(f.workspace.lookups.isEmpty());

    // Fixed: the error goes away with the lookup.
    f.ns->setCurrentIndex(0);
    QTest::mouseClick(f.lookup, Qt::LeftButton);
    QCOMPARE(f.workspace.lookups.size(), 1);
    QVERIFY(!f.error->isVisible());
}

void TestKeysPage::reportFillsTheTable()
{
    Fixture f;
    KeyTierModel* model = f.page.model();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model->rowCount(), kTierCount);
    QVERIFY(!f.purge->isEnabled());

    f.id->setText(QStringLiteral("sku-1042"));
    QTest::mouseClick(f.lookup, Qt::LeftButton);
    f.workspace.answerKey(makeReport());
    QVERIFY(model->hasReport());

    auto cell = [&](TierId tier, int column, int role = Qt::DisplayRole) {
        return model->index(tierIndex(tier), column).data(role);
    };
    QCOMPARE(cell(TierId::EdgeCache, KeyTierModel::Tier).toString(), QStringLiteral("Edge cache"));
    QCOMPARE(cell(TierId::EdgeCache, KeyTierModel::Present).toString(), QStringLiteral("yes"));
    QCOMPARE(cell(TierId::EdgeCache, KeyTierModel::Age).toString(), QStringLiteral("42s"));
    QCOMPARE(cell(TierId::EdgeCache, KeyTierModel::TtlLeft).toString(), QStringLiteral("78s"));
    QCOMPARE(cell(TierId::EdgeCache, KeyTierModel::Freshness).toString(), QStringLiteral("fresh"));
    QCOMPARE(cell(TierId::EdgeCache, KeyTierModel::Size, KeyTierModel::RawRole).toUInt(), 2048u);
    QCOMPARE(cell(TierId::EdgeKv, KeyTierModel::TtlLeft).toString(), QStringLiteral("past ttl by 30s"));
    QCOMPARE(cell(TierId::Origin, KeyTierModel::Freshness).toString(), QStringLiteral("source"));
    QCOMPARE(cell(TierId::ClientCache, KeyTierModel::Age).toString(), QStringLiteral("3h"));

    const QColor fresh = cell(TierId::EdgeCache, KeyTierModel::Freshness, Qt::ForegroundRole)
                             .value<QBrush>().color();
    const QColor stale = cell(TierId::EdgeKv, KeyTierModel::Freshness, Qt::ForegroundRole)
                             .value<QBrush>().color();
    const QColor expired = cell(TierId::ClientCache, KeyTierModel::Freshness, Qt::ForegroundRole)
                               .value<QBrush>().color();
    QVERIFY(fresh.green() > fresh.red());
    QVERIFY(stale.red() > stale.blue() && stale.green() > stale.blue());
    QVERIFY(expired.red() > expired.green());
    QVERIFY(fresh != stale && stale != expired);

    auto* storedKey = f.page.findChild<QLabel*>(QStringLiteral("storedKeyLabel"));
    QCOMPARE(storedKey->text(), QStringLiteral("product:3:sku-1042"));
    QVERIFY(f.purge->isEnabled());
    // A live answer: the ages count from the wall clock, so does the label.
    auto* status = f.page.findChild<QLabel*>(QStringLiteral("statusLabel"));
    QVERIFY(status->text().startsWith(QStringLiteral("Looked up at ")));
    QVERIFY(!status->text().contains(QStringLiteral("virtual")));

    // Refresh asks again for the shown key.
    QTest::mouseClick(f.page.findChild<QPushButton*>(QStringLiteral("refreshButton")), Qt::LeftButton);
    QCOMPARE(f.workspace.lookups.size(), 2);
    QCOMPARE(f.workspace.lookups[1].second, QStringLiteral("sku-1042"));
    // A local run's answer: its ages count from the virtual clock, shown as such.
    KeyReport local = makeReport();
    local.virtualNow = (5 * 60 + 30) * kMicrosPerSecond;
    f.workspace.answerKey(local);
    QCOMPARE(status->text(), QStringLiteral("Looked up at virtual 00:05:30"));
}

void TestKeysPage::failedReportShowsError()
{
    Fixture f;
    f.page.show();
    f.id->setText(QStringLiteral("sku-1"));
    QTest::mouseClick(f.lookup, Qt::LeftButton);
    KeyReport report = makeReport(QStringLiteral("product"), QStringLiteral("sku-1"));
    report.ok = false;
    report.error = QStringLiteral("namespace 'product' is not in the policy");
    f.workspace.answerKey(report);
    QVERIFY(f.error->isVisible());
    QVERIFY(f.error->text().contains(QStringLiteral("not in the policy")));
    QVERIFY(!f.page.model()->hasReport());
    QVERIFY(!f.purge->isEnabled());
}

void TestKeysPage::otherLookupsAreIgnored()
{
    Fixture f;
    f.workspace.answerKey(makeReport());
    QVERIFY(!f.page.model()->hasReport());
}

void TestKeysPage::purgeOpensTheDialogForTheKey()
{
    Fixture f;
    f.id->setText(QStringLiteral("sku-1042"));
    QTest::mouseClick(f.lookup, Qt::LeftButton);
    f.workspace.answerKey(makeReport());
    QTest::mouseClick(f.purge, Qt::LeftButton);
    auto* dialog = f.page.findChild<InvalidationDialog*>();
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    QCOMPARE(dialog->invalidation().kind, Invalidation::Kind::PurgeKey);
    QCOMPARE(dialog->invalidation().ns, QStringLiteral("product"));
    QCOMPARE(dialog->invalidation().id, QStringLiteral("sku-1042"));
    QCOMPARE(f.workspace.previews.size(), 1);
    QCOMPARE(f.workspace.previews[0].kind, Invalidation::Kind::PurgeKey);
    QVERIFY(f.workspace.invalidations.isEmpty());
    dialog->reject();
}

void TestKeysPage::purgeOfTheKeyRefreshes()
{
    Fixture f;
    f.id->setText(QStringLiteral("sku-1042"));
    QTest::mouseClick(f.lookup, Qt::LeftButton);
    f.workspace.answerKey(makeReport());
    f.workspace.answerActivity(QStringLiteral("purge"), QStringLiteral("user"), QStringLiteral("purged 3 entries"));
    QCOMPARE(f.workspace.lookups.size(), 1);
    f.workspace.answerActivity(QStringLiteral("purge"), QStringLiteral("product:sku-1042"),
                               QStringLiteral("purged 2 entries"));
    QCOMPARE(f.workspace.lookups.size(), 2);
}

void TestKeysPage::othersPurgesInTheNodesWords_data()
{
    QTest::addColumn<QString>("target");
    QTest::addColumn<bool>("reaches");
    QTest::newRow("all") << "all" << true;
    QTest::newRow("its namespace") << "namespace product" << true;
    QTest::newRow("another namespace") << "namespace user" << false;
    QTest::newRow("a namespace it prefixes") << "namespace productx" << false;
    QTest::newRow("the key among others") << "keys user:9,product:sku-1042" << true;
    QTest::newRow("other keys") << "keys product:sku-1,product:sku-10420" << false;
    QTest::newRow("keys not all named") << "keys product:sku-1 and 40 more" << true;
    QTest::newRow("policy") << "policy" << false;
}

void TestKeysPage::othersPurgesInTheNodesWords()
{
    // Another client's purge arrives from the node's audit log, worded as
    // the node words it: the shown key is looked up again when it may be hit.
    QFETCH(QString, target);
    QFETCH(bool, reaches);
    Fixture f;
    f.id->setText(QStringLiteral("sku-1042"));
    QTest::mouseClick(f.lookup, Qt::LeftButton);
    f.workspace.answerKey(makeReport());
    ActivityRecord record;
    record.action = QStringLiteral("purge");
    record.target = target;
    record.result = QStringLiteral("purged 3");
    record.remote = true;
    record.by = QStringLiteral("fallbackctl alice@ops-1 (10.0.0.3)");
    f.workspace.answerActivity(record);
    QCOMPARE(f.workspace.lookups.size(), reaches ? 2 : 1);
    QCOMPARE(KeysPage::remoteTargetReaches(target, QStringLiteral("product"), QStringLiteral("product:sku-1042")),
             reaches);
}

void TestKeysPage::render()
{
    const QString out = qEnvironmentVariable("FALLBACK_UI_SHOTS");
    if (out.isEmpty())
        QSKIP("set FALLBACK_UI_SHOTS to a folder to save screenshots");
    Fixture f;
    f.page.resize(820, 360);
    f.page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&f.page));
    QVERIFY(f.page.grab().save(out + QStringLiteral("/keys-empty.png")));
    f.id->setText(QStringLiteral("sku-1042"));
    QTest::mouseClick(f.lookup, Qt::LeftButton);
    f.workspace.answerKey(makeReport());
    QVERIFY(f.page.grab().save(out + QStringLiteral("/keys.png")));
    f.id->setText(QStringLiteral("bad\tid"));
    QTest::mouseClick(f.lookup, Qt::LeftButton);
    QVERIFY(f.page.grab().save(out + QStringLiteral("/keys-error.png")));
}

QTEST_MAIN(TestKeysPage)
#include "tst_keyspage.moc"
