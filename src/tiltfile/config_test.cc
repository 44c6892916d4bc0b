// Tests of the config module (Tilt's config_test.go cases and more) and of the rule that picks
// the enabled resources.
#include "tiltfile/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tiltfile/tiltfile_test_util.h"

namespace slant::tiltfile {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using Names = std::vector<std::string>;

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// ---- define_* and parse: arguments ------------------------------------------------------------

TEST_F(TiltfileTest, ConfigParseReadsRepeatedKeywordFlagsIntoAStringList) {
  file("Tiltfile",
       "config.define_string_list('foo')\n"
       "cfg = config.parse()\n"
       "print(cfg['foo'])\n");
  loadOk({"--foo", "republic", "--foo", "dominican", "--foo=cuba"});
  EXPECT_EQ(logText(), "[\"republic\", \"dominican\", \"cuba\"]\n");
}

TEST_F(TiltfileTest, ConfigParseGivesPositionalArgumentsToTheArgsSetting) {
  file("Tiltfile",
       "config.define_string_list('foo', args=True)\n"
       "cfg = config.parse()\n"
       "print(cfg['foo'])\n");
  loadOk({"united", "states", "canada"});
  EXPECT_EQ(logText(), "[\"united\", \"states\", \"canada\"]\n");
}

TEST_F(TiltfileTest, ConfigParseAcceptsPositionalArgumentsBetweenFlags) {
  file("Tiltfile",
       "config.define_string_list('foo', args=True)\n"
       "config.define_string_list('bar')\n"
       "config.define_string_list('baz')\n"
       "cfg = config.parse()\n"
       "print('foo:', cfg['foo'])\n"
       "print('bar:', cfg['bar'])\n"
       "print('baz:', cfg['baz'])\n");
  loadOk({"--bar", "puerto rico", "--baz", "colombia", "--bar", "venezuela", "--baz", "honduras",
          "--baz", "guyana", "and", "still"});
  EXPECT_THAT(logText(), HasSubstr("foo: [\"and\", \"still\"]"));
  EXPECT_THAT(logText(), HasSubstr("bar: [\"puerto rico\", \"venezuela\"]"));
  EXPECT_THAT(logText(), HasSubstr("baz: [\"colombia\", \"honduras\", \"guyana\"]"));
}

TEST_F(TiltfileTest, ConfigParseTreatsEverythingAfterDoubleDashAsPositional) {
  file("Tiltfile",
       "config.define_string_list('rest', args=True)\n"
       "config.define_string('bar')\n"
       "cfg = config.parse()\n"
       "print(cfg)\n");
  loadOk({"--bar", "x", "--", "--bar", "-y"});
  EXPECT_EQ(logText(), "{\"rest\": [\"--bar\", \"-y\"], \"bar\": \"x\"}\n");
}

TEST_F(TiltfileTest, ConfigParseReadsEachSettingType) {
  file("Tiltfile",
       "config.define_string('s')\n"
       "config.define_bool('b')\n"
       "config.define_bool('off')\n"
       "config.define_object('o')\n"
       "cfg = config.parse()\n"
       "print(cfg['s'], cfg['b'], cfg['off'], cfg['o'])\n");
  loadOk({"--s=bar", "--b", "--off=false", "--o", "{\"a\": [1, \"x\"], \"n\": null}"});
  // JSON numbers become floats, as Go's encoding/json decodes them.
  EXPECT_EQ(logText(), "bar True False {\"a\": [1.0, \"x\"], \"n\": None}\n");
}

TEST_F(TiltfileTest, ConfigParseLeavesSettingsNobodyGaveOutOfTheDict) {
  file("Tiltfile",
       "config.define_string_list('foo', args=True)\n"
       "cfg = config.parse()\n"
       "print('foo:', cfg['foo'])\n");
  EXPECT_THAT(loadError(), HasSubstr("key \"foo\" not in dict"));
}

TEST_F(TiltfileTest, ConfigParseAllowsABoolFlagOnlyOnce) {
  file("Tiltfile", "config.define_bool('foo')\nconfig.parse()\n");
  EXPECT_THAT(loadError({"--foo", "--foo"}),
              HasSubstr("invalid Tiltfile config args: invalid argument \"true\" for \"--foo\" "
                        "flag: bool settings can only be specified once. multiple values found "
                        "(last value: true)"));
}

TEST_F(TiltfileTest, ConfigParseAllowsAStringFlagOnlyOnce) {
  file("Tiltfile", "config.define_string('foo')\nconfig.parse()\n");
  EXPECT_THAT(loadError({"--foo", "bar", "--foo", "baz"}),
              HasSubstr("string settings can only be specified once. multiple values found "
                        "(last value: baz)"));
}

TEST_F(TiltfileTest, ConfigParseAllowsAnObjectFlagOnlyOnce) {
  file("Tiltfile", "config.define_object('foo')\nconfig.parse()\n");
  EXPECT_THAT(loadError({"--foo", "[1]", "--foo", "2"}),
              HasSubstr("object settings can only be specified once. multiple values found "
                        "(last value: [1.0])"));
}

TEST_F(TiltfileTest, ConfigParseRejectsAnInvalidBool) {
  file("Tiltfile", "config.define_bool('foo')\nconfig.parse()\n");
  EXPECT_THAT(loadError({"--foo=maybe"}),
              HasSubstr("invalid argument \"maybe\" for \"--foo\" flag: strconv.ParseBool: "
                        "parsing \"maybe\": invalid syntax"));
}

TEST_F(TiltfileTest, ConfigParseRejectsInvalidJsonForAnObject) {
  file("Tiltfile", "config.define_object('foo')\nconfig.parse()\n");
  EXPECT_THAT(loadError({"--foo", "{\"a\":"}),
              HasSubstr("invalid argument \"{\\\"a\\\":\" for \"--foo\" flag: decoding JSON, got "
                        "\"{\\\"a\\\":\": unexpected end of JSON input"));
}

TEST_F(TiltfileTest, ConfigParseRequiresAValueForANonBoolFlag) {
  file("Tiltfile", "config.define_string('foo')\nconfig.parse()\n");
  EXPECT_EQ(loadError({"--foo"}),
            "Traceback (most recent call last):\n  " + path("Tiltfile") +
                ":2:13: in <toplevel>\nError in config.parse: invalid Tiltfile config args: flag "
                "needs an argument: --foo\nUsage:\n      --foo string   \n");
}

TEST_F(TiltfileTest, ConfigParseReportsAnUnknownFlagWithTheUsage) {
  file("Tiltfile",
       "config.define_string_list('foo')\n"
       "config.parse()\n");
  std::string err = loadError({"--bar", "hello"});
  EXPECT_THAT(err, HasSubstr("Error in config.parse: invalid Tiltfile config args: unknown flag: "
                             "--bar\nUsage:\n      --foo list[string]   \n"));
  EXPECT_THAT(err, HasSubstr(path("Tiltfile") + ":2:13: in <toplevel>"));
}

TEST_F(TiltfileTest, ConfigUsageListsFlagsSortedAndAlignedWithTheirUsage) {
  file("Tiltfile",
       "config.define_string_list('resources', args=True, usage='not a flag')\n"
       "config.define_string('zone', usage='the `region` to use')\n"
       "config.define_bool('verbose', usage='log more')\n"
       "config.define_object('extra', usage='anything')\n"
       "config.define_string_list('a', usage='what can I foo for you today?')\n"
       "config.parse()\n");
  EXPECT_THAT(loadError({"-x"}),
              HasSubstr("invalid Tiltfile config args: unknown shorthand flag: 'x' in -x\n"
                        "Usage:\n"
                        "      --a list[string]   what can I foo for you today?\n"
                        "      --extra object     anything (default None)\n"
                        "      --verbose          log more\n"
                        "      --zone region      the region to use\n"));
}

TEST_F(TiltfileTest, ConfigUsageWrapsLongLinesAtEightyColumns) {
  file("Tiltfile",
       "config.define_string('foo', usage='one two three four five six seven eight nine ten "
       "eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty')\n"
       "config.parse()\n");
  EXPECT_THAT(loadError({"--nope"}),
              HasSubstr("Usage:\n"
                        "      --foo string   one two three four five six seven eight nine ten\n"
                        "                     eleven twelve thirteen fourteen fifteen sixteen\n"
                        "                     seventeen eighteen nineteen twenty\n"));
}

TEST_F(TiltfileTest, ConfigParseHelpPrintsTheUsageToTheLog) {
  file("Tiltfile", "config.define_string('foo', usage='a foo')\nconfig.parse()\n");
  EXPECT_THAT(loadError({"--help"}),
              HasSubstr("invalid Tiltfile config args: pflag: help requested\nUsage:\n"));
  EXPECT_EQ(logText(), "Usage of :\n      --foo string   a foo\n");
}

TEST_F(TiltfileTest, ConfigParseRejectsPositionalArgumentsNobodyExpects) {
  file("Tiltfile", "cfg = config.parse()\n");
  EXPECT_THAT(loadError({"do", "re", "mi"}),
              HasSubstr("Error in config.parse: invalid Tiltfile config args: positional CLI args "
                        "(\"do re mi\") were specified, but none were expected.\n"
                        "See https://docs.tilt.dev/tiltfile_config.html#positional-arguments for "
                        "examples."));
}

TEST_F(TiltfileTest, ConfigParseRejectsTwoPositionalArgumentsForAString) {
  file("Tiltfile", "config.define_string('env', args=True)\nconfig.parse()\n");
  EXPECT_THAT(loadError({"dev", "prod"}),
              HasSubstr("invalid Tiltfile config args: invalid positional args (env): string "
                        "settings can only be specified once. multiple values found (last value: "
                        "prod)"));
}

TEST_F(TiltfileTest, ConfigParseRejectsBadFlagSyntax) {
  file("Tiltfile", "config.define_string('foo')\nconfig.parse()\n");
  EXPECT_THAT(loadError({"---foo"}), HasSubstr("bad flag syntax: ---foo"));
}

// ---- define_*: errors -------------------------------------------------------------------------

TEST_F(TiltfileTest, ConfigAllowsOnlyOnePositionalSetting) {
  file("Tiltfile",
       "config.define_string_list('foo', args=True)\n"
       "config.define_string_list('bar', args=True)\n");
  EXPECT_THAT(loadError(), HasSubstr("Error in config.define_string_list: both bar and foo are "
                                     "defined as positional args"));
}

TEST_F(TiltfileTest, ConfigRejectsASettingDefinedTwice) {
  file("Tiltfile", "config.define_string_list('foo')\nconfig.define_bool('foo')\n");
  EXPECT_THAT(loadError(), HasSubstr("Error in config.define_bool: foo defined multiple times"));
}

TEST_F(TiltfileTest, ConfigRequiresASettingName) {
  file("Tiltfile", "config.define_string('')\n");
  EXPECT_THAT(loadError(), HasSubstr("Error in config.define_string: 'name' is required"));
}

TEST_F(TiltfileTest, ConfigDefineChecksItsArguments) {
  file("Tiltfile", "config.define_string('foo', args='yes')\n");
  EXPECT_THAT(loadError(),
              HasSubstr("config.define_string: for parameter \"args\": got string, want bool"));
}

TEST_F(TiltfileTest, ConfigRejectsADefinitionAfterParse) {
  file("Tiltfile", "cfg = config.parse()\nconfig.define_string_list('foo')\n");
  std::string err = loadError();
  EXPECT_THAT(err, HasSubstr("config.define_string_list cannot be called after config.parse is "
                             "called"));
  EXPECT_THAT(err, HasSubstr(path("Tiltfile") + ":2:"));
}

TEST_F(TiltfileTest, ConfigParseTakesNoArguments) {
  file("Tiltfile", "config.parse(1)\n");
  EXPECT_THAT(loadError(), HasSubstr("config.parse: got 1 arguments, want at most 0"));
}

// ---- parse: tilt_config.json -------------------------------------------------------------------

TEST_F(TiltfileTest, ConfigParseReadsTiltConfigJsonAndArgumentsWin) {
  file("Tiltfile",
       "config.define_string_list('a')\n"
       "config.define_string_list('b')\n"
       "config.define_string_list('c', args=True)\n"
       "cfg = config.parse()\n"
       "print('a=', cfg.get('a', 'missing'))\n"
       "print('b=', cfg.get('b', 'missing'))\n"
       "print('c=', cfg.get('c', 'missing'))\n");
  file("tilt_config.json", "{\"b\": [\"7\", \"8\"], \"c\": [\"9\"]}");
  loadOk({"--a", "1", "--a", "2", "--a", "4", "5", "6"});
  EXPECT_EQ(logText(), "a= [\"1\", \"2\", \"4\"]\nb= [\"7\", \"8\"]\nc= [\"5\", \"6\"]\n");
}

TEST_F(TiltfileTest, ConfigParseReadsEachTypeFromTiltConfigJson) {
  file("Tiltfile",
       "config.define_string('s')\n"
       "config.define_bool('b')\n"
       "config.define_object('o')\n"
       "config.define_string('unset')\n"
       "cfg = config.parse()\n"
       "print(cfg)\n");
  file("tilt_config.json", "{\"s\": \"bar\", \"b\": true, \"o\": {\"x\": 1}, \"unset\": null}");
  loadOk();
  EXPECT_EQ(logText(), "{\"s\": \"bar\", \"b\": True, \"o\": {\"x\": 1.0}, \"unset\": \"\"}\n");
}

TEST_F(TiltfileTest, ConfigParseRecordsTiltConfigJsonEvenWhenMissing) {
  file("Tiltfile", "cfg = config.parse()\n");
  model::Project p = loadOk();
  EXPECT_TRUE(contains(p.config_files, path("tilt_config.json")));
}

TEST_F(TiltfileTest, ConfigParseRejectsAnUnknownSettingInTiltConfigJson) {
  file("Tiltfile", "config.define_string_list('foo')\ncfg = config.parse()\n");
  file("tilt_config.json", "{\"bar\": \"1\"}");
  EXPECT_THAT(loadError(), HasSubstr("Error in config.parse: " + path("tilt_config.json") +
                                     " specified unknown setting name 'bar'"));
}

TEST_F(TiltfileTest, ConfigParseRejectsAWrongTypeInTiltConfigJson) {
  file("Tiltfile",
       "config.define_string_list('foo')\n"
       "config.define_string('s')\n"
       "config.define_bool('b')\n"
       "config.parse()\n");
  file("tilt_config.json", "{\"foo\": \"1\"}");
  EXPECT_THAT(loadError(), HasSubstr(path("tilt_config.json") +
                                     " specified invalid value for setting foo: expected array"));
  file("tilt_config.json", "{\"foo\": [1, 2]}");
  EXPECT_THAT(loadError(), HasSubstr("expected string, got float64"));
  file("tilt_config.json", "{\"s\": 5}");
  EXPECT_THAT(loadError(), HasSubstr("expected string, found float64"));
  file("tilt_config.json", "{\"b\": 5}");
  EXPECT_THAT(loadError(), HasSubstr("expected bool, found float64"));
}

TEST_F(TiltfileTest, ConfigParseRejectsMalformedTiltConfigJson) {
  file("Tiltfile", "config.parse()\n");
  file("tilt_config.json", "{\"foo\": ");
  EXPECT_THAT(loadError(), HasSubstr("error parsing json from " + path("tilt_config.json") +
                                     ": unexpected end of JSON input"));
}

TEST_F(TiltfileTest, ConfigParseMayBeCalledFromOnlyOneDirectory) {
  file("Tiltfile",
       "config.define_string_list('foo')\n"
       "cfg = config.parse()\n"
       "include('inc/Tiltfile')\n");
  file("inc/Tiltfile", "cfg = config.parse()\n");
  EXPECT_THAT(loadError(),
              HasSubstr("config.parse can only be called from one Tiltfile working directory per "
                        "run. It was called from " +
                        dir() + " and " + path("inc")));
}

TEST_F(TiltfileTest, ConfigParseMayBeCalledTwiceFromTheSameDirectory) {
  file("Tiltfile",
       "config.define_string('foo')\n"
       "print(config.parse()['foo'], config.parse()['foo'])\n");
  loadOk({"--foo", "x"});
  EXPECT_EQ(logText(), "x x\n");
}

// ---- values ----------------------------------------------------------------------------------

TEST_F(TiltfileTest, ConfigTiltSubcommandIsTheCommandBeingRun) {
  file("Tiltfile", "print(config.tilt_subcommand)\n");
  options.subcommand = "ci";
  loadOk();
  EXPECT_EQ(logText(), "ci\n");
}

TEST_F(TiltfileTest, ConfigMainPathAndDirNameTheMainTiltfileEvenInIncludedFiles) {
  file("foo/Tiltfile", "print(config.main_path, config.main_dir)\n");
  file("Tiltfile", "include('./foo/Tiltfile')\nprint(config.main_path, config.main_dir)\n");
  loadOk();
  std::string line = path("Tiltfile") + " " + dir() + "\n";
  EXPECT_EQ(logText(), line + line);
}

TEST_F(TiltfileTest, ConfigIsAModule) {
  file("Tiltfile", "print(type(config), config)\nprint(dir(config))\n");
  loadOk();
  EXPECT_EQ(logText(),
            "module <module \"config\">\n"
            "[\"clear_enabled_resources\", \"define_bool\", \"define_object\", \"define_string\", "
            "\"define_string_list\", \"main_dir\", \"main_path\", \"parse\", "
            "\"set_enabled_resources\", \"tilt_subcommand\"]\n");
}

// ---- enabled resources -----------------------------------------------------------------------

const char* const kTwoResources =
    "local_resource('a', 'echo a')\n"
    "local_resource('b', 'echo b')\n";

TEST_F(TiltfileTest, EnabledResourcesAreAllResourcesByDefault) {
  file("Tiltfile", kTwoResources);
  EXPECT_THAT(loadOk().enabled_resources, ElementsAre("a", "b"));
}

TEST_F(TiltfileTest, EnabledResourcesFollowThePositionalArgumentsWithoutConfigParse) {
  file("Tiltfile", kTwoResources);
  EXPECT_THAT(loadOk({"a"}).enabled_resources, ElementsAre("a"));
}

TEST_F(TiltfileTest, EnabledResourcesIgnoreTheArgumentsOnceConfigParseRan) {
  file("Tiltfile", std::string(kTwoResources) +
                       "config.define_string_list('resources', args=True)\nconfig.parse()\n");
  EXPECT_THAT(loadOk({"a"}).enabled_resources, ElementsAre("a", "b"));
}

TEST_F(TiltfileTest, SetEnabledResourcesWinsOverTheArguments) {
  file("Tiltfile", std::string(kTwoResources) + "config.set_enabled_resources(['b'])\n");
  EXPECT_THAT(loadOk().enabled_resources, ElementsAre("b"));
  EXPECT_THAT(loadOk({"a"}).enabled_resources, ElementsAre("b"));
  file("Tiltfile", std::string(kTwoResources) +
                       "config.set_enabled_resources(('b',))\n"
                       "config.define_string_list('resources', args=True)\nconfig.parse()\n");
  EXPECT_THAT(loadOk({"a"}).enabled_resources, ElementsAre("b"));
}

TEST_F(TiltfileTest, SetEnabledResourcesFromConfigParseSelectsTheNamedOnes) {
  file("Tiltfile",
       "local_resource('foo', 'echo')\nlocal_resource('bar', 'echo')\n"
       "local_resource('baz', 'echo')\n"
       "config.define_string_list('resources', usage='which resources to load', args=True)\n"
       "config.set_enabled_resources(config.parse()['resources'])\n");
  EXPECT_THAT(loadOk({"foo", "bar"}).enabled_resources, ElementsAre("foo", "bar"));
}

TEST_F(TiltfileTest, SetEnabledResourcesWithAnEmptyListKeepsTheDefault) {
  file("Tiltfile", std::string(kTwoResources) + "config.set_enabled_resources([])\n");
  EXPECT_THAT(loadOk({"a"}).enabled_resources, ElementsAre("a"));
  EXPECT_THAT(loadOk().enabled_resources, ElementsAre("a", "b"));
}

TEST_F(TiltfileTest, ClearEnabledResourcesDisablesEverything) {
  file("Tiltfile", std::string(kTwoResources) + "config.clear_enabled_resources()\n");
  EXPECT_THAT(loadOk({"a", "b"}).enabled_resources, IsEmpty());
}

TEST_F(TiltfileTest, SetEnabledResourcesAfterClearEnablesThoseAgain) {
  file("Tiltfile", std::string(kTwoResources) +
                       "config.clear_enabled_resources()\nconfig.set_enabled_resources(['a'])\n");
  EXPECT_THAT(loadOk().enabled_resources, ElementsAre("a"));
}

TEST_F(TiltfileTest, ClearEnabledResourcesTakesNoArguments) {
  file("Tiltfile", "config.clear_enabled_resources('foo')\n");
  EXPECT_THAT(loadError(),
              HasSubstr("config.clear_enabled_resources: got 1 arguments, want at most 0"));
}

TEST_F(TiltfileTest, SetEnabledResourcesRequiresASequenceOfStrings) {
  file("Tiltfile", "config.set_enabled_resources('a')\n");
  EXPECT_THAT(loadError(), HasSubstr("config.set_enabled_resources: for parameter resources: got "
                                     "string, want starlark.Sequence"));
  file("Tiltfile", "config.set_enabled_resources(['a', 1])\n");
  EXPECT_THAT(loadError(), HasSubstr("Error in config.set_enabled_resources: resources must be a "
                                     "list of string: '1' is a starlark.Int, not a string"));
}

TEST_F(TiltfileTest, EnabledResourcesPullInTransitiveDependencies) {
  file("Tiltfile",
       "local_resource('a', 'echo a')\n"
       "local_resource('b', 'echo b', resource_deps=['a'])\n"
       "local_resource('c', 'echo c', resource_deps=['b'])\n"
       "local_resource('d', 'echo d', resource_deps=['b'])\n"
       "local_resource('e', 'echo e')\n");
  EXPECT_THAT(loadOk({"a"}).enabled_resources, ElementsAre("a"));
  EXPECT_THAT(loadOk({"c"}).enabled_resources, ElementsAre("a", "b", "c"));
  EXPECT_THAT(loadOk({"d", "e"}).enabled_resources, ElementsAre("a", "b", "d", "e"));
  EXPECT_THAT(loadOk({"e"}).enabled_resources, ElementsAre("e"));
}

TEST_F(TiltfileTest, EnablingAnUnknownResourceIsAnErrorListingTheOthers) {
  file("Tiltfile", "local_resource('foo', 'echo')\nlocal_resource('bar', 'echo')\n");
  EXPECT_EQ(loadError({"baz"}),
            "You specified some resources that could not be found: \"baz\"\n"
            "Is this a typo? Existing resources in Tiltfile: \"foo\", \"bar\"");
  EXPECT_EQ(loadError({"foo", "baz", "qux"}),
            "You specified some resources that could not be found: \"baz\", \"qux\"\n"
            "Is this a typo? Existing resources in Tiltfile: \"bar\"");
}

TEST(SelectResources, AlwaysKeepsUncategorized) {
  std::vector<model::Resource> resources(3);
  resources[0].name = "foo";
  resources[1].name = "bar";
  resources[2].name = "uncategorized";
  EXPECT_THAT(selectResources(resources, {"foo"}).value(), ElementsAre("foo", "uncategorized"));
  EXPECT_THAT(selectResources(resources, {}).value(), ElementsAre("foo", "bar", "uncategorized"));
}

TEST(SelectResources, FollowsDependencyCyclesWithoutLooping) {
  std::vector<model::Resource> resources(2);
  resources[0].name = "a";
  resources[0].resource_deps = {"b"};
  resources[1].name = "b";
  resources[1].resource_deps = {"a"};
  EXPECT_THAT(selectResources(resources, {"b"}).value(), ElementsAre("a", "b"));
}

}  // namespace
}  // namespace slant::tiltfile
