// fallbackctl's remote commands (SPEC §5) run as the real binary: usage
// errors (exit 2), an unreachable deployment (exit 3) for every command, and
// the behaviour against a scripted node inside the test — headers sent,
// ETag / If-Match, 412, 400 with diagnostics, not retrying writes.
// tst_fallbackctltargets covers tokens and profiles; tst_fallbackctllive
// drives a real node.
#include "fallbackctlrunner.h"
#include "live/remotestats.h"
#include "policy/policyloader.h"
#include "report/summary.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace fallback;

namespace {

/// The policy a scripted node serves, as JSON: the demo policy.
QByteArray demoPolicyJson()
{
    const Loaded<Policy> demo = loadPolicyFile(FALLBACK_EXAMPLES_DIR "/demo.policy.yaml");
    if (!demo.ok())
        qFatal("demo policy does not load");
    return QByteArray::fromStdString(live::policyToJson(*demo.value).dump());
}

QByteArray statsJson()
{
    RunSummary summary;
    summary.requests = 42;
    summary.wallSeconds = 12.5;
    summary.stats.tiers[0].lookups = 40;
    summary.stats.tiers[0].hits = 30;
    summary.stats.requests.requests = 40;
    summary.stats.requests.servedBy[0] = 30;
    summary.stats.latency.record(1500);
    NamespaceStats ns;
    ns.name = "product";
    ns.version = 3;
    ns.requests.requests = 40;
    summary.stats.namespaces.push_back(ns);
    nlohmann::json doc = summaryToJson(summary);
    doc["namespaces"] = namespacesToJson(summary.stats);
    doc["series"] = seriesToJson(summary.stats);
    return QByteArray::fromStdString(doc.dump());
}

} // namespace

class TestFallbackctlRemote : public QObject {
    Q_OBJECT

private slots:
    void init();

    void usageErrors_data();
    void usageErrors();
    void helpPerCommand_data();
    void helpPerCommand();
    void unreachable_data();
    void unreachable();
    void timeoutIsUnreachable();

    void statsTableAndJson();
    void policyGetPrintsYamlAndEtag();
    void policyApplyUsesTheLiveEtag();
    void policyApplyStaleEtag();
    void policyApplyRefusedWithDiagnostics();
    void policyApplyChecksTheFileFirst();
    void policyApplyNothingToDo();
    void purgeScopes_data();
    void purgeScopes();
    void purgeIsNotRetried();
    void purgeRejectsBadKeys();
    void bumpPrintsTheNewVersion();


private:
    QProcessEnvironment env() const { return cleanEnvironment(m_home->path()); }
    QString tokenFile() { return writeTokenFile(*m_home); }

    std::unique_ptr<QTemporaryDir> m_home;
};

void TestFallbackctlRemote::init()
{
    m_home = std::make_unique<QTemporaryDir>();
    QVERIFY(m_home->isValid());
}

