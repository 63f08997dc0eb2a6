// Tests of policy/cachecontrol: which Cache-Control directives of an origin's
// answer bind a shared cache, and where a namespace's policy does what they
// forbid (SPEC §8: s-maxage disables stale serving in shared caches).
#include "policy/cachecontrol.h"

#include <QtTest>

#include <string>

using namespace fallback;

namespace {

/// The directive names of a set, comma-separated, in enum order.
QString names(CacheDirectives directives)
{
    QStringList list;
    for (std::string_view name : cacheDirectiveNames(directives))
        list << QString::fromLatin1(name.data(), qsizetype(name.size()));
    return list.join(QLatin1Char(','));
}

NamespacePolicy policyWith(Micros ttl, Micros swr, Micros sie)
{
    NamespacePolicy policy;
    policy.name = "product";
    policy.ttl = ttl;
    policy.staleWhileRevalidate = swr;
    policy.staleIfError = sie;
    return policy;
}

CacheDirectives bits(std::initializer_list<CacheDirective> list)
{
    CacheDirectives set = 0;
    for (CacheDirective directive : list)
        set |= directiveBit(directive);
    return set;
}

} // namespace

class TestCacheControl : public QObject {
    Q_OBJECT

private slots:
    void bindingDirectives_data();
    void bindingDirectives();
    void conflict_data();
    void conflict();
};

void TestCacheControl::bindingDirectives_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<QString>("binding");
    QTest::newRow("empty") << QByteArray("") << QString();
    QTest::newRow("max-age only") << QByteArray("max-age=60") << QString();
    QTest::newRow("public with swr and sie")
        << QByteArray("public, max-age=60, stale-while-revalidate=30, stale-if-error=600")
        << QString();
    QTest::newRow("s-maxage") << QByteArray("s-maxage=60") << QStringLiteral("s-maxage");
    QTest::newRow("s-maxage with swr")
        << QByteArray("max-age=10, s-maxage=60, stale-while-revalidate=30")
        << QStringLiteral("s-maxage");
    QTest::newRow("case and spaces") << QByteArray("  S-MaxAge = 60 ,Must-Revalidate  ")
                                     << QStringLiteral("s-maxage,must-revalidate");
    QTest::newRow("quoted s-maxage") << QByteArray("s-maxage=\"60\"") << QStringLiteral("s-maxage");
    QTest::newRow("s-maxage without a number") << QByteArray("s-maxage") << QString();
    QTest::newRow("s-maxage not a number") << QByteArray("s-maxage=soon") << QString();
    QTest::newRow("proxy-revalidate")
        << QByteArray("proxy-revalidate") << QStringLiteral("proxy-revalidate");
    QTest::newRow("no-store") << QByteArray("no-store") << QStringLiteral("no-store");
    QTest::newRow("private") << QByteArray("private, max-age=0") << QStringLiteral("private");
    QTest::newRow("private for one field")
        << QByteArray("private=\"Set-Cookie\", max-age=60") << QString();
    QTest::newRow("no-cache") << QByteArray("no-cache") << QStringLiteral("no-cache");
    QTest::newRow("no-cache for two fields")
        << QByteArray("no-cache=\"Set-Cookie, X-User\"") << QString();
    QTest::newRow("comma inside quotes")
        << QByteArray("community=\"a, no-store\", max-age=5") << QString();
    QTest::newRow("escaped quote")
        << QByteArray(R"(ext="a\", no-store", s-maxage=9)") << QStringLiteral("s-maxage");
    QTest::newRow("prefix is not a name")
        << QByteArray("no-store-please, s-maxage-ish=4") << QString();
    QTest::newRow("empty elements") << QByteArray(",, ,no-store,,") << QStringLiteral("no-store");
    QTest::newRow("unterminated quote") << QByteArray("x=\"abc, no-store") << QString();
    QTest::newRow("all six")
        << QByteArray("s-maxage=1, proxy-revalidate, must-revalidate, no-cache, no-store, private")
        << QStringLiteral("s-maxage,proxy-revalidate,must-revalidate,no-cache,no-store,private");
}

