#pragma once

// A real fallback-node and a fallback-testorigin for live-mode tests: both
// started with QProcess on 127.0.0.1, port 0, in a temporary folder, plus a
// traffic generator for the node's data plane. GUI thread; every wait is a
// QTRY_ / signal wait, never a sleep.

#include <QByteArray>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTimer>
#include <QUrl>
#include <QtTest>

#include <sys/resource.h>

#include <memory>

namespace fallback::ui::test {

inline QString nodeBinary()
{
    return QStringLiteral(FALLBACK_BINARY_DIR "/app/node/fallback-node");
}

inline QString originBinary()
{
    return QStringLiteral(FALLBACK_BINARY_DIR "/tests/tools/fallback-testorigin");
}

/// Starts `program` and waits for its `listening on HOST:PORT` line; returns
/// `http://HOST:PORT`, or "" (with the process's output in `log`) when it
/// did not come within `timeoutMs`.
inline QString startListening(QProcess& process, const QString& program, const QStringList& args,
                              QString* log, int timeoutMs = 15000)
{
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(program, args);
    if (!process.waitForStarted(5000)) {
        *log = process.errorString();
        return {};
    }
    QByteArray output;
    const QRegularExpression listening(QStringLiteral("listening on (\\S+:\\d+)"));
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < timeoutMs && process.state() == QProcess::Running) {
        // Waits for output, not for time: returns as soon as a line comes.
        process.waitForReadyRead(200);
        output += process.readAll();
        const QRegularExpressionMatch match = listening.match(QString::fromUtf8(output));
        if (match.hasMatch())
            return QStringLiteral("http://") + match.captured(1);
    }
    *log = QString::fromUtf8(output + process.readAll());
    return {};
}

/// One origin and one node, a token file, a data folder.
class LiveNode {
public:
    static constexpr const char* kToken = "test-admin-token-0123456789";

    ~LiveNode() { stop(); }

    /// Starts both; false with `error` set when either did not come up.
    bool start(QString* error, int items = 200)
    {
        if (!m_dir.isValid()) {
            *error = QStringLiteral("no temporary folder");
            return false;
        }
        QFile token(tokenFile());
        if (!token.open(QIODevice::WriteOnly) || token.write(kToken) < 0) {
            *error = QStringLiteral("cannot write the token file");
            return false;
        }
        token.close();
        token.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
        m_originUrl = startListening(m_origin, originBinary(),
                                     {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                                      QStringLiteral("--items"), QString::number(items)},
                                     error);
        if (m_originUrl.isEmpty())
            return false;
        return startNode(error);
    }

    /// (Re)starts the node only, on a new port.
    bool startNode(QString* error)
    {
        m_url = startListening(m_node, nodeBinary(),
                               QStringList{QStringLiteral("--policy"),
                                           QStringLiteral(FALLBACK_EXAMPLES_DIR "/demo.policy.yaml"),
                                           QStringLiteral("--origin"), m_originUrl, QStringLiteral("--listen"),
                                           QStringLiteral("127.0.0.1:0"), QStringLiteral("--admin-token-file"),
                                           tokenFile(), QStringLiteral("--data-dir"),
                                           m_dir.filePath(QStringLiteral("data"))}
                                   + m_nodeArguments,
                               error);
        return !m_url.isEmpty();
    }

    /// More options for nodes started from now on (e.g. `--purge-limit 1/1m`).
    void setNodeArguments(const QStringList& arguments) { m_nodeArguments = arguments; }

    /// Nodes started from now on may not grow any file beyond `bytes`
    /// (RLIMIT_FSIZE): writing the audit log or the namespace versions fails
    /// as on a full disk, and the node, which ignores SIGXFSZ, runs on.
    void limitNodeFileSize(rlim_t bytes)
    {
        m_node.setChildProcessModifier([bytes] {
            const rlimit limit{bytes, bytes};
            ::setrlimit(RLIMIT_FSIZE, &limit);
        });
    }