void TestFallbackctlRemote::usageErrors_data()
{
    const QString url = QStringLiteral("http://127.0.0.1:9");
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("stats without target") << QStringList{QStringLiteral("stats")}
                                          << QStringLiteral("stats needs --url URL or --deployment NAME");
    QTest::newRow("url and deployment")
        << QStringList{QStringLiteral("stats"), QStringLiteral("--url"), url, QStringLiteral("--deployment"),
                       QStringLiteral("x")}
        << QStringLiteral("--url and --deployment cannot both be given");
    QTest::newRow("profiles without deployment")
        << QStringList{QStringLiteral("stats"), QStringLiteral("--url"), url, QStringLiteral("--profiles"),
                       QStringLiteral("d.yaml")}
        << QStringLiteral("--profiles goes with --deployment");
    QTest::newRow("url without value") << QStringList{QStringLiteral("stats"), QStringLiteral("--url")}
                                       << QStringLiteral("--url needs a value");
    QTest::newRow("url not http") << QStringList{QStringLiteral("stats"), QStringLiteral("--url"),
                                                 QStringLiteral("ftp://x")}
                                   << QStringLiteral("--url must start with http:// or https://");
    QTest::newRow("unknown option") << QStringList{QStringLiteral("stats"), QStringLiteral("--jsn"),
                                                   QStringLiteral("--url"), url}
                                    << QStringLiteral("stats has no option '--jsn' (did you mean '--json'?)");
    QTest::newRow("option of another command")
        << QStringList{QStringLiteral("stats"), QStringLiteral("--all"), QStringLiteral("--url"), url}
        << QStringLiteral("stats has no option '--all'");
    QTest::newRow("bad timeout") << QStringList{QStringLiteral("stats"), QStringLiteral("--url"), url,
                                                QStringLiteral("--timeout"), QStringLiteral("soon")}
                                 << QStringLiteral("--timeout needs a duration");
    QTest::newRow("zero timeout") << QStringList{QStringLiteral("stats"), QStringLiteral("--url"), url,
                                                 QStringLiteral("--timeout=0s")}
                                  << QStringLiteral("--timeout needs a duration");
    QTest::newRow("url twice") << QStringList{QStringLiteral("stats"), QStringLiteral("--url"), url,
                                              QStringLiteral("--url"), url}
                               << QStringLiteral("--url is given twice");
    QTest::newRow("if-match twice") << QStringList{QStringLiteral("policy"), QStringLiteral("apply"),
                                                   example("demo.policy.yaml"), QStringLiteral("--if-match"),
                                                   QStringLiteral("\"a\""), QStringLiteral("--if-match=\"b\""),
                                                   QStringLiteral("--url"), url}
                                    << QStringLiteral("--if-match is given twice");
    // A header injection is bad input (exit 2), not an unreachable node.
    QTest::newRow("if-match with a line break")
        << QStringList{QStringLiteral("policy"), QStringLiteral("apply"), example("demo.policy.yaml"),
                       QStringLiteral("--if-match"), QStringLiteral("\"e1\"\r\nX-Evil: 1"),
                       QStringLiteral("--url"), url}
        << QStringLiteral("--if-match needs the ETag as the deployment sent it");
    QTest::newRow("namespace twice") << QStringList{QStringLiteral("purge"), QStringLiteral("--namespace"),
                                                    QStringLiteral("a"), QStringLiteral("--namespace"),
                                                    QStringLiteral("b"), QStringLiteral("--url"), url}
                                     << QStringLiteral("--namespace is given twice");
    QTest::newRow("stats argument") << QStringList{QStringLiteral("stats"), QStringLiteral("extra"),
                                                   QStringLiteral("--url"), url}
                                    << QStringLiteral("stats takes no argument 'extra'");
    QTest::newRow("policy alone") << QStringList{QStringLiteral("policy")}
                                  << QStringLiteral("policy needs 'get' or 'apply'");
    QTest::newRow("policy bad action") << QStringList{QStringLiteral("policy"), QStringLiteral("put")}
                                       << QStringLiteral("policy has no action 'put'");
    QTest::newRow("policy get file") << QStringList{QStringLiteral("policy"), QStringLiteral("get"),
                                                    QStringLiteral("x.yaml"), QStringLiteral("--url"), url}
                                     << QStringLiteral("policy get takes no argument 'x.yaml'");
    QTest::newRow("policy apply no file") << QStringList{QStringLiteral("policy"), QStringLiteral("apply"),
                                                         QStringLiteral("--url"), url}
                                          << QStringLiteral("policy apply needs a policy FILE");
    QTest::newRow("policy apply json") << QStringList{QStringLiteral("policy"), QStringLiteral("apply"),
                                                      example("demo.policy.yaml"), QStringLiteral("--json"),
                                                      QStringLiteral("--url"), url}
                                       << QStringLiteral("policy apply has no option '--json'");
    QTest::newRow("purge no scope") << QStringList{QStringLiteral("purge"), QStringLiteral("--url"), url}
                                    << QStringLiteral("purge needs --key NS:ID, --namespace NS or --all");
    QTest::newRow("purge two scopes") << QStringList{QStringLiteral("purge"), QStringLiteral("--all"),
                                                     QStringLiteral("--namespace"), QStringLiteral("product"),
                                                     QStringLiteral("--url"), url}
                                      << QStringLiteral("purge takes one of --key, --namespace and --all");
    QTest::newRow("purge all with value") << QStringList{QStringLiteral("purge"), QStringLiteral("--all=yes"),
                                                         QStringLiteral("--url"), url}
                                          << QStringLiteral("--all takes no value");
    QTest::newRow("bump no ns") << QStringList{QStringLiteral("bump"), QStringLiteral("--url"), url}
                                << QStringLiteral("bump needs a namespace NS");
    QTest::newRow("bump two ns") << QStringList{QStringLiteral("bump"), QStringLiteral("a"), QStringLiteral("b"),
                                                QStringLiteral("--url"), url}
                                 << QStringLiteral("bump takes one NS, got also 'b'");
}

