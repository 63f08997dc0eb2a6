#include "charts/chartmath.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <limits>

using namespace fallback::ui;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

QList<QPointF> series(const QList<double>& ys)
{
    QList<QPointF> out;
    for (qsizetype i = 0; i < ys.size(); ++i)
        out.append(QPointF(double(i), ys[i]));
    return out;
}

} // namespace

class TestChartMath : public QObject {
    Q_OBJECT

private slots:
    void stackSumsBands()
    {
        const QList<QPointF> a = series({1, 2, 3});
        const QList<QPointF> b = series({10, 20, 30});
        const QList<QPointF> c = series({100, 200}); // shorter: zero where missing
        const StackedBands stack = stackBands({&a, &b, &c}, {true, true, true});
        QCOMPARE(stack.uppers.size(), std::size_t(3));
        QCOMPARE(stack.uppers[0], series({1, 2, 3}));
        QCOMPARE(stack.uppers[1], series({11, 22, 33}));
        QCOMPARE(stack.uppers[2], series({111, 222, 33}));
        QVERIFY(stack.gaps.empty());
        // A hidden band adds nothing.
        const StackedBands hidden = stackBands({&a, &b, &c}, {true, false, true});
        QCOMPARE(hidden.uppers[2], series({101, 202, 3}));
    }

    void stackDropsOutOverGaps()
    {
        const QList<QPointF> a = series({1, kNaN, kNaN, 4, 5});
        const QList<QPointF> b = series({1, 1, 1, 1, 1});
        const StackedBands stack = stackBands({&a, &b}, {true, true});
        // Straight down at x 0, straight up at x 3: nothing drawn at x 1, 2.
        const QList<QPointF> expected{{0, 2}, {0, 0}, {3, 0}, {3, 5}, {4, 6}};
        QCOMPARE(stack.uppers[1], expected);
        QCOMPARE(stack.gaps.size(), std::size_t(1));
        QCOMPARE(stack.gaps[0], std::make_pair(0.5, 2.5));
        const QList<QPointF> outline = gapOutline(stack.gaps, 10);
        QCOMPARE(outline, (QList<QPointF>{{0.5, 0}, {0.5, 10}, {2.5, 10}, {2.5, 0}}));
    }

    void niceRanges_data()
    {
        QTest::addColumn<double>("largest");
        QTest::addColumn<double>("max");
        QTest::addColumn<int>("ticks");
        QTest::newRow("zero") << 0.0 << 1.0 << 5;
        QTest::newRow("5") << 5.0 << 5.0 << 6;
        QTest::newRow("8.4") << 8.4 << 10.0 << 6;
        QTest::newRow("2600") << 2600.0 << 3000.0 << 4;
        QTest::newRow("0.7") << 0.7 << 0.8 << 5;
    }

    void niceRanges()
    {
        QFETCH(double, largest);
        QFETCH(double, max);
        QFETCH(int, ticks);
        const auto [gotMax, gotTicks] = niceLinearRange(largest);
        QCOMPARE(gotMax, max);
        QCOMPARE(gotTicks, ticks);
    }

    void logRanges()
    {
        const LogRange range = logRange(250.0, 0.1, 1.0);
        QCOMPARE(range.lowDecade, -1);
        QVERIFY(std::pow(10.0, range.top()) >= 250.0 * 1.2);
        QVERIFY(std::pow(10.0, range.top()) < 250.0 * 1.2 * 2.2); // a third of a decade at most
        QCOMPARE(logRange(0.0, 0.1, 1.0).top(), 0.0);               // at least one decade
        const QList<QPointF> logs = log10Points(series({100, 0, kNaN}), 0.1);
        QCOMPARE(logs[0].y(), 2.0);
        QCOMPARE(logs[1].y(), -1.0); // drawn at the floor
        QVERIFY(std::isnan(logs[2].y()));
        QCOMPARE(maxY(series({1, kNaN, 3})), 3.0);
        // Any y that is not finite is a gap, never drawn at the floor or off the top.
        constexpr double inf = std::numeric_limits<double>::infinity();
        const QList<QPointF> infinite = log10Points(series({-inf, inf}), 0.1);
        QVERIFY(std::isnan(infinite[0].y()));
        QVERIFY(std::isnan(infinite[1].y()));
    }

    void finiteRunsSplitLinesAtGaps()
    {
        using Runs = std::vector<std::pair<qsizetype, qsizetype>>;
        QCOMPARE(finiteRuns({}), Runs{});
        QCOMPARE(finiteRuns(series({1, 2, 3})), (Runs{{0, 3}}));
        // Leading and trailing gaps are left out: the line starts at its
        // first value, not at a corner of the plot.
        QCOMPARE(finiteRuns(series({kNaN, kNaN, 1, 2, 3, kNaN})), (Runs{{2, 5}}));
        // An inner gap cuts the line in two; a lone point makes no line.
        QCOMPARE(finiteRuns(series({1, 2, kNaN, 4, kNaN, 6, 7, 8})), (Runs{{0, 2}, {5, 8}}));
        QCOMPARE(finiteRuns(series({1, 2, kNaN, 4, kNaN, 6, 7}), 1),
                 (Runs{{0, 2}, {3, 4}, {5, 7}}));
        QCOMPARE(finiteRuns(series({kNaN, kNaN})), Runs{});
        // Infinity and a NaN x are gaps too.
        const QList<QPointF> odd{{0, 1}, {1, 1}, {2, std::numeric_limits<double>::infinity()},
                                 {kNaN, 1}, {4, 1}, {5, 1}};
        QCOMPARE(finiteRuns(odd), (Runs{{0, 2}, {4, 6}}));
    }

    void csvColumns()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("x.csv"));
        const QList<QPointF> a{{-1, 1.5}, {0, 2}};
        const QList<QPointF> b{{-2, 7}, {0, kNaN}};
        QVERIFY(writeColumnsCsv(path, QStringLiteral("t"), {QStringLiteral("a"), QStringLiteral("b")},
                                {&a, &b}));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly | QIODevice::Text));
        QCOMPARE(QString::fromUtf8(file.readAll()),
                 QStringLiteral("t,a,b\n-2,,7\n-1,1.5,\n0,2,\n"));
        QVERIFY(!writeColumnsCsv(dir.filePath(QStringLiteral("no/such/dir.csv")), {}, {}, {}));
    }
};

QTEST_APPLESS_MAIN(TestChartMath)
#include "tst_chartmath.moc"
