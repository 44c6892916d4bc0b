// The methods of strings, as go.starlark.net's library.go defines them. Strings are byte
// sequences: indices and lengths count bytes, and only the methods that care about characters
// (case mapping, classification, whitespace, codepoints()) decode UTF-8, each malformed byte
// counting as U+FFFD as Go's `for range` over a string does.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "starlark/lib/methods.h"
#include "starlark/lib/unicode.h"
#include "starlark/lib/unpack.h"
#include "starlark/lib/util.h"

namespace slant::starlark::lib {
namespace {

std::string_view recv(const BuiltinCall& call) { return call.receiver.str(); }

Result<Value> noArgs(const BuiltinCall& call) {
  TRY_VOID(unpackPositionalArgs(call, 0, {}));
  return Value();
}

// ---- elems(), codepoints() and their _ords variants ----

// The value of s.elems(), s.codepoints(), s.elem_ords() or s.codepoint_ords(): an iterable
// view of the string that yields 1-byte strings, code point substrings, or their numeric values.
class StringView final : public Object {
 public:
  StringView(Value s, bool ords, bool codepoints)
      : Object(ObjType::kOther), s_(std::move(s)), ords_(ords), codepoints_(codepoints) {
    frozen_ = true;
  }
  std::string_view typeName() const override { return codepoints_ ? "codepoints" : "elems"; }
  void write(std::string& out, bool quoted, std::vector<const Object*>& path) const override {
    writeValue(out, s_, true);
    out.append(codepoints_ ? ".codepoint" : ".elem");
    out.append(ords_ ? "_ords()" : "s()");
  }
  Result<uint32_t> hash() const override { return makeError(cat("unhashable: ", typeName())); }
  std::unique_ptr<Iterator> iterate() const override;
  // As in Go, where these views are comparable structs: equal if they view equal strings the
  // same way.
  Result<bool> equals(const Object& other, int depth) const override {
    const auto* o = dynamic_cast<const StringView*>(&other);
    if (o == nullptr || o->ords_ != ords_ || o->codepoints_ != codepoints_) return false;
    return s_.str() == o->s_.str();
  }

  const Value& string() const { return s_; }
  bool ords() const { return ords_; }
  bool codepoints() const { return codepoints_; }

 private:
  Value s_;
  bool ords_;
  bool codepoints_;
};

class StringViewIterator final : public Iterator {
 public:
  explicit StringViewIterator(const StringView& view)
      : s_(view.string()), ords_(view.ords()), codepoints_(view.codepoints()) {}
  bool next(Value& out) override {
    std::string_view s = s_.str().substr(i_);
    if (s.empty()) return false;
    if (codepoints_) {
      DecodedRune d = decodeRune(s);
      out = ords_ ? makeInt(d.rune) : makeString(std::string(s.substr(0, d.size)));
      i_ += d.size;
    } else {
      out = ords_ ? makeInt(static_cast<unsigned char>(s[0])) : makeString(std::string(1, s[0]));
      i_ += 1;
    }
    return true;
  }

