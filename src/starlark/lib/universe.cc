// The universe: Starlark's predeclared constants and builtin functions, as go.starlark.net's
// library.go defines them (version of January 2021, plus abs from later versions), with the same
// argument rules and error messages.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <string>
#include <string_view>
#include <vector>

#include "starlark/lib/dict_update.h"
#include "starlark/lib/unicode.h"
#include "starlark/lib/unpack.h"
#include "starlark/lib/util.h"
#include "starlark/starlark.h"
#include "starlark/value.h"

namespace slant::starlark::lib {
namespace {

using syntax::Token;

// Appends a print()/fail() argument: strings as they are, other values as repr.
void writeArg(std::string& out, const Value& v) {
  if (v.isString()) {
    out.append(v.str());
  } else {
    writeValue(out, v, true);
  }
}

Result<Value> noKeywords(const BuiltinCall& call) {
  if (!call.args.named.empty()) {
    return makeError(cat(call.name, " does not accept keyword arguments"));
  }
  return Value();
}

// Copies an iterable's elements into a vector (the caller has checked it is iterable).
Result<ValueVector> elements(const Value& iterable) {
  ValueVector out;
  if (auto n = length(iterable)) out.reserve(static_cast<size_t>(*n));
  TRY_VOID(forEach(iterable, [&](const Value& x) -> Result<void> {
    out.push_back(x);
    return {};
  }));
  return out;
}

// ---- the builtins, in alphabetical order ----

Result<Value> abs(Thread&, const BuiltinCall& call) {
  Value x;
  TRY_VOID(unpackPositionalArgs(call, 1, {&x}));
  if (x.isFloat()) return Value::floating(std::fabs(x.asFloat()));
  if (x.isSmallInt() && x.asSmallInt() >= 0) return x;
  if (x.isInt()) {
    if (TRY(compare3(x, makeInt(0))) >= 0) return x;
    return unary(Token::kMinus, x);
  }
  return makeError(cat("got ", typeName(x), ", want int or float"));
}

Result<Value> all(Thread&, const BuiltinCall& call) {
  IterableArg iterable;
  TRY_VOID(unpackPositionalArgs(call, 1, {&iterable}));
  bool result = true;
  TRY_VOID(forEach(iterable.value, [&](const Value& x) -> Result<void> {
    if (result && !truth(x)) result = false;
    return {};
  }));
  return Value::boolean(result);
}

Result<Value> any(Thread&, const BuiltinCall& call) {
  IterableArg iterable;
  TRY_VOID(unpackPositionalArgs(call, 1, {&iterable}));
  bool result = false;
  TRY_VOID(forEach(iterable.value, [&](const Value& x) -> Result<void> {
    if (!result && truth(x)) result = true;
    return {};
  }));
  return Value::boolean(result);
}

Result<Value> bool_(Thread&, const BuiltinCall& call) {
  Value x = Value::boolean(false);
  TRY_VOID(unpackPositionalArgs(call, 0, {&x}));
  return Value::boolean(truth(x));
}

Result<Value> chr(Thread&, const BuiltinCall& call) {
  TRY(noKeywords(call));
  if (call.args.positional.size() != 1) {
    return makeError(cat("chr: got ", call.args.positional.size(), " arguments, want 1"));
  }
  auto i = asInt32(call.args.positional[0]);
  if (!i) return nameErr("chr", i.error());
  if (*i < 0) return makeError(cat("chr: Unicode code point ", *i, " out of range (<0)"));
  if (static_cast<int64_t>(*i) > static_cast<int64_t>(kMaxRune)) {
    char hex[24];
    auto r = std::to_chars(hex, hex + sizeof hex, *i, 16);
    std::string digits(hex, r.ptr);
    for (char& c : digits) c = (c >= 'a' && c <= 'f') ? static_cast<char>(c - 32) : c;
    return makeError(cat("chr: Unicode code point U+", digits, " out of range (>0x10FFFF)"));
  }
  std::string s;
  appendUtf8(s, static_cast<char32_t>(*i));
  return makeString(std::move(s));
}

Result<Value> dict(Thread&, const BuiltinCall& call) {
  if (call.args.positional.size() > 1) {
    return makeError(cat("dict: got ", call.args.positional.size(), " arguments, want at most 1"));
  }
  Value result = make<Dict>();
  if (auto r = updateDict(*result.as<Dict>(), call.args.positional, call.args.named); !r) {
    return nameErr("dict", r.error());
  }
  return result;
}

// The attribute names of x: its type's methods and its fields, sorted.
std::vector<std::string> attrNames(const Value& x) {
  std::vector<std::string> names = methodNames(x);
  if (x.isObject()) {
    std::vector<std::string> fields = x.object()->attrNames();
    if (names.empty()) {
      names = std::move(fields);
    } else {
      names.insert(names.end(), fields.begin(), fields.end());
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
  }
  return names;
}

Result<Value> dir(Thread&, const BuiltinCall& call) {
  TRY(noKeywords(call));
  if (call.args.positional.size() != 1) {
    return makeError(cat("dir: got ", call.args.positional.size(), " arguments, want 1"));
  }
  std::vector<std::string> names = attrNames(call.args.positional[0]);
  ValueVector elems;
  elems.reserve(names.size());
  for (std::string& name : names) elems.push_back(makeString(std::move(name)));
  return make<List>(std::move(elems));
}

Result<Value> enumerate(Thread&, const BuiltinCall& call) {
  IterableArg iterable;
  int64_t start = 0;
  TRY_VOID(unpackPositionalArgs(call, 1, {&iterable, &start}));
  ValueVector pairs;
  if (auto n = length(iterable.value)) pairs.reserve(static_cast<size_t>(*n));
  int64_t i = start;
  TRY_VOID(forEach(iterable.value, [&](const Value& x) -> Result<void> {
    pairs.push_back(make<Tuple>(ValueVector{makeInt(i++), x}));
    return {};
  }));
  return make<List>(std::move(pairs));
}

Result<Value> fail(Thread&, const BuiltinCall& call) {
  std::string_view sep = " ";
  TRY_VOID(unpackArgs("fail", {}, call.args.named, {{"sep?", &sep}}));
  std::string msg = "fail: ";
  for (size_t i = 0; i < call.args.positional.size(); ++i) {
    if (i > 0) msg.append(sep);
    writeArg(msg, call.args.positional[i]);
  }
  return makeError(std::move(msg));
}

bool equalFold(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x >= 'A' && x <= 'Z' ? x + 32 : x) == (y >= 'A' && y <= 'Z' ? y + 32 : y);
         });
}

