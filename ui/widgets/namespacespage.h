#pragma once

#include "policy/policy.h"
#include "workspaces/workspacesnapshot.h"
#include "workspaces/workspacetypes.h"

#include <QPointer>
#include <QWidget>

class QAction;
class QKeySequence;
class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QTableView;
class QToolBar;

namespace fallback::ui {

class Banner;
class NamespaceTableModel;
class PolicyConflictDialog;
class PolicyCellDelegate;
class PolicyDiffView;
class WarningBanner;
class Workspace;

/// The Namespaces tab (SPEC §7): the workspace's policy as an editable table
/// (version, ttl, swr, sie, max object size, write mode) with per-cell
/// validation, undo / redo, a diff against the applied policy, Apply, Save /
/// Export YAML, and Bump / Purge for the selected namespace.
///
/// Apply sends the edited policy to the workspace and shows its answer; the
/// page turns clean when a snapshot brings the policy in force. Saving writes
/// atomically (QSaveFile). A read-only (production, locked) workspace shows
/// the policy but refuses edits. When an apply is refused because the
/// policy in force changed meanwhile (Workspace::policyConflict, a live
/// deployment's 412), a PolicyConflictDialog offers to reload it and put the
/// edits back on top - never a blind overwrite. What the workspace's node
/// warns of (Workspace::warnings()) shows in an amber WarningBanner above the
/// table. GUI thread only.
///
/// Object names for tests: actions `addAction`, `removeAction`, `undoAction`,
/// `redoAction`, `applyAction`, `revertAction`, `saveAction`, `saveAsAction`,
/// `exportAction`, `bumpAction`, `purgeAction`; widgets `namespaceView`,
/// `filterEdit`, `diffView`, `statusLabel`, `summaryLabel`, `readOnlyBanner`,
/// `warningBanner`.
class NamespacesPage : public QWidget {
    Q_OBJECT

public:
    explicit NamespacesPage(QWidget* parent = nullptr);
    ~NamespacesPage() override;

    /// Shows `workspace`'s applied policy and starts editing it afresh (not
    /// owned; may be null). Unapplied edits of the previous one are dropped.
    void setWorkspace(Workspace* workspace);
    Workspace* workspace() const;

    /// The file Save writes; empty until Save As chose one.
    QString filePath() const { return m_filePath; }
    void setFilePath(const QString& path);

    /// Writes `policy` as YAML to `path` atomically. False with `error` set
    /// (one sentence) when the file cannot be written.
    static bool writePolicyFile(const QString& path, const Policy& policy, QString* error = nullptr);

    NamespaceTableModel* model() const { return m_model; }
    QSortFilterProxyModel* proxyModel() const { return m_proxy; }
    QTableView* view() const { return m_view; }
    PolicyDiffView* diffView() const { return m_diffView; }

public slots:
    void addNamespace();
    void removeSelected();
    void apply();
    void revert();
    void save();
    void saveAs();
    void exportApplied();
    void bumpSelected();
    void purgeSelected();

private:
    enum class Tone { Info, Good, Warn, Bad };

    /// A page action: shortcuts work while the focus is on this page.
    QAction* makeAction(const QString& text, const char* objectName, const QString& toolTip,
                        void (NamespacesPage::*slot)(), const QList<QKeySequence>& shortcuts = {});
    void commitOpenEditor();
    void invalidateSelected(Invalidation::Kind kind);
    void onSnapshot(const SnapshotPtr& snapshot);
    void onPolicyApplied(bool ok, const QString& message, bool warned);
    void onPolicyConflict(const QString& message);
    void onValidationFailed(const QModelIndex& index, const QString& message);
    void askForFile(const QString& title, const Policy& policy, bool becomesDocument);
    void saveFile(const QString& path, const Policy& policy, bool becomesDocument);
    void setStatus(const QString& text, Tone tone);
    /// The namespace of the current row, if the applied policy has it.
    QString selectedAppliedNamespace() const;
    QList<int> selectedSourceRows() const;
    void updateReadOnly();
    void updateActions();
    void updateSummary();

    QPointer<Workspace> m_workspace;
    NamespaceTableModel* m_model = nullptr;
    QSortFilterProxyModel* m_proxy = nullptr;
    QToolBar* m_toolBar = nullptr;
    QLineEdit* m_filterEdit = nullptr;
    Banner* m_readOnlyBanner = nullptr;
    WarningBanner* m_warningBanner = nullptr; ///< what the node warns of, above the table
    QTableView* m_view = nullptr;
    PolicyCellDelegate* m_delegate = nullptr;
    PolicyDiffView* m_diffView = nullptr;
    QLabel* m_summaryLabel = nullptr;
    QLabel* m_statusLabel = nullptr;
    QString m_filePath;
    bool m_applyPending = false;
    QPointer<PolicyConflictDialog> m_conflictDialog; ///< open after a 412

    QAction* m_addAction = nullptr;
    QAction* m_removeAction = nullptr;
    QAction* m_undoAction = nullptr;
    QAction* m_redoAction = nullptr;
    QAction* m_applyAction = nullptr;
    QAction* m_revertAction = nullptr;
    QAction* m_saveAction = nullptr;
    QAction* m_saveAsAction = nullptr;
    QAction* m_exportAction = nullptr;
    QAction* m_bumpAction = nullptr;
    QAction* m_purgeAction = nullptr;
};

} // namespace fallback::ui