void TestFallbackctlRemote::usageErrors()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const Run run = runFallbackctl(args, env());
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.startsWith(QByteArray("fallbackctl: " + message.toUtf8())), run.err.constData());
    QVERIFY(run.err.contains("usage: fallbackctl"));
    QCOMPARE(run.out, QByteArray());
}

void TestFallbackctlRemote::helpPerCommand_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("usage");
    QTest::newRow("main") << QStringList{QStringLiteral("--help")} << QStringLiteral("policy apply FILE");
    QTest::newRow("stats") << QStringList{QStringLiteral("stats"), QStringLiteral("--help")}
                           << QStringLiteral("usage: fallbackctl stats");
    QTest::newRow("policy") << QStringList{QStringLiteral("policy"), QStringLiteral("--help")}
                            << QStringLiteral("usage: fallbackctl policy get");
    QTest::newRow("policy apply") << QStringList{QStringLiteral("policy"), QStringLiteral("apply"),
                                                 QStringLiteral("-h")}
                                  << QStringLiteral("fallbackctl policy apply FILE");
    QTest::newRow("purge") << QStringList{QStringLiteral("purge"), QStringLiteral("--help")}
                           << QStringLiteral("usage: fallbackctl purge");
    QTest::newRow("bump") << QStringList{QStringLiteral("bump"), QStringLiteral("--help")}
                          << QStringLiteral("usage: fallbackctl bump NS");
    QTest::newRow("audit") << QStringList{QStringLiteral("audit"), QStringLiteral("--help")}
                           << QStringLiteral("usage: fallbackctl audit");
    QTest::newRow("main names audit") << QStringList{QStringLiteral("help")} << QStringLiteral("audit [--since");
}

void TestFallbackctlRemote::helpPerCommand()
{
    QFETCH(QStringList, args);
    QFETCH(QString, usage);
    const Run run = runFallbackctl(args, env());
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.out.contains(usage.toUtf8()), run.out.constData());
    // Every help names the default profiles file and the token sources.
    QVERIFY(run.out.contains("fallback-console/deployments.yaml"));
    QVERIFY(run.out.contains("FALLBACK_TOKEN"));
}

