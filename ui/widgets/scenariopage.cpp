#include "widgets/scenariopage.h"

#include "util/units.h"
#include "widgets/abcomparepanel.h"
#include "widgets/clocktext.h"
#include "widgets/eventspanel.h"
#include "workspaces/localworkspace.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

namespace fallback::ui {

namespace {

QString qs(const std::string& text) { return QString::fromStdString(text); }
QString tierTitle(TierId tier)
{
    switch (tier) {
    case TierId::EdgeCache: return ScenarioPage::tr("Edge cache");
    case TierId::EdgeKv: return ScenarioPage::tr("Edge KV");
    case TierId::Origin: return ScenarioPage::tr("Origin");
    case TierId::ClientCache: return ScenarioPage::tr("Client cache");
    }
    return {};
}


QToolButton* makeToggle(const QString& text, const QString& tip, QWidget* parent)
{
    auto* button = new QToolButton(parent);
    button->setText(text);
    button->setToolTip(tip);
    button->setCheckable(true);
    button->setAutoRaise(false);
    return button;
}

} // namespace

const QList<double>& ScenarioPage::speeds()
{
    static const QList<double> values{1.0, 10.0, 100.0, 0.0};
    return values;
}

ScenarioPage::ScenarioPage(QWidget* parent) : QWidget(parent)
{
    auto* content = new QWidget;
    auto* layout = new QVBoxLayout(content);
    layout->addWidget(buildRunControls());
    auto* middle = new QHBoxLayout;
    middle->addWidget(buildWorkload(), 2);
    middle->addWidget(buildTiers(), 5);
    layout->addLayout(middle);
    auto* eventsBox = new QGroupBox(tr("Scheduled events"), content);
    m_events = new EventsPanel(eventsBox);
    (new QVBoxLayout(eventsBox))->addWidget(m_events);
    auto* compareBox = new QGroupBox(tr("A/B compare"), content);
    auto* compareLayout = new QVBoxLayout(compareBox);
    m_compare = new AbComparePanel(compareBox);
    compareLayout->addWidget(m_compare);
    compareBox->setMinimumHeight(220);
    auto* bottom = new QHBoxLayout;
    bottom->addWidget(eventsBox, 2);
    bottom->addWidget(compareBox, 3);
    layout->addLayout(bottom, 1);

    auto* scroll = new QScrollArea(this);
    scroll->setWidget(content);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(scroll);
    setEnabled(false);
}

QWidget* ScenarioPage::buildRunControls()
{
    auto* box = new QGroupBox(tr("Run"));
    auto* row = new QHBoxLayout(box);
    auto tool = [&](const QString& name, const QString& text, const QString& tip) {
        auto* button = new QToolButton(box);
        button->setObjectName(name);
        button->setText(text);
        button->setToolTip(tip);
        button->setToolButtonStyle(Qt::ToolButtonTextOnly);
        row->addWidget(button);
        return button;
    };
    m_play = tool(QStringLiteral("scenarioPlay"), tr("Play"), tr("Play / pause the simulation"));
    m_step = tool(QStringLiteral("scenarioStep"), tr("Step 1 s"), tr("Advance one virtual second"));
    m_reset = tool(QStringLiteral("scenarioReset"), tr("Reset"), tr("Start the scenario again"));
    m_complete = tool(QStringLiteral("scenarioComplete"), tr("Run to end"),
                      tr("Run to the end of the scenario as fast as possible"));
    row->addWidget(new QLabel(tr("Speed"), box));
    m_speed = new QComboBox(box);
    m_speed->setObjectName(QStringLiteral("scenarioSpeed"));
    for (double speed : speeds())
        m_speed->addItem(speed == 0.0 ? tr("Max") : QStringLiteral("%1×").arg(speed), speed);
    row->addWidget(m_speed);
    m_progress = new QProgressBar(box);
    m_progress->setObjectName(QStringLiteral("scenarioProgress"));
    m_progress->setRange(0, 1000);
    m_progress->setTextVisible(true);
    m_progress->setFormat(QStringLiteral("%p%"));
    row->addWidget(m_progress, 1);
    m_clock = new QLabel(formatVirtualClock(0, true), box);
    m_clock->setObjectName(QStringLiteral("scenarioClock"));
    m_clock->setToolTip(tr("Virtual time"));
    QFont mono = m_clock->font();
    mono.setFamily(QStringLiteral("monospace"));
    m_clock->setFont(mono);
    row->addWidget(m_clock);
    auto* open = tool(QStringLiteral("scenarioOpen"), tr("Open…"), tr("Open a scenario file"));
    auto* save = tool(QStringLiteral("scenarioSave"), tr("Save as…"), tr("Save this scenario as YAML"));
    m_message = new QLabel(box);
    m_message->setObjectName(QStringLiteral("scenarioMessage"));
    m_message->setWordWrap(true);

    connect(m_play, &QToolButton::clicked, this, [this] {
        if (m_workspace)
            m_workspace->togglePlay();
    });
    connect(m_step, &QToolButton::clicked, this, [this] {
        if (m_workspace)
            m_workspace->step();
    });
    connect(m_reset, &QToolButton::clicked, this, [this] {
        if (m_workspace)
            m_workspace->reset();
    });
    connect(m_complete, &QToolButton::clicked, this, [this] {
        if (m_workspace)
            m_workspace->runToCompletion();
    });
    connect(m_speed, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (m_workspace && index >= 0)
            m_workspace->setSpeed(m_speed->itemData(index).toDouble());
    });
    connect(open, &QToolButton::clicked, this, &ScenarioPage::openScenarioRequested);
    connect(save, &QToolButton::clicked, this, &ScenarioPage::saveScenarioRequested);

