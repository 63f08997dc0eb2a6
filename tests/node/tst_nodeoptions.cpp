// Tests of fallback-node's command line: required options, defaults, the
// extras with units, and usage errors naming the bad argument.
#include "node/nodeoptions.h"

#include <QtTest>

using namespace fallback;
using namespace fallback::node;

namespace {
std::vector<std::string> split(const QString& line)
{
    std::vector<std::string> out;
    for (const QString& part : line.split(QLatin1Char(' '), Qt::SkipEmptyParts))
        out.push_back(part.toStdString());
    return out;
}
} // namespace

class TestNodeOptions : public QObject {
    Q_OBJECT

private slots:
    void defaults();
    void extras();
    void usageErrors_data();
    void usageErrors();
    void help();
};

void TestNodeOptions::defaults()
{
    const auto options = parseNodeArguments(split(QStringLiteral("--policy p.yaml --origin http://o:9")));
    QVERIFY(options.ok());
    QCOMPARE(options->policyPath, std::string("p.yaml"));
    QCOMPARE(options->originUrl, std::string("http://o:9"));
    QCOMPARE(options->listenHost, std::string("127.0.0.1"));
    QCOMPARE(options->listenPort, std::uint16_t(8080));
    QCOMPARE(options->dataDir, std::string("./fallback-node-data"));
    QVERIFY(options->adminTokenFile.empty());
    QCOMPARE(options->edgeCapacity, std::uint64_t(256) << 20);
    QCOMPARE(options->kvCapacity, std::uint64_t(1) << 30);
    QCOMPARE(options->clientCacheCapacity, std::uint64_t(1) << 30);
    QCOMPARE(options->shutdownTimeout, 10 * kMicrosPerSecond);
    QVERIFY(!options->purgeLimit.enabled());
    QVERIFY(!options->help);
}

void TestNodeOptions::extras()
{
    const auto options = parseNodeArguments(split(QStringLiteral(
        "--policy p.yaml --origin https://o --listen 127.0.0.1:0 --admin-token-file t "
        "--data-dir d --edge-capacity 64MiB --kv-capacity=2GiB --client-cache-capacity 10MB "
        "--origin-timeout 1500ms --shutdown-timeout 3s --idle-timeout 5s --purge-limit 60/1m")));
    QVERIFY(options.ok());
    QCOMPARE(options->listenPort, std::uint16_t(0));
    QCOMPARE(options->adminTokenFile, std::string("t"));
    QCOMPARE(options->dataDir, std::string("d"));
    QCOMPARE(options->edgeCapacity, std::uint64_t(64) << 20);
    QCOMPARE(options->kvCapacity, std::uint64_t(2) << 30);
    QCOMPARE(options->clientCacheCapacity, std::uint64_t(10000000));
    QCOMPARE(options->originTimeout, 1500 * kMicrosPerMilli);
    QCOMPARE(options->shutdownTimeout, 3 * kMicrosPerSecond);
    QCOMPARE(options->idleTimeout, 5 * kMicrosPerSecond);
    QCOMPARE(options->purgeLimit.count, 60u);
    QCOMPARE(options->purgeLimit.window, 60 * kMicrosPerSecond);
    QCOMPARE(options->purgeLimit.text(), std::string("60 per 1m"));

    const auto v6 = parseNodeArguments(split(QStringLiteral("--policy p --origin http://o --listen [::1]:9000")));
    QVERIFY(v6.ok());
    QCOMPARE(v6->listenHost, std::string("::1"));
    QCOMPARE(v6->listenPort, std::uint16_t(9000));
}

void TestNodeOptions::usageErrors_data()
{
    QTest::addColumn<QString>("line");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("nothing") << "" << "--policy";
    QTest::newRow("no origin") << "--policy p" << "--origin";
    QTest::newRow("origin scheme") << "--policy p --origin ftp://o" << "http://";
    QTest::newRow("missing value") << "--policy p --origin http://o --listen" << "--listen";
    QTest::newRow("bad listen") << "--policy p --origin http://o --listen 8080" << "HOST:PORT";
    QTest::newRow("bad port") << "--policy p --origin http://o --listen 127.0.0.1:70000" << "HOST:PORT";
    QTest::newRow("bad size") << "--policy p --origin http://o --edge-capacity lots" << "--edge-capacity";
    QTest::newRow("bad duration") << "--policy p --origin http://o --shutdown-timeout soon" << "--shutdown-timeout";
    QTest::newRow("unknown option") << "--policy p --origin http://o --verbose x" << "--verbose";
    QTest::newRow("stray argument") << "--policy p --origin http://o extra" << "extra";
    QTest::newRow("purge limit without window") << "--policy p --origin http://o --purge-limit 60" << "N/WINDOW";
    QTest::newRow("purge limit of 0") << "--policy p --origin http://o --purge-limit 0/1m" << "N/WINDOW";
    QTest::newRow("purge limit negative") << "--policy p --origin http://o --purge-limit -5/1m" << "N/WINDOW";
    QTest::newRow("purge limit window 0") << "--policy p --origin http://o --purge-limit 5/0s" << "N/WINDOW";
    QTest::newRow("purge limit window 500ms") << "--policy p --origin http://o --purge-limit 5/500ms" << "N/WINDOW";
    QTest::newRow("purge limit window 2d") << "--policy p --origin http://o --purge-limit 5/2d" << "N/WINDOW";
    QTest::newRow("purge limit huge") << "--policy p --origin http://o --purge-limit 5000000/1h" << "N/WINDOW";
}

void TestNodeOptions::usageErrors()
{
    QFETCH(QString, line);
    QFETCH(QString, mentions);
    const auto options = parseNodeArguments(split(line));
    QVERIFY(!options.ok());
    QCOMPARE(options.error().code, std::string("usage"));
    QVERIFY2(QString::fromStdString(options.error().message).contains(mentions),
             options.error().message.c_str());
}

void TestNodeOptions::help()
{
    const auto options = parseNodeArguments(split(QStringLiteral("--help")));
    QVERIFY(options.ok());
    QVERIFY(options->help);
    QVERIFY(QString::fromStdString(nodeUsage()).contains(QStringLiteral("--admin-token-file")));
}

QTEST_APPLESS_MAIN(TestNodeOptions)
#include "tst_nodeoptions.moc"
