#include "tiers/simulatedtier.h"

namespace fallback {

SimulatedBehaviour::SimulatedBehaviour(const TierSpec& spec, std::uint64_t seed)
    : m_spec(spec), m_latency(spec.latency), m_random(seed)
{
}

void SimulatedBehaviour::setSpec(const TierSpec& spec)
{
    if (!(spec.latency == m_spec.latency))
        m_latency = LatencyModel(spec.latency);
    m_spec = spec;
}

SimulatedTier::SimulatedTier(const TierSpec& spec, std::uint64_t seed)
    : MemoryTier(spec.capacity, spec.eviction), m_behaviour(spec, seed)
{
}

TierAnswer SimulatedTier::get(const StoredKey& key, Micros now, Micros keepFor)
{
    Micros latency = 0;
    if (m_behaviour.draw(latency))
        return TierAnswer{TierStatus::Error, latency, {}};
    TierAnswer answer = MemoryTier::get(key, now, keepFor);
    answer.latency = latency;
    return answer;
}

TierAnswer SimulatedTier::put(const StoredKey& key, const Entry& entry, Micros now)
{
    Micros latency = 0;
    if (m_behaviour.draw(latency))
        return TierAnswer{TierStatus::Error, latency, {}};
    TierAnswer answer = MemoryTier::put(key, entry, now);
    answer.latency = latency;
    return answer;
}

TierAnswer SimulatedTier::erase(const StoredKey& key, Micros now)
{
    Micros latency = 0;
    if (m_behaviour.draw(latency))
        return TierAnswer{TierStatus::Error, latency, {}};
    TierAnswer answer = MemoryTier::erase(key, now);
    answer.latency = latency;
    return answer;
}

void SimulatedTier::setSpec(const TierSpec& spec)
{
    m_behaviour.setSpec(spec);
    if (!(spec.capacity == capacity()))
        setCapacity(spec.capacity);
}

SimulatedOrigin::SimulatedOrigin(const TierSpec& spec, std::uint64_t seed,
                                 std::uint32_t defaultSize)
    : m_behaviour(spec, seed), m_defaultSize(defaultSize)
{
}

std::uint32_t SimulatedOrigin::objectSize(NamespaceId ns, ResourceId rid) const
{
    if (ns < m_sizes.size() && rid < m_sizes[ns].size() && m_sizes[ns][rid] != 0)
        return m_sizes[ns][rid];
    return m_defaultSize;
}

TierAnswer SimulatedOrigin::get(const StoredKey& key, Micros now, Micros)
{
    TierAnswer answer;
    if (m_behaviour.draw(answer.latency)) {
        answer.status = TierStatus::Error;
        return answer;
    }
    answer.status = TierStatus::Hit;
    // The copy is produced when the answer leaves the origin.
    answer.entry.storedAt = now + answer.latency;
    answer.entry.size = objectSize(key.ns, key.rid);
    return answer;
}

TierAnswer SimulatedOrigin::put(const StoredKey& key, const Entry& entry, Micros)
{
    TierAnswer answer;
    if (m_behaviour.draw(answer.latency)) {
        answer.status = TierStatus::Error;
        return answer;
    }
    setObjectSize(key.ns, key.rid, entry.size);
    answer.status = TierStatus::Hit;
    return answer;
}

TierAnswer SimulatedOrigin::erase(const StoredKey&, Micros)
{
    TierAnswer answer;
    answer.status = m_behaviour.draw(answer.latency) ? TierStatus::Error : TierStatus::Hit;
    return answer;
}

} // namespace fallback
