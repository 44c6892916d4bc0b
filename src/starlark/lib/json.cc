// JSON encoding and decoding as go.starlark.net's starlarkjson, byte for byte.
//
// starlarkjson leans on Go's encoding/json in three places, and we reproduce each: strings that
// are not printable ASCII are escaped as json.Marshal escapes them (HTML-safe); a string literal
// with escapes or non-ASCII bytes is validated and unquoted as json.Unmarshal would (same error
// messages, U+FFFD for malformed UTF-8 and lone surrogates); and json.indent is json.Indent,
// driven by a port of encoding/json's scanner state machine, whose messages ("invalid character
// 'x' after object key") users see. The decoder itself is starlarkjson's own recursive descent.
#include "starlark/lib/json.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <vector>

#include "starlark/lib/struct.h"
#include "starlark/lib/unicode.h"
#include "starlark/lib/unpack.h"
#include "starlark/lib/util.h"

namespace slant::starlark::lib {
namespace {

constexpr char kHex[] = "0123456789abcdef";

// ---- encoding/json's scanner ----

// What a step of the scanner found (encoding/json's scan* constants).
enum class Scan {
  kContinue,      // an uninteresting byte
  kBeginLiteral,  // the first byte of a string, number or literal
  kBeginObject,
  kObjectKey,    // the ':' after a key
  kObjectValue,  // the ',' after a key:value pair
  kEndObject,
  kBeginArray,
  kArrayValue,  // the ',' after an element
  kEndArray,
  kSkipSpace,
  kEnd,  // the top-level value ended (this byte is not part of it)
  kError,
};

// The JSON scanner of Go's encoding/json (scanner.go): a state machine fed one byte at a time.
class Scanner {
 public:
  Scan step(unsigned char c) {
    ++bytes_;
    return (this->*state_)(c);
  }
  // Signals the end of input; returns kEnd if a complete value was seen, else kError.
  Scan eof() {
    if (!error_.empty()) return Scan::kError;
    if (end_top_) return Scan::kEnd;
    (this->*state_)(' ');
    if (end_top_) return Scan::kEnd;
    if (error_.empty()) error_ = "unexpected end of JSON input";
    return Scan::kError;
  }
  const std::string& error() const { return error_; }

 private:
  enum class Parse { kObjectKey, kObjectValue, kArrayValue };
  using State = Scan (Scanner::*)(unsigned char);

