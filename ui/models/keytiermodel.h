#pragma once

#include "workspaces/workspacetypes.h"

#include <QAbstractTableModel>

namespace fallback::ui {

/// One resource's copy in each of the four tiers (a KeyReport), one row per
/// tier in read-path order: edge cache, edge KV, origin, client cache. The
/// rows are always there; before a report (or after clear()) the cells are
/// blank. Freshness is coloured: fresh green, stale amber, expired red. The
/// origin is the source of truth: its freshness reads `source` and it has no
/// age or TTL. GUI thread only.
class KeyTierModel : public QAbstractTableModel {
    Q_OBJECT

public:
    // Text columns first, then the right-aligned figures.
    enum Column { Tier, Present, Freshness, Age, TtlLeft, Size, ColumnCount };
    enum Role {
        /// Raw values: bool Present, qint64 microseconds for Age and TtlLeft,
        /// QString Freshness, quint32 bytes for Size, QString tier name.
        RawRole = Qt::UserRole + 1,
    };

    explicit KeyTierModel(QObject* parent = nullptr);

    /// Shows `report`'s copies (a failed report blanks the cells).
    void setReport(const KeyReport& report);
    void clear();
    bool hasReport() const { return m_hasReport; }
    const KeyReport& report() const { return m_report; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    /// `Edge cache`, `Edge KV`, `Origin`, `Client cache`.
    static QString tierTitle(TierId tier);
    /// `250ms`, `4.2s`, `42s`, `5m`, `1h30m`, `-30s` (past ttl).
    static QString formatAge(Micros value);

private:
    KeyReport m_report;
    bool m_hasReport = false;
};

} // namespace fallback::ui
