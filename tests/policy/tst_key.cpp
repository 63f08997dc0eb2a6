// Tests of the key rules of SPEC §3 (contract): namespace names, versions,
// resource ids, stored keys `ns:version:id` and resource addresses `ns:id`.
#include "policy/key.h"

#include <QtTest>

#include <string>

using namespace fallback;

namespace {

QString q(const std::string& text) { return QString::fromStdString(text); }

} // namespace

class TestKey : public QObject {
    Q_OBJECT

private slots:
    void namespaceName_data();
    void namespaceName();
    void resourceId_data();
    void resourceId();
    void version_data();
    void version();
    void storedKey_data();
    void storedKey();
    void composeParsesBack();
    void resourceAddress_data();
    void resourceAddress();
};

void TestKey::namespaceName_data()
{
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<QString>("problem"); // exact message; empty when valid

    const QString rule = QStringLiteral("must match [a-z][a-z0-9_-]{0,62}");
    QTest::newRow("word") << QByteArray("product") << QString();
    QTest::newRow("one letter") << QByteArray("a") << QString();
    QTest::newRow("digits dash underscore") << QByteArray("a-b_c9") << QString();
    QTest::newRow("63 characters") << QByteArray("a").append(QByteArray(62, 'b')) << QString();

    QTest::newRow("upper case") << QByteArray("Prod")
                                << QStringLiteral("namespace 'Prod' is invalid: ") + rule;
    QTest::newRow("upper case after the first letter")
        << QByteArray("pRod") << QStringLiteral("namespace 'pRod' is invalid: ") + rule;
    QTest::newRow("starts with digit") << QByteArray("9lives")
                                       << QStringLiteral("namespace '9lives' is invalid: ") + rule;
    QTest::newRow("starts with dash") << QByteArray("-x") << QStringLiteral("namespace '-x' is invalid: ") + rule;
    QTest::newRow("dot") << QByteArray("a.b") << QStringLiteral("namespace 'a.b' is invalid: ") + rule;
    QTest::newRow("colon") << QByteArray("a:b") << QStringLiteral("namespace 'a:b' is invalid: ") + rule;
    QTest::newRow("space") << QByteArray("a b") << QStringLiteral("namespace 'a b' is invalid: ") + rule;
    QTest::newRow("non-ascii") << QByteArray("caf\xc3\xa9")
                               << QStringLiteral("namespace 'caf\u00e9' is invalid: ") + rule;
    QTest::newRow("control character") << QByteArray("a\nb")
                                       << QStringLiteral("namespace 'a\\nb' is invalid: ") + rule;
    QTest::newRow("empty") << QByteArray() << QStringLiteral("namespace name is empty: ") + rule;
    QTest::newRow("64 characters")
        << QByteArray(64, 'a')
        << QStringLiteral("namespace '%1...' is invalid: it is 64 characters long, at most 63 are allowed")
               .arg(QString(60, u'a'));
}

void TestKey::namespaceName()
{
    QFETCH(QByteArray, name);
    QFETCH(QString, problem);
    QCOMPARE(QString::fromUtf8(checkNamespaceName(name.toStdString())), problem);
}

void TestKey::resourceId_data()
{
    QTest::addColumn<QByteArray>("id");
    QTest::addColumn<QString>("problem");

    QTest::newRow("word") << QByteArray("p1") << QString();
    QTest::newRow("with colons") << QByteArray("user:42:cart") << QString();
    QTest::newRow("spaces and symbols") << QByteArray("a b/c?d=e&f#g") << QString();
    QTest::newRow("utf-8") << QByteArray("caf\xc3\xa9") << QString();
    QTest::newRow("512 bytes") << QByteArray(512, 'x') << QString();

    QTest::newRow("empty") << QByteArray() << QStringLiteral("resource id is empty: it must be 1 to 512 bytes long");
    QTest::newRow("513 bytes") << QByteArray(513, 'x')
                               << QStringLiteral("resource id is 513 bytes long: at most 512 are allowed");
    QTest::newRow("newline") << QByteArray("a\nb")
                             << QStringLiteral("resource id 'a\\nb' contains a control character (0x0a at byte 2)");
    QTest::newRow("tab") << QByteArray("\tb")
                         << QStringLiteral("resource id '\\tb' contains a control character (0x09 at byte 1)");
    QTest::newRow("nul") << QByteArray("ab\0", 3)
                         << QStringLiteral("resource id 'ab\\x00' contains a control character (0x00 at byte 3)");
    QTest::newRow("unit separator") << QByteArray("a\x1f")
                                    << QStringLiteral("resource id 'a\\x1f' contains a control character (0x1f at byte 2)");
    QTest::newRow("delete") << QByteArray("a\x7f")
                            << QStringLiteral("resource id 'a\\x7f' contains a control character (0x7f at byte 2)");
}

void TestKey::resourceId()
{
    QFETCH(QByteArray, id);
    QFETCH(QString, problem);
    QCOMPARE(QString::fromUtf8(checkResourceId(id.toStdString())), problem);
}

void TestKey::version_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<quint64>("version");

    QTest::newRow("zero") << QStringLiteral("0") << true << quint64(0);
    QTest::newRow("number") << QStringLiteral("12") << true << quint64(12);
    QTest::newRow("leading zero") << QStringLiteral("007") << true << quint64(7);
    QTest::newRow("largest") << QStringLiteral("18446744073709551615") << true
                             << std::numeric_limits<quint64>::max();
    QTest::newRow("too large") << QStringLiteral("18446744073709551616") << false << quint64(0);
    QTest::newRow("negative") << QStringLiteral("-1") << false << quint64(0);
    QTest::newRow("plus") << QStringLiteral("+1") << false << quint64(0);
    QTest::newRow("fraction") << QStringLiteral("1.0") << false << quint64(0);
    QTest::newRow("space") << QStringLiteral(" 1") << false << quint64(0);
    QTest::newRow("empty") << QString() << false << quint64(0);
}

