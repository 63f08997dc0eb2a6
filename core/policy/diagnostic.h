#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fallback {

/// One problem found in a file: reported as `FILE:LINE:COLUMN: error: MESSAGE`
/// with FILE as the user gave it and LINE / COLUMN 1-based (SPEC §4).
struct Diagnostic {
    std::string file;
    int line = 1;
    int column = 1;
    std::string message;
    bool warning = false; ///< printed as `warning:`; does not fail the load.

    std::string format() const;
};

/// All problems of one load, in file order.
class Diagnostics {
public:
    void error(std::string file, int line, int column, std::string message);
    void warning(std::string file, int line, int column, std::string message);
    void append(const Diagnostics& other);

    bool hasErrors() const;
    bool empty() const { return m_items.empty(); }
    const std::vector<Diagnostic>& items() const { return m_items; }
    /// Sorted by line then column, one formatted line each, "\n"-terminated.
    std::string format() const;

private:
    std::vector<Diagnostic> m_items;
};

/// `text` in single quotes for a message: control characters escaped
/// (`\n`, `\x01`), values over 60 bytes cut with `...`. Never use it on secrets.
std::string quoteForMessage(std::string_view text);

/// Appends `c` to `out` escaped for a one-line message: `\n`, `\t`, and
/// `\xNN` for other control bytes; anything else as is.
void appendEscaped(std::string& out, char c);

/// A loaded value, or the diagnostics that prevented it. Never half a value:
/// `value` is set only when there are no errors (warnings may be present).
template <typename T>
struct Loaded {
    std::optional<T> value;
    Diagnostics diagnostics;

    bool ok() const { return value.has_value(); }
};

} // namespace fallback
