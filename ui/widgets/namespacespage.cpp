#include "widgets/namespacespage.h"

#include "dialogs/invalidationdialog.h"
#include "dialogs/policyconflictdialog.h"
#include "models/namespacetablemodel.h"
#include "policy/policyloader.h"
#include "widgets/banner.h"
#include "widgets/policycelldelegate.h"
#include "widgets/policydiffview.h"
#include "widgets/warningbanner.h"
#include "workspaces/workspace.h"

#include <QAction>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QSaveFile>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QTime>
#include <QToolBar>
#include <QToolButton>
#include <QToolTip>
#include <QUndoStack>
#include <QVBoxLayout>

namespace fallback::ui {

NamespacesPage::NamespacesPage(QWidget* parent)
    : QWidget(parent), m_model(new NamespaceTableModel(this)), m_proxy(new QSortFilterProxyModel(this))
{
    m_proxy->setSourceModel(m_model);
    m_proxy->setFilterKeyColumn(NamespaceTableModel::Name);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setSortRole(NamespaceTableModel::RawValueRole);

    using Keys = QList<QKeySequence>;
    m_addAction = makeAction(tr("Add"), "addAction", tr("Add a namespace with the default values"),
                             &NamespacesPage::addNamespace, {QKeySequence(Qt::CTRL | Qt::Key_Insert)});
    m_removeAction = makeAction(tr("Remove"), "removeAction", tr("Remove the selected namespaces"),
                                &NamespacesPage::removeSelected, {QKeySequence::Delete});
    m_undoAction = makeAction(tr("Undo"), "undoAction", {}, nullptr, {QKeySequence(Qt::CTRL | Qt::Key_Z)});
    m_redoAction = makeAction(tr("Redo"), "redoAction", {}, nullptr,
                              Keys{QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z), QKeySequence(Qt::CTRL | Qt::Key_Y)});
    m_applyAction = makeAction(tr("Apply"), "applyAction",
                               tr("Put the edited policy in force in this workspace (Ctrl+Return)"),
                               &NamespacesPage::apply,
                               Keys{QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)});
    m_revertAction = makeAction(tr("Revert"), "revertAction", tr("Drop every edit: back to the applied policy (undoable)"),
                                &NamespacesPage::revert);
    m_saveAction = makeAction(tr("Save"), "saveAction", tr("Save the edited policy as YAML (Ctrl+S)"),
                              &NamespacesPage::save, {QKeySequence(Qt::CTRL | Qt::Key_S)});
    m_saveAsAction = makeAction(tr("Save As…"), "saveAsAction", tr("Save the edited policy to another file"),
                                &NamespacesPage::saveAs);
    m_exportAction = makeAction(tr("Export Applied…"), "exportAction",
                                tr("Export the policy in force (not your edits) as YAML"), &NamespacesPage::exportApplied);
    m_bumpAction = makeAction(tr("Bump…"), "bumpAction",
                              tr("Bump the selected namespace's version: old entries become unreachable"),
                              &NamespacesPage::bumpSelected);
    m_purgeAction = makeAction(tr("Purge…"), "purgeAction",
                               tr("Purge the selected namespace from the edge cache and edge KV"),
                               &NamespacesPage::purgeSelected);
    connect(m_undoAction, &QAction::triggered, m_model->undoStack(), &QUndoStack::undo);
    connect(m_redoAction, &QAction::triggered, m_model->undoStack(), &QUndoStack::redo);

    m_toolBar = new QToolBar(this);
    m_toolBar->setObjectName(QStringLiteral("namespacesToolBar"));
    m_toolBar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    for (const QList<QAction*>& group : {QList<QAction*>{m_addAction, m_removeAction}, {m_undoAction, m_redoAction},
                                         {m_applyAction, m_revertAction}, {m_saveAction}, {m_bumpAction, m_purgeAction}}) {
        if (!m_toolBar->actions().isEmpty())
            m_toolBar->addSeparator();
        m_toolBar->addActions(group);
    }
    // Save As and Export live under Save's arrow: the toolbar must fit a
    // narrow window without hiding Bump and Purge behind an overflow.
    if (auto* saveButton = qobject_cast<QToolButton*>(m_toolBar->widgetForAction(m_saveAction))) {
        auto* saveMenu = new QMenu(saveButton);
        saveMenu->addActions({m_saveAsAction, m_exportAction});
        saveButton->setMenu(saveMenu);
        saveButton->setPopupMode(QToolButton::MenuButtonPopup);
    }
    if (QWidget* applyButton = m_toolBar->widgetForAction(m_applyAction)) {
        QFont bold = applyButton->font();
        bold.setBold(true);
        applyButton->setFont(bold);
    }

    m_filterEdit = new QLineEdit(this);
    m_filterEdit->setObjectName(QStringLiteral("filterEdit"));
    m_filterEdit->setPlaceholderText(tr("Filter namespaces"));
    m_filterEdit->setClearButtonEnabled(true);
    m_filterEdit->setMaximumWidth(220);
    connect(m_filterEdit, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);

    auto* topRow = new QHBoxLayout;
    topRow->addWidget(m_toolBar, 1);
    topRow->addWidget(m_filterEdit);

    m_readOnlyBanner = new Banner(Banner::Tone::Bad, this);
    m_readOnlyBanner->setObjectName(QStringLiteral("readOnlyBanner"));
    m_warningBanner = new WarningBanner(this);

    m_view = new QTableView(this);
    m_view->setObjectName(QStringLiteral("namespaceView"));
    m_view->setModel(m_proxy);
    m_delegate = new PolicyCellDelegate(m_view);
    m_view->setItemDelegate(m_delegate);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed
                            | QAbstractItemView::AnyKeyPressed | QAbstractItemView::SelectedClicked);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 12); // room for the editor
    QHeaderView* header = m_view->horizontalHeader();
    header->setHighlightSections(false);
    header->setMinimumSectionSize(72);
    header->setSectionResizeMode(QHeaderView::Stretch);
    header->setSortIndicator(-1, Qt::AscendingOrder); // file order until a header is clicked
    m_view->setSortingEnabled(true);
    m_view->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_view->addActions({m_addAction, m_removeAction, m_bumpAction, m_purgeAction});

    m_diffView = new PolicyDiffView(this);
    m_diffView->setObjectName(QStringLiteral("diffView"));
    m_diffView->setMinimumHeight(5 * fontMetrics().lineSpacing() + 24); // room for a handful of lines

    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(m_view);
    splitter->addWidget(m_diffView);
    splitter->setStretchFactor(0, 3);
    splitter->setSizes({360, 200});

    m_summaryLabel = new QLabel(this);
    m_summaryLabel->setObjectName(QStringLiteral("summaryLabel"));
    m_statusLabel = new QLabel(this);
    m_statusLabel->setObjectName(QStringLiteral("statusLabel"));
    m_statusLabel->setWordWrap(true);
    m_statusLabel->setTextFormat(Qt::PlainText);
    m_statusLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* statusRow = new QHBoxLayout;
    statusRow->setSpacing(12);
    statusRow->addWidget(m_summaryLabel, 0, Qt::AlignTop);
    statusRow->addWidget(m_statusLabel, 1);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(topRow);
    layout->addWidget(m_readOnlyBanner);
    layout->addWidget(m_warningBanner);
    layout->addWidget(splitter, 1);
    layout->addLayout(statusRow);
    setFocusProxy(m_view); // the tab's focus goes to the table, not the filter

    QUndoStack* stack = m_model->undoStack();
    connect(stack, &QUndoStack::indexChanged, this, &NamespacesPage::updateActions);
    connect(stack, &QUndoStack::cleanChanged, this, &NamespacesPage::updateActions);
    connect(m_model, &NamespaceTableModel::policyChanged, this, [this] {
        m_diffView->setPolicies(m_model->appliedPolicy(), m_model->policy());
        updateSummary();
        updateActions();
    });
    connect(m_model, &NamespaceTableModel::validationFailed, this, &NamespacesPage::onValidationFailed);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &NamespacesPage::updateActions);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this, &NamespacesPage::updateActions);

    updateReadOnly();
    updateSummary();
    updateActions();
}

