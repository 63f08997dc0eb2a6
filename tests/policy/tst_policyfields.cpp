// Tests of per-field policy rules (policy/policyfields.h): every field's valid
// and invalid inputs with the exact message, checked both through the field
// API and through the YAML loader, which must say the very same thing.
#include "policy/policyfields.h"
#include "policy/policyloader.h"

#include <QtTest>

#include <string>

using namespace fallback;

Q_DECLARE_METATYPE(fallback::PolicyField)

namespace {

QString q(const std::string& text) { return QString::fromStdString(text); }

constexpr Micros kS = kMicrosPerSecond;

/// `text` as a double-quoted YAML scalar, so that any input reaches the
/// loader as exactly these characters.
std::string yamlQuote(const std::string& text)
{
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out + "\"";
}

/// The loader's error messages (without `FILE:LINE:COLUMN: error: `) for a
/// policy whose namespace sets `field` to `text`.
QStringList loaderErrors(PolicyField field, const std::string& text, Policy* loadedPolicy = nullptr)
{
    std::string yaml = "schema: 1\nnamespaces:\n";
    if (field == PolicyField::Name)
        yaml += "  - name: " + yamlQuote(text) + "\n";
    else
        yaml += "  - name: product\n    " + std::string(policyFieldKey(field)) + ": " + yamlQuote(text) + "\n";
    const Loaded<Policy> loaded = parsePolicyYaml(yaml, "p.yaml");
    QStringList errors;
    for (const Diagnostic& d : loaded.diagnostics.items())
        if (!d.warning)
            errors << q(d.message);
    if (loadedPolicy && loaded.value)
        *loadedPolicy = *loaded.value;
    return errors;
}

Policy demoPolicy()
{
    const Loaded<Policy> loaded = loadPolicyFile(FALLBACK_EXAMPLES_DIR "/demo.policy.yaml");
    return loaded.value.value_or(Policy{});
}

} // namespace

class TestPolicyFields : public QObject {
    Q_OBJECT

private slots:
    void fields_data();
    void fields();
    void invalidLeavesTargetUnchanged();
    void formatReadsBack();
    void keysAndExpectations();
    void defaultsRefuseNameAndVersion();
    void checkPolicy_data();
    void checkPolicy();
    void warning();
    void diff();
};

