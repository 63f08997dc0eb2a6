#include "widgets/mainwindow.h"

#include "dialogs/invalidationdialog.h"
#include "dialogs/invalidationtargetdialog.h"
#include "models/activitylog.h"
#include "models/workspacetreemodel.h"
#include "sim/scenarioloader.h"
#include "widgets/currentpagestack.h"
#include "widgets/deploymentactions.h"
#include "widgets/overviewpage.h"
#include "widgets/scenariopage.h"
#include "widgets/theme.h"
#include "widgets/workspacetreedelegate.h"
#include "widgets/workspaceview.h"
#include "workspaces/liveconnections.h"
#include "workspaces/liveworkspace.h"
#include "workspaces/localworkspace.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSaveFile>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QToolBar>
#include <QTreeView>

#include <utility>

namespace fallback::ui {

MainWindow::MainWindow(ActivityLog* log, QWidget* parent) : QMainWindow(parent), m_log(log)
{
    setWindowTitle(tr("Edge Fallback Console"));
    m_model = new WorkspaceTreeModel(this);
    m_tree = new QTreeView(this);
    m_tree->setObjectName(QStringLiteral("workspaceTree"));
    m_tree->setModel(m_model);
    m_tree->setItemDelegate(new WorkspaceTreeDelegate(m_tree));
    m_tree->setHeaderHidden(true);
    m_tree->expandAll();
    m_tree->setMinimumWidth(180);
    m_stack = new CurrentPageStack(this);
    auto* empty = new QLabel(tr("Open a scenario (Ctrl+O) to start local test mode, or add a live "
                                "deployment (File ▸ Add deployment…)."),
                             m_stack);
    empty->setAlignment(Qt::AlignCenter);
    m_stack->addWidget(empty);
    m_splitter = new QSplitter(this);
    m_splitter->addWidget(m_tree);
    m_splitter->addWidget(m_stack);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setSizes({220, 1060});
    setCentralWidget(m_splitter);

    // After the stack: at teardown the views go before the workspaces they show.
    m_live = new LiveConnections(this);
    m_deploymentActions = new DeploymentActions(m_live, this);
    m_deploymentActions->attachTree(m_tree, m_model);
    connect(m_live, &LiveConnections::workspaceAdded, this,
            [this](LiveWorkspace* workspace) { addWorkspaceView(workspace); });
    connect(m_live, &LiveConnections::workspaceRemoving, this,
            [this](LiveWorkspace* workspace) { removeWorkspaceView(workspace); });
    connect(m_deploymentActions, &DeploymentActions::notice, this, &MainWindow::showNotice);

    connect(m_model, &QAbstractItemModel::rowsInserted, m_tree, [this] { m_tree->expandAll(); });
    connect(m_tree->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &MainWindow::currentChanged);

    buildActions();
    buildStatusBar();
    setTheme(m_preferences.theme());
    resize(1280, 800);
    restoreGeometry(m_preferences.windowGeometry());
    restoreState(m_preferences.windowState());
    m_splitter->restoreState(m_preferences.splitterState());
    currentChanged();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildActions()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open scenario…"), this, &MainWindow::chooseAndOpen);
    open->setShortcut(QKeySequence::Open);
    open->setObjectName(QStringLiteral("actionOpen"));
    m_recentMenu = file->addMenu(tr("Open &recent"));
    QAction* save = file->addAction(tr("&Save scenario as…"), this, &MainWindow::saveScenarioAs);
    save->setShortcut(QKeySequence(QStringLiteral("Ctrl+Shift+S")));
    file->addSeparator();
    QAction* png = file->addAction(tr("Export overview as &PNG…"), this, [this] {
        if (WorkspaceView* view = currentView()) {
            const QString path = QFileDialog::getSaveFileName(this, tr("Export PNG"), QString(),
                                                              tr("PNG images (*.png)"));
            if (!path.isEmpty())
                view->overview()->exportPng(path);
        }
    });
    QAction* csv = file->addAction(tr("Export overview as &CSV…"), this, [this] {
        if (WorkspaceView* view = currentView()) {
            const QString path = QFileDialog::getSaveFileName(this, tr("Export CSV"), QString(),
                                                              tr("CSV files (*.csv)"));
            if (!path.isEmpty())
                view->overview()->exportCsv(path);
        }
    });
    file->addSeparator();
    file->addAction(tr("Add &deployment…"), m_deploymentActions, &DeploymentActions::addDeployment)
        ->setObjectName(QStringLiteral("actionAddDeployment"));
    file->addAction(tr("&Import profiles…"), m_deploymentActions, &DeploymentActions::importProfiles);
    file->addAction(tr("E&xport profiles…"), m_deploymentActions, &DeploymentActions::exportProfiles);
    file->addSeparator();
    QAction* close = file->addAction(tr("&Close workspace"), this, &MainWindow::closeCurrent);
    close->setShortcut(QKeySequence::Close);
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), qApp, &QApplication::closeAllWindows);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* run = menuBar()->addMenu(tr("&Run"));
    m_playAction = run->addAction(tr("&Play / pause"), this, [this] {
        if (LocalWorkspace* ws = currentLocal())
            ws->togglePlay();
    });
    m_playAction->setShortcut(QKeySequence(Qt::Key_F5));
    m_playAction->setObjectName(QStringLiteral("actionPlay"));
    QAction* step = run->addAction(tr("&Step one second"), this, [this] {
        if (LocalWorkspace* ws = currentLocal())
            ws->step();
    });
    step->setShortcut(QKeySequence(Qt::Key_F10));
    QAction* reset = run->addAction(tr("&Reset"), this, [this] {
        if (LocalWorkspace* ws = currentLocal())
            ws->reset();
    });
    reset->setShortcut(QKeySequence(QStringLiteral("Ctrl+R")));
    QAction* complete = run->addAction(tr("Run to &end"), this, [this] {
        if (LocalWorkspace* ws = currentLocal())
            ws->runToCompletion();
    });
    complete->setShortcut(QKeySequence(QStringLiteral("Ctrl+E")));
    QMenu* speed = run->addMenu(tr("S&peed"));
    auto* speeds = new QActionGroup(this);
    int n = 1;
    for (double value : ScenarioPage::speeds()) {
        QAction* a = speed->addAction(value == 0.0 ? tr("Max") : QStringLiteral("%1×").arg(value));
        a->setCheckable(true);
        a->setShortcut(QKeySequence(QStringLiteral("Ctrl+%1").arg(n++)));
        speeds->addAction(a);
        connect(a, &QAction::triggered, this, [this, value] {
            if (LocalWorkspace* ws = currentLocal())
                ws->setSpeed(value);
            m_preferences.setDefaultSpeed(value);
        });
        m_localActions << a;
    }
    m_localActions << m_playAction << step << reset << complete << save;

    QMenu* invalidate = menuBar()->addMenu(tr("&Invalidate"));
    const QList<std::pair<QString, Invalidation::Kind>> kinds{
        {tr("Purge &key…"), Invalidation::Kind::PurgeKey},
        {tr("Purge &namespace…"), Invalidation::Kind::PurgeNamespace},
        {tr("Purge &everything…"), Invalidation::Kind::PurgeAll},
        {tr("&Bump version…"), Invalidation::Kind::Bump}};
    QList<QAction*> invalidations;
    for (const auto& [label, kind] : kinds) {
        QAction* a = invalidate->addAction(label, this, [this, kind] { askInvalidation(int(kind)); });
        invalidations << a;
    }
    invalidations[1]->setShortcut(QKeySequence(QStringLiteral("Ctrl+Shift+P")));
    invalidations[3]->setShortcut(QKeySequence(QStringLiteral("Ctrl+Shift+B")));

    QMenu* view = menuBar()->addMenu(tr("&View"));
    for (int i = 0; i < WorkspaceView::tabNames().size(); ++i) {
        const QString name = WorkspaceView::tabNames()[i];
        QAction* a = view->addAction(name.left(1).toUpper() + name.mid(1), this, [this, name] {
            if (WorkspaceView* v = currentView())
                v->showTab(name);
        });
        a->setShortcut(QKeySequence(QStringLiteral("Alt+%1").arg(i + 1)));
    }
    view->addSeparator();
    QMenu* theme = view->addMenu(tr("&Theme"));
    auto* themes = new QActionGroup(this);
    const QList<std::pair<QString, Preferences::Theme>> themeItems{
        {tr("System"), Preferences::Theme::System},
        {tr("Light"), Preferences::Theme::Light},
        {tr("Dark"), Preferences::Theme::Dark}};
    for (const auto& [label, value] : themeItems) {
        QAction* a = theme->addAction(label, this, [this, value] { setTheme(value); });
        a->setCheckable(true);
        a->setChecked(m_preferences.theme() == value);
        themes->addAction(a);
    }

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About"), this, [this] {
        QMessageBox::about(this, tr("About Edge Fallback Console"),
                           tr("<b>Edge Fallback Console</b><p>Local test mode and live tooling for "
                              "edge cache → edge KV → origin → client cache fallback stacks.</p>"
                              "<p>Activity log: %1</p>")
                               .arg(m_log->path().toHtmlEscaped()));
    });

    QToolBar* toolbar = addToolBar(tr("Main"));
    toolbar->setObjectName(QStringLiteral("mainToolbar"));
    toolbar->setMovable(false);
    toolbar->addAction(open);
    toolbar->addSeparator();
    toolbar->addAction(m_playAction);
    toolbar->addAction(step);
    toolbar->addAction(reset);
    toolbar->addSeparator();
    toolbar->addAction(invalidations[1]);
    toolbar->addAction(invalidations[3]);
    toolbar->addAction(invalidations[0]);
    toolbar->addSeparator();
    toolbar->addAction(png);
    toolbar->addAction(csv);
    refreshRecentMenu();
}

