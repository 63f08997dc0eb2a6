#include "policy/yamlsupport.h"

#include "util/suggest.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unordered_map>

namespace fallback {

namespace {

int oneBased(int zeroBased) { return zeroBased < 0 ? 1 : zeroBased + 1; }

/// Where to point at a field: its value, unless the value is empty — yaml-cpp
/// then gives the position of whatever token follows, often the next line.
YAML::Mark fieldMark(const YamlField& field)
{
    if (field.value.IsDefined() && !field.value.IsNull() && !field.value.Mark().is_null())
        return field.value.Mark();
    return field.key.Mark();
}

std::string joined(std::span<const std::string_view> words)
{
    std::string out;
    for (std::string_view word : words) {
        if (!out.empty())
            out += ", ";
        out.append(word);
    }
    return out;
}

std::optional<double> parseNumber(std::string_view text)
{
    // No sign handling by from_chars for '+'; YAML floats may also be ".5".
    if (!text.empty() && text.front() == '+')
        text.remove_prefix(1);
    double value = 0.0;
    const auto res = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || res.ec != std::errc() || res.ptr != text.data() + text.size()
        || !std::isfinite(value))
        return std::nullopt;
    return value;
}

std::string describeRange(double min, double max, bool minExclusive)
{
    if (std::isinf(max))
        return minExclusive ? "greater than " + formatNumber(min) : formatNumber(min) + " or more";
    if (minExclusive)
        return "greater than " + formatNumber(min) + " and at most " + formatNumber(max);
    return "between " + formatNumber(min) + " and " + formatNumber(max);
}

} // namespace

const YamlField* YamlMap::find(std::string_view name) const
{
    for (const YamlField& field : fields) {
        if (field.name == name)
            return &field;
    }
    return nullptr;
}

YamlChecker::YamlChecker(std::string fileLabel, Diagnostics& out)
    : m_file(std::move(fileLabel)), m_out(out)
{
}

void YamlChecker::error(const YAML::Mark& mark, std::string message)
{
    m_out.error(m_file, oneBased(mark.line), oneBased(mark.column), std::move(message));
}

void YamlChecker::warning(const YAML::Mark& mark, std::string message)
{
    m_out.warning(m_file, oneBased(mark.line), oneBased(mark.column), std::move(message));
}

void YamlChecker::error(const YamlField& field, std::string message)
{
    error(fieldMark(field), std::move(message));
}

void YamlChecker::warning(const YamlField& field, std::string message)
{
    warning(fieldMark(field), std::move(message));
}

std::optional<YAML::Node> YamlChecker::parseDocument(std::string_view text, std::string_view fileKind)
{
    YAML::Node root;
    try {
        root = YAML::Load(std::string(text));
    } catch (const YAML::DeepRecursion& e) {
        // yaml-cpp 0.7 stops deep nesting with this exception (older versions
        // crashed); its own message ("bad file") says nothing useful.
        error(e.mark, "the document is nested too deeply (more than " + std::to_string(e.depth())
                          + " levels)");
        return std::nullopt;
    } catch (const YAML::Exception& e) {
        error(e.mark, "invalid YAML: " + e.msg);
        return std::nullopt;
    } catch (const std::exception& e) {
        error(YAML::Mark::null_mark(), std::string("invalid YAML: ") + e.what());
        return std::nullopt;
    }
    if (!root.IsDefined() || root.IsNull()) {
        error(YAML::Mark::null_mark(),
              "the file is empty: a " + std::string(fileKind) + " file starts with 'schema: 1'");
        return std::nullopt;
    }
    if (!root.IsMap()) {
        error(root.Mark(), "a " + std::string(fileKind) + " file must be a mapping of keys (schema: 1, ...), not "
                               + std::string(nodeKindName(root)));
        return std::nullopt;
    }
    return root;
}

std::optional<YamlMap> YamlChecker::mapping(const YAML::Node& node, const YAML::Mark& fallbackMark,
                                            std::string_view what, std::string_view where,
                                            std::span<const std::string_view> allowed,
                                            std::span<const std::string_view> required)
{
    const YAML::Mark mark =
        node.IsDefined() && !node.IsNull() && !node.Mark().is_null() ? node.Mark() : fallbackMark;
    if (!node.IsMap()) {
        error(mark, std::string(what) + " must be a mapping of keys, not " + std::string(nodeKindName(node)));
        return std::nullopt;
    }
    YamlMap out;
    out.mark = mark;
    std::unordered_map<std::string, YAML::Mark> seen;
    for (auto it = node.begin(); it != node.end(); ++it) {
        // it-> yields a proxy: copy the (cheap, shared) nodes out of it.
        const YAML::Node key = it->first;
        const YAML::Node value = it->second;
        if (!key.IsScalar()) {
            error(key.Mark(), "keys " + std::string(where) + " must be plain words, not "
                                  + std::string(nodeKindName(key)));
            continue;
        }
        const std::string name = key.Scalar();
        bool known = false;
        for (std::string_view candidate : allowed)
            known = known || candidate == name;
        if (!known) {
            const std::string guess = nearestMatch(name, allowed);
            std::string message = "unknown key " + quoteForMessage(name) + " " + std::string(where);
            if (!guess.empty())
                message += " (did you mean '" + guess + "'?)";
            else
                message += " (valid keys: " + joined(allowed) + ")";
            error(key.Mark(), std::move(message));
            continue;
        }
        if (auto previous = seen.find(name); previous != seen.end()) {
            error(key.Mark(), "duplicate key '" + name + "' " + std::string(where) + " (first at line "
                                  + std::to_string(markLine(previous->second)) + ")");
            continue;
        }
        seen.emplace(name, key.Mark());
        out.fields.push_back({name, key, value});
    }
    for (std::string_view name : required) {
        if (!out.find(name))
            error(mark, "missing key '" + std::string(name) + "' " + std::string(where));
    }
    return out;
}