void TestFallbackctlRemote::unreachable_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::newRow("stats") << QStringList{QStringLiteral("stats")};
    QTest::newRow("stats json") << QStringList{QStringLiteral("stats"), QStringLiteral("--json")};
    QTest::newRow("policy get") << QStringList{QStringLiteral("policy"), QStringLiteral("get")};
    QTest::newRow("policy apply") << QStringList{QStringLiteral("policy"), QStringLiteral("apply"),
                                                 example("demo.policy.yaml")};
    QTest::newRow("policy apply if-match") << QStringList{QStringLiteral("policy"), QStringLiteral("apply"),
                                                          example("demo.policy.yaml"), QStringLiteral("--if-match"),
                                                          QStringLiteral("\"e1\"")};
    QTest::newRow("purge key") << QStringList{QStringLiteral("purge"), QStringLiteral("--key"),
                                              QStringLiteral("product:1"), QStringLiteral("--key"),
                                              QStringLiteral("product:2")};
    QTest::newRow("purge namespace") << QStringList{QStringLiteral("purge"), QStringLiteral("--namespace"),
                                                    QStringLiteral("product")};
    QTest::newRow("purge all") << QStringList{QStringLiteral("purge"), QStringLiteral("--all")};
    QTest::newRow("bump") << QStringList{QStringLiteral("bump"), QStringLiteral("product")};
}

void TestFallbackctlRemote::unreachable()
{
    QFETCH(QStringList, args);
    const std::string url = closedPortUrl();
    const Run run = runFallbackctl(withUrl(args, url) << QStringLiteral("--token-file") << tokenFile(), env());
    QCOMPARE(run.exitCode, 3);
    QVERIFY2(run.err.startsWith(QByteArray("fallbackctl: cannot reach " + QByteArray::fromStdString(url) + ": ")),
             run.err.constData());
    QVERIFY(!run.err.contains(kToken));
    QCOMPARE(run.out, QByteArray());
}

void TestFallbackctlRemote::timeoutIsUnreachable()
{
    ScriptedServer server([](const Seen&, int) { return std::optional<QByteArray>(); });
    const Run run = runFallbackctl(withUrl({QStringLiteral("bump"), QStringLiteral("product"),
                                            QStringLiteral("--timeout"), QStringLiteral("300ms")},
                                           server.url()),
                                   env());
    QCOMPARE(run.exitCode, 3);
    QVERIFY2(run.err.contains("timed out"), run.err.constData());
    QCOMPARE(server.seen().size(), std::size_t(1));
}

