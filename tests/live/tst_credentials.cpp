// Tests of resolveToken(): env:, file: and keychain: sources, the errors
// they give (naming the variable or file, never the value), and the warning
// about token files other users can read.
#include "live/credentials.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cstdlib>

using namespace fallback;
using namespace fallback::live;

namespace {

constexpr const char* kSecret = "s3cr3t-value-91aa";

QString q(const std::string& text) { return QString::fromStdString(text); }

std::string writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& text,
                      QFileDevice::Permissions permissions = QFileDevice::ReadOwner | QFileDevice::WriteOwner)
{
    const QString path = dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        qFatal("cannot write fixture");
    file.write(text);
    file.close();
    file.setPermissions(permissions);
    return path.toStdString();
}

} // namespace

class TestCredentials : public QObject {
    Q_OBJECT

private slots:
    void fromEnvironment();
    void environmentErrors_data();
    void environmentErrors();
    void fromFile_data();
    void fromFile();
    void fileErrors_data();
    void fileErrors();
    void warnsAboutReadableFile();
    void warnsForGroupOrOthers_data();
    void warnsForGroupOrOthers();
    void expandsHome();
    void keychainAndNone();
    void describesSources();
};

void TestCredentials::fromEnvironment()
{
    qputenv("FALLBACK_TEST_TOKEN", QByteArray("  ") + kSecret + "\n");
    const Result<std::string> token = resolveToken({TokenSource::Kind::Env, "FALLBACK_TEST_TOKEN"});
    QVERIFY(token.ok());
    QCOMPARE(q(*token), QString::fromLatin1(kSecret));
}

void TestCredentials::environmentErrors_data()
{
    QTest::addColumn<bool>("set");
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QString>("message");
    QTest::newRow("unset") << false << QByteArray() << QStringLiteral("the token variable FALLBACK_TEST_TOKEN2 is not set");
    QTest::newRow("empty") << true << QByteArray("  ") << QStringLiteral("the token variable FALLBACK_TEST_TOKEN2 is empty");
    QTest::newRow("control") << true << QByteArray(kSecret) + "\nX-Evil: 1"
                             << QStringLiteral("the token variable FALLBACK_TEST_TOKEN2 holds control characters");
}

void TestCredentials::environmentErrors()
{
    QFETCH(bool, set);
    QFETCH(QByteArray, value);
    QFETCH(QString, message);
    if (set)
        qputenv("FALLBACK_TEST_TOKEN2", value);
    else
        qunsetenv("FALLBACK_TEST_TOKEN2");
    const Result<std::string> token = resolveToken({TokenSource::Kind::Env, "FALLBACK_TEST_TOKEN2"});
    QVERIFY(!token.ok());
    QCOMPARE(q(token.error().code), QStringLiteral("token_env"));
    QCOMPARE(q(token.error().message), message);
    QVERIFY(!q(token.error().message).contains(QString::fromLatin1(kSecret)));
}

void TestCredentials::fromFile_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::newRow("bare") << QByteArray(kSecret);
    QTest::newRow("newline") << QByteArray(kSecret) + "\n";
    QTest::newRow("crlf and more lines") << QByteArray(kSecret) + "\r\n# comment\nother\n";
    QTest::newRow("surrounding blanks") << "  \t" + QByteArray(kSecret) + "  \n";
}

void TestCredentials::fromFile()
{
    QFETCH(QByteArray, content);
    QTemporaryDir dir;
    const std::string path = writeFile(dir, QStringLiteral("token"), content);
    std::string warning = "stale";
    const Result<std::string> token = resolveToken({TokenSource::Kind::File, path}, &warning);
    QVERIFY2(token.ok(), token.ok() ? "" : token.error().message.c_str());
    QCOMPARE(q(*token), QString::fromLatin1(kSecret));
    QCOMPARE(q(warning), QString()); // mode 0600
    QVERIFY(readTokenFile(path).ok());
}

void TestCredentials::fileErrors_data()
{
    QTest::addColumn<QByteArray>("content"); // "<missing>" / "<dir>" for no file
    QTest::addColumn<QString>("message");
    QTest::newRow("missing") << QByteArray("<missing>") << QStringLiteral("cannot read the token file %1: No such file or directory");
    QTest::newRow("directory") << QByteArray("<dir>") << QStringLiteral("cannot read the token file %1: it is a directory");
    QTest::newRow("empty") << QByteArray() << QStringLiteral("the token file %1 is empty (the token goes on its first line)");
    QTest::newRow("blank first line") << QByteArray("\n") + kSecret
                                      << QStringLiteral("the token file %1 is empty (the token goes on its first line)");
    QTest::newRow("control") << QByteArray("abc\x01") + kSecret
                             << QStringLiteral("the token in %1 holds control characters");
    QTest::newRow("huge") << QByteArray(70000, 'a')
                          << QStringLiteral("the token file %1 does not look like a token file (its first line is over 64 KiB)");
}

