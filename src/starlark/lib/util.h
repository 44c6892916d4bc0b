// Helpers shared by the builtins of lib/: message building, go.starlark.net's index clamping, and
// fast iteration over the built-in container types.
#pragma once

#include <charconv>
#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "starlark/value.h"

namespace slant::starlark::lib {

namespace detail {
inline void append(std::string& out, std::string_view s) { out.append(s); }
inline void append(std::string& out, char c) { out.push_back(c); }
template <class T>
requires std::integral<T> &&
    (!std::same_as<T, bool>)&&(!std::same_as<T, char>)void append(std::string& out, T i) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, i);
  out.append(buf, r.ptr);
}
}  // namespace detail

/// Concatenates strings, string views, chars and integers into a message.
template <class... A>
std::string cat(const A&... parts) {
  std::string out;
  (detail::append(out, parts), ...);
  return out;
}

/// An error "name: msg", as go.starlark.net's nameErr.
inline std::unexpected<Error> nameErr(std::string_view name, std::string_view msg) {
  return makeError(cat(name, ": ", msg));
}
/// An error "name: " + the message of err.
inline std::unexpected<Error> nameErr(std::string_view name, const Error& err) {
  return nameErr(name, std::string_view(err.message()));
}

/// go.starlark.net's indices(): converts optional start/end arguments (unbound or None: absent)
/// to [start, end) offsets clamped to [0, len], negative values counting from the end. Errors:
/// "invalid start index: ...", "invalid end index: ...".
Result<std::pair<int64_t, int64_t>> indices(const Value& start, const Value& end, int64_t len);

/// An iterator over x: Iterator::of for the built-in types, else the object's own iterate().
/// Errors "T value is not iterable".
Result<std::unique_ptr<Iterator>> iterate(const Value& x);

/// Calls fn(const Value&) -> Result<void> for each element of an iterable, with fast paths for
/// the built-in containers. fn must not call Starlark code (which could mutate the container);
/// use an Iterator for that. Errors if x is not iterable ("T is not iterable") or fn fails.
template <class F>
Result<void> forEach(const Value& x, F&& fn) {
  if (const List* list = x.tryAs<List>()) {
    const ValueVector& elems = list->elems();
    for (size_t i = 0; i < elems.size(); ++i) TRY_VOID(fn(elems[i]));
    return {};
  }
  if (const Tuple* tuple = x.tryAs<Tuple>()) {
    for (const Value& v : tuple->elems()) TRY_VOID(fn(v));
    return {};
  }
  if (const Range* range = x.tryAs<Range>()) {
    int64_t n = *range->length();
    for (int64_t i = 0; i < n; ++i) TRY_VOID(fn(Value::smallInt(range->at(i))));
    return {};
  }
  const HashTable* table = nullptr;
  if (const Dict* dict = x.tryAs<Dict>()) table = &dict->table;
  if (const Set* set = x.tryAs<Set>()) table = &set->table;
  if (table != nullptr) {
    Result<void> result;
    table->forEach([&](const HashTable::Entry& e) {
      result = fn(e.key);
      return result.has_value();
    });
    return result;
  }
  auto it = TRY(iterate(x));
  Value v;
  while (it->next(v)) TRY_VOID(fn(v));
  return {};
}

/// strconv.ParseFloat(s, 64) for decimal and hexadecimal forms, with Go's underscore rules
/// ("inf" and "nan" are the caller's business). Returns nullopt for a malformed string, ±inf
/// when the value overflows; an underflow gives zero, as in Go.
std::optional<double> parseGoFloat(std::string_view s);

/// A byte quoted as Go's %q quotes a byte or strconv.QuoteRune(rune(b)): 'x', '\'', '\n',
/// '\x7f', '\u0080', 'é'.
std::string quoteByte(unsigned char c);

/// go.starlark.net's outOfRange: "index 3 out of range: empty list" or
/// "list index 3 out of range [-2:1]".
std::string outOfRange(int64_t i, int64_t n, std::string_view type);

}  // namespace slant::starlark::lib
