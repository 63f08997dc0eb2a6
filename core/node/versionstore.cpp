#include "node/versionstore.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace fallback::node {

Result<VersionStore> VersionStore::load(const std::string& path)
{
    VersionStore store;
    store.m_path = path;
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return store; // first start
    std::stringstream text;
    text << in.rdbuf();
    const nlohmann::json doc = nlohmann::json::parse(text.str(), nullptr, false);
    if (doc.is_discarded() || !doc.is_object())
        return Error{"versions_file", "'" + path + "' is not a JSON object of versions; "
                                          "fix or remove it"};
    for (auto it = doc.begin(); it != doc.end(); ++it) {
        if (!it.value().is_number_unsigned())
            return Error{"versions_file", "'" + path + "': the version of '" + it.key() +
                                              "' is not a non-negative integer"};
        store.m_versions[it.key()] = it.value().get<std::uint64_t>();
    }
    return store;
}

std::size_t VersionStore::raise(Policy& policy) const
{
    std::size_t raised = 0;
    for (NamespacePolicy& ns : policy.namespaces) {
        const std::uint64_t saved = version(ns.name);
        if (saved > ns.version) {
            ns.version = saved;
            ++raised;
        }
    }
    return raised;
}

std::uint64_t VersionStore::version(const std::string& ns) const
{
    const auto it = m_versions.find(ns);
    return it == m_versions.end() ? 0 : it->second;
}

Status VersionStore::record(const Policy& policy)
{
    for (const NamespacePolicy& ns : policy.namespaces) {
        auto [it, added] = m_versions.emplace(ns.name, ns.version);
        if (added) {
            m_unsaved = true;
        } else if (ns.version > it->second) {
            it->second = ns.version;
            m_unsaved = true;
        }
    }
    return retry();
}

Status VersionStore::retry()
{
    if (!m_unsaved)
        return Done{};
    Status saved = save();
    if (saved)
        m_unsaved = false;
    else
        ++m_writeErrors;
    return saved;
}

Status VersionStore::save()
{
    nlohmann::json doc = nlohmann::json::object();
    for (const auto& [name, version] : m_versions)
        doc[name] = version;
    const std::string text = doc.dump(2) + "\n";
    const std::string temp = m_path + ".tmp";
    auto fail = [&](const char* what) {
        const std::string why = std::strerror(errno);
        ::unlink(temp.c_str());
        return Status(Error{"versions_file", std::string(what) + " '" + m_path + "': " + why});
    };
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return fail("cannot write");
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            ::close(fd);
            return fail("cannot write");
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) {
        ::close(fd);
        return fail("cannot sync");
    }
    ::close(fd);
    // rename() is atomic: a reader (or a restart after a crash) sees the old
    // file or the new one, never half of one.
    if (::rename(temp.c_str(), m_path.c_str()) != 0)
        return fail("cannot replace");
    const std::size_t slash = m_path.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : m_path.substr(0, slash ? slash : 1);
    const int dirFd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirFd >= 0) {
        ::fsync(dirFd);
        ::close(dirFd);
    }
    return Done{};
}

} // namespace fallback::node
