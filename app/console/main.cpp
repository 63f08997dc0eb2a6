// fallback-console: the desktop console (SPEC §7). Parses arguments, finds
// the bundled demo, wires the main window; scripted runs (--scenario,
// --run-for, --tab, --screenshot) are the contract of SPEC §7.

#include "models/activitylog.h"
#include "models/deploymentstore.h"
#include "sim/scenarioloader.h"
#include "widgets/mainwindow.h"
#include "widgets/workspaceview.h"
#include "workspaces/liveconnections.h"
#include "workspaces/liveworkspace.h"
#include "workspaces/localworkspace.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>

#include <cstdio>
#include <memory>

namespace {

using namespace fallback;
using namespace fallback::ui;

/// The bundled demo scenario: installed beside the binary, in the source
/// tree of a build, or unpacked from the resources compiled in.
QString bundledDemo(std::unique_ptr<QTemporaryDir>& unpacked)
{
    const QString app = QCoreApplication::applicationDirPath();
    const QStringList candidates{QString(app + QStringLiteral("/../share/fallback-console/examples")),
                                 QStringLiteral(FALLBACK_SOURCE_EXAMPLES)};
    for (const QString& dir : candidates) {
        const QString path = dir + QStringLiteral("/demo.scenario.yaml");
        if (QFileInfo::exists(path))
            return QFileInfo(path).absoluteFilePath();
    }
    unpacked = std::make_unique<QTemporaryDir>();
    for (const QString& name : QDir(QStringLiteral(":/examples")).entryList(QDir::Files)) {
        const QString target = unpacked->filePath(name);
        QFile::copy(QStringLiteral(":/examples/") + name, target);
        QFile::setPermissions(target, QFile::ReadOwner | QFile::WriteOwner);
    }
    return unpacked->filePath(QStringLiteral("demo.scenario.yaml"));
}

int fail(const QString& message, int code = 1)
{
    std::fprintf(stderr, "fallback-console: %s\n", qPrintable(message));
    return code;
}

/// --profiles without --scenario: the deployments only. With --screenshot,
/// watches the first deployment for `runFor` of wall time (default 5 s),
/// then saves the window and exits: 0, or 1 when no deployment answered.
int runLive(MainWindow& window, const QString& tab, const QString& screenshot,
            std::optional<Micros> runFor, bool printStartup, const QElapsedTimer& startup)
{
    if (WorkspaceView* view = window.currentView(); view && !tab.isEmpty())
        view->showTab(tab);
    window.show();
    if (printStartup)
        std::fprintf(stderr, "startup_ms: %lld\n", static_cast<long long>(startup.elapsed()));
    if (screenshot.isEmpty() && !runFor)
        return QApplication::exec();
    int exitCode = 0;
    const Micros watch = runFor.value_or(5 * kMicrosPerSecond);
    QTimer::singleShot(int(watch / kMicrosPerMilli), &window, [&] {
        const QList<LiveWorkspace*> live = window.liveConnections()->workspaces();
        if (live.isEmpty() || !live.front()->lastSuccess().isValid())
            exitCode = fail(live.isEmpty() ? QStringLiteral("no deployment in the profiles")
                                           : QStringLiteral("%1 did not answer: %2")
                                                 .arg(live.front()->name(), live.front()->lastError()));
        if (!screenshot.isEmpty() && !window.grab().save(screenshot, "PNG"))
            exitCode = fail(QStringLiteral("cannot write %1").arg(screenshot));
        QApplication::exit(exitCode);
    });
    return QApplication::exec();
}

} // namespace

