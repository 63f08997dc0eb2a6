// Tests of deployment profiles (`deployments.yaml`, SPEC §4): token
// references only, never secrets; every diagnostic as an exact line; all
// problems in one pass; round trips.
#include "live/profiles.h"

#include <QtTest>

#include <string>

using namespace fallback;

namespace {

QString q(const std::string& text) { return QString::fromStdString(text); }

std::string fixture(const char* name) { return std::string(FALLBACK_FIXTURES_DIR "/profiles/") + name; }

// Lines 1-4; rows add keys of the first deployment from line 5.
const QByteArray kHead = "schema: 1\n"
                         "deployments:\n"
                         "  - name: staging-eu\n"
                         "    url: https://edge.example.com\n";

} // namespace

class TestProfiles : public QObject {
    Q_OBJECT

private slots:
    void loadsSpecExample();
    void emptyListIsAllowed();
    void diagnostics_data();
    void diagnostics();
    void secretsAreNeverEchoed();
    void reportsEveryProblemInOnePass();
    void warnings_data();
    void warnings();
    void missingFile();
    void neverCrashes_data();
    void neverCrashes();
    void roundTrip();
    void examplesLoad();
};

void TestProfiles::loadsSpecExample()
{
    const Loaded<std::vector<DeploymentProfile>> loaded = loadProfilesFile(fixture("deployments.yaml"));
    QCOMPARE(q(loaded.diagnostics.format()), QString());
    QVERIFY(loaded.ok());
    const std::vector<DeploymentProfile>& profiles = *loaded.value;
    QCOMPARE(profiles.size(), std::size_t(3));

    const DeploymentProfile& staging = profiles[0];
    QCOMPARE(q(staging.name), QStringLiteral("staging-eu"));
    QCOMPARE(q(staging.kind), QStringLiteral("fallback-node"));
    QCOMPARE(q(staging.url), QStringLiteral("https://edge-eu.staging.example.com"));
    QVERIFY(staging.token == (TokenSource{TokenSource::Kind::Env, "EDGE_STAGING_TOKEN"}));
    QCOMPARE(q(staging.environment), QStringLiteral("staging"));
    QVERIFY(!staging.isProduction());
    QCOMPARE(staging.pollInterval, 2 * kMicrosPerSecond);

    const DeploymentProfile& production = profiles[1];
    QVERIFY(production.isProduction());
    QVERIFY(production.token == (TokenSource{TokenSource::Kind::Keychain, "fallback/production-us"}));
    QCOMPARE(production.pollInterval, 500 * kMicrosPerMilli);
    QCOMPARE(q(production.kind), QStringLiteral("fallback-node")); // the default

    const DeploymentProfile& local = profiles[2];
    QCOMPARE(q(local.name), QStringLiteral("local node"));
    QVERIFY(local.token == (TokenSource{TokenSource::Kind::File, "/run/secrets/fallback-token"}));
    QCOMPARE(q(local.environment), QStringLiteral("development"));
    QCOMPARE(local.pollInterval, 2 * kMicrosPerSecond); // the default

    // No token at all is allowed: the console asks for one per session.
    const auto bare = parseProfilesYaml(kHead.toStdString(), "d.yaml");
    QVERIFY(bare.ok());
    QCOMPARE(bare.value->front().token.kind, TokenSource::Kind::None);
}

void TestProfiles::emptyListIsAllowed()
{
    const auto loaded = parseProfilesYaml("schema: 1\ndeployments: []\n", "d.yaml");
    QCOMPARE(q(loaded.diagnostics.format()), QString());
    QVERIFY(loaded.ok());
    QVERIFY(loaded.value->empty());
}

