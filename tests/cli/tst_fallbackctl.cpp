// End to end: runs the real fallbackctl binary and checks exit codes,
// diagnostics and the --json contract of SPEC §5.

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

namespace {

struct Run {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Run fallbackctl(const QStringList& args)
{
    QProcess process;
    process.setProgram(QStringLiteral(FALLBACK_BINARY_DIR "/app/fallbackctl/fallbackctl"));
    process.setArguments(args);
    process.start();
    if (!process.waitForFinished(120000))
        qFatal("fallbackctl did not finish");
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            process.readAllStandardOutput(), process.readAllStandardError()};
}

QString example(const char* name) { return QStringLiteral(FALLBACK_EXAMPLES_DIR "/") + QLatin1String(name); }

QString writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& text)
{
    const QString path = dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        qFatal("cannot write fixture");
    file.write(text);
    return path;
}

} // namespace

class TestFallbackctl : public QObject {
    Q_OBJECT

private slots:
    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("no command") << QStringList{};
        QTest::newRow("unknown command") << QStringList{QStringLiteral("frobnicate")};
        QTest::newRow("lint without file") << QStringList{QStringLiteral("lint")};
        QTest::newRow("lint with an option")
            << QStringList{QStringLiteral("lint"), QStringLiteral("--json"), example("demo.policy.yaml")};
        QTest::newRow("simulate without scenario") << QStringList{QStringLiteral("simulate")};
        QTest::newRow("simulate bad flag")
            << QStringList{QStringLiteral("simulate"), example("demo.scenario.yaml"), QStringLiteral("--fast")};
        QTest::newRow("simulate bad count")
            << QStringList{QStringLiteral("simulate"), example("demo.scenario.yaml"),
                           QStringLiteral("--requests"), QStringLiteral("-5")};
        QTest::newRow("simulate missing value")
            << QStringList{QStringLiteral("simulate"), example("demo.scenario.yaml"), QStringLiteral("--seed")};
    }
    void usageErrors()
    {
        QFETCH(QStringList, args);
        const Run run = fallbackctl(args);
        QCOMPARE(run.exitCode, 2);
        QVERIFY(run.err.contains("usage: fallbackctl"));
    }

    void lintBundledExamples()
    {
        const Run run = fallbackctl({QStringLiteral("lint"), example("demo.policy.yaml"),
                                     example("demo.scenario.yaml"), example("replay.scenario.yaml"),
                                     example("lru.scenario.yaml"), example("deployments.yaml"),
                                     example("small.trace.csv")});
        QCOMPARE(run.err, QByteArray());
        QCOMPARE(run.exitCode, 0);
    }

    void lintBenchScenarios()
    {
        // bench/run-benchmarks.sh replays its trace through these.
        const Run run = fallbackctl({QStringLiteral("lint"),
                                     QStringLiteral(FALLBACK_BENCH_DIR "/bench.scenario.yaml"),
                                     QStringLiteral(FALLBACK_BENCH_DIR "/lru.scenario.yaml")});
        QCOMPARE(run.err, QByteArray());
        QCOMPARE(run.exitCode, 0);
    }

    void lintReportsEveryProblemWithLocation()
    {
        QTemporaryDir dir;
        const QString policy = writeFile(dir, QStringLiteral("bad.policy.yaml"),
                                         "schema: 1\n"
                                         "defaults:\n"
                                         "  tll: 120s\n"
                                         "namespaces:\n"
                                         "  - name: Product\n"
                                         "    version: -1\n"
                                         "  - name: config\n"
                                         "    ttl: soon\n");
        const Run run = fallbackctl({QStringLiteral("lint"), policy});
        QCOMPARE(run.exitCode, 1);
        const QList<QByteArray> lines = run.err.trimmed().split('\n');
        QVERIFY2(lines.size() >= 4, run.err.constData());
        for (const QByteArray& line : lines)
            QVERIFY2(line.startsWith(QByteArray(policy.toUtf8() + ':')), line.constData());
        QVERIFY(run.err.contains(QByteArray(policy.toUtf8() + ":3:3: error:")));
        QVERIFY(run.err.contains("did you mean 'ttl'"));
        QVERIFY(run.err.contains(":5:"));  // bad namespace name
        QVERIFY(run.err.contains(":6:"));  // negative version
        QVERIFY(run.err.contains(":8:"));  // bad duration
    }

    void lintExitCodeCoversEveryFile()
    {
        // Exit 1 when any file has an error, wherever it is in the list, and
        // every file is checked: all problems in one run.
        QTemporaryDir dir;
        const QString good = writeFile(dir, QStringLiteral("good.policy.yaml"), "schema: 1\nnamespaces: []\n");
        const QString bad1 = writeFile(dir, QStringLiteral("bad1.policy.yaml"),
                                       "schema: 1\nnamespaces:\n  - name: Prod\n");
        const QString bad2 = writeFile(dir, QStringLiteral("bad2.policy.yaml"),
                                       "schema: 1\nnamespaces:\n  - name: a\n    ttl: soon\n");
        const Run badFirst = fallbackctl({QStringLiteral("lint"), bad1, good});
        QCOMPARE(badFirst.exitCode, 1);
        QVERIFY(badFirst.err.contains(QByteArray(bad1.toUtf8() + ":3:11: error:")));
        const Run badLast = fallbackctl({QStringLiteral("lint"), good, bad1});
        QCOMPARE(badLast.exitCode, 1);
        const Run both = fallbackctl({QStringLiteral("lint"), bad1, bad2, good});
        QCOMPARE(both.exitCode, 1);
        QVERIFY2(both.err.contains(QByteArray(bad1.toUtf8() + ":3:11: error:")), both.err.constData());
        QVERIFY2(both.err.contains(QByteArray(bad2.toUtf8() + ":4:10: error:")), both.err.constData());
    }

    void lintWarningsDoNotFail()
    {
        QTemporaryDir dir;
        const QString path = writeFile(dir, QStringLiteral("zero.policy.yaml"),
                                       "schema: 1\nnamespaces:\n  - name: live\n    ttl: 0\n"
                                       "    stale_while_revalidate: 0\n");
        const Run run = fallbackctl({QStringLiteral("lint"), path});
        QVERIFY2(run.err.contains(QByteArray(path.toUtf8() + ":3:5: warning:")), run.err.constData());
        QCOMPARE(run.exitCode, 0);
    }

    void lintScenarioChecksItsTrace()
    {
        QTemporaryDir dir;
        writeFile(dir, QStringLiteral("p.policy.yaml"), "schema: 1\nnamespaces:\n  - name: p\n");
        const QString trace = writeFile(dir, QStringLiteral("t.csv"), "time,namespace,id\n2,p,a\n1,p,b\n");
        const QString scenario = writeFile(dir, QStringLiteral("s.scenario.yaml"),
                                           "schema: 1\npolicy: p.policy.yaml\nworkload: { trace: t.csv }\n");
        const Run run = fallbackctl({QStringLiteral("lint"), scenario});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(QByteArray(trace.toUtf8() + ":3:1: error: time 1 is before the previous row's 2")),
                 run.err.constData());
    }

    void lintDetectsYmlScenario()
    {
        // A broken `.scenario.yml` is read as a scenario, not sniffed as a policy.
        QTemporaryDir dir;
        const QString path = writeFile(dir, QStringLiteral("broken.scenario.yml"),
                                       "schema: 1\npolicy: { namespaces: [] }\nduration: 1m\n");
        const Run run = fallbackctl({QStringLiteral("lint"), path});
        QCOMPARE(run.exitCode, 1);
        QCOMPARE(run.err, QByteArray(path.toUtf8() + ":1:1: error: missing key 'workload' at the top level\n"));
    }

    void lintBrokenYamlDoesNotCrash()
    {
        QTemporaryDir dir;
        const QString path = writeFile(dir, QStringLiteral("broken.policy.yaml"),
                                       "schema: 1\nnamespaces: [ { name: a\n");
        const Run run = fallbackctl({QStringLiteral("lint"), path});
        QCOMPARE(run.exitCode, 1);
        QVERIFY(run.err.contains(": error:"));
    }

    void lintMissingFile()
    {
        const Run run = fallbackctl({QStringLiteral("lint"), QStringLiteral("/nonexistent/x.policy.yaml")});
        QCOMPARE(run.exitCode, 1);
        QVERIFY(run.err.contains("/nonexistent/x.policy.yaml:"));
    }

    void simulateJsonShape()
    {
        const Run run = fallbackctl({QStringLiteral("simulate"), example("demo.scenario.yaml"),
                                     QStringLiteral("--requests"), QStringLiteral("20000"),
                                     QStringLiteral("--json")});
        QCOMPARE(run.exitCode, 0);
        QJsonParseError error;
        const QJsonObject root = QJsonDocument::fromJson(run.out, &error).object();
        QCOMPARE(error.error, QJsonParseError::NoError);
        QCOMPARE(root.value(QStringLiteral("requests")).toInteger(), 20000);
        const QJsonObject tiers = root.value(QStringLiteral("tiers")).toObject();
        for (const char* tier : {"edge_cache", "edge_kv", "origin", "client_cache"}) {
            const QJsonObject t = tiers.value(QLatin1String(tier)).toObject();
            for (const char* key : {"lookups", "hits", "stale_hits", "misses", "errors", "hit_rate"})
                QVERIFY2(t.contains(QLatin1String(key)), key);
            const QJsonObject latency = t.value(QStringLiteral("latency_ms")).toObject();
            for (const char* key : {"p50", "p90", "p95", "p99", "max"})
                QVERIFY2(latency.contains(QLatin1String(key)), key);
            const double lookups = t.value(QStringLiteral("lookups")).toDouble();
            const double hits = t.value(QStringLiteral("hits")).toDouble();
            if (lookups > 0)
                QCOMPARE(t.value(QStringLiteral("hit_rate")).toDouble(), hits / lookups);
        }
        const QJsonObject servedBy = root.value(QStringLiteral("served_by")).toObject();
        double served = 0;
        for (const char* key : {"edge_cache", "edge_kv", "origin", "client_cache", "failed"}) {
            QVERIFY2(servedBy.contains(QLatin1String(key)), key);
            served += servedBy.value(QLatin1String(key)).toDouble();
        }
        QCOMPARE(served, root.value(QStringLiteral("reads")).toDouble());
        for (const char* key : {"origin_fetches", "coalesced", "stale_served", "revalidations",
                                "latency_ms", "wall_seconds"})
            QVERIFY2(root.contains(QLatin1String(key)), key);
    }

    void simulateDisabledTierIsAbsent()
    {
        const Run run = fallbackctl({QStringLiteral("simulate"), example("lru.scenario.yaml"),
                                     QStringLiteral("--requests"), QStringLiteral("5000"),
                                     QStringLiteral("--json")});
        QCOMPARE(run.exitCode, 0);
        const QJsonObject tiers = QJsonDocument::fromJson(run.out).object().value(QStringLiteral("tiers")).toObject();
        QVERIFY(tiers.contains(QStringLiteral("edge_cache")));
        QVERIFY(tiers.contains(QStringLiteral("origin")));
        QVERIFY(!tiers.contains(QStringLiteral("edge_kv")));
        QVERIFY(!tiers.contains(QStringLiteral("client_cache")));
    }

    void simulateIsDeterministicForASeed()
    {
        const QStringList args{QStringLiteral("simulate"), example("demo.scenario.yaml"),
                               QStringLiteral("--requests"), QStringLiteral("30000"),
                               QStringLiteral("--seed"), QStringLiteral("9"), QStringLiteral("--json")};
        QJsonObject a = QJsonDocument::fromJson(fallbackctl(args).out).object();
        QJsonObject b = QJsonDocument::fromJson(fallbackctl(args).out).object();
        a.remove(QStringLiteral("wall_seconds"));
        b.remove(QStringLiteral("wall_seconds"));
        QVERIFY(!a.isEmpty());
        QCOMPARE(a, b);
        QStringList other = args;
        other[5] = QStringLiteral("10");
        QJsonObject c = QJsonDocument::fromJson(fallbackctl(other).out).object();
        c.remove(QStringLiteral("wall_seconds"));
        QVERIFY(a != c);
    }

    void simulateTable()
    {
        const Run run = fallbackctl({QStringLiteral("simulate"), example("replay.scenario.yaml")});
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.out.contains("edge_cache"));
        QVERIFY(run.out.contains("served by"));
        QVERIFY(run.out.contains("latency ms"));
    }

    void simulateTraceOverride()
    {
        QTemporaryDir dir;
        const QString trace = writeFile(dir, QStringLiteral("t.csv"),
                                        "time,namespace,id\n0,product,1\n0.5,product,1\n1,config,2\n");
        const Run run = fallbackctl({QStringLiteral("simulate"), example("demo.scenario.yaml"),
                                     QStringLiteral("--trace"), trace, QStringLiteral("--json")});
        QCOMPARE(run.exitCode, 0);
        QCOMPARE(QJsonDocument::fromJson(run.out).object().value(QStringLiteral("requests")).toInteger(), 3);
    }

    void simulateBadTraceFailsWithLocation()
    {
        QTemporaryDir dir;
        const QString trace = writeFile(dir, QStringLiteral("bad.csv"),
                                        "time,namespace,id\n0,product,1\n-3,product,1\n");
        const Run run = fallbackctl({QStringLiteral("simulate"), example("demo.scenario.yaml"),
                                     QStringLiteral("--trace"), trace});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(QByteArray(trace.toUtf8() + ":3:")), run.err.constData());
        QVERIFY(run.out.isEmpty());
    }

    void simulateUnknownNamespaceInTrace()
    {
        QTemporaryDir dir;
        const QString trace = writeFile(dir, QStringLiteral("ns.csv"),
                                        "time,namespace,id\n0,product,1\n1,produkt,2\n");
        const Run run = fallbackctl({QStringLiteral("simulate"), example("demo.scenario.yaml"),
                                     QStringLiteral("--trace"), trace});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(":3:"), run.err.constData());
        QVERIFY(run.err.contains("did you mean 'product'"));
    }

    void simulateInvalidScenario()
    {
        QTemporaryDir dir;
        const QString path = writeFile(dir, QStringLiteral("x.scenario.yaml"), "schema: 1\nseed: many\n");
        const Run run = fallbackctl({QStringLiteral("simulate"), path});
        QCOMPARE(run.exitCode, 1);
        QVERIFY(run.err.contains(QByteArray(path.toUtf8() + ":2:")));
    }
};

QTEST_GUILESS_MAIN(TestFallbackctl)
#include "tst_fallbackctl.moc"
