#include "workspaces/liveconnections.h"

#include "live/adminclient.h"
#include "models/credentialstore.h"
#include "workspaces/liveworkspace.h"

namespace fallback::ui {

LiveConnections::LiveConnections(QObject* parent)
    : QObject(parent), m_credentials(new CredentialStore(this))
{
}

LiveConnections::~LiveConnections()
{
    // Workspaces go first (children would go after this body): they cancel
    // their calls on the client while it is certainly alive.
    for (const QPointer<LiveWorkspace>& workspace : std::as_const(m_workspaces))
        delete workspace.data();
}

std::shared_ptr<live::AdminClient> LiveConnections::client()
{
    if (!m_client)
        m_client = std::make_shared<live::AdminClient>();
    return m_client;
}

QList<LiveWorkspace*> LiveConnections::workspaces() const
{
    QList<LiveWorkspace*> out;
    for (const QPointer<LiveWorkspace>& workspace : m_workspaces) {
        if (workspace)
            out << workspace.data();
    }
    return out;
}

LiveWorkspace* LiveConnections::workspace(const QString& name) const
{
    for (LiveWorkspace* workspace : workspaces()) {
        if (workspace->name() == name)
            return workspace;
    }
    return nullptr;
}

bool LiveConnections::saveStore(QString* error)
{
    if (m_store.path().isEmpty())
        m_store.setPath(DeploymentStore::defaultPath());
    return m_store.save(error);
}

bool LiveConnections::loadProfiles(const QString& path, QString* error)
{
    DeploymentStore loaded;
    if (!loaded.load(path, error))
        return false;
    m_store.setPath(path);
    for (const DeploymentProfile& profile : loaded.profiles()) {
        const QString name = QString::fromStdString(profile.name);
        if (!m_store.find(name))
            m_store.upsert(profile);
        if (!workspace(name))
            open(profile);
    }
    return true;
}

LiveWorkspace* LiveConnections::open(const DeploymentProfile& profile)
{
    auto* workspace = new LiveWorkspace(profile, client(), this);
    m_workspaces << workspace;
    emit workspaceAdded(workspace);
    reconnect(workspace);
    return workspace;
}

void LiveConnections::reconnect(LiveWorkspace* workspace)
{
    QPointer<LiveWorkspace> guard(workspace);
    m_credentials->resolve(workspace->profile(), workspace, [this, guard](const CredentialStore::Resolution& resolution) {
        if (!guard)
            return;
        if (resolution.ok) {
            guard->setToken(resolution.token);
            if (!resolution.warning.isEmpty())
                emit notice(tr("%1: %2").arg(guard->name(), resolution.warning));
        } else {
            guard->setToken({});
            emit tokenNeeded(guard, resolution.problem);
        }
        // Without a token it still polls: the tree then tells an unreachable
        // deployment from one that only wants its token.
        guard->start();
    });
}

void LiveConnections::setSessionToken(LiveWorkspace* workspace, const std::string& token)
{
    m_credentials->setSessionToken(workspace->name(), token);
    workspace->setToken(token);
    workspace->start();
}

void LiveConnections::keepSecret(const DeploymentProfile& profile, const QString& secret)
{
    if (secret.isEmpty())
        return;
    const QString name = QString::fromStdString(profile.name);
    // In memory at once, so that connecting never waits for the keychain.
    m_credentials->setSessionToken(name, secret.toStdString());
    if (profile.token.kind != TokenSource::Kind::Keychain)
        return;
    const QString entry = QString::fromStdString(profile.token.ref);
    m_credentials->storeInKeychain(entry, secret, this, [this, name](bool ok, const QString& problem) {
        if (!ok)
            emit notice(tr("The keychain did not take the token of %1 (%2): it is kept for this "
                           "session only.")
                            .arg(name, problem));
    });
}

LiveWorkspace* LiveConnections::addDeployment(const DeploymentProfile& profile, const QString& secret,
                                              QString* error)
{
    const QString name = QString::fromStdString(profile.name);
    if (!m_store.upsert(profile)) {
        if (error)
            *error = tr("A deployment named %1 exists already.").arg(name);
        return nullptr;
    }
    if (!saveStore(error)) {
        m_store.remove(name);
        return nullptr;
    }
    keepSecret(profile, secret);
    return open(profile);
}

LiveWorkspace* LiveConnections::editDeployment(const QString& name, const DeploymentProfile& profile,
                                               const QString& secret, QString* error)
{
    const DeploymentProfile* old = m_store.find(name);
    if (!old) {
        if (error)
            *error = tr("There is no deployment named %1.").arg(name);
        return nullptr;
    }
    const DeploymentProfile before = *old;
    if (!m_store.upsert(profile, name)) {
        if (error)
            *error = tr("A deployment named %1 exists already.").arg(QString::fromStdString(profile.name));
        return nullptr;
    }
    if (!saveStore(error)) {
        m_store.upsert(before, QString::fromStdString(profile.name));
        return nullptr;
    }
    if (!secret.isEmpty() || !(before.token == profile.token))
        m_credentials->forgetSessionToken(name);
    keepSecret(profile, secret);
    LiveWorkspace* current = workspace(name);
    if (profile.name != before.name || !current) {
        // A workspace's name is its identity (tree, Activity): a renamed
        // deployment is a new workspace.
        closeWorkspace(name);
        return open(profile);
    }
    current->setProfile(profile);
    if (!secret.isEmpty() || !(before.token == profile.token))
        reconnect(current);
    return current;
}

bool LiveConnections::removeDeployment(const QString& name, QString* error)
{
    if (!m_store.find(name)) {
        if (error)
            *error = tr("There is no deployment named %1.").arg(name);
        return false;
    }
    const DeploymentProfile before = *m_store.find(name);
    m_store.remove(name);
    if (!saveStore(error)) {
        m_store.upsert(before);
        return false;
    }
    m_credentials->forgetSessionToken(name);
    closeWorkspace(name);
    return true;
}

void LiveConnections::closeWorkspace(const QString& name)
{
    LiveWorkspace* target = workspace(name);
    if (!target)
        return;
    m_workspaces.removeAll(QPointer<LiveWorkspace>(target));
    emit workspaceRemoving(target);
    target->deleteLater();
}

DeploymentStore::ImportResult LiveConnections::importProfiles(const QString& path)
{
    const std::vector<DeploymentProfile> before = m_store.profiles();
    DeploymentStore::ImportResult result = m_store.importFile(path);
    if (!result.ok || result.added.isEmpty())
        return result;
    QString error;
    if (!saveStore(&error)) {
        // Not saved, not merged: the file and the tree keep agreeing.
        DeploymentStore restored;
        restored.setPath(m_store.path());
        for (const DeploymentProfile& profile : before)
            restored.upsert(profile);
        m_store = restored;
        result.ok = false;
        result.error = error;
        result.added.clear();
        return result;
    }
    for (const QString& name : std::as_const(result.added)) {
        if (const DeploymentProfile* profile = m_store.find(name))
            open(*profile);
    }
    return result;
}

bool LiveConnections::exportProfiles(const QString& path, QString* error) const
{
    return DeploymentStore::exportFile(path, m_store.profiles(), error);
}

} // namespace fallback::ui
