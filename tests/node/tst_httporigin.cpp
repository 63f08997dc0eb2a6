// Tests of HttpOrigin against a real origin process (fallback-testorigin on
// 127.0.0.1, port 0), through a real Engine on the test's thread: seeded
// reads and back-fill, 404, PUT / DELETE round trips with ids that need
// escaping, an injected 5xx, a dead origin (503), a body over the limit, a
// slow origin over the timeout, a handshake that never completes (the
// connect timeout), many concurrent transfers, stop() with a
// transfer in flight, and an https origin verified against the CA bundle of
// $CURL_CA_BUNDLE (a scripted TLS server inside the test).
#include "httporiginrig.h"
#include "../live/scriptedhttpserver.h"

#include <QElapsedTimer>
#include <QtTest>

using namespace fallback;
using namespace fallback::node;

using namespace origintest;

class TestHttpOrigin : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void itemUrlEscapes_data();
    void itemUrlEscapes();
    void readsSeededItemThenServesFromEdge();
    void unknownItemIs404();
    void putThenGetFromOrigin_data();
    void putThenGetFromOrigin();
    void deleteThenGetIs404();
    void injectedServerErrorIsError();
    void deadOriginIs503();
    void bodyOverLimitIsError();
    void slowOriginTimesOut();
    void stalledConnectTimesOut();
    void manyConcurrentReads();
    void stopDropsTransfersInFlight();
    void httpsOriginIsVerified();

private:
    OriginProcess m_origin;
};

void TestHttpOrigin::initTestCase()
{
    QVERIFY(m_origin.start({QStringLiteral("--items"), QStringLiteral("1000"), QStringLiteral("--size"),
                            QStringLiteral("64")}));
}

void TestHttpOrigin::cleanupTestCase() { m_origin.kill(); }

void TestHttpOrigin::itemUrlEscapes_data()
{
    QTest::addColumn<QByteArray>("id");
    QTest::addColumn<QByteArray>("path");
    QTest::newRow("plain") << QByteArray("sku-1_a.b~c") << QByteArray("sku-1_a.b~c");
    QTest::newRow("colon and slash") << QByteArray("user:42/profile")
                                     << QByteArray("user%3A42%2Fprofile");
    QTest::newRow("dot dot") << QByteArray("../admin") << QByteArray("..%2Fadmin");
    QTest::newRow("query and space") << QByteArray("a b?c=d#e") << QByteArray("a%20b%3Fc%3Dd%23e");
    QTest::newRow("utf-8") << QByteArray("é") << QByteArray("%C3%A9");
}

void TestHttpOrigin::itemUrlEscapes()
{
    QFETCH(QByteArray, id);
    QFETCH(QByteArray, path);
    KeySpace keys;
    HttpOrigin origin(keys, OriginOptions{"http://origin.example/", 1, 1, 1, 1},
                      [](std::function<void()>) {});
    const StoredKey key{3, keys.intern(id.toStdString()), keys.namespaceId("product")};
    QCOMPARE(QByteArray::fromStdString(origin.itemUrl(key)),
             "http://origin.example/api/items/product/" + path);
}

void TestHttpOrigin::readsSeededItemThenServesFromEdge()
{
    Rig rig(this, m_origin.url());
    const auto first = rig.read("item-3");
    QVERIFY(first);
    QCOMPARE(first->status, 200);
    QCOMPARE(first->servedBy, ServedBy::Origin);
    QCOMPARE(first->entry.size, 64u);
    QVERIFY(bodyOf(*first).starts_with("product/item-3\n"));
    QCOMPARE(bodyOf(*first).size(), std::size_t(64));
    QVERIFY(first->latency > 0);
    QCOMPARE(rig.origin->inFlight(), std::size_t(0));

    const auto second = rig.read("item-3");
    QVERIFY(second);
    QCOMPARE(second->servedBy, ServedBy::EdgeCache);
    QCOMPARE(bodyOf(*second), bodyOf(*first));

    const EngineStats stats = rig.engine->snapshot();
    QCOMPARE(stats.tiers[tierIndex(TierId::Origin)].lookups, std::uint64_t(1));
}

void TestHttpOrigin::unknownItemIs404()
{
    Rig rig(this, m_origin.url());
    const auto result = rig.read("no-such-item");
    QVERIFY(result);
    QCOMPARE(result->status, 404);
    QCOMPARE(result->servedBy, ServedBy::Origin);
}

void TestHttpOrigin::putThenGetFromOrigin_data()
{
    QTest::addColumn<QByteArray>("id");
    QTest::addColumn<int>("size");
    QTest::newRow("plain") << QByteArray("written-1") << 11;
    QTest::newRow("colon, slash, dots") << QByteArray("w:1/../x y") << 100;
    QTest::newRow("empty body") << QByteArray("empty") << 0;
    QTest::newRow("256 KiB") << QByteArray("large") << 256 * 1024;
}