  static bool isSpace(unsigned char c) {
    return c <= ' ' && (c == ' ' || c == '\t' || c == '\r' || c == '\n');
  }
  static bool isDigit(unsigned char c) { return c >= '0' && c <= '9'; }
  static bool isHex(unsigned char c) {
    return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  Scan fail(unsigned char c, std::string_view context) {
    state_ = &Scanner::stateError;
    error_ = cat("invalid character ", quoteByte(c), " ", context);
    return Scan::kError;
  }
  Scan push(Parse p, State next, Scan result) {
    parse_.push_back(p);
    if (parse_.size() > 10000) {
      state_ = &Scanner::stateError;
      error_ = "exceeded max depth";
      return Scan::kError;
    }
    state_ = next;
    return result;
  }
  Scan pop(Scan result) {
    parse_.pop_back();
    if (parse_.empty()) {
      state_ = &Scanner::stateEndTop;
      end_top_ = true;
    } else {
      state_ = &Scanner::stateEndValue;
    }
    return result;
  }

  Scan stateBeginValueOrEmpty(unsigned char c) {
    if (isSpace(c)) return Scan::kSkipSpace;
    if (c == ']') return stateEndValue(c);
    return stateBeginValue(c);
  }
  Scan stateBeginValue(unsigned char c) {
    if (isSpace(c)) return Scan::kSkipSpace;
    switch (c) {
      case '{':
        return push(Parse::kObjectKey, &Scanner::stateBeginStringOrEmpty, Scan::kBeginObject);
      case '[':
        return push(Parse::kArrayValue, &Scanner::stateBeginValueOrEmpty, Scan::kBeginArray);
      case '"':
        state_ = &Scanner::stateInString;
        return Scan::kBeginLiteral;
      case '-':
        state_ = &Scanner::stateNeg;
        return Scan::kBeginLiteral;
      case '0':
        state_ = &Scanner::state0;
        return Scan::kBeginLiteral;
      case 't':
        literal_ = "true";
        literal_pos_ = 1;
        state_ = &Scanner::stateLiteral;
        return Scan::kBeginLiteral;
      case 'f':
        literal_ = "false";
        literal_pos_ = 1;
        state_ = &Scanner::stateLiteral;
        return Scan::kBeginLiteral;
      case 'n':
        literal_ = "null";
        literal_pos_ = 1;
        state_ = &Scanner::stateLiteral;
        return Scan::kBeginLiteral;
    }
    if (c >= '1' && c <= '9') {
      state_ = &Scanner::state1;
      return Scan::kBeginLiteral;
    }
    return fail(c, "looking for beginning of value");
  }
  Scan stateBeginStringOrEmpty(unsigned char c) {
    if (isSpace(c)) return Scan::kSkipSpace;
    if (c == '}') {
      parse_.back() = Parse::kObjectValue;
      return stateEndValue(c);
    }
    return stateBeginString(c);
  }
  Scan stateBeginString(unsigned char c) {
    if (isSpace(c)) return Scan::kSkipSpace;
    if (c == '"') {
      state_ = &Scanner::stateInString;
      return Scan::kBeginLiteral;
    }
    return fail(c, "looking for beginning of object key string");
  }
  Scan stateEndValue(unsigned char c) {
    if (parse_.empty()) {
      state_ = &Scanner::stateEndTop;
      end_top_ = true;
      return stateEndTop(c);
    }
    if (isSpace(c)) {
      state_ = &Scanner::stateEndValue;
      return Scan::kSkipSpace;
    }
    switch (parse_.back()) {
      case Parse::kObjectKey:
        if (c == ':') {
          parse_.back() = Parse::kObjectValue;
          state_ = &Scanner::stateBeginValue;
          return Scan::kObjectKey;
        }
        return fail(c, "after object key");
      case Parse::kObjectValue:
        if (c == ',') {
          parse_.back() = Parse::kObjectKey;
          state_ = &Scanner::stateBeginString;
          return Scan::kObjectValue;
        }
        if (c == '}') return pop(Scan::kEndObject);
        return fail(c, "after object key:value pair");
      case Parse::kArrayValue:
        if (c == ',') {
          state_ = &Scanner::stateBeginValue;
          return Scan::kArrayValue;
        }
        if (c == ']') return pop(Scan::kEndArray);
        return fail(c, "after array element");
    }
    return Scan::kError;
  }
  Scan stateEndTop(unsigned char c) {
    if (!isSpace(c)) fail(c, "after top-level value");
    return Scan::kEnd;
  }
  Scan stateInString(unsigned char c) {
    if (c == '"') {
      state_ = &Scanner::stateEndValue;
      return Scan::kContinue;
    }
    if (c == '\\') {
      state_ = &Scanner::stateInStringEsc;
      return Scan::kContinue;
    }
    if (c < 0x20) return fail(c, "in string literal");
    return Scan::kContinue;
  }
  Scan stateInStringEsc(unsigned char c) {
    switch (c) {
      case 'b':
      case 'f':
      case 'n':
      case 'r':
      case 't':
      case '\\':
      case '/':
      case '"':
        state_ = &Scanner::stateInString;
        return Scan::kContinue;
      case 'u':
        hex_left_ = 4;
        state_ = &Scanner::stateInStringEscU;
        return Scan::kContinue;
    }
    return fail(c, "in string escape code");
  }
  Scan stateInStringEscU(unsigned char c) {
    if (!isHex(c)) return fail(c, "in \\u hexadecimal character escape");
    if (--hex_left_ == 0) state_ = &Scanner::stateInString;
    return Scan::kContinue;
  }
  Scan stateNeg(unsigned char c) {
    if (c == '0') {
      state_ = &Scanner::state0;
      return Scan::kContinue;
    }
    if (c >= '1' && c <= '9') {
      state_ = &Scanner::state1;
      return Scan::kContinue;
    }
    return fail(c, "in numeric literal");
  }
  Scan state1(unsigned char c) {
    if (isDigit(c)) return Scan::kContinue;
    return state0(c);
  }
  Scan state0(unsigned char c) {
    if (c == '.') {
      state_ = &Scanner::stateDot;
      return Scan::kContinue;
    }
    if (c == 'e' || c == 'E') {
      state_ = &Scanner::stateE;
      return Scan::kContinue;
    }
    return stateEndValue(c);
  }
  Scan stateDot(unsigned char c) {
    if (isDigit(c)) {
      state_ = &Scanner::stateDot0;
      return Scan::kContinue;
    }
    return fail(c, "after decimal point in numeric literal");
  }
  Scan stateDot0(unsigned char c) {
    if (isDigit(c)) return Scan::kContinue;
    if (c == 'e' || c == 'E') {
      state_ = &Scanner::stateE;
      return Scan::kContinue;
    }
    return stateEndValue(c);
  }
  Scan stateE(unsigned char c) {
    if (c == '+' || c == '-') {
      state_ = &Scanner::stateESign;
      return Scan::kContinue;
    }
    return stateESign(c);
  }
  Scan stateESign(unsigned char c) {
    if (isDigit(c)) {
      state_ = &Scanner::stateE0;
      return Scan::kContinue;
    }
    return fail(c, "in exponent of numeric literal");
  }
  Scan stateE0(unsigned char c) {
    if (isDigit(c)) return Scan::kContinue;
    return stateEndValue(c);
  }
  // The rest of true, false or null, one expected byte at a time.
  Scan stateLiteral(unsigned char c) {
    char want = literal_[literal_pos_];
    if (c != static_cast<unsigned char>(want)) {
      return fail(c, cat("in literal ", literal_, " (expecting ", quoteByte(want), ")"));
    }
    if (++literal_pos_ == literal_.size()) state_ = &Scanner::stateEndValue;
    return Scan::kContinue;
  }
  Scan stateError(unsigned char) { return Scan::kError; }

  State state_ = &Scanner::stateBeginValue;
  std::vector<Parse> parse_;
  std::string error_;
  std::string_view literal_;
  size_t literal_pos_ = 0;
  int hex_left_ = 0;
  bool end_top_ = false;
  int64_t bytes_ = 0;
};

// ---- strings ----

// Whether strconv.Quote would leave s as it is between the quotes, save for '"' and '\'.
bool isPrintableAscii(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c >= 0x80) return false;
  return true;
}

// strconv.AppendQuote for printable ASCII (plus DEL, which starlarkjson lets through here).
void appendQuotedAscii(std::string& out, std::string_view s) {
  out.push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == 0x7F) {
      out.append("\\x7f");
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

// Reads 4 hex digits at s[i..] (validated by the scanner), or -1.
int32_t hex4(std::string_view s, size_t i) {
  if (i + 4 > s.size()) return -1;
  int32_t r = 0;
  for (size_t k = i; k < i + 4; ++k) {
    char c = s[k];
    int d = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : -1;
    if (d < 0) return -1;
    r = r * 16 + d;
  }
  return r;
}

// Unquotes a JSON string literal (quotes included) that the scanner has accepted, as
// encoding/json's unquote: lone surrogates and malformed UTF-8 become U+FFFD.
std::string unquoteJson(std::string_view lit) {
  std::string_view s = lit.substr(1, lit.size() - 2);
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '\\') {
      char e = s[i + 1];
      i += 2;
      switch (e) {
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u': {
          char32_t r = static_cast<char32_t>(hex4(s, i));
          i += 4;
          if (r >= 0xD800 && r < 0xE000) {
            // A surrogate: combine with a following \u low surrogate, else U+FFFD.
            int32_t r2 = i + 6 <= s.size() && s[i] == '\\' && s[i + 1] == 'u' ? hex4(s, i + 2) : -1;
            if (r < 0xDC00 && r2 >= 0xDC00 && r2 < 0xE000) {
              r = 0x10000 + ((r - 0xD800) << 10) + (static_cast<char32_t>(r2) - 0xDC00);
              i += 6;
            } else {
              r = kReplacementChar;
            }
          }
          appendUtf8(out, r);
          break;
        }
        default:  // '"', '\\', '/'
          out.push_back(e);
          break;
      }
      continue;
    }
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    DecodedRune d = decodeRune(s.substr(i));
    if (d.rune == kReplacementChar && d.size == 1) {
      appendUtf8(out, kReplacementChar);
    } else {
      out.append(s.substr(i, d.size));
    }
    i += d.size;
  }
  return out;
}

