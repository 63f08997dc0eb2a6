#include "charts/chartmath.h"

#include <QFile>
#include <QTextStream>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace fallback::ui {

StackedBands stackBands(const std::vector<const QList<QPointF>*>& bands,
                        const std::vector<bool>& visible)
{
    StackedBands out;
    qsizetype count = 0;
    const QList<QPointF>* xs = nullptr;
    for (const QList<QPointF>* band : bands) {
        if (band->size() > count) {
            count = band->size();
            xs = band;
        }
    }
    std::vector<bool> gap(std::size_t(count), false);
    for (const QList<QPointF>* band : bands) {
        for (qsizetype i = 0; i < band->size(); ++i) {
            if (std::isnan((*band)[i].y()))
                gap[std::size_t(i)] = true;
        }
    }
    std::vector<double> running(std::size_t(count), 0.0);
    for (std::size_t b = 0; b < bands.size(); ++b) {
        const QList<QPointF>& values = *bands[b];
        QList<QPointF> upper;
        upper.reserve(count + 2);
        for (qsizetype i = 0; i < count; ++i) {
            if (!gap[std::size_t(i)]) {
                if (i < values.size() && (b >= visible.size() || visible[b]))
                    running[std::size_t(i)] += values[i].y();
                upper.append(QPointF((*xs)[i].x(), running[std::size_t(i)]));
                continue;
            }
            qsizetype j = i;
            while (j + 1 < count && gap[std::size_t(j + 1)])
                ++j;
            upper.append(QPointF((*xs)[i > 0 ? i - 1 : i].x(), 0.0));
            upper.append(QPointF((*xs)[j + 1 < count ? j + 1 : j].x(), 0.0));
            i = j;
        }
        out.uppers.push_back(std::move(upper));
    }
    const double half = count > 1 ? ((*xs)[1].x() - (*xs)[0].x()) / 2.0 : 0.5;
    for (qsizetype i = 0; i < count; ++i) {
        if (!gap[std::size_t(i)])
            continue;
        qsizetype j = i;
        while (j + 1 < count && gap[std::size_t(j + 1)])
            ++j;
        out.gaps.emplace_back((*xs)[i].x() - half, (*xs)[j].x() + half);
        i = j;
    }
    return out;
}

QList<QPointF> gapOutline(const std::vector<std::pair<double, double>>& gaps, double top)
{
    QList<QPointF> outline;
    outline.reserve(qsizetype(gaps.size() * 4));
    for (const auto& [a, b] : gaps)
        outline << QPointF(a, 0) << QPointF(a, top) << QPointF(b, top) << QPointF(b, 0);
    return outline;
}

double maxY(const QList<QPointF>& points)
{
    double top = 0.0;
    for (const QPointF& p : points) {
        if (p.y() > top) // false for NaN
            top = p.y();
    }
    return top;
}

std::pair<double, int> niceLinearRange(double largest)
{
    if (!(largest > 0) || !std::isfinite(largest))
        return {1.0, 5};
    const double raw = largest / 5.0;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    const double norm = raw / magnitude;
    const double step =
        (norm <= 1.0 ? 1.0 : norm <= 2.0 ? 2.0 : norm <= 5.0 ? 5.0 : 10.0) * magnitude;
    const int steps = std::max(1, int(std::ceil(largest / step - 1e-9)));
    return {steps * step, steps + 1};
}

LogRange logRange(double largest, double floor, double minimumMax)
{
    floor = floor > 0 ? floor : 0.1;
    LogRange range;
    range.lowDecade = int(std::floor(std::log10(floor)));
    const double top = std::max(largest * 1.2, std::max(minimumMax, floor * 10));
    range.highThirds =
        std::max(3 * (range.lowDecade + 1), int(std::ceil(3.0 * std::log10(top) - 1e-9)));
    return range;
}

QList<QPointF> log10Points(const QList<QPointF>& points, double floor)
{
    QList<QPointF> out;
    out.reserve(points.size());
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    for (const QPointF& p : points)
        out.append(QPointF(p.x(), std::isfinite(p.y()) ? std::log10(std::max(p.y(), floor)) : nan));
    return out;
}

std::vector<std::pair<qsizetype, qsizetype>> finiteRuns(const QList<QPointF>& points,
                                                        qsizetype minLength)
{
    std::vector<std::pair<qsizetype, qsizetype>> runs;
    const qsizetype count = points.size();
    qsizetype i = 0;
    while (i < count) {
        while (i < count && !(std::isfinite(points[i].x()) && std::isfinite(points[i].y())))
            ++i;
        const qsizetype begin = i;
        while (i < count && std::isfinite(points[i].x()) && std::isfinite(points[i].y()))
            ++i;
        if (i > begin && i - begin >= minLength)
            runs.emplace_back(begin, i);
    }
    return runs;
}

bool writeColumnsCsv(const QString& path, const QString& xHeader, const QStringList& names,
                     const std::vector<const QList<QPointF>*>& columns)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text))
        return false;
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    std::map<double, std::vector<double>> rows;
    for (std::size_t c = 0; c < columns.size(); ++c) {
        for (const QPointF& p : *columns[c]) {
            auto it = rows.find(p.x());
            if (it == rows.end())
                it = rows.emplace(p.x(), std::vector<double>(columns.size(), nan)).first;
            it->second[c] = p.y();
        }
    }
    QTextStream out(&file);
    out << xHeader;
    for (const QString& name : names)
        out << ',' << name;
    out << '\n';
    for (const auto& [x, values] : rows) {
        out << QString::number(x, 'g', 12);
        for (double v : values) {
            out << ',';
            if (!std::isnan(v))
                out << QString::number(v, 'g', 10);
        }
        out << '\n';
    }
    out.flush();
    return file.error() == QFileDevice::NoError;
}

} // namespace fallback::ui
