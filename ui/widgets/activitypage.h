#pragma once

#include <QPointer>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;

namespace fallback::ui {

class ActivityFilterModel;
class ActivityLog;
class ActivityModel;

/// The Activity tab (SPEC §7): the audit trail of purges, bumps, policy
/// changes and faults, newest at the bottom, filtered by workspace (set by
/// the main window), by action and by free text. Follows new records when
/// the view is scrolled to the bottom; leaves it alone when the user has
/// scrolled up to read. Shows where the log file is and says when it cannot
/// be written. GUI thread only.
class ActivityPage : public QWidget {
    Q_OBJECT

public:
    explicit ActivityPage(QWidget* parent = nullptr);
    ~ActivityPage() override;

    /// The log to show (not owned; may be null).
    void setLog(ActivityLog* log);
    /// Shows one workspace's records (its name), or every workspace's ("").
    void setWorkspaceFilter(const QString& workspace);
    /// `purge`, `bump`, `policy`, `fault`, or "" for all.
    void setActionFilter(const QString& action);
    void setTextFilter(const QString& text);

    ActivityModel* model() const { return m_model; }
    ActivityFilterModel* filterModel() const { return m_filter; }
    QTableView* view() const { return m_view; }

public slots:
    /// Opens the log file with the desktop's default application.
    void openLogFile();

private:
    void updateCount();
    void updateLogInfo();

    QPointer<ActivityLog> m_log;
    ActivityModel* m_model = nullptr;
    ActivityFilterModel* m_filter = nullptr;
    QLineEdit* m_filterEdit = nullptr;
    QComboBox* m_actionCombo = nullptr;
    QLabel* m_countLabel = nullptr;
    QLabel* m_errorLabel = nullptr;
    QTableView* m_view = nullptr;
    QLabel* m_pathLabel = nullptr;
    QPushButton* m_openButton = nullptr;
    bool m_followNewest = true;
};

} // namespace fallback::ui
