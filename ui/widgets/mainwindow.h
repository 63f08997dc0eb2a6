#pragma once

#include "models/preferences.h"

#include <QMainWindow>
#include <QPointer>

class QLabel;
class QMenu;
class QSplitter;
class QStackedWidget;
class QTreeView;

namespace fallback {
struct Scenario;
}

namespace fallback::ui {

class ActivityLog;
class DeploymentActions;
class LiveConnections;
class LiveWorkspace;
class LocalWorkspace;
class Workspace;
class WorkspaceTreeModel;
class WorkspaceView;

/// The console's main window (SPEC §7): the workspace tree on the left, the
/// current workspace's tabs on the right, menus, toolbar and status bar. It
/// assembles pages and routes actions; features live in their own classes
/// (live deployments: LiveConnections and DeploymentActions).
class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    /// `log` is the shared audit trail (not owned).
    explicit MainWindow(ActivityLog* log, QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Opens a scenario file as a new local workspace and selects it. On a bad
    /// file returns null and sets `error` to its diagnostics.
    LocalWorkspace* openScenario(const QString& path, QString* error = nullptr);
    /// Adds an already loaded scenario as a workspace.
    LocalWorkspace* addScenario(const Scenario& scenario, const QString& path);

    /// Loads a deployments file (SPEC §4) and opens a live workspace per
    /// profile; saves (Add deployment…) go back to it. False with the
    /// diagnostics in `error` on a bad file (nothing is opened).
    bool loadProfiles(const QString& path, QString* error = nullptr);
    LiveConnections* liveConnections() const { return m_live; }
    DeploymentActions* deploymentActions() const { return m_deploymentActions; }

    Workspace* currentWorkspace() const;
    WorkspaceView* currentView() const;
    WorkspaceTreeModel* workspaceModel() const { return m_model; }
    void selectWorkspace(Workspace* workspace);

protected:
    void closeEvent(QCloseEvent* event) override;
    void showEvent(QShowEvent* event) override;

private:
    void addWorkspaceView(Workspace* workspace);
    void removeWorkspaceView(Workspace* workspace);
    void buildActions();
    void buildStatusBar();
    /// `text` in the status bar for a few seconds (over the state label).
    void showNotice(const QString& text);
    void refreshRecentMenu();
    void refreshStatus();
    void currentChanged();
    void chooseAndOpen();
    void saveScenarioAs();
    void closeCurrent();
    void askInvalidation(int kind);
    void setTheme(Preferences::Theme theme);
    LocalWorkspace* currentLocal() const;

    ActivityLog* m_log;
    Preferences m_preferences;
    WorkspaceTreeModel* m_model = nullptr;
    QTreeView* m_tree = nullptr;
    QStackedWidget* m_stack = nullptr;
    QSplitter* m_splitter = nullptr;
    QMenu* m_recentMenu = nullptr;
    QLabel* m_stateLabel = nullptr;
    QLabel* m_clockLabel = nullptr;
    QLabel* m_speedLabel = nullptr;
    QLabel* m_rateLabel = nullptr;
    QAction* m_playAction = nullptr;
    QList<QAction*> m_localActions; ///< enabled only for a local workspace
    LiveConnections* m_live = nullptr;
    DeploymentActions* m_deploymentActions = nullptr;
    QPointer<Workspace> m_statusSource;
    /// Preselected by the next Invalidate menu prompt.
    QString m_lastInvalidationNamespace;
    QString m_pendingNotice; ///< came before the window was shown
};

} // namespace fallback::ui
