// Tests of `slant check`'s static analysis, and of its parameter table against the real builtins.
#include "tiltfile/check.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "starlark/lib/unpack.h"
#include "starlark/starlark.h"
#include "tiltfile/builtins.h"
#include "tiltfile/tiltfile_test_util.h"

namespace slant::tiltfile {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class CheckTest : public TiltfileTest {
 protected:
  CheckResult check() {
    CheckOptions o;
    o.tiltfile = path("Tiltfile");
    o.extension_dirs = extension_dirs;
    return checkTiltfile(o);
  }
  // The problems of check(), each as "file:line:col: message" with the test directory elided.
  std::vector<std::string> problems() {
    std::vector<std::string> out;
    std::string prefix = dir() + "/";
    for (const CheckProblem& p : check().problems) {
      std::string s = p.str();
      if (s.starts_with(prefix)) s.erase(0, prefix.size());
      out.push_back(s);
    }
    return out;
  }
  std::vector<std::string> extension_dirs;
};

TEST_F(CheckTest, ACleanTiltfileHasNoProblems) {
  file("Tiltfile",
       "load('lib.star', 'names')\n"
       "k8s_yaml('app.yaml')\n"
       "k8s_resource('app', port_forwards=8000, labels=['web'])\n"
       "for n in names:\n"
       "  local_resource(n, cmd='make ' + n, deps=['src'])\n"
       "config.define_string('env', args=False, usage='environment')\n"
       "cfg = config.parse()\n"
       "print(os.path.join(config.main_dir, 'x'), __file__, __name__)\n");
  file("lib.star", "names = ['a', 'b']\n");
  CheckResult r = check();
  EXPECT_THAT(r.problems, IsEmpty());
  EXPECT_THAT(r.files, ElementsAre(path("Tiltfile"), path("lib.star")));
}

TEST_F(CheckTest, CheckingRunsNothing) {
  file("Tiltfile", "local('touch ran')\nlocal_resource('a', cmd='touch ran2')\nfail('stop')\n");
  EXPECT_THAT(problems(), IsEmpty());
  EXPECT_FALSE(std::filesystem::exists(path("ran")));
}

TEST_F(CheckTest, ReportsASyntaxErrorWithItsPosition) {
  file("Tiltfile", "k8s_yaml('a.yaml')\nk8s_resource('a', port_forwards=[8000)\n");
  EXPECT_THAT(problems(), ElementsAre("Tiltfile:2:39: got ')', want ']'"));
}

TEST_F(CheckTest, ReportsUndefinedNamesWithASuggestionFromTheBuiltins) {
  file("Tiltfile", "k8s_resouce('a')\nx = 1\nprint(y)\n");
  EXPECT_THAT(problems(), ElementsAre("Tiltfile:1:1: undefined: k8s_resouce (did you mean "
                                      "k8s_resource?)",
                                      "Tiltfile:3:7: undefined: y"));
}

TEST_F(CheckTest, KeepsTheResolversSuggestionFromNamesInScope) {
  file("Tiltfile", "services = ['a']\nfor s in servics:\n  print(s)\n");
  EXPECT_THAT(problems(),
              ElementsAre("Tiltfile:2:10: undefined: servics (did you mean services?)"));
}

TEST_F(CheckTest, ReportsEveryResolveErrorOfAFile) {
  file("Tiltfile", "a = b\nc = d\ndef f():\n  return e\n");
  EXPECT_THAT(problems(), ElementsAre("Tiltfile:1:5: undefined: b", "Tiltfile:2:5: undefined: d",
                                      "Tiltfile:4:10: undefined: e"));
}

TEST_F(CheckTest, UsesTiltsDialect) {
  file("Tiltfile",
       "s = set([1])\n"
       "x = 0\n"
       "while x < 3:\n"
       "  x += 1\n"
       "if x:\n"
       "  x = 5\n"
       "def fact(n):\n"
       "  return 1 if n == 0 else n * fact(n - 1)\n");
  EXPECT_THAT(problems(), IsEmpty());
}

TEST_F(CheckTest, ReportsAnUnknownKeywordOfABuiltinWithASuggestion) {
  file("Tiltfile", "k8s_resource('a', prot_forwards=8000)\n");
  EXPECT_THAT(problems(), ElementsAre("Tiltfile:1:19: unknown keyword argument \"prot_forwards\" "
                                      "for k8s_resource (did you mean \"port_forwards\"?)"));
}

TEST_F(CheckTest, ReportsAnUnknownKeywordWithoutASuggestionWhenNoneIsClose) {
  file("Tiltfile", "docker_build('img', '.', flavour='x')\n");
  EXPECT_THAT(problems(), ElementsAre("Tiltfile:1:26: unknown keyword argument \"flavour\" for "
                                      "docker_build"));
}

TEST_F(CheckTest, ChecksKeywordsOfModuleMembers) {
  file("Tiltfile",
       "config.define_string('env', arg=True)\n"
       "os.path.relpath('a', base='b')\n"
       "v1alpha1.ui_button(name='b', txt='hi')\n");
  EXPECT_THAT(
      problems(),
      ElementsAre(
          "Tiltfile:1:29: unknown keyword argument \"arg\" for config.define_string (did you mean "
          "\"args\"?)",
          "Tiltfile:2:22: unknown keyword argument \"base\" for os.path.relpath",
          "Tiltfile:3:30: unknown keyword argument \"txt\" for v1alpha1.ui_button (did you mean "
          "\"text\"?)"));
}

TEST_F(CheckTest, ChecksKeywordsInsideFunctionsAndNestedCalls) {
  file("Tiltfile",
       "def svc(name):\n"
       "  k8s_resource(name, links=[link('http://x', nam='x')])\n");
  EXPECT_THAT(problems(), ElementsAre("Tiltfile:2:46: unknown keyword argument \"nam\" for link "
                                      "(did you mean \"name\"?)"));
}

TEST_F(CheckTest, DoesNotCheckShadowedBuiltins) {
  file("Tiltfile",
       "def k8s_resource(name, **kwargs):\n"
       "  pass\n"
       "k8s_resource('a', anything=1)\n"
       "def f(local):\n"
       "  local(whatever=1)\n"
       "struct(a=1, b=2)\n");
  file("lib.star", "def docker_build(**kw):\n  pass\n");
  EXPECT_THAT(problems(), IsEmpty());
}

TEST_F(CheckTest, DoesNotCheckNamesBoundByLoad) {
  file("Tiltfile", "load('lib.star', 'docker_build')\ndocker_build(flavour='x')\n");
  file("lib.star", "def docker_build(**kw):\n  pass\n");
  EXPECT_THAT(problems(), IsEmpty());
}

TEST_F(CheckTest, AcceptsKeywordsSpelledAsTiltsCodeSpellsThem) {
  file("Tiltfile",
       "read_file(paths='a', default='')\n"
       "listdir(dir='.', recursive=True)\n"
       "k8s_kind('Foo', image_object={'json_path': '{.spec}', 'repo_field': 'r', 'tag_field': "
       "'t'})\n"
       "custom_build('img', 'make', ['.'], container_args=['x'])\n"
       "docker_compose(configPaths='dc.yml', profiles=['a'])\n");
  EXPECT_THAT(problems(), IsEmpty());
}

TEST_F(CheckTest, ReportsAMissingModuleMember) {
  file("Tiltfile", "config.define_strng('x')\nos.path.jon('a', 'b')\nos.pth.join('a')\n");
  EXPECT_THAT(problems(),
              ElementsAre("Tiltfile:1:8: module config has no .define_strng field or method (did "
                          "you mean .define_string?)",
                          "Tiltfile:2:9: module os.path has no .jon field or method (did you "
                          "mean .join?)",
                          "Tiltfile:3:4: module os has no .pth field or method (did you mean "
                          ".path?)"));
}

TEST_F(CheckTest, ReportsALoadOfAMissingFile) {
  file("Tiltfile", "load('./lib/helpers.star', 'f')\nf()\n");
  EXPECT_THAT(problems(),
              ElementsAre("Tiltfile:1:6: cannot load ./lib/helpers.star: no such file " +
                          path("lib/helpers.star")));
}

TEST_F(CheckTest, ResolvesLoadsAgainstTheLoadingFileAndReportsProblemsWhereTheyAre) {
  file("Tiltfile", "load('lib/a.star', 'a')\nprint(a)\n");
  file("lib/a.star", "load('b.star', 'b')\na = b + undefined_thing\n");
  file("lib/b.star", "b = 1\nk8s_yaml('x.yaml', allow_duplicate=True)\n");
  CheckResult r = check();
  EXPECT_THAT(r.files, ElementsAre(path("Tiltfile"), path("lib/a.star"), path("lib/b.star")));
  EXPECT_THAT(problems(),
              ElementsAre("lib/a.star:2:9: undefined: undefined_thing",
                          "lib/b.star:2:20: unknown keyword argument \"allow_duplicate\" for "
                          "k8s_yaml (did you mean \"allow_duplicates\"?)"));
}

TEST_F(CheckTest, ChecksEachFileOnce) {
  file("Tiltfile", "load('a.star', 'a')\nload('b.star', 'b')\n");
  file("a.star", "load('c.star', 'c')\na = c\n");
  file("b.star", "load('c.star', 'c')\nb = c\n");
  file("c.star", "c = undefined_thing\n");
  CheckResult r = check();
  EXPECT_EQ(r.files.size(), 4u);
  EXPECT_THAT(problems(), ElementsAre("c.star:1:5: undefined: undefined_thing"));
}

TEST_F(CheckTest, ReportsANameTheLoadedFileDoesNotDefine) {
  file("Tiltfile", "load('lib.star', 'helper', 'other')\n");
  file("lib.star", "def helpr():\n  pass\nother = 1\n");
  EXPECT_THAT(problems(), ElementsAre("Tiltfile:1:19: load: name helper not found in module "
                                      "lib.star (did you mean helpr?)"));
}

TEST_F(CheckTest, NamesALoadedFileLoadsItselfAreNotExported) {
  file("Tiltfile", "load('a.star', 'x')\n");
  file("a.star", "load('b.star', 'x')\n");
  file("b.star", "x = 1\n");
  EXPECT_THAT(problems(), ElementsAre("Tiltfile:1:17: load: name x not found in module a.star"));
}

TEST_F(CheckTest, ReportsALoadCycle) {
  file("Tiltfile", "load('a.star', 'a')\n");
  file("a.star", "load('b.star', 'b')\na = 1\n");
  file("b.star", "load('a.star', 'a')\nb = 1\n");
  std::vector<std::string> got = problems();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], "b.star:1:6: cannot load a.star: load cycle: " + path("a.star") + " -> " +
                        path("b.star") + " -> " + path("a.star"));
}

