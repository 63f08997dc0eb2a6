// The engine's in-memory hit path: reads of resident keys through an
// in-process edge cache with no simulated latency, in operations per second.
// Not a test: nothing is asserted.
//
//   bench_engine [KEYS] [READS]

#include "engine/engine.h"
#include "sim/workload.h"
#include "tiers/simulatedtier.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {

using namespace fallback;

/// Real-time-like scheduler whose calls never wait: every tier answers at once.
class InlineScheduler final : public Scheduler {
public:
    Micros now() const override { return m_now; }
    bool suspendAfterCall(OpToken, Micros) override { return false; }
    void wakeAfter(OpToken, Micros) override {}
    Micros m_now = 0;
};

} // namespace

int main(int argc, char** argv)
{
    const std::uint64_t keys = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 100000;
    const std::uint64_t reads = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 20000000;

    TierSpec cacheSpec;
    cacheSpec.capacity.entries = keys;
    SimulatedTier edge(cacheSpec, 1);
    SimulatedOrigin origin(TierSpec{}, 2);
    KeySpace keySpace;
    InlineScheduler scheduler;
    Engine engine(keySpace, scheduler, {&edge, nullptr, &origin, nullptr});
    Policy policy;
    NamespacePolicy ns = policy.fromDefaults("bench");
    ns.ttl = 365LL * 24 * 3600 * kMicrosPerSecond;
    policy.namespaces.push_back(ns);
    engine.setPolicy(policy);
    const NamespaceId nsId = *keySpace.findNamespace("bench");
    std::vector<ResourceId> rids;
    for (std::uint64_t k = 0; k < keys; ++k)
        rids.push_back(keySpace.intern(std::to_string(k)));
    for (ResourceId rid : rids) // warm: every key resident
        engine.read(nsId, rid);

    Random random(7);
    ZipfSampler zipf(keys, 0.9);
    std::vector<ResourceId> sequence(1u << 20);
    for (auto& rid : sequence)
        rid = rids[zipf.sample(random)];

    const auto start = std::chrono::steady_clock::now();
    for (std::uint64_t i = 0; i < reads; ++i) {
        scheduler.m_now += 1;
        engine.read(nsId, sequence[i & (sequence.size() - 1)]);
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const EngineStats stats = engine.snapshot();
    std::printf("keys: %llu\n", static_cast<unsigned long long>(keys));
    std::printf("reads: %llu\n", static_cast<unsigned long long>(reads));
    std::printf("seconds: %.3f\n", seconds);
    std::printf("hit_path_ops_per_second: %.0f\n", double(reads) / seconds);
    std::printf("edge_cache_hits: %llu of %llu lookups\n",
                static_cast<unsigned long long>(stats.tiers[0].hits),
                static_cast<unsigned long long>(stats.tiers[0].lookups));
    return 0;
}