 private:
  Value s_;
  size_t i_ = 0;
  bool ords_;
  bool codepoints_;
};

std::unique_ptr<Iterator> StringView::iterate() const {
  return std::make_unique<StringViewIterator>(*this);
}

// The name tells which view: elems, codepoints, elem_ords, codepoint_ords.
Result<Value> stringView(Thread&, const BuiltinCall& call) {
  TRY_VOID(unpackPositionalArgs(call, 0, {}));
  bool ords = call.name.ends_with("_ords");
  bool codepoints = call.name.starts_with("codepoint");
  return make<StringView>(call.receiver, ords, codepoints);
}

// ---- case and classification ----

Result<Value> capitalize(Thread&, const BuiltinCall& call) {
  TRY(noArgs(call));
  std::string_view s = recv(call);
  std::string out;
  out.reserve(s.size());
  bool first = true;
  while (!s.empty()) {
    DecodedRune d = decodeRune(s);
    appendUtf8(out, first ? toTitle(d.rune) : toLower(d.rune));
    first = false;
    s.remove_prefix(d.size);
  }
  return makeString(std::move(out));
}

Result<Value> lower(Thread&, const BuiltinCall& call) {
  TRY(noArgs(call));
  return makeString(lowerString(recv(call)));
}

Result<Value> upper(Thread&, const BuiltinCall& call) {
  TRY(noArgs(call));
  return makeString(upperString(recv(call)));
}

Result<Value> title(Thread&, const BuiltinCall& call) {
  TRY(noArgs(call));
  std::string_view s = recv(call);
  std::string out;
  out.reserve(s.size());
  // Python semantics: upper case may only follow uncased characters, lower case only cased ones.
  bool prev_cased = false;
  while (!s.empty()) {
    DecodedRune d = decodeRune(s);
    char32_t r = prev_cased ? toLower(d.rune) : toTitle(d.rune);
    prev_cased = isCased(r);
    appendUtf8(out, r);
    s.remove_prefix(d.size);
  }
  return makeString(std::move(out));
}

// True if s is non-empty and every code point satisfies pred.
template <class Pred>
bool allRunes(std::string_view s, Pred pred) {
  if (s.empty()) return false;
  while (!s.empty()) {
    DecodedRune d = decodeRune(s);
    if (!pred(d.rune)) return false;
    s.remove_prefix(d.size);
  }
  return true;
}

Result<Value> isalnum(Thread&, const BuiltinCall& call) {
  TRY(noArgs(call));
  return Value::boolean(allRunes(recv(call), [](char32_t r) { return isLetter(r) || isDigit(r); }));
}

Result<Value> isalpha(Thread&, const BuiltinCall& call) {
  TRY(noArgs(call));
  return Value::boolean(allRunes(recv(call), isLetter));
}

Result<Value> isdigit(Thread&, const BuiltinCall& call) {
  TRY(noArgs(call));
  return Value::boolean(allRunes(recv(call), isDigit));
}

Result<Value> isspace(Thread&, const BuiltinCall& call) {
  TRY(noArgs(call));
  return Value::boolean(allRunes(recv(call), isSpace));
}

bool hasCased(std::string_view s) {
  while (!s.empty()) {
    DecodedRune d = decodeRune(s);
    if (isCased(d.rune)) return true;
    s.remove_prefix(d.size);
  }
  return false;
}

Result<Value> islower(Thread&, const BuiltinCall& call) {
  TRY(noArgs(call));
  std::string_view s = recv(call);
  return Value::boolean(hasCased(s) && lowerString(s) == s);
}

Result<Value> isupper(Thread&, const BuiltinCall& call) {
  TRY(noArgs(call));
  std::string_view s = recv(call);
  return Value::boolean(hasCased(s) && upperString(s) == s);
}

Result<Value> istitle(Thread&, const BuiltinCall& call) {
  TRY(noArgs(call));
  std::string_view s = recv(call);
  bool cased = false, prev_cased = false;
  while (!s.empty()) {
    DecodedRune d = decodeRune(s);
    char32_t r = d.rune;
    s.remove_prefix(d.size);
    if ((r >= 'A' && r <= 'Z') || isTitle(r)) {
      if (prev_cased) return Value::boolean(false);
      prev_cased = cased = true;
    } else if (isLower(r)) {
      if (!prev_cased) return Value::boolean(false);
      prev_cased = cased = true;
    } else if (isUpper(r)) {
      return Value::boolean(false);
    } else {
      prev_cased = false;
    }
  }
  return Value::boolean(cased);
}

// ---- searching ----

// strings.Count: non-overlapping occurrences; an empty sub matches between code points.
int64_t countSubstrings(std::string_view s, std::string_view sub) {
  if (sub.empty()) return runeCount(s) + 1;
  int64_t n = 0;
  for (size_t i = s.find(sub); i != std::string_view::npos; i = s.find(sub, i + sub.size())) ++n;
  return n;
}

Result<Value> count(Thread&, const BuiltinCall& call) {
  std::string_view sub;
  Value start = Value::unbound(), end = Value::unbound();
  TRY_VOID(unpackPositionalArgs(call, 1, {&sub, &start, &end}));
  std::string_view s = recv(call);
  auto r = indices(start, end, static_cast<int64_t>(s.size()));
  if (!r) return nameErr(call.name, r.error());
  auto [lo, hi] = *r;
  std::string_view slice = lo < hi ? s.substr(lo, hi - lo) : std::string_view();
  return makeInt(countSubstrings(slice, sub));
}

// find, rfind, index, rindex.
Result<Value> findImpl(const BuiltinCall& call, bool allow_error, bool last) {
  std::string_view sub;
  Value start = Value::unbound(), end = Value::unbound();
  TRY_VOID(unpackPositionalArgs(call, 1, {&sub, &start, &end}));
  std::string_view s = recv(call);
  auto r = indices(start, end, static_cast<int64_t>(s.size()));
  if (!r) return nameErr(call.name, r.error());
  auto [lo, hi] = *r;
  std::string_view slice = lo < hi ? s.substr(lo, hi - lo) : std::string_view();
  size_t i = last ? slice.rfind(sub) : slice.find(sub);
  if (i == std::string_view::npos) {
    if (!allow_error) return nameErr(call.name, "substring not found");
    return makeInt(-1);
  }
  return makeInt(static_cast<int64_t>(i) + lo);
}

Result<Value> find(Thread&, const BuiltinCall& call) { return findImpl(call, true, false); }
Result<Value> rfind(Thread&, const BuiltinCall& call) { return findImpl(call, true, true); }
Result<Value> index(Thread&, const BuiltinCall& call) { return findImpl(call, false, false); }
Result<Value> rindex(Thread&, const BuiltinCall& call) { return findImpl(call, false, true); }

// startswith and endswith.
Result<Value> startswith(Thread&, const BuiltinCall& call) {
  Value x;
  Value start = Value::none(), end = Value::none();
  TRY_VOID(unpackPositionalArgs(call, 1, {&x, &start, &end}));
  std::string_view s = recv(call);
  auto r = indices(start, end, static_cast<int64_t>(s.size()));
  if (!r) return nameErr(call.name, r.error());
  auto [lo, hi] = *r;
  if (hi < lo) hi = lo;
  s = s.substr(lo, hi - lo);
  bool ends = call.name[0] == 'e';
  auto test = [&](std::string_view fix) { return ends ? s.ends_with(fix) : s.starts_with(fix); };
  if (const Tuple* t = x.tryAs<Tuple>()) {
    for (size_t i = 0; i < t->elems().size(); ++i) {
      const Value& e = t->elems()[i];
      if (!e.isString()) {
        return makeError(cat(call.name, ": want string, got ", typeName(e), ", for element ", i));
      }
      if (test(e.str())) return Value::boolean(true);
    }
    return Value::boolean(false);
  }
  if (x.isString()) return Value::boolean(test(x.str()));
  return makeError(cat(call.name, ": got ", typeName(x), ", want string or tuple of string"));
}

Result<Value> removefix(Thread&, const BuiltinCall& call) {
  std::string_view fix;
  TRY_VOID(unpackPositionalArgs(call, 1, {&fix}));
  std::string_view s = recv(call);
  bool prefix = call.name == "removeprefix";
  if (prefix ? s.starts_with(fix) : s.ends_with(fix)) {
    if (fix.empty()) return call.receiver;
    return makeString(
        std::string(prefix ? s.substr(fix.size()) : s.substr(0, s.size() - fix.size())));
  }
  return call.receiver;
}

// ---- format ----

// Go's decimal(): s as a non-negative decimal number, or false (also on overflow).
bool decimalIndex(std::string_view s, size_t& out) {
  uint64_t x = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    x = x * 10 + static_cast<uint64_t>(c - '0');
    if (x > static_cast<uint64_t>(INT64_MAX) / 10) return false;
  }
  out = static_cast<size_t>(x);
  return true;
}

void writeStr(std::string& out, const Value& v) {
  if (v.isString()) {
    out.append(v.str());
  } else {
    writeValue(out, v, true);
  }
}

Result<Value> format(Thread&, const BuiltinCall& call) {
  std::string_view fmt = recv(call);
  std::span<const Value> args = call.args.positional;
  std::string out;
  out.reserve(fmt.size() + 16);
  bool automatic = false, manual = false;
  size_t next_index = 0;
  for (;;) {
    size_t brace = fmt.find('{');
    std::string_view literal = fmt.substr(0, brace);
    // Replace "}}" with "}" in the literal part, rejecting a lone '}'.
    for (;;) {
      size_t j = literal.find('}');
      if (j == std::string_view::npos) {
        out.append(literal);
        break;
      }
      if (j + 1 == literal.size() || literal[j + 1] != '}') {
        return makeError("format: single '}' in format");
      }
      out.append(literal.substr(0, j + 1));
      literal.remove_prefix(j + 2);
    }
    if (brace == std::string_view::npos) break;
    if (brace + 1 < fmt.size() && fmt[brace + 1] == '{') {
      out.push_back('{');  // "{{" is a literal '{'
      fmt.remove_prefix(brace + 2);
      continue;
    }
    fmt.remove_prefix(brace + 1);
    size_t close = fmt.find('}');
    if (close == std::string_view::npos) return makeError("format: unmatched '{' in format");
    std::string_view field = fmt.substr(0, close);
    fmt.remove_prefix(close + 1);

    std::string_view name, conv = "s", spec;
    if (size_t bang = field.find('!'); bang == std::string_view::npos) {
      size_t colon = field.find(':');
      name = field.substr(0, colon);
      if (colon != std::string_view::npos) spec = field.substr(colon + 1);
    } else {
      name = field.substr(0, bang);
      std::string_view rest = field.substr(bang + 1);
      size_t colon = rest.find(':');
      conv = rest.substr(0, colon);
      if (colon != std::string_view::npos) spec = rest.substr(colon + 1);
    }

    const Value* arg = nullptr;
    size_t num = 0;
    if (name.empty()) {
      if (manual) {
        return makeError(
            "format: cannot switch from manual field specification to automatic field numbering");
      }
      automatic = true;
      if (next_index >= args.size()) return makeError("format: tuple index out of range");
      arg = &args[next_index++];
    } else if (decimalIndex(name, num)) {
      if (automatic) {
        return makeError(
            "format: cannot switch from automatic field numbering to manual field specification");
      }
      manual = true;
      if (num >= args.size()) return makeError("format: tuple index out of range");
      arg = &args[num];
    } else {
      for (const Kwarg& kw : call.args.named) {
        if (kw.name == name) {
          arg = &kw.value;
          break;
        }
      }
      if (arg == nullptr) {
        // Starlark supports neither Python's x.y and a[i] forms nor nested fields.
        if (name.find('.') != std::string_view::npos) {
          return makeError(
              cat("format: attribute syntax x.y is not supported in replacement fields: ", name));
        }
        if (name.find('[') != std::string_view::npos) {
          return makeError(
              cat("format: element syntax a[i] is not supported in replacement fields: ", name));
        }
        if (name.find('{') != std::string_view::npos) {
          return makeError("format: nested replacement fields not supported");
        }
        return makeError(cat("format: keyword ", name, " not found"));
      }
    }
    if (!spec.empty()) {
      return makeError(cat("format spec features not supported in replacement fields: ", spec));
    }
    if (conv == "s") {
      writeStr(out, *arg);
    } else if (conv == "r") {
      writeValue(out, *arg, true);
    } else {
      std::string quoted;
      writeValue(quoted, makeString(std::string(conv)), true);
      return makeError(cat("format: unknown conversion ", quoted));
    }
  }
  return makeString(std::move(out));
}

// ---- join, partition, replace ----

Result<Value> join(Thread&, const BuiltinCall& call) {
  IterableArg iterable;
  TRY_VOID(unpackPositionalArgs(call, 1, {&iterable}));
  std::string_view sep = recv(call);
  std::string out;
  bool first = true;
  TRY_VOID(forEach(iterable.value, [&](const Value& x) -> Result<void> {
    if (!first) out.append(sep);
    first = false;
    if (!x.isString()) return makeError(cat("join: in list, want string, got ", typeName(x)));
    out.append(x.str());
    return {};
  }));
  return makeString(std::move(out));
}

Result<Value> partition(Thread&, const BuiltinCall& call) {
  std::string_view sep;
  TRY_VOID(unpackPositionalArgs(call, 1, {&sep}));
  if (sep.empty()) return nameErr(call.name, "empty separator");
  std::string_view s = recv(call);
  bool forward = call.name[0] == 'p';
  size_t i = forward ? s.find(sep) : s.rfind(sep);
  ValueVector parts;
  parts.reserve(3);
  Value empty = makeString(std::string());
  if (i == std::string_view::npos) {
    if (forward) {
      parts = {call.receiver, empty, empty};
    } else {
      parts = {empty, empty, call.receiver};
    }
  } else {
    parts.push_back(makeString(std::string(s.substr(0, i))));
    parts.push_back(makeString(std::string(sep)));
    parts.push_back(makeString(std::string(s.substr(i + sep.size()))));
  }
  return make<Tuple>(std::move(parts));
}

// strings.Replace: up to n replacements (all if n < 0); an empty `from` matches at the start and
// after each code point.
std::string replaceAll(std::string_view s, std::string_view from, std::string_view to, int64_t n) {
  std::string out;
  out.reserve(s.size());
  size_t pos = 0;
  int64_t done = 0;
  if (from.empty()) {
    while (n < 0 || done < n) {
      out.append(to);
      ++done;
      if (pos >= s.size()) break;
      int size = decodeRune(s.substr(pos)).size;
      out.append(s.substr(pos, size));
      pos += size;
    }
    out.append(s.substr(pos));
    return out;
  }
  while (n < 0 || done < n) {
    size_t i = s.find(from, pos);
    if (i == std::string_view::npos) break;
    out.append(s.substr(pos, i - pos));
    out.append(to);
    pos = i + from.size();
    ++done;
  }
  out.append(s.substr(pos));
  return out;
}

Result<Value> replace(Thread&, const BuiltinCall& call) {
  std::string_view from, to;
  int64_t n = -1;
  TRY_VOID(unpackPositionalArgs(call, 2, {&from, &to, &n}));
  std::string_view s = recv(call);
  if (n == 0 || from == to) return call.receiver;
  if (!from.empty() && s.find(from) == std::string_view::npos) return call.receiver;
  return makeString(replaceAll(s, from, to, n));
}

// ---- strip ----

// The code points of a cutset (malformed bytes as U+FFFD).
class Cutset {
 public:
  explicit Cutset(std::string_view chars) {
    while (!chars.empty()) {
      DecodedRune d = decodeRune(chars);
      runes_.push_back(d.rune);
      chars.remove_prefix(d.size);
    }
  }
  bool contains(char32_t r) const {
    return std::find(runes_.begin(), runes_.end(), r) != runes_.end();
  }

