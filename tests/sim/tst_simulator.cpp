// Tests of Simulator: determinism for a seed, the engine's edge cache
// against a textbook LRU replay of the same requests (synthetic and trace
// workloads), the request limit and the duration, a bad or missing trace
// stopping the run with a FILE:LINE diagnostic, and the prefetching trace
// source. Scenario events and faults are in tst_simulatorevents.cpp.
#include "simulatorrig.h"

#include "sim/requestsource.h"

#include <QtTest>

#include <list>
#include <unordered_map>

using namespace fallback;
using namespace simtest;

namespace {

/// Textbook LRU: a list with the most recent in front and a map into it.
class TextbookLru {
public:
    explicit TextbookLru(std::size_t capacity) : m_capacity(capacity) {}
    bool access(std::uint64_t key)
    {
        if (const auto it = m_index.find(key); it != m_index.end()) {
            m_order.splice(m_order.begin(), m_order, it->second);
            return true;
        }
        m_order.push_front(key);
        m_index[key] = m_order.begin();
        if (m_order.size() > m_capacity) {
            m_index.erase(m_order.back());
            m_order.pop_back();
        }
        return false;
    }

private:
    std::size_t m_capacity;
    std::list<std::uint64_t> m_order;
    std::unordered_map<std::uint64_t, std::list<std::uint64_t>::iterator> m_index;
};

/// Only an LRU edge cache (capacity in entries, instant) and an instant
/// origin; one namespace that never expires in the run.
Scenario lruScenario(std::uint64_t capacity, double zipf, std::uint64_t keys, std::uint64_t requests)
{
    Scenario scenario;
    scenario.policy.namespaces.push_back(makeNamespace("product", 0, sec(365LL * 86400)));
    scenario.seed = 7;
    SyntheticWorkload workload;
    workload.rate = 1000;
    workload.keys = keys;
    workload.zipf = zipf;
    workload.readRatio = 1.0;
    workload.namespaces = {{"product", 1.0}};
    scenario.synthetic = workload;
    scenario.requests = requests;
    scenario.tiers[tierIndex(TierId::EdgeCache)] = tierSpec(true, capacity, 0, 0);
    scenario.tiers[tierIndex(TierId::EdgeKv)] = tierSpec(false, 0, 0, 0);
    scenario.tiers[tierIndex(TierId::Origin)] = tierSpec(true, 0, 0, 0);
    scenario.tiers[tierIndex(TierId::ClientCache)] = tierSpec(false, 0, 0, 0);
    return scenario;
}

QString writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& content)
{
    QFile file(dir.filePath(name));
    if (!file.open(QIODevice::WriteOnly))
        return {};
    file.write(content);
    return file.fileName();
}

} // namespace

class TestSimulator : public QObject {
    Q_OBJECT

private slots:
    void sameSeedSameCounters();
    void differentSeedDifferentCounters();
    void edgeCacheIsTextbookLru_data();
    void edgeCacheIsTextbookLru();
    void traceReplayIsTextbookLru();
    void requestLimitIsRespected();
    void durationCutsTheRun();
    void badTraceRowStopsTheRun_data();
    void badTraceRowStopsTheRun();
    void missingTraceFails();
    void prefetchSourceEndsOnce();
};

void TestSimulator::sameSeedSameCounters()
{
    Scenario scenario = stackScenario();
    ScenarioEvent down = scenarioEvent(sec(20), EventAction::Down);
    down.tier = TierId::EdgeKv;
    down.duration = sec(10);
    scenario.events.push_back(down);

    Simulator first(scenario);
    Simulator second(scenario);
    const EngineStats a = runToEnd(first);
    const EngineStats b = runToEnd(second);
    QVERIFY(first.finished());
    QVERIFY(a.requests.requests > 20000);
    QCOMPARE(first.requestsIssued(), second.requestsIssued());
    QCOMPARE(a.requests, b.requests);
    QCOMPARE(a.tiers, b.tiers);
    QCOMPARE(a.latency.count(), b.latency.count());
    QCOMPARE(a.latency.max(), b.latency.max());
    QCOMPARE(a.latency.quantile(0.99), b.latency.quantile(0.99));
    QCOMPARE(a.series.size(), b.series.size());
    for (std::size_t i = 0; i < a.series.size(); ++i) {
        QCOMPARE(a.series[i].requests, b.series[i].requests);
        QCOMPARE(a.series[i].tiers, b.series[i].tiers);
    }
    QCOMPARE(first.now(), second.now());
}

void TestSimulator::differentSeedDifferentCounters()
{
    Simulator first(stackScenario());
    SimulationOptions options;
    options.seed = 43;
    Simulator second(stackScenario(), options);
    const EngineStats a = runToEnd(first);
    const EngineStats b = runToEnd(second);
    QVERIFY(!(a.requests == b.requests));
    QVERIFY(!(a.tiers == b.tiers));
}

