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
    request.rid = m_rids[m_zipf.sample(m_random)];
    request.op = m_random.uniform() < m_workload.readRatio ? TraceOp::Get : TraceOp::Set;

    // A stable size per object: hash (namespace, id) into the range.
    std::uint64_t h = m_sizeSeed ^ (std::uint64_t(request.ns) << 40) ^ request.rid;
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDULL;
    h ^= h >> 33;
    const std::uint64_t span = m_workload.objectSize.max - m_workload.objectSize.min + 1;
    request.size = static_cast<std::uint32_t>(m_workload.objectSize.min + h % span);
    return true;
}

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
    if (!m_reader.next(record))
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
    return m_reader.fileSize() ? double(m_reader.bytesRead()) / double(m_reader.fileSize()) : 0.0;
}

const Diagnostic* TraceSource::error() const
{
    if (m_failed)
        return &m_error;
    if (!m_reader.ok())
        return &m_reader.error();
    return nullptr;
}

} // namespace fallback
