#pragma once

// The node the fuzz targets run: NodeService over an engine with in-process
// tiers (a 64-entry edge cache), tst_nodeservice's policy and a clock set by
// hand (inprocessnode.h). fuzz_node calls its routes directly; fuzz_http
// serves them over a real HttpServer.

#include "engine/engine.h"
#include "node/nodeservice.h"
#include "policy/policyloader.h"
#include "tiers/memorytier.h"

#include "../node/inprocessnode.h"

#include <memory>

namespace fallback::fuzz {

inline constexpr const char* kToken = "fuzz-token-0123456789";

struct InProcessNode {
    InProcessNode()
        : edge(Capacity{64, 0}, EvictionKind::Lru), kv(Capacity{}, EvictionKind::Lru),
          origin(Capacity{}, EvictionKind::Lru), client(Capacity{}, EvictionKind::Lru),
          engine(keys, clock, {&edge, &kv, &origin, &client})
    {
        engine.setPolicy(*parsePolicyYaml(nodetest::kPolicy, "fuzz").value);
        node::ServiceOptions options;
        options.adminToken = kToken;
        options.maxAdminBody = 4096;
        service = std::make_unique<node::NodeService>(engine, clock, options, nullptr, nullptr);
    }
    nodetest::ManualClock clock;
    KeySpace keys;
    MemoryTier edge, kv, origin, client;
    Engine engine;
    std::unique_ptr<node::NodeService> service;
};

} // namespace fallback::fuzz
