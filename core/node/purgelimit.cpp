#include "node/purgelimit.h"

#include "util/units.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace fallback::node {

namespace {

std::int64_t ceilSeconds(Micros delay)
{
    return std::max<Micros>(0, (delay + kMicrosPerSecond - 1) / kMicrosPerSecond);
}

} // namespace

std::string PurgeLimitSpec::text() const
{
    return std::to_string(count) + " per " + formatDuration(window);
}

std::optional<PurgeLimitSpec> parsePurgeLimit(std::string_view text)
{
    const std::size_t slash = text.find('/');
    if (slash == std::string_view::npos)
        return std::nullopt;
    const std::string_view count = text.substr(0, slash);
    std::uint32_t n = 0;
    const auto [end, error] = std::from_chars(count.data(), count.data() + count.size(), n);
    if (count.empty() || error != std::errc() || end != count.data() + count.size() || n < 1 || n > 1'000'000)
        return std::nullopt;
    const std::optional<Micros> window = parseDuration(text.substr(slash + 1));
    if (!window || *window < kMicrosPerSecond || *window > 24 * 3600 * kMicrosPerSecond ||
        *window % kMicrosPerSecond != 0)
        return std::nullopt;
    return PurgeLimitSpec{n, *window};
}

PurgeLimiter::PurgeLimiter(PurgeLimitSpec spec, Micros now) : m_spec(spec), m_tokens(spec.count), m_at(now) {}

double PurgeLimiter::tokensAt(Micros now) const
{
    if (now <= m_at)
        return m_tokens;
    const double added = double(now - m_at) * m_spec.count / double(m_spec.window);
    return std::min<double>(m_spec.count, m_tokens + added);
}

void PurgeLimiter::refill(Micros now)
{
    m_tokens = tokensAt(now);
    m_at = std::max(m_at, now);
}

PurgeLimiter::Verdict PurgeLimiter::verdictFor(double tokens, bool allowed) const
{
    const double perToken = double(m_spec.window) / m_spec.count; // µs to earn one
    Verdict verdict;
    verdict.allowed = allowed;
    verdict.remaining = static_cast<std::int64_t>(std::floor(tokens));
    verdict.fullIn = static_cast<Micros>(std::ceil((m_spec.count - tokens) * perToken));
    if (!allowed)
        verdict.retryAfter = static_cast<Micros>(std::ceil((1.0 - tokens) * perToken));
    return verdict;
}

PurgeLimiter::Verdict PurgeLimiter::state(Micros now) const
{
    const double tokens = tokensAt(now);
    return verdictFor(tokens, tokens >= 1.0);
}

PurgeLimiter::Verdict PurgeLimiter::take(Micros now)
{
    refill(now);
    const bool allowed = m_tokens >= 1.0;
    if (allowed)
        m_tokens -= 1.0;
    return verdictFor(m_tokens, allowed);
}

std::int64_t PurgeLimiter::Verdict::fullInSeconds() const
{
    return ceilSeconds(fullIn);
}

std::int64_t PurgeLimiter::Verdict::retryAfterSeconds() const
{
    return std::max<std::int64_t>(1, ceilSeconds(retryAfter));
}

void PurgeLimiter::addHeaders(HttpResponse& response, const Verdict& verdict) const
{
    response.addHeader("RateLimit-Policy", "\"invalidations\";q=" + std::to_string(m_spec.count) +
                                               ";w=" + std::to_string(m_spec.window / kMicrosPerSecond));
    response.addHeader("RateLimit", "\"invalidations\";r=" + std::to_string(verdict.remaining) +
                                        ";t=" + std::to_string(verdict.fullInSeconds()));
    if (!verdict.allowed)
        response.addHeader("Retry-After", std::to_string(verdict.retryAfterSeconds()));
}

} // namespace fallback::node
