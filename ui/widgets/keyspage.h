#pragma once

#include "workspaces/workspacetypes.h"

#include <QPointer>
#include <QString>
#include <QWidget>

class QComboBox;
class QCompleter;
class QLabel;
class QLineEdit;
class QPushButton;
class QStringListModel;
class QTableView;
class QTimer;

namespace fallback::ui {

class KeyTierModel;
class Workspace;

/// The Keys tab (SPEC §7): look a resource up in every tier and see each
/// tier's copy, its age, TTL left and freshness; purge it.
///
/// The namespace combo follows the workspace's policy (and accepts a typed
/// name); the resource id completes from the workspace's cached ids,
/// requested with listKeys() 150 ms after the last keystroke so typing never
/// waits for, or floods, the workspace. Namespace and id are checked with
/// the SPEC §3 key rules before anything is asked; a bad one is explained
/// under the inputs. GUI thread only; every workspace call is asynchronous.
///
/// Object names for tests: `namespaceCombo`, `idEdit`, `lookupButton`,
/// `refreshButton`, `purgeButton`, `errorLabel`, `storedKeyLabel`,
/// `tierView`.
class KeysPage : public QWidget {
    Q_OBJECT

public:
    explicit KeysPage(QWidget* parent = nullptr);
    ~KeysPage() override;

    /// The workspace to ask (not owned; may be null). Clears the report.
    void setWorkspace(Workspace* workspace);
    Workspace* workspace() const { return m_workspace; }

    KeyTierModel* model() const { return m_model; }
    QCompleter* completer() const { return m_completer; }
    /// The debounce delay of completion requests, milliseconds.
    static constexpr int kCompletionDelayMs = 150;
    /// How many ids one completion request asks for.
    static constexpr int kCompletionLimit = 50;
    /// Whether another client's purge or bump, in its node's audit wording
    /// (`all`, `namespace NS`, `keys NS:ID,... and N more`), may reach `key`
    /// (`NS:ID`) of namespace `ns`: the page then looks again.
    static bool remoteTargetReaches(const QString& target, const QString& ns, const QString& key);

public slots:
    /// Looks up the namespace and id in the inputs (Look up, Enter).
    void lookUp();
    /// Looks the shown key up again.
    void refresh();
    /// Asks to purge the shown key (InvalidationDialog, window-modal).
    void purgeShownKey();

private:
    bool m_exampleAsked = false;
    QString m_exampleNs; ///< an example key was asked for in this namespace
    void updateNamespaces();
    void requestCompletions();
    void showCompletions(const QString& ns, const QStringList& ids);
    void offerExample();
    void showReport(const KeyReport& report);
    void onActivity(const ActivityRecord& record);
    void showError(const QString& message);
    void ask(const QString& ns, const QString& id);
    void updateButtons();
    QString currentNamespace() const;

    QPointer<Workspace> m_workspace;
    KeyTierModel* m_model = nullptr;
    QStringListModel* m_completions = nullptr;
    QCompleter* m_completer = nullptr;
    QTimer* m_completionTimer = nullptr;
    QStringList m_namespaces; ///< as last read from the policy

    QString m_pendingNs; ///< the lookup under way ("" when none)
    QString m_pendingId;
    QString m_shownNs;   ///< the key whose report is shown ("" when none)
    QString m_shownId;

    QComboBox* m_namespaceCombo = nullptr;
    QLineEdit* m_idEdit = nullptr;
    QPushButton* m_lookupButton = nullptr;
    QLabel* m_errorLabel = nullptr;
    QLabel* m_storedKeyLabel = nullptr;
    QLabel* m_statusLabel = nullptr;
    QTableView* m_view = nullptr;
    QPushButton* m_refreshButton = nullptr;
    QPushButton* m_purgeButton = nullptr;
};

} // namespace fallback::ui