void TestFallbackctlRemote::statsTableAndJson()
{
    // Health says why the node is degraded (with a stray escape sequence
    // that must not reach the terminal) and what its purge limit leaves;
    // stats answer the rest.
    ScriptedServer server([](const Seen& seen, int) -> std::optional<QByteArray> {
        if (seen.path == "/v1/admin/health")
            return ScriptedServer::answer(
                200, R"({"status":"degraded","reason":"audit log: 1 line waiting for the disk\u001b[2J",)"
                     R"("purge_limit":{"limit":60,"window_seconds":60,"remaining":3,"full_in_seconds":57}})");
        return ScriptedServer::answer(200, statsJson());
    });
    const Run table = runFallbackctl(withUrl({QStringLiteral("stats"), QStringLiteral("--token-file"), tokenFile()},
                                             server.url()),
                                     env());
    QCOMPARE(table.err, QByteArray());
    QCOMPARE(table.exitCode, 0);
    QVERIFY(table.out.startsWith(QByteArray("deployment " + QByteArray::fromStdString(server.url()) + "\n" +
                                            "health     degraded: audit log: 1 line waiting for the disk [2J\n"
                                            "limit      3 of 60 purges and bumps left, resets in 57 s\n")));
    QVERIFY2(table.out.contains("edge_cache"), table.out.constData());
    QVERIFY(table.out.contains("75.00%")); // 30 of 40 lookups
    QVERIFY(table.out.contains("product"));

    const Run json = runFallbackctl(withUrl({QStringLiteral("stats"), QStringLiteral("--json")}, server.url()), env());
    QCOMPARE(json.exitCode, 0);
    const QJsonObject doc = QJsonDocument::fromJson(json.out).object();
    QCOMPARE(doc.value(QStringLiteral("requests")).toInt(), 42);
    QVERIFY(doc.contains(QStringLiteral("namespaces")));

    // The table asked for health too; --json prints the stats document only.
    QCOMPARE(server.seen().size(), std::size_t(3));
    QCOMPARE(server.seen()[0].path, QByteArray("/v1/admin/stats"));
    QCOMPARE(server.seen()[0].headers.at("authorization"), QByteArray("Bearer ") + kToken);
    QCOMPARE(server.seen()[1].path, QByteArray("/v1/admin/health"));
    QCOMPARE(server.seen()[2].path, QByteArray("/v1/admin/stats"));
    QVERIFY(!server.seen()[2].headers.count("authorization")); // no token given

    // A deployment without a health answer: the stats alone, no guess.
    ScriptedServer noHealth([](const Seen& seen, int) -> std::optional<QByteArray> {
        if (seen.path == "/v1/admin/health")
            return ScriptedServer::answer(404, R"({"error":"not found"})");
        return ScriptedServer::answer(200, statsJson());
    });
    const Run bare = runFallbackctl(withUrl({QStringLiteral("stats")}, noHealth.url()), env());
    QCOMPARE(bare.exitCode, 0);
    QVERIFY2(!bare.out.contains("health"), bare.out.constData());
    QVERIFY(bare.out.contains("edge_cache"));
}

void TestFallbackctlRemote::policyGetPrintsYamlAndEtag()
{
    ScriptedServer server(always(200, demoPolicyJson(), "ETag: \"p-7\"\r\n"));
    const Run yaml = runFallbackctl(withUrl({QStringLiteral("policy"), QStringLiteral("get")}, server.url()), env());
    QCOMPARE(yaml.exitCode, 0);
    QCOMPARE(yaml.err, QByteArray("ETag: \"p-7\"\n"));
    const Loaded<Policy> printed = parsePolicyYaml(yaml.out.toStdString(), "stdout");
    QVERIFY2(printed.ok(), printed.diagnostics.format().c_str());
    QVERIFY(*printed.value == *loadPolicyFile(FALLBACK_EXAMPLES_DIR "/demo.policy.yaml").value);

    const Run json = runFallbackctl(withUrl({QStringLiteral("policy"), QStringLiteral("get"), QStringLiteral("--json")},
                                            server.url()),
                                    env());
    QCOMPARE(json.exitCode, 0);
    QCOMPARE(QJsonDocument::fromJson(json.out).object().value(QStringLiteral("schema")).toInt(), 1);
}

void TestFallbackctlRemote::policyApplyUsesTheLiveEtag()
{
    ScriptedServer server([](const Seen& seen, int) {
        if (seen.method == "GET")
            return ScriptedServer::answer(200, demoPolicyJson(), "ETag: \"e1\"\r\n");
        if (seen.headers.count("if-match") && seen.headers.at("if-match") == "\"e1\"")
            return ScriptedServer::answer(200, "{}", "ETag: \"e2\"\r\n");
        return ScriptedServer::answer(412, R"({"error":"stale"})");
    });
    QTemporaryDir dir;
    QFile demo(example("demo.policy.yaml"));
    QVERIFY(demo.open(QIODevice::ReadOnly));
    QByteArray text = demo.readAll();
    text.replace("ttl: 300s", "ttl: 240s");
    const QString file = writeFile(dir, QStringLiteral("new.policy.yaml"), text);
    const Run run = runFallbackctl(withUrl({QStringLiteral("policy"), QStringLiteral("apply"), file,
                                            QStringLiteral("--token-file"), tokenFile()},
                                           server.url()),
                                   env());
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.out.startsWith(QByteArray("applied " + file.toUtf8())), run.out.constData());
    QVERIFY2(run.out.contains("  product.ttl: 5m \xe2\x86\x92 4m\n"), run.out.constData());
    QCOMPARE(run.err, QByteArray("ETag: \"e2\"\n"));

    QCOMPARE(server.seen().size(), std::size_t(2));
    const Seen& put = server.seen()[1];
    QCOMPARE(put.method, QByteArray("PUT"));
    QCOMPARE(put.path, QByteArray("/v1/admin/policy"));
    QCOMPARE(put.headers.at("authorization"), QByteArray("Bearer ") + kToken);
    const Loaded<Policy> sent = live::parsePolicyText(put.body.toStdString(), "body");
    QVERIFY(sent.ok());
    QCOMPARE(sent.value->find("product")->ttl, 240 * kMicrosPerSecond);
}

