#pragma once

#include "sim/scenario.h"
#include "sim/workload.h"

#include <vector>

namespace fallback {

/// Simulated call latency: a log-normal fitted to p50 and p99
/// (mu = ln p50, sigma = ln(p99 / p50) / z(0.99)). Equal percentiles give a
/// constant. Sampling is one random draw and a table look-up (4096
/// quantiles, interpolated), so its tail ends near the 99.99th percentile.
class LatencyModel {
public:
    explicit LatencyModel(LatencySpec spec = {});

    Micros sample(Random& random) const
    {
        if (m_table.empty())
            return m_constant;
        const double position = random.uniform() * double(m_table.size() - 1);
        const auto index = static_cast<std::size_t>(position);
        const double fraction = position - double(index);
        return static_cast<Micros>(m_table[index] + (m_table[index + 1] - m_table[index]) * float(fraction));
    }
    const LatencySpec& spec() const { return m_spec; }

    /// Inverse of the standard normal CDF (Acklam's rational approximation,
    /// relative error below 1.2e-9), for p in (0, 1).
    static double normalQuantile(double p);

private:
    LatencySpec m_spec;
    Micros m_constant = 0;
    std::vector<float> m_table; ///< microseconds; float halves its cache footprint
};

} // namespace fallback
