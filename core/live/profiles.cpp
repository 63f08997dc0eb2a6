#include "live/profiles.h"

#include "policy/yamlsupport.h"
#include "util/suggest.h"
#include "util/text.h"

#include <unordered_map>

namespace fallback {

namespace {

constexpr std::string_view kTopKeys[] = {"schema", "deployments"};
constexpr std::string_view kTopRequired[] = {"deployments"};
constexpr std::string_view kProfileKeys[] = {"name", "kind", "url", "token", "environment", "poll_interval"};
constexpr std::string_view kProfileRequired[] = {"name", "url"};
constexpr std::string_view kKinds[] = {"fallback-node"};
constexpr Micros kMinPollInterval = 100 * kMicrosPerMilli;
constexpr std::size_t kMaxNameLength = 100;

bool isEnvName(std::string_view name)
{
    if (name.empty() || (name.front() >= '0' && name.front() <= '9'))
        return false;
    for (char c : name) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
        if (!ok)
            return false;
    }
    return true;
}

bool isEnvironmentWord(std::string_view word)
{
    if (word.empty() || word.front() < 'a' || word.front() > 'z')
        return false;
    for (char c : word) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return false;
    }
    return true;
}

/// Token messages never quote the value: if it is a secret after all, it must
/// not end up in a terminal, a CI log or a bug report.
std::optional<TokenSource> readToken(const YamlField& field, YamlChecker& checker)
{
    auto text = checker.scalar(field, "env:NAME, file:PATH or keychain:ENTRY");
    if (!text)
        return std::nullopt;
    const std::string_view value(*text);
    auto refAfter = [&](std::string_view prefix) -> std::optional<std::string> {
        if (value.substr(0, prefix.size()) != prefix)
            return std::nullopt;
        return std::string(value.substr(prefix.size()));
    };
    if (auto ref = refAfter("env:")) {
        if (!isEnvName(*ref)) {
            checker.error(field, "token env: needs an environment variable name such as env:EDGE_TOKEN "
                                 "(letters, digits and '_')");
            return std::nullopt;
        }
        return TokenSource{TokenSource::Kind::Env, *ref};
    }
    if (auto ref = refAfter("file:")) {
        if (ref->empty() || hasControlCharacter(*ref)) {
            checker.error(field, "token file: needs the path of the file that holds the token");
            return std::nullopt;
        }
        return TokenSource{TokenSource::Kind::File, *ref};
    }
    if (auto ref = refAfter("keychain:")) {
        if (ref->empty() || hasControlCharacter(*ref)) {
            checker.error(field, "token keychain: needs the name of a keychain entry");
            return std::nullopt;
        }
        return TokenSource{TokenSource::Kind::Keychain, *ref};
    }
    checker.error(field, "tokens never live in the YAML: use env:, file: or keychain:");
    return std::nullopt;
}

/// Checks `http(s)://host...`; returns the host (without port) or nullopt.
std::optional<std::string> readUrl(const YamlField& field, YamlChecker& checker)
{
    auto text = checker.scalar(field, "an http:// or https:// URL");
    if (!text)
        return std::nullopt;
    std::string_view rest(*text);
    if (rest.substr(0, 7) == "http://")
        rest.remove_prefix(7);
    else if (rest.substr(0, 8) == "https://")
        rest.remove_prefix(8);
    else {
        checker.error(field, "url " + quoteForMessage(*text) + " is invalid: it must start with http:// or https://");
        return std::nullopt;
    }
    const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
    if (authority.find('@') != std::string_view::npos) {
        // Not quoted: the part before '@' is a password.
        checker.error(field, "url must not hold credentials (user:password@): put the token behind token: instead");
        return std::nullopt;
    }
    if (authority.empty() || authority.front() == ':' || hasControlCharacter(*text)
        || text->find(' ') != std::string::npos) {
        checker.error(field, "url " + quoteForMessage(*text) + " is invalid: it needs a host, as in https://edge.example.com");
        return std::nullopt;
    }
    std::string host(authority);
    if (host.front() == '[')
        host = host.substr(0, host.find(']') + 1);
    else
        host = host.substr(0, host.find(':'));
    return host;
}

