#pragma once

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QString>

class QMenu;
class QTreeView;
class QWidget;

namespace fallback::ui {

class LiveConnections;
class LiveWorkspace;
class Workspace;
class WorkspaceTreeModel;

/// The console's deployment commands and their dialogs: File ▸ Add
/// deployment…, Import / Export profiles…, and the workspace tree's context
/// menu on a deployment (Edit…, Remove…, Unlock for this session / Lock
/// again, Pause / Resume polling, Poll now, Enter token…). Dialogs open with
/// open(), never a nested event loop, window-modal to `window`.
///
/// A deployment without a usable token (ask each session, no keychain) is
/// asked for it once per session when it is selected, or from the menu.
/// GUI thread.
class DeploymentActions : public QObject {
    Q_OBJECT

public:
    DeploymentActions(LiveConnections* connections, QWidget* window);

    void addDeployment();
    void editDeployment(LiveWorkspace* workspace);
    void removeDeployment(LiveWorkspace* workspace);
    void unlock(LiveWorkspace* workspace);
    void askToken(LiveWorkspace* workspace);
    void importProfiles();
    void exportProfiles();
    /// Import / Export without the file dialog: reports what happened in a
    /// message (and through notice()). True when the file was read / written.
    bool importFrom(const QString& path);
    bool exportTo(const QString& path);

    /// The context menu for `workspace` (null when it is not a deployment).
    /// The caller owns it.
    QMenu* contextMenu(Workspace* workspace, QWidget* parent);
    /// Offers contextMenu() on the rows of `tree` (and Add deployment on the
    /// live group's row).
    void attachTree(QTreeView* tree, WorkspaceTreeModel* model);
    /// The workspace the user is looking at: a missing token is asked now.
    void setCurrent(Workspace* workspace);

signals:
    /// One sentence for the status bar.
    void notice(const QString& text);

private:
    void tokenNeeded(LiveWorkspace* workspace, const QString& why);
    void inform(const QString& title, const QString& text, bool problem);

    LiveConnections* m_connections;
    QPointer<QWidget> m_window;
    QPointer<Workspace> m_current;
    QHash<QString, QString> m_tokenWanted; ///< deployment → why its token is wanted
    QSet<QString> m_tokenAsked;            ///< deployments asked this session
};

} // namespace fallback::ui