    auto* wrapper = new QWidget;
    auto* v = new QVBoxLayout(wrapper);
    v->setContentsMargins(0, 0, 0, 0);
    v->addWidget(box);
    v->addWidget(m_message);
    return wrapper;
}

QWidget* ScenarioPage::buildWorkload()
{
    auto* box = new QGroupBox(tr("Workload"));
    auto* form = new QFormLayout(box);
    m_workloadKind = new QLabel(box);
    m_workloadKind->setWordWrap(true);
    form->addRow(m_workloadKind);
    m_rate = new QDoubleSpinBox(box);
    m_rate->setObjectName(QStringLiteral("workloadRate"));
    m_rate->setRange(0.1, 1e7);
    m_rate->setDecimals(1);
    m_rate->setSuffix(QStringLiteral(" /s"));
    form->addRow(tr("Rate"), m_rate);
    m_keys = new QSpinBox(box);
    m_keys->setObjectName(QStringLiteral("workloadKeys"));
    m_keys->setRange(1, 100000000);
    form->addRow(tr("Keys"), m_keys);
    m_zipf = new QDoubleSpinBox(box);
    m_zipf->setObjectName(QStringLiteral("workloadZipf"));
    m_zipf->setRange(0.0, 5.0);
    m_zipf->setSingleStep(0.05);
    form->addRow(tr("Zipf exponent"), m_zipf);
    m_readRatio = new QDoubleSpinBox(box);
    m_readRatio->setObjectName(QStringLiteral("workloadReadRatio"));
    m_readRatio->setRange(0.0, 1.0);
    m_readRatio->setSingleStep(0.01);
    m_readRatio->setDecimals(3);
    form->addRow(tr("Read ratio"), m_readRatio);
    auto* sizes = new QHBoxLayout;
    m_sizeMin = new QLineEdit(box);
    m_sizeMin->setObjectName(QStringLiteral("workloadSizeMin"));
    m_sizeMax = new QLineEdit(box);
    m_sizeMax->setObjectName(QStringLiteral("workloadSizeMax"));
    sizes->addWidget(m_sizeMin);
    sizes->addWidget(new QLabel(QStringLiteral("–"), box));
    sizes->addWidget(m_sizeMax);
    form->addRow(tr("Object size"), sizes);
    m_mix = new QLineEdit(box);
    m_mix->setObjectName(QStringLiteral("workloadMix"));
    m_mix->setPlaceholderText(QStringLiteral("product: 0.7, config: 0.3"));
    form->addRow(tr("Namespaces"), m_mix);
    m_applyWorkload = new QPushButton(tr("Apply and restart"), box);
    m_applyWorkload->setObjectName(QStringLiteral("workloadApply"));
    m_applyWorkload->setToolTip(tr("A new workload or enabled tiers start the run again"));
    form->addRow(m_applyWorkload);
    connect(m_applyWorkload, &QPushButton::clicked, this, &ScenarioPage::applyWorkload);
    return box;
}

