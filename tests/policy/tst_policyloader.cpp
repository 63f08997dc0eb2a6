// Tests of policy loading and writing (SPEC §4): every diagnostic as the exact
// `FILE:LINE:COLUMN: error: MESSAGE` line, all problems in one pass, no half
// values, robustness against any input, and round trips through the writer.
#include "policy/policyloader.h"
#include "util/text.h"

#include <QtTest>

#include <string>

using namespace fallback;

namespace {

QString q(const std::string& text) { return QString::fromStdString(text); }

std::string fixture(const char* name) { return std::string(FALLBACK_FIXTURES_DIR "/policy/") + name; }

constexpr Micros kS = kMicrosPerSecond;

} // namespace

class TestPolicyLoader : public QObject {
    Q_OBJECT

private slots:
    void loadsSpecExample();
    void loadsOverrides();
    void emptyNamespaceListIsAllowed();
    void diagnostics_data();
    void diagnostics();
    void reportsEveryProblemInOnePass();
    void warningsDoNotFailTheLoad();
    void missingFile();
    void neverCrashes_data();
    void neverCrashes();
    void roundTrip_data();
    void roundTrip();
    void writerIsHumanAndMinimal();
    void policyHelpers();
    void examplesLoad();
};

void TestPolicyLoader::loadsSpecExample()
{
    const Loaded<Policy> loaded = loadPolicyFile(fixture("spec.policy.yaml"));
    QCOMPARE(q(loaded.diagnostics.format()), QString());
    QVERIFY(loaded.ok());
    const Policy& policy = *loaded.value;
    QCOMPARE(policy.schema, 1);
    QCOMPARE(policy.defaults.ttl, 120 * kS);
    QCOMPARE(policy.defaults.staleWhileRevalidate, 60 * kS);
    QCOMPARE(policy.defaults.staleIfError, 300 * kS);
    QCOMPARE(policy.defaults.maxObjectSize, std::uint64_t(1024 * 1024));
    QCOMPARE(policy.defaults.writeMode, WriteMode::WriteThrough);
    QCOMPARE(policy.namespaces.size(), std::size_t(2));

    const NamespacePolicy* product = policy.find("product");
    QVERIFY(product);
    QCOMPARE(product->version, std::uint64_t(3));
    QCOMPARE(product->ttl, 300 * kS);
    QCOMPARE(product->staleWhileRevalidate, 60 * kS); // inherited
    QCOMPARE(product->staleIfError, 300 * kS);
    QCOMPARE(product->keepFor(), 600 * kS);

    const NamespacePolicy* config = policy.find("config");
    QVERIFY(config);
    QCOMPARE(config->version, std::uint64_t(12));
    QCOMPARE(config->ttl, 60 * kS);
    QCOMPARE(config->staleWhileRevalidate, 30 * kS);
    QCOMPARE(config->maxObjectSize, std::uint64_t(1024 * 1024));
}

void TestPolicyLoader::loadsOverrides()
{
    const Loaded<Policy> loaded = loadPolicyFile(fixture("overrides.policy.yaml"));
    QCOMPARE(q(loaded.diagnostics.format()), QString());
    QVERIFY(loaded.ok());
    const Policy& policy = *loaded.value;
    QCOMPARE(policy.defaults.writeMode, WriteMode::AsyncBackfill);
    QCOMPARE(policy.defaults.maxObjectSize, std::uint64_t(64 * 1024));

    const NamespacePolicy* session = policy.find("session");
    QVERIFY(session);
    QCOMPARE(session->version, std::uint64_t(0));
    QCOMPARE(session->ttl, 250 * kMicrosPerMilli);
    QCOMPARE(session->staleWhileRevalidate, Micros(0));
    QCOMPARE(session->staleIfError, 86400 * kS);
    QCOMPARE(session->maxObjectSize, std::uint64_t(1572864));
    QCOMPARE(session->writeMode, WriteMode::WriteThrough);

    const NamespacePolicy* catalog = policy.find("catalog-v2");
    QVERIFY(catalog);
    QCOMPARE(catalog->version, std::numeric_limits<std::uint64_t>::max());
    NamespacePolicy expected = policy.fromDefaults("catalog-v2");
    expected.version = std::numeric_limits<std::uint64_t>::max();
    QVERIFY(*catalog == expected);

    QCOMPARE(policy.find("feature_flags")->ttl, 90 * 60 * kS);
    QVERIFY(!policy.find("missing"));
}

