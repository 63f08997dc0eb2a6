#pragma once

// Test harness for the fallback-node integration tests: the test origin and
// the node as real child processes on 127.0.0.1 (port 0, the port read from
// their `listening on` line), a blocking HTTP call helper (libcurl easy),
// and a raw-socket exchange for requests no client library would send.
// Blocking calls are fine here: the servers are other processes.

#include <curl/curl.h>

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTcpSocket>
#include <QElapsedTimer>

#include <algorithm>
#include <csignal>
#include <functional>
#include <memory>
#include <string>

/// QTRY_VERIFY for a condition with side effects (a read that changes what
/// the next read sees): QTRY_VERIFY evaluates its expression once more after
/// it held; this evaluates `cond` only until it holds.
#define NODE_TRY_UNTIL(cond, timeoutMs)                                            \
    do {                                                                          \
        bool nodeTryDone_ = false;                                                \
        QTRY_VERIFY_WITH_TIMEOUT(nodeTryDone_ || (nodeTryDone_ = bool(cond)), timeoutMs); \
    } while (false)

namespace nodetest {

inline QString nodeBinary() { return QStringLiteral(FALLBACK_BINARY_DIR "/app/node/fallback-node"); }
inline QString originBinary()
{
    return QStringLiteral(FALLBACK_BINARY_DIR "/tests/tools/fallback-testorigin");
}
inline QString fixture(const char* name)
{
    return QStringLiteral(FALLBACK_FIXTURES_DIR "/node/") + QLatin1String(name);
}

/// What an HTTP call answered. Header names are lower-case; a repeated
/// header keeps every value.
struct Reply {
    int status = 0; ///< 0: could not connect
    QByteArray body;
    QMultiMap<QByteArray, QByteArray> headers;
    QString transportError;
    qint64 elapsedMs = 0;

    /// The last value of header `name`.
    QByteArray header(const char* name) const { return headers.value(QByteArray(name)); }
    /// Every value of header `name`, in the order received.
    QList<QByteArray> headerValues(const char* name) const
    {
        QList<QByteArray> values = headers.values(QByteArray(name));
        std::reverse(values.begin(), values.end()); // QMultiMap lists the newest first
        return values;
    }
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
};

namespace detail {
inline size_t collectBody(char* data, size_t size, size_t count, void* out)
{
    static_cast<QByteArray*>(out)->append(data, qsizetype(size * count));
    return size * count;
}
inline size_t collectHeader(char* data, size_t size, size_t count, void* out)
{
    const QByteArray line = QByteArray(data, qsizetype(size * count)).trimmed();
    const qsizetype colon = line.indexOf(':');
    auto* headers = static_cast<QMultiMap<QByteArray, QByteArray>*>(out);
    if (line.startsWith("HTTP/"))
        headers->clear(); // a 100 Continue came first
    else if (colon > 0)
        headers->insert(line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed());
    return size * count;
}
} // namespace detail

/// One HTTP request; `headers` like "Authorization: Bearer x". No retries,
/// no redirects, paths sent as given (no dot-segment squashing).
inline Reply http(const QByteArray& method, const QString& url, const QByteArray& body = {},
                  const QList<QByteArray>& headers = {}, long timeoutMs = 10000)
{
    Reply reply;
    CURL* curl = curl_easy_init();
    const std::string target = url.toStdString();
    curl_easy_setopt(curl, CURLOPT_URL, target.c_str());
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.constData());
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeoutMs);
    curl_easy_setopt(curl, CURLOPT_PATH_AS_IS, 1L);
    if (method == "HEAD")
        curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    if (!body.isEmpty() || method == "PUT" || method == "POST") {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.constData());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, long(body.size()));
    }
    curl_slist* list = nullptr;
    list = curl_slist_append(list, "Expect:"); // no 100-continue round trip
    for (const QByteArray& h : headers)
        list = curl_slist_append(list, h.constData());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &detail::collectBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply.body);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &detail::collectHeader);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &reply.headers);
    QElapsedTimer timer;
    timer.start();
    const CURLcode code = curl_easy_perform(curl);
    reply.elapsedMs = timer.elapsed();
    if (code == CURLE_OK) {
        long status = 0;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        reply.status = int(status);
    } else {
        reply.transportError = QString::fromUtf8(curl_easy_strerror(code));
    }
    curl_slist_free_all(list);
    curl_easy_cleanup(curl);
    return reply;
}

