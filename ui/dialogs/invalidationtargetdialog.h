#pragma once

#include "workspaces/workspacetypes.h"

#include <QDialog>
#include <QPointer>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace fallback::ui {

class Workspace;

/// Asks what a purge of a key or a namespace, or a bump, is aimed at (the
/// Invalidate menu): the namespace from the workspace's applied policy and,
/// for a key, its resource id, checked as it is typed against the key rules
/// of SPEC §3. Continue opens the InvalidationDialog (preview, confirm) on
/// the chosen target; nothing is invalidated here. A policy with no
/// namespaces says so instead of offering a choice.
///
/// Object names for tests: `namespaceCombo`, `idEdit`, `idProblem`,
/// `continueButton`, `cancelButton`. GUI thread only.
class InvalidationTargetDialog : public QDialog {
    Q_OBJECT

public:
    /// `kind` is PurgeKey, PurgeNamespace or Bump. `preferredNamespace` is
    /// selected first when the policy has it.
    InvalidationTargetDialog(Workspace* workspace, Invalidation::Kind kind,
                             const QString& preferredNamespace = {}, QWidget* parent = nullptr);
    ~InvalidationTargetDialog() override;

    /// Opens a window-modal dialog with open() (no nested event loop) that
    /// deletes itself when closed, and opens the InvalidationDialog on the
    /// chosen target. Returns the dialog at once.
    static InvalidationTargetDialog* ask(QWidget* parent, Workspace* workspace,
                                         Invalidation::Kind kind,
                                         const QString& preferredNamespace = {});

    /// The target as chosen so far.
    Invalidation target() const;

signals:
    /// Continue was clicked on a valid target, just before the dialog
    /// closes and the confirmation opens.
    void targetChosen(const Invalidation& target);

private:
    void updateContinue();
    void proceed();

    QPointer<Workspace> m_workspace;
    Invalidation::Kind m_kind;
    QComboBox* m_namespaceCombo = nullptr;
    QLineEdit* m_idEdit = nullptr;
    QLabel* m_idProblem = nullptr;
    QPushButton* m_continueButton = nullptr;
    QPushButton* m_cancelButton = nullptr;
};

} // namespace fallback::ui
