#pragma once

#include "charts/markeroverlay.h"
#include "charts/serieshistory.h"
#include "workspaces/workspace.h"

#include <QElapsedTimer>
#include <QList>
#include <QPointF>
#include <QPointer>
#include <QTimer>
#include <QWidget>

#include <array>
#include <vector>

class QComboBox;
class QLabel;
class QStackedWidget;
class QToolButton;

namespace fallback::ui {

class LiveStatusBar;
class TierCard;
class TimeChart;

/// The Overview tab of a workspace (SPEC §7): a card per tier, and three
/// time charts over a chosen window (1 min to 1 h) -
///  - "requests": reads served per second, stacked by serving tier
///    (edge_cache, edge_kv, origin, client_cache, then failed), with stale
///    serves as their own line over the stack (SPEC §8: never hide stale
///    inside hits);
///  - "latency": p50 (solid) and p99 (dashed) per enabled tier, ms;
///  - "origin": origin fetches, coalesced reads and revalidations per second.
/// Every chart marks what the workspace did while it ran, like a dashboard's
/// annotations: purges, bumps and policy changes as dashed lines, faults
/// (an origin outage) as spans, labelled on the "requests" chart.
///
/// Snapshots are folded into a bounded SeriesHistory as they arrive; the
/// page redraws at most ten times a second, only while visible, from a
/// single-shot timer armed by the next snapshot (no repeating timer).
/// A live workspace draws missing seconds as gaps, up to now - 1; a local
/// one as zeros, up to its last second with data. A live workspace also
/// shows a LiveStatusBar (last update, Pause polling) in the tool row.
/// GUI thread only.
class OverviewPage : public QWidget {
    Q_OBJECT

public:
    explicit OverviewPage(QWidget* parent = nullptr);
    ~OverviewPage() override;

    /// Follows `workspace`'s snapshots (nullptr detaches and clears).
    /// The page does not own it.
    void setWorkspace(Workspace* workspace);
    Workspace* workspace() const { return m_workspace; }

    /// A live workspace's earlier records (this console's activity file,
    /// from before it connected): marked where their wall-clock time falls
    /// on the charts, like its new ones. Records of a local run (virtual
    /// time) are not placed: a run starts its own timeline.
    void markEarlier(const QList<ActivityRecord>& records);

    /// The charts' window: 60, 300, 900 or 3600 seconds.
    void setWindowSeconds(int seconds);
    int windowSeconds() const { return m_windowSeconds; }

    /// Freezes the charts (cards keep updating); resuming catches up.
    void setPaused(bool paused);
    bool isPaused() const;

    /// The whole page as a PNG. False when the file cannot be written.
    bool exportPng(const QString& path);
    /// Every charted value over the window, one row per second (not
    /// downsampled): `second,<column>...`; empty cells where there is no
    /// value. False when the file cannot be written.
    bool exportCsv(const QString& path) const;

    /// Redraws now with everything received; the throttled path calls it too.
    void refreshNow();

    // --- inspection (tests, benchmarks) ---------------------------------------
    /// `chart`: "requests", "latency" or "origin". -1 when unknown.
    int seriesPointCount(const QString& chart, const QString& series) const;
    /// Points as drawn (a stacked band: its upper edge, the running sum).
    QList<QPointF> seriesPoints(const QString& chart, const QString& series) const;
    TimeChart* chart(const QString& name) const;
    TierCard* tierCard(TierId tier) const { return m_cards[std::size_t(tierIndex(tier))]; }
    /// The markers a chart draws now (x relative to the edge second).
    QList<ChartMarker> markers(const QString& chart) const;
    const SeriesHistory& history() const { return m_history; }
    bool isShowingEmptyState() const;
    int refreshCount() const { return m_refreshCount; }

    static constexpr int kMinRefreshMs = 100; ///< at most ten redraws a second

public slots:
    void exportPngInteractive();
    void exportCsvInteractive();

protected:
    void showEvent(QShowEvent* event) override;

private:
    void onSnapshot(const SnapshotPtr& snapshot);
    void onActivity(const ActivityRecord& record);
    /// The marks as markers, x relative to `edge`.
    QList<ChartMarker> markersAt(std::int64_t edge) const;
    void scheduleRefresh();
    void refreshCharts();
    void refreshCards();
    void applyWindowRange();
    /// The last second drawn (x = 0): in a local workspace the last second
    /// with data (the one after it may still be open); in a live one the
    /// newest complete second, now - 1, missing seconds up to it being gaps.
    std::int64_t edgeSecond() const;

    QPointer<Workspace> m_workspace;
    QMetaObject::Connection m_connection;
    QMetaObject::Connection m_activityConnection;
    /// What the workspace did, on its clock, for the charts' markers: the
    /// newest kMaxMarks, cleared when a local run's series start again (a
    /// live node's restart keeps them: they are on the wall clock).
    struct Mark {
        Micros at = 0;
        Micros until = -1;
        QString label;
        QColor color;
    };
    std::vector<Mark> m_marks;
    static constexpr std::size_t kMaxMarks = 500;
    SnapshotPtr m_latest;
    SeriesHistory m_history;
    bool m_live = false; ///< the workspace is a live deployment (gaps, edge at now - 1)
    int m_windowSeconds = 300;
    std::array<bool, kTierCount> m_enabled{};

    std::array<TierCard*, kTierCount> m_cards{};
    TimeChart* m_requests = nullptr;
    TimeChart* m_latency = nullptr;
    TimeChart* m_origin = nullptr;
    QStackedWidget* m_stack = nullptr;
    QLabel* m_emptyLabel = nullptr;
    QComboBox* m_windowBox = nullptr;
    QToolButton* m_pauseButton = nullptr;
    LiveStatusBar* m_liveBar = nullptr; ///< last update and polling, live workspaces only

    /// What a chart last drew: it is redrawn only when this changes.
    struct DrawnKey {
        quint64 dataVersion = 0;
        std::int64_t edge = 0;
        int window = 0;
        int maxPoints = 0;
        bool operator==(const DrawnKey&) const = default;
    };
    quint64 m_dataVersion = 1; ///< bumped by every snapshot with new points
    std::array<DrawnKey, 3> m_drawn{};

    QTimer m_refreshTimer; ///< single shot
    QElapsedTimer m_sinceRefresh;
    int m_refreshCount = 0;
};

} // namespace fallback::ui
