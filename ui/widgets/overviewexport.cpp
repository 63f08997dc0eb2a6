// The Overview's exports: the window on screen as a PNG, and its series as a
// CSV at one row per second.

#include "widgets/overviewpage.h"

#include "widgets/tiertext.h"

#include <QFile>
#include <QFileDialog>
#include <QMessageBox>
#include <QTextStream>

#include <cmath>

namespace fallback::ui {

namespace {

/// Columns of the CSV export, at one row per second.
const std::vector<std::pair<QString, Metric>>& csvColumns()
{
    static const std::vector<std::pair<QString, Metric>> columns = [] {
        std::vector<std::pair<QString, Metric>> out;
        for (TierId tier : kAllTiers)
            out.emplace_back(QStringLiteral("served_") + tierText(tier),
                             Metric::servedBy(servedByTier(tier)));
        out.emplace_back(QStringLiteral("failed"), Metric::servedBy(ServedBy::Failed));
        out.emplace_back(QStringLiteral("stale_served"), Metric::staleServed());
        out.emplace_back(QStringLiteral("requests"), Metric::requests());
        out.emplace_back(QStringLiteral("origin_fetches"), Metric::originFetches());
        out.emplace_back(QStringLiteral("coalesced"), Metric::coalesced());
        out.emplace_back(QStringLiteral("revalidations"), Metric::revalidations());
        for (TierId tier : kAllTiers) {
            out.emplace_back(tierText(tier) + QStringLiteral("_p50_ms"), Metric::tierP50(tier));
            out.emplace_back(tierText(tier) + QStringLiteral("_p99_ms"), Metric::tierP99(tier));
        }
        out.emplace_back(QStringLiteral("p50_ms"), Metric::p50());
        out.emplace_back(QStringLiteral("p99_ms"), Metric::p99());
        return out;
    }();
    return columns;
}

} // namespace

bool OverviewPage::exportPng(const QString& path)
{
    return grab().save(path, "PNG");
}

bool OverviewPage::exportCsv(const QString& path) const
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text))
        return false;
    QTextStream out(&file);
    out << "second";
    for (const auto& column : csvColumns())
        out << ',' << column.first;
    out << '\n';
    if (!m_history.isEmpty()) {
        const std::int64_t edge = edgeSecond();
        const SeriesHistory::Window window{edge - m_windowSeconds + 1, edge, m_windowSeconds, 0.0,
                                           1.0};
        std::vector<QList<QPointF>> values;
        values.reserve(csvColumns().size());
        for (const auto& column : csvColumns())
            values.push_back(m_history.extract(column.second, window));
        const qsizetype rows = values.empty() ? 0 : values.front().size();
        for (qsizetype r = 0; r < rows; ++r) {
            out << qint64(std::llround(values.front()[r].x()));
            for (const QList<QPointF>& column : values) {
                out << ',';
                const double y = column[r].y();
                if (!std::isnan(y))
                    out << QString::number(y, 'g', 10);
            }
            out << '\n';
        }
    }
    out.flush();
    return file.error() == QFileDevice::NoError;
}

void OverviewPage::exportPngInteractive()
{
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Export Overview as PNG"),
                                     QStringLiteral("overview.png"), tr("PNG images (*.png)"));
    if (!path.isEmpty() && !exportPng(path))
        QMessageBox::warning(this, tr("Export PNG"), tr("Could not write %1.").arg(path));
}

void OverviewPage::exportCsvInteractive()
{
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Export Overview as CSV"),
                                     QStringLiteral("overview.csv"), tr("CSV files (*.csv)"));
    if (!path.isEmpty() && !exportCsv(path))
        QMessageBox::warning(this, tr("Export CSV"), tr("Could not write %1.").arg(path));
}

} // namespace fallback::ui
