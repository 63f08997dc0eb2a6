#pragma once

#include "workspaces/workspacetypes.h"

#include <QDialog>
#include <QPointer>

#include <optional>

class QFormLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QWidget;

namespace fallback::ui {

class Workspace;

/// Confirms a purge or a bump (SPEC §7): asks the workspace for a preview
/// when created and shows "Counting…" until it arrives, then what the
/// invalidation reaches (entries per tier; the client cache is never
/// purged), the scope's recent reads and the origin load expected right
/// after, and for a bump the version change. The confirm button is
/// danger-styled and says what it does ("Purge 1,234 entries", "Bump to v4");
/// it stays disabled until the preview arrives and, on a production
/// workspace, until the user types the namespace name (`everything` for a
/// purge of everything). On a read-only workspace it explains why and
/// offers no confirm. Confirming calls Workspace::invalidate() and closes;
/// cancelling calls nothing.
///
/// Object names for tests: `confirmButton`, `cancelButton`, `confirmEdit`,
/// `statusLabel`. GUI thread only.
class InvalidationDialog : public QDialog {
    Q_OBJECT

public:
    /// Asks `workspace` for a preview at once. `parent` is the window the
    /// dialog is modal to.
    InvalidationDialog(Workspace* workspace, const Invalidation& invalidation,
                       QWidget* parent = nullptr);
    ~InvalidationDialog() override;

    /// Opens a window-modal dialog with open() (no nested event loop) that
    /// deletes itself when closed. Returns at once.
    static void ask(QWidget* parent, Workspace* workspace, const Invalidation& invalidation);

    const Invalidation& invalidation() const { return m_invalidation; }
    /// The word to type on production: the namespace, or `everything`.
    QString confirmWord() const;
    bool hasPreview() const { return m_preview.has_value(); }
    /// A live deployment's rate limit as the dialog states it ("" when it
    /// stated none and nothing waits): the limit left, and what waits in
    /// the queue before this one.
    QString limitNotice() const;

private:
    void showPreview(const InvalidationPreview& preview);
    void updateReadOnly();
    void updateLimit();
    void updateConfirm();
    void confirm();
    QString confirmText() const;
    void addRow(const QString& label, const QString& value, const QString& toolTip = {});

    QPointer<Workspace> m_workspace;
    Invalidation m_invalidation;
    std::optional<InvalidationPreview> m_preview;

    QLabel* m_statusLabel = nullptr;
    QWidget* m_details = nullptr;
    QFormLayout* m_form = nullptr;
    QLabel* m_note = nullptr;
    QLabel* m_limitLabel = nullptr;
    QLabel* m_readOnlyBox = nullptr;
    QWidget* m_typeBox = nullptr;
    QLineEdit* m_confirmEdit = nullptr;
    QPushButton* m_cancelButton = nullptr;
    QPushButton* m_confirmButton = nullptr;
};

} // namespace fallback::ui
