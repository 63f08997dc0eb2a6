// InvalidationTargetDialog: the Invalidate menu's first step. Namespaces
// from the applied policy, resource ids checked as typed, Continue opens the
// confirmation on the chosen target, no nested event loop.
#include "dialogs/invalidationdialog.h"
#include "dialogs/invalidationtargetdialog.h"
#include "fakeworkspace.h"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

using namespace fallback;
using namespace fallback::ui;
using fallback::ui::test::FakeWorkspace;

namespace {

WorkspaceSnapshot snapshotWith(const QStringList& names)
{
    WorkspaceSnapshot snapshot;
    std::uint64_t version = 1;
    for (const QString& name : names) {
        NamespacePolicy ns;
        ns.name = name.toStdString();
        ns.version = version++;
        ns.ttl = 60 * kMicrosPerSecond;
        snapshot.policy.namespaces.push_back(ns);
    }
    return snapshot;
}

QComboBox* combo(QWidget* dialog)
{
    return dialog->findChild<QComboBox*>(QStringLiteral("namespaceCombo"));
}
QLineEdit* idEdit(QWidget* dialog)
{
    return dialog->findChild<QLineEdit*>(QStringLiteral("idEdit"));
}
QLabel* idProblem(QWidget* dialog)
{
    return dialog->findChild<QLabel*>(QStringLiteral("idProblem"));
}
QPushButton* button(QWidget* dialog, const char* name)
{
    return dialog->findChild<QPushButton*>(QLatin1String(name));
}

} // namespace

class TestInvalidationTargetDialog : public QObject {
    Q_OBJECT

private slots:
    void listsTheAppliedNamespaces();
    void preselectsThePreferredNamespace();
    void checksTheResourceId_data();
    void checksTheResourceId();
    void namespaceStepsNeedNoId_data();
    void namespaceStepsNeedNoId();
    void continueOpensTheConfirmation();
    void enterContinuesButNeverConfirms();
    void cancelAsksNothing();
    void emptyPolicySaysSo();
    void closesWhenTheWorkspaceGoes();
    void render();
};

void TestInvalidationTargetDialog::listsTheAppliedNamespaces()
{
    FakeWorkspace workspace;
    workspace.push(snapshotWith({QStringLiteral("product"), QStringLiteral("config")}));
    InvalidationTargetDialog dialog(&workspace, Invalidation::Kind::PurgeNamespace);
    QCOMPARE(combo(&dialog)->count(), 2);
    QCOMPARE(combo(&dialog)->itemData(0).toString(), QStringLiteral("product"));
    QCOMPARE(combo(&dialog)->itemData(1).toString(), QStringLiteral("config"));
    // The version is shown beside the name, the name alone is the target.
    QCOMPARE(combo(&dialog)->itemText(1), QStringLiteral("config  (v2)"));
    QCOMPARE(dialog.target().ns, QStringLiteral("product"));
}

void TestInvalidationTargetDialog::preselectsThePreferredNamespace()
{
    FakeWorkspace workspace;
    workspace.push(snapshotWith({QStringLiteral("product"), QStringLiteral("config")}));
    InvalidationTargetDialog dialog(&workspace, Invalidation::Kind::Bump, QStringLiteral("config"));
    QCOMPARE(dialog.target().ns, QStringLiteral("config"));
    // A preferred namespace the policy no longer has falls back to the first.
    InvalidationTargetDialog gone(&workspace, Invalidation::Kind::Bump, QStringLiteral("user"));
    QCOMPARE(gone.target().ns, QStringLiteral("product"));
}

void TestInvalidationTargetDialog::checksTheResourceId_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<bool>("canContinue");
    QTest::addColumn<QString>("problem"); // a fragment of the message; empty: none shown

    QTest::newRow("empty: not yet an error") << QString() << false << QString();
    QTest::newRow("plain") << QStringLiteral("sku-1") << true << QString();
    QTest::newRow("colons are allowed") << QStringLiteral("a:b:c") << true << QString();
    QTest::newRow("spaces are allowed") << QStringLiteral("New York") << true << QString();
    QTest::newRow("512 bytes") << QString(512, QLatin1Char('x')) << true << QString();
    QTest::newRow("513 bytes") << QString(513, QLatin1Char('x')) << false << QStringLiteral("512");
    // 171 three-byte characters are 513 bytes: the limit is in bytes.
    QTest::newRow("513 bytes of UTF-8")
        << QString(171, QChar(0x20AC)) << false << QStringLiteral("512");
    QTest::newRow("control character")
        << QStringLiteral("a\tb") << false << QStringLiteral("control");
}