    /// Kills the node at once (no graceful shutdown): a crash, as a poller sees it.
    void killNode()
    {
        if (m_node.state() != QProcess::NotRunning) {
            m_node.kill();
            m_node.waitForFinished(5000);
        }
    }

    void stop()
    {
        m_traffic.stop();
        for (QProcess* process : {&m_node, &m_origin}) {
            if (process->state() != QProcess::NotRunning) {
                process->terminate();
                if (!process->waitForFinished(5000)) {
                    process->kill();
                    process->waitForFinished(2000);
                }
            }
        }
    }

    QString url() const { return m_url; }
    QString tokenFile() const { return m_dir.filePath(QStringLiteral("admin.token")); }
    QString dir() const { return m_dir.path(); }

    /// Reads on the data plane, `perTick` every 50 ms, over ids item-0 …
    /// item-(keys-1) of `namespaces`, until stopTraffic(). Counts answers
    /// afresh (answered()).
    void startTraffic(const QStringList& namespaces = {QStringLiteral("product"), QStringLiteral("config")},
                      int perTick = 8, int keys = 40)
    {
        m_answered = 0;
        m_traffic.setInterval(50);
        QObject::disconnect(&m_traffic, nullptr, nullptr, nullptr);
        QObject::connect(&m_traffic, &QTimer::timeout, &m_traffic, [this, namespaces, perTick, keys] {
            for (int i = 0; i < perTick; ++i) {
                const QString ns = namespaces[m_sent % namespaces.size()];
                const QString id = QStringLiteral("item-%1").arg(m_sent % keys);
                ++m_sent;
                QNetworkReply* reply = m_network.get(
                    QNetworkRequest(QUrl(m_url + QStringLiteral("/v1/items/%1/%2").arg(ns, id))));
                QObject::connect(reply, &QNetworkReply::finished, reply, [this, reply] {
                    if (reply->error() == QNetworkReply::NoError)
                        ++m_answered;
                    reply->deleteLater();
                });
            }
        });
        m_traffic.start();
    }
    void stopTraffic() { m_traffic.stop(); }
    int answered() const { return m_answered; }

    /// A POST to the origin's control plane (e.g. `/control/headers`); its status.
    int controlOrigin(const QString& path, const QByteArray& body)
    {
        QNetworkRequest request(QUrl(m_originUrl + path));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        QNetworkReply* reply = m_network.post(request, body);
        QSignalSpy done(reply, &QNetworkReply::finished);
        if (!reply->isFinished())
            done.wait(10000);
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        reply->deleteLater();
        return status;
    }

    /// An admin call from "another console": answers (status, body, etag).
    struct Reply {
        int status = 0;
        QByteArray body;
        QByteArray etag;
    };
    /// `client`, when given, is sent as X-Fallback-Client (who is asking).
    Reply admin(const QByteArray& method, const QString& path, const QByteArray& body = {},
                const QByteArray& ifMatch = {}, const QByteArray& client = {})
    {
        QNetworkRequest request(QUrl(m_url + path));
        request.setRawHeader("Authorization", QByteArray("Bearer ") + kToken);
        if (!client.isEmpty())
            request.setRawHeader("X-Fallback-Client", client);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        if (!ifMatch.isEmpty())
            request.setRawHeader("If-Match", ifMatch);
        QNetworkReply* reply = m_network.sendCustomRequest(request, method, body);
        QSignalSpy done(reply, &QNetworkReply::finished);
        if (!reply->isFinished())
            done.wait(10000);
        Reply out{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll(),
                  reply->rawHeader("ETag")};
        reply->deleteLater();
        return out;
    }

private:
    QTemporaryDir m_dir;
    QProcess m_origin;
    QProcess m_node;
    QString m_originUrl;
    QString m_url;
    QStringList m_nodeArguments;
    QNetworkAccessManager m_network;
    QTimer m_traffic;
    int m_sent = 0;
    int m_answered = 0;
};

} // namespace fallback::ui::test
