#include "models/namespacetablemodel.h"

#include "models/policyundocommands.h"
#include "policy/diagnostic.h"

#include <QBrush>
#include <QColor>
#include <QFont>
#include <QUndoStack>

#include <algorithm>
#include <map>
#include <utility>

namespace fallback::ui {

namespace {

QString fromStd(std::string_view text) { return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size())); }

// Translucent tints so that they read on light and dark palettes alike.
QColor addedTint() { return QColor(46, 160, 67, 48); }
QColor changedRowTint() { return QColor(230, 160, 0, 36); }
QColor changedCellTint() { return QColor(230, 160, 0, 90); }
QColor errorTint() { return QColor(215, 58, 73, 90); }

constexpr PolicyField kColumnFields[] = {
    PolicyField::Name,         PolicyField::Version,       PolicyField::Ttl,
    PolicyField::StaleWhileRevalidate, PolicyField::StaleIfError, PolicyField::MaxObjectSize,
    PolicyField::WriteMode,
};

} // namespace

NamespaceTableModel::NamespaceTableModel(QObject* parent)
    : QAbstractTableModel(parent), m_undoStack(new QUndoStack(this))
{
}

NamespaceTableModel::~NamespaceTableModel()
{
    // The stack's commands point at this model: drop them while it is whole.
    m_undoStack->clear();
}

PolicyField NamespaceTableModel::fieldOf(int column)
{
    return column >= 0 && column < ColumnCount ? kColumnFields[column] : PolicyField::Name;
}

int NamespaceTableModel::columnOf(PolicyField field)
{
    const auto it = std::find(std::begin(kColumnFields), std::end(kColumnFields), field);
    return static_cast<int>(it - std::begin(kColumnFields));
}

int NamespaceTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_policy.namespaces.size());
}

int NamespaceTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant NamespaceTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int row = index.row();
    const NamespacePolicy& ns = m_policy.namespaces[static_cast<std::size_t>(row)];
    const PolicyField field = fieldOf(index.column());

    switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole: return fromStd(formatPolicyField(ns, field));
    case RawValueRole:
        switch (field) {
        case PolicyField::Name: return fromStd(ns.name);
        case PolicyField::Version: return QVariant::fromValue<quint64>(ns.version);
        case PolicyField::Ttl: return QVariant::fromValue<qint64>(ns.ttl);
        case PolicyField::StaleWhileRevalidate: return QVariant::fromValue<qint64>(ns.staleWhileRevalidate);
        case PolicyField::StaleIfError: return QVariant::fromValue<qint64>(ns.staleIfError);
        case PolicyField::MaxObjectSize: return QVariant::fromValue<quint64>(ns.maxObjectSize);
        case PolicyField::WriteMode: return static_cast<int>(ns.writeMode);
        }
        return {};
    case ChangedRole: return cellChanged(row, field);
    case ErrorRole: return cellError(row, field);
    case RowStateRole: return static_cast<int>(rowState(row));
    case AppliedTextRole: {
        const NamespacePolicy* applied = m_applied.find(ns.name);
        return applied ? fromStd(formatPolicyField(*applied, field)) : QString();
    }
    case Qt::FontRole: {
        if (!cellChanged(row, field))
            return {};
        QFont font;
        font.setBold(true);
        return font;
    }
    case Qt::BackgroundRole: {
        if (!cellError(row, field).isEmpty())
            return QBrush(errorTint());
        switch (rowState(row)) {
        case RowState::Added: return QBrush(addedTint());
        case RowState::Changed: return QBrush(cellChanged(row, field) ? changedCellTint() : changedRowTint());
        case RowState::Unchanged: return {};
        }
        return {};
    }
    case Qt::ToolTipRole: {
        if (QString error = cellError(row, field); !error.isEmpty())
            return error;
        if (rowState(row) == RowState::Added)
            return tr("New namespace: not in the applied policy yet");
        if (cellChanged(row, field))
            return tr("Edited; applied: %1").arg(data(index, AppliedTextRole).toString());
        if (field == PolicyField::Ttl || field == PolicyField::StaleWhileRevalidate)
            if (std::string warning = namespaceWarning(ns); !warning.empty())
                return fromStd(warning);
        return {};
    }
    case Qt::TextAlignmentRole:
        // Left, as the header: values mix units (90s, 5m, 1h), so right
        // alignment would not line magnitudes up anyway.
        return static_cast<int>(Qt::AlignLeft | Qt::AlignVCenter);
    default: return {};
    }
}

