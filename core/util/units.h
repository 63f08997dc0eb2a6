#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fallback {

/// Durations and instants everywhere in core are microseconds. Instants are
/// measured from the start of the run (virtual time in simulation) or from the
/// Unix epoch (a real clock): the engine never asks which.
using Micros = std::int64_t;

constexpr Micros kMicrosPerMilli = 1000;
constexpr Micros kMicrosPerSecond = 1000 * kMicrosPerMilli;

/// Parses `250ms`, `90s`, `5m`, `1h`, `1d`, `1.5s`, or a bare number of
/// seconds (`30`, `0.25`). Also accepts `us`. Returns nullopt on anything
/// else, including negative values and overflow.
std::optional<Micros> parseDuration(std::string_view text);

/// Parses a byte size: a bare integer, or a number with a unit among
/// B, KB, MB, GB (powers of 1000) and KiB, MiB, GiB (powers of 1024).
/// Fractions are allowed with a unit (`1.5MiB`). Nullopt on anything else.
std::optional<std::uint64_t> parseSize(std::string_view text);

/// Parses a rate `N/s` (also `N/m`, `N/h`) into events per second.
std::optional<double> parseRate(std::string_view text);

/// Short human form: `0ms`, `250ms`, `90s`, `5m`, `1h30m`, `2d`; keeps the
/// value exact so that formatDuration() output parses back to the same value.
std::string formatDuration(Micros value);

/// `512B`, `64KiB`, `1MiB`, `1.5MiB`; exact values print with their unit,
/// others as plain byte counts, so the output parses back to the same value.
std::string formatSize(std::uint64_t bytes);

} // namespace fallback