void TestSimulator::edgeCacheIsTextbookLru_data()
{
    QTest::addColumn<int>("capacity");
    QTest::addColumn<double>("zipf");
    QTest::addColumn<int>("keys");
    QTest::newRow("C=1 zipf=0.9") << 1 << 0.9 << 100;
    QTest::newRow("C=10 zipf=0.9") << 10 << 0.9 << 1000;
    QTest::newRow("C=100 zipf=0.7") << 100 << 0.7 << 1000;
    QTest::newRow("C=500 zipf=1.1") << 500 << 1.1 << 20000;
    QTest::newRow("C=2000 uniform") << 2000 << 0.0 << 5000;
}

void TestSimulator::edgeCacheIsTextbookLru()
{
    QFETCH(int, capacity);
    QFETCH(double, zipf);
    QFETCH(int, keys);
    const std::uint64_t requests = 50000;
    const Scenario scenario = lruScenario(std::uint64_t(capacity), zipf, std::uint64_t(keys), requests);

    Simulator simulator(scenario);
    const EngineStats stats = runToEnd(simulator);
    QCOMPARE(simulator.requestsIssued(), requests);

    // The same request sequence, replayed through a textbook LRU.
    KeySpace replayKeys;
    replayKeys.namespaceId("product");
    SyntheticSource source(*scenario.synthetic, replayKeys, scenario.seed);
    TextbookLru lru{std::size_t(capacity)};
    std::uint64_t hits = 0;
    SimRequest request;
    for (std::uint64_t i = 0; i < requests; ++i) {
        QVERIFY(source.next(request));
        QCOMPARE(request.op, TraceOp::Get);
        hits += lru.access((std::uint64_t(request.ns) << 32) | request.rid);
    }

    const TierCounters& edge = stats.tiers[tierIndex(TierId::EdgeCache)];
    QCOMPARE(edge.lookups, requests);
    QCOMPARE(edge.hits, hits);
    QCOMPARE(edge.staleHits, 0u);
    QCOMPARE(edge.misses, requests - hits);
    QCOMPARE(stats.requests.originFetches, requests - hits);
    QCOMPARE(stats.requests.servedBy[int(ServedBy::EdgeCache)], hits);
    QCOMPARE(stats.requests.coalesced, 0u);
}

void TestSimulator::traceReplayIsTextbookLru()
{
    // The same check through the trace path: a CSV written here, replayed.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    Random random(17);
    ZipfSampler zipf(300, 0.8);
    TextbookLru lru(40);
    std::uint64_t hits = 0;
    QByteArray csv = "time,namespace,id\n";
    const int rows = 20000;
    for (int i = 0; i < rows; ++i) {
        const std::uint32_t rank = zipf.sample(random);
        hits += lru.access(rank);
        csv += QByteArray::number(double(i) / 1000.0, 'f', 3) + ",product,item-" +
               QByteArray::number(rank) + '\n';
    }
    const QString path = writeFile(dir, QStringLiteral("zipf.csv"), csv);
    QVERIFY(!path.isEmpty());

    Scenario scenario = lruScenario(40, 0.8, 300, 0);
    scenario.requests.reset();
    SimulationOptions options;
    options.tracePath = path.toStdString();
    Simulator simulator(scenario, options);
    const Status status = simulator.run();
    QVERIFY2(status.ok(), status.ok() ? "" : status.error().message.c_str());
    QCOMPARE(simulator.requestsIssued(), std::uint64_t(rows));
    const EngineStats stats = simulator.engine().snapshot();
    QCOMPARE(stats.tiers[tierIndex(TierId::EdgeCache)].hits, hits);
}

void TestSimulator::requestLimitIsRespected()
{
    Scenario scenario = stackScenario();
    scenario.duration.reset();
    scenario.requests = 5000;
    {
        Simulator simulator(scenario);
        const EngineStats stats = runToEnd(simulator);
        QCOMPARE(simulator.requestsIssued(), 5000u);
        QCOMPARE(stats.requests.requests + stats.requests.writes + stats.requests.tooLarge, 5000u);
        QVERIFY(!simulator.engine().busy());
    }
    SimulationOptions options;
    options.requests = 777; // the command line wins over the scenario
    Simulator simulator(scenario, options);
    const EngineStats stats = runToEnd(simulator);
    QCOMPARE(simulator.requestsIssued(), 777u);
    QCOMPARE(stats.requests.requests + stats.requests.writes + stats.requests.tooLarge, 777u);
    QCOMPARE(simulator.progress(), 1.0);
}

void TestSimulator::durationCutsTheRun()
{
    Scenario scenario = stackScenario();
    scenario.duration = sec(4);
    Simulator simulator(scenario);
    const EngineStats stats = runToEnd(simulator);
    // 500/s for 4 s: about 2000 arrivals, all before the end.
    QVERIFY(simulator.requestsIssued() > 1700 && simulator.requestsIssued() < 2300);
    QVERIFY(stats.series.back().second <= 4);
}

