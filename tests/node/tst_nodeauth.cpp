// Tests of the admin token helpers: the whole-token comparison, the Bearer
// header parser, generated tokens, token files (created 0600, reused, bad
// files refused without echoing their content).
#include "node/auth.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>

using namespace fallback::node;

class TestNodeAuth : public QObject {
    Q_OBJECT

private slots:
    void tokenMatches_data();
    void tokenMatches();
    void bearerToken_data();
    void bearerToken();
    void generatedTokensAreRandomHex();
    void tokenFileCreatedPrivateAndReused();
    void badTokenFiles_data();
    void badTokenFiles();
};

void TestNodeAuth::tokenMatches_data()
{
    QTest::addColumn<QString>("expected");
    QTest::addColumn<QString>("presented");
    QTest::addColumn<bool>("matches");
    QTest::newRow("equal") << "s3cret-token" << "s3cret-token" << true;
    QTest::newRow("last byte differs") << "s3cret-token" << "s3cret-tokeN" << false;
    QTest::newRow("first byte differs") << "s3cret-token" << "S3cret-token" << false;
    QTest::newRow("prefix") << "s3cret-token" << "s3cret" << false;
    QTest::newRow("longer") << "s3cret-token" << "s3cret-token-and-more" << false;
    QTest::newRow("empty presented") << "s3cret-token" << "" << false;
    QTest::newRow("empty expected matches nothing") << "" << "" << false;
}

void TestNodeAuth::tokenMatches()
{
    QFETCH(QString, expected);
    QFETCH(QString, presented);
    QFETCH(bool, matches);
    QCOMPARE(fallback::node::tokenMatches(expected.toStdString(), presented.toStdString()), matches);
}

void TestNodeAuth::bearerToken_data()
{
    QTest::addColumn<bool>("present");
    QTest::addColumn<QString>("header");
    QTest::addColumn<QString>("token");
    QTest::newRow("absent") << false << "" << "";
    QTest::newRow("bearer") << true << "Bearer abc" << "abc";
    QTest::newRow("case-insensitive scheme") << true << "bEaReR abc" << "abc";
    QTest::newRow("extra spaces") << true << "Bearer   abc  " << "abc";
    QTest::newRow("basic") << true << "Basic abc" << "";
    QTest::newRow("scheme only") << true << "Bearer" << "";
    QTest::newRow("no space") << true << "Bearerabc" << "";
}

void TestNodeAuth::bearerToken()
{
    QFETCH(bool, present);
    QFETCH(QString, header);
    QFETCH(QString, token);
    const std::string value = header.toStdString();
    const std::string_view got = fallback::node::bearerToken(present ? &value : nullptr);
    QCOMPARE(QString::fromStdString(std::string(got)), token);
}

void TestNodeAuth::generatedTokensAreRandomHex()
{
    const auto a = generateToken();
    const auto b = generateToken();
    QVERIFY(a.ok() && b.ok());
    QCOMPARE(a->size(), std::size_t(64));
    QVERIFY(*a != *b);
    for (char c : *a)
        QVERIFY((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
}

void TestNodeAuth::tokenFileCreatedPrivateAndReused()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath(QStringLiteral("admin.token")).toStdString();
    bool created = false;
    const auto first = loadOrCreateTokenFile(path, &created);
    QVERIFY(first.ok());
    QVERIFY(created);
    struct stat info {};
    QCOMPARE(::stat(path.c_str(), &info), 0);
    QCOMPARE(int(info.st_mode & 0777), 0600);

    const auto second = loadOrCreateTokenFile(path, &created);
    QVERIFY(second.ok());
    QVERIFY(!created);
    QCOMPARE(*second, *first);
    QCOMPARE(*readTokenFile(path), *first);
}

void TestNodeAuth::badTokenFiles_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QString>("token");
    QTest::newRow("token and newline") << QByteArray("abc\n") << true << "abc";
    QTest::newRow("surrounding space") << QByteArray("  abc  \r\n") << true << "abc";
    QTest::newRow("only the first line") << QByteArray("abc\nsecond\n") << true << "abc";
    QTest::newRow("empty") << QByteArray("") << false << "";
    QTest::newRow("blank") << QByteArray(" \n") << false << "";
    QTest::newRow("inner space") << QByteArray("a b\n") << false << "";
    QTest::newRow("control") << QByteArray("a\x01" "b\n") << false << "";
    QTest::newRow("too big") << QByteArray(5000, 'a') << false << "";
}

void TestNodeAuth::badTokenFiles()
{
    QFETCH(QByteArray, content);
    QFETCH(bool, ok);
    QFETCH(QString, token);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("token"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(content);
    file.close();
    const auto read = readTokenFile(path.toStdString());
    QCOMPARE(read.ok(), ok);
    if (ok) {
        QCOMPARE(QString::fromStdString(*read), token);
    } else {
        // The message names the file, never its content.
        QVERIFY(read.error().message.find(path.toStdString()) != std::string::npos);
        if (content.size() > 2)
            QVERIFY(read.error().message.find(content.left(3).toStdString()) == std::string::npos);
    }
    QVERIFY(!readTokenFile(dir.filePath(QStringLiteral("missing")).toStdString()).ok());
}

QTEST_APPLESS_MAIN(TestNodeAuth)
#include "tst_nodeauth.moc"
