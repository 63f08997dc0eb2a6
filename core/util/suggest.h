#pragma once

#include <span>
#include <string>
#include <string_view>

namespace fallback {

/// Edit distance (Levenshtein, byte-wise) between two strings.
std::size_t editDistance(std::string_view a, std::string_view b);

/// The candidate nearest to `word`, or "" when none is close enough to be a
/// plausible typo (distance above max(2, len/3)).
std::string nearestMatch(std::string_view word, std::span<const std::string_view> candidates);
std::string nearestMatch(std::string_view word, std::span<const std::string> candidates);

} // namespace fallback
