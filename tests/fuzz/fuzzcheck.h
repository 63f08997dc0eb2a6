#pragma once

// What the fuzz targets share: a check that stops the fuzzer (libFuzzer
// reports the input) when a parser breaks one of its promises.

#include "policy/diagnostic.h"
#include "util/text.h"

#include <cstdio>
#include <cstdlib>

namespace fallback::fuzz {

inline void check(bool condition, const char* what)
{
    if (!condition) {
        std::fprintf(stderr, "fuzz check failed: %s\n", what);
        std::abort();
    }
}

/// A load is all or nothing: a value and no error, or errors and no value.
/// Every diagnostic is one printable line (`FILE:LINE:COLUMN: error:
/// MESSAGE`, SPEC §4) and points into the file.
template <typename T>
void checkLoaded(const Loaded<T>& loaded)
{
    check(loaded.ok() != loaded.diagnostics.hasErrors(), "a value with errors, or neither");
    for (const Diagnostic& d : loaded.diagnostics.items()) {
        check(!d.message.empty(), "a diagnostic without a message");
        check(!hasControlCharacter(d.message), "a diagnostic message with a control byte");
        check(d.line >= 1 && d.column >= 1, "a diagnostic before line 1 or column 1");
    }
}

} // namespace fallback::fuzz
