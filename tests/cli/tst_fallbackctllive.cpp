// fallbackctl's remote commands against a REAL fallback-node in front of
// fallback-testorigin, both on 127.0.0.1 with free ports: stats (and that
// core's parseStats reads what the node sends), policy get / apply with
// ETags, purge, bump, audit (who did what, from the node's audit route), and
// the token checks. Skipped only when the two
// binaries are not built.
#include "fallbackctlrunner.h"
#include "live/remotestats.h"
#include "policy/policyloader.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

using namespace fallback;

namespace {

constexpr const char* kAdminToken = "live-admin-token-93c1";

const QString kNode = QStringLiteral(FALLBACK_BINARY_DIR "/app/node/fallback-node");
const QString kOrigin = QStringLiteral(FALLBACK_BINARY_DIR "/tests/tools/fallback-testorigin");

QByteArray readFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read fixture");
    return file.readAll();
}

/// Starts `program` and waits for its `listening on 127.0.0.1:PORT` line;
/// returns the base URL, or "" with `why` set.
QString startServer(QProcess& process, const QString& program, const QStringList& args, QString& why)
{
    process.setProgram(program);
    process.setArguments(args);
    process.setProcessChannelMode(QProcess::SeparateChannels);
    process.start();
    if (!process.waitForStarted(10000)) {
        why = program + QStringLiteral(" did not start");
        return {};
    }
    static const QRegularExpression listening(QStringLiteral("listening on (127\\.0\\.0\\.1:\\d+)"));
    QByteArray seen;
    QDeadlineTimer deadline(20000);
    while (!deadline.hasExpired()) {
        if (!process.canReadLine() && !process.waitForReadyRead(int(deadline.remainingTime())))
            break;
        while (process.canReadLine()) {
            const QByteArray line = process.readLine();
            seen += line;
            const QRegularExpressionMatch match = listening.match(QString::fromUtf8(line));
            if (match.hasMatch())
                return QStringLiteral("http://") + match.captured(1);
        }
    }
    why = program + QStringLiteral(" printed no 'listening on' line; stdout: ") + QString::fromUtf8(seen)
          + QStringLiteral(" stderr: ") + QString::fromUtf8(process.readAllStandardError());
    return {};
}

void stop(QProcess& process)
{
    if (process.state() == QProcess::NotRunning)
        return;
    process.terminate();
    if (!process.waitForFinished(10000)) {
        process.kill();
        process.waitForFinished(5000);
    }
}

} // namespace

class TestFallbackctlLive : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void stats();
    void policyGet();
    void policyApply();
    void purge();
    void bump();
    void audit();
    void auditFollow();
    void tokens();
    void deploymentProfile();
    void originCacheControlWarnings();

private:
    QProcessEnvironment env() const { return cleanEnvironment(m_dir.path()); }
    QStringList remote(QStringList args) const
    {
        return args << QStringLiteral("--url") << m_nodeUrl << QStringLiteral("--token-file") << m_tokenFile;
    }
    /// A read through the node's data plane; returns the HTTP status.
    int read(const QString& ns, const QString& id);
    /// A POST to the origin's control plane; returns the HTTP status.
    int controlOrigin(const QString& path, const QByteArray& body);
    /// The reply's HTTP status once it has finished (0 after 20 s).
    static int waitFor(QNetworkReply* reply);

    QTemporaryDir m_dir;
    QProcess m_origin;
    QProcess m_node;
    QString m_nodeUrl;
    QString m_originUrl;
    QString m_tokenFile;
    QString m_policyFile;
    QNetworkAccessManager m_network;
};

void TestFallbackctlLive::initTestCase()
{
    if (!QFileInfo::exists(kNode) || !QFileInfo::exists(kOrigin))
        QSKIP("fallback-node or fallback-testorigin is not built: build them to run these tests");
    QVERIFY(m_dir.isValid());
    m_tokenFile = writeFile(m_dir, QStringLiteral("admin.token"), QByteArray(kAdminToken) + "\n");
    m_policyFile = writeFile(m_dir, QStringLiteral("node.policy.yaml"),
                             readFile(example("demo.policy.yaml")));
    QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("data")));

    QString why;
    m_originUrl = startServer(m_origin, kOrigin,
                                          {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                                           QStringLiteral("--items"), QStringLiteral("100")},
                                          why);
    QVERIFY2(!m_originUrl.isEmpty(), qPrintable(why));
    m_nodeUrl = startServer(m_node, kNode,
                            {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"), QStringLiteral("--policy"),
                             m_policyFile, QStringLiteral("--origin"), m_originUrl,
                             QStringLiteral("--admin-token-file"), m_tokenFile, QStringLiteral("--data-dir"),
                             m_dir.filePath(QStringLiteral("data"))},
                            why);
    QVERIFY2(!m_nodeUrl.isEmpty(), qPrintable(why));
}

