#pragma once

// A full disk, without a full disk: RLIMIT_FSIZE caps the size of every file
// a process writes, and with SIGXFSZ ignored a write past the cap fails with
// EFBIG (after writing what fits), as a write to a full disk fails with
// ENOSPC. Works unprivileged and as root, where permission tricks do not.

#include <sys/resource.h>

#include <csignal>

namespace nodetest {

/// Caps the size of files this process writes while it lives.
class FileSizeLimit {
public:
    explicit FileSizeLimit(rlim_t bytes)
    {
        ::getrlimit(RLIMIT_FSIZE, &m_old);
        m_oldHandler = std::signal(SIGXFSZ, SIG_IGN);
        const rlimit capped{bytes, m_old.rlim_max};
        m_ok = ::setrlimit(RLIMIT_FSIZE, &capped) == 0;
    }
    ~FileSizeLimit()
    {
        ::setrlimit(RLIMIT_FSIZE, &m_old);
        std::signal(SIGXFSZ, m_oldHandler);
    }
    FileSizeLimit(const FileSizeLimit&) = delete;
    FileSizeLimit& operator=(const FileSizeLimit&) = delete;
    bool ok() const { return m_ok; }

private:
    rlimit m_old{};
    void (*m_oldHandler)(int) = SIG_DFL;
    bool m_ok = false;
};

} // namespace nodetest