Result<Value> float_(Thread&, const BuiltinCall& call) {
  if (!call.args.named.empty()) return makeError("float does not accept keyword arguments");
  if (call.args.positional.empty()) return Value::floating(0.0);
  if (call.args.positional.size() != 1) {
    return makeError(cat("float got ", call.args.positional.size(), " arguments, wants 1"));
  }
  const Value& x = call.args.positional[0];
  if (x.isBool()) return Value::floating(x.asBool() ? 1.0 : 0.0);
  if (x.isFloat()) return x;
  if (x.isInt()) return Value::floating(TRY(intToFloat(x)));
  if (!x.isString()) {
    return makeError(cat("float got ", typeName(x), ", want number or string"));
  }
  std::string_view s = x.str();
  if (s.empty()) return makeError("float: empty string");
  // ±inf, ±infinity and ±nan, in any case.
  switch (s.back() | 0x20) {
    case 'y':
      if (equalFold(s, "infinity") || equalFold(s, "+infinity")) return Value::floating(HUGE_VAL);
      if (equalFold(s, "-infinity")) return Value::floating(-HUGE_VAL);
      break;
    case 'f':
      if (equalFold(s, "inf") || equalFold(s, "+inf")) return Value::floating(HUGE_VAL);
      if (equalFold(s, "-inf")) return Value::floating(-HUGE_VAL);
      break;
    case 'n':
      if (equalFold(s, "nan") || equalFold(s, "+nan") || equalFold(s, "-nan")) {
        return Value::floating(std::nan(""));
      }
      break;
  }
  std::optional<double> f = parseGoFloat(s);
  if (f && std::isinf(*f)) return makeError("floating-point number too large");
  if (!f) return makeError(cat("invalid float literal: ", s));
  return Value::floating(*f);
}

