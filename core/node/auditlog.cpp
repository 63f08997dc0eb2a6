#include "node/auditlog.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <unistd.h>

namespace fallback::node {

std::string isoTime(Micros time)
{
    const std::time_t seconds = static_cast<std::time_t>(time / kMicrosPerSecond);
    const int millis = static_cast<int>((time % kMicrosPerSecond) / kMicrosPerMilli);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char buffer[32];
    const std::size_t length = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &utc);
    std::string text(buffer, length);
    const int ms = millis < 0 ? 0 : millis % 1000;
    text += '.';
    text += static_cast<char>('0' + ms / 100);
    text += static_cast<char>('0' + ms / 10 % 10);
    text += static_cast<char>('0' + ms % 10);
    text += 'Z';
    return text;
}

Result<std::unique_ptr<AuditLog>> AuditLog::open(const std::string& path)
{
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0)
        return Error{"audit_log", "cannot open the audit log '" + path + "': " +
                                      std::strerror(errno)};
    return std::unique_ptr<AuditLog>(new AuditLog(fd, path));
}

AuditLog::~AuditLog()
{
    if (m_fd >= 0) {
        ::fsync(m_fd);
        ::close(m_fd);
    }
}

Status AuditLog::append(const AuditRecord& record)
{
    const nlohmann::json line = {{"time", isoTime(record.time)}, {"action", record.action},
                                 {"target", record.target},     {"result", record.result},
                                 {"ok", record.ok},             {"peer", record.peer}};
    // `replace`: a target quoting a client's invalid UTF-8 still makes a line.
    std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    text.push_back('\n');
    // O_APPEND and one write per line: lines never interleave or tear in
    // the middle, even with another writer.
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(m_fd, text.data() + done, text.size() - done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return Error{"audit_log", "cannot append to the audit log '" + m_path + "': " +
                                          std::strerror(errno)};
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(m_fd) != 0)
        return Error{"audit_log", "cannot sync the audit log '" + m_path + "': " +
                                      std::strerror(errno)};
    ++m_lines;
    return Done{};
}

void AuditLog::flush()
{
    if (m_fd >= 0)
        ::fsync(m_fd);
}

} // namespace fallback::node
