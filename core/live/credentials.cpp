#include "live/credentials.h"

#include "util/text.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>

namespace fallback::live {

namespace {

/// Far more than any bearer token; a larger file is not a token file.
constexpr std::size_t kMaxTokenFileBytes = 64 * 1024;

std::string_view trimmed(std::string_view text)
{
    const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; };
    while (!text.empty() && space(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && space(text.back()))
        text.remove_suffix(1);
    return text;
}

std::string expandHome(const std::string& path)
{
    if (path == "~" || path.rfind("~/", 0) == 0) {
        if (const char* home = std::getenv("HOME"); home && *home)
            return std::string(home) + path.substr(1);
    }
    return path;
}

Result<std::string> fromEnvironment(const std::string& name)
{
    const char* value = std::getenv(name.c_str());
    if (!value)
        return Error{"token_env", "the token variable " + name + " is not set"};
    const std::string_view token = trimmed(value);
    if (token.empty())
        return Error{"token_env", "the token variable " + name + " is empty"};
    if (hasControlCharacter(token))
        return Error{"token_env", "the token variable " + name + " holds control characters"};
    return std::string(token);
}

Result<std::string> fromFile(const std::string& given, std::string* warning)
{
    const std::string path = expandHome(given);
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0)
        return Error{"token_file", "cannot read the token file " + given + ": " + std::strerror(errno)};
    if (S_ISDIR(info.st_mode))
        return Error{"token_file", "cannot read the token file " + given + ": it is a directory"};
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return Error{"token_file", "cannot read the token file " + given + ": " + std::strerror(errno)};
    // Read a bounded prefix: pointing --token-file at a huge file must not
    // load it whole.
    std::string head(kMaxTokenFileBytes + 1, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
    const std::size_t newline = head.find('\n');
    if (newline == std::string::npos && head.size() > kMaxTokenFileBytes)
        return Error{"token_file", "the token file " + given + " does not look like a token file (its first line is over 64 KiB)"};
    const std::string line = head.substr(0, newline);
    const std::string_view token = trimmed(line);
    if (token.empty())
        return Error{"token_file", "the token file " + given + " is empty (the token goes on its first line)"};
    if (hasControlCharacter(token))
        return Error{"token_file", "the token in " + given + " holds control characters"};
    // Refusing would break set-ups that protect the directory instead; a
    // warning tells the user without stopping them.
    if (warning && (info.st_mode & (S_IRGRP | S_IROTH))) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(info.st_mode & 07777));
        *warning = "the token file " + given + " can be read by other users (mode " + mode + "): chmod 600 it";
    }
    return std::string(token);
}

} // namespace

Result<std::string> resolveToken(const TokenSource& source, std::string* warning)
{
    if (warning)
        warning->clear();
    switch (source.kind) {
    case TokenSource::Kind::Env:
        return fromEnvironment(source.ref);
    case TokenSource::Kind::File:
        return fromFile(source.ref, warning);
    case TokenSource::Kind::Keychain:
        return Error{"keychain", "the token of keychain:" + source.ref
                                     + " is in the OS keychain, which only fallback-console reads"};
    case TokenSource::Kind::None:
        break;
    }
    return Error{"no_token", "no token source is set"};
}

Result<std::string> readTokenFile(const std::string& path, std::string* warning)
{
    return resolveToken(TokenSource{TokenSource::Kind::File, path}, warning);
}


} // namespace fallback::live
