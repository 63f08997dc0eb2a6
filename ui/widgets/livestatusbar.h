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
/// visible. Object names: `updatedLabel`, `pollingButton`, `pollNowButton`.
/// GUI thread.
class LiveStatusBar : public QWidget {
    Q_OBJECT

public:
    explicit LiveStatusBar(QWidget* parent = nullptr);

    /// Follows `workspace` (null detaches).
    void setWorkspace(LiveWorkspace* workspace);
    /// The text shown now, for tests.
    QString text() const;
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
    QTimer m_tick; ///< single shot
};

} // namespace fallback::ui
