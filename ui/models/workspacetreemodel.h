#pragma once

#include <QAbstractItemModel>
#include <QList>
#include <QPointer>

namespace fallback::ui {

class Workspace;

/// The tree on the left, like a database GUI's connection list: a group of
/// local scenarios and a group of live deployments, each workspace with a
/// status dot (and production marked in red). GUI thread.
class WorkspaceTreeModel : public QAbstractItemModel {
    Q_OBJECT

public:
    enum Group { LocalGroup = 0, LiveGroup = 1 };
    enum Role { WorkspaceRole = Qt::UserRole + 1, StateRole };

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
