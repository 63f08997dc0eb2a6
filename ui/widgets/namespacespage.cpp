#include "widgets/namespacespage.h"

#include "dialogs/invalidationdialog.h"
#include "models/namespacetablemodel.h"
#include "policy/policyloader.h"
#include "widgets/policydiffview.h"
#include "workspaces/workspace.h"

#include <QAction>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPointer>
#include <QSaveFile>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QTime>
#include <QToolBar>
#include <QToolButton>
#include <QToolTip>
#include <QUndoStack>
#include <QVBoxLayout>

namespace fallback::ui {

/// Write mode is one of two words: offer them instead of a free text field.
/// Also remembers the open editor, so that the page can commit it when Apply
/// or Save is pressed while a cell is being edited.
class PolicyCellDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    QWidget* openEditor() const { return m_editor; }

    QWidget* createEditor(QWidget* parent, const QStyleOptionViewItem& option,
                          const QModelIndex& index) const override
    {
        QWidget* editor = nullptr;
        if (index.column() == NamespaceTableModel::WriteMode) {
            auto* combo = new QComboBox(parent);
            combo->setObjectName(QStringLiteral("writeModeEditor"));
            combo->addItem(QString::fromUtf8(writeModeName(fallback::WriteMode::WriteThrough)));
            combo->addItem(QString::fromUtf8(writeModeName(fallback::WriteMode::AsyncBackfill)));
            editor = combo;
        } else {
            editor = QStyledItemDelegate::createEditor(parent, option, index);
        }
        m_editor = editor;
        return editor;
    }
    void destroyEditor(QWidget* editor, const QModelIndex& index) const override
    {
        if (editor == m_editor)
            m_editor = nullptr;
        QStyledItemDelegate::destroyEditor(editor, index);
    }
    void setEditorData(QWidget* editor, const QModelIndex& index) const override
    {
        if (auto* combo = qobject_cast<QComboBox*>(editor))
            combo->setCurrentText(index.data(Qt::EditRole).toString());
        else
            QStyledItemDelegate::setEditorData(editor, index);
    }
    void setModelData(QWidget* editor, QAbstractItemModel* model, const QModelIndex& index) const override
    {
        if (auto* combo = qobject_cast<QComboBox*>(editor))
            model->setData(index, combo->currentText(), Qt::EditRole);
        else
            QStyledItemDelegate::setModelData(editor, model, index);
    }

private:
    mutable QPointer<QWidget> m_editor;
};

