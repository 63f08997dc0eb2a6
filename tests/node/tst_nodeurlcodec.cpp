// Tests of the node's request-target helpers: percent-decoding (bad escapes
// refused, '/' and ':' kept, any byte decoded), target splitting, query values.
#include "node/urlcodec.h"

#include <QtTest>

using namespace fallback::node;

class TestNodeUrlCodec : public QObject {
    Q_OBJECT

private slots:
    void percentDecode_data();
    void percentDecode();
    void splitTarget_data();
    void splitTarget();
    void queryValue_data();
    void queryValue();
};

void TestNodeUrlCodec::percentDecode_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QByteArray>("decoded");
    QTest::newRow("plain") << QByteArray("item-1") << true << QByteArray("item-1");
    QTest::newRow("slash and colon kept") << QByteArray("a/b:c") << true << QByteArray("a/b:c");
    QTest::newRow("escaped slash") << QByteArray("a%2Fb") << true << QByteArray("a/b");
    QTest::newRow("lower-case hex") << QByteArray("%2f%3a") << true << QByteArray("/:");
    QTest::newRow("space") << QByteArray("a%20b") << true << QByteArray("a b");
    QTest::newRow("plus stays plus") << QByteArray("a+b") << true << QByteArray("a+b");
    QTest::newRow("utf-8 bytes") << QByteArray("%C3%A9") << true << QByteArray("\xc3\xa9");
    QTest::newRow("nul byte") << QByteArray("a%00b") << true << QByteArray("a\0b", 3);
    QTest::newRow("dot segments are bytes") << QByteArray("..%2F..") << true << QByteArray("../..");
    QTest::newRow("bad hex") << QByteArray("a%zz") << false << QByteArray();
    QTest::newRow("one digit") << QByteArray("a%2") << false << QByteArray();
    QTest::newRow("trailing percent") << QByteArray("a%") << false << QByteArray();
    QTest::newRow("half bad") << QByteArray("%2g") << false << QByteArray();
    QTest::newRow("empty") << QByteArray() << true << QByteArray();
}

void TestNodeUrlCodec::percentDecode()
{
    QFETCH(QByteArray, input);
    QFETCH(bool, ok);
    QFETCH(QByteArray, decoded);
    const auto result =
        fallback::node::percentDecode(std::string_view(input.constData(), std::size_t(input.size())));
    QCOMPARE(result.has_value(), ok);
    if (ok)
        QCOMPARE(QByteArray(result->data(), qsizetype(result->size())), decoded);
}

void TestNodeUrlCodec::splitTarget_data()
{
    QTest::addColumn<QString>("target");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("query");
    QTest::newRow("no query") << "/v1/admin/stats" << "/v1/admin/stats" << "";
    QTest::newRow("query") << "/v1/admin/stats?series_after=5" << "/v1/admin/stats" << "series_after=5";
    QTest::newRow("empty query") << "/x?" << "/x" << "";
    QTest::newRow("two marks") << "/x?a=1?b" << "/x" << "a=1?b";
}

void TestNodeUrlCodec::splitTarget()
{
    QFETCH(QString, target);
    QFETCH(QString, path);
    QFETCH(QString, query);
    const std::string text = target.toStdString();
    const TargetParts parts = fallback::node::splitTarget(text);
    QCOMPARE(QString::fromStdString(std::string(parts.path)), path);
    QCOMPARE(QString::fromStdString(std::string(parts.query)), query);
}

void TestNodeUrlCodec::queryValue_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("found");
    QTest::addColumn<QString>("value");
    QTest::newRow("only") << "series_after=12" << "series_after" << true << "12";
    QTest::newRow("second") << "a=1&series_after=7" << "series_after" << true << "7";
    QTest::newRow("absent") << "a=1" << "series_after" << false << "";
    QTest::newRow("no value") << "series_after" << "series_after" << true << "";
    QTest::newRow("prefix is not a match") << "series_afterx=1" << "series_after" << false << "";
    QTest::newRow("encoded") << "q=a%20b" << "q" << true << "a b";
    QTest::newRow("bad encoding") << "q=%zz" << "q" << false << "";
}

void TestNodeUrlCodec::queryValue()
{
    QFETCH(QString, query);
    QFETCH(QString, name);
    QFETCH(bool, found);
    QFETCH(QString, value);
    const std::string q = query.toStdString();
    const std::string n = name.toStdString();
    const auto result = fallback::node::queryValue(q, n);
    QCOMPARE(result.has_value(), found);
    if (found)
        QCOMPARE(QString::fromStdString(*result), value);
}

QTEST_APPLESS_MAIN(TestNodeUrlCodec)
#include "tst_nodeurlcodec.moc"
