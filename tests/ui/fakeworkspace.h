#pragma once

#include "workspaces/workspace.h"

#include <QList>
#include <QString>

#include <memory>

namespace fallback::ui::test {

/// A Workspace for GUI tests: commands are only recorded in public members,
/// and the test decides what comes back - push() publishes a snapshot, the
/// answer*() helpers emit the answer signals. GUI thread only.
class FakeWorkspace : public Workspace {
    Q_OBJECT

public:
    struct ListKeysCall {
        QString ns;
        QString prefix;
        int limit = 0;
    };

    explicit FakeWorkspace(Kind kind = Kind::Local, QString name = QStringLiteral("fake"),
                           QObject* parent = nullptr)
        : Workspace(std::move(name), parent), m_kind(kind)
    {
    }

    Kind kind() const override { return m_kind; }
    bool isProduction() const override { return production; }

    void applyPolicy(const Policy& policy) override { appliedPolicies.append(policy); }
    void preview(const Invalidation& invalidation) override { previews.append(invalidation); }
    void invalidate(const Invalidation& invalidation) override
    {
        invalidations.append(invalidation);
    }
    void lookupKey(const QString& ns, const QString& id) override { lookups.append({ns, id}); }
    void listKeys(const QString& ns, const QString& prefix, int limit) override
    {
        listKeysCalls.append({ns, prefix, limit});
    }

    /// Publishes `snapshot` as the workspace's latest (emits snapshotUpdated).
    void push(WorkspaceSnapshot snapshot)
    {
        publish(std::make_shared<const WorkspaceSnapshot>(std::move(snapshot)));
    }
    void changeState(State state, const QString& error = {}) { setState(state, error); }
    /// As a live node's health answer would (emits warningsChanged on a change).
    void changeWarnings(const QStringList& warnings) { setWarnings(warnings); }

    // Answers, as a real workspace would send them.
    void answerPolicy(bool ok, const QString& message = {}, bool warned = false)
    {
        emit policyApplied(ok, message, warned);
    }
    void answerPreview(const InvalidationPreview& answer) { emit previewReady(answer); }
    void answerActivity(const QString& action, const QString& target, const QString& result,
                        bool ok = true)
    {
        emit activity(record(action, target, result, ok));
    }
    /// A record as given (e.g. with `at` on the workspace's clock).
    void answerActivity(const ActivityRecord& record) { emit activity(record); }
    void answerKey(const KeyReport& report) { emit keyLookedUp(report); }
    void answerKeys(const QString& ns, const QStringList& ids) { emit keysListed(ns, ids); }

    // What the views asked for, in order.
    QList<Policy> appliedPolicies;
    QList<Invalidation> previews;
    QList<Invalidation> invalidations;
    QList<QPair<QString, QString>> lookups; ///< (namespace, id)
    QList<ListKeysCall> listKeysCalls;
    bool production = false;

private:
    Kind m_kind;
};

} // namespace fallback::ui::test
