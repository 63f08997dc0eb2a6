// What fallbackctl's remote commands (SPEC §5) make of a node's answers,
// run as the real binary against a scripted node inside the test: answers
// that are not what the node should send (exit 1, never a made-up success),
// the exact failure lines, reads retried and writes not (README),
// --timeout applied to each attempt, the node's X-Fallback-Warning
// headers printed after a success that still exits 0, and a deployment's
// rate limit (SPEC §8: show limits) after the result and in a 429's message. tst_fallbackctlremote
// covers the commands' happy paths and usage errors.
#include "fallbackctlrunner.h"
#include "live/remotestats.h"
#include "policy/policyloader.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest>

namespace {

/// A success for each admin path: what a healthy node answers.
QByteArray success(const QByteArray& path)
{
    if (path.startsWith("/v1/admin/policy")) {
        const fallback::Loaded<fallback::Policy> demo = fallback::loadPolicyFile(FALLBACK_EXAMPLES_DIR "/demo.policy.yaml");
        if (!demo.ok())
            qFatal("demo policy does not load");
        return QByteArray::fromStdString(fallback::live::policyToJson(*demo.value).dump());
    }
    if (path.startsWith("/v1/admin/purge"))
        return R"({"purged":1})";
    if (path.startsWith("/v1/admin/namespaces/"))
        return R"({"namespace":"product","version":2})";
    return R"({"requests":0})";
}

} // namespace

class TestFallbackctlAnswers : public QObject {
    Q_OBJECT

private slots:
    void init();
    void badAnswers_data();
    void badAnswers();
    void readsRetriedWritesNot_data();
    void readsRetriedWritesNot();
    void timeoutAppliesToEachAttempt_data();
    void timeoutAppliesToEachAttempt();
    void warningsFollowTheResult_data();
    void rateLimitSaysWhen_data();
    void rateLimitSaysWhen();
    void warningsFollowTheResult();
    void rateLimitFollowsTheResult_data();
    void rateLimitFollowsTheResult();

private:
    QProcessEnvironment env() const { return cleanEnvironment(m_home->path()); }

    std::unique_ptr<QTemporaryDir> m_home;
};

void TestFallbackctlAnswers::init()
{
    m_home = std::make_unique<QTemporaryDir>();
    QVERIFY(m_home->isValid());
}

void TestFallbackctlAnswers::badAnswers_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("error"); // the whole of stderr
    const QStringList purge{QStringLiteral("purge"), QStringLiteral("--all")};
    const QStringList bump{QStringLiteral("bump"), QStringLiteral("product")};
    const QStringList stats{QStringLiteral("stats")};
    const QStringList policyGet{QStringLiteral("policy"), QStringLiteral("get")};
    QTest::newRow("purge without count") << purge << 200 << QByteArray(R"({"status":"ok"})")
                                         << QByteArray("fallbackctl: purge: the deployment's answer has no 'purged' count\n");
    QTest::newRow("purge negative count") << purge << 200 << QByteArray(R"({"purged":-1})")
                                          << QByteArray("fallbackctl: purge: the deployment's answer has no 'purged' count\n");
    QTest::newRow("purge not json") << purge << 200 << QByteArray("<html>ok</html>")
                                    << QByteArray("fallbackctl: purge: the deployment's answer is not JSON\n");
    QTest::newRow("bump not json") << bump << 200 << QByteArray("<html>ok</html>")
                                   << QByteArray("fallbackctl: bump: the deployment's answer is not JSON\n");
    QTest::newRow("bump without version") << bump << 200 << QByteArray(R"({"namespace":"product"})")
                                          << QByteArray("fallbackctl: bump: the deployment's answer has no 'version' count\n");
    QTest::newRow("stats not json") << stats << 200 << QByteArray("not json")
                                    << QByteArray("fallbackctl: stats: the deployment's answer is not JSON\n");
    QTest::newRow("stats wrong shape")
        << stats << 200 << QByteArray(R"({"requests":"many"})")
        << QByteArray("fallbackctl: the deployment's stats cannot be read: "
                      "stats field 'requests' is not a non-negative integer\n");
    QTest::newRow("policy that does not load")
        << policyGet << 200 << QByteArray(R"({"schema":1,"defaults":{"tll":"1s"},"namespaces":[]})")
        << QByteArray("fallbackctl: the deployment's policy does not load\n");
    // The failure line names the status once, and the node's words when it has some.
    QTest::newRow("error without message") << stats << 500 << QByteArray("{}")
                                           << QByteArray("fallbackctl: stats failed: HTTP 500\n");
    QTest::newRow("error with message") << bump << 404 << QByteArray(R"({"error":"no namespace 'product'"})")
                                        << QByteArray("fallbackctl: bump failed: no namespace 'product' (HTTP 404)\n");
}

