#pragma once

#include "sim/scenario.h"
#include "sim/workload.h"
#include "tiers/latencymodel.h"
#include "tiers/memorystore.h"
#include "tiers/memorytier.h"
#include "tiers/tier.h"

#include <algorithm>
#include <vector>

namespace fallback {

/// Faults injected into a simulated tier, by scenario events or by hand.
struct FaultState {
    bool down = false;        ///< answers Error to every data call, keeps its contents
    double slowFactor = 1.0;  ///< latency multiplier
    double flakyRate = 0.0;   ///< extra failure probability on top of the spec's
    bool operator==(const FaultState&) const = default;
};

/// Shared behaviour of simulated tiers: latency drawn from the model, failures
/// by probability, faults. Deterministic for a seed.
class SimulatedBehaviour {
public:
    SimulatedBehaviour(const TierSpec& spec, std::uint64_t seed);

    /// Draws this call's latency; true when the call fails.
    bool draw(Micros& latency)
    {
        latency = m_latency.sample(m_random);
        if (m_faults.slowFactor != 1.0)
            latency = static_cast<Micros>(double(latency) * m_faults.slowFactor);
        if (m_faults.down)
            return true;
        const double rate = m_spec.failureRate + m_faults.flakyRate;
        return rate > 0 && m_random.chance(rate);
    }

    const TierSpec& spec() const { return m_spec; }
    /// Latency and failure rate take effect at the next call.
    void setSpec(const TierSpec& spec);
    FaultState& faults() { return m_faults; }
    const FaultState& faults() const { return m_faults; }

private:
    TierSpec m_spec;
    LatencyModel m_latency;
    Random m_random;
    FaultState m_faults;
};

/// A simulated cache or KV tier: a MemoryTier behind SimulatedBehaviour.
/// Every data call draws its latency and may fail first; the contents and
/// the admin calls are the MemoryTier's.
class SimulatedTier final : public MemoryTier {
public:
    SimulatedTier(const TierSpec& spec, std::uint64_t seed);

    TierAnswer get(const StoredKey& key, Micros now, Micros keepFor) override;
    TierAnswer put(const StoredKey& key, const Entry& entry, Micros now) override;
    TierAnswer erase(const StoredKey& key, Micros now) override;

    SimulatedBehaviour& behaviour() { return m_behaviour; }
    /// Applies a new spec; a changed capacity evicts at once.
    void setSpec(const TierSpec& spec);

private:
    SimulatedBehaviour m_behaviour;
};

/// A simulated origin: it knows every resource. A read answers a new copy of
/// the object's current size; a write records the new size.
class SimulatedOrigin final : public Tier {
public:
    SimulatedOrigin(const TierSpec& spec, std::uint64_t seed, std::uint32_t defaultSize = 1024);

    TierAnswer get(const StoredKey& key, Micros now, Micros keepFor) override;
    TierAnswer put(const StoredKey& key, const Entry& entry, Micros now) override;
    TierAnswer erase(const StoredKey& key, Micros now) override;
    std::size_t purge(const PurgeScope&) override { return 0; }
    std::size_t countMatching(const PurgeScope&) const override { return 0; }
    std::optional<Entry> peek(const StoredKey&) const override { return std::nullopt; }
    void forEachKey(const std::function<bool(const StoredKey&, const Entry&)>&) const override {}
    TierUsage usage() const override { return {}; }

    /// The size the origin answers for a resource (set from the workload).
    void setObjectSize(NamespaceId ns, ResourceId rid, std::uint32_t size)
    {
        if (ns >= m_sizes.size())
            m_sizes.resize(ns + 1u);
        auto& sizes = m_sizes[ns];
        if (rid >= sizes.size())
            sizes.resize(std::max<std::size_t>(rid + 1u, sizes.size() * 2), 0);
        sizes[rid] = size;
    }
    /// setObjectSize() for every read of a workload: the same size mostly,
    /// so the table is written only on a change (no dirty cache line).
    void noteObjectSize(NamespaceId ns, ResourceId rid, std::uint32_t size)
    {
        if (ns < m_sizes.size() && rid < m_sizes[ns].size()) {
            if (m_sizes[ns][rid] != size)
                m_sizes[ns][rid] = size;
            return;
        }
        setObjectSize(ns, rid, size);
    }
    /// A read of `rid` is coming (the simulator looks ahead): start loading
    /// its size's cache line.
    void prefetchObjectSize(NamespaceId ns, ResourceId rid) const
    {
        if (ns < m_sizes.size() && rid < m_sizes[ns].size())
            __builtin_prefetch(&m_sizes[ns][rid]);
    }
    std::uint32_t objectSize(NamespaceId ns, ResourceId rid) const;

    SimulatedBehaviour& behaviour() { return m_behaviour; }

private:
    SimulatedBehaviour m_behaviour;
    std::uint32_t m_defaultSize;
    std::vector<std::vector<std::uint32_t>> m_sizes; ///< [ns][rid]; 0 = default
};

} // namespace fallback