void TestInvalidationTargetDialog::checksTheResourceId()
{
    QFETCH(QString, id);
    QFETCH(bool, canContinue);
    QFETCH(QString, problem);
    FakeWorkspace workspace;
    workspace.push(snapshotWith({QStringLiteral("product")}));
    InvalidationTargetDialog dialog(&workspace, Invalidation::Kind::PurgeKey);
    dialog.show();
    QVERIFY(idEdit(&dialog)->isVisible());
    QVERIFY(!button(&dialog, "continueButton")->isEnabled());
    idEdit(&dialog)->setText(id);
    QCOMPARE(button(&dialog, "continueButton")->isEnabled(), canContinue);
    QCOMPARE(idProblem(&dialog)->isVisible(), !problem.isEmpty());
    if (!problem.isEmpty())
        QVERIFY2(idProblem(&dialog)->text().contains(problem),
                 qPrintable(idProblem(&dialog)->text()));
    // Fixing the id clears the problem.
    idEdit(&dialog)->setText(QStringLiteral("sku-1"));
    QVERIFY(button(&dialog, "continueButton")->isEnabled());
    QVERIFY(!idProblem(&dialog)->isVisible());
}

void TestInvalidationTargetDialog::namespaceStepsNeedNoId_data()
{
    QTest::addColumn<Invalidation::Kind>("kind");
    QTest::newRow("purge namespace") << Invalidation::Kind::PurgeNamespace;
    QTest::newRow("bump") << Invalidation::Kind::Bump;
}

void TestInvalidationTargetDialog::namespaceStepsNeedNoId()
{
    QFETCH(Invalidation::Kind, kind);
    FakeWorkspace workspace;
    workspace.push(snapshotWith({QStringLiteral("product")}));
    InvalidationTargetDialog dialog(&workspace, kind);
    dialog.show();
    QVERIFY(!idEdit(&dialog)->isVisible());
    QVERIFY(button(&dialog, "continueButton")->isEnabled());
    QCOMPARE(dialog.target().kind, kind);
    QVERIFY(dialog.target().id.isEmpty());
}

void TestInvalidationTargetDialog::continueOpensTheConfirmation()
{
    FakeWorkspace workspace;
    workspace.push(snapshotWith({QStringLiteral("product"), QStringLiteral("config")}));
    QWidget window;
    window.resize(600, 400);
    window.show();
    // ask() returns at once: no nested event loop waits for the user.
    QPointer<InvalidationTargetDialog> dialog =
        InvalidationTargetDialog::ask(&window, &workspace, Invalidation::Kind::PurgeKey);
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    QCOMPARE(dialog->windowModality(), Qt::WindowModal);
    QSignalSpy chosen(dialog.data(), &InvalidationTargetDialog::targetChosen);
    combo(dialog)->setCurrentIndex(1);
    QTest::keyClicks(idEdit(dialog), QStringLiteral("flags:dark-mode"));
    QTest::mouseClick(button(dialog, "continueButton"), Qt::LeftButton);
    QCOMPARE(chosen.size(), 1);
    QTRY_VERIFY(dialog.isNull()); // closed and deleted itself

    // The confirmation is open on that target and asked for its preview;
    // nothing is invalidated before the user confirms there.
    auto* confirmation = window.findChild<InvalidationDialog*>();
    QVERIFY(confirmation);
    QVERIFY(confirmation->isVisible());
    QCOMPARE(confirmation->invalidation().kind, Invalidation::Kind::PurgeKey);
    QCOMPARE(confirmation->invalidation().ns, QStringLiteral("config"));
    QCOMPARE(confirmation->invalidation().id, QStringLiteral("flags:dark-mode"));
    QCOMPARE(workspace.previews.size(), 1);
    QCOMPARE(workspace.previews[0].id, QStringLiteral("flags:dark-mode"));
    QVERIFY(workspace.invalidations.isEmpty());
    confirmation->reject();
}