void TestPolicyFields::fields_data()
{
    QTest::addColumn<PolicyField>("field");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("message"); // empty: valid
    QTest::addColumn<QString>("formatted"); // valid: the value as written back

    const QString notDuration = QStringLiteral(
        " is not a duration: use a number with a unit (250ms, 90s, 5m, 1h, 1d) or a bare number of seconds");
    const QString rule = QStringLiteral("must match [a-z][a-z0-9_-]{0,62}");
    auto valid = [](const char* name, PolicyField field, const char* text, const char* formatted) {
        QTest::newRow(name) << field << QString::fromUtf8(text) << QString() << QString::fromUtf8(formatted);
    };
    auto invalid = [](const char* name, PolicyField field, const char* text, const QString& message) {
        QTest::newRow(name) << field << QString::fromUtf8(text) << message << QString();
    };

    // name
    valid("name simple", PolicyField::Name, "pricing", "pricing");
    valid("name one letter", PolicyField::Name, "a", "a");
    valid("name digits dash underscore", PolicyField::Name, "eu_prices-v2", "eu_prices-v2");
    valid("name 63 chars", PolicyField::Name, "a12345678901234567890123456789012345678901234567890123456789012",
          "a12345678901234567890123456789012345678901234567890123456789012");
    invalid("name empty", PolicyField::Name, "", QStringLiteral("namespace name is empty: ") + rule);
    invalid("name upper case", PolicyField::Name, "Product", QStringLiteral("namespace 'Product' is invalid: ") + rule);
    invalid("name leading digit", PolicyField::Name, "9lives", QStringLiteral("namespace '9lives' is invalid: ") + rule);
    invalid("name colon", PolicyField::Name, "a:b", QStringLiteral("namespace 'a:b' is invalid: ") + rule);
    invalid("name space", PolicyField::Name, "my ns", QStringLiteral("namespace 'my ns' is invalid: ") + rule);
    invalid("name 64 chars", PolicyField::Name, "a123456789012345678901234567890123456789012345678901234567890123",
            QStringLiteral("namespace 'a12345678901234567890123456789012345678901234567890123456789...' is "
                           "invalid: it is 64 characters long, at most 63 are allowed"));
    // version
    valid("version 0", PolicyField::Version, "0", "0");
    valid("version 12", PolicyField::Version, "12", "12");
    valid("version max", PolicyField::Version, "18446744073709551615", "18446744073709551615");
    invalid("version empty", PolicyField::Version, "",
            QStringLiteral("version has no value: expected a non-negative integer"));
    invalid("version word", PolicyField::Version, "three",
            QStringLiteral("version must be a non-negative integer (got 'three')"));
    invalid("version negative", PolicyField::Version, "-1", QStringLiteral("version must be a non-negative integer (got '-1')"));
    invalid("version fraction", PolicyField::Version, "1.5", QStringLiteral("version must be a non-negative integer (got '1.5')"));
    invalid("version too large", PolicyField::Version, "18446744073709551616",
            QStringLiteral("version is too large (got '18446744073709551616')"));
    // ttl (the three durations share one rule; each is covered)
    valid("ttl seconds", PolicyField::Ttl, "300s", "5m");
    valid("ttl odd seconds", PolicyField::Ttl, "90s", "90s");
    valid("ttl bare seconds", PolicyField::Ttl, "90", "90s");
    valid("ttl fraction", PolicyField::Ttl, "1.5s", "1500ms");
    valid("ttl zero", PolicyField::Ttl, "0", "0ms");
    valid("ttl compound", PolicyField::Ttl, "1h30m", "1h30m");
    valid("ttl ten years", PolicyField::Ttl, "3650d", "3650d");
    invalid("ttl empty", PolicyField::Ttl, "", QStringLiteral("ttl has no value: expected a duration"));
    invalid("ttl word", PolicyField::Ttl, "abc", QStringLiteral("ttl 'abc'") + notDuration);
    invalid("ttl unknown unit", PolicyField::Ttl, "5y", QStringLiteral("ttl '5y'") + notDuration);
    invalid("ttl units out of order", PolicyField::Ttl, "30m1h", QStringLiteral("ttl '30m1h'") + notDuration);
    invalid("ttl negative", PolicyField::Ttl, "-5s", QStringLiteral("ttl must not be negative (got '-5s')"));
    invalid("ttl too long", PolicyField::Ttl, "3651d", QStringLiteral("ttl '3651d' is too long: at most 3650d"));
    valid("swr seconds", PolicyField::StaleWhileRevalidate, "60s", "1m");
    valid("swr zero", PolicyField::StaleWhileRevalidate, "0s", "0ms");
    invalid("swr word", PolicyField::StaleWhileRevalidate, "soon", QStringLiteral("stale_while_revalidate 'soon'") + notDuration);
    invalid("swr negative", PolicyField::StaleWhileRevalidate, "-1m",
            QStringLiteral("stale_while_revalidate must not be negative (got '-1m')"));
    invalid("swr empty", PolicyField::StaleWhileRevalidate, "",
            QStringLiteral("stale_while_revalidate has no value: expected a duration"));
    valid("sie hours", PolicyField::StaleIfError, "6h", "6h");
    valid("sie minutes", PolicyField::StaleIfError, "5m", "5m");
    invalid("sie word", PolicyField::StaleIfError, "1 hour", QStringLiteral("stale_if_error '1 hour'") + notDuration);
    invalid("sie negative", PolicyField::StaleIfError, "-300", QStringLiteral("stale_if_error must not be negative (got '-300')"));
    invalid("sie too long", PolicyField::StaleIfError, "100000d",
            QStringLiteral("stale_if_error '100000d' is too long: at most 3650d"));
    // max_object_size
    valid("size binary", PolicyField::MaxObjectSize, "64KiB", "64KiB");
    valid("size bytes", PolicyField::MaxObjectSize, "1048576", "1MiB");
    valid("size fraction", PolicyField::MaxObjectSize, "1.5MiB", "1.5MiB");
    valid("size decimal", PolicyField::MaxObjectSize, "512MB", "512MB");
    valid("size one byte", PolicyField::MaxObjectSize, "1", "1B");
    invalid("size zero", PolicyField::MaxObjectSize, "0", QStringLiteral("max_object_size must be at least 1B (got '0')"));
    invalid("size zero unit", PolicyField::MaxObjectSize, "0KiB", QStringLiteral("max_object_size must be at least 1B (got '0KiB')"));
    invalid("size negative", PolicyField::MaxObjectSize, "-1KiB", QStringLiteral("max_object_size must not be negative (got '-1KiB')"));
    invalid("size unit", PolicyField::MaxObjectSize, "1XB",
            QStringLiteral("max_object_size '1XB' is not a size: use bytes or a number with a unit (64KiB, 1MiB, 512MB)"));
    invalid("size empty", PolicyField::MaxObjectSize, "", QStringLiteral("max_object_size has no value: expected a size"));
    // write_mode
    valid("write-through", PolicyField::WriteMode, "write-through", "write-through");
    valid("async-backfill", PolicyField::WriteMode, "async-backfill", "async-backfill");
    invalid("write mode typo", PolicyField::WriteMode, "write-thru",
            QStringLiteral("write_mode 'write-thru' is invalid: use write-through or async-backfill (did you mean 'write-through'?)"));
    invalid("write mode unknown", PolicyField::WriteMode, "lazy",
            QStringLiteral("write_mode 'lazy' is invalid: use write-through or async-backfill"));
    invalid("write mode empty", PolicyField::WriteMode, "",
            QStringLiteral("write_mode has no value: expected write-through or async-backfill"));
}

