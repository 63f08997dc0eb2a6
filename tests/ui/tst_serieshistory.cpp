#include "charts/serieshistory.h"

#include <QTest>

#include <cmath>
#include <limits>

using namespace fallback;
using namespace fallback::ui;

namespace {

SeriesPoint point(std::int64_t second, std::uint64_t edgeServed, std::uint64_t lookups = 0,
                  float p50 = 0)
{
    SeriesPoint p;
    p.second = second;
    p.requests.servedBy[static_cast<int>(ServedBy::EdgeCache)] = edgeServed;
    p.requests.requests = edgeServed;
    p.tiers[0].lookups = lookups;
    p.tiers[0].hits = lookups / 2;
    p.tierP50Ms[0] = p50;
    p.tierP99Ms[0] = p50 * 4;
    return p;
}

const Metric kEdge = Metric::servedBy(ServedBy::EdgeCache);

} // namespace

class TestSeriesHistory : public QObject {
    Q_OBJECT

private slots:
    void ringIsBounded()
    {
        SeriesHistory history(10);
        for (int s = 0; s < 25; ++s)
            history.append(point(s, 1));
        QCOMPARE(history.size(), std::size_t(10));
        QCOMPARE(history.firstSecond(), std::int64_t(15));
        QCOMPARE(history.lastSecond(), std::int64_t(24));
        for (std::size_t i = 0; i < history.size(); ++i)
            QCOMPARE(history.at(i).second, std::int64_t(15 + i));
        history.clear();
        QVERIFY(history.isEmpty());
        history.append(point(3, 1));
        QCOMPARE(history.firstSecond(), std::int64_t(3));
    }

    void olderPointsIgnoredSameSecondMerged()
    {
        SeriesHistory history;
        history.append({point(5, 10), point(6, 10)});
        history.append(point(4, 99));
        QCOMPARE(history.size(), std::size_t(2));
        history.append(point(6, 5));
        QCOMPARE(history.size(), std::size_t(2));
        QCOMPARE(history.at(1).requests.servedBy[0], std::uint64_t(15));
    }

    void lateSecondsMergeIntoHeldOnes()
    {
        // A live poller fills idle seconds with empty points; a part the node
        // closed later lands on its second instead of being dropped.
        SeriesHistory history;
        history.append({point(5, 0), point(6, 0), point(7, 4)});
        history.append(point(6, 9));
        QCOMPARE(history.size(), std::size_t(3));
        QCOMPARE(history.at(1).requests.servedBy[0], std::uint64_t(9));
        QCOMPARE(history.at(2).requests.servedBy[0], std::uint64_t(4));
    }

    void windowExtraction()
    {
        SeriesHistory history;
        for (int s = 0; s < 100; ++s)
            history.append(point(s, std::uint64_t(s)));
        const QList<QPointF> points = history.extract(kEdge, {90, 99, 600, 99.0, 1.0});
        QCOMPARE(points.size(), 10);
        for (int i = 0; i < 10; ++i) {
            QCOMPARE(points[i].x(), double(i - 9));
            QCOMPARE(points[i].y(), double(90 + i));
        }
        // Nothing is invented before the first point held.
        const QList<QPointF> early = history.extract(kEdge, {-50, 9, 600, 0.0, 1.0});
        QCOMPARE(early.size(), 10);
        QCOMPARE(early.front().x(), 0.0);
        // After the newest point, a local workspace was idle: zeros.
        const QList<QPointF> late = history.extract(kEdge, {200, 299, 600, 0.0, 1.0});
        QCOMPARE(late.size(), 100);
        for (const QPointF& p : late)
            QCOMPARE(p.y(), 0.0);
    }

    void downsampling_data()
    {
        QTest::addColumn<int>("maxPoints");
        QTest::newRow("1") << 1;
        QTest::newRow("7") << 7;
        QTest::newRow("599") << 599;
        QTest::newRow("600") << 600;
        QTest::newRow("601") << 601;
        QTest::newRow("3600") << 3600;
    }

    void downsampling()
    {
        QFETCH(int, maxPoints);
        SeriesHistory history;
        for (int s = 0; s < 5000; ++s)
            history.append(point(s, 7));
        QCOMPARE(history.size(), std::size_t(3600));
        const SeriesHistory::Window window{1400, 4999, maxPoints, 4999.0, 1.0};
        const QList<QPointF> points = history.extract(kEdge, window);
        QVERIFY(!points.isEmpty());
        QVERIFY2(points.size() <= maxPoints, qPrintable(QString::number(points.size())));
        for (const QPointF& p : points) {
            QCOMPARE(p.y(), 7.0); // a constant rate stays itself when averaged
            QVERIFY(p.x() >= -3599.0 && p.x() <= 0.0);
        }
        for (qsizetype i = 1; i < points.size(); ++i)
            QVERIFY(points[i].x() > points[i - 1].x());
    }

