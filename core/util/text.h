#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace fallback {

/// `text` without the spaces and tabs around it (no other white space: a
/// line break inside a value is the caller's to refuse). Not inline: it is
/// on rare paths only and stays out of hot loops such as the trace reader's.
std::string_view trimSpaces(std::string_view text);

/// True when `text` holds a C0 control byte or DEL (tabs and line breaks
/// included): such values are refused in names, ids and tokens.
bool hasControlCharacter(std::string_view text);

/// `1 entry`, `2 entries`: a count with the word that agrees with it.
std::string countOf(std::uint64_t n, std::string_view one, std::string_view many);

/// True when `text` starts with `prefix`, ASCII letters compared without
/// case (HTTP header names).
bool startsWithNoCase(std::string_view text, std::string_view prefix);

/// `text` with each C0 control byte and DEL turned into a space: a value
/// from elsewhere made safe for a header line or a terminal.
std::string withoutControlCharacters(std::string_view text);

} // namespace fallback
