// HttpOrigin reads the Cache-Control of an origin's answers (SPEC §8) for
// its observer: every header line of a GET answered 200, joined, with the
// directives that bind a shared cache; nothing for answers that bind nothing,
// for a 404, or for a write. A real fallback-testorigin sends the headers
// (POST /control/headers).
#include "httporiginrig.h"

#include <QtTest>

using namespace fallback;
using namespace fallback::node;
using namespace origintest;

namespace {

struct Observed {
    NamespaceId ns = 0;
    CacheDirectives directives = 0;
    std::string header;
};

QString names(CacheDirectives directives)
{
    QStringList list;
    for (std::string_view name : cacheDirectiveNames(directives))
        list << QString::fromLatin1(name.data(), qsizetype(name.size()));
    return list.join(QLatin1Char(','));
}

} // namespace

class TestHttpOriginHeaders : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void cacheControlReachesTheObserver_data();
    void cacheControlReachesTheObserver();
    void onlyReadsAnswered200AreObserved();

private:
    OriginProcess m_origin;
    int m_nextId = 0;
};

void TestHttpOriginHeaders::initTestCase()
{
    QVERIFY(m_origin.start({QStringLiteral("--items"), QStringLiteral("1000")}));
}

void TestHttpOriginHeaders::cleanupTestCase()
{
    m_origin.kill();
}

void TestHttpOriginHeaders::cacheControlReachesTheObserver_data()
{
    QTest::addColumn<QByteArray>("headers"); ///< for /control/headers
    QTest::addColumn<QString>("directives"); ///< "" when the observer is not called
    QTest::addColumn<QByteArray>("joined");
    QTest::newRow("s-maxage") << QByteArray(R"({"Cache-Control":"s-maxage=60"})")
                              << QStringLiteral("s-maxage") << QByteArray("s-maxage=60");
    QTest::newRow("two lines, joined")
        << QByteArray(
               R"({"Cache-Control":["max-age=60","s-maxage=60, stale-while-revalidate=30"]})")
        << QStringLiteral("s-maxage")
        << QByteArray("max-age=60, s-maxage=60, stale-while-revalidate=30");
    QTest::newRow("name in lower case")
        << QByteArray(R"({"cache-control":"private, no-store"})")
        << QStringLiteral("no-store,private") << QByteArray("private, no-store");
    QTest::newRow("nothing binding")
        << QByteArray(R"({"Cache-Control":"public, max-age=60, stale-if-error=600"})") << QString()
        << QByteArray();
    QTest::newRow("no Cache-Control")
        << QByteArray(R"({"Expires":"0"})") << QString() << QByteArray();
}

void TestHttpOriginHeaders::cacheControlReachesTheObserver()
{
    QFETCH(QByteArray, headers);
    QFETCH(QString, directives);
    QFETCH(QByteArray, joined);
    QVERIFY(control(m_origin, "/control/headers", headers.constData()).find("\"headers\"") !=
            std::string::npos);
    std::vector<Observed> observed;
    Rig rig(this, m_origin.url(), {},
            [&observed](NamespaceId ns, CacheDirectives d, const std::string& h) {
                observed.push_back({ns, d, h});
            });
    // A new id each row: the edge cache would answer a repeated one.
    const std::optional<ReadResult> read = rig.read("item-" + std::to_string(m_nextId++));
    QVERIFY(read && read->status == 200);
    // Told before the read's answer: nothing to wait for.
    if (directives.isEmpty()) {
        QCOMPARE(observed.size(), std::size_t(0));
        return;
    }
    QCOMPARE(observed.size(), std::size_t(1));
    QCOMPARE(observed[0].ns, rig.keys.namespaceId("product"));
    QCOMPARE(names(observed[0].directives), directives);
    QCOMPARE(QByteArray::fromStdString(observed[0].header), joined);
}

void TestHttpOriginHeaders::onlyReadsAnswered200AreObserved()
{
    QVERIFY(control(m_origin, "/control/headers", R"({"Cache-Control":"no-store"})")
                .find("\"headers\"") != std::string::npos);
    int calls = 0;
    Rig rig(this, m_origin.url(), {},
            [&calls](NamespaceId, CacheDirectives, const std::string&) { ++calls; });
    const std::optional<ReadResult> missing = rig.read("unknown-id");
    QVERIFY(missing);
    QCOMPARE(missing->status, 404);
    const std::optional<WriteResult> written = rig.write("written", "body");
    QVERIFY(written && written->ok);
    QCOMPARE(calls, 0);
    const std::optional<ReadResult> found = rig.read("item-999");
    QVERIFY(found);
    QCOMPARE(found->status, 200);
    QCOMPARE(calls, 1);
    QVERIFY(control(m_origin, "/control/headers", "{}").find("\"headers\":0") != std::string::npos);
}

QTEST_MAIN(TestHttpOriginHeaders)
#include "tst_httporiginheaders.moc"
