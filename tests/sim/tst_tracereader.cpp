// Tests of TraceReader: valid traces in every accepted shape, and every
// diagnostic with its exact line and column (SPEC §4 trace, diagnostics).
#include "sim/trace.h"

#include <QtTest>
#include <string>

using fallback::TraceOp;
using fallback::TraceReader;
using fallback::TraceRecord;

namespace {

const char* opName(TraceOp op)
{
    switch (op) {
    case TraceOp::Get:
        return "get";
    case TraceOp::Set:
        return "set";
    case TraceOp::Delete:
        return "delete";
    }
    return "?";
}

// One record as `line time_us ns [id] size op`.
QByteArray describe(const TraceRecord& r)
{
    return QByteArray::number(r.line) + ' ' + QByteArray::number(qint64(r.time)) + ' ' +
           QByteArray(r.ns.data(), qsizetype(r.ns.size())) + " [" +
           QByteArray(r.id.data(), qsizetype(r.id.size())) + "] " + QByteArray::number(r.size) +
           ' ' + opName(r.op);
}

class TraceFile {
public:
    explicit TraceFile(const QByteArray& content)
    {
        QFile file(m_dir.filePath(QStringLiteral("trace.csv")));
        if (file.open(QIODevice::WriteOnly))
            file.write(content);
        m_path = file.fileName().toStdString();
    }
    const std::string& path() const { return m_path; }

private:
    QTemporaryDir m_dir;
    std::string m_path;
};

QByteArrayList readAll(const std::string& path, QByteArray* error = nullptr)
{
    TraceReader reader(path, "t.csv");
    QByteArrayList records;
    TraceRecord record;
    while (reader.next(record))
        records << describe(record);
    if (error)
        *error = reader.ok() ? QByteArray() : QByteArray::fromStdString(reader.error().format());
    return records;
}

QByteArrayList lintAll(const std::string& path, std::size_t maxErrors = 100)
{
    QByteArrayList lines;
    const auto diagnostics = TraceReader::lint(path, "t.csv", maxErrors);
    for (const auto& d : diagnostics.items())
        lines << QByteArray::fromStdString(d.format());
    return lines;
}

// `expected` ending in '*' matches any message with that prefix: used where
// the wording belongs to another module (key rules, suggestions).
bool matches(const QByteArray& actual, const QByteArray& expected)
{
    if (expected.endsWith('*'))
        return actual.startsWith(expected.chopped(1));
    return actual == expected;
}

} // namespace

class TestTraceReader : public QObject {
    Q_OBJECT

private slots:
    void validRows_data();
    void validRows();
    void lineLongerThanTheChunk();
    void manyChunks();
    void diagnostics_data();
    void diagnostics();
    void lintCollectsEveryBadRow();
    void lintStopsAtMaxErrors();
    void lintReportsEveryHeaderProblem();
    void nextStopsAtTheFirstError();
    void missingFile();
    void fixture();
};

