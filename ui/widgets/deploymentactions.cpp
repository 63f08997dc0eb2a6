#include "widgets/deploymentactions.h"

#include "dialogs/deploymentdialog.h"
#include "dialogs/unlockdialog.h"
#include "models/workspacetreemodel.h"
#include "workspaces/liveconnections.h"
#include "workspaces/liveworkspace.h"

#include <QFileDialog>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QTimer>
#include <QTreeView>

namespace fallback::ui {

DeploymentActions::DeploymentActions(LiveConnections* connections, QWidget* window)
    : QObject(window), m_connections(connections), m_window(window)
{
    connect(connections, &LiveConnections::tokenNeeded, this, &DeploymentActions::tokenNeeded);
    connect(connections, &LiveConnections::notice, this, &DeploymentActions::notice);
}

void DeploymentActions::inform(const QString& title, const QString& text, bool problem)
{
    auto* box = new QMessageBox(problem ? QMessageBox::Warning : QMessageBox::Information, title,
                                text, QMessageBox::Ok, m_window);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowModality(Qt::WindowModal);
    box->open();
}

void DeploymentActions::addDeployment()
{
    QStringList taken;
    for (const DeploymentProfile& profile : m_connections->store().profiles())
        taken << QString::fromStdString(profile.name);
    auto* dialog = new DeploymentDialog(taken, m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(Qt::WindowModal);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const std::optional<DeploymentProfile> profile = dialog->profile();
        if (!profile)
            return;
        QString error;
        if (!m_connections->addDeployment(*profile, dialog->secret(), &error))
            return inform(tr("Cannot add the deployment"), error, true);
        emit notice(tr("Added %1; saved to %2")
                        .arg(QString::fromStdString(profile->name), m_connections->store().path()));
    });
    dialog->open();
}

