// Tests of NamespaceTableModel: validated edits, change highlighting against
// the applied policy, undo / redo of every change, following a new applied
// policy, and the model contract (QAbstractItemModelTester throughout).
#include "models/namespacetablemodel.h"
#include "policy/policyloader.h"

#include <QAbstractItemModelTester>
#include <QFont>
#include <QUndoStack>
#include <QtTest>

#include <memory>

using namespace fallback;
using namespace fallback::ui;

namespace {

QString q(const std::string& text) { return QString::fromStdString(text); }

constexpr Micros kS = kMicrosPerSecond;

Policy demoPolicy()
{
    const Loaded<Policy> loaded = loadPolicyFile(FALLBACK_EXAMPLES_DIR "/demo.policy.yaml");
    return loaded.value.value_or(Policy{});
}

QStringList describe(const std::vector<PolicyChange>& changes)
{
    QStringList out;
    for (const PolicyChange& change : changes)
        out << q(change.describe());
    return out;
}

} // namespace

class TestNamespaceTableModel : public QObject {
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void showsFormattedAndRawValues();
    void refusedEdit_data();
    void refusedEdit();
    void validEditMarksRowChanged();
    void dataChangedOnlyForWhatChanged();
    void undoRedoRestoreExactly();
    void addAndRemoveAreUndoable();
    void removeSeveralIsOneStep();
    void revertAllIsUndoable();
    void followsNewAppliedPolicy();
    void followedValuesSurviveUndo();
    void readOnlyRefusesEdits();
    void flagsInvalidCells();

private:
    QModelIndex cell(const char* ns, int column) const
    {
        return m_model->index(m_model->rowOf(ns), column);
    }

    std::unique_ptr<NamespaceTableModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
    Policy m_demo;
};

void TestNamespaceTableModel::init()
{
    m_demo = demoPolicy();
    QCOMPARE(m_demo.namespaces.size(), std::size_t(4));
    m_model = std::make_unique<NamespaceTableModel>();
    m_tester = std::make_unique<QAbstractItemModelTester>(m_model.get(),
                                                          QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_model->resetPolicies(m_demo, m_demo);
}

void TestNamespaceTableModel::cleanup()
{
    m_tester.reset();
    m_model.reset();
}

void TestNamespaceTableModel::showsFormattedAndRawValues()
{
    QCOMPARE(m_model->rowCount(), 4);
    QCOMPARE(m_model->columnCount(), int(NamespaceTableModel::ColumnCount));
    QCOMPARE(cell("product", NamespaceTableModel::Name).data().toString(), QStringLiteral("product"));
    QCOMPARE(cell("product", NamespaceTableModel::Ttl).data().toString(), QStringLiteral("5m"));
    QCOMPARE(cell("product", NamespaceTableModel::Sie).data().toString(), QStringLiteral("1h"));
    QCOMPARE(cell("product", NamespaceTableModel::MaxObjectSize).data().toString(), QStringLiteral("256KiB"));
    QCOMPARE(cell("product", NamespaceTableModel::WriteMode).data().toString(), QStringLiteral("async-backfill"));
    QCOMPARE(cell("product", NamespaceTableModel::Ttl).data(NamespaceTableModel::RawValueRole).value<qint64>(),
             qint64(300 * kS));
    QCOMPARE(cell("config", NamespaceTableModel::Version).data(NamespaceTableModel::RawValueRole).value<quint64>(),
             quint64(12));
    QCOMPARE(cell("config", NamespaceTableModel::MaxObjectSize).data(NamespaceTableModel::RawValueRole).value<quint64>(),
             quint64(64 * 1024));
    QCOMPARE(cell("product", NamespaceTableModel::Ttl).data(NamespaceTableModel::ChangedRole).toBool(), false);
    QCOMPARE(m_model->headerData(NamespaceTableModel::Swr, Qt::Horizontal).toString(), QStringLiteral("SWR"));
    QVERIFY(!m_model->isDirty());
    QVERIFY(m_model->problems().isEmpty());
}

void TestNamespaceTableModel::refusedEdit_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("message");

    QTest::newRow("ttl word") << int(NamespaceTableModel::Ttl) << QStringLiteral("abc")
                              << QStringLiteral("ttl 'abc' is not a duration: use a number with a unit "
                                                "(250ms, 90s, 5m, 1h, 1d) or a bare number of seconds");
    QTest::newRow("ttl negative") << int(NamespaceTableModel::Ttl) << QStringLiteral("-5s")
                                  << QStringLiteral("ttl must not be negative (got '-5s')");
    QTest::newRow("swr empty") << int(NamespaceTableModel::Swr) << QStringLiteral("  ")
                               << QStringLiteral("stale_while_revalidate has no value: expected a duration");
    QTest::newRow("size zero") << int(NamespaceTableModel::MaxObjectSize) << QStringLiteral("0")
                               << QStringLiteral("max_object_size must be at least 1B (got '0')");
    QTest::newRow("version") << int(NamespaceTableModel::Version) << QStringLiteral("v4")
                             << QStringLiteral("version must be a non-negative integer (got 'v4')");
    QTest::newRow("write mode") << int(NamespaceTableModel::WriteMode) << QStringLiteral("write-thru")
                                << QStringLiteral("write_mode 'write-thru' is invalid: use write-through or "
                                                  "async-backfill (did you mean 'write-through'?)");
    QTest::newRow("bad name") << int(NamespaceTableModel::Name) << QStringLiteral("Product")
                              << QStringLiteral("namespace 'Product' is invalid: must match [a-z][a-z0-9_-]{0,62}");
    QTest::newRow("duplicate name") << int(NamespaceTableModel::Name) << QStringLiteral("config")
                                    << QStringLiteral("duplicate namespace 'config' (already in row 2)");
}

