#include "models/credentialstore.h"

#include "live/credentials.h"

#include <qt6keychain/keychain.h>

namespace fallback::ui {

CredentialStore::CredentialStore(QObject* parent) : QObject(parent) {}

CredentialStore::~CredentialStore()
{
    // Overwrite before the memory goes back to the allocator.
    for (std::string& token : m_session)
        std::fill(token.begin(), token.end(), '\0');
}

void CredentialStore::resolve(const DeploymentProfile& profile, QObject* context, Done done)
{
    const QString name = QString::fromStdString(profile.name);
    Resolution resolution;
    if (const auto it = m_session.constFind(name); it != m_session.constEnd()) {
        resolution.ok = true;
        resolution.token = *it;
        done(resolution);
        return;
    }
    switch (profile.token.kind) {
    case TokenSource::Kind::None:
        resolution.problem = tr("%1 asks for its token each session.").arg(name);
        resolution.askUser = true;
        done(resolution);
        return;
    case TokenSource::Kind::Keychain:
        if (m_keychainEnabled) {
            readKeychain(profile, context, std::move(done));
            return;
        }
        resolution.problem = tr("No keychain is available here: enter the token of %1 for this "
                                "session (kept in memory only).")
                                 .arg(name);
        resolution.askUser = true;
        done(resolution);
        return;
    case TokenSource::Kind::Env:
    case TokenSource::Kind::File: break;
    }
    std::string warning;
    Result<std::string> token = live::resolveToken(profile.token, &warning);
    if (token) {
        resolution.ok = true;
        resolution.token = std::move(token.value());
        resolution.warning = QString::fromStdString(warning);
    } else {
        resolution.problem = QString::fromStdString(token.error().message);
        resolution.askUser = true;
    }
    done(resolution);
}

void CredentialStore::readKeychain(const DeploymentProfile& profile, QPointer<QObject> context,
                                   Done done)
{
    auto* job = new QKeychain::ReadPasswordJob(serviceName(), this);
    job->setAutoDelete(true);
    job->setInsecureFallback(false); // never a plain-text copy in QSettings
    const QString entry = QString::fromStdString(profile.token.ref);
    const QString name = QString::fromStdString(profile.name);
    job->setKey(entry);
    connect(job, &QKeychain::Job::finished, this,
            [context, done = std::move(done), entry, name](QKeychain::Job* finished) {
                if (!context)
                    return;
                Resolution resolution;
                auto* read = static_cast<QKeychain::ReadPasswordJob*>(finished);
                if (read->error() == QKeychain::NoError && !read->textData().isEmpty()) {
                    resolution.ok = true;
                    resolution.token = read->textData().trimmed().toStdString();
                } else if (read->error() == QKeychain::NoError
                           || read->error() == QKeychain::EntryNotFound) {
                    resolution.problem = tr("The keychain has no entry %1: enter the token of %2.")
                                             .arg(entry, name);
                    resolution.askUser = true;
                } else {
                    resolution.problem = tr("The keychain could not be read (%1): enter the token "
                                            "of %2 for this session (kept in memory only).")
                                             .arg(read->errorString(), name);
                    resolution.askUser = true;
                }
                done(resolution);
            });
    job->start();
}

void CredentialStore::storeInKeychain(const QString& entry, const QString& secret, QObject* context,
                                      std::function<void(bool, const QString&)> done)
{
    if (!m_keychainEnabled) {
        done(false, tr("no keychain is available here"));
        return;
    }
    auto* job = new QKeychain::WritePasswordJob(serviceName(), this);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(entry);
    job->setTextData(secret);
    connect(job, &QKeychain::Job::finished, this,
            [context = QPointer<QObject>(context), done = std::move(done)](QKeychain::Job* finished) {
                if (!context)
                    return;
                if (finished->error() == QKeychain::NoError)
                    done(true, {});
                else
                    done(false, finished->errorString());
            });
    job->start();
}

void CredentialStore::removeFromKeychain(const QString& entry)
{
    if (!m_keychainEnabled)
        return;
    auto* job = new QKeychain::DeletePasswordJob(serviceName(), this);
    job->setAutoDelete(true);
    job->setKey(entry);
    job->start();
}

void CredentialStore::setSessionToken(const QString& deployment, const std::string& token)
{
    m_session.insert(deployment, token);
}

void CredentialStore::forgetSessionToken(const QString& deployment)
{
    if (auto it = m_session.find(deployment); it != m_session.end()) {
        std::fill(it->begin(), it->end(), '\0');
        m_session.erase(it);
    }
}

bool CredentialStore::hasSessionToken(const QString& deployment) const
{
    return m_session.contains(deployment);
}

} // namespace fallback::ui
