// Tests of live/ratelimit: a deployment's rate limit read from its answer's
// headers in every form vendors send (IETF drafts up to 06, 07 and 08+,
// Cloudflare's structured fields, the legacy X-RateLimit-* with delays or
// epoch instants, Fastly's), mixtures where the newest form wins, garbage
// that must be ignored, and the limit in words (SPEC §8: show limits).
#include "live/ratelimit.h"

#include <QRandomGenerator>
#include <QtTest>
#include <string>

using namespace fallback;
using namespace fallback::live;

namespace {

constexpr qint64 kS = kMicrosPerSecond;
constexpr qint64 kMs = kMicrosPerMilli;
/// "Now" for every row: 2023-11-14 22:13:20 UTC.
constexpr qint64 kNowSeconds = 1'700'000'000;
constexpr qint64 kNow = kNowSeconds * kS;
constexpr qint64 kNone = -1;

/// `Name: value` lines as header fields.
std::vector<HeaderField> fields(const QByteArrayList& lines)
{
    std::vector<HeaderField> out;
    for (const QByteArray& line : lines) {
        const qsizetype colon = line.indexOf(':');
        out.emplace_back(line.left(colon).toStdString(), line.mid(colon + 1).toStdString());
    }
    return out;
}

qint64 orNone(const std::optional<std::int64_t>& value)
{
    return value ? *value : kNone;
}

std::optional<std::int64_t> maybe(qint64 value)
{
    return value == kNone ? std::nullopt : std::optional<std::int64_t>(value);
}

QString q(const std::string& text)
{
    return QString::fromStdString(text);
}

} // namespace

class TestRateLimit : public QObject {
    Q_OBJECT

private slots:
    void parse_data();
    void parse();
    void nothingUsable_data();
    void nothingUsable();
    void recognisesHeaderLines_data();
    void recognisesHeaderLines();
    void describe_data();
    void describe();
    void waitInWords_data();
    void waitInWords();
    void randomBytesNeverCrash();
};

