#pragma once

// A scripted HTTP/1.1 server for tests (QTcpServer on 127.0.0.1, port 0, or
// QSslServer for https): it records every request and answers what its
// script says. Shared by the admin client's tests and fallbackctl's
// remote-command tests. Runs on the thread that owns it: the test must spin
// the event loop (QTRY_*, or a QEventLoop while a child process runs) for
// it to answer. Also: ports that refuse (closedPortUrl) or never finish a
// handshake (StalledListener), and ScopedEnv for the CA-bundle variables.

#include <QElapsedTimer>
#include <QFile>
#include <QHostAddress>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslConfiguration>
#include <QSslServer>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

/// One request as the server read it.
struct Seen {
    QByteArray method;
    QByteArray path;
    std::map<QByteArray, QByteArray> headers; ///< names lower-cased
    QByteArray body;
    qint64 atMs = 0; ///< since the server started
};

/// An HTTP/1.1 server that answers what its script says. The script sees
/// each request and returns the raw answer, or nullopt to never answer.
class ScriptedServer : public QObject {
public:
    using Script = std::function<std::optional<QByteArray>(const Seen&, int index)>;

    explicit ScriptedServer(Script script) : ScriptedServer(std::move(script), std::make_unique<QTcpServer>()) {}

    /// An https:// server presenting `tls`'s certificate. A connection
    /// whose handshake fails is never seen.
    ScriptedServer(Script script, const QSslConfiguration& tls)
        : ScriptedServer(std::move(script), makeSslServer(tls), "https")
    {
    }

    std::string url() const
    {
        return m_scheme + "://127.0.0.1:" + std::to_string(m_server->serverPort());
    }
    const std::vector<Seen>& seen() const { return m_seen; }
    int connections() const { return m_connections; }

    static QByteArray answer(int status, const QByteArray& body = "{}", const QByteArray& extraHeaders = {})
    {
        return "HTTP/1.1 " + QByteArray::number(status) + " X\r\nContent-Type: application/json\r\nContent-Length: "
               + QByteArray::number(body.size()) + "\r\n" + extraHeaders + "\r\n" + body;
    }

private:
    ScriptedServer(Script script, std::unique_ptr<QTcpServer> server, std::string scheme = "http")
        : m_script(std::move(script)), m_server(std::move(server)), m_scheme(std::move(scheme))
    {
        m_clock.start();
        // Emitted once a connection is ready: for TLS, after the handshake.
        connect(m_server.get(), &QTcpServer::pendingConnectionAvailable, this, &ScriptedServer::accept);
        if (!m_server->listen(QHostAddress(QStringLiteral("127.0.0.1")), 0))
            qFatal("cannot listen on 127.0.0.1");
    }

    static std::unique_ptr<QTcpServer> makeSslServer(const QSslConfiguration& tls)
    {
        auto server = std::make_unique<QSslServer>();
        server->setSslConfiguration(tls);
        return server;
    }

    void accept()
    {
        while (QTcpSocket* socket = m_server->nextPendingConnection()) {
            ++m_connections;
            socket->setParent(this);
            auto buffer = std::make_shared<QByteArray>();
            connect(socket, &QTcpSocket::readyRead, this, [this, socket, buffer] {
                buffer->append(socket->readAll());
                serve(socket, *buffer);
            });
        }
    }

    void serve(QTcpSocket* socket, QByteArray& buffer)
    {
        for (;;) {
            const qsizetype end = buffer.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            Seen seen;
            const QList<QByteArray> lines = buffer.left(end).split('\n');
            const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
            seen.method = requestLine.value(0);
            seen.path = requestLine.value(1);
            for (qsizetype i = 1; i < lines.size(); ++i) {
                const qsizetype colon = lines[i].indexOf(':');
                if (colon > 0)
                    seen.headers[lines[i].left(colon).trimmed().toLower()] = lines[i].mid(colon + 1).trimmed();
            }
            const qsizetype length = seen.headers.count("content-length") ? seen.headers["content-length"].toLongLong() : 0;
            if (buffer.size() < end + 4 + length)
                return;
            seen.body = buffer.mid(end + 4, length);
            buffer.remove(0, end + 4 + length);
            seen.atMs = m_clock.elapsed();
            m_seen.push_back(seen);
            if (std::optional<QByteArray> reply = m_script(seen, int(m_seen.size()) - 1))
                socket->write(*reply);
        }
    }