void TestCredentials::fileErrors()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, message);
    QTemporaryDir dir;
    std::string path;
    if (content == "<missing>")
        path = dir.filePath(QStringLiteral("absent")).toStdString();
    else if (content == "<dir>")
        path = dir.path().toStdString();
    else
        path = writeFile(dir, QStringLiteral("token"), content);
    const Result<std::string> token = resolveToken({TokenSource::Kind::File, path});
    QVERIFY(!token.ok());
    QCOMPARE(q(token.error().code), QStringLiteral("token_file"));
    QCOMPARE(q(token.error().message), message.arg(q(path)));
    QVERIFY(!q(token.error().message).contains(QString::fromLatin1(kSecret)));
}

void TestCredentials::warnsAboutReadableFile()
{
    QTemporaryDir dir;
    const std::string path = writeFile(dir, QStringLiteral("token"), kSecret,
                                       QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup
                                           | QFileDevice::ReadOther);
    std::string warning;
    const Result<std::string> token = resolveToken({TokenSource::Kind::File, path}, &warning);
    QVERIFY(token.ok()); // still works
    QCOMPARE(q(warning), QStringLiteral("the token file %1 can be read by other users (mode 0644): chmod 600 it").arg(q(path)));
}

void TestCredentials::warnsForGroupOrOthers_data()
{
    QTest::addColumn<int>("permissions"); // QFileDevice::Permissions
    QTest::addColumn<QString>("mode");    // in the warning; empty for none
    const auto owner = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
    QTest::newRow("owner only") << int(owner) << QString();
    QTest::newRow("group") << int(owner | QFileDevice::ReadGroup) << QStringLiteral("0640");
    QTest::newRow("others") << int(owner | QFileDevice::ReadOther) << QStringLiteral("0604");
}

void TestCredentials::warnsForGroupOrOthers()
{
    QFETCH(int, permissions);
    QFETCH(QString, mode);
    QTemporaryDir dir;
    const std::string path = writeFile(dir, QStringLiteral("token"), kSecret, QFileDevice::Permissions(permissions));
    std::string warning = "stale";
    const Result<std::string> token = resolveToken({TokenSource::Kind::File, path}, &warning);
    QVERIFY(token.ok());
    if (mode.isEmpty())
        QCOMPARE(q(warning), QString());
    else
        QCOMPARE(q(warning),
                 QStringLiteral("the token file %1 can be read by other users (mode %2): chmod 600 it").arg(q(path), mode));
}

void TestCredentials::expandsHome()
{
    QTemporaryDir dir;
    writeFile(dir, QStringLiteral("token"), kSecret);
    const QByteArray home = qgetenv("HOME");
    qputenv("HOME", dir.path().toUtf8());
    const Result<std::string> token = resolveToken({TokenSource::Kind::File, "~/token"});
    qputenv("HOME", home);
    QVERIFY(token.ok());
    QCOMPARE(q(*token), QString::fromLatin1(kSecret));
}

void TestCredentials::keychainAndNone()
{
    const Result<std::string> keychain = resolveToken({TokenSource::Kind::Keychain, "fallback/prod"});
    QVERIFY(!keychain.ok());
    QCOMPARE(q(keychain.error().code), QStringLiteral("keychain"));
    QVERIFY(q(keychain.error().message).contains(QStringLiteral("keychain:fallback/prod")));
    QVERIFY(q(keychain.error().message).contains(QStringLiteral("fallback-console")));

    const Result<std::string> none = resolveToken({});
    QVERIFY(!none.ok());
    QCOMPARE(q(none.error().code), QStringLiteral("no_token"));
}

void TestCredentials::describesSources()
{
    QCOMPARE(q(describeTokenSource({TokenSource::Kind::Env, "X"})), QStringLiteral("env:X"));
    QCOMPARE(q(describeTokenSource({TokenSource::Kind::File, "/a b"})), QStringLiteral("file:/a b"));
    QCOMPARE(q(describeTokenSource({TokenSource::Kind::Keychain, "k"})), QStringLiteral("keychain:k"));
    QCOMPARE(q(describeTokenSource({})), QString());
}

QTEST_APPLESS_MAIN(TestCredentials)
#include "tst_credentials.moc"
