#pragma once

// UTC instants as the node's audit log and log lines write them.

#include "util/units.h"

#include <optional>
#include <string>
#include <string_view>

namespace fallback {

/// `2024-05-01T12:00:00.123Z` for a wall-clock instant (µs since the epoch).
std::string isoTime(Micros time);
/// The instant of an isoTime() text (the milliseconds may be left out);
/// nullopt for anything else.
std::optional<Micros> parseIsoTime(std::string_view text);

} // namespace fallback
