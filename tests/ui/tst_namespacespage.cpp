// GUI tests of the Namespaces tab, offscreen, driven as a user would: typing
// into cell editors, clicking toolbar actions, against a FakeWorkspace.
#include "dialogs/invalidationdialog.h"
#include "fakeworkspace.h"
#include "models/namespacetablemodel.h"
#include "policy/policyloader.h"
#include "widgets/namespacespage.h"
#include "widgets/policydiffview.h"
#include "widgets/warningbanner.h"

#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QHeaderView>
#include <QPointer>
#include <QScrollBar>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QTextDocument>
#include <QUndoStack>
#include <QtTest>

#include <memory>

using namespace fallback;
using namespace fallback::ui;
using fallback::ui::test::FakeWorkspace;

namespace {

constexpr Micros kS = kMicrosPerSecond;

Policy demoPolicy()
{
    const Loaded<Policy> loaded = loadPolicyFile(FALLBACK_EXAMPLES_DIR "/demo.policy.yaml");
    return loaded.value.value_or(Policy{});
}

WorkspaceSnapshot snapshotWith(const Policy& policy)
{
    WorkspaceSnapshot snapshot;
    snapshot.policy = policy;
    return snapshot;
}

} // namespace

class TestNamespacesPage : public QObject {
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void refusedEditKeepsModelAndSaysWhy();
    void validEditMakesPageDirty();
    void undoRedoThroughActionsAndShortcuts();
    void addAndRemoveThroughActions();
    void applySendsPolicyAndTurnsClean();
    void refusedApplyStaysDirty();
    void bumpFollowsAppliedVersion();
    void saveWritesReadableYaml();
    void readOnlyDisablesEditing();
    void filterHidesRows();
    void bumpAndPurgeAskForConfirmation();
    void diffShowsYaml();
    void warningBannerShowsTheNodesWarnings();
    void warningBannerFollowsTheWorkspace();
    void manyWarningsScrollInsteadOfSqueezingTheTable();

private:
    QAction* action(const char* name) const
    {
        auto* found = m_page->findChild<QAction*>(QString::fromLatin1(name));
        if (!found)
            qFatal("no action %s", name);
        return found;
    }
    QString status() const { return m_page->findChild<QLabel*>(QStringLiteral("statusLabel"))->text(); }
    WarningBanner* warningBanner() const
    {
        return m_page->findChild<WarningBanner*>(QStringLiteral("warningBanner"));
    }
    /// What the warning banner reads, as plain text.
    QString bannerText() const
    {
        QTextDocument document;
        document.setHtml(warningBanner()->label()->text());
        return document.toPlainText();
    }
    QString statusStyle() const
    {
        return m_page->findChild<QLabel*>(QStringLiteral("statusLabel"))->styleSheet();
    }
    QModelIndex shown(const char* ns, int column) const
    {
        const int row = m_page->model()->rowOf(ns);
        return m_page->proxyModel()->mapFromSource(m_page->model()->index(row, column));
    }
    /// Opens the cell's editor with F2, types `text` over its content, Enter.
    void typeInto(const QModelIndex& index, const QString& text)
    {
        QTableView* view = m_page->view();
        view->setFocus();
        view->setCurrentIndex(index);
        QTest::keyClick(view, Qt::Key_F2);
        auto* editor = view->viewport()->findChild<QLineEdit*>();
        QVERIFY(editor);
        editor->selectAll();
        QTest::keyClicks(editor, text);
        // The delegate commits on Return through a queued call: wait for the
        // editor to go.
        QPointer<QLineEdit> open(editor);
        QTest::keyClick(editor, Qt::Key_Return);
        QTRY_VERIFY(open.isNull());
    }

    std::unique_ptr<FakeWorkspace> m_workspace;
    std::unique_ptr<NamespacesPage> m_page;
    Policy m_demo;
};

void TestNamespacesPage::init()
{
    m_demo = demoPolicy();
    QVERIFY(!m_demo.namespaces.empty());
    m_workspace = std::make_unique<FakeWorkspace>(Workspace::Kind::Local, QStringLiteral("demo"));
    m_workspace->push(snapshotWith(m_demo));
    m_page = std::make_unique<NamespacesPage>();
    m_page->setWorkspace(m_workspace.get());
    m_page->resize(1000, 640);
    m_page->show();
    QVERIFY(QTest::qWaitForWindowActive(m_page.get()));
}

void TestNamespacesPage::cleanup()
{
    m_page.reset();
    m_workspace.reset();
}

