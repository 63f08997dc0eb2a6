#pragma once

#include "engine/types.h"
#include "workspaces/workspacesnapshot.h"

#include <QFrame>
#include <QList>

class QLabel;

namespace fallback::ui {

class Sparkline;

/// One tier on the Overview (SPEC §7): its name and status, the hit rate
/// (big), p50 / p99 latency, error rate, stale-hit share and entries held,
/// all totals since the start of the run / connection, plus a sparkline of
/// the last two minutes at one value per second (hit rate for caches,
/// lookups per second for the origin). The origin's headline is the share
/// of lookups it answered; the client cache's is the share it served, stale
/// included, since everything it serves is stale. The left stripe is the status
/// colour: green on the path, amber with a fault injected, grey when the
/// tier is off the path. GUI thread only.
class TierCard : public QFrame {
    Q_OBJECT

public:
    enum class Status { NoData, Healthy, Fault, Disabled };
    Q_ENUM(Status)

    explicit TierCard(TierId tier, QWidget* parent = nullptr);

    TierId tier() const { return m_tier; }
    /// The tier's totals from the latest snapshot.
    void setView(const TierView& view);
    /// Recent values, one per second, oldest first; NaN where there is none.
    void setTrend(QList<double> values);
    /// Back to "no data" (no workspace attached).
    void clear();

    Status status() const { return m_status; }
    QString statusText() const;
    /// The headline figure as shown ("61.1 %").
    QString hitRateText() const;
    const Sparkline* sparkline() const { return m_sparkline; }

protected:
    void changeEvent(QEvent* event) override;

private:
    void setStatus(Status status, const QString& text);
    void applyStyle();

    TierId m_tier;
    Status m_status = Status::NoData;
    QLabel* m_name = nullptr;
    QLabel* m_statusLabel = nullptr;
    QLabel* m_hitRate = nullptr;
    QLabel* m_hitCaption = nullptr;
    QLabel* m_p50 = nullptr;
    QLabel* m_p99 = nullptr;
    QLabel* m_errors = nullptr;
    QLabel* m_stale = nullptr;
    QLabel* m_entries = nullptr;
    QLabel* m_trendCaption = nullptr;
    Sparkline* m_sparkline = nullptr;
};

} // namespace fallback::ui
