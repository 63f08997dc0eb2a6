#include "widgets/workspaceview.h"

#include "models/activitylog.h"
#include "widgets/activitypage.h"
#include "widgets/keyspage.h"
#include "widgets/namespacespage.h"
#include "widgets/overviewpage.h"
#include "widgets/scenariopage.h"
#include "workspaces/localworkspace.h"

namespace fallback::ui {

const QStringList& WorkspaceView::tabNames()
{
    static const QStringList names{QStringLiteral("overview"), QStringLiteral("namespaces"),
                                   QStringLiteral("keys"), QStringLiteral("activity"),
                                   QStringLiteral("scenario")};
    return names;
}

WorkspaceView::WorkspaceView(Workspace* workspace, ActivityLog* log, QWidget* parent)
    : QTabWidget(parent), m_workspace(workspace)
{
    setDocumentMode(true);
    m_overview = new OverviewPage(this);
    m_overview->setWorkspace(workspace);
    addTab(m_overview, tr("Overview"));
    m_namespaces = new NamespacesPage(this);
    m_namespaces->setWorkspace(workspace);
    addTab(m_namespaces, tr("Namespaces"));
    m_keys = new KeysPage(this);
    m_keys->setWorkspace(workspace);
    addTab(m_keys, tr("Keys"));
    m_activity = new ActivityPage(this);
    m_activity->setLog(log);
    if (log && workspace->kind() == Workspace::Kind::Live) {
        // What this console did to the deployment before: marked too.
        QList<ActivityRecord> earlier;
        for (const ActivityRecord& record : log->records())
            if (record.workspace == workspace->name() && !record.simulated)
                earlier << record;
        m_overview->markEarlier(earlier);
    }
    m_activity->setWorkspaceFilter(workspace->name());
    addTab(m_activity, tr("Activity"));
    if (auto* local = qobject_cast<LocalWorkspace*>(workspace)) {
        m_scenario = new ScenarioPage(this);
        m_scenario->setWorkspace(local);
        addTab(m_scenario, tr("Scenario"));
    }
    for (int i = 0; i < count(); ++i)
        widget(i)->setObjectName(tabNames().value(i) + QStringLiteral("Page"));
}

bool WorkspaceView::showTab(const QString& name)
{
    const int index = int(tabNames().indexOf(name));
    if (index < 0 || index >= count())
        return false;
    setCurrentIndex(index);
    return true;
}

} // namespace fallback::ui
