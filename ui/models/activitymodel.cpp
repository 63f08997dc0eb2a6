#include "models/activitymodel.h"

#include "models/activitylog.h"

#include <QBrush>
#include <QColor>

namespace fallback::ui {

namespace {

QString byText(const ActivityRecord& record)
{
    if (record.remote)
        return record.by;
    return record.simulated ? ActivityModel::tr("scenario") : ActivityModel::tr("this console");
}

} // namespace

ActivityModel::ActivityModel(QObject* parent) : QAbstractTableModel(parent) {}

void ActivityModel::setLog(ActivityLog* log)
{
    if (log == m_log)
        return;
    beginResetModel();
    if (m_log)
        disconnect(m_log, nullptr, this, nullptr);
    m_log = log;
    if (m_log) {
        connect(m_log, &ActivityLog::recordAboutToBeAppended, this,
                [this](int index) { beginInsertRows({}, index, index); });
        connect(m_log, &ActivityLog::recordAppended, this, [this](int) { endInsertRows(); });
        connect(m_log, &ActivityLog::aboutToReload, this, [this] { beginResetModel(); });
        connect(m_log, &ActivityLog::reloaded, this, [this] { endResetModel(); });
        connect(m_log, &QObject::destroyed, this, [this] {
            beginResetModel();
            m_log = nullptr;
            endResetModel();
        });
    }
    endResetModel();
}

int ActivityModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() || !m_log ? 0 : m_log->count();
}

int ActivityModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ActivityModel::data(const QModelIndex& index, int role) const
{
    if (!m_log || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ActivityRecord& record = m_log->at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Time:
            // Local time for reading; the tooltip and the file keep UTC.
            return record.when.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        case Workspace: return record.workspace;
        case Action: return record.action;
        case Target: return record.target;
        case By: return byText(record);
        case Result: return record.ok ? record.result : QString(tr("failed: ") + record.result);
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == Time)
            return record.when.toUTC().toString(Qt::ISODateWithMs);
        if (index.column() == Result)
            return record.result;
        if (index.column() == By && record.remote)
            return tr("Done by another client of this deployment, as its audit log says: %1")
                .arg(record.by);
        return {};
    case Qt::ForegroundRole:
        if (!record.ok)
            return QBrush(QColor(0xc6, 0x28, 0x28));
        return {};
    case RawRole:
        switch (index.column()) {
        case Time: return record.when;
        case Workspace: return record.workspace;
        case Action: return record.action;
        case Target: return record.target;
        case By: return byText(record);
        case Result: return record.result;
        }
        return {};
    case OkRole: return record.ok;
    case ActionRole: return record.action;
    case WorkspaceRole: return record.workspace;
    }
    return {};
}

QVariant ActivityModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Time: return tr("Time");
    case Workspace: return tr("Workspace");
    case Action: return tr("Action");
    case Target: return tr("Target");
    case By: return tr("By");
    case Result: return tr("Result");
    }
    return {};
}

// --- ActivityFilterModel ----------------------------------------------------

ActivityFilterModel::ActivityFilterModel(QObject* parent) : QSortFilterProxyModel(parent)
{
    // Oldest first by when it happened: another client's action arrives with
    // the next poll of its deployment's audit log, after this console's
    // later ones, and a connect brings in the recent past.
    setSortRole(ActivityModel::RawRole);
    sort(ActivityModel::Time, Qt::AscendingOrder);
}

void ActivityFilterModel::setWorkspaceFilter(const QString& workspace)
{
    if (workspace == m_workspace)
        return;
    m_workspace = workspace;
    invalidateFilter();
}

void ActivityFilterModel::setActionFilter(const QString& action)
{
    if (action == m_action)
        return;
    m_action = action;
    invalidateFilter();
}

void ActivityFilterModel::setTextFilter(const QString& text)
{
    const QString trimmed = text.trimmed();
    if (trimmed == m_text)
        return;
    m_text = trimmed;
    invalidateFilter();
}

bool ActivityFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    const QAbstractItemModel* source = sourceModel();
    if (!source)
        return false;
    const QModelIndex first = source->index(sourceRow, 0, sourceParent);
    if (!m_workspace.isEmpty()
        && first.data(ActivityModel::WorkspaceRole).toString() != m_workspace)
        return false;
    if (!m_action.isEmpty() && first.data(ActivityModel::ActionRole).toString() != m_action)
        return false;
    if (m_text.isEmpty())
        return true;
    for (int column = 0; column < source->columnCount(sourceParent); ++column) {
        const QString text = source->index(sourceRow, column, sourceParent).data().toString();
        if (text.contains(m_text, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

} // namespace fallback::ui