void TestFallbackctlRemote::policyApplyStaleEtag()
{
    ScriptedServer server(always(412, R"({"error":"the policy changed"})"));
    const Run run = runFallbackctl(withUrl({QStringLiteral("policy"), QStringLiteral("apply"),
                                            example("demo.policy.yaml"), QStringLiteral("--if-match"),
                                            QStringLiteral("\"old\"")},
                                           server.url()),
                                   env());
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains("the live policy changed since \"old\"; fetch it again"), run.err.constData());
    // --if-match given: no GET first, one PUT, never retried.
    QCOMPARE(server.seen().size(), std::size_t(1));
    QCOMPARE(server.seen()[0].headers.at("if-match"), QByteArray("\"old\""));
}

void TestFallbackctlRemote::policyApplyRefusedWithDiagnostics()
{
    ScriptedServer server(always(400, R"({"error":"the policy is invalid","diagnostics":[)"
                                      R"("body:1:2: error: version of 'product' cannot go back from 4 to 3",)"
                                      R"({"line":3,"column":1,"message":"second problem"}]})"));
    const Run run = runFallbackctl(withUrl({QStringLiteral("policy"), QStringLiteral("apply"),
                                            example("demo.policy.yaml"), QStringLiteral("--if-match=\"e\"")},
                                           server.url()),
                                   env());
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains("policy apply failed: the policy is invalid (HTTP 400)"), run.err.constData());
    QVERIFY(run.err.contains("cannot go back from 4 to 3"));
    QVERIFY(run.err.contains("second problem"));

    ScriptedServer conflict(always(409, R"({"error":"a policy change is in progress"})"));
    const Run second = runFallbackctl(withUrl({QStringLiteral("policy"), QStringLiteral("apply"),
                                               example("demo.policy.yaml"), QStringLiteral("--if-match"),
                                               QStringLiteral("\"e\"")},
                                              conflict.url()),
                                      env());
    QCOMPARE(second.exitCode, 1);
    QVERIFY(second.err.contains("a policy change is in progress (HTTP 409)"));
}

void TestFallbackctlRemote::policyApplyChecksTheFileFirst()
{
    ScriptedServer server(always(200));
    QTemporaryDir dir;
    const QString file = writeFile(dir, QStringLiteral("bad.policy.yaml"),
                                   "schema: 1\ndefaults:\n  tll: 120s\nnamespaces: []\n");
    const Run run = runFallbackctl(withUrl({QStringLiteral("policy"), QStringLiteral("apply"), file}, server.url()),
                                   env());
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.startsWith(QByteArray(file.toUtf8() + ":3:3: error: ")), run.err.constData());
    QVERIFY(run.err.contains("did you mean 'ttl'"));
    QCOMPARE(server.seen().size(), std::size_t(0));

    const Run missing = runFallbackctl(withUrl({QStringLiteral("policy"), QStringLiteral("apply"),
                                                dir.filePath(QStringLiteral("absent.yaml"))},
                                               server.url()),
                                       env());
    QCOMPARE(missing.exitCode, 1);
    QCOMPARE(server.seen().size(), std::size_t(0));
}

void TestFallbackctlRemote::policyApplyNothingToDo()
{
    ScriptedServer server(always(200, demoPolicyJson(), "ETag: \"e1\"\r\n"));
    const Run run = runFallbackctl(withUrl({QStringLiteral("policy"), QStringLiteral("apply"),
                                            example("demo.policy.yaml")},
                                           server.url()),
                                   env());
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.out.contains("already matches"), run.out.constData());
    QCOMPARE(server.seen().size(), std::size_t(1)); // the GET only
}

