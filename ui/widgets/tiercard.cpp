#include "widgets/tiercard.h"

#include "charts/chartcolors.h"
#include "widgets/sparkline.h"

#include <QEvent>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QVBoxLayout>

#include <cmath>

namespace fallback::ui {

namespace {

const QString kDash = QStringLiteral("\u2014");

QString percentText(std::uint64_t part, std::uint64_t whole)
{
    if (whole == 0)
        return kDash;
    return QStringLiteral("%1 %").arg(100.0 * double(part) / double(whole), 0, 'f', 1);
}

QString millisText(double ms, bool any)
{
    if (!any)
        return kDash;
    const int decimals = ms < 10 ? 2 : ms < 100 ? 1 : 0;
    return QStringLiteral("%1 ms").arg(ms, 0, 'f', decimals);
}

QString faultText(const FaultState& faults)
{
    QStringList parts;
    if (faults.down)
        parts << TierCard::tr("down");
    if (faults.slowFactor != 1.0)
        parts << TierCard::tr("slow \u00d7%1").arg(faults.slowFactor, 0, 'g', 3);
    if (faults.flakyRate > 0.0)
        parts << TierCard::tr("flaky %1 %").arg(faults.flakyRate * 100.0, 0, 'g', 3);
    return parts.join(QStringLiteral(", "));
}

QLabel* mutedLabel(const QString& text, QWidget* parent)
{
    auto* label = new QLabel(text, parent);
    label->setForegroundRole(QPalette::PlaceholderText);
    return label;
}

} // namespace

TierCard::TierCard(TierId tier, QWidget* parent) : QFrame(parent), m_tier(tier)
{
    setObjectName(QStringLiteral("tierCard"));
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    const bool origin = tier == TierId::Origin;
    const bool lastResort = tier == TierId::ClientCache;

    m_name = new QLabel(QString::fromUtf8(tierName(tier).data(), qsizetype(tierName(tier).size())),
                        this);
    QFont bold = m_name->font();
    bold.setBold(true);
    m_name->setFont(bold);
    m_statusLabel = new QLabel(this);
    m_statusLabel->setAlignment(Qt::AlignRight | Qt::AlignVCenter);

    m_hitRate = new QLabel(kDash, this);
    QFont big = m_hitRate->font();
    big.setPointSizeF(big.pointSizeF() * 2.0);
    big.setBold(true);
    m_hitRate->setFont(big);
    m_hitCaption = mutedLabel(origin       ? tr("answered, since start")
                              : lastResort ? tr("served, since start")
                                           : tr("hit rate, since start"),
                              this);
    if (lastResort) {
        // Every copy it serves is marked stale (SPEC §3), so its fresh-hit
        // rate is always zero: the headline is what it saved.
        const QString why = tr("The client cache is asked only when no other tier could answer; "
                               "each copy it serves is last-known-good, counted as stale.");
        m_hitRate->setToolTip(why);
        m_hitCaption->setToolTip(why);
    }

    m_p50 = new QLabel(kDash, this);
    m_p99 = new QLabel(kDash, this);
    m_errors = new QLabel(kDash, this);
    m_stale = new QLabel(kDash, this);
    m_entries = new QLabel(kDash, this);

    m_sparkline = new Sparkline(this);
    if (origin)
        m_sparkline->setAutoRange(true, 1.0);
    else
        m_sparkline->setRange(0.0, 1.0);
    m_trendCaption = mutedLabel(origin       ? tr("lookups/s, last 2 min")
                                : lastResort ? tr("served share, last 2 min")
                                             : tr("hit rate, last 2 min"),
                                this);
    QFont small = m_trendCaption->font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    m_trendCaption->setFont(small);
    m_hitCaption->setFont(small);

    auto* header = new QHBoxLayout;
    header->addWidget(m_name);
    header->addStretch(1);
    header->addWidget(m_statusLabel);

    auto* big_ = new QVBoxLayout;
    big_->setSpacing(0);
    big_->addWidget(m_hitRate);
    big_->addWidget(m_hitCaption);
    big_->addStretch(1);

    auto* grid = new QGridLayout;
    grid->setHorizontalSpacing(8);
    grid->setVerticalSpacing(1);
    const QList<QPair<QString, QLabel*>> rows{{tr("p50"), m_p50},
                                              {tr("p99"), m_p99},
                                              {tr("errors"), m_errors},
                                              {tr("stale"), m_stale},
                                              {tr("entries"), m_entries}};
    for (int r = 0; r < rows.size(); ++r) {
        QLabel* name = mutedLabel(rows[r].first, this);
        name->setFont(small);
        rows[r].second->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
        grid->addWidget(name, r, 0);
        grid->addWidget(rows[r].second, r, 1);
    }
    m_entries->setToolTip(origin ? tr("The origin holds no cached entries") : QString());

    auto* middle = new QHBoxLayout;
    middle->addLayout(big_, 1);
    middle->addLayout(grid);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 8, 10, 6);
    layout->setSpacing(4);
    layout->addLayout(header);
    layout->addLayout(middle);
    layout->addWidget(m_sparkline);
    layout->addWidget(m_trendCaption);

