// Typed unpacking of a builtin's arguments into C++ variables, as go.starlark.net's UnpackArgs
// and UnpackPositionalArgs (starlark/unpack.go), with the same error messages:
//
//   std::string_view s;
//   int64_t n = -1;
//   Value sep = Value::unbound();             // unbound: "not given"
//   TRY_VOID(unpackArgs(call, {{"s", &s}, {"n?", &n}, {"sep?", &sep}}));
//
//   TRY_VOID(unpackPositionalArgs(call, 1, {&s, &n}));   // f(s, n=-1, /)
//
// A parameter whose name ends in "?" is optional, and so is every parameter after it. An
// argument that is not given leaves its variable untouched, so initialize each variable with its
// default. The parameter list is an initializer_list on the caller's stack: unpacking allocates
// nothing unless it fails.
#pragma once

#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "starlark/value.h"

namespace slant::starlark::lib {

/// An argument that must be iterable (list, tuple, dict, set, range, "s".elems(), ...); `value`
/// stays unbound if the parameter was not given.
struct IterableArg {
  Value value = Value::unbound();
  bool present() const { return !value.isUnbound(); }
};

/// An argument that must be callable (a def, a lambda, a builtin, a host Callable); `value`
/// stays unbound if the parameter was not given.
struct CallableArg {
  Value value = Value::unbound();
  bool present() const { return !value.isUnbound(); }
};

/// Whether x can be iterated (lists, tuples, dicts, sets, ranges, and host types whose
/// Object::iterate() returns an iterator). Strings are not iterable.
bool isIterable(const Value& x);
/// Whether x can be called (a def, a lambda, a builtin, or a host Callable).
bool isCallable(const Value& x);

/// How an argument is stored into a C++ variable of type T. Specialize it for a host type:
/// `static Result<void> unpack(const Value& v, T* out)` stores v into *out, or returns an error
/// whose message says what was wrong ("got int, want string"); the caller prefixes
/// "f: for parameter x: ".
template <class T>
struct Unpacker;

/// Any value.
template <>
struct Unpacker<Value> {
  static Result<void> unpack(const Value& v, Value* out) {
    *out = v;
    return {};
  }
};

/// A bool (no truth conversion: the argument must be True or False).
template <>
struct Unpacker<bool> {
  static Result<void> unpack(const Value& v, bool* out);
};

/// The error for an int argument that is not an int or does not fit in a `bits`-bit int:
/// "got string, want int", "N out of range (want value in signed 64-bit range)".
Result<void> unpackIntError(const Value& v, bool is_signed, int bits);

/// An int that fits T.
template <class T>
requires std::integral<T> &&(!std::same_as<T, bool>)struct Unpacker<T> {
  static Result<void> unpack(const Value& v, T* out) {
    if (v.isSmallInt() && std::in_range<T>(v.asSmallInt())) {
      *out = static_cast<T>(v.asSmallInt());
      return {};
    }
    return unpackIntError(v, std::is_signed_v<T>, sizeof(T) * 8);
  }
};

/// A float (as go.starlark.net, an int is not accepted).
template <>
struct Unpacker<double> {
  static Result<void> unpack(const Value& v, double* out);
};

/// A string, copied.
template <>
struct Unpacker<std::string> {
  static Result<void> unpack(const Value& v, std::string* out);
};

/// A string, viewed in place (valid while the argument value lives, i.e. during the call).
template <>
struct Unpacker<std::string_view> {
  static Result<void> unpack(const Value& v, std::string_view* out);
};

/// A list, borrowed from the argument.
template <>
struct Unpacker<List*> {
  static Result<void> unpack(const Value& v, List** out);
};

/// A dict, borrowed from the argument.
template <>
struct Unpacker<Dict*> {
  static Result<void> unpack(const Value& v, Dict** out);
};

/// A tuple, borrowed from the argument.
template <>
struct Unpacker<Tuple*> {
  static Result<void> unpack(const Value& v, Tuple** out);
};

/// A set, borrowed from the argument.
template <>
struct Unpacker<Set*> {
  static Result<void> unpack(const Value& v, Set** out);
};

/// An iterable value.
template <>
struct Unpacker<IterableArg> {
  static Result<void> unpack(const Value& v, IterableArg* out);
};

/// A callable value.
template <>
struct Unpacker<CallableArg> {
  static Result<void> unpack(const Value& v, CallableArg* out);
};

/// Appends " or None" to a conversion error.
Result<void> orNone(const Error& error);

/// A T, or None (stored as nullopt): "got int, want string or None" otherwise.
template <class T>
struct Unpacker<std::optional<T>> {
  static_assert(!std::same_as<T, Value>, "use a Value initialized to Value::unbound() instead");
  static Result<void> unpack(const Value& v, std::optional<T>* out) {
    if (v.isNone()) {
      out->reset();
      return {};
    }
    T x{};
    auto r = Unpacker<T>::unpack(v, &x);
    if (!r) return orNone(r.error());
    *out = std::move(x);
    return {};
  }
};

/// Where one argument goes: a pointer to a variable of a type with an Unpacker.
class Target {
 public:
  template <class T>
  Target(T* variable) : ptr_(variable), fn_(&thunk<T>) {}  // NOLINT: implicit by design
  /// Stores v into the variable, or returns the conversion error.
  Result<void> unpack(const Value& v) const { return fn_(v, ptr_); }

 private:
  template <class T>
  static Result<void> thunk(const Value& v, void* p) {
    return Unpacker<T>::unpack(v, static_cast<T*>(p));
  }
  void* ptr_;
  Result<void> (*fn_)(const Value&, void*);
};

/// A named parameter: `{"name", &variable}`, or `{"name?", &variable}` if optional.
struct Param {
  template <class T>
  Param(std::string_view param_name, T* variable) : name(param_name), target(variable) {}
  std::string_view name;
  Target target;
};

/// Makes a Param (for those who prefer param("x", &x) to {"x", &x}).
template <class T>
Param param(std::string_view name, T* variable) {
  return Param(name, variable);
}

/// Unpacks positional and keyword arguments into params, as go.starlark.net's UnpackArgs.
/// Errors: "f: got 3 arguments, want at most 2", "f: unexpected keyword argument \"x\"",
/// "f: got multiple values for keyword argument \"x\"", "f: missing argument for x",
/// "f: for parameter x: got int, want string" (the name quoted if given by keyword).
Result<void> unpackArgs(std::string_view fn, std::span<const Value> positional,
                        std::span<const Kwarg> named, std::initializer_list<Param> params);

/// As unpackArgs, for the arguments of a builtin call (named after the call).
inline Result<void> unpackArgs(const BuiltinCall& call, std::initializer_list<Param> params) {
  return unpackArgs(call.name, call.args.positional, call.args.named, params);
}

/// Unpacks positional arguments only, at least `min` of them, as go.starlark.net's
/// UnpackPositionalArgs. Errors: "f: unexpected keyword arguments", "f: got 0 arguments, want at
/// least 1", "f: got 3 arguments, want at most 2", "f: for parameter 1: got int, want string".
Result<void> unpackPositionalArgs(std::string_view fn, std::span<const Value> positional,
                                  std::span<const Kwarg> named, size_t min,
                                  std::initializer_list<Target> targets);

/// As unpackPositionalArgs, for the arguments of a builtin call.
inline Result<void> unpackPositionalArgs(const BuiltinCall& call, size_t min,
                                         std::initializer_list<Target> targets) {
  return unpackPositionalArgs(call.name, call.args.positional, call.args.named, min, targets);
}

}  // namespace slant::starlark::lib
