#include "models/workspacetreemodel.h"

#include "workspaces/liveworkspace.h"
#include "workspaces/workspace.h"

#include <QColor>
#include <QIcon>
#include <QPainter>
#include <QPixmap>

#include <algorithm>

namespace fallback::ui {

namespace {
// Internal ids: groups have 0, workspaces 1 + group.
constexpr quintptr kGroupId = 0;

/// The state's dot; `warns` adds an orange badge at its lower right (the
/// node gives advice while its state is fine: not the Degraded amber dot).
QIcon dot(const QColor& color, bool hollow, bool warns)
{
    QPixmap pixmap(12, 12);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    if (hollow) {
        painter.setBrush(Qt::NoBrush);
        painter.setPen(QPen(color, 2.0));
        painter.drawEllipse(QRectF(2, 2, 8, 8));
    } else {
        painter.setBrush(color);
        painter.setPen(color.darker(130));
        painter.drawEllipse(QRectF(1.5, 1.5, 9, 9));
    }
    if (warns) {
        painter.setBrush(WorkspaceTreeModel::warningColor());
        painter.setPen(QPen(Qt::white, 1.0));
        painter.drawEllipse(QRectF(6.5, 6.5, 5, 5));
    }
    return QIcon(pixmap);
}

QString ago(const QDateTime& when)
{
    if (!when.isValid())
        return WorkspaceTreeModel::tr("never");
    const qint64 seconds = when.secsTo(QDateTime::currentDateTime());
    return WorkspaceTreeModel::tr("%1 (%2 s ago)")
        .arg(when.toString(QStringLiteral("HH:mm:ss")))
        .arg(std::max<qint64>(0, seconds));
}

QString toolTip(Workspace* workspace)
{
    QStringList lines;
    lines << workspace->name() + QStringLiteral(" — ") + Workspace::stateText(workspace->state());
    if (auto* live = qobject_cast<LiveWorkspace*>(workspace)) {
        lines << live->url();
        lines << WorkspaceTreeModel::tr("Environment: %1").arg(QString::fromStdString(live->profile().environment));
        lines << WorkspaceTreeModel::tr("Last update: %1").arg(ago(live->lastSuccess()));
        if (live->latencyMs() >= 0)
            lines << WorkspaceTreeModel::tr("Latency: %1").arg(LiveWorkspace::latencyText(live->latencyMs()));
        if (live->isPollingPaused())
            lines << WorkspaceTreeModel::tr("Polling paused");
    }
    if (workspace->isProduction())
        lines << (workspace->isReadOnly() ? WorkspaceTreeModel::tr("Production: read-only until unlocked")
                                          : WorkspaceTreeModel::tr("Production: unlocked for this session"));
    if (!workspace->lastError().isEmpty())
        lines << WorkspaceTreeModel::tr("Last error: %1").arg(workspace->lastError());
    // Advice from a healthy node (its origin's Cache-Control...): the first
    // few, the whole text being on the Namespaces tab.
    const QStringList warnings = workspace->warnings();
    constexpr qsizetype kShown = 3;
    if (!warnings.isEmpty())
        lines << WorkspaceTreeModel::tr("The node warns:");
    for (qsizetype i = 0; i < std::min(warnings.size(), kShown); ++i)
        lines << QStringLiteral("\u2022 ") + warnings.at(i);
    if (warnings.size() > kShown)
        lines << WorkspaceTreeModel::tr("\u2026 and %1 more on the Namespaces tab").arg(warnings.size() - kShown);
    return lines.join(QLatin1Char('\n'));
}
} // namespace

WorkspaceTreeModel::WorkspaceTreeModel(QObject* parent) : QAbstractItemModel(parent) {}

QColor WorkspaceTreeModel::stateColor(int state)
{
    switch (Workspace::State(state)) {
    case Workspace::State::Running:
    case Workspace::State::Connected: return QColor(0x2e, 0x9d, 0x4f);
    case Workspace::State::Paused:
    case Workspace::State::Stopped:
    case Workspace::State::Connecting: return QColor(0x8a, 0x8f, 0x98);
    case Workspace::State::Finished: return QColor(0x3b, 0x7d, 0xd8);
    case Workspace::State::Degraded: return QColor(0xe0, 0xa1, 0x1b);
    case Workspace::State::Unauthorized: return QColor(0x8e, 0x44, 0xad);
    case Workspace::State::Unreachable:
    case Workspace::State::Failed: return QColor(0xd0, 0x3b, 0x3b);
    }
    return Qt::gray;
}

void WorkspaceTreeModel::addWorkspace(Workspace* workspace)
{
    const int g = workspace->kind() == Workspace::Kind::Local ? LocalGroup : LiveGroup;
    const int row = int(group(g).size());
    beginInsertRows(index(g, 0), row, row);
    group(g).append(workspace);
    endInsertRows();
    auto changed = [this, workspace] {
        const QModelIndex at = indexOf(workspace);
        if (at.isValid())
            emit dataChanged(at, at);
    };
    connect(workspace, &Workspace::stateChanged, this, changed);
    connect(workspace, &Workspace::unlockedChanged, this, changed);
    connect(workspace, &Workspace::warningsChanged, this, changed);
    if (auto* live = qobject_cast<LiveWorkspace*>(workspace))
        connect(live, &LiveWorkspace::pollingPausedChanged, this, changed);
    connect(workspace, &QObject::destroyed, this, [this, workspace] { removeWorkspace(workspace); });
}

void WorkspaceTreeModel::removeWorkspace(Workspace* workspace)
{
    for (int g : {LocalGroup, LiveGroup}) {
        const int row = int(group(g).indexOf(workspace));
        if (row < 0)
            continue;
        beginRemoveRows(index(g, 0), row, row);
        group(g).removeAt(row);
        endRemoveRows();
        disconnect(workspace, nullptr, this, nullptr);
    }
}

QModelIndex WorkspaceTreeModel::indexOf(Workspace* workspace) const
{
    for (int g : {LocalGroup, LiveGroup}) {
        const int row = int(group(g).indexOf(workspace));
        if (row >= 0)
            return createIndex(row, 0, quintptr(1 + g));
    }
    return {};
}

Workspace* WorkspaceTreeModel::workspaceAt(const QModelIndex& index) const
{
    if (!index.isValid() || index.internalId() == kGroupId)
        return nullptr;
    const auto& list = group(int(index.internalId() - 1));
    return index.row() < list.size() ? list[index.row()] : nullptr;
}

QList<Workspace*> WorkspaceTreeModel::workspaces() const { return m_local + m_live; }

QModelIndex WorkspaceTreeModel::index(int row, int column, const QModelIndex& parent) const
{
    if (column != 0 || row < 0)
        return {};
    if (!parent.isValid())
        return row < 2 ? createIndex(row, 0, kGroupId) : QModelIndex();
    if (parent.internalId() != kGroupId || row >= group(parent.row()).size())
        return {};
    return createIndex(row, 0, quintptr(1 + parent.row()));
}

QModelIndex WorkspaceTreeModel::parent(const QModelIndex& child) const
{
    if (!child.isValid() || child.internalId() == kGroupId)
        return {};
    return createIndex(int(child.internalId() - 1), 0, kGroupId);
}

int WorkspaceTreeModel::rowCount(const QModelIndex& parent) const
{
    if (!parent.isValid())
        return 2;
    if (parent.internalId() == kGroupId)
        return int(group(parent.row()).size());
    return 0;
}

int WorkspaceTreeModel::columnCount(const QModelIndex&) const { return 1; }

QVariant WorkspaceTreeModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid())
        return {};
    if (index.internalId() == kGroupId) {
        if (role == Qt::DisplayRole)
            return index.row() == LocalGroup ? tr("Local scenarios") : tr("Live deployments");
        if (role == Qt::ToolTipRole && index.row() == LiveGroup && m_live.isEmpty())
            return tr("No live deployments yet: File ▸ Add deployment… connects to a "
                      "fallback-node.");
        if (role == Qt::FontRole) {
            QFont font;
            font.setBold(true);
            return font;
        }
        return {};
    }
    Workspace* workspace = workspaceAt(index);
    if (!workspace)
        return {};
    auto* live = qobject_cast<LiveWorkspace*>(workspace);
    const bool paused = live && live->isPollingPaused();
    switch (role) {
    case Qt::DisplayRole: return workspace->name();
    case Qt::DecorationRole:
        return dot(stateColor(int(workspace->state())),
                   paused || workspace->state() == Workspace::State::Connecting,
                   !workspace->warnings().isEmpty());
    case Qt::ForegroundRole:
        return workspace->isProduction() ? QVariant(QColor(0xd0, 0x3b, 0x3b)) : QVariant();
    case Qt::ToolTipRole: return toolTip(workspace);
    case Qt::AccessibleDescriptionRole:
    {
        QString text = Workspace::stateText(workspace->state());
        if (const qsizetype warnings = workspace->warnings().size(); warnings > 0)
            text = tr("%1, %n warning(s)", nullptr, int(warnings)).arg(text);
        return workspace->isProduction() ? tr("production, %1").arg(text) : text;
    }
    case WorkspaceRole: return QVariant::fromValue(static_cast<QObject*>(workspace));
    case StateRole: return int(workspace->state());
    case ProductionRole: return workspace->isProduction();
    case LockedRole: return workspace->isReadOnly();
    case PausedRole: return paused;
    case StateColorRole: return stateColor(int(workspace->state()));
    case WarningCountRole: return int(workspace->warnings().size());
    default: return {};
    }
}

Qt::ItemFlags WorkspaceTreeModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    if (index.internalId() == kGroupId)
        return Qt::ItemIsEnabled;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable;
}

} // namespace fallback::ui