void TestFallbackctlLive::cleanupTestCase()
{
    stop(m_node);
    stop(m_origin);
}

int TestFallbackctlLive::read(const QString& ns, const QString& id)
{
    return waitFor(m_network.get(QNetworkRequest(
        QUrl(m_nodeUrl + QStringLiteral("/v1/items/") + ns + QLatin1Char('/') + id))));
}

int TestFallbackctlLive::controlOrigin(const QString& path, const QByteArray& body)
{
    QNetworkRequest request(QUrl(m_originUrl + path));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    return waitFor(m_network.post(request, body));
}

int TestFallbackctlLive::waitFor(QNetworkReply* reply)
{
    QEventLoop loop;
    connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(20000, &loop, &QEventLoop::quit);
    if (!reply->isFinished())
        loop.exec();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    reply->deleteLater();
    return status;
}

void TestFallbackctlLive::stats()
{
    for (int i = 0; i < 5; ++i)
        QCOMPARE(read(QStringLiteral("product"), QStringLiteral("item-%1").arg(i)), 200);
    QCOMPARE(read(QStringLiteral("product"), QStringLiteral("item-0")), 200);

    const Run table = runFallbackctl(remote({QStringLiteral("stats")}), env());
    QCOMPARE(table.err, QByteArray());
    QCOMPARE(table.exitCode, 0);
    QVERIFY2(table.out.contains("edge_cache"), table.out.constData());
    QVERIFY(table.out.contains("product"));
    QVERIFY2(table.out.contains("\nhealth     ok\n"), table.out.constData()); // a real node's health


    const Run json = runFallbackctl(remote({QStringLiteral("stats"), QStringLiteral("--json")}), env());
    QCOMPARE(json.exitCode, 0);
    const QJsonObject doc = QJsonDocument::fromJson(json.out).object();
    for (const char* key : {"requests", "tiers", "served_by", "origin_fetches", "coalesced", "stale_served",
                            "revalidations", "latency_ms", "wall_seconds", "namespaces", "series"})
        QVERIFY2(doc.contains(QLatin1String(key)), key);
    QVERIFY(doc.value(QStringLiteral("requests")).toInteger() >= 6);
    // What the node sends, core's client reads.
    const Result<live::RemoteStats> parsed = live::parseStats(std::string_view(json.out.constData(), json.out.size()));
    QVERIFY2(parsed.ok(), parsed.ok() ? "" : parsed.error().message.c_str());
    QVERIFY(parsed->counters.servedBy[0] >= 1); // item-0 read twice: an edge cache hit
}

void TestFallbackctlLive::policyGet()
{
    const Run yaml = runFallbackctl(remote({QStringLiteral("policy"), QStringLiteral("get")}), env());
    QCOMPARE(yaml.exitCode, 0);
    QVERIFY2(yaml.err.startsWith("ETag: "), yaml.err.constData());
    const Loaded<Policy> live = parsePolicyYaml(yaml.out.toStdString(), "stdout");
    QVERIFY2(live.ok(), live.diagnostics.format().c_str());
    QVERIFY(*live.value == *loadPolicyFile(m_policyFile.toStdString()).value);

    const Run json = runFallbackctl(remote({QStringLiteral("policy"), QStringLiteral("get"), QStringLiteral("--json")}),
                                    env());
    QCOMPARE(json.exitCode, 0);
    const QJsonObject doc = QJsonDocument::fromJson(json.out).object();
    QCOMPARE(doc.value(QStringLiteral("schema")).toInt(), 1);
    QVERIFY(doc.value(QStringLiteral("namespaces")).isArray());
}