NamespacesPage::NamespacesPage(QWidget* parent)
    : QWidget(parent), m_model(new NamespaceTableModel(this)), m_proxy(new QSortFilterProxyModel(this))
{
    m_proxy->setSourceModel(m_model);
    m_proxy->setFilterKeyColumn(NamespaceTableModel::Name);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setSortRole(NamespaceTableModel::RawValueRole);

    // Shortcuts stay within this page, so that other tabs keep theirs.
    m_addAction = makeAction(tr("Add"), QStringLiteral("addAction"), tr("Add a namespace with the default values"));
    m_addAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Insert));
    m_removeAction = makeAction(tr("Remove"), QStringLiteral("removeAction"), tr("Remove the selected namespaces"));
    m_removeAction->setShortcut(QKeySequence::Delete);
    m_undoAction = makeAction(tr("Undo"), QStringLiteral("undoAction"), tr("Undo the last change"));
    m_undoAction->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_Z)});
    m_redoAction = makeAction(tr("Redo"), QStringLiteral("redoAction"), tr("Redo the change undone last"));
    m_redoAction->setShortcuts({QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z), QKeySequence(Qt::CTRL | Qt::Key_Y)});
    m_applyAction = makeAction(tr("Apply"), QStringLiteral("applyAction"),
                               tr("Put the edited policy in force in this workspace (Ctrl+Return)"));
    m_applyAction->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)});
    m_revertAction = makeAction(tr("Revert"), QStringLiteral("revertAction"),
                                tr("Drop every edit: back to the applied policy (undoable)"));
    m_saveAction = makeAction(tr("Save"), QStringLiteral("saveAction"), tr("Save the edited policy as YAML (Ctrl+S)"));
    m_saveAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_S));
    m_saveAsAction = makeAction(tr("Save As…"), QStringLiteral("saveAsAction"),
                                tr("Save the edited policy to another file"));
    m_exportAction = makeAction(tr("Export Applied…"), QStringLiteral("exportAction"),
                                tr("Export the policy in force (not your edits) as YAML"));
    m_bumpAction = makeAction(tr("Bump…"), QStringLiteral("bumpAction"),
                              tr("Bump the selected namespace's version: old entries become unreachable"));
    m_purgeAction = makeAction(tr("Purge…"), QStringLiteral("purgeAction"),
                               tr("Purge the selected namespace from the edge cache and edge KV"));

    m_toolBar = new QToolBar(this);
    m_toolBar->setObjectName(QStringLiteral("namespacesToolBar"));
    m_toolBar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_toolBar->addActions({m_addAction, m_removeAction});
    m_toolBar->addSeparator();
    m_toolBar->addActions({m_undoAction, m_redoAction});
    m_toolBar->addSeparator();
    m_toolBar->addActions({m_applyAction, m_revertAction});
    m_toolBar->addSeparator();
    // Save As and Export live under Save's arrow: the toolbar must fit a
    // narrow window without hiding Bump and Purge behind an overflow.
    m_toolBar->addAction(m_saveAction);
    if (auto* saveButton = qobject_cast<QToolButton*>(m_toolBar->widgetForAction(m_saveAction))) {
        auto* saveMenu = new QMenu(saveButton);
        saveMenu->addActions({m_saveAsAction, m_exportAction});
        saveButton->setMenu(saveMenu);
        saveButton->setPopupMode(QToolButton::MenuButtonPopup);
    }
    m_toolBar->addSeparator();
    m_toolBar->addActions({m_bumpAction, m_purgeAction});
    if (QWidget* applyButton = m_toolBar->widgetForAction(m_applyAction)) {
        QFont font = applyButton->font();
        font.setBold(true);
        applyButton->setFont(font);
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

    m_readOnlyBanner = new QLabel(this);
    m_readOnlyBanner->setObjectName(QStringLiteral("readOnlyBanner"));
    m_readOnlyBanner->setWordWrap(true);
    m_readOnlyBanner->setStyleSheet(QStringLiteral(
        "QLabel { background: rgba(198, 40, 40, 28); border: 1px solid rgba(198, 40, 40, 110);"
        " border-radius: 3px; padding: 5px 8px; }"));
    m_readOnlyBanner->hide();

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
    m_view->setAlternatingRowColors(false); // the change tints carry the meaning
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 12);
    QHeaderView* header = m_view->horizontalHeader();
    header->setHighlightSections(false);
    header->setMinimumSectionSize(72);
    header->setSectionResizeMode(QHeaderView::Stretch);
    header->setSectionResizeMode(NamespaceTableModel::Name, QHeaderView::Stretch);
    header->setSortIndicator(-1, Qt::AscendingOrder); // file order until a header is clicked
    m_view->setSortingEnabled(true);
    m_view->setContextMenuPolicy(Qt::ActionsContextMenu);
    auto* separator = new QAction(m_view);
    separator->setSeparator(true);
    m_view->addActions({m_addAction, m_removeAction, separator, m_bumpAction, m_purgeAction});

    m_diffView = new PolicyDiffView(this);
    m_diffView->setObjectName(QStringLiteral("diffView"));

    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(m_view);
    splitter->addWidget(m_diffView);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    // The table first; the diff keeps room for a handful of lines.
    m_diffView->setMinimumHeight(5 * fontMetrics().lineSpacing() + 24);
    splitter->setSizes({420, 170});

    m_summaryLabel = new QLabel(this);
    m_summaryLabel->setObjectName(QStringLiteral("summaryLabel"));
    m_statusLabel = new QLabel(this);
    m_statusLabel->setObjectName(QStringLiteral("statusLabel"));
    m_statusLabel->setWordWrap(true);
    m_statusLabel->setTextFormat(Qt::PlainText);
    m_statusLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* statusRow = new QHBoxLayout;
    statusRow->addWidget(m_summaryLabel, 0, Qt::AlignTop);
    statusRow->addSpacing(12);
    statusRow->addWidget(m_statusLabel, 1);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(topRow);
    layout->addWidget(m_readOnlyBanner);
    layout->addWidget(splitter, 1);
    layout->addLayout(statusRow);
    setFocusProxy(m_view); // the tab's focus goes to the table, not the filter

    connect(m_addAction, &QAction::triggered, this, &NamespacesPage::addNamespace);
    connect(m_removeAction, &QAction::triggered, this, &NamespacesPage::removeSelected);
    connect(m_undoAction, &QAction::triggered, m_model->undoStack(), &QUndoStack::undo);
    connect(m_redoAction, &QAction::triggered, m_model->undoStack(), &QUndoStack::redo);
    connect(m_applyAction, &QAction::triggered, this, &NamespacesPage::apply);
    connect(m_revertAction, &QAction::triggered, this, &NamespacesPage::revert);
    connect(m_saveAction, &QAction::triggered, this, &NamespacesPage::save);
    connect(m_saveAsAction, &QAction::triggered, this, &NamespacesPage::saveAs);
    connect(m_exportAction, &QAction::triggered, this, &NamespacesPage::exportApplied);
    connect(m_bumpAction, &QAction::triggered, this, &NamespacesPage::bumpSelected);
    connect(m_purgeAction, &QAction::triggered, this, &NamespacesPage::purgeSelected);

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