void TestTraceReader::validRows_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QByteArrayList>("expected");

    QTest::newRow("three columns")
        << QByteArray("time,namespace,id\n0,product,1\n0.5,config,2\n")
        << QByteArrayList{"2 0 product [1] 0 get", "3 500000 config [2] 0 get"};
    QTest::newRow("size and op")
        << QByteArray(
               "time,namespace,id,size,op\n12.345,product,48213,4096,get\n13,product,7,1,set\n"
               "13,config,x,0,delete\n")
        << QByteArrayList{"2 12345000 product [48213] 4096 get", "3 13000000 product [7] 1 set",
                          "4 13000000 config [x] 0 delete"};
    QTest::newRow("reordered columns")
        << QByteArray("op,id,size,namespace,time\nset,k1,10,product,1.25\n")
        << QByteArrayList{"2 1250000 product [k1] 10 set"};
    QTest::newRow("size only") << QByteArray("time,namespace,id,size\n1,a,b,99\n")
                               << QByteArrayList{"2 1000000 a [b] 99 get"};
    QTest::newRow("op only") << QByteArray("time,namespace,id,op\n1,a,b,delete\n")
                             << QByteArrayList{"2 1000000 a [b] 0 delete"};
    QTest::newRow("empty size and op") << QByteArray("time,namespace,id,size,op\n1,a,b,,\n")
                                       << QByteArrayList{"2 1000000 a [b] 0 get"};
    QTest::newRow("quoted ids")
        << QByteArray("time,namespace,id\n1,p,\"a,b:c\"\n2,p,\"say \"\"hi\"\"\"\n3,\"p\",\"\"\"\"\n"
                      "4,p,user:42:profile\n")
        << QByteArrayList{"2 1000000 p [a,b:c] 0 get", "3 2000000 p [say \"hi\"] 0 get",
                          "4 3000000 p [\"] 0 get", "5 4000000 p [user:42:profile] 0 get"};
    QTest::newRow("quoted fields before others")
        << QByteArray("id,time,namespace,size\n\"x,y\",\"1\",p,\"8\"\n")
        << QByteArrayList{"2 1000000 p [x,y] 8 get"};
    QTest::newRow("CRLF") << QByteArray("time,namespace,id,op\r\n1,p,a,set\r\n2,p,\"b\",get\r\n")
                          << QByteArrayList{"2 1000000 p [a] 0 set", "3 2000000 p [b] 0 get"};
    QTest::newRow("BOM") << QByteArray("\xEF\xBB\xBFtime,namespace,id\n1,p,a\n")
                         << QByteArrayList{"2 1000000 p [a] 0 get"};
    QTest::newRow("no final newline")
        << QByteArray("time,namespace,id\n1,p,a\n2,p,b")
        << QByteArrayList{"2 1000000 p [a] 0 get", "3 2000000 p [b] 0 get"};
    QTest::newRow("no final newline, CRLF")
        << QByteArray("time,namespace,id\r\n1,p,a\r") << QByteArrayList{"2 1000000 p [a] 0 get"};
    QTest::newRow("blank lines") << QByteArray("\n\ntime,namespace,id\n\n1,p,a\n\r\n\n2,p,b\n\n")
                                 << QByteArrayList{"5 1000000 p [a] 0 get",
                                                   "8 2000000 p [b] 0 get"};
    QTest::newRow("header only") << QByteArray("time,namespace,id\n") << QByteArrayList{};
    QTest::newRow("header case and spaces")
        << QByteArray("Time, Namespace ,ID\n1,p,a\n") << QByteArrayList{"2 1000000 p [a] 0 get"};
    QTest::newRow("times")
        << QByteArray("time,namespace,id\n0.000001,p,a\n.5,p,a\n5.,p,a\n1e1,p,a\n 10.5 ,p,a\n"
                      "10.5000004,p,a\n10.5000006,p,a\n0012,p,a\n9000000000000,p,a\n")
        << QByteArrayList{"2 1 p [a] 0 get",
                          "3 500000 p [a] 0 get",
                          "4 5000000 p [a] 0 get",
                          "5 10000000 p [a] 0 get",
                          "6 10500000 p [a] 0 get",
                          "7 10500000 p [a] 0 get",
                          "8 10500001 p [a] 0 get",
                          "9 12000000 p [a] 0 get",
                          "10 9000000000000000000 p [a] 0 get"};
    QTest::newRow("equal times") << QByteArray("time,namespace,id\n3,p,a\n3,p,b\n3.0,p,c\n")
                                 << QByteArrayList{"2 3000000 p [a] 0 get", "3 3000000 p [b] 0 get",
                                                   "4 3000000 p [c] 0 get"};
    QTest::newRow("largest size and op with spaces")
        << QByteArray("time,namespace,id,size,op\n1,p,a, 4294967295 , set\n")
        << QByteArrayList{"2 1000000 p [a] 4294967295 set"};
    const QByteArray longNs(63, 'n');
    const QByteArray longId(512, 'i');
    QTest::newRow("longest namespace and id")
        << QByteArray("time,namespace,id\n1," + longNs + "," + longId + "\n")
        << QByteArrayList{"2 1000000 " + longNs + " [" + longId + "] 0 get"};
    QTest::newRow("utf-8 id") << QByteArray("time,namespace,id\n1,p,caf\xC3\xA9\n")
                              << QByteArrayList{"2 1000000 p [caf\xC3\xA9] 0 get"};
}

