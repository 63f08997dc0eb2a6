// Integration tests of fallback-node's data plane (SPEC §6), with the node
// and fallback-testorigin as real processes on 127.0.0.1: read-path headers,
// back-fill (origin → KV → edge), revalidated / stale-while-revalidate /
// stale-if-error, the exact 503, writes and deletes under the token, 413
// refused before the body is read, bad encodings, path traversal, 404s.
#include "nodeharness.h"

#include <QDirIterator>
#include <QTemporaryDir>
#include <QtTest>

using namespace nodetest;

class TestNodeDataPlane : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void init();

    void readHeadersAndBackfill();
    void kvBackfillsEdgeAfterEdgePurge();
    void revalidatedPastTtl();
    void staleWhileRevalidate();
    void staleIfErrorWhenOriginFails();
    void unavailableWhenNothingAnswers();
    void writeAndDelete();
    void writeNeedsToken();
    void tooLargeRefusedBeforeBody();
    void notFound_data();
    void notFound();
    void badRequests_data();
    void badRequests();
    void idsWithSlashesAndTraversal();
    void limitsOnTargetAndHeaders();
    void keepAliveAndPipelining();
    void slowClientsDoNotHoldTheThread();

private:
    QTemporaryDir m_dir;
    Origin m_origin;
    Node m_node;
};

void TestNodeDataPlane::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY(m_origin.start(50, 256));
    QVERIFY(m_node.start(fixture("node.policy.yaml"), m_origin.url(), m_dir.filePath(QStringLiteral("data"))));
}

void TestNodeDataPlane::cleanupTestCase()
{
    QCOMPARE(m_node.terminate(), 0);
    const QByteArray log = m_node.process().errorOutput();
    QVERIFY2(!log.contains(m_node.token()), "the token must never be logged");
}

void TestNodeDataPlane::init()
{
    QVERIFY(m_origin.recover());
}

void TestNodeDataPlane::readHeadersAndBackfill()
{
    const int before = m_origin.gets();
    const Reply first = m_node.item(QStringLiteral("product"), QStringLiteral("item-1"));
    QCOMPARE(first.status, 200);
    QVERIFY(first.body.startsWith("product/item-1\n"));
    QCOMPARE(first.body.size(), 256);
    QCOMPARE(first.header("x-fallback-tier"), QByteArray("origin"));
    QCOMPARE(first.header("x-fallback-freshness"), QByteArray("fresh"));
    QCOMPARE(first.header("age"), QByteArray("0"));
    QCOMPARE(first.header("cache-control"), QByteArray("max-age=300, stale-while-revalidate=60"));

    const Reply second = m_node.item(QStringLiteral("product"), QStringLiteral("item-1"));
    QCOMPARE(second.status, 200);
    QCOMPARE(second.header("x-fallback-tier"), QByteArray("edge_cache"));
    QCOMPARE(second.header("x-fallback-freshness"), QByteArray("fresh"));
    QCOMPARE(second.body, first.body);
    QCOMPARE(m_origin.gets(), before + 1); // the second read never reached the origin

    const Reply shortNs = m_node.item(QStringLiteral("short"), QStringLiteral("item-1"));
    QCOMPARE(shortNs.header("cache-control"), QByteArray("max-age=1, stale-while-revalidate=0"));
}

void TestNodeDataPlane::kvBackfillsEdgeAfterEdgePurge()
{
    // A key purge reaches edge cache and KV together: the next read comes
    // from the origin and refills both.
    QCOMPARE(m_node.item(QStringLiteral("product"), QStringLiteral("item-2")).status, 200);
    const Reply purge = m_node.admin("POST", QStringLiteral("/v1/admin/purge"),
                                     R"({"keys":["product:item-2"]})");
    QCOMPARE(purge.status, 200);
    QCOMPARE(purge.json().value(QStringLiteral("purged")).toInt(), 2); // edge cache + edge KV
    QCOMPARE(m_node.item(QStringLiteral("product"), QStringLiteral("item-2")).header("x-fallback-tier"),
             QByteArray("origin"));
    QCOMPARE(m_node.item(QStringLiteral("product"), QStringLiteral("item-2")).header("x-fallback-tier"),
             QByteArray("edge_cache"));

    // An edge cache that holds one 256-byte item: reading a second one
    // pushes the first out of the edge but not out of the KV, which then
    // serves it and back-fills the edge.
    QTemporaryDir dir;
    Node small;
    QVERIFY(small.start(fixture("node.policy.yaml"), m_origin.url(), dir.filePath(QStringLiteral("data")),
                        {QStringLiteral("--edge-capacity"), QStringLiteral("300")}));
    QCOMPARE(small.item(QStringLiteral("product"), QStringLiteral("item-6")).header("x-fallback-tier"),
             QByteArray("origin"));
    QCOMPARE(small.item(QStringLiteral("product"), QStringLiteral("item-7")).header("x-fallback-tier"),
             QByteArray("origin"));
    const Reply fromKv = small.item(QStringLiteral("product"), QStringLiteral("item-6"));
    QCOMPARE(fromKv.header("x-fallback-tier"), QByteArray("edge_kv"));
    QCOMPARE(fromKv.header("x-fallback-freshness"), QByteArray("fresh"));
    QVERIFY(fromKv.body.startsWith("product/item-6\n"));
    QCOMPARE(small.item(QStringLiteral("product"), QStringLiteral("item-6")).header("x-fallback-tier"),
             QByteArray("edge_cache"));
    QCOMPARE(small.terminate(), 0);
}

