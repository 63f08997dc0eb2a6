// InvalidationDialog: preview first, danger confirm, production name check,
// read-only workspaces, no nested event loop.
#include "dialogs/invalidationdialog.h"
#include "fakeworkspace.h"

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

Invalidation makeInvalidation(Invalidation::Kind kind, const QString& ns = QStringLiteral("product"),
                              const QString& id = {})
{
    Invalidation invalidation;
    invalidation.kind = kind;
    invalidation.ns = ns;
    invalidation.id = id;
    return invalidation;
}

InvalidationPreview makePreview(const Invalidation& invalidation, std::size_t edgeCache = 812,
                                std::size_t edgeKv = 422)
{
    InvalidationPreview preview;
    preview.invalidation = invalidation;
    preview.entriesPerTier[tierIndex(TierId::EdgeCache)] = edgeCache;
    preview.entriesPerTier[tierIndex(TierId::EdgeKv)] = edgeKv;
    preview.entriesPerTier[tierIndex(TierId::ClientCache)] = 99; // never purged: not counted
    preview.readsPerSecond = 1480.0;
    preview.expectedOriginFetchesPerSecond = 1260.0;
    preview.currentVersion = 3;
    return preview;
}

QPushButton* confirmButton(QWidget* dialog)
{
    return dialog->findChild<QPushButton*>(QStringLiteral("confirmButton"));
}

QString allText(QWidget* dialog)
{
    QStringList texts;
    for (const QLabel* label : dialog->findChildren<QLabel*>())
        if (label->isVisibleTo(dialog))
            texts.append(label->text());
    return texts.join(QLatin1Char('\n'));
}

WorkspaceSnapshot snapshotWithProduct()
{
    WorkspaceSnapshot snapshot;
    NamespacePolicy product;
    product.name = "product";
    product.version = 3;
    product.ttl = 120 * kMicrosPerSecond;
    product.staleWhileRevalidate = 60 * kMicrosPerSecond;
    product.staleIfError = 300 * kMicrosPerSecond;
    snapshot.policy.namespaces.push_back(product);
    return snapshot;
}

} // namespace

class TestInvalidationDialog : public QObject {
    Q_OBJECT

private slots:
    void asksForAPreviewWhenOpened();
    void confirmWaitsForThePreview();
    void ignoresOtherPreviews();
    void bumpShowsTheVersionChange();
    void failedPreviewOffersNoConfirm();
    void productionNeedsTheNamespaceName();
    void productionPurgeAllNeedsEverything();
    void confirmInvalidatesAndCloses();
    void cancelCallsNothing();
    void readOnlyOffersNoConfirm();
    void askOpensWindowModalWithoutBlocking();
    void closesWhenTheWorkspaceGoes();
    void render();
};

void TestInvalidationDialog::asksForAPreviewWhenOpened()
{
    FakeWorkspace workspace;
    const Invalidation invalidation =
        makeInvalidation(Invalidation::Kind::PurgeKey, QStringLiteral("product"), QStringLiteral("sku:1"));
    InvalidationDialog dialog(&workspace, invalidation);
    dialog.open();
    QCOMPARE(workspace.previews.size(), 1);
    QCOMPARE(workspace.previews[0].kind, Invalidation::Kind::PurgeKey);
    QCOMPARE(workspace.previews[0].ns, QStringLiteral("product"));
    QCOMPARE(workspace.previews[0].id, QStringLiteral("sku:1"));
    auto* status = dialog.findChild<QLabel*>(QStringLiteral("statusLabel"));
    QVERIFY(status);
    QCOMPARE(status->text(), QStringLiteral("Counting…"));
    QVERIFY(!dialog.hasPreview());
    QVERIFY(confirmButton(&dialog)->isVisible());
    QVERIFY(!confirmButton(&dialog)->isEnabled());
    QVERIFY(workspace.invalidations.isEmpty());
}

