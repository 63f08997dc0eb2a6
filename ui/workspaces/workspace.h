#pragma once

#include "policy/policy.h"
#include "workspaces/workspacesnapshot.h"
#include "workspaces/workspacetypes.h"

#include <QObject>
#include <QString>
#include <QStringList>

namespace fallback::ui {

/// One thing the console looks at: a local scenario or a live deployment
/// (SPEC §7). Views talk only to this interface, so that a live deployment
/// slots in beside local test mode. Lives on the GUI thread; every command
/// is asynchronous and answers with a signal, never blocking the caller.
class Workspace : public QObject {
    Q_OBJECT
    Q_PROPERTY(State state READ state NOTIFY stateChanged)

public:
    enum class Kind { Local, Live };
    enum class State {
        Stopped,      ///< local: loaded, not started / reset
        Running,      ///< local: simulating
        Paused,       ///< local: paused by the user
        Finished,     ///< local: the run reached its end
        Connecting,   ///< live: first poll under way
        Connected,    ///< live: answering
        Degraded,     ///< live: answering slowly or partly
        Unreachable,  ///< live: no answer
        Unauthorized, ///< live: token refused
        Failed,       ///< an error stopped it (see lastError)
    };
    Q_ENUM(State)

    explicit Workspace(QString name, QObject* parent = nullptr);
    ~Workspace() override;

    QString name() const { return m_name; }
    virtual Kind kind() const = 0;
    State state() const { return m_state; }
    static QString stateText(State state);
    QString lastError() const { return m_lastError; }

    /// Production workspaces are read-only until unlocked for the session.
    virtual bool isProduction() const { return false; }
    bool isReadOnly() const { return isProduction() && !m_unlocked; }
    void setUnlocked(bool unlocked);

    /// The latest snapshot (null before the first one).
    SnapshotPtr snapshot() const { return m_snapshot; }
    /// The policy in force as of the latest snapshot.
    const Policy& appliedPolicy() const;
    /// What the deployment advises about its setup, one sentence each, safe
    /// to show as plain text: a live node's health `warnings` (see
    /// HealthReading), as of its last health answer that was read. They are
    /// advice, apart from state(): a Connected node may have some. Empty
    /// when there are none, and always for a local workspace.
    QStringList warnings() const { return m_warnings; }

    // --- commands: asynchronous, answered by the signals below -------------
    /// Replaces the policy in force. Answers policyApplied() and activity().
    virtual void applyPolicy(const Policy& policy) = 0;
    /// Counts what an invalidation would reach. Answers previewReady().
    virtual void preview(const Invalidation& invalidation) = 0;
    /// Runs an invalidation. Answers activity().
    virtual void invalidate(const Invalidation& invalidation) = 0;
    /// Looks a resource up in every tier. Answers keyLookedUp().
    virtual void lookupKey(const QString& ns, const QString& id) = 0;
    /// Up to `limit` cached resource ids of `ns` starting with `prefix`, for
    /// completion; never scans more than a bounded number of entries.
    /// Answers keysListed().
    virtual void listKeys(const QString& ns, const QString& prefix, int limit) = 0;
    /// Reads the policy in force again (a live deployment fetches it; a
    /// local workspace already holds it). Answers policyReloaded(), after the
    /// snapshot that carries the reloaded policy.
    virtual void reloadPolicy();

signals:
    void stateChanged(fallback::ui::Workspace::State state);
    /// A new snapshot, at most about ten times a second.
    void snapshotUpdated(fallback::ui::SnapshotPtr snapshot);
    /// The answer to applyPolicy(). `warned`: applied, but the deployment
    /// reported trouble writing it down (its warnings are in `message`).
    void policyApplied(bool ok, const QString& message, bool warned = false);
    /// An applyPolicy() was refused because the policy in force changed
    /// since the one the edits were based on (a live deployment's 412 on
    /// If-Match). Nothing was applied; `message` says what happened.
    /// Emitted after policyApplied(false, ...).
    void policyConflict(const QString& message);
    /// Answer to reloadPolicy(): `ok` false with `message` when the policy
    /// could not be read.
    void policyReloaded(bool ok, const QString& message);
    void previewReady(const fallback::ui::InvalidationPreview& preview);
    void activity(const fallback::ui::ActivityRecord& record);
    void keyLookedUp(const fallback::ui::KeyReport& report);
    void keysListed(const QString& ns, const QStringList& ids);
    void unlockedChanged(bool unlocked);
    /// warnings() changed (not emitted when an answer repeats them).
    void warningsChanged(const QStringList& warnings);

protected:
    void setState(State state, const QString& error = {});
    /// Replaces warnings(); emits warningsChanged() when they differ.
    void setWarnings(const QStringList& warnings);
    /// Stores and announces a snapshot (GUI thread).
    void publish(SnapshotPtr snapshot);
    /// An activity record for this workspace, stamped now (`at` from
    /// activityClock()).
    ActivityRecord record(const QString& action, const QString& target, const QString& result,
                          bool ok) const;
    /// Now on the clock the workspace's series use, for ActivityRecord::at;
    /// -1 when the workspace stamps its records itself.
    virtual Micros activityClock() const { return -1; }

private:
    QString m_name;
    State m_state = State::Stopped;
    QString m_lastError;
    bool m_unlocked = false;
    SnapshotPtr m_snapshot;
    QStringList m_warnings;
};

} // namespace fallback::ui

Q_DECLARE_METATYPE(fallback::ui::SnapshotPtr)