// ---- encoding ----

// Go's fmt %g for a finite float64: the shortest decimal that round-trips, in exponent form if
// the exponent is < -4 or >= 6 (strconv's rule for shortest 'g'), with at least two exponent
// digits.
void appendFloatG(std::string& out, double f) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, f, std::chars_format::scientific);
  std::string_view sci(buf, r.ptr - buf);  // "-d.ddde+XX"
  bool neg = sci[0] == '-';
  if (neg) sci.remove_prefix(1);
  size_t e = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e))
    if (c != '.') digits.push_back(c);
  int exp = 0;
  std::from_chars(sci.data() + e + (sci[e + 1] == '+' ? 2 : 1), sci.data() + sci.size(), exp);
  if (neg) out.push_back('-');
  int nd = static_cast<int>(digits.size());
  if (exp < -4 || exp >= 6) {
    out.push_back(digits[0]);
    if (nd > 1) {
      out.push_back('.');
      out.append(digits, 1);
    }
    out.push_back('e');
    out.push_back(exp < 0 ? '-' : '+');
    int a = exp < 0 ? -exp : exp;
    if (a < 10) out.push_back('0');
    out.append(std::to_string(a));
    return;
  }
  int dp = exp + 1;  // position of the decimal point in digits
  if (dp <= 0) {
    out.append("0.");
    out.append(static_cast<size_t>(-dp), '0');
    out.append(digits);
  } else if (dp >= nd) {
    out.append(digits);
    out.append(static_cast<size_t>(dp - nd), '0');
  } else {
    out.append(digits, 0, static_cast<size_t>(dp));
    out.push_back('.');
    out.append(digits, static_cast<size_t>(dp));
  }
}