NamespacesPage::~NamespacesPage()
{
    // The model (a child) outlives this destructor; its undo stack would
    // still call updateActions() on a half-destroyed page while it clears.
    disconnect(m_model->undoStack(), nullptr, this, nullptr);
    disconnect(m_model, nullptr, this, nullptr);
}

QAction* NamespacesPage::makeAction(const QString& text, const char* objectName, const QString& toolTip,
                                    void (NamespacesPage::*slot)(), const QList<QKeySequence>& shortcuts)
{
    auto* action = new QAction(text, this);
    action->setObjectName(QString::fromLatin1(objectName));
    action->setToolTip(toolTip);
    action->setShortcuts(shortcuts);
    // Shortcuts stay within this page, so that other tabs keep theirs.
    action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(action);
    if (slot)
        connect(action, &QAction::triggered, this, slot);
    return action;
}

void NamespacesPage::setWorkspace(Workspace* workspace)
{
    if (m_workspace == workspace)
        return;
    if (m_workspace)
        disconnect(m_workspace, nullptr, this, nullptr);
    m_workspace = workspace;
    m_warningBanner->setWorkspace(workspace);
    m_applyPending = false;
    const Policy applied = workspace ? workspace->appliedPolicy() : Policy{};
    m_model->resetPolicies(applied, applied);
    if (workspace) {
        connect(workspace, &Workspace::snapshotUpdated, this, &NamespacesPage::onSnapshot);
        connect(workspace, &Workspace::policyApplied, this, &NamespacesPage::onPolicyApplied);
        connect(workspace, &Workspace::policyConflict, this, &NamespacesPage::onPolicyConflict);
        connect(workspace, &Workspace::unlockedChanged, this, &NamespacesPage::updateReadOnly);
    }
    updateReadOnly();
    updateActions();
}