// getattr and hasattr look up methods first, then fields.
Result<Value> getattr(Thread& thread, const BuiltinCall& call) {
  Value object, dflt = Value::unbound();
  std::string_view name;
  TRY_VOID(unpackPositionalArgs(call, 2, {&object, &name, &dflt}));
  if (const Method* m = findMethod(object, name)) {
    return make<Builtin>(std::string(m->name), m->fn, object);
  }
  if (object.isObject()) {
    auto v = object.object()->attr(thread, name);
    if (!v) {
      // The field may be missing or failed to compute; either way the default wins.
      if (!dflt.isUnbound()) return dflt;
      return nameErr("getattr", v.error());
    }
    if (*v) return std::move(**v);
  }
  if (!dflt.isUnbound()) return dflt;
  return makeError(cat("getattr: ", noSuchAttrMessage(object, name)));
}

Result<Value> hasattr(Thread& thread, const BuiltinCall& call) {
  Value object;
  std::string_view name;
  TRY_VOID(unpackPositionalArgs(call, 2, {&object, &name}));
  if (findMethod(object, name) != nullptr) return Value::boolean(true);
  if (!object.isObject()) return Value::boolean(false);
  auto v = object.object()->attr(thread, name);
  if (v) return Value::boolean(v->has_value());
  // An error does not tell whether the field exists: it may have failed to compute.
  std::vector<std::string> names = object.object()->attrNames();
  return Value::boolean(std::find(names.begin(), names.end(), name) != names.end());
}

// go.starlark.net's javaStringHash. It means to hash the UTF-16 encoding, but tests for
// surrogate code points (which decoding never yields) instead of supplementary ones, so in
// effect it hashes the code points; we do the same to give the same numbers.
int32_t starlarkStringHash(std::string_view s) {
  uint32_t h = 0;  // int32 arithmetic with wraparound
  while (!s.empty()) {
    DecodedRune d = decodeRune(s);
    h = 31 * h + static_cast<uint32_t>(d.rune);
    s.remove_prefix(d.size);
  }
  return static_cast<int32_t>(h);
}

Result<Value> hash(Thread&, const BuiltinCall& call) {
  std::string_view s;
  TRY_VOID(unpackPositionalArgs(call, 1, {&s}));
  return makeInt(starlarkStringHash(s));
}

// Prefixes "int: " to an error from the int helpers unless it already has it.
std::unexpected<Error> intErr(const Error& err) {
  if (err.message().starts_with("int: ")) return std::unexpected(err);
  return nameErr("int", err);
}

Result<Value> int_(Thread&, const BuiltinCall& call) {
  Value x = makeInt(0), base = Value::unbound();
  TRY_VOID(unpackArgs(call, {{"x", &x}, {"base?", &base}}));
  if (x.isString()) {
    int64_t b = 10;
    if (!base.isUnbound()) {
      auto bi = asInt32(base);
      if (!bi || (*bi != 0 && (*bi < 2 || *bi > 36))) {
        return makeError("int: base must be an integer >= 2 && <= 36");
      }
      b = *bi;
    }
    auto r = parseInt(x.str(), static_cast<int>(b));
    if (!r) return intErr(r.error());
    return std::move(*r);
  }
  if (!base.isUnbound()) return makeError("int: can't convert non-string with explicit base");
  if (x.isBool()) return makeInt(x.asBool() ? 1 : 0);
  if (x.isInt()) return x;
  if (x.isFloat()) {
    double f = x.asFloat();
    if (std::isinf(f)) return makeError("int: cannot convert float infinity to integer");
    if (std::isnan(f)) return makeError("int: cannot convert float NaN to integer");
    auto r = floatToInt(f);
    if (!r) return intErr(r.error());
    return std::move(*r);
  }
  return makeError(cat("int: cannot convert ", typeName(x), " to int"));
}

