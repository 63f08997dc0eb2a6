#include "widgets/livestatusbar.h"

#include "models/workspacetreemodel.h"
#include "workspaces/liveworkspace.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace fallback::ui {

LiveStatusBar::LiveStatusBar(QWidget* parent) : QWidget(parent)
{
    m_label = new QLabel(this);
    m_label->setObjectName(QStringLiteral("updatedLabel"));
    m_label->setTextFormat(Qt::RichText);
    m_pollingButton = new QToolButton(this);
    m_pollingButton->setObjectName(QStringLiteral("pollingButton"));
    m_pollingButton->setCheckable(true);
    m_pollingButton->setText(tr("Pause polling"));
    m_pollingButton->setToolTip(tr("Stop asking the deployment for stats; the charts keep what "
                                   "they have and show the missed seconds as gaps."));
    connect(m_pollingButton, &QToolButton::toggled, this, [this](bool paused) {
        if (m_workspace)
            m_workspace->setPollingPaused(paused);
    });
    m_pollNowButton = new QToolButton(this);
    m_pollNowButton->setObjectName(QStringLiteral("pollNowButton"));
    m_pollNowButton->setText(tr("Poll now"));
    connect(m_pollNowButton, &QToolButton::clicked, this, [this] {
        if (m_workspace)
            m_workspace->pollNow();
    });

    m_queueLabel = new QLabel(this);
    m_queueLabel->setObjectName(QStringLiteral("queueLabel"));
    m_queueLabel->setTextFormat(Qt::PlainText);
    m_queueLabel->setToolTip(tr("The deployment answered 429 (rate-limited): purges and bumps are "
                                "sent again, in order, once it allows."));
    m_queueLabel->hide();
    m_cancelQueuedButton = new QToolButton(this);
    m_cancelQueuedButton->setObjectName(QStringLiteral("cancelQueuedButton"));
    m_cancelQueuedButton->setText(tr("Cancel"));
    m_cancelQueuedButton->setToolTip(tr("Drop the queued invalidations: they are not sent "
                                        "(each is noted in Activity)."));
    m_cancelQueuedButton->hide();
    connect(m_cancelQueuedButton, &QToolButton::clicked, this, [this] {
        if (m_workspace)
            m_workspace->cancelQueued();
    });

    m_purgeLimitLabel = new QLabel(this);
    m_purgeLimitLabel->setObjectName(QStringLiteral("purgeLimitLabel"));
    m_purgeLimitLabel->setTextFormat(Qt::PlainText);
    m_purgeLimitLabel->hide();

    // A line each: side by side they are wider than the Overview's tool row
    // leaves the bar. The queue's and the limit's lines take no room while
    // hidden.
    auto* state = new QHBoxLayout;
    state->setSpacing(6);
    state->addWidget(m_label);
    state->addWidget(m_pollingButton);
    state->addWidget(m_pollNowButton);
    state->addStretch(1);
    auto* queue = new QHBoxLayout;
    queue->setSpacing(6);
    queue->addWidget(m_queueLabel);
    queue->addWidget(m_cancelQueuedButton);
    queue->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addLayout(state);
    layout->addLayout(queue);
    layout->addWidget(m_purgeLimitLabel);

    m_tick.setSingleShot(true);
    connect(&m_tick, &QTimer::timeout, this, &LiveStatusBar::refresh);
}

void LiveStatusBar::setWorkspace(LiveWorkspace* workspace)
{
    if (m_workspace)
        disconnect(m_workspace, nullptr, this, nullptr);
    m_workspace = workspace;
    if (workspace) {
        connect(workspace, &LiveWorkspace::polled, this, &LiveStatusBar::refresh);
        connect(workspace, &Workspace::stateChanged, this, &LiveStatusBar::refresh);
        connect(workspace, &LiveWorkspace::pollingPausedChanged, this, &LiveStatusBar::refresh);
        connect(workspace, &LiveWorkspace::queuedInvalidationsChanged, this, &LiveStatusBar::refresh);
        connect(workspace, &LiveWorkspace::purgeLimitChanged, this, &LiveStatusBar::refresh);
    }
    refresh();
}

qint64 LiveStatusBar::staleAfterMs() const
{
    if (!m_workspace)
        return 0;
    return 2 * std::max<qint64>(m_workspace->profile().pollInterval / kMicrosPerMilli, 500) + 1000;
}

QString LiveStatusBar::text() const
{
    return m_label->text();
}

QString LiveStatusBar::queueText() const
{
    return m_queueLabel->isHidden() ? QString() : m_queueLabel->text();
}

QString LiveStatusBar::queueText(int queued, qint64 nextInMs)
{
    if (queued <= 0)
        return {};
    const QString count = queued == 1 ? tr("1 invalidation queued")
                                      : tr("%1 invalidations queued").arg(queued);
    if (nextInMs < 0)
        return tr("%1 behind one being sent").arg(count);
    return tr("%1 (rate limit), next in %2 s").arg(count).arg((nextInMs + 999) / 1000);
}

