#pragma once

#include "sim/scenario.h"

#include <QWidget>

#include <vector>

class QTableWidget;

namespace fallback::ui {

/// The Scenario tab's list of a scenario's scheduled events (SPEC §4
/// `events`): when, what, on what, and where the run stands against each -
/// due in how long, under way until when (a fault with a duration), or done.
/// Read-only: events are edited in the scenario file. GUI thread only.
class EventsPanel : public QWidget {
    Q_OBJECT

public:
    explicit EventsPanel(QWidget* parent = nullptr);

    void setEvents(const std::vector<ScenarioEvent>& events);
    /// The run's virtual time: updates each event's status.
    void setNow(Micros now);

    QTableWidget* table() const { return m_table; }
    /// "due in 1 min 30 s", "under way until 00:03:30" or "done" (tests).
    QString statusText(int row) const;

    /// `origin down for 90s`, `purge product`, `bump pricing`, ...
    static QString describe(const ScenarioEvent& event);

private:
    void refreshStatus();

    QTableWidget* m_table = nullptr;
    std::vector<ScenarioEvent> m_events;
    Micros m_now = -1;
};

} // namespace fallback::ui