/// True when `answer` holds a whole response (header and Content-Length body).
inline bool wholeResponse(const QByteArray& answer)
{
    const qsizetype end = answer.indexOf("\r\n\r\n");
    if (end < 0)
        return false;
    const QByteArray head = answer.left(end).toLower();
    const qsizetype at = head.indexOf("content-length:");
    if (at < 0)
        return true;
    const qsizetype eol = head.indexOf("\r\n", at);
    const qint64 length = head.mid(at + 15, eol < 0 ? -1 : eol - at - 15).trimmed().toLongLong();
    return answer.size() - (end + 4) >= length;
}

/// Sends `request` bytes as they are on a new connection and returns what
/// came back: the first whole response, or (`stopAfterOne` false) all until
/// the server closed the connection, within `timeoutMs`.
inline QByteArray rawExchange(quint16 port, const QByteArray& request, int timeoutMs = 5000,
                              qint64* elapsedMs = nullptr, bool stopAfterOne = true)
{
    QTcpSocket socket;
    socket.connectToHost(QStringLiteral("127.0.0.1"), port);
    if (!socket.waitForConnected(timeoutMs))
        return {};
    QElapsedTimer timer;
    timer.start();
    socket.write(request);
    socket.waitForBytesWritten(timeoutMs);
    QByteArray answer;
    while (timer.elapsed() < timeoutMs && !(stopAfterOne && wholeResponse(answer))) {
        if (socket.bytesAvailable() == 0 && !socket.waitForReadyRead(int(timeoutMs - timer.elapsed())))
            break;
        answer += socket.readAll();
        if (socket.state() != QAbstractSocket::ConnectedState)
            break;
    }
    answer += socket.readAll();
    if (elapsedMs)
        *elapsedMs = timer.elapsed();
    return answer;
}

/// The status code of a raw HTTP answer, 0 when there is none.
inline int rawStatus(const QByteArray& answer)
{
    if (!answer.startsWith("HTTP/1."))
        return 0;
    return answer.mid(9, 3).toInt();
}

/// A child process that prints `listening on HOST:PORT` once ready.
class ServerProcess {
public:
    ServerProcess() = default;
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;
    ~ServerProcess() { kill(); }

    /// Starts `program` and waits (event-driven, up to 10 s) for its line.
    bool start(const QString& program, const QStringList& arguments)
    {
        m_stderr.clear();
        m_process.setProgram(program);
        m_process.setArguments(arguments);
        m_process.start();
        if (!m_process.waitForStarted(5000))
            return false;
        QElapsedTimer timer;
        timer.start();
        while (!m_process.canReadLine()) {
            if (m_process.state() != QProcess::Running || timer.elapsed() > 10000)
                return false;
            m_process.waitForReadyRead(200);
        }
        const QByteArray line = m_process.readLine().trimmed();
        const QByteArray prefix("listening on 127.0.0.1:");
        if (!line.startsWith(prefix))
            return false;
        bool ok = false;
        m_port = line.mid(prefix.size()).toUShort(&ok);
        return ok && m_port != 0;
    }
    quint16 port() const { return m_port; }
    QString url() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }
    bool running() const { return m_process.state() == QProcess::Running; }
    qint64 pid() const { return m_process.processId(); }
    /// Runs in the child between fork and exec (resource limits); set before start().
    void setChildModifier(const std::function<void()>& modifier)
    {
        m_process.setChildProcessModifier(modifier);
    }

    /// SIGTERM, then waits for the exit; returns the exit code (-1 on a
    /// crash or when it did not exit within `timeoutMs`).
    int terminate(int timeoutMs = 15000)
    {
        if (m_process.state() == QProcess::NotRunning)
            return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
        ::kill(pid_t(m_process.processId()), SIGTERM);
        if (!m_process.waitForFinished(timeoutMs))
            return -1;
        m_stderr += m_process.readAllStandardError();
        return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
    }
    void kill()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }
    /// Everything written to stderr so far.
    QByteArray errorOutput()
    {
        m_stderr += m_process.readAllStandardError();
        return m_stderr;
    }

