#include "node/auth.h"

#include "util/text.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

namespace fallback::node {

namespace {

constexpr std::size_t kMaxTokenFileBytes = 4096;

std::string trim(std::string_view text)
{
    const char* space = " \t\r\n";
    const std::size_t first = text.find_first_not_of(space);
    if (first == std::string_view::npos)
        return {};
    const std::size_t last = text.find_last_not_of(space);
    return std::string(text.substr(first, last - first + 1));
}

} // namespace

bool tokenMatches(std::string_view expected, std::string_view presented)
{
    // Every byte of the presented token is looked at, against the expected
    // byte at the same place (or a dummy past its end), and differences are
    // OR-ed together: the time depends on the length only, never on where
    // the first wrong byte is. An empty expected token matches nothing.
    if (expected.empty())
        return false;
    unsigned char diff = expected.size() == presented.size() ? 0 : 1;
    for (std::size_t i = 0; i < presented.size(); ++i) {
        const unsigned char want =
            i < expected.size() ? static_cast<unsigned char>(expected[i]) : 0;
        diff |= static_cast<unsigned char>(want ^ static_cast<unsigned char>(presented[i]));
    }
    // Keep the compiler from turning the loop into an early-exit compare.
    volatile unsigned char sink = diff;
    return sink == 0;
}

std::string_view bearerToken(const std::string* authorization)
{
    if (!authorization)
        return {};
    std::string_view value = *authorization;
    constexpr std::string_view scheme = "bearer ";
    if (value.size() <= scheme.size())
        return {};
    for (std::size_t i = 0; i < scheme.size(); ++i) {
        const char c = value[i];
        const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
        if (lower != scheme[i])
            return {};
    }
    value.remove_prefix(scheme.size());
    return trimSpaces(value);
}

Result<std::string> generateToken()
{
    unsigned char bytes[32];
    std::size_t got = 0;
    while (got < sizeof bytes) {
        const ssize_t n = getrandom(bytes + got, sizeof bytes - got, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return Error{"no_randomness", std::string("cannot get random bytes: ") +
                                              std::strerror(errno)};
        }
        got += static_cast<std::size_t>(n);
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string token;
    token.reserve(64);
    for (unsigned char b : bytes) {
        token.push_back(kHex[b >> 4]);
        token.push_back(kHex[b & 15]);
    }
    return token;
}

Result<std::string> readTokenFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return Error{"token_file", "cannot read the admin token file '" + path + "'"};
    std::string content(kMaxTokenFileBytes + 1, '\0');
    in.read(content.data(), static_cast<std::streamsize>(content.size()));
    content.resize(static_cast<std::size_t>(in.gcount()));
    if (content.size() > kMaxTokenFileBytes)
        return Error{"token_file", "the admin token file '" + path + "' is larger than 4 KiB"};
    const std::size_t newline = content.find('\n');
    const std::string token = trim(std::string_view(content).substr(0, newline));
    if (token.empty())
        return Error{"token_file", "the admin token file '" + path + "' is empty"};
    for (char c : token) {
        if (static_cast<unsigned char>(c) < 0x21 || c == 0x7f)
            return Error{"token_file", "the admin token in '" + path +
                                           "' contains spaces or control characters"};
    }
    return token;
}

Result<std::string> loadOrCreateTokenFile(const std::string& path, bool* created)
{
    if (created)
        *created = false;
    struct stat info {};
    if (::stat(path.c_str(), &info) == 0)
        return readTokenFile(path);

    Result<std::string> token = generateToken();
    if (!token)
        return token;
    // O_EXCL: never overwrite a token another process just wrote.
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return Error{"token_file", "cannot create the admin token file '" + path +
                                       "': " + std::strerror(errno)};
    const std::string line = token.value() + "\n";
    const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
    const bool synced = ::fsync(fd) == 0;
    ::close(fd);
    if (!written || !synced) {
        ::unlink(path.c_str());
        return Error{"token_file", "cannot write the admin token file '" + path + "'"};
    }
    if (created)
        *created = true;
    return token;
}

} // namespace fallback::node
