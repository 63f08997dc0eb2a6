#pragma once

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
/// goes out, with a Cancel button; both hidden otherwise. Object names:
/// `updatedLabel`, `pollingButton`, `pollNowButton`, `queueLabel`,
/// `cancelQueuedButton`.
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
    /// Older than this is stale, for the current workspace (milliseconds).
    qint64 staleAfterMs() const;

protected:
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

private:
    void refresh();

    QPointer<LiveWorkspace> m_workspace;
    QLabel* m_label = nullptr;
    QToolButton* m_pollingButton = nullptr;
    QToolButton* m_pollNowButton = nullptr;
    QLabel* m_queueLabel = nullptr;
    QToolButton* m_cancelQueuedButton = nullptr;
    QTimer m_tick; ///< single shot
};

} // namespace fallback::ui