void TestHttpOrigin::putThenGetFromOrigin()
{
    QFETCH(QByteArray, id);
    QFETCH(int, size);
    Rig rig(this, m_origin.url());
    std::string body(std::size_t(size), '\0');
    for (std::size_t i = 0; i < body.size(); ++i)
        body[i] = static_cast<char>(i * 7 % 251); // binary, with zero bytes
    const auto written = rig.write(id.toStdString(), body);
    QVERIFY(written);
    QVERIFY2(written->ok, written->error.message.c_str());

    rig.purgeEdge(id.toStdString()); // make the read go to the origin
    const auto read = rig.read(id.toStdString());
    QVERIFY(read);
    QCOMPARE(read->status, 200);
    QCOMPARE(read->servedBy, ServedBy::Origin);
    QVERIFY(bodyOf(*read) == body);
    QCOMPARE(read->entry.size, std::uint32_t(size));
}

void TestHttpOrigin::deleteThenGetIs404()
{
    Rig rig(this, m_origin.url());
    QVERIFY(rig.write("to-delete", "x")->ok);
    const auto removed = rig.remove("to-delete");
    QVERIFY(removed);
    QVERIFY(removed->ok);
    const auto again = rig.remove("to-delete"); // 404 at the origin is fine for a delete
    QVERIFY(again);
    QVERIFY(again->ok);
    const auto read = rig.read("to-delete");
    QVERIFY(read);
    QCOMPARE(read->status, 404);
}

void TestHttpOrigin::injectedServerErrorIsError()
{
    OriginProcess origin;
    QVERIFY(origin.start({QStringLiteral("--items"), QStringLiteral("10")}));
    Rig rig(this, origin.url());
    QCOMPARE(control(origin, "/control/fail", R"({"status":500})"), std::string(R"({"failing":500})"));
    const auto failed = rig.read("item-1");
    QVERIFY(failed);
    QCOMPARE(failed->status, 503);
    QCOMPARE(failed->servedBy, ServedBy::Failed);
    const auto refused = rig.write("item-2", "new");
    QVERIFY(refused);
    QVERIFY(!refused->ok);

    control(origin, "/control/recover", "");
    const auto recovered = rig.read("item-1");
    QVERIFY(recovered);
    QCOMPARE(recovered->status, 200);
    QCOMPARE(control(origin, "/control/stats"),
             std::string(R"({"deletes":0,"gets":2,"puts":1,"requests":3})"));
}

void TestHttpOrigin::deadOriginIs503()
{
    OriginProcess origin;
    QVERIFY(origin.start({QStringLiteral("--items"), QStringLiteral("10")}));
    Rig rig(this, origin.url());
    QCOMPARE(rig.read("item-1")->status, 200);
    origin.kill();

    QElapsedTimer timer;
    timer.start();
    const auto result = rig.read("item-2");
    QVERIFY(result);
    QCOMPARE(result->status, 503);
    QCOMPARE(result->servedBy, ServedBy::Failed);
    QVERIFY(timer.elapsed() < 2000); // refused at once, no waiting for a timeout
    QCOMPARE(rig.read("item-1")->servedBy, ServedBy::EdgeCache); // what was cached still serves
}

void TestHttpOrigin::bodyOverLimitIsError()
{
    OriginOptions options;
    options.maxBodyBytes = 1000;
    Rig rig(this, m_origin.url(), options);
    QVERIFY(rig.write("big-one", std::string(5000, 'b'))->ok); // PUT bodies are not limited
    rig.purgeEdge("big-one");
    const auto big = rig.read("big-one");
    QVERIFY(big);
    QCOMPARE(big->status, 503);
    QCOMPARE(big->servedBy, ServedBy::Failed);

    QVERIFY(rig.write("just-fits", std::string(1000, 'f'))->ok);
    rig.purgeEdge("just-fits");
    QCOMPARE(rig.read("just-fits")->status, 200);
}

void TestHttpOrigin::slowOriginTimesOut()
{
    OriginProcess origin;
    QVERIFY(origin.start({QStringLiteral("--items"), QStringLiteral("10"), QStringLiteral("--delay-ms"),
                          QStringLiteral("3000")}));
    OriginOptions options;
    options.timeout = 300 * kMicrosPerMilli;
    Rig rig(this, origin.url(), options);
    QElapsedTimer timer;
    timer.start();
    const auto result = rig.read("item-1");
    QVERIFY(result);
    QCOMPARE(result->status, 503);
    QVERIFY2(timer.elapsed() >= 250 && timer.elapsed() < 2000,
             qPrintable(QString::number(timer.elapsed())));
    const EngineStats stats = rig.engine->snapshot();
    QCOMPARE(stats.tiers[tierIndex(TierId::Origin)].errors, std::uint64_t(1));
}

