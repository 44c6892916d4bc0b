#include "starlark/lib/util.h"

#include <algorithm>
#include <cmath>

namespace slant::starlark::lib {
namespace {

// Go's underscoreOK: underscores in a number may only separate digits, or follow a base prefix.
bool underscoreOk(std::string_view s) {
  char saw = '^';  // '^' start, '0' digit or prefix, '_' underscore, '!' other
  size_t i = 0;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  bool hex = false;
  if (s.size() >= 2 && s[0] == '0') {
    char c = static_cast<char>(s[1] | 0x20);
    if (c == 'x' || c == 'b' || c == 'o') {
      hex = c == 'x';
      i = 2;
      saw = '0';
    }
  }
  for (; i < s.size(); ++i) {
    char c = s[i];
    bool digit = (c >= '0' && c <= '9') || (hex && ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'));
    if (digit) {
      saw = '0';
      continue;
    }
    if (c == '_') {
      if (saw != '0') return false;
      saw = '_';
      continue;
    }
    if (saw == '_') return false;
    saw = '!';
  }
  return saw != '_';
}

// The decimal exponent of the leading digit of a decimal literal (no sign), to tell overflow
// from underflow when from_chars reports a range error.
int64_t leadingExponent(std::string_view s) {
  size_t e = s.find_first_of("eE");
  int64_t exp = 0;
  if (e != std::string_view::npos) {
    std::string_view es = s.substr(e + 1);
    bool neg = !es.empty() && es[0] == '-';
    if (!es.empty() && (es[0] == '-' || es[0] == '+')) es.remove_prefix(1);
    for (char c : es) exp = std::min<int64_t>(exp * 10 + (c - '0'), 1'000'000'000);
    if (neg) exp = -exp;
    s = s.substr(0, e);
  }
  size_t dot = s.find('.');
  std::string_view int_part = s.substr(0, dot);
  size_t nz = int_part.find_first_not_of('0');
  if (nz != std::string_view::npos) return exp + static_cast<int64_t>(int_part.size() - nz) - 1;
  if (dot == std::string_view::npos) return exp;
  std::string_view frac = s.substr(dot + 1);
  size_t fnz = frac.find_first_not_of('0');
  return exp - static_cast<int64_t>(fnz == std::string_view::npos ? 0 : fnz) - 1;
}

}  // namespace

std::optional<double> parseGoFloat(std::string_view s) {
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return std::nullopt;
  std::string clean;
  if (s.find('_') != std::string_view::npos) {
    if (!underscoreOk(s)) return std::nullopt;
    clean.reserve(s.size());
    for (char c : s)
      if (c != '_') clean.push_back(c);
    s = clean;
  }
  bool hex = s.size() >= 2 && s[0] == '0' && (s[1] | 0x20) == 'x';
  if (hex) {
    s.remove_prefix(2);
    // A hexadecimal mantissa requires a 'p' exponent.
    if (s.find_first_of("pP") == std::string_view::npos) return std::nullopt;
  }
  // from_chars would accept a sign here (and "inf"/"nan"); Go accepts neither at this point.
  if (s.empty() || s[0] == '-' || s[0] == '+' || (s[0] | 0x20) == 'i' || (s[0] | 0x20) == 'n') {
    return std::nullopt;
  }
  double f = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), f,
                           hex ? std::chars_format::hex : std::chars_format::general);
  if (r.ptr != s.data() + s.size()) return std::nullopt;
  if (r.ec == std::errc::result_out_of_range) {
    bool overflow = hex ? true : leadingExponent(s) > 0;
    if (hex) {
      // Decide by the binary exponent's sign.
      size_t p = s.find_first_of("pP");
      overflow = p + 1 < s.size() && s[p + 1] != '-';
    }
    f = overflow ? HUGE_VAL : 0.0;
  } else if (r.ec != std::errc()) {
    return std::nullopt;
  }
  return neg ? -f : f;
}

Result<std::pair<int64_t, int64_t>> indices(const Value& start_arg, const Value& end_arg,
                                            int64_t len) {
  auto clamp = [len](int64_t i) { return i < 0 ? 0 : (i > len ? len : i); };
  int64_t start = 0;
  if (!start_arg.isUnbound() && !start_arg.isNone()) {
    auto i = asInt32(start_arg);
    if (!i) return makeError("invalid start index: " + i.error().message());
    start = *i < 0 ? *i + len : int64_t{*i};
  }
  int64_t end = len;
  if (!end_arg.isUnbound() && !end_arg.isNone()) {
    auto i = asInt32(end_arg);
    if (!i) return makeError("invalid end index: " + i.error().message());
    end = *i < 0 ? *i + len : int64_t{*i};
  }
  return std::pair(clamp(start), clamp(end));
}

Result<std::unique_ptr<Iterator>> iterate(const Value& x) {
  if (x.is(ObjType::kOther) || x.is(ObjType::kStruct) || x.is(ObjType::kModule)) {
    if (std::unique_ptr<Iterator> it = x.object()->iterate()) return it;
  }
  return Iterator::of(x);
}

std::string outOfRange(int64_t i, int64_t n, std::string_view type) {
  if (n == 0) return cat("index ", i, " out of range: empty ", type);
  return cat(type, " index ", i, " out of range [", -n, ":", n - 1, "]");
}

std::string quoteByte(unsigned char c) {
  // strconv.QuoteRune(rune(c)): the byte is taken as the code point U+0000..U+00FF.
  switch (c) {
    case '\'':
      return "'\\''";
    case '\\':
      return "'\\\\'";
    case '\a':
      return "'\\a'";
    case '\b':
      return "'\\b'";
    case '\f':
      return "'\\f'";
    case '\n':
      return "'\\n'";
    case '\r':
      return "'\\r'";
    case '\t':
      return "'\\t'";
    case '\v':
      return "'\\v'";
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "'";
  if (c < 0x20 || c == 0x7F) {
    out += "\\x";
    out += kHex[c >> 4];
    out += kHex[c & 0xF];
  } else if (c < 0x7F) {
    out += static_cast<char>(c);
  } else if (c <= 0xA0 || c == 0xAD) {
    // C1 controls, no-break space and soft hyphen are not printable in Go's sense.
    out += "\\u00";
    out += kHex[c >> 4];
    out += kHex[c & 0xF];
  } else {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
  out += '\'';
  return out;
}

}  // namespace slant::starlark::lib