class Encoder {
 public:
  explicit Encoder(Thread& thread) : thread_(thread) {}

  Result<void> emit(const Value& x) {
    if (++depth_ > kMaxDepth) return makeError("nesting too deep (is the value cyclic?)");
    auto r = emitValue(x);
    --depth_;
    return r;
  }

  std::string& out() { return out_; }

 private:
  static constexpr int kMaxDepth = 1000;

  // Appends x by cases, in starlarkjson's order: None, bool, int, float, string, dict, struct or
  // module, other iterables, other values with attributes.
  Result<void> emitValue(const Value& x) {
    switch (x.tag()) {
      case Value::Tag::kNone:
        out_.append("null");
        return {};
      case Value::Tag::kBool:
        out_.append(x.asBool() ? "true" : "false");
        return {};
      case Value::Tag::kInt: {
        char buf[24];
        auto r = std::to_chars(buf, buf + sizeof buf, x.asSmallInt());
        out_.append(buf, r.ptr);
        return {};
      }
      case Value::Tag::kFloat: {
        double f = x.asFloat();
        if (!std::isfinite(f)) {
          return makeError(cat("cannot encode non-finite float ", str(x)));
        }
        appendFloatG(out_, f);
        return {};
      }
      default:
        break;
    }
    if (x.isInt()) {
      out_.append(str(x));  // a big int
      return {};
    }
    if (x.isString()) {
      appendJsonString(out_, x.str());
      return {};
    }
    if (const Dict* dict = x.tryAs<Dict>()) return emitDict(*dict);
    if (x.is(ObjType::kStruct) || x.is(ObjType::kModule)) return emitFields(x);
    if (isIterable(x)) return emitArray(x);
    if (x.is(ObjType::kOther) && !x.object()->attrNames().empty()) return emitFields(x);
    return makeError(cat("cannot encode ", typeName(x), " as JSON"));
  }