void TestFallbackctlAnswers::badAnswers()
{
    QFETCH(QStringList, args);
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, error);
    ScriptedServer server(always(status, body));
    const Run run = runFallbackctl(withUrl(args, server.url()) << QStringLiteral("--token-file")
                                                               << writeTokenFile(*m_home),
                                   env());
    QCOMPARE(run.exitCode, 1);
    QCOMPARE(run.out, QByteArray());
    if (error.endsWith("does not load\n")) // the loader's diagnostics come first
        QVERIFY2(run.err.endsWith(error), run.err.constData());
    else
        QCOMPARE(run.err, error);
    QVERIFY(!run.err.contains(kToken));
}

void TestFallbackctlAnswers::readsRetriedWritesNot_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<int>("requests");
    QTest::newRow("stats") << QStringList{QStringLiteral("stats"), QStringLiteral("--json")} << 0 << 2;
    QTest::newRow("policy get") << QStringList{QStringLiteral("policy"), QStringLiteral("get"), QStringLiteral("--json")}
                                << 0 << 2;
    QTest::newRow("bump") << QStringList{QStringLiteral("bump"), QStringLiteral("product")} << 1 << 1;
    QTest::newRow("purge keys") << QStringList{QStringLiteral("purge"), QStringLiteral("--key"),
                                               QStringLiteral("product:1")}
                                << 1 << 1;
    QTest::newRow("policy apply") << QStringList{QStringLiteral("policy"), QStringLiteral("apply"),
                                                 example("demo.policy.yaml"), QStringLiteral("--if-match"),
                                                 QStringLiteral("\"e1\"")}
                                  << 1 << 1;
}

void TestFallbackctlAnswers::readsRetriedWritesNot()
{
    QFETCH(QStringList, args);
    QFETCH(int, exitCode);
    QFETCH(int, requests);
    // A 503 first, then a success any command would take.
    ScriptedServer server([](const Seen& seen, int index) {
        return index == 0 ? ScriptedServer::answer(503, R"({"error":"Service unavailable"})")
                          : ScriptedServer::answer(200, success(seen.path));
    });
    const Run run = runFallbackctl(withUrl(args, server.url()), env());
    QVERIFY2(run.exitCode == exitCode, run.err.constData());
    QCOMPARE(int(server.seen().size()), requests);
    if (exitCode != 0)
        QVERIFY2(run.err.contains("failed: Service unavailable (HTTP 503)"), run.err.constData());
}

void TestFallbackctlAnswers::timeoutAppliesToEachAttempt_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("attempts");
    QTest::newRow("bump: one attempt") << QStringList{QStringLiteral("bump"), QStringLiteral("product")} << 1;
    QTest::newRow("stats: three attempts") << QStringList{QStringLiteral("stats")} << 3;
}

void TestFallbackctlAnswers::timeoutAppliesToEachAttempt()
{
    QFETCH(QStringList, args);
    QFETCH(int, attempts);
    ScriptedServer server([](const Seen&, int) { return std::optional<QByteArray>(); });
    QElapsedTimer clock;
    clock.start();
    const Run run = runFallbackctl(withUrl(args << QStringLiteral("--timeout") << QStringLiteral("300ms"),
                                           server.url()),
                                   env());
    const qint64 elapsed = clock.elapsed();
    QCOMPARE(run.exitCode, 3);
    QVERIFY2(run.err.contains("timed out"), run.err.constData());
    QCOMPARE(int(server.seen().size()), attempts);
    // 300 ms per attempt (plus 200 + 400 ms of back-off between reads), far
    // from the 10 s default.
    QVERIFY2(elapsed >= 300 * attempts && elapsed < 5000, qPrintable(QString::number(elapsed)));
}