void TestPolicyLoader::emptyNamespaceListIsAllowed()
{
    const Loaded<Policy> loaded = loadPolicyFile(fixture("empty-namespaces.policy.yaml"));
    QCOMPARE(q(loaded.diagnostics.format()), QString());
    QVERIFY(loaded.ok());
    QVERIFY(loaded.value->namespaces.empty());
    QVERIFY(loaded.value->defaults == PolicyDefaults{});
}

void TestPolicyLoader::diagnostics_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<QString>("expected"); // Diagnostics::format() of p.yaml, exactly

    const QByteArray head = "schema: 1\nnamespaces:\n  - name: product\n";

    // The file as a whole.
    QTest::newRow("empty file") << QByteArray()
                                << QStringLiteral("p.yaml:1:1: error: the file is empty: a policy file starts with 'schema: 1'\n");
    QTest::newRow("only comments") << QByteArray("# nothing here\n")
                                   << QStringLiteral("p.yaml:1:1: error: the file is empty: a policy file starts with 'schema: 1'\n");
    QTest::newRow("root is a list")
        << QByteArray("- name: product\n")
        << QStringLiteral("p.yaml:1:1: error: a policy file must be a mapping of keys (schema: 1, ...), not a list\n");
    QTest::newRow("root is a scalar")
        << QByteArray("hello\n")
        << QStringLiteral("p.yaml:1:1: error: a policy file must be a mapping of keys (schema: 1, ...), not a single value\n");
    QTest::newRow("syntax error") << QByteArray("schema: 1\nnamespaces: [a, b\n")
                                  << QStringLiteral("p.yaml:3:1: error: invalid YAML: end of sequence flow not found\n");
    QTest::newRow("bad indentation") << QByteArray("schema: 1\n  namespaces: []\n")
                                     << QStringLiteral("p.yaml:2:13: error: invalid YAML: illegal map value\n");
    QTest::newRow("undefined alias") << QByteArray("schema: 1\nnamespaces: *list\n")
                                     << QStringLiteral("p.yaml:2:13: error: invalid YAML: the referenced anchor is not defined\n");
    QTest::newRow("deep nesting") << QByteArray("schema: 1\nnamespaces: ").append(QByteArray(3000, '['))
                                  << QStringLiteral("p.yaml:2:1: error: the document is nested too deeply (more than 500 levels)\n");

    // Top level.
    QTest::newRow("missing schema") << QByteArray("namespaces: []\n")
                                    << QStringLiteral("p.yaml:1:1: error: missing key 'schema': this file format needs 'schema: 1'\n");
    QTest::newRow("wrong schema") << QByteArray("schema: 2\nnamespaces: []\n")
                                  << QStringLiteral("p.yaml:1:9: error: schema '2' is not supported: this version reads schema 1\n");
    QTest::newRow("schema is a list")
        << QByteArray("schema: [1]\nnamespaces: []\n")
        << QStringLiteral("p.yaml:1:9: error: schema must be schema version 1, not a list\n");
    QTest::newRow("missing namespaces") << QByteArray("schema: 1\n")
                                        << QStringLiteral("p.yaml:1:1: error: missing key 'namespaces' at the top level\n");
    QTest::newRow("namespaces is a mapping")
        << QByteArray("schema: 1\nnamespaces: { product: 1 }\n")
        << QStringLiteral("p.yaml:2:13: error: namespaces must be a list of namespaces (use [] for none), not a mapping\n");
    QTest::newRow("namespaces is empty")
        << QByteArray("schema: 1\nnamespaces:\n")
        << QStringLiteral("p.yaml:2:1: error: namespaces must be a list of namespaces (use [] for none), not empty\n");
    QTest::newRow("unknown top-level key with suggestion")
        << QByteArray("schema: 1\ndefualts: {}\nnamespaces: []\n")
        << QStringLiteral("p.yaml:2:1: error: unknown key 'defualts' at the top level (did you mean 'defaults'?)\n");
    QTest::newRow("unknown top-level key without suggestion")
        << QByteArray("schema: 1\nnamespaces: []\ncolour: blue\n")
        << QStringLiteral("p.yaml:3:1: error: unknown key 'colour' at the top level (valid keys: schema, defaults, namespaces)\n");
    QTest::newRow("key that is not a word")
        << QByteArray("schema: 1\nnamespaces: []\n? [a]\n: 1\n")
        << QStringLiteral("p.yaml:3:3: error: keys at the top level must be plain words, not a list\n");
    QTest::newRow("duplicate top-level key")
        << QByteArray("schema: 1\nnamespaces: []\nnamespaces: []\n")
        << QStringLiteral("p.yaml:3:1: error: duplicate key 'namespaces' at the top level (first at line 2)\n");

    // Defaults.
    QTest::newRow("defaults is a list") << QByteArray("schema: 1\ndefaults: [1]\nnamespaces: []\n")
                                        << QStringLiteral("p.yaml:2:11: error: defaults must be a mapping of keys, not a list\n");
    QTest::newRow("unknown key in defaults")
        << QByteArray("schema: 1\ndefaults:\n  stale_while_revalidte: 5s\nnamespaces: []\n")
        << QStringLiteral("p.yaml:3:3: error: unknown key 'stale_while_revalidte' in defaults (did you mean 'stale_while_revalidate'?)\n");
    QTest::newRow("name is not a default")
        << QByteArray("schema: 1\ndefaults:\n  name: x\nnamespaces: []\n")
        << QStringLiteral("p.yaml:3:3: error: unknown key 'name' in defaults (valid keys: ttl, stale_while_revalidate, stale_if_error, max_object_size, write_mode)\n");

    // Namespaces.
    QTest::newRow("unknown key in namespace")
        << head + "    tll: 5s\n"
        << QStringLiteral("p.yaml:4:5: error: unknown key 'tll' in namespace (did you mean 'ttl'?)\n");
    QTest::newRow("duplicate key in namespace")
        << head + "    ttl: 5s\n    ttl: 6s\n"
        << QStringLiteral("p.yaml:5:5: error: duplicate key 'ttl' in namespace (first at line 4)\n");
    QTest::newRow("duplicate namespace")
        << head + "  - name: config\n  - name: product\n"
        << QStringLiteral("p.yaml:5:11: error: duplicate namespace 'product' (first declared at line 3)\n");
    QTest::newRow("invalid namespace name")
        << QByteArray("schema: 1\nnamespaces:\n  - name: Prod\n")
        << QStringLiteral("p.yaml:3:11: error: namespace 'Prod' is invalid: must match [a-z][a-z0-9_-]{0,62}\n");
    QTest::newRow("namespace name too long")
        << QByteArray("schema: 1\nnamespaces:\n  - name: ").append(QByteArray(64, 'a')).append('\n')
        << QStringLiteral("p.yaml:3:11: error: namespace '%1...' is invalid: it is 64 characters long, at most 63 are allowed\n")
               .arg(QString(60, u'a'));
    // A namespace whose name is bad still has its values checked: all problems in one pass.
    QTest::newRow("invalid name and bad value")
        << QByteArray("schema: 1\nnamespaces:\n  - name: Prod\n    ttl: soon\n")
        << QStringLiteral("p.yaml:3:11: error: namespace 'Prod' is invalid: must match [a-z][a-z0-9_-]{0,62}\n"
                          "p.yaml:4:10: error: ttl 'soon' is not a duration: use a number with a unit (250ms, 90s, 5m, 1h, 1d) or a bare number of seconds\n");
    QTest::newRow("missing name and bad value")
        << QByteArray("schema: 1\nnamespaces:\n  - version: 1\n    max_object_size: 0\n")
        << QStringLiteral("p.yaml:3:5: error: missing key 'name' in namespace\n"
                          "p.yaml:4:22: error: max_object_size must be at least 1B (got '0')\n");
    QTest::newRow("missing name") << QByteArray("schema: 1\nnamespaces:\n  - version: 1\n")
                                  << QStringLiteral("p.yaml:3:5: error: missing key 'name' in namespace\n");
    QTest::newRow("name is a list") << QByteArray("schema: 1\nnamespaces:\n  - name: [a]\n")
                                    << QStringLiteral("p.yaml:3:11: error: name must be a namespace name, not a list\n");
    QTest::newRow("namespace is a word") << QByteArray("schema: 1\nnamespaces:\n  - product\n")
                                         << QStringLiteral("p.yaml:3:5: error: each namespace must be a mapping of keys, not a single value\n");
    QTest::newRow("negative version")
        << head + "    version: -1\n"
        << QStringLiteral("p.yaml:4:14: error: version must be a non-negative integer (got '-1')\n");
    QTest::newRow("fractional version")
        << head + "    version: 1.5\n"
        << QStringLiteral("p.yaml:4:14: error: version must be a non-negative integer (got '1.5')\n");
    QTest::newRow("signed version")
        << head + "    version: +3\n"
        << QStringLiteral("p.yaml:4:14: error: version must be a non-negative integer (got '+3')\n");
    QTest::newRow("version too large")
        << head + "    version: 18446744073709551616\n"
        << QStringLiteral("p.yaml:4:14: error: version is too large (got '18446744073709551616')\n");

    // Values.
    QTest::newRow("duration in words")
        << head + "    ttl: 5 minutes\n"
        << QStringLiteral("p.yaml:4:10: error: ttl '5 minutes' is not a duration: use a number with a unit (250ms, 90s, 5m, 1h, 1d) or a bare number of seconds\n");
    QTest::newRow("negative duration")
        << head + "    stale_if_error: -5s\n"
        << QStringLiteral("p.yaml:4:21: error: stale_if_error must not be negative (got '-5s')\n");
    QTest::newRow("duration too long")
        << head + "    ttl: 99999d\n"
        << QStringLiteral("p.yaml:4:10: error: ttl '99999d' is too long: at most 3650d\n");
    QTest::newRow("duration without value")
        << head + "    ttl:\n"
        << QStringLiteral("p.yaml:4:5: error: ttl has no value: expected a duration\n");
    QTest::newRow("size with a space")
        << head + "    max_object_size: 1 MB\n"
        << QStringLiteral("p.yaml:4:22: error: max_object_size '1 MB' is not a size: use bytes or a number with a unit (64KiB, 1MiB, 512MB)\n");
    QTest::newRow("zero size")
        << head + "    max_object_size: 0\n"
        << QStringLiteral("p.yaml:4:22: error: max_object_size must be at least 1B (got '0')\n");
    QTest::newRow("negative size")
        << QByteArray("schema: 1\ndefaults: { max_object_size: -1KiB }\nnamespaces: []\n")
        << QStringLiteral("p.yaml:2:30: error: max_object_size must not be negative (got '-1KiB')\n");
    QTest::newRow("write mode typo")
        << head + "    write_mode: write-thru\n"
        << QStringLiteral("p.yaml:4:17: error: write_mode 'write-thru' is invalid: use write-through or async-backfill (did you mean 'write-through'?)\n");
    QTest::newRow("write mode unknown")
        << head + "    write_mode: lazy\n"
        << QStringLiteral("p.yaml:4:17: error: write_mode 'lazy' is invalid: use write-through or async-backfill\n");
}

