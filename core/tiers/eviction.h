#pragma once

#include "sim/scenario.h"

#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

namespace fallback {

/// Chooses which entry of a bounded store leaves when room is needed
/// (CacheLib's EvictionPolicy shape). Entries are the store's slot indices.
class EvictionPolicy {
public:
    static constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

    virtual ~EvictionPolicy() = default;
    /// A new entry was inserted in `slot`.
    virtual void track(std::uint32_t slot) = 0;
    /// The entry in `slot` was read.
    virtual void touch(std::uint32_t slot) = 0;
    /// The entry in `slot` was removed for another reason (purge, expiry).
    virtual void remove(std::uint32_t slot) = 0;
    /// Picks a victim, stops tracking it and returns its slot; kNone if empty.
    virtual std::uint32_t evict() = 0;
    virtual void reset() = 0;
    /// Bytes of bookkeeping.
    virtual std::size_t memorySize() const = 0;
};

/// Least recently used: an intrusive doubly-linked list over slot indices.
class LruPolicy final : public EvictionPolicy {
public:
    void track(std::uint32_t slot) override;
    void touch(std::uint32_t slot) override;
    void remove(std::uint32_t slot) override;
    std::uint32_t evict() override;
    void reset() override;
    std::size_t memorySize() const override;

private:
    void grow(std::uint32_t slot);
    void unlink(std::uint32_t slot);
    void pushFront(std::uint32_t slot);

    struct Link {
        std::uint32_t prev = kNone, next = kNone;
    };
    std::vector<Link> m_links; ///< one cache line holds both neighbours
    std::uint32_t m_head = kNone, m_tail = kNone; ///< head = most recent
};

/// SIEVE (Zhang et al., NSDI '24): a FIFO queue with a visited bit and a
/// hand that sweeps from the oldest entry, sparing visited ones once. Hits
/// only set a bit — no list move — and it beats LRU on skewed web workloads.
class SievePolicy final : public EvictionPolicy {
public:
    void track(std::uint32_t slot) override;
    void touch(std::uint32_t slot) override;
    void remove(std::uint32_t slot) override;
    std::uint32_t evict() override;
    void reset() override;
    std::size_t memorySize() const override;

private:
    void grow(std::uint32_t slot);
    void unlink(std::uint32_t slot);

    std::vector<std::uint32_t> m_prev, m_next; ///< prev = towards the newest
    std::vector<std::uint8_t> m_visited;
    std::uint32_t m_head = kNone, m_tail = kNone; ///< head = newest, tail = oldest
    std::uint32_t m_hand = kNone;
};

std::unique_ptr<EvictionPolicy> makeEvictionPolicy(EvictionKind kind);

} // namespace fallback