void TestPolicyFields::fields()
{
    QFETCH(PolicyField, field);
    QFETCH(QString, text);
    QFETCH(QString, message);
    QFETCH(QString, formatted);
    const std::string input = text.toStdString();

    QCOMPARE(q(checkPolicyField(field, input)), message);
    NamespacePolicy ns;
    ns.name = "product";
    QCOMPARE(q(applyPolicyField(ns, field, input)), message);
    if (message.isEmpty())
        QCOMPARE(q(formatPolicyField(ns, field)), formatted);

    // The loader says exactly the same about the same text.
    Policy loaded;
    const QStringList errors = loaderErrors(field, input, &loaded);
    if (message.isEmpty()) {
        QCOMPARE(errors, QStringList());
        QCOMPARE(loaded.namespaces.size(), std::size_t(1));
        QCOMPARE(q(formatPolicyField(loaded.namespaces.front(), field)), formatted);
    } else {
        QCOMPARE(errors, QStringList{message});
    }
}

void TestPolicyFields::invalidLeavesTargetUnchanged()
{
    const Policy demo = demoPolicy();
    QVERIFY(!demo.namespaces.empty());
    for (PolicyField field : kPolicyFields) {
        NamespacePolicy ns = demo.namespaces.front();
        QVERIFY(!applyPolicyField(ns, field, "-1x").empty());
        QCOMPARE(ns, demo.namespaces.front());
    }
}

void TestPolicyFields::formatReadsBack()
{
    const Policy demo = demoPolicy();
    for (const NamespacePolicy& ns : demo.namespaces) {
        for (PolicyField field : kPolicyFields) {
            NamespacePolicy copy;
            QCOMPARE(q(applyPolicyField(copy, field, formatPolicyField(ns, field))), QString());
            NamespacePolicy expected;
            copyPolicyField(expected, ns, field);
            QCOMPARE(copy, expected);
        }
    }
    for (PolicyField field : kTunableFields) {
        PolicyDefaults copy;
        QCOMPARE(q(applyPolicyField(copy, field, formatPolicyField(demo.defaults, field))), QString());
    }
}

void TestPolicyFields::keysAndExpectations()
{
    QCOMPARE(q(std::string(policyFieldKey(PolicyField::StaleWhileRevalidate))), QStringLiteral("stale_while_revalidate"));
    QCOMPARE(q(std::string(policyFieldKey(PolicyField::MaxObjectSize))), QStringLiteral("max_object_size"));
    QCOMPARE(q(std::string(policyFieldExpected(PolicyField::Ttl))), QStringLiteral("a duration"));
    QCOMPARE(std::size(kPolicyFields), std::size_t(7));
    QCOMPARE(std::size(kTunableFields), std::size_t(5));
}

void TestPolicyFields::defaultsRefuseNameAndVersion()
{
    PolicyDefaults defaults;
    QCOMPARE(q(applyPolicyField(defaults, PolicyField::Name, "x")),
             QStringLiteral("name is not a default: only a namespace has one"));
    QCOMPARE(q(applyPolicyField(defaults, PolicyField::Ttl, "30s")), QString());
    QCOMPARE(defaults.ttl, 30 * kS);
}