    void downsamplingAveragesAndIsStableWhenSliding()
    {
        SeriesHistory history;
        for (int s = 0; s < 3600; ++s)
            history.append(point(s, std::uint64_t(s)));
        const SeriesHistory::Window a{0, 3598, 600, 0.0, 1.0};
        const SeriesHistory::Window b{1, 3599, 600, 0.0, 1.0};
        QCOMPARE(SeriesHistory::bucketWidth(a), std::int64_t(7));
        const QList<QPointF> pa = history.extract(kEdge, a);
        const QList<QPointF> pb = history.extract(kEdge, b);
        // The mean of consecutive seconds s0..s1 with value = second is their centre.
        for (const QPointF& p : pa)
            QCOMPARE(p.y(), p.x());
        // Buckets are aligned on absolute seconds: full ones keep their value.
        QCOMPARE(pa[5], pb[5]);
        QCOMPARE(pa[300], pb[300]);
    }

    void gapsAsZerosOrBreaks()
    {
        SeriesHistory history;
        for (int s = 0; s < 10; s += 2)
            history.append(point(s, 10));
        QCOMPARE(history.missingSeconds(), SeriesHistory::MissingSeconds::Zero);
        QList<QPointF> zeros = history.extract(kEdge, {0, 9, 10, 0.0, 1.0});
        QCOMPARE(zeros.size(), 10);
        for (int i = 0; i < 10; ++i)
            QCOMPARE(zeros[i].y(), i % 2 ? 0.0 : 10.0);
        // Two seconds a point: a missing second halves the rate.
        // (Six points at most: two-second buckets, aligned, make five.)
        zeros = history.extract(kEdge, {0, 9, 6, 0.0, 1.0});
        QCOMPARE(zeros.size(), 5);
        for (const QPointF& p : zeros)
            QCOMPARE(p.y(), 5.0);

        history.setMissingSeconds(SeriesHistory::MissingSeconds::Gap);
        const QList<QPointF> gaps = history.extract(kEdge, {0, 9, 10, 0.0, 1.0});
        QCOMPARE(gaps.size(), 10);
        for (int i = 0; i < 10; ++i) {
            if (i % 2)
                QVERIFY(std::isnan(gaps[i].y()));
            else
                QCOMPARE(gaps[i].y(), 10.0);
        }
        // A bucket with some seconds present averages only those.
        for (const QPointF& p : history.extract(kEdge, {0, 9, 6, 0.0, 1.0}))
            QCOMPARE(p.y(), 10.0);
    }

    void latencyAndRatesAreWeighted()
    {
        SeriesHistory history;
        history.append(point(0, 1, 100, 2.0f));
        history.append(point(1, 1, 0, 0.0f));   // no lookup: no latency
        history.append(point(2, 1, 300, 6.0f));
        const QList<QPointF> p50 = history.extract(Metric::tierP50(TierId::EdgeCache), {0, 2, 3});
        QCOMPARE(p50.size(), 3);
        QCOMPARE(p50[0].y(), 2.0);
        QVERIFY(std::isnan(p50[1].y()));
        const QList<QPointF> merged =
            history.extract(Metric::tierP50(TierId::EdgeCache), {0, 2, 1});
        QCOMPARE(merged.size(), 1);
        QCOMPARE(merged[0].y(), (2.0 * 100 + 6.0 * 300) / 400);
        const QList<QPointF> p99 = history.extract(Metric::tierP99(TierId::EdgeCache), {0, 2, 1});
        QCOMPARE(p99[0].y(), 24.0); // the peak, not the mean
        const QList<QPointF> hit = history.extract(Metric::tierHitRate(TierId::EdgeCache), {0, 2, 1});
        QCOMPARE(hit[0].y(), 0.5);
    }

    void latencyThatIsNotANumberIsNoValue()
    {
        SeriesHistory history;
        SeriesPoint odd = point(0, 1, 100, std::numeric_limits<float>::quiet_NaN());
        odd.tierP99Ms[0] = std::numeric_limits<float>::quiet_NaN();
        history.append(odd);
        history.append(point(1, 1, 100, 3.0f));
        // Alone, a second without a number is a gap (NaN), never -inf.
        const QList<QPointF> p99 = history.extract(Metric::tierP99(TierId::EdgeCache), {0, 1, 2});
        QCOMPARE(p99.size(), 2);
        QVERIFY(std::isnan(p99[0].y()));
        QCOMPARE(p99[1].y(), 12.0);
        const QList<QPointF> p50 = history.extract(Metric::tierP50(TierId::EdgeCache), {0, 1, 2});
        QVERIFY(std::isnan(p50[0].y()));
        // Merged with a second that has one, it does not poison the bucket.
        QCOMPARE(history.extract(Metric::tierP99(TierId::EdgeCache), {0, 1, 1})[0].y(), 12.0);
        QCOMPARE(history.extract(Metric::tierP50(TierId::EdgeCache), {0, 1, 1})[0].y(), 3.0);
    }
};

QTEST_APPLESS_MAIN(TestSeriesHistory)
#include "tst_serieshistory.moc"