void TestNamespaceTableModel::refusedEdit()
{
    QFETCH(int, column);
    QFETCH(QString, text);
    QFETCH(QString, message);
    QSignalSpy refused(m_model.get(), &NamespaceTableModel::validationFailed);
    QSignalSpy changed(m_model.get(), &NamespaceTableModel::dataChanged);

    const QModelIndex index = cell("product", column);
    const QString before = index.data().toString();
    QVERIFY(!m_model->setData(index, text));
    QCOMPARE(refused.count(), 1);
    QCOMPARE(refused.front().at(0).toModelIndex(), index);
    QCOMPARE(refused.front().at(1).toString(), message);
    QCOMPARE(changed.count(), 0);
    QCOMPARE(index.data().toString(), before);
    QCOMPARE(m_model->policy(), m_demo);
    QVERIFY(!m_model->isDirty());
    QCOMPARE(m_model->undoStack()->count(), 0);
}

void TestNamespaceTableModel::validEditMarksRowChanged()
{
    QSignalSpy dirty(m_model.get(), &NamespaceTableModel::dirtyChanged);
    const QModelIndex ttl = cell("product", NamespaceTableModel::Ttl);
    QVERIFY(m_model->setData(ttl, QStringLiteral(" 120s ")));
    QCOMPARE(ttl.data().toString(), QStringLiteral("2m"));
    QCOMPARE(ttl.data(NamespaceTableModel::RawValueRole).value<qint64>(), qint64(120 * kS));
    QVERIFY(ttl.data(NamespaceTableModel::ChangedRole).toBool());
    QVERIFY(!cell("product", NamespaceTableModel::Swr).data(NamespaceTableModel::ChangedRole).toBool());
    QCOMPARE(ttl.data(NamespaceTableModel::AppliedTextRole).toString(), QStringLiteral("5m"));
    QVERIFY(ttl.data(Qt::FontRole).value<QFont>().bold());
    QVERIFY(ttl.data(Qt::BackgroundRole).isValid());
    QVERIFY(cell("product", NamespaceTableModel::Swr).data(Qt::BackgroundRole).isValid()); // the row is tinted
    QVERIFY(!cell("config", NamespaceTableModel::Ttl).data(Qt::BackgroundRole).isValid());
    QCOMPARE(m_model->rowState(m_model->rowOf("product")), NamespaceTableModel::RowState::Changed);
    QCOMPARE(m_model->rowState(m_model->rowOf("config")), NamespaceTableModel::RowState::Unchanged);
    QVERIFY(m_model->isDirty());
    QCOMPARE(dirty.count(), 1);
    QCOMPARE(dirty.front().at(0).toBool(), true);
    QCOMPARE(describe(m_model->changes()), QStringList{QString::fromUtf8("product.ttl: 5m \u2192 2m")});
    QCOMPARE(m_model->policy().find("product")->ttl, 120 * kS);

    // The same value again is no change and no undo step.
    QVERIFY(m_model->setData(ttl, QStringLiteral("2m")));
    QCOMPARE(m_model->undoStack()->count(), 1);
}

