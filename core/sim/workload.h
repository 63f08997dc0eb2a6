#pragma once

#include <cstdint>
#include <vector>

namespace fallback {

__extension__ using Uint128 = unsigned __int128;

/// xoshiro256** — small, fast, and the same sequence on every platform for
/// a given seed (std::mt19937's distributions are not portable).
class Random {
public:
    explicit Random(std::uint64_t seed);
    std::uint64_t next()
    {
        const std::uint64_t result = rotl(m_s[1] * 5, 7) * 9;
        const std::uint64_t t = m_s[1] << 17;
        m_s[2] ^= m_s[0];
        m_s[3] ^= m_s[1];
        m_s[1] ^= m_s[2];
        m_s[0] ^= m_s[3];
        m_s[2] ^= t;
        m_s[3] = rotl(m_s[3], 45);
        return result;
    }
    /// Uniform in [0, 1).
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    /// Uniform integer in [0, bound).
    std::uint64_t below(std::uint64_t bound)
    {
        return static_cast<std::uint64_t>((static_cast<Uint128>(next()) * bound) >> 64);
    }
    bool chance(double probability) { return probability > 0 && uniform() < probability; }

private:
    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    std::uint64_t m_s[4];
};

/// Draws ranks 0..n-1 with P(k) proportional to 1 / (k+1)^s, in O(1) per draw
/// (Walker / Vose alias table; memory 12 bytes per rank).
class ZipfSampler {
public:
    ZipfSampler(std::uint64_t n, double exponent);
    std::uint32_t sample(Random& random) const
    {
        const std::uint64_t column = random.below(m_alias.size());
        return random.uniform() < m_probability[column] ? static_cast<std::uint32_t>(column)
                                                         : m_alias[column];
    }
    std::uint64_t size() const { return m_alias.size(); }

private:
    std::vector<double> m_probability;
    std::vector<std::uint32_t> m_alias;
};

/// Draws an index with probabilities proportional to `weights` (few entries).
class WeightedChoice {
public:
    explicit WeightedChoice(std::vector<double> weights);
    std::size_t sample(Random& random) const;
    std::size_t size() const { return m_cumulative.size(); }

private:
    std::vector<double> m_cumulative;
};

} // namespace fallback
