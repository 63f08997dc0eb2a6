#pragma once

// Test doubles for the engine tests: a virtual clock that drives
// Engine::resume() in time order, and a scripted tier whose answers a test
// can force (down, fixed latency, fail the next N calls) and count.

#include "engine/engine.h"
#include "engine/keyspace.h"
#include "engine/scheduler.h"
#include "policy/policy.h"
#include "tiers/memorytier.h"
#include "tiers/tier.h"

#include <QString>

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace fallback::test {

/// A virtual clock with an event list. Nothing happens until the test calls
/// advance() or runUntilIdle(); due operations are resumed in time order,
/// ties in the order they were scheduled.
class ManualScheduler final : public Scheduler {
public:
    void attach(Engine* engine) { m_engine = engine; }

    Micros now() const override { return m_now; }

    bool suspendAfterCall(OpToken op, Micros latency) override
    {
        ++m_calls;
        if (latency <= 0)
            return false;
        schedule(m_now + latency, op);
        return true;
    }

    void wakeAfter(OpToken op, Micros delay) override
    {
        m_wakeDelays.push_back(delay);
        schedule(m_now + std::max<Micros>(delay, 0), op);
    }

    /// Runs every event due within `delta`, then sets the clock to now + delta.
    void advance(Micros delta)
    {
        const Micros target = m_now + delta;
        while (!m_events.empty() && nextTime() <= target)
            runNext();
        m_now = std::max(m_now, target);
    }

    /// Moves the clock forward without anything being due (test set-up).
    /// Returns false, and does nothing, when an event would be skipped.
    bool jumpTo(Micros when)
    {
        if (!m_events.empty() && nextTime() < when)
            return false;
        m_now = std::max(m_now, when);
        return true;
    }

    /// Runs events until none is left; false if `maxEvents` ran first (a
    /// retry loop on a tier that never comes back).
    bool runUntilIdle(std::size_t maxEvents = 1'000'000)
    {
        for (std::size_t n = 0; n < maxEvents; ++n) {
            if (m_events.empty())
                return true;
            runNext();
        }
        return m_events.empty();
    }

    std::size_t pendingEvents() const { return m_events.size(); }
    /// Every delay passed to wakeAfter(), in order (the KV back-off).
    const std::vector<Micros>& wakeDelays() const { return m_wakeDelays; }
    std::size_t suspendCalls() const { return m_calls; }

private:
    struct Event {
        Micros time;
        std::uint64_t sequence;
        OpToken op;
    };

    void schedule(Micros time, OpToken op) { m_events.push_back({time, m_sequence++, op}); }

    std::vector<Event>::iterator earliest()
    {
        return std::min_element(m_events.begin(), m_events.end(), [](const Event& a, const Event& b) {
            return a.time != b.time ? a.time < b.time : a.sequence < b.sequence;
        });
    }
    Micros nextTime() { return earliest()->time; }

    void runNext()
    {
        const auto it = earliest();
        const Event event = *it;
        m_events.erase(it);
        m_now = std::max(m_now, event.time);
        if (m_engine)
            m_engine->resume(event.op);
    }

    Engine* m_engine = nullptr;
    Micros m_now = 0;
    std::uint64_t m_sequence = 0;
    std::vector<Event> m_events; // few at a time: a linear scan keeps ties obvious
    std::vector<Micros> m_wakeDelays;
    std::size_t m_calls = 0;
};

/// A tier whose next answers a test can force. The Store kind keeps entries
/// in a MemoryTier (honouring keepFor like a real tier); the Origin kind
/// answers any key with a new copy {storedAt = now + latency, size}, or the
/// body and size last written to it, and Miss for deleted keys.
class ScriptedTier final : public MemoryTier {
public:
    enum class Kind { Store, Origin };

    explicit ScriptedTier(Kind kind = Kind::Store, Capacity capacity = {},
                          EvictionKind eviction = EvictionKind::Lru)
        : MemoryTier(capacity, eviction), m_kind(kind)
    {
    }

    // --- script -------------------------------------------------------------
    /// Down: every data call answers Error; the contents are kept.
    void setDown(bool down) { m_down = down; }
    bool isDown() const { return m_down; }
    /// Latency of every call from now on.
    void setLatency(Micros latency) { m_latency = latency; }
    /// The next `n` data calls (get, put, erase) answer Error.
    void failNext(int n) { m_failNext = n; }
    /// When false the store ignores keepFor (a remote store that keeps
    /// entries longer than the policy asks): the engine's own age rules are
    /// then all that protects the reader.
    void setHonourKeepFor(bool honour) { m_honourKeepFor = honour; }
    /// Origin: the size answered for keys never written.
    void setDefaultSize(std::uint32_t size) { m_defaultSize = size; }
    /// Origin: the key is unknown (answers Miss) until written again.
    void setMissing(const StoredKey& key) { m_missing.insert(key); }
    /// Origin: drops all it keeps for `key`, without a call; it then answers
    /// a new default copy, like a remote origin that holds no ids.
    void forget(const StoredKey& key)
    {
        m_origin.erase(key);
        m_missing.erase(key);
    }

    /// Puts an entry straight into the store: no call counted, no fault.
    void seed(const StoredKey& key, const Entry& entry)
    {
        if (m_kind == Kind::Origin)
            m_origin[key] = entry;
        else
            store().put(key, entry);
    }

    // --- counters -----------------------------------------------------------
    int gets = 0;
    int puts = 0;
    int erases = 0;
    int errorsAnswered = 0;
    std::vector<StoredKey> getKeys; ///< keys asked, in order

    /// The contents, changed by a test without a counted call.
    using MemoryTier::store;
    /// Origin: what was last written to `key`, if anything.
    std::optional<Entry> written(const StoredKey& key) const
    {
        const auto it = m_origin.find(key);
        return it == m_origin.end() ? std::nullopt : std::optional<Entry>(it->second);
    }

    // --- Tier ---------------------------------------------------------------
    TierAnswer get(const StoredKey& key, Micros now, Micros keepFor) override
    {
        ++gets;
        getKeys.push_back(key);
        TierAnswer answer;
        if (fault(answer))
            return answer;
        if (m_kind == Kind::Origin) {
            if (m_missing.count(key)) {
                answer.status = TierStatus::Miss;
                return answer;
            }
            answer.status = TierStatus::Hit;
            if (const auto it = m_origin.find(key); it != m_origin.end())
                answer.entry = it->second;
            else
                answer.entry.size = m_defaultSize;
            // The copy is produced when the answer leaves the origin.
            answer.entry.storedAt = now + m_latency;
            return answer;
        }
        const Micros keep = m_honourKeepFor ? keepFor : std::numeric_limits<Micros>::max() / 4;
        const TierAnswer stored = MemoryTier::get(key, now, keep);
        answer.status = stored.status;
        answer.entry = stored.entry;
        return answer;
    }

    TierAnswer put(const StoredKey& key, const Entry& entry, Micros) override
    {
        ++puts;
        TierAnswer answer;
        if (fault(answer))
            return answer;
        if (m_kind == Kind::Origin) {
            m_origin[key] = entry;
            m_missing.erase(key);
        } else {
            MemoryTier::put(key, entry, 0);
        }
        answer.status = TierStatus::Hit;
        return answer;
    }

    TierAnswer erase(const StoredKey& key, Micros) override
    {
        ++erases;
        TierAnswer answer;
        if (fault(answer))
            return answer;
        if (m_kind == Kind::Origin) {
            m_origin.erase(key);
            m_missing.insert(key);
        } else {
            MemoryTier::erase(key, 0);
        }
        answer.status = TierStatus::Hit;
        return answer;
    }

    std::optional<Entry> peek(const StoredKey& key) const override
    {
        return m_kind == Kind::Origin ? written(key) : MemoryTier::peek(key);
    }

    /// Origin: the keys it keeps something for (written or missing), so that
    /// Engine::reclaimUnusedIds() sees every id this tier holds.
    void forEachKey(const std::function<bool(const StoredKey&, const Entry&)>& visit) const override
    {
        if (m_kind != Kind::Origin) {
            MemoryTier::forEachKey(visit);
            return;
        }
        for (const auto& [key, entry] : m_origin)
            if (!visit(key, entry))
                return;
        for (const StoredKey& key : m_missing)
            if (!visit(key, Entry{}))
                return;
    }

private:
    bool fault(TierAnswer& answer)
    {
        answer.latency = m_latency;
        if (m_down || m_failNext > 0) {
            if (m_failNext > 0)
                --m_failNext;
            ++errorsAnswered;
            answer.status = TierStatus::Error;
            return true;
        }
        return false;
    }

    Kind m_kind;
    bool m_down = false;
    bool m_honourKeepFor = true;
    Micros m_latency = 0;
    int m_failNext = 0;
    std::uint32_t m_defaultSize = 1000;
    std::unordered_map<StoredKey, Entry, StoredKeyHash> m_origin;
    std::unordered_set<StoredKey, StoredKeyHash> m_missing;
};

constexpr Micros ms(std::int64_t n) { return n * kMicrosPerMilli; }
constexpr Micros sec(std::int64_t n) { return n * kMicrosPerSecond; }

// The rules of testNamespace(): ttl 60 s, swr 30 s, sie 300 s; and a start
// time far enough from 0 that copies can be seeded with any age.
constexpr Micros kTtl = sec(60);
constexpr Micros kSwr = sec(30);
constexpr Micros kSie = sec(300);
constexpr Micros kKeepFor = kTtl + kSie;
constexpr Micros kStart = sec(100000);

/// A name from the engine (servedByName(), freshnessName()) for QCOMPARE.
inline QString str(std::string_view text)
{
    return QString::fromLatin1(text.data(), qsizetype(text.size()));
}

/// Requests counted over every ServedBy bucket (failures included).
inline std::uint64_t sumServedBy(const RequestCounters& c)
{
    std::uint64_t sum = 0;
    for (std::uint64_t n : c.servedBy)
        sum += n;
    return sum;
}

/// An entry whose body says which value it is.
inline Entry makeEntry(Micros storedAt, std::string body, std::uint32_t size = 0)
{
    Entry entry;
    entry.storedAt = storedAt;
    entry.size = size ? size : static_cast<std::uint32_t>(body.size());
    entry.body = std::make_shared<const std::string>(std::move(body));
    return entry;
}

/// The body of a copy, for QCOMPARE; empty when there is none.
inline QString bodyOf(const std::optional<Entry>& entry)
{
    return entry && entry->body ? QString::fromStdString(*entry->body) : QString();
}

/// Which tiers a rig builds (the others are disabled: a null pointer).
enum TierMask : unsigned {
    kEdge = 1u << 0,
    kKv = 1u << 1,
    kOrigin = 1u << 2,
    kClient = 1u << 3,
    kAll = kEdge | kKv | kOrigin | kClient,
};

/// The default rules of the tests: ttl 60 s, swr 30 s, sie 300 s (keepFor
/// 360 s), max object size 1 MiB, write-through.
inline NamespacePolicy testNamespace(std::string name, std::uint64_t version = 0)
{
    NamespacePolicy ns;
    ns.name = std::move(name);
    ns.version = version;
    ns.ttl = sec(60);
    ns.staleWhileRevalidate = sec(30);
    ns.staleIfError = sec(300);
    ns.maxObjectSize = 1024 * 1024;
    ns.writeMode = WriteMode::WriteThrough;
    return ns;
}

/// Namespaces `product` and `config` (testNamespace() rules) written with
/// these modes: the write path's tests (tst_enginewrite, tst_enginekvqueue).
inline Policy writeModePolicy(WriteMode productMode, WriteMode configMode = WriteMode::AsyncBackfill)
{
    Policy policy;
    NamespacePolicy product = testNamespace("product");
    product.writeMode = productMode;
    NamespacePolicy config = testNamespace("config");
    config.writeMode = configMode;
    policy.namespaces.push_back(product);
    policy.namespaces.push_back(config);
    return policy;
}

/// An engine on scripted tiers and a manual clock, with namespaces `product`
/// and `config` (testNamespace() rules) unless a policy is given.
class Rig {
    // Declared first so that they outlive the engine that borrows them.
    ScriptedTier m_edge, m_kv, m_origin, m_client;

public:
    explicit Rig(unsigned tiers = kAll, std::optional<Policy> policy = std::nullopt,
                 EngineOptions options = {})
        : m_edge(ScriptedTier::Kind::Store), m_kv(ScriptedTier::Kind::Store),
          m_origin(ScriptedTier::Kind::Origin), m_client(ScriptedTier::Kind::Store)
    {
        Policy p;
        if (policy) {
            p = *policy;
        } else {
            p.namespaces.push_back(testNamespace("product"));
            p.namespaces.push_back(testNamespace("config"));
        }
        engine = std::make_unique<Engine>(
            keys, clock,
            std::array<Tier*, kTierCount>{(tiers & kEdge) ? &m_edge : nullptr,
                                          (tiers & kKv) ? &m_kv : nullptr,
                                          (tiers & kOrigin) ? &m_origin : nullptr,
                                          (tiers & kClient) ? &m_client : nullptr},
            options);
        clock.attach(engine.get());
        engine->setPolicy(p);
    }

    ScriptedTier& edge() { return m_edge; }
    ScriptedTier& kv() { return m_kv; }
    ScriptedTier& origin() { return m_origin; }
    ScriptedTier& client() { return m_client; }
    ScriptedTier& tier(TierId id)
    {
        switch (id) {
        case TierId::EdgeCache: return m_edge;
        case TierId::EdgeKv: return m_kv;
        case TierId::Origin: return m_origin;
        case TierId::ClientCache: break;
        }
        return m_client;
    }

    NamespaceId ns(const std::string& name) { return keys.namespaceId(name); }
    ResourceId rid(const std::string& id) { return keys.intern(id); }
    StoredKey key(const std::string& nsName, const std::string& id)
    {
        return engine->storedKey(ns(nsName), rid(id));
    }

    /// Starts a read; the result lands in the returned slot when answered.
    std::shared_ptr<std::optional<ReadResult>> read(const std::string& nsName, const std::string& id)
    {
        auto slot = std::make_shared<std::optional<ReadResult>>();
        engine->read(ns(nsName), rid(id), [slot](const ReadResult& r) { *slot = r; });
        return slot;
    }
    /// Reads and runs the clock until everything is answered.
    ReadResult readNow(const std::string& nsName, const std::string& id)
    {
        auto slot = read(nsName, id);
        clock.runUntilIdle();
        if (slot->has_value())
            return **slot;
        ReadResult unanswered;
        unanswered.status = -1;
        return unanswered;
    }

    std::shared_ptr<std::optional<WriteResult>> write(const std::string& nsName,
                                                      const std::string& id, Entry entry)
    {
        auto slot = std::make_shared<std::optional<WriteResult>>();
        engine->write(ns(nsName), rid(id), std::move(entry),
                      [slot](const WriteResult& r) { *slot = r; });
        return slot;
    }
    std::shared_ptr<std::optional<WriteResult>> remove(const std::string& nsName,
                                                       const std::string& id)
    {
        auto slot = std::make_shared<std::optional<WriteResult>>();
        engine->remove(ns(nsName), rid(id), [slot](const WriteResult& r) { *slot = r; });
        return slot;
    }

    const RequestCounters& counters() { return engine->stats().requests(); }
    const TierCounters& tierCounters(TierId id) { return engine->stats().tiers()[tierIndex(id)]; }

    KeySpace keys;
    ManualScheduler clock;
    std::unique_ptr<Engine> engine;
};

} // namespace fallback::test
