#include "sim/requestsource.h"

#include "util/suggest.h"

#include <cmath>

namespace fallback {

SyntheticSource::SyntheticSource(const SyntheticWorkload& workload, KeySpace& keys,
                                 std::uint64_t seed)
    : m_workload(workload), m_random(seed), m_zipf(workload.keys, workload.zipf),
      m_namespaceChoice([&] {
          std::vector<double> weights;
          for (const auto& [name, weight] : workload.namespaces)
              weights.push_back(weight);
          return weights;
      }()),
      m_sizeSeed(seed * 0x9E3779B97F4A7C15ULL + 1)
{
    for (const auto& [name, weight] : workload.namespaces)
        m_namespaces.push_back(keys.namespaceId(name));
    keys.reserveResources(keys.resourceCount() + workload.keys);
    m_rids.reserve(workload.keys);
    for (std::uint64_t k = 0; k < workload.keys; ++k)
        m_rids.push_back(keys.intern(std::to_string(k)));
}

bool SyntheticSource::next(SimRequest& request)
{
    if (m_namespaces.empty() || m_workload.rate <= 0)
        return false;
    // Exponential gaps make Poisson arrivals; 1 - u keeps log away from 0.
    m_time += -std::log(1.0 - m_random.uniform()) / m_workload.rate;
    request.time = static_cast<Micros>(m_time * double(kMicrosPerSecond));
    const std::size_t choice = m_namespaceChoice.sample(m_random);
    request.ns = m_namespaces[choice];
    const std::uint32_t rank = m_zipf.sample(m_random);
    request.rid = m_rids[rank];
    request.op = m_random.uniform() < m_workload.readRatio ? TraceOp::Get : TraceOp::Set;

    // A stable size per object: hash (namespace, rank) into the range. The
    // rank, not the interned id, so other interned names cannot shift it.
    std::uint64_t h = m_sizeSeed ^ (std::uint64_t(request.ns) << 40) ^ rank;
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDULL;
    h ^= h >> 33;
    const std::uint64_t span = m_workload.objectSize.max - m_workload.objectSize.min + 1;
    request.size = static_cast<std::uint32_t>(m_workload.objectSize.min + h % span);
    return true;
}

namespace {
constexpr std::size_t kBatchSize = 4096;
constexpr std::size_t kBatchesAhead = 4;
} // namespace

TraceSource::TraceSource(const std::string& path, const std::string& label, KeySpace& keys,
                         const Policy& policy)
    : m_reader(path, label), m_keys(keys), m_label(label.empty() ? path : label)
{
    for (const NamespacePolicy& ns : policy.namespaces) {
        m_namespaces.emplace_back(ns.name, keys.namespaceId(ns.name));
        m_namespaceNames.push_back(ns.name);
    }
}

bool TraceSource::next(SimRequest& request)
{
    if (m_failed)
        return false;
    TraceRecord record;
    const bool read = m_reader.next(record);
    m_bytesRead.store(m_reader.bytesRead(), std::memory_order_relaxed);
    if (!read)
        return false;
    const std::pair<std::string, NamespaceId>* found = nullptr;
    for (const auto& entry : m_namespaces) {
        if (entry.first == record.ns) {
            found = &entry;
            break;
        }
    }
    if (!found) {
        m_failed = true;
        std::string message = "namespace '" + std::string(record.ns) + "' is not in the policy";
        const std::string near = nearestMatch(record.ns, m_namespaceNames);
        if (!near.empty())
            message += " (did you mean '" + near + "'?)";
        m_error = Diagnostic{m_label, static_cast<int>(record.line), 1, message};
        return false;
    }
    request.time = record.time;
    request.ns = found->second;
    request.rid = m_keys.intern(record.id);
    request.size = record.size;
    request.op = record.op;
    return true;
}

double TraceSource::progress() const
{
    const std::uint64_t size = m_reader.fileSize();
    return size ? double(m_bytesRead.load(std::memory_order_relaxed)) / double(size) : 0.0;
}

const Diagnostic* TraceSource::error() const
{
    if (m_failed)
        return &m_error;
    if (!m_reader.ok())
        return &m_reader.error();
    return nullptr;
}

PrefetchSource::PrefetchSource(std::unique_ptr<RequestSource> inner, std::mutex* keysMutex)
    : m_inner(std::move(inner)), m_keysMutex(keysMutex)
{
    for (std::size_t i = 0; i < kBatchesAhead; ++i) {
        m_free.emplace_back();
        m_free.back().requests.reserve(kBatchSize);
    }
    if (m_inner->error())
        m_ended = true; // it failed before producing anything (an unreadable file)
    else
        m_thread = std::thread([this] { produce(); });
}

PrefetchSource::~PrefetchSource()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_changed.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

void PrefetchSource::produce()
{
    for (;;) {
        Batch batch;
        {
            std::unique_lock lock(m_mutex);
            m_changed.wait(lock, [&] { return m_stop || !m_free.empty(); });
            if (m_stop)
                return;
            batch = std::move(m_free.back());
            m_free.pop_back();
        }
        batch.requests.clear();
        batch.last = false;
        {
            std::unique_lock<std::mutex> keysLock;
            if (m_keysMutex)
                keysLock = std::unique_lock(*m_keysMutex);
            SimRequest request;
            while (batch.requests.size() < kBatchSize) {
                if (!m_inner->next(request)) {
                    batch.last = true;
                    break;
                }
                batch.requests.push_back(request);
            }
        }
        const bool last = batch.last;
        {
            std::lock_guard lock(m_mutex);
            m_full.push_back(std::move(batch));
        }
        m_changed.notify_all();
        if (last)
            return;
    }
}

std::span<const SimRequest> PrefetchSource::nextBatch()
{
    if (m_ended)
        return {};
    std::unique_lock lock(m_mutex);
    if (m_current.requests.capacity() > 0)
        m_free.push_back(std::move(m_current)); // consumed: the producer may refill it
    m_changed.notify_all();
    m_changed.wait(lock, [&] { return !m_full.empty(); });
    m_current = std::move(m_full.front());
    m_full.pop_front();
    if (m_current.last)
        m_ended = true; // the producer is done: its error is now safe to read
    return m_current.requests;
}

bool PrefetchSource::next(SimRequest& request)
{
    while (m_position >= m_current.requests.size()) {
        if (nextBatch().empty())
            return false; // the end: m_current is left as it was, all read
        m_position = 0;
    }
    request = m_current.requests[m_position++];
    return true;
}

double PrefetchSource::progress() const { return m_inner->progress(); }

const Diagnostic* PrefetchSource::error() const
{
    // The inner source is read only once its producer is done (ordered by
    // m_mutex when the consumer took the last batch).
    return m_ended ? m_inner->error() : nullptr;
}

} // namespace fallback