Result<Value> len(Thread&, const BuiltinCall& call) {
  Value x;
  TRY_VOID(unpackPositionalArgs(call, 1, {&x}));
  std::optional<int64_t> n = length(x);
  if (!n) return makeError(cat("len: value of type ", typeName(x), " has no len"));
  return makeInt(*n);
}

Result<Value> list(Thread&, const BuiltinCall& call) {
  IterableArg iterable;
  TRY_VOID(unpackPositionalArgs(call, 0, {&iterable}));
  if (!iterable.present()) return make<List>();
  return make<List>(TRY(elements(iterable.value)));
}

// min and max.
Result<Value> minmax(Thread& thread, const BuiltinCall& call) {
  std::span<const Value> args = call.args.positional;
  if (args.empty()) {
    return makeError(cat(call.name, " requires at least one positional argument"));
  }
  CallableArg key;
  TRY_VOID(unpackArgs(call.name, {}, call.args.named, {{"key?", &key}}));
  Token op = call.name == "max" ? Token::kGt : Token::kLt;

  Value extremum = Value::unbound(), extreme_key;
  auto consider = [&](const Value& x) -> Result<void> {
    Value k = x;
    if (key.present()) k = TRY(starlark::call(thread, key.value, CallArgs{std::span(&x, 1), {}}));
    if (extremum.isUnbound()) {
      extremum = x;
      extreme_key = std::move(k);
      return {};
    }
    auto better = compare(op, k, extreme_key);
    if (!better) return nameErr(call.name, better.error());
    if (*better) {
      extremum = x;
      extreme_key = std::move(k);
    }
    return {};
  };

  if (args.size() > 1) {
    for (const Value& x : args) TRY_VOID(consider(x));
  } else {
    const Value& iterable = args[0];
    if (!isIterable(iterable)) {
      return makeError(cat(call.name, ": ", typeName(iterable), " value is not iterable"));
    }
    if (key.present()) {
      // The key function may run arbitrary code: iterate with an Iterator, which makes
      // mutation of the container an error.
      auto it = TRY(iterate(iterable));
      Value x;
      while (it->next(x)) TRY_VOID(consider(x));
    } else {
      TRY_VOID(forEach(iterable, consider));
    }
  }
  if (extremum.isUnbound()) return nameErr(call.name, "argument is an empty sequence");
  return extremum;
}

Result<Value> ord(Thread&, const BuiltinCall& call) {
  TRY(noKeywords(call));
  if (call.args.positional.size() != 1) {
    return makeError(cat("ord: got ", call.args.positional.size(), " arguments, want 1"));
  }
  const Value& x = call.args.positional[0];
  if (!x.isString()) return makeError(cat("ord: got ", typeName(x), ", want string"));
  std::string_view s = x.str();
  DecodedRune d = decodeRune(s);
  if (d.size == 0 || static_cast<size_t>(d.size) != s.size()) {
    return makeError(cat("ord: string encodes ", runeCount(s), " Unicode code points, want 1"));
  }
  return makeInt(d.rune);
}