void TestInvalidationDialog::confirmWaitsForThePreview()
{
    FakeWorkspace workspace;
    const Invalidation invalidation = makeInvalidation(Invalidation::Kind::PurgeNamespace);
    InvalidationDialog dialog(&workspace, invalidation);
    dialog.open();
    QVERIFY(!confirmButton(&dialog)->isEnabled());
    workspace.answerPreview(makePreview(invalidation));
    QVERIFY(dialog.hasPreview());
    QVERIFY(confirmButton(&dialog)->isEnabled());
    // Edge cache + edge KV; the client cache is never purged.
    QCOMPARE(confirmButton(&dialog)->text(), QStringLiteral("Purge 1,234 entries"));
    const QString text = allText(&dialog);
    QVERIFY2(text.contains(QStringLiteral("812")), qPrintable(text));
    QVERIFY(text.contains(QStringLiteral("422")));
    QVERIFY(text.contains(QStringLiteral("never purged")));
    QVERIFY(text.contains(QStringLiteral("1,480 reads/s")));
    QVERIFY(text.contains(QStringLiteral("1,260 fetches/s")));
    QVERIFY(!text.contains(QStringLiteral("Counting")));
}

void TestInvalidationDialog::ignoresOtherPreviews()
{
    FakeWorkspace workspace;
    InvalidationDialog dialog(&workspace, makeInvalidation(Invalidation::Kind::PurgeNamespace));
    dialog.open();
    workspace.answerPreview(makePreview(makeInvalidation(Invalidation::Kind::PurgeNamespace,
                                                         QStringLiteral("user"))));
    workspace.answerPreview(makePreview(makeInvalidation(Invalidation::Kind::Bump)));
    QVERIFY(!dialog.hasPreview());
    QVERIFY(!confirmButton(&dialog)->isEnabled());
}

void TestInvalidationDialog::bumpShowsTheVersionChange()
{
    FakeWorkspace workspace;
    workspace.push(snapshotWithProduct());
    const Invalidation invalidation = makeInvalidation(Invalidation::Kind::Bump);
    InvalidationDialog dialog(&workspace, invalidation);
    dialog.open();
    workspace.answerPreview(makePreview(invalidation));
    QCOMPARE(confirmButton(&dialog)->text(), QStringLiteral("Bump to v4"));
    QVERIFY(confirmButton(&dialog)->isEnabled());
    const QString text = allText(&dialog);
    QVERIFY2(text.contains(QStringLiteral("v3")) && text.contains(QStringLiteral("v4")), qPrintable(text));
    QVERIFY(text.contains(QStringLiteral("unreachable")));
    QVERIFY(text.contains(QStringLiteral("age out")));
    // ttl 120s + max(swr 60s, sie 300s) = 7m.
    QVERIFY(text.contains(QStringLiteral("7m")));
}

void TestInvalidationDialog::failedPreviewOffersNoConfirm()
{
    FakeWorkspace workspace;
    const Invalidation invalidation = makeInvalidation(Invalidation::Kind::PurgeNamespace,
                                                       QStringLiteral("gone"));
    InvalidationDialog dialog(&workspace, invalidation);
    dialog.open();
    InvalidationPreview preview = makePreview(invalidation);
    preview.ok = false;
    preview.error = QStringLiteral("namespace 'gone' is not in the policy");
    workspace.answerPreview(preview);
    QVERIFY(!confirmButton(&dialog)->isEnabled());
    QVERIFY(allText(&dialog).contains(QStringLiteral("not in the policy")));
}

