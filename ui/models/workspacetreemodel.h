#pragma once

#include <QAbstractItemModel>
#include <QColor>
#include <QList>
#include <QPointer>

namespace fallback::ui {

class Workspace;

/// The tree on the left, like a database GUI's connection list: a group of
/// local scenarios and a group of live deployments, each workspace with a
/// status dot (hollow while connecting or paused) and production marked in
/// red, with a lock while it is read-only (WorkspaceTreeDelegate draws the
/// badges). The tooltip of a live deployment gives its URL, state, last
/// update, latency and last error. GUI thread.
class WorkspaceTreeModel : public QAbstractItemModel {
    Q_OBJECT

public:
    enum Group { LocalGroup = 0, LiveGroup = 1 };
    enum Role {
        WorkspaceRole = Qt::UserRole + 1, ///< QObject*: the Workspace
        StateRole,      ///< int Workspace::State
        ProductionRole, ///< bool: a production workspace (drawn with a red PROD badge)
        LockedRole,     ///< bool: read-only until unlocked for the session (a lock badge)
        PausedRole,     ///< bool: a live workspace whose polling is paused
        StateColorRole, ///< QColor of the status dot
        WarningCountRole, ///< int: the node's warnings (an orange badge on the dot)
    };

    /// The status dot's colour: reachable green, degraded amber, unreachable
    /// red, unauthorised purple, connecting grey (local: running green,
    /// paused grey, finished blue, failed red).
    static QColor stateColor(int state);
    /// The badge on the dot of a workspace that warns (an orange, not the
    /// Degraded dot's amber).
    static QColor warningColor() { return QColor(0xf3, 0x7b, 0x12); }

    explicit WorkspaceTreeModel(QObject* parent = nullptr);

    void addWorkspace(Workspace* workspace);
    void removeWorkspace(Workspace* workspace);
    QModelIndex indexOf(Workspace* workspace) const;
    Workspace* workspaceAt(const QModelIndex& index) const;
    QList<Workspace*> workspaces() const;

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;

private:
    QList<Workspace*>& group(int g) { return g == LocalGroup ? m_local : m_live; }
    const QList<Workspace*>& group(int g) const { return g == LocalGroup ? m_local : m_live; }

    QList<Workspace*> m_local;
    QList<Workspace*> m_live;
};

} // namespace fallback::ui