void TestPolicyLoader::diagnostics()
{
    QFETCH(QByteArray, yaml);
    QFETCH(QString, expected);
    const Loaded<Policy> loaded = parsePolicyYaml(yaml.toStdString(), "p.yaml");
    QCOMPARE(q(loaded.diagnostics.format()), expected);
    // Bad input loses nothing: an error means no policy at all.
    QVERIFY(loaded.diagnostics.hasErrors());
    QVERIFY(!loaded.ok());
    QVERIFY(!loaded.value.has_value());
}

void TestPolicyLoader::reportsEveryProblemInOnePass()
{
    const std::string path = fixture("many-errors.policy.yaml");
    const Loaded<Policy> loaded = loadPolicyFile(path);
    QVERIFY(!loaded.ok());
    const QString file = q(path);
    const QStringList expected{
        file + QStringLiteral(":3:8: error: ttl '2 minutes' is not a duration: use a number with a unit (250ms, 90s, 5m, 1h, 1d) or a bare number of seconds"),
        file + QStringLiteral(":4:19: error: stale_if_error must not be negative (got '-5s')"),
        file + QStringLiteral(":5:20: error: max_object_size '1 MB' is not a size: use bytes or a number with a unit (64KiB, 1MiB, 512MB)"),
        file + QStringLiteral(":6:15: error: write_mode 'write-thru' is invalid: use write-through or async-backfill (did you mean 'write-through'?)"),
        file + QStringLiteral(":10:5: error: unknown key 'tll' in namespace (did you mean 'ttl'?)"),
        file + QStringLiteral(":11:11: error: namespace 'Prod' is invalid: must match [a-z][a-z0-9_-]{0,62}"),
        file + QStringLiteral(":13:11: error: duplicate namespace 'product' (first declared at line 8)"),
        file + QStringLiteral(":14:14: error: version must be a non-negative integer (got '-1')"),
        file + QStringLiteral(":15:5: error: missing key 'name' in namespace"),
        file + QStringLiteral(":17:29: error: stale_while_revalidate '1x' is not a duration: use a number with a unit (250ms, 90s, 5m, 1h, 1d) or a bare number of seconds"),
    };
    QCOMPARE(q(loaded.diagnostics.format()), expected.join(u'\n') + u'\n');
}

