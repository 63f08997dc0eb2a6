#pragma once

#include "models/deploymentstore.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>

#include <memory>
#include <string>

namespace fallback::live {
class AdminClient;
}

namespace fallback::ui {

class CredentialStore;
class LiveWorkspace;

/// The console's live deployments: their profiles (a DeploymentStore saved
/// to one file), their tokens (a CredentialStore), the one AdminClient they
/// all share - one libcurl multi thread for fifty deployments - and a
/// LiveWorkspace per profile. MainWindow shows what it opens; dialogs
/// (DeploymentActions) call it. GUI thread.
///
/// Workspaces are children of this object and hold the client through a
/// shared pointer, so that it outlives the last of them whatever the order
/// of destruction.
class LiveConnections : public QObject {
    Q_OBJECT

public:
    explicit LiveConnections(QObject* parent = nullptr);
    ~LiveConnections() override;

    DeploymentStore& store() { return m_store; }
    CredentialStore* credentials() const { return m_credentials; }
    /// The shared client, started on first use.
    std::shared_ptr<live::AdminClient> client();

    /// Loads a profiles file (it becomes the file saves go to) and opens a
    /// workspace for each profile not open yet. False with the diagnostics
    /// in `error` on a bad file: nothing is opened then.
    bool loadProfiles(const QString& path, QString* error = nullptr);

    /// Saves `profile` and opens it. `secret`, when given, is the token
    /// typed in the dialog: stored in the keychain for a keychain: profile
    /// (for this session only when there is no keychain), else kept for
    /// this session. Null with `error` set when the name is taken or the
    /// file cannot be written.
    LiveWorkspace* addDeployment(const DeploymentProfile& profile, const QString& secret = {},
                                 QString* error = nullptr);
    /// Replaces the profile of `name` (which may be renamed) and reconnects
    /// as needed. Null with `error` set when refused.
    LiveWorkspace* editDeployment(const QString& name, const DeploymentProfile& profile,
                                  const QString& secret = {}, QString* error = nullptr);
    /// Removes the profile from the file and closes its workspace.
    bool removeDeployment(const QString& name, QString* error = nullptr);
    /// Closes the workspace for this session; the profile stays in the file.
    void closeWorkspace(const QString& name);
    /// Merges a profiles file in (names already known are reported, never
    /// overwritten), saves, and opens what was added.
    DeploymentStore::ImportResult importProfiles(const QString& path);
    /// Every profile, to `path`: token references only, never a secret.
    bool exportProfiles(const QString& path, QString* error = nullptr) const;

    QList<LiveWorkspace*> workspaces() const;
    LiveWorkspace* workspace(const QString& name) const;

    /// A token typed for this session (memory only); reconnects at once.
    void setSessionToken(LiveWorkspace* workspace, const std::string& token);
    /// Resolves the token again (after an edit, or a token file fixed).
    void reconnect(LiveWorkspace* workspace);

signals:
    void workspaceAdded(fallback::ui::LiveWorkspace* workspace);
    /// Just before the workspace is deleted.
    void workspaceRemoving(fallback::ui::LiveWorkspace* workspace);
    /// The workspace has no token to use: typing one for this session would
    /// help. `why` is one sentence.
    void tokenNeeded(fallback::ui::LiveWorkspace* workspace, const QString& why);
    /// Something the user should read (a token file other users may read, a
    /// keychain that refused a secret).
    void notice(const QString& text);

private:
    LiveWorkspace* open(const DeploymentProfile& profile);
    void keepSecret(const DeploymentProfile& profile, const QString& secret);
    bool saveStore(QString* error);

    DeploymentStore m_store;
    CredentialStore* m_credentials = nullptr;
    std::shared_ptr<live::AdminClient> m_client;
    QList<QPointer<LiveWorkspace>> m_workspaces;
};

} // namespace fallback::ui
