// The main window's status bar: the selected workspace's state (with what
// a live node warns of), its clock, speed and rate, and passing notices.

#include "widgets/mainwindow.h"

#include "widgets/clocktext.h"
#include "workspaces/liveworkspace.h"

#include <QAction>
#include <QLabel>
#include <QLocale>
#include <QStatusBar>
#include <QTimer>

#include <utility>

namespace fallback::ui {

void MainWindow::buildStatusBar()
{
    m_stateLabel = new QLabel(this);
    m_clockLabel = new QLabel(this);
    m_speedLabel = new QLabel(this);
    m_rateLabel = new QLabel(this);
    m_stateLabel->setObjectName(QStringLiteral("statusState"));
    m_clockLabel->setObjectName(QStringLiteral("statusClock"));
    m_clockLabel->setToolTip(tr("Virtual time"));
    m_rateLabel->setToolTip(tr("Simulated requests per wall-clock second"));
    statusBar()->addWidget(m_stateLabel);
    statusBar()->addPermanentWidget(m_clockLabel);
    statusBar()->addPermanentWidget(m_speedLabel);
    statusBar()->addPermanentWidget(m_rateLabel);
}

void MainWindow::showNotice(const QString& text)
{
    // A temporary message hides the state label only if the label is
    // visible when the message comes. A notice sent while the window is
    // still being built (a token file warning at start-up) waits for the
    // window, or both texts are drawn over each other.
    if (!isVisible()) {
        m_pendingNotice = text;
        return;
    }
    statusBar()->showMessage(text, 8000);
}

void MainWindow::showEvent(QShowEvent* event)
{
    QMainWindow::showEvent(event);
    if (!m_pendingNotice.isEmpty()) {
        // Once the show is done and the state label is visible.
        QTimer::singleShot(0, this, [this] { showNotice(std::exchange(m_pendingNotice, {})); });
    }
}

void MainWindow::refreshStatus()
{
    Workspace* workspace = m_statusSource;
    if (!workspace) {
        m_stateLabel->setText(tr("No workspace"));
        m_clockLabel->clear();
        m_speedLabel->clear();
        m_rateLabel->clear();
        return;
    }
    m_stateLabel->setText(Workspace::stateText(workspace->state()));
    m_playAction->setText(workspace->state() == Workspace::State::Running ? tr("Pause") : tr("Play"));
    const SnapshotPtr snapshot = workspace->snapshot();
    if (auto* live = qobject_cast<LiveWorkspace*>(workspace)) {
        if (!live->lastError().isEmpty())
            m_stateLabel->setText(tr("%1 — %2").arg(Workspace::stateText(live->state()), live->lastError()));
        else if (const qsizetype warned = live->warnings().size(); warned > 0) {
            const QString state = Workspace::stateText(live->state());
            m_stateLabel->setText(
                warned == 1 ? tr("%1 — the node warns: see the Namespaces tab").arg(state)
                            : tr("%1 — the node gives %2 warnings: see the Namespaces tab")
                                  .arg(state)
                                  .arg(warned));
        }
        m_clockLabel->setText(live->lastSuccess().isValid()
                                  ? tr("updated %1").arg(live->lastSuccess().toString(QStringLiteral("HH:mm:ss")))
                                  : tr("no answer yet"));
        m_speedLabel->setText(LiveWorkspace::latencyText(live->latencyMs()));
        m_rateLabel->setText(snapshot ? tr("%1 req/s").arg(QLocale().toString(qint64(snapshot->requestsPerSecond)))
                                      : QString());
        return;
    }
    if (!snapshot)
        return;
    m_clockLabel->setText(tr("virtual %1").arg(formatVirtualClock(snapshot->now)));
    m_speedLabel->setText(snapshot->speed == 0.0 ? tr("speed max")
                                                 : tr("speed %1×").arg(snapshot->speed));
    m_rateLabel->setText(tr("%1 req/s").arg(QLocale().toString(qint64(snapshot->requestsPerSecond))));
}

} // namespace fallback::ui
