// The methods of lists, as go.starlark.net's library.go defines them. Every mutation first asks
// List::checkMutable, which refuses a frozen list and a list being iterated.
#include <vector>

#include "starlark/lib/methods.h"
#include "starlark/lib/unpack.h"
#include "starlark/lib/util.h"

namespace slant::starlark::lib {
namespace {

List& recv(const BuiltinCall& call) { return *call.receiver.as<List>(); }

Result<Value> append(Thread&, const BuiltinCall& call) {
  Value object;
  TRY_VOID(unpackPositionalArgs(call, 1, {&object}));
  List& list = recv(call);
  if (auto r = list.checkMutable("append to"); !r) return nameErr(call.name, r.error());
  list.mutableElems().push_back(std::move(object));
  return Value();
}

Result<Value> clear(Thread&, const BuiltinCall& call) {
  TRY_VOID(unpackPositionalArgs(call, 0, {}));
  List& list = recv(call);
  if (auto r = list.checkMutable("clear"); !r) return nameErr(call.name, r.error());
  list.mutableElems().clear();
  return Value();
}

Result<Value> extend(Thread&, const BuiltinCall& call) {
  IterableArg iterable;
  TRY_VOID(unpackPositionalArgs(call, 1, {&iterable}));
  List& list = recv(call);
  if (auto r = list.checkMutable("extend"); !r) return nameErr(call.name, r.error());
  ValueVector& elems = list.mutableElems();
  if (const List* other = iterable.value.tryAs<List>()) {
    // Also right for x.extend(x): copy by index up to the original length.
    size_t n = other->elems().size();
    elems.reserve(elems.size() + n);
    for (size_t i = 0; i < n; ++i) elems.push_back(other->elems()[i]);
    return Value();
  }
  if (auto n = length(iterable.value)) elems.reserve(elems.size() + static_cast<size_t>(*n));
  TRY_VOID(forEach(iterable.value, [&](const Value& x) -> Result<void> {
    elems.push_back(x);
    return {};
  }));
  return Value();
}

Result<Value> index(Thread&, const BuiltinCall& call) {
  Value value, start = Value::unbound(), end = Value::unbound();
  TRY_VOID(unpackPositionalArgs(call, 1, {&value, &start, &end}));
  const List& list = recv(call);
  auto r = indices(start, end, static_cast<int64_t>(list.elems().size()));
  if (!r) return nameErr(call.name, r.error());
  for (int64_t i = r->first; i < r->second; ++i) {
    auto eq = equal(list.elems()[i], value);
    if (!eq) return nameErr(call.name, eq.error());
    if (*eq) return makeInt(i);
  }
  return nameErr(call.name, "value not in list");
}

Result<Value> insert(Thread&, const BuiltinCall& call) {
  int64_t index = 0;
  Value object;
  TRY_VOID(unpackPositionalArgs(call, 2, {&index, &object}));
  List& list = recv(call);
  if (auto r = list.checkMutable("insert into"); !r) return nameErr(call.name, r.error());
  ValueVector& elems = list.mutableElems();
  int64_t n = static_cast<int64_t>(elems.size());
  if (index < 0) index += n;
  if (index >= n) {
    elems.push_back(std::move(object));
  } else {
    if (index < 0) index = 0;
    elems.insert(elems.begin() + index, std::move(object));
  }
  return Value();
}

Result<Value> pop(Thread&, const BuiltinCall& call) {
  List& list = recv(call);
  int64_t n = static_cast<int64_t>(list.elems().size());
  int64_t i = n - 1;
  TRY_VOID(unpackPositionalArgs(call, 0, {&i}));
  int64_t orig = i;
  if (i < 0) i += n;
  if (i < 0 || i >= n) return nameErr(call.name, outOfRange(orig, n, "list"));
  if (auto r = list.checkMutable("pop from"); !r) return nameErr(call.name, r.error());
  ValueVector& elems = list.mutableElems();
  Value result = std::move(elems[i]);
  elems.erase(elems.begin() + i);
  return result;
}

Result<Value> remove(Thread&, const BuiltinCall& call) {
  Value value;
  TRY_VOID(unpackPositionalArgs(call, 1, {&value}));
  List& list = recv(call);
  if (auto r = list.checkMutable("remove from"); !r) return nameErr(call.name, r.error());
  ValueVector& elems = list.mutableElems();
  for (size_t i = 0; i < elems.size(); ++i) {
    auto eq = equal(elems[i], value);
    if (!eq) return makeError("remove: " + eq.error().message());
    if (*eq) {
      elems.erase(elems.begin() + static_cast<ptrdiff_t>(i));
      return Value();
    }
  }
  return makeError("remove: element not found");
}

constexpr Method kMethods[] = {
    {"append", append}, {"clear", clear}, {"extend", extend}, {"index", index},
    {"insert", insert}, {"pop", pop},     {"remove", remove},
};

}  // namespace

std::span<const Method> listMethods() { return kMethods; }

}  // namespace slant::starlark::lib