void TestRateLimit::parse_data()
{
    QTest::addColumn<QByteArrayList>("headers");
    QTest::addColumn<qint64>("limit");
    QTest::addColumn<qint64>("remaining");
    QTest::addColumn<qint64>("resetIn"); // microseconds
    QTest::addColumn<qint64>("window");  // microseconds
    QTest::addColumn<QString>("policy");
    const QString none;

    // --- IETF drafts up to 06: one field per value -------------------------------------
    QTest::newRow("draft 06") << QByteArrayList{"RateLimit-Limit: 100", "RateLimit-Remaining: 42",
                                                "RateLimit-Reset: 30"}
                              << qint64(100) << qint64(42) << 30 * kS << kNone << none;
    QTest::newRow("draft 06, policy list in Limit")
        << QByteArrayList{"RateLimit-Limit: 100, 100;w=60", "RateLimit-Remaining: 99",
                          "RateLimit-Reset: 58"}
        << qint64(100) << qint64(99) << 58 * kS << 60 * kS << none;
    QTest::newRow("draft 06, several windows: the first number")
        << QByteArrayList{"RateLimit-Limit: 10, 10;w=1, 1000;w=3600", "RateLimit-Remaining: 9"}
        << qint64(10) << qint64(9) << kNone << kS << none;
    QTest::newRow("draft 06, window from RateLimit-Policy")
        << QByteArrayList{"RateLimit-Limit: 1000", "RateLimit-Policy: 10;w=1, 1000;w=3600",
                          "RateLimit-Remaining: 1"}
        << qint64(1000) << qint64(1) << kNone << 3600 * kS << none;
    QTest::newRow("draft 06, only remaining") << QByteArrayList{"RateLimit-Remaining: 42"} << kNone
                                              << qint64(42) << kNone << kNone << none;
    QTest::newRow("draft 06, only reset")
        << QByteArrayList{"RateLimit-Reset: 7"} << kNone << kNone << 7 * kS << kNone << none;
    QTest::newRow("draft 06, zero left")
        << QByteArrayList{"RateLimit-Limit: 5", "RateLimit-Remaining: 0", "RateLimit-Reset: 12"}
        << qint64(5) << qint64(0) << 12 * kS << kNone << none;
    QTest::newRow("names in any case, spaces around")
        << QByteArrayList{"ratelimit-limit:   100  ", "RATELIMIT-REMAINING:\t7\t",
                          "RateLimit-RESET: 3 "}
        << qint64(100) << qint64(7) << 3 * kS << kNone << none;

    // --- IETF draft 07: one dictionary field ------------------------------------------
    QTest::newRow("draft 07") << QByteArrayList{"RateLimit: limit=100, remaining=50, reset=30"}
                              << qint64(100) << qint64(50) << 30 * kS << kNone << none;
    QTest::newRow("draft 07, keys in any order and case")
        << QByteArrayList{"RateLimit: Reset=5,REMAINING=1 ,  limit = 10"} << qint64(10) << qint64(1)
        << 5 * kS << kNone << none;
    QTest::newRow("draft 07 with its policy")
        << QByteArrayList{"RateLimit: limit=10, remaining=1, reset=7",
                          "RateLimit-Policy: 10;w=1, 50;w=60"}
        << qint64(10) << qint64(1) << 7 * kS << kS << none;
    QTest::newRow("draft 07, a malformed member left out")
        << QByteArrayList{"RateLimit: limit=abc, remaining=3, reset=-1"} << kNone << qint64(3)
        << kNone << kNone << none;

    // --- IETF draft 08+: named policies (Cloudflare's API) ----------------------------
    QTest::newRow("draft 08") << QByteArrayList{"RateLimit: \"default\";r=50;t=30",
                                                "RateLimit-Policy: \"default\";q=100;w=60"}
                              << qint64(100) << qint64(50) << 30 * kS << 60 * kS
                              << QStringLiteral("default");
    QTest::newRow("Cloudflare's spelling")
        << QByteArrayList{"Ratelimit: \"default\";r=1199;t=299",
                          "Ratelimit-Policy: \"default\";q=1200;w=300"}
        << qint64(1200) << qint64(1199) << 299 * kS << 300 * kS << QStringLiteral("default");
    QTest::newRow("draft 08, token names")
        << QByteArrayList{"RateLimit: purge;r=3;t=10", "RateLimit-Policy: purge;q=5;w=60"}
        << qint64(5) << qint64(3) << 10 * kS << 60 * kS << QStringLiteral("purge");
    QTest::newRow("draft 08, the policy that bites first")
        << QByteArrayList{"RateLimit: \"burst\";r=80;t=1, \"daily\";r=5;t=3600",
                          "RateLimit-Policy: \"burst\";q=100;w=1, \"daily\";q=1000;w=86400"}
        << qint64(1000) << qint64(5) << 3600 * kS << 86400 * kS << QStringLiteral("daily");
    QTest::newRow("draft 08, policies on two lines")
        << QByteArrayList{"RateLimit: \"a\";r=9;t=2", "RateLimit-Policy: \"b\";q=1;w=1",
                          "RateLimit-Policy: \"a\";q=10;w=5"}
        << qint64(10) << qint64(9) << 2 * kS << 5 * kS << QStringLiteral("a");
    QTest::newRow("draft 08, no matching policy")
        << QByteArrayList{"RateLimit: \"a\";r=9", "RateLimit-Policy: \"b\";q=10"} << kNone
        << qint64(9) << kNone << kNone << QStringLiteral("a");
    QTest::newRow("draft 08, only the policy")
        << QByteArrayList{"RateLimit-Policy: \"default\";q=100;w=60"} << qint64(100) << kNone
        << kNone << 60 * kS << QStringLiteral("default");
    QTest::newRow("draft 08, commas and semicolons quoted")
        << QByteArrayList{"RateLimit: \"a,b;c\";r=4;t=1", "RateLimit-Policy: \"a,b;c\";q=8;w=2"}
        << qint64(8) << qint64(4) << kS << 2 * kS << QStringLiteral("a,b;c");
    QTest::newRow("draft 08, an escaped quote in the name")
        << QByteArrayList{"RateLimit: \"say \\\"hi\\\"\";r=1"} << kNone << qint64(1) << kNone
        << kNone << QStringLiteral("say \"hi\"");
    QTest::newRow("draft 08, control bytes left out of the name")
        << QByteArrayList{"RateLimit: \"a\x1b[31mb\";r=1"} << kNone << qint64(1) << kNone << kNone
        << QStringLiteral("a[31mb");
    QTest::newRow("draft 08, a malformed r keeps t")
        << QByteArrayList{"RateLimit: \"d\";r=-1;t=30"} << kNone << kNone << 30 * kS << kNone
        << QStringLiteral("d");

    // --- legacy X-RateLimit-*: delays or epoch instants -------------------------------
    QTest::newRow("X- with a delay")
        << QByteArrayList{"X-RateLimit-Limit: 60", "X-RateLimit-Remaining: 59",
                          "X-RateLimit-Reset: 3600"}
        << qint64(60) << qint64(59) << 3600 * kS << kNone << none;
    QTest::newRow("X- with an epoch (GitHub)")
        << QByteArrayList{"x-ratelimit-limit: 5000", "x-ratelimit-remaining: 4987",
                          "x-ratelimit-reset: " + QByteArray::number(kNowSeconds + 3480)}
        << qint64(5000) << qint64(4987) << 3480 * kS << kNone << none;
    QTest::newRow("X- with a fractional epoch")
        << QByteArrayList{"X-RateLimit-Reset: " + QByteArray::number(kNowSeconds + 2) + ".5"}
        << kNone << kNone << 2500 * kMs << kNone << none;
    QTest::newRow("X- epoch already passed")
        << QByteArrayList{"X-RateLimit-Remaining: 1",
                          "X-RateLimit-Reset: " + QByteArray::number(kNowSeconds - 60)}
        << kNone << qint64(1) << qint64(0) << kNone << none;
    QTest::newRow("exactly 10^9 is still a delay")
        << QByteArrayList{"X-RateLimit-Reset: 1000000000"} << kNone << kNone << 1'000'000'000 * kS
        << kNone << none;
    QTest::newRow("just above 10^9 is an instant (past)")
        << QByteArrayList{"X-RateLimit-Reset: 1000000001"} << kNone << kNone << qint64(0) << kNone
        << none;
    QTest::newRow("fractional delay") << QByteArrayList{"X-RateLimit-Reset: 1.25"} << kNone << kNone
                                      << 1250 * kMs << kNone << none;
    QTest::newRow("X-RateLimit-Limit with a window")
        << QByteArrayList{"X-RateLimit-Limit: 100;w=60"} << qint64(100) << kNone << kNone << 60 * kS
        << none;

    // --- Fastly: epoch seconds --------------------------------------------------------
    QTest::newRow("Fastly") << QByteArrayList{"Fastly-RateLimit-Remaining: 997",
                                              "Fastly-RateLimit-Reset: " +
                                                  QByteArray::number(kNowSeconds + 3480)}
                            << kNone << qint64(997) << 3480 * kS << kNone << none;
    QTest::newRow("Fastly, reset passed")
        << QByteArrayList{"Fastly-RateLimit-Remaining: 0",
                          "Fastly-RateLimit-Reset: " + QByteArray::number(kNowSeconds)}
        << kNone << qint64(0) << qint64(0) << kNone << none;

    // --- mixtures: the newest form wins, as a whole ---------------------------------
    QTest::newRow("draft 08 over draft 07 in one field")
        << QByteArrayList{"RateLimit: limit=10, remaining=1, \"default\";r=7;t=3"} << kNone
        << qint64(7) << 3 * kS << kNone << QStringLiteral("default");
    QTest::newRow("draft 08 over draft 06 and X-")
        << QByteArrayList{"X-RateLimit-Remaining: 1", "RateLimit-Remaining: 2",
                          "RateLimit: \"p\";r=3", "RateLimit-Policy: \"p\";q=30"}
        << qint64(30) << qint64(3) << kNone << kNone << QStringLiteral("p");
    QTest::newRow("draft 07 over draft 06")
        << QByteArrayList{"RateLimit-Limit: 1", "RateLimit: limit=20, remaining=19"} << qint64(20)
        << qint64(19) << kNone << kNone << none;
    QTest::newRow("draft 06 over Fastly and X-, never mixed")
        << QByteArrayList{"X-RateLimit-Limit: 5000", "Fastly-RateLimit-Remaining: 8",
                          "RateLimit-Remaining: 2"}
        << kNone << qint64(2) << kNone << kNone << none;
    QTest::newRow("Fastly over X-")
        << QByteArrayList{"X-RateLimit-Remaining: 9", "Fastly-RateLimit-Remaining: 8"} << kNone
        << qint64(8) << kNone << kNone << none;
    QTest::newRow("a newer form with only garbage falls back")
        << QByteArrayList{"RateLimit: \"x\";r=lots", "RateLimit-Remaining: many",
                          "X-RateLimit-Remaining: 4"}
        << kNone << qint64(4) << kNone << kNone << none;
    QTest::newRow("repeated field: the first value")
        << QByteArrayList{"X-RateLimit-Remaining: 5", "X-RateLimit-Remaining: 6"} << kNone
        << qint64(5) << kNone << kNone << none;
    QTest::newRow("other headers ignored")
        << QByteArrayList{"Retry-After: 30", "Content-Type: application/json",
                          "X-RateLimit-Remaining: 1"}
        << kNone << qint64(1) << kNone << kNone << none;

    // --- garbage beside good values ---------------------------------------------------
    QTest::newRow("negative remaining")
        << QByteArrayList{"RateLimit-Limit: 10", "RateLimit-Remaining: -3"} << qint64(10) << kNone
        << kNone << kNone << none;
    QTest::newRow("plus sign") << QByteArrayList{"RateLimit-Limit: +10", "RateLimit-Remaining: 3"}
                               << kNone << qint64(3) << kNone << kNone << none;
    QTest::newRow("fractional count")
        << QByteArrayList{"RateLimit-Limit: 10.5", "RateLimit-Remaining: 3"} << kNone << qint64(3)
        << kNone << kNone << none;
    QTest::newRow("count with a unit")
        << QByteArrayList{"RateLimit-Limit: 10/s", "RateLimit-Remaining: 3"} << kNone << qint64(3)
        << kNone << kNone << none;
    QTest::newRow("largest count")
        << QByteArrayList{"RateLimit-Remaining: 9223372036854775807"} << kNone
        << qint64(9223372036854775807LL) << kNone << kNone << none;
    QTest::newRow("count overflowing int64")
        << QByteArrayList{"RateLimit-Limit: 9223372036854775808", "RateLimit-Remaining: 1"} << kNone
        << qint64(1) << kNone << kNone << none;
    QTest::newRow("reset overflowing microseconds")
        << QByteArrayList{"RateLimit-Remaining: 1", "RateLimit-Reset: 99999999999999999"} << kNone
        << qint64(1) << kNone << kNone << none;
    QTest::newRow("reset as an HTTP date")
        << QByteArrayList{"RateLimit-Remaining: 1",
                          "RateLimit-Reset: Wed, 21 Oct 2015 07:28:00 GMT"}
        << kNone << qint64(1) << kNone << kNone << none;
    QTest::newRow("reset with a trailing dot")
        << QByteArrayList{"RateLimit-Remaining: 1", "RateLimit-Reset: 5."} << kNone << qint64(1)
        << kNone << kNone << none;
    QTest::newRow("malformed window")
        << QByteArrayList{"RateLimit-Limit: 100;w=soon", "RateLimit-Remaining: 1"} << qint64(100)
        << qint64(1) << kNone << kNone << none;
    QTest::newRow("unterminated quote")
        << QByteArrayList{"RateLimit: \"open;r=5", "X-RateLimit-Remaining: 2"} << kNone << qint64(2)
        << kNone << kNone << none;
}

