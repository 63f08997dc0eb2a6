// Tests of the file units of SPEC §4 (durations, sizes, rates), their
// human formatting, and the "did you mean" suggestions of diagnostics.
#include "policy/diagnostic.h"
#include "util/suggest.h"
#include "util/units.h"

#include <QtTest>

#include <array>
#include <string>
#include <string_view>

using namespace fallback;

namespace {

constexpr qint64 kMs = kMicrosPerMilli;
constexpr qint64 kS = kMicrosPerSecond;
constexpr qint64 kMin = 60 * kS;
constexpr qint64 kHour = 60 * kMin;
constexpr qint64 kDay = 24 * kHour;

QString q(const std::string& text) { return QString::fromStdString(text); }

} // namespace

class TestUnits : public QObject {
    Q_OBJECT

private slots:
    void parseDuration_data();
    void parseDuration();
    void parseSize_data();
    void parseSize();
    void parseRate_data();
    void parseRate();
    void formatDuration_data();
    void formatDuration();
    void formatSize_data();
    void formatSize();
    void formattedValuesParseBack();
    void editDistance_data();
    void editDistance();
    void nearestMatch_data();
    void nearestMatch();
    void diagnosticFormat();
    void diagnosticsSortByPositionPerFile();
    void quoteForMessage_data();
    void quoteForMessage();
};

void TestUnits::parseDuration_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<qint64>("micros");

    QTest::newRow("milliseconds") << QStringLiteral("250ms") << true << 250 * kMs;
    QTest::newRow("seconds") << QStringLiteral("90s") << true << 90 * kS;
    QTest::newRow("minutes") << QStringLiteral("5m") << true << 5 * kMin;
    QTest::newRow("hours") << QStringLiteral("1h") << true << kHour;
    QTest::newRow("days") << QStringLiteral("1d") << true << kDay;
    QTest::newRow("microseconds") << QStringLiteral("100us") << true << qint64(100);
    QTest::newRow("fraction with unit") << QStringLiteral("1.5s") << true << 1500 * kMs;
    QTest::newRow("leading dot") << QStringLiteral(".5s") << true << 500 * kMs;
    QTest::newRow("bare seconds") << QStringLiteral("30") << true << 30 * kS;
    QTest::newRow("bare fraction of a second") << QStringLiteral("0.25") << true << 250 * kMs;
    QTest::newRow("zero") << QStringLiteral("0") << true << qint64(0);
    QTest::newRow("zero with unit") << QStringLiteral("0ms") << true << qint64(0);
    QTest::newRow("compound") << QStringLiteral("1h30m") << true << 90 * kMin;
    QTest::newRow("compound to ms") << QStringLiteral("10m1s500ms") << true << 10 * kMin + 1500 * kMs;
    QTest::newRow("min as minutes") << QStringLiteral("2min") << true << 2 * kMin;
    QTest::newRow("surrounding spaces") << QStringLiteral(" 5s ") << true << 5 * kS;
    QTest::newRow("sub-microsecond rounds") << QStringLiteral("0.0000004s") << true << qint64(0);
    QTest::newRow("largest") << QStringLiteral("9223372036854775807us") << true
                             << std::numeric_limits<qint64>::max();

    QTest::newRow("empty") << QString() << false << qint64(0);
    QTest::newRow("negative") << QStringLiteral("-1s") << false << qint64(0);
    QTest::newRow("plus sign") << QStringLiteral("+1s") << false << qint64(0);
    QTest::newRow("words") << QStringLiteral("5 minutes") << false << qint64(0);
    QTest::newRow("unknown unit") << QStringLiteral("5x") << false << qint64(0);
    QTest::newRow("unit only") << QStringLiteral("s") << false << qint64(0);
    QTest::newRow("dangling dot") << QStringLiteral("1.s") << false << qint64(0);
    QTest::newRow("exponent") << QStringLiteral("1e3s") << false << qint64(0);
    QTest::newRow("ascending compound") << QStringLiteral("30m1h") << false << qint64(0);
    QTest::newRow("repeated unit") << QStringLiteral("1s1s") << false << qint64(0);
    QTest::newRow("trailing number") << QStringLiteral("1m30") << false << qint64(0);
    QTest::newRow("overflow") << QStringLiteral("9223372036854775808us") << false << qint64(0);
    QTest::newRow("overflow by unit") << QStringLiteral("99999999999999999d") << false << qint64(0);
    QTest::newRow("huge digits") << QStringLiteral("99999999999999999999999s") << false << qint64(0);
    QTest::newRow("inner space") << QStringLiteral("5 s") << false << qint64(0);
}