void TestFallbackctlLive::policyApply()
{
    const Run before = runFallbackctl(remote({QStringLiteral("policy"), QStringLiteral("get")}), env());
    QCOMPARE(before.exitCode, 0);
    const QByteArray oldEtag = before.err.trimmed().mid(int(qstrlen("ETag: ")));
    QVERIFY(!oldEtag.isEmpty());

    // Unchanged: nothing to send.
    const Run same = runFallbackctl(remote({QStringLiteral("policy"), QStringLiteral("apply"), m_policyFile}), env());
    QCOMPARE(same.exitCode, 0);
    QVERIFY2(same.out.contains("already matches"), same.out.constData());

    QByteArray text = readFile(m_policyFile);
    text.replace("ttl: 300s", "ttl: 240s");
    const QString changed = writeFile(m_dir, QStringLiteral("changed.policy.yaml"), text);
    const Run apply = runFallbackctl(remote({QStringLiteral("policy"), QStringLiteral("apply"), changed}), env());
    QVERIFY2(apply.exitCode == 0, apply.err.constData());
    QVERIFY(apply.out.contains("product.ttl"));
    const Run after = runFallbackctl(remote({QStringLiteral("policy"), QStringLiteral("get")}), env());
    QCOMPARE(after.exitCode, 0);
    QVERIFY(after.err.trimmed() != before.err.trimmed()); // a new ETag
    const Loaded<Policy> live = parsePolicyYaml(after.out.toStdString(), "stdout");
    QVERIFY(live.ok());
    QCOMPARE(live.value->find("product")->ttl, 240 * kMicrosPerSecond);

    // The ETag read before the change is stale now: 412, nothing applied.
    const Run stale = runFallbackctl(remote({QStringLiteral("policy"), QStringLiteral("apply"), m_policyFile,
                                             QStringLiteral("--if-match"), QString::fromUtf8(oldEtag)}),
                                     env());
    QCOMPARE(stale.exitCode, 1);
    QVERIFY2(stale.err.contains(QByteArray("the live policy changed since " + oldEtag + "; fetch it again")), stale.err.constData());

    // A version moving back is refused by the node, whole.
    QByteArray back = text;
    back.replace("version: 3", "version: 2");
    const QString backFile = writeFile(m_dir, QStringLiteral("back.policy.yaml"), back);
    const Run refused = runFallbackctl(remote({QStringLiteral("policy"), QStringLiteral("apply"), backFile}), env());
    QCOMPARE(refused.exitCode, 1);
    QVERIFY2(refused.err.contains("policy apply failed: "), refused.err.constData());

    // A local error never reaches the node.
    const QString bad = writeFile(m_dir, QStringLiteral("bad.policy.yaml"),
                                  "schema: 1\nnamespaces:\n  - name: product\n    ttl: soon\n");
    const Run invalid = runFallbackctl(remote({QStringLiteral("policy"), QStringLiteral("apply"), bad}), env());
    QCOMPARE(invalid.exitCode, 1);
    QVERIFY(invalid.err.startsWith(QByteArray(bad.toUtf8() + ":4:10: error: ")));
}

void TestFallbackctlLive::purge()
{
    for (int i = 0; i < 3; ++i)
        QCOMPARE(read(QStringLiteral("product"), QStringLiteral("item-%1").arg(i)), 200);
    QCOMPARE(read(QStringLiteral("config"), QStringLiteral("item-1")), 200);

    const QRegularExpression purged(QStringLiteral("^purged (\\d+) entries\\n$"));
    const Run key = runFallbackctl(remote({QStringLiteral("purge"), QStringLiteral("--key"),
                                           QStringLiteral("product:item-1")}),
                                   env());
    QCOMPARE(key.exitCode, 0);
    QRegularExpressionMatch match = purged.match(QString::fromUtf8(key.out));
    QVERIFY2(match.hasMatch(), key.out.constData());
    QVERIFY(match.captured(1).toInt() >= 1);

    const Run ns = runFallbackctl(remote({QStringLiteral("purge"), QStringLiteral("--namespace"),
                                          QStringLiteral("product")}),
                                  env());
    QCOMPARE(ns.exitCode, 0);
    match = purged.match(QString::fromUtf8(ns.out));
    QVERIFY2(match.hasMatch(), ns.out.constData());
    QVERIFY(match.captured(1).toInt() >= 2);

    const Run all = runFallbackctl(remote({QStringLiteral("purge"), QStringLiteral("--all")}), env());
    QCOMPARE(all.exitCode, 0);
    match = purged.match(QString::fromUtf8(all.out));
    QVERIFY2(match.hasMatch(), all.out.constData());
    QVERIFY(match.captured(1).toInt() >= 1); // config:item-1 was still there
}

void TestFallbackctlLive::bump()
{
    const Run run = runFallbackctl(remote({QStringLiteral("bump"), QStringLiteral("config")}), env());
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(run.out, QByteArray("bumped config to version 13\n"));
    const Run json = runFallbackctl(remote({QStringLiteral("bump"), QStringLiteral("config"), QStringLiteral("--json")}),
                                    env());
    QCOMPARE(json.exitCode, 0);
    const QJsonObject doc = QJsonDocument::fromJson(json.out).object();
    QCOMPARE(doc.value(QStringLiteral("namespace")).toString(), QStringLiteral("config"));
    QCOMPARE(doc.value(QStringLiteral("version")).toInt(), 14);
}

