// The console polling many live deployments: one fallback-node (and an
// origin) on 127.0.0.1, N deployment profiles pointing at it (default 50,
// every 2 s), an offscreen MainWindow showing the first one's Overview, and
// reads generated on the node from a thread of their own. Measures the GUI
// thread by timing every event it delivers (QApplication::notify, outermost
// only: queued answers, timers, paints): the time it is busy per poll round,
// its share of the wall time, and the longest single event - the longest the
// GUI could not react. Not a test: nothing is asserted.
//
//   QT_QPA_PLATFORM=offscreen bench_livepoll NODE ORIGIN POLICY [SECONDS] [DEPLOYMENTS]

#include "live/adminclient.h"
#include "models/activitylog.h"
#include "widgets/mainwindow.h"
#include "workspaces/liveconnections.h"
#include "workspaces/liveworkspace.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <thread>
#include <vector>

namespace {

using namespace fallback;
using namespace fallback::ui;

/// Starts `program` and returns `http://HOST:PORT` from its `listening on`
/// line, or "" when it does not come within ten seconds.
QString startListening(QProcess& process, const QString& program, const QStringList& args)
{
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(program, args);
    QByteArray output;
    QElapsedTimer clock;
    clock.start();
    const QRegularExpression listening(QStringLiteral("listening on (\\S+:\\d+)"));
    while (clock.elapsed() < 10000 && process.state() != QProcess::NotRunning) {
        process.waitForReadyRead(200);
        output += process.readAll();
        const QRegularExpressionMatch match = listening.match(QString::fromUtf8(output));
        if (match.hasMatch())
            return QStringLiteral("http://") + match.captured(1);
    }
    std::fprintf(stderr, "%s did not start: %s\n", qPrintable(program), output.constData());
    return {};
}

/// Times every event the GUI thread delivers, outermost calls only.
class TimedApplication : public QApplication {
public:
    using QApplication::QApplication;

    bool notify(QObject* receiver, QEvent* event) override
    {
        if (m_depth++ > 0 || !measuring) {
            const bool result = QApplication::notify(receiver, event);
            --m_depth;
            return result;
        }
        m_clock.restart();
        const int type = event->type();
        const char* name = receiver->metaObject()->className();
        const bool result = QApplication::notify(receiver, event);
        busy.push_back(double(m_clock.nsecsElapsed()) / 1e6);
        byKind[QStringLiteral("%1 event %2").arg(QLatin1String(name)).arg(type)] += busy.back();
        if (busy.back() > 2.0)
            slow.push_back({busy.back(), QStringLiteral("%1 event %2").arg(QLatin1String(name)).arg(type)});
        --m_depth;
        return result;
    }

    bool measuring = false;
    std::vector<double> busy; ///< milliseconds per event delivered
    std::vector<std::pair<double, QString>> slow; ///< events over 2 ms: what they were
    QHash<QString, double> byKind;                ///< milliseconds per receiver class and event type

private:
    int m_depth = 0;
    QElapsedTimer m_clock;
};

double at(std::vector<double> values, double q)
{
    if (values.empty())
        return 0.0;
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1, std::size_t(q * double(values.size())))];
}

} // namespace

