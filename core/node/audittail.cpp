#include "node/audittail.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <random>

namespace fallback::node {

void AuditTail::add(AuditRecord record)
{
    m_records.push_back({m_next++, std::move(record)});
    while (m_records.size() > kKeep)
        m_records.pop_front();
}

nlohmann::json AuditTail::page(std::optional<std::uint64_t> after, std::size_t limit) const
{
    limit = std::clamp<std::size_t>(limit, 1, kMaxPage);
    const std::uint64_t first = m_records.empty() ? m_next : m_records.front().seq;
    std::size_t begin = 0;
    std::uint64_t missed = 0;
    if (!after) {
        begin = m_records.size() > limit ? m_records.size() - limit : 0;
    } else {
        // Numbers are consecutive: the record after `after` sits at a known index.
        if (*after < first - 1) // first >= 1: numbers start at 1
            missed = first - 1 - *after;
        begin = *after < first ? 0 : std::min<std::uint64_t>(*after - first + 1, m_records.size());
    }
    const std::size_t end = std::min(m_records.size(), begin + limit);
    nlohmann::json records = nlohmann::json::array();
    for (std::size_t i = begin; i < end; ++i) {
        const Numbered& entry = m_records[i];
        nlohmann::json item = auditJson(entry.record);
        item["seq"] = entry.seq;
        records.push_back(std::move(item));
    }
    return {{"instance", m_instance},
            {"records", std::move(records)},
            {"first_seq", first},
            {"last_seq", lastSeq()},
            {"more", end < m_records.size()},
            {"missed", missed}};
}

std::vector<AuditRecord> readAuditTail(const std::string& path, std::size_t count,
                                       std::size_t maxBytes)
{
    std::vector<AuditRecord> records;
    std::ifstream file(path, std::ios::binary | std::ios::ate);
    if (!file || count == 0)
        return records;
    const std::streamoff size = file.tellg();
    if (size <= 0)
        return records;
    const std::streamoff start = size > std::streamoff(maxBytes) ? size - std::streamoff(maxBytes) : 0;
    std::string text(static_cast<std::size_t>(size - start), '\0');
    file.seekg(start);
    if (!file.read(text.data(), static_cast<std::streamsize>(text.size())))
        return records;
    std::size_t from = 0;
    if (start > 0) { // began inside a line: skip to the next whole one
        from = text.find('\n');
        if (from == std::string::npos)
            return records;
        ++from;
    }
    while (from < text.size()) {
        std::size_t newline = text.find('\n', from);
        if (newline == std::string::npos)
            break; // a torn last line (a crash mid-write) is not a record
        if (std::optional<AuditRecord> record =
                parseAuditLine(std::string_view(text).substr(from, newline - from)))
            records.push_back(std::move(*record));
        from = newline + 1;
    }
    if (records.size() > count)
        records.erase(records.begin(), records.end() - static_cast<std::ptrdiff_t>(count));
    return records;
}

std::string newInstanceName()
{
    std::random_device random;
    const std::uint64_t value = (std::uint64_t(random()) << 32) ^ random();
    char buffer[17];
    std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(value));
    return buffer;
}

} // namespace fallback::node