void TestTraceReader::validRows()
{
    QFETCH(QByteArray, content);
    QFETCH(QByteArrayList, expected);
    TraceFile file(content);
    QByteArray error;
    const QByteArrayList records = readAll(file.path(), &error);
    QCOMPARE(error, QByteArray());
    QCOMPARE(records, expected);
    QCOMPARE(lintAll(file.path()), QByteArrayList());
}

void TestTraceReader::lineLongerThanTheChunk()
{
    // A valid line of 2.5 chunks (a time padded with zeros), then one whose
    // id is far over the limit: the buffer grows, and the lines after it
    // are still read at the right place.
    const QByteArray zeros(qsizetype(TraceReader::kChunkSize * 5 / 2), '0');
    const QByteArray hugeId(qsizetype(TraceReader::kChunkSize * 3 / 2), 'x');
    const QByteArray content = "time,namespace,id,size\n1,p,a,1\n" + zeros + "2.5,p,b,2\n3,p," +
                               hugeId + ",3\n4,p,c,4\n5,p,d,5x\n6,p,e,6";
    TraceFile file(content);

    TraceReader reader(file.path(), "t.csv");
    TraceRecord record;
    QByteArrayList records;
    while (reader.next(record))
        records << describe(record);
    QCOMPARE(records, (QByteArrayList{"2 1000000 p [a] 1 get", "3 2500000 p [b] 2 get"}));
    QVERIFY(!reader.ok());
    QVERIFY(matches(QByteArray::fromStdString(reader.error().format()),
                    QByteArray("t.csv:4:5: error: resource id is 1572864 bytes long*")));

    const QByteArrayList lint = lintAll(file.path());
    QCOMPARE(lint.size(), 2);
    QVERIFY(lint[0].startsWith(QByteArray("t.csv:4:5: error: ")));
    QCOMPARE(lint[1],
             QByteArray("t.csv:6:7: error: bad size '5x': expected a whole number of bytes"));
}

void TestTraceReader::manyChunks()
{
    // Rows of varied length across several chunk boundaries, one of them
    // split between "\r" and "\n".
    QByteArray content = "time,namespace,id,size,op\r\n";
    QByteArrayList expected;
    const char* const ops[] = {"get", "set", "delete"};
    for (int i = 0; content.size() < 3 * qsizetype(TraceReader::kChunkSize); ++i) {
        const QByteArray id = QByteArray::number(i) + QByteArray(i % 37, 'k');
        content += QByteArray::number(i / 1000) + '.' +
                   QByteArray::number(i % 1000).rightJustified(3, '0') + ",ns" +
                   QByteArray::number(i % 7) + ',' + id + ',' + QByteArray::number(i * 3) + ',' +
                   ops[i % 3] + "\r\n";
        expected << QByteArray::number(i + 2) + ' ' + QByteArray::number(qint64(i) * 1000) + " ns" +
                        QByteArray::number(i % 7) + " [" + id + "] " + QByteArray::number(i * 3) +
                        ' ' + ops[i % 3];
    }
    TraceFile file(content);
    TraceReader reader(file.path(), "t.csv");
    QVERIFY(reader.hasSize());
    QVERIFY(reader.hasOp());
    QCOMPARE(reader.fileSize(), std::uint64_t(content.size()));
    TraceRecord record;
    QByteArrayList records;
    while (reader.next(record))
        records << describe(record);
    QVERIFY(reader.ok());
    QCOMPARE(records.size(), expected.size());
    QCOMPARE(records, expected);
    QCOMPARE(reader.bytesRead(), std::uint64_t(content.size()));
}

