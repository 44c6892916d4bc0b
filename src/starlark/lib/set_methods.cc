// The methods of sets. go.starlark.net (January 2021, the version whose tests we run) defines only
// union; its builtins test checks that dir(set()) is exactly ["union"].
#include "starlark/lib/methods.h"
#include "starlark/lib/unpack.h"
#include "starlark/lib/util.h"

namespace slant::starlark::lib {
namespace {

Result<Value> union_(Thread&, const BuiltinCall& call) {
  IterableArg iterable;
  TRY_VOID(unpackPositionalArgs(call, 0, {&iterable}));
  const Set& self = *call.receiver.as<Set>();
  Value result = make<Set>();
  Set& out = *result.as<Set>();
  self.table.forEach([&](const HashTable::Entry& e) {
    (void)out.table.insert(e.key, Value());  // cannot fail: the keys are hashable
    return true;
  });
  if (iterable.present()) {
    auto r = forEach(iterable.value, [&](const Value& x) { return out.table.insert(x, Value()); });
    if (!r) return nameErr(call.name, r.error());
  }
  return result;
}

constexpr Method kMethods[] = {
    {"union", union_},
};

}  // namespace

std::span<const Method> setMethods() { return kMethods; }

}  // namespace slant::starlark::lib