void TestRateLimit::parse()
{
    QFETCH(QByteArrayList, headers);
    QFETCH(qint64, limit);
    QFETCH(qint64, remaining);
    QFETCH(qint64, resetIn);
    QFETCH(qint64, window);
    QFETCH(QString, policy);
    const std::optional<RateLimit> parsed = parseRateLimit(fields(headers), kNow);
    QVERIFY(parsed);
    QCOMPARE(orNone(parsed->limit), limit);
    QCOMPARE(orNone(parsed->remaining), remaining);
    QCOMPARE(orNone(parsed->resetIn), resetIn);
    QCOMPARE(orNone(parsed->window), window);
    QCOMPARE(q(parsed->policyName), policy);
}

void TestRateLimit::nothingUsable_data()
{
    QTest::addColumn<QByteArrayList>("headers");
    QTest::newRow("no headers") << QByteArrayList{};
    QTest::newRow("no rate-limit headers") << QByteArrayList{"Retry-After: 30", "ETag: \"e1\""};
    QTest::newRow("empty values") << QByteArrayList{
        "RateLimit-Limit:", "RateLimit:   ", "X-RateLimit-Reset: "};
    QTest::newRow("all negative") << QByteArrayList{
        "X-RateLimit-Limit: -1", "X-RateLimit-Remaining: -1", "X-RateLimit-Reset: -1"};
    QTest::newRow("words") << QByteArrayList{"RateLimit-Remaining: plenty",
                                             "RateLimit: \"d\";r=some;t=later"};
    QTest::newRow("only a window") << QByteArrayList{"RateLimit-Policy: 100;w=60"};
    QTest::newRow("a policy with no quota") << QByteArrayList{"RateLimit-Policy: \"d\";w=60"};
    QTest::newRow("separators only") << QByteArrayList{"RateLimit: ,;,;=", "RateLimit-Limit: ;;,"};
    QTest::newRow("look-alike names") << QByteArrayList{"RateLimit-Remainder: 5", "X-RateLimit: 5",
                                                        "X-Rate-Limit-Remaining-Ish: 5"};
}