private:
    QProcess m_process;
    quint16 m_port = 0;
    QByteArray m_stderr;
};

/// fallback-testorigin with `items` seeded ids per namespace.
class Origin {
public:
    bool start(int items = 50, int size = 256)
    {
        return m_server.start(originBinary(),
                              {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                               QStringLiteral("--items"), QString::number(items),
                               QStringLiteral("--size"), QString::number(size)});
    }
    QString url() const { return m_server.url(); }
    bool fail(int status = 500)
    {
        return http("POST", url() + QStringLiteral("/control/fail"),
                    QByteArray("{\"status\":") + QByteArray::number(status) + "}")
                   .status == 200;
    }
    bool recover() { return http("POST", url() + QStringLiteral("/control/recover")).status == 200; }
    /// GETs the origin has answered so far.
    int gets() const { return http("GET", url() + QStringLiteral("/control/stats")).json().value(QStringLiteral("gets")).toInt(); }
    void stop() { m_server.kill(); }
    ServerProcess& process() { return m_server; }

private:
    ServerProcess m_server;
};

/// fallback-node on 127.0.0.1:0 with `--data-dir dataDir`. The admin token
/// is the one the node generated in the data directory.
class Node {
public:
    bool start(const QString& policy, const QString& originUrl, const QString& dataDir,
               const QStringList& extra = {})
    {
        m_dataDir = dataDir;
        if (!m_server.start(nodeBinary(), QStringList{QStringLiteral("--policy"), policy,
                                                      QStringLiteral("--origin"), originUrl,
                                                      QStringLiteral("--listen"),
                                                      QStringLiteral("127.0.0.1:0"),
                                                      QStringLiteral("--data-dir"), dataDir} +
                                              extra))
            return false;
        QFile tokenFile(dataDir + QStringLiteral("/admin.token"));
        if (extra.contains(QStringLiteral("--admin-token-file"))) {
            tokenFile.setFileName(extra.at(extra.indexOf(QStringLiteral("--admin-token-file")) + 1));
        }
        if (!tokenFile.open(QIODevice::ReadOnly))
            return false;
        m_token = tokenFile.readAll().trimmed();
        return !m_token.isEmpty();
    }
    QString url(const QString& path) const { return m_server.url() + path; }
    quint16 port() const { return m_server.port(); }
    QByteArray token() const { return m_token; }
    QByteArray authorization() const { return QByteArray("Authorization: Bearer ") + m_token; }

    Reply get(const QString& path) const { return http("GET", url(path)); }
    /// An admin call with the token.
    Reply admin(const QByteArray& method, const QString& path, const QByteArray& body = {},
                QList<QByteArray> headers = {}) const
    {
        headers.append(authorization());
        return http(method, url(path), body, headers);
    }
    Reply item(const QString& ns, const QString& id) const
    {
        return get(QStringLiteral("/v1/items/%1/%2").arg(ns, id));
    }
    int terminate() { return m_server.terminate(); }
    ServerProcess& process() { return m_server; }
    const QString& dataDir() const { return m_dataDir; }

private:
    ServerProcess m_server;
    QByteArray m_token;
    QString m_dataDir;
};

} // namespace nodetest
