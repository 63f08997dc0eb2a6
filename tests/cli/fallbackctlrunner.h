#pragma once

// Helpers of fallbackctl's remote-command tests: run the real binary while
// the test's event loop keeps spinning (so a scripted server living in the
// test can answer it), fixtures, and canned answers.

#include "../live/scriptedhttpserver.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QFile>
#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>
#include <QTimer>

#include <string>

struct Run {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

/// The environment fallbackctl runs in: no FALLBACK_TOKEN and a HOME /
/// XDG_CONFIG_HOME of the test's choosing, so nothing of the user's leaks in.
inline QProcessEnvironment cleanEnvironment(const QString& home)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("FALLBACK_TOKEN"));
    env.remove(QStringLiteral("XDG_CONFIG_HOME"));
    env.insert(QStringLiteral("HOME"), home);
    return env;
}

inline Run runFallbackctl(const QStringList& args, const QProcessEnvironment& env)
{
    QProcess process;
    process.setProgram(QStringLiteral(FALLBACK_BINARY_DIR "/app/fallbackctl/fallbackctl"));
    process.setArguments(args);
    process.setProcessEnvironment(env);
    QEventLoop loop;
    QObject::connect(&process, &QProcess::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(60000, &loop, &QEventLoop::quit);
    process.start();
    if (!process.waitForStarted(10000))
        qFatal("fallbackctl did not start");
    if (process.state() != QProcess::NotRunning)
        loop.exec();
    if (process.state() != QProcess::NotRunning) {
        process.kill();
        process.waitForFinished(5000);
        qFatal("fallbackctl did not finish within a minute");
    }
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1, process.readAllStandardOutput(),
            process.readAllStandardError()};
}

/// The admin token the remote tests use; it must never show up in output.
constexpr const char* kToken = "cli-token-4b1d-SECRET";

inline QString example(const char* name)
{
    return QStringLiteral(FALLBACK_EXAMPLES_DIR "/") + QLatin1String(name);
}

inline QString qs(const std::string& text) { return QString::fromStdString(text); }

/// Writes `dir/name` readable by its owner only.
inline QString writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& text)
{
    const QString path = dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        qFatal("cannot write fixture");
    file.write(text);
    file.close();
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    return path;
}

inline QString writeTokenFile(const QTemporaryDir& dir)
{
    return writeFile(dir, QStringLiteral("token"), QByteArray(kToken) + "\n");
}

inline QStringList withUrl(QStringList args, const std::string& url)
{
    args << QStringLiteral("--url") << qs(url);
    return args;
}