void TestInvalidationDialog::productionNeedsTheNamespaceName()
{
    FakeWorkspace workspace(Workspace::Kind::Live, QStringLiteral("prod-eu"));
    workspace.production = true;
    workspace.setUnlocked(true);
    const Invalidation invalidation = makeInvalidation(Invalidation::Kind::PurgeNamespace);
    InvalidationDialog dialog(&workspace, invalidation);
    dialog.open();
    auto* edit = dialog.findChild<QLineEdit*>(QStringLiteral("confirmEdit"));
    QVERIFY(edit);
    QVERIFY(edit->isVisible());
    workspace.answerPreview(makePreview(invalidation));
    QVERIFY(!confirmButton(&dialog)->isEnabled());
    QTest::keyClicks(edit, QStringLiteral("produc"));
    QVERIFY(!confirmButton(&dialog)->isEnabled());
    QTest::keyClicks(edit, QStringLiteral("t"));
    QVERIFY(confirmButton(&dialog)->isEnabled());
    QTest::keyClick(edit, Qt::Key_Backspace);
    QVERIFY(!confirmButton(&dialog)->isEnabled());
    // Enter never confirms, even with the name typed.
    QTest::keyClicks(edit, QStringLiteral("t"));
    QTest::keyClick(edit, Qt::Key_Return);
    QVERIFY(workspace.invalidations.isEmpty());
    QVERIFY(dialog.isVisible());
}

void TestInvalidationDialog::productionPurgeAllNeedsEverything()
{
    FakeWorkspace workspace(Workspace::Kind::Live, QStringLiteral("prod-eu"));
    workspace.production = true;
    workspace.setUnlocked(true);
    const Invalidation invalidation = makeInvalidation(Invalidation::Kind::PurgeAll, QString());
    InvalidationDialog dialog(&workspace, invalidation);
    dialog.open();
    workspace.answerPreview(makePreview(invalidation));
    auto* edit = dialog.findChild<QLineEdit*>(QStringLiteral("confirmEdit"));
    QCOMPARE(dialog.confirmWord(), QStringLiteral("everything"));
    QVERIFY(!confirmButton(&dialog)->isEnabled());
    QTest::keyClicks(edit, QStringLiteral("everything"));
    QVERIFY(confirmButton(&dialog)->isEnabled());
}

void TestInvalidationDialog::confirmInvalidatesAndCloses()
{
    FakeWorkspace workspace;
    const Invalidation invalidation =
        makeInvalidation(Invalidation::Kind::PurgeKey, QStringLiteral("product"), QStringLiteral("sku-1042"));
    InvalidationDialog dialog(&workspace, invalidation);
    dialog.open();
    workspace.answerPreview(makePreview(invalidation, 1, 1));
    QCOMPARE(confirmButton(&dialog)->text(), QStringLiteral("Purge 2 entries"));
    QTest::mouseClick(confirmButton(&dialog), Qt::LeftButton);
    QCOMPARE(workspace.invalidations.size(), 1);
    QCOMPARE(workspace.invalidations[0].kind, Invalidation::Kind::PurgeKey);
    QCOMPARE(workspace.invalidations[0].ns, QStringLiteral("product"));
    QCOMPARE(workspace.invalidations[0].id, QStringLiteral("sku-1042"));
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
    QVERIFY(!dialog.isVisible());
}

void TestInvalidationDialog::cancelCallsNothing()
{
    FakeWorkspace workspace;
    const Invalidation invalidation = makeInvalidation(Invalidation::Kind::PurgeNamespace);
    InvalidationDialog dialog(&workspace, invalidation);
    dialog.open();
    workspace.answerPreview(makePreview(invalidation));
    auto* cancel = dialog.findChild<QPushButton*>(QStringLiteral("cancelButton"));
    QVERIFY(cancel);
    QTest::mouseClick(cancel, Qt::LeftButton);
    QVERIFY(workspace.invalidations.isEmpty());
    QCOMPARE(dialog.result(), int(QDialog::Rejected));
    QVERIFY(!dialog.isVisible());
}

