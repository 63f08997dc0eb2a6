#include "sim/scenarioreader.h"

#include "policy/key.h"

#include <algorithm>
#include <vector>

namespace fallback {

namespace {

constexpr std::string_view kTierNames[] = {"edge_cache", "edge_kv", "origin", "client_cache"};
constexpr std::string_view kTierKeys[] = {"enabled", "capacity", "eviction", "latency", "failure_rate"};
constexpr std::string_view kCapacityKeys[] = {"entries", "bytes"};
constexpr std::string_view kLatencyKeys[] = {"p50", "p99"};
constexpr std::string_view kEvictions[] = {"lru", "sieve"};
constexpr std::string_view kEventKeys[] = {"at", "action", "tier", "for", "factor",
                                           "rate", "namespace", "key", "all"};
constexpr std::string_view kEventRequired[] = {"at", "action"};
constexpr std::string_view kActions[] = {"down", "up", "slow", "flaky", "purge", "bump"};

} // namespace

void ScenarioReader::readLatency(const YamlField& field, LatencySpec& latency)
{
    if (field.value.IsScalar()) {
        if (auto v = checker.duration(field))
            latency = {*v, *v};
        return;
    }
    constexpr std::string_view kRequired[] = {"p50"};
    auto map = checker.mapping(field.value, field.key.Mark(), "latency", "in latency", kLatencyKeys, kRequired);
    if (!map)
        return;
    std::optional<Micros> p50, p99;
    if (const YamlField* f = map->find("p50"))
        p50 = checker.duration(renamedField(*f, "latency.p50"));
    if (const YamlField* f = map->find("p99"))
        p99 = checker.duration(renamedField(*f, "latency.p99"));
    else
        p99 = p50; // p50 alone means a constant latency
    if (p50 && p99 && *p99 < *p50)
        checker.error(*map->find("p99"), "latency.p99 (" + formatDuration(*p99)
                                             + ") must not be below latency.p50 (" + formatDuration(*p50) + ")");
    else if (p50 && p99)
        latency = {*p50, *p99};
}

void ScenarioReader::readCapacity(const YamlField& field, Capacity& capacity)
{
    if (field.value.IsScalar()) {
        const std::string& text = field.value.Scalar();
        const bool count = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
        const std::string rule = "capacity must be at least 1 (leave it out for no limit)";
        const auto value = count ? checker.integer(field) : checker.size(field);
        if (value && *value == 0)
            checker.error(field, rule);
        else if (value)
            capacity = count ? Capacity{*value, 0} : Capacity{0, *value};
        return;
    }
    auto map = checker.mapping(field.value, field.key.Mark(), "capacity", "in capacity", kCapacityKeys);
    if (!map)
        return;
    Capacity out;
    if (const YamlField* f = map->find("entries"))
        if (auto v = checker.integer(renamedField(*f, "capacity.entries"), 1))
            out.entries = *v;
    if (const YamlField* f = map->find("bytes"))
        if (auto v = checker.size(renamedField(*f, "capacity.bytes"), 1))
            out.bytes = *v;
    if (map->fields.empty())
        checker.error(field, "capacity needs 'entries', 'bytes' or both (leave it out for no limit)");
    capacity = out;
}

void ScenarioReader::readTier(const YamlField& field, TierId tier, TierSpec& spec)
{
    const std::string label = "tier '" + field.name + "'";
    auto map = checker.mapping(field.value, field.key.Mark(), label, "in " + label, kTierKeys);
    if (!map)
        return;
    if (const YamlField* f = map->find("enabled"))
        if (auto v = checker.boolean(*f))
            spec.enabled = *v;
    if (const YamlField* f = map->find("capacity")) {
        readCapacity(*f, spec.capacity);
        if (tier == TierId::Origin)
            checker.warning(f->key.Mark(), "capacity has no effect on the origin: it holds every object");
    }
    if (const YamlField* f = map->find("eviction")) {
        if (auto text = checker.scalar(*f, "lru or sieve")) {
            if (auto kind = parseEviction(*text))
                spec.eviction = *kind;
            else
                checker.error(*f, withGuess("eviction " + quoteForMessage(*text) + " is invalid: use lru or sieve",
                                            *text, kEvictions));
        }
    }
    if (const YamlField* f = map->find("latency"))
        readLatency(*f, spec.latency);
    if (const YamlField* f = map->find("failure_rate"))
        if (auto v = checker.number(*f, 0.0, 1.0))
            spec.failureRate = *v;
}

void ScenarioReader::readTiers(const YamlField& field, Scenario& scenario)
{
    auto map = checker.mapping(field.value, field.key.Mark(), "tiers", "in tiers", kTierNames);
    if (!map)
        return;
    for (const YamlField& f : map->fields) {
        if (auto tier = parseTierName(f.name))
            readTier(f, *tier, scenario.tiers[static_cast<std::size_t>(tierIndex(*tier))]);
    }
}

void ScenarioReader::readEvents(const YamlField& field, Scenario& scenario)
{
    if (!field.value.IsSequence()) {
        checker.error(field, "events must be a list of events, not " + std::string(nodeKindName(field.value)));
        return;
    }
    for (const YAML::Node& item : field.value) {
        if (auto event = readEvent(item, field.key.Mark()))
            scenario.events.push_back(std::move(*event));
    }
    std::stable_sort(scenario.events.begin(), scenario.events.end(),
                     [](const ScenarioEvent& a, const ScenarioEvent& b) { return a.at < b.at; });
}

std::optional<ScenarioEvent> ScenarioReader::readEvent(const YAML::Node& node, const YAML::Mark& fallbackMark)
{
    auto map = checker.mapping(node, fallbackMark, "each event", "in event", kEventKeys, kEventRequired);
    if (!map)
        return std::nullopt;
    const std::size_t before = checker.diagnostics().items().size();
    auto newErrors = [&] {
        const auto& items = checker.diagnostics().items();
        return std::any_of(items.begin() + static_cast<std::ptrdiff_t>(before), items.end(),
                           [](const Diagnostic& d) { return !d.warning; });
    };
    ScenarioEvent event;
    event.line = markLine(map->mark);
    if (const YamlField* f = map->find("at")) {
        if (auto v = checker.duration(*f)) {
            event.at = *v;
            if (runDuration && *v > *runDuration)
                checker.warning(*f, "this event at " + formatDuration(*v) + " comes after the end of the run ("
                                        + formatDuration(*runDuration) + "): it never happens");
        }
    }
    const YamlField* actionField = map->find("action");
    std::optional<EventAction> action;
    if (actionField) {
        if (auto text = checker.scalar(*actionField, "an action")) {
            for (std::size_t i = 0; i < std::size(kActions); ++i) {
                if (kActions[i] == *text)
                    action = static_cast<EventAction>(i);
            }
            if (!action)
                checker.error(*actionField,
                              withGuess("action " + quoteForMessage(*text)
                                            + " is invalid: use down, up, slow, flaky, purge or bump",
                                        *text, kActions));
        }
    }
    if (!action)
        return std::nullopt; // which other keys apply depends on the action
    event.action = *action;
    const std::string actionName(eventActionName(*action));
    const std::string article = *action == EventAction::Up ? "an " : "a ";

    // Which keys each action takes, beyond `at` and `action`.
    std::vector<std::string_view> allowed;
    switch (*action) {
    case EventAction::Down: allowed = {"tier", "for"}; break;
    case EventAction::Up: allowed = {"tier"}; break;
    case EventAction::Slow: allowed = {"tier", "factor", "for"}; break;
    case EventAction::Flaky: allowed = {"tier", "rate", "for"}; break;
    case EventAction::Purge: allowed = {"namespace", "key", "all"}; break;
    case EventAction::Bump: allowed = {"namespace"}; break;
    }
    for (const YamlField& f : map->fields) {
        if (f.name != "at" && f.name != "action"
            && std::find(allowed.begin(), allowed.end(), f.name) == allowed.end())
            checker.error(f.key.Mark(), "'" + f.name + "' does not apply to " + article + actionName + " event");
    }
    auto has = [&](std::string_view key) {
        return std::find(allowed.begin(), allowed.end(), key) != allowed.end() ? map->find(key) : nullptr;
    };
    if (const YamlField* f = has("tier")) {
        if (auto text = checker.scalar(*f, "a tier name")) {
            if (auto tier = parseTierName(*text))
                event.tier = *tier;
            else
                checker.error(*f, withGuess("tier " + quoteForMessage(*text)
                                                + " is invalid: use edge_cache, edge_kv, origin or client_cache",
                                            *text, kTierNames));
        }
    } else if (std::find(allowed.begin(), allowed.end(), "tier") != allowed.end()) {
        checker.error(map->mark, article + actionName + " event needs 'tier'");
    }
    if (const YamlField* f = has("for"))
        if (auto v = checker.duration(*f, 1))
            event.duration = *v;
    if (const YamlField* f = has("factor"))
        if (auto v = checker.number(*f, 0.0, kUnboundedNumber, true))
            event.factor = *v;
    if (const YamlField* f = has("rate"))
        if (auto v = checker.number(*f, 0.0, 1.0))
            event.failureRate = *v;
    if (const YamlField* f = has("namespace")) {
        if (auto text = checker.scalar(*f, "a namespace name"))
            if (auto ns = knownNamespace(*f, *text))
                event.ns = *ns;
    } else if (*action == EventAction::Bump) {
        checker.error(map->mark, "a bump event needs 'namespace'");
    }
    if (const YamlField* f = has("key")) {
        if (auto text = checker.scalar(*f, "a key namespace:id")) {
            std::string why;
            if (auto address = parseResourceAddress(*text, &why)) {
                const YamlField nsField = renamedField(*f, "key");
                if (knownNamespace(nsField, address->ns))
                    event.key = *text;
            } else {
                checker.error(*f, why);
            }
        }
    }
    if (const YamlField* f = has("all")) {
        if (auto v = checker.boolean(*f)) {
            if (*v)
                event.all = true;
            else
                checker.error(*f, "all must be true to purge everything (use 'namespace' or 'key' for less)");
        }
    }
    if (*action == EventAction::Purge) {
        const int given = (has("namespace") ? 1 : 0) + (has("key") ? 1 : 0) + (has("all") ? 1 : 0);
        if (given == 0)
            checker.error(map->mark, "a purge event needs one of 'namespace', 'key' or 'all: true'");
        else if (given > 1)
            checker.error(map->mark, "a purge event takes only one of 'namespace', 'key' or 'all: true'");
    }
    if (newErrors())
        return std::nullopt;
    return event;
}

} // namespace fallback