void TestProfiles::diagnostics_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<QString>("expected");

    QTest::newRow("empty file") << QByteArray()
                                << QStringLiteral("d.yaml:1:1: error: the file is empty: a deployments file starts with 'schema: 1'\n");
    QTest::newRow("root is a list") << QByteArray("- name: x\n")
                                    << QStringLiteral("d.yaml:1:1: error: a deployments file must be a mapping of keys (schema: 1, ...), not a list\n");
    QTest::newRow("syntax error") << QByteArray("schema: 1\ndeployments: [\n")
                                  << QStringLiteral("d.yaml:3:1: error: invalid YAML: end of sequence flow not found\n");
    QTest::newRow("missing schema") << QByteArray("deployments: []\n")
                                    << QStringLiteral("d.yaml:1:1: error: missing key 'schema': this file format needs 'schema: 1'\n");
    QTest::newRow("wrong schema") << QByteArray("schema: 0\ndeployments: []\n")
                                  << QStringLiteral("d.yaml:1:9: error: schema '0' is not supported: this version reads schema 1\n");
    QTest::newRow("missing deployments") << QByteArray("schema: 1\n")
                                         << QStringLiteral("d.yaml:1:1: error: missing key 'deployments' at the top level\n");
    QTest::newRow("deployments is a mapping")
        << QByteArray("schema: 1\ndeployments: { a: 1 }\n")
        << QStringLiteral("d.yaml:2:14: error: deployments must be a list of deployments (use [] for none), not a mapping\n");
    QTest::newRow("unknown top-level key") << QByteArray("schema: 1\ndeployment: []\n")
                                           << QStringLiteral("d.yaml:1:1: error: missing key 'deployments' at the top level\n"
                                                             "d.yaml:2:1: error: unknown key 'deployment' at the top level (did you mean 'deployments'?)\n");
    QTest::newRow("deployment is a word") << QByteArray("schema: 1\ndeployments:\n  - staging\n")
                                          << QStringLiteral("d.yaml:3:5: error: each deployment must be a mapping of keys, not a single value\n");
    QTest::newRow("missing name and url") << QByteArray("schema: 1\ndeployments:\n  - environment: staging\n")
                                          << QStringLiteral("d.yaml:3:5: error: missing key 'name' in deployment\n"
                                                            "d.yaml:3:5: error: missing key 'url' in deployment\n");
    QTest::newRow("unknown key") << kHead + "    enviroment: staging\n"
                                 << QStringLiteral("d.yaml:5:5: error: unknown key 'enviroment' in deployment (did you mean 'environment'?)\n");
    QTest::newRow("duplicate name")
        << kHead + "  - name: staging-eu\n    url: https://other.example.com\n"
        << QStringLiteral("d.yaml:5:11: error: duplicate deployment 'staging-eu' (first declared at line 3)\n");
    QTest::newRow("empty name") << QByteArray("schema: 1\ndeployments:\n  - { name: \"\", url: \"https://x\" }\n")
                                << QStringLiteral("d.yaml:3:13: error: name '' is invalid: use 1 to 100 printable characters\n");
    QTest::newRow("unsupported kind") << kHead + "    kind: fallback-nod\n"
                                      << QStringLiteral("d.yaml:5:11: error: kind 'fallback-nod' is not supported: use fallback-node (did you mean 'fallback-node'?)\n");
    QTest::newRow("url scheme") << QByteArray("schema: 1\ndeployments:\n  - name: a\n    url: ftp://edge.example.com\n")
                                << QStringLiteral("d.yaml:4:10: error: url 'ftp://edge.example.com' is invalid: it must start with http:// or https://\n");
    QTest::newRow("url without scheme") << QByteArray("schema: 1\ndeployments:\n  - name: a\n    url: edge.example.com\n")
                                        << QStringLiteral("d.yaml:4:10: error: url 'edge.example.com' is invalid: it must start with http:// or https://\n");
    QTest::newRow("url without host") << QByteArray("schema: 1\ndeployments:\n  - name: a\n    url: https:///v1\n")
                                      << QStringLiteral("d.yaml:4:10: error: url 'https:///v1' is invalid: it needs a host, as in https://edge.example.com\n");
    QTest::newRow("url with credentials")
        << QByteArray("schema: 1\ndeployments:\n  - name: a\n    url: https://admin:hunter2@edge.example.com\n")
        << QStringLiteral("d.yaml:4:10: error: url must not hold credentials (user:password@): put the token behind token: instead\n");
    QTest::newRow("literal token") << kHead + "    token: sk_live_abc123\n"
                                   << QStringLiteral("d.yaml:5:12: error: tokens never live in the YAML: use env:, file: or keychain:\n");
    QTest::newRow("bearer token") << kHead + "    token: \"Bearer abc.def\"\n"
                                  << QStringLiteral("d.yaml:5:12: error: tokens never live in the YAML: use env:, file: or keychain:\n");
    QTest::newRow("unknown token source") << kHead + "    token: vault:secret/edge\n"
                                          << QStringLiteral("d.yaml:5:12: error: tokens never live in the YAML: use env:, file: or keychain:\n");
    QTest::newRow("bad env name") << kHead + "    token: env:1TOKEN\n"
                                  << QStringLiteral("d.yaml:5:12: error: token env: needs an environment variable name such as env:EDGE_TOKEN (letters, digits and '_')\n");
    QTest::newRow("empty file token") << kHead + "    token: \"file:\"\n"
                                      << QStringLiteral("d.yaml:5:12: error: token file: needs the path of the file that holds the token\n");
    QTest::newRow("file token with a control character") << kHead + "    token: \"file:/run/a\\tb\"\n"
                                                        << QStringLiteral("d.yaml:5:12: error: token file: needs the path of the file that holds the token\n");
    QTest::newRow("empty keychain token") << kHead + "    token: \"keychain:\"\n"
                                          << QStringLiteral("d.yaml:5:12: error: token keychain: needs the name of a keychain entry\n");
    QTest::newRow("token is a mapping") << kHead + "    token: { env: X }\n"
                                        << QStringLiteral("d.yaml:5:12: error: token must be env:NAME, file:PATH or keychain:ENTRY, not a mapping\n");
    QTest::newRow("capitalised environment")
        << kHead + "    environment: Production\n"
        << QStringLiteral("d.yaml:5:18: error: environment 'Production' is invalid: use a lower-case word such as production, staging or development\n");
    QTest::newRow("environment with a capital inside")
        << kHead + "    environment: producTion\n"
        << QStringLiteral("d.yaml:5:18: error: environment 'producTion' is invalid: use a lower-case word such as production, staging or development\n");
    QTest::newRow("environment with spaces")
        << kHead + "    environment: pre prod\n"
        << QStringLiteral("d.yaml:5:18: error: environment 'pre prod' is invalid: use a lower-case word such as production, staging or development\n");
    QTest::newRow("poll too fast") << kHead + "    poll_interval: 50ms\n"
                                   << QStringLiteral("d.yaml:5:20: error: poll_interval must be at least 100ms (got '50ms')\n");
    QTest::newRow("poll in words") << kHead + "    poll_interval: often\n"
                                   << QStringLiteral("d.yaml:5:20: error: poll_interval 'often' is not a duration: use a number with a unit (250ms, 90s, 5m, 1h, 1d) or a bare number of seconds\n");
}

