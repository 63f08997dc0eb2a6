#pragma once

#include <QColor>
#include <QList>
#include <QWidget>

namespace fallback::ui {

/// A small custom-painted line of recent values (one per second, oldest
/// first), filled lightly below. NaN values leave a gap. The y range is
/// fixed with setRange() (a rate in [0, 1]) or follows the values when
/// autoRange is on (counts). Painting walks at most one value per pixel.
/// GUI thread only.
class Sparkline : public QWidget {
    Q_OBJECT

public:
    explicit Sparkline(QWidget* parent = nullptr);

    void setValues(QList<double> values);
    const QList<double>& values() const { return m_values; }
    void setColor(const QColor& color);
    /// Fixed y range; turns autoRange off.
    void setRange(double min, double max);
    /// y from 0 to the largest value (at least `minimumMax`).
    void setAutoRange(bool on, double minimumMax = 1.0);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QList<double> m_values;
    QColor m_color;
    double m_min = 0.0, m_max = 1.0;
    bool m_auto = false;
    double m_minimumMax = 1.0;
};

} // namespace fallback::ui
