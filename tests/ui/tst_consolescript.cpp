// The scripted-run contract of SPEC §7, against the real binary:
// fallback-console --scenario FILE --run-for DURATION --screenshot PNG [--tab T]

#include <QImage>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

namespace {

struct Run {
    int exitCode = -1;
    QByteArray err;
};

Run console(const QStringList& args)
{
    QProcess process;
    process.setProgram(QStringLiteral(FALLBACK_BINARY_DIR "/app/console/fallback-console"));
    process.setArguments(args);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    // Keep the developer's settings and activity log out of tests.
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), QDir::tempPath() + QStringLiteral("/fbc-test-config"));
    env.insert(QStringLiteral("XDG_DATA_HOME"), QDir::tempPath() + QStringLiteral("/fbc-test-data"));
    process.setProcessEnvironment(env);
    process.start();
    if (!process.waitForFinished(120000))
        qFatal("fallback-console did not finish");
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            process.readAllStandardError()};
}

QString fixture(const char* name)
{
    return QStringLiteral(FALLBACK_FIXTURES_DIR "/console/") + QLatin1String(name);
}

} // namespace

class TestConsoleScript : public QObject {
    Q_OBJECT

private slots:
    void screenshotOfEveryTab_data()
    {
        QTest::addColumn<QString>("tab");
        for (const char* tab : {"overview", "namespaces", "keys", "activity", "scenario"})
            QTest::newRow(tab) << QString::fromLatin1(tab);
    }
    void screenshotOfEveryTab()
    {
        QFETCH(QString, tab);
        QTemporaryDir dir;
        const QString png = dir.filePath(tab + QStringLiteral(".png"));
        const Run run = console({QStringLiteral("--scenario"), fixture("quick.scenario.yaml"),
                                 QStringLiteral("--run-for"), QStringLiteral("20s"),
                                 QStringLiteral("--tab"), tab, QStringLiteral("--screenshot"), png});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QImage image(png);
        QVERIFY(!image.isNull());
        QVERIFY(image.width() >= 800 && image.height() >= 500);
    }

    void bundledExamplesWork()
    {
        // Any valid scenario file, not only the test fixture.
        QTemporaryDir dir;
        const QString png = dir.filePath(QStringLiteral("replay.png"));
        const Run run = console({QStringLiteral("--scenario"),
                                 QStringLiteral(FALLBACK_EXAMPLES_DIR "/replay.scenario.yaml"),
                                 QStringLiteral("--run-for"), QStringLiteral("30s"),
                                 QStringLiteral("--screenshot"), png});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QVERIFY(QFileInfo(png).size() > 0);
    }

    void badFileFailsWithAClearMessage()
    {
        QTemporaryDir dir;
        const QString png = dir.filePath(QStringLiteral("x.png"));
        const Run run = console({QStringLiteral("--scenario"), fixture("broken.scenario.yaml"),
                                 QStringLiteral("--run-for"), QStringLiteral("5s"),
                                 QStringLiteral("--screenshot"), png});
        QVERIFY(run.exitCode != 0);
        QVERIFY2(run.err.contains("broken.scenario.yaml:3:"), run.err.constData());
        QVERIFY(!QFileInfo::exists(png));
    }

    void missingFileFails()
    {
        const Run run = console({QStringLiteral("--scenario"), QStringLiteral("/nonexistent/a.scenario.yaml"),
                                 QStringLiteral("--run-for"), QStringLiteral("5s"),
                                 QStringLiteral("--screenshot"), QStringLiteral("/tmp/never.png")});
        QVERIFY(run.exitCode != 0);
        QVERIFY(run.err.contains("/nonexistent/a.scenario.yaml"));
    }

    void badArguments_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("bad duration") << QStringList{QStringLiteral("--run-for"), QStringLiteral("soon"),
                                                     QStringLiteral("--screenshot"), QStringLiteral("/tmp/x.png")};
        QTest::newRow("bad tab") << QStringList{QStringLiteral("--tab"), QStringLiteral("charts"),
                                                QStringLiteral("--screenshot"), QStringLiteral("/tmp/x.png")};
    }
    void badArguments()
    {
        QFETCH(QStringList, args);
        const Run run = console(args);
        QCOMPARE(run.exitCode, 2);
        QVERIFY(!run.err.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestConsoleScript)
#include "tst_consolescript.moc"
