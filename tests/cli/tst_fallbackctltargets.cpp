// Which deployment and which token fallbackctl's remote commands use
// (SPEC §5): --token-file, the profile's token source, FALLBACK_TOKEN and
// their order; --deployment with --profiles or the default profiles file;
// keychain entries; a refused token; https peers verified against the CA
// bundle of $CURL_CA_BUNDLE / $SSL_CERT_FILE. Runs the real binary against
// a scripted node inside the test.
#include "fallbackctlrunner.h"

#include <QDir>
#include <QSslSocket>
#include <QtTest>

class TestFallbackctlTargets : public QObject {
    Q_OBJECT

private slots:
    void init();
    void refusedToken();
    void tokenSources();
    void tokenOrderWithProfile_data();
    void tokenOrderWithProfile();
    void deploymentProfiles();
    void keychainProfileNeedsAnotherSource();
    void httpsTrustsOnlyTheConfiguredCa();

private:
    QProcessEnvironment env() const { return cleanEnvironment(m_home->path()); }
    QString tokenFile() { return writeTokenFile(*m_home); }

    std::unique_ptr<QTemporaryDir> m_home;
};

void TestFallbackctlTargets::init()
{
    m_home = std::make_unique<QTemporaryDir>();
    QVERIFY(m_home->isValid());
}

void TestFallbackctlTargets::refusedToken()
{
    ScriptedServer server(always(401, R"({"error":"unauthorized"})"));
    const Run withToken = runFallbackctl(withUrl({QStringLiteral("stats"), QStringLiteral("--token-file"),
                                                  tokenFile()},
                                                 server.url()),
                                         env());
    QCOMPARE(withToken.exitCode, 1);
    QCOMPARE(withToken.err, QByteArray("fallbackctl: the deployment refused the token (401)\n"));
    const Run without = runFallbackctl(withUrl({QStringLiteral("bump"), QStringLiteral("product")}, server.url()),
                                       env());
    QCOMPARE(without.exitCode, 1);
    QVERIFY2(without.err.contains("(401): it needs a token"), without.err.constData());
}

void TestFallbackctlTargets::tokenSources()
{
    ScriptedServer server(always(200, R"({"namespace":"a","version":1})"));
    QProcessEnvironment withEnv = env();
    withEnv.insert(QStringLiteral("FALLBACK_TOKEN"), QStringLiteral("from-env"));
    // FALLBACK_TOKEN alone.
    QCOMPARE(runFallbackctl(withUrl({QStringLiteral("bump"), QStringLiteral("a")}, server.url()), withEnv).exitCode, 0);
    // --token-file wins over FALLBACK_TOKEN.
    QCOMPARE(runFallbackctl(withUrl({QStringLiteral("bump"), QStringLiteral("a"), QStringLiteral("--token-file"),
                                     tokenFile()},
                                    server.url()),
                            withEnv)
                 .exitCode,
             0);
    QCOMPARE(server.seen().size(), std::size_t(2));
    QCOMPARE(server.seen()[0].headers.at("authorization"), QByteArray("Bearer from-env"));
    QCOMPARE(server.seen()[1].headers.at("authorization"), QByteArray("Bearer ") + kToken);

    // A token file that cannot be read is invalid input, before any request.
    const Run missing = runFallbackctl(withUrl({QStringLiteral("bump"), QStringLiteral("a"),
                                                QStringLiteral("--token-file"), QStringLiteral("/nonexistent/t")},
                                               server.url()),
                                       env());
    QCOMPARE(missing.exitCode, 1);
    QVERIFY(missing.err.contains("cannot read the token file /nonexistent/t"));
    // One other users can read still works, with a warning.
    const QString loose = writeFile(*m_home, QStringLiteral("loose"), "abc\n");
    QFile::setPermissions(loose, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadOther);
    const Run warned = runFallbackctl(withUrl({QStringLiteral("bump"), QStringLiteral("a"),
                                               QStringLiteral("--token-file"), loose},
                                              server.url()),
                                      env());
    QCOMPARE(warned.exitCode, 0);
    QVERIFY2(warned.err.contains("warning: the token file"), warned.err.constData());
    QCOMPARE(server.seen().size(), std::size_t(3));
}

void TestFallbackctlTargets::tokenOrderWithProfile_data()
{
    // README: --token-file, then the profile's env: / file: source, then FALLBACK_TOKEN.
    QTest::addColumn<QString>("profileToken"); // "env", "file" or "" for none
    QTest::addColumn<bool>("tokenFile");
    QTest::addColumn<bool>("fallbackToken");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("token file over profile env") << QStringLiteral("env") << true << true << QByteArray(kToken);
    QTest::newRow("token file over profile file") << QStringLiteral("file") << true << false << QByteArray(kToken);
    QTest::newRow("profile env over FALLBACK_TOKEN") << QStringLiteral("env") << false << true
                                                     << QByteArray("from-profile-env");
    QTest::newRow("profile file over FALLBACK_TOKEN") << QStringLiteral("file") << false << true
                                                      << QByteArray("from-profile-file");
    QTest::newRow("FALLBACK_TOKEN without profile token") << QString() << false << true << QByteArray("from-env");
}