void TestFallbackctlLive::audit()
{
    // After purge() and bump(): the node's audit route lists them, oldest
    // first, with who asked (fallbackctl names itself and its user).
    const Run table = runFallbackctl(remote({QStringLiteral("audit"), QStringLiteral("--limit"), QStringLiteral("3")}),
                                     env());
    QCOMPARE(table.exitCode, 0);
    const QStringList lines = QString::fromUtf8(table.out).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 4);
    QVERIFY2(lines[0].startsWith(QStringLiteral("TIME (UTC)")) && lines[0].endsWith(QStringLiteral("BY")),
             table.out.constData());
    QVERIFY2(lines[1].contains(QStringLiteral("purge")) && lines[1].contains(QStringLiteral("all")), table.out.constData());
    const QRegularExpression bumpRow(QStringLiteral(
        "^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z +bump +namespace config +version 14 +fallbackctl \\S+@\\S+ \\(127\\.0\\.0\\.1\\)$"));
    QVERIFY2(bumpRow.match(lines[3]).hasMatch(), qPrintable(lines[3]));

    const Run json = runFallbackctl(remote({QStringLiteral("audit"), QStringLiteral("--since"), QStringLiteral("1h"),
                                            QStringLiteral("--json")}),
                                    env());
    QCOMPARE(json.exitCode, 0);
    const QJsonObject doc = QJsonDocument::fromJson(json.out).object();
    const QJsonArray records = doc.value(QStringLiteral("records")).toArray();
    QVERIFY2(records.size() >= 5, json.out.constData()); // 3 purges, 2 bumps at least
    for (const QJsonValue& record : records) {
        QVERIFY(record.toObject().value(QStringLiteral("client")).toString().startsWith(QStringLiteral("fallbackctl ")));
        QVERIFY(record.toObject().value(QStringLiteral("seq")).toInt() > 0);
    }
    QCOMPARE(records.last().toObject().value(QStringLiteral("result")).toString(), QStringLiteral("version 14"));
    QCOMPARE(doc.value(QStringLiteral("last_seq")).toInt(), records.last().toObject().value(QStringLiteral("seq")).toInt());

    // Usage errors are refused before anything is sent.
    for (const QStringList& bad : {QStringList{QStringLiteral("audit"), QStringLiteral("extra")},
                                   QStringList{QStringLiteral("audit"), QStringLiteral("--limit"), QStringLiteral("0")},
                                   QStringList{QStringLiteral("audit"), QStringLiteral("--since"), QStringLiteral("soon")}}) {
        const Run refused = runFallbackctl(remote(bad), env());
        QCOMPARE(refused.exitCode, 2);
        QVERIFY(refused.err.contains("usage: fallbackctl audit"));
    }
}

void TestFallbackctlLive::auditFollow()
{
    // --follow --json: the latest as JSON lines, then each new action as it
    // happens, until SIGTERM ends it cleanly.
    QProcess follow;
    follow.setProcessEnvironment(env());
    follow.setProgram(QStringLiteral(FALLBACK_BINARY_DIR "/app/fallbackctl/fallbackctl"));
    follow.setArguments(remote({QStringLiteral("audit"), QStringLiteral("--limit"), QStringLiteral("2"),
                                QStringLiteral("--follow"), QStringLiteral("--json")}));
    follow.start();
    QVERIFY(follow.waitForStarted(10000));
    QByteArray out;
    auto lines = [&] {
        out += follow.readAllStandardOutput();
        return out.count('\n');
    };
    QTRY_COMPARE_WITH_TIMEOUT(lines(), 2, 20000); // the two latest
    const Run bump = runFallbackctl(remote({QStringLiteral("bump"), QStringLiteral("session")}), env());
    QCOMPARE(bump.exitCode, 0);
    QTRY_COMPARE_WITH_TIMEOUT(lines(), 3, 20000);
    const QJsonObject last = QJsonDocument::fromJson(out.split('\n').at(2)).object();
    QCOMPARE(last.value(QStringLiteral("action")).toString(), QStringLiteral("bump"));
    QCOMPARE(last.value(QStringLiteral("target")).toString(), QStringLiteral("namespace session"));
    QVERIFY(last.value(QStringLiteral("client")).toString().startsWith(QStringLiteral("fallbackctl ")));
    follow.terminate();
    QVERIFY(follow.waitForFinished(10000));
    QCOMPARE(follow.exitStatus(), QProcess::NormalExit);
    QCOMPARE(follow.exitCode(), 0);
    QCOMPARE(lines(), 3); // nothing printed twice
}

