// The tables in unicode_tables.inc are generated from Go's unicode package, so the answers here
// are exactly those go.starlark.net gives (for the Unicode version of the generating Go). Each
// property is a sorted list of disjoint [lo, hi] ranges, searched by bisection; ASCII takes a
// fast path everywhere because it is by far the common case in Tiltfiles.
#include "starlark/lib/unicode.h"

#include <algorithm>
#include <iterator>

namespace slant::starlark::lib {
namespace {

struct Range {
  char32_t lo, hi;
};

constexpr int32_t kUpperLower = 0x110000;  // unicode.UpperLower (MaxRune + 1)

struct CaseRange {
  char32_t lo, hi;
  int32_t delta[3];  // indexed by kUpperCase, kLowerCase, kTitleCase
};

#include "starlark/lib/unicode_tables.inc"

enum CaseIndex { kUpperCase = 0, kLowerCase = 1, kTitleCase = 2 };

template <size_t N>
bool inTable(const Range (&table)[N], char32_t r) {
  const Range* it = std::upper_bound(std::begin(table), std::end(table), r,
                                     [](char32_t x, const Range& range) { return x < range.lo; });
  if (it == std::begin(table)) return false;
  --it;
  return r <= it->hi;
}

// unicode.To: maps r by the case ranges, as Go's to().
char32_t mapCase(int which, char32_t r) {
  const CaseRange* it =
      std::upper_bound(std::begin(kCaseRanges), std::end(kCaseRanges), r,
                       [](char32_t x, const CaseRange& range) { return x < range.lo; });
  if (it == std::begin(kCaseRanges)) return r;
  --it;
  if (r > it->hi) return r;
  int32_t delta = it->delta[which];
  if (delta == kUpperLower) {
    // In an Upper/Lower sequence the even offsets are upper case and the odd ones lower case;
    // UpperCase and TitleCase are even and LowerCase odd, so the low bit comes from `which`.
    return it->lo + (((r - it->lo) & ~char32_t{1}) | static_cast<char32_t>(which & 1));
  }
  return static_cast<char32_t>(static_cast<int32_t>(r) + delta);
}

bool isAscii(std::string_view s) {
  for (unsigned char c : s)
    if (c >= 0x80) return false;
  return true;
}

template <class F>
std::string mapString(std::string_view s, F f) {
  if (isAscii(s)) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(f(static_cast<unsigned char>(c)));
    return out;
  }
  std::string out;
  out.reserve(s.size());
  while (!s.empty()) {
    DecodedRune d = decodeRune(s);
    appendUtf8(out, f(d.rune));
    s.remove_prefix(d.size);
  }
  return out;
}

}  // namespace

DecodedRune decodeRune(std::string_view s) {
  if (s.empty()) return {kReplacementChar, 0};
  auto b = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char c0 = b(0);
  if (c0 < 0x80) return {c0, 1};
  auto cont = [&](size_t i, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
    return i < s.size() && b(i) >= lo && b(i) <= hi;
  };
  if (c0 >= 0xC2 && c0 <= 0xDF) {
    if (!cont(1)) return {kReplacementChar, 1};
    return {static_cast<char32_t>((c0 & 0x1F) << 6 | (b(1) & 0x3F)), 2};
  }
  if (c0 >= 0xE0 && c0 <= 0xEF) {
    // Exclude overlong forms (E0 80..9F) and surrogates (ED A0..BF).
    unsigned char lo = c0 == 0xE0 ? 0xA0 : 0x80;
    unsigned char hi = c0 == 0xED ? 0x9F : 0xBF;
    if (!cont(1, lo, hi) || !cont(2)) return {kReplacementChar, 1};
    return {static_cast<char32_t>((c0 & 0x0F) << 12 | (b(1) & 0x3F) << 6 | (b(2) & 0x3F)), 3};
  }
  if (c0 >= 0xF0 && c0 <= 0xF4) {
    unsigned char lo = c0 == 0xF0 ? 0x90 : 0x80;
    unsigned char hi = c0 == 0xF4 ? 0x8F : 0xBF;
    if (!cont(1, lo, hi) || !cont(2) || !cont(3)) return {kReplacementChar, 1};
    return {static_cast<char32_t>((c0 & 0x07) << 18 | (b(1) & 0x3F) << 12 | (b(2) & 0x3F) << 6 |
                                  (b(3) & 0x3F)),
            4};
  }
  return {kReplacementChar, 1};
}

DecodedRune decodeLastRune(std::string_view s) {
  if (s.empty()) return {kReplacementChar, 0};
  size_t end = s.size();
  if (static_cast<unsigned char>(s[end - 1]) < 0x80) {
    return {static_cast<unsigned char>(s[end - 1]), 1};
  }
  // Back up over at most 3 continuation bytes to a possible start byte.
  size_t lim = end >= 4 ? end - 4 : 0;
  size_t start = end - 1;
  while (start > lim && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
  DecodedRune d = decodeRune(s.substr(start));
  if (start + d.size != end) return {kReplacementChar, 1};
  return d;
}


int64_t runeCount(std::string_view s) {
  int64_t n = 0;
  while (!s.empty()) {
    if (static_cast<unsigned char>(s[0]) < 0x80) {
      s.remove_prefix(1);
    } else {
      s.remove_prefix(decodeRune(s).size);
    }
    ++n;
  }
  return n;
}

bool isLetter(char32_t r) {
  if (r < 0x80) return (r | 0x20) >= 'a' && (r | 0x20) <= 'z';
  return inTable(kLetter, r);
}
bool isDigit(char32_t r) {
  if (r < 0x80) return r >= '0' && r <= '9';
  return inTable(kDigit, r);
}
bool isSpace(char32_t r) {
  if (r < 0x80) return r == ' ' || (r >= '\t' && r <= '\r');
  return inTable(kSpace, r);
}
bool isUpper(char32_t r) {
  if (r < 0x80) return r >= 'A' && r <= 'Z';
  return inTable(kUpper, r);
}
bool isLower(char32_t r) {
  if (r < 0x80) return r >= 'a' && r <= 'z';
  return inTable(kLower, r);
}
bool isTitle(char32_t r) { return r >= 0x80 && inTable(kTitle, r); }
bool isCased(char32_t r) {
  if (r < 0x80) return (r | 0x20) >= 'a' && (r | 0x20) <= 'z';
  return inTable(kCased, r);
}

char32_t toUpper(char32_t r) {
  if (r < 0x80) return r >= 'a' && r <= 'z' ? r - 32 : r;
  return mapCase(kUpperCase, r);
}
char32_t toLower(char32_t r) {
  if (r < 0x80) return r >= 'A' && r <= 'Z' ? r + 32 : r;
  return mapCase(kLowerCase, r);
}
char32_t toTitle(char32_t r) {
  if (r < 0x80) return r >= 'a' && r <= 'z' ? r - 32 : r;
  return mapCase(kTitleCase, r);
}

std::string upperString(std::string_view s) { return mapString(s, toUpper); }
std::string lowerString(std::string_view s) { return mapString(s, toLower); }

}  // namespace slant::starlark::lib
