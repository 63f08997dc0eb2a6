#include "widgets/abcomparepanel.h"

#include "policy/policyloader.h"
#include "workspaces/localworkspace.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

namespace fallback::ui {

namespace {

enum class Better { Higher, Lower };

struct Metric {
    QString name;
    double a;
    double b;
    Better better;
    bool percent;
};

QString formatValue(double value, bool percent)
{
    if (percent)
        return QString::number(value * 100.0, 'f', 2) + QLatin1Char('%');
    if (value == double(qint64(value)) && std::abs(value) < 1e15)
        return QLocale().toString(qint64(value));
    return QString::number(value, 'f', 2);
}

} // namespace

AbComparePanel::AbComparePanel(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    auto* controls = new QHBoxLayout;
    m_fileButton = new QPushButton(tr("Compare with policy file…"), this);
    m_fileButton->setObjectName(QStringLiteral("abCompareFile"));
    m_fileButton->setToolTip(tr("Run this scenario to its end under the policy in force (A) and "
                                "under a policy file (B), with the same workload and seed"));
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 1000);
    m_progress->setVisible(false);
    m_status = new QLabel(tr("Same workload, same seed, two policies."), this);
    m_status->setObjectName(QStringLiteral("abCompareStatus"));
    controls->addWidget(m_fileButton);
    controls->addWidget(m_progress, 1);
    controls->addWidget(m_status, 2);
    layout->addLayout(controls);

    m_model = new QStandardItemModel(0, 4, this);
    m_model->setHorizontalHeaderLabels({tr("Metric"), tr("A"), tr("B"), tr("B − A")});
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("abCompareTable"));
    m_table->setModel(m_model);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    layout->addWidget(m_table, 1);

    connect(m_fileButton, &QPushButton::clicked, this, &AbComparePanel::chooseFile);
    connect(&m_comparison, &AbComparison::progress, this,
            [this](double share) { m_progress->setValue(int(share * 1000)); });
    connect(&m_comparison, &AbComparison::finished, this, &AbComparePanel::showResult);
    connect(&m_comparison, &AbComparison::failed, this, [this](const QString& message) {
        m_progress->setVisible(false);
        m_fileButton->setEnabled(true);
        m_status->setText(tr("Comparison failed: %1").arg(message));
    });
}

void AbComparePanel::setWorkspace(LocalWorkspace* workspace)
{
    m_workspace = workspace;
    m_comparison.cancel();
}

void AbComparePanel::chooseFile()
{
    if (!m_workspace)
        return;
    const QString path = QFileDialog::getOpenFileName(this, tr("Policy B"), QString(),
                                                      tr("Policies (*.yaml *.yml)"));
    if (path.isEmpty())
        return;
    Loaded<Policy> policy = loadPolicyFile(path.toStdString());
    if (!policy.value) {
        m_status->setText(QString::fromStdString(policy.diagnostics.format()).trimmed());
        return;
    }
    compareWith(*policy.value, QFileInfo(path).fileName());
}

void AbComparePanel::compareWith(const Policy& policyB, const QString& labelB)
{
    if (!m_workspace)
        return;
    const Scenario& scenario = m_workspace->scenario();
    AbSide a{tr("in force"), scenario.policy, {}};
    AbSide b{labelB, policyB, {}};
    m_model->setHorizontalHeaderLabels(
        {tr("Metric"), QStringLiteral("A: ") + a.label, QStringLiteral("B: ") + b.label, tr("B − A")});
    m_model->removeRows(0, m_model->rowCount());
    m_progress->setValue(0);
    m_progress->setVisible(true);
    m_fileButton->setEnabled(false);
    m_status->setText(tr("Running both…"));
    m_comparison.start(scenario, std::move(a), std::move(b));
}

int AbComparePanel::resultRows() const { return m_model->rowCount(); }

QString AbComparePanel::resultText(int row, int column) const
{
    return m_model->data(m_model->index(row, column)).toString();
}

void AbComparePanel::showResult(const AbSide& a, const AbSide& b)
{
    m_progress->setVisible(false);
    m_fileButton->setEnabled(true);
    const EngineStats& sa = a.summary.stats;
    const EngineStats& sb = b.summary.stats;
    QList<Metric> metrics;
    for (TierId tier : kAllTiers) {
        const int t = tierIndex(tier);
        if (!a.summary.tierEnabled[t])
            continue;
        const QString name = QString::fromLatin1(tierName(tier).data(), qsizetype(tierName(tier).size()));
        metrics.append({name + tr(" hit rate"), sa.tiers[t].hitRate(), sb.tiers[t].hitRate(),
                        Better::Higher, true});
    }
    const LatencySummary la = summarizeMicros(sa.latency), lb = summarizeMicros(sb.latency);
    metrics.append({tr("latency p50 ms"), la.p50, lb.p50, Better::Lower, false});
    metrics.append({tr("latency p95 ms"), la.p95, lb.p95, Better::Lower, false});
    metrics.append({tr("latency p99 ms"), la.p99, lb.p99, Better::Lower, false});
    metrics.append({tr("origin fetches"), double(sa.requests.originFetches),
                    double(sb.requests.originFetches), Better::Lower, false});
    const double secondsA = std::max(1.0, double(sa.now) / double(kMicrosPerSecond));
    const double secondsB = std::max(1.0, double(sb.now) / double(kMicrosPerSecond));
    metrics.append({tr("origin fetches / s"), double(sa.requests.originFetches) / secondsA,
                    double(sb.requests.originFetches) / secondsB, Better::Lower, false});
    metrics.append({tr("coalesced"), double(sa.requests.coalesced), double(sb.requests.coalesced),
                    Better::Higher, false});
    metrics.append({tr("stale served"), double(sa.requests.staleServed),
                    double(sb.requests.staleServed), Better::Lower, false});
    metrics.append({tr("failed (503)"), double(sa.requests.failed), double(sb.requests.failed),
                    Better::Lower, false});

    m_model->removeRows(0, m_model->rowCount());
    for (const Metric& metric : metrics) {
        const double delta = metric.b - metric.a;
        auto* deltaItem = new QStandardItem((delta > 0 ? QStringLiteral("+") : QString()) +
                                            formatValue(delta, metric.percent));
        if (delta != 0) {
            const bool better = (delta > 0) == (metric.better == Better::Higher);
            deltaItem->setForeground(better ? QColor(0x2e, 0x9d, 0x4f) : QColor(0xd0, 0x3b, 0x3b));
        }
        for (QStandardItem* item : {deltaItem})
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        auto* itemA = new QStandardItem(formatValue(metric.a, metric.percent));
        auto* itemB = new QStandardItem(formatValue(metric.b, metric.percent));
        itemA->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        itemB->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_model->appendRow({new QStandardItem(metric.name), itemA, itemB, deltaItem});
    }
    m_table->resizeColumnsToContents();
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_status->setText(tr("%1 requests each, %2 s of virtual time")
                          .arg(QLocale().toString(qulonglong(a.summary.requests)))
                          .arg(secondsA, 0, 'f', 0));
    emit comparisonFinished();
}

} // namespace fallback::ui