void TestRateLimit::nothingUsable()
{
    QFETCH(QByteArrayList, headers);
    QCOMPARE(parseRateLimit(fields(headers), kNow), std::nullopt);
}

void TestRateLimit::recognisesHeaderLines_data()
{
    QTest::addColumn<QString>("line");
    QTest::addColumn<QString>("name"); // "" when not a rate-limit header
    QTest::addColumn<QString>("value");
    QTest::newRow("draft 06") << QStringLiteral("RateLimit-Remaining: 5")
                              << QStringLiteral("RateLimit-Remaining") << QStringLiteral("5");
    QTest::newRow("lower case, spaces")
        << QStringLiteral("ratelimit:  \"d\";r=1 ") << QStringLiteral("ratelimit")
        << QStringLiteral("\"d\";r=1");
    QTest::newRow("policy") << QStringLiteral("RateLimit-Policy:\"d\";q=1")
                            << QStringLiteral("RateLimit-Policy") << QStringLiteral("\"d\";q=1");
    QTest::newRow("X-") << QStringLiteral("X-RATELIMIT-RESET: 9")
                        << QStringLiteral("X-RATELIMIT-RESET") << QStringLiteral("9");
    QTest::newRow("Fastly") << QStringLiteral("fastly-ratelimit-remaining: 9")
                            << QStringLiteral("fastly-ratelimit-remaining") << QStringLiteral("9");
    QTest::newRow("Retry-After is not one")
        << QStringLiteral("Retry-After: 9") << QString() << QString();
    QTest::newRow("no colon") << QStringLiteral("RateLimit-Remaining 5") << QString() << QString();
    QTest::newRow("status line") << QStringLiteral("HTTP/1.1 429 Too Many Requests") << QString()
                                 << QString();
}