void TestFallbackctlAnswers::warningsFollowTheResult_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QByteArrayList>("warnings"); // X-Fallback-Warning headers of the answer
    QTest::addColumn<QByteArray>("out");
    QTest::addColumn<QByteArray>("err");
    const QStringList purge{QStringLiteral("purge"), QStringLiteral("--all")};
    const QStringList bump{QStringLiteral("bump"), QStringLiteral("product")};
    // --if-match: the PUT is the only request.
    const QStringList apply{QStringLiteral("policy"), QStringLiteral("apply"), example("demo.policy.yaml"),
                            QStringLiteral("--if-match"), QStringLiteral("\"e1\"")};
    const QByteArray audit = "done, but cannot append to the audit log 'audit.jsonl': No space left on device";
    const QByteArray versions = "the new versions are in force, but cannot write 'versions.json': File too large";
    const QByteArray warned = "warning: " + audit + "\n";
    const QByteArray bothWarned = "warning: " + versions + "\nwarning: " + audit + "\n";

    QTest::newRow("purge") << purge << QByteArrayList() << QByteArray("purged 1 entry\n") << QByteArray();
    QTest::newRow("purge, a warning") << purge << QByteArrayList{audit} << QByteArray("purged 1 entry\n") << warned;
    QTest::newRow("purge --json, a warning") << (purge + QStringList{QStringLiteral("--json")}) << QByteArrayList{audit}
                                             << QByteArray("{\n  \"purged\": 1\n}\n") << warned;
    QTest::newRow("bump") << bump << QByteArrayList() << QByteArray("bumped product to version 2\n") << QByteArray();
    QTest::newRow("bump, two warnings") << bump << QByteArrayList{versions, audit}
                                        << QByteArray("bumped product to version 2\n") << bothWarned;
    const QByteArray applied = "applied " + apply[2].toUtf8() + " to URL\n"; // URL: the scripted node's
    QTest::newRow("policy apply") << apply << QByteArrayList() << applied << QByteArray();
    QTest::newRow("policy apply, two warnings") << apply << QByteArrayList{versions, audit} << applied
                                                << bothWarned;
}

void TestFallbackctlAnswers::warningsFollowTheResult()
{
    QFETCH(QStringList, args);
    QFETCH(QByteArrayList, warnings);
    QFETCH(QByteArray, out);
    QFETCH(QByteArray, err);
    QByteArray headers;
    for (const QByteArray& warning : warnings)
        headers += "X-Fallback-Warning: " + warning + "\r\n";
    ScriptedServer server([headers](const Seen& seen, int) {
        return ScriptedServer::answer(200, success(seen.path), headers);
    });
    const Run run = runFallbackctl(withUrl(args, server.url()), env());
    QVERIFY2(run.exitCode == 0, run.err.constData()); // the action happened
    QCOMPARE(run.out, out.replace("URL", QByteArray::fromStdString(server.url())));
    QCOMPARE(run.err, err);
    QCOMPARE(int(server.seen().size()), 1);
}

void TestFallbackctlAnswers::rateLimitSaysWhen_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QByteArray>("headers");
    QTest::addColumn<QByteArray>("error"); // the whole of stderr
    const QStringList purge{QStringLiteral("purge"), QStringLiteral("--namespace"), QStringLiteral("product")};
    const QStringList bump{QStringLiteral("bump"), QStringLiteral("product")};
    QTest::newRow("purge, Retry-After in seconds")
        << purge << QByteArray("Retry-After: 30\r\n")
        << QByteArray("fallbackctl: purge failed: too many purges (HTTP 429); the deployment rate-limits "
                      "it: try again in 30 s\n");
    QTest::newRow("bump, no Retry-After")
        << bump << QByteArray()
        << QByteArray("fallbackctl: bump failed: too many purges (HTTP 429); the deployment rate-limits "
                      "it: try again later\n");
    QTest::newRow("purge, Retry-After and the limit")
        << purge
        << QByteArray("Retry-After: 30\r\nRatelimit: \"default\";r=0;t=30\r\n"
                      "Ratelimit-Policy: \"default\";q=1000;w=3600\r\n")
        << QByteArray(
               "fallbackctl: purge failed: too many purges (HTTP 429); the deployment rate-limits "
               "it: try again in 30 s (rate limit: none of 1000 purges left)\n");
    // Without Retry-After, the limit's reset says when.
    QTest::newRow("bump, only the limit's reset")
        << bump
        << QByteArray(
               "X-RateLimit-Limit: 60\r\nX-RateLimit-Remaining: 0\r\nX-RateLimit-Reset: 42\r\n")
        << QByteArray(
               "fallbackctl: bump failed: too many purges (HTTP 429); the deployment rate-limits "
               "it: try again in 42 s (rate limit: none of 60 bumps left)\n");
    QTest::newRow("purge, a long wait in minutes")
        << purge << QByteArray("Retry-After: 3480\r\n")
        << QByteArray("fallbackctl: purge failed: too many purges (HTTP 429); the deployment rate-limits "
                      "it: try again in 58 min\n");
    QTest::newRow("purge, a limit not understood")
        << purge << QByteArray("Retry-After: 5\r\nRateLimit-Remaining: none\r\n")
        << QByteArray(
               "fallbackctl: purge failed: too many purges (HTTP 429); the deployment rate-limits "
               "it: try again in 5 s\n");
}

