#pragma once

// What the in-process node tests share (tst_nodeservice, and the fuzz_node
// target, which must not use Qt): a clock the test sets by hand and the
// policy the routes run under. Tiers answer at once, so the clock never
// parks an operation.

#include "engine/scheduler.h"

namespace nodetest {

inline constexpr fallback::Micros kStart = 1'700'000'000 * fallback::kMicrosPerSecond;

class ManualClock final : public fallback::Scheduler {
public:
    fallback::Micros now() const override { return time; }
    bool suspendAfterCall(fallback::OpToken, fallback::Micros) override { return false; }
    void wakeAfter(fallback::OpToken, fallback::Micros) override {}
    fallback::Micros time = kStart;
};

/// Two namespaces; `config` has its own, shorter ttl.
inline constexpr const char* kPolicy = R"(schema: 1
defaults:
  ttl: 60s
  stale_while_revalidate: 30s
  stale_if_error: 300s
  max_object_size: 1KiB
namespaces:
  - name: product
    version: 3
  - name: config
    version: 1
    ttl: 10s
)";

} // namespace nodetest
