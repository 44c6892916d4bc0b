// Tests of the execution core: loading, paths, control builtins and errors.
#include "tiltfile/tiltfile.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "tiltfile/tiltfile_test_util.h"

namespace slant::tiltfile {
namespace {

using ::testing::HasSubstr;

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

TEST_F(TiltfileTest, PrintGoesToTheTiltfileLog) {
  file("Tiltfile", "print('hello', 42)\n");
  loadOk();
  EXPECT_EQ(logText(), "hello 42\n");
}

TEST_F(TiltfileTest, FileAndNameArePredeclaredPerFile) {
  file("Tiltfile", "load('lib/helpers.star', 'info')\nprint(__name__, __file__)\nprint(info)\n");
  file("lib/helpers.star", "info = __name__ + ' ' + __file__\n");
  loadOk();
  EXPECT_EQ(logText(),
            "__main__ " + path("Tiltfile") + "\nhelpers.star " + path("lib/helpers.star") + "\n");
}

TEST_F(TiltfileTest, LoadResolvesAgainstTheLoadingFilesDirectory) {
  file("Tiltfile", "load('a/one.star', 'x')\nprint(x)\n");
  file("a/one.star", "load('b/two.star', 'y')\nx = y + 1\n");
  file("a/b/two.star", "y = 41\n");
  model::Project p = loadOk();
  EXPECT_EQ(logText(), "42\n");
  EXPECT_TRUE(contains(p.config_files, path("Tiltfile")));
  EXPECT_TRUE(contains(p.config_files, path("a/one.star")));
  EXPECT_TRUE(contains(p.config_files, path("a/b/two.star")));
}

TEST_F(TiltfileTest, AFileIsExecutedOncePerRun) {
  file("Tiltfile", "load('lib.star', 'a')\nload('other.star', 'b')\n");
  file("other.star", "load('lib.star', 'a')\nb = a\n");
  file("lib.star", "print('lib runs')\na = 1\n");
  loadOk();
  EXPECT_EQ(logText(), "lib runs\n");
}

TEST_F(TiltfileTest, CircularLoadIsAnError) {
  file("Tiltfile", "load('a.star', 'a')\n");
  file("a.star", "load('b.star', 'b')\na = 1\n");
  file("b.star", "load('a.star', 'a')\nb = 1\n");
  std::string err = loadError();
  EXPECT_THAT(err, HasSubstr("Circular load: " + path("a.star")));
  EXPECT_THAT(err, HasSubstr(path("Tiltfile") + ":1:1"));
}

TEST_F(TiltfileTest, LoadOfAMissingFileNamesTheFileAndStaysAConfigFile) {
  file("Tiltfile", "load('nope.star', 'x')\n");
  LoadResult r = load();
  ASSERT_TRUE(r.error);
  EXPECT_THAT(*r.error,
              HasSubstr("cannot load nope.star: error reading file " + path("nope.star")));
  EXPECT_THAT(*r.error, HasSubstr("No such file or directory"));
  // Creating the file must re-execute the Tiltfile, so it is watched.
  EXPECT_TRUE(contains(r.project.config_files, path("nope.star")));
}

TEST_F(TiltfileTest, ErrorInALoadedFileSaysWhereItHappened) {
  file("Tiltfile", "load('lib.star', 'x')\n");
  file("lib.star", "x = 1\nfail('broken lib')\n");
  std::string err = loadError();
  EXPECT_THAT(err, HasSubstr(path("lib.star") + ":2:5: broken lib"));
  EXPECT_THAT(err, HasSubstr(path("Tiltfile") + ":1:1: in <toplevel>"));
}

TEST_F(TiltfileTest, IncludeExecutesAFileForItsEffects) {
  file("Tiltfile", "include('sub/Tiltfile')\nprint('main')\n");
  file("sub/Tiltfile", "print('sub', __name__)\n");
  model::Project p = loadOk();
  EXPECT_EQ(logText(), "sub Tiltfile\nmain\n");
  EXPECT_TRUE(contains(p.config_files, path("sub/Tiltfile")));
}

TEST_F(TiltfileTest, RelativePathsFollowTheFileBeingExecutedNotTheDefiningFile) {
  // As Tilt's starkit.AbsPath: a function defined in lib/ but called from the main Tiltfile
  // resolves paths against the main Tiltfile's directory.
  file("Tiltfile", "load('lib/lib.star', 'inc')\ninc('here.star')\n");
  file("lib/lib.star", "def inc(p):\n  include(p)\n");
  file("here.star", "print('top-level here.star')\n");
  file("lib/here.star", "print('lib/here.star')\n");
  loadOk();
  EXPECT_EQ(logText(), "top-level here.star\n");
}

TEST_F(TiltfileTest, LoadDynamicReturnsTheGlobalsAsAFrozenDict) {
  file("Tiltfile",
       "d = load_dynamic('lib.star')\nprint(sorted(d.keys()), d['x'])\n"
       "d['y'] = 1\n");
  file("lib.star", "x = 'ex'\ndef f(): pass\n");
  std::string err = loadError();
  EXPECT_EQ(logText(), "[\"f\", \"x\"] ex\n");
  EXPECT_THAT(err, HasSubstr("cannot insert into frozen hash table"));
}

TEST_F(TiltfileTest, ExtensionsLoadFromTiltModules) {
  file("Tiltfile", "load('ext://hello', 'hi')\nhi()\n");
  file("tilt_modules/hello/Tiltfile", "def hi():\n  print('hi from', __file__)\n");
  loadOk();
  EXPECT_EQ(logText(), "hi from " + path("tilt_modules/hello/Tiltfile") + "\n");
}

TEST_F(TiltfileTest, ExtensionsLoadFromAnExtensionDirectory) {
  options.extension_dirs = {"exts"};
  file("Tiltfile", "load('ext://nested/name', 'v')\nprint(v)\n");
  file("exts/nested/name/Tiltfile", "v = 7\n");
  loadOk();
  EXPECT_EQ(logText(), "7\n");
}

TEST_F(TiltfileTest, AMissingExtensionIsAClearError) {
  file("Tiltfile", "load('ext://restart_process', 'docker_build_with_restart')\n");
  LoadResult r = load();
  ASSERT_TRUE(r.error);
  EXPECT_THAT(*r.error, HasSubstr("extension restart_process not found"));
  EXPECT_THAT(*r.error, HasSubstr(path("tilt_modules/restart_process/Tiltfile")));
  EXPECT_TRUE(contains(r.project.config_files, path("tilt_modules/restart_process/Tiltfile")));
}

TEST_F(TiltfileTest, ExitStopsTheTiltfileWithoutAnError) {
  file("Tiltfile", "print('before')\nexit('bye')\nprint('after')\n");
  loadOk();
  EXPECT_EQ(logText(), "before\nbye\n");
}

TEST_F(TiltfileTest, ExitInALoadedFileStopsEverything) {
  file("Tiltfile", "load('lib.star', 'x')\nprint('after')\n");
  file("lib.star", "x = 1\nexit()\n");
  loadOk();
  EXPECT_EQ(logText(), "");
}

TEST_F(TiltfileTest, WarnIsRecordedAndLogged) {
  file("Tiltfile", "warn('careful')\n");
  model::Project p = loadOk();
  EXPECT_EQ(p.warnings, std::vector<std::string>{"careful"});
  EXPECT_THAT(logText(), HasSubstr("WARNING: careful"));
}

TEST_F(TiltfileTest, FailShowsTheMessageAndTheBacktrace) {
  file("Tiltfile", "def check():\n  fail('the cluster is not ready')\n\ncheck()\n");
  std::string err = loadError();
  EXPECT_THAT(err, HasSubstr("Traceback (most recent call last):"));
  EXPECT_THAT(err, HasSubstr(path("Tiltfile") + ":4:6: in <toplevel>"));
  EXPECT_THAT(err, HasSubstr(path("Tiltfile") + ":2:7: in check"));
  EXPECT_THAT(err, HasSubstr("Error in fail: the cluster is not ready"));
}

TEST_F(TiltfileTest, SyntaxErrorsShowFileLineAndColumn) {
  // go.starlark.net reports the missing colon at the start of the next line.
  file("Tiltfile", "x = 1\nif x\n  print(x)\n");
  std::string err = loadError();
  EXPECT_THAT(err, HasSubstr(path("Tiltfile") + ":3:1: got newline, want ':'"));
}

TEST_F(TiltfileTest, UndefinedNamesAreResolveErrors) {
  file("Tiltfile", "k8s_yamll('x.yaml')\n");
  std::string err = loadError();
  EXPECT_THAT(err, HasSubstr(path("Tiltfile") + ":1:1: undefined: k8s_yamll"));
}

TEST_F(TiltfileTest, AMissingTiltfileIsAnErrorThatWatchesThePath) {
  LoadResult r = load();
  ASSERT_TRUE(r.error);
  EXPECT_THAT(*r.error, HasSubstr("No Tiltfile found at paths '" + path("Tiltfile") + "'"));
  EXPECT_TRUE(contains(r.project.config_files, path("Tiltfile")));
}

TEST_F(TiltfileTest, TheTiltDialectIsEnabled) {
  file("Tiltfile",
       "n = 0\nwhile n < 3:\n  n += 1\nif n == 3:\n  s = set([1, 1, 2])\n"
       "def fact(k):\n  return 1 if k < 2 else k * fact(k - 1)\nprint(n, len(s), fact(5))\n");
  loadOk();
  EXPECT_EQ(logText(), "3 2 120\n");
}

TEST_F(TiltfileTest, LinkAddsAnHttpSchemeWhenMissing) {
  file("Tiltfile",
       "a = link('localhost:8080/docs', 'docs')\nb = link('https://example.com')\n"
       "print(a.url, a.name, b.url, repr(b.name))\n");
  loadOk();
  EXPECT_EQ(logText(), "http://localhost:8080/docs docs https://example.com \"\"\n");
}

TEST_F(TiltfileTest, LinkRejectsAnEmptyUrl) {
  file("Tiltfile", "link('')\n");
  EXPECT_THAT(loadError(), HasSubstr("Error in link: validating URL \"\": url empty"));
}

TEST_F(TiltfileTest, StructAndModuleArePredeclared) {
  file("Tiltfile", "s = struct(a=1)\nm = module('m', f=2)\nprint(s.a, m.f, type(s), type(m))\n");
  loadOk();
  EXPECT_EQ(logText(), "1 2 struct module\n");
}

}  // namespace
}  // namespace slant::tiltfile