void TestCacheControl::bindingDirectives()
{
    QFETCH(QByteArray, header);
    QFETCH(QString, binding);
    QCOMPARE(names(fallback::bindingDirectives(header.toStdString())), binding);
}

void TestCacheControl::conflict_data()
{
    QTest::addColumn<int>("directives");
    QTest::addColumn<qint64>("ttlSeconds");
    QTest::addColumn<qint64>("swrSeconds");
    QTest::addColumn<qint64>("sieSeconds");
    QTest::addColumn<bool>("lastResort");
    QTest::addColumn<QString>("expected");
    const int sMaxage = bits({CacheDirective::SMaxage});
    QTest::newRow("nothing binds") << 0 << 300LL << 60LL << 300LL << true << QString();
    QTest::newRow("s-maxage, swr and sie")
        << sMaxage << 300LL << 60LL << 3600LL << false
        << QStringLiteral(
               "s-maxage forbids a shared cache to serve stale copies, but this node serves "
               "them for up to 1m (stale_while_revalidate) or 1h (stale_if_error)");
    QTest::newRow("s-maxage, sie and a client cache")
        << sMaxage << 300LL << 0LL << 300LL << true
        << QStringLiteral(
               "s-maxage forbids a shared cache to serve stale copies, but this node serves "
               "them for up to 5m (stale_if_error), and from its client cache when the origin "
               "fails");
    QTest::newRow("s-maxage, only the client cache")
        << sMaxage << 300LL << 0LL << 0LL << true
        << QStringLiteral(
               "s-maxage forbids a shared cache to serve stale copies, but this node serves "
               "them from its client cache when the origin fails");
    // The policy serves nothing stale: s-maxage is kept.
    QTest::newRow("s-maxage, nothing stale")
        << sMaxage << 300LL << 0LL << 0LL << false << QString();
    QTest::newRow("two that forbid stale")
        << int(bits({CacheDirective::SMaxage, CacheDirective::MustRevalidate})) << 60LL << 30LL
        << 0LL << false
        << QStringLiteral(
               "s-maxage and must-revalidate forbid a shared cache to serve stale copies, but "
               "this node serves them for up to 30s (stale_while_revalidate)");
    QTest::newRow("private") << int(bits({CacheDirective::Private})) << 0LL << 0LL << 0LL << false
                             << QStringLiteral("private forbids a shared cache to store the "
                                               "answers, but this node keeps copies in its tiers");
    QTest::newRow("no-cache with a ttl")
        << int(bits({CacheDirective::NoCache})) << 120LL << 0LL << 0LL << false
        << QStringLiteral(
               "no-cache forbids reusing an answer without asking the origin, but this node "
               "serves copies for up to 2m (ttl) without asking");
    QTest::newRow("no-store, no-cache and proxy-revalidate")
        << int(bits(
               {CacheDirective::NoStore, CacheDirective::NoCache, CacheDirective::ProxyRevalidate}))
        << 120LL << 60LL << 0LL << false
        << QStringLiteral(
               "no-store forbids a shared cache to store the answers, but this node keeps copies "
               "in its tiers; no-cache forbids reusing an answer without asking the origin, but "
               "this node serves copies for up to 2m (ttl) without asking; proxy-revalidate and "
               "no-cache forbid a shared cache to serve stale copies, but this node serves them "
               "for up to 1m (stale_while_revalidate)");
}

void TestCacheControl::conflict()
{
    QFETCH(int, directives);
    QFETCH(qint64, ttlSeconds);
    QFETCH(qint64, swrSeconds);
    QFETCH(qint64, sieSeconds);
    QFETCH(bool, lastResort);
    QFETCH(QString, expected);
    const NamespacePolicy policy =
        policyWith(ttlSeconds * kMicrosPerSecond, swrSeconds * kMicrosPerSecond,
                   sieSeconds * kMicrosPerSecond);
    QCOMPARE(QString::fromStdString(cacheControlConflict(static_cast<CacheDirectives>(directives),
                                                         policy, lastResort)),
             expected);
}

QTEST_APPLESS_MAIN(TestCacheControl)
#include "tst_cachecontrol.moc"