Workspace* NamespacesPage::workspace() const { return m_workspace; }

void NamespacesPage::setFilePath(const QString& path)
{
    m_filePath = path;
    m_saveAction->setToolTip(tr("Save the edited policy to %1 (Ctrl+S)").arg(path.isEmpty() ? tr("a YAML file") : path));
}

bool NamespacesPage::writePolicyFile(const QString& path, const Policy& policy, QString* error)
{
    // QSaveFile writes beside the target and renames on commit: a failed or
    // interrupted save never leaves half a policy file behind.
    QSaveFile file(path);
    const QByteArray yaml = QByteArray::fromStdString(writePolicyYaml(policy));
    if (!file.open(QIODevice::WriteOnly) || file.write(yaml) != yaml.size() || !file.commit()) {
        if (error)
            *error = tr("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

void NamespacesPage::addNamespace()
{
    const int row = m_model->addNamespace(m_proxy->mapToSource(m_view->currentIndex()).row());
    if (row < 0)
        return;
    m_filterEdit->clear(); // a filtered-out new row would look like nothing happened
    const QModelIndex name = m_proxy->mapFromSource(m_model->index(row, NamespaceTableModel::Name));
    m_view->setCurrentIndex(name);
    m_view->scrollTo(name);
    m_view->edit(name);
    setStatus(tr("Added %1 with the default values: name it, then set its values.").arg(m_model->namespaceAt(row)),
              Tone::Info);
}

void NamespacesPage::removeSelected()
{
    const QList<int> rows = selectedSourceRows();
    const QString first = m_model->namespaceAt(rows.value(0, -1));
    if (m_model->removeNamespaces(rows))
        setStatus(rows.size() == 1 ? tr("Removed %1: not applied yet, Undo brings it back.").arg(first)
                                   : tr("Removed %1 namespaces: not applied yet, Undo brings them back.").arg(rows.size()),
                  Tone::Info);
}

void NamespacesPage::commitOpenEditor()
{
    // Ctrl+Return and Ctrl+S reach the page while a cell editor is open: take
    // what the user typed first, as leaving the cell would.
    if (QWidget* editor = m_delegate->openEditor()) {
        emit m_delegate->commitData(editor);
        emit m_delegate->closeEditor(editor, QAbstractItemDelegate::NoHint);
    }
}

void NamespacesPage::apply()
{
    commitOpenEditor();
    if (!m_applyAction->isEnabled() || !m_workspace)
        return;
    m_applyPending = true;
    const int changes = static_cast<int>(m_model->changes().size());
    setStatus(changes == 1 ? tr("Applying 1 change to %1…").arg(m_workspace->name())
                           : tr("Applying %1 changes to %2…").arg(changes).arg(m_workspace->name()),
              Tone::Info);
    updateActions();
    m_workspace->applyPolicy(m_model->policy());
}

void NamespacesPage::revert()
{
    if (m_model->revertAll())
        setStatus(tr("Reverted to the applied policy (Undo restores your edits)."), Tone::Info);
}

void NamespacesPage::save()
{
    commitOpenEditor();
    if (m_filePath.isEmpty())
        saveAs();
    else
        saveFile(m_filePath, m_model->policy(), true);
}

void NamespacesPage::saveAs()
{
    commitOpenEditor();
    askForFile(tr("Save Policy"), m_model->policy(), true);
}

void NamespacesPage::exportApplied() { askForFile(tr("Export Applied Policy"), m_model->appliedPolicy(), false); }

void NamespacesPage::bumpSelected() { invalidateSelected(Invalidation::Kind::Bump); }

void NamespacesPage::purgeSelected() { invalidateSelected(Invalidation::Kind::PurgeNamespace); }

void NamespacesPage::invalidateSelected(Invalidation::Kind kind)
{
    Invalidation invalidation;
    invalidation.kind = kind;
    invalidation.ns = selectedAppliedNamespace();
    if (!invalidation.ns.isEmpty() && m_workspace)
        InvalidationDialog::ask(this, m_workspace, invalidation);
}

void NamespacesPage::onSnapshot(const SnapshotPtr& snapshot)
{
    // Snapshots come ten times a second; the policy in them rarely changes,
    // and setAppliedPolicy() returns at once when it has not.
    if (snapshot)
        m_model->setAppliedPolicy(snapshot->policy);
}

void NamespacesPage::onPolicyApplied(bool ok, const QString& message, bool warned)
{
    m_applyPending = false;
    if (ok)
        setStatus(message.isEmpty() ? tr("Policy applied.") : tr("Applied: %1").arg(message),
                  warned ? Tone::Warn : Tone::Good);
    else
        setStatus(tr("The policy was not applied: %1").arg(message), Tone::Bad);
    updateActions();
}

void NamespacesPage::onPolicyConflict(const QString& message)
{
    // A 412: the policy in force moved under the edits. Never overwrite it:
    // offer to reload it and put the edits back on top (open(), no nested loop).
    m_applyPending = false;
    setStatus(message, Tone::Bad);
    updateActions();
    if (m_conflictDialog)
        return;
    auto* dialog = new PolicyConflictDialog(m_workspace, m_model, message, this);
    m_conflictDialog = dialog;
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(Qt::WindowModal);
    connect(dialog, &PolicyConflictDialog::resolved, this,
            [this](const QString& summary, bool good) { setStatus(summary, good ? Tone::Good : Tone::Bad); });
    dialog->open();
}

void NamespacesPage::onValidationFailed(const QModelIndex& index, const QString& message)
{
    setStatus(tr("Not changed: %1 of %2: %3")
                  .arg(m_model->headerData(index.column(), Qt::Horizontal).toString(),
                       m_model->namespaceAt(index.row()), message),
              Tone::Bad);
    // Next to the cell too, where the eyes are.
    const QModelIndex shown = m_proxy->mapFromSource(index);
    if (shown.isValid() && m_view->isVisible()) {
        const QRect cell = m_view->visualRect(shown);
        QToolTip::showText(m_view->viewport()->mapToGlobal(cell.bottomLeft()), message, m_view->viewport(), cell);
    }
}

void NamespacesPage::askForFile(const QString& title, const Policy& policy, bool becomesDocument)
{
    // open(), not exec(): no nested event loop while snapshots keep coming.
    const QString start = m_filePath.isEmpty() ? QStringLiteral("policy.yaml") : m_filePath;
    auto* dialog = new QFileDialog(this, title, start, tr("Policy files (*.policy.yaml *.yaml);;All files (*)"));
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setDefaultSuffix(QStringLiteral("yaml"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(Qt::WindowModal);
    connect(dialog, &QFileDialog::fileSelected, this,
            [this, policy, becomesDocument](const QString& path) { saveFile(path, policy, becomesDocument); });
    dialog->open();
}

void NamespacesPage::saveFile(const QString& path, const Policy& policy, bool becomesDocument)
{
    QString error;
    if (!writePolicyFile(path, policy, &error))
        return setStatus(error, Tone::Bad);
    if (becomesDocument)
        setFilePath(path);
    const QString name = QFileInfo(path).fileName();
    setStatus(becomesDocument ? tr("Saved the edited policy to %1.").arg(name)
                              : tr("Exported the applied policy to %1.").arg(name),
              Tone::Good);
}

void NamespacesPage::setStatus(const QString& text, Tone tone)
{
    const QString stamp = QTime::currentTime().toString(QStringLiteral("HH:mm:ss"));
    m_statusLabel->setText(tone == Tone::Info ? text : QStringLiteral("%1  %2").arg(stamp, text));
    QString colour;
    switch (tone) {
    case Tone::Info: break;
    case Tone::Good: colour = QStringLiteral("#2e7d32"); break;
    case Tone::Warn: colour = QStringLiteral("#b26a00"); break; // done, with a warning
    case Tone::Bad: colour = QStringLiteral("#c62828"); break;
    }
    m_statusLabel->setStyleSheet(colour.isEmpty() ? QString()
                                                  : QStringLiteral("QLabel { color: %1; }").arg(colour));
}

QString NamespacesPage::selectedAppliedNamespace() const
{
    const QString name = m_model->namespaceAt(m_proxy->mapToSource(m_view->currentIndex()).row());
    return !name.isEmpty() && m_model->appliedPolicy().find(name.toStdString()) ? name : QString();
}

QList<int> NamespacesPage::selectedSourceRows() const
{
    QList<int> rows;
    for (const QModelIndex& index : m_view->selectionModel()->selectedRows())
        rows << m_proxy->mapToSource(index).row();
    if (rows.isEmpty() && m_view->currentIndex().isValid())
        rows << m_proxy->mapToSource(m_view->currentIndex()).row();
    return rows;
}

void NamespacesPage::updateReadOnly()
{
    const bool readOnly = !m_workspace || m_workspace->isReadOnly();
    m_model->setReadOnly(readOnly);
    m_readOnlyBanner->setVisible(m_workspace && readOnly);
    // The idle hint says how to edit, which a read-only page cannot.
    const QString editHint = tr("Double-click a cell or press F2 to edit. Durations: 250ms, 90s, 5m, 1h, 1d; "
                                "sizes: 64KiB, 1MiB.");
    const QString readOnlyHint = tr("Select a namespace to bump or purge it.");
    if (m_statusLabel->text().isEmpty() || m_statusLabel->text() == editHint || m_statusLabel->text() == readOnlyHint)
        setStatus(readOnly ? readOnlyHint : editHint, Tone::Info);
    if (m_workspace && readOnly)
        m_readOnlyBanner->setText(tr("<b>Read-only.</b> %1 is a production workspace: unlock it to edit its "
                                     "policy (right-click it in the workspace list ▸ Unlock for this "
                                     "session). You can still save or export the policy.")
                                      .arg(m_workspace->name().toHtmlEscaped()));
    updateActions();
}

void NamespacesPage::updateActions()
{
    const bool editable = m_workspace && !m_model->isReadOnly();
    const QUndoStack* stack = m_model->undoStack();
    const bool valid = m_model->problems().isEmpty();
    const bool hasSelection = !selectedSourceRows().isEmpty();
    const bool invalidatable = m_workspace && !selectedAppliedNamespace().isEmpty();

    m_addAction->setEnabled(editable);
    m_removeAction->setEnabled(editable && hasSelection);
    m_undoAction->setEnabled(editable && stack->canUndo());
    m_undoAction->setToolTip(stack->canUndo() ? tr("Undo: %1 (Ctrl+Z)").arg(stack->undoText()) : tr("Nothing to undo"));
    m_redoAction->setEnabled(editable && stack->canRedo());
    m_redoAction->setToolTip(stack->canRedo() ? tr("Redo: %1 (Ctrl+Shift+Z)").arg(stack->redoText())
                                              : tr("Nothing to redo"));
    m_applyAction->setEnabled(editable && m_model->isDirty() && valid && !m_applyPending);
    m_revertAction->setEnabled(editable && m_model->policy() != m_model->appliedPolicy());
    m_exportAction->setEnabled(!m_workspace.isNull());
    m_bumpAction->setEnabled(invalidatable);
    m_purgeAction->setEnabled(invalidatable);
}

void NamespacesPage::updateSummary()
{
    const QStringList problems = m_model->problems();
    const int changes = static_cast<int>(m_model->changes().size());
    QString text = tr("In force");
    QString color = QStringLiteral("#2e7d32");
    if (!problems.isEmpty()) {
        text = problems.size() == 1 ? tr("Cannot apply: %1").arg(problems.front())
                                    : tr("Cannot apply, %1 problems: %2").arg(problems.size()).arg(problems.front());
        color = QStringLiteral("#c62828");
    } else if (changes > 0) {
        text = changes == 1 ? tr("1 unapplied change") : tr("%1 unapplied changes").arg(changes);
        color = QStringLiteral("#9a6700");
    }
    m_summaryLabel->setText(QStringLiteral("● ") + text);
    m_summaryLabel->setStyleSheet(QStringLiteral("QLabel { color: %1; font-weight: bold; }").arg(color));
    m_summaryLabel->setToolTip(problems.join(QLatin1Char('\n')));
}

} // namespace fallback::ui
