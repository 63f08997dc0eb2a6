#include "widgets/sparkline.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace fallback::ui {

Sparkline::Sparkline(QWidget* parent) : QWidget(parent), m_color(0x2f7ed8)
{
    setAttribute(Qt::WA_OpaquePaintEvent, false);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

void Sparkline::setValues(QList<double> values)
{
    m_values = std::move(values);
    update();
}

void Sparkline::setColor(const QColor& color)
{
    if (m_color == color)
        return;
    m_color = color;
    update();
}

void Sparkline::setRange(double min, double max)
{
    m_auto = false;
    m_min = min;
    m_max = max > min ? max : min + 1.0;
    update();
}

void Sparkline::setAutoRange(bool on, double minimumMax)
{
    m_auto = on;
    m_minimumMax = minimumMax > 0 ? minimumMax : 1.0;
    update();
}

QSize Sparkline::sizeHint() const
{
    return {160, 34};
}

QSize Sparkline::minimumSizeHint() const
{
    return {60, 24};
}

void Sparkline::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing, true);
    const QRectF area = QRectF(rect()).adjusted(1, 2, -1, -1);

    // Baseline, so an empty or all-gap sparkline still reads as a chart.
    QColor base = palette().color(QPalette::Mid);
    base.setAlpha(120);
    painter.setPen(QPen(base, 1));
    painter.drawLine(area.bottomLeft(), area.bottomRight());

    const qsizetype n = m_values.size();
    if (n < 2)
        return;
    double lo = m_min, hi = m_max;
    if (m_auto) {
        lo = 0.0;
        hi = m_minimumMax;
        for (double v : m_values) {
            if (v > hi)
                hi = v;
        }
    }
    const double span = hi - lo;
    const double dx = area.width() / double(n - 1);
    const auto yOf = [&](double v) {
        const double t = std::clamp((v - lo) / span, 0.0, 1.0);
        return area.bottom() - t * area.height();
    };

    // One path per run of finite values; each also filled down to the base.
    QColor fill = m_color;
    fill.setAlpha(50);
    const QPen pen(m_color, 1.0, Qt::SolidLine, Qt::FlatCap, Qt::BevelJoin);
    qsizetype i = 0;
    while (i < n) {
        while (i < n && !std::isfinite(m_values[i]))
            ++i;
        if (i >= n)
            break;
        const qsizetype start = i;
        QPainterPath line;
        line.moveTo(area.left() + dx * double(i), yOf(m_values[i]));
        for (++i; i < n && std::isfinite(m_values[i]); ++i)
            line.lineTo(area.left() + dx * double(i), yOf(m_values[i]));
        const double x0 = area.left() + dx * double(start);
        const double x1 = area.left() + dx * double(i - 1);
        QPainterPath below = line;
        below.lineTo(x1, area.bottom());
        below.lineTo(x0, area.bottom());
        below.closeSubpath();
        painter.fillPath(below, fill);
        painter.strokePath(line, pen);
        if (i - start == 1) // a lone value: a dot
            painter.fillRect(QRectF(x0 - 1.5, yOf(m_values[start]) - 1.5, 3, 3), m_color);
    }
}

} // namespace fallback::ui