void TestPolicyLoader::warningsDoNotFailTheLoad()
{
    const std::string path = fixture("zero-ttl.policy.yaml");
    const Loaded<Policy> loaded = loadPolicyFile(path);
    QVERIFY(loaded.ok());
    QVERIFY(!loaded.diagnostics.hasErrors());
    QCOMPARE(q(loaded.diagnostics.format()),
             q(path) + QStringLiteral(":3:5: warning: namespace 'live-prices' has ttl 0 and "
                                      "stale_while_revalidate 0: every read goes to the origin\n"));
    QCOMPARE(loaded.value->find("live-prices")->ttl, Micros(0));
}

void TestPolicyLoader::missingFile()
{
    const std::string path = fixture("does-not-exist.policy.yaml");
    const Loaded<Policy> loaded = loadPolicyFile(path);
    QVERIFY(!loaded.ok());
    QCOMPARE(q(loaded.diagnostics.format()),
             q(path) + QStringLiteral(":1:1: error: cannot read the policy file: No such file or directory\n"));

    const Loaded<Policy> directory = loadPolicyFile(FALLBACK_FIXTURES_DIR "/policy");
    QVERIFY(!directory.ok());
    QVERIFY(q(directory.diagnostics.format()).endsWith(QStringLiteral("it is a directory\n")));
}

