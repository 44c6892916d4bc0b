// YAML for the Tiltfile layer: yaml-cpp tokenizes and parses; this file decides what each scalar
// means and how values are written back.
//
// Reading. Tilt reads YAML through sigs.k8s.io/yaml on top of go-yaml v2, after splitting a
// stream into documents at lines that start with "---" (k8s.io/apimachinery's YAMLReader). What a
// Tiltfile sees is go-yaml v2's typing pushed through a JSON round trip, and that is what we
// reproduce, in one pass over yaml-cpp's parse events:
//   - a plain scalar resolves as go-yaml v2's resolve(): null (empty, ~, null), the YAML 1.1
//     booleans (y, yes, on, true, n, no, off, false, each in three spellings), ints in Go's
//     base-0 syntax once underscores are dropped (0x1F, 0o17, 0b101, and 0755 as octal), floats
//     (1.5, 1e3, .5, .inf, .nan); anything else, every quoted or block scalar, and every
//     timestamp-looking plain scalar is a string; a plain "<<" key merges;
//   - the JSON round trip then turns a float with an integral value into an int (1.0 is 1, 1e3 is
//     1000), an int beyond int64 into a float, rejects NaN and infinities, and replaces invalid
//     UTF-8 with U+FFFD;
//   - map keys become strings: ints in decimal, floats in Go's shortest float32 form, booleans as
//     true/false; null and collection keys are errors; a repeated key keeps its last value;
//   - a merge key copies the entries of the merged maps in (earlier maps of a sequence win, a key
//     written after the merge overrides it); aliases copy their anchor's value, with go-yaml's
//     guard against alias bombs.
// Unlike Go's maps, we keep keys in document order.
//
// Writing follows go-yaml v2's emitter as Tilt's encode_yaml drives it: block style, a two-space
// indent, sequences inside a mapping not indented, empty collections as [] and {}, and each
// string in the first style that reads back as the same string: plain, single-quoted, or
// double-quoted with escapes; multi-line strings as literal blocks with chomping indicators; long
// plain and quoted strings folded at a space past column 80. The emitter below is a recursive
// rendering of go-yaml's event state machine, with the same column and indentation bookkeeping,
// so that line breaks fall where Tilt's do.
#include "tiltfile/yaml.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <sstream>
#include <unordered_map>
#include <utility>

#include "starlark/lib/util.h"
#include "starlark/utf8.h"