void TestFallbackctlRemote::purgeScopes_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("keys") << QStringList{QStringLiteral("--key"), QStringLiteral("product:1"), QStringLiteral("--key"),
                                         QStringLiteral("config:a:b")}
                          << QByteArray(R"({"keys":["product:1","config:a:b"]})");
    QTest::newRow("namespace") << QStringList{QStringLiteral("--namespace=product")}
                               << QByteArray(R"({"namespace":"product"})");
    QTest::newRow("all") << QStringList{QStringLiteral("--all")} << QByteArray(R"({"all":true})");
}

void TestFallbackctlRemote::purgeScopes()
{
    QFETCH(QStringList, args);
    QFETCH(QByteArray, body);
    ScriptedServer server(always(200, R"({"purged":17})"));
    const Run run = runFallbackctl(withUrl(QStringList{QStringLiteral("purge")} + args, server.url()), env());
    QCOMPARE(run.err, QByteArray());
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(run.out, QByteArray("purged 17 entries\n"));
    QCOMPARE(server.seen().size(), std::size_t(1));
    QCOMPARE(server.seen()[0].method, QByteArray("POST"));
    QCOMPARE(server.seen()[0].path, QByteArray("/v1/admin/purge"));
    QCOMPARE(server.seen()[0].body, body);
}

void TestFallbackctlRemote::purgeIsNotRetried()
{
    ScriptedServer server(always(503, R"({"error":"Service unavailable"})"));
    const Run run = runFallbackctl(withUrl({QStringLiteral("purge"), QStringLiteral("--all")}, server.url()), env());
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains("purge failed: Service unavailable (HTTP 503)"), run.err.constData());
    QCOMPARE(server.seen().size(), std::size_t(1));
}

void TestFallbackctlRemote::purgeRejectsBadKeys()
{
    ScriptedServer server(always(200, R"({"purged":0})"));
    const Run noColon = runFallbackctl(withUrl({QStringLiteral("purge"), QStringLiteral("--key"),
                                                QStringLiteral("product")},
                                               server.url()),
                                       env());
    QCOMPARE(noColon.exitCode, 1);
    QVERIFY(noColon.err.contains("--key 'product'"));
    const Run badNamespace = runFallbackctl(withUrl({QStringLiteral("purge"), QStringLiteral("--namespace"),
                                                     QStringLiteral("Product")},
                                                    server.url()),
                                            env());
    QCOMPARE(badNamespace.exitCode, 1);
    const Run badBump = runFallbackctl(withUrl({QStringLiteral("bump"), QStringLiteral("../x")}, server.url()), env());
    QCOMPARE(badBump.exitCode, 1);
    QCOMPARE(server.seen().size(), std::size_t(0));
}

void TestFallbackctlRemote::bumpPrintsTheNewVersion()
{
    ScriptedServer server(always(200, R"({"namespace":"product","version":4})"));
    const Run run = runFallbackctl(withUrl({QStringLiteral("bump"), QStringLiteral("product")}, server.url()), env());
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(run.out, QByteArray("bumped product to version 4\n"));
    QCOMPARE(server.seen()[0].method, QByteArray("POST"));
    QCOMPARE(server.seen()[0].path, QByteArray("/v1/admin/namespaces/product/bump"));

    const Run json = runFallbackctl(withUrl({QStringLiteral("bump"), QStringLiteral("product"),
                                             QStringLiteral("--json")},
                                            server.url()),
                                    env());
    QCOMPARE(json.exitCode, 0);
    QCOMPARE(QJsonDocument::fromJson(json.out).object().value(QStringLiteral("version")).toInt(), 4);
}

QTEST_GUILESS_MAIN(TestFallbackctlRemote)
#include "tst_fallbackctlremote.moc"