    Script m_script;
    std::unique_ptr<QTcpServer> m_server;
    std::string m_scheme;
    QElapsedTimer m_clock;
    std::vector<Seen> m_seen;
    int m_connections = 0;
};

/// A script that answers every request the same.
inline ScriptedServer::Script always(int status, QByteArray body = "{}", QByteArray extra = {})
{
    return [=](const Seen&, int) { return ScriptedServer::answer(status, body, extra); };
}

/// Sets an environment variable (null: unsets it) for one scope, restoring
/// it after: the CA-bundle variables of the https tests.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const QByteArray& value)
        : m_name(name), m_had(qEnvironmentVariableIsSet(name)), m_old(qgetenv(name))
    {
        if (value.isNull())
            qunsetenv(name);
        else
            qputenv(name, value);
    }
    ~ScopedEnv()
    {
        if (m_had)
            qputenv(m_name, m_old);
        else
            qunsetenv(m_name);
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
    const char* m_name;
    bool m_had;
    QByteArray m_old;
};

/// A file of the test-only TLS material (tests/fixtures/tls/make-certs.sh):
/// `ca.pem`, `server.pem` (for 127.0.0.1), `wronghost.pem` (for
/// edge.example.com) and their keys.
inline std::string tlsFixture(const char* name)
{
    return std::string(FALLBACK_FIXTURES_DIR "/tls/") + name;
}

/// A server TLS configuration presenting `name`.pem with `name`.key.
inline QSslConfiguration testServerTls(const char* name)
{
    QFile certFile(QString::fromStdString(tlsFixture(name)) + QStringLiteral(".pem"));
    QFile keyFile(QString::fromStdString(tlsFixture(name)) + QStringLiteral(".key"));
    if (!certFile.open(QIODevice::ReadOnly) || !keyFile.open(QIODevice::ReadOnly))
        qFatal("missing test certificate %s", name);
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setLocalCertificate(QSslCertificate(&certFile, QSsl::Pem));
    tls.setPrivateKey(QSslKey(&keyFile, QSsl::Ec, QSsl::Pem));
    tls.setPeerVerifyMode(QSslSocket::VerifyNone); // clients bring no certificate
    return tls;
}

/// A port on 127.0.0.1 that nobody listens on.
inline std::string closedPortUrl()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress(QStringLiteral("127.0.0.1")), 0))
        qFatal("cannot listen on 127.0.0.1");
    const quint16 port = probe.serverPort();
    probe.close();
    return "http://127.0.0.1:" + std::to_string(port);
}

/// A port on 127.0.0.1 whose connection handshakes never finish: it listens
/// with the smallest accept queue, never accepts, and fills the queue
/// itself, so Linux drops every further SYN and a client's connect waits
/// until its connect timeout. (A closed port would refuse at once.)
class StalledListener {
public:
    StalledListener()
    {
        m_listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        if (m_listener < 0 || ::bind(m_listener, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
            ::listen(m_listener, 0) != 0 ||
            ::getsockname(m_listener, reinterpret_cast<sockaddr*>(&address), &length) != 0)
            qFatal("cannot listen on 127.0.0.1");
        m_port = ntohs(address.sin_port);
        // A backlog of 0 still queues a connection or two: fill it.
        for (int i = 0; i < 4; ++i) {
            const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
            ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
            m_fillers.push_back(fd);
        }
        QTest::qWait(100); // let the fillers' handshakes land in the queue
    }
    ~StalledListener()
    {
        for (const int fd : m_fillers)
            ::close(fd);
        ::close(m_listener);
    }
    StalledListener(const StalledListener&) = delete;
    StalledListener& operator=(const StalledListener&) = delete;

    std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }

private:
    int m_listener = -1;
    std::uint16_t m_port = 0;
    std::vector<int> m_fillers;
};