void TestUnits::parseDuration()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QFETCH(qint64, micros);
    const auto value = fallback::parseDuration(text.toStdString());
    QCOMPARE(value.has_value(), valid);
    if (valid)
        QCOMPARE(*value, micros);
}

void TestUnits::parseSize_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<quint64>("bytes");

    QTest::newRow("bare bytes") << QStringLiteral("512") << true << quint64(512);
    QTest::newRow("bytes unit") << QStringLiteral("512B") << true << quint64(512);
    QTest::newRow("KiB") << QStringLiteral("64KiB") << true << quint64(64 * 1024);
    QTest::newRow("MiB") << QStringLiteral("1MiB") << true << quint64(1024 * 1024);
    QTest::newRow("GiB") << QStringLiteral("2GiB") << true << quint64(2) * 1024 * 1024 * 1024;
    QTest::newRow("MB") << QStringLiteral("512MB") << true << quint64(512'000'000);
    QTest::newRow("KB") << QStringLiteral("1KB") << true << quint64(1000);
    QTest::newRow("kB") << QStringLiteral("2kB") << true << quint64(2000);
    QTest::newRow("fraction") << QStringLiteral("1.5MiB") << true << quint64(1572864);
    QTest::newRow("zero") << QStringLiteral("0") << true << quint64(0);
    QTest::newRow("largest") << QStringLiteral("18446744073709551615") << true
                             << std::numeric_limits<quint64>::max();

    QTest::newRow("empty") << QString() << false << quint64(0);
    QTest::newRow("fraction without unit") << QStringLiteral("1.5") << false << quint64(0);
    QTest::newRow("negative") << QStringLiteral("-1") << false << quint64(0);
    QTest::newRow("unknown unit") << QStringLiteral("1XB") << false << quint64(0);
    QTest::newRow("space before unit") << QStringLiteral("1 MB") << false << quint64(0);
    QTest::newRow("unit only") << QStringLiteral("MiB") << false << quint64(0);
    QTest::newRow("overflow") << QStringLiteral("18446744073709551616") << false << quint64(0);
    QTest::newRow("overflow by unit") << QStringLiteral("20000000TiB") << false << quint64(0);
}

void TestUnits::parseSize()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QFETCH(quint64, bytes);
    const auto value = fallback::parseSize(text.toStdString());
    QCOMPARE(value.has_value(), valid);
    if (valid)
        QCOMPARE(*value, bytes);
}

void TestUnits::parseRate_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<double>("perSecond");

    QTest::newRow("per second") << QStringLiteral("2000/s") << true << 2000.0;
    QTest::newRow("fraction") << QStringLiteral("0.5/s") << true << 0.5;
    QTest::newRow("per minute") << QStringLiteral("60/m") << true << 1.0;
    QTest::newRow("per hour") << QStringLiteral("7200/h") << true << 2.0;
    QTest::newRow("zero") << QStringLiteral("0/s") << true << 0.0;

    QTest::newRow("bare number") << QStringLiteral("2000") << false << 0.0;
    QTest::newRow("negative") << QStringLiteral("-1/s") << false << 0.0;
    QTest::newRow("not a number") << QStringLiteral("abc/s") << false << 0.0;
    QTest::newRow("unknown period") << QStringLiteral("1/d") << false << 0.0;
    QTest::newRow("infinite") << QStringLiteral("inf/s") << false << 0.0;
    QTest::newRow("empty number") << QStringLiteral("/s") << false << 0.0;
    QTest::newRow("trailing junk") << QStringLiteral("10x/s") << false << 0.0;
}

void TestUnits::parseRate()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QFETCH(double, perSecond);
    const auto value = fallback::parseRate(text.toStdString());
    QCOMPARE(value.has_value(), valid);
    if (valid)
        QCOMPARE(*value, perSecond);
}