void DeploymentActions::editDeployment(LiveWorkspace* workspace)
{
    if (!workspace)
        return;
    const QString name = workspace->name();
    QStringList taken;
    for (const DeploymentProfile& profile : m_connections->store().profiles()) {
        if (QString::fromStdString(profile.name) != name)
            taken << QString::fromStdString(profile.name);
    }
    auto* dialog = new DeploymentDialog(taken, m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(Qt::WindowModal);
    const DeploymentProfile* stored = m_connections->store().find(name);
    dialog->setProfile(stored ? *stored : workspace->profile());
    connect(dialog, &QDialog::accepted, this, [this, dialog, name] {
        const std::optional<DeploymentProfile> profile = dialog->profile();
        if (!profile)
            return;
        QString error;
        if (!m_connections->editDeployment(name, *profile, dialog->secret(), &error))
            return inform(tr("Cannot change the deployment"), error, true);
        m_tokenAsked.remove(name);
        m_tokenWanted.remove(name);
        emit notice(tr("Saved %1").arg(QString::fromStdString(profile->name)));
    });
    dialog->open();
}

void DeploymentActions::removeDeployment(LiveWorkspace* workspace)
{
    if (!workspace)
        return;
    const QString name = workspace->name();
    auto* box = new QMessageBox(QMessageBox::Question, tr("Remove deployment"),
                                tr("Remove %1 from the deployments file (%2)? Its Activity history "
                                   "stays. A keychain entry it uses is left in the keychain.")
                                    .arg(name, m_connections->store().path()),
                                QMessageBox::Cancel, m_window);
    QPushButton* remove = box->addButton(tr("Remove"), QMessageBox::DestructiveRole);
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowModality(Qt::WindowModal);
    connect(box, &QMessageBox::finished, this, [this, box, remove, name] {
        if (box->clickedButton() != remove)
            return;
        QString error;
        if (!m_connections->removeDeployment(name, &error))
            return inform(tr("Cannot remove the deployment"), error, true);
        emit notice(tr("Removed %1").arg(name));
    });
    box->open();
}

void DeploymentActions::unlock(LiveWorkspace* workspace)
{
    if (workspace && workspace->isReadOnly())
        UnlockDialog::ask(m_window, workspace);
}

void DeploymentActions::tokenNeeded(LiveWorkspace* workspace, const QString& why)
{
    m_tokenWanted.insert(workspace->name(), why);
    if (workspace == m_current)
        setCurrent(workspace);
}

void DeploymentActions::setCurrent(Workspace* workspace)
{
    m_current = workspace;
    auto* live = qobject_cast<LiveWorkspace*>(workspace);
    if (!live || !m_tokenWanted.contains(live->name()) || m_tokenAsked.contains(live->name()))
        return;
    // After the current event: a deployment selected only on the way to
    // another workspace (start-up) is not asked.
    QPointer<LiveWorkspace> guard(live);
    QTimer::singleShot(0, this, [this, guard] {
        if (!guard || guard.data() != m_current.data() || m_tokenAsked.contains(guard->name()))
            return;
        m_tokenAsked.insert(guard->name()); // once per session; the menu asks again
        askToken(guard);
    });
}

void DeploymentActions::askToken(LiveWorkspace* workspace)
{
    if (!workspace)
        return;
    const QString why = m_tokenWanted.value(workspace->name(),
                                            tr("Enter the admin token of %1.").arg(workspace->name()));
    auto* dialog = new TokenDialog(workspace->name(), why, m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(Qt::WindowModal);
    QPointer<LiveWorkspace> guard(workspace);
    connect(dialog, &TokenDialog::tokenEntered, this, [this, guard](const QString& token) {
        if (!guard)
            return;
        m_tokenWanted.remove(guard->name());
        m_connections->setSessionToken(guard, token.toStdString());
    });
    dialog->open();
}

void DeploymentActions::importProfiles()
{
    auto* chooser = new QFileDialog(m_window, tr("Import deployment profiles"), QString(),
                                    tr("Deployment profiles (*.yaml *.yml);;All files (*)"));
    chooser->setFileMode(QFileDialog::ExistingFile);
    chooser->setAttribute(Qt::WA_DeleteOnClose);
    chooser->setWindowModality(Qt::WindowModal);
    connect(chooser, &QFileDialog::fileSelected, this, &DeploymentActions::importFrom);
    chooser->open();
}

bool DeploymentActions::importFrom(const QString& path)
{
    const DeploymentStore::ImportResult result = m_connections->importProfiles(path);
    if (!result.ok) {
        inform(tr("Cannot import profiles"), result.error, true);
        return false;
    }
    QString text = result.added.isEmpty()
                       ? tr("No new deployment in %1.").arg(path)
                       : tr("Imported %n deployment(s): %1.", nullptr, int(result.added.size()))
                             .arg(result.added.join(QStringLiteral(", ")));
    if (!result.clashes.isEmpty())
        text += QLatin1Char('\n')
                + tr("Not imported, the name is taken already (the existing profile is kept): %1.")
                      .arg(result.clashes.join(QStringLiteral(", ")));
    emit notice(text.section(QLatin1Char('\n'), 0, 0));
    if (!result.clashes.isEmpty())
        inform(tr("Import profiles"), text, false);
    return true;
}

void DeploymentActions::exportProfiles()
{
    auto* chooser = new QFileDialog(m_window, tr("Export deployment profiles"),
                                    QStringLiteral("deployments.yaml"),
                                    tr("Deployment profiles (*.yaml *.yml)"));
    chooser->setAcceptMode(QFileDialog::AcceptSave);
    chooser->setDefaultSuffix(QStringLiteral("yaml"));
    chooser->setAttribute(Qt::WA_DeleteOnClose);
    chooser->setWindowModality(Qt::WindowModal);
    connect(chooser, &QFileDialog::fileSelected, this, &DeploymentActions::exportTo);
    chooser->open();
}

bool DeploymentActions::exportTo(const QString& path)
{
    QString error;
    if (!m_connections->exportProfiles(path, &error)) {
        inform(tr("Cannot export profiles"), error, true);
        return false;
    }
    emit notice(tr("Exported %n profile(s) to %1 (token references only, no secrets)", nullptr,
                   int(m_connections->store().profiles().size()))
                    .arg(path));
    return true;
}

void DeploymentActions::attachTree(QTreeView* tree, WorkspaceTreeModel* model)
{
    tree->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(tree, &QWidget::customContextMenuRequested, this, [this, tree, model](const QPoint& at) {
        const QModelIndex index = tree->indexAt(at);
        Workspace* workspace = model->workspaceAt(index);
        const bool liveGroup = index.isValid() && !index.parent().isValid()
                               && index.row() == WorkspaceTreeModel::LiveGroup;
        if ((!workspace && !liveGroup) || (workspace && workspace->kind() != Workspace::Kind::Live))
            return;
        QMenu* menu = contextMenu(workspace, tree);
        menu->setAttribute(Qt::WA_DeleteOnClose);
        menu->popup(tree->viewport()->mapToGlobal(at));
    });
}

QMenu* DeploymentActions::contextMenu(Workspace* workspace, QWidget* parent)
{
    auto* live = qobject_cast<LiveWorkspace*>(workspace);
    auto* menu = new QMenu(parent);
    if (!live) {
        menu->addAction(tr("Add deployment…"), this, &DeploymentActions::addDeployment);
        return menu;
    }
    QPointer<LiveWorkspace> guard(live);
    auto onLive = [guard](auto&& call) {
        return [guard, call] {
            if (guard)
                call(guard.data());
        };
    };
    if (live->isProduction()) {
        if (live->isReadOnly())
            menu->addAction(tr("Unlock for this session…"),
                            onLive([this](LiveWorkspace* w) { unlock(w); }))
                ->setObjectName(QStringLiteral("unlockAction"));
        else
            menu->addAction(tr("Lock again (read-only)"),
                            onLive([](LiveWorkspace* w) { w->setUnlocked(false); }))
                ->setObjectName(QStringLiteral("lockAction"));
    }
    menu->addAction(live->isPollingPaused() ? tr("Resume polling") : tr("Pause polling"),
                    onLive([](LiveWorkspace* w) { w->setPollingPaused(!w->isPollingPaused()); }))
        ->setObjectName(QStringLiteral("pollingAction"));
    menu->addAction(tr("Poll now"), onLive([](LiveWorkspace* w) { w->pollNow(); }));
    menu->addAction(tr("Enter token…"), onLive([this](LiveWorkspace* w) { askToken(w); }));
    menu->addSeparator();
    menu->addAction(tr("Edit…"), onLive([this](LiveWorkspace* w) { editDeployment(w); }))
        ->setObjectName(QStringLiteral("editAction"));
    menu->addAction(tr("Remove…"), onLive([this](LiveWorkspace* w) { removeDeployment(w); }))
        ->setObjectName(QStringLiteral("removeAction"));
    return menu;
}

} // namespace fallback::ui
