// Which paths a watch (or, later, a Docker build context) leaves out: .dockerignore patterns with
// the semantics of Tilt's matcher (github.com/tilt-dev/dockerignore, a fork of Docker's
// patternmatcher that Tilt uses through internal/dockerignore), the ignores Tilt applies to every
// watch (.git, editor temporary files), and a reader for .tiltignore / .dockerignore files.
// Nothing here knows about inotify.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

namespace slant::watch {

/// A compiled list of .dockerignore patterns. A path is ignored when the last pattern that
/// matches it or one of its ancestors is not a "!" pattern. Immutable once compiled, so one
/// matcher may be shared by threads.
class IgnoreMatcher {
 public:
  /// A matcher that ignores nothing.
  IgnoreMatcher() = default;

  /// Compiles `patterns` (.dockerignore syntax: a leading "!" negates, "**" spans directories,
  /// "*", "?", "[a-z]", "[^a]", "\" escapes); relative ones are taken relative to `base_dir`
  /// (absolute). Blank patterns are skipped. Returns an error naming the first malformed pattern.
  static std::expected<IgnoreMatcher, std::string> compile(const std::vector<std::string>& patterns,
                                                           std::string_view base_dir = "/");

  /// Compiles the well-formed patterns and returns, in `errors`, one message per malformed one
  /// (which is skipped), as Tilt skips ignores it cannot parse.
  static IgnoreMatcher compileBestEffort(const std::vector<std::string>& patterns,
                                         std::vector<std::string>& errors,
                                         std::string_view base_dir = "/");

  /// Whether `path` (absolute and clean, as cleanPath makes it) is ignored.
  bool matches(std::string_view path) const;

  /// Whether `dir` and everything that could ever be under it is ignored, so that a walk need
  /// not descend into it (false when a later "!" pattern may bring back something under it).
  bool matchesEntireDir(std::string_view dir) const;

  /// Whether there are no patterns.
  bool empty() const { return patterns_.empty(); }

  /// The patterns as compiled: absolute, clean, with their "!".
  std::vector<std::string> patterns() const;

  /// One step of a pattern's automaton (public only so that the matcher's helpers can name it).
  struct Token {
    enum class Kind : std::uint8_t {
      kLiteral,   ///< one character, `ch`
      kAnyChar,   ///< "?": one character but "/"
      kClass,     ///< "[...]": one character but "/" in (or, negated, not in) `ranges`
      kStar,      ///< "*": any run of characters without "/"
      kDirs,      ///< "**" or "**/" before more pattern: empty, or anything that ends in "/"
      kAnything,  ///< "**" at the end: anything at all
    };
    Kind kind = Kind::kLiteral;
    bool negated = false;
    char32_t ch = 0;
    std::uint32_t ranges_begin = 0;  ///< into Pattern::ranges, pairs of [lo, hi]
    std::uint32_t ranges_end = 0;
    std::uint32_t inner = 0;  ///< kDirs: the state inside its "anything, then /"
  };

 private:
  struct Pattern {
    std::string text;  ///< the clean absolute pattern without its "!"
    bool exclusion = false;
    /// The text before the first wildcard, unescaped: every matching path starts with it.
    std::string prefix;
    /// Whether the whole pattern is `prefix` (no wildcard): matching is a string comparison.
    bool literal = false;
    /// The wildcard part after the prefix.
    std::vector<Token> tokens;
    std::vector<char32_t> ranges;
    /// universal[i]: from state i every string is accepted.
    std::vector<bool> universal;
    /// The number of automaton states, and the token owning each inner state (from n + 2 on).
    std::uint32_t states = 0;
    std::vector<std::uint32_t> inner_owner;
    /// The longest run of literal characters in `tokens`: a path the wildcard part matches must
    /// contain it, so most paths are rejected by one substring search.
    std::string required;
    /// The common shapes that need no automaton: "**/" then one component's glob (some
    /// component of the rest matches it), or one component's glob (the rest's first component
    /// matches it).
    enum class Shape : std::uint8_t { kGeneral, kAnyComponent, kFirstComponent };
    Shape shape = Shape::kGeneral;
  };
  /// Where a pattern's automaton can be after reading a path, summarised for the callers.
  struct Reach {
    bool accepts = false;    ///< the pattern matches the path (or one of its ancestors)
    bool alive = false;      ///< some extension of the path could still match
    bool universal = false;  ///< every extension of the path matches
  };

  static std::expected<Pattern, std::string> compilePattern(std::string_view raw,
                                                            std::string_view base_dir);
  /// Runs `p` over `path` (plus a trailing "/" when `slash` is set). Without `need_alive`, the
  /// result's `alive` may be false for a path that some extension would match.
  static Reach run(const Pattern& p, std::string_view path, bool slash, bool need_alive);
  /// Whether `p` matches `path` or one of its ancestors.
  static bool matchPattern(const Pattern& p, std::string_view path);
  /// Whether tokens[from..] of a component-only pattern match all of `segment` (no "/").
  static bool matchComponent(const Pattern& p, std::size_t from, std::string_view segment);

  std::vector<Pattern> patterns_;
};

/// Whether `path` is one of the files Tilt never reacts to, looking only at the components that
/// start at byte `from` (the end of the watched root, so that a project living under, say,
/// "backup~/" is not ignored as a whole): a ".git" component, JetBrains' "*___jb_tmp___" and
/// "*___jb_old___" and anything under ".idea/", emacs' ".#*", "#*#" and "flymake_*.*", vim's
/// "4913", "*~", ".*.swp", ".*.swx", ".*.swo", ".*.swn", kate's ".*.kate-swp", and the Go
/// toolchain's "*-go-tmp-umask" probe. A matching component ignores everything under it too.
bool isBuiltinIgnored(std::string_view path, std::size_t from = 0);

/// Whether every path under directory `dir` is built-in ignored (a ".git" or ".idea" directory,
/// or a directory whose own name is ignored), looking at components from byte `from`.
bool isBuiltinIgnoredDir(std::string_view dir, std::size_t from = 0);

/// `path` made lexically clean as Go's filepath.Clean does it: no "//", "." or trailing "/",
/// ".." resolved where possible; "" becomes ".".
std::string cleanPath(std::string_view path);

/// `path` joined to `dir` when relative, then cleaned.
std::string absolutePath(std::string_view dir, std::string_view path);

/// The patterns of an ignore file's text, as Docker's ignorefile.ReadAll reads them (a UTF-8 BOM
/// dropped, "#" lines and blank lines skipped, whitespace trimmed, a leading "/" dropped), made
/// absolute against `dir` with their "!" kept.
std::vector<std::string> parseIgnoreFile(std::string_view contents, std::string_view dir);

/// The .tiltignore that applies to a Tiltfile: the one next to it.
std::string tiltignorePath(std::string_view tiltfile);

/// The patterns of the ignore file `file` (a .tiltignore or .dockerignore), absolute against the
/// file's directory; an empty list when the file does not exist. Returns an error naming the
/// file when it exists but cannot be read.
std::expected<std::vector<std::string>, std::string> readIgnoreFile(const std::string& file);

}  // namespace slant::watch
