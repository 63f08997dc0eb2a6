#pragma once

#include <string>
#include <utility>
#include <variant>

namespace fallback {

/// Why an operation at an API boundary failed. `code` is a short stable word
/// ("invalid_key", "too_large", "origin_failed", ...) for programs; `message`
/// is one sentence for people.
struct Error {
    std::string code;
    std::string message;
};

/// Either a value or an Error (C++20 has no std::expected). Used at API
/// boundaries; the engine's hot path uses small status enums instead.
template <typename T>
class Result {
public:
    Result(T value) : m_state(std::move(value)) {}
    Result(Error error) : m_state(std::move(error)) {}

    bool ok() const { return std::holds_alternative<T>(m_state); }
    explicit operator bool() const { return ok(); }

    const T& value() const& { return std::get<T>(m_state); }
    T& value() & { return std::get<T>(m_state); }
    T&& value() && { return std::get<T>(std::move(m_state)); }
    const T& operator*() const& { return value(); }
    const T* operator->() const { return &value(); }

    const Error& error() const { return std::get<Error>(m_state); }

private:
    std::variant<T, Error> m_state;
};

/// Result of an operation that yields nothing but can fail.
struct Done {};
using Status = Result<Done>;

} // namespace fallback
