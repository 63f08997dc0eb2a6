#pragma once

#include "live/profiles.h"
#include "models/deploymentstore.h"

#include <QDialog>
#include <QStringList>

#include <optional>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QToolButton;

namespace fallback::ui {

/// Adds or edits a deployment profile (SPEC §4): name, URL, environment,
/// poll interval, and where its admin token comes from - an environment
/// variable, a file, the OS keychain (the secret is typed here once and
/// stored there) or "ask each session" (typed when connecting, memory
/// only). Every change is checked with the profile loader's own rules and
/// each problem is shown under its field; the accept button stays disabled
/// until the profile is valid and its name is free. The dialog only
/// collects: the caller saves (LiveConnections). GUI thread.
///
/// Object names for tests: `nameEdit`, `urlEdit`, `environmentCombo`,
/// `intervalEdit`, `tokenKindCombo`, `tokenRefEdit`, `secretEdit`,
/// `acceptButton`, `nameError`, `urlError`, `environmentError`,
/// `intervalError`, `tokenError`, `warningLabel`.
class DeploymentDialog : public QDialog {
    Q_OBJECT

public:
    /// Token sources in the order of the combo.
    enum class TokenChoice { Environment, File, Keychain, AskEachSession };

    /// `takenNames`: names the new profile may not have (the other
    /// deployments). Starts as "Add deployment"; setProfile() makes it an edit.
    explicit DeploymentDialog(const QStringList& takenNames, QWidget* parent = nullptr);
    ~DeploymentDialog() override;

    /// Fills the fields from `profile` (an edit).
    void setProfile(const DeploymentProfile& profile);
    /// The profile as typed, when valid.
    std::optional<DeploymentProfile> profile() const { return m_check.profile; }
    /// The secret typed for a keychain or ask-each-session token ("" when none).
    QString secret() const;
    bool isValid() const { return m_check.profile.has_value() && m_nameFree; }
    /// The problem shown under `field` ("" when none).
    QString errorText(DeploymentStore::Field field) const;

    void setTokenChoice(TokenChoice choice);

private:
    void validate();
    void updateTokenFields();
    DeploymentStore::Draft draft() const;
    QLabel* errorLabel(const char* objectName);

    QStringList m_taken;
    DeploymentStore::Check m_check;
    bool m_nameFree = true;

    QLineEdit* m_name = nullptr;
    QLineEdit* m_url = nullptr;
    QComboBox* m_environment = nullptr;
    QLineEdit* m_interval = nullptr;
    QComboBox* m_tokenKind = nullptr;
    QLineEdit* m_tokenRef = nullptr;
    QToolButton* m_browse = nullptr;
    QLabel* m_secretLabel = nullptr;
    QLineEdit* m_secret = nullptr;
    QLabel* m_tokenHelp = nullptr;
    QLabel* m_productionNote = nullptr;
    QLabel* m_warnings = nullptr;
    QPushButton* m_accept = nullptr;
    QLabel* m_nameError = nullptr;
    QLabel* m_urlError = nullptr;
    QLabel* m_environmentError = nullptr;
    QLabel* m_intervalError = nullptr;
    QLabel* m_tokenError = nullptr;
};

} // namespace fallback::ui