  Result<void> emitDict(const Dict& dict) {
    std::vector<const HashTable::Entry*> entries;
    entries.reserve(dict.table.size());
    std::optional<Value> bad_key;
    dict.table.forEach([&](const HashTable::Entry& e) {
      if (!e.key.isString()) {
        bad_key = e.key;
        return false;
      }
      entries.push_back(&e);
      return true;
    });
    if (bad_key) return makeError(cat("dict has ", typeName(*bad_key), " key, want string"));
    std::sort(entries.begin(), entries.end(),
              [](const auto* a, const auto* b) { return a->key.str() < b->key.str(); });
    out_.push_back('{');
    for (size_t i = 0; i < entries.size(); ++i) {
      if (i > 0) out_.push_back(',');
      appendJsonString(out_, entries[i]->key.str());
      out_.push_back(':');
      if (auto r = emit(entries[i]->value); !r) {
        return makeError(cat("in dict key ", repr(entries[i]->key), ": ", r.error().message()));
      }
    }
    out_.push_back('}');
    return {};
  }

  Result<void> emitArray(const Value& x) {
    out_.push_back('[');
    int64_t i = 0;
    TRY_VOID(forEach(x, [&](const Value& elem) -> Result<void> {
      if (i > 0) out_.push_back(',');
      if (auto r = emit(elem); !r) {
        return makeError(cat("at ", typeName(x), " index ", i, ": ", r.error().message()));
      }
      ++i;
      return {};
    }));
    out_.push_back(']');
    return {};
  }

  Result<void> emitFields(const Value& x) {
    std::vector<std::string> names = x.object()->attrNames();
    std::sort(names.begin(), names.end());
    out_.push_back('{');
    for (size_t i = 0; i < names.size(); ++i) {
      std::optional<Value> v = TRY(x.object()->attr(thread_, names[i]));
      if (!v) {
        return makeError(cat("internal error: dir(", typeName(x), ") includes \"", names[i],
                             "\" but value has no .", names[i], " field"));
      }
      if (i > 0) out_.push_back(',');
      appendJsonString(out_, names[i]);
      out_.push_back(':');
      if (auto r = emit(*v); !r) {
        return makeError(cat("in field .", names[i], ": ", r.error().message()));
      }
    }
    out_.push_back('}');
    return {};
  }

  Thread& thread_;
  std::string out_;
  int depth_ = 0;
};

// ---- decoding ----

class Decoder {
 public:
  explicit Decoder(std::string_view s) : s_(s) {}

  Result<Value> decode() {
    Value x = TRY(parse());
    if (skipSpace()) return fail(cat("unexpected character ", quoteByte(s_[i_]), " after value"));
    return x;
  }

 private:
  std::unexpected<Error> fail(std::string_view msg) {
    return makeError(cat("at offset ", i_, ", ", msg));
  }

