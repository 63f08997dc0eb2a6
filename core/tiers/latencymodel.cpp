#include "tiers/latencymodel.h"

#include <algorithm>
#include <cmath>

namespace fallback {

namespace {
constexpr std::size_t kQuantiles = 4096;
constexpr double kZ99 = 2.3263478740408408; // normalQuantile(0.99)
} // namespace

LatencyModel::LatencyModel(LatencySpec spec) : m_spec(spec)
{
    const Micros p50 = std::max<Micros>(spec.p50, 0);
    const Micros p99 = std::max(spec.p99, p50);
    if (p99 == p50) {
        m_constant = p50;
        return;
    }
    // A median of zero has no log-normal: treat it as one microsecond.
    const double mu = std::log(double(std::max<Micros>(p50, 1)));
    const double sigma = (std::log(double(p99)) - mu) / kZ99;
    m_table.resize(kQuantiles);
    for (std::size_t i = 0; i < kQuantiles; ++i) {
        const double p = (double(i) + 0.5) / double(kQuantiles);
        m_table[i] = float(std::exp(mu + sigma * normalQuantile(p)));
    }
}

double LatencyModel::normalQuantile(double p)
{
    static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                   -2.759285104469687e+02, 1.383577518672690e+02,
                                   -3.066479806614716e+01, 2.506628277459239e+00};
    static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                   -1.556989798598866e+02, 6.680131188771972e+01,
                                   -1.328068155288572e+01};
    static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                   -2.400758277161838e+00, -2.549732539343734e+00,
                                   4.374664141464968e+00,  2.938163982698783e+00};
    static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                                   2.445134137142996e+00, 3.754408661907416e+00};
    constexpr double low = 0.02425, high = 1 - low;
    if (p <= 0)
        return -HUGE_VAL;
    if (p >= 1)
        return HUGE_VAL;
    if (p < low) {
        const double q = std::sqrt(-2 * std::log(p));
        return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
               ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    if (p <= high) {
        const double q = p - 0.5, r = q * q;
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
               (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }
    const double q = std::sqrt(-2 * std::log(1 - p));
    return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
}

} // namespace fallback
