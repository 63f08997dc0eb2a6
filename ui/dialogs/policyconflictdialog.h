#pragma once

#include "policy/policy.h"

#include <QDialog>
#include <QPointer>

class QLabel;
class QPushButton;

namespace fallback::ui {

class NamespaceTableModel;
class Workspace;

/// Shown when applying edited namespaces was refused because the policy in
/// force changed meanwhile (a live deployment's 412 on If-Match). Never
/// overwrites blindly; it offers:
/// - "Reload and reapply": reads the live policy again; the user's edits
///   are put back on top of it field by field (only the fields the user
///   changed - NamespaceTableModel::setAppliedPolicy), and the diff shows
///   again for the user to check and Apply again;
/// - "Discard my edits": reads the live policy and reverts to it (undoable);
/// - "Keep editing": closes, nothing changes.
/// It answers resolved() with one sentence for the page's status line,
/// naming the fields changed on both sides (the user's value is kept).
/// Object names: `reloadButton`, `discardButton`, `keepButton`,
/// `changesLabel`, `statusLabel`. GUI thread.
class PolicyConflictDialog : public QDialog {
    Q_OBJECT

public:
    PolicyConflictDialog(Workspace* workspace, NamespaceTableModel* model, const QString& message,
                         QWidget* parent = nullptr);

    void reloadAndReapply();
    void discardEdits();

    /// What `mine` and `theirs` both changed from `base`, field by field:
    /// `product.ttl: live 90s, yours 300s`.
    static QStringList overlaps(const Policy& base, const Policy& mine, const Policy& theirs);

signals:
    /// `good`: the edits are ready to be applied again (or were discarded).
    void resolved(const QString& summary, bool good);

private:
    void reload(bool discard);
    void onReloaded(bool ok, const QString& message);

    QPointer<Workspace> m_workspace;
    NamespaceTableModel* m_model;
    Policy m_base;   ///< the policy the edits were made against
    Policy m_edited; ///< the edits as they were refused
    bool m_discard = false;
    bool m_waiting = false;
    QLabel* m_status = nullptr;
    QPushButton* m_reload = nullptr;
    QPushButton* m_discardButton = nullptr;
};

} // namespace fallback::ui