void TestNamespacesPage::refusedEditKeepsModelAndSaysWhy()
{
    QSignalSpy refused(m_page->model(), &NamespaceTableModel::validationFailed);
    typeInto(shown("product", NamespaceTableModel::Ttl), QStringLiteral("5 minutes"));
    QCOMPARE(refused.count(), 1);
    QVERIFY2(status().contains(QStringLiteral("ttl '5 minutes' is not a duration")), qPrintable(status()));
    QVERIFY(status().contains(QStringLiteral("product")));
    QCOMPARE(m_page->model()->policy(), m_demo);
    QVERIFY(!m_page->model()->isDirty());
    QVERIFY(!action("applyAction")->isEnabled());
    QVERIFY(!action("undoAction")->isEnabled());
}

void TestNamespacesPage::validEditMakesPageDirty()
{
    typeInto(shown("product", NamespaceTableModel::Ttl), QStringLiteral("90s"));
    QCOMPARE(m_page->model()->policy().find("product")->ttl, 90 * kS);
    QVERIFY(m_page->model()->isDirty());
    QVERIFY(shown("product", NamespaceTableModel::Ttl).data(NamespaceTableModel::ChangedRole).toBool());
    QVERIFY(action("applyAction")->isEnabled());
    QVERIFY(action("revertAction")->isEnabled());
    QVERIFY(action("undoAction")->isEnabled());
    QVERIFY(m_page->diffView()->plainText().contains(QString::fromUtf8("product.ttl: 5m \u2192 90s")));
    const QString summary = m_page->findChild<QLabel*>(QStringLiteral("summaryLabel"))->text();
    QVERIFY2(summary.contains(QStringLiteral("1 unapplied change")), qPrintable(summary));

    // Write mode has its own editor: a choice of the two modes.
    QTableView* view = m_page->view();
    view->setCurrentIndex(shown("config", NamespaceTableModel::WriteMode));
    QTest::keyClick(view, Qt::Key_F2);
    auto* combo = view->viewport()->findChild<QComboBox*>(QStringLiteral("writeModeEditor"));
    QVERIFY(combo);
    combo->setCurrentText(QStringLiteral("async-backfill"));
    QTest::keyClick(combo, Qt::Key_Return);
    QTRY_COMPARE(m_page->model()->policy().find("config")->writeMode, WriteMode::AsyncBackfill);
}