void TestFallbackctlAnswers::rateLimitSaysWhen()
{
    QFETCH(QStringList, args);
    QFETCH(QByteArray, headers);
    QFETCH(QByteArray, error);
    ScriptedServer server([headers](const Seen&, int) {
        return ScriptedServer::answer(429, R"({"error":"too many purges"})", headers);
    });
    const Run run = runFallbackctl(withUrl(args, server.url()), env());
    QCOMPARE(run.exitCode, 1);
    QCOMPARE(run.err, error);
    QCOMPARE(int(server.seen().size()), 1); // a write is never sent again by itself
}

void TestFallbackctlAnswers::rateLimitFollowsTheResult_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QByteArray>("headers");
    QTest::addColumn<QByteArray>("out");
    QTest::addColumn<QByteArray>("err");
    const QStringList purge{QStringLiteral("purge"), QStringLiteral("--all")};
    const QStringList bump{QStringLiteral("bump"), QStringLiteral("product")};
    const QByteArray cloudflare = "Ratelimit: \"default\";r=997;t=3480\r\n"
                                  "Ratelimit-Policy: \"default\";q=1000;w=3600\r\n";
    const QByteArray epoch = QByteArray::number(QDateTime::currentSecsSinceEpoch() + 90);
    QTest::newRow("purge") << purge << cloudflare << QByteArray("purged 1 entry\n")
                           << QByteArray("rate limit: 997 of 1000 purges left, resets in 58 min\n");
    QTest::newRow("purge --json") << (purge + QStringList{QStringLiteral("--json")}) << cloudflare
                                  << QByteArray("{\n  \"purged\": 1\n}\n")
                                  << QByteArray(
                                         "rate limit: 997 of 1000 purges left, resets in 58 min\n");
    // GitHub's form: the reset an epoch instant, 89 or 90 s from the answer.
    QTest::newRow("bump, epoch reset")
        << bump
        << "X-RateLimit-Limit: 100\r\nX-RateLimit-Remaining: 5\r\n"
           "X-RateLimit-Reset: " +
               epoch + "\r\n"
        << QByteArray("bumped product to version 2\n")
        << QByteArray("rate limit: 5 of 100 bumps left, resets in 90 s\n");
    QTest::newRow("only remaining")
        << purge << QByteArray("RateLimit-Remaining: 42\r\n") << QByteArray("purged 1 entry\n")
        << QByteArray("rate limit: 42 purges left\n");
    QTest::newRow("then a warning")
        << purge
        << QByteArray("X-Fallback-Warning: audit line waits\r\nRateLimit-Remaining: 42\r\n")
        << QByteArray("purged 1 entry\n")
        << QByteArray("rate limit: 42 purges left\nwarning: audit line waits\n");
    QTest::newRow("garbage: nothing said") << purge << QByteArray("RateLimit-Remaining: -42\r\n")
                                           << QByteArray("purged 1 entry\n") << QByteArray();
}

void TestFallbackctlAnswers::rateLimitFollowsTheResult()
{
    QFETCH(QStringList, args);
    QFETCH(QByteArray, headers);
    QFETCH(QByteArray, out);
    QFETCH(QByteArray, err);
    ScriptedServer server([headers](const Seen& seen, int) {
        return ScriptedServer::answer(200, success(seen.path), headers);
    });
    const Run run = runFallbackctl(withUrl(args, server.url()), env());
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QCOMPARE(run.out, out); // stdout stays the result alone
    // The epoch row's reset may read a second less by the time it arrives.
    QCOMPARE(QByteArray(run.err).replace("resets in 89 s", "resets in 90 s"), err);
}

QTEST_GUILESS_MAIN(TestFallbackctlAnswers)
#include "tst_fallbackctlanswers.moc"