namespace slant::tiltfile {

namespace {

using starlark::Result;
using starlark::lib::cat;

// ---- UTF-8 -----------------------------------------------------------------------------------

// Decodes the rune at s[i] as Go's utf8.DecodeRune: an invalid or truncated sequence is U+FFFD
// of width 1.
std::pair<char32_t, size_t> decodeRune(std::string_view s, size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return {b0, 1};
  auto cont = [&](size_t k) {
    return i + k < s.size() && (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
  };
  auto bits = [&](size_t k) { return static_cast<char32_t>(s[i + k]) & 0x3F; };
  if (b0 >= 0xC2 && b0 < 0xE0 && cont(1)) return {((b0 & 0x1Fu) << 6) | bits(1), 2};
  if (b0 >= 0xE0 && b0 < 0xF0 && cont(1) && cont(2)) {
    char32_t r = ((b0 & 0x0Fu) << 12) | (bits(1) << 6) | bits(2);
    if (r >= 0x800 && (r < 0xD800 || r > 0xDFFF)) return {r, 3};
  }
  if (b0 >= 0xF0 && b0 < 0xF5 && cont(1) && cont(2) && cont(3)) {
    char32_t r = ((b0 & 0x07u) << 18) | (bits(1) << 12) | (bits(2) << 6) | bits(3);
    if (r >= 0x10000 && r <= 0x10FFFF) return {r, 4};
  }
  return {0xFFFD, 1};
}

// s with each invalid byte replaced by U+FFFD, as Go's encoding/json writes strings.
std::string sanitizeUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto [r, w] = decodeRune(s, i);
    if (r == 0xFFFD && w == 1 && !s.substr(i).starts_with("\xEF\xBF\xBD")) break;
    i += w;
  }
  if (i == s.size()) return std::string(s);
  std::string out(s.substr(0, i));
  while (i < s.size()) {
    auto [r, w] = decodeRune(s, i);
    starlark::appendUtf8(out, r);
    i += w;
  }
  return out;
}

// ---- Go's float formatting -------------------------------------------------------------------

// The shortest decimal that reads back as x (as a float32 if `single`): x = 0.digits * 10^point.
struct Decimal {
  std::string digits;  // no trailing zeros; empty for zero
  int point = 0;
  bool negative = false;
};

Decimal shortestDecimal(double x, bool single) {
  Decimal d;
  d.negative = std::signbit(x);
  char buf[64];
  std::to_chars_result r =
      single ? std::to_chars(buf, buf + sizeof buf, static_cast<float>(std::fabs(x)),
                             std::chars_format::scientific)
             : std::to_chars(buf, buf + sizeof buf, std::fabs(x), std::chars_format::scientific);
  std::string_view s(buf, static_cast<size_t>(r.ptr - buf));  // "d.ddde+XX"
  size_t e = s.find('e');
  for (char c : s.substr(0, e))
    if (c != '.') d.digits.push_back(c);
  std::string_view exp_text = s.substr(e + 1);
  bool exp_negative = exp_text[0] == '-';
  int exp = 0;
  std::from_chars(exp_text.data() + 1, exp_text.data() + exp_text.size(), exp);
  if (exp_negative) exp = -exp;
  while (!d.digits.empty() && d.digits.back() == '0') d.digits.pop_back();
  d.point = d.digits.empty() ? 0 : exp + 1;
  return d;
}

// Go's fmtE with the shortest digits: d.ddde±XX.
std::string formatExp(const Decimal& d) {
  std::string out = d.negative ? "-" : "";
  out += d.digits.empty() ? '0' : d.digits[0];
  if (d.digits.size() > 1) {
    out += '.';
    out.append(d.digits, 1);
  }
  int exp = d.digits.empty() ? 0 : d.point - 1;
  out += 'e';
  out += exp < 0 ? '-' : '+';
  exp = std::abs(exp);
  if (exp < 10) out += '0';
  out += std::to_string(exp);
  return out;
}

// Go's fmtF with the shortest digits.
std::string formatFixed(const Decimal& d) {
  std::string out = d.negative ? "-" : "";
  const int nd = static_cast<int>(d.digits.size());
  if (d.point > 0) {
    for (int i = 0; i < d.point; ++i) out += i < nd ? d.digits[static_cast<size_t>(i)] : '0';
  } else {
    out += '0';
  }
  int decimals = std::max(nd - d.point, 0);
  if (decimals > 0) {
    out += '.';
    for (int i = 0; i < decimals; ++i) {
      int k = d.point + i;
      out += k >= 0 && k < nd ? d.digits[static_cast<size_t>(k)] : '0';
    }
  }
  return out;
}

// strconv.FormatFloat(x, 'g', -1, single ? 32 : 64), with YAML's spellings of the specials.
std::string formatGoFloatG(double x, bool single) {
  if (std::isnan(x)) return ".nan";
  // float32(x) overflows to an infinity past FLT_MAX plus half an ulp.
  if (std::isinf(x) || (single && std::fabs(x) >= 3.4028235677973366e38)) {
    return x > 0 ? ".inf" : "-.inf";
  }
  Decimal d = shortestDecimal(x, single);
  if (d.digits.empty()) return d.negative ? "-0" : "0";
  int exp = d.point - 1;
  return exp < -4 || exp >= 6 ? formatExp(d) : formatFixed(d);
}

// Whether s is an optional '-' followed by decimal digits only.
bool isIntegerSyntax(std::string_view s) {
  if (!s.empty() && s[0] == '-') s.remove_prefix(1);
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// ---- go-yaml v2's scalar resolution ----------------------------------------------------------

enum class Kind { kNull, kBool, kInt, kUint, kFloat, kString, kTimestamp };

struct Resolved {
  Kind kind = Kind::kString;
  bool b = false;
  int64_t i = 0;
  uint64_t u = 0;
  double f = 0;
};

// strconv.ParseUint(s, 0, 64): an optional 0b/0o/0x prefix (or a leading 0 for octal).
std::optional<uint64_t> parseGoUint(std::string_view s) {
  if (s.empty()) return std::nullopt;
  int base = 10;
  if (s[0] == '0') {
    char p = s.size() >= 3 ? static_cast<char>(s[1] | 0x20) : '\0';
    if (p == 'b' || p == 'o' || p == 'x') {
      base = p == 'b' ? 2 : p == 'o' ? 8 : 16;
      s.remove_prefix(2);
    } else {
      base = 8;
      s.remove_prefix(1);
    }
  }
  uint64_t n = 0;
  for (char c : s) {
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
      d = (c | 0x20) - 'a' + 10;
    } else {
      return std::nullopt;
    }
    if (d >= base) return std::nullopt;
    if (n > (std::numeric_limits<uint64_t>::max() - static_cast<uint64_t>(d)) /
                static_cast<uint64_t>(base)) {
      return std::nullopt;
    }
    n = n * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
  }
  return n;
}

// strconv.ParseInt(s, 0, 64).
std::optional<int64_t> parseGoInt(std::string_view s) {
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  std::optional<uint64_t> u = parseGoUint(s);
  if (!u) return std::nullopt;
  constexpr uint64_t kLimit = uint64_t{1} << 63;
  if (negative) {
    if (*u > kLimit) return std::nullopt;
    return *u == kLimit ? std::numeric_limits<int64_t>::min() : -static_cast<int64_t>(*u);
  }
  if (*u >= kLimit) return std::nullopt;
  return static_cast<int64_t>(*u);
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// go-yaml's yamlStyleFloat: ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$
bool isYamlStyleFloat(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  if (i < s.size() && s[i] == '.') {
    ++i;
    size_t start = i;
    while (i < s.size() && isDigit(s[i])) ++i;
    if (i == start) return false;
  } else {
    size_t start = i;
    while (i < s.size() && isDigit(s[i])) ++i;
    if (i == start) return false;
    if (i < s.size() && s[i] == '.') {
      ++i;
      while (i < s.size() && isDigit(s[i])) ++i;
    }
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t start = i;
    while (i < s.size() && isDigit(s[i])) ++i;
    if (i == start) return false;
  }
  return i == s.size();
}

// Reads 1 or 2 digits (Go's getnum for non-padded layout fields).
bool readNumber(std::string_view s, size_t& i, int& out) {
  if (i >= s.size() || !isDigit(s[i])) return false;
  out = s[i++] - '0';
  if (i < s.size() && isDigit(s[i])) out = out * 10 + (s[i++] - '0');
  return true;
}

// go-yaml's parseTimestamp: the layouts "2006-1-2T15:4:5.999999999Z07:00" (also with a lower-case
// t), "2006-1-2 15:4:5.999999999" and "2006-1-2", with Go's range checks.
bool isTimestamp(std::string_view s) {
  if (s.size() < 5 || !std::all_of(s.begin(), s.begin() + 4, isDigit) || s[4] != '-') return false;
  const int year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  size_t i = 5;
  int month = 0, day = 0;
  if (!readNumber(s, i, month) || i >= s.size() || s[i] != '-') return false;
  ++i;
  if (!readNumber(s, i, day)) return false;
  if (month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (day > kDays[month - 1] || (month == 2 && day == 29 && !leap)) return false;
  if (i == s.size()) return true;
  const char sep = s[i++];
  if (sep != 'T' && sep != 't' && sep != ' ') return false;
  int hour = 0, minute = 0, second = 0;
  if (!readNumber(s, i, hour) || i >= s.size() || s[i++] != ':') return false;
  if (!readNumber(s, i, minute) || i >= s.size() || s[i++] != ':') return false;
  if (!readNumber(s, i, second)) return false;
  if (hour > 23 || minute > 59 || second > 59) return false;
  if (i + 1 < s.size() && (s[i] == '.' || s[i] == ',') && isDigit(s[i + 1])) {
    ++i;
    while (i < s.size() && isDigit(s[i])) ++i;
  }
  if (sep == ' ') return i == s.size();
  if (i < s.size() && s[i] == 'Z') return i + 1 == s.size();
  // ±hh:mm
  if (s.size() - i != 6 || (s[i] != '+' && s[i] != '-') || s[i + 3] != ':') return false;
  return isDigit(s[i + 1]) && isDigit(s[i + 2]) && isDigit(s[i + 4]) && isDigit(s[i + 5]);
}

// go-yaml's isBase60Float: ^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$ (such strings
// are quoted on output for YAML 1.1 readers).
bool isBase60Float(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  if (i >= s.size() || !isDigit(s[i])) return false;
  ++i;
  while (i < s.size() && (isDigit(s[i]) || s[i] == '_')) ++i;
  int groups = 0;
  while (i < s.size() && s[i] == ':') {
    ++i;
    // [0-5]?[0-9]: one digit, or two digits of which the first is 0-5.
    if (i >= s.size() || !isDigit(s[i])) return false;
    if (i + 1 < s.size() && isDigit(s[i + 1]) && s[i] <= '5') {
      i += 2;
    } else {
      i += 1;
    }
    ++groups;
  }
  if (groups == 0) return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && (isDigit(s[i]) || s[i] == '_')) ++i;
  }
  return i == s.size();
}

// go-yaml v2's resolve() for an untagged plain scalar.
Resolved resolvePlain(std::string_view in) {
  Resolved r;
  if (in.empty()) {
    r.kind = Kind::kNull;
    return r;
  }
  const char c = in[0];
  const bool sign_or_digit = c == '+' || c == '-' || isDigit(c);
  const bool in_map = std::string_view("yYnNtTfFoO~").find(c) != std::string_view::npos;
  if (!sign_or_digit && !in_map && c != '.') return r;

  static const std::unordered_map<std::string_view, Resolved> kTable = [] {
    std::unordered_map<std::string_view, Resolved> t;
    auto add = [&](Kind k, bool b, double f, std::initializer_list<std::string_view> names) {
      for (std::string_view n : names) {
        Resolved x;
        x.kind = k;
        x.b = b;
        x.f = f;
        t.emplace(n, x);
      }
    };
    const double inf = std::numeric_limits<double>::infinity();
    add(Kind::kBool, true, 0,
        {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"});
    add(Kind::kBool, false, 0,
        {"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"});
    add(Kind::kNull, false, 0, {"~", "null", "Null", "NULL"});
    add(Kind::kFloat, false, std::numeric_limits<double>::quiet_NaN(), {".nan", ".NaN", ".NAN"});
    add(Kind::kFloat, false, inf, {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"});
    add(Kind::kFloat, false, -inf, {"-.inf", "-.Inf", "-.INF"});
    return t;
  }();
  if (auto it = kTable.find(in); it != kTable.end()) return it->second;

  if (c == '.') {
    // strconv.ParseFloat; an overflow is an error in Go, which leaves the scalar a string.
    if (std::optional<double> f = starlark::lib::parseGoFloat(in); f && std::isfinite(*f)) {
      r.kind = Kind::kFloat;
      r.f = *f;
    }
    return r;
  }
  if (!sign_or_digit) return r;
  if (isTimestamp(in)) {
    r.kind = Kind::kTimestamp;
    return r;
  }
  std::string plain;
  plain.reserve(in.size());
  for (char ch : in)
    if (ch != '_') plain.push_back(ch);
  if (std::optional<int64_t> i = parseGoInt(plain)) {
    r.kind = Kind::kInt;
    r.i = *i;
    return r;
  }
  if (std::optional<uint64_t> u = parseGoUint(plain)) {
    r.kind = Kind::kUint;
    r.u = *u;
    return r;
  }
  if (isYamlStyleFloat(plain)) {
    if (std::optional<double> f = starlark::lib::parseGoFloat(plain); f && std::isfinite(*f)) {
      r.kind = Kind::kFloat;
      r.f = *f;
      return r;
    }
  }
  return r;
}

// ---- parsing ---------------------------------------------------------------------------------

// An error raised while building values from parse events; converted to an Error at the
// boundary of this file.
struct BuildError {
  std::string message;
  YAML::Mark mark;
};

// A complete value with what its use as a map key needs.
struct Node {
  Json value;
  size_t nodes = 1;         // for the alias budget
  bool merge = false;       // the plain scalar "<<"
  bool collection = false;  // a sequence or mapping (not a valid key)
  bool null = false;        // null (not a valid key)
  std::string key;          // the key string, for scalars
};

// go-yaml v2's guard against alias expansion bombs (decode.go's allowedAliasRatio).
double allowedAliasRatio(double decode_count) {
  constexpr double kLow = 400000, kHigh = 4000000;
  if (decode_count <= kLow) return 0.99;
  if (decode_count >= kHigh) return 0.10;
  return 0.99 - 0.89 * ((decode_count - kLow) / (kHigh - kLow));
}

// The JSON round trip of a YAML float: integral values become ints; NaN and infinities cannot be
// written as JSON.
Json floatToJson(double f, const YAML::Mark& mark) {
  if (!std::isfinite(f)) {
    throw BuildError{cat("json: unsupported value: ", std::isnan(f) ? "NaN"
                                                      : f > 0       ? "+Inf"
                                                                    : "-Inf"),
                     mark};
  }
  std::string s = formatJsonFloat(f);
  if (isIntegerSyntax(s)) {
    int64_t i = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), i);
    if (ec == std::errc() && p == s.data() + s.size()) return Json(i);
  }
  return Json(f);
}

std::string base64Decode(std::string_view in, const YAML::Mark& mark) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  size_t pad = 0;
  for (char c : in) {
    if (c == '\n' || c == '\r') continue;
    int v;
    if (c >= 'A' && c <= 'Z') {
      v = c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      v = c - 'a' + 26;
    } else if (c >= '0' && c <= '9') {
      v = c - '0' + 52;
    } else if (c == '+') {
      v = 62;
    } else if (c == '/') {
      v = 63;
    } else if (c == '=') {
      ++pad;
      continue;
    } else {
      throw BuildError{"!!binary value contains invalid base64 data", mark};
    }
    if (pad > 0) throw BuildError{"!!binary value contains invalid base64 data", mark};
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  if (pad > 2 || bits >= 6) throw BuildError{"!!binary value contains invalid base64 data", mark};
  return out;
}

constexpr std::string_view kTagPrefix = "tag:yaml.org,2002:";

// Builds one document's value from yaml-cpp's parse events.
class Builder final : public YAML::EventHandler {
 public:
  std::optional<Node> root;

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    count(mark);
    Node n;
    n.null = true;
    finish(std::move(n), anchor, mark);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) {
      std::string name = names_.count(anchor) ? names_[anchor] : std::to_string(anchor);
      throw BuildError{cat("anchor '", name, "' value contains itself"), mark};
    }
    const Node& target = it->second;
    decode_count_ += static_cast<double>(target.nodes);
    alias_count_ += static_cast<double>(target.nodes);
    if (alias_count_ > 100 && decode_count_ > 1000 &&
        alias_count_ / decode_count_ > allowedAliasRatio(decode_count_)) {
      throw BuildError{"document contains excessive aliasing", mark};
    }
    Node copy = target;
    copy.merge = false;  // only a literal "<<" merges
    finish(std::move(copy), YAML::NullAnchor, mark);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    count(mark);
    finish(scalar(mark, tag, value), anchor, mark);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    count(mark);
    stack_.push_back(Frame{Json::array(), false, 1, anchor, std::nullopt, mark});
  }
  void OnSequenceEnd() override { endCollection(); }

  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    count(mark);
    stack_.push_back(Frame{Json::object(), true, 1, anchor, std::nullopt, mark});
  }
  void OnMapEnd() override { endCollection(); }

