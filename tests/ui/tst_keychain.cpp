// CredentialStore against a real Secret Service (STYLE §12: tokens live in
// the OS keychain): the test starts its own D-Bus session bus and
// gnome-keyring-daemon (the keyring QtKeychain's Debian package
// recommends), unlocked with a throw-away password, with every XDG
// directory inside a temporary directory, so no user's keyring is touched.
// A token stored by one CredentialStore is read back by another (it is in
// the keyring, not in memory), its removal is seen, and the secret is
// never written in plain text anywhere under the test's home.
#include "models/credentialstore.h"

#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace fallback;
using namespace fallback::ui;

namespace {

constexpr const char* kSecret = "kc-secret-9c41d7e2-0f";

DeploymentProfile keychainProfile(const std::string& entry)
{
    DeploymentProfile p;
    p.name = "kc-test";
    p.url = "https://edge.example.com";
    p.token = {TokenSource::Kind::Keychain, entry};
    return p;
}

} // namespace

class TestKeychain : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void storedTokenIsReadBackFromTheKeyring();
    void removedTokenAsksTheUser();
    void secretIsNeverWrittenInPlainText();

private:
    CredentialStore::Resolution resolveIn(CredentialStore& store, const std::string& entry);
    bool store(const QString& entry, const QString& secret, QString* problem);

    QTemporaryDir m_home;
    QProcess m_bus;
    QProcess m_keyring;
};

