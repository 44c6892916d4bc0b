// Spelling suggestions, as go.starlark.net's internal/spell: names are compared with case and
// underscores folded away, by Levenshtein distance, and a candidate is suggested only if at most
// half of the name needs changing. Used for "undefined: x (did you mean y?)" by the resolver and
// for missing fields, methods and load() names by the evaluator.
#include "starlark/spell.h"

#include <algorithm>
#include <string>

#include "starlark/utf8.h"

namespace slant::starlark::spell {
namespace {


// Lowercases a code point: exact for ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic capitals
// (the scripts identifiers use in practice); other code points are returned unchanged.
int32_t toLower(int32_t r) {
  if (r < 0x80) return (r >= 'A' && r <= 'Z') ? r + 32 : r;
  if ((r >= 0xC0 && r <= 0xDE && r != 0xD7) || (r >= 0x391 && r <= 0x3AB && r != 0x3A2) ||
      (r >= 0x410 && r <= 0x42F)) {
    return r + 32;
  }
  if (r >= 0x400 && r <= 0x40F) return r + 80;
  if (r == 0x178) return 0xFF;
  if (r >= 0x100 && r <= 0x17F && r != 0x130 && r != 0x138 && r != 0x149 && r != 0x17F) {
    // Pairs of capital and small letters; the pairing flips parity at U+0139..U+0148 and
    // U+0179..U+017E.
    bool odd_capitals = (r >= 0x139 && r <= 0x148) || (r >= 0x179 && r <= 0x17E);
    bool capital = odd_capitals ? (r & 1) == 1 : (r & 1) == 0;
    return capital ? r + 1 : r;
  }
  return r;
}


// Decodes one code point of UTF-8 at s[i], advancing i; an invalid byte yields U+FFFD, as Go's
// range over a string does.
int32_t nextRune(std::string_view s, size_t& i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  if (c < 0x80) {
    ++i;
    return c;
  }
  auto cont = [&](size_t k, unsigned char lo, unsigned char hi) {
    return k < s.size() && b(k) >= lo && b(k) <= hi;
  };
  if (c >= 0xC2 && c <= 0xDF && cont(i + 1, 0x80, 0xBF)) {
    int32_t r = ((c & 0x1F) << 6) | (b(i + 1) & 0x3F);
    i += 2;
    return r;
  }
  if (c >= 0xE0 && c <= 0xEF && cont(i + 1, c == 0xE0 ? 0xA0 : 0x80, c == 0xED ? 0x9F : 0xBF) &&
      cont(i + 2, 0x80, 0xBF)) {
    int32_t r = ((c & 0x0F) << 12) | ((b(i + 1) & 0x3F) << 6) | (b(i + 2) & 0x3F);
    i += 3;
    return r;
  }
  if (c >= 0xF0 && c <= 0xF4 && cont(i + 1, c == 0xF0 ? 0x90 : 0x80, c == 0xF4 ? 0x8F : 0xBF) &&
      cont(i + 2, 0x80, 0xBF) && cont(i + 3, 0x80, 0xBF)) {
    int32_t r = ((c & 0x07) << 18) | ((b(i + 1) & 0x3F) << 12) | ((b(i + 2) & 0x3F) << 6) |
                (b(i + 3) & 0x3F);
    i += 4;
    return r;
  }
  ++i;
  return 0xFFFD;
}

// Ignores underscores and case when comparing names (Go's spell.Nearest folding).
std::string foldName(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    int32_t r = nextRune(s, i);
    if (r == '_') continue;
    appendUtf8(out, toLower(r));
  }
  return out;
}

// The Levenshtein distance between byte strings x and y; may return early with an approximate
// value above `max` once the distance is known to exceed it.
int levenshtein(std::string_view x, std::string_view y, int max) {
  if (x.size() > y.size()) std::swap(x, y);
  for (size_t i = 0; i < x.size(); ++i) {
    if (x[i] != y[i]) {
      x.remove_prefix(i);
      y.remove_prefix(i);
      break;
    }
  }
  if (x.empty()) return static_cast<int>(y.size());
  int diff = static_cast<int>(y.size()) - static_cast<int>(x.size());
  if (diff > max) return diff;

  std::vector<int> row(y.size() + 1);
  for (size_t i = 0; i < row.size(); ++i) row[i] = static_cast<int>(i);
  for (size_t i = 1; i <= x.size(); ++i) {
    row[0] = static_cast<int>(i);
    int best = static_cast<int>(i);
    int prev = static_cast<int>(i) - 1;
    for (size_t j = 1; j <= y.size(); ++j) {
      int a = prev + (x[i - 1] != y[j - 1] ? 1 : 0);  // substitution
      int b = 1 + row[j - 1];                         // deletion
      int c = 1 + row[j];                             // insertion
      int k = std::min(a, std::min(b, c));
      prev = row[j];
      row[j] = k;
      best = std::min(best, k);
    }
    if (best > max) return best;
  }
  return row[y.size()];
}

}  // namespace

std::string_view nearest(std::string_view x, const std::vector<std::string_view>& candidates) {
  std::string fx = foldName(x);
  std::string_view best;
  int best_d = static_cast<int>(fx.size() + 1) / 2;
  for (std::string_view c : candidates) {
    int d = levenshtein(fx, foldName(c), best_d);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

}  // namespace slant::starlark::spell
