#include "node/auditlog.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace fallback::node {

nlohmann::json auditJson(const AuditRecord& record)
{
    nlohmann::json line = {{"time", isoTime(record.time)}, {"action", record.action},
                           {"target", record.target},     {"result", record.result},
                           {"ok", record.ok},             {"peer", record.peer}};
    if (!record.client.empty())
        line["client"] = record.client;
    return line;
}

std::string auditLine(const AuditRecord& record)
{
    // `replace`: a target quoting a client's invalid UTF-8 still makes a line.
    return auditJson(record).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<AuditRecord> parseAuditLine(std::string_view line)
{
    const nlohmann::json doc = nlohmann::json::parse(line, nullptr, false);
    if (!doc.is_object())
        return std::nullopt;
    auto text = [&](const char* name) -> std::string {
        const auto it = doc.find(name);
        return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    const std::optional<Micros> time = parseIsoTime(text("time"));
    AuditRecord record;
    record.action = text("action");
    if (!time || record.action.empty())
        return std::nullopt;
    record.time = *time;
    record.target = text("target");
    record.result = text("result");
    const auto ok = doc.find("ok");
    record.ok = ok == doc.end() || !ok->is_boolean() || ok->get<bool>();
    record.peer = text("peer");
    record.client = cleanClientName(text("client"));
    return record;
}

Result<std::unique_ptr<AuditLog>> AuditLog::open(const std::string& path)
{
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0)
        return Error{"audit_log", "cannot open the audit log '" + path + "': " +
                                      std::strerror(errno)};
    std::unique_ptr<AuditLog> log(new AuditLog(fd, path));
    char last = '\n';
    const off_t size = ::lseek(fd, 0, SEEK_END);
    log->m_tornTail = size > 0 && ::pread(fd, &last, 1, size - 1) == 1 && last != '\n';
    return log;
}

AuditLog::~AuditLog()
{
    if (m_fd >= 0) {
        retry();
        ::fsync(m_fd);
        ::close(m_fd);
    }
}

Status AuditLog::append(const AuditRecord& record)
{
    std::string text = auditLine(record);
    text.push_back('\n');
    if (m_pending.size() >= kMaxPending) {
        m_pending.pop_front();
        ++m_dropped;
    }
    m_pending.push_back(std::move(text));
    return retry();
}

Status AuditLog::retry()
{
    Status result = Done{};
    bool wrote = false;
    while (!m_pending.empty()) {
        if (Status written = writeLine(m_pending.front()); !written) {
            ++m_writeErrors;
            result = std::move(written);
            break;
        }
        m_pending.pop_front();
        ++m_lines;
        wrote = true;
    }
    // One sync for the lot: after an outage thousands of kept lines go out
    // at once, and a sync each would hold the engine's thread for seconds.
    // A line written but not synced is not written a second time.
    if (wrote && ::fsync(m_fd) != 0) {
        ++m_writeErrors;
        return failure("cannot sync", errno);
    }
    return result;
}

Status AuditLog::failure(const char* what, int error) const
{
    return Error{"audit_log",
                 std::string(what) + " the audit log '" + m_path + "': " + std::strerror(error)};
}

Status AuditLog::writeLine(const std::string& line)
{
    // A file that ends inside a line (a crash, or a cut that failed) gets
    // a line break first, so this line is not glued onto a fragment.
    const std::string text = m_tornTail ? "\n" + line : line;
    // O_APPEND and one write per line: lines never interleave with another
    // writer's. Where the file ended, to cut a partial line back off.
    const off_t before = ::lseek(m_fd, 0, SEEK_END);
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(m_fd, text.data() + done, text.size() - done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            const int error = errno;
            if (done > 0 && (before < 0 || ::ftruncate(m_fd, before) != 0))
                m_tornTail = true;
            return failure("cannot append to", error);
        }
        done += static_cast<std::size_t>(n);
    }
    m_tornTail = false;
    return Done{};
}

void AuditLog::flush()
{
    if (m_fd >= 0)
        ::fsync(m_fd);
}

} // namespace fallback::node