void TestSimulator::badTraceRowStopsTheRun_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<int>("line");
    QTest::addColumn<QString>("message");
    QTest::addColumn<int>("issued"); // requests before the bad row

    QTest::newRow("bad time") << QByteArray("time,namespace,id\n0,product,a\n0.5,product,b\n"
                                            "1,product,c\noops,product,d\n2,product,e\n")
                              << 5 << QStringLiteral("time") << 3;
    QTest::newRow("namespace not in the policy")
        << QByteArray("time,namespace,id\n0,product,a\n0.5,produkt,b\n1,product,c\n") << 3
        << QStringLiteral("namespace 'produkt' is not in the policy (did you mean 'product'?)") << 1;
    QTest::newRow("time goes back") << QByteArray("time,namespace,id\n5,product,a\n4,product,b\n")
                                    << 3 << QStringLiteral("time") << 1;
    QTest::newRow("bad header") << QByteArray("when,namespace,id\n0,product,a\n") << 1
                                << QStringLiteral("time") << 0;
    // After many good rows: the error is not lost behind read-ahead.
    QByteArray longTrace = "time,namespace,id\n";
    for (int i = 0; i < 30000; ++i)
        longTrace += "0,product,k" + QByteArray::number(i % 97) + '\n';
    longTrace += "0,product,\n";
    QTest::newRow("empty id after 30000 rows") << longTrace << 30002 << QStringLiteral("id") << 30000;
}

void TestSimulator::badTraceRowStopsTheRun()
{
    QFETCH(QByteArray, content);
    QFETCH(int, line);
    QFETCH(QString, message);
    QFETCH(int, issued);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = writeFile(dir, QStringLiteral("trace.csv"), content);
    QVERIFY(!path.isEmpty());

    Scenario scenario = stackScenario();
    scenario.duration.reset();
    SimulationOptions options;
    options.tracePath = path.toStdString();
    Simulator simulator(scenario, options);
    const Status status = simulator.run();
    QVERIFY(!status.ok());
    const QString text = QString::fromStdString(status.error().message);
    const QString prefix = path + QLatin1Char(':') + QString::number(line) + QLatin1Char(':');
    QVERIFY2(text.startsWith(prefix), qPrintable(text));
    QVERIFY2(text.contains(QLatin1String(": error: ")), qPrintable(text));
    QVERIFY2(text.contains(message), qPrintable(text));
    QCOMPARE(simulator.requestsIssued(), std::uint64_t(issued));
    // Calling again does not resume past the bad row.
    QVERIFY(!simulator.run().ok());
    QVERIFY(simulator.finished());
    QCOMPARE(simulator.requestsIssued(), std::uint64_t(issued));
}

void TestSimulator::missingTraceFails()
{
    Scenario scenario = stackScenario();
    SimulationOptions options;
    options.tracePath = "/nonexistent/dir/trace.csv";
    Simulator simulator(scenario, options);
    const Status status = simulator.start();
    QVERIFY(!status.ok());
    QVERIFY2(QString::fromStdString(status.error().message)
                 .startsWith(QLatin1String("/nonexistent/dir/trace.csv:1:")),
             status.error().message.c_str());
    QVERIFY(!simulator.run().ok());
    QCOMPARE(simulator.requestsIssued(), 0u);
}

void TestSimulator::prefetchSourceEndsOnce()
{
    // A trace spanning several of the prefetch thread's batches comes out
    // whole and in order, one request at a time or a batch at a time, and
    // the end stays the end however often it is asked for.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QByteArray csv = "time,namespace,id\n";
    const int rows = 10000;
    for (int i = 0; i < rows; ++i)
        csv += QByteArray::number(i) + ",product,item-" + QByteArray::number(i) + '\n';
    const QString path = writeFile(dir, QStringLiteral("rows.csv"), csv);
    QVERIFY(!path.isEmpty());
    const Scenario scenario = lruScenario(40, 0.8, 300, 0);

    KeySpace keys;
    PrefetchSource one(std::make_unique<TraceSource>(path.toStdString(), "rows.csv", keys,
                                                     scenario.policy),
                       &keys.mutex());
    SimRequest request;
    for (int i = 0; i < rows; ++i) {
        QVERIFY(one.next(request));
        QCOMPARE(request.time, Micros(i) * kMicrosPerSecond);
    }
    QVERIFY(!one.next(request));
    QVERIFY(!one.next(request));
    QVERIFY(one.error() == nullptr);

    KeySpace otherKeys;
    PrefetchSource batches(std::make_unique<TraceSource>(path.toStdString(), "rows.csv",
                                                         otherKeys, scenario.policy),
                           &otherKeys.mutex());
    int seen = 0;
    for (std::span<const SimRequest> batch = batches.nextBatch(); !batch.empty();
         batch = batches.nextBatch()) {
        for (const SimRequest& r : batch)
            QCOMPARE(r.time, Micros(seen++) * kMicrosPerSecond);
    }
    QCOMPARE(seen, rows);
    QVERIFY(batches.nextBatch().empty());
}

QTEST_APPLESS_MAIN(TestSimulator)
#include "tst_simulator.moc"