  // Skips white space; reports whether input remains.
  bool skipSpace() {
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return true;
      ++i_;
    }
    return false;
  }

  // The next non-space byte, or an error at the end of input.
  Result<unsigned char> next() {
    if (!skipSpace()) return fail("unexpected end of file");
    return static_cast<unsigned char>(s_[i_]);
  }

  static bool isDigit(unsigned char c) { return c >= '0' && c <= '9'; }

  Result<Value> parse() {
    if (++depth_ > kMaxDepth) return fail("nesting too deep");
    auto r = parseValue();
    --depth_;
    return r;
  }

  Result<Value> parseValue() {
    unsigned char b = TRY(next());
    switch (b) {
      case '"':
        return parseString();
      case 'n':
        if (s_.substr(i_).starts_with("null")) {
          i_ += 4;
          return Value();
        }
        break;
      case 't':
        if (s_.substr(i_).starts_with("true")) {
          i_ += 4;
          return Value::boolean(true);
        }
        break;
      case 'f':
        if (s_.substr(i_).starts_with("false")) {
          i_ += 5;
          return Value::boolean(false);
        }
        break;
      case '[': {
        ValueVector elems;
        ++i_;
        b = TRY(next());
        if (b != ']') {
          for (;;) {
            elems.push_back(TRY(parse()));
            b = TRY(next());
            if (b != ',') {
              if (b != ']') return fail(cat("got ", quoteByte(b), ", want ',' or ']'"));
              break;
            }
            ++i_;
          }
        }
        ++i_;
        return make<List>(std::move(elems));
      }
      case '{': {
        Value result = make<Dict>();
        Dict& dict = *result.as<Dict>();
        ++i_;
        b = TRY(next());
        if (b != '}') {
          for (;;) {
            Value key = TRY(parse());
            if (!key.isString()) {
              return fail(cat("got ", typeName(key), " for object key, want string"));
            }
            b = TRY(next());
            if (b != ':') return fail(cat("after object key, got ", quoteByte(b), ", want ':' "));
            ++i_;
            Value value = TRY(parse());
            TRY_VOID(dict.table.insert(key, std::move(value)));  // string keys: cannot fail
            b = TRY(next());
            if (b != ',') {
              if (b != '}') return fail(cat("in object, got ", quoteByte(b), ", want ',' or '}'"));
              break;
            }
            ++i_;
          }
        }
        ++i_;
        return result;
      }
      default:
        if (isDigit(b) || b == '-') return parseNumber();
        break;
    }
    return fail(cat("unexpected character ", quoteByte(b)));
  }

  Result<Value> parseString() {
    // Find the closing quote; the literal can be used as it is unless it has escapes or
    // non-ASCII bytes.
    bool safe = true, closed = false;
    size_t j = i_ + 1;
    for (; j < s_.size(); ++j) {
      unsigned char c = static_cast<unsigned char>(s_[j]);
      if (c == '\\') {
        safe = false;
        ++j;  // skip the escaped byte
      } else if (c == '"') {
        closed = true;
        ++j;
        break;
      } else if (c >= 0x80) {
        safe = false;
      }
    }
    if (!closed) return fail("unclosed string literal");
    std::string_view lit = s_.substr(i_, j - i_);
    i_ = j;
    if (safe) return makeString(std::string(lit.substr(1, lit.size() - 2)));
    // As json.Unmarshal: validate with the scanner, then unquote.
    Scanner scanner;
    for (unsigned char c : lit) {
      if (scanner.step(c) == Scan::kError) return fail(scanner.error());
    }
    return makeString(unquoteJson(lit));
  }

  Result<Value> parseNumber() {
    // Scan [0-9.eE+-]*; any of ".eE+-" after the first byte makes it a float.
    bool is_float = false;
    size_t j = i_ + 1;
    for (; j < s_.size(); ++j) {
      unsigned char c = static_cast<unsigned char>(s_[j]);
      if (isDigit(c)) continue;
      if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
        is_float = true;
        continue;
      }
      break;
    }
    std::string_view num = s_.substr(i_, j - i_);
    i_ = j;
    // JSON forbids a leading zero before a digit.
    std::string_view digits = num[0] == '-' ? num.substr(1) : num;
    if (digits.empty() || (digits[0] == '0' && digits.size() > 1 && isDigit(digits[1]))) {
      return fail(cat("invalid number: ", num));
    }
    if (is_float) {
      std::optional<double> f = parseGoFloat(num);
      if (!f || std::isinf(*f)) return fail(cat("invalid number: ", num));
      return Value::floating(*f);
    }
    // An int of any size (no '+' can occur here; digits are all decimal).
    int64_t small = 0;
    auto r = std::from_chars(num.data(), num.data() + num.size(), small);
    if (r.ec == std::errc() && r.ptr == num.data() + num.size()) return makeInt(small);
    if (digits.find_first_not_of("0123456789") != std::string_view::npos) {
      return fail(cat("invalid number: ", num));
    }
    Value big = makeIntFromDecimal(digits);
    if (num[0] == '-') return unary(syntax::Token::kMinus, big);
    return big;
  }

  static constexpr int kMaxDepth = 1000;  // bounds the recursion (and the stack it needs)
  std::string_view s_;
  size_t i_ = 0;
  int depth_ = 0;
};

// ---- the module's builtins ----

Result<Value> encode(Thread& thread, const BuiltinCall& call) {
  Value x;
  TRY_VOID(unpackPositionalArgs(call, 1, {&x}));
  auto s = encodeJson(thread, x);
  if (!s) return nameErr(call.name, s.error());
  return makeString(std::move(*s));
}

Result<Value> decode(Thread&, const BuiltinCall& call) {
  std::string_view s;
  TRY_VOID(unpackPositionalArgs(call, 1, {&s}));
  auto v = decodeJson(s);
  if (!v) return nameErr(call.name, v.error());
  return std::move(*v);
}