TEST_F(CheckTest, LoadsExtensionsFromTiltModulesNextToTheTiltfile) {
  file("Tiltfile", "load('ext://restart_process', 'docker_build_with_restart')\n");
  file("tilt_modules/restart_process/Tiltfile",
       "def docker_build_with_restart(ref, context, entrypoint, **kwargs):\n"
       "  docker_build(ref, context, entrypoint=entrypoint, bogus=1, **kwargs)\n");
  CheckResult r = check();
  EXPECT_THAT(r.files,
              ElementsAre(path("Tiltfile"), path("tilt_modules/restart_process/Tiltfile")));
  EXPECT_THAT(problems(), ElementsAre("tilt_modules/restart_process/Tiltfile:2:53: unknown "
                                      "keyword argument \"bogus\" for docker_build"));
}

TEST_F(CheckTest, ReportsAMissingExtension) {
  file("Tiltfile", "load('ext://helm_remote', 'helm_remote')\n");
  EXPECT_THAT(problems(),
              ElementsAre("Tiltfile:1:6: cannot load ext://helm_remote: extension helm_remote not "
                          "found (no " +
                          path("tilt_modules/helm_remote/Tiltfile") +
                          "); slant does not download extensions"));
}

TEST_F(CheckTest, LooksForExtensionsInTheExtensionDirectories) {
  file("Tiltfile", "load('ext://foo', 'foo')\n");
  file("exts/foo/Tiltfile", "foo = 1\n");
  extension_dirs = {"exts"};
  EXPECT_THAT(problems(), IsEmpty());
}