  void OnAnchor(const YAML::Mark&, const std::string& name) override {
    // yaml-cpp numbers a document's anchors 1, 2, ... in the order it announces them.
    names_[++anchor_count_] = name;
  }

 private:
  struct Frame {
    Json value;
    bool is_map;
    size_t nodes;
    YAML::anchor_t anchor;
    std::optional<Node> key;
    YAML::Mark mark;
  };

  void count(const YAML::Mark& mark) {
    decode_count_ += 1;
    if (stack_.size() > 10000) throw BuildError{"exceeded max depth of 10000", mark};
  }

  Node scalar(const YAML::Mark& mark, const std::string& tag, const std::string& text) {
    Node n;
    Resolved r;  // a string unless resolved otherwise
    if (tag == "?") {
      r = resolvePlain(text);
      n.merge = text == "<<";  // go-yaml's isMerge: a plain "<<"
    } else if (tag.starts_with(kTagPrefix)) {
      std::string_view want = std::string_view(tag).substr(kTagPrefix.size());
      if (want == "binary") {
        std::string bytes = base64Decode(text, mark);
        n.value = sanitizeUtf8(bytes);
        n.key = n.value.get<std::string>();
        return n;
      }
      if (want == "int" || want == "float" || want == "bool" || want == "null" ||
          want == "timestamp") {
        r = resolvePlain(text);
        bool ok = (want == "int" && (r.kind == Kind::kInt || r.kind == Kind::kUint)) ||
                  (want == "float" &&
                   (r.kind == Kind::kFloat || r.kind == Kind::kInt || r.kind == Kind::kUint)) ||
                  (want == "bool" && r.kind == Kind::kBool) ||
                  (want == "null" && r.kind == Kind::kNull) ||
                  (want == "timestamp" && r.kind == Kind::kTimestamp);
        if (!ok) {
          std::string_view got = r.kind == Kind::kNull        ? "null"
                                 : r.kind == Kind::kBool      ? "bool"
                                 : r.kind == Kind::kInt       ? "int"
                                 : r.kind == Kind::kUint      ? "int"
                                 : r.kind == Kind::kFloat     ? "float"
                                 : r.kind == Kind::kTimestamp ? "timestamp"
                                                              : "str";
          throw BuildError{cat("cannot decode !!", got, " `", text, "` as a !!", want), mark};
        }
        if (want == "float" && r.kind == Kind::kInt) {
          r.kind = Kind::kFloat;
          r.f = static_cast<double>(r.i);
        } else if (want == "float" && r.kind == Kind::kUint) {
          r.kind = Kind::kFloat;
          r.f = static_cast<double>(r.u);
        }
      }
      // !!str, !!merge, !!map, ... on a scalar: the text as it is.
    }
    // Quoted and block scalars ("!") and unknown tags are strings.
    switch (r.kind) {
      case Kind::kNull:
        n.null = true;
        break;
      case Kind::kBool:
        n.value = r.b;
        n.key = r.b ? "true" : "false";
        break;
      case Kind::kInt:
        n.value = r.i;
        n.key = std::to_string(r.i);
        break;
      case Kind::kUint:
        // Beyond int64: JSON's reader makes it a float.
        n.value = static_cast<double>(r.u);
        n.key = std::to_string(r.u);
        break;
      case Kind::kFloat: {
        std::string key = formatGoFloatG(r.f, true);
        n.value = floatToJson(r.f, mark);
        n.key = std::move(key);
        break;
      }
      case Kind::kString:
      case Kind::kTimestamp:
        n.key = sanitizeUtf8(text);
        n.value = n.key;
        break;
    }
    return n;
  }