Result<Value> print(Thread& thread, const BuiltinCall& call) {
  std::string_view sep = " ";
  TRY_VOID(unpackArgs("print", {}, call.args.named, {{"sep?", &sep}}));
  std::string msg;
  for (size_t i = 0; i < call.args.positional.size(); ++i) {
    if (i > 0) msg.append(sep);
    writeArg(msg, call.args.positional[i]);
  }
  if (thread.print()) {
    thread.print()(thread, msg);
  } else {
    msg.push_back('\n');
    std::fwrite(msg.data(), 1, msg.size(), stdout);
  }
  return Value();
}

Result<Value> range(Thread&, const BuiltinCall& call) {
  int64_t start = 0, stop = 0, step = 1;
  TRY_VOID(unpackPositionalArgs(call, 1, {&start, &stop, &step}));
  if (call.args.positional.size() == 1) {
    stop = start;
    start = 0;
  }
  if (step == 0) return makeError("range: step argument must not be zero");
  return make<Range>(start, stop, step);
}

Result<Value> repr_(Thread&, const BuiltinCall& call) {
  Value x;
  TRY_VOID(unpackPositionalArgs(call, 1, {&x}));
  return makeString(repr(x));
}

Result<Value> reversed(Thread&, const BuiltinCall& call) {
  IterableArg iterable;
  TRY_VOID(unpackPositionalArgs(call, 1, {&iterable}));
  ValueVector elems = TRY(elements(iterable.value));
  std::reverse(elems.begin(), elems.end());
  return make<List>(std::move(elems));
}

Result<Value> set(Thread&, const BuiltinCall& call) {
  IterableArg iterable;
  TRY_VOID(unpackPositionalArgs(call, 0, {&iterable}));
  Value result = make<Set>();
  if (iterable.present()) {
    HashTable& table = result.as<Set>()->table;
    auto r = forEach(iterable.value, [&](const Value& x) { return table.insert(x, Value()); });
    if (!r) return nameErr("set", r.error());
  }
  return result;
}

// go.starlark.net sorts with Go's sort.Stable (insertion sort of blocks of 20, then SymMerge),
// and when comparisons fail it reports the error of the last failing comparison. Our sort uses
// std::stable_sort; only when a comparison fails do we replay Go's algorithm on the original
// order, to report the same error as Go.
class GoStableSort {
 public:
  GoStableSort(const ValueVector& keys, bool reverse) : keys_(keys), reverse_(reverse) {
    perm_.resize(keys.size());
    std::iota(perm_.begin(), perm_.end(), size_t{0});
  }

  // The order found: positions into keys.
  const std::vector<size_t>& perm() const { return perm_; }

  // Runs the sort; returns the last comparison error, if any.
  std::optional<Error> run() {
    size_t n = perm_.size();
    size_t block = 20;
    size_t a = 0, b = block;
    for (; b <= n; a = b, b += block) insertionSort(a, b);
    insertionSort(a, n);
    while (block < n) {
      a = 0;
      b = 2 * block;
      for (; b <= n; a = b, b += 2 * block) symMerge(a, a + block, b);
      if (a + block < n) symMerge(a, a + block, n);
      block *= 2;
    }
    return error_;
  }