QVariant NamespaceTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (role) {
    case Qt::DisplayRole:
        switch (section) {
        case Name: return tr("Namespace");
        case Version: return tr("Version");
        case Ttl: return tr("TTL");
        case Swr: return tr("SWR");
        case Sie: return tr("SIE");
        case MaxObjectSize: return tr("Max object");
        case WriteMode: return tr("Write mode");
        }
        return {};
    case Qt::ToolTipRole:
        switch (section) {
        case Name: return tr("name: [a-z][a-z0-9_-]{0,62}");
        case Version: return tr("version: composed into every stored key; a bump makes old entries unreachable");
        case Ttl: return tr("ttl: how long a copy is fresh (250ms, 90s, 5m, 1h, 1d)");
        case Swr: return tr("stale_while_revalidate: after ttl, serve stale at once and refresh in the background");
        case Sie: return tr("stale_if_error: after ttl, serve stale while the origin fails");
        case MaxObjectSize: return tr("max_object_size: larger writes are rejected (64KiB, 1MiB)");
        case WriteMode: return tr("write_mode: write-through (KV before the answer) or async-backfill (queued)");
        }
        return {};
    case Qt::TextAlignmentRole:
        return static_cast<int>(Qt::AlignLeft | Qt::AlignVCenter);
    default: return {};
    }
}

Qt::ItemFlags NamespaceTableModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    Qt::ItemFlags result = Qt::ItemIsSelectable | Qt::ItemIsEnabled | Qt::ItemNeverHasChildren;
    if (!m_readOnly)
        result |= Qt::ItemIsEditable;
    return result;
}

bool NamespaceTableModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (role != Qt::EditRole
        || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return false;
    const int row = index.row();
    const PolicyField field = fieldOf(index.column());
    const NamespacePolicy& before = m_policy.namespaces[static_cast<std::size_t>(row)];
    const std::string text = value.toString().trimmed().toStdString();

    if (m_readOnly) {
        emit validationFailed(index, tr("This workspace is read-only: '%1' was not applied").arg(fromStd(text)));
        return false;
    }
    NamespacePolicy after = before;
    std::string problem = applyPolicyField(after, field, text);
    if (problem.empty() && field == PolicyField::Name && after.name != before.name) {
        if (const int other = rowOf(after.name); other >= 0)
            problem = "duplicate namespace " + quoteForMessage(after.name) + " (already in row "
                      + std::to_string(other + 1) + ")";
    }
    if (!problem.empty()) {
        emit validationFailed(index, fromStd(problem));
        return false;
    }
    if (after == before)
        return true;
    m_undoStack->push(new EditFieldCommand(this, before, std::move(after), field));
    return true;
}

QStringList NamespaceTableModel::problems() const
{
    QStringList out;
    for (const std::string& problem : checkPolicy(m_policy))
        out << fromStd(problem);
    return out;
}

void NamespaceTableModel::resetPolicies(const Policy& edited, const Policy& applied)
{
    m_undoStack->clear();
    beginResetModel();
    m_policy = edited;
    m_applied = applied;
    endResetModel();
    policyEdited();
}

void NamespaceTableModel::setAppliedPolicy(const Policy& applied)
{
    if (applied == m_applied)
        return;
    const Policy old = std::exchange(m_applied, applied);

    // What each row looked like, to signal only the rows whose text or
    // highlighting changes.
    std::map<std::string, std::pair<NamespacePolicy, unsigned>, std::less<>> before;
    for (int row = 0; row < rowCount(); ++row)
        before[m_policy.namespaces[static_cast<std::size_t>(row)].name] = {
            m_policy.namespaces[static_cast<std::size_t>(row)], changedMask(row)};

    if (m_policy.defaults == old.defaults)
        m_policy.defaults = applied.defaults;
    for (int row = rowCount() - 1; row >= 0; --row) {
        NamespacePolicy& ns = m_policy.namespaces[static_cast<std::size_t>(row)];
        const NamespacePolicy* was = old.find(ns.name);
        const NamespacePolicy* now = applied.find(ns.name);
        if (was && now) {
            for (PolicyField field : kPolicyFields)
                if (field != PolicyField::Name
                    && formatPolicyField(ns, field) == formatPolicyField(*was, field))
                    copyPolicyField(ns, *now, field);
        } else if (was && !now && ns == *was) {
            removeNamespace(row);
        }
    }
    for (const NamespacePolicy& ns : applied.namespaces)
        if (!old.find(ns.name) && rowOf(ns.name) < 0)
            insertNamespace(rowCount(), ns);

    for (int row = 0; row < rowCount(); ++row) {
        const NamespacePolicy& ns = m_policy.namespaces[static_cast<std::size_t>(row)];
        const auto it = before.find(ns.name);
        if (it != before.end() && (it->second.first != ns || it->second.second != changedMask(row)))
            emitRow(row);
    }
    policyEdited();
}

void NamespaceTableModel::setReadOnly(bool readOnly)
{
    if (m_readOnly == readOnly)
        return;
    m_readOnly = readOnly;
    // Only the flags change; views re-query them on the next edit attempt.
    if (rowCount() > 0)
        emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1), {});
}

int NamespaceTableModel::addNamespace(int afterRow)
{
    if (m_readOnly)
        return -1;
    const int row = afterRow < 0 || afterRow >= rowCount() ? rowCount() : afterRow + 1;
    m_undoStack->push(new AddNamespaceCommand(this, row, m_policy.fromDefaults(uniqueName().toStdString())));
    return row;
}