QWidget* ScenarioPage::buildTiers()
{
    auto* box = new QGroupBox(tr("Tiers"));
    auto* grid = new QGridLayout(box);
    const QStringList headers{tr("Tier"),    tr("On"),       tr("Capacity"), tr("p50"),
                              tr("p99"),     tr("Failure %"), tr("Faults")};
    for (int c = 0; c < headers.size(); ++c) {
        auto* label = new QLabel(QStringLiteral("<b>%1</b>").arg(headers[c]), box);
        grid->addWidget(label, 0, c);
    }
    for (TierId tier : kAllTiers) {
        const int r = tierIndex(tier) + 1;
        const QString prefix = QString::fromLatin1(tierName(tier).data(), qsizetype(tierName(tier).size()));
        TierRow& row = m_tiers[tierIndex(tier)];
        grid->addWidget(new QLabel(tierTitle(tier), box), r, 0);
        row.enabled = new QCheckBox(box);
        row.enabled->setObjectName(prefix + QStringLiteral("_enabled"));
        row.enabled->setToolTip(tr("Enabled tiers are on the read path; a change restarts the run"));
        grid->addWidget(row.enabled, r, 1);
        row.capacity = new QLineEdit(box);
        row.capacity->setObjectName(prefix + QStringLiteral("_capacity"));
        row.capacity->setPlaceholderText(tr("unbounded"));
        row.capacity->setToolTip(tr("Entries (10000) or bytes (64MiB); empty = unbounded"));
        grid->addWidget(row.capacity, r, 2);
        row.p50 = new QLineEdit(box);
        row.p50->setObjectName(prefix + QStringLiteral("_p50"));
        grid->addWidget(row.p50, r, 3);
        row.p99 = new QLineEdit(box);
        row.p99->setObjectName(prefix + QStringLiteral("_p99"));
        grid->addWidget(row.p99, r, 4);
        row.failureRate = new QDoubleSpinBox(box);
        row.failureRate->setObjectName(prefix + QStringLiteral("_failure"));
        row.failureRate->setRange(0.0, 100.0);
        row.failureRate->setDecimals(2);
        row.failureRate->setSuffix(QStringLiteral(" %"));
        grid->addWidget(row.failureRate, r, 5);
        auto* faults = new QHBoxLayout;
        row.down = makeToggle(tr("Down"), tr("The tier answers nothing (keeps its contents)"), box);
        row.down->setObjectName(prefix + QStringLiteral("_down"));
        row.slow = makeToggle(tr("Slow ×10"), tr("Latency ten times higher"), box);
        row.slow->setObjectName(prefix + QStringLiteral("_slow"));
        row.flaky = makeToggle(tr("Flaky 20%"), tr("One call in five fails"), box);
        row.flaky->setObjectName(prefix + QStringLiteral("_flaky"));
        faults->addWidget(row.down);
        faults->addWidget(row.slow);
        faults->addWidget(row.flaky);
        grid->addLayout(faults, r, 6);

        for (QLineEdit* edit : {row.capacity, row.p50, row.p99})
            connect(edit, &QLineEdit::editingFinished, this, [this, tier] { applyTierLive(tier); });
        connect(row.failureRate, &QDoubleSpinBox::editingFinished, this,
                [this, tier] { applyTierLive(tier); });
        for (QToolButton* toggle : {row.down, row.slow, row.flaky})
            connect(toggle, &QToolButton::toggled, this, [this, tier] { applyFaults(tier); });
    }
    grid->setColumnStretch(2, 1);
    grid->setColumnStretch(3, 1);
    grid->setColumnStretch(4, 1);
    grid->setRowStretch(kTierCount + 1, 1); // rows stay together at the top
    return box;
}

void ScenarioPage::setWorkspace(LocalWorkspace* workspace)
{
    if (m_workspace)
        disconnect(m_workspace, nullptr, this, nullptr);
    m_workspace = workspace;
    m_compare->setWorkspace(workspace);
    setEnabled(workspace != nullptr);
    if (!workspace)
        return;
    loadFromScenario();
    connect(workspace, &Workspace::stateChanged, this, &ScenarioPage::updateRunState);
    connect(workspace, &Workspace::snapshotUpdated, this, &ScenarioPage::updateFromSnapshot);
    connect(workspace, &LocalWorkspace::runFailed, this,
            [this](const QString& message) { showMessage(message, true); });
    const int speedIndex = speeds().indexOf(workspace->speed());
    m_speed->setCurrentIndex(std::max(0, speedIndex));
    updateRunState();
    updateFromSnapshot(workspace->snapshot());
}