void TestUnits::formatDuration_data()
{
    QTest::addColumn<qint64>("micros");
    QTest::addColumn<QString>("text");

    QTest::newRow("zero") << qint64(0) << QStringLiteral("0ms");
    QTest::newRow("milliseconds") << 250 * kMs << QStringLiteral("250ms");
    QTest::newRow("microseconds") << qint64(7) << QStringLiteral("7us");
    QTest::newRow("seconds") << 90 * kS << QStringLiteral("90s");
    QTest::newRow("one and a half seconds") << 1500 * kMs << QStringLiteral("1500ms");
    QTest::newRow("odd microseconds") << 1 * kS + 1 << QStringLiteral("1000001us");
    QTest::newRow("minutes") << 5 * kMin << QStringLiteral("5m");
    QTest::newRow("hours and minutes") << 90 * kMin << QStringLiteral("1h30m");
    QTest::newRow("days") << 2 * kDay << QStringLiteral("2d");
    QTest::newRow("hour and seconds") << kHour + 90 * kS << QStringLiteral("1h1m30s");
    QTest::newRow("day and hours") << kDay + 12 * kHour << QStringLiteral("1d12h");
    QTest::newRow("minutes and ms") << 10 * kMin + 1500 * kMs << QStringLiteral("10m1s500ms");
}

void TestUnits::formatDuration()
{
    QFETCH(qint64, micros);
    QFETCH(QString, text);
    QCOMPARE(q(fallback::formatDuration(micros)), text);
    QCOMPARE(fallback::parseDuration(text.toStdString()), std::optional<Micros>(micros));
}

void TestUnits::formatSize_data()
{
    QTest::addColumn<quint64>("bytes");
    QTest::addColumn<QString>("text");

    QTest::newRow("zero") << quint64(0) << QStringLiteral("0B");
    QTest::newRow("bytes") << quint64(512) << QStringLiteral("512B");
    QTest::newRow("KiB") << quint64(64 * 1024) << QStringLiteral("64KiB");
    QTest::newRow("MiB") << quint64(1024 * 1024) << QStringLiteral("1MiB");
    QTest::newRow("one and a half MiB") << quint64(1572864) << QStringLiteral("1.5MiB");
    QTest::newRow("quarter") << quint64(1310720) << QStringLiteral("1.25MiB");
    QTest::newRow("shorter in bytes") << quint64(1280) << QStringLiteral("1280B");
    QTest::newRow("MB") << quint64(512'000'000) << QStringLiteral("512MB");
    QTest::newRow("KB") << quint64(1000) << QStringLiteral("1KB");
    QTest::newRow("odd") << quint64(1025) << QStringLiteral("1025B");
    QTest::newRow("largest") << std::numeric_limits<quint64>::max()
                             << QStringLiteral("18446744073709551615B");
}

void TestUnits::formatSize()
{
    QFETCH(quint64, bytes);
    QFETCH(QString, text);
    QCOMPARE(q(fallback::formatSize(bytes)), text);
    QCOMPARE(fallback::parseSize(text.toStdString()), std::optional<std::uint64_t>(bytes));
}

void TestUnits::formattedValuesParseBack()
{
    // A spread of values, including awkward ones: every formatted value must
    // read back exactly (the writers rely on it for round trips).
    std::uint64_t x = 0x9E3779B97F4A7C15ULL;
    for (int i = 0; i < 20000; ++i) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        const int scale = i % 48;
        const auto micros = static_cast<Micros>(x >> (16 + scale % 47));
        const std::string text = fallback::formatDuration(micros);
        const auto back = fallback::parseDuration(text);
        QVERIFY2(back && *back == micros, text.c_str());

        const std::uint64_t bytes = (i % 3 == 0) ? (x >> (i % 64)) : ((x % 4096) << (10 * (i % 5)));
        const std::string sizeText = fallback::formatSize(bytes);
        const auto sizeBack = fallback::parseSize(sizeText);
        QVERIFY2(sizeBack && *sizeBack == bytes, sizeText.c_str());
    }
}

void TestUnits::editDistance_data()
{
    QTest::addColumn<QString>("a");
    QTest::addColumn<QString>("b");
    QTest::addColumn<int>("distance");

    QTest::newRow("same") << QStringLiteral("ttl") << QStringLiteral("ttl") << 0;
    QTest::newRow("swap") << QStringLiteral("tll") << QStringLiteral("ttl") << 1;
    QTest::newRow("insert") << QStringLiteral("tl") << QStringLiteral("ttl") << 1;
    QTest::newRow("empty") << QString() << QStringLiteral("abc") << 3;
    QTest::newRow("kitten") << QStringLiteral("kitten") << QStringLiteral("sitting") << 3;
}

