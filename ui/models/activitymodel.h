#pragma once

#include <QAbstractTableModel>
#include <QPointer>
#include <QSortFilterProxyModel>

namespace fallback::ui {

class ActivityLog;

/// The records of an ActivityLog as a table, in the order appended. `By`
/// names who did it: this console, a scenario, or another client of a live
/// deployment (ActivityRecord::by). An
/// append inserts one row at the end (rowsInserted, never a reset); a
/// reload of the log resets the model. Failed results are red
/// (Qt::ForegroundRole on every column). GUI thread only.
class ActivityModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column { Time, Workspace, Action, Target, By, Result, ColumnCount };
    enum Role {
        /// Raw values: QDateTime (UTC) for Time, the plain string otherwise.
        RawRole = Qt::UserRole + 1,
        OkRole,        ///< bool: the action succeeded
        ActionRole,    ///< QString: `purge`, `bump`, `policy`, `fault`, ...
        WorkspaceRole, ///< QString: the workspace's name
    };

    explicit ActivityModel(QObject* parent = nullptr);

    /// The log to show (not owned; may be null).
    void setLog(ActivityLog* log);
    ActivityLog* log() const { return m_log; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QPointer<ActivityLog> m_log;
};

/// Filters an ActivityModel by workspace (exact name; empty = all), by action
/// (`purge`, `bump`, ...; empty = all) and by free text matched,
/// case-insensitively, against every column. Sorted by time, oldest first
/// (records at the same instant keep the order they were appended in).
class ActivityFilterModel : public QSortFilterProxyModel {
    Q_OBJECT

public:
    explicit ActivityFilterModel(QObject* parent = nullptr);

    void setWorkspaceFilter(const QString& workspace);
    QString workspaceFilter() const { return m_workspace; }
    void setActionFilter(const QString& action);
    QString actionFilter() const { return m_action; }
    void setTextFilter(const QString& text);
    QString textFilter() const { return m_text; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QString m_workspace;
    QString m_action;
    QString m_text;
};

} // namespace fallback::ui
