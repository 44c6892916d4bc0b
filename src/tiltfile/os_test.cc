// Tests of the os, sys and shlex modules, after Tilt's internal/tiltfile/os, sys and shlex tests.
#include "tiltfile/os.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tiltfile/tiltfile_test_util.h"

extern char** environ;

namespace slant::tiltfile {
namespace {

using ::testing::HasSubstr;

// Restores the process environment after a test that changes it.
class OsTest : public TiltfileTest {
 protected:
  OsTest() {
    for (char** e = ::environ; *e != nullptr; ++e) saved_.emplace_back(*e);
    ::setenv("FAKE_ENV_VARIABLE", "fakeValue", 1);
  }
  ~OsTest() override {
    ::clearenv();
    for (const std::string& e : saved_) {
      size_t eq = e.find('=');
      ::setenv(e.substr(0, eq).c_str(), e.substr(eq + 1).c_str(), 1);
    }
  }

 private:
  std::vector<std::string> saved_;
};

constexpr std::string_view kAssert = R"(
def assert_eq(expected, observed):
    if expected != observed:
        fail('expected: %r\nobserved: %r' % (expected, observed))
)";

// ---- os.environ and friends -------------------------------------------------------------------

TEST_F(OsTest, EnvironReadsTheProcessEnvironment) {
  file("Tiltfile",
       "print(os.environ['FAKE_ENV_VARIABLE'])\nprint(os.environ.get('FAKE_ENV_VARIABLE'))\n"
       "print(os.environ.get('NOT_SET_ANYWHERE', 'dflt'))\nprint(os.environ.get('NOT_SET_2'))\n"
       "print('FAKE_ENV_VARIABLE' in os.environ, 'NOT_SET_3' in os.environ)\n"
       "print(type(os.environ), len(os.environ) > 0, bool(os.environ))\n");
  loadOk();
  EXPECT_EQ(logText(), "fakeValue\nfakeValue\ndflt\nNone\nTrue False\nenviron True True\n");
}

TEST_F(OsTest, EnvironIndexingAMissingKeyFails) {
  file("Tiltfile", "x = os.environ['NOT_SET_ANYWHERE']\n");
  std::string err = loadError();
  EXPECT_THAT(err, HasSubstr("key \"NOT_SET_ANYWHERE\" not in environ"));
  EXPECT_THAT(err, HasSubstr(path("Tiltfile") + ":1:"));
}

TEST_F(OsTest, AssigningToEnvironSetsTheVariable) {
  file("Tiltfile",
       "os.environ['FAKE_ENV_VARIABLE'] = 'fakeValueByDict'\n"
       "print(os.getenv('FAKE_ENV_VARIABLE'))\n");
  loadOk();
  EXPECT_EQ(logText(), "fakeValueByDict\n");
  EXPECT_STREQ(::getenv("FAKE_ENV_VARIABLE"), "fakeValueByDict");
  file("Tiltfile", "os.environ['X'] = 1\n");
  EXPECT_THAT(loadError(), HasSubstr("putenv() value must be a string, not int"));
}

TEST_F(OsTest, EnvironMethodsWorkAsOnADict) {
  file("Tiltfile", std::string(kAssert) + R"(
assert_eq('fakeValue', os.environ.pop('FAKE_ENV_VARIABLE'))
assert_eq(None, os.getenv('FAKE_ENV_VARIABLE'))
assert_eq('gone', os.environ.pop('FAKE_ENV_VARIABLE', 'gone'))
assert_eq('v1', os.environ.setdefault('SLANT_T1', 'v1'))
assert_eq('v1', os.environ.setdefault('SLANT_T1', 'other'))
os.environ.update({'SLANT_T2': 'v2'}, SLANT_T3='v3')
os.environ.update([('SLANT_T4', 'v4')])
assert_eq('v2', os.environ['SLANT_T2'])
assert_eq('v3', os.environ['SLANT_T3'])
assert_eq('v4', os.environ['SLANT_T4'])
assert_eq(True, 'SLANT_T2' in os.environ.keys())
assert_eq(True, 'v3' in os.environ.values())
assert_eq(True, ('SLANT_T4', 'v4') in os.environ.items())
assert_eq(len(os.environ), len(os.environ.keys()))
assert_eq(True, 'SLANT_T1' in [k for k in os.environ])
d = dict(os.environ)
assert_eq('v1', d['SLANT_T1'])
e = {}
e.update(os.environ)
assert_eq('v2', e['SLANT_T2'])
assert_eq(True, os.environ == os.environ)
assert_eq(['clear', 'get', 'items', 'keys', 'pop', 'popitem', 'setdefault', 'update', 'values'], dir(os.environ))
)");
  loadOk();
  EXPECT_EQ(::getenv("FAKE_ENV_VARIABLE"), nullptr);
  EXPECT_STREQ(::getenv("SLANT_T3"), "v3");
}

TEST_F(OsTest, EnvironMethodErrorsAreTilts) {
  file("Tiltfile", "os.environ.pop('NOT_SET_ANYWHERE')\n");
  EXPECT_THAT(loadError(), HasSubstr("pop: missing key"));
  file("Tiltfile", "os.environ.setdefault('NOT_SET_ANYWHERE')\n");
  EXPECT_THAT(loadError(), HasSubstr("setdefault: putenv() value must be a string, not NoneType"));
  file("Tiltfile", "os.environ.update(1, 2)\n");
  EXPECT_THAT(loadError(), HasSubstr("update: got 2 arguments, want at most 1"));
  file("Tiltfile", "os.environ.get()\n");
  EXPECT_THAT(loadError(), HasSubstr("get: got 0 arguments, want at least 1"));
}

TEST_F(OsTest, EnvironClearAndPopitemEmptyTheEnvironment) {
  file("Tiltfile", std::string(kAssert) + R"(
os.environ.clear()
assert_eq(0, len(os.environ))
assert_eq(False, bool(os.environ))
os.environ['ONLY'] = 'one'
assert_eq(('ONLY', 'one'), os.environ.popitem())
os.environ.popitem()
)");
  EXPECT_THAT(loadError(), HasSubstr("popitem: empty environ"));
}

TEST_F(OsTest, GetenvPutenvAndUnsetenv) {
  file("Tiltfile",
       "print(os.getenv('FAKE_ENV_VARIABLE'))\n"
       "print(os.getenv('FAKE_ENV_VARIABLE', 'foo'))\n"
       "print(os.getenv('FAKE_ENV_VARIABLE_UNSET', 'bar'))\n"
       "os.putenv('FAKE_ENV_VARIABLE', blob('fakeValue2'))\n"
       "print(os.getenv('FAKE_ENV_VARIABLE'))\n"
       "os.unsetenv('FAKE_ENV_VARIABLE')\n"
       "print(os.getenv('FAKE_ENV_VARIABLE', 'unused'))\n");
  loadOk();
  EXPECT_EQ(logText(), "fakeValue\nfakeValue\nbar\nfakeValue2\nunused\n");
  EXPECT_EQ(::getenv("FAKE_ENV_VARIABLE"), nullptr);
  file("Tiltfile", "os.getenv(1)\n");
  EXPECT_THAT(loadError(), HasSubstr("os.getenv: for parameter key: Value should be convertible "
                                     "to string, but is type int"));
}

// ---- os.getcwd and os.path --------------------------------------------------------------------

TEST_F(OsTest, GetcwdIsTheDirectoryOfTheExecutingTiltfile) {
  file("foo/Tiltfile", "cwd = os.getcwd()\ndef get_cwd_wrapper():\n  return os.getcwd()\n");
  file("Tiltfile",
       "load('./foo/Tiltfile', 'cwd', 'get_cwd_wrapper')\nprint(cwd)\nprint(get_cwd_wrapper())\n");
  loadOk();
  EXPECT_EQ(logText(), path("foo") + "\n" + dir() + "\n");
}

TEST_F(OsTest, AbspathResolvesAgainstTheLoadedFile) {
  file("foo/Tiltfile", "path = os.path.abspath('.')\nabs = os.path.abspath('/x/../y')\n");
  file("Tiltfile", "load('./foo/Tiltfile', 'path', 'abs')\nprint(path)\nprint(abs)\n");
  loadOk();
  EXPECT_EQ(logText(), path("foo") + "\n/x/../y\n");
}

TEST_F(OsTest, AbspathKeepsSymlinksAndRealpathResolvesThem) {
  file("foo/Tiltfile", "path = os.path.abspath('.')\nreal = os.path.realpath('.')\n");
  std::filesystem::create_directory_symlink(path("foo"), path("bar"));
  file("Tiltfile", "load('./bar/Tiltfile', 'path', 'real')\nprint(path)\nprint(real)\n");
  loadOk();
  std::string real_foo = std::filesystem::canonical(path("foo")).string();
  EXPECT_EQ(logText(), path("bar") + "\n" + real_foo + "\n");
}

TEST_F(OsTest, RealpathOfAMissingPathFails) {
  file("Tiltfile", "os.path.realpath('nope/x')\n");
  EXPECT_THAT(loadError(), HasSubstr("lstat " + path("nope") + ": no such file or directory"));
}

TEST_F(OsTest, RelpathIsRelativeToTheTiltfileDirectoryOrABase) {
  file("Tiltfile", "print(os.path.relpath(r'" + path("beep/boop") + "'))\n" +
                       "print(os.path.relpath(r'" + path("beep/boop") + "', r'" + path("beep/") +
                       "'))\n" + "print(os.path.relpath('/a/b/c', '/a/x/y'))\n" +
                       "print(os.path.relpath('/a', '/a'))\n");
  file("foo/Tiltfile", "path = os.path.relpath(r'" + path("beep/boop") + "')\n");
  loadOk();
  EXPECT_EQ(logText(), "beep/boop\nboop\n../../b/c\n.\n");
  file("Tiltfile", "load('./foo/Tiltfile', 'path')\nprint(path)\n");
  loadOk();
  EXPECT_EQ(logText(), "../beep/boop\n");
}

TEST_F(OsTest, RelpathOfARelativeTargetIsImpossible) {
  file("Tiltfile", "print(os.path.relpath('some/nonsense/path'))\n");
  EXPECT_THAT(loadError(), HasSubstr("Rel: can't make some/nonsense/path relative to " + dir()));
}

TEST_F(OsTest, BasenameDirnameAndJoinAreGos) {
  file("Tiltfile",
       "print(os.path.basename('/a/b/'), os.path.basename(''), "
       "os.path.basename('/'))\n"
       "print(os.path.dirname('/a/b/c'), os.path.dirname('a'), "
       "os.path.dirname('/'))\n"
       "print(os.path.join('foo', 'bar', 'baz'), os.path.join('a/', '../b', ''), "
       "repr(os.path.join()), os.path.join('', 'x'))\n");
  loadOk();
  EXPECT_EQ(logText(), "b . /\n/a/b . /\nfoo/bar/baz b \"\" x\n");
  file("Tiltfile", "os.path.join('a', 1)\n");
  EXPECT_THAT(loadError(), HasSubstr("os.path.join() only accepts strings. Argument #1: 1"));
}

TEST_F(OsTest, ExistsResolvesAgainstTheLoadedFileAndRecordsNothing) {
  file("foo/Tiltfile",
       "result = [os.path.exists(p) for p in ['foo/Tiltfile', './Tiltfile', "
       "'../Tiltfile', '../foo', '../bar', '/root/x/y']]\n");
  file("Tiltfile", "load('./foo/Tiltfile', 'result')\nprint(result)\n");
  model::Project p = loadOk();
  EXPECT_EQ(logText(), "[False, True, True, True, False, False]\n");
  for (const std::string& f : p.config_files) {
    EXPECT_TRUE(f == path("Tiltfile") || f == path("foo/Tiltfile")) << f;
  }
}

TEST_F(OsTest, OsNameIsPosix) {
  file("Tiltfile", "print(os.name)\nos.path.abspath()\n");
  std::string err = loadError();
  EXPECT_EQ(logText(), "posix\n");
  EXPECT_THAT(err, HasSubstr("os.path.abspath: missing argument for path"));
}

// ---- sys and shlex ----------------------------------------------------------------------------

TEST_F(OsTest, SysHasTheCommandLineAndTheExecutable) {
  file("Tiltfile",
       "print(type(sys.argv), len(sys.argv) > 0)\nprint(sys.executable)\n"
       "sys.argv.append('x')\n");
  std::string err = loadError();
  char exe[4096];
  ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe);
  ASSERT_GT(n, 0);
  EXPECT_EQ(logText(), "list True\n" + std::string(exe, static_cast<size_t>(n)) + "\n");
  EXPECT_THAT(err, HasSubstr("cannot append to frozen list"));
}