void TestNodeDataPlane::revalidatedPastTtl()
{
    // short: ttl 1s, no swr. Past a second, the read finds an outdated copy
    // and the origin answers: `revalidated`.
    QCOMPARE(m_node.item(QStringLiteral("short"), QStringLiteral("item-3")).header("x-fallback-freshness"),
             QByteArray("fresh"));
    NODE_TRY_UNTIL(
        m_node.item(QStringLiteral("short"), QStringLiteral("item-3")).header("x-fallback-freshness") == "revalidated",
        5000);
    const Reply after = m_node.item(QStringLiteral("short"), QStringLiteral("item-3"));
    QCOMPARE(after.header("x-fallback-tier"), QByteArray("edge_cache"));
    QCOMPARE(after.header("x-fallback-freshness"), QByteArray("fresh"));
}

void TestNodeDataPlane::staleWhileRevalidate()
{
    // swr: ttl 1s, swr 60s. Past a second the copy is served stale at once
    // and revalidated in the background; the next read is fresh again.
    QCOMPARE(m_node.item(QStringLiteral("swr"), QStringLiteral("item-4")).status, 200);
    Reply stale;
    NODE_TRY_UNTIL(
        (stale = m_node.item(QStringLiteral("swr"), QStringLiteral("item-4"))).header("x-fallback-freshness") == "stale",
        5000);
    QCOMPARE(stale.header("x-fallback-tier"), QByteArray("edge_cache"));
    QVERIFY(stale.header("age").toInt() >= 1);
    NODE_TRY_UNTIL(
        m_node.item(QStringLiteral("swr"), QStringLiteral("item-4")).header("x-fallback-freshness") == "fresh",
        5000);
}

void TestNodeDataPlane::staleIfErrorWhenOriginFails()
{
    const Reply fresh = m_node.item(QStringLiteral("short"), QStringLiteral("item-5"));
    QCOMPARE(fresh.status, 200);
    QVERIFY(m_origin.fail(500));
    // Past ttl (1s, no swr) the origin is asked, fails, and the edge copy
    // within stale_if_error is served, marked stale.
    Reply served;
    NODE_TRY_UNTIL(
        (served = m_node.item(QStringLiteral("short"), QStringLiteral("item-5"))).header("x-fallback-freshness") == "stale",
        5000);
    QCOMPARE(served.status, 200);
    QCOMPARE(served.header("x-fallback-tier"), QByteArray("edge_cache"));
    QCOMPARE(served.body, fresh.body);
    QVERIFY(served.header("age").toInt() >= 1);
}

void TestNodeDataPlane::unavailableWhenNothingAnswers()
{
    QVERIFY(m_origin.fail(503));
    // Never read: no copy in any tier, the client cache is empty for it.
    const Reply r = m_node.item(QStringLiteral("product"), QStringLiteral("item-40"));
    QCOMPARE(r.status, 503);
    QCOMPARE(r.body, QByteArray(R"({"error":"Service unavailable","hint":"use client cache"})"));
    QCOMPARE(r.header("content-type"), QByteArray("application/json"));
}

