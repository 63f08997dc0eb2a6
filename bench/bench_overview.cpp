// The Overview page's refresh cost: an OverviewPage (offscreen, shown,
// 1280x800) holding a one-hour window at one-second resolution for every
// series (5 stacked bands, stale, 8 latency lines, 3 origin lines), then N
// refreshes, each pushing one new second, redrawing the charts and painting
// the whole page. Prints mean / p50 / p95 / max milliseconds per refresh,
// split into data update (history, extraction, replace) and paint.
// Not a test: nothing is asserted. Target: under 8 ms per refresh.
//
//   bench_overview [REFRESHES] [--window SECONDS] [--png PATH] [--live]
//
// --png saves the page after the run (to look at it); --live draws missing
// seconds as gaps and drops ten seconds of data to show them.

#include "widgets/overviewpage.h"

#include <QApplication>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <memory>
#include <vector>

namespace {

using namespace fallback;
using namespace fallback::ui;

class BenchWorkspace final : public Workspace {
public:
    explicit BenchWorkspace(Kind kind) : Workspace(QStringLiteral("bench")), m_kind(kind) {}
    Kind kind() const override { return m_kind; }
    void applyPolicy(const Policy&) override {}
    void preview(const Invalidation&) override {}
    void invalidate(const Invalidation&) override {}
    void lookupKey(const QString&, const QString&) override {}
    void listKeys(const QString&, const QString&, int) override {}
    void push(WorkspaceSnapshot snapshot)
    {
        publish(std::make_shared<const WorkspaceSnapshot>(std::move(snapshot)));
    }

private:
    Kind m_kind;
};

/// A plausible hour: a daily-ish swell of 1.5-2.5k reads/s, mostly edge
/// hits; the origin goes down from 45:00 to 50:00 (stale serves and client
/// cache take over, failures rise), and is slow from 52:00 to 54:00.
class Traffic {
public:
    SeriesPoint point(std::int64_t second)
    {
        SeriesPoint p;
        p.second = second;
        const double phase = double(second % 3600) / 3600.0;
        const double rate = 2000.0 + 500.0 * std::sin(phase * 2 * M_PI * 1.5) + noise(150);
        const bool down = second % 3600 >= 2700 && second % 3600 < 3000;
        const bool slow = second % 3600 >= 3120 && second % 3600 < 3240;
        const double total = std::max(0.0, rate);
        std::array<double, kServedByCount> share{0.84, 0.09, 0.06, 0.005, 0.002};
        if (down)
            share = {0.80, 0.09, 0.0, 0.07, 0.04};
        std::uint64_t sum = 0;
        for (int i = 0; i < kServedByCount; ++i) {
            const auto n = std::uint64_t(std::max(0.0, total * share[std::size_t(i)] * (1 + noise(0.05))));
            p.requests.servedBy[std::size_t(i)] = n;
            sum += n;
        }
        p.requests.requests = sum;
        p.requests.failed = p.requests.servedBy[4];
        p.requests.staleServed = std::uint64_t(total * (down ? 0.55 : 0.03));
        p.requests.originFetches = down ? std::uint64_t(total * 0.01) : std::uint64_t(total * 0.075);
        p.requests.coalesced = std::uint64_t(total * (down ? 0.002 : 0.012));
        p.requests.revalidations = std::uint64_t(total * (down ? 0.3 : 0.02));
        const std::array<double, kTierCount> p50{1.8, 11.0, slow ? 240.0 : 55.0, 0.4};
        const std::array<double, kTierCount> p99{7.5, 38.0, slow ? 900.0 : 190.0, 1.2};
        for (int t = 0; t < kTierCount; ++t) {
            TierCounters& c = p.tiers[std::size_t(t)];
            c.lookups = std::uint64_t(total * (t == 0 ? 1.0 : t == 1 ? 0.16 : t == 2 ? 0.07 : 0.01));
            c.hits = std::uint64_t(double(c.lookups) * (t == 2 && down ? 0.0 : 0.8));
            c.staleHits = std::uint64_t(double(c.lookups) * 0.03);
            c.misses = c.lookups - c.hits - c.staleHits;
            if (t == 2 && down) {
                c.errors = c.lookups;
                c.hits = 0;
                c.misses = 0;
                c.staleHits = 0;
            }
            p.tierP50Ms[std::size_t(t)] = float(p50[std::size_t(t)] * (1 + noise(0.1)));
            p.tierP99Ms[std::size_t(t)] = float(p99[std::size_t(t)] * (1 + noise(0.25)));
        }
        p.p50Ms = 2.1f;
        p.p99Ms = float(120 * (1 + noise(0.2)));
        for (int t = 0; t < kTierCount; ++t)
            m_totals[std::size_t(t)].merge(p.tiers[std::size_t(t)]);
        return p;
    }