int main(int argc, char** argv)
{
    QElapsedTimer startup;
    startup.start();
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("fallback-console"));
    QApplication::setOrganizationName(QStringLiteral("edge-fallback"));
    QApplication::setApplicationDisplayName(QStringLiteral("Edge Fallback Console"));
    QApplication::setApplicationVersion(QStringLiteral(FALLBACK_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Desktop console for edge storage fallback stacks. With no arguments it "
                       "opens the bundled demo scenario in local test mode."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption scenarioOption(QStringLiteral("scenario"),
                                            QStringLiteral("Open this scenario file."),
                                            QStringLiteral("FILE"));
    const QCommandLineOption runForOption(
        QStringLiteral("run-for"),
        QStringLiteral("Run the scenario for DURATION of virtual time as fast as possible."),
        QStringLiteral("DURATION"));
    const QCommandLineOption tabOption(
        QStringLiteral("tab"),
        QStringLiteral("Show this tab: overview, namespaces, keys, activity or scenario."),
        QStringLiteral("TAB"));
    const QCommandLineOption screenshotOption(
        QStringLiteral("screenshot"),
        QStringLiteral("Save the main window to this PNG, then exit."), QStringLiteral("PNG"));
    const QCommandLineOption startupOption(QStringLiteral("print-startup-time"),
                                           QStringLiteral("Print the start-up time to stderr."));
    const QCommandLineOption profilesOption(
        QStringLiteral("profiles"),
        QStringLiteral("Open the live deployments of this deployments.yaml (default: %1 when it "
                       "exists). Without --scenario, no demo is opened and --run-for is the wall "
                       "time to watch the first deployment before --screenshot.")
            .arg(DeploymentStore::defaultPath()),
        QStringLiteral("FILE"));
    parser.addOptions({scenarioOption, runForOption, tabOption, screenshotOption, startupOption,
                       profilesOption});
    parser.process(app);

    std::optional<Micros> runFor;
    if (parser.isSet(runForOption)) {
        runFor = parseDuration(parser.value(runForOption).toStdString());
        if (!runFor)
            return fail(QStringLiteral("--run-for '%1' is not a duration (e.g. 90s, 5m)")
                            .arg(parser.value(runForOption)),
                        2);
    }
    const QString tab = parser.value(tabOption);
    if (!tab.isEmpty() && !WorkspaceView::tabNames().contains(tab))
        return fail(QStringLiteral("--tab '%1' is not one of %2")
                        .arg(tab, WorkspaceView::tabNames().join(QStringLiteral(", "))),
                    2);
    const QString screenshot = parser.value(screenshotOption);

    ActivityLog log;
    log.load(ActivityLog::defaultPath()); // the trail survives restarts; a bad file is reported in the Activity tab
    MainWindow window(&log);

    // Live deployments: the file given, else the user's own when there is
    // one - but a scripted run shows only what its arguments name.
    const bool liveOnly = parser.isSet(profilesOption) && !parser.isSet(scenarioOption);
    const bool scripted = !screenshot.isEmpty() || runFor.has_value();
    const QString profiles = parser.isSet(profilesOption) ? parser.value(profilesOption)
                                                          : DeploymentStore::defaultPath();
    if (parser.isSet(profilesOption) || (!scripted && QFileInfo::exists(profiles))) {
        QString error;
        if (!window.loadProfiles(profiles, &error)) {
            if (parser.isSet(profilesOption))
                return fail(error);
            std::fprintf(stderr, "fallback-console: %s\n", qPrintable(error)); // the console still opens
        }
    }
    if (liveOnly)
        return runLive(window, parser.value(tabOption), screenshot, runFor, parser.isSet(startupOption), startup);

    std::unique_ptr<QTemporaryDir> unpacked;
    const QString scenarioPath =
        parser.isSet(scenarioOption) ? parser.value(scenarioOption) : bundledDemo(unpacked);

    QString error;
    LocalWorkspace* workspace = window.openScenario(scenarioPath, &error);
    if (!workspace)
        return fail(error.isEmpty() ? QStringLiteral("cannot open %1").arg(scenarioPath) : error);
    if (!tab.isEmpty())
        window.currentView()->showTab(tab);
    window.show();
    if (parser.isSet(startupOption)) {
        QTimer::singleShot(0, &window, [&startup] {
            std::fprintf(stderr, "startup_ms: %lld\n", static_cast<long long>(startup.elapsed()));
        });
    }

    if (screenshot.isEmpty() && !runFor) {
        workspace->play();
        return QApplication::exec();
    }

    // Scripted run: as fast as it can to the target time, then the picture.
    int exitCode = 0;
    auto finish = [&] {
        if (!tab.isEmpty())
            window.currentView()->showTab(tab);
        // One more turn of the event loop so the last snapshot is painted.
        QTimer::singleShot(200, &window, [&] {
            if (!screenshot.isEmpty() && !window.grab().save(screenshot, "PNG")) {
                exitCode = fail(QStringLiteral("cannot write %1").arg(screenshot));
            }
            QApplication::exit(exitCode);
        });
    };
    QObject::connect(workspace, &LocalWorkspace::runFailed, &window, [&](const QString& message) {
        exitCode = fail(message);
        QApplication::exit(exitCode);
    });
    QObject::connect(workspace, &LocalWorkspace::reachedTime, &window, finish);
    workspace->setSpeed(0.0);
    if (runFor)
        workspace->runUntil(*runFor);
    else
        workspace->runUntil(0);
    return QApplication::exec();
}