void TestTraceReader::diagnostics_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("expectedText"); // QTestData makes literals QString

    const QByteArray h3 = "time,namespace,id\n";
    const QByteArray h5 = "time,namespace,id,size,op\n";
    QTest::newRow("empty file")
        << QByteArray()
        << "t.csv:1:1: error: the trace is empty: expected a header row like "
           "'time,namespace,id,size,op'";
    QTest::newRow("only a BOM and blank lines")
        << QByteArray("\xEF\xBB\xBF\n\n")
        << "t.csv:2:1: error: the trace is empty: expected a "
           "header row like 'time,namespace,id,size,op'";
    QTest::newRow("no header row")
        << QByteArray("0.5,product,1\n")
        << "t.csv:1:1: error: missing header row: the first line must name the columns, like "
           "'time,namespace,id,size,op'";
    QTest::newRow("unknown column, suggestion")
        << QByteArray("time,namespce,id\n")
        << "t.csv:1:6: error: unknown column 'namespce'; did you mean 'namespace'?";
    QTest::newRow("unknown column after BOM")
        << QByteArray("\xEF\xBB\xBFtime,namespace,id,szie\n")
        << "t.csv:1:19: error: unknown column 'szie'; did you mean 'size'?";
    QTest::newRow("unknown column, no suggestion")
        << QByteArray("time,namespace,id,colour\n")
        << "t.csv:1:19: error: unknown column 'colour': expected time, namespace, id, size or op";
    QTest::newRow("duplicate column")
        << QByteArray("time,namespace,id,size,id\n") << "t.csv:1:24: error: duplicate column 'id'";
    QTest::newRow("missing column")
        << QByteArray("time,namespace\n")
        << "t.csv:1:1: error: missing column 'id': the header must name time, namespace and id";
    QTest::newRow("too few fields")
        << h3 + "1,p\n"
        << "t.csv:2:4: error: expected 3 fields (time,namespace,id), found 2";
    QTest::newRow("too many fields")
        << h3 + "1,p,a,b,c\n"
        << "t.csv:2:7: error: expected 3 fields (time,namespace,id), found 5";
    QTest::newRow("trailing comma")
        << h5 + "1,p,a,1,get,\n"
        << "t.csv:2:13: error: expected 5 fields (time,namespace,id,size,op), found 6";
    QTest::newRow("field count in reordered header")
        << QByteArray("id,time,namespace\n\"a,b\",1\n")
        << "t.csv:2:8: error: expected 3 fields (id,time,namespace), found 2";
    QTest::newRow("bad time")
        << h3 + "1,p,a\nabc,p,a\n"
        << "t.csv:3:1: error: bad time 'abc': expected seconds from the trace start, like 12.5";
    QTest::newRow("bad time, later column")
        << QByteArray("id,namespace,time\na,p,1.2.3\n")
        << "t.csv:2:5: error: bad time '1.2.3': expected seconds from the trace start, like 12.5";
    QTest::newRow("missing time") << h3 + ",p,a\n"
                                  << "t.csv:2:1: error: missing time";
    QTest::newRow("negative time") << h3 + "-1,p,a\n"
                                   << "t.csv:2:1: error: bad time '-1': negative";
    QTest::newRow("time too large")
        << h3 + "1e13,p,a\n"
        << "t.csv:2:1: error: bad time '1e13': more than 9000000000000 seconds";
    QTest::newRow("time not a number")
        << h3 + "nan,p,a\n"
        << "t.csv:2:1: error: bad time 'nan': expected seconds from the trace start, like 12.5";
    QTest::newRow("time going backwards")
        << h3 + "1,p,a\n4,p,a\n\n3.5,p,b\n"
        << "t.csv:5:1: error: time 3.5 is before the previous row's 4";
    QTest::newRow("time going backwards, micros")
        << h3 + "0.000002,p,a\n0.000001,p,b\n"
        << "t.csv:3:1: error: time 0.000001 is before the previous row's 0.000002";
    QTest::newRow("bad namespace") << h3 + "1,Prod,a\n"
                                   << "t.csv:2:3: error: namespace 'Prod'*";
    QTest::newRow("empty namespace") << h3 + "1,,a\n"
                                     << "t.csv:2:3: error: namespace*";
    QTest::newRow("namespace too long") << h3 + "1," + QByteArray(64, 'n') + ",a\n"
                                        << "t.csv:2:3: error: namespace*";
    QTest::newRow("empty id") << h5 + "1,p,,1,get\n"
                              << "t.csv:2:5: error: resource id is empty*";
    QTest::newRow("empty quoted id") << h3 + "1,p,\"\"\n"
                                     << "t.csv:2:5: error: resource id is empty*";
    QTest::newRow("id too long") << h3 + "1,p," + QByteArray(513, 'i') + "\n"
                                 << "t.csv:2:5: error: resource id is 513 bytes long*";
    QTest::newRow("control character in id") << h3 + "1,p,a\tb\n"
                                             << "t.csv:2:5: error: resource id '*";
    QTest::newRow("DEL in id") << h3 + "1,p,a\x7f" "b\n"
                               << "t.csv:2:5: error: resource id 'a\\x7fb' contains a control character (0x7f at byte 2)";
    QTest::newRow("DEL late in a long id")
        << h3 + "1,p,abcdefghijk\x7f\n"
        << "t.csv:2:5: error: resource id 'abcdefghijk\\x7f' contains a control character (0x7f at byte 12)";
    QTest::newRow("unit separator in id")
        << h3 + "1,p,a\x1f" "b\n"
        << "t.csv:2:5: error: resource id 'a\\x1fb' contains a control character (0x1f at byte 2)";
    QTest::newRow("bad size")
        << h5 + "1,p,a,12kb,get\n"
        << "t.csv:2:7: error: bad size '12kb': expected a whole number of bytes";
    QTest::newRow("negative size")
        << h5 + "1,p,a,-1,get\n"
        << "t.csv:2:7: error: bad size '-1': expected a whole number of bytes";
    QTest::newRow("size too large")
        << h5 + "1,p,a,4294967296,get\n"
        << "t.csv:2:7: error: size 4294967296 is too large: at most 4294967295 bytes";
    QTest::newRow("bad size after a quoted id")
        << QByteArray("time,namespace,id,size\n1,p,\"a,b\",x\n")
        << "t.csv:2:11: error: bad size 'x': expected a whole number of bytes";
    QTest::newRow("unknown op, suggestion")
        << h5 + "1,p,a,1,gte\n"
        << "t.csv:2:9: error: unknown op 'gte'; did you mean 'get'?";
    QTest::newRow("unknown op, no suggestion")
        << h5 + "1,p,a,1,frobnicate\n"
        << "t.csv:2:9: error: unknown op 'frobnicate': expected get, set or delete";
    QTest::newRow("op longer than delete")
        << h5 + "1,p,a,1,deleted\n"
        << "t.csv:2:9: error: unknown op 'deleted'; did you mean 'delete'?";
    QTest::newRow("op longer than get")
        << h5 + "1,p,a,1,gets\n"
        << "t.csv:2:9: error: unknown op 'gets'; did you mean 'get'?";
    QTest::newRow("op is case-sensitive") << h5 + "1,p,a,1,DELETE\n"
                                          << "t.csv:2:9: error: unknown op 'DELETE'*";
    QTest::newRow("unterminated quote") << h3 + "1,p,\"abc\n"
                                        << "t.csv:2:5: error: unterminated quoted field";
    QTest::newRow("text after closing quote")
        << h3 + "1,p,\"ab\"c\n"
        << "t.csv:2:9: error: unexpected character after a closing quote";
    QTest::newRow("error in CRLF file")
        << QByteArray("time,namespace,id\r\n1,p,a\r\n2,p\r\n")
        << "t.csv:3:4: error: expected 3 fields (time,namespace,id), found 2";
    QTest::newRow("error on last line without newline")
        << h3 + "1,p,a\n0,p,b"
        << "t.csv:3:1: error: time 0 is before the previous row's 1";
}