NamespacesPage::~NamespacesPage() = default;

QAction* NamespacesPage::makeAction(const QString& text, const QString& objectName, const QString& toolTip)
{
    auto* action = new QAction(text, this);
    action->setObjectName(objectName);
    action->setToolTip(toolTip);
    action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(action);
    return action;
}

void NamespacesPage::setWorkspace(Workspace* workspace)
{
    if (m_workspace == workspace)
        return;
    if (m_workspace)
        disconnect(m_workspace, nullptr, this, nullptr);
    m_workspace = workspace;
    m_applyPending = false;
    const Policy applied = workspace ? workspace->appliedPolicy() : Policy{};
    m_model->resetPolicies(applied, applied);
    if (workspace) {
        connect(workspace, &Workspace::snapshotUpdated, this, &NamespacesPage::onSnapshot);
        connect(workspace, &Workspace::policyApplied, this, &NamespacesPage::onPolicyApplied);
        connect(workspace, &Workspace::unlockedChanged, this, &NamespacesPage::updateReadOnly);
    }
    updateReadOnly();
    updateActions();
}

Workspace* NamespacesPage::workspace() const { return m_workspace; }

void NamespacesPage::setFilePath(const QString& path)
{
    m_filePath = path;
    m_saveAction->setToolTip(path.isEmpty() ? tr("Save the edited policy as YAML (Ctrl+S)")
                                            : tr("Save the edited policy to %1 (Ctrl+S)").arg(path));
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
    const QModelIndex current = m_proxy->mapToSource(m_view->currentIndex());
    const int row = m_model->addNamespace(current.isValid() ? current.row() : -1);
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
    QStringList names;
    for (int row : rows)
        names << m_model->namespaceAt(row);
    if (m_model->removeNamespaces(rows))
        setStatus(tr("Removed %1 (not applied yet; Undo brings it back).").arg(names.join(QStringLiteral(", "))),
                  Tone::Info);
}