QString LiveStatusBar::purgeLimitText() const
{
    return m_purgeLimitLabel->isHidden() ? QString() : m_purgeLimitLabel->text();
}

QString LiveStatusBar::purgeLimitText(const std::optional<live::RateLimit>& limit)
{
    const std::string words = limit ? live::describeRateLimit(*limit) : std::string();
    return words.empty() ? QString() : tr("Purge limit: %1").arg(QString::fromStdString(words));
}

QColor LiveStatusBar::purgeLimitColor(const live::RateLimit& limit)
{
    if (limit.remaining == std::int64_t(0))
        return WorkspaceTreeModel::stateColor(int(Workspace::State::Unreachable)); // red
    if (limit.remaining && limit.limit && *limit.limit > 0 && *limit.remaining * 10 <= *limit.limit)
        return QColor(0xb7, 0x79, 0x1f); // the amber of a stale "updated" age
    return {};
}

void LiveStatusBar::showPurgeLimit(const std::optional<live::RateLimit>& limit)
{
    const QString text = purgeLimitText(limit);
    m_purgeLimitLabel->setText(text);
    m_purgeLimitLabel->setVisible(!text.isEmpty());
    if (text.isEmpty())
        return;
    // Only what is set here is the label's own: the rest follows the theme.
    const QColor color = purgeLimitColor(*limit);
    QPalette palette;
    QFont font;
    if (color.isValid()) {
        palette.setColor(QPalette::WindowText, color);
        font.setBold(true);
    }
    m_purgeLimitLabel->setPalette(palette);
    m_purgeLimitLabel->setFont(font);
    QString tip = tr("The deployment's rate limit on purges and bumps, as it last stated it (an "
                     "answer to one, or a fallback-node's health)");
    if (!limit->policyName.empty())
        tip += tr(" (policy \"%1\")").arg(QString::fromStdString(limit->policyName));
    if (limit->window)
        tip += tr(", per %1").arg(QString::fromStdString(live::waitInWords(*limit->window)));
    m_purgeLimitLabel->setToolTip(tip +
                                  tr(". Shown until it resets: then its count no longer holds."));
}

void LiveStatusBar::refresh()
{
    m_tick.stop();
    if (!isVisible())
        return; // showEvent() refreshes: fifty hidden bars need not follow their polls
    if (!m_workspace) {
        m_label->clear();
        m_queueLabel->hide();
        m_cancelQueuedButton->hide();
        m_purgeLimitLabel->hide();
        return;
    }
    const LiveWorkspace& live = *m_workspace;
    const QColor dot = WorkspaceTreeModel::stateColor(int(live.state()));
    QString text = QStringLiteral("<span style=\"color:%1\">●</span> %2")
                       .arg(dot.name(), Workspace::stateText(live.state()).toHtmlEscaped());
    const QDateTime last = live.lastSuccess();
    if (last.isValid()) {
        const qint64 ageMs = std::max<qint64>(0, last.msecsTo(QDateTime::currentDateTime()));
        const QString age = ageMs < 60000 ? tr("updated %1 s ago").arg(ageMs / 1000)
                                          : tr("updated at %1").arg(last.toString(QStringLiteral("HH:mm:ss")));
        text += QStringLiteral(" · ")
                + (ageMs > staleAfterMs() ? QStringLiteral("<span style=\"color:#b7791f; font-weight:bold\">%1</span>").arg(age)
                                          : age);
    } else {
        text += QStringLiteral(" · ") + tr("no answer yet");
    }
    if (live.latencyMs() >= 0)
        text += QStringLiteral(" · ") + LiveWorkspace::latencyText(live.latencyMs());
    if (live.isPollingPaused())
        text += QStringLiteral(" · <b>") + tr("polling paused") + QStringLiteral("</b>");
    m_label->setText(text);
    m_label->setToolTip(live.lastError());
    {
        const QSignalBlocker block(m_pollingButton);
        m_pollingButton->setChecked(live.isPollingPaused());
    }
    m_pollingButton->setText(live.isPollingPaused() ? tr("Resume polling") : tr("Pause polling"));
    const int queued = live.queuedInvalidations();
    m_queueLabel->setText(queueText(queued, live.nextQueuedSendInMs()));
    m_queueLabel->setVisible(queued > 0);
    m_cancelQueuedButton->setVisible(queued > 0);
    showPurgeLimit(live.purgeLimit()); // gone once past its reset: the tick below re-reads it
    if (isVisible())
        m_tick.start(1000);
}

void LiveStatusBar::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    refresh();
}

void LiveStatusBar::hideEvent(QHideEvent* event)
{
    QWidget::hideEvent(event);
    m_tick.stop();
}

} // namespace fallback::ui