void ScenarioPage::loadFromScenario()
{
    const Scenario& scenario = m_workspace->scenario();
    m_events->setEvents(scenario.events);
    const bool synthetic = scenario.synthetic.has_value();
    m_workloadKind->setText(synthetic ? tr("Synthetic: Poisson arrivals, Zipf popularity.")
                                      : tr("Trace replay: %1").arg(qs(scenario.tracePath)));
    for (QWidget* w : std::initializer_list<QWidget*>{m_rate, m_keys, m_zipf, m_readRatio,
                                                      m_sizeMin, m_sizeMax, m_mix})
        w->setEnabled(synthetic);
    if (synthetic) {
        const SyntheticWorkload& w = *scenario.synthetic;
        m_rate->setValue(w.rate);
        m_keys->setValue(int(std::min<std::uint64_t>(w.keys, 100000000)));
        m_zipf->setValue(w.zipf);
        m_readRatio->setValue(w.readRatio);
        m_sizeMin->setText(qs(formatSize(w.objectSize.min)));
        m_sizeMax->setText(qs(formatSize(w.objectSize.max)));
        QStringList mix;
        for (const auto& [name, weight] : w.namespaces)
            mix << QStringLiteral("%1: %2").arg(qs(name)).arg(weight);
        m_mix->setText(mix.join(QStringLiteral(", ")));
        m_mix->setToolTip(m_mix->text());
        m_mix->setCursorPosition(0);
    }
    for (TierId tier : kAllTiers) {
        const TierSpec& spec = scenario.tiers[tierIndex(tier)];
        TierRow& row = m_tiers[tierIndex(tier)];
        const QSignalBlocker b1(row.enabled), b2(row.failureRate), b3(row.down), b4(row.slow),
            b5(row.flaky);
        row.enabled->setChecked(spec.enabled);
        row.capacity->setText(spec.capacity.entries ? QString::number(spec.capacity.entries)
                              : spec.capacity.bytes ? qs(formatSize(spec.capacity.bytes))
                                                    : QString());
        row.capacity->setEnabled(tier != TierId::Origin);
        row.p50->setText(qs(formatDuration(spec.latency.p50)));
        row.p99->setText(qs(formatDuration(spec.latency.p99)));
        row.failureRate->setValue(spec.failureRate * 100.0);
        const FaultState faults = m_workspace->faults(tier);
        row.down->setChecked(faults.down);
        row.slow->setChecked(faults.slowFactor != 1.0);
        row.flaky->setChecked(faults.flakyRate > 0);
    }
}

void ScenarioPage::updateRunState()
{
    if (!m_workspace)
        return;
    const Workspace::State state = m_workspace->state();
    m_play->setText(state == Workspace::State::Running ? tr("Pause") : tr("Play"));
    m_play->setEnabled(state != Workspace::State::Finished && state != Workspace::State::Failed);
    m_complete->setEnabled(m_play->isEnabled());
    m_step->setEnabled(m_play->isEnabled());
    if (state == Workspace::State::Failed)
        showMessage(m_workspace->lastError(), true);
    else if (state == Workspace::State::Finished)
        showMessage(tr("The run reached its end. Reset to run it again."), false);
}

void ScenarioPage::updateFromSnapshot(const SnapshotPtr& snapshot)
{
    if (!snapshot)
        return;
    m_progress->setValue(int(snapshot->progress * 1000));
    m_events->setNow(snapshot->now);
    m_clock->setText(formatVirtualClock(snapshot->now, true));
}

void ScenarioPage::showMessage(const QString& text, bool error)
{
    m_message->setText(text);
    m_message->setStyleSheet(error ? QStringLiteral("color: #d03b3b;") : QString());
}

