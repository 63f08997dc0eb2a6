#include "widgets/eventspanel.h"

#include "util/units.h"
#include "widgets/clocktext.h"
#include "widgets/tiertext.h"

#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace fallback::ui {

namespace {

enum Column { At, What, Status, ColumnCount };

QString duration(Micros value)
{
    return QString::fromStdString(formatDuration(std::max<Micros>(value, 0)));
}

/// When a fault with a duration ends; -1 for everything else.
Micros endOf(const ScenarioEvent& event)
{
    const bool fault = event.action == EventAction::Down || event.action == EventAction::Slow ||
                       event.action == EventAction::Flaky;
    return fault && event.duration > 0 ? event.at + event.duration : -1;
}

} // namespace

EventsPanel::EventsPanel(QWidget* parent) : QWidget(parent)
{
    m_table = new QTableWidget(0, ColumnCount, this);
    m_table->setObjectName(QStringLiteral("eventsTable"));
    m_table->setHorizontalHeaderLabels({tr("At"), tr("Event"), tr("Status")});
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->horizontalHeader()->setSectionResizeMode(At, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(What, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(Status, QHeaderView::ResizeToContents);
    auto* hint = new QLabel(tr("Scheduled in the scenario file (events:); the Overview marks each "
                               "one as it happens."),
                            this);
    hint->setWordWrap(true);
    hint->setForegroundRole(QPalette::PlaceholderText);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_table, 1);
    layout->addWidget(hint);
}

QString EventsPanel::describe(const ScenarioEvent& event)
{
    const QString action = QString::fromStdString(std::string(eventActionName(event.action)));
    QString text;
    switch (event.action) {
    case EventAction::Down:
    case EventAction::Up:
    case EventAction::Slow:
    case EventAction::Flaky:
        text = (event.tier ? tierText(*event.tier) : tr("?")) + QLatin1Char(' ') + action;
        if (event.action == EventAction::Slow)
            text += QStringLiteral(" \u00d7%1").arg(event.factor);
        else if (event.action == EventAction::Flaky)
            text += QStringLiteral(" %1 %").arg(event.failureRate * 100.0);
        if (event.action != EventAction::Up && event.duration > 0)
            text += tr(" for %1").arg(duration(event.duration));
        return text;
    case EventAction::Purge:
        return action + QLatin1Char(' ') +
               (event.all ? tr("everything")
                          : QString::fromStdString(event.key.empty() ? event.ns : event.key));
    case EventAction::Bump: return action + QLatin1Char(' ') + QString::fromStdString(event.ns);
    }
    return action;
}

void EventsPanel::setEvents(const std::vector<ScenarioEvent>& events)
{
    m_events = events;
    std::stable_sort(m_events.begin(), m_events.end(),
                     [](const ScenarioEvent& a, const ScenarioEvent& b) { return a.at < b.at; });
    m_table->setRowCount(int(m_events.size()));
    for (int row = 0; row < int(m_events.size()); ++row) {
        const ScenarioEvent& event = m_events[std::size_t(row)];
        auto* at = new QTableWidgetItem(formatVirtualClock(event.at));
        at->setToolTip(tr("at: %1 in the scenario file").arg(duration(event.at)));
        m_table->setItem(row, At, at);
        m_table->setItem(row, What, new QTableWidgetItem(describe(event)));
        m_table->setItem(row, Status, new QTableWidgetItem);
    }
    refreshStatus();
}

void EventsPanel::setNow(Micros now)
{
    if (now == m_now)
        return;
    m_now = now;
    refreshStatus();
}

QString EventsPanel::statusText(int row) const
{
    const QTableWidgetItem* item = m_table->item(row, Status);
    return item ? item->text() : QString();
}

void EventsPanel::refreshStatus()
{
    const Micros now = std::max<Micros>(m_now, 0);
    for (int row = 0; row < int(m_events.size()); ++row) {
        const ScenarioEvent& event = m_events[std::size_t(row)];
        const Micros end = endOf(event);
        QString status = tr("done");
        const bool done = now >= event.at && (end < 0 || now >= end);
        if (now < event.at)
            status = tr("due in %1").arg(formatSpan(event.at - now));
        else if (!done)
            status = tr("under way until %1").arg(formatVirtualClock(end));
        m_table->item(row, Status)->setText(status);
        // What is done is greyed: what is still to come or under way stands out.
        for (int column = 0; column < ColumnCount; ++column)
            m_table->item(row, column)->setForeground(
                palette().brush(done ? QPalette::PlaceholderText : QPalette::Text));
    }
}

} // namespace fallback::ui
