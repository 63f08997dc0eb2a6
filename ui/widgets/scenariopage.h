#pragma once

#include "sim/scenario.h"
#include "workspaces/workspacesnapshot.h"

#include <QWidget>

#include <array>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QToolButton;

namespace fallback::ui {

class AbComparePanel;
class EventsPanel;
class LocalWorkspace;

/// The Scenario tab (local only): run controls, the workload, the tiers with
/// live fault toggles, and A/B comparison. Edits of the workload or of which
/// tiers are enabled restart the run; latency, failure rate, capacity and
/// faults apply to the running simulation at once.
class ScenarioPage : public QWidget {
    Q_OBJECT

public:
    explicit ScenarioPage(QWidget* parent = nullptr);
    void setWorkspace(LocalWorkspace* workspace);
    AbComparePanel* comparePanel() const { return m_compare; }

    /// Speeds offered, virtual seconds per wall second (0 = max).
    static const QList<double>& speeds();

signals:
    void openScenarioRequested();
    void saveScenarioRequested();

private:
    struct TierRow {
        QCheckBox* enabled = nullptr;
        QLineEdit* capacity = nullptr;
        QLineEdit* p50 = nullptr;
        QLineEdit* p99 = nullptr;
        QDoubleSpinBox* failureRate = nullptr;
        QToolButton* down = nullptr;
        QToolButton* slow = nullptr;
        QToolButton* flaky = nullptr;
    };

    QWidget* buildRunControls();
    QWidget* buildWorkload();
    QWidget* buildTiers();
    void loadFromScenario();
    void updateRunState();
    void updateFromSnapshot(const SnapshotPtr& snapshot);
    void applyWorkload();
    void applyTierLive(TierId tier);
    void applyFaults(TierId tier);
    /// Reads the tier row into a spec; false with a message on bad input.
    bool readTier(TierId tier, TierSpec& spec, QString& error) const;
    void showMessage(const QString& text, bool error);

    LocalWorkspace* m_workspace = nullptr;
    QToolButton* m_play = nullptr;
    QToolButton* m_step = nullptr;
    QToolButton* m_reset = nullptr;
    QToolButton* m_complete = nullptr;
    QComboBox* m_speed = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_clock = nullptr;
    QLabel* m_message = nullptr;

    QLabel* m_workloadKind = nullptr;
    QDoubleSpinBox* m_rate = nullptr;
    QSpinBox* m_keys = nullptr;
    QDoubleSpinBox* m_zipf = nullptr;
    QDoubleSpinBox* m_readRatio = nullptr;
    QLineEdit* m_sizeMin = nullptr;
    QLineEdit* m_sizeMax = nullptr;
    QLineEdit* m_mix = nullptr;
    QPushButton* m_applyWorkload = nullptr;

    std::array<TierRow, kTierCount> m_tiers{};
    AbComparePanel* m_compare = nullptr;
    EventsPanel* m_events = nullptr;
};

} // namespace fallback::ui