bool ScenarioPage::readTier(TierId tier, TierSpec& spec, QString& error) const
{
    const TierRow& row = m_tiers[tierIndex(tier)];
    spec = m_workspace->scenario().tiers[tierIndex(tier)];
    spec.enabled = row.enabled->isChecked();
    const QString capacity = row.capacity->text().trimmed();
    spec.capacity = Capacity{};
    if (!capacity.isEmpty()) {
        bool isCount = false;
        const qulonglong entries = capacity.toULongLong(&isCount);
        if (isCount) {
            spec.capacity.entries = entries;
        } else if (auto bytes = parseSize(capacity.toStdString())) {
            spec.capacity.bytes = *bytes;
        } else {
            error = tr("%1 capacity '%2' is neither an entry count nor a size like 64MiB")
                        .arg(tierTitle(tier), capacity);
            return false;
        }
    }
    const auto p50 = parseDuration(row.p50->text().trimmed().toStdString());
    const auto p99 = parseDuration(row.p99->text().trimmed().toStdString());
    if (!p50 || !p99) {
        error = tr("%1 latency must be durations like 2ms or 0.5s").arg(tierTitle(tier));
        return false;
    }
    if (*p99 < *p50) {
        error = tr("%1 latency p99 (%2) is below p50 (%3)")
                    .arg(tierTitle(tier), row.p99->text(), row.p50->text());
        return false;
    }
    spec.latency = LatencySpec{*p50, *p99};
    spec.failureRate = row.failureRate->value() / 100.0;
    return true;
}

void ScenarioPage::applyTierLive(TierId tier)
{
    if (!m_workspace)
        return;
    TierSpec spec;
    QString error;
    if (!readTier(tier, spec, error)) {
        showMessage(error, true);
        return;
    }
    spec.enabled = m_workspace->scenario().tiers[tierIndex(tier)].enabled; // needs a restart
    if (spec == m_workspace->scenario().tiers[tierIndex(tier)])
        return;
    m_workspace->setTierSpec(tier, spec);
    showMessage(tr("%1 updated in the running simulation.").arg(tierTitle(tier)), false);
}

void ScenarioPage::applyFaults(TierId tier)
{
    if (!m_workspace)
        return;
    const TierRow& row = m_tiers[tierIndex(tier)];
    FaultState faults;
    faults.down = row.down->isChecked();
    faults.slowFactor = row.slow->isChecked() ? 10.0 : 1.0;
    faults.flakyRate = row.flaky->isChecked() ? 0.2 : 0.0;
    m_workspace->setFaults(tier, faults);
}

void ScenarioPage::applyWorkload()
{
    if (!m_workspace)
        return;
    Scenario scenario = m_workspace->scenario();
    for (TierId tier : kAllTiers) {
        QString error;
        if (!readTier(tier, scenario.tiers[tierIndex(tier)], error)) {
            showMessage(error, true);
            return;
        }
    }
    if (scenario.synthetic) {
        SyntheticWorkload& w = *scenario.synthetic;
        w.rate = m_rate->value();
        w.keys = std::uint64_t(m_keys->value());
        w.zipf = m_zipf->value();
        w.readRatio = m_readRatio->value();
        const auto min = parseSize(m_sizeMin->text().trimmed().toStdString());
        const auto max = parseSize(m_sizeMax->text().trimmed().toStdString());
        if (!min || !max || *min > *max || *min == 0) {
            showMessage(tr("Object sizes must be sizes like 1KiB with min ≤ max"), true);
            return;
        }
        w.objectSize = SizeRange{*min, *max};
        std::vector<std::pair<std::string, double>> mix;
        for (const QString& part : m_mix->text().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            const QStringList pair = part.split(QLatin1Char(':'));
            bool ok = false;
            const double weight = pair.size() == 2 ? pair[1].trimmed().toDouble(&ok) : 0.0;
            const std::string name = pair.value(0).trimmed().toStdString();
            if (!ok || weight <= 0 || !scenario.policy.find(name)) {
                showMessage(tr("Namespace mix '%1': expected name: weight with a namespace of "
                               "the policy and a weight above 0")
                                .arg(part.trimmed()),
                            true);
                return;
            }
            mix.emplace_back(name, weight);
        }
        if (mix.empty()) {
            showMessage(tr("The namespace mix needs at least one namespace"), true);
            return;
        }
        w.namespaces = std::move(mix);
    }
    m_workspace->setScenario(scenario);
    loadFromScenario(); // faults were cleared with the restart
    showMessage(tr("Workload and tiers applied; the run started again."), false);
}

} // namespace fallback::ui
