#pragma once

#include "live/profiles.h"

#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace fallback::ui {

/// The deployment profiles the console knows (SPEC §4 `deployments.yaml`):
/// loaded from one file, changed by the Add / Edit dialog and saved back
/// atomically (QSaveFile), merged in from another file (Import) and written
/// out (Export). A profile holds a token *reference* (env:, file:,
/// keychain:) or none, never a secret, so nothing this class writes can leak
/// one. GUI thread.
class DeploymentStore {
public:
    /// `$XDG_CONFIG_HOME/fallback-console/deployments.yaml` (~/.config/…).
    static QString defaultPath();

    /// Replaces the profiles with those of `path` and makes it the file
    /// saves go to. On any error nothing changes, false, and `error` holds
    /// the diagnostics (`FILE:LINE:COLUMN: error: …`, one per line).
    bool load(const QString& path, QString* error = nullptr);
    /// The file saves go to ("" until load() or setPath()).
    QString path() const { return m_path; }
    void setPath(const QString& path) { m_path = path; }

    const std::vector<DeploymentProfile>& profiles() const { return m_profiles; }
    const DeploymentProfile* find(const QString& name) const;
    /// Adds `profile`, or replaces the one named `replacing` (an edit, which
    /// may rename it). False when another profile already has its name.
    bool upsert(const DeploymentProfile& profile, const QString& replacing = {});
    bool remove(const QString& name);

    /// Writes every profile to path() atomically, creating its folder.
    bool save(QString* error = nullptr) const;

    /// What Import did.
    struct ImportResult {
        bool ok = false;
        QString error;         ///< !ok: the file's diagnostics; nothing was merged
        QStringList added;     ///< names merged in
        QStringList clashes;   ///< names already known: kept as they were, not imported
    };
    /// Merges the profiles of `path` in; a name already known is reported,
    /// never overwritten.
    ImportResult importFile(const QString& path);
    /// Writes `profiles` to `path` atomically: token references only.
    static bool exportFile(const QString& path, const std::vector<DeploymentProfile>& profiles,
                           QString* error = nullptr);

    /// The fields of the Add / Edit dialog, as typed.
    enum class Field { Name, Url, Environment, PollInterval, Token };
    struct Draft {
        QString name;
        QString url;
        QString environment = QStringLiteral("staging");
        QString pollInterval = QStringLiteral("2s");
        QString token; ///< `env:NAME`, `file:PATH`, `keychain:ENTRY` or "" (ask each session)
    };
    /// A draft checked with the profile loader's own rules (SPEC §4): the
    /// profile when valid, else one message per field at fault.
    struct Check {
        std::optional<DeploymentProfile> profile;
        QMap<Field, QString> errors;
        QStringList warnings;
    };
    static Check check(const Draft& draft);

private:
    QString m_path;
    std::vector<DeploymentProfile> m_profiles;
};

} // namespace fallback::ui