void TestKey::version()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QFETCH(quint64, version);
    const auto parsed = parseVersion(text.toStdString());
    QCOMPARE(parsed.has_value(), valid);
    if (valid)
        QCOMPARE(*parsed, version);
}

void TestKey::storedKey_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("ns");
    QTest::addColumn<quint64>("version");
    QTest::addColumn<QString>("id");
    QTest::addColumn<QString>("problem"); // empty when valid

    QTest::newRow("simple") << QStringLiteral("product:3:p1") << QStringLiteral("product") << quint64(3)
                            << QStringLiteral("p1") << QString();
    QTest::newRow("id with colons") << QStringLiteral("config:0:a:b:c") << QStringLiteral("config") << quint64(0)
                                    << QStringLiteral("a:b:c") << QString();
    QTest::newRow("largest version") << QStringLiteral("a:18446744073709551615:x") << QStringLiteral("a")
                                     << std::numeric_limits<quint64>::max() << QStringLiteral("x") << QString();

    QTest::newRow("one colon") << QStringLiteral("product:p1") << QString() << quint64(0) << QString()
                               << QStringLiteral("key 'product:p1' is invalid: expected namespace:version:id");
    QTest::newRow("no colon") << QStringLiteral("product") << QString() << quint64(0) << QString()
                              << QStringLiteral("key 'product' is invalid: expected namespace:version:id");
    QTest::newRow("negative version")
        << QStringLiteral("product:-1:p1") << QString() << quint64(0) << QString()
        << QStringLiteral("version '-1' is invalid: it must be a non-negative integer");
    QTest::newRow("signed version") << QStringLiteral("product:+1:p1") << QString() << quint64(0) << QString()
                                    << QStringLiteral("version '+1' is invalid: it must be a non-negative integer");
    QTest::newRow("empty version") << QStringLiteral("product::p1") << QString() << quint64(0) << QString()
                                   << QStringLiteral("version '' is invalid: it must be a non-negative integer");
    QTest::newRow("version overflow")
        << QStringLiteral("product:18446744073709551616:p1") << QString() << quint64(0) << QString()
        << QStringLiteral("version '18446744073709551616' is invalid: it must be a non-negative integer");
    QTest::newRow("bad namespace")
        << QStringLiteral("Prod:1:p1") << QString() << quint64(0) << QString()
        << QStringLiteral("namespace 'Prod' is invalid: must match [a-z][a-z0-9_-]{0,62}");
    QTest::newRow("empty id") << QStringLiteral("product:1:") << QString() << quint64(0) << QString()
                              << QStringLiteral("resource id is empty: it must be 1 to 512 bytes long");
}

void TestKey::storedKey()
{
    QFETCH(QString, text);
    QFETCH(QString, ns);
    QFETCH(quint64, version);
    QFETCH(QString, id);
    QFETCH(QString, problem);

    std::string why;
    const auto parsed = parseStoredKey(text.toStdString(), &why);
    QCOMPARE(parsed.has_value(), problem.isEmpty());
    QCOMPARE(q(why), problem);
    if (parsed) {
        QCOMPARE(q(parsed->ns), ns);
        QCOMPARE(parsed->version, version);
        QCOMPARE(q(parsed->id), id);
    }
    // Without a `why` it must behave the same and not crash.
    QCOMPARE(parseStoredKey(text.toStdString()).has_value(), problem.isEmpty());
}

void TestKey::composeParsesBack()
{
    const std::string key = composeStoredKey("product", 42, "user:7:cart");
    QCOMPARE(q(key), QStringLiteral("product:42:user:7:cart"));
    const auto parsed = parseStoredKey(key);
    QVERIFY(parsed);
    QCOMPARE(q(parsed->ns), QStringLiteral("product"));
    QCOMPARE(parsed->version, quint64(42));
    QCOMPARE(q(parsed->id), QStringLiteral("user:7:cart"));
}

void TestKey::resourceAddress_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("ns");
    QTest::addColumn<QString>("id");
    QTest::addColumn<QString>("problem");

    QTest::newRow("simple") << QStringLiteral("product:p1") << QStringLiteral("product") << QStringLiteral("p1")
                            << QString();
    QTest::newRow("id with colons") << QStringLiteral("cart:user:42") << QStringLiteral("cart")
                                    << QStringLiteral("user:42") << QString();
    QTest::newRow("no colon") << QStringLiteral("product") << QString() << QString()
                              << QStringLiteral("key 'product' is invalid: expected namespace:id");
    QTest::newRow("empty id") << QStringLiteral("product:") << QString() << QString()
                              << QStringLiteral("resource id is empty: it must be 1 to 512 bytes long");
    QTest::newRow("empty namespace")
        << QStringLiteral(":p1") << QString() << QString()
        << QStringLiteral("namespace name is empty: must match [a-z][a-z0-9_-]{0,62}");
}

void TestKey::resourceAddress()
{
    QFETCH(QString, text);
    QFETCH(QString, ns);
    QFETCH(QString, id);
    QFETCH(QString, problem);
    std::string why;
    const auto parsed = parseResourceAddress(text.toStdString(), &why);
    QCOMPARE(parsed.has_value(), problem.isEmpty());
    QCOMPARE(q(why), problem);
    if (parsed) {
        QCOMPARE(q(parsed->ns), ns);
        QCOMPARE(q(parsed->id), id);
    }
}

QTEST_APPLESS_MAIN(TestKey)
#include "tst_key.moc"