bool NamespaceTableModel::removeNamespaces(QList<int> rows)
{
    rows.erase(std::remove_if(rows.begin(), rows.end(), [this](int r) { return r < 0 || r >= rowCount(); }),
               rows.end());
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    if (m_readOnly || rows.isEmpty())
        return false;
    if (rows.size() == 1) {
        m_undoStack->push(new RemoveNamespaceCommand(this, rows.front(), m_policy.namespaces[rows.front()]));
        return true;
    }
    // One step for the lot; children run in order, so remove from the bottom
    // up and the stored rows stay right for undo (which runs in reverse).
    auto* macro = new QUndoCommand(tr("Remove %1 namespaces").arg(rows.size()));
    for (auto it = rows.crbegin(); it != rows.crend(); ++it)
        new RemoveNamespaceCommand(this, *it, m_policy.namespaces[static_cast<std::size_t>(*it)], macro);
    m_undoStack->push(macro);
    return true;
}

bool NamespaceTableModel::revertAll()
{
    if (m_readOnly || m_policy == m_applied)
        return false;
    m_undoStack->push(new ReplacePolicyCommand(this, m_policy, m_applied, tr("Revert to the applied policy")));
    return true;
}

int NamespaceTableModel::rowOf(std::string_view name) const
{
    for (std::size_t i = 0; i < m_policy.namespaces.size(); ++i)
        if (m_policy.namespaces[i].name == name)
            return static_cast<int>(i);
    return -1;
}

QString NamespaceTableModel::namespaceAt(int row) const
{
    return row >= 0 && row < rowCount() ? fromStd(m_policy.namespaces[static_cast<std::size_t>(row)].name)
                                        : QString();
}

NamespaceTableModel::RowState NamespaceTableModel::rowState(int row) const
{
    const NamespacePolicy& ns = m_policy.namespaces[static_cast<std::size_t>(row)];
    const NamespacePolicy* applied = m_applied.find(ns.name);
    if (!applied)
        return RowState::Added;
    return *applied == ns ? RowState::Unchanged : RowState::Changed;
}

void NamespaceTableModel::assignField(int row, PolicyField field, const NamespacePolicy& source)
{
    const RowState stateBefore = rowState(row);
    copyPolicyField(m_policy.namespaces[static_cast<std::size_t>(row)], source, field);
    // A rename changes which applied namespace every cell compares with; a
    // changed row state changes the whole row's highlighting.
    if (field == PolicyField::Name || rowState(row) != stateBefore) {
        emitRow(row);
    } else {
        const QModelIndex cell = index(row, columnOf(field));
        emit dataChanged(cell, cell);
    }
    policyEdited();
}

void NamespaceTableModel::insertNamespace(int row, NamespacePolicy ns)
{
    row = std::clamp(row, 0, rowCount());
    beginInsertRows({}, row, row);
    m_policy.namespaces.insert(m_policy.namespaces.begin() + row, std::move(ns));
    endInsertRows();
    policyEdited();
}

void NamespaceTableModel::removeNamespace(int row)
{
    beginRemoveRows({}, row, row);
    m_policy.namespaces.erase(m_policy.namespaces.begin() + row);
    endRemoveRows();
    policyEdited();
}

void NamespaceTableModel::replacePolicy(const Policy& policy)
{
    beginResetModel();
    m_policy = policy;
    endResetModel();
    policyEdited();
}

bool NamespaceTableModel::cellChanged(int row, PolicyField field) const
{
    const NamespacePolicy& ns = m_policy.namespaces[static_cast<std::size_t>(row)];
    const NamespacePolicy* applied = m_applied.find(ns.name);
    return !applied || formatPolicyField(*applied, field) != formatPolicyField(ns, field);
}

unsigned NamespaceTableModel::changedMask(int row) const
{
    unsigned mask = 0;
    for (int column = 0; column < ColumnCount; ++column)
        if (cellChanged(row, fieldOf(column)))
            mask |= 1U << column;
    return mask;
}

QString NamespaceTableModel::cellError(int row, PolicyField field) const
{
    const NamespacePolicy& ns = m_policy.namespaces[static_cast<std::size_t>(row)];
    // Values pass through their text form, as in checkPolicy(): a policy set
    // in code meets the rules a file or an edit would.
    std::string problem = checkPolicyField(field, formatPolicyField(ns, field));
    if (problem.empty() && field == PolicyField::Name && rowOf(ns.name) != row)
        problem = "duplicate namespace " + quoteForMessage(ns.name) + " (first in row "
                  + std::to_string(rowOf(ns.name) + 1) + ")";
    return fromStd(problem);
}

QString NamespaceTableModel::uniqueName() const
{
    const QString base = QStringLiteral("new-namespace");
    QString name = base;
    for (int n = 2; rowOf(name.toStdString()) >= 0 || m_applied.find(name.toStdString()); ++n)
        name = base + QLatin1Char('-') + QString::number(n);
    return name;
}

void NamespaceTableModel::emitRow(int row)
{
    emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

void NamespaceTableModel::policyEdited()
{
    const bool dirty = !diffPolicy(m_applied, m_policy).empty();
    const bool flipped = dirty != m_dirty;
    m_dirty = dirty;
    emit policyChanged();
    if (flipped)
        emit dirtyChanged(dirty);
}

} // namespace fallback::ui
