#include "watch/ignore.h"

#include <gtest/gtest.h>
#include <re2/re2.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

namespace slant::watch {
namespace {

IgnoreMatcher compiled(const std::vector<std::string>& patterns, std::string_view base = "/") {
  auto m = IgnoreMatcher::compile(patterns, base);
  EXPECT_TRUE(m.has_value()) << m.error();
  return m ? *m : IgnoreMatcher();
}

bool matches(const std::vector<std::string>& patterns, std::string_view path) {
  return compiled(patterns).matches(path);
}

// Docker's patternmatcher cases (relative there; absolute under "/" here, as Tilt makes them).
struct Case {
  const char* pattern;
  const char* path;
  bool match;
};

TEST(IgnoreMatcher, MatchesDockersPatternCases) {
  const Case cases[] = {
      {"**", "/file", true},
      {"**", "/dir/file", true},
      {"**/", "/file", true},
      {"**/**", "/dir/file", true},
      {"dir/**", "/dir/file", true},
      {"dir/**", "/dir/dir2/file", true},
      {"**/dir", "/dir", true},
      {"**/dir", "/dir/file", true},
      {"**/dir2/*", "/dir/dir2/file", true},
      {"**/dir2/**", "/dir/dir2/dir3/file", true},
      {"**file", "/file", true},
      {"**file", "/dir/file", true},
      {"**/file", "/dir/file", true},
      {"**file", "/dir/dir/file", true},
      {"**/file", "/dir/dir/file", true},
      {"**/file*", "/dir/dir/file", true},
      {"**/file*", "/dir/dir/file.txt", true},
      {"**/file*txt", "/dir/dir/file.txt", true},
      {"**/file*.txt", "/dir/dir/file.txt", true},
      {"**/file*.txt*", "/dir/dir/file.txt", true},
      {"**/**/*.txt", "/dir/dir/file.txt", true},
      {"**/**/*.txt2", "/dir/dir/file.txt", false},
      {"**/*.txt", "/file.txt", true},
      {"**/**/*.txt", "/file.txt", true},
      {"a**/*.txt", "/a/file.txt", true},
      {"a**/*.txt", "/a/dir/file.txt", true},
      {"a**/*.txt", "/a/dir/dir/file.txt", true},
      {"a/*.txt", "/a/dir/file.txt", false},
      {"a/*.txt", "/a/file.txt", true},
      {"a/*.txt**", "/a/file.txt", true},
      {"a[b-d]e", "/ae", false},
      {"a[b-d]e", "/ace", true},
      {"a[b-d]e", "/aae", false},
      {"a[^b-d]e", "/aze", true},
      {".*", "/.foo", true},
      {".*", "/foo", false},
      {"abc.def", "/abcdef", false},
      {"abc.def", "/abc.def", true},
      {"abc.def", "/abcZdef", false},
      {"abc?def", "/abcZdef", true},
      {"abc?def", "/abcdef", false},
      {"a\\\\", "/a\\", true},
      {"**/foo/bar", "/foo/bar", true},
      {"**/foo/bar", "/dir/foo/bar", true},
      {"**/foo/bar", "/dir/dir2/foo/bar", true},
      {"abc/**", "/abc", false},
      {"abc/**", "/abc/def", true},
      {"abc/**", "/abc/def/ghi", true},
      {"**/.foo", "/.foo", true},
      {"**/.foo", "/bar.foo", false},
      {"a(b)c/def", "/a(b)c/def", true},
      {"a(b)c/def", "/a(b)c/xyz", false},
      {"a.|)$(}+{bc", "/a.|)$(}+{bc", true},
      {"dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
       "/dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", true},
      {"dist/*.whl", "/dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", true},
      {"a\\*b", "/a*b", true},
      // Go's filepath.Match cases, through the same matcher.
      {"abc", "/abc", true},
      {"*", "/abc", true},
      {"*c", "/abc", true},
      {"a*", "/a", true},
      {"a*", "/abc", true},
      {"a*", "/ab/c", true},  // the parent "ab" matches
      {"a*/b", "/abc/b", true},
      {"a*/b", "/a/c/b", false},
      {"a*b*c*d*e*/f", "/axbxcxdxe/f", true},
      {"a*b*c*d*e*/f", "/axbxcxdxexxx/f", true},
      {"a*b*c*d*e*/f", "/axbxcxdxe/xxx/f", false},
      {"a*b*c*d*e*/f", "/axbxcxdxexxx/fff", false},
      {"a*b?c*x", "/abxbbxdbxebxczzx", true},
      {"a*b?c*x", "/abxbbxdbxebxczzy", false},
      {"ab[c]", "/abc", true},
      {"ab[b-d]", "/abc", true},
      {"ab[e-g]", "/abc", false},
      {"ab[^c]", "/abc", false},
      {"ab[^b-d]", "/abc", false},
      {"ab[^e-g]", "/abc", true},
      {"a\\*b", "/ab", false},
      {"a?b", "/a☺b", true},
      {"a[^a]b", "/a☺b", true},
      {"a???b", "/a☺b", false},
      {"a[^a][^a][^a]b", "/a☺b", false},
      {"[a-ζ]*", "/α", true},
      {"*[a-ζ]", "/A", false},
      {"a?b", "/a/b", false},
      {"a*b", "/a/b", false},
      {"[\\]a]", "/]", true},
      {"[\\-]", "/-", true},
      {"[x\\-]", "/x", true},
      {"[x\\-]", "/-", true},
      {"[x\\-]", "/z", false},
      {"[\\-x]", "/x", true},
      {"[\\-x]", "/-", true},
      {"[\\-x]", "/a", false},
      {"*x", "/xxx", true},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(matches({c.pattern}, c.path), c.match)
        << "pattern " << c.pattern << " path " << c.path;
  }
}

TEST(IgnoreMatcher, RejectsMalformedPatternsNamingThem) {
  for (const char* bad :
       {"[]a]", "[-]", "[x-]", "[-x]", "\\", "[a-b-c]", "[", "[^", "[^bc", "a[", "[z-a]", "!"}) {
    auto m = IgnoreMatcher::compile({bad});
    ASSERT_FALSE(m.has_value()) << bad;
    EXPECT_NE(m.error().find(bad), std::string::npos) << m.error();
  }
  std::vector<std::string> errors;
  IgnoreMatcher m = IgnoreMatcher::compileBestEffort({"/p/[", "/p/dist"}, errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0],
            "malformed ignore pattern \"/p/[\": a character class is malformed or not "
            "closed");
  EXPECT_TRUE(m.matches("/p/dist/x"));
}

TEST(IgnoreMatcher, LetsTheLastMatchingPatternWin) {
  EXPECT_TRUE(matches({"!/p/fileutils.go", "/p/*.go"}, "/p/fileutils.go"));
  EXPECT_FALSE(matches({"/p/*.go", "!/p/fileutils.go"}, "/p/fileutils.go"));
  EXPECT_FALSE(matches({"/p/docs", "!/p/docs/README.md"}, "/p/docs/README.md"));
  EXPECT_FALSE(matches({"/p/docs/", "!/p/docs/README.md"}, "/p/docs/README.md"));
  EXPECT_FALSE(matches({"/p/docs/*", "!/p/docs/README.md"}, "/p/docs/README.md"));
  EXPECT_TRUE(matches({"/p/docs", "!/p/docs/README.md"}, "/p/docs/other.md"));
  EXPECT_FALSE(matches({"/**", "!/util/docker/web"}, "/util/docker/web/foo"));
  EXPECT_TRUE(
      matches({"/**", "!/util/docker/web", "/util/docker/web/foo"}, "/util/docker/web/foo"));
  EXPECT_FALSE(matches({"/**", "!/dist/*.whl"}, "/dist/proxy.py-2.4.0-py3-none-any.whl"));
  EXPECT_FALSE(matches({}, "/any/path"));
}

TEST(IgnoreMatcher, ExcludesEverythingUnderAMatchedDirectory) {
  IgnoreMatcher m = compiled({"/p/node_modules", "/p/**/*.pyc", "/p/build*"});
  EXPECT_TRUE(m.matches("/p/node_modules"));
  EXPECT_TRUE(m.matches("/p/node_modules/react/index.js"));
  EXPECT_FALSE(m.matches("/p/node_modules_x"));
  EXPECT_FALSE(m.matches("/p"));
  EXPECT_TRUE(m.matches("/p/a/b/c.pyc"));
  EXPECT_TRUE(m.matches("/p/c.pyc"));
  EXPECT_FALSE(m.matches("/p/c.py"));
  EXPECT_TRUE(m.matches("/p/build-out/x/y"));
}

TEST(IgnoreMatcher, MakesRelativePatternsAbsoluteAndCleansThem) {
  IgnoreMatcher m = compiled({"dist/", "./tmp/../cache", "  !dist/keep  "}, "/proj");
  EXPECT_EQ(m.patterns(),
            (std::vector<std::string>{"/proj/dist", "/proj/cache", "!/proj/dist/keep"}));
  EXPECT_TRUE(m.matches("/proj/dist/a"));
  EXPECT_FALSE(m.matches("/proj/dist/keep"));
  EXPECT_TRUE(m.matches("/proj/cache"));
}

TEST(IgnoreMatcher, SkipsADirectoryOnlyWhenNothingUnderItCanComeBack) {
  IgnoreMatcher m = compiled({"/p/node_modules", "/p/out/**", "/p/gen/**/*", "/p/*.log"});
  EXPECT_TRUE(m.matchesEntireDir("/p/node_modules"));
  EXPECT_TRUE(m.matchesEntireDir("/p/node_modules/react"));
  EXPECT_TRUE(
      m.matchesEntireDir("/p/out"));  // the directory itself is not ignored, all under it is
  EXPECT_TRUE(m.matchesEntireDir("/p/gen"));
  EXPECT_TRUE(m.matchesEntireDir("/p/x.log"));
  EXPECT_FALSE(m.matchesEntireDir("/p"));
  EXPECT_FALSE(m.matchesEntireDir("/p/src"));
  EXPECT_FALSE(m.matchesEntireDir("/q"));

  IgnoreMatcher keep = compiled({"/p/*", "!/p/src", "/p/build", "!/p/build/keep/*.bin"});
  EXPECT_FALSE(keep.matchesEntireDir("/p/build"));  // build/keep/*.bin comes back
  EXPECT_FALSE(keep.matchesEntireDir("/p/build/keep"));
  EXPECT_FALSE(keep.matchesEntireDir("/p/src"));
  EXPECT_TRUE(keep.matchesEntireDir("/p/other"));
  EXPECT_TRUE(keep.matchesEntireDir("/p/build/other"));
  // The last match wins: a "!" before a pattern that matches the directory again brings nothing
  // back.
  IgnoreMatcher overridden = compiled({"/p/build", "!/p/build/keep/*.bin", "/p/*"});
  EXPECT_TRUE(overridden.matchesEntireDir("/p/build"));
  EXPECT_TRUE(overridden.matches("/p/build/keep/x.bin"));

  // A later "!" of an ancestor brings everything back.
  EXPECT_FALSE(compiled({"/p/build", "!/p"}).matchesEntireDir("/p/build"));
  // A "!" pattern with a wildcard that may reach under the directory.
  EXPECT_FALSE(compiled({"/p/vendor", "!/p/**/*.go"}).matchesEntireDir("/p/vendor"));
  EXPECT_TRUE(compiled({"/p/vendor", "!/q/**/*.go"}).matchesEntireDir("/p/vendor"));
}

// Tilt's patterns become regular expressions (tilt-dev/dockerignore's compile). Check our
// automaton against RE2 running that translation, on random patterns and paths.
std::string tiltRegex(std::string_view pattern) {
  std::string re = "^";
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '*') {
      if (i + 1 < pattern.size() && pattern[i + 1] == '*') {
        ++i;
        if (i + 1 < pattern.size() && pattern[i + 1] == '/') ++i;
        re += i + 1 == pattern.size() ? ".*" : "(.*/)?";
      } else {
        re += "[^/]*";
      }
    } else if (c == '?') {
      re += "[^/]";
    } else if (c == '.') {
      re += "\\.";
    } else {
      re += c;  // letters, "/", and "[ab]" classes pass through
    }
  }
  return re + "(/.*)?$";
}