TEST_F(OsTest, ShlexQuoteQuotesForShells) {
  file("Tiltfile",
       "print(shlex.quote(\"foo '$FOO'\"))\nprint(shlex.quote('safe/path-1.0_x@y'))\n"
       "print(shlex.quote(''))\n");
  loadOk();
  EXPECT_EQ(logText(), "'foo '\"'\"'$FOO'\"'\"''\nsafe/path-1.0_x@y\n''\n");
}

TEST(OsPaths, RelPathMatchesGo) {
  EXPECT_EQ(*relPath("/a/b", "/a/b/c/d"), "c/d");
  EXPECT_EQ(*relPath("/a/b/c", "/a/b"), "..");
  EXPECT_EQ(*relPath("/a/b/c", "/a/x"), "../../x");
  EXPECT_EQ(*relPath("a", "a/b"), "b");
  EXPECT_EQ(*relPath(".", "a/b"), "a/b");
  EXPECT_EQ(*relPath("/", "/a"), "a");
  EXPECT_EQ(relPath("../a", "b").error().message(), "Rel: can't make b relative to ../a");
  EXPECT_EQ(relPath("/a", "b").error().message(), "Rel: can't make b relative to /a");
}

TEST(OsPaths, ShellQuoteMatchesShellescape) {
  EXPECT_EQ(shellQuote("abc"), "abc");
  EXPECT_EQ(shellQuote("a b"), "'a b'");
  EXPECT_EQ(shellQuote("it's"), "'it'\"'\"'s'");
  EXPECT_EQ(shellQuote(""), "''");
  EXPECT_EQ(shellQuote("$HOME"), "'$HOME'");
}

}  // namespace
}  // namespace slant::tiltfile
