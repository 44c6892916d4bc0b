// Helpers for lib/'s unit tests: value constructors and a fixture that calls builtins and methods
// through the C++ API, as the evaluator does.
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "starlark/starlark.h"
#include "starlark/value.h"

namespace slant::starlark::lib::testing {

inline Value S(std::string_view s) { return makeString(std::string(s)); }
inline Value I(int64_t i) { return makeInt(i); }
inline Value F(double f) { return Value::floating(f); }
inline Value B(bool b) { return Value::boolean(b); }
inline Value None() { return Value(); }
inline Value L(std::initializer_list<Value> elems) { return make<List>(ValueVector(elems)); }
inline Value T(std::initializer_list<Value> elems) { return make<Tuple>(ValueVector(elems)); }
inline Value D(std::initializer_list<std::pair<Value, Value>> items) {
  Value d = make<Dict>();
  for (const auto& [k, v] : items) EXPECT_TRUE(d.as<Dict>()->set(k, v).has_value());
  return d;
}

/// Keyword arguments for a call in a test.
using Kwargs = std::vector<std::pair<std::string, Value>>;

/// A fixture with a heap, a thread, and ways to call the universe's builtins and the methods of
/// the built-in types.
class LibTest : public ::testing::Test {
 protected:
  /// The universe's builtin named `name`.
  static Value builtin(std::string_view name) {
    for (const auto& [n, v] : universe())
      if (n == name) return v;
    ADD_FAILURE() << "no builtin " << name;
    return Value();
  }

  /// Calls a Builtin value (a universe function, struct, a json member...).
  Result<Value> callValue(const Value& fn, ValueVector args, const Kwargs& kwargs = {}) {
    const Builtin* b = fn.tryAs<Builtin>();
    if (b == nullptr) return makeError("not a builtin");
    std::vector<Kwarg> named;
    for (const auto& [k, v] : kwargs) named.push_back(Kwarg{k, v});
    BuiltinCall call{b->name(), b->receiver(), b->data(), CallArgs{args, named}};
    return b->fn()(thread_, call);
  }

  /// Calls the universe's builtin `name`.
  Result<Value> call(std::string_view name, ValueVector args, const Kwargs& kwargs = {}) {
    return callValue(builtin(name), std::move(args), kwargs);
  }

  /// Calls recv.name(args, kwargs).
  Result<Value> method(const Value& recv, std::string_view name, ValueVector args,
                       const Kwargs& kwargs = {}) {
    const Method* m = findMethod(recv, name);
    if (m == nullptr) return makeError("no method " + std::string(name));
    std::vector<Kwarg> named;
    for (const auto& [k, v] : kwargs) named.push_back(Kwarg{k, v});
    BuiltinCall call{m->name, recv, nullptr, CallArgs{args, named}};
    return m->fn(thread_, call);
  }

  /// repr of the result, or "error: " and the message.
  static std::string show(const Result<Value>& r) {
    if (!r) return "error: " + r.error().message();
    return repr(*r);
  }

  Heap heap_;
  HeapScope scope_{&heap_};
  Thread thread_;
};

}  // namespace slant::starlark::lib::testing
