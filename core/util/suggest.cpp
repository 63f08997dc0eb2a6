#include "util/suggest.h"

#include <algorithm>
#include <vector>

namespace fallback {

std::size_t editDistance(std::string_view a, std::string_view b)
{
    // Two rows of the classic dynamic programme: keys are short, and this
    // keeps memory linear for the rare long input.
    std::vector<std::size_t> previous(b.size() + 1);
    std::vector<std::size_t> current(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        previous[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        current[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
        }
        std::swap(previous, current);
    }
    return previous[b.size()];
}

namespace {

template <typename Candidates>
std::string nearest(std::string_view word, const Candidates& candidates)
{
    // Beyond this distance a "did you mean" is more confusing than helpful.
    const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
    std::string best;
    std::size_t bestDistance = limit + 1;
    for (const auto& candidate : candidates) {
        const std::string_view view(candidate);
        const std::size_t distance = editDistance(word, view);
        if (distance < bestDistance) {
            bestDistance = distance;
            best.assign(view);
        }
    }
    return best;
}

} // namespace

std::string nearestMatch(std::string_view word, std::span<const std::string_view> candidates)
{
    return nearest(word, candidates);
}

std::string nearestMatch(std::string_view word, std::span<const std::string> candidates)
{
    return nearest(word, candidates);
}

} // namespace fallback