void TestPolicyFields::checkPolicy_data()
{
    QTest::addColumn<QString>("change");
    QTest::addColumn<QStringList>("problems");

    QTest::newRow("valid") << QString() << QStringList();
    QTest::newRow("duplicate") << QStringLiteral("duplicate")
                               << QStringList{QStringLiteral("product: duplicate namespace 'product' (first declared as namespace 1)")};
    QTest::newRow("bad name") << QStringLiteral("bad name")
                              << QStringList{QStringLiteral("Product: namespace 'Product' is invalid: must match [a-z][a-z0-9_-]{0,62}")};
    QTest::newRow("empty name") << QStringLiteral("empty name")
                                << QStringList{QStringLiteral("namespace 1: namespace name is empty: must match [a-z][a-z0-9_-]{0,62}")};
    QTest::newRow("negative ttl") << QStringLiteral("negative ttl")
                                  << QStringList{QStringLiteral("product: ttl must not be negative (got '-5s')")};
    QTest::newRow("zero size") << QStringLiteral("zero size")
                               << QStringList{QStringLiteral("product: max_object_size must be at least 1B (got '0B')")};
    QTest::newRow("defaults") << QStringLiteral("defaults")
                              << QStringList{QStringLiteral("defaults: stale_if_error '3651d' is too long: at most 3650d")};
    QTest::newRow("schema") << QStringLiteral("schema")
                            << QStringList{QStringLiteral("schema '2' is not supported: this version reads schema 1")};
}

void TestPolicyFields::checkPolicy()
{
    QFETCH(QString, change);
    QFETCH(QStringList, problems);
    Policy policy = demoPolicy();
    NamespacePolicy& product = policy.namespaces.front();
    if (change == QLatin1String("duplicate"))
        policy.namespaces.push_back(product);
    else if (change == QLatin1String("bad name"))
        product.name = "Product";
    else if (change == QLatin1String("empty name"))
        product.name.clear();
    else if (change == QLatin1String("negative ttl"))
        product.ttl = -5 * kS;
    else if (change == QLatin1String("zero size"))
        product.maxObjectSize = 0;
    else if (change == QLatin1String("defaults"))
        policy.defaults.staleIfError = 3651LL * 24 * 3600 * kS;
    else if (change == QLatin1String("schema"))
        policy.schema = 2;

    QStringList got;
    for (const std::string& p : fallback::checkPolicy(policy))
        got << q(p);
    QCOMPARE(got, problems);
}

void TestPolicyFields::warning()
{
    NamespacePolicy ns;
    ns.name = "session";
    QCOMPARE(q(namespaceWarning(ns)), QString());
    ns.ttl = 0;
    ns.staleWhileRevalidate = 0;
    QCOMPARE(q(namespaceWarning(ns)),
             QStringLiteral("namespace 'session' has ttl 0 and stale_while_revalidate 0: every read goes to the origin"));
}

void TestPolicyFields::diff()
{
    const Policy applied = demoPolicy();
    QVERIFY(diffPolicy(applied, applied).empty());

    Policy reordered = applied;
    std::swap(reordered.namespaces.front(), reordered.namespaces.back());
    QVERIFY(diffPolicy(applied, reordered).empty());

    Policy edited = applied;
    edited.find("product")->ttl = 120 * kS;
    edited.find("product")->version = 4;
    edited.defaults.ttl = 60 * kS;
    edited.namespaces.erase(edited.namespaces.begin() + 3); // session
    edited.namespaces.push_back(edited.fromDefaults("search"));

    QStringList lines;
    for (const PolicyChange& change : diffPolicy(applied, edited))
        lines << q(change.describe());
    QCOMPARE(lines, (QStringList{
                        QString::fromUtf8("defaults.ttl: 2m \u2192 1m"),
                        QString::fromUtf8("product.version: 3 \u2192 4"),
                        QString::fromUtf8("product.ttl: 5m \u2192 2m"),
                        QStringLiteral("+ namespace search"),
                        QStringLiteral("- namespace session"),
                    }));
    const std::vector<PolicyChange> changes = diffPolicy(applied, edited);
    QCOMPARE(changes[2].kind, PolicyChange::Kind::Changed);
    QCOMPARE(changes[2].field, PolicyField::Ttl);
    QCOMPARE(q(changes[2].before), QStringLiteral("5m"));
    QCOMPARE(q(changes[2].after), QStringLiteral("2m"));
}

QTEST_APPLESS_MAIN(TestPolicyFields)
#include "tst_policyfields.moc"