void TestRateLimit::recognisesHeaderLines()
{
    QFETCH(QString, line);
    QFETCH(QString, name);
    QFETCH(QString, value);
    const std::string text = line.toStdString();
    const std::optional<HeaderField> field = rateLimitField(text);
    QCOMPARE(field.has_value(), !name.isEmpty());
    if (field) {
        QCOMPARE(q(field->first), name);
        QCOMPARE(q(field->second), value);
    }
}

void TestRateLimit::describe_data()
{
    QTest::addColumn<qint64>("limit");
    QTest::addColumn<qint64>("remaining");
    QTest::addColumn<qint64>("resetIn");
    QTest::addColumn<qint64>("window");
    QTest::addColumn<QString>("noun");
    QTest::addColumn<bool>("withReset");
    QTest::addColumn<QString>("words");
    const QString noNoun;
    const QString purges = QStringLiteral("purges");
    QTest::newRow("all of it") << qint64(1000) << qint64(997) << 3480 * kS << kNone << noNoun
                               << true << QStringLiteral("997 of 1000 left, resets in 58 min");
    QTest::newRow("with a noun") << qint64(1000) << qint64(997) << 3480 * kS << kNone << purges
                                 << true
                                 << QStringLiteral("997 of 1000 purges left, resets in 58 min");
    QTest::newRow("without the reset") << qint64(1000) << qint64(997) << 3480 * kS << kNone
                                       << noNoun << false << QStringLiteral("997 of 1000 left");
    QTest::newRow("only remaining")
        << kNone << qint64(42) << kNone << kNone << noNoun << true << QStringLiteral("42 left");
    QTest::newRow("only remaining, noun") << kNone << qint64(42) << kNone << kNone << purges << true
                                          << QStringLiteral("42 purges left");
    QTest::newRow("none left, no limit") << kNone << qint64(0) << 12 * kS << kNone << noNoun << true
                                         << QStringLiteral("none left until 12 s from now");
    QTest::newRow("none left, noun") << kNone << qint64(0) << 12 * kS << kNone << purges << true
                                     << QStringLiteral("no purges left until 12 s from now");
    QTest::newRow("none of the limit left")
        << qint64(1000) << qint64(0) << 90 * kS << kNone << purges << true
        << QStringLiteral("none of 1000 purges left until 90 s from now");
    QTest::newRow("none left, reset unknown") << qint64(5) << qint64(0) << kNone << kNone << noNoun
                                              << true << QStringLiteral("none of 5 left");
    QTest::newRow("none left, reset passed")
        << qint64(5) << qint64(0) << qint64(0) << kNone << noNoun << true
        << QStringLiteral("none of 5 left, resets now");
    QTest::newRow("reset passed") << qint64(5) << qint64(3) << qint64(0) << kNone << noNoun << true
                                  << QStringLiteral("3 of 5 left, resets now");
    QTest::newRow("sub-second reset rounds up")
        << qint64(5) << qint64(3) << qint64(1) << kNone << noNoun << true
        << QStringLiteral("3 of 5 left, resets in 1 s");
    QTest::newRow("only the limit and window")
        << qint64(100) << kNone << kNone << 60 * kS << purges << true
        << QStringLiteral("limit 100 purges per 60 s");
    QTest::newRow("only the limit, hourly") << qint64(1000) << kNone << kNone << 3600 * kS << noNoun
                                            << true << QStringLiteral("limit 1000 per 60 min");
    QTest::newRow("only the reset")
        << kNone << kNone << 5 * kS << kNone << noNoun << true << QStringLiteral("resets in 5 s");
    QTest::newRow("only the reset, left out")
        << kNone << kNone << 5 * kS << kNone << noNoun << false << QString();
    QTest::newRow("long reset") << qint64(10) << qint64(1) << (2 * 3600 + 5 * 60) * kS << kNone
                                << noNoun << true
                                << QStringLiteral("1 of 10 left, resets in 2 h 5 min");
}

