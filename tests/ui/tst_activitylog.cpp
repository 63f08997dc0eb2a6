// ActivityLog (the audit trail on disk), ActivityModel over it and the
// ActivityPage's filters.
#include "models/activitylog.h"
#include "models/activitymodel.h"
#include "widgets/activitypage.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QFile>
#include <QHeaderView>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace fallback::ui;

namespace {

ActivityRecord makeRecord(const QString& action, const QString& target, const QString& result,
                          bool ok = true, const QString& workspace = QStringLiteral("demo"),
                          int secondsAfter = 0)
{
    const QDateTime base(QDate(2024, 5, 1), QTime(12, 0, 0, 123), Qt::UTC);
    return ActivityRecord{base.addSecs(secondsAfter), workspace, action, target, result, ok};
}

QList<QByteArray> fileLines(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QList<QByteArray> lines = file.readAll().split('\n');
    if (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();
    return lines;
}

void writeFile(const QString& path, const QByteArray& content)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(content);
}

} // namespace

class TestActivityLog : public QObject {
    Q_OBJECT

private slots:
    void appendWritesJsonLines();
    void appendKeepsExistingContent();
    void reloadReadsRecordsBack();
    void escapesAndRoundTrips();
    void malformedLinesAreSkipped();
    void missingFileIsAnEmptyLog();
    void unwritablePathIsReportedAndRecordsKept();
    void defaultPathIsUnderAppData();
    void modelInsertsRowsOnAppend();
    void modelResetsOnLoad();
    void pageFiltersByTextActionAndWorkspace();
    void pageFollowsTheNewestRecord();
    void othersAndSimulationsStayOutOfTheFile();
    void render();

private:
    QTemporaryDir m_dir;
};