  void endCollection() {
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    Node n;
    n.value = std::move(f.value);
    n.nodes = f.nodes;
    n.collection = true;
    finish(std::move(n), f.anchor, f.mark);
  }

  // Records a complete node under its anchor and adds it to the enclosing collection.
  void finish(Node n, YAML::anchor_t anchor, const YAML::Mark& mark) {
    if (anchor != YAML::NullAnchor) {
      Node stored = n;
      stored.merge = false;
      anchors_[anchor] = std::move(stored);
    }
    if (stack_.empty()) {
      root = std::move(n);
      return;
    }
    Frame& top = stack_.back();
    top.nodes += n.nodes;
    if (!top.is_map) {
      top.value.push_back(std::move(n.value));
      return;
    }
    if (!top.key) {
      if (n.collection) throw BuildError{"invalid map key: a sequence or mapping", mark};
      if (n.null && !n.merge) throw BuildError{"unsupported map key: null", mark};
      top.key = std::move(n);
      return;
    }
    Node key = std::move(*top.key);
    top.key.reset();
    if (key.merge) {
      merge(top.value, n, mark);
      return;
    }
    top.value[key.key] = n.null ? Json(nullptr) : std::move(n.value);
  }

  // go-yaml v2's merge: a map's entries overwrite those already present; of a sequence of maps,
  // earlier maps win.
  static void merge(Json& target, const Node& n, const YAML::Mark& mark) {
    const char* kWantMap = "map merge requires map or sequence of maps as the value";
    if (n.value.is_object()) {
      for (const auto& [k, v] : n.value.items()) target[k] = v;
      return;
    }
    if (!n.value.is_array()) throw BuildError{kWantMap, mark};
    Json merged = Json::object();
    for (const Json& m : n.value) {
      if (!m.is_object()) throw BuildError{kWantMap, mark};
      for (const auto& [k, v] : m.items())
        if (!merged.contains(k)) merged[k] = v;
    }
    for (const auto& [k, v] : merged.items()) target[k] = v;
  }