void TestTraceReader::diagnostics()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, expectedText);
    const QByteArray expected = expectedText.toUtf8();
    TraceFile file(content);
    QByteArray error;
    readAll(file.path(), &error);
    QVERIFY2(matches(error, expected), error.constData());

    // lint() reports the same problem first.
    const QByteArrayList lint = lintAll(file.path());
    QVERIFY(!lint.isEmpty());
    QVERIFY2(matches(lint.first(), expected), lint.first().constData());
}

void TestTraceReader::lintCollectsEveryBadRow()
{
    TraceFile file("time,namespace,id,size,op\n"
                   "1,p,a,1,get\n"
                   "2,P,a,1,get\n"   // bad namespace
                   "3,p,a,1,gte\n"   // unknown op
                   "0.5,p,a,1,get\n" // before 3 (the last good row's time)
                   "4,p,a,x,get\n"   // bad size
                   "5,p,a,1\n"       // too few fields
                   "6,p,a,1,set\n");
    const QByteArrayList lint = lintAll(file.path());
    QCOMPARE(lint.size(), 5);
    QVERIFY(lint[0].startsWith(QByteArray("t.csv:3:3: error: namespace 'P'")));
    QCOMPARE(lint[1], QByteArray("t.csv:4:9: error: unknown op 'gte'; did you mean 'get'?"));
    QCOMPARE(lint[2], QByteArray("t.csv:5:1: error: time 0.5 is before the previous row's 1"));
    QCOMPARE(lint[3],
             QByteArray("t.csv:6:7: error: bad size 'x': expected a whole number of bytes"));
    QCOMPARE(
        lint[4],
        QByteArray("t.csv:7:8: error: expected 5 fields (time,namespace,id,size,op), found 4"));
}

