#pragma once

#include "live/profiles.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QString>

#include <functional>
#include <string>

namespace fallback::ui {

/// Where the console gets deployments' admin tokens (STYLE §12):
/// - `env:` and `file:` through core's resolveToken();
/// - `keychain:` through QtKeychain (Secret Service, KWallet, macOS
///   Keychain, Windows Credential Manager), asynchronously;
/// - a token typed for this session ("ask each session", or a keychain that
///   is not there, e.g. in CI): held in memory only, for this process.
/// A secret is never written anywhere but the OS keychain: no QSettings, no
/// file, no log (QtKeychain's insecure plain-text fallback stays off).
/// GUI thread only.
class CredentialStore : public QObject {
    Q_OBJECT

public:
    /// The keychain service entries are stored under.
    static QString serviceName() { return QStringLiteral("fallback-console"); }

    explicit CredentialStore(QObject* parent = nullptr);
    ~CredentialStore() override;

    /// What resolving a deployment's token gave.
    struct Resolution {
        bool ok = false;
        std::string token;     ///< ok: the secret (memory only)
        QString problem;       ///< !ok: why there is none, one sentence, never the token
        QString warning;       ///< ok: e.g. a token file other users may read
        bool askUser = false;  ///< !ok: typing the token for this session would help
    };
    using Done = std::function<void(const Resolution&)>;

    /// Resolves the token of `profile`: a session token typed for it wins,
    /// then its token source. `done` runs at once for env: and file:, later
    /// for keychain: - and never when `context` is gone by then.
    void resolve(const DeploymentProfile& profile, QObject* context, Done done);

    /// Stores `secret` under keychain entry `entry`; `done(ok, problem)` runs
    /// later, never when `context` is gone.
    void storeInKeychain(const QString& entry, const QString& secret, QObject* context,
                         std::function<void(bool ok, const QString& problem)> done);
    /// Removes a keychain entry (best effort, nothing is reported).
    void removeFromKeychain(const QString& entry);

    /// A token typed for `deployment`, kept for this session only.
    void setSessionToken(const QString& deployment, const std::string& token);
    void forgetSessionToken(const QString& deployment);
    bool hasSessionToken(const QString& deployment) const;

    /// Off: keychain: entries are never read or written and resolve to "ask
    /// the user" (tests, and platforms without a keychain).
    void setKeychainEnabled(bool enabled) { m_keychainEnabled = enabled; }
    bool isKeychainEnabled() const { return m_keychainEnabled; }

private:
    void readKeychain(const DeploymentProfile& profile, QPointer<QObject> context, Done done);

    QHash<QString, std::string> m_session; ///< deployment name → token typed this session
    bool m_keychainEnabled = true;
};

} // namespace fallback::ui