void MainWindow::refreshRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = m_preferences.recentScenarios();
    for (const QString& path : recent)
        m_recentMenu->addAction(QFileInfo(path).fileName(), this, [this, path] { openScenario(path); })
            ->setToolTip(path);
    m_recentMenu->setEnabled(!recent.isEmpty());
}

LocalWorkspace* MainWindow::openScenario(const QString& path, QString* error)
{
    Loaded<Scenario> scenario = loadScenarioFile(path.toStdString());
    if (!scenario.value) {
        const QString text = QString::fromStdString(scenario.diagnostics.format()).trimmed();
        if (error)
            *error = text;
        else
            QMessageBox::warning(this, tr("Cannot open scenario"), text);
        return nullptr;
    }
    m_preferences.addRecentScenario(path);
    m_preferences.setLastDirectory(QFileInfo(path).absolutePath());
    refreshRecentMenu();
    return addScenario(*scenario.value, path);
}

LocalWorkspace* MainWindow::addScenario(const Scenario& scenario, const QString& path)
{
    auto* workspace = new LocalWorkspace(scenario, path, this);
    workspace->setSpeed(m_preferences.defaultSpeed());
    addWorkspaceView(workspace);
    return workspace;
}

bool MainWindow::loadProfiles(const QString& path, QString* error)
{
    const int before = int(m_live->workspaces().size());
    if (!m_live->loadProfiles(path, error))
        return false;
    if (m_live->workspaces().size() > before && !currentWorkspace())
        selectWorkspace(m_live->workspaces().value(before));
    return true;
}