void TestNodeDataPlane::writeAndDelete()
{
    const QString path = QStringLiteral("/v1/items/product/written-1");
    const Reply put = http("PUT", m_node.url(path), "a new copy", {m_node.authorization()});
    QCOMPARE(put.status, 200);
    QCOMPARE(put.json().value(QStringLiteral("stored")).toBool(), true);
    QCOMPARE(put.json().value(QStringLiteral("kv_queued")).toBool(), false);
    const Reply read = m_node.get(path);
    QCOMPARE(read.status, 200);
    QCOMPARE(read.body, QByteArray("a new copy"));
    QCOMPARE(read.header("x-fallback-tier"), QByteArray("edge_cache"));
    // The origin has it too (written origin first).
    QCOMPARE(http("GET", m_origin.url() + QStringLiteral("/api/items/product/written-1")).body,
             QByteArray("a new copy"));

    const Reply async = http("PUT", m_node.url(QStringLiteral("/v1/items/async/w")), "x", {m_node.authorization()});
    QCOMPARE(async.status, 200);
    QCOMPARE(async.json().value(QStringLiteral("kv_queued")).toBool(), true);

    const Reply del = http("DELETE", m_node.url(path), {}, {m_node.authorization()});
    QCOMPARE(del.status, 200);
    QCOMPARE(m_node.get(path).status, 404);

    // A write the origin refuses changes nothing: 502.
    QVERIFY(m_origin.fail(500));
    const Reply refused = http("PUT", m_node.url(QStringLiteral("/v1/items/product/written-2")), "x",
                               {m_node.authorization()});
    QCOMPARE(refused.status, 502);
    QVERIFY(refused.json().contains(QStringLiteral("error")));
}

void TestNodeDataPlane::writeNeedsToken()
{
    const QString path = QStringLiteral("/v1/items/product/secret-write");
    const Reply none = http("PUT", m_node.url(path), "x");
    QCOMPARE(none.status, 401);
    QCOMPARE(none.header("www-authenticate"), QByteArray("Bearer"));
    QVERIFY(none.json().contains(QStringLiteral("error")));
    const Reply wrong = http("PUT", m_node.url(path), "x", {"Authorization: Bearer " + m_node.token() + "x"});
    QCOMPARE(wrong.status, 401);
    QCOMPARE(http("DELETE", m_node.url(path)).status, 401);
    QCOMPARE(m_node.get(path).status, 404); // nothing was written
}

void TestNodeDataPlane::tooLargeRefusedBeforeBody()
{
    // tiny: max_object_size 1KiB. Declare 50 MB, send 10 bytes, and expect
    // the answer at once: the node does not wait for the body.
    qint64 elapsed = 0;
    const QByteArray answer = rawExchange(
        m_node.port(),
        "PUT /v1/items/tiny/big HTTP/1.1\r\nHost: x\r\n" + m_node.authorization() +
            "\r\nContent-Length: 50000000\r\n\r\n0123456789",
        5000, &elapsed);
    QCOMPARE(rawStatus(answer), 413);
    QVERIFY2(elapsed < 2000, "the 413 must not wait for the body");
    QVERIFY(answer.contains("application/json"));
    QVERIFY(answer.contains("\"error\""));
    // The body was left unread: the connection cannot carry another request.
    QVERIFY2(answer.contains("Connection: close"), answer.constData());

    // Just over the limit through a client, and a chunked body with no length.
    QCOMPARE(http("PUT", m_node.url(QStringLiteral("/v1/items/tiny/b")), QByteArray(1025, 'x'),
                  {m_node.authorization()}).status, 413);
    QCOMPARE(http("PUT", m_node.url(QStringLiteral("/v1/items/tiny/b")), QByteArray(1024, 'x'),
                  {m_node.authorization()}).status, 200);
    const QByteArray chunked = rawExchange(
        m_node.port(), "PUT /v1/items/tiny/c HTTP/1.1\r\nHost: x\r\n" + m_node.authorization() +
                           "\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n" + QByteArray(2048, 'y') +
                           "\r\n0\r\n\r\n");
    QCOMPARE(rawStatus(chunked), 413);
    // Admin bodies are limited too (1 MiB).
    QCOMPARE(m_node.admin("POST", QStringLiteral("/v1/admin/purge"), QByteArray(1100000, ' ')).status, 413);
}

void TestNodeDataPlane::notFound_data()
{
    QTest::addColumn<QString>("path");
    QTest::newRow("unknown id") << QStringLiteral("/v1/items/product/no-such-item");
    QTest::newRow("unknown namespace") << QStringLiteral("/v1/items/nosuchns/item-1");
    QTest::newRow("unknown route") << QStringLiteral("/v2/items/product/item-1");
    QTest::newRow("root") << QStringLiteral("/");
}