void TestFallbackctlLive::tokens()
{
    const QString wrong = writeFile(m_dir, QStringLiteral("wrong.token"), "not-the-token\n");
    const Run refused = runFallbackctl({QStringLiteral("stats"), QStringLiteral("--url"), m_nodeUrl,
                                        QStringLiteral("--token-file"), wrong},
                                       env());
    QCOMPARE(refused.exitCode, 1);
    QCOMPARE(refused.err, QByteArray("fallbackctl: the deployment refused the token (401)\n"));

    const Run none = runFallbackctl({QStringLiteral("bump"), QStringLiteral("config"), QStringLiteral("--url"),
                                     m_nodeUrl},
                                    env());
    QCOMPARE(none.exitCode, 1);
    QVERIFY(none.err.contains("(401)"));

    QProcessEnvironment withEnv = env();
    withEnv.insert(QStringLiteral("FALLBACK_TOKEN"), QString::fromLatin1(kAdminToken));
    const Run viaEnv = runFallbackctl({QStringLiteral("stats"), QStringLiteral("--url"), m_nodeUrl}, withEnv);
    QCOMPARE(viaEnv.exitCode, 0);
}

void TestFallbackctlLive::deploymentProfile()
{
    const QString profiles = writeFile(m_dir, QStringLiteral("deployments.yaml"),
                                       "schema: 1\ndeployments:\n  - name: local\n    url: " +
                                           m_nodeUrl.toUtf8() + "\n    token: file:" +
                                           m_tokenFile.toUtf8() + "\n    environment: development\n");
    const Run run = runFallbackctl({QStringLiteral("policy"), QStringLiteral("get"), QStringLiteral("--deployment"),
                                    QStringLiteral("local"), QStringLiteral("--profiles"), profiles},
                                   env());
    QCOMPARE(run.exitCode, 0);
    QVERIFY(parsePolicyYaml(run.out.toStdString(), "stdout").ok());
}

void TestFallbackctlLive::originCacheControlWarnings()
{
    // The origin forbids stale copies (SPEC §8); the demo policy serves them.
    QCOMPARE(controlOrigin(QStringLiteral("/control/headers"), R"({"Cache-Control":"max-age=60, s-maxage=60"})"), 200);
    QCOMPARE(read(QStringLiteral("config"), QStringLiteral("item-77")), 200);
    const QByteArray warning = "namespace 'config': the origin's answers carry 'Cache-Control: max-age=60, "
                               "s-maxage=60' (1 answer, latest ";
    const QByteArray conflict = "s-maxage forbids a shared cache to serve stale copies, but this node serves them "
                                "for up to 30s (stale_while_revalidate) or 6h (stale_if_error), and from its "
                                "client cache when the origin fails\n";

    // stats: under the health line, which stays ok.
    const Run stats = runFallbackctl(remote({QStringLiteral("stats")}), env());
    QCOMPARE(stats.exitCode, 0);
    QVERIFY2(stats.out.contains(QByteArray(QByteArray("\nhealth     ok\nwarning    ") + warning)), stats.out.constData());
    QVERIFY2(stats.out.contains(conflict), stats.out.constData());

    // policy apply: the action happens (exit 0) and the warning is on stderr.
    const Run live = runFallbackctl(remote({QStringLiteral("policy"), QStringLiteral("get")}), env());
    QCOMPARE(live.exitCode, 0);
    QByteArray text = live.out; // config was bumped by now: start from what is in force
    QVERIFY(text.contains("  - name: config\n    version: 14\n    ttl: 1m\n"));
    text.replace("  - name: config\n    version: 14\n    ttl: 1m\n", "  - name: config\n    version: 14\n    ttl: 90s\n");
    const QString changed = writeFile(m_dir, QStringLiteral("config-ttl.policy.yaml"), text);
    const Run apply = runFallbackctl(remote({QStringLiteral("policy"), QStringLiteral("apply"), changed}), env());
    QVERIFY2(apply.exitCode == 0, apply.err.constData());
    QVERIFY2(apply.out.contains("config.ttl"), apply.out.constData());
    QVERIFY2(apply.err.contains(QByteArray(QByteArray("\nwarning: ") + warning)), apply.err.constData());

    QCOMPARE(controlOrigin(QStringLiteral("/control/headers"), "{}"), 200);
}

QTEST_GUILESS_MAIN(TestFallbackctlLive)
#include "tst_fallbackctllive.moc"
