#include "models/deploymentstore.h"

#include "policy/yamlsupport.h"

#include <QDir>
#include <QFileInfo>
#include <QSaveFile>
#include <QStandardPaths>

#include <algorithm>

namespace fallback::ui {

namespace {

QString diagnosticsText(const Diagnostics& diagnostics)
{
    return QString::fromStdString(diagnostics.format()).trimmed();
}

bool writeAtomically(const QString& path, const std::vector<DeploymentProfile>& profiles,
                     QString* error)
{
    const QFileInfo info(path);
    if (!QDir().mkpath(info.absolutePath())) {
        if (error)
            *error = QObject::tr("Cannot create the folder %1.").arg(info.absolutePath());
        return false;
    }
    // QSaveFile writes beside the target and renames on commit: a failed
    // save never leaves half a profiles file behind.
    QSaveFile file(path);
    const QByteArray yaml = QByteArray::fromStdString(writeProfilesYaml(profiles));
    if (!file.open(QIODevice::WriteOnly) || file.write(yaml) != yaml.size() || !file.commit()) {
        if (error)
            *error = QObject::tr("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace

QString DeploymentStore::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation)
           + QStringLiteral("/fallback-console/deployments.yaml");
}

bool DeploymentStore::load(const QString& path, QString* error)
{
    Loaded<std::vector<DeploymentProfile>> loaded = loadProfilesFile(path.toStdString());
    if (!loaded.value) {
        if (error)
            *error = diagnosticsText(loaded.diagnostics);
        return false;
    }
    m_profiles = std::move(*loaded.value);
    m_path = path;
    return true;
}

const DeploymentProfile* DeploymentStore::find(const QString& name) const
{
    const std::string wanted = name.toStdString();
    for (const DeploymentProfile& profile : m_profiles) {
        if (profile.name == wanted)
            return &profile;
    }
    return nullptr;
}

bool DeploymentStore::upsert(const DeploymentProfile& profile, const QString& replacing)
{
    const QString name = QString::fromStdString(profile.name);
    if (name != replacing && find(name))
        return false;
    const std::string old = replacing.toStdString();
    auto it = std::find_if(m_profiles.begin(), m_profiles.end(),
                           [&](const DeploymentProfile& p) { return !old.empty() && p.name == old; });
    if (it != m_profiles.end())
        *it = profile;
    else
        m_profiles.push_back(profile);
    return true;
}

bool DeploymentStore::remove(const QString& name)
{
    const std::string wanted = name.toStdString();
    const auto before = m_profiles.size();
    std::erase_if(m_profiles, [&](const DeploymentProfile& p) { return p.name == wanted; });
    return m_profiles.size() != before;
}

bool DeploymentStore::save(QString* error) const
{
    if (m_path.isEmpty()) {
        if (error)
            *error = QObject::tr("No deployments file to save to.");
        return false;
    }
    return writeAtomically(m_path, m_profiles, error);
}

DeploymentStore::ImportResult DeploymentStore::importFile(const QString& path)
{
    ImportResult result;
    Loaded<std::vector<DeploymentProfile>> loaded = loadProfilesFile(path.toStdString());
    if (!loaded.value) {
        result.error = diagnosticsText(loaded.diagnostics);
        return result;
    }
    for (const DeploymentProfile& profile : *loaded.value) {
        const QString name = QString::fromStdString(profile.name);
        if (find(name)) {
            result.clashes << name;
        } else {
            m_profiles.push_back(profile);
            result.added << name;
        }
    }
    result.ok = true;
    return result;
}

bool DeploymentStore::exportFile(const QString& path, const std::vector<DeploymentProfile>& profiles,
                                 QString* error)
{
    return writeAtomically(path, profiles, error);
}

DeploymentStore::Check DeploymentStore::check(const Draft& draft)
{
    // The draft becomes a one-profile file, one field per line, and goes
    // through the loader: the dialog then says exactly what `fallbackctl
    // lint` would, and the line of each diagnostic tells the field.
    const std::pair<Field, int> lines[] = {{Field::Name, 3},         {Field::Url, 4},
                                           {Field::Environment, 5},  {Field::PollInterval, 6},
                                           {Field::Token, 7}};
    auto scalar = [](const QString& text) { return yamlScalar(text.trimmed().toStdString()); };
    std::string yaml = "schema: 1\ndeployments:\n";
    yaml += "  - name: " + scalar(draft.name) + "\n";
    yaml += "    url: " + scalar(draft.url) + "\n";
    yaml += "    environment: " + scalar(draft.environment) + "\n";
    yaml += "    poll_interval: " + scalar(draft.pollInterval) + "\n";
    if (!draft.token.trimmed().isEmpty())
        yaml += "    token: " + scalar(draft.token) + "\n";

    Check result;
    Loaded<std::vector<DeploymentProfile>> loaded = parseProfilesYaml(yaml, "draft");
    for (const Diagnostic& diagnostic : loaded.diagnostics.items()) {
        const QString message = QString::fromStdString(diagnostic.message);
        if (diagnostic.warning) {
            result.warnings << message;
            continue;
        }
        Field field = Field::Name;
        for (const auto& [candidate, line] : lines) {
            if (line == diagnostic.line)
                field = candidate;
        }
        QString& text = result.errors[field];
        text = text.isEmpty() ? message : text + QLatin1Char('\n') + message;
    }
    if (loaded.value && loaded.value->size() == 1 && result.errors.isEmpty())
        result.profile = loaded.value->front();
    return result;
}

} // namespace fallback::ui
