#pragma once

#include "workspaces/abcomparison.h"

#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;
class QStandardItemModel;
class QTableView;

namespace fallback::ui {

class LocalWorkspace;

/// A/B compare: the workspace's scenario run to its end under the policy in
/// force (A) and under another policy (B), side by side: hit rates, latency
/// percentiles, origin load, stale and failed counts, and the difference.
class AbComparePanel : public QWidget {
    Q_OBJECT

public:
    explicit AbComparePanel(QWidget* parent = nullptr);
    void setWorkspace(LocalWorkspace* workspace);

    /// Compares the policy in force with `policyB` (tests and the file button).
    void compareWith(const Policy& policyB, const QString& labelB);
    bool isRunning() const { return m_comparison.isRunning(); }
    /// Rows of the result table (0 until a comparison finished).
    int resultRows() const;
    QString resultText(int row, int column) const;

signals:
    void comparisonFinished();

private:
    void chooseFile();
    void showResult(const AbSide& a, const AbSide& b);

    LocalWorkspace* m_workspace = nullptr;
    AbComparison m_comparison;
    QPushButton* m_fileButton = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_status = nullptr;
    QStandardItemModel* m_model = nullptr;
    QTableView* m_table = nullptr;
};

} // namespace fallback::ui
