#pragma once

#include "policy/policy.h"
#include "report/summary.h"
#include "sim/scenario.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QThread>
#include <QString>

#include <atomic>
#include <memory>

namespace fallback::ui {

/// One side of an A/B comparison: the policy it ran and what came out.
struct AbSide {
    QString label;
    Policy policy;
    RunSummary summary;
};

/// Runs the same scenario (same workload, seed, tiers and events) under two
/// policies, side by side on two worker threads, and reports both summaries.
/// Owned and called on the GUI thread.
class AbComparison : public QObject {
    Q_OBJECT

public:
    explicit AbComparison(QObject* parent = nullptr);
    ~AbComparison() override;

    /// Starts both runs; a comparison already running is cancelled first.
    void start(const Scenario& scenario, AbSide a, AbSide b);
    void cancel();
    bool isRunning() const { return m_running; }

signals:
    /// Share done of the slower side, [0, 1].
    void progress(double share);
    void finished(const fallback::ui::AbSide& a, const fallback::ui::AbSide& b);
    void failed(const QString& message);

private:
    struct Job;
    void sideDone();

    std::shared_ptr<Job> m_job;
    QList<QPointer<QThread>> m_workers; ///< waited for on destruction
    bool m_running = false;
};

} // namespace fallback::ui

Q_DECLARE_METATYPE(fallback::ui::AbSide)
