// Matching .dockerignore patterns without a regex library.
//
// Tilt hands every ignore list to its fork of Docker's pattern matcher, which turns each pattern
// into a Go regular expression: "*" becomes [^/]*, "?" [^/], "**" at the end .*, any other "**"
// (with the "/" after it eaten) (.*/)?, a class stays a class, "\x" is a literal x, and the whole
// is wrapped as ^...(/.*)?$ so that a pattern matching a directory also matches everything under
// it. A path is ignored when the last pattern that matches it is not a "!" pattern.
//
// We compile each pattern into the same language, but run it as a small NFA over the path's
// characters (runes: "?" and classes consume a whole UTF-8 character, as in Go). The states are
// the positions between tokens, 0..n, where n accepts; state n+1 is the "(/.*)?" tail (entered on
// "/" from n, accepting, looping on anything); each "**" in the middle owns one more state, the
// inside of its ".*/". Epsilon moves only go forward (from a "*" or "**" to the next position),
// so one ascending sweep closes a state set. Sets are bitsets; a path costs O(length * states),
// with no backtracking and no allocation for patterns of up to 256 states.
//
// Cheaper tests come first. Every pattern starts with a literal prefix (the patterns are
// absolute paths, so it is at least "/" and usually the project directory), and a path that does
// not start with it cannot match. A pattern without any wildcard is just a string comparison
// ("equal, or followed by /"). A path the wildcard part matches must contain the pattern's
// longest literal run (".pyc", "__pycache__"), so one substring search rejects most paths. And
// the two shapes most ignore lists are made of, "<prefix>**/<glob of one component>" (some
// component of the rest matches) and "<prefix><glob of one component>" (the first one does),
// are matched component by component with the classic one-star backtracking glob loop. The
// automaton runs only for the rest.
//
// A watch must not descend into an ignored directory (a node_modules/ of 200,000 files must cost
// nothing), but a directory may be ignored while a later "!" pattern brings back a file under it.
// matchesEntireDir(D) runs every pattern over "D/": a pattern whose state set then contains a
// universal state (the tail, or a run of wildcards that can absorb any string) matches every
// descendant of D; a pattern whose set is not empty may match some descendant. D can be skipped
// when the last pattern of the first kind is not a "!" pattern and no "!" pattern after it is of
// the second kind. This errs only towards descending.
//
// Tilt also drops editor and VCS noise everywhere (internal/ignore/ephemeral.go, plus the .git
// directories it adds for each repository). Those patterns are all "**/<name glob>", i.e. a test
// of one path component, so isBuiltinIgnored checks components directly instead of running a
// dozen automata on every event.
#include "watch/ignore.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