TEST_F(CheckTest, ChecksIncludedFilesAndReportsAMissingOne) {
  file("Tiltfile", "include('sub/Tiltfile')\ninclude(path='missing/Tiltfile')\n");
  file("sub/Tiltfile", "k8s_yaml(yml='a.yaml')\nload_dynamic('lib.star')\n");
  file("sub/lib.star", "x = y\n");
  CheckResult r = check();
  EXPECT_THAT(r.files, ElementsAre(path("Tiltfile"), path("sub/Tiltfile"), path("sub/lib.star")));
  EXPECT_THAT(problems(),
              ElementsAre("Tiltfile:2:14: include: cannot load missing/Tiltfile: no such file " +
                              path("missing/Tiltfile"),
                          "sub/Tiltfile:1:10: unknown keyword argument \"yml\" for k8s_yaml (did "
                          "you mean \"yaml\"?)",
                          "sub/lib.star:1:5: undefined: y"));
}

TEST_F(CheckTest, DoesNotReportAMissingFileIncludedConditionally) {
  file("Tiltfile",
       "if os.path.exists('local.tilt'):\n"
       "  include('local.tilt')\n"
       "os.path.exists('x.tilt') and load_dynamic('x.tilt')\n"
       "def f():\n"
       "  include('elsewhere/Tiltfile')\n");
  EXPECT_THAT(problems(), IsEmpty());
}