void NamespacesPage::commitOpenEditor()
{
    // Ctrl+Return and Ctrl+S reach the page while a cell editor is open: take
    // what the user typed first, as leaving the cell would.
    QWidget* editor = m_delegate->openEditor();
    if (!editor)
        return;
    emit m_delegate->commitData(editor);
    emit m_delegate->closeEditor(editor, QAbstractItemDelegate::NoHint);
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

void NamespacesPage::bumpSelected()
{
    const QString ns = selectedAppliedNamespace();
    if (ns.isEmpty() || !m_workspace)
        return;
    Invalidation invalidation;
    invalidation.kind = Invalidation::Kind::Bump;
    invalidation.ns = ns;
    InvalidationDialog::ask(this, m_workspace, invalidation);
}

void NamespacesPage::purgeSelected()
{
    const QString ns = selectedAppliedNamespace();
    if (ns.isEmpty() || !m_workspace)
        return;
    Invalidation invalidation;
    invalidation.kind = Invalidation::Kind::PurgeNamespace;
    invalidation.ns = ns;
    InvalidationDialog::ask(this, m_workspace, invalidation);
}

void NamespacesPage::onSnapshot(const SnapshotPtr& snapshot)
{
    // Snapshots come ten times a second; the policy in them rarely changes,
    // and setAppliedPolicy() returns at once when it has not.
    if (snapshot)
        m_model->setAppliedPolicy(snapshot->policy);
}

void NamespacesPage::onPolicyApplied(bool ok, const QString& message)
{
    const bool ours = std::exchange(m_applyPending, false);
    if (ok)
        setStatus(message.isEmpty() ? tr("Policy applied.") : tr("Applied: %1").arg(message), Tone::Good);
    else
        setStatus(tr("%1 refused the policy: %2").arg(m_workspace ? m_workspace->name() : tr("The workspace"), message),
                  Tone::Bad);
    if (ours || !ok)
        updateActions();
}

void NamespacesPage::onValidationFailed(const QModelIndex& index, const QString& message)
{
    const QString column = m_model->headerData(index.column(), Qt::Horizontal).toString();
    const QString text = tr("Not changed: %1 of %2: %3").arg(column, m_model->namespaceAt(index.row()), message);
    setStatus(text, Tone::Bad);
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
    const QString start = m_filePath.isEmpty()
                              ? (m_workspace ? m_workspace->name() : QStringLiteral("policy"))
                                    + QStringLiteral(".policy.yaml")
                              : m_filePath;
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
    if (!writePolicyFile(path, policy, &error)) {
        setStatus(error, Tone::Bad);
        return;
    }
    if (becomesDocument)
        setFilePath(path);
    setStatus(becomesDocument ? tr("Saved the edited policy to %1.").arg(QFileInfo(path).fileName())
                              : tr("Exported the applied policy to %1.").arg(QFileInfo(path).fileName()),
              Tone::Good);
}

void NamespacesPage::setStatus(const QString& text, Tone tone)
{
    const QString stamp = QTime::currentTime().toString(QStringLiteral("HH:mm:ss"));
    m_statusLabel->setText(tone == Tone::Info ? text : QStringLiteral("%1  %2").arg(stamp, text));
    switch (tone) {
    case Tone::Info: m_statusLabel->setStyleSheet(QString()); break;
    case Tone::Good: m_statusLabel->setStyleSheet(QStringLiteral("QLabel { color: #2e7d32; }")); break;
    case Tone::Bad: m_statusLabel->setStyleSheet(QStringLiteral("QLabel { color: #c62828; }")); break;
    }
}

QString NamespacesPage::selectedAppliedNamespace() const
{
    const QModelIndex current = m_proxy->mapToSource(m_view->currentIndex());
    if (!current.isValid())
        return {};
    const QString name = m_model->namespaceAt(current.row());
    return m_model->appliedPolicy().find(name.toStdString()) ? name : QString();
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
    if (m_statusLabel->text().isEmpty() || m_statusLabel->text() == editHint() || m_statusLabel->text() == readOnlyHint())
        setStatus(readOnly ? readOnlyHint() : editHint(), Tone::Info);
    if (m_workspace && readOnly)
        m_readOnlyBanner->setText(tr("<b>Read-only.</b> %1 is a production workspace: unlock it to edit its "
                                     "policy. You can still save or export the policy, and bump or purge with "
                                     "confirmation.")
                                      .arg(m_workspace->name().toHtmlEscaped()));
    updateActions();
}

QString NamespacesPage::editHint()
{
    return tr("Double-click a cell or press F2 to edit. Durations: 250ms, 90s, 5m, 1h, 1d; sizes: 64KiB, 1MiB.");
}

QString NamespacesPage::readOnlyHint()
{
    return tr("Select a namespace to bump or purge it.");
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
    QString text;
    QString color;
    if (!problems.isEmpty()) {
        text = problems.size() == 1 ? tr("Cannot apply: %1").arg(problems.front())
                                    : tr("Cannot apply, %1 problems: %2").arg(problems.size()).arg(problems.front());
        color = QStringLiteral("#c62828");
    } else if (changes > 0) {
        text = changes == 1 ? tr("1 unapplied change") : tr("%1 unapplied changes").arg(changes);
        color = QStringLiteral("#9a6700");
    } else {
        text = tr("In force");
        color = QStringLiteral("#2e7d32");
    }
    m_summaryLabel->setText(QStringLiteral("● ") + text);
    m_summaryLabel->setStyleSheet(QStringLiteral("QLabel { color: %1; font-weight: bold; }").arg(color));
    m_summaryLabel->setToolTip(problems.join(QLatin1Char('\n')));
}

} // namespace fallback::ui