void MainWindow::addWorkspaceView(Workspace* workspace)
{
    connect(workspace, &Workspace::activity, m_log, &ActivityLog::append);
    auto* view = new WorkspaceView(workspace, m_log, m_stack);
    view->setProperty("workspace", QVariant::fromValue(static_cast<QObject*>(workspace)));
    m_stack->addWidget(view);
    auto refresh = [this, workspace] {
        if (workspace == m_statusSource)
            refreshStatus();
    };
    connect(workspace, &Workspace::snapshotUpdated, this, refresh);
    connect(workspace, &Workspace::stateChanged, this, refresh);
    connect(workspace, &Workspace::warningsChanged, this, refresh);
    if (auto* live = qobject_cast<LiveWorkspace*>(workspace))
        connect(live, &LiveWorkspace::polled, this, refresh);
    if (ScenarioPage* scenario = view->scenario()) {
        connect(scenario, &ScenarioPage::openScenarioRequested, this, &MainWindow::chooseAndOpen);
        connect(scenario, &ScenarioPage::saveScenarioRequested, this, &MainWindow::saveScenarioAs);
    }
    m_model->addWorkspace(workspace);
    // A local scenario is opened to be looked at; deployments load in bulk.
    if (workspace->kind() == Workspace::Kind::Local || !currentWorkspace())
        selectWorkspace(workspace);
}

void MainWindow::removeWorkspaceView(Workspace* workspace)
{
    for (int i = 0; i < m_stack->count(); ++i) {
        auto* view = qobject_cast<WorkspaceView*>(m_stack->widget(i));
        if (view && view->workspace() == workspace) {
            m_stack->removeWidget(view);
            view->deleteLater();
            break;
        }
    }
    m_model->removeWorkspace(workspace);
    currentChanged();
}

