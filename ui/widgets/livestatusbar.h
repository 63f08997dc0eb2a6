#pragma once

#include "live/ratelimit.h"

#include <QColor>
#include <QPointer>
#include <QTimer>
#include <QWidget>

class QLabel;
class QToolButton;

namespace fallback::ui {

class LiveWorkspace;

/// The Overview's line about a live deployment: its state, when it was last
/// updated ("updated 3 s ago", amber once older than two poll intervals),
/// the last round trip, and Pause polling / Poll now. The age is refreshed
/// by a single-shot timer re-armed each second only while the bar is
/// visible. While invalidations are queued (a rate limit, see
/// LiveWorkspace::queuedInvalidations()) it says how many and when the next
/// goes out, with a Cancel button; both hidden otherwise. While the
/// deployment's last answer to a purge or bump stated its rate limit
/// (LiveWorkspace::purgeLimit()), it shows it, counting down to the reset:
/// amber with 10 % or less left, red with none; hidden otherwise. Object
/// names: `updatedLabel`, `pollingButton`, `pollNowButton`, `queueLabel`,
/// `cancelQueuedButton`, `purgeLimitLabel`.
/// GUI thread.
class LiveStatusBar : public QWidget {
    Q_OBJECT

public:
    explicit LiveStatusBar(QWidget* parent = nullptr);

    /// Follows `workspace` (null detaches).
    void setWorkspace(LiveWorkspace* workspace);
    /// The text shown now, for tests.
    QString text() const;
    /// The queue's line ("" when nothing is queued), for tests.
    QString queueText() const;
    /// "2 invalidations queued (rate limit), next in 8 s"; "" for none.
    /// `nextInMs` < 0: the first in line is on the wire.
    static QString queueText(int queued, qint64 nextInMs);
    /// The limit's line ("" when none is shown), for tests.
    QString purgeLimitText() const;
    /// "Purge limit: 997 of 1000 left, resets in 58 min"; "" for none.
    static QString purgeLimitText(const std::optional<live::RateLimit>& limit);
    /// The limit's colour: amber at 10 % or less left, red at none left,
    /// invalid (the palette's) otherwise or when the share is unknown.
    static QColor purgeLimitColor(const live::RateLimit& limit);
    /// Older than this is stale, for the current workspace (milliseconds).
    qint64 staleAfterMs() const;

protected:
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

private:
    void refresh();
    void showPurgeLimit(const std::optional<live::RateLimit>& limit);

    QPointer<LiveWorkspace> m_workspace;
    QLabel* m_label = nullptr;
    QToolButton* m_pollingButton = nullptr;
    QToolButton* m_pollNowButton = nullptr;
    QLabel* m_queueLabel = nullptr;
    QToolButton* m_cancelQueuedButton = nullptr;
    QLabel* m_purgeLimitLabel = nullptr;
    QTimer m_tick; ///< single shot
};

} // namespace fallback::ui