bool isLoopback(const std::string& host)
{
    return host == "localhost" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

std::optional<DeploymentProfile> readProfile(const YAML::Node& node, const YAML::Mark& fallbackMark,
                                             YamlChecker& checker,
                                             std::unordered_map<std::string, int>& declaredAt)
{
    auto map = checker.mapping(node, fallbackMark, "each deployment", "in deployment", kProfileKeys,
                               kProfileRequired);
    if (!map)
        return std::nullopt;
    DeploymentProfile profile;
    bool ok = true;
    auto check = [&ok](bool good) { ok = ok && good; };

    if (const YamlField* f = map->find("name")) {
        auto name = checker.scalar(*f, "a deployment name");
        check(name.has_value());
        if (name && (name->empty() || name->size() > kMaxNameLength || hasControlCharacter(*name))) {
            checker.error(*f, "name " + quoteForMessage(*name) + " is invalid: use 1 to "
                                  + std::to_string(kMaxNameLength) + " printable characters");
            check(false);
        } else if (name) {
            if (auto first = declaredAt.find(*name); first != declaredAt.end()) {
                checker.error(*f, "duplicate deployment " + quoteForMessage(*name) + " (first declared at line "
                                      + std::to_string(first->second) + ")");
                check(false);
            } else {
                declaredAt.emplace(*name, markLine(f->key.Mark()));
                profile.name = *name;
            }
        }
    }
    if (const YamlField* f = map->find("kind")) {
        auto kind = checker.scalar(*f, "fallback-node");
        check(kind.has_value());
        if (kind && *kind != "fallback-node") {
            std::string message = "kind " + quoteForMessage(*kind) + " is not supported: use fallback-node";
            if (const std::string guess = nearestMatch(*kind, kKinds); !guess.empty())
                message += " (did you mean '" + guess + "'?)";
            checker.error(*f, std::move(message));
            check(false);
        }
    }
    std::optional<std::string> host;
    if (const YamlField* f = map->find("url")) {
        host = readUrl(*f, checker);
        check(host.has_value());
        if (host)
            profile.url = f->value.Scalar();
    }
    if (const YamlField* f = map->find("token")) {
        auto token = readToken(*f, checker);
        check(token.has_value());
        if (token)
            profile.token = *token;
    }
    if (const YamlField* f = map->find("environment")) {
        auto word = checker.scalar(*f, "a word such as production, staging or development");
        check(word.has_value());
        if (word && !isEnvironmentWord(*word)) {
            // Lower case only: `Production` must not slip past the
            // production guard, which compares the exact word.
            checker.error(*f, "environment " + quoteForMessage(*word)
                                  + " is invalid: use a lower-case word such as production, staging or development");
            check(false);
        } else if (word) {
            profile.environment = *word;
            const bool looksProduction = word->rfind("prod", 0) == 0 || *word == "prd" || *word == "live"
                                         || editDistance(*word, "production") <= 2;
            if (looksProduction && !profile.isProduction())
                checker.warning(*f, "environment " + quoteForMessage(*word)
                                        + " is not 'production': this deployment will not start read-only");
        }
    }
    if (const YamlField* f = map->find("poll_interval")) {
        auto interval = checker.duration(*f, kMinPollInterval);
        check(interval.has_value());
        if (interval)
            profile.pollInterval = *interval;
    }
    if (host && !isLoopback(*host) && profile.url.rfind("http://", 0) == 0
        && profile.token.kind != TokenSource::Kind::None)
        checker.warning(*map->find("url"), "the token would travel unencrypted over http://: use https://");
    if (!ok || profile.name.empty() || profile.url.empty())
        return std::nullopt;
    return profile;
}

} // namespace

Loaded<std::vector<DeploymentProfile>> parseProfilesYaml(std::string_view text, const std::string& fileLabel)
{
    Loaded<std::vector<DeploymentProfile>> loaded;
    YamlChecker checker(fileLabel, loaded.diagnostics);
    std::vector<DeploymentProfile> profiles;
    try {
        auto root = checker.parseDocument(text, "deployments");
        auto map = root ? checker.mapping(*root, root->Mark(), "the deployments file", "at the top level",
                                          kTopKeys, kTopRequired)
                        : std::nullopt;
        if (map) {
            checker.checkSchema(*map, true);
            if (const YamlField* f = map->find("deployments")) {
                if (!f->value.IsSequence()) {
                    checker.error(*f, "deployments must be a list of deployments (use [] for none), not "
                                          + std::string(nodeKindName(f->value)));
                } else {
                    std::unordered_map<std::string, int> declaredAt;
                    for (const YAML::Node& item : f->value) {
                        if (auto profile = readProfile(item, f->key.Mark(), checker, declaredAt))
                            profiles.push_back(std::move(*profile));
                    }
                }
            }
        }
    } catch (const std::exception& e) {
        checker.error(YAML::Mark::null_mark(), std::string("could not read the deployments: ") + e.what());
    }
    if (!loaded.diagnostics.hasErrors())
        loaded.value = std::move(profiles);
    return loaded;
}

std::string describeTokenSource(const TokenSource& source)
{
    switch (source.kind) {
    case TokenSource::Kind::Env: return "env:" + source.ref;
    case TokenSource::Kind::File: return "file:" + source.ref;
    case TokenSource::Kind::Keychain: return "keychain:" + source.ref;
    case TokenSource::Kind::None: break;
    }
    return {};
}

Loaded<std::vector<DeploymentProfile>> loadProfilesFile(const std::string& path)
{
    std::string why;
    auto text = readTextFile(path, &why);
    if (!text) {
        Loaded<std::vector<DeploymentProfile>> loaded;
        loaded.diagnostics.error(path, 1, 1, "cannot read the deployments file: " + why);
        return loaded;
    }
    return parseProfilesYaml(*text, path);
}

std::string writeProfilesYaml(const std::vector<DeploymentProfile>& profiles)
{
    std::string out = "schema: 1\n";
    if (profiles.empty())
        return out + "deployments: []\n";
    out += "deployments:\n";
    for (const DeploymentProfile& p : profiles) {
        out += "  - name: " + yamlScalar(p.name) + "\n";
        out += "    kind: " + yamlScalar(p.kind) + "\n";
        out += "    url: " + yamlScalar(p.url) + "\n";
        if (p.token.kind != TokenSource::Kind::None)
            out += "    token: " + yamlScalar(describeTokenSource(p.token)) + "\n";
        out += "    environment: " + yamlScalar(p.environment) + "\n";
        out += "    poll_interval: " + formatDuration(p.pollInterval) + "\n";
    }
    return out;
}

} // namespace fallback
