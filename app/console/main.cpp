// fallback-console: the desktop console (SPEC §7). Parses arguments, finds
// the bundled demo, wires the main window; scripted runs (--scenario,
// --run-for, --tab, --screenshot) are the contract of SPEC §7.

#include "models/activitylog.h"
#include "sim/scenarioloader.h"
#include "widgets/mainwindow.h"
#include "widgets/workspaceview.h"
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
    parser.addOptions({scenarioOption, runForOption, tabOption, screenshotOption, startupOption});
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

    std::unique_ptr<QTemporaryDir> unpacked;
    const QString scenarioPath =
        parser.isSet(scenarioOption) ? parser.value(scenarioOption) : bundledDemo(unpacked);

    ActivityLog log;
    log.load(ActivityLog::defaultPath()); // the trail survives restarts; a bad file is reported in the Activity tab
    MainWindow window(&log);
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
