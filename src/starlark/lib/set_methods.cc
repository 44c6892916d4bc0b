// The methods of sets. Tilt embeds a go.starlark.net newer than the January 2021 version whose
// conformance files we run: its sets have add, clear, difference, discard, intersection,
// issubset, issuperset, pop, remove, symmetric_difference and union, and Tiltfiles may call any
// of them, so slant has them all (see docs/starlark.md). The one 2021 assertion this contradicts
// (dir(set()) == ["union"]) is listed as a divergence in tests/starlark_conformance.cc.
#include "starlark/lib/methods.h"
#include "starlark/lib/unpack.h"
#include "starlark/lib/util.h"

namespace slant::starlark::lib {
namespace {

const Set& self(const BuiltinCall& call) { return *call.receiver.as<Set>(); }
Set& mutableSelf(const BuiltinCall& call) { return *call.receiver.as<Set>(); }

// A new set holding the receiver's elements.
Value copyOf(const Set& s) {
  Value result = make<Set>();
  Set& out = *result.as<Set>();
  s.table.forEach([&](const HashTable::Entry& e) {
    (void)out.table.insert(e.key, Value());  // cannot fail: the keys are hashable
    return true;
  });
  return result;
}

// The elements of an iterable argument as a set (for membership tests).
Result<Value> setOf(const BuiltinCall& call, const Value& iterable) {
  Value result = make<Set>();
  Set& out = *result.as<Set>();
  auto r = forEach(iterable, [&](const Value& x) { return out.table.insert(x, Value()); });
  if (!r) return nameErr(call.name, r.error());
  return result;
}

Result<Value> add(Thread&, const BuiltinCall& call) {
  Value x;
  TRY_VOID(unpackPositionalArgs(call, 1, {&x}));
  auto r = mutableSelf(call).add(x);
  if (!r) return nameErr(call.name, r.error());
  return Value();
}

Result<Value> clear(Thread&, const BuiltinCall& call) {
  TRY_VOID(unpackPositionalArgs(call, 0, {}));
  Set& s = mutableSelf(call);
  if (s.table.size() == 0) return Value();
  auto r = s.checkMutable("clear");
  if (!r) return nameErr(call.name, r.error());
  s.table.clear();
  return Value();
}

Result<Value> difference(Thread&, const BuiltinCall& call) {
  Value result = copyOf(self(call));
  Set& out = *result.as<Set>();
  for (const Value& other : call.args.positional) {
    auto r = forEach(other, [&](const Value& x) -> Result<void> {
      TRY(out.table.remove(x));
      return {};
    });
    if (!r) return nameErr(call.name, r.error());
  }
  if (!call.args.named.empty()) return nameErr(call.name, "unexpected keyword arguments");
  return result;
}

Result<Value> discard(Thread&, const BuiltinCall& call) {
  Value x;
  TRY_VOID(unpackPositionalArgs(call, 1, {&x}));
  Set& s = mutableSelf(call);
  auto present = s.table.get(x);
  if (!present) return nameErr(call.name, present.error());
  if (!*present) return Value();
  auto r = s.checkMutable("delete from");
  if (!r) return nameErr(call.name, r.error());
  (void)s.table.remove(x);
  return Value();
}

Result<Value> intersection(Thread&, const BuiltinCall& call) {
  Value result = copyOf(self(call));
  for (const Value& other : call.args.positional) {
    Value keep = TRY(setOf(call, other));
    Value next = make<Set>();
    Set& out = *next.as<Set>();
    const Set& kept = *keep.as<Set>();
    Result<void> r;
    result.as<Set>()->table.forEach([&](const HashTable::Entry& e) {
      auto in = kept.table.get(e.key);
      if (in && *in) r = out.table.insert(e.key, Value());
      return r.has_value();
    });
    if (!r) return nameErr(call.name, r.error());
    result = std::move(next);
  }
  if (!call.args.named.empty()) return nameErr(call.name, "unexpected keyword arguments");
  return result;
}

// Whether every element of `a` is in `b`.
Result<bool> contained(const Set& a, const Set& b) {
  bool all = true;
  a.table.forEach([&](const HashTable::Entry& e) {
    auto in = b.table.get(e.key);
    all = in && *in;
    return all;
  });
  return all;
}

Result<Value> issubset(Thread&, const BuiltinCall& call) {
  Value other;
  TRY_VOID(unpackPositionalArgs(call, 1, {&other}));
  Value o = TRY(setOf(call, other));
  return Value::boolean(TRY(contained(self(call), *o.as<Set>())));
}

Result<Value> issuperset(Thread&, const BuiltinCall& call) {
  Value other;
  TRY_VOID(unpackPositionalArgs(call, 1, {&other}));
  Value o = TRY(setOf(call, other));
  return Value::boolean(TRY(contained(*o.as<Set>(), self(call))));
}

Result<Value> pop(Thread&, const BuiltinCall& call) {
  TRY_VOID(unpackPositionalArgs(call, 0, {}));
  Set& s = mutableSelf(call);
  if (s.table.size() == 0) return nameErr(call.name, "empty set");
  auto r = s.checkMutable("delete from");
  if (!r) return nameErr(call.name, r.error());
  Value first;
  s.table.forEach([&](const HashTable::Entry& e) {
    first = e.key;
    return false;
  });
  (void)s.table.remove(first);
  return first;
}

Result<Value> remove(Thread&, const BuiltinCall& call) {
  Value x;
  TRY_VOID(unpackPositionalArgs(call, 1, {&x}));
  Set& s = mutableSelf(call);
  auto present = s.table.get(x);
  if (!present) return nameErr(call.name, present.error());
  if (!*present) return nameErr(call.name, "missing key");
  auto r = s.checkMutable("delete from");
  if (!r) return nameErr(call.name, r.error());
  (void)s.table.remove(x);
  return Value();
}

Result<Value> symmetricDifference(Thread&, const BuiltinCall& call) {
  Value other;
  TRY_VOID(unpackPositionalArgs(call, 1, {&other}));
  Value o = TRY(setOf(call, other));
  Value result = copyOf(self(call));
  Set& out = *result.as<Set>();
  Result<void> r;
  o.as<Set>()->table.forEach([&](const HashTable::Entry& e) {
    auto removed = out.table.remove(e.key);
    if (removed && !*removed) r = out.table.insert(e.key, Value());
    return r.has_value();
  });
  if (!r) return nameErr(call.name, r.error());
  return result;
}

Result<Value> union_(Thread&, const BuiltinCall& call) {
  Value result = copyOf(self(call));
  Set& out = *result.as<Set>();
  for (const Value& other : call.args.positional) {
    auto r = forEach(other, [&](const Value& x) { return out.table.insert(x, Value()); });
    if (!r) return nameErr(call.name, r.error());
  }
  if (!call.args.named.empty()) return nameErr(call.name, "unexpected keyword arguments");
  return result;
}

// Sorted by name: findMethod bisects this table.
constexpr Method kMethods[] = {
    {"add", add},
    {"clear", clear},
    {"difference", difference},
    {"discard", discard},
    {"intersection", intersection},
    {"issubset", issubset},
    {"issuperset", issuperset},
    {"pop", pop},
    {"remove", remove},
    {"symmetric_difference", symmetricDifference},
    {"union", union_},
};

}  // namespace

std::span<const Method> setMethods() { return kMethods; }

}  // namespace slant::starlark::lib
