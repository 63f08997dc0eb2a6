#pragma once

#include <QDialog>
#include <QPointer>

class QLineEdit;
class QPushButton;

namespace fallback::ui {

class Workspace;

/// Unlocks a production workspace for this session (SPEC §7, §8: guard
/// production): the user types the deployment's name to confirm. Accepting
/// calls Workspace::setUnlocked(true); nothing is remembered across
/// sessions. Object names for tests: `confirmEdit`, `unlockButton`. GUI
/// thread.
class UnlockDialog : public QDialog {
    Q_OBJECT

public:
    UnlockDialog(Workspace* workspace, QWidget* parent = nullptr);

    /// Opens a window-modal dialog with open() (no nested event loop) that
    /// deletes itself when closed. Returns at once.
    static void ask(QWidget* parent, Workspace* workspace);

private:
    void updateButton();

    QPointer<Workspace> m_workspace;
    QLineEdit* m_confirmEdit = nullptr;
    QPushButton* m_unlockButton = nullptr;
};

/// Asks for a deployment's admin token for this session: for profiles that
/// ask each session, and when a token cannot be read (no keychain, a
/// missing variable or file). The token stays in memory only. Emits
/// tokenEntered() on accept. Object names: `tokenEdit`, `useButton`.
class TokenDialog : public QDialog {
    Q_OBJECT

public:
    /// `why` says why the token is asked for (one sentence).
    TokenDialog(const QString& deployment, const QString& why, QWidget* parent = nullptr);
    ~TokenDialog() override;

signals:
    void tokenEntered(const QString& token);

private:
    QLineEdit* m_tokenEdit = nullptr;
};

} // namespace fallback::ui