void YamlChecker::checkSchema(const YamlMap& root, bool required)
{
    const YamlField* field = root.find("schema");
    if (!field) {
        if (required)
            error(root.mark, "missing key 'schema': this file format needs 'schema: 1'");
        return;
    }
    auto text = scalar(*field, "schema version 1");
    if (text && *text != "1")
        error(*field, "schema " + quoteForMessage(*text) + " is not supported: this version reads schema 1");
}

std::optional<std::string> YamlChecker::scalar(const YamlField& field, std::string_view expected)
{
    if (!field.value.IsDefined() || field.value.IsNull()) {
        error(field, field.name + " has no value: expected " + std::string(expected));
        return std::nullopt;
    }
    if (!field.value.IsScalar()) {
        error(field, field.name + " must be " + std::string(expected) + ", not "
                         + std::string(nodeKindName(field.value)));
        return std::nullopt;
    }
    return field.value.Scalar();
}

std::optional<bool> YamlChecker::boolean(const YamlField& field)
{
    auto text = scalar(field, "true or false");
    if (!text)
        return std::nullopt;
    bool value = false;
    if (!YAML::convert<bool>::decode(field.value, value)) {
        error(field, field.name + " must be true or false (got " + quoteForMessage(*text) + ")");
        return std::nullopt;
    }
    return value;
}

std::optional<std::uint64_t> integerFromText(std::string_view name, std::string_view text,
                                            std::uint64_t min, std::uint64_t max, std::string& error)
{
    std::uint64_t value = 0;
    const auto res = std::from_chars(text.data(), text.data() + text.size(), value);
    const bool digitsOnly = !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
    if (!digitsOnly || res.ec != std::errc() || res.ptr != text.data() + text.size()) {
        const bool tooLarge = digitsOnly && res.ec == std::errc::result_out_of_range;
        error = std::string(name) + (tooLarge ? " is too large" : " must be a non-negative integer")
                + " (got " + quoteForMessage(text) + ")";
        return std::nullopt;
    }
    if (value < min || value > max) {
        std::string range = max == UINT64_MAX ? "at least " + std::to_string(min)
                                              : "between " + std::to_string(min) + " and " + std::to_string(max);
        error = std::string(name) + " must be " + range + " (got " + quoteForMessage(text) + ")";
        return std::nullopt;
    }
    return value;
}

std::optional<Micros> durationFromText(std::string_view name, std::string_view text, Micros min,
                                       std::string& error)
{
    auto value = parseDuration(text);
    if (!value && !text.empty() && text.front() == '-') {
        error = std::string(name) + " must not be negative (got " + quoteForMessage(text) + ")";
        return std::nullopt;
    }
    if (!value) {
        error = std::string(name) + " " + quoteForMessage(text)
                + " is not a duration: use a number with a unit (250ms, 90s, 5m, 1h, 1d) "
                  "or a bare number of seconds";
        return std::nullopt;
    }
    if (*value > kMaxFileDuration) {
        error = std::string(name) + " " + quoteForMessage(text) + " is too long: at most "
                + formatDuration(kMaxFileDuration);
        return std::nullopt;
    }
    if (*value < min) {
        const std::string rule = min == 1 ? "greater than 0" : "at least " + formatDuration(min);
        error = std::string(name) + " must be " + rule + " (got " + quoteForMessage(text) + ")";
        return std::nullopt;
    }
    return value;
}

std::optional<std::uint64_t> sizeFromText(std::string_view name, std::string_view text,
                                          std::uint64_t min, std::uint64_t max, std::string& error)
{
    auto value = parseSize(text);
    if (!value && !text.empty() && text.front() == '-') {
        error = std::string(name) + " must not be negative (got " + quoteForMessage(text) + ")";
        return std::nullopt;
    }
    if (!value) {
        error = std::string(name) + " " + quoteForMessage(text)
                + " is not a size: use bytes or a number with a unit (64KiB, 1MiB, 512MB)";
        return std::nullopt;
    }
    if (*value < min || *value > max) {
        std::string rule = max == UINT64_MAX ? "at least " + formatSize(min)
                                             : "between " + formatSize(min) + " and " + formatSize(max);
        error = std::string(name) + " must be " + rule + " (got " + quoteForMessage(text) + ")";
        return std::nullopt;
    }
    return value;
}

