#include "sim/workload.h"

#include <algorithm>
#include <cmath>

namespace fallback {

Random::Random(std::uint64_t seed)
{
    // SplitMix64 expands the seed into the four words of state.
    std::uint64_t x = seed;
    for (auto& word : m_s) {
        x += 0x9E3779B97F4A7C15ULL;
        std::uint64_t z = x;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        word = z ^ (z >> 31);
    }
}

ZipfSampler::ZipfSampler(std::uint64_t n, double exponent)
{
    if (n == 0)
        n = 1;
    std::vector<double> weights(n);
    double total = 0;
    for (std::uint64_t k = 0; k < n; ++k) {
        weights[k] = 1.0 / std::pow(static_cast<double>(k + 1), exponent);
        total += weights[k];
    }
    // Vose's alias method: split columns into those below and above the mean.
    m_probability.assign(n, 0.0);
    m_alias.assign(n, 0);
    std::vector<std::uint32_t> small, large;
    small.reserve(n);
    large.reserve(n);
    for (std::uint64_t k = 0; k < n; ++k) {
        weights[k] = weights[k] * static_cast<double>(n) / total;
        (weights[k] < 1.0 ? small : large).push_back(static_cast<std::uint32_t>(k));
    }
    while (!small.empty() && !large.empty()) {
        const std::uint32_t s = small.back();
        small.pop_back();
        const std::uint32_t l = large.back();
        m_probability[s] = weights[s];
        m_alias[s] = l;
        weights[l] = (weights[l] + weights[s]) - 1.0;
        if (weights[l] < 1.0) {
            large.pop_back();
            small.push_back(l);
        }
    }
    for (std::uint32_t k : large)
        m_probability[k] = 1.0, m_alias[k] = k;
    for (std::uint32_t k : small) // rounding leftovers
        m_probability[k] = 1.0, m_alias[k] = k;
}

WeightedChoice::WeightedChoice(std::vector<double> weights)
{
    double total = 0;
    for (double w : weights)
        total += std::max(0.0, w);
    double running = 0;
    for (double w : weights) {
        running += total > 0 ? std::max(0.0, w) / total : 1.0 / double(weights.size());
        m_cumulative.push_back(running);
    }
    if (!m_cumulative.empty())
        m_cumulative.back() = 1.0;
}

std::size_t WeightedChoice::sample(Random& random) const
{
    const double u = random.uniform();
    const auto it = std::upper_bound(m_cumulative.begin(), m_cumulative.end(), u);
    return std::min<std::size_t>(static_cast<std::size_t>(it - m_cumulative.begin()),
                                 m_cumulative.size() - 1);
}

} // namespace fallback