void TestInvalidationDialog::readOnlyOffersNoConfirm()
{
    FakeWorkspace workspace(Workspace::Kind::Live, QStringLiteral("prod-eu"));
    workspace.production = true; // and not unlocked: read-only
    QVERIFY(workspace.isReadOnly());
    const Invalidation invalidation = makeInvalidation(Invalidation::Kind::PurgeNamespace);
    InvalidationDialog dialog(&workspace, invalidation);
    dialog.open();
    workspace.answerPreview(makePreview(invalidation));
    QVERIFY(!confirmButton(&dialog)->isVisible());
    QVERIFY(!confirmButton(&dialog)->isEnabled());
    QVERIFY(!dialog.findChild<QLineEdit*>(QStringLiteral("confirmEdit"))->isVisible());
    auto* notice = dialog.findChild<QLabel*>(QStringLiteral("readOnlyNotice"));
    QVERIFY(notice && notice->isVisible());
    QVERIFY(notice->text().contains(QStringLiteral("read-only")));
    confirmButton(&dialog)->click();
    QVERIFY(workspace.invalidations.isEmpty());

    // Unlocked while open: the confirm appears, behind the name check.
    workspace.setUnlocked(true);
    QVERIFY(confirmButton(&dialog)->isVisible());
    QVERIFY(!notice->isVisible());
    QVERIFY(!confirmButton(&dialog)->isEnabled());
}

void TestInvalidationDialog::askOpensWindowModalWithoutBlocking()
{
    FakeWorkspace workspace;
    QWidget window;
    window.resize(600, 400);
    window.show();
    // ask() returns at once: no nested event loop waits for the user.
    InvalidationDialog::ask(&window, &workspace, makeInvalidation(Invalidation::Kind::PurgeNamespace));
    QPointer<InvalidationDialog> dialog = window.findChild<InvalidationDialog*>();
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    QCOMPARE(dialog->windowModality(), Qt::WindowModal);
    QCOMPARE(workspace.previews.size(), 1);
    dialog->reject();
    QTRY_VERIFY(dialog.isNull()); // deletes itself once closed
}

void TestInvalidationDialog::closesWhenTheWorkspaceGoes()
{
    auto* workspace = new FakeWorkspace;
    InvalidationDialog dialog(workspace, makeInvalidation(Invalidation::Kind::PurgeNamespace));
    dialog.open();
    delete workspace;
    QVERIFY(!dialog.isVisible());
    QCOMPARE(dialog.result(), int(QDialog::Rejected));
}

void TestInvalidationDialog::render()
{
    const QString out = qEnvironmentVariable("FALLBACK_UI_SHOTS");
    if (out.isEmpty())
        QSKIP("set FALLBACK_UI_SHOTS to a folder to save screenshots");
    auto save = [&](QDialog& dialog, const QString& name) {
        dialog.adjustSize();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QVERIFY(dialog.grab().save(out + QLatin1Char('/') + name));
    };
    {
        FakeWorkspace workspace(Workspace::Kind::Live, QStringLiteral("prod-eu"));
        workspace.production = true;
        workspace.setUnlocked(true);
        const Invalidation invalidation = makeInvalidation(Invalidation::Kind::PurgeNamespace);
        InvalidationDialog dialog(&workspace, invalidation);
        dialog.open();
        workspace.answerPreview(makePreview(invalidation));
        QTest::keyClicks(dialog.findChild<QLineEdit*>(QStringLiteral("confirmEdit")),
                         QStringLiteral("product"));
        save(dialog, QStringLiteral("invalidation.png"));
    }
    {
        FakeWorkspace workspace;
        workspace.push(snapshotWithProduct());
        InvalidationDialog dialog(&workspace, makeInvalidation(Invalidation::Kind::Bump));
        dialog.open();
        save(dialog, QStringLiteral("invalidation-counting.png"));
        workspace.answerPreview(makePreview(makeInvalidation(Invalidation::Kind::Bump)));
        save(dialog, QStringLiteral("invalidation-bump.png"));
    }
    {
        FakeWorkspace workspace(Workspace::Kind::Live, QStringLiteral("prod-eu"));
        workspace.production = true;
        const Invalidation invalidation = makeInvalidation(Invalidation::Kind::PurgeAll, QString());
        InvalidationDialog dialog(&workspace, invalidation);
        dialog.open();
        workspace.answerPreview(makePreview(invalidation, 48210, 20577));
        save(dialog, QStringLiteral("invalidation-readonly.png"));
    }
}

QTEST_MAIN(TestInvalidationDialog)
#include "tst_invalidationdialog.moc"