 private:
  bool less(size_t i, size_t j) {
    const Value& x = keys_[perm_[reverse_ ? j : i]];
    const Value& y = keys_[perm_[reverse_ ? i : j]];
    auto r = compare(Token::kLt, x, y);
    if (!r) {
      error_ = r.error();
      return false;
    }
    return *r;
  }
  void swap(size_t i, size_t j) { std::swap(perm_[i], perm_[j]); }
  void insertionSort(size_t a, size_t b) {
    for (size_t i = a + 1; i < b; ++i)
      for (size_t j = i; j > a && less(j, j - 1); --j) swap(j, j - 1);
  }
  void swapRange(size_t a, size_t b, size_t n) {
    for (size_t i = 0; i < n; ++i) swap(a + i, b + i);
  }
  void rotate(size_t a, size_t m, size_t b) {
    size_t i = m - a, j = b - m;
    while (i != j) {
      if (i > j) {
        swapRange(m - i, m, j);
        i -= j;
      } else {
        swapRange(m - i, m + j - i, i);
        j -= i;
      }
    }
    swapRange(m - i, m, i);
  }
  void symMerge(size_t a, size_t m, size_t b) {
    if (m - a == 1) {
      size_t i = m, j = b;
      while (i < j) {
        size_t h = (i + j) / 2;
        if (less(h, a)) {
          i = h + 1;
        } else {
          j = h;
        }
      }
      for (size_t k = a; k + 1 < i; ++k) swap(k, k + 1);
      return;
    }
    if (b - m == 1) {
      size_t i = a, j = m;
      while (i < j) {
        size_t h = (i + j) / 2;
        if (!less(m, h)) {
          i = h + 1;
        } else {
          j = h;
        }
      }
      for (size_t k = m; k > i; --k) swap(k, k - 1);
      return;
    }
    size_t mid = (a + b) / 2;
    size_t n = mid + m;
    size_t start, r;
    if (m > mid) {
      start = n - b;
      r = mid;
    } else {
      start = a;
      r = m;
    }
    size_t p = n - 1;
    while (start < r) {
      size_t c = (start + r) / 2;
      if (!less(p - c, c)) {
        start = c + 1;
      } else {
        r = c;
      }
    }
    size_t end = n - start;
    if (start < m && m < end) rotate(start, m, end);
    if (a < start && start < mid) symMerge(a, start, mid);
    if (mid < end && end < b) symMerge(mid, end, b);
  }

  const ValueVector& keys_;
  bool reverse_;
  std::vector<size_t> perm_;
  std::optional<Error> error_;
};

Result<Value> sorted(Thread& thread, const BuiltinCall& call) {
  IterableArg iterable;
  CallableArg key;
  bool reverse = false;
  TRY_VOID(unpackArgs(call, {{"iterable", &iterable}, {"key?", &key}, {"reverse?", &reverse}}));
  ValueVector values;
  ValueVector keys;
  // With a key function, keep an iterator open until the keys are computed, so that the
  // container cannot change meanwhile (as in go.starlark.net, where its iterator is live).
  std::unique_ptr<Iterator> open_iterator;
  if (key.present()) {
    open_iterator = TRY(iterate(iterable.value));
    Value x;
    while (open_iterator->next(x)) values.push_back(std::move(x));
  } else {
    values = TRY(elements(iterable.value));
  }
  if (key.present()) {
    keys.reserve(values.size());
    for (const Value& v : values) {
      keys.push_back(TRY(starlark::call(thread, key.value, CallArgs{std::span(&v, 1), {}})));
    }
  }
  const ValueVector& sort_keys = key.present() ? keys : values;
  std::vector<size_t> perm(values.size());
  std::iota(perm.begin(), perm.end(), size_t{0});
  bool failed = false;
  auto less = [&](size_t i, size_t j) {
    if (failed) return false;
    const Value& x = sort_keys[i];
    const Value& y = sort_keys[j];
    // Fast paths for the common homogeneous cases.
    if (x.isSmallInt() && y.isSmallInt()) return x.asSmallInt() < y.asSmallInt();
    if (x.isString() && y.isString()) return x.str() < y.str();
    auto r = compare(Token::kLt, x, y);
    if (!r) {
      failed = true;
      return false;
    }
    return *r;
  };
  if (reverse) {
    std::stable_sort(perm.begin(), perm.end(), [&](size_t i, size_t j) { return less(j, i); });
  } else {
    std::stable_sort(perm.begin(), perm.end(), less);
  }
  if (failed) {
    // Go's algorithm may not make the failing comparison; then it succeeds, and so do we.
    GoStableSort go_sort(sort_keys, reverse);
    if (std::optional<Error> err = go_sort.run()) return std::unexpected(*err);
    perm = go_sort.perm();
  }
  ValueVector out;
  out.reserve(values.size());
  for (size_t i : perm) out.push_back(std::move(values[i]));
  return make<List>(std::move(out));
}