void TestNamespacesPage::undoRedoThroughActionsAndShortcuts()
{
    typeInto(shown("pricing", NamespaceTableModel::Version), QStringLiteral("6"));
    QCOMPARE(m_page->model()->policy().find("pricing")->version, std::uint64_t(6));
    action("undoAction")->trigger();
    QCOMPARE(m_page->model()->policy(), m_demo);
    QVERIFY(!action("applyAction")->isEnabled());
    action("redoAction")->trigger();
    QCOMPARE(m_page->model()->policy().find("pricing")->version, std::uint64_t(6));

    QTest::keyClick(m_page->view(), Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(m_page->model()->policy(), m_demo);
    QTest::keyClick(m_page->view(), Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
    QCOMPARE(m_page->model()->policy().find("pricing")->version, std::uint64_t(6));
}

void TestNamespacesPage::addAndRemoveThroughActions()
{
    action("addAction")->trigger();
    // The new row's name is open for editing at once.
    auto* editor = m_page->view()->viewport()->findChild<QLineEdit*>();
    QVERIFY(editor);
    QCOMPARE(editor->text(), QStringLiteral("new-namespace"));
    editor->selectAll();
    QTest::keyClicks(editor, QStringLiteral("search"));
    QPointer<QLineEdit> open(editor);
    QTest::keyClick(editor, Qt::Key_Return);
    QTRY_VERIFY(open.isNull());
    QVERIFY(m_page->model()->policy().find("search"));
    QVERIFY(m_page->diffView()->plainText().contains(QStringLiteral("+ namespace search")));
    // An unapplied namespace cannot be bumped or purged yet.
    QVERIFY(!action("bumpAction")->isEnabled());

    m_page->view()->setCurrentIndex(shown("session", NamespaceTableModel::Name));
    m_page->view()->selectRow(shown("session", NamespaceTableModel::Name).row());
    action("removeAction")->trigger();
    QVERIFY(!m_page->model()->policy().find("session"));
    QVERIFY(m_page->diffView()->plainText().contains(QStringLiteral("- namespace session")));

    action("undoAction")->trigger(); // session back
    action("undoAction")->trigger(); // rename undone
    action("undoAction")->trigger(); // add undone
    QCOMPARE(m_page->model()->policy(), m_demo);
}

void TestNamespacesPage::applySendsPolicyAndTurnsClean()
{
    typeInto(shown("config", NamespaceTableModel::Ttl), QStringLiteral("45s"));
    const Policy edited = m_page->model()->policy();
    QVERIFY(action("applyAction")->isEnabled());
    action("applyAction")->trigger();
    QCOMPARE(m_workspace->appliedPolicies.size(), 1);
    QCOMPARE(m_workspace->appliedPolicies.front(), edited);
    QVERIFY(status().contains(QStringLiteral("Applying")));
    QVERIFY(!action("applyAction")->isEnabled()); // no second apply while waiting

    m_workspace->answerPolicy(true, QStringLiteral("policy applied"));
    m_workspace->push(snapshotWith(edited));
    QVERIFY(!m_page->model()->isDirty());
    QVERIFY(!action("applyAction")->isEnabled());
    QVERIFY(status().contains(QStringLiteral("policy applied")));
    QVERIFY(statusStyle().contains(QStringLiteral("#2e7d32"))); // done: green
    QVERIFY(m_page->diffView()->plainText().contains(QStringLiteral("No changes")));
    QCOMPARE(m_page->diffView()->changeCount(), 0);

    // Applied, but the node could not write it down: amber, not green.
    typeInto(shown("config", NamespaceTableModel::Ttl), QStringLiteral("50s"));
    action("applyAction")->trigger();
    m_workspace->answerPolicy(true, QStringLiteral("applied — warning: disk full"), true);
    QVERIFY(status().contains(QStringLiteral("warning: disk full")));
    QVERIFY2(statusStyle().contains(QStringLiteral("#b26a00")), qPrintable(statusStyle()));
}

void TestNamespacesPage::refusedApplyStaysDirty()
{
    typeInto(shown("config", NamespaceTableModel::Ttl), QStringLiteral("45s"));
    QTest::keyClick(m_page->view(), Qt::Key_Return, Qt::ControlModifier);
    QCOMPARE(m_workspace->appliedPolicies.size(), 1);
    m_workspace->answerPolicy(false, QStringLiteral("node answered 409"));
    QVERIFY(status().contains(QStringLiteral("node answered 409")));
    QVERIFY(m_page->model()->isDirty());
    QVERIFY(action("applyAction")->isEnabled());
}

void TestNamespacesPage::bumpFollowsAppliedVersion()
{
    typeInto(shown("product", NamespaceTableModel::Ttl), QStringLiteral("1m"));
    Policy bumped = m_demo;
    bumped.find("product")->version = 4;
    m_workspace->push(snapshotWith(bumped));
    QCOMPARE(shown("product", NamespaceTableModel::Version).data().toString(), QStringLiteral("4"));
    QCOMPARE(m_page->model()->policy().find("product")->ttl, 60 * kS);
    QCOMPARE(m_page->diffView()->changeCount(), 1);
}

void TestNamespacesPage::saveWritesReadableYaml()
{
    typeInto(shown("session", NamespaceTableModel::Sie), QStringLiteral("2m"));
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("edited.policy.yaml"));
    m_page->setFilePath(path);
    QTest::keyClick(m_page->view(), Qt::Key_S, Qt::ControlModifier);
    QVERIFY2(QFileInfo::exists(path), qPrintable(status()));
    const Loaded<Policy> loaded = loadPolicyFile(path.toStdString());
    QVERIFY2(loaded.ok(), loaded.diagnostics.format().c_str());
    QCOMPARE(*loaded.value, m_page->model()->policy());
    QVERIFY(status().contains(QStringLiteral("Saved")));

    // A file that cannot be written says so and changes nothing.
    QString error;
    QVERIFY(!NamespacesPage::writePolicyFile(dir.filePath(QStringLiteral("missing/dir/p.yaml")),
                                             m_demo, &error));
    QVERIFY(error.contains(QStringLiteral("Cannot write")));
}

void TestNamespacesPage::readOnlyDisablesEditing()
{
    auto production = std::make_unique<FakeWorkspace>(Workspace::Kind::Live, QStringLiteral("prod-eu"));
    production->production = true;
    production->push(snapshotWith(m_demo));
    m_page->setWorkspace(production.get());

    QVERIFY(m_page->model()->isReadOnly());
    const QModelIndex ttl = shown("product", NamespaceTableModel::Ttl);
    QVERIFY(!(ttl.flags() & Qt::ItemIsEditable));
    for (const char* name : {"addAction", "removeAction", "applyAction", "revertAction", "undoAction"})
        QVERIFY2(!action(name)->isEnabled(), name);
    QVERIFY(action("saveAction")->isEnabled());
    QVERIFY(m_page->findChild<QLabel*>(QStringLiteral("readOnlyBanner"))->isVisible());
    m_page->view()->setCurrentIndex(ttl);
    QTest::keyClick(m_page->view(), Qt::Key_F2);
    QVERIFY(!m_page->view()->viewport()->findChild<QLineEdit*>());

    production->setUnlocked(true);
    QVERIFY(!m_page->model()->isReadOnly());
    QVERIFY(action("addAction")->isEnabled());
    QVERIFY(!m_page->findChild<QLabel*>(QStringLiteral("readOnlyBanner"))->isVisible());
    m_page->setWorkspace(nullptr);
}

void TestNamespacesPage::filterHidesRows()
{
    auto* filter = m_page->findChild<QLineEdit*>(QStringLiteral("filterEdit"));
    QTest::keyClicks(filter, QStringLiteral("PRI"));
    QCOMPARE(m_page->proxyModel()->rowCount(), 1);
    QCOMPARE(m_page->proxyModel()->index(0, 0).data().toString(), QStringLiteral("pricing"));
    filter->clear();
    QCOMPARE(m_page->proxyModel()->rowCount(), 4);
}

void TestNamespacesPage::bumpAndPurgeAskForConfirmation()
{
    m_page->view()->setCurrentIndex(shown("config", NamespaceTableModel::Name));
    QVERIFY(action("bumpAction")->isEnabled());
    action("bumpAction")->trigger();
    auto* dialog = m_page->findChild<InvalidationDialog*>();
    QVERIFY(dialog);
    QCOMPARE(dialog->invalidation().kind, Invalidation::Kind::Bump);
    QCOMPARE(dialog->invalidation().ns, QStringLiteral("config"));
    QCOMPARE(m_workspace->previews.size(), 1);
    QVERIFY(m_workspace->invalidations.isEmpty()); // nothing runs before confirming
    dialog->reject();
    QTRY_VERIFY(!m_page->findChild<InvalidationDialog*>());

    action("purgeAction")->trigger();
    dialog = m_page->findChild<InvalidationDialog*>();
    QVERIFY(dialog);
    QCOMPARE(dialog->invalidation().kind, Invalidation::Kind::PurgeNamespace);
    QCOMPARE(dialog->invalidation().ns, QStringLiteral("config"));
    dialog->reject();
}

void TestNamespacesPage::diffShowsYaml()
{
    typeInto(shown("product", NamespaceTableModel::MaxObjectSize), QStringLiteral("512KiB"));
    m_page->diffView()->setMode(PolicyDiffView::Mode::Yaml);
    const QString text = m_page->diffView()->plainText();
    QVERIFY2(text.contains(QStringLiteral("-     max_object_size: 256KiB")), qPrintable(text));
    QVERIFY(text.contains(QStringLiteral("+     max_object_size: 512KiB")));

    const QStringList lines = PolicyDiffView::lineDiff({QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")},
                                                       {QStringLiteral("a"), QStringLiteral("c"), QStringLiteral("d")});
    QCOMPARE(lines, (QStringList{QStringLiteral("  a"), QStringLiteral("- b"), QStringLiteral("  c"),
                                 QStringLiteral("+ d")}));
    QCOMPARE(PolicyDiffView::lineDiff({QStringLiteral("x")}, {QStringLiteral("y")}),
             (QStringList{QStringLiteral("- x"), QStringLiteral("+ y")}));
}

void TestNamespacesPage::warningBannerShowsTheNodesWarnings()
{
    WarningBanner* banner = warningBanner();
    QVERIFY(banner);
    QVERIFY(!banner->isVisible()); // a workspace without warnings

    const QString sMaxage = QStringLiteral(
        "namespace 'product': the origin's answers carry 'Cache-Control: s-maxage=60, stale-while-revalidate=30' "
        "(12 answers, latest 3 s ago); s-maxage forbids a shared cache to serve stale copies, but this node "
        "serves them for up to 30 s (stale_while_revalidate), 300 s (stale_if_error) and from its client "
        "cache when the origin fails");
    m_workspace->changeWarnings({sMaxage});
    QVERIFY(banner->isVisible());
    QVERIFY(bannerText().startsWith(QStringLiteral("The node warns:")));
    QVERIFY2(bannerText().contains(sMaxage), qPrintable(bannerText()));
    QVERIFY(banner->label()->textInteractionFlags() & Qt::TextSelectableByMouse);
    // Above the table, and tall enough for its wrapped lines: nothing to scroll.
    QVERIFY(banner->mapTo(m_page.get(), QPoint(0, banner->height())).y()
            <= m_page->view()->mapTo(m_page.get(), QPoint(0, 0)).y());
    QTRY_VERIFY(banner->height() >= banner->label()->heightForWidth(banner->viewport()->width()));
    QCOMPARE(banner->verticalScrollBar()->maximum(), 0);

    // Updated; markup in a warning is text, not markup.
    const QString markup = QStringLiteral("namespace '<b>x</b>' & <a href=\"http://e\">more</a>");
    m_workspace->changeWarnings({sMaxage, markup});
    QVERIFY(banner->isVisible());
    const QString both = bannerText();
    QVERIFY2(both.contains(sMaxage) && both.contains(markup), qPrintable(both));
    QVERIFY(both.indexOf(sMaxage) < both.indexOf(markup)); // in the node's order
    QCOMPARE(banner->warnings(), (QStringList{sMaxage, markup}));

    m_workspace->changeWarnings({});
    QVERIFY(!banner->isVisible());
    QVERIFY(bannerText().isEmpty());
}

void TestNamespacesPage::warningBannerFollowsTheWorkspace()
{
    WarningBanner* banner = warningBanner();
    const QString first = QStringLiteral("first node: s-maxage forbids stale copies");
    const QString second = QStringLiteral("second node: no-store forbids storing");
    m_workspace->changeWarnings({first});
    QVERIFY(banner->isVisible());

    // Another workspace: its warnings, never the previous one's.
    auto other = std::make_unique<FakeWorkspace>(Workspace::Kind::Live, QStringLiteral("staging"));
    other->push(snapshotWith(m_demo));
    other->changeWarnings({second});
    m_page->setWorkspace(other.get());
    QVERIFY(banner->isVisible());
    QVERIFY(bannerText().contains(second));
    QVERIFY(!bannerText().contains(first));
    // The previous workspace is no longer followed.
    m_workspace->changeWarnings({QStringLiteral("from the old one")});
    QVERIFY(!bannerText().contains(QStringLiteral("from the old one")));
    other->changeWarnings({});
    QVERIFY(!banner->isVisible());

    // Back to the first: its warnings of now.
    m_page->setWorkspace(m_workspace.get());
    QVERIFY(banner->isVisible());
    QVERIFY(bannerText().contains(QStringLiteral("from the old one")));
    m_page->setWorkspace(nullptr);
    QVERIFY(!banner->isVisible());

    // A workspace deleted while shown takes its warnings along.
    m_page->setWorkspace(other.get());
    other->changeWarnings({second});
    QVERIFY(banner->isVisible());
    other.reset();
    QVERIFY(!banner->isVisible());
}

void TestNamespacesPage::manyWarningsScrollInsteadOfSqueezingTheTable()
{
    WarningBanner* banner = warningBanner();
    QStringList warnings;
    for (int i = 0; i < 20; ++i)
        warnings << QStringLiteral("namespace 'n%1': %2").arg(i).arg(QString(300, QLatin1Char('w')).replace(
                        QStringLiteral("ww"), QStringLiteral("w ")));
    m_workspace->changeWarnings(warnings);
    QVERIFY(banner->isVisible());
    QTRY_VERIFY(banner->verticalScrollBar()->maximum() > 0); // the rest scrolls
    QVERIFY(bannerText().contains(warnings.last()));
    // The table keeps room for its rows.
    QVERIFY(m_page->view()->height() >= 4 * m_page->view()->verticalHeader()->defaultSectionSize());

    // On a page tall enough for all of them, the banner still stops at its cap.
    m_page->resize(1000, 1800);
    const int most = WarningBanner::kMaxLines * banner->fontMetrics().lineSpacing() + 40;
    QTRY_VERIFY(m_page->view()->height() > 600);
    QVERIFY2(banner->height() <= most, qPrintable(QString::number(banner->height())));
    QVERIFY(banner->verticalScrollBar()->maximum() > 0);
}

QTEST_MAIN(TestNamespacesPage)
#include "tst_namespacespage.moc"
