#include "workspaces/workspace.h"

namespace fallback::ui {

QString Invalidation::describe() const
{
    switch (kind) {
    case Kind::PurgeKey: return QStringLiteral("purge key %1:%2").arg(ns, id);
    case Kind::PurgeNamespace: return QStringLiteral("purge namespace %1").arg(ns);
    case Kind::PurgeAll: return QStringLiteral("purge everything");
    case Kind::Bump: return QStringLiteral("bump %1").arg(ns);
    }
    return {};
}

QString Invalidation::target() const
{
    switch (kind) {
    case Kind::PurgeKey: return ns + QLatin1Char(':') + id;
    case Kind::PurgeNamespace:
    case Kind::Bump: return ns;
    case Kind::PurgeAll: return QStringLiteral("*");
    }
    return {};
}

Workspace::Workspace(QString name, QObject* parent) : QObject(parent), m_name(std::move(name))
{
    static const bool registered = [] {
        qRegisterMetaType<SnapshotPtr>();
        qRegisterMetaType<Invalidation>();
        qRegisterMetaType<InvalidationPreview>();
        qRegisterMetaType<ActivityRecord>();
        qRegisterMetaType<KeyReport>();
        return true;
    }();
    Q_UNUSED(registered);
}

Workspace::~Workspace() = default;

QString Workspace::stateText(State state)
{
    switch (state) {
    case State::Stopped: return tr("Stopped");
    case State::Running: return tr("Running");
    case State::Paused: return tr("Paused");
    case State::Finished: return tr("Finished");
    case State::Connecting: return tr("Connecting");
    case State::Connected: return tr("Connected");
    case State::Degraded: return tr("Degraded");
    case State::Unreachable: return tr("Unreachable");
    case State::Unauthorized: return tr("Unauthorized");
    case State::Failed: return tr("Failed");
    }
    return {};
}

void Workspace::setUnlocked(bool unlocked)
{
    if (m_unlocked == unlocked)
        return;
    m_unlocked = unlocked;
    emit unlockedChanged(unlocked);
}

void Workspace::reloadPolicy()
{
    emit policyReloaded(true, {});
}

const Policy& Workspace::appliedPolicy() const
{
    static const Policy empty;
    return m_snapshot ? m_snapshot->policy : empty;
}

void Workspace::setState(State state, const QString& error)
{
    m_lastError = error;
    if (m_state == state)
        return;
    m_state = state;
    emit stateChanged(state);
}

void Workspace::setWarnings(const QStringList& warnings)
{
    if (m_warnings == warnings)
        return;
    m_warnings = warnings;
    emit warningsChanged(m_warnings);
}

void Workspace::publish(SnapshotPtr snapshot)
{
    m_snapshot = std::move(snapshot);
    emit snapshotUpdated(m_snapshot);
}

ActivityRecord Workspace::record(const QString& action, const QString& target,
                                 const QString& result, bool ok) const
{
    ActivityRecord entry{QDateTime::currentDateTimeUtc(), m_name, action, target, result, ok};
    entry.at = activityClock();
    return entry;
}

} // namespace fallback::ui