  std::vector<Frame> stack_;
  std::unordered_map<YAML::anchor_t, Node> anchors_;
  std::unordered_map<YAML::anchor_t, std::string> names_;
  YAML::anchor_t anchor_count_ = 0;
  double decode_count_ = 0;
  double alias_count_ = 0;
};

std::unexpected<starlark::Error> parseError(int line, int column, std::string_view msg) {
  if (line < 0) return starlark::makeError(cat("error parsing YAML: ", msg));
  return starlark::makeError(
      cat("error parsing YAML: line ", line + 1, ", column ", column + 1, ": ", msg));
}

// One document of a stream as Kubernetes' YAMLReader cuts it, and the line it starts on.
struct Chunk {
  std::string text;
  int first_line = 0;
};

// k8s.io/apimachinery's YAMLReader: a line starting with "---" ends a document; only spaces and
// a comment may follow the dashes.
Result<std::vector<Chunk>> splitDocuments(std::string_view text) {
  std::vector<Chunk> chunks;
  Chunk current;
  int line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    std::string_view line =
        text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    pos = end == std::string_view::npos ? text.size() : end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.starts_with("---")) {
      std::string_view rest = line.substr(3);
      while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
      while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t')) rest.remove_suffix(1);
      if (!rest.empty() && rest[0] != '#') {
        return parseError(line_no, 0, cat("invalid Yaml document separator: ", rest));
      }
      if (!current.text.empty()) chunks.push_back(std::move(current));
      current = Chunk{};
      current.first_line = line_no + 1;
    } else {
      current.text.append(line);
      current.text.push_back('\n');
    }
    ++line_no;
  }
  if (!current.text.empty()) chunks.push_back(std::move(current));
  return chunks;
}

// Parses the first document of one chunk; nullopt when it holds none (only comments or blank
// lines) or is null.
Result<std::optional<Json>> parseChunk(const Chunk& chunk) {
  // yaml-cpp 0.7 accepts a quoted scalar left open when the text ends right after a line break
  // (its scanner checks for the end only within a line). A final comment line changes nothing
  // for a valid document but puts a character after that break, so the open quote is reported.
  std::istringstream in(chunk.text + "#");
  const auto lines = static_cast<int>(std::count(chunk.text.begin(), chunk.text.end(), '\n'));
  // A position on that added line is the end of the text.
  auto at = [&](const YAML::Mark& mark, std::string_view msg) {
    if (mark.is_null() || mark.line < 0) return parseError(-1, 0, msg);
    return parseError(chunk.first_line + mark.line, mark.line >= lines ? 0 : mark.column, msg);
  };
  Builder builder;
  try {
    YAML::Parser parser(in);
    if (!parser.HandleNextDocument(builder)) return std::nullopt;
  } catch (const BuildError& e) {
    return at(e.mark, e.message);
  } catch (const YAML::Exception& e) {
    return at(e.mark, e.msg);
  }
  if (!builder.root || builder.root->null) return std::nullopt;
  return std::move(builder.root->value);
}

