// The methods of dicts, as go.starlark.net's library.go defines them, and the update logic that
// the dict builtin shares (updateDict).
#include <vector>

#include "starlark/lib/dict_update.h"
#include "starlark/lib/methods.h"
#include "starlark/lib/unpack.h"
#include "starlark/lib/util.h"
#include "starlark/mapping.h"

namespace slant::starlark::lib {

Result<void> updateDict(Dict& dict, std::span<const Value> positional,
                        std::span<const Kwarg> named) {
  if (!positional.empty()) {
    const Value& updates = positional[0];
    if (const Dict* other = updates.tryAs<Dict>()) {
      // Iterate over the other dict's items, not just its keys.
      if (other == &dict) {
        // d.update(d) changes nothing, but a frozen d still refuses.
        if (dict.table.size() != 0) TRY_VOID(dict.checkMutable("insert into"));
      } else {
        if (other->table.size() != 0) {
          TRY_VOID(dict.checkMutable("insert into"));
          if (dict.table.size() == 0) {
            dict.table = other->table;  // dict(d): copy the table as it is, no rehashing
          } else {
            Result<void> result;
            other->table.forEach([&](const HashTable::Entry& e) {
              result = dict.table.insert(e.key, e.value);
              return result.has_value();
            });
            TRY_VOID(result);
          }
        }
      }
    } else if (const HostMapping* mapping = asHostMapping(updates)) {
      // Iterate over the mapping's items, not just its keys.
      for (auto& [k, v] : mapping->items()) TRY_VOID(dict.set(k, std::move(v)));
    } else {
      if (!isIterable(updates)) {
        return makeError(cat("got ", typeName(updates), ", want iterable"));
      }
      int64_t i = 0;
      TRY_VOID(forEach(updates, [&](const Value& pair) -> Result<void> {
        if (!isIterable(pair)) {
          return makeError(cat("dictionary update sequence element #", i, " is not iterable (",
                               typeName(pair), ")"));
        }
        std::optional<int64_t> len = length(pair);
        if (!len) {
          return makeError(cat("dictionary update sequence element #", i, " has unknown length (",
                               typeName(pair), ")"));
        }
        if (*len != 2) {
          return makeError(
              cat("dictionary update sequence element #", i, " has length ", *len, ", want 2"));
        }
        Value kv[2];
        int n = 0;
        TRY_VOID(forEach(pair, [&](const Value& x) -> Result<void> {
          if (n < 2) kv[n++] = x;
          return {};
        }));
        TRY_VOID(dict.set(kv[0], std::move(kv[1])));
        ++i;
        return {};
      }));
    }
  }
  // Then the keyword arguments. Each normally adds an entry; if fewer were added, find out
  // whether a keyword was repeated (possible through **kwargs).
  size_t before = dict.table.size();
  for (const Kwarg& kw : named) TRY_VOID(dict.set(makeString(std::string(kw.name)), kw.value));
  if (dict.table.size() < before + named.size()) {
    for (size_t i = 0; i < named.size(); ++i) {
      for (size_t j = 0; j < i; ++j) {
        if (named[j].name == named[i].name) {
          return makeError(
              cat("duplicate keyword arg: ", repr(makeString(std::string(named[i].name)))));
        }
      }
    }
  }
  return {};
}

namespace {

Dict& recv(const BuiltinCall& call) { return *call.receiver.as<Dict>(); }

Result<Value> clear(Thread&, const BuiltinCall& call) {
  TRY_VOID(unpackPositionalArgs(call, 0, {}));
  Dict& dict = recv(call);
  TRY_VOID(dict.checkMutable("clear"));
  dict.table.clear();
  return Value();
}

Result<Value> get(Thread&, const BuiltinCall& call) {
  Value key, dflt = Value::none();
  TRY_VOID(unpackPositionalArgs(call, 1, {&key, &dflt}));
  auto v = recv(call).table.get(key);
  if (!v) return nameErr(call.name, v.error());
  if (*v) return **v;
  return dflt;
}

Result<Value> items(Thread&, const BuiltinCall& call) {
  TRY_VOID(unpackPositionalArgs(call, 0, {}));
  const HashTable& table = recv(call).table;
  ValueVector res;
  res.reserve(table.size());
  table.forEach([&](const HashTable::Entry& e) {
    res.push_back(make<Tuple>(ValueVector{e.key, e.value}));
    return true;
  });
  return make<List>(std::move(res));
}

Result<Value> keys(Thread&, const BuiltinCall& call) {
  TRY_VOID(unpackPositionalArgs(call, 0, {}));
  const HashTable& table = recv(call).table;
  ValueVector res;
  res.reserve(table.size());
  table.forEach([&](const HashTable::Entry& e) {
    res.push_back(e.key);
    return true;
  });
  return make<List>(std::move(res));
}

Result<Value> values(Thread&, const BuiltinCall& call) {
  TRY_VOID(unpackPositionalArgs(call, 0, {}));
  const HashTable& table = recv(call).table;
  ValueVector res;
  res.reserve(table.size());
  table.forEach([&](const HashTable::Entry& e) {
    res.push_back(e.value);
    return true;
  });
  return make<List>(std::move(res));
}

Result<Value> pop(Thread&, const BuiltinCall& call) {
  Value key, dflt = Value::unbound();
  TRY_VOID(unpackPositionalArgs(call, 1, {&key, &dflt}));
  Dict& dict = recv(call);
  // As go.starlark.net, a frozen dict refuses pop even of a missing key.
  if (auto r = dict.checkMutable("delete from"); !r) return nameErr(call.name, r.error());
  auto v = dict.table.remove(key);
  if (!v) return nameErr(call.name, v.error());
  if (*v) return std::move(**v);
  if (!dflt.isUnbound()) return dflt;
  return nameErr(call.name, "missing key");
}

Result<Value> popitem(Thread&, const BuiltinCall& call) {
  TRY_VOID(unpackPositionalArgs(call, 0, {}));
  Dict& dict = recv(call);
  Value key = Value::unbound();
  dict.table.forEach([&](const HashTable::Entry& e) {
    key = e.key;
    return false;
  });
  if (key.isUnbound()) return nameErr(call.name, "empty dict");
  if (auto r = dict.checkMutable("delete from"); !r) return nameErr(call.name, r.error());
  auto v = dict.table.remove(key);
  if (!v) return nameErr(call.name, v.error());
  return make<Tuple>(ValueVector{std::move(key), std::move(**v)});
}

Result<Value> setdefault(Thread&, const BuiltinCall& call) {
  Value key, dflt = Value::none();
  TRY_VOID(unpackPositionalArgs(call, 1, {&key, &dflt}));
  Dict& dict = recv(call);
  auto v = dict.table.get(key);
  if (!v) return nameErr(call.name, v.error());
  if (*v) return **v;
  if (auto r = dict.set(key, dflt); !r) return nameErr(call.name, r.error());
  return dflt;
}

Result<Value> update(Thread&, const BuiltinCall& call) {
  if (call.args.positional.size() > 1) {
    return makeError(
        cat("update: got ", call.args.positional.size(), " arguments, want at most 1"));
  }
  if (auto r = updateDict(recv(call), call.args.positional, call.args.named); !r) {
    return makeError("update: " + r.error().message());
  }
  return Value();
}

constexpr Method kMethods[] = {
    {"clear", clear},   {"get", get},         {"items", items},           {"keys", keys},
    {"pop", pop},       {"popitem", popitem}, {"setdefault", setdefault}, {"update", update},
    {"values", values},
};

}  // namespace

std::span<const Method> dictMethods() { return kMethods; }

}  // namespace slant::starlark::lib