int main(int argc, char** argv)
{
    TimedApplication app(argc, argv);
    if (argc < 4) {
        std::fprintf(stderr, "usage: bench_livepoll NODE ORIGIN POLICY [SECONDS] [DEPLOYMENTS]\n");
        return 2;
    }
    const QString nodeBinary = QString::fromLocal8Bit(argv[1]);
    const QString originBinary = QString::fromLocal8Bit(argv[2]);
    const QString policy = QString::fromLocal8Bit(argv[3]);
    const double seconds = argc > 4 ? std::atof(argv[4]) : 20.0;
    const int deployments = argc > 5 ? std::atoi(argv[5]) : 50;

    QTemporaryDir dir;
    const QString tokenFile = dir.filePath(QStringLiteral("admin.token"));
    const QByteArray token = "bench-admin-token";
    {
        QFile file(tokenFile);
        if (!file.open(QIODevice::WriteOnly) || file.write(token) < 0)
            return 1;
        file.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    }
    QProcess origin;
    QProcess node;
    const QString originUrl = startListening(
        origin, originBinary, {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"), QStringLiteral("--items"), QStringLiteral("1000")});
    if (originUrl.isEmpty())
        return 1;
    const QString nodeUrl = startListening(
        node, nodeBinary,
        {QStringLiteral("--policy"), policy, QStringLiteral("--origin"), originUrl, QStringLiteral("--listen"),
         QStringLiteral("127.0.0.1:0"), QStringLiteral("--admin-token-file"), tokenFile, QStringLiteral("--data-dir"),
         dir.filePath(QStringLiteral("data"))});
    if (nodeUrl.isEmpty())
        return 1;

    const QString profiles = dir.filePath(QStringLiteral("deployments.yaml"));
    {
        QFile file(profiles);
        if (!file.open(QIODevice::WriteOnly))
            return 1;
        QByteArray yaml = "schema: 1\ndeployments:\n";
        for (int i = 0; i < deployments; ++i)
            yaml += QStringLiteral("  - name: deployment-%1\n    url: %2\n    token: file:%3\n    poll_interval: 2s\n")
                        .arg(i, 2, 10, QLatin1Char('0'))
                        .arg(nodeUrl, tokenFile)
                        .toUtf8();
        file.write(yaml);
    }

    // Reads on the node's data plane, off the GUI thread: about 500 a second.
    std::atomic<bool> stop{false};
    std::thread traffic([&] {
        live::AdminClient client;
        live::Endpoint endpoint;
        endpoint.url = nodeUrl.toStdString();
        endpoint.retries = 0;
        for (int i = 0; !stop; ++i) {
            const std::string path = "/v1/items/" + std::string(i % 3 ? "product" : "config") + "/item-"
                                     + std::to_string((i * 7) % 500);
            client.wait([&](live::ResponseHandler done) {
                return client.request(endpoint, "GET", path, {}, {}, std::move(done));
            });
            if (i % 50 == 49)
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    });

    ActivityLog log;
    log.setPath(dir.filePath(QStringLiteral("activity.jsonl")));
    MainWindow window(&log);
    window.resize(1280, 800);
    QString error;
    if (!window.loadProfiles(profiles, &error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    window.show();

    QElapsedTimer clock;
    clock.start();
    bool& measuring = app.measuring;
    std::vector<double>& busy = app.busy;

    int pollsAtStart = 0;
    int snapshots = 0;
    qint64 startNs = 0;
    auto polls = [&] {
        int total = 0;
        for (LiveWorkspace* workspace : window.liveConnections()->workspaces())
            total += workspace->pollsAnswered();
        return total;
    };
    for (LiveWorkspace* workspace : window.liveConnections()->workspaces())
        QObject::connect(workspace, &Workspace::snapshotUpdated, &window, [&] {
            if (measuring)
                ++snapshots;
        });

    auto finish = [&] {
        measuring = false;
        const double wallMs = double(clock.nsecsElapsed() - startNs) / 1e6;
        double busyMs = 0;
        for (double b : busy)
            busyMs += b;
        const int answered = polls() - pollsAtStart;
        const double rounds = double(answered) / double(deployments);
        int connected = 0;
        for (LiveWorkspace* workspace : window.liveConnections()->workspaces())
            connected += workspace->state() == Workspace::State::Connected;
        std::printf("deployments: %d (connected at the end: %d), poll interval 2 s\n", deployments, connected);
        std::printf("wall_seconds: %.1f\n", wallMs / 1000.0);
        std::printf("polls_answered: %d (%.1f rounds)\n", answered, rounds);
        std::printf("snapshots: %d\n", snapshots);
        std::printf("gui_busy_ms_total: %.1f\n", busyMs);
        std::printf("gui_busy_share: %.2f %%\n", 100.0 * busyMs / wallMs);
        std::printf("gui_busy_ms_per_poll_round: %.2f\n", rounds > 0 ? busyMs / rounds : 0.0);
        std::printf("gui_events: %zu\n", busy.size());
        std::printf("gui_event_p50_ms: %.3f\n", at(busy, 0.50));
        std::printf("gui_event_p99_ms: %.3f\n", at(busy, 0.99));
        std::printf("gui_event_max_ms: %.2f (the longest the GUI thread could not react)\n",
                    busy.empty() ? 0.0 : *std::max_element(busy.begin(), busy.end()));
        std::sort(app.slow.rbegin(), app.slow.rend());
        for (std::size_t i = 0; i < std::min<std::size_t>(5, app.slow.size()); ++i)
            std::printf("  slow event: %.2f ms %s\n", app.slow[i].first, qPrintable(app.slow[i].second));
        std::vector<std::pair<double, QString>> kinds;
        for (auto it = app.byKind.cbegin(); it != app.byKind.cend(); ++it)
            kinds.push_back({it.value(), it.key()});
        std::sort(kinds.rbegin(), kinds.rend());
        for (std::size_t i = 0; i < std::min<std::size_t>(5, kinds.size()); ++i)
            std::printf("  busy in: %.1f ms %s\n", kinds[i].first, qPrintable(kinds[i].second));
        stop = true;
        traffic.join();
        QApplication::quit();
    };

    // Measure once every deployment has answered (or after 15 s).
    QElapsedTimer warmUp;
    warmUp.start();
    QTimer waitConnected;
    waitConnected.setInterval(100);
    QObject::connect(&waitConnected, &QTimer::timeout, &window, [&] {
        int connected = 0;
        for (LiveWorkspace* workspace : window.liveConnections()->workspaces())
            connected += workspace->state() == Workspace::State::Connected;
        if (connected < deployments && warmUp.elapsed() < 15000)
            return;
        waitConnected.stop();
        measuring = true;
        startNs = clock.nsecsElapsed();
        pollsAtStart = polls();
        QTimer::singleShot(int(seconds * 1000), &window, finish);
    });
    waitConnected.start();
    const int code = QApplication::exec();
    node.terminate();
    origin.terminate();
    node.waitForFinished(5000);
    origin.waitForFinished(5000);
    return code;
}