void TestFallbackctlTargets::tokenOrderWithProfile()
{
    QFETCH(QString, profileToken);
    QFETCH(bool, tokenFile);
    QFETCH(bool, fallbackToken);
    QFETCH(QByteArray, expected);
    ScriptedServer server(always(200, R"({"namespace":"a","version":1})"));
    QByteArray token;
    if (profileToken == QLatin1String("env"))
        token = "\n    token: env:FALLBACKCTL_PROFILE_TOKEN";
    else if (profileToken == QLatin1String("file"))
        token = "\n    token: file:" + writeFile(*m_home, QStringLiteral("profile-token"), "from-profile-file\n").toUtf8();
    const QString profiles = writeFile(*m_home, QStringLiteral("deployments.yaml"),
                                       "schema: 1\ndeployments:\n  - name: here\n    url: "
                                           + QByteArray::fromStdString(server.url()) + token
                                           + "\n    environment: development\n");
    QProcessEnvironment environment = env();
    environment.insert(QStringLiteral("FALLBACKCTL_PROFILE_TOKEN"), QStringLiteral("from-profile-env"));
    if (fallbackToken)
        environment.insert(QStringLiteral("FALLBACK_TOKEN"), QStringLiteral("from-env"));
    QStringList args{QStringLiteral("bump"), QStringLiteral("a"), QStringLiteral("--deployment"), QStringLiteral("here"),
                     QStringLiteral("--profiles"), profiles};
    if (tokenFile)
        args << QStringLiteral("--token-file") << this->tokenFile();
    const Run run = runFallbackctl(args, environment);
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QCOMPARE(server.seen().size(), std::size_t(1));
    QCOMPARE(server.seen()[0].headers.at("authorization"), "Bearer " + expected);
}

void TestFallbackctlTargets::deploymentProfiles()
{
    ScriptedServer server(always(200, R"({"purged":2})"));
    const QString token = tokenFile();
    const QByteArray profiles = "schema: 1\ndeployments:\n"
                                "  - name: here\n    url: " + QByteArray::fromStdString(server.url())
                                + "/\n    token: file:" + token.toUtf8() + "\n    environment: development\n"
                                "  - name: gone\n    url: " + QByteArray::fromStdString(closedPortUrl())
                                + "\n    environment: development\n";
    const QString file = writeFile(*m_home, QStringLiteral("deployments.yaml"), profiles);

    const Run run = runFallbackctl({QStringLiteral("purge"), QStringLiteral("--all"), QStringLiteral("--deployment"),
                                    QStringLiteral("here"), QStringLiteral("--profiles"), file},
                                   env());
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(run.out, QByteArray("purged 2 entries\n"));
    QCOMPARE(server.seen().at(0).headers.at("authorization"), QByteArray("Bearer ") + kToken);
    QCOMPARE(server.seen().at(0).path, QByteArray("/v1/admin/purge"));

    const Run gone = runFallbackctl({QStringLiteral("stats"), QStringLiteral("--deployment"), QStringLiteral("gone"),
                                     QStringLiteral("--profiles"), file},
                                    env());
    QCOMPARE(gone.exitCode, 3);
    QVERIFY2(gone.err.contains("cannot reach gone ("), gone.err.constData());

    const Run unknown = runFallbackctl({QStringLiteral("stats"), QStringLiteral("--deployment"), QStringLiteral("her"),
                                        QStringLiteral("--profiles"), file},
                                       env());
    QCOMPARE(unknown.exitCode, 1);
    QVERIFY2(unknown.err.contains(QByteArray("no deployment 'her' in " + file.toUtf8() + " (did you mean 'here'?)")),
             unknown.err.constData());

    // The default file: $XDG_CONFIG_HOME/fallback-console/, else ~/.config/fallback-console/.
    QVERIFY(QDir(m_home->path()).mkpath(QStringLiteral(".config/fallback-console")));
    QVERIFY(QFile::copy(file, m_home->filePath(QStringLiteral(".config/fallback-console/deployments.yaml"))));
    const Run viaHome = runFallbackctl({QStringLiteral("purge"), QStringLiteral("--all"),
                                        QStringLiteral("--deployment"), QStringLiteral("here")},
                                       env());
    QCOMPARE(viaHome.exitCode, 0);
    QTemporaryDir xdg;
    QProcessEnvironment xdgEnv = env();
    xdgEnv.insert(QStringLiteral("XDG_CONFIG_HOME"), xdg.path());
    const Run noFile = runFallbackctl({QStringLiteral("stats"), QStringLiteral("--deployment"),
                                       QStringLiteral("here")},
                                      xdgEnv);
    QCOMPARE(noFile.exitCode, 1);
    QVERIFY2(noFile.err.contains(QByteArray(xdg.path().toUtf8() + "/fallback-console/deployments.yaml")), noFile.err.constData());

    // A broken profiles file gives its diagnostics.
    const QString broken = writeFile(*m_home, QStringLiteral("broken.yaml"),
                                     "schema: 1\ndeployments:\n  - name: x\n    url: http://h\n    token: abc123\n");
    const Run bad = runFallbackctl({QStringLiteral("stats"), QStringLiteral("--deployment"), QStringLiteral("x"),
                                    QStringLiteral("--profiles"), broken},
                                   env());
    QCOMPARE(bad.exitCode, 1);
    QVERIFY2(bad.err.contains(QByteArray(broken.toUtf8() + ":5:12: error: tokens never live in the YAML")), bad.err.constData());
    QVERIFY(!bad.err.contains("abc123"));
    QCOMPARE(server.seen().size(), std::size_t(2));
}

