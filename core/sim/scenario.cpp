#include "sim/scenario.h"

namespace fallback {

std::string_view evictionName(EvictionKind kind)
{
    switch (kind) {
    case EvictionKind::Lru: return "lru";
    case EvictionKind::Sieve: return "sieve";
    }
    return "lru";
}

std::optional<EvictionKind> parseEviction(std::string_view text)
{
    if (text == "lru")
        return EvictionKind::Lru;
    if (text == "sieve")
        return EvictionKind::Sieve;
    return std::nullopt;
}

std::string_view eventActionName(EventAction action)
{
    switch (action) {
    case EventAction::Down: return "down";
    case EventAction::Up: return "up";
    case EventAction::Slow: return "slow";
    case EventAction::Flaky: return "flaky";
    case EventAction::Purge: return "purge";
    case EventAction::Bump: return "bump";
    }
    return "down";
}

} // namespace fallback