void TestActivityLog::appendWritesJsonLines()
{
    const QString path = m_dir.filePath(QStringLiteral("append.jsonl"));
    ActivityLog log;
    log.setPath(path);
    log.append(makeRecord(QStringLiteral("purge"), QStringLiteral("product"),
                          QStringLiteral("purged 42 entries")));
    // Each line is on disk as soon as append() returns: no close needed.
    QCOMPARE(fileLines(path).size(), 1);
    log.append(makeRecord(QStringLiteral("bump"), QStringLiteral("user"),
                          QStringLiteral("version limit reached"), false));

    const QList<QByteArray> lines = fileLines(path);
    QCOMPARE(lines.size(), 2);
    QVERIFY(lines[0].startsWith("{\"time\":\"2024-05-01T12:00:00.123Z\",\"workspace\":\"demo\","));
    static const QRegularExpression iso(QStringLiteral(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$)"));
    for (const QByteArray& line : lines) {
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(line, &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
        QVERIFY(doc.isObject());
        QVERIFY(iso.match(doc.object().value(QLatin1String("time")).toString()).hasMatch());
    }
    const QJsonObject second = QJsonDocument::fromJson(lines[1]).object();
    QCOMPARE(second.value(QLatin1String("workspace")).toString(), QStringLiteral("demo"));
    QCOMPARE(second.value(QLatin1String("action")).toString(), QStringLiteral("bump"));
    QCOMPARE(second.value(QLatin1String("target")).toString(), QStringLiteral("user"));
    QCOMPARE(second.value(QLatin1String("result")).toString(), QStringLiteral("version limit reached"));
    QCOMPARE(second.value(QLatin1String("ok")).toBool(true), false);
    QVERIFY(log.lastError().isEmpty());
    QCOMPARE(log.unwrittenCount(), 0);
}

void TestActivityLog::appendKeepsExistingContent()
{
    const QString path = m_dir.filePath(QStringLiteral("existing.jsonl"));
    const QByteArray before =
        ActivityLog::toJsonLine(makeRecord(QStringLiteral("policy"), QStringLiteral("policy"),
                                           QStringLiteral("applied")));
    // A line cut short by a crash, no newline: the next record starts a new line.
    writeFile(path, before + "\n{\"time\":\"2024-05");
    ActivityLog log;
    log.setPath(path);
    log.append(makeRecord(QStringLiteral("purge"), QStringLiteral("*"), QStringLiteral("purged 9 entries")));
    const QList<QByteArray> lines = fileLines(path);
    QCOMPARE(lines.size(), 3);
    QCOMPARE(lines[0], before);
    QCOMPARE(lines[1], QByteArray("{\"time\":\"2024-05"));
    QVERIFY(ActivityLog::fromJsonLine(lines[2]).has_value());
}

void TestActivityLog::reloadReadsRecordsBack()
{
    const QString path = m_dir.filePath(QStringLiteral("reload.jsonl"));
    {
        ActivityLog log;
        log.setPath(path);
        log.append(makeRecord(QStringLiteral("purge"), QStringLiteral("product:123"),
                              QStringLiteral("purged 2 entries")));
        log.append(makeRecord(QStringLiteral("fault"), QStringLiteral("edge_kv"),
                              QStringLiteral("down"), false, QStringLiteral("staging"), 5));
    }
    ActivityLog log;
    QSignalSpy reloaded(&log, &ActivityLog::reloaded);
    QVERIFY(log.load(path));
    QCOMPARE(reloaded.size(), 1);
    QCOMPARE(log.path(), path);
    QCOMPARE(log.count(), 2);
    QCOMPARE(log.malformedLines(), 0);
    const ActivityRecord& first = log.at(0);
    QCOMPARE(first.when, makeRecord({}, {}, {}).when);
    QCOMPARE(first.when.timeSpec(), Qt::UTC);
    QCOMPARE(first.action, QStringLiteral("purge"));
    QCOMPARE(first.target, QStringLiteral("product:123"));
    QVERIFY(first.ok);
    const ActivityRecord& second = log.at(1);
    QCOMPARE(second.workspace, QStringLiteral("staging"));
    QCOMPARE(second.result, QStringLiteral("down"));
    QVERIFY(!second.ok);
}

void TestActivityLog::escapesAndRoundTrips()
{
    const ActivityRecord record = makeRecord(QStringLiteral("purge"),
                                             QStringLiteral("product:a\"b\\c\nd\te\x01"),
                                             QStringLiteral("purged · 2 entries ✓"));
    const QByteArray line = ActivityLog::toJsonLine(record);
    QVERIFY(!line.contains('\n'));
    const std::optional<ActivityRecord> back = ActivityLog::fromJsonLine(line);
    QVERIFY(back.has_value());
    QCOMPARE(back->target, record.target);
    QCOMPARE(back->result, record.result);
    QCOMPARE(back->when, record.when);
}

void TestActivityLog::malformedLinesAreSkipped()
{
    const QString path = m_dir.filePath(QStringLiteral("malformed.jsonl"));
    const QByteArray good = ActivityLog::toJsonLine(
        makeRecord(QStringLiteral("bump"), QStringLiteral("product"), QStringLiteral("version 3 → 4")));
    writeFile(path, good + "\n"
                    "not json at all\n"
                    "\n"
                    "{}\n"
                    "[1,2,3]\n"
                    "{\"time\":\"yesterday\",\"action\":\"purge\"}\n"
                    "{\"time\":\"2024-05-01T12:00:00.000Z\",\"action\":\"purge\",\"ok\":\"yes\"}\n"
                    "{\"time\":\"2024-05-01T12:00:00.000Z\",\"act\n"
                    + good + "\n");
    ActivityLog log;
    QVERIFY(log.load(path));
    QCOMPARE(log.count(), 2);
    QCOMPARE(log.malformedLines(), 6);
    QCOMPARE(log.at(1).result, QStringLiteral("version 3 → 4"));
}

void TestActivityLog::missingFileIsAnEmptyLog()
{
    const QString path = m_dir.filePath(QStringLiteral("sub/dir/missing.jsonl"));
    ActivityLog log;
    QVERIFY(log.load(path));
    QCOMPARE(log.count(), 0);
    QVERIFY(log.lastError().isEmpty());
    // The first append creates the folders and the file.
    log.append(makeRecord(QStringLiteral("policy"), QStringLiteral("policy"), QStringLiteral("applied")));
    QCOMPARE(fileLines(path).size(), 1);
}

void TestActivityLog::unwritablePathIsReportedAndRecordsKept()
{
    // A path below a regular file cannot be created, even by root.
    const QString blocker = m_dir.filePath(QStringLiteral("blocker"));
    writeFile(blocker, "x");
    ActivityLog log;
    log.setPath(blocker + QStringLiteral("/activity.jsonl"));
    QSignalSpy failed(&log, &ActivityLog::writeFailed);
    QSignalSpy errorChanged(&log, &ActivityLog::errorChanged);

    log.append(makeRecord(QStringLiteral("purge"), QStringLiteral("product"), QStringLiteral("purged 1 entry")));
    QCOMPARE(failed.size(), 1);
    QVERIFY(!log.lastError().isEmpty());
    QVERIFY(log.lastError().contains(QStringLiteral("activity log")));
    QCOMPARE(log.count(), 1);
    QCOMPARE(log.unwrittenCount(), 1);
    log.append(makeRecord(QStringLiteral("bump"), QStringLiteral("product"), QStringLiteral("version 4"),
                          true, QStringLiteral("demo"), 1));
    QCOMPARE(failed.size(), 2);
    QCOMPARE(log.count(), 2);
    QCOMPARE(log.unwrittenCount(), 2);

    // Once a writable path is set, the pending records go out first, in order.
    const QString good = m_dir.filePath(QStringLiteral("recovered.jsonl"));
    log.setPath(good);
    log.append(makeRecord(QStringLiteral("policy"), QStringLiteral("policy"), QStringLiteral("applied"),
                          true, QStringLiteral("demo"), 2));
    QVERIFY(log.lastError().isEmpty());
    QCOMPARE(log.unwrittenCount(), 0);
    QCOMPARE(errorChanged.size(), 2); // set, then cleared
    const QList<QByteArray> lines = fileLines(good);
    QCOMPARE(lines.size(), 3);
    QCOMPARE(ActivityLog::fromJsonLine(lines[0])->action, QStringLiteral("purge"));
    QCOMPARE(ActivityLog::fromJsonLine(lines[2])->action, QStringLiteral("policy"));
}

void TestActivityLog::defaultPathIsUnderAppData()
{
    const QString path = ActivityLog::defaultPath();
    QVERIFY(path.endsWith(QStringLiteral("/activity.jsonl")));
    ActivityLog log;
    QCOMPARE(log.path(), path);
}

void TestActivityLog::modelInsertsRowsOnAppend()
{
    ActivityLog log;
    log.setPath(m_dir.filePath(QStringLiteral("model.jsonl")));
    ActivityModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setLog(&log);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);

    log.append(makeRecord(QStringLiteral("purge"), QStringLiteral("product"), QStringLiteral("purged 42 entries")));
    log.append(makeRecord(QStringLiteral("bump"), QStringLiteral("user"), QStringLiteral("rate limited"), false));
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(inserted.size(), 2);
    QCOMPARE(reset.size(), 0);
    // Newest last.
    QCOMPARE(inserted.at(1).at(1).toInt(), 1);
    QCOMPARE(model.columnCount(), int(ActivityModel::ColumnCount));
    QCOMPARE(model.index(0, ActivityModel::Action).data().toString(), QStringLiteral("purge"));
    QCOMPARE(model.index(0, ActivityModel::Target).data().toString(), QStringLiteral("product"));
    QCOMPARE(model.index(0, ActivityModel::Time).data(ActivityModel::RawRole).toDateTime(),
             makeRecord({}, {}, {}).when);
    QVERIFY(!model.index(0, ActivityModel::Result).data(Qt::ForegroundRole).isValid());
    const QColor failed =
        model.index(1, ActivityModel::Result).data(Qt::ForegroundRole).value<QBrush>().color();
    QVERIFY(failed.red() > 150 && failed.green() < 80);
    QVERIFY(model.index(1, ActivityModel::Result).data().toString().contains(QStringLiteral("rate limited")));
    QCOMPARE(model.index(1, 0).data(ActivityModel::OkRole).toBool(), false);
}

void TestActivityLog::modelResetsOnLoad()
{
    const QString path = m_dir.filePath(QStringLiteral("model-load.jsonl"));
    writeFile(path, ActivityLog::toJsonLine(makeRecord(QStringLiteral("purge"), QStringLiteral("a"),
                                                       QStringLiteral("ok")))
                        + '\n');
    ActivityLog log;
    ActivityModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setLog(&log);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QVERIFY(log.load(path));
    QCOMPARE(reset.size(), 1);
    QCOMPARE(model.rowCount(), 1);
}

void TestActivityLog::pageFiltersByTextActionAndWorkspace()
{
    ActivityLog log;
    log.setPath(m_dir.filePath(QStringLiteral("page.jsonl")));
    log.append(makeRecord(QStringLiteral("purge"), QStringLiteral("product"), QStringLiteral("purged 42 entries")));
    log.append(makeRecord(QStringLiteral("bump"), QStringLiteral("product"), QStringLiteral("version 3 → 4")));
    log.append(makeRecord(QStringLiteral("policy"), QStringLiteral("policy"), QStringLiteral("applied 3 changes")));
    log.append(makeRecord(QStringLiteral("fault"), QStringLiteral("edge_kv"), QStringLiteral("down")));
    log.append(makeRecord(QStringLiteral("purge"), QStringLiteral("user:7"), QStringLiteral("purged 2 entries"),
                          true, QStringLiteral("prod-eu")));

    ActivityPage page;
    page.setLog(&log);
    QAbstractItemModelTester tester(page.filterModel(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(page.filterModel()->rowCount(), 5);

    auto* filterEdit = page.findChild<QLineEdit*>(QStringLiteral("filterEdit"));
    auto* actionCombo = page.findChild<QComboBox*>(QStringLiteral("actionCombo"));
    QVERIFY(filterEdit && actionCombo);

    QTest::keyClicks(filterEdit, QStringLiteral("PRODUCT"));
    QCOMPARE(page.filterModel()->rowCount(), 2);
    actionCombo->setCurrentIndex(actionCombo->findData(QStringLiteral("bump")));
    QCOMPARE(page.filterModel()->rowCount(), 1);
    QCOMPARE(page.filterModel()->index(0, ActivityModel::Result).data().toString(),
             QStringLiteral("version 3 → 4"));

    filterEdit->clear();
    actionCombo->setCurrentIndex(actionCombo->findData(QStringLiteral("purge")));
    QCOMPARE(page.filterModel()->rowCount(), 2);
    // The result column counts too.
    QTest::keyClicks(filterEdit, QStringLiteral("42 entries"));
    QCOMPARE(page.filterModel()->rowCount(), 1);

    filterEdit->clear();
    actionCombo->setCurrentIndex(0);
    page.setWorkspaceFilter(QStringLiteral("prod-eu"));
    QCOMPARE(page.filterModel()->rowCount(), 1);
    QVERIFY(page.view()->isColumnHidden(ActivityModel::Workspace));
    // New records of other workspaces stay out.
    log.append(makeRecord(QStringLiteral("purge"), QStringLiteral("*"), QStringLiteral("purged 9 entries")));
    QCOMPARE(page.filterModel()->rowCount(), 1);
    page.setWorkspaceFilter({});
    QCOMPARE(page.filterModel()->rowCount(), 6);
    QVERIFY(!page.view()->isColumnHidden(ActivityModel::Workspace));
}

void TestActivityLog::pageFollowsTheNewestRecord()
{
    ActivityLog log;
    log.setPath(m_dir.filePath(QStringLiteral("follow.jsonl")));
    ActivityPage page;
    page.resize(700, 300);
    page.setLog(&log);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    for (int i = 0; i < 60; ++i)
        log.append(makeRecord(QStringLiteral("purge"), QStringLiteral("product:%1").arg(i),
                              QStringLiteral("purged 1 entry"), true, QStringLiteral("demo"), i));
    QScrollBar* bar = page.view()->verticalScrollBar();
    QTRY_VERIFY(bar->maximum() > 0);
    QTRY_COMPARE(bar->value(), bar->maximum());

    // Scrolled up to read: a new record does not move the view.
    bar->setValue(0);
    log.append(makeRecord(QStringLiteral("bump"), QStringLiteral("product"), QStringLiteral("version 2")));
    QCOMPARE(bar->value(), 0);
    QCOMPARE(page.filterModel()->rowCount(), 61);
}

void TestActivityLog::othersAndSimulationsStayOutOfTheFile()
{
    // The file holds what people did in this console: a scenario's events
    // and other clients' actions (their node's audit log has those) are
    // shown, with who did them, but not written.
    const QString path = m_dir.filePath(QStringLiteral("sources.jsonl"));
    ActivityLog log;
    log.setPath(path);
    ActivityRecord simulated = makeRecord(QStringLiteral("fault"), QStringLiteral("origin"), QStringLiteral("down"));
    simulated.simulated = true;
    ActivityRecord remote = makeRecord(QStringLiteral("purge"), QStringLiteral("namespace product"),
                                       QStringLiteral("purged 3"), true, QStringLiteral("demo"), -30);
    remote.remote = true;
    remote.by = QStringLiteral("fallbackctl alice@ops-1 (10.0.0.3)");
    log.append(makeRecord(QStringLiteral("bump"), QStringLiteral("product"), QStringLiteral("version 4")));
    log.append(simulated);
    log.append(remote); // 30 s older than the bump: it arrived with a later poll
    log.append(remote); // read again (the deployment added back): held once
    const QList<QByteArray> lines = fileLines(path);
    QCOMPARE(lines.size(), 1);
    QVERIFY(lines[0].contains("\"bump\""));
    QCOMPARE(log.unwrittenCount(), 0);

    QCOMPARE(log.count(), 3);
    ActivityPage page;
    page.setLog(&log);
    const QAbstractItemModel* rows = page.filterModel();
    QCOMPARE(rows->rowCount(), 3);
    // Oldest first by when it happened, whatever the order it arrived in.
    QCOMPARE(rows->index(0, ActivityModel::Action).data().toString(), QStringLiteral("purge"));
    QCOMPARE(rows->index(0, ActivityModel::By).data().toString(), remote.by);
    QVERIFY(rows->index(0, ActivityModel::By).data(Qt::ToolTipRole).toString().contains(QStringLiteral("audit log")));
    QCOMPARE(rows->index(1, ActivityModel::By).data().toString(), QStringLiteral("this console"));
    QCOMPARE(rows->index(2, ActivityModel::By).data().toString(), QStringLiteral("scenario"));
    QCOMPARE(rows->headerData(ActivityModel::By, Qt::Horizontal).toString(), QStringLiteral("By"));
    // The filter's text finds who did it too.
    page.setTextFilter(QStringLiteral("alice@"));
    QCOMPARE(rows->rowCount(), 1);
    QCOMPARE(rows->index(0, ActivityModel::Target).data().toString(), QStringLiteral("namespace product"));
}

void TestActivityLog::render()
{
    const QString out = qEnvironmentVariable("FALLBACK_UI_SHOTS");
    if (out.isEmpty())
        QSKIP("set FALLBACK_UI_SHOTS to a folder to save screenshots");
    ActivityLog log;
    log.setPath(m_dir.filePath(QStringLiteral("render.jsonl")));
    const QDateTime start = QDateTime::currentDateTimeUtc().addSecs(-3600);
    const struct {
        const char* workspace;
        const char* action;
        const char* target;
        const char* result;
        bool ok;
    } rows[] = {
        {"demo", "policy", "policy", "applied: product ttl 120s → 90s", true},
        {"demo", "fault", "edge_kv", "down", true},
        {"demo", "purge", "product:sku-1042", "purged 2 entries (edge cache 1, edge KV 1)", true},
        {"prod-eu", "purge", "product", "purged 1234 entries (edge cache 812, edge KV 422)", true},
        {"prod-eu", "bump", "user", "version 3 → 4", true},
        {"prod-eu", "purge", "*", "rate limited: retry after 38s", false},
        {"staging", "policy", "policy", "applied: session swr 30s → 60s", true},
        {"demo", "fault", "edge_kv", "up", true},
        {"staging", "bump", "session", "namespace 'session' is not in the policy", false},
        {"demo", "purge", "user", "purged 318 entries (edge cache 211, edge KV 107)", true},
    };
    int i = 0;
    for (const auto& row : rows)
        log.append(ActivityRecord{start.addSecs(i++ * 97), QString::fromUtf8(row.workspace),
                                  QString::fromUtf8(row.action), QString::fromUtf8(row.target),
                                  QString::fromUtf8(row.result), row.ok});
    ActivityPage page;
    page.setLog(&log);
    page.resize(900, 420);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    QVERIFY(page.grab().save(out + QStringLiteral("/activity.png")));
    page.setTextFilter(QStringLiteral("prod"));
    page.setActionFilter(QStringLiteral("purge"));
    QVERIFY(page.grab().save(out + QStringLiteral("/activity-filtered.png")));

    // The file cannot be written: the banner says so, the records stay.
    const QString blocker = m_dir.filePath(QStringLiteral("render-blocker"));
    writeFile(blocker, "x");
    log.setPath(blocker + QStringLiteral("/activity.jsonl"));
    page.setTextFilter({});
    page.setActionFilter({});
    page.setWorkspaceFilter(QStringLiteral("demo"));
    log.append(ActivityRecord{start.addSecs(i * 97), QStringLiteral("demo"), QStringLiteral("purge"),
                              QStringLiteral("session"), QStringLiteral("purged 12 entries"), true});
    QVERIFY(page.grab().save(out + QStringLiteral("/activity-error.png")));
}

QTEST_MAIN(TestActivityLog)
#include "tst_activitylog.moc"