void TestPolicyLoader::neverCrashes_data()
{
    QTest::addColumn<QByteArray>("yaml");

    QTest::newRow("nul bytes") << QByteArray("schema: 1\0\0\0namespaces: []", 27);
    QTest::newRow("binary") << QByteArray("\xff\xfe\x00\x01\x80\x81 : : [ { ", 16);
    QTest::newRow("lone brace") << QByteArray("{");
    QTest::newRow("lone colon") << QByteArray(":");
    QTest::newRow("tab indentation") << QByteArray("schema: 1\nnamespaces:\n\t- name: a\n");
    QTest::newRow("deep mappings") << QByteArray("a: ").append(QByteArray(5000, '{'));
    QTest::newRow("deep block nesting") << [] {
        QByteArray yaml("schema: 1\nnamespaces:\n");
        for (int i = 0; i < 3000; ++i)
            yaml.append(QByteArray(i * 2, ' ')).append("- \n");
        return yaml;
    }();
    QTest::newRow("aliases everywhere")
        << QByteArray("schema: 1\nd: &d { ttl: 5s }\ndefaults: *d\nnamespaces:\n  - &n { name: a }\n  - *n\n");
    QTest::newRow("merge key") << QByteArray("schema: 1\nnamespaces:\n  - <<: { name: a }\n");
    QTest::newRow("two documents") << QByteArray("schema: 1\nnamespaces: []\n---\nschema: 2\n");
    QTest::newRow("tagged values") << QByteArray("schema: !!str 1\nnamespaces: !!seq []\ndefaults: { ttl: !!binary AAAA }\n");
    QTest::newRow("huge numbers") << QByteArray("schema: 1e999\nnamespaces:\n  - { name: a, version: 1e999, ttl: 1e999 }\n");
    QTest::newRow("null keys") << QByteArray("~: 1\n? \n: 2\nschema: 1\nnamespaces: []\n");
    // yaml-cpp quotes the offending byte raw in its message (found by fuzzing).
    QTest::newRow("control byte escaped") << QByteArray("schema: 1\nnamespaces:\n  - name: \"a\\\x01\"\n");
    QTest::newRow("nul before a line break") << QByteArray("schema: 1\nnamespaces:\n  - name: a\0\n", 35);
    QTest::newRow("many namespaces") << [] {
        QByteArray yaml("schema: 1\nnamespaces:\n");
        for (int i = 0; i < 5000; ++i)
            yaml.append("  - { name: n").append(QByteArray::number(i % 4000)).append(" }\n");
        return yaml;
    }();
}