void TestRateLimit::describe()
{
    QFETCH(qint64, limit);
    QFETCH(qint64, remaining);
    QFETCH(qint64, resetIn);
    QFETCH(qint64, window);
    QFETCH(QString, noun);
    QFETCH(bool, withReset);
    QFETCH(QString, words);
    RateLimit r;
    r.limit = maybe(limit);
    r.remaining = maybe(remaining);
    r.resetIn = maybe(resetIn);
    r.window = maybe(window);
    QCOMPARE(q(describeRateLimit(r, noun.toStdString(), withReset)), words);
}

void TestRateLimit::waitInWords_data()
{
    QTest::addColumn<qint64>("delay");
    QTest::addColumn<QString>("words");
    QTest::newRow("zero") << qint64(0) << QStringLiteral("0 s");
    QTest::newRow("a microsecond rounds up") << qint64(1) << QStringLiteral("1 s");
    QTest::newRow("119 s") << 119 * kS << QStringLiteral("119 s");
    QTest::newRow("120 s") << 120 * kS << QStringLiteral("2 min");
    QTest::newRow("58 min") << 3480 * kS << QStringLiteral("58 min");
    QTest::newRow("2 h") << 7200 * kS << QStringLiteral("2 h");
    QTest::newRow("2 h 1 min") << 7201 * kS << QStringLiteral("2 h 1 min");
    QTest::newRow("3 days") << 3 * 86400 * kS << QStringLiteral("3 d");
}