void TestKeychain::initTestCase()
{
    for (const char* program : {"dbus-daemon", "gnome-keyring-daemon"}) {
        QVERIFY2(!QStandardPaths::findExecutable(QLatin1String(program)).isEmpty(),
                 qPrintable(QStringLiteral("%1 is missing: ./dev installs it (packages dbus-daemon, gnome-keyring)")
                                .arg(QLatin1String(program))));
    }
    QVERIFY(m_home.isValid());
    // Everything the daemons and Qt would write goes under the temporary
    // home; this must happen before anything in this process uses D-Bus.
    const QString home = m_home.path();
    const QString runtime = home + QStringLiteral("/run");
    QVERIFY(QDir().mkpath(runtime));
    QFile::setPermissions(runtime, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    const QList<QPair<const char*, QString>> dirs = {
        {"HOME", home},
        {"XDG_RUNTIME_DIR", runtime},
        {"XDG_DATA_HOME", home + QStringLiteral("/data")},
        {"XDG_CONFIG_HOME", home + QStringLiteral("/config")},
        {"XDG_CACHE_HOME", home + QStringLiteral("/cache")},
    };
    for (const auto& [name, value] : dirs)
        qputenv(name, value.toLocal8Bit());

    m_bus.start(QStringLiteral("dbus-daemon"),
                {QStringLiteral("--session"), QStringLiteral("--nofork"), QStringLiteral("--print-address=1")});
    QVERIFY(m_bus.waitForStarted(5000));
    QTRY_VERIFY_WITH_TIMEOUT(m_bus.canReadLine(), 5000);
    const QByteArray address = m_bus.readLine().trimmed();
    QVERIFY2(address.startsWith("unix:"), address.constData());
    qputenv("DBUS_SESSION_BUS_ADDRESS", address);

    // A new login keyring, created and unlocked with the password on stdin.
    m_keyring.setProcessEnvironment(QProcessEnvironment::systemEnvironment());
    m_keyring.start(QStringLiteral("gnome-keyring-daemon"),
                    {QStringLiteral("--foreground"), QStringLiteral("--unlock"),
                     QStringLiteral("--components=secrets")});
    QVERIFY(m_keyring.waitForStarted(5000));
    m_keyring.write("throw-away-test-password");
    m_keyring.closeWriteChannel();
    QDBusConnection bus = QDBusConnection::sessionBus();
    QVERIFY2(bus.isConnected(), qPrintable(bus.lastError().message()));
    QTRY_VERIFY_WITH_TIMEOUT(bus.interface()->isServiceRegistered(QStringLiteral("org.freedesktop.secrets")), 10000);
}

void TestKeychain::cleanupTestCase()
{
    for (QProcess* process : {&m_keyring, &m_bus}) {
        process->terminate();
        if (!process->waitForFinished(3000))
            process->kill();
    }
}

CredentialStore::Resolution TestKeychain::resolveIn(CredentialStore& credentials, const std::string& entry)
{
    bool answered = false;
    CredentialStore::Resolution got;
    credentials.resolve(keychainProfile(entry), this, [&](const CredentialStore::Resolution& r) {
        got = r;
        answered = true;
    });
    if (!QTest::qWaitFor([&] { return answered; }, 15000))
        got.problem = QStringLiteral("no answer from the keychain within 15 s");
    return got;
}

bool TestKeychain::store(const QString& entry, const QString& secret, QString* problem)
{
    CredentialStore credentials;
    bool answered = false, ok = false;
    credentials.storeInKeychain(entry, secret, this, [&](bool stored, const QString& why) {
        ok = stored;
        *problem = why;
        answered = true;
    });
    if (!QTest::qWaitFor([&] { return answered; }, 15000))
        *problem = QStringLiteral("no answer from the keychain within 15 s");
    return ok;
}

void TestKeychain::storedTokenIsReadBackFromTheKeyring()
{
    QString problem;
    QVERIFY2(store(QStringLiteral("kc-entry-read"), QLatin1String(kSecret), &problem), qPrintable(problem));
    // Another store: nothing in memory, so the token comes from the keyring.
    CredentialStore reader;
    const CredentialStore::Resolution got = resolveIn(reader, "kc-entry-read");
    QVERIFY2(got.ok, qPrintable(got.problem));
    QCOMPARE(got.token, std::string(kSecret));
    QVERIFY(!got.askUser);
    // Another entry is another secret.
    const CredentialStore::Resolution other = resolveIn(reader, "kc-entry-never-stored");
    QVERIFY(!other.ok);
    QVERIFY(other.askUser);
    QVERIFY2(other.problem.contains(QStringLiteral("no entry")), qPrintable(other.problem));
}

void TestKeychain::removedTokenAsksTheUser()
{
    QString problem;
    QVERIFY2(store(QStringLiteral("kc-entry-removed"), QStringLiteral("to-be-removed"), &problem), qPrintable(problem));
    CredentialStore credentials;
    QVERIFY(resolveIn(credentials, "kc-entry-removed").ok);
    credentials.removeFromKeychain(QStringLiteral("kc-entry-removed"));
    // Removal is asynchronous and reports nothing: wait until it shows.
    CredentialStore::Resolution got;
    QTRY_VERIFY_WITH_TIMEOUT(!(got = resolveIn(credentials, "kc-entry-removed")).ok, 10000);
    QVERIFY(got.askUser);
    QVERIFY2(got.problem.contains(QStringLiteral("no entry")), qPrintable(got.problem));
    QVERIFY(got.token.empty());
}

void TestKeychain::secretIsNeverWrittenInPlainText()
{
    QString problem;
    QVERIFY2(store(QStringLiteral("kc-entry-plain"), QLatin1String(kSecret), &problem), qPrintable(problem));
    // The keyring file exists (the secret went to the daemon), and no file
    // under the test's home - keyring, QSettings, caches - holds it as text.
    int files = 0;
    bool keyringFile = false;
    QDirIterator it(m_home.path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        ++files;
        keyringFile = keyringFile || path.endsWith(QStringLiteral(".keyring"));
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            continue; // sockets
        QVERIFY2(!file.readAll().contains(kSecret), qPrintable(path + QStringLiteral(" holds the secret")));
    }
    QVERIFY(files > 0);
    QVERIFY(keyringFile);
}

QTEST_GUILESS_MAIN(TestKeychain)
#include "tst_keychain.moc"