void TestNodeDataPlane::notFound()
{
    QFETCH(QString, path);
    const Reply r = m_node.get(path);
    QCOMPARE(r.status, 404);
    QCOMPARE(r.header("content-type"), QByteArray("application/json"));
    QVERIFY(r.json().contains(QStringLiteral("error")));
}

void TestNodeDataPlane::badRequests_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");
    QTest::newRow("bad percent-encoding") << QByteArray("GET /v1/items/product/a%zz HTTP/1.1\r\nHost: x\r\n\r\n") << 400;
    QTest::newRow("truncated escape") << QByteArray("GET /v1/items/product/a%4 HTTP/1.1\r\nHost: x\r\n\r\n") << 400;
    QTest::newRow("control byte") << QByteArray("GET /v1/items/product/a%0Ab HTTP/1.1\r\nHost: x\r\n\r\n") << 400;
    QTest::newRow("bad namespace") << QByteArray("GET /v1/items/UPPER/a HTTP/1.1\r\nHost: x\r\n\r\n") << 400;
    QTest::newRow("missing id") << QByteArray("GET /v1/items/product HTTP/1.1\r\nHost: x\r\n\r\n") << 400;
    QTest::newRow("id too long") << QByteArray("GET /v1/items/product/" + QByteArray(600, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n") << 400;
    QTest::newRow("wrong method") << QByteArray("POST /v1/items/product/a HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n") << 405;
    QTest::newRow("garbage") << QByteArray("NOT HTTP AT ALL\r\n\r\n") << 400;
    QTest::newRow("bad version") << QByteArray("GET / HTTP/9.9\r\n\r\n") << 400;
}

void TestNodeDataPlane::badRequests()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    const QByteArray answer = rawExchange(m_node.port(), request);
    QCOMPARE(rawStatus(answer), status);
    QVERIFY2(answer.contains("Content-Type: application/json"), answer.constData());
    QVERIFY(answer.contains("{\"error\":") || answer.contains("\"error\":"));
    if (status == 405)
        QVERIFY(answer.contains("Allow: GET, PUT, DELETE"));
    // The node is still there.
    QCOMPARE(m_node.admin("GET", QStringLiteral("/metrics")).status, 200);
}

void TestNodeDataPlane::idsWithSlashesAndTraversal()
{
    // Ids are keys: slashes, colons and dots travel encoded to the origin and
    // never name a file.
    const QString id = QStringLiteral("..%2F..%2Fescape:a/b");
    QCOMPARE(http("PUT", m_node.url(QStringLiteral("/v1/items/product/") + id), "inside",
                  {m_node.authorization()}).status, 200);
    QCOMPARE(m_node.admin("POST", QStringLiteral("/v1/admin/purge"), R"({"all":true})").status, 200);
    const Reply read = m_node.get(QStringLiteral("/v1/items/product/") + id);
    QCOMPARE(read.status, 200);
    QCOMPARE(read.body, QByteArray("inside"));
    QCOMPARE(read.header("x-fallback-tier"), QByteArray("origin")); // now also in the client cache

    // Dot segments in the target are not resolved into other routes.
    const QByteArray up = rawExchange(m_node.port(),
                                      "GET /v1/items/../admin/health HTTP/1.1\r\nHost: x\r\n\r\n");
    QCOMPARE(rawStatus(up), 400);
    const QByteArray etc = rawExchange(m_node.port(),
                                       "GET /v1/items/product/../../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n");
    QCOMPARE(rawStatus(etc), 404); // a key the origin does not know
    QVERIFY(!etc.contains("root:"));
    const QByteArray adminUp = rawExchange(
        m_node.port(), "GET /v1/admin/../items/product/item-1 HTTP/1.1\r\nHost: x\r\n\r\n");
    QCOMPARE(rawStatus(adminUp), 401);

    // Nothing named `escape` outside the client cache's hashed folders.
    QDirIterator it(m_dir.path(), QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString file = it.next();
        QVERIFY2(!file.contains(QStringLiteral("escape")), qPrintable(file));
    }
}