TEST_F(CheckTest, ChecksAConditionallyIncludedFileThatExists) {
  file("Tiltfile", "if os.path.exists('local.tilt'):\n  include('local.tilt')\n");
  file("local.tilt", "undefined_thing()\n");
  EXPECT_THAT(problems(), ElementsAre("local.tilt:1:1: undefined: undefined_thing"));
}

TEST_F(CheckTest, ReportsAMissingTiltfile) {
  CheckResult r = check();
  EXPECT_THAT(r.files, IsEmpty());
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].str(),
            path("Tiltfile") + ": no such file (name another Tiltfile with -f FILE)");
}

TEST_F(CheckTest, ShowsPathsRelativeToTheWorkingDirectoryWhenGivenARelativeTiltfile) {
  file("Tiltfile", "load('lib/a.star', 'a')\n");
  file("lib/a.star", "a = b\n");
  std::string old = std::filesystem::current_path().string();
  std::filesystem::current_path(dir());
  CheckOptions o;  // the default: "Tiltfile"
  CheckResult r = checkTiltfile(o);
  std::filesystem::current_path(old);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].str(), "lib/a.star:1:5: undefined: b");
  EXPECT_THAT(r.files, ElementsAre("Tiltfile", "lib/a.star"));
}

// ---- the parameter table against the real builtins ----------------------------------------------

// Every callable among the predeclared names, by qualified name ("os.path.join"), descending into
// modules (also the host's own module types, such as config) and structs.
void collectCallables(starlark::Thread& thread, const std::string& prefix, const starlark::Value& v,
                      std::vector<std::string>& out, int depth) {
  if (depth > 4) return;
  if (starlark::lib::isCallable(v)) {
    out.push_back(prefix);
    return;
  }
  if (!v.isObject()) return;
  std::string_view type = v.object()->typeName();
  if (type != "module" && type != "struct") return;
  for (const std::string& name : v.object()->attrNames()) {
    auto member = v.object()->attr(thread, name);
    if (member && *member) collectCallables(thread, prefix + "." + name, **member, out, depth + 1);
  }
}