Workspace* MainWindow::currentWorkspace() const
{
    WorkspaceView* view = currentView();
    return view ? view->workspace() : nullptr;
}

WorkspaceView* MainWindow::currentView() const
{
    return qobject_cast<WorkspaceView*>(m_stack->currentWidget());
}

LocalWorkspace* MainWindow::currentLocal() const
{
    return qobject_cast<LocalWorkspace*>(currentWorkspace());
}

void MainWindow::selectWorkspace(Workspace* workspace)
{
    m_tree->setCurrentIndex(m_model->indexOf(workspace));
}

void MainWindow::currentChanged()
{
    Workspace* workspace = m_model->workspaceAt(m_tree->currentIndex());
    for (int i = 0; i < m_stack->count(); ++i) {
        auto* view = qobject_cast<WorkspaceView*>(m_stack->widget(i));
        if (view && view->workspace() == workspace)
            m_stack->setCurrentIndex(i);
    }
    if (!workspace)
        m_stack->setCurrentIndex(0);
    m_statusSource = workspace;
    m_deploymentActions->setCurrent(workspace);
    for (QAction* action : m_localActions)
        action->setEnabled(qobject_cast<LocalWorkspace*>(workspace) != nullptr);
    setWindowTitle(workspace ? tr("%1 — Edge Fallback Console").arg(workspace->name())
                             : tr("Edge Fallback Console"));
    refreshStatus();
}

void MainWindow::chooseAndOpen()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open scenario"), m_preferences.lastDirectory(),
        tr("Scenarios (*.scenario.yaml *.scenario.yml *.yaml)"));
    if (!path.isEmpty())
        openScenario(path);
}

void MainWindow::saveScenarioAs()
{
    LocalWorkspace* workspace = currentLocal();
    if (!workspace)
        return;
    const QString path = QFileDialog::getSaveFileName(this, tr("Save scenario"),
                                                      workspace->scenarioPath(),
                                                      tr("Scenarios (*.scenario.yaml)"));
    if (path.isEmpty())
        return;
    const std::string baseDir = QFileInfo(path).absolutePath().toStdString();
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(QByteArray::fromStdString(writeScenarioYaml(workspace->scenario(), baseDir))) < 0 ||
        !file.commit()) {
        QMessageBox::warning(this, tr("Cannot save scenario"),
                             tr("%1: %2").arg(path, file.errorString()));
        return;
    }
    workspace->setScenarioPath(path);
    m_preferences.addRecentScenario(path);
    refreshRecentMenu();
    statusBar()->showMessage(tr("Saved %1").arg(path), 4000);
}

void MainWindow::closeCurrent()
{
    WorkspaceView* view = currentView();
    if (!view)
        return;
    Workspace* workspace = view->workspace();
    if (workspace->kind() == Workspace::Kind::Live) {
        // For this session only: the profile stays in the deployments file.
        m_live->closeWorkspace(workspace->name());
        return;
    }
    m_stack->removeWidget(view);
    view->deleteLater();
    m_model->removeWorkspace(workspace);
    workspace->deleteLater();
    currentChanged();
}

void MainWindow::askInvalidation(int kindValue)
{
    Workspace* workspace = currentWorkspace();
    if (!workspace)
        return;
    const auto kind = static_cast<Invalidation::Kind>(kindValue);
    if (kind == Invalidation::Kind::PurgeAll) {
        InvalidationDialog::ask(this, workspace, Invalidation{kind, {}, {}});
        return;
    }
    // First the target, then the preview and confirmation: two window-modal
    // steps, neither with a nested event loop.
    auto* dialog = InvalidationTargetDialog::ask(this, workspace, kind, m_lastInvalidationNamespace);
    connect(dialog, &InvalidationTargetDialog::targetChosen, this,
            [this](const Invalidation& target) { m_lastInvalidationNamespace = target.ns; });
}

void MainWindow::setTheme(Preferences::Theme theme)
{
    m_preferences.setTheme(theme);
    applyTheme(theme);
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    m_preferences.setWindowGeometry(saveGeometry());
    m_preferences.setWindowState(saveState());
    m_preferences.setSplitterState(m_splitter->saveState());
    event->accept();
}

} // namespace fallback::ui