    setStatus(Status::NoData, tr("no data"));
    applyStyle();
}

void TierCard::setView(const TierView& view)
{
    const TierCounters& c = view.counters;
    if (!view.enabled) {
        setStatus(Status::Disabled, tr("off the path"));
    } else {
        const QString faults = faultText(view.faults);
        if (!faults.isEmpty())
            setStatus(Status::Fault, faults);
        else
            setStatus(Status::Healthy, c.lookups ? tr("healthy") : tr("idle"));
    }
    const bool any = c.lookups > 0;
    const std::uint64_t headline = m_tier == TierId::ClientCache ? c.hits + c.staleHits : c.hits;
    m_hitRate->setText(percentText(headline, c.lookups));
    m_p50->setText(millisText(view.latency.p50, any));
    m_p99->setText(millisText(view.latency.p99, any));
    m_errors->setText(percentText(c.errors, c.lookups));
    m_stale->setText(percentText(c.staleHits, c.lookups));
    m_entries->setText(m_tier == TierId::Origin || !view.usageKnown
                           ? kDash
                           : QLocale().toString(qulonglong(view.usage.entries)));
}

void TierCard::setTrend(QList<double> values)
{
    m_sparkline->setValues(std::move(values));
}

void TierCard::clear()
{
    for (QLabel* label : {m_hitRate, m_p50, m_p99, m_errors, m_stale, m_entries})
        label->setText(kDash);
    m_sparkline->setValues({});
    setStatus(Status::NoData, tr("no data"));
}

QString TierCard::statusText() const
{
    return m_statusLabel->text();
}

QString TierCard::hitRateText() const
{
    return m_hitRate->text();
}

void TierCard::setStatus(Status status, const QString& text)
{
    m_statusLabel->setText(text);
    if (m_status == status)
        return;
    m_status = status;
    applyStyle();
}

void TierCard::changeEvent(QEvent* event)
{
    QFrame::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        applyStyle();
}

void TierCard::applyStyle()
{
    const bool dark = isDarkPalette(palette());
    QColor stripe;
    switch (m_status) {
    case Status::NoData:
    case Status::Disabled: stripe = disabledColor(dark); break;
    case Status::Healthy: stripe = healthyColor(dark); break;
    case Status::Fault: stripe = faultColor(dark); break;
    }
    const QColor border = palette().color(QPalette::Mid);
    // Only the card itself matches `#tierCard`: the labels keep the palette.
    const QString sheet =
        QStringLiteral("#tierCard { background: %1; border: 1px solid %2;"
                       " border-left: 5px solid %3; border-radius: 4px; }")
            .arg(palette().color(QPalette::Base).name(), border.name(), stripe.name());
    if (styleSheet() != sheet) // re-polishing can itself change the palette
        setStyleSheet(sheet);
    QPalette statusPalette = m_statusLabel->palette();
    statusPalette.setColor(QPalette::WindowText,
                           m_status == Status::Fault ? faultColor(dark).darker(dark ? 100 : 130)
                                                     : palette().color(QPalette::PlaceholderText));
    m_statusLabel->setPalette(statusPalette);
    const bool off = m_status == Status::Disabled;
    m_sparkline->setColor(off ? disabledColor(dark) : tierColor(m_tier, dark));
    m_hitRate->setEnabled(!off);
}

} // namespace fallback::ui
