// AdminClient over https:// against a scripted TLS server inside the test
// (QSslServer on 127.0.0.1, port 0) and the test-only certificates of
// tests/fixtures/tls: a peer signed by a trusted CA answers; an untrusted
// peer or one named for another host is refused before any request (so
// before the token) leaves, once, with libcurl's reason; the CA bundle comes
// from the endpoint, else $CURL_CA_BUNDLE, else $SSL_CERT_FILE.
#include "adminclientsupport.h"

#include <QSslSocket>
#include <QtTest>

using namespace fallback;
using namespace fallback::live;

namespace {

constexpr const char* kToken = "tok-7f3a9c-SECRET-e21b";

ScriptedServer::Script healthy()
{
    return [](const Seen&, int) { return ScriptedServer::answer(200, R"({"status":"ok"})"); };
}

/// The test's endpoint, verifying peers with `caFile` (empty: the environment's).
Endpoint tlsEndpoint(const std::string& url, const std::string& caFile = {})
{
    Endpoint e = endpoint(url, kToken);
    e.caFile = caFile;
    return e;
}

} // namespace

class TestAdminClientTls : public QObject {
    Q_OBJECT

private:
    /// Calls health() and spins the event loop (the scripted server runs on
    /// this thread) until the answer comes.
    static Response health(const Endpoint& ep)
    {
        AdminClient client;
        Answers answers;
        client.health(ep, answers.handler());
        if (!QTest::qWaitFor([&] { return answers.count() == 1; }, 10000))
            qFatal("no answer from the client");
        return answers.at(0);
    }

private slots:
    void initTestCase();
    void trustedPeerAnswers();
    void untrustedPeerIsRefusedBeforeTheToken();
    void peerNamedForAnotherHostIsRefused();
    void caBundleFromTheEnvironment_data();
    void caBundleFromTheEnvironment();
    void missingCaBundleIsAClearError();
};

void TestAdminClientTls::initTestCase()
{
    if (!QSslSocket::supportsSsl())
        QSKIP("Qt has no TLS backend here: the scripted https server cannot run");
}

void TestAdminClientTls::trustedPeerAnswers()
{
    ScriptedServer server(healthy(), testServerTls("server"));
    QVERIFY(server.url().rfind("https://127.0.0.1:", 0) == 0);
    const Response r = health(tlsEndpoint(server.url(), tlsFixture("ca.pem")));
    QVERIFY2(r.transportError.empty(), r.transportError.c_str());
    QCOMPARE(r.httpStatus, 200);
    QCOMPARE(r.body, std::string(R"({"status":"ok"})"));
    QCOMPARE(server.seen().size(), std::size_t(1));
    QCOMPARE(server.seen()[0].path, QByteArray("/v1/admin/health"));
    QCOMPARE(server.seen()[0].headers.at("authorization"), QByteArray("Bearer ") + kToken);
}

void TestAdminClientTls::untrustedPeerIsRefusedBeforeTheToken()
{
    // No CA bundle anywhere: the system store does not know the test CA.
    ScopedEnv curl("CURL_CA_BUNDLE", QByteArray());
    ScopedEnv openssl("SSL_CERT_FILE", QByteArray());
    ScriptedServer server(healthy(), testServerTls("server"));
    const Response r = health(tlsEndpoint(server.url()));
    QCOMPARE(r.httpStatus, 0);
    QVERIFY2(r.transportError.find("certificate") != std::string::npos, r.transportError.c_str());
    QCOMPARE(r.errorMessage(), r.transportError);
    // A certificate problem is not retried even for a GET: it will not heal.
    QCOMPARE(r.attempts, 1);
    QVERIFY(r.transportError.find(kToken) == std::string::npos);
    // No request (so no token) ever reached the server.
    QVERIFY(server.seen().empty());
}

void TestAdminClientTls::peerNamedForAnotherHostIsRefused()
{
    // Signed by the trusted CA, but for edge.example.com, not 127.0.0.1.
    ScriptedServer server(healthy(), testServerTls("wronghost"));
    const Response r = health(tlsEndpoint(server.url(), tlsFixture("ca.pem")));
    QCOMPARE(r.httpStatus, 0);
    QVERIFY2(r.transportError.find("127.0.0.1") != std::string::npos, r.transportError.c_str());
    QCOMPARE(r.attempts, 1);
    QVERIFY(server.seen().empty());
}

void TestAdminClientTls::caBundleFromTheEnvironment_data()
{
    QTest::addColumn<QByteArray>("curlCaBundle");
    QTest::addColumn<QByteArray>("sslCertFile");
    QTest::addColumn<QByteArray>("endpointCaFile");
    const QByteArray ca = QByteArray::fromStdString(tlsFixture("ca.pem"));
    const QByteArray other = QByteArray::fromStdString(tlsFixture("server.pem")); // not a CA
    QTest::newRow("CURL_CA_BUNDLE") << ca << QByteArray() << QByteArray();
    QTest::newRow("SSL_CERT_FILE") << QByteArray() << ca << QByteArray();
    QTest::newRow("CURL_CA_BUNDLE before SSL_CERT_FILE") << ca << other << QByteArray();
    QTest::newRow("the endpoint's before both") << other << other << ca;
}

void TestAdminClientTls::caBundleFromTheEnvironment()
{
    QFETCH(QByteArray, curlCaBundle);
    QFETCH(QByteArray, sslCertFile);
    QFETCH(QByteArray, endpointCaFile);
    ScopedEnv curl("CURL_CA_BUNDLE", curlCaBundle);
    ScopedEnv openssl("SSL_CERT_FILE", sslCertFile);
    ScriptedServer server(healthy(), testServerTls("server"));
    const Response r = health(tlsEndpoint(server.url(), endpointCaFile.toStdString()));
    QVERIFY2(r.transportError.empty(), r.transportError.c_str());
    QCOMPARE(r.httpStatus, 200);
    QCOMPARE(server.seen().size(), std::size_t(1));
}

void TestAdminClientTls::missingCaBundleIsAClearError()
{
    ScopedEnv curl("CURL_CA_BUNDLE", QByteArray("/nonexistent/ca.pem"));
    ScriptedServer server(healthy(), testServerTls("server"));
    const Response r = health(tlsEndpoint(server.url()));
    QCOMPARE(r.httpStatus, 0);
    // libcurl names the file it could not use.
    QVERIFY2(r.transportError.find("/nonexistent/ca.pem") != std::string::npos, r.transportError.c_str());
    QCOMPARE(r.attempts, 1);
    QVERIFY(server.seen().empty());
}

QTEST_GUILESS_MAIN(TestAdminClientTls)
#include "tst_adminclienttls.moc"