void TestTraceReader::lintStopsAtMaxErrors()
{
    QByteArray content = "time,namespace,id\n";
    for (int i = 0; i < 50; ++i)
        content += "x,p,a\n";
    TraceFile file(content);
    QCOMPARE(lintAll(file.path(), 10).size(), 10);
    QCOMPARE(lintAll(file.path(), 0).size(), 50); // 0: no limit
    QCOMPARE(
        lintAll(file.path()).last(),
        QByteArray(
            "t.csv:51:1: error: bad time 'x': expected seconds from the trace start, like 12.5"));
}

void TestTraceReader::lintReportsEveryHeaderProblem()
{
    TraceFile file("tiem,namespace,namespace,colour\n1,p,a,b\n");
    const QByteArrayList lint = lintAll(file.path());
    QCOMPARE(
        lint,
        (QByteArrayList{
            "t.csv:1:1: error: unknown column 'tiem'; did you mean 'time'?",
            "t.csv:1:16: error: duplicate column 'namespace'",
            "t.csv:1:26: error: unknown column 'colour': expected time, namespace, id, size or op",
            "t.csv:1:1: error: missing column 'time': the header must name time, namespace and id",
            "t.csv:1:1: error: missing column 'id': the header must name time, namespace and id",
        }));
}

void TestTraceReader::nextStopsAtTheFirstError()
{
    TraceFile file("time,namespace,id\n1,p,a\n2,p,\n3,p,c\n");
    TraceReader reader(file.path());
    QVERIFY(reader.ok());
    TraceRecord record;
    QVERIFY(reader.next(record));
    QCOMPARE(record.id, std::string_view("a"));
    QVERIFY(!reader.next(record));
    QVERIFY(!reader.ok());
    QCOMPARE(reader.error().line, 3);
    QCOMPARE(reader.error().column, 5);
    QCOMPARE(reader.error().file, file.path()); // no label: the path
    QVERIFY(!reader.next(record));              // and stays stopped
}

void TestTraceReader::missingFile()
{
    TraceReader reader("/nonexistent/trace.csv", "missing.csv");
    QVERIFY(!reader.ok());
    QCOMPARE(
        QByteArray::fromStdString(reader.error().format()),
        QByteArray("missing.csv:1:1: error: cannot open the trace: No such file or directory"));
    TraceRecord record;
    QVERIFY(!reader.next(record));
    QCOMPARE(lintAll("/nonexistent/trace.csv").size(), 1);
}

void TestTraceReader::fixture()
{
    const std::string path = FALLBACK_FIXTURES_DIR "/traces/small.csv";
    TraceReader reader(path, "small.csv");
    QVERIFY2(reader.ok(), reader.error().format().c_str());
    TraceRecord record;
    int rows = 0;
    int sets = 0;
    while (reader.next(record)) {
        ++rows;
        sets += record.op == TraceOp::Set;
    }
    QVERIFY2(reader.ok(), reader.error().format().c_str());
    QCOMPARE(rows, 12);
    QCOMPARE(sets, 2);
    QCOMPARE(record.id, std::string_view("catalog:page,2"));

    const auto lint = TraceReader::lint(FALLBACK_FIXTURES_DIR "/traces/bad.csv", "bad.csv");
    QCOMPARE(
        QByteArray::fromStdString(lint.format()),
        QByteArray("bad.csv:3:1: error: time 1.5 is before the previous row's 2\n"
                   "bad.csv:4:16: error: unknown op 'sett'; did you mean 'set'?\n"
                   "bad.csv:6:13: error: bad size '1KiB': expected a whole number of bytes\n"));
}

QTEST_APPLESS_MAIN(TestTraceReader)
#include "tst_tracereader.moc"
