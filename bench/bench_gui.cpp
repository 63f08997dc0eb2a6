// GUI thread responsiveness: the console runs the bundled demo at max speed
// while a 1 ms timer on the GUI thread records every gap between event-loop
// turns. Prints the longest gap and percentiles; the bound is 50 ms.
// Not a test: nothing is asserted.
//
//   QT_QPA_PLATFORM=offscreen bench_gui SCENARIO [SECONDS]

#include "models/activitylog.h"
#include "widgets/mainwindow.h"
#include "widgets/overviewpage.h"
#include "widgets/workspaceview.h"
#include "workspaces/localworkspace.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <vector>

int main(int argc, char** argv)
{
    using namespace fallback;
    using namespace fallback::ui;
    QApplication app(argc, argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_gui SCENARIO [SECONDS]\n");
        return 2;
    }
    const double seconds = argc > 2 ? std::atof(argv[2]) : 10.0;
    QTemporaryDir dir;
    ActivityLog log;
    log.setPath(dir.filePath(QStringLiteral("activity.jsonl")));
    MainWindow window(&log);
    window.resize(1280, 800);
    QString error;
    LocalWorkspace* workspace = window.openScenario(QString::fromLocal8Bit(argv[1]), &error);
    if (!workspace) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    window.show();

    std::vector<double> gaps;
    QElapsedTimer clock;
    QElapsedTimer total;
    int snapshots = 0;
    QObject::connect(workspace, &Workspace::snapshotUpdated, &window, [&] { ++snapshots; });
    QTimer ticker;
    ticker.setInterval(1);
    QObject::connect(&ticker, &QTimer::timeout, &window, [&] {
        gaps.push_back(double(clock.nsecsElapsed()) / 1e6);
        clock.restart();
    });
    QTimer::singleShot(200, &window, [&] {
        workspace->setSpeed(0.0);
        workspace->play();
        clock.start();
        total.start();
        ticker.start();
    });
    auto finish = [&] {
        ticker.stop();
        std::sort(gaps.begin(), gaps.end());
        auto at = [&](double q) {
            return gaps.empty() ? 0.0 : gaps[std::min(gaps.size() - 1, std::size_t(q * double(gaps.size())))];
        };
        const SnapshotPtr last = workspace->snapshot();
        std::printf("wall_seconds: %.2f\n", double(total.elapsed()) / 1000.0);
        std::printf("virtual_seconds: %.1f\n", last ? double(last->now) / 1e6 : 0.0);
        std::printf("simulated_requests: %llu\n",
                    static_cast<unsigned long long>(last ? last->requestsIssued : 0));
        std::printf("snapshots: %d\n", snapshots);
        std::printf("event_loop_turns: %zu\n", gaps.size());
        std::printf("gap_p50_ms: %.2f\n", at(0.50));
        std::printf("gap_p99_ms: %.2f\n", at(0.99));
        std::printf("gap_max_ms: %.2f\n", gaps.empty() ? 0.0 : gaps.back());
        QApplication::quit();
    };
    QObject::connect(workspace, &Workspace::stateChanged, &window, [&](Workspace::State state) {
        if (state == Workspace::State::Finished)
            finish();
    });
    QTimer::singleShot(int(seconds * 1000) + 200, &window, finish);
    return QApplication::exec();
}
