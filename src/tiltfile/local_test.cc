// Tests of local_resource, test, local(), trigger_mode() and the TRIGGER_MODE_* values.
#include "tiltfile/local.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tiltfile/tiltfile_test_util.h"

namespace slant::tiltfile {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using Argv = std::vector<std::string>;
using Env = std::vector<std::pair<std::string, std::string>>;

const model::Resource& resource(const model::Project& p, std::string_view name) {
  const model::Resource* r = p.find(name);
  EXPECT_NE(r, nullptr) << "no resource " << name;
  static const model::Resource kEmpty;
  return r != nullptr ? *r : kEmpty;
}

// ---- local_resource: commands -----------------------------------------------------------------

TEST_F(TiltfileTest, LocalResourceRunsStringCommandsWithShell) {
  file("Tiltfile", "local_resource('a', cmd='make a')\n");
  model::Project p = loadOk();
  ASSERT_EQ(p.resources.size(), 1u);
  const model::Resource& r = p.resources[0];
  EXPECT_EQ(r.name, "a");
  EXPECT_EQ(r.type, model::ResourceType::kLocal);
  ASSERT_TRUE(r.local.has_value());
  EXPECT_EQ(r.local->cmd.argv, (Argv{"sh", "-c", "make a"}));
  EXPECT_EQ(r.local->cmd.dir, dir());
  EXPECT_TRUE(r.local->serve_cmd.empty());
  EXPECT_FALSE(r.local->allow_parallel);
  EXPECT_TRUE(r.auto_init);
  EXPECT_EQ(r.trigger_mode, model::TriggerMode::kAuto);
}

TEST_F(TiltfileTest, LocalResourceExecsListCommandsDirectly) {
  file("Tiltfile",
       "local_resource('a', ['echo', 'a b'])\n"
       "local_resource('b', serve_cmd=('python', '-m', 'http.server'))\n");
  model::Project p = loadOk();
  EXPECT_EQ(resource(p, "a").local->cmd.argv, (Argv{"echo", "a b"}));
  EXPECT_EQ(resource(p, "b").local->serve_cmd.argv, (Argv{"python", "-m", "http.server"}));
}

TEST_F(TiltfileTest, LocalResourceTakesAServeCommandAloneOrWithAnUpdateCommand) {
  file("Tiltfile",
       "local_resource('serve', serve_cmd='sleep 1000')\n"
       "local_resource('both', cmd='echo hi', serve_cmd='sleep 1000')\n");
  model::Project p = loadOk();
  const model::Resource& serve = resource(p, "serve");
  EXPECT_TRUE(serve.local->cmd.empty());
  EXPECT_EQ(serve.local->serve_cmd.argv, (Argv{"sh", "-c", "sleep 1000"}));
  EXPECT_EQ(serve.local->serve_cmd.dir, dir());
  const model::Resource& both = resource(p, "both");
  EXPECT_EQ(both.local->cmd.argv, (Argv{"sh", "-c", "echo hi"}));
  EXPECT_EQ(both.local->serve_cmd.argv, (Argv{"sh", "-c", "sleep 1000"}));
}

TEST_F(TiltfileTest, LocalResourceWithoutAnyCommandIsAnError) {
  file("Tiltfile", "local_resource('test')\n");
  EXPECT_THAT(loadError(),
              HasSubstr("local_resource must have a cmd and/or a serve_cmd, but both were empty"));
}

TEST_F(TiltfileTest, LocalResourceWithEmptyCommandsIsAnError) {
  file("Tiltfile", "local_resource('test', cmd='', serve_cmd=[])\n");
  EXPECT_THAT(loadError(),
              HasSubstr("local_resource must have a cmd and/or a serve_cmd, but both were empty"));
}

TEST_F(TiltfileTest, LocalResourceCommandOfTheWrongTypeIsAnError) {
  file("Tiltfile", "local_resource('test', cmd=42)\n");
  EXPECT_THAT(loadError(), HasSubstr("a command must be a string or list of strings"));
}

TEST_F(TiltfileTest, LocalResourceIgnoresTheWindowsCommands) {
  file("Tiltfile",
       "local_resource('a', cmd='make', cmd_bat='make.bat', serve_cmd='run', "
       "serve_cmd_bat='run.bat')\n");
  model::Project p = loadOk();
  EXPECT_EQ(resource(p, "a").local->cmd.argv, (Argv{"sh", "-c", "make"}));
  EXPECT_EQ(resource(p, "a").local->serve_cmd.argv, (Argv{"sh", "-c", "run"}));
}

// ---- local_resource: env and dirs -------------------------------------------------------------

TEST_F(TiltfileTest, LocalResourceEnvGoesToTheUpdateCommandSortedByKey) {
  file("Tiltfile",
       "local_resource('test', 'echo hi', env={'KEY2': 'value2', 'KEY1': 'value1'}, "
       "serve_cmd='sleep 1000')\n");
  model::Project p = loadOk();
  const model::Resource& r = resource(p, "test");
  EXPECT_EQ(r.local->cmd.env, (Env{{"KEY1", "value1"}, {"KEY2", "value2"}}));
  EXPECT_TRUE(r.local->serve_cmd.env.empty());
}

TEST_F(TiltfileTest, LocalResourceServeEnvGoesToTheServeCommand) {
  file("Tiltfile",
       "local_resource('test', 'echo hi', serve_cmd='sleep 1000', serve_env={'KEY1': 'value1'})\n");
  model::Project p = loadOk();
  const model::Resource& r = resource(p, "test");
  EXPECT_TRUE(r.local->cmd.env.empty());
  EXPECT_EQ(r.local->serve_cmd.env, (Env{{"KEY1", "value1"}}));
}

TEST_F(TiltfileTest, LocalResourceEnvWithAnEmptyKeyIsAnError) {
  file("Tiltfile", "local_resource('test', 'echo hi', env={'': 'x'})\n");
  EXPECT_THAT(loadError(), HasSubstr("environment has empty key for value \"x\""));
}

TEST_F(TiltfileTest, LocalResourceEnvMustBeAStringDict) {
  file("Tiltfile", "local_resource('test', 'echo hi', env={'A': 1})\n");
  EXPECT_THAT(loadError(), HasSubstr("want string"));
}

TEST_F(TiltfileTest, LocalResourceDirsAreRelativeToTheTiltfile) {
  file("Tiltfile",
       "local_resource('a', cmd='cat inside.txt', dir='nested')\n"
       "local_resource('b', serve_cmd='cat inside.txt', serve_dir='nested/../other')\n"
       "local_resource('c', cmd='cat here.txt', dir=None)\n"
       "local_resource('d', serve_cmd='cat here.txt', serve_dir=None)\n"
       "local_resource('e', cmd='pwd', dir='/tmp')\n");
  model::Project p = loadOk();
  EXPECT_EQ(resource(p, "a").local->cmd.dir, path("nested"));
  EXPECT_EQ(resource(p, "b").local->serve_cmd.dir, path("other"));
  EXPECT_EQ(resource(p, "c").local->cmd.dir, dir());
  EXPECT_EQ(resource(p, "d").local->serve_cmd.dir, dir());
  EXPECT_EQ(resource(p, "e").local->cmd.dir, "/tmp");
}

TEST_F(TiltfileTest, LocalResourceDirWithOnlyAServeCommandSuggestsServeDir) {
  file("Tiltfile", "local_resource('test', serve_cmd='python server.py', dir='./foo')\n");
  EXPECT_THAT(loadError(),
              HasSubstr("local_resource: 'dir' only affects 'cmd', not 'serve_cmd'. Did you mean "
                        "to use 'serve_dir' instead?"));
}

TEST_F(TiltfileTest, LocalResourceDirWithoutCommandIsAnError) {
  file("Tiltfile", "local_resource('test', dir='./foo')\n");
  EXPECT_THAT(loadError(), HasSubstr("local_resource: 'dir' specified but 'cmd' is empty"));
}

TEST_F(TiltfileTest, LocalResourceServeDirWithoutServeCommandIsAnError) {
  file("Tiltfile", "local_resource('test', cmd='echo hi', serve_dir='./foo')\n");
  EXPECT_THAT(loadError(),
              HasSubstr("local_resource: 'serve_dir' specified but 'serve_cmd' is empty"));
}

TEST_F(TiltfileTest, LocalResourceDirMustBeAString) {
  file("Tiltfile", "local_resource('test', cmd='echo hi', dir=3)\n");
  EXPECT_THAT(loadError(), HasSubstr("a command directory must be empty or a string"));
}

// ---- local_resource: deps and ignore ----------------------------------------------------------

TEST_F(TiltfileTest, LocalResourceDepsAreAbsolute) {
  file("Tiltfile",
       "local_resource('a', 'echo hi', deps=['foo/bar', 'foo/a.txt', '/abs/path'])\n"
       "local_resource('b', 'echo hi', deps='src')\n");
  model::Project p = loadOk();
  EXPECT_EQ(resource(p, "a").local->deps, (Argv{path("foo/bar"), path("foo/a.txt"), "/abs/path"}));
  EXPECT_EQ(resource(p, "b").local->deps, (Argv{path("src")}));
}

TEST_F(TiltfileTest, LocalResourcePathsResolveAgainstTheIncludedTiltfile) {
  file("nested/Tiltfile",
       "local_resource('nested-local', 'echo nested', deps=['foo/bar'], ignore=['*.log'])\n");
  file("Tiltfile",
       "include('nested/Tiltfile')\n"
       "local_resource('toplvl-local', 'echo hello world', deps=['foo/baz'])\n");
  model::Project p = loadOk();
  ASSERT_EQ(p.resources.size(), 2u);
  EXPECT_EQ(p.resources[0].name, "nested-local");
  EXPECT_EQ(p.resources[0].local->cmd.dir, path("nested"));
  EXPECT_EQ(p.resources[0].local->deps, (Argv{path("nested/foo/bar")}));
  EXPECT_EQ(p.resources[0].local->ignore, (Argv{path("nested/*.log")}));
  EXPECT_EQ(p.resources[1].name, "toplvl-local");
  EXPECT_EQ(p.resources[1].local->cmd.dir, dir());
  EXPECT_EQ(p.resources[1].local->deps, (Argv{path("foo/baz")}));
}

TEST_F(TiltfileTest, LocalResourceIgnorePatternsAreAbsolute) {
  file("Tiltfile",
       "local_resource('a', 'echo hi', deps=['foo'], ignore=['**/*.a', 'foo/bar.d', '!keep'])\n"
       "local_resource('b', 'echo hi', ignore='*.tmp')\n");
  model::Project p = loadOk();
  EXPECT_EQ(resource(p, "a").local->ignore,
            (Argv{path("**/*.a"), path("foo/bar.d"), "!" + path("keep")}));
  EXPECT_EQ(resource(p, "b").local->ignore, (Argv{path("*.tmp")}));
}

TEST_F(TiltfileTest, LocalResourceIgnoreMustBeStrings) {
  file("Tiltfile", "local_resource('a', 'echo hi', ignore=[1])\n");
  EXPECT_THAT(loadError(),
              HasSubstr("ignore must be a string or a sequence of strings; found a starlark.Int"));
}

TEST_F(TiltfileTest, LocalResourceIgnoreCannotContainNewlines) {
  file("Tiltfile", "local_resource('a', 'echo hi', ignore='a\\nb')\n");
  EXPECT_THAT(loadError(), HasSubstr("ignore cannot contain newlines; found ignore: \"a\\nb\""));
}

TEST_F(TiltfileTest, LocalResourceDepsOfTheWrongTypeIsAnError) {
  file("Tiltfile", "local_resource('a', 'echo hi', deps=1)\n");
  EXPECT_THAT(
      loadError(),
      HasSubstr("value should be a string or List or Tuple of strings, but is of type int"));
}

// ---- local_resource: names, deps, labels, links -----------------------------------------------

TEST_F(TiltfileTest, DuplicateLocalResourceNamesAreAnError) {
  file("Tiltfile",
       "local_resource('foo', 'echo foo')\n"
       "local_resource('foo', 'echo foo')\n");
  std::string err = loadError();
  EXPECT_THAT(err, HasSubstr("local_resource named \"foo\" already exists"));
  EXPECT_THAT(err, HasSubstr(path("Tiltfile") + ":2:"));
}

TEST_F(TiltfileTest, LocalResourceNamedLikeACustomDeployIsAnError) {
  file("Tiltfile",
       "k8s_custom_deploy('foo', apply_cmd='true', delete_cmd='true', deps=[])\n"
       "local_resource('foo', 'echo foo')\n");
  EXPECT_THAT(loadError(), HasSubstr("k8s_resource named \"foo\" already exists"));
}

TEST_F(TiltfileTest, LocalResourceNamedLikeAComposeServiceIsAnError) {
  file("docker-compose.yml", "services:\n  foo:\n    image: redis\n");
  file("Tiltfile",
       "docker_compose('docker-compose.yml')\n"
       "local_resource('foo', 'echo foo')\n");
  EXPECT_THAT(loadError(), HasSubstr("dc_resource named \"foo\" already exists"));
}

TEST_F(TiltfileTest, LocalResourceNamedLikeAKubernetesWorkloadIsAnError) {
  file("foo.yaml",
       "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: foo\nspec:\n  selector:\n"
       "    matchLabels:\n      app: foo\n  template:\n    metadata:\n      labels:\n"
       "        app: foo\n    spec:\n      containers:\n      - name: foo\n        image: nginx\n");
  file("Tiltfile",
       "k8s_yaml('foo.yaml')\n"
       "local_resource('foo', 'echo foo')\n");
  EXPECT_THAT(loadError(), HasSubstr("named \"foo\" already exists"));
}

TEST_F(TiltfileTest, LocalResourceNameMustBeAPathSegment) {
  file("Tiltfile", "\nlocal_resource(\"a/b\", [\"echo\", \"hi\"])\n");
  std::string err = loadError();
  EXPECT_THAT(err, HasSubstr("invalid value \"a/b\": may not contain '/'"));
  EXPECT_THAT(err, HasSubstr("Tiltfile:2:15: in <toplevel>"));
}

TEST_F(TiltfileTest, LocalResourceNameCannotBeDotDot) {
  file("Tiltfile", "local_resource('..', 'echo')\n");
  EXPECT_THAT(loadError(), HasSubstr("invalid value \"..\": may not be '..'"));
}

TEST_F(TiltfileTest, LocalResourceDependsOnOtherResources) {
  file("Tiltfile",
       "local_resource('foo', 'echo foo')\n"
       "local_resource('bar', 'echo bar', resource_deps=['foo'])\n");
  model::Project p = loadOk();
  EXPECT_TRUE(resource(p, "foo").resource_deps.empty());
  EXPECT_THAT(resource(p, "bar").resource_deps, ElementsAre("foo"));
}

TEST_F(TiltfileTest, LocalResourceResourceDepsMustBeASequenceOfStrings) {
  file("Tiltfile", "local_resource('bar', 'echo bar', resource_deps=[1])\n");
  EXPECT_THAT(loadError(),
              HasSubstr("local_resource: resource_deps: '1' is a starlark.Int, not a string"));
}

TEST_F(TiltfileTest, LocalResourceResourceDepsCannotBeAString) {
  file("Tiltfile", "local_resource('bar', 'echo bar', resource_deps='foo')\n");
  EXPECT_THAT(loadError(),
              HasSubstr("local_resource: for parameter resource_deps: got string, want sequence"));
}

TEST_F(TiltfileTest, LocalResourceLabelsAreAStringOrAList) {
  file("Tiltfile",
       "local_resource('test', cmd='echo hi', labels='foo')\n"
       "local_resource('test2', cmd='echo hi2', labels=['baz', 'bar', 'baz'])\n");
  model::Project p = loadOk();
  EXPECT_THAT(resource(p, "test").labels, ElementsAre("foo"));
  EXPECT_THAT(resource(p, "test2").labels, ElementsAre("bar", "baz"));
}

TEST_F(TiltfileTest, LocalResourceLabelsMustBeValidKubernetesLabels) {
  file("Tiltfile", "local_resource('test', cmd='echo hi', labels=['-bad'])\n");
  EXPECT_THAT(loadError(), HasSubstr("Invalid label \"-bad\": name part must consist of "
                                     "alphanumeric characters"));
}

TEST_F(TiltfileTest, LocalResourceLabelsCannotHaveAPrefix) {
  file("Tiltfile", "local_resource('test', cmd='echo hi', labels='example.com/foo')\n");
  EXPECT_THAT(loadError(), HasSubstr("Invalid label \"example.com/foo\": a valid label must be"));
}

TEST_F(TiltfileTest, LocalResourceLabelsOfTheWrongTypeIsAnError) {
  file("Tiltfile", "local_resource('test', cmd='echo hi', labels=1)\n");
  EXPECT_THAT(loadError(), HasSubstr("value should be a label or List or Tuple of labels, but is "
                                     "of type int"));
}

TEST_F(TiltfileTest, LocalResourceLinksAreStringsOrLinks) {
  file(
      "Tiltfile",
      "local_resource('a', 'echo', links='localhost:8000')\n"
      "local_resource('b', 'echo', links=['www.apple.edu', link('https://zombo.com', 'zombo')])\n");
  model::Project p = loadOk();
  ASSERT_EQ(resource(p, "a").links.size(), 1u);
  EXPECT_EQ(resource(p, "a").links[0].url, "http://localhost:8000");
  const auto& links = resource(p, "b").links;
  ASSERT_EQ(links.size(), 2u);
  EXPECT_EQ(links[0].url, "http://www.apple.edu");
  EXPECT_EQ(links[0].name, "");
  EXPECT_EQ(links[1].url, "https://zombo.com");
  EXPECT_EQ(links[1].name, "zombo");
}

TEST_F(TiltfileTest, LocalResourceLinkErrorsAreReported) {
  file("Tiltfile", "local_resource('a', 'echo', links=[''])\n");
  EXPECT_THAT(loadError(), HasSubstr("url empty"));
}

TEST_F(TiltfileTest, LocalResourceUnknownParameterIsAnError) {
  file("Tiltfile", "local_resource('a', 'echo', bogus=1)\n");
  EXPECT_THAT(loadError(), HasSubstr("local_resource: unexpected keyword argument \"bogus\""));
}

TEST_F(TiltfileTest, LocalResourcesComeInDeclarationOrder) {
  file("Tiltfile",
       "local_resource('c', 'echo')\n"
       "local_resource('a', 'echo')\n"
       "local_resource('b', 'echo')\n");
  model::Project p = loadOk();
  ASSERT_EQ(p.resources.size(), 3u);
  EXPECT_EQ(p.resources[0].name, "c");
  EXPECT_EQ(p.resources[1].name, "a");
  EXPECT_EQ(p.resources[2].name, "b");
}

// ---- local_resource: parallelism, probes, test() ----------------------------------------------

TEST_F(TiltfileTest, LocalResourceAllowParallel) {
  file("Tiltfile",
       "local_resource('a', ['echo', 'hi'], allow_parallel=True)\n"
       "local_resource('b', ['echo', 'hi'])\n"
       "local_resource('c', serve_cmd=['echo', 'hi'])\n");
  model::Project p = loadOk();
  EXPECT_TRUE(resource(p, "a").local->allow_parallel);
  EXPECT_FALSE(resource(p, "b").local->allow_parallel);
  // A serve_cmd alone is a no-op update, which may always run in parallel.
  EXPECT_TRUE(resource(p, "c").local->allow_parallel);
}

TEST_F(TiltfileTest, LocalResourceReadinessProbeGoesWithTheServeCommand) {
  file("Tiltfile",
       "local_resource('a', serve_cmd='python -m http.server 8000',\n"
       "  readiness_probe=probe(period_secs=5, http_get=http_get_action(port=8000, path='/')))\n");
  model::Project p = loadOk();
  const auto& probe = resource(p, "a").local->readiness_probe;
  ASSERT_TRUE(probe.has_value());
  EXPECT_EQ(probe->period_secs, 5);
  ASSERT_TRUE(probe->http_get.has_value());
  EXPECT_EQ(probe->http_get->port, 8000);
  EXPECT_EQ(probe->http_get->path, "/");
}

TEST_F(TiltfileTest, LocalResourceReadinessProbeWithoutServeCommandIsIgnoredWithAWarning) {
  file("Tiltfile",
       "local_resource('a', cmd='make',\n"
       "  readiness_probe=probe(tcp_socket=tcp_socket_action(8000)))\n");
  model::Project p = loadOk();
  EXPECT_FALSE(resource(p, "a").local->readiness_probe.has_value());
  EXPECT_THAT(p.warnings, ElementsAre("Ignoring readiness probe for local resource \"a\" (no "
                                      "serve_cmd was defined)"));
}

TEST_F(TiltfileTest, LocalResourceReadinessProbeMustBeAProbe) {
  file("Tiltfile", "local_resource('a', serve_cmd='x', readiness_probe=1)\n");
  EXPECT_THAT(loadError(), HasSubstr("got starlark.Int, want Probe"));
}

TEST_F(TiltfileTest, TestIsADeprecatedLocalResourceThatRunsInParallel) {
  file("Tiltfile",
       "test('test', 'echo hi')\n"
       "test('serial', 'echo hi', allow_parallel=False)\n");
  model::Project p = loadOk();
  EXPECT_EQ(resource(p, "test").type, model::ResourceType::kLocal);
  EXPECT_TRUE(resource(p, "test").local->allow_parallel);
  EXPECT_FALSE(resource(p, "serial").local->allow_parallel);
  ASSERT_FALSE(p.warnings.empty());
  EXPECT_EQ(p.warnings[0],
            "test() is deprecated and will be removed in a future release.\n"
            "Change this call to use `local_resource(..., allow_parallel=True)`");
}

// ---- trigger modes ----------------------------------------------------------------------------

struct TriggerModeCase {
  std::string global;     // "", "TRIGGER_MODE_AUTO" or "TRIGGER_MODE_MANUAL"
  std::string resource;   // the same, for local_resource(trigger_mode=)
  std::string auto_init;  // "", "True" or "False"
  model::TriggerMode want_mode;
  bool want_auto_init;
};

TEST_F(TiltfileTest, LocalResourceTriggerModeFollowsTheResourceThenTheGlobalSetting) {
  using model::TriggerMode;
  const std::vector<TriggerModeCase> cases = {
      {"", "", "", TriggerMode::kAuto, true},
      {"TRIGGER_MODE_AUTO", "", "", TriggerMode::kAuto, true},
      {"TRIGGER_MODE_MANUAL", "", "", TriggerMode::kManual, true},
      {"TRIGGER_MODE_AUTO", "", "False", TriggerMode::kAuto, false},
      {"TRIGGER_MODE_MANUAL", "", "False", TriggerMode::kManual, false},
      {"", "TRIGGER_MODE_MANUAL", "", TriggerMode::kManual, true},
      {"", "TRIGGER_MODE_AUTO", "False", TriggerMode::kAuto, false},
      {"", "TRIGGER_MODE_MANUAL", "False", TriggerMode::kManual, false},
      {"TRIGGER_MODE_MANUAL", "TRIGGER_MODE_AUTO", "", TriggerMode::kAuto, true},
      {"TRIGGER_MODE_AUTO", "TRIGGER_MODE_MANUAL", "", TriggerMode::kManual, true},
  };
  for (const TriggerModeCase& c : cases) {
    std::string src;
    if (!c.global.empty()) src += "trigger_mode(" + c.global + ")\n";
    src += "local_resource('foo', 'echo hi'";
    if (!c.resource.empty()) src += ", trigger_mode=" + c.resource;
    if (!c.auto_init.empty()) src += ", auto_init=" + c.auto_init;
    src += ")\n";
    file("Tiltfile", src);
    model::Project p = loadOk();
    SCOPED_TRACE(src);
    ASSERT_EQ(p.resources.size(), 1u);
    EXPECT_EQ(p.resources[0].trigger_mode, c.want_mode);
    EXPECT_EQ(p.resources[0].auto_init, c.want_auto_init);
  }
}

TEST_F(TiltfileTest, TriggerModeAppliesToResourcesDeclaredBeforeIt) {
  file("Tiltfile",
       "local_resource('foo', 'echo hi')\n"
       "trigger_mode(TRIGGER_MODE_MANUAL)\n");
  model::Project p = loadOk();
  EXPECT_EQ(p.resources[0].trigger_mode, model::TriggerMode::kManual);
  EXPECT_EQ(p.settings.default_trigger_mode, model::TriggerMode::kManual);
}

TEST_F(TiltfileTest, TriggerModeCanOnlyBeCalledOnce) {
  file("Tiltfile",
       "trigger_mode(TRIGGER_MODE_MANUAL)\n"
       "trigger_mode(TRIGGER_MODE_MANUAL)\n");
  EXPECT_THAT(loadError(), HasSubstr("trigger_mode can only be called once. It was already "
                                     "called at " +
                                     path("Tiltfile") + ":1:13"));
}

TEST_F(TiltfileTest, TriggerModeMustBeATriggerMode) {
  file("Tiltfile", "trigger_mode(1)\n");
  EXPECT_THAT(loadError(), HasSubstr("got int, want TriggerMode"));
}

TEST_F(TiltfileTest, TriggerModeValuesPrintTheirNames) {
  file("Tiltfile",
       "print(TRIGGER_MODE_AUTO, TRIGGER_MODE_MANUAL, type(TRIGGER_MODE_AUTO))\n"
       "print(TRIGGER_MODE_AUTO == TRIGGER_MODE_AUTO, TRIGGER_MODE_AUTO == TRIGGER_MODE_MANUAL)\n");
  loadOk();
  EXPECT_EQ(logText(), "TRIGGER_MODE_AUTO TRIGGER_MODE_MANUAL TriggerMode\nTrue False\n");
}

// ---- local() ----------------------------------------------------------------------------------

TEST_F(TiltfileTest, LocalReturnsStdoutAndEchoesTheCommandAndItsOutput) {
  file("foo.yaml", "kind: Deployment\n");
  file("Tiltfile",
       "yaml = local('cat foo.yaml')\n"
       "print(type(yaml), str(yaml) == 'kind: Deployment\\n')\n");
  loadOk();
  EXPECT_EQ(logText(), "local: cat foo.yaml\n → kind: Deployment\nblob True\n");
}

TEST_F(TiltfileTest, LocalLogsStderrButReturnsOnlyStdout) {
  file("Tiltfile",
       "out = local('echo out; echo err >&2')\n"
       "print(repr(str(out)))\n");
  loadOk();
  EXPECT_THAT(logText(), HasSubstr(" → out\n"));
  EXPECT_THAT(logText(), HasSubstr(" → err\n"));
  EXPECT_THAT(logText(), HasSubstr("\"out\\n\"\n"));
}

TEST_F(TiltfileTest, LocalQuietHidesTheOutput) {
  file("Tiltfile", "local('echo foobar', quiet=True)\n");
  loadOk();
  EXPECT_EQ(logText(), "local: echo foobar\n");
}

TEST_F(TiltfileTest, LocalEchoOffHidesTheCommand) {
  file("Tiltfile", "local('echo foobar', echo_off=True)\n");
  loadOk();
  EXPECT_EQ(logText(), " → foobar\n");
}

TEST_F(TiltfileTest, LocalSaysNoOutputOnlyWhenEchoingCommandAndOutput) {
  struct Case {
    const char* echo_off;
    const char* quiet;
    const char* want_log;
  };
  const Case cases[] = {
      {"False", "False", "local: exit 0\n → [no output]\n"},
      {"True", "False", ""},
      {"False", "True", "local: exit 0\n"},
      {"True", "True", ""},
  };
  for (const Case& c : cases) {
    file("Tiltfile",
         std::string("local('exit 0', echo_off=") + c.echo_off + ", quiet=" + c.quiet + ")\n");
    loadOk();
    EXPECT_EQ(logText(), c.want_log) << "echo_off=" << c.echo_off << " quiet=" << c.quiet;
  }
}

TEST_F(TiltfileTest, LocalPassesEnvToTheCommand) {
  file("Tiltfile",
       "ignore = str(local('echo $FOO', command_bat='echo %FOO%', env={'FOO': 'bar'})).rstrip("
       "'\\r\\n')\n"
       "watch_settings(ignore=ignore)\n");
  model::Project p = loadOk();
  EXPECT_THAT(p.settings.watch_ignore, ElementsAre(path("bar")));
}

TEST_F(TiltfileTest, LocalRunsInTheGivenDirectory) {
  file("sub/marker.txt", "found\n");
  file("Tiltfile",
       "print(str(local('cat marker.txt', dir='sub', quiet=True)).strip())\n"
       "print(str(local('pwd', quiet=True)).strip() == __file__.rsplit('/', 1)[0])\n");
  loadOk();
  EXPECT_THAT(logText(), HasSubstr("found\n"));
  EXPECT_THAT(logText(), HasSubstr("True\n"));
}

TEST_F(TiltfileTest, LocalRunsRelativeToTheLoadedFile) {
  file("lib/marker.txt", "in lib\n");
  file("lib/defs.star", "x = str(local('cat marker.txt', quiet=True)).strip()\n");
  file("Tiltfile", "load('lib/defs.star', 'x')\nprint(x)\n");
  loadOk();
  EXPECT_THAT(logText(), HasSubstr("in lib\n"));
}

TEST_F(TiltfileTest, LocalFeedsStdin) {
  file("Tiltfile", "local('head -4 | tail -2', stdin='foo\\nbar\\nbaz\\nquu\\nqux\\n')\n");
  loadOk();
  EXPECT_THAT(logText(), HasSubstr("head -4 | tail -2\n → baz\n → quu\n"));
}

TEST_F(TiltfileTest, LocalStdinTakesABlob) {
  file("Tiltfile", "local('cat', stdin=local('echo hi'))\n");
  loadOk();
  EXPECT_THAT(logText(), HasSubstr("local: echo hi\n → hi\nlocal: cat\n → hi\n"));
}

TEST_F(TiltfileTest, LocalStdinMustBeAString) {
  file("Tiltfile", "local('cat', stdin=1)\n");
  EXPECT_THAT(loadError(), HasSubstr("Value should be convertible to string, but is type int"));
}

TEST_F(TiltfileTest, LocalExecsArgvCommandsWithoutAShell) {
  file("Tiltfile", "local(['echo', 'a\"b'])\n");
  loadOk();
  EXPECT_THAT(logText(), HasSubstr(" → a\"b\n"));
}

TEST_F(TiltfileTest, LocalFailureFailsTheTiltfile) {
  file("Tiltfile", "\nlocal('echo oops; exit 3')\n");
  std::string err = loadError();
  EXPECT_THAT(err, HasSubstr("Error in local: command \"echo oops; exit 3\" failed.\n"
                             "error: exit status 3"));
  EXPECT_THAT(err, HasSubstr(path("Tiltfile") + ":2:6: in <toplevel>"));
  // The output was already logged, so the message does not repeat it.
  EXPECT_THAT(err, Not(HasSubstr("stdout:")));
  EXPECT_THAT(logText(), HasSubstr(" → oops\n"));
}

TEST_F(TiltfileTest, QuietLocalFailureIncludesTheOutput) {
  file("Tiltfile", "local('echo out; echo err >&2; exit 1', quiet=True)\n");
  EXPECT_THAT(loadError(),
              HasSubstr("command \"echo out; echo err >&2; exit 1\" failed.\nerror: exit status 1"
                        "\nstdout:\nout\n\nstderr:\nerr\n"));
}

TEST_F(TiltfileTest, LocalOfAMissingProgramFails) {
  file("Tiltfile", "local(['no-such-program-slant'])\n");
  EXPECT_THAT(loadError(),
              HasSubstr("command \"no-such-program-slant\" failed.\nerror: exec: "
                        "\"no-such-program-slant\": executable file not found in $PATH"));
}

TEST_F(TiltfileTest, LocalOfAnEmptyCommandFails) {
  file("Tiltfile", "local([])\n");
  EXPECT_THAT(loadError(), HasSubstr("empty cmd"));
  file("Tiltfile", "local('')\n");
  EXPECT_THAT(loadError(), HasSubstr("empty cmd"));
}

TEST_F(TiltfileTest, LocalRefusesToRunAgainstAProductionContext) {
  options.k8s_context = "gke_project_zone_prod";
  options.k8s_namespace = "default";
  file("Tiltfile", "local('echo hi')\n");
  std::string err = loadError();
  EXPECT_THAT(err, HasSubstr("Refusing to run 'local' because gke_project_zone_prod might be a "
                             "production kube context."));
  EXPECT_THAT(err, HasSubstr("allow_k8s_contexts('gke_project_zone_prod')"));
}

TEST_F(TiltfileTest, LocalRunsAgainstAnAllowedContext) {
  options.k8s_context = "gke_project_zone_prod";
  options.k8s_namespace = "default";
  file("Tiltfile",
       "allow_k8s_contexts('gke_project_zone_prod')\n"
       "local('echo hi')\n");
  loadOk();
  EXPECT_THAT(logText(), HasSubstr(" → hi\n"));
}

TEST_F(TiltfileTest, LocalCommandOfTheWrongTypeIsAnError) {
  file("Tiltfile", "local(1)\n");
  EXPECT_THAT(loadError(), HasSubstr("a command must be a string or list of strings"));
}

}  // namespace
}  // namespace slant::tiltfile