std::vector<std::string> builtinCallables() {
  starlark::Heap heap;
  starlark::HeapScope scope(&heap);
  Options options;
  options.log = [](std::string_view) {};
  auto state = std::make_shared<State>(options);
  starlark::Thread thread;
  thread.setLocal("tiltfile", state);
  std::vector<std::string> out;
  starlark::StringDict builtins = makeBuiltins();
  for (const auto& [name, v] : builtins) collectCallables(thread, name, v, out, 0);
  return out;
}

TEST(CheckTable, IsSortedAndHasNoDuplicates) {
  const auto& table = builtinParamsTable();
  for (size_t i = 1; i < table.size(); ++i) EXPECT_LT(table[i - 1].name, table[i].name);
  for (const BuiltinParams& e : table) {
    std::set<std::string_view> seen(e.params.begin(), e.params.end());
    EXPECT_EQ(seen.size(), e.params.size()) << e.name;
  }
  ASSERT_NE(findBuiltinParams("k8s_resource"), nullptr);
  EXPECT_EQ(findBuiltinParams("k8s_resource")->params.front(), "workload");
  EXPECT_EQ(findBuiltinParams("no_such_builtin"), nullptr);
}

// The guard that keeps the table from going stale: a builtin added to makeBuiltins() must get its
// parameters here too, or its keywords would silently go unchecked.
TEST(CheckTable, CoversEveryCallableBuiltin) {
  std::vector<std::string> missing;
  for (const std::string& name : builtinCallables()) {
    if (findBuiltinParams(name) == nullptr) missing.push_back(name);
  }
  EXPECT_THAT(missing, IsEmpty()) << "add these builtins' parameters to kTable in check.cc";
}

// Each table entry against the real builtin: a made-up keyword must be rejected (unless the
// entry says any keyword goes), and each listed parameter must not be. A call with one argument
// of None never gets far enough to act (it fails on a missing or mistyped argument first).
class CheckTableProbe : public TiltfileTest {
 protected:
  // The error of a Tiltfile that makes one call, or "" when it loads.
  std::string callError(const std::string& call) {
    file("Tiltfile", call + "\n");
    LoadResult r = load();
    return r.error.value_or("");
  }
};

TEST_F(CheckTableProbe, EveryBuiltinRejectsAnUnknownKeywordUnlessTheTableSaysOtherwise) {
  std::vector<std::string> callables = builtinCallables();
  std::set<std::string> present(callables.begin(), callables.end());
  std::vector<std::string> wrong;
  for (const BuiltinParams& e : builtinParamsTable()) {
    if (!present.contains(std::string(e.name))) continue;
    std::string err = callError(std::string(e.name) + "(slant_check_probe=None)");
    bool rejected =
        err.find("unexpected keyword argument \"slant_check_probe\"") != std::string::npos;
    if (rejected == e.any_keywords) {
      wrong.push_back(std::string(e.name) + (e.any_keywords ? " rejects" : " accepts") +
                      " an unknown keyword: " + (err.empty() ? "(no error)" : err));
    }
  }
  EXPECT_THAT(wrong, IsEmpty());
}

TEST_F(CheckTableProbe, EveryBuiltinAcceptsTheParametersTheTableLists) {
  std::vector<std::string> callables = builtinCallables();
  std::set<std::string> present(callables.begin(), callables.end());
  std::vector<std::string> wrong;
  for (const BuiltinParams& e : builtinParamsTable()) {
    if (!present.contains(std::string(e.name))) continue;
    for (std::string_view p : e.params) {
      std::string err = callError(std::string(e.name) + "(" + std::string(p) + "=None)");
      if (err.find("unexpected keyword argument \"" + std::string(p) + "\"") != std::string::npos)
        wrong.push_back(std::string(e.name) + " rejects " + std::string(p));
    }
  }
  EXPECT_THAT(wrong, IsEmpty());
}

}  // namespace
}  // namespace slant::tiltfile
