#pragma once

#include <QTabWidget>

namespace fallback::ui {

class ActivityLog;
class ActivityPage;
class KeysPage;
class NamespacesPage;
class OverviewPage;
class ScenarioPage;
class Workspace;

/// The tabs of one workspace: Overview, Namespaces, Keys, Activity and, for a
/// local scenario, Scenario. Only assembles the pages.
class WorkspaceView : public QTabWidget {
    Q_OBJECT

public:
    WorkspaceView(Workspace* workspace, ActivityLog* log, QWidget* parent = nullptr);

    Workspace* workspace() const { return m_workspace; }
    OverviewPage* overview() const { return m_overview; }
    NamespacesPage* namespaces() const { return m_namespaces; }
    KeysPage* keys() const { return m_keys; }
    ActivityPage* activity() const { return m_activity; }
    ScenarioPage* scenario() const { return m_scenario; } ///< null for live workspaces

    /// `overview`, `namespaces`, `keys`, `activity`, `scenario` (SPEC §7 --tab).
    static const QStringList& tabNames();
    /// Shows the named tab; false if this workspace has no such tab.
    bool showTab(const QString& name);

private:
    Workspace* m_workspace;
    OverviewPage* m_overview = nullptr;
    NamespacesPage* m_namespaces = nullptr;
    KeysPage* m_keys = nullptr;
    ActivityPage* m_activity = nullptr;
    ScenarioPage* m_scenario = nullptr;
};

} // namespace fallback::ui