std::optional<std::uint64_t> YamlChecker::integer(const YamlField& field, std::uint64_t min,
                                                  std::uint64_t max)
{
    auto text = scalar(field, "a non-negative integer");
    if (!text)
        return std::nullopt;
    std::string problem;
    auto value = integerFromText(field.name, *text, min, max, problem);
    if (!value)
        error(field, std::move(problem));
    return value;
}

std::optional<double> YamlChecker::number(const YamlField& field, double min, double max,
                                          bool minExclusive)
{
    auto text = scalar(field, "a number");
    if (!text)
        return std::nullopt;
    auto value = parseNumber(*text);
    if (!value) {
        error(field, field.name + " must be a number (got " + quoteForMessage(*text) + ")");
        return std::nullopt;
    }
    if (*value < min || (minExclusive && *value == min) || *value > max) {
        error(field, field.name + " must be " + describeRange(min, max, minExclusive) + " (got "
                         + quoteForMessage(*text) + ")");
        return std::nullopt;
    }
    return value;
}

std::optional<Micros> YamlChecker::duration(const YamlField& field, Micros min)
{
    auto text = scalar(field, "a duration");
    if (!text)
        return std::nullopt;
    std::string problem;
    auto value = durationFromText(field.name, *text, min, problem);
    if (!value)
        error(field, std::move(problem));
    return value;
}

std::optional<std::uint64_t> YamlChecker::size(const YamlField& field, std::uint64_t min,
                                               std::uint64_t max)
{
    auto text = scalar(field, "a size");
    if (!text)
        return std::nullopt;
    std::string problem;
    auto value = sizeFromText(field.name, *text, min, max, problem);
    if (!value)
        error(field, std::move(problem));
    return value;
}

std::optional<double> YamlChecker::rate(const YamlField& field)
{
    auto text = scalar(field, "a rate like 1000/s");
    if (!text)
        return std::nullopt;
    auto value = parseRate(*text);
    if (!value) {
        error(field, field.name + " " + quoteForMessage(*text) + " is not a rate: use N/s (for example 2000/s)");
        return std::nullopt;
    }
    if (*value <= 0) {
        error(field, field.name + " must be greater than 0/s (got " + quoteForMessage(*text) + ")");
        return std::nullopt;
    }
    return value;
}

std::string_view nodeKindName(const YAML::Node& node)
{
    if (!node.IsDefined() || node.IsNull())
        return "empty";
    if (node.IsMap())
        return "a mapping";
    if (node.IsSequence())
        return "a list";
    return "a single value";
}

int markLine(const YAML::Mark& mark) { return oneBased(mark.line); }

std::string yamlScalar(std::string_view text)
{
    // Plain only for the boring cases: words, numbers-free paths and URLs.
    // Anything YAML could read as another type or as syntax is quoted.
    auto safeChar = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
               || c == '-' || c == '.' || c == '/' || c == ':' || c == '@' || c == '+';
    };
    bool plain = !text.empty();
    for (std::size_t i = 0; plain && i < text.size(); ++i)
        plain = safeChar(text[i]);
    if (plain) {
        const char first = text.front();
        plain = (first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z') || first == '/'
                || first == '_' || first == '.';
        plain = plain && text.back() != ':';
        static constexpr std::string_view kReserved[] = {
            "true", "false", "yes", "no", "on", "off", "null", "y", "n", ".inf", ".nan"};
        std::string lower(text);
        for (char& c : lower)
            c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        for (std::string_view word : kReserved)
            plain = plain && lower != word;
    }
    if (plain)
        return std::string(text);
    return yamlQuoted(text);
}

std::string yamlQuoted(std::string_view text)
{
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else {
            appendEscaped(out, c);
        }
    }
    out += '"';
    return out;
}

std::string formatNumber(double value)
{
    // Shortest text that reads back to the same double.
    char buffer[64];
    const auto res = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, res.ptr);
}

std::optional<std::string> readTextFile(const std::string& path, std::string* why)
{
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        if (why)
            *why = "it is a directory";
        return std::nullopt;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        if (why)
            *why = std::strerror(errno);
        return std::nullopt;
    }
    std::ostringstream content;
    content << in.rdbuf();
    if (in.bad()) {
        if (why)
            *why = "read error";
        return std::nullopt;
    }
    return content.str();
}

std::string resolvePath(const std::string& baseDir, const std::string& path)
{
    const std::filesystem::path p(path);
    std::string out = p.is_absolute() || baseDir.empty()
                          ? p.lexically_normal().string()
                          : (std::filesystem::path(baseDir) / p).lexically_normal().string();
    // lexically_normal() keeps a trailing '/' from "dir/."; messages read better without.
    while (out.size() > 1 && out.back() == '/')
        out.pop_back();
    return out;
}

std::string relativePath(const std::string& path, const std::string& baseDir)
{
    const std::filesystem::path p(path);
    if (baseDir.empty() || p.is_absolute() != std::filesystem::path(baseDir).is_absolute())
        return path;
    const std::filesystem::path relative = p.lexically_relative(baseDir);
    return relative.empty() ? path : relative.string();
}

} // namespace fallback