// ---- emitting --------------------------------------------------------------------------------

constexpr int kBestIndent = 2;
constexpr int kBestWidth = 80;

enum class Style { kPlain, kSingle, kDouble, kLiteral };

bool isBreakRune(char32_t r) { return r == '\n' || r == '\r' || r == 0x85; }

// YAML's printable set as go-yaml checks it; we also count U+2028 and U+2029 as unprintable, so
// that they are always escaped rather than written raw into a block scalar.
bool isPrintableRune(char32_t r) {
  return r == 0x0A || (r >= 0x20 && r <= 0x7E) ||
         (r >= 0xA0 && r <= 0xD7FF && r != 0x2028 && r != 0x2029) ||
         (r >= 0xE000 && r <= 0xFFFD && r != 0xFEFF);
}

// What go-yaml's yaml_emitter_analyze_scalar decides about a string.
struct Analysis {
  bool multiline = false;
  bool block_plain_allowed = true;
  bool single_quoted_allowed = true;
  bool block_allowed = true;
};

Analysis analyze(std::string_view v) {
  Analysis a;
  if (v.empty()) {
    a.block_allowed = false;
    return a;
  }
  bool block_indicators = v.starts_with("---") || v.starts_with("...");
  bool line_breaks = false, special = false;
  bool leading_space = false, leading_break = false, trailing_space = false, trailing_break = false,
       break_space = false, space_break = false;
  bool preceded_by_ws = true, previous_space = false, previous_break = false;
  for (size_t i = 0; i < v.size();) {
    auto [r, w] = decodeRune(v, i);
    const bool last = i + w >= v.size();
    const bool followed_by_ws = last || v[i + w] == ' ' || v[i + w] == '\t';
    if (i == 0) {
      switch (r) {
        case '#':
        case ',':
        case '[':
        case ']':
        case '{':
        case '}':
        case '&':
        case '*':
        case '!':
        case '|':
        case '>':
        case '\'':
        case '"':
        case '%':
        case '@':
        case '`':
          block_indicators = true;
          break;
        case '?':
        case ':':
        case '-':
          if (followed_by_ws) block_indicators = true;
          break;
        default:
          break;
      }
    } else if ((r == ':' && followed_by_ws) || (r == '#' && preceded_by_ws)) {
      block_indicators = true;
    }
    if (!isPrintableRune(r)) special = true;
    if (r == ' ') {
      if (i == 0) leading_space = true;
      if (last) trailing_space = true;
      if (previous_break) break_space = true;
      previous_space = true;
      previous_break = false;
    } else if (isBreakRune(r)) {
      line_breaks = true;
      if (i == 0) leading_break = true;
      if (last) trailing_break = true;
      if (previous_space) space_break = true;
      previous_space = false;
      previous_break = true;
    } else {
      previous_space = false;
      previous_break = false;
    }
    preceded_by_ws =
        r == ' ' || r == '\t' || r == 0 || isBreakRune(r) || r == 0x2028 || r == 0x2029;
    i += w;
  }
  a.multiline = line_breaks;
  if (leading_space || leading_break || trailing_space || trailing_break) {
    a.block_plain_allowed = false;
  }
  if (trailing_space) a.block_allowed = false;
  if (break_space) {
    a.block_plain_allowed = false;
    a.single_quoted_allowed = false;
  }
  if (space_break || special) {
    a.block_plain_allowed = false;
    a.single_quoted_allowed = false;
    a.block_allowed = false;
  }
  if (line_breaks) a.block_plain_allowed = false;
  if (block_indicators) a.block_plain_allowed = false;
  return a;
}

// go-yaml v2's encoder.stringv: plain when the string would not read back as something else,
// a literal block when it has a newline, double-quoted otherwise.
Style requestedStringStyle(std::string_view s) {
  if (s.find('\n') != std::string_view::npos) return Style::kLiteral;
  Resolved r = resolvePlain(s);
  // go-yaml writes "<<" plain, which reads back as a merge key; we quote it.
  if (r.kind == Kind::kString && !isBase60Float(s) && s != "<<") return Style::kPlain;
  return Style::kDouble;
}

// A float as Tilt writes it: through JSON (an integral value is written as an int) and back.
std::string yamlFloat(double f) {
  if (!std::isfinite(f)) return formatGoFloatG(f, false);
  std::string s = formatJsonFloat(f);
  if (isIntegerSyntax(s) && (parseGoInt(s) || parseGoUint(s))) return s;
  return formatGoFloatG(f, false);
}

class Emitter {
 public:
  std::string take() { return std::move(out_); }

  void document(const Json& v) {
    node(v, Context{.root = true});
    writeIndent();
  }

 private:
  struct Context {
    bool root = false;
    bool sequence = false;
    bool mapping = false;
    bool simple_key = false;
  };

  void node(const Json& v, Context ctx) {
    switch (v.type()) {
      case Json::value_t::object:
        if (v.empty()) {
          emptyFlow("{", "}");
        } else {
          blockMapping(v);
        }
        return;
      case Json::value_t::array:
        if (v.empty()) {
          emptyFlow("[", "]");
        } else {
          blockSequence(v, ctx);
        }
        return;
      case Json::value_t::string: {
        std::string s = sanitizeUtf8(v.get_ref<const std::string&>());
        scalar(s, requestedStringStyle(s), ctx);
        return;
      }
      case Json::value_t::boolean:
        scalar(v.get<bool>() ? "true" : "false", Style::kPlain, ctx);
        return;
      case Json::value_t::number_integer:
        scalar(std::to_string(v.get<int64_t>()), Style::kPlain, ctx);
        return;
      case Json::value_t::number_unsigned:
        scalar(std::to_string(v.get<uint64_t>()), Style::kPlain, ctx);
        return;
      case Json::value_t::number_float:
        scalar(yamlFloat(v.get<double>()), Style::kPlain, ctx);
        return;
      case Json::value_t::binary: {
        const auto& bytes = v.get_binary();
        std::string s = sanitizeUtf8(std::string(bytes.begin(), bytes.end()));
        scalar(s, requestedStringStyle(s), ctx);
        return;
      }
      case Json::value_t::null:
      case Json::value_t::discarded:
        scalar("null", Style::kPlain, ctx);
        return;
    }
  }