    WorkspaceSnapshot snapshot(std::vector<SeriesPoint> points, bool reset)
    {
        WorkspaceSnapshot s;
        s.now = (points.empty() ? 0 : points.back().second + 1) * kMicrosPerSecond;
        for (int t = 0; t < kTierCount; ++t) {
            TierView& view = s.tiers[std::size_t(t)];
            view.enabled = true;
            view.counters = m_totals[std::size_t(t)];
            view.latency = {t == 2 ? 58.0 : t == 1 ? 11.2 : t == 0 ? 1.9 : 0.4, 0, 0,
                            t == 2 ? 205.0 : t == 1 ? 41.0 : t == 0 ? 7.9 : 1.3, 0};
            view.usage.entries = t == 0 ? 182340 : t == 1 ? 1204551 : t == 3 ? 5120 : 0;
        }
        s.tiers[2].faults.slowFactor = 1.0;
        s.tiers[3].faults.flakyRate = 0.0;
        s.newPoints = std::move(points);
        s.seriesReset = reset;
        return s;
    }

private:
    double noise(double scale)
    {
        m_state = m_state * 6364136223846793005ULL + 1442695040888963407ULL;
        return (double(m_state >> 11) / double(1ULL << 53) * 2.0 - 1.0) * scale;
    }
    std::uint64_t m_state = 42;
    std::array<TierCounters, kTierCount> m_totals{};
};

/// Wall clock and CPU time of the whole process (Qt's raster engine may
/// fill on pool threads), in milliseconds.
struct Clock {
    double wallMs = 0, cpuMs = 0;
    static Clock now()
    {
        timespec wall{}, cpu{};
        clock_gettime(CLOCK_MONOTONIC, &wall);
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
        return {double(wall.tv_sec) * 1e3 + double(wall.tv_nsec) / 1e6,
                double(cpu.tv_sec) * 1e3 + double(cpu.tv_nsec) / 1e6};
    }
};

/// Counts paint events, to show that a refresh really repaints.
class PaintCounter : public QObject {
public:
    int count = 0;
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (event->type() == QEvent::Paint)
            ++count;
        return QObject::eventFilter(watched, event);
    }
};

double percentile(std::vector<double> values, double q)
{
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1, std::size_t(q * double(values.size())))];
}

void report(const char* what, const std::vector<double>& ms)
{
    double sum = 0, max = 0;
    for (double v : ms)
        sum += v, max = std::max(max, v);
    std::printf("  %-6s mean %6.2f ms   p50 %6.2f ms   p95 %6.2f ms   max %6.2f ms\n", what,
                sum / double(ms.size()), percentile(ms, 0.5), percentile(ms, 0.95), max);
}

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    int refreshes = 200;
    int window = 3600;
    QString png;
    bool live = false;
    const QStringList args = app.arguments();
    for (qsizetype i = 1; i < args.size(); ++i) {
        if (args[i] == QLatin1String("--png") && i + 1 < args.size())
            png = args[++i];
        else if (args[i] == QLatin1String("--window") && i + 1 < args.size())
            window = args[++i].toInt();
        else if (args[i] == QLatin1String("--live"))
            live = true;
        else
            refreshes = std::max(1, args[i].toInt());
    }

    BenchWorkspace workspace(live ? Workspace::Kind::Live : Workspace::Kind::Local);
    OverviewPage page;
    page.resize(1280, 800);
    page.show();
    page.setWorkspace(&workspace);
    page.setWindowSeconds(window);

    Traffic traffic;
    std::vector<SeriesPoint> hour;
    std::int64_t second = 0;
    for (; second < 3600; ++second) {
        SeriesPoint p = traffic.point(second);
        if (live && second >= 3300 && second < 3310)
            continue; // ten seconds the node did not answer
        hour.push_back(p);
    }
    workspace.push(traffic.snapshot(std::move(hour), true));
    page.refreshNow();
    QCoreApplication::processEvents();
    (void)page.grab();

    PaintCounter paints;
    app.installEventFilter(&paints);
    std::vector<double> dataMs, paintMs, totalMs, dataCpu, paintCpu, totalCpu;
    for (int i = 0; i < refreshes; ++i, ++second) {
        const Clock start = Clock::now();
        workspace.push(traffic.snapshot({traffic.point(second)}, false));
        page.refreshNow();                 // history, extraction, replace()
        const Clock data = Clock::now();
        QCoreApplication::processEvents(); // the scenes repaint what changed
        const Clock end = Clock::now();
        dataMs.push_back(data.wallMs - start.wallMs);
        paintMs.push_back(end.wallMs - data.wallMs);
        totalMs.push_back(end.wallMs - start.wallMs);
        dataCpu.push_back(data.cpuMs - start.cpuMs);
        paintCpu.push_back(end.cpuMs - data.cpuMs);
        totalCpu.push_back(end.cpuMs - start.cpuMs);
    }
    app.removeEventFilter(&paints);
    std::printf("bench_overview: %d refreshes, window %d s, %zu points held, %d x %d, %s\n",
                refreshes, window, page.history().size(), page.width(), page.height(),
                live ? "live (gaps)" : "local (zeros)");
    std::printf("points drawn per series: requests %d, latency %d, origin %d\n",
                page.seriesPointCount(QStringLiteral("requests"), QStringLiteral("edge_cache")),
                page.seriesPointCount(QStringLiteral("latency"), QStringLiteral("origin p99")),
                page.seriesPointCount(QStringLiteral("origin"), QStringLiteral("origin fetches")));
    std::printf("paint events per refresh: %.1f (widgets repainted)\n",
                double(paints.count) / refreshes);
    std::printf("wall clock (includes waiting for a busy CPU):\n");
    report("data", dataMs);
    report("paint", paintMs);
    report("total", totalMs);
    std::printf("CPU time of the process (all threads):\n");
    report("data", dataCpu);
    report("paint", paintCpu);
    report("total", totalCpu);
    if (!png.isEmpty() && !page.exportPng(png)) {
        std::fprintf(stderr, "bench_overview: cannot write %s\n", qPrintable(png));
        return 1;
    }
    return 0;
}