void TestNamespaceTableModel::dataChangedOnlyForWhatChanged()
{
    QSignalSpy changed(m_model.get(), &NamespaceTableModel::dataChanged);
    const int row = m_model->rowOf("pricing");

    // First edit of the row: its highlighting changes, so the whole row.
    QVERIFY(m_model->setData(cell("pricing", NamespaceTableModel::Ttl), QStringLiteral("45s")));
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.front().at(0).toModelIndex(), m_model->index(row, 0));
    QCOMPARE(changed.front().at(1).toModelIndex(), m_model->index(row, NamespaceTableModel::ColumnCount - 1));

    // A second edit in a row already changed: that cell only.
    changed.clear();
    QVERIFY(m_model->setData(cell("pricing", NamespaceTableModel::Sie), QStringLiteral("10m")));
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.front().at(0).toModelIndex(), m_model->index(row, NamespaceTableModel::Sie));
    QCOMPARE(changed.front().at(1).toModelIndex(), m_model->index(row, NamespaceTableModel::Sie));

    // A new applied policy that changes nothing signals nothing.
    changed.clear();
    m_model->setAppliedPolicy(m_demo);
    QCOMPARE(changed.count(), 0);
}

void TestNamespaceTableModel::undoRedoRestoreExactly()
{
    QUndoStack* stack = m_model->undoStack();
    QVERIFY(m_model->setData(cell("product", NamespaceTableModel::Ttl), QStringLiteral("90s")));
    QVERIFY(m_model->setData(cell("config", NamespaceTableModel::MaxObjectSize), QStringLiteral("1.5MiB")));
    QVERIFY(m_model->setData(cell("session", NamespaceTableModel::WriteMode), QStringLiteral("async-backfill")));
    QVERIFY(m_model->setData(cell("pricing", NamespaceTableModel::Name), QStringLiteral("prices")));
    QVERIFY(m_model->setData(cell("prices", NamespaceTableModel::Version), QStringLiteral("6")));
    const Policy edited = m_model->policy();
    QCOMPARE(stack->count(), 5);
    QCOMPARE(stack->undoText(), QStringLiteral("Set prices version to 6"));

    while (stack->canUndo())
        stack->undo();
    QCOMPARE(m_model->policy(), m_demo);
    QVERIFY(!m_model->isDirty());
    for (int row = 0; row < m_model->rowCount(); ++row)
        QCOMPARE(m_model->rowState(row), NamespaceTableModel::RowState::Unchanged);

    while (stack->canRedo())
        stack->redo();
    QCOMPARE(m_model->policy(), edited);
    QVERIFY(m_model->isDirty());
    QCOMPARE(describe(m_model->changes()),
             (QStringList{QString::fromUtf8("product.ttl: 5m \u2192 90s"),
                          QString::fromUtf8("config.max_object_size: 64KiB \u2192 1.5MiB"),
                          QStringLiteral("+ namespace prices"),
                          QString::fromUtf8("session.write_mode: write-through \u2192 async-backfill"),
                          QStringLiteral("- namespace pricing")}));
}

void TestNamespaceTableModel::addAndRemoveAreUndoable()
{
    QUndoStack* stack = m_model->undoStack();
    const int row = m_model->addNamespace();
    QCOMPARE(row, 4);
    QCOMPARE(m_model->namespaceAt(row), QStringLiteral("new-namespace"));
    QCOMPARE(m_model->rowState(row), NamespaceTableModel::RowState::Added);
    QVERIFY(m_model->index(row, NamespaceTableModel::Ttl).data(NamespaceTableModel::ChangedRole).toBool());
    QCOMPARE(m_model->index(row, NamespaceTableModel::Ttl).data().toString(), QStringLiteral("2m")); // defaults
    QCOMPARE(m_model->addNamespace(0), 1);
    QCOMPARE(m_model->namespaceAt(1), QStringLiteral("new-namespace-2"));
    QVERIFY(m_model->isDirty());
    stack->undo();
    stack->undo();
    QCOMPARE(m_model->policy(), m_demo);

    QVERIFY(m_model->removeNamespaces({m_model->rowOf("config")}));
    QCOMPARE(m_model->rowCount(), 3);
    QCOMPARE(m_model->rowOf("config"), -1);
    QCOMPARE(describe(m_model->changes()), QStringList{QStringLiteral("- namespace config")});
    stack->undo();
    QCOMPARE(m_model->policy(), m_demo);
    stack->redo();
    QCOMPARE(m_model->rowOf("config"), -1);
}

void TestNamespaceTableModel::removeSeveralIsOneStep()
{
    QVERIFY(m_model->removeNamespaces({3, 0, 3}));
    QCOMPARE(m_model->undoStack()->count(), 1);
    QCOMPARE(m_model->rowCount(), 2);
    QCOMPARE(m_model->namespaceAt(0), QStringLiteral("config"));
    m_model->undoStack()->undo();
    QCOMPARE(m_model->policy(), m_demo);
}