void TestPolicyLoader::neverCrashes()
{
    QFETCH(QByteArray, yaml);
    const Loaded<Policy> loaded = parsePolicyYaml(std::string(yaml.constData(), std::size_t(yaml.size())), "p.yaml");
    // Whatever happened, the result is consistent: a value exactly when
    // there is no error, and every diagnostic names the file and is one
    // printable line (control bytes escaped).
    QCOMPARE(loaded.ok(), !loaded.diagnostics.hasErrors());
    for (const Diagnostic& d : loaded.diagnostics.items()) {
        QCOMPARE(q(d.file), QStringLiteral("p.yaml"));
        QVERIFY(d.line >= 1);
        QVERIFY(d.column >= 1);
        QVERIFY(!d.message.empty());
        QVERIFY2(!hasControlCharacter(d.message), d.format().c_str());
    }
}

void TestPolicyLoader::roundTrip_data()
{
    QTest::addColumn<QString>("file");
    QTest::newRow("spec example") << QStringLiteral("spec.policy.yaml");
    QTest::newRow("every override") << QStringLiteral("overrides.policy.yaml");
    QTest::newRow("no namespaces") << QStringLiteral("empty-namespaces.policy.yaml");
    QTest::newRow("zero ttl") << QStringLiteral("zero-ttl.policy.yaml");
}

void TestPolicyLoader::roundTrip()
{
    QFETCH(QString, file);
    const Loaded<Policy> loaded = loadPolicyFile(fixture(file.toUtf8().constData()));
    QVERIFY(loaded.ok());
    const std::string written = writePolicyYaml(*loaded.value);
    const Loaded<Policy> again = parsePolicyYaml(written, "written.yaml");
    QVERIFY2(again.ok(), again.diagnostics.format().c_str());
    QVERIFY(*again.value == *loaded.value);
    // Writing is stable: the written form writes itself.
    QCOMPARE(q(writePolicyYaml(*again.value)), q(written));
}