  void blockMapping(const Json& obj) {
    increaseIndent(false, false);
    for (const auto& [raw_key, value] : obj.items()) {
      writeIndent();
      std::string key = sanitizeUtf8(raw_key);
      if (!analyze(key).multiline && key.size() <= 128) {
        scalar(key, requestedStringStyle(key), Context{.mapping = true, .simple_key = true});
        writeIndicator(":", false, false, false);
      } else {
        writeIndicator("?", true, false, true);
        scalar(key, requestedStringStyle(key), Context{.mapping = true});
        writeIndent();
        writeIndicator(":", true, false, true);
      }
      node(value, Context{.mapping = true});
    }
    restoreIndent();
  }

  void blockSequence(const Json& arr, Context ctx) {
    increaseIndent(false, ctx.mapping && !indention_);
    for (const Json& item : arr) {
      writeIndent();
      writeIndicator("-", true, false, true);
      node(item, Context{.sequence = true});
    }
    restoreIndent();
  }

  void emptyFlow(std::string_view open, std::string_view close) {
    writeIndicator(open, true, true, false);
    writeIndicator(close, false, false, false);
  }

  void scalar(std::string_view text, Style style, Context ctx) {
    Analysis a = analyze(text);
    if (ctx.simple_key && a.multiline) style = Style::kDouble;
    if (style == Style::kPlain) {
      if (!a.block_plain_allowed || (text.empty() && ctx.simple_key)) style = Style::kSingle;
    }
    if (style == Style::kSingle && !a.single_quoted_allowed) style = Style::kDouble;
    if (style == Style::kLiteral && (!a.block_allowed || ctx.simple_key)) style = Style::kDouble;

    increaseIndent(true, false);
    const bool allow_breaks = !ctx.simple_key;
    switch (style) {
      case Style::kPlain:
        writePlain(text, allow_breaks);
        break;
      case Style::kSingle:
        writeSingleQuoted(text, allow_breaks);
        break;
      case Style::kDouble:
        writeDoubleQuoted(text, allow_breaks);
        break;
      case Style::kLiteral:
        writeLiteral(text);
        break;
    }
    restoreIndent();
  }

  // ---- go-yaml's low-level writers ----

  void increaseIndent(bool flow, bool indentless) {
    indents_.push_back(indent_);
    if (indent_ < 0) {
      indent_ = flow ? kBestIndent : 0;
    } else if (!indentless) {
      indent_ += kBestIndent;
    }
  }
  void restoreIndent() {
    indent_ = indents_.back();
    indents_.pop_back();
  }

  void put(char c) {
    out_.push_back(c);
    ++column_;
  }
  void putBreak() {
    out_.push_back('\n');
    column_ = 0;
  }
  // Copies the character at s[i] and advances i past it.
  void writeChar(std::string_view s, size_t& i) {
    size_t w = decodeRune(s, i).second;
    out_.append(s.substr(i, w));
    i += w;
    ++column_;
  }
  void writeBreak(std::string_view s, size_t& i) {
    if (s[i] == '\n') {
      putBreak();
      ++i;
    } else {
      writeChar(s, i);
      column_ = 0;
    }
  }

  void writeIndent() {
    int indent = std::max(indent_, 0);
    if (!indention_ || column_ > indent || (column_ == indent && !whitespace_)) putBreak();
    while (column_ < indent) put(' ');
    whitespace_ = true;
    indention_ = true;
  }

  void writeIndicator(std::string_view indicator, bool need_whitespace, bool is_whitespace,
                      bool is_indention) {
    if (need_whitespace && !whitespace_) put(' ');
    out_.append(indicator);
    column_ += static_cast<int>(indicator.size());
    whitespace_ = is_whitespace;
    indention_ = indention_ && is_indention;
  }

  static bool spaceAt(std::string_view s, size_t i) { return i < s.size() && s[i] == ' '; }

  void writePlain(std::string_view v, bool allow_breaks) {
    if (!whitespace_) put(' ');
    bool spaces = false;
    for (size_t i = 0; i < v.size();) {
      if (v[i] == ' ') {
        if (allow_breaks && !spaces && column_ > kBestWidth && !spaceAt(v, i + 1)) {
          writeIndent();
          ++i;
        } else {
          writeChar(v, i);
        }
        spaces = true;
      } else {
        writeChar(v, i);
        indention_ = false;
        spaces = false;
      }
    }
    whitespace_ = false;
    indention_ = false;
  }

  void writeSingleQuoted(std::string_view v, bool allow_breaks) {
    writeIndicator("'", true, false, false);
    bool spaces = false, breaks = false;
    for (size_t i = 0; i < v.size();) {
      auto [r, w] = decodeRune(v, i);
      if (r == ' ') {
        if (allow_breaks && !spaces && column_ > kBestWidth && i > 0 && i < v.size() - 1 &&
            !spaceAt(v, i + 1)) {
          writeIndent();
          ++i;
        } else {
          writeChar(v, i);
        }
        spaces = true;
      } else if (isBreakRune(r)) {
        if (!breaks && r == '\n') putBreak();
        writeBreak(v, i);
        indention_ = true;
        breaks = true;
      } else {
        if (breaks) writeIndent();
        if (r == '\'') put('\'');
        writeChar(v, i);
        indention_ = false;
        spaces = false;
        breaks = false;
      }
    }
    writeIndicator("'", false, false, false);
    whitespace_ = false;
    indention_ = false;
  }