Result<Value> str_(Thread&, const BuiltinCall& call) {
  TRY(noKeywords(call));
  if (call.args.positional.size() != 1) {
    return makeError(cat("str: got ", call.args.positional.size(), " arguments, want exactly 1"));
  }
  const Value& x = call.args.positional[0];
  if (x.isString()) return x;
  return makeString(str(x));
}

Result<Value> tuple(Thread&, const BuiltinCall& call) {
  IterableArg iterable;
  TRY_VOID(unpackPositionalArgs(call, 0, {&iterable}));
  if (!iterable.present()) return make<Tuple>();
  if (iterable.value.is(ObjType::kTuple)) return iterable.value;
  return make<Tuple>(TRY(elements(iterable.value)));
}

Result<Value> type(Thread&, const BuiltinCall& call) {
  TRY(noKeywords(call));
  if (call.args.positional.size() != 1) {
    return makeError(cat("type: got ", call.args.positional.size(), " arguments, want exactly 1"));
  }
  return typeString(call.args.positional[0]);
}

Result<Value> zip(Thread&, const BuiltinCall& call) {
  TRY(noKeywords(call));
  std::span<const Value> args = call.args.positional;
  const size_t cols = args.size();
  if (cols == 0) return make<List>();
  // Columns of known length are copied; unknown-length ones are consumed in step.
  std::vector<ValueVector> columns(cols);
  for (size_t i = 0; i < cols; ++i) {
    if (!isIterable(args[i])) {
      return makeError(cat("zip: argument #", i + 1, " is not iterable: ", typeName(args[i])));
    }
  }
  size_t rows = SIZE_MAX;
  for (size_t i = 0; i < cols; ++i) {
    columns[i] = TRY(elements(args[i]));
    rows = std::min(rows, columns[i].size());
  }
  ValueVector result;
  result.reserve(rows);
  for (size_t r = 0; r < rows; ++r) {
    ValueVector row;
    row.reserve(cols);
    for (size_t c = 0; c < cols; ++c) row.push_back(std::move(columns[c][r]));
    result.push_back(make<Tuple>(std::move(row)));
  }
  return make<List>(std::move(result));
}

struct Entry {
  const char* name;
  BuiltinFn fn;
};

constexpr Entry kBuiltins[] = {
    {"abs", abs},       {"all", all},      {"any", any},           {"bool", bool_},
    {"chr", chr},       {"dict", dict},    {"dir", dir},           {"enumerate", enumerate},
    {"fail", fail},     {"float", float_}, {"getattr", getattr},   {"hasattr", hasattr},
    {"hash", hash},     {"int", int_},     {"len", len},           {"list", list},
    {"max", minmax},    {"min", minmax},   {"ord", ord},           {"print", print},
    {"range", range},   {"repr", repr_},   {"reversed", reversed}, {"set", set},
    {"sorted", sorted}, {"str", str_},     {"tuple", tuple},       {"type", type},
    {"zip", zip},
};

}  // namespace
}  // namespace slant::starlark::lib

namespace slant::starlark {

const std::vector<std::pair<std::string, Value>>& universe() {
  // Built once, with no current Heap, and never destroyed: the values are immortal.
  static const auto* const kUniverse = [] {
    HeapScope no_heap(nullptr);
    auto* u = new std::vector<std::pair<std::string, Value>>();
    u->reserve(std::size(lib::kBuiltins) + 3);
    u->emplace_back("None", Value::none());
    u->emplace_back("True", Value::boolean(true));
    u->emplace_back("False", Value::boolean(false));
    for (const lib::Entry& e : lib::kBuiltins) {
      Value b = make<Builtin>(e.name, e.fn);
      freeze(b);
      u->emplace_back(e.name, std::move(b));
    }
    return u;
  }();
  return *kUniverse;
}

}  // namespace slant::starlark