void TestFallbackctlTargets::keychainProfileNeedsAnotherSource()
{
    ScriptedServer server(always(200, R"({"purged":0})"));
    const QString file = writeFile(*m_home, QStringLiteral("deployments.yaml"),
                                   "schema: 1\ndeployments:\n  - name: prod\n    url: "
                                       + QByteArray::fromStdString(server.url())
                                       + "\n    token: keychain:fallback/prod\n    environment: production\n");
    const QStringList args{QStringLiteral("purge"), QStringLiteral("--all"), QStringLiteral("--deployment"),
                           QStringLiteral("prod"), QStringLiteral("--profiles"), file};
    const Run refused = runFallbackctl(args, env());
    QCOMPARE(refused.exitCode, 1);
    QVERIFY2(refused.err.contains("keychain:fallback/prod"), refused.err.constData());
    QVERIFY(refused.err.contains("--token-file"));
    QCOMPARE(server.seen().size(), std::size_t(0));

    const Run viaFile = runFallbackctl(QStringList(args) << QStringLiteral("--token-file") << tokenFile(), env());
    QCOMPARE(viaFile.exitCode, 0);
    QProcessEnvironment withEnv = env();
    withEnv.insert(QStringLiteral("FALLBACK_TOKEN"), QStringLiteral("env-token"));
    const Run viaEnv = runFallbackctl(args, withEnv);
    QCOMPARE(viaEnv.exitCode, 0);
    QCOMPARE(server.seen().size(), std::size_t(2));
    QCOMPARE(server.seen()[0].headers.at("authorization"), QByteArray("Bearer ") + kToken);
    QCOMPARE(server.seen()[1].headers.at("authorization"), QByteArray("Bearer env-token"));
}

void TestFallbackctlTargets::httpsTrustsOnlyTheConfiguredCa()
{
    if (!QSslSocket::supportsSsl())
        QSKIP("Qt has no TLS backend here: the scripted https server cannot run");
    ScriptedServer server(always(200, R"({"namespace":"product","version":4})"),
                          testServerTls("server"));
    const QStringList args = withUrl({QStringLiteral("bump"), QStringLiteral("product"),
                                      QStringLiteral("--token-file"), tokenFile()},
                                     server.url());
    QProcessEnvironment untrusting = env();
    untrusting.remove(QStringLiteral("CURL_CA_BUNDLE"));
    untrusting.remove(QStringLiteral("SSL_CERT_FILE"));
    const Run refused = runFallbackctl(args, untrusting);
    QCOMPARE(refused.exitCode, 3);
    QVERIFY2(refused.err.startsWith("fallbackctl: cannot reach https://127.0.0.1:")
                 && refused.err.contains("certificate"),
             refused.err.constData());
    QVERIFY(server.seen().empty()); // the token never left

    QProcessEnvironment trusting = untrusting;
    trusting.insert(QStringLiteral("CURL_CA_BUNDLE"), QString::fromStdString(tlsFixture("ca.pem")));
    const Run bumped = runFallbackctl(args, trusting);
    QVERIFY2(bumped.exitCode == 0, bumped.err.constData());
    QCOMPARE(bumped.out, QByteArray("bumped product to version 4\n"));
    QCOMPARE(server.seen().size(), std::size_t(1));
}

QTEST_GUILESS_MAIN(TestFallbackctlTargets)
#include "tst_fallbackctltargets.moc"