void TestHttpOrigin::stalledConnectTimesOut()
{
    // An origin whose handshake never completes: the read fails at the
    // connect timeout (300 ms), not at the whole transfer's (10 s).
    StalledListener stalled;
    OriginOptions options;
    options.connectTimeout = 300 * kMicrosPerMilli;
    options.timeout = 10 * kMicrosPerSecond;
    Rig rig(this, stalled.url(), options);
    QElapsedTimer timer;
    timer.start();
    const auto result = rig.read("item-1");
    QVERIFY(result);
    QCOMPARE(result->status, 503);
    QVERIFY2(timer.elapsed() >= 250 && timer.elapsed() < 3000, qPrintable(QString::number(timer.elapsed())));
}

void TestHttpOrigin::manyConcurrentReads()
{
    OriginProcess origin;
    QVERIFY(origin.start({QStringLiteral("--items"), QStringLiteral("1000"), QStringLiteral("--size"),
                          QStringLiteral("300")}));
    OriginOptions options;
    options.maxConnections = 8; // more transfers than connections: they queue in curl
    Rig rig(this, origin.url(), options);
    constexpr int kReads = 300;
    auto answered = std::make_shared<int>(0);
    auto good = std::make_shared<int>(0);
    for (int i = 0; i < kReads; ++i) {
        // Every key twice: the second read joins the first's fetch.
        const std::string id = "item-" + std::to_string(i / 2);
        QVERIFY(rig.engine->read("product", id, [answered, good, id](const ReadResult& result) {
            ++*answered;
            if (result.status == 200 && result.entry.body &&
                result.entry.body->starts_with("product/" + id + "\n"))
                ++*good;
        }));
    }
    QCOMPARE(rig.origin->inFlight(), std::size_t(kReads / 2));
    QTRY_COMPARE_WITH_TIMEOUT(*answered, kReads, 10000);
    QCOMPARE(*good, kReads);
    QCOMPARE(rig.origin->inFlight(), std::size_t(0));
    QCOMPARE(control(origin, "/control/stats"),
             std::string(R"({"deletes":0,"gets":150,"puts":0,"requests":150})"));
}

void TestHttpOrigin::stopDropsTransfersInFlight()
{
    OriginProcess origin;
    QVERIFY(origin.start({QStringLiteral("--items"), QStringLiteral("10"), QStringLiteral("--delay-ms"),
                          QStringLiteral("5000")}));
    auto rig = std::make_unique<Rig>(this, origin.url());
    auto answered = std::make_shared<bool>(false);
    QVERIFY(rig->engine->read("product", "item-1", [answered](const ReadResult&) { *answered = true; }));
    QCOMPARE(rig->origin->inFlight(), std::size_t(1));

    QElapsedTimer timer;
    timer.start();
    rig->origin->stop();
    QVERIFY(timer.elapsed() < 2000); // cancels, does not wait for the origin
    QCOMPARE(rig->origin->inFlight(), std::size_t(0));
    rig->origin->stop(); // idempotent
    QCoreApplication::processEvents();
    QVERIFY(!*answered);
    rig.reset(); // the engine goes with a read still pending: no callback, no crash
    QCoreApplication::processEvents();
    QVERIFY(!*answered);
}

void TestHttpOrigin::httpsOriginIsVerified()
{
    if (!QSslSocket::supportsSsl())
        QSKIP("Qt has no TLS backend here: the scripted https origin cannot run");
    ScriptedServer origin(
        [](const Seen&, int) {
            return ScriptedServer::answer(200, "over tls", "Cache-Control: no-store\r\n");
        },
        testServerTls("server"));
    ScopedEnv openssl("SSL_CERT_FILE", QByteArray());
    {
        // The system store does not know the test CA: the fetch fails, so
        // with nothing else cached the read is a 503.
        ScopedEnv curl("CURL_CA_BUNDLE", QByteArray());
        Rig rig(this, origin.url());
        QCOMPARE(rig.read("tls-1")->status, 503);
        QVERIFY(origin.seen().empty());
    }
    {
        ScopedEnv curl("CURL_CA_BUNDLE", QByteArray::fromStdString(tlsFixture("ca.pem")));
        Rig rig(this, origin.url());
        const auto result = rig.read("tls-1");
        QCOMPARE(result->status, 200);
        QCOMPARE(result->servedBy, ServedBy::Origin);
        QCOMPARE(bodyOf(*result), std::string("over tls"));
        QCOMPARE(origin.seen().size(), std::size_t(1));
        QCOMPARE(origin.seen()[0].path, QByteArray("/api/items/product/tls-1"));
    }
}

QTEST_MAIN(TestHttpOrigin)
#include "tst_httporigin.moc"