void TestUnits::editDistance()
{
    QFETCH(QString, a);
    QFETCH(QString, b);
    QFETCH(int, distance);
    QCOMPARE(int(fallback::editDistance(a.toStdString(), b.toStdString())), distance);
    QCOMPARE(int(fallback::editDistance(b.toStdString(), a.toStdString())), distance);
}

void TestUnits::nearestMatch_data()
{
    QTest::addColumn<QString>("word");
    QTest::addColumn<QString>("match");

    QTest::newRow("typo") << QStringLiteral("tll") << QStringLiteral("ttl");
    QTest::newRow("long typo") << QStringLiteral("stale_while_revalidte") << QStringLiteral("stale_while_revalidate");
    QTest::newRow("missing letters") << QStringLiteral("stale_if_err") << QStringLiteral("stale_if_error");
    QTest::newRow("exact") << QStringLiteral("version") << QStringLiteral("version");
    QTest::newRow("nothing close") << QStringLiteral("banana") << QString();
    QTest::newRow("empty word") << QString() << QString();
}

void TestUnits::nearestMatch()
{
    QFETCH(QString, word);
    QFETCH(QString, match);
    constexpr std::array<std::string_view, 7> keys{"name", "version", "ttl", "stale_while_revalidate",
                                                   "stale_if_error", "max_object_size", "write_mode"};
    QCOMPARE(q(fallback::nearestMatch(word.toStdString(), std::span<const std::string_view>(keys))), match);
    const std::array<std::string, 7> owned{"name", "version", "ttl", "stale_while_revalidate",
                                           "stale_if_error", "max_object_size", "write_mode"};
    QCOMPARE(q(fallback::nearestMatch(word.toStdString(), std::span<const std::string>(owned))), match);
}

void TestUnits::diagnosticFormat()
{
    Diagnostic error{"a/b.policy.yaml", 3, 7, "unknown key 'tll' in namespace (did you mean 'ttl'?)", false};
    QCOMPARE(q(error.format()),
             QStringLiteral("a/b.policy.yaml:3:7: error: unknown key 'tll' in namespace (did you mean 'ttl'?)"));
    Diagnostic warning{"x.yaml", 1, 1, "careful", true};
    QCOMPARE(q(warning.format()), QStringLiteral("x.yaml:1:1: warning: careful"));

    Diagnostics diagnostics;
    QVERIFY(diagnostics.empty());
    diagnostics.warning("x.yaml", 2, 1, "w");
    QVERIFY(!diagnostics.hasErrors());
    diagnostics.error("x.yaml", 1, 1, "e");
    QVERIFY(diagnostics.hasErrors());
}

void TestUnits::diagnosticsSortByPositionPerFile()
{
    Diagnostics diagnostics;
    diagnostics.error("s.yaml", 9, 1, "late");
    diagnostics.error("s.yaml", 2, 5, "second");
    diagnostics.error("p.yaml", 1, 1, "policy");
    diagnostics.error("s.yaml", 2, 5, "second, same place");
    diagnostics.warning("s.yaml", 2, 1, "first");
    Diagnostics more;
    more.error("s.yaml", 5, 1, "appended");
    diagnostics.append(more);
    QCOMPARE(diagnostics.items().size(), std::size_t(6));
    QCOMPARE(q(diagnostics.format()), QStringLiteral("s.yaml:2:1: warning: first\n"
                                                     "s.yaml:2:5: error: second\n"
                                                     "s.yaml:2:5: error: second, same place\n"
                                                     "s.yaml:5:1: error: appended\n"
                                                     "s.yaml:9:1: error: late\n"
                                                     "p.yaml:1:1: error: policy\n"));
}

void TestUnits::quoteForMessage_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("quoted");

    QTest::newRow("plain") << QByteArray("Prod") << QStringLiteral("'Prod'");
    QTest::newRow("newline") << QByteArray("a\nb") << QStringLiteral("'a\\nb'");
    QTest::newRow("control") << QByteArray("a\x01z") << QStringLiteral("'a\\x01z'");
    QTest::newRow("long") << QByteArray(80, 'x') << QStringLiteral("'%1...'").arg(QString(60, u'x'));
}

void TestUnits::quoteForMessage()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, quoted);
    QCOMPARE(q(fallback::quoteForMessage(text.toStdString())), quoted);
}

QTEST_APPLESS_MAIN(TestUnits)
#include "tst_units.moc"