  void writeDoubleQuoted(std::string_view v, bool allow_breaks) {
    writeIndicator("\"", true, false, false);
    bool spaces = false;
    for (size_t i = 0; i < v.size();) {
      auto [r, w] = decodeRune(v, i);
      if (!isPrintableRune(r) || isBreakRune(r) || r == '"' || r == '\\') {
        i += w;
        put('\\');
        switch (r) {
          case 0x00:
            put('0');
            break;
          case 0x07:
            put('a');
            break;
          case 0x08:
            put('b');
            break;
          case 0x09:
            put('t');
            break;
          case 0x0A:
            put('n');
            break;
          case 0x0B:
            put('v');
            break;
          case 0x0C:
            put('f');
            break;
          case 0x0D:
            put('r');
            break;
          case 0x1B:
            put('e');
            break;
          case 0x22:
            put('"');
            break;
          case 0x5C:
            put('\\');
            break;
          case 0x85:
            // go-yaml writes \N, which yaml-cpp 0.7 decodes to a bare 0x85 byte.
            put('x');
            put('8');
            put('5');
            break;
          case 0xA0:
            put('_');
            break;
          case 0x2028:
            put('L');
            break;
          case 0x2029:
            put('P');
            break;
          default: {
            int digits;
            if (r <= 0xFF) {
              put('x');
              digits = 2;
            } else if (r <= 0xFFFF) {
              put('u');
              digits = 4;
            } else {
              put('U');
              digits = 8;
            }
            for (int k = (digits - 1) * 4; k >= 0; k -= 4) {
              put("0123456789ABCDEF"[(r >> k) & 0x0F]);
            }
          }
        }
        spaces = false;
      } else if (r == ' ') {
        if (allow_breaks && !spaces && column_ > kBestWidth && i > 0 && i < v.size() - 1) {
          writeIndent();
          if (spaceAt(v, i + 1)) put('\\');
          ++i;
        } else {
          writeChar(v, i);
        }
        spaces = true;
      } else {
        writeChar(v, i);
        spaces = false;
      }
    }
    writeIndicator("\"", false, false, false);
    whitespace_ = false;
    indention_ = false;
  }

  void writeLiteral(std::string_view v) {
    writeIndicator("|", true, false, false);
    // Block scalar hints: an indentation indicator when the text starts with a space or a
    // break, and a chomping indicator for what follows the last line.
    if (v[0] == ' ' || isBreakRune(decodeRune(v, 0).first)) {
      writeIndicator(std::string(1, static_cast<char>('0' + kBestIndent)), false, false, false);
    }
    size_t last = v.size() - 1;
    while (last > 0 && (static_cast<unsigned char>(v[last]) & 0xC0) == 0x80) --last;
    if (!isBreakRune(decodeRune(v, last).first)) {
      writeIndicator("-", false, false, false);
    } else if (last == 0) {
      writeIndicator("+", false, false, false);
    } else {
      size_t prev = last - 1;
      while (prev > 0 && (static_cast<unsigned char>(v[prev]) & 0xC0) == 0x80) --prev;
      if (isBreakRune(decodeRune(v, prev).first)) writeIndicator("+", false, false, false);
    }
    putBreak();
    indention_ = true;
    whitespace_ = true;
    bool breaks = true;
    for (size_t i = 0; i < v.size();) {
      if (isBreakRune(decodeRune(v, i).first)) {
        writeBreak(v, i);
        indention_ = true;
        breaks = true;
      } else {
        if (breaks) writeIndent();
        writeChar(v, i);
        indention_ = false;
        breaks = false;
      }
    }
  }

  std::string out_;
  int column_ = 0;
  int indent_ = -1;
  std::vector<int> indents_;
  bool whitespace_ = true;
  bool indention_ = true;
};

}  // namespace

std::string formatJsonFloat(double f) {
  const double abs = std::fabs(f);
  Decimal d = shortestDecimal(f, false);
  if (abs != 0 && (abs < 1e-6 || abs >= 1e21)) {
    std::string s = formatExp(d);
    // Go's encoding/json writes e-07 as e-7.
    size_t n = s.size();
    if (n >= 4 && s[n - 4] == 'e' && s[n - 3] == '-' && s[n - 2] == '0') s.erase(n - 2, 1);
    return s;
  }
  return formatFixed(d);
}

Result<std::vector<Json>> parseYamlStream(std::string_view text) {
  std::vector<Chunk> chunks = TRY(splitDocuments(text));
  std::vector<Json> docs;
  for (const Chunk& chunk : chunks) {
    std::optional<Json> doc = TRY(parseChunk(chunk));
    if (doc) docs.push_back(std::move(*doc));
  }
  return docs;
}

Result<Json> parseYaml(std::string_view text) {
  std::vector<Json> docs = TRY(parseYamlStream(text));
  if (docs.empty()) return Json(nullptr);
  if (docs.size() > 1) {
    return starlark::makeError(cat("expected a single YAML document, got ", docs.size()));
  }
  return std::move(docs[0]);
}

std::string emitYaml(const Json& value) {
  Emitter emitter;
  emitter.document(value);
  return emitter.take();
}

std::string emitYamlStream(const std::vector<Json>& values) {
  std::string out;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += "---\n";
    out += emitYaml(values[i]);
  }
  return out;
}

}  // namespace slant::tiltfile
