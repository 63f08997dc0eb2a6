#include "policy/diagnostic.h"

#include "util/text.h"

#include <algorithm>
#include <unordered_map>

namespace fallback {

void appendEscaped(std::string& out, char c)
{
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\n') {
        out += "\\n";
    } else if (c == '\t') {
        out += "\\t";
    } else if (byte < 0x20 || byte == 0x7f) {
        static constexpr char kHex[] = "0123456789abcdef";
        out += "\\x";
        out += kHex[byte >> 4];
        out += kHex[byte & 0xf];
    } else {
        out += c;
    }
}

std::string Diagnostic::format() const
{
    std::string out = file;
    out += ':';
    out += std::to_string(line);
    out += ':';
    out += std::to_string(column);
    out += warning ? ": warning: " : ": error: ";
    out += message;
    return out;
}

namespace {
/// Messages quote the file's text, and a library (yaml-cpp) may quote a
/// control byte raw: escape them, so that a diagnostic is always one line.
std::string oneLine(std::string message)
{
    if (!hasControlCharacter(message))
        return message;
    std::string out;
    out.reserve(message.size() + 8);
    for (char c : message)
        appendEscaped(out, c);
    return out;
}
} // namespace

void Diagnostics::error(std::string file, int line, int column, std::string message)
{
    m_items.push_back({std::move(file), line, column, oneLine(std::move(message)), false});
}

void Diagnostics::warning(std::string file, int line, int column, std::string message)
{
    m_items.push_back({std::move(file), line, column, oneLine(std::move(message)), true});
}

void Diagnostics::append(const Diagnostics& other)
{
    m_items.insert(m_items.end(), other.m_items.begin(), other.m_items.end());
}

std::string quoteForMessage(std::string_view text)
{
    constexpr std::size_t kMaxShown = 60;
    std::string out = "'";
    std::size_t shown = 0;
    for (char c : text) {
        if (shown == kMaxShown) {
            out += "...";
            break;
        }
        appendEscaped(out, c);
        ++shown;
    }
    out += "'";
    return out;
}

bool Diagnostics::hasErrors() const
{
    return std::any_of(m_items.begin(), m_items.end(),
                       [](const Diagnostic& d) { return !d.warning; });
}

std::string Diagnostics::format() const
{
    // A scenario's diagnostics can include those of the policy file it names:
    // keep each file together (in order of first appearance), then sort by
    // position inside it, so that lines of two files never interleave.
    std::unordered_map<std::string, std::size_t> fileOrder;
    for (const Diagnostic& d : m_items)
        fileOrder.emplace(d.file, fileOrder.size());
    std::vector<const Diagnostic*> sorted;
    sorted.reserve(m_items.size());
    for (const Diagnostic& d : m_items)
        sorted.push_back(&d);
    std::stable_sort(sorted.begin(), sorted.end(), [&](const Diagnostic* a, const Diagnostic* b) {
        const std::size_t fa = fileOrder.at(a->file);
        const std::size_t fb = fileOrder.at(b->file);
        if (fa != fb)
            return fa < fb;
        if (a->line != b->line)
            return a->line < b->line;
        return a->column < b->column;
    });
    std::string out;
    for (const Diagnostic* d : sorted) {
        out += d->format();
        out += '\n';
    }
    return out;
}

} // namespace fallback