void TestNodeDataPlane::limitsOnTargetAndHeaders()
{
    const QByteArray longTarget = rawExchange(
        m_node.port(), "GET /v1/items/product/" + QByteArray(5000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n");
    QCOMPARE(rawStatus(longTarget), 414);
    // 4 KiB exactly is not too long (the id is, for the key rules: 400);
    // one byte more is.
    const QByteArray prefix = "/v1/items/product/";
    const QByteArray atLimit = rawExchange(
        m_node.port(), "GET " + prefix + QByteArray(4096 - prefix.size(), 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n");
    QCOMPARE(rawStatus(atLimit), 400);
    const QByteArray overLimit = rawExchange(
        m_node.port(), "GET " + prefix + QByteArray(4097 - prefix.size(), 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n");
    QCOMPARE(rawStatus(overLimit), 414);
    // Far past every limit, the request line alone is still 414, and header
    // fields alone 431.
    const QByteArray hugeTarget = rawExchange(
        m_node.port(), "GET /v1/items/product/" + QByteArray(30000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n");
    QCOMPARE(rawStatus(hugeTarget), 414);
    QByteArray hugeFields;
    for (int i = 0; i < 30; ++i)
        hugeFields += "X-Filler-" + QByteArray::number(i) + ": " + QByteArray(1000, 'f') + "\r\n";
    QCOMPARE(rawStatus(rawExchange(m_node.port(), "GET /metrics HTTP/1.1\r\nHost: x\r\n" + hugeFields + "\r\n")), 431);
    // Many small fields count with their names and separators: 1500 of 13
    // bytes are over 16 KiB.
    QByteArray smallFields;
    for (int i = 0; i < 1500; ++i)
        smallFields += "X-Abcdef: 1\r\n";
    QCOMPARE(rawStatus(rawExchange(m_node.port(), "GET /metrics HTTP/1.1\r\nHost: x\r\n" + smallFields + "\r\n")), 431);
    QByteArray fields;
    for (int i = 0; i < 20; ++i)
        fields += "X-Filler-" + QByteArray::number(i) + ": " + QByteArray(1000, 'f') + "\r\n";
    const QByteArray bigHeader = rawExchange(m_node.port(), "GET /metrics HTTP/1.1\r\nHost: x\r\n" + fields + "\r\n");
    QCOMPARE(rawStatus(bigHeader), 431);
    QVERIFY(bigHeader.contains("application/json"));
    // Under the limits, the same kind of request is fine.
    QByteArray fewFields;
    for (int i = 0; i < 10; ++i)
        fewFields += "X-Filler-" + QByteArray::number(i) + ": " + QByteArray(1000, 'f') + "\r\n";
    QCOMPARE(rawStatus(rawExchange(m_node.port(), "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" +
                                                      m_node.authorization() + "\r\n" + fewFields + "\r\n")),
             200);
}

void TestNodeDataPlane::keepAliveAndPipelining()
{
    // Two requests on one connection, sent together; both answered in order.
    const QByteArray answer = rawExchange(
        m_node.port(),
        "GET /v1/items/product/item-1 HTTP/1.1\r\nHost: x\r\n\r\n"
        "GET /v1/items/product/nope-nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        5000, nullptr, false);
    QCOMPARE(rawStatus(answer), 200);
    const qsizetype second = answer.indexOf("HTTP/1.1 404");
    QVERIFY2(second > 0, answer.left(300).constData());
}

void TestNodeDataPlane::slowClientsDoNotHoldTheThread()
{
    QTemporaryDir dir;
    Node node;
    QVERIFY(node.start(fixture("node.policy.yaml"), m_origin.url(), dir.filePath(QStringLiteral("data")),
                       {QStringLiteral("--idle-timeout"), QStringLiteral("500ms"),
                        QStringLiteral("--request-timeout"), QStringLiteral("1s")}));
    // A slow-loris client: half a header, then nothing.
    QTcpSocket loris;
    loris.connectToHost(QStringLiteral("127.0.0.1"), node.port());
    QVERIFY(loris.waitForConnected(5000));
    loris.write("GET /v1/items/product/item-1 HTTP/1.1\r\nHost: x\r\nX-Slow: ");
    QVERIFY(loris.waitForBytesWritten(5000));
    // An idle client: connected, silent.
    QTcpSocket idle;
    idle.connectToHost(QStringLiteral("127.0.0.1"), node.port());
    QVERIFY(idle.waitForConnected(5000));

    // Others are served meanwhile, at once.
    const Reply r = node.item(QStringLiteral("product"), QStringLiteral("item-1"));
    QCOMPARE(r.status, 200);
    QVERIFY(r.elapsedMs < 1000);

    // Both are cut off by their timeouts.
    QVERIFY(idle.state() == QAbstractSocket::UnconnectedState || idle.waitForDisconnected(3000));
    QVERIFY(loris.state() == QAbstractSocket::UnconnectedState || loris.waitForDisconnected(3000));
    QCOMPARE(node.terminate(), 0);
}

QTEST_GUILESS_MAIN(TestNodeDataPlane)
#include "tst_nodedataplane.moc"
