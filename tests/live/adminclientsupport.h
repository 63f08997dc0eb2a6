#pragma once

// What the AdminClient tests share: answers collected from the client's
// worker thread, an endpoint with short timeouts, and a server that never
// answers. With scriptedhttpserver.h.

#include "live/adminclient.h"
#include "scriptedhttpserver.h"

#include <atomic>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

/// Answers collected from the client's worker thread, each with the tag of
/// the handler that took it.
class Answers {
public:
    fallback::live::ResponseHandler handler(int tag = 0)
    {
        return [this, tag](fallback::live::Response r) {
            std::lock_guard lock(m_mutex);
            m_items.emplace_back(tag, std::move(r));
            m_count.store(int(m_items.size()));
        };
    }
    int count() const { return m_count.load(); }
    fallback::live::Response at(std::size_t i) const
    {
        std::lock_guard lock(m_mutex);
        return m_items.at(i).second;
    }
    std::vector<std::pair<int, fallback::live::Response>> all() const
    {
        std::lock_guard lock(m_mutex);
        return m_items;
    }

private:
    mutable std::mutex m_mutex;
    std::vector<std::pair<int, fallback::live::Response>> m_items;
    std::atomic<int> m_count{0};
};

/// `url` with `token`, a 5 s timeout and a 20 ms back-off.
inline fallback::live::Endpoint endpoint(const std::string& url, const std::string& token = {})
{
    fallback::live::Endpoint e;
    e.url = url;
    e.token = token;
    e.timeout = 5 * fallback::kMicrosPerSecond;
    e.retryBackoff = 20 * fallback::kMicrosPerMilli;
    return e;
}

/// A script that never answers.
inline ScriptedServer::Script never()
{
    return [](const Seen&, int) { return std::optional<QByteArray>(); };
}