void TestInvalidationTargetDialog::enterContinuesButNeverConfirms()
{
    FakeWorkspace workspace;
    workspace.push(snapshotWith({QStringLiteral("product")}));
    QWidget window;
    window.show();
    QPointer<InvalidationTargetDialog> dialog =
        InvalidationTargetDialog::ask(&window, &workspace, Invalidation::Kind::PurgeKey);
    // Enter on an invalid id does nothing.
    QTest::keyClick(idEdit(dialog), Qt::Key_Return);
    QVERIFY(dialog);
    QVERIFY(window.findChild<InvalidationDialog*>() == nullptr);
    QTest::keyClicks(idEdit(dialog), QStringLiteral("sku-1"));
    QTest::keyClick(idEdit(dialog), Qt::Key_Return);
    QTRY_VERIFY(dialog.isNull());
    auto* confirmation = window.findChild<InvalidationDialog*>();
    QVERIFY(confirmation);
    // A second Enter lands in the confirmation, whose confirm is never default.
    QTest::keyClick(confirmation, Qt::Key_Return);
    QVERIFY(workspace.invalidations.isEmpty());
    confirmation->reject();
}

void TestInvalidationTargetDialog::cancelAsksNothing()
{
    FakeWorkspace workspace;
    workspace.push(snapshotWith({QStringLiteral("product")}));
    QWidget window;
    window.show();
    QPointer<InvalidationTargetDialog> dialog =
        InvalidationTargetDialog::ask(&window, &workspace, Invalidation::Kind::Bump);
    QTest::mouseClick(button(dialog, "cancelButton"), Qt::LeftButton);
    QTRY_VERIFY(dialog.isNull());
    QVERIFY(window.findChild<InvalidationDialog*>() == nullptr);
    QVERIFY(workspace.previews.isEmpty());
    QVERIFY(workspace.invalidations.isEmpty());
}

void TestInvalidationTargetDialog::emptyPolicySaysSo()
{
    FakeWorkspace workspace(Workspace::Kind::Live, QStringLiteral("staging"));
    workspace.push(snapshotWith({}));
    InvalidationTargetDialog dialog(&workspace, Invalidation::Kind::PurgeNamespace);
    dialog.show();
    auto* notice = dialog.findChild<QLabel*>(QStringLiteral("emptyNotice"));
    QVERIFY(notice);
    QVERIFY(notice->isVisible());
    QVERIFY2(notice->text().contains(QStringLiteral("staging")), qPrintable(notice->text()));
    QVERIFY(!combo(&dialog)->isVisible());
    QVERIFY(!button(&dialog, "continueButton")->isVisible());
    QCOMPARE(button(&dialog, "cancelButton")->text(), QStringLiteral("Close"));
}

void TestInvalidationTargetDialog::closesWhenTheWorkspaceGoes()
{
    auto* workspace = new FakeWorkspace;
    workspace->push(snapshotWith({QStringLiteral("product")}));
    InvalidationTargetDialog dialog(workspace, Invalidation::Kind::PurgeNamespace);
    dialog.open();
    delete workspace;
    QVERIFY(!dialog.isVisible());
    QCOMPARE(dialog.result(), int(QDialog::Rejected));
}

void TestInvalidationTargetDialog::render()
{
    const QString out = qEnvironmentVariable("FALLBACK_UI_SHOTS");
    if (out.isEmpty())
        QSKIP("set FALLBACK_UI_SHOTS to a folder to save screenshots");
    FakeWorkspace workspace;
    workspace.push(snapshotWith({QStringLiteral("product"), QStringLiteral("config")}));
    InvalidationTargetDialog dialog(&workspace, Invalidation::Kind::PurgeKey);
    dialog.show();
    idEdit(&dialog)->setText(QStringLiteral("sku\t1"));
    dialog.adjustSize();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QVERIFY(dialog.grab().save(out + QStringLiteral("/invalidation-target.png")));
}

QTEST_MAIN(TestInvalidationTargetDialog)
#include "tst_invalidationtargetdialog.moc"
