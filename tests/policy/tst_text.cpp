// Tests of util/text: the small string helpers shared by the loaders, the
// admin client, the node and the reports (trimming, control characters,
// header names, counted nouns).
#include "util/text.h"

#include <QtTest>

#include <string>

using namespace fallback;

class TestText : public QObject {
    Q_OBJECT

private slots:
    void trimSpaces_data();
    void trimSpaces();
    void controlCharacters_data();
    void controlCharacters();
    void startsWithNoCase_data();
    void startsWithNoCase();
    void countOf();
};

void TestText::trimSpaces_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("trimmed");
    QTest::newRow("none") << QByteArray("a b") << QByteArray("a b");
    QTest::newRow("spaces and tabs") << QByteArray(" \t a b\t ") << QByteArray("a b");
    QTest::newRow("only spaces") << QByteArray("  \t") << QByteArray("");
    QTest::newRow("empty") << QByteArray("") << QByteArray("");
    // Line breaks are the caller's to refuse, not trimmed away quietly.
    QTest::newRow("line break kept") << QByteArray(" a\r\n") << QByteArray("a\r\n");
}

void TestText::trimSpaces()
{
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, trimmed);
    const std::string in = text.toStdString();
    QCOMPARE(QByteArray::fromStdString(std::string(fallback::trimSpaces(in))), trimmed);
}

void TestText::controlCharacters_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("has");
    QTest::addColumn<QByteArray>("cleaned");
    QTest::newRow("plain") << QByteArray("disk full: 3 lines") << false << QByteArray("disk full: 3 lines");
    QTest::newRow("utf-8 kept") << QByteArray("caf\xc3\xa9 \xe2\x80\x94 ok") << false
                                << QByteArray("caf\xc3\xa9 \xe2\x80\x94 ok");
    QTest::newRow("escape sequence") << QByteArray("\x1b[2Jx") << true << QByteArray(" [2Jx");
    QTest::newRow("line break") << QByteArray("a\r\nb") << true << QByteArray("a  b");
    QTest::newRow("tab") << QByteArray("a\tb") << true << QByteArray("a b");
    QTest::newRow("0x1f and DEL") << QByteArray("a\x1f" "b\x7f") << true << QByteArray("a b ");
    QTest::newRow("NUL") << QByteArray("a\0b", 3) << true << QByteArray("a b");
}

void TestText::controlCharacters()
{
    QFETCH(QByteArray, text);
    QFETCH(bool, has);
    QFETCH(QByteArray, cleaned);
    const std::string in(text.constData(), std::size_t(text.size()));
    QCOMPARE(hasControlCharacter(in), has);
    const std::string out = withoutControlCharacters(in);
    QCOMPARE(QByteArray::fromStdString(out), cleaned);
    QVERIFY(!hasControlCharacter(out));
}

void TestText::startsWithNoCase_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("prefix");
    QTest::addColumn<bool>("starts");
    QTest::newRow("same case") << QByteArray("etag: \"x\"") << QByteArray("etag:") << true;
    QTest::newRow("other case") << QByteArray("ETag: \"x\"") << QByteArray("etag:") << true;
    QTest::newRow("mixed") << QByteArray("X-Fallback-WARNING: a") << QByteArray("x-fallback-warning:") << true;
    QTest::newRow("shorter text") << QByteArray("eta") << QByteArray("etag:") << false;
    QTest::newRow("different") << QByteArray("etah: x") << QByteArray("etag:") << false;
    QTest::newRow("empty prefix") << QByteArray("x") << QByteArray("") << true;
    // Only ASCII letters fold: '[' is not '{' and '@' is not '`'.
    QTest::newRow("no folding outside letters") << QByteArray("[") << QByteArray("{") << false;
}

void TestText::startsWithNoCase()
{
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, prefix);
    QFETCH(bool, starts);
    QCOMPARE(fallback::startsWithNoCase(text.toStdString(), prefix.toStdString()), starts);
}

void TestText::countOf()
{
    QCOMPARE(QByteArray::fromStdString(fallback::countOf(0, "entry", "entries")), QByteArray("0 entries"));
    QCOMPARE(QByteArray::fromStdString(fallback::countOf(1, "entry", "entries")), QByteArray("1 entry"));
    QCOMPARE(QByteArray::fromStdString(fallback::countOf(2, "line", "lines")), QByteArray("2 lines"));
    QCOMPARE(QByteArray::fromStdString(fallback::countOf(18446744073709551615ull, "copy", "copies")),
             QByteArray("18446744073709551615 copies"));
}

QTEST_APPLESS_MAIN(TestText)
#include "tst_text.moc"