void TestPolicyLoader::writerIsHumanAndMinimal()
{
    const Loaded<Policy> loaded = loadPolicyFile(fixture("spec.policy.yaml"));
    QVERIFY(loaded.ok());
    QCOMPARE(q(writePolicyYaml(*loaded.value)), QStringLiteral("schema: 1\n"
                                                               "defaults:\n"
                                                               "  ttl: 2m\n"
                                                               "  stale_while_revalidate: 1m\n"
                                                               "  stale_if_error: 5m\n"
                                                               "  max_object_size: 1MiB\n"
                                                               "  write_mode: write-through\n"
                                                               "namespaces:\n"
                                                               "  - name: product\n"
                                                               "    version: 3\n"
                                                               "    ttl: 5m\n"
                                                               "  - name: config\n"
                                                               "    version: 12\n"
                                                               "    ttl: 1m\n"
                                                               "    stale_while_revalidate: 30s\n"));

    // A policy built in code (the console's Namespaces table) writes the same way.
    Policy policy;
    policy.defaults.ttl = 90 * kS;
    NamespacePolicy ns = policy.fromDefaults("search");
    ns.version = 4;
    ns.maxObjectSize = 1572864;
    ns.writeMode = WriteMode::AsyncBackfill;
    policy.namespaces.push_back(ns);
    const std::string written = writePolicyYaml(policy);
    QVERIFY(q(written).contains(QStringLiteral("  ttl: 90s\n")));
    QVERIFY(q(written).contains(QStringLiteral("    max_object_size: 1.5MiB\n    write_mode: async-backfill\n")));
    QVERIFY(!q(written).contains(QStringLiteral("    ttl:")));
    const Loaded<Policy> again = parsePolicyYaml(written, "w.yaml");
    QVERIFY(again.ok());
    QVERIFY(*again.value == policy);
}

void TestPolicyLoader::policyHelpers()
{
    QCOMPARE(q(std::string(writeModeName(WriteMode::WriteThrough))), QStringLiteral("write-through"));
    QCOMPARE(q(std::string(writeModeName(WriteMode::AsyncBackfill))), QStringLiteral("async-backfill"));
    QCOMPARE(parseWriteMode("async-backfill"), std::optional<WriteMode>(WriteMode::AsyncBackfill));
    QCOMPARE(parseWriteMode("write-through"), std::optional<WriteMode>(WriteMode::WriteThrough));
    QVERIFY(!parseWriteMode("Write-Through"));

    Policy policy;
    policy.defaults.staleIfError = 7 * kS;
    const NamespacePolicy fresh = policy.fromDefaults("x");
    QCOMPARE(q(fresh.name), QStringLiteral("x"));
    QCOMPARE(fresh.version, std::uint64_t(0));
    QCOMPARE(fresh.staleIfError, 7 * kS);
    policy.namespaces.push_back(fresh);
    policy.find("x")->version = 9;
    QCOMPARE(std::as_const(policy).find("x")->version, std::uint64_t(9));
}

void TestPolicyLoader::examplesLoad()
{
    // Every bundled example policy must lint clean (warnings allowed).
    const QDir dir(QStringLiteral(FALLBACK_EXAMPLES_DIR));
    const QStringList files = dir.entryList({QStringLiteral("*.policy.yaml")}, QDir::Files);
    if (files.isEmpty())
        QSKIP("no example policies bundled yet");
    for (const QString& name : files) {
        const Loaded<Policy> loaded = loadPolicyFile(dir.filePath(name).toStdString());
        QVERIFY2(loaded.ok(), loaded.diagnostics.format().c_str());
    }
}

QTEST_APPLESS_MAIN(TestPolicyLoader)
#include "tst_policyloader.moc"