TEST(IgnoreMatcher, AgreesWithTiltsRegularExpressionsOnRandomInput) {
  std::mt19937 rng(4);
  const std::vector<std::string> pattern_parts = {"a",  "b",   ".", "/",   "*",
                                                  "**", "**/", "?", "[ab]"};
  const std::string path_chars = "ab./";
  int checked = 0;
  for (int n = 0; n < 3000; ++n) {
    std::string pattern = "/";
    int len = 1 + static_cast<int>(rng() % 6);
    for (int k = 0; k < len; ++k) pattern += pattern_parts[rng() % pattern_parts.size()];
    std::string clean = cleanPath(pattern);
    auto m = IgnoreMatcher::compile({clean});
    ASSERT_TRUE(m.has_value()) << pattern;
    RE2 re(tiltRegex(clean));
    ASSERT_TRUE(re.ok()) << tiltRegex(clean);
    for (int j = 0; j < 20; ++j) {
      std::string path = "/";
      int plen = static_cast<int>(rng() % 8);
      for (int k = 0; k < plen; ++k) path += path_chars[rng() % path_chars.size()];
      path = cleanPath(path);
      EXPECT_EQ(m->matches(path), RE2::FullMatch(path, re))
          << "pattern " << clean << " path " << path << " regex " << tiltRegex(clean);
      // Whatever matchesEntireDir promises must hold for children and grandchildren.
      if (m->matchesEntireDir(path)) {
        for (std::string child : {"/a", "/b/.", "/ab/b", "/./a"}) {
          std::string p = path == "/" ? child : path + child;
          EXPECT_TRUE(RE2::FullMatch(p, re)) << "pattern " << clean << " dir " << path;
        }
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked, 60000);
}

TEST(IgnoreMatcher, AgreesWithTiltOnEntireDirectoriesWithNegations) {
  // With "!" patterns, a directory may be skipped only if no path under it survives.
  std::mt19937 rng(7);
  const std::vector<std::string> parts = {"a", "b", "/", "*", "**/", "?"};
  for (int n = 0; n < 500; ++n) {
    std::vector<std::string> patterns;
    for (int k = 0; k < 3; ++k) {
      std::string p = (k > 0 && rng() % 2) ? "!/" : "/";
      int len = 1 + static_cast<int>(rng() % 4);
      for (int j = 0; j < len; ++j) p += parts[rng() % parts.size()];
      patterns.push_back(p);
    }
    auto m = IgnoreMatcher::compile(patterns);
    ASSERT_TRUE(m.has_value());
    for (std::string dir : {"/a", "/b", "/a/b", "/ab", "/a/a"}) {
      if (!m->matchesEntireDir(dir)) continue;
      for (std::string child : {"/a", "/b", "/a/b", "/ab/ba", "/b/a/a"}) {
        EXPECT_TRUE(m->matches(dir + child)) << ::testing::PrintToString(patterns) << " " << dir;
      }
    }
  }
}

TEST(BuiltinIgnores, DropGitAndEditorTemporaryFiles) {
  for (const char* p :
       {"/p/.git", "/p/.git/index", "/p/sub/.git/HEAD", "/p/.main.go.swp", "/p/.main.go.swx",
        "/p/.x.swo", "/p/.x.swn", "/p/4913", "/p/main.go~", "/p/#main.go#", "/p/.#main.go",
        "/p/flymake_x.go", "/p/main.go___jb_tmp___", "/p/main.go___jb_old___",
        "/p/.idea/workspace.xml", "/p/.main.go.kate-swp", "/p/x-go-tmp-umask", "/p/backup~/file"}) {
    EXPECT_TRUE(isBuiltinIgnored(p)) << p;
  }
  for (const char* p : {"/p/main.go", "/p/.gitignore", "/p/git", "/p/.idea", "/p/.swp", "/p/#",
                        "/p/flymake_x", "/p/49130", "/p/a.swp", "/p/.github/workflows/ci.yml"}) {
    EXPECT_FALSE(isBuiltinIgnored(p)) << p;
  }
  // Only the components below `from` count: a project under a "~" directory is still watched.
  EXPECT_FALSE(
      isBuiltinIgnored("/home/u/old~/proj/main.go", std::string("/home/u/old~/proj").size()));
  EXPECT_TRUE(isBuiltinIgnored("/home/u/proj/.git/x", std::string("/home/u/proj").size()));
  EXPECT_TRUE(isBuiltinIgnoredDir("/p/.idea"));
  EXPECT_TRUE(isBuiltinIgnoredDir("/p/.git"));
  EXPECT_FALSE(isBuiltinIgnoredDir("/p/src"));
}

TEST(Paths, CleanLikeGo) {
  EXPECT_EQ(cleanPath(""), ".");
  EXPECT_EQ(cleanPath("/"), "/");
  EXPECT_EQ(cleanPath("//a//b/"), "/a/b");
  EXPECT_EQ(cleanPath("/a/./b/../c"), "/a/c");
  EXPECT_EQ(cleanPath("/../a"), "/a");
  EXPECT_EQ(cleanPath("a/../../b"), "../b");
  EXPECT_EQ(cleanPath("./"), ".");
  EXPECT_EQ(absolutePath("/p", "x/../y"), "/p/y");
  EXPECT_EQ(absolutePath("/p", "/abs"), "/abs");
}

TEST(IgnoreFile, ReadsDockerignoreSyntaxRelativeToItsDirectory) {
  std::string text =
      "\xEF\xBB\xBF# a comment\n"
      "node_modules\n"
      "\n"
      "   \n"
      "  *.log  \n"
      "/dist/\n"
      "! dist/keep\n"
      "  # not a comment: a leading space\n"
      "../outside\n";
  EXPECT_EQ(parseIgnoreFile(text, "/proj"),
            (std::vector<std::string>{"/proj/node_modules", "/proj/*.log", "/proj/dist",
                                      "!/proj/dist/keep", "/proj/# not a comment: a leading space",
                                      "/outside"}));
}

TEST(IgnoreFile, TiltignoreSitsNextToTheTiltfile) {
  EXPECT_EQ(tiltignorePath("/proj/Tiltfile"), "/proj/.tiltignore");
  EXPECT_EQ(tiltignorePath("/Tiltfile"), "/.tiltignore");
  EXPECT_EQ(tiltignorePath("Tiltfile"), ".tiltignore");
}

TEST(IgnoreFile, ReadsAFileAndTreatsAMissingOneAsEmpty) {
  std::string dir = std::filesystem::temp_directory_path() / "slant-ignore-XXXXXX";
  ASSERT_NE(::mkdtemp(dir.data()), nullptr);
  std::ofstream(dir + "/.tiltignore") << "build\r\n!build/keep\n";
  auto patterns = readIgnoreFile(dir + "/.tiltignore");
  ASSERT_TRUE(patterns.has_value()) << patterns.error();
  EXPECT_EQ(*patterns, (std::vector<std::string>{dir + "/build", "!" + dir + "/build/keep"}));
  auto missing = readIgnoreFile(dir + "/nope/.tiltignore");
  ASSERT_TRUE(missing.has_value());
  EXPECT_TRUE(missing->empty());
  auto unreadable = readIgnoreFile(dir);  // a directory
  EXPECT_FALSE(unreadable.has_value());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace slant::watch
