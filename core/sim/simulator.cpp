#include "sim/simulator.h"

#include "policy/key.h"
#include "util/text.h"

#include <limits>

namespace fallback {

namespace {
constexpr Micros kNever = std::numeric_limits<Micros>::max();
constexpr std::uint64_t kProgressEvery = 1u << 16;

std::uint64_t tierSeed(std::uint64_t seed, TierId tier)
{
    return seed * 0x9E3779B97F4A7C15ULL + 0x1000u * (tierIndex(tier) + 1u);
}
} // namespace

Simulator::Simulator(const Scenario& scenario, SimulationOptions options)
    : m_scenario(scenario), m_options(std::move(options))
{
    if (m_options.seed)
        m_scenario.seed = *m_options.seed;
    if (!m_options.tracePath.empty()) {
        m_scenario.tracePath = m_options.tracePath;
        m_scenario.synthetic.reset();
    }
    m_requestLimit = m_options.requests ? m_options.requests : m_scenario.requests;

    const std::uint64_t seed = m_scenario.seed;
    auto spec = [&](TierId tier) -> const TierSpec& { return m_scenario.tiers[tierIndex(tier)]; };
    if (spec(TierId::EdgeCache).enabled)
        m_edgeCache = std::make_unique<SimulatedTier>(spec(TierId::EdgeCache), tierSeed(seed, TierId::EdgeCache));
    if (spec(TierId::EdgeKv).enabled)
        m_edgeKv = std::make_unique<SimulatedTier>(spec(TierId::EdgeKv), tierSeed(seed, TierId::EdgeKv));
    if (spec(TierId::Origin).enabled) {
        const std::uint32_t defaultSize =
            m_scenario.synthetic ? static_cast<std::uint32_t>(m_scenario.synthetic->objectSize.min) : 1024u;
        m_origin = std::make_unique<SimulatedOrigin>(spec(TierId::Origin), tierSeed(seed, TierId::Origin), defaultSize);
    }
    if (spec(TierId::ClientCache).enabled)
        m_clientCache = std::make_unique<SimulatedTier>(spec(TierId::ClientCache), tierSeed(seed, TierId::ClientCache));

    m_engine = std::make_unique<Engine>(
        m_keys, static_cast<Scheduler&>(*this),
        std::array<Tier*, kTierCount>{m_edgeCache.get(), m_edgeKv.get(), m_origin.get(),
                                      m_clientCache.get()});
    m_engine->setPolicy(m_scenario.policy);

    // Ids named by events are interned now, before a trace prefetch thread
    // shares the key space.
    m_eventResources.assign(m_scenario.events.size(), 0);
    for (std::size_t i = 0; i < m_scenario.events.size(); ++i) {
        const ScenarioEvent& event = m_scenario.events[i];
        if (event.action == EventAction::Purge && !event.key.empty()) {
            if (auto address = parseResourceAddress(event.key))
                m_eventResources[i] = m_keys.intern(address->id);
        }
        m_queue.push(event.at, SimEventKind::ScenarioEvent, i);
    }
}

Simulator::~Simulator() = default;

RunSummary summarizeRun(const Simulator& simulator, double wallSeconds)
{
    RunSummary summary;
    summary.stats = simulator.engine().snapshot();
    for (TierId tier : kAllTiers)
        summary.tierEnabled[tierIndex(tier)] = simulator.tierEnabled(tier);
    summary.requests = simulator.requestsIssued();
    summary.wallSeconds = wallSeconds;
    return summary;
}

Status Simulator::start()
{
    if (m_started)
        return sourceStatus();
    m_started = true;
    std::unique_ptr<RequestSource> source;
    if (!m_scenario.tracePath.empty()) {
        source = std::make_unique<TraceSource>(m_scenario.tracePath, m_scenario.tracePath, m_keys,
                                               m_scenario.policy);
    } else if (m_scenario.synthetic) {
        source = std::make_unique<SyntheticSource>(*m_scenario.synthetic, m_keys, m_scenario.seed);
    } else {
        return Error{"no_workload", "the scenario has neither a workload nor a trace"};
    }
    // Requests are produced on a second thread; a trace interns ids into the
    // key space meanwhile, under its mutex.
    m_source = std::make_unique<PrefetchSource>(std::move(source), &m_keys.mutex());
    return sourceStatus();
}

Status Simulator::sourceStatus() const
{
    if (m_source) {
        if (const Diagnostic* problem = m_source->error())
            return Error{"bad_trace", problem->format()};
    }
    return Done{};
}

SimulatedBehaviour* Simulator::behaviour(TierId tier)
{
    switch (tier) {
    case TierId::EdgeCache: return m_edgeCache ? &m_edgeCache->behaviour() : nullptr;
    case TierId::EdgeKv: return m_edgeKv ? &m_edgeKv->behaviour() : nullptr;
    case TierId::Origin: return m_origin ? &m_origin->behaviour() : nullptr;
    case TierId::ClientCache: return m_clientCache ? &m_clientCache->behaviour() : nullptr;
    }
    return nullptr;
}

SimulatedTier* Simulator::cacheTier(TierId tier)
{
    switch (tier) {
    case TierId::EdgeCache: return m_edgeCache.get();
    case TierId::EdgeKv: return m_edgeKv.get();
    case TierId::ClientCache: return m_clientCache.get();
    case TierId::Origin: break;
    }
    return nullptr;
}

bool Simulator::setFaults(TierId tier, const FaultState& faults)
{
    SimulatedBehaviour* b = behaviour(tier);
    if (!b)
        return false;
    b->faults() = faults;
    for (std::uint32_t& generation : m_faultGeneration[tierIndex(tier)])
        ++generation;
    return true;
}

std::optional<Micros> Simulator::plannedEnd() const { return m_scenario.duration; }

double Simulator::progress() const
{
    if (m_finished)
        return 1.0;
    double share = 0.0;
    if (m_requestLimit && *m_requestLimit > 0)
        share = double(m_issued) / double(*m_requestLimit);
    if (m_scenario.duration && *m_scenario.duration > 0)
        share = std::max(share, double(m_now) / double(*m_scenario.duration));
    if (m_source)
        share = std::max(share, m_source->progress());
    return std::min(share, 1.0);
}

bool Simulator::suspendAfterCall(OpToken op, Micros latency)
{
    if (latency <= 0)
        return false;
    m_queue.push(m_now + latency, SimEventKind::EngineOp, op);
    return true;
}

void Simulator::wakeAfter(OpToken op, Micros delay)
{
    m_queue.push(m_now + std::max<Micros>(delay, 0), SimEventKind::EngineOp, op);
}

void Simulator::prefetchFor(const SimRequest& request)
{
    if (request.op != TraceOp::Get)
        return;
    m_engine->prefetch(request.ns, request.rid);
    if (m_origin && request.size != 0)
        m_origin->prefetchObjectSize(request.ns, request.rid);
}

bool Simulator::pullArrival()
{
    if (m_haveNext)
        return true;
    if (m_sourceDone || !m_source)
        return false;
    if (m_requestLimit && m_issued >= *m_requestLimit) {
        m_sourceDone = true;
        return false;
    }
    if (m_batchPos == m_batch.size()) {
        m_batch = m_source->nextBatch();
        m_batchPos = 0;
        if (m_batch.empty()) {
            m_sourceDone = true;
            return false;
        }
        for (std::size_t i = 0; i < kLookahead && i < m_batch.size(); ++i)
            prefetchFor(m_batch[i]);
    }
    if (m_batchPos + kLookahead < m_batch.size())
        prefetchFor(m_batch[m_batchPos + kLookahead]);
    m_next = &m_batch[m_batchPos++];
    if (m_scenario.duration && m_next->time >= *m_scenario.duration) {
        m_sourceDone = true;
        return false;
    }
    m_haveNext = true;
    return true;
}

void Simulator::issue(const SimRequest& request)
{
    ++m_issued;
    switch (request.op) {
    case TraceOp::Get:
        if (m_origin && request.size != 0)
            m_origin->noteObjectSize(request.ns, request.rid, request.size);
        m_engine->read(request.ns, request.rid);
        break;
    case TraceOp::Set: {
        Entry entry;
        entry.size = request.size != 0 ? request.size
                     : m_origin        ? m_origin->objectSize(request.ns, request.rid)
                                       : 1024u;
        m_engine->write(request.ns, request.rid, std::move(entry));
        break;
    }
    case TraceOp::Delete: m_engine->remove(request.ns, request.rid); break;
    }
}

Status Simulator::runUntil(Micros until)
{
    if (!m_started) {
        if (Status status = start(); !status) {
            m_finished = true; // nothing can run: callers looping on finished() stop
            return status;
        }
    }
    while (!m_finished) {
        const bool haveArrival = pullArrival();
        if (!haveArrival && !m_engine->busy()) {
            // Only timers (scenario events, KV back-off) are left: the run is over.
            m_finished = true;
            break;
        }
        const Micros eventTime = m_queue.empty() ? kNever : m_queue.top().time;
        const Micros arrivalTime = haveArrival ? m_next->time : kNever;
        const Micros next = std::min(eventTime, arrivalTime);
        if (next == kNever) {
            m_finished = true;
            break;
        }
        if (next > until) {
            m_now = std::max(m_now, until);
            break;
        }
        // At one instant, answers already due run before new arrivals.
        if (eventTime <= arrivalTime) {
            const SimEvent event = m_queue.pop();
            m_now = std::max(m_now, event.time);
            handle(event);
        } else {
            m_now = std::max(m_now, arrivalTime);
            m_haveNext = false;
            issue(*m_next);
        }
    }
    if (m_finished)
        m_engine->flushStats();
    return sourceStatus();
}

Status Simulator::run(const std::function<void(double)>& progress)
{
    if (!progress)
        return runUntil(kNever);
    while (!m_finished) {
        // Run in slices so the caller hears of progress; a slice ends after
        // kProgressEvery requests of virtual time or at the end.
        const std::uint64_t target = m_issued + kProgressEvery;
        Status status = Done{};
        while (!m_finished && m_issued < target) {
            status = runUntil(m_now + kMicrosPerSecond / 10);
            if (!status)
                return status;
        }
        progress(this->progress());
    }
    return sourceStatus();
}

void Simulator::handle(const SimEvent& event)
{
    switch (event.kind()) {
    case SimEventKind::EngineOp: m_engine->resume(event.value()); break;
    case SimEventKind::ScenarioEvent:
        applyScenarioEvent(m_scenario.events[event.value()], m_eventResources[event.value()]);
        break;
    case SimEventKind::FaultEnd: {
        const auto tier = static_cast<TierId>(event.value() & 0xff);
        const auto action = static_cast<EventAction>((event.value() >> 8) & 0xff);
        const auto generation = static_cast<std::uint32_t>(event.value() >> 16);
        if (m_faultGeneration[tierIndex(tier)][int(action)] != generation)
            break; // the fault was set again since: this end is not its end
        if (SimulatedBehaviour* b = behaviour(tier)) {
            if (action == EventAction::Down)
                b->faults().down = false;
            else if (action == EventAction::Slow)
                b->faults().slowFactor = 1.0;
            else if (action == EventAction::Flaky)
                b->faults().flakyRate = 0.0;
        }
        break;
    }
    }
}

void Simulator::applyScenarioEvent(const ScenarioEvent& event, ResourceId resource)
{
    std::string result;
    switch (event.action) {
    case EventAction::Down:
    case EventAction::Up:
    case EventAction::Slow:
    case EventAction::Flaky: {
        SimulatedBehaviour* b = event.tier ? behaviour(*event.tier) : nullptr;
        if (!b)
            return; // a disabled tier has nothing to break
        if (event.action == EventAction::Down)
            b->faults().down = true, result = "down";
        else if (event.action == EventAction::Up)
            b->faults().down = false, result = "up";
        else if (event.action == EventAction::Slow)
            b->faults().slowFactor = event.factor, result = "slow";
        else
            b->faults().flakyRate = event.failureRate, result = "flaky";
        const int t = tierIndex(*event.tier);
        const std::uint32_t generation = ++m_faultGeneration[t][int(event.action)];
        if (event.action == EventAction::Up)
            ++m_faultGeneration[t][int(EventAction::Down)]; // an `up` ends any pending `down`
        if (event.action != EventAction::Up && event.duration > 0) {
            m_queue.push(m_now + event.duration, SimEventKind::FaultEnd,
                         (std::uint64_t(generation) << 16) | (std::uint64_t(event.action) << 8) |
                             std::uint64_t(t));
            result += " for " + formatDuration(event.duration);
        }
        break;
    }
    case EventAction::Purge: {
        std::optional<PurgeScope> scope;
        if (event.all) {
            scope = Engine::allScope();
        } else if (!event.key.empty()) {
            if (auto address = parseResourceAddress(event.key)) {
                if (auto ns = m_keys.findNamespace(address->ns))
                    scope = m_engine->keyScope(*ns, resource);
            }
        } else if (auto ns = m_keys.findNamespace(event.ns)) {
            scope = Engine::namespaceScope(*ns);
        }
        if (!scope)
            return;
        result = "purged " + countOf(m_engine->purge(*scope).total(), "entry", "entries");
        break;
    }
    case EventAction::Bump: {
        const auto ns = m_keys.findNamespace(event.ns);
        if (!ns)
            return;
        const Result<std::uint64_t> version = m_engine->bump(*ns);
        if (!version)
            return;
        result = "version " + std::to_string(*version);
        break;
    }
    }
    if (m_eventObserver)
        m_eventObserver(event, result);
}

} // namespace fallback