 private:
  std::vector<char32_t> runes_;
};

template <class Pred>
std::string_view trimLeft(std::string_view s, Pred pred) {
  while (!s.empty()) {
    DecodedRune d = decodeRune(s);
    if (!pred(d.rune)) break;
    s.remove_prefix(d.size);
  }
  return s;
}

template <class Pred>
std::string_view trimRight(std::string_view s, Pred pred) {
  while (!s.empty()) {
    DecodedRune d = decodeLastRune(s);
    if (!pred(d.rune)) break;
    s.remove_suffix(d.size);
  }
  return s;
}

// strip, lstrip, rstrip.
Result<Value> strip(Thread&, const BuiltinCall& call) {
  std::string_view chars;
  TRY_VOID(unpackPositionalArgs(call, 0, {&chars}));
  std::string_view s = recv(call);
  char which = call.name[0];
  std::string_view result;
  auto trim = [&](auto pred) {
    std::string_view t = s;
    if (which != 'r') t = trimLeft(t, pred);
    if (which != 'l') t = trimRight(t, pred);
    return t;
  };
  if (!chars.empty()) {
    Cutset cutset(chars);
    result = trim([&](char32_t r) { return cutset.contains(r); });
  } else {
    result = trim(isSpace);
  }
  if (result.size() == s.size()) return call.receiver;
  return makeString(std::string(result));
}

// ---- split ----

// strings.Fields, or the first `max` fields with the rest (leading space removed) as the last.
std::vector<std::string_view> splitSpace(std::string_view s, int64_t max) {
  std::vector<std::string_view> res;
  size_t start = std::string_view::npos;  // start of the current field, npos between fields
  size_t i = 0;
  while (i < s.size()) {
    DecodedRune d = decodeRune(s.substr(i));
    if (isSpace(d.rune)) {
      if (start != std::string_view::npos) {
        if (max >= 0 && static_cast<int64_t>(res.size()) == max) break;  // let it run to the end
        res.push_back(s.substr(start, i - start));
        start = std::string_view::npos;
      }
    } else if (start == std::string_view::npos) {
      start = i;
    }
    i += d.size;
  }
  if (start != std::string_view::npos) res.push_back(s.substr(start));
  return res;
}

// The mirror image of splitSpace (for rsplit with a maximum).
std::vector<std::string_view> rsplitSpace(std::string_view s, int64_t max) {
  std::vector<std::string_view> res;
  size_t end = std::string_view::npos;  // end of the current field, npos between fields
  size_t i = s.size();
  while (i > 0) {
    DecodedRune d = decodeLastRune(s.substr(0, i));
    if (isSpace(d.rune)) {
      if (end != std::string_view::npos) {
        if (static_cast<int64_t>(res.size()) == max) break;  // let it run to the start
        res.push_back(s.substr(i, end - i));
        end = std::string_view::npos;
      }
    } else if (end == std::string_view::npos) {
      end = i;
    }
    i -= d.size;
  }
  if (end != std::string_view::npos) res.push_back(s.substr(0, end));
  std::reverse(res.begin(), res.end());
  return res;
}

// strings.SplitN with a non-empty separator (n < 0: no limit).
std::vector<std::string_view> splitSep(std::string_view s, std::string_view sep, int64_t n) {
  std::vector<std::string_view> res;
  size_t pos = 0;
  while (n < 0 || static_cast<int64_t>(res.size()) + 1 < n) {
    size_t i = s.find(sep, pos);
    if (i == std::string_view::npos) break;
    res.push_back(s.substr(pos, i - pos));
    pos = i + sep.size();
  }
  res.push_back(s.substr(pos));
  return res;
}

// rsplit with a separator, as go.starlark.net: split everywhere (left to right, so that
// overlapping separators match as split does), then rejoin all but the last `max` pieces.
std::vector<std::string_view> rsplitSep(std::string_view s, std::string_view sep, int64_t max) {
  std::vector<std::string_view> pieces = splitSep(s, sep, -1);
  if (static_cast<int64_t>(pieces.size()) <= max) return pieces;
  size_t excess = pieces.size() - static_cast<size_t>(max);
  std::string_view last_joined = pieces[excess - 1];
  size_t first_end = static_cast<size_t>(last_joined.data() - s.data()) + last_joined.size();
  std::vector<std::string_view> res;
  res.reserve(static_cast<size_t>(max) + 1);
  res.push_back(s.substr(0, first_end));
  res.insert(res.end(), pieces.begin() + static_cast<ptrdiff_t>(excess), pieces.end());
  return res;
}

Value stringList(const std::vector<std::string_view>& parts) {
  ValueVector elems;
  elems.reserve(parts.size());
  for (std::string_view p : parts) elems.push_back(makeString(std::string(p)));
  return make<List>(std::move(elems));
}

// split and rsplit.
Result<Value> split(Thread&, const BuiltinCall& call) {
  Value sep = Value::none();
  int64_t maxsplit = -1;
  TRY_VOID(unpackPositionalArgs(call, 0, {&sep, &maxsplit}));
  std::string_view s = recv(call);
  bool forward = call.name == "split";
  if (sep.isNone()) {
    if (maxsplit < 0) return stringList(splitSpace(s, -1));
    return stringList(forward ? splitSpace(s, maxsplit) : rsplitSpace(s, maxsplit));
  }
  if (!sep.isString()) {
    return makeError(cat("split: got ", typeName(sep), " for separator, want string"));
  }
  std::string_view sep_str = sep.str();
  if (sep_str.empty()) return makeError("split: empty separator");
  if (maxsplit < 0) return stringList(splitSep(s, sep_str, -1));
  if (forward) {
    return stringList(splitSep(s, sep_str, maxsplit == INT64_MAX ? -1 : maxsplit + 1));
  }
  return stringList(rsplitSep(s, sep_str, maxsplit));
}

Result<Value> splitlines(Thread&, const BuiltinCall& call) {
  bool keepends = false;
  TRY_VOID(unpackPositionalArgs(call, 0, {&keepends}));
  std::string_view s = recv(call);
  ValueVector lines;
  size_t pos = 0;
  while (pos < s.size()) {
    size_t nl = s.find('\n', pos);
    if (nl == std::string_view::npos) {
      lines.push_back(makeString(std::string(s.substr(pos))));
      break;
    }
    lines.push_back(makeString(std::string(s.substr(pos, nl - pos + (keepends ? 1 : 0)))));
    pos = nl + 1;
  }
  return make<List>(std::move(lines));
}

constexpr Method kMethods[] = {
    {"capitalize", capitalize},
    {"codepoint_ords", stringView},
    {"codepoints", stringView},
    {"count", count},
    {"elem_ords", stringView},
    {"elems", stringView},
    {"endswith", startswith},
    {"find", find},
    {"format", format},
    {"index", index},
    {"isalnum", isalnum},
    {"isalpha", isalpha},
    {"isdigit", isdigit},
    {"islower", islower},
    {"isspace", isspace},
    {"istitle", istitle},
    {"isupper", isupper},
    {"join", join},
    {"lower", lower},
    {"lstrip", strip},
    {"partition", partition},
    {"removeprefix", removefix},
    {"removesuffix", removefix},
    {"replace", replace},
    {"rfind", rfind},
    {"rindex", rindex},
    {"rpartition", partition},
    {"rsplit", split},
    {"rstrip", strip},
    {"split", split},
    {"splitlines", splitlines},
    {"startswith", startswith},
    {"strip", strip},
    {"title", title},
    {"upper", upper},
};

}  // namespace

std::span<const Method> stringMethods() { return kMethods; }

}  // namespace slant::starlark::lib
