#include "workspaces/abcomparison.h"

#include "sim/simulator.h"

#include <QThread>
#include <QTimer>

#include <chrono>

namespace fallback::ui {

/// Shared between the GUI thread and the two workers; the workers only
/// write their own side and their own progress.
struct AbComparison::Job {
    Scenario scenario;
    std::array<AbSide, 2> sides;
    std::array<std::atomic<double>, 2> progress{};
    std::array<QString, 2> errors;
    std::atomic<bool> cancelled{false};
    int done = 0; ///< GUI thread only
};

AbComparison::AbComparison(QObject* parent) : QObject(parent)
{
    qRegisterMetaType<AbSide>();
}

AbComparison::~AbComparison()
{
    cancel();
    // A cancelled run stops within one virtual second of simulation; wait
    // so no worker outlives what it reads.
    for (const QPointer<QThread>& worker : std::as_const(m_workers)) {
        if (worker)
            worker->wait();
    }
}

void AbComparison::cancel()
{
    if (m_job)
        m_job->cancelled = true;
    m_job.reset();
    m_running = false;
}

void AbComparison::start(const Scenario& scenario, AbSide a, AbSide b)
{
    cancel();
    auto job = std::make_shared<Job>();
    job->scenario = scenario;
    job->sides = {std::move(a), std::move(b)};
    m_job = job;
    m_running = true;

    for (int side = 0; side < 2; ++side) {
        QThread* worker = QThread::create([job, side] {
            Scenario scenario = job->scenario;
            scenario.policy = job->sides[side].policy;
            const auto started = std::chrono::steady_clock::now();
            Simulator simulator(scenario);
            // Slices of virtual time so that a cancel is heard quickly.
            while (!simulator.finished() && !job->cancelled) {
                const Status status = simulator.runUntil(simulator.now() + kMicrosPerSecond);
                if (!status) {
                    job->errors[side] = QString::fromStdString(status.error().message);
                    return;
                }
                job->progress[side] = simulator.progress();
            }
            job->sides[side].summary = summarizeRun(
                simulator,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
            job->progress[side] = 1.0;
        });
        worker->setObjectName(QStringLiteral("ab-compare"));
        m_workers.removeAll(nullptr);
        m_workers.append(worker);
        connect(worker, &QThread::finished, worker, &QObject::deleteLater);
        connect(worker, &QThread::finished, this, [this, job] {
            if (job != m_job)
                return; // a cancelled comparison
            if (++job->done == 2)
                sideDone();
        });
        worker->start();
    }

    // Progress is polled on the GUI thread: the workers never touch QObjects.
    auto* ticker = new QTimer(this);
    ticker->setInterval(100);
    connect(ticker, &QTimer::timeout, this, [this, job, ticker] {
        if (job != m_job || job->done == 2) {
            ticker->deleteLater();
            return;
        }
        emit progress(std::min(job->progress[0].load(), job->progress[1].load()));
    });
    ticker->start();
}

void AbComparison::sideDone()
{
    const std::shared_ptr<Job> job = m_job;
    m_running = false;
    m_job.reset();
    for (const QString& error : job->errors) {
        if (!error.isEmpty()) {
            emit failed(error);
            return;
        }
    }
    emit progress(1.0);
    emit finished(job->sides[0], job->sides[1]);
}

} // namespace fallback::ui