void TestProfiles::diagnostics()
{
    QFETCH(QByteArray, yaml);
    QFETCH(QString, expected);
    const auto loaded = parseProfilesYaml(yaml.toStdString(), "d.yaml");
    QCOMPARE(q(loaded.diagnostics.format()), expected);
    QVERIFY(!loaded.ok()); // bad input loses nothing, not even the good profiles
}

void TestProfiles::secretsAreNeverEchoed()
{
    const char* secrets[] = {"sk_live_51Hsecretvalue", "ghp_secretvalue123", "Bearer secretvalue"};
    for (const char* secret : secrets) {
        const QByteArray yaml = kHead + "    token: \"" + secret + "\"\n";
        const auto loaded = parseProfilesYaml(yaml.toStdString(), "d.yaml");
        QVERIFY(!loaded.ok());
        QVERIFY(!q(loaded.diagnostics.format()).contains(QStringLiteral("secretvalue")));
    }
    const auto url = parseProfilesYaml("schema: 1\ndeployments:\n  - { name: a, url: \"https://u:secretvalue@h\" }\n", "d.yaml");
    QVERIFY(!url.ok());
    QVERIFY(!q(url.diagnostics.format()).contains(QStringLiteral("secretvalue")));
}

void TestProfiles::reportsEveryProblemInOnePass()
{
    const std::string path = fixture("many-errors.deployments.yaml");
    const auto loaded = loadProfilesFile(path);
    QVERIFY(!loaded.ok());
    const QString f = q(path);
    const QStringList expected{
        f + QStringLiteral(":6:11: error: duplicate deployment 'staging-eu' (first declared at line 3)"),
        f + QStringLiteral(":7:11: error: kind 'fallback-nod' is not supported: use fallback-node (did you mean 'fallback-node'?)"),
        f + QStringLiteral(":8:10: error: url 'ftp://edge.example.com' is invalid: it must start with http:// or https://"),
        f + QStringLiteral(":9:12: error: tokens never live in the YAML: use env:, file: or keychain:"),
        f + QStringLiteral(":10:18: error: environment 'Production' is invalid: use a lower-case word such as production, staging or development"),
        f + QStringLiteral(":11:20: error: poll_interval must be at least 100ms (got '50ms')"),
        f + QStringLiteral(":12:5: error: missing key 'name' in deployment"),
        f + QStringLiteral(":13:5: error: unknown key 'enviroment' in deployment (did you mean 'environment'?)"),
    };
    QCOMPARE(q(loaded.diagnostics.format()), expected.join(u'\n') + u'\n');
}