Result<Value> indent(Thread&, const BuiltinCall& call) {
  std::string_view prefix = "", indent_unit = "\t";  // keyword-only
  TRY_VOID(unpackArgs(call.name, {}, call.args.named,
                      {{"prefix?", &prefix}, {"indent?", &indent_unit}}));
  std::string_view str;  // positional-only
  TRY_VOID(unpackPositionalArgs(call.name, call.args.positional, {}, 1, {&str}));
  auto s = indentJson(str, prefix, indent_unit);
  if (!s) return nameErr(call.name, s.error());
  return makeString(std::move(*s));
}

}  // namespace

void appendJsonString(std::string& out, std::string_view s) {
  if (isPrintableAscii(s)) {
    appendQuotedAscii(out, s);
    return;
  }
  out.push_back('"');
  size_t start = 0, i = 0;
  while (i < s.size()) {
    unsigned char b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      // json.Marshal's htmlSafeSet: printable ASCII except '"', '\\', '<', '>' and '&'.
      if (b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&') {
        ++i;
        continue;
      }
      out.append(s.substr(start, i - start));
      out.push_back('\\');
      switch (b) {
        case '\\':
        case '"':
          out.push_back(static_cast<char>(b));
          break;
        case '\n':
          out.push_back('n');
          break;
        case '\r':
          out.push_back('r');
          break;
        case '\t':
          out.push_back('t');
          break;
        default:
          out.append("u00");
          out.push_back(kHex[b >> 4]);
          out.push_back(kHex[b & 0xF]);
      }
      start = ++i;
      continue;
    }
    DecodedRune d = decodeRune(s.substr(i));
    if (d.rune == kReplacementChar && d.size == 1) {
      out.append(s.substr(start, i - start));
      out.append("\\ufffd");
      start = ++i;
      continue;
    }
    if (d.rune == 0x2028 || d.rune == 0x2029) {
      out.append(s.substr(start, i - start));
      out.append(d.rune == 0x2028 ? "\\u2028" : "\\u2029");
      i += d.size;
      start = i;
      continue;
    }
    i += d.size;
  }
  out.append(s.substr(start));
  out.push_back('"');
}

Result<std::string> encodeJson(Thread& thread, const Value& x) {
  Encoder encoder(thread);
  TRY_VOID(encoder.emit(x));
  return std::move(encoder.out());
}

Result<Value> decodeJson(std::string_view text) { return Decoder(text).decode(); }

Result<std::string> indentJson(std::string_view text, std::string_view prefix,
                               std::string_view indent_unit) {
  std::string out;
  out.reserve(text.size() * 2);
  Scanner scanner;
  bool need_indent = false;
  int depth = 0;
  auto newline = [&] {
    out.push_back('\n');
    out.append(prefix);
    for (int i = 0; i < depth; ++i) out.append(indent_unit);
  };
  for (unsigned char c : text) {
    Scan v = scanner.step(c);
    if (v == Scan::kSkipSpace) continue;
    if (v == Scan::kError) break;
    if (need_indent && v != Scan::kEndObject && v != Scan::kEndArray) {
      need_indent = false;
      ++depth;
      newline();
    }
    // Bytes inside literals are copied as they are.
    if (v == Scan::kContinue) {
      out.push_back(static_cast<char>(c));
      continue;
    }
    switch (c) {
      case '{':
      case '[':
        // Delay the indent, so that empty objects and arrays stay {} and [].
        need_indent = true;
        out.push_back(static_cast<char>(c));
        break;
      case ',':
        out.push_back(',');
        newline();
        break;
      case ':':
        out.append(": ");
        break;
      case '}':
      case ']':
        if (need_indent) {
          need_indent = false;  // empty object or array
        } else {
          --depth;
          newline();
        }
        out.push_back(static_cast<char>(c));
        break;
      default:
        out.push_back(static_cast<char>(c));
    }
  }
  if (scanner.eof() == Scan::kError) return makeError(scanner.error());
  return out;
}

Value makeJsonModule() {
  static const Value* const kModule = [] {
    HeapScope no_heap(nullptr);
    Members members;
    members.emplace_back("decode", make<Builtin>("json.decode", decode));
    members.emplace_back("encode", make<Builtin>("json.encode", encode));
    members.emplace_back("indent", make<Builtin>("json.indent", indent));
    return new Value(makeModule("json", std::move(members)));
  }();
  return *kModule;
}

}  // namespace slant::starlark::lib
