#include "models/keytiermodel.h"

#include <QBrush>
#include <QColor>
#include <QFont>
#include <QLocale>

namespace fallback::ui {

namespace {

QColor freshnessColor(const QString& freshness)
{
    if (freshness == QLatin1String("fresh"))
        return QColor(0x2e, 0x7d, 0x32);
    if (freshness == QLatin1String("stale"))
        return QColor(0xb2, 0x6a, 0x00);
    if (freshness == QLatin1String("expired"))
        return QColor(0xc6, 0x28, 0x28);
    return {};
}

const QString kDash = QStringLiteral("—");

} // namespace

KeyTierModel::KeyTierModel(QObject* parent) : QAbstractTableModel(parent) {}

void KeyTierModel::setReport(const KeyReport& report)
{
    m_report = report;
    m_hasReport = report.ok;
    emit dataChanged(index(0, 0), index(kTierCount - 1, ColumnCount - 1));
}

void KeyTierModel::clear()
{
    if (!m_hasReport)
        return;
    m_report = {};
    m_hasReport = false;
    emit dataChanged(index(0, 0), index(kTierCount - 1, ColumnCount - 1));
}

int KeyTierModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : kTierCount;
}

int KeyTierModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString KeyTierModel::tierTitle(TierId tier)
{
    switch (tier) {
    case TierId::EdgeCache: return tr("Edge cache");
    case TierId::EdgeKv: return tr("Edge KV");
    case TierId::Origin: return tr("Origin");
    case TierId::ClientCache: return tr("Client cache");
    }
    return {};
}

QString KeyTierModel::formatAge(Micros value)
{
    // The policy's own notation (`90s`, `5m`, `1h30m`), rounded to what a
    // person reads: milliseconds under a second, tenths under ten seconds.
    const Micros magnitude = value < 0 ? -value : value;
    const QString sign = value < 0 ? QStringLiteral("-") : QString();
    if (magnitude < kMicrosPerSecond)
        return QString(sign + QStringLiteral("%1ms").arg(magnitude / kMicrosPerMilli));
    if (magnitude < 10 * kMicrosPerSecond)
        return QString(sign + QStringLiteral("%1s").arg(double(magnitude) / kMicrosPerSecond, 0,
                                                        'f', 1));
    const Micros seconds = (magnitude + kMicrosPerSecond / 2) / kMicrosPerSecond;
    return QString(sign + QString::fromStdString(formatDuration(seconds * kMicrosPerSecond)));
}

QVariant KeyTierModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto tier = static_cast<TierId>(index.row());
    const int column = index.column();
    if (column == Tier) {
        if (role == Qt::DisplayRole)
            return tierTitle(tier);
        if (role == RawRole)
            return QString::fromUtf8(tierName(tier).data(), qsizetype(tierName(tier).size()));
        return {};
    }
    if (!m_hasReport)
        return {};
    const KeyCopy& copy = m_report.tiers[tierIndex(tier)];
    const bool origin = tier == TierId::Origin;

    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case Present:
            if (origin)
                return copy.present ? tr("yes (source of truth)") : tr("disabled");
            return copy.present ? tr("yes") : tr("no");
        case Age:
            return copy.present && !origin ? formatAge(copy.age) : kDash;
        case TtlLeft:
            if (!copy.present || origin)
                return kDash;
            return copy.ttlLeft < 0 ? tr("past ttl by %1").arg(formatAge(-copy.ttlLeft))
                                    : formatAge(copy.ttlLeft);
        case Freshness:
            return copy.present && !copy.freshness.isEmpty() ? copy.freshness : kDash;
        case Size:
            if (!copy.present || copy.size == 0)
                return kDash;
            return QLocale().formattedDataSize(qint64(copy.size), 1, QLocale::DataSizeIecFormat);
        }
        return {};
    case Qt::ForegroundRole:
        if (!copy.present && column != Present)
            return QBrush(QColor(0x9e, 0x9e, 0x9e));
        if (column == Freshness && copy.present) {
            const QColor color = freshnessColor(copy.freshness);
            if (color.isValid())
                return QBrush(color);
        }
        if (column == TtlLeft && copy.present && !origin && copy.ttlLeft < 0)
            return QBrush(QColor(0xb2, 0x6a, 0x00));
        return {};
    case Qt::FontRole:
        if (column == Freshness && copy.present && freshnessColor(copy.freshness).isValid()) {
            QFont font;
            font.setBold(true);
            return font;
        }
        return {};
    case Qt::TextAlignmentRole:
        if (column == Age || column == TtlLeft || column == Size)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    case Qt::ToolTipRole:
        if (column == Freshness)
            return tr("fresh: within ttl · stale: past ttl, still served (stale-while-revalidate, "
                      "stale-if-error, or the client cache's last-known-good copy) · expired: "
                      "kept but no longer served");
        if (column == Size && copy.present)
            return tr("%1 bytes").arg(copy.size);
        return {};
    case RawRole:
        switch (column) {
        case Present: return copy.present;
        case Age: return qint64(copy.age);
        case TtlLeft: return qint64(copy.ttlLeft);
        case Freshness: return copy.freshness;
        case Size: return quint32(copy.size);
        }
        return {};
    }
    return {};
}

QVariant KeyTierModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::TextAlignmentRole)
        return section == Age || section == TtlLeft || section == Size
                   ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                   : QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Tier: return tr("Tier");
    case Present: return tr("Present");
    case Age: return tr("Age");
    case TtlLeft: return tr("TTL left");
    case Freshness: return tr("Freshness");
    case Size: return tr("Size");
    }
    return {};
}

} // namespace fallback::ui