void TestProfiles::warnings_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<QString>("expected");

    QTest::newRow("token over plain http")
        << QByteArray("schema: 1\ndeployments:\n  - name: a\n    url: http://edge.example.com\n    token: env:T\n")
        << QStringLiteral("d.yaml:4:10: warning: the token would travel unencrypted over http://: use https://\n");
    QTest::newRow("plain http to loopback is fine")
        << QByteArray("schema: 1\ndeployments:\n  - name: a\n    url: http://127.0.0.1:8080\n    token: env:T\n")
        << QString();
    QTest::newRow("plain http without token is fine")
        << QByteArray("schema: 1\ndeployments:\n  - name: a\n    url: http://edge.example.com\n")
        << QString();
    QTest::newRow("prod is not production")
        << kHead + "    environment: prod\n"
        << QStringLiteral("d.yaml:5:18: warning: environment 'prod' is not 'production': this deployment will not start read-only\n");
    QTest::newRow("misspelt production")
        << kHead + "    environment: prodution\n"
        << QStringLiteral("d.yaml:5:18: warning: environment 'prodution' is not 'production': this deployment will not start read-only\n");
    QTest::newRow("development is fine") << kHead + "    environment: development\n" << QString();
}

void TestProfiles::warnings()
{
    QFETCH(QByteArray, yaml);
    QFETCH(QString, expected);
    const auto loaded = parseProfilesYaml(yaml.toStdString(), "d.yaml");
    QCOMPARE(q(loaded.diagnostics.format()), expected);
    QVERIFY(loaded.ok());
}

void TestProfiles::missingFile()
{
    const std::string path = fixture("nope.yaml");
    const auto loaded = loadProfilesFile(path);
    QVERIFY(!loaded.ok());
    QCOMPARE(q(loaded.diagnostics.format()),
             q(path) + QStringLiteral(":1:1: error: cannot read the deployments file: No such file or directory\n"));
}

void TestProfiles::neverCrashes_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::newRow("binary") << QByteArray("\xff\x00\x01 : [", 7);
    QTest::newRow("nulls") << QByteArray("schema:\ndeployments:\n  -\n  - name:\n    url:\n    token:\n");
    QTest::newRow("lists") << QByteArray("schema: 1\ndeployments:\n  - { name: [], url: [], token: [], environment: [], poll_interval: [], kind: [] }\n");
    QTest::newRow("deep") << QByteArray("schema: 1\ndeployments: ").append(QByteArray(4000, '['));
}

void TestProfiles::neverCrashes()
{
    QFETCH(QByteArray, yaml);
    const auto loaded = parseProfilesYaml(std::string(yaml.constData(), std::size_t(yaml.size())), "d.yaml");
    QVERIFY(!loaded.ok());
    QVERIFY(loaded.diagnostics.hasErrors());
    for (const Diagnostic& d : loaded.diagnostics.items())
        QVERIFY(d.line >= 1 && d.column >= 1);
}

void TestProfiles::roundTrip()
{
    const auto loaded = loadProfilesFile(fixture("deployments.yaml"));
    QVERIFY(loaded.ok());
    const std::string written = writeProfilesYaml(*loaded.value);
    const auto again = parseProfilesYaml(written, "written.yaml");
    QVERIFY2(again.ok(), (again.diagnostics.format() + written).c_str());
    QVERIFY(*again.value == *loaded.value);
    QCOMPARE(q(writeProfilesYaml(*again.value)), q(written));
    QVERIFY(q(written).contains(QStringLiteral("    token: env:EDGE_STAGING_TOKEN\n")));
    QVERIFY(q(written).contains(QStringLiteral("    poll_interval: 500ms\n")));

    // Awkward names survive; no token writes no token line.
    DeploymentProfile odd;
    odd.name = "eu: \"main\" #1";
    odd.url = "https://[::1]:8443/base";
    std::vector<DeploymentProfile> profiles{odd};
    const std::string oddText = writeProfilesYaml(profiles);
    QVERIFY(!q(oddText).contains(QStringLiteral("token:")));
    const auto oddAgain = parseProfilesYaml(oddText, "odd.yaml");
    QVERIFY2(oddAgain.ok(), (oddAgain.diagnostics.format() + oddText).c_str());
    QVERIFY(*oddAgain.value == profiles);

    QCOMPARE(q(writeProfilesYaml({})), QStringLiteral("schema: 1\ndeployments: []\n"));
}

void TestProfiles::examplesLoad()
{
    const QDir dir(QStringLiteral(FALLBACK_EXAMPLES_DIR));
    const QStringList files = dir.entryList({QStringLiteral("deployments*.yaml")}, QDir::Files);
    if (files.isEmpty())
        QSKIP("no example deployment profiles bundled yet");
    for (const QString& name : files) {
        const auto loaded = loadProfilesFile(dir.filePath(name).toStdString());
        QVERIFY2(loaded.ok(), loaded.diagnostics.format().c_str());
    }
}

QTEST_APPLESS_MAIN(TestProfiles)
#include "tst_profiles.moc"
