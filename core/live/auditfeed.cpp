#include "live/auditfeed.h"

#include "util/isotime.h"

#include <nlohmann/json.hpp>

namespace fallback::live {

std::string cleanClientName(std::string_view value)
{
    std::string name;
    for (char c : value) {
        if (c >= 0x20 && c < 0x7f && name.size() < kMaxClientName)
            name.push_back(c);
    }
    const std::size_t first = name.find_first_not_of(' ');
    if (first == std::string::npos)
        return {};
    return name.substr(first, name.find_last_not_of(' ') - first + 1);
}

std::string auditEntryKey(const AuditEntry& entry)
{
    return entry.timeText + '\n' + entry.action + '\n' + entry.target + '\n' + entry.peer;
}

std::string AuditEntry::who() const
{
    // The peer's port tells nothing to a person; its address does.
    std::string host = peer;
    if (const std::size_t colon = host.rfind(':'); colon != std::string::npos && host.find(':') == colon)
        host.resize(colon); // IPv4 `a.b.c.d:port` (an IPv6 peer is kept whole)
    if (client.empty())
        return host.empty() ? std::string("unknown") : host;
    return host.empty() ? client : client + " (" + host + ")";
}

Result<AuditPage> parseAuditPage(std::string_view body)
{
    const nlohmann::json doc = nlohmann::json::parse(body, nullptr, false);
    if (!doc.is_object())
        return Error{"bad_audit", "the audit answer is not a JSON object"};
    const auto records = doc.find("records");
    if (records == doc.end() || !records->is_array())
        return Error{"bad_audit", "the audit answer has no 'records' list"};
    auto text = [](const nlohmann::json& object, const char* name) -> std::string {
        const auto it = object.find(name);
        return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    auto number = [](const nlohmann::json& object, const char* name) -> std::uint64_t {
        const auto it = object.find(name);
        return it != object.end() && it->is_number_unsigned() ? it->get<std::uint64_t>() : 0;
    };
    AuditPage page;
    page.instance = text(doc, "instance");
    page.lastSeq = number(doc, "last_seq");
    page.missed = number(doc, "missed");
    if (const auto more = doc.find("more"); more != doc.end() && more->is_boolean())
        page.more = more->get<bool>();
    for (const nlohmann::json& item : *records) {
        if (!item.is_object())
            continue;
        AuditEntry entry;
        entry.seq = number(item, "seq");
        entry.timeText = text(item, "time");
        entry.action = text(item, "action");
        const std::optional<Micros> time = parseIsoTime(entry.timeText);
        if (entry.seq == 0 || !time || entry.action.empty())
            continue;
        entry.time = *time;
        entry.target = text(item, "target");
        entry.result = text(item, "result");
        const auto ok = item.find("ok");
        entry.ok = ok == item.end() || !ok->is_boolean() || ok->get<bool>();
        entry.peer = text(item, "peer");
        entry.client = text(item, "client");
        page.entries.push_back(std::move(entry));
    }
    return page;
}

} // namespace fallback::live
