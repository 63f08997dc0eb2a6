#pragma once

#include <QList>
#include <QPointF>
#include <QString>
#include <QStringList>

#include <utility>
#include <vector>

namespace fallback::ui {

/// The arithmetic behind TimeChart, kept free of Qt Charts so that it
/// survives a change of chart library and is tested on its own. Pure
/// functions; any thread.

/// Bands of a stacked area: each band's upper edge is the running sum of
/// the bands up to it. An x where any band is NaN is "no data": every band
/// drops straight down to zero at the last x with data and rises straight
/// up at the next one (no slope into a zero that was never measured).
struct StackedBands {
    std::vector<QList<QPointF>> uppers;          ///< one per band, in stacking order
    std::vector<std::pair<double, double>> gaps; ///< x ranges without data, half a point wide either side
};
/// `bands`: each band's own values, sharing x values in the same order (a
/// shorter band counts as zero where it has none). A band that is not
/// `visible` adds nothing to the sum.
StackedBands stackBands(const std::vector<const QList<QPointF>*>& bands,
                        const std::vector<bool>& visible);
/// The outline of rectangles from 0 to `top` over `gaps`, for an area.
QList<QPointF> gapOutline(const std::vector<std::pair<double, double>>& gaps, double top);

/// The largest finite y, or 0.
double maxY(const QList<QPointF>& points);

/// A y axis maximum with round ticks for a largest value: steps of 1, 2 or
/// 5 times a power of ten. Returns (maximum, tick count).
std::pair<double, int> niceLinearRange(double largest);

/// A log10 y axis: from the decade of `floor` to a little above `largest`,
/// rounded up to a third of a decade so that noise does not move it.
struct LogRange {
    int lowDecade = -1;  ///< log10 of the bottom
    int highThirds = 0;  ///< 3 * log10 of the top
    double bottom() const { return lowDecade; }
    double top() const { return highThirds / 3.0; }
    bool operator==(const LogRange&) const = default;
};
LogRange logRange(double largest, double floor, double minimumMax);
/// y replaced by log10(max(y, floor)); NaN stays NaN (a gap), and so does
/// any other y that is not finite (never drawn at the floor or off the top).
QList<QPointF> log10Points(const QList<QPointF>& points, double floor);

/// The pieces of a line broken at its gaps: index ranges [begin, end) of
/// the runs of consecutive points whose x and y are both finite, in order,
/// leaving out runs shorter than `minLength` (a lone point between two gaps
/// makes no line). A chart library that does not break lines at NaN draws
/// each piece as its own line.
std::vector<std::pair<qsizetype, qsizetype>> finiteRuns(const QList<QPointF>& points,
                                                        qsizetype minLength = 2);

/// Writes `x,<names>...` and one row per x found in any column (ascending),
/// NaN or a missing value as an empty cell. False when the file cannot be
/// written.
bool writeColumnsCsv(const QString& path, const QString& xHeader, const QStringList& names,
                     const std::vector<const QList<QPointF>*>& columns);

} // namespace fallback::ui