void TestRateLimit::waitInWords()
{
    QFETCH(qint64, delay);
    QFETCH(QString, words);
    QCOMPARE(q(live::waitInWords(delay)), words);
}

void TestRateLimit::randomBytesNeverCrash()
{
    // Someone else's server: whatever it sends, the parse ends and every
    // count it keeps is non-negative.
    QRandomGenerator random(20240601);
    const char alphabet[] = "0123456789;,=\"\\ \t-+.wrtqabcXRL\x01\x7f\xff";
    const std::vector<std::string> names{
        "RateLimit",       "RateLimit-Policy",  "RateLimit-Limit",       "RateLimit-Remaining",
        "RateLimit-Reset", "X-RateLimit-Reset", "Fastly-RateLimit-Reset"};
    for (int round = 0; round < 5000; ++round) {
        std::vector<HeaderField> headers;
        for (int f = 0, n = int(random.bounded(1, 4)); f < n; ++f) {
            std::string value;
            for (int i = 0, length = int(random.bounded(0, 40)); i < length; ++i)
                value += alphabet[random.bounded(int(sizeof alphabet - 1))];
            headers.emplace_back(names[random.bounded(int(names.size()))], value);
        }
        const std::optional<RateLimit> parsed = parseRateLimit(headers, kNow);
        if (!parsed)
            continue;
        QVERIFY(!parsed->limit || *parsed->limit >= 0);
        QVERIFY(!parsed->remaining || *parsed->remaining >= 0);
        QVERIFY(!parsed->resetIn || *parsed->resetIn >= 0);
        QVERIFY(!parsed->window || *parsed->window >= 0);
        describeRateLimit(*parsed, "purges");
    }
}

QTEST_APPLESS_MAIN(TestRateLimit)
#include "tst_ratelimit.moc"