namespace slant::watch {

namespace {

using Kind = IgnoreMatcher::Token::Kind;

// Invalid UTF-8 bytes become code points above Unicode's range, one per byte, so that a pattern
// and a path with the same raw bytes still compare equal.
constexpr char32_t kRawByte = 0x110000;

// Decodes the UTF-8 character at s[i], advancing i.
char32_t decodeRune(std::string_view s, std::size_t& i) {
  auto b = static_cast<unsigned char>(s[i]);
  if (b < 0x80) {
    ++i;
    return b;
  }
  int len = b >= 0xF0 && b < 0xF8 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 && b < 0xE0 ? 2 : 0;
  if (len == 0 || b >= 0xF8 || i + len > s.size()) {
    ++i;
    return kRawByte + b;
  }
  char32_t cp = b & (0x7F >> len);
  for (int k = 1; k < len; ++k) {
    auto c = static_cast<unsigned char>(s[i + k]);
    if ((c & 0xC0) != 0x80) {
      ++i;
      return kRawByte + b;
    }
    cp = (cp << 6) | (c & 0x3F);
  }
  // Overlong forms, surrogates and values beyond Unicode are invalid too.
  if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++i;
    return kRawByte + b;
  }
  i += len;
  return cp;
}

void encodeRune(char32_t cp, std::string& out) {
  if (cp >= kRawByte) {
    out += static_cast<char>(cp - kRawByte);
  } else if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string_view trimSpace(std::string_view s) {
  constexpr std::string_view kSpace = " \t\n\r\v\f";
  std::size_t b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return {};
  std::size_t e = s.find_last_not_of(kSpace);
  return s.substr(b, e - b + 1);
}

bool nullable(Kind k) { return k == Kind::kStar || k == Kind::kDirs || k == Kind::kAnything; }

// A set of automaton states: inline words for small patterns, the heap beyond.
class StateSet {
 public:
  explicit StateSet(std::size_t states) : words_((states + 63) / 64) {
    if (words_ > kInline) {
      heap_ = std::make_unique<std::uint64_t[]>(words_);
      bits_ = heap_.get();
    }
    clear();
  }
  StateSet(const StateSet&) = delete;
  StateSet& operator=(const StateSet&) = delete;

  void clear() { std::fill(bits_, bits_ + words_, 0); }
  void set(std::size_t i) { bits_[i / 64] |= std::uint64_t{1} << (i % 64); }
  bool has(std::size_t i) const { return (bits_[i / 64] >> (i % 64)) & 1; }
  bool empty() const {
    return std::all_of(bits_, bits_ + words_, [](std::uint64_t w) { return w == 0; });
  }
  void swap(StateSet& other) {
    // Only ever swapped with a set of the same size, made from the same pattern.
    if (heap_ || other.heap_) {
      std::swap(heap_, other.heap_);
      std::swap(bits_, other.bits_);
    } else {
      std::swap(inline_, other.inline_);
    }
  }
  // Calls fn(i) for each member, in ascending order.
  template <typename Fn>
  void forEach(Fn&& fn) const {
    for (std::size_t w = 0; w < words_; ++w) {
      std::uint64_t bits = bits_[w];
      while (bits) {
        int b = __builtin_ctzll(bits);
        bits &= bits - 1;
        fn(w * 64 + b);
      }
    }
  }

 private:
  static constexpr std::size_t kInline = 4;
  std::size_t words_;
  std::array<std::uint64_t, kInline> inline_{};
  std::unique_ptr<std::uint64_t[]> heap_;
  std::uint64_t* bits_ = inline_.data();
};

// The component tests of Tilt's ephemeral patterns; `last` says whether nothing follows the
// component in the path (".idea/**" needs something under .idea).
bool builtinName(std::string_view c, bool last) {
  if (c.empty()) return false;
  if (c == ".git" || c == "4913") return true;
  if (c == ".idea") return !last;
  if (c.ends_with("___jb_old___") || c.ends_with("___jb_tmp___")) return true;
  if (c.starts_with(".#")) return true;
  if (c.size() >= 2 && c.front() == '#' && c.back() == '#') return true;
  if (c.starts_with("flymake_") && c.find('.', 8) != std::string_view::npos) return true;
  if (c.back() == '~') return true;
  if (c.front() == '.') {
    if (c.size() >= 5 && (c.ends_with(".swp") || c.ends_with(".swx") || c.ends_with(".swo") ||
                          c.ends_with(".swn"))) {
      return true;
    }
    if (c.size() >= 10 && c.ends_with(".kate-swp")) return true;
  }
  return c.ends_with("-go-tmp-umask");
}

bool builtinComponents(std::string_view path, std::size_t from, bool dir) {
  if (from > path.size()) return false;
  std::string_view rest = path.substr(from);
  while (!rest.empty()) {
    std::size_t slash = rest.find('/');
    std::string_view c = rest.substr(0, slash);
    bool last = slash == std::string_view::npos;
    if (builtinName(c, last && !dir)) return true;
    if (last) break;
    rest.remove_prefix(slash + 1);
  }
  return false;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Paths

std::string cleanPath(std::string_view path) {
  if (path.empty()) return ".";
  bool rooted = path.front() == '/';
  std::vector<std::string_view> parts;
  std::size_t i = 0;
  while (i < path.size()) {
    std::size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view c = path.substr(i, j - i);
    i = j + 1;
    if (c.empty() || c == ".") continue;
    if (c == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
      } else if (!rooted) {
        parts.push_back(c);
      }
      continue;
    }
    parts.push_back(c);
  }
  std::string out;
  out.reserve(path.size());
  if (rooted) out += '/';
  for (std::size_t k = 0; k < parts.size(); ++k) {
    if (k) out += '/';
    out += parts[k];
  }
  if (out.empty()) return ".";
  return out;
}

std::string absolutePath(std::string_view dir, std::string_view path) {
  if (!path.empty() && path.front() == '/') return cleanPath(path);
  std::string joined(dir);
  joined += '/';
  joined += path;
  return cleanPath(joined);
}

// ---------------------------------------------------------------------------------------------
// Compiling

std::expected<IgnoreMatcher::Pattern, std::string> IgnoreMatcher::compilePattern(
    std::string_view raw, std::string_view base_dir) {
  Pattern p;
  std::string_view s = trimSpace(raw);
  if (!s.empty() && s.front() == '!') {
    p.exclusion = true;
    s.remove_prefix(1);
    if (s.empty()) return std::unexpected(std::string("illegal exclusion pattern: \"!\""));
  }
  p.text = absolutePath(base_dir, s);
  const std::string& t = p.text;
  auto bad = [&](std::string_view why) {
    return std::unexpected("malformed ignore pattern \"" + std::string(raw) +
                           "\": " + std::string(why));
  };

  std::vector<Token> tokens;
  std::size_t i = 0;
  while (i < t.size()) {
    char c = t[i];
    Token tok;
    if (c == '*') {
      ++i;
      if (i < t.size() && t[i] == '*') {
        ++i;
        if (i < t.size() && t[i] == '/') ++i;  // "**/" reads as "**"
        tok.kind = i == t.size() ? Kind::kAnything : Kind::kDirs;
      } else {
        tok.kind = Kind::kStar;
      }
    } else if (c == '?') {
      ++i;
      tok.kind = Kind::kAnyChar;
    } else if (c == '\\') {
      ++i;
      if (i == t.size()) return bad("it ends with an unescaped \\");
      tok.ch = decodeRune(t, i);
    } else if (c == '[') {
      ++i;
      tok.kind = Kind::kClass;
      tok.ranges_begin = static_cast<std::uint32_t>(p.ranges.size());
      if (i < t.size() && t[i] == '^') {
        tok.negated = true;
        ++i;
      }
      // Go's filepath.Match class syntax: one or more lo or lo-hi, where "-" and "]" must be
      // escaped to stand for themselves.
      auto classChar = [&](char32_t& out) -> bool {
        if (i >= t.size()) return false;
        if (t[i] == '-' || t[i] == ']') return false;
        if (t[i] == '\\') {
          ++i;
          if (i >= t.size()) return false;
        }
        out = decodeRune(t, i);
        return true;
      };
      bool closed = false;
      while (true) {
        if (i < t.size() && t[i] == ']' && tok.ranges_begin != p.ranges.size()) {
          ++i;
          closed = true;
          break;
        }
        char32_t lo = 0;
        char32_t hi = 0;
        if (!classChar(lo)) break;
        hi = lo;
        if (i < t.size() && t[i] == '-') {
          ++i;
          if (!classChar(hi)) break;
        }
        if (hi < lo) return bad("a character range is reversed");
        p.ranges.push_back(lo);
        p.ranges.push_back(hi);
      }
      if (!closed) return bad("a character class is malformed or not closed");
      tok.ranges_end = static_cast<std::uint32_t>(p.ranges.size());
    } else {
      tok.ch = decodeRune(t, i);
    }
    tokens.push_back(tok);
  }

  // Split off the literal prefix.
  std::size_t first_wild = 0;
  while (first_wild < tokens.size() && tokens[first_wild].kind == Kind::kLiteral) {
    encodeRune(tokens[first_wild].ch, p.prefix);
    ++first_wild;
  }
  p.tokens.assign(tokens.begin() + static_cast<std::ptrdiff_t>(first_wild), tokens.end());
  p.literal = p.tokens.empty();

  std::size_t n = p.tokens.size();
  std::uint32_t next_inner = static_cast<std::uint32_t>(n + 2);
  for (std::size_t k = 0; k < n; ++k) {
    if (p.tokens[k].kind != Kind::kDirs) continue;
    p.tokens[k].inner = next_inner++;
    p.inner_owner.push_back(static_cast<std::uint32_t>(k));
  }
  p.states = next_inner;
  std::string run;
  for (std::size_t k = 0; k <= n; ++k) {
    if (k < n && p.tokens[k].kind == Kind::kLiteral) {
      encodeRune(p.tokens[k].ch, run);
      continue;
    }
    if (run.size() > p.required.size()) p.required = run;
    run.clear();
  }
  auto componentOnly = [&](std::size_t from) {
    return std::all_of(
        p.tokens.begin() + static_cast<std::ptrdiff_t>(from), p.tokens.end(), [](const Token& t) {
          return t.kind == Kind::kStar || t.kind == Kind::kAnyChar || t.kind == Kind::kClass ||
                 (t.kind == Kind::kLiteral && t.ch != U'/');
        });
  };
  if (n > 1 && p.tokens[0].kind == Kind::kDirs && componentOnly(1)) {
    p.shape = Pattern::Shape::kAnyComponent;
  } else if (n > 0 && componentOnly(0)) {
    p.shape = Pattern::Shape::kFirstComponent;
  }
  p.universal.assign(n + 1, false);
  // universal[i]: the rest is only wildcards and one of them absorbs a first component ("*",
  // or "**" at the end); the "(/.*)?" tail absorbs the rest.
  bool all_nullable = true;
  bool absorbs = false;
  for (std::size_t k = n; k-- > 0;) {
    all_nullable = all_nullable && nullable(p.tokens[k].kind);
    absorbs = absorbs || p.tokens[k].kind == Kind::kStar || p.tokens[k].kind == Kind::kAnything;
    p.universal[k] = all_nullable && absorbs;
  }
  return p;
}

std::expected<IgnoreMatcher, std::string> IgnoreMatcher::compile(
    const std::vector<std::string>& patterns, std::string_view base_dir) {
  IgnoreMatcher m;
  for (const auto& raw : patterns) {
    if (trimSpace(raw).empty()) continue;
    auto p = compilePattern(raw, base_dir);
    if (!p) return std::unexpected(p.error());
    m.patterns_.push_back(std::move(*p));
  }
  return m;
}

IgnoreMatcher IgnoreMatcher::compileBestEffort(const std::vector<std::string>& patterns,
                                               std::vector<std::string>& errors,
                                               std::string_view base_dir) {
  IgnoreMatcher m;
  for (const auto& raw : patterns) {
    if (trimSpace(raw).empty()) continue;
    auto p = compilePattern(raw, base_dir);
    if (!p) {
      errors.push_back(p.error());
      continue;
    }
    m.patterns_.push_back(std::move(*p));
  }
  return m;
}

std::vector<std::string> IgnoreMatcher::patterns() const {
  std::vector<std::string> out;
  for (const auto& p : patterns_) out.push_back((p.exclusion ? "!" : "") + p.text);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Matching

IgnoreMatcher::Reach IgnoreMatcher::run(const Pattern& p, std::string_view path, bool slash,
                                        bool need_alive) {
  Reach dead;
  // The children of "/" are "/x", not "//x".
  if (slash && path.ends_with('/')) slash = false;
  std::size_t text_size = path.size() + (slash ? 1 : 0);
  const std::string& prefix = p.prefix;
  if (text_size < prefix.size()) {
    // The path is shorter than the prefix: only descendants could match, if it is a prefix of it.
    bool is_prefix =
        prefix.compare(0, path.size(), path) == 0 && (!slash || prefix[path.size()] == '/');
    return Reach{.accepts = false, .alive = is_prefix, .universal = false};
  }
  std::size_t from_path = std::min(prefix.size(), path.size());
  if (path.compare(0, from_path, prefix, 0, from_path) != 0) return dead;
  if (prefix.size() > path.size()) {
    // The prefix is the path plus the "/" we append: nothing is left to read.
    if (prefix[path.size()] != '/') return dead;
    slash = false;
  }
  std::string_view rest = path.substr(from_path);
  if (!need_alive && !p.required.empty()) {
    // Accepting, or reaching a state from which everything is accepted, means having read every
    // literal of the pattern: the longest must be in the text.
    bool found = rest.find(p.required) != std::string_view::npos;
    if (!found && slash && p.required.back() == '/') {
      std::string_view head(p.required.data(), p.required.size() - 1);
      found = rest.ends_with(head);
    }
    if (!found) return dead;
  }

  const std::size_t n = p.tokens.size();
  const std::size_t tail = n + 1;
  StateSet cur(p.states);
  StateSet next(p.states);
  auto close = [&](StateSet& s) {
    for (std::size_t i = 0; i < n; ++i) {
      if (s.has(i) && nullable(p.tokens[i].kind)) s.set(i + 1);
    }
  };
  auto step = [&](char32_t c) {
    next.clear();
    cur.forEach([&](std::size_t i) {
      if (i < n) {
        const Token& t = p.tokens[i];
        switch (t.kind) {
          case Kind::kLiteral:
            if (c == t.ch) next.set(i + 1);
            break;
          case Kind::kAnyChar:
            if (c != '/') next.set(i + 1);
            break;
          case Kind::kClass: {
            if (c == '/') break;
            bool in = false;
            for (std::uint32_t r = t.ranges_begin; r < t.ranges_end && !in; r += 2) {
              in = p.ranges[r] <= c && c <= p.ranges[r + 1];
            }
            if (in != t.negated) next.set(i + 1);
            break;
          }
          case Kind::kStar:
            if (c != '/') next.set(i);
            break;
          case Kind::kDirs:
            next.set(t.inner);
            if (c == '/') next.set(i + 1);
            break;
          case Kind::kAnything:
            next.set(i);
            break;
        }
      } else if (i == n) {
        if (c == '/') next.set(tail);
      } else if (i == tail) {
        next.set(tail);
      } else {
        // The inside of a "**"'s ".*/".
        next.set(i);
        if (c == '/') next.set(p.inner_owner[i - n - 2] + 1);
      }
    });
    close(next);
    cur.swap(next);
  };

  cur.set(0);
  close(cur);
  std::size_t i = 0;
  while (i < rest.size()) {
    char32_t c = decodeRune(rest, i);
    step(c);
    if (cur.empty()) return dead;
  }
  if (slash) {
    step(U'/');
    if (cur.empty()) return dead;
  }
  Reach r;
  r.alive = true;
  r.accepts = cur.has(n) || cur.has(tail);
  r.universal = cur.has(tail);
  for (std::size_t k = 0; k < n && !r.universal; ++k) {
    r.universal = cur.has(k) && p.universal[k];
  }
  return r;
}

bool IgnoreMatcher::matchComponent(const Pattern& p, std::size_t from, std::string_view segment) {
  // The classic glob loop: on a mismatch, let the last "*" eat one more character and retry.
  // Within one component "*" is the only repetition, so this never needs more than one
  // backtracking point.
  const std::size_t n = p.tokens.size();
  std::size_t ti = from;
  std::size_t si = 0;
  std::size_t star_ti = std::string_view::npos;
  std::size_t star_si = 0;
  while (si < segment.size()) {
    if (ti < n && p.tokens[ti].kind == Kind::kStar) {
      star_ti = ti++;
      star_si = si;
      continue;
    }
    if (ti < n) {
      std::size_t next = si;
      char32_t c = decodeRune(segment, next);
      const Token& t = p.tokens[ti];
      bool ok = false;
      switch (t.kind) {
        case Kind::kLiteral:
          ok = c == t.ch;
          break;
        case Kind::kAnyChar:
          ok = true;
          break;
        case Kind::kClass: {
          bool in = false;
          for (std::uint32_t r = t.ranges_begin; r < t.ranges_end && !in; r += 2) {
            in = p.ranges[r] <= c && c <= p.ranges[r + 1];
          }
          ok = in != t.negated;
          break;
        }
        default:
          break;
      }
      if (ok) {
        ++ti;
        si = next;
        continue;
      }
    }
    if (star_ti == std::string_view::npos) return false;
    ti = star_ti + 1;
    decodeRune(segment, star_si);
    si = star_si;
  }
  while (ti < n && p.tokens[ti].kind == Kind::kStar) ++ti;
  return ti == n;
}

bool IgnoreMatcher::matchPattern(const Pattern& p, std::string_view path) {
  if (p.literal) {
    return path.starts_with(p.prefix) &&
           (path.size() == p.prefix.size() || path[p.prefix.size()] == '/');
  }
  if (p.shape == Pattern::Shape::kGeneral) return run(p, path, false, false).accepts;
  if (!path.starts_with(p.prefix)) return false;
  std::string_view rest = path.substr(p.prefix.size());
  if (!p.required.empty() && rest.find(p.required) == std::string_view::npos) return false;
  if (p.shape == Pattern::Shape::kFirstComponent) {
    return matchComponent(p, 0, rest.substr(0, rest.find('/')));
  }
  // kAnyComponent: "(.*/)?" lets the component start at the rest's start or after any "/".
  for (std::size_t start = 0;;) {
    std::size_t end = rest.find('/', start);
    std::string_view segment =
        rest.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (matchComponent(p, 1, segment)) return true;
    if (end == std::string_view::npos) return false;
    start = end + 1;
  }
}

bool IgnoreMatcher::matches(std::string_view path) const {
  bool ignored = false;
  for (const auto& p : patterns_) {
    // Only a pattern that would flip the outcome needs to run.
    if (p.exclusion != ignored) continue;
    bool hit = matchPattern(p, path);
    if (hit) ignored = !p.exclusion;
  }
  return ignored;
}

bool IgnoreMatcher::matchesEntireDir(std::string_view dir) const {
  // The last pattern matching every descendant, then any "!" pattern after it that may match one.
  std::size_t last_all = patterns_.size();
  for (std::size_t i = patterns_.size(); i-- > 0;) {
    if (run(patterns_[i], dir, true, false).universal) {
      last_all = i;
      break;
    }
  }
  if (last_all == patterns_.size() || patterns_[last_all].exclusion) return false;
  for (std::size_t j = last_all + 1; j < patterns_.size(); ++j) {
    if (patterns_[j].exclusion && run(patterns_[j], dir, true, true).alive) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Built-in ignores

bool isBuiltinIgnored(std::string_view path, std::size_t from) {
  return builtinComponents(path, from, false);
}

bool isBuiltinIgnoredDir(std::string_view dir, std::size_t from) {
  return builtinComponents(dir, from, true);
}

// ---------------------------------------------------------------------------------------------
// Ignore files

std::vector<std::string> parseIgnoreFile(std::string_view contents, std::string_view dir) {
  std::vector<std::string> out;
  if (contents.starts_with("\xEF\xBB\xBF")) contents.remove_prefix(3);
  while (!contents.empty()) {
    std::size_t nl = contents.find('\n');
    std::string_view line = contents.substr(0, nl);
    contents.remove_prefix(nl == std::string_view::npos ? contents.size() : nl + 1);
    // A comment is a "#" in the first column, before any trimming (as Docker reads it).
    if (line.starts_with('#')) continue;
    line = trimSpace(line);
    if (line.empty()) continue;
    bool invert = line.front() == '!';
    if (invert) line = trimSpace(line.substr(1));
    std::string pattern;
    if (!line.empty()) {
      pattern = cleanPath(line);
      // "/foo" in an ignore file means "foo" next to the file.
      if (pattern.size() > 1 && pattern.front() == '/') pattern.erase(0, 1);
      pattern = absolutePath(dir, pattern);
    }
    out.push_back(invert ? "!" + pattern : pattern);
  }
  return out;
}

std::string tiltignorePath(std::string_view tiltfile) {
  std::size_t slash = tiltfile.rfind('/');
  if (slash == std::string_view::npos) return ".tiltignore";
  return std::string(tiltfile.substr(0, slash + 1)) + ".tiltignore";
}

std::expected<std::vector<std::string>, std::string> readIgnoreFile(const std::string& file) {
  struct stat st;
  if (::stat(file.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return std::vector<std::string>{};
    return std::unexpected("cannot read " + file + ": " + std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) return std::unexpected("cannot read " + file + ": is a directory");
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::unexpected("cannot read " + file + ": " + std::strerror(errno));
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return std::unexpected("cannot read " + file + ": read error");
  std::string abs = file;
  if (!file.starts_with('/')) {
    char cwd[4096];
    if (::getcwd(cwd, sizeof cwd) == nullptr) {
      return std::unexpected("cannot read " + file + ": " + std::strerror(errno));
    }
    abs = absolutePath(cwd, file);
  } else {
    abs = cleanPath(file);
  }
  std::string dir = abs.substr(0, std::max<std::size_t>(abs.rfind('/'), 1));
  return parseIgnoreFile(buf.str(), dir);
}

}  // namespace slant::watch