void TestNamespaceTableModel::revertAllIsUndoable()
{
    QVERIFY(!m_model->revertAll()); // nothing to revert
    QVERIFY(m_model->setData(cell("product", NamespaceTableModel::Ttl), QStringLiteral("1m")));
    m_model->addNamespace();
    const Policy edited = m_model->policy();
    QVERIFY(m_model->revertAll());
    QCOMPARE(m_model->policy(), m_demo);
    QVERIFY(!m_model->isDirty());
    m_model->undoStack()->undo();
    QCOMPARE(m_model->policy(), edited);
}

void TestNamespaceTableModel::followsNewAppliedPolicy()
{
    QVERIFY(m_model->setData(cell("product", NamespaceTableModel::Ttl), QStringLiteral("1m")));
    QVERIFY(m_model->setData(cell("config", NamespaceTableModel::Version), QStringLiteral("20")));

    // Someone bumps product and config, drops session and adds search.
    Policy applied = m_demo;
    applied.find("product")->version = 4;
    applied.find("config")->version = 13;
    applied.find("pricing")->staleIfError = 10 * 60 * kS;
    applied.namespaces.erase(applied.namespaces.begin() + 3);
    applied.namespaces.push_back(applied.fromDefaults("search"));
    m_model->setAppliedPolicy(applied);

    const Policy& edited = m_model->policy();
    QCOMPARE(edited.find("product")->version, std::uint64_t(4)); // followed
    QCOMPARE(edited.find("product")->ttl, 60 * kS);              // the user's edit stays
    QCOMPARE(edited.find("config")->version, std::uint64_t(20));  // edited: stays
    QCOMPARE(edited.find("pricing")->staleIfError, 10 * 60 * kS);
    QVERIFY(!edited.find("session"));
    QVERIFY(edited.find("search"));
    QCOMPARE(describe(m_model->changes()),
             (QStringList{QString::fromUtf8("product.ttl: 5m \u2192 1m"),
                          QString::fromUtf8("config.version: 13 \u2192 20")}));

    // Once the edits are applied, the model is clean.
    m_model->setAppliedPolicy(edited);
    QVERIFY(!m_model->isDirty());
}

void TestNamespaceTableModel::followedValuesSurviveUndo()
{
    QVERIFY(m_model->setData(cell("product", NamespaceTableModel::Ttl), QStringLiteral("1m")));
    Policy bumped = m_demo;
    bumped.find("product")->version = 4;
    m_model->setAppliedPolicy(bumped);
    m_model->undoStack()->undo();
    QCOMPARE(m_model->policy(), bumped);
    QVERIFY(!m_model->isDirty());
    m_model->undoStack()->redo();
    QCOMPARE(m_model->policy().find("product")->version, std::uint64_t(4));
    QCOMPARE(m_model->policy().find("product")->ttl, 60 * kS);
}

void TestNamespaceTableModel::readOnlyRefusesEdits()
{
    m_model->setReadOnly(true);
    const QModelIndex ttl = cell("product", NamespaceTableModel::Ttl);
    QVERIFY(!(m_model->flags(ttl) & Qt::ItemIsEditable));
    QSignalSpy refused(m_model.get(), &NamespaceTableModel::validationFailed);
    QVERIFY(!m_model->setData(ttl, QStringLiteral("1m")));
    QCOMPARE(refused.count(), 1);
    QVERIFY(refused.front().at(1).toString().contains(QStringLiteral("'1m'")));
    QCOMPARE(m_model->addNamespace(), -1);
    QVERIFY(!m_model->removeNamespaces({0}));
    QCOMPARE(m_model->policy(), m_demo);
    m_model->setReadOnly(false);
    QVERIFY(m_model->flags(ttl) & Qt::ItemIsEditable);
}

void TestNamespaceTableModel::flagsInvalidCells()
{
    // A policy built in code can hold what no edit accepts: show it.
    Policy broken = m_demo;
    broken.namespaces[1].name = "product";
    broken.namespaces[2].maxObjectSize = 0;
    m_model->resetPolicies(broken, m_demo);
    QCOMPARE(m_model->index(1, NamespaceTableModel::Name).data(NamespaceTableModel::ErrorRole).toString(),
             QStringLiteral("duplicate namespace 'product' (first in row 1)"));
    QCOMPARE(m_model->index(2, NamespaceTableModel::MaxObjectSize).data(NamespaceTableModel::ErrorRole).toString(),
             QStringLiteral("max_object_size must be at least 1B (got '0B')"));
    QCOMPARE(m_model->index(0, NamespaceTableModel::Name).data(NamespaceTableModel::ErrorRole).toString(), QString());
    QCOMPARE(m_model->problems().size(), 2);
}

QTEST_MAIN(TestNamespaceTableModel)
#include "tst_namespacetablemodel.moc"
