// Tests of the v1alpha1 module: the object constructors, the spec helpers, Tilt's validation
// messages, and the warnings about what slant does not do with the objects yet.
#include "tiltfile/v1alpha1.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tiltfile/tiltfile_test_util.h"
#include "tiltfile/yaml.h"

namespace slant::tiltfile {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// The object of `kind` named `name`, as JSON (null if there is none).
Json object(const model::Project& p, std::string_view kind, std::string_view name) {
  for (const model::ApiObject& o : p.api_objects) {
    if (o.kind == kind && o.name == name) return Json::parse(o.json);
  }
  ADD_FAILURE() << "no " << kind << " " << name;
  return Json();
}

Json spec(const model::Project& p, std::string_view kind, std::string_view name) {
  Json o = object(p, kind, name);
  return o.is_object() && o.contains("spec") ? o["spec"] : Json();
}

// ---- extension_repo and extension ------------------------------------------------------------

TEST_F(TiltfileTest, V1alpha1RegistersExtensionRepoAndExtension) {
  file("Tiltfile",
       "v1alpha1.extension_repo(name='default', url='https://github.com/tilt-dev/tilt-extensions',"
       " ref='HEAD')\n"
       "v1alpha1.extension(name='cancel', repo_name='default', repo_path='cancel',"
       " args=['--namespace=foo'])\n");
  model::Project p = loadOk();
  ASSERT_EQ(p.api_objects.size(), 2u);
  EXPECT_EQ(p.api_objects[0].kind, "ExtensionRepo");
  EXPECT_EQ(p.api_objects[0].name, "default");
  EXPECT_EQ(p.api_objects[0].json,
            "{\"kind\":\"ExtensionRepo\",\"apiVersion\":\"tilt.dev/v1alpha1\",\"metadata\":{"
            "\"name\":\"default\"},\"spec\":{\"url\":\"https://github.com/tilt-dev/"
            "tilt-extensions\",\"ref\":\"HEAD\"}}");
  EXPECT_EQ(
      spec(p, "Extension", "cancel"),
      Json::parse(R"({"repoName":"default","repoPath":"cancel","args":["--namespace=foo"]})"));
}

TEST_F(TiltfileTest, V1alpha1AcceptsTheSameObjectTwice) {
  file(
      "Tiltfile",
      "v1alpha1.extension_repo(name='default', url='https://github.com/tilt-dev/tilt-extensions')\n"
      "v1alpha1.extension_repo(name='default', url='https://github.com/tilt-dev/tilt-extensions')"
      "\n");
  EXPECT_EQ(loadOk().api_objects.size(), 1u);
}

TEST_F(TiltfileTest, V1alpha1RejectsADifferentObjectUnderTheSameName) {
  file(
      "Tiltfile",
      "v1alpha1.extension_repo(name='default', url='https://github.com/tilt-dev/tilt-extensions')\n"
      "v1alpha1.extension_repo(name='default', url='https://example.com/other')\n");
  std::string err = loadError();
  EXPECT_THAT(err, HasSubstr("Error in v1alpha1.extension_repo: extensionrepos \"default\" "
                             "already registered"));
  EXPECT_THAT(err, HasSubstr(path("Tiltfile") + ":2:"));
}

TEST_F(TiltfileTest, V1alpha1ValidatesExtensionRepoUrls) {
  file("Tiltfile",
       "v1alpha1.extension_repo(name='default', url='ftp://github.com/tilt-dev/tilt-extensions')"
       "\n");
  EXPECT_THAT(loadError(),
              HasSubstr("Error in v1alpha1.extension_repo: spec.url: Invalid value: "
                        "\"ftp://github.com/tilt-dev/tilt-extensions\": URLs must start with "
                        "http(s):// or file://"));
  file("Tiltfile", "v1alpha1.extension_repo(name='r', url='file://relative/repo')\n");
  EXPECT_THAT(loadError(), HasSubstr("spec.url: Invalid value: \"file://relative/repo\": file:// "
                                     "URLs must be absolute (e.g., file:///home/user/repo)"));
  file("Tiltfile", "v1alpha1.extension_repo(name='r', url='file:///repo', git_subpath='x')\n");
  EXPECT_THAT(loadError(), HasSubstr("spec.git_subpath: Invalid value: \"x\": cannot use "
                                     "git_subpath for file:// URL extension repositories"));
}

// ---- file_watch ------------------------------------------------------------------------------

TEST_F(TiltfileTest, V1alpha1FileWatchTakesIgnoresAsDicts) {
  file("Tiltfile",
       "v1alpha1.file_watch(name='my-fw', watched_paths=['./dir'], "
       "ignores=[{'base_path': './dir/ignore', 'patterns': ['**']}])\n");
  model::Project p = loadOk();
  Json want =
      Json::parse(R"({"watchedPaths": [")" + path("dir") + R"("], "ignores": [{"basePath": ")" +
                  path("dir/ignore") + R"(", "patterns": ["**"]}]})");
  EXPECT_EQ(spec(p, "FileWatch", "my-fw"), want);
}

TEST_F(TiltfileTest, V1alpha1FileWatchTakesASinglePathAndADisableSource) {
  file("Tiltfile",
       "v1alpha1.file_watch(name='my-fw', watched_paths='dir',"
       " disable_source={'config_map': {'name': 'my-fw', 'key': 'disabled'}})\n");
  model::Project p = loadOk();
  Json want = Json::parse(R"({"watchedPaths": [")" + path("dir") + R"("],
    "disableSource": {"configMap": {"name": "my-fw", "key": "disabled"}}})");
  EXPECT_EQ(spec(p, "FileWatch", "my-fw"), want);
}

TEST_F(TiltfileTest, V1alpha1IgnoreDefResolvesPathsWhereItIsCalled) {
  file("lib/defs.star", "ign = v1alpha1.ignore_def(base_path='ignored', patterns=['**'])\n");
  file("Tiltfile",
       "load('lib/defs.star', 'ign')\n"
       "print(type(ign), ign['patterns'])\n"
       "v1alpha1.file_watch(name='fw', watched_paths=['src'], ignores=[ign])\n");
  model::Project p = loadOk();
  EXPECT_EQ(logText().substr(0, logText().find('\n')), "dict [\"**\"]");
  Json want =
      Json::parse(R"({"watchedPaths": [")" + path("src") + R"("], "ignores": [{"basePath": ")" +
                  path("lib/ignored") + R"(", "patterns": ["**"]}]})");
  EXPECT_EQ(spec(p, "FileWatch", "fw"), want);
}

TEST_F(TiltfileTest, V1alpha1FileWatchNeedsWatchedPaths) {
  file("Tiltfile", "v1alpha1.file_watch(name='fw')\n");
  EXPECT_THAT(loadError(), HasSubstr("Error in v1alpha1.file_watch: spec.watchedPaths: Required "
                                     "value: cannot be an empty list"));
}

TEST_F(TiltfileTest, V1alpha1ReportsNestedErrorsWithTheirPath) {
  file("Tiltfile",
       "v1alpha1.file_watch(name='fw', watched_paths=['a'], ignores=[{'patterns': 'x'}])\n");
  EXPECT_THAT(loadError(),
              HasSubstr("v1alpha1.file_watch: for parameter \"ignores\": at index 0: unpacking "
                        "patterns: value should be a List or Tuple of strings, but is of type "
                        "string"));
  file("Tiltfile", "v1alpha1.file_watch('fw', None, None, ['a'], ({},))\n");
  EXPECT_THAT(loadError(), HasSubstr("v1alpha1.file_watch: for parameter ignores: expected list, "
                                     "actual: tuple"));
  file("Tiltfile", "v1alpha1.file_watch(name='fw', watched_paths=[1])\n");
  EXPECT_THAT(loadError(),
              HasSubstr("for parameter \"watched_paths\": unpacking list item at index 0: "
                        "expected path | string. Actual type: starlark.Int"));
}

// ---- cmd -------------------------------------------------------------------------------------

TEST_F(TiltfileTest, V1alpha1CmdRunsInTheTiltfilesDirectoryByDefault) {
  file("Tiltfile", "v1alpha1.cmd(name='my-cmd', args=['echo', 'hello'])\n");
  model::Project p = loadOk();
  Json want = Json::parse(R"({"args": ["echo", "hello"], "dir": ")" + dir() + R"("})");
  EXPECT_EQ(spec(p, "Cmd", "my-cmd"), want);
}

TEST_F(TiltfileTest, V1alpha1CmdTakesProbesAndTriggers) {
  file("Tiltfile",
       "v1alpha1.cmd(\n"
       "  name='server', args=['./serve'], dir='srv', env=['A=1'],\n"
       "  readiness_probe=v1alpha1.probe(\n"
       "    handler=v1alpha1.handler(http_get=v1alpha1.http_get_action(port=8080, path='/')),\n"
       "    period_seconds=5),\n"
       "  restart_on=v1alpha1.restart_on_spec(file_watches=['fw']),\n"
       "  start_on={'ui_buttons': ['start']},\n"
       "  disable_source=v1alpha1.disable_source(\n"
       "    config_map=v1alpha1.config_map_disable_source(name='server', key='off')))\n");
  model::Project p = loadOk();
  Json want = Json::parse(R"({
    "args": ["./serve"], "dir": ")" +
                          path("srv") + R"(", "env": ["A=1"],
    "readinessProbe": {"httpGet": {"path": "/", "port": 8080}, "periodSeconds": 5},
    "restartOn": {"fileWatches": ["fw"]},
    "startOn": {"uiButtons": ["start"]},
    "disableSource": {"configMap": {"name": "server", "key": "off"}}})");
  EXPECT_EQ(spec(p, "Cmd", "server"), want);
}

TEST_F(TiltfileTest, V1alpha1ProbeAcceptsItsActionsAsADict) {
  file("Tiltfile",
       "v1alpha1.cmd(name='c', args=['x'],"
       " readiness_probe={'exec': {'command': ['true']}, 'timeout_seconds': 2})\n");
  EXPECT_EQ(spec(loadOk(), "Cmd", "c")["readinessProbe"],
            Json::parse(R"({"exec": {"command": ["true"]}, "timeoutSeconds": 2})"));
}

TEST_F(TiltfileTest, V1alpha1CmdRequiresAName) {
  file("Tiltfile", "v1alpha1.cmd(args=['x'])\n");
  EXPECT_THAT(loadError(), HasSubstr("v1alpha1.cmd: missing argument for name"));
  file("Tiltfile", "v1alpha1.cmd(name='c', argz=['x'])\n");
  EXPECT_THAT(loadError(), HasSubstr("v1alpha1.cmd: unexpected keyword argument \"argz\""));
  file("Tiltfile", "v1alpha1.cmd(1)\n");
  EXPECT_THAT(loadError(), HasSubstr("v1alpha1.cmd: for parameter name: got int, want string"));
}

// ---- helpers ---------------------------------------------------------------------------------

TEST_F(TiltfileTest, V1alpha1HelpersReturnFrozenDicts) {
  file("Tiltfile",
       "loc = v1alpha1.ui_component_location(component_id='fe', component_type='resource')\n"
       "print(type(loc), loc)\n"
       "loc['x'] = 1\n");
  EXPECT_THAT(loadError(), HasSubstr("cannot insert into frozen hash table"));
  EXPECT_EQ(logText(), "dict {\"component_id\": \"fe\", \"component_type\": \"resource\"}\n");
}

TEST_F(TiltfileTest, V1alpha1HelpersCheckTheirFields) {
  file("Tiltfile", "v1alpha1.ui_component_location(component_id=1)\n");
  EXPECT_THAT(loadError(), HasSubstr("Error in v1alpha1.ui_component_location: Expected string, "
                                     "actual: int"));
  file("Tiltfile", "v1alpha1.forward(local_port='80')\n");
  EXPECT_THAT(loadError(),
              HasSubstr("Error in v1alpha1.forward: Expected int, got: got string, want int"));
  file("Tiltfile", "v1alpha1.ui_bool_input_spec(default_value='yes')\n");
  EXPECT_THAT(loadError(),
              HasSubstr("Error in v1alpha1.ui_bool_input_spec: Expected bool, got: string"));
  file("Tiltfile", "v1alpha1.exec_action(command='ls')\n");
  EXPECT_THAT(loadError(), HasSubstr("Error in v1alpha1.exec_action: unpacking command: value "
                                     "should be a List or Tuple of strings, but is of type "
                                     "string"));
  file("Tiltfile", "v1alpha1.ui_input_spec(text='x')\n");
  EXPECT_THAT(loadError(), HasSubstr("Error in v1alpha1.ui_input_spec: unpacking text: expected "
                                     "dict, actual: string"));
  file("Tiltfile", "v1alpha1.http_get_action(bogus=1)\n");
  EXPECT_THAT(loadError(),
              HasSubstr("v1alpha1.http_get_action: unexpected keyword argument \"bogus\""));
}

TEST_F(TiltfileTest, V1alpha1HelperParametersTiltsTypesRejectStayErrors) {
  file("Tiltfile", "v1alpha1.start_on_spec(start_after='2021-01-01T00:00:00Z')\n");
  EXPECT_THAT(loadError(),
              HasSubstr("Error in v1alpha1.start_on_spec: Unexpected attribute name: start_after"));
  file("Tiltfile", "v1alpha1.pod_log_stream_template_spec(since_time='x')\n");
  EXPECT_THAT(loadError(), HasSubstr("Unexpected attribute name: since_time"));
}

TEST_F(TiltfileTest, V1alpha1RejectsUnknownKeysInADict) {
  file("Tiltfile",
       "v1alpha1.ui_button(name='b', text='t', location={'component_id': 'x', 'foo': 'y'})\n");
  EXPECT_THAT(loadError(), HasSubstr("v1alpha1.ui_button: for parameter \"location\": Unexpected "
                                     "attribute name: foo"));
  file("Tiltfile", "v1alpha1.ui_button(name='b', text='t', location={1: 'x'})\n");
  EXPECT_THAT(loadError(), HasSubstr("key must be string. Got: int"));
}

// ---- ui_button -------------------------------------------------------------------------------

TEST_F(TiltfileTest, V1alpha1UIButtonRecordsItsSpecAndMetadata) {
  file("Tiltfile",
       "v1alpha1.ui_button(\n"
       "  name='my-button',\n"
       "  annotations={'tilt.dev/resource': 'fe', 'tilt.dev/log-span-id': 'fe'},\n"
       "  text='hello world',\n"
       "  icon_name='circle',\n"
       "  location={'component_type': 'resource', 'component_id': 'fe'})\n");
  model::Project p = loadOk();
  ASSERT_EQ(p.api_objects.size(), 1u);
  EXPECT_EQ(p.api_objects[0].kind, "UIButton");
  EXPECT_EQ(object(p, "UIButton", "my-button"), Json::parse(R"({
    "kind": "UIButton", "apiVersion": "tilt.dev/v1alpha1",
    "metadata": {"name": "my-button",
                 "annotations": {"tilt.dev/log-span-id": "fe", "tilt.dev/resource": "fe"}},
    "spec": {"location": {"componentID": "fe", "componentType": "resource"},
             "text": "hello world", "iconName": "circle"}})"));
}

TEST_F(TiltfileTest, V1alpha1UIButtonTakesInputs) {
  file("Tiltfile",
       "v1alpha1.ui_button(name='b', text='Go', requires_confirmation=True,\n"
       "  location=v1alpha1.ui_component_location(component_id='global', component_type='Global'),"
       "\n"
       "  inputs=[\n"
       "    v1alpha1.ui_input_spec(name='msg', label='Message',\n"
       "      text=v1alpha1.ui_text_input_spec(placeholder='hi')),\n"
       "    v1alpha1.ui_input_spec(name='force',\n"
       "      bool=v1alpha1.ui_bool_input_spec(default_value=True, true_string='yes')),\n"
       "    v1alpha1.ui_input_spec(name='env',\n"
       "      choice=v1alpha1.ui_choice_input_spec(choices=['dev', 'prod'])),\n"
       "    v1alpha1.ui_input_spec(name='id', hidden=v1alpha1.ui_hidden_input_spec(value='7')),\n"
       "  ])\n");
  Json want = Json::parse(R"({
    "location": {"componentID": "global", "componentType": "Global"},
    "text": "Go", "requiresConfirmation": true,
    "inputs": [
      {"name": "msg", "label": "Message", "text": {"placeholder": "hi"}},
      {"name": "force", "label": "", "bool": {"defaultValue": true, "trueString": "yes"}},
      {"name": "env", "label": "", "choice": {"choices": ["dev", "prod"]}},
      {"name": "id", "label": "", "hidden": {"value": "7"}}]})");
  EXPECT_EQ(spec(loadOk(), "UIButton", "b"), want);
}

TEST_F(TiltfileTest, V1alpha1UIButtonValidation) {
  file("Tiltfile", "v1alpha1.ui_button(name='b')\n");
  EXPECT_THAT(loadError(),
              HasSubstr("Error in v1alpha1.ui_button: [spec.text: Required value: Button text "
                        "cannot be empty, spec.location.componentID: Required value: Parent "
                        "component ID is required, spec.location.componentType: Required value: "
                        "Parent component type is required]"));
  file("Tiltfile",
       "loc = {'component_id': 'x', 'component_type': 'Global'}\n"
       "v1alpha1.ui_button(name='b', text='t', location=loc, icon_svg='icon.svg')\n");
  EXPECT_THAT(loadError(), HasSubstr("Error in v1alpha1.ui_button: spec.iconSVG: Invalid value: "
                                     "\"icon.svg\": Invalid <svg> element"));
  file("Tiltfile",
       "loc = {'component_id': 'x', 'component_type': 'Global'}\n"
       "v1alpha1.ui_button(name='b', text='t', location=loc, inputs=[{'name': 'a'}])\n");
  EXPECT_THAT(loadError(), HasSubstr("Error in v1alpha1.ui_button: spec: Invalid value: "
                                     "{\"name\":\"a\",\"label\":\"\"}: must specify exactly one "
                                     "input type"));
  file("Tiltfile",
       "loc = {'component_id': 'x', 'component_type': 'Global'}\n"
       "inp = {'name': 'a', 'hidden': {'value': ''}}\n"
       "v1alpha1.ui_button(name='b', text='t', location=loc, inputs=[inp, inp])\n");
  EXPECT_THAT(loadError(),
              HasSubstr("Error in v1alpha1.ui_button: spec.inputs[1].id: Duplicate value: "
                        "{\"name\":\"a\",\"label\":\"\",\"hidden\":{\"value\":\"\"}}"));
  file("Tiltfile",
       "loc = {'component_id': 'x', 'component_type': 'Global'}\n"
       "v1alpha1.ui_button(name='b', text='t', location=loc,"
       " inputs=[{'name': 'a', 'choice': {}}])\n");
  EXPECT_THAT(loadError(), HasSubstr("spec: Invalid value: {\"name\":\"a\",\"label\":\"\","
                                     "\"choice\":{\"choices\":null}}: must specify choices if "
                                     "input type is choice"));
}

// ---- config_map, kubernetes_discovery, kubernetes_apply ---------------------------------------

TEST_F(TiltfileTest, V1alpha1ConfigMapKeepsDataBesideMetadata) {
  file("Tiltfile",
       "v1alpha1.config_map(name='my-config', labels={'bar': 'baz'}, data={'foo': 'bar'})\n");
  EXPECT_EQ(object(loadOk(), "ConfigMap", "my-config"), Json::parse(R"({
    "kind": "ConfigMap", "apiVersion": "tilt.dev/v1alpha1",
    "metadata": {"name": "my-config", "labels": {"bar": "baz"}},
    "data": {"foo": "bar"}})"));
}

TEST_F(TiltfileTest, V1alpha1KubernetesDiscoveryTakesSelectorsAndWatches) {
  file("Tiltfile",
       "v1alpha1.kubernetes_discovery(name='d', annotations={'tilt.dev/resource': 'fe'},\n"
       "  extra_selectors=[{'match_labels': {'app': 'fe'}},\n"
       "    v1alpha1.label_selector(match_expressions=[v1alpha1.label_selector_requirement(\n"
       "      key='tier', operator='In', values=['web'])])],\n"
       "  watches=[v1alpha1.kubernetes_watch_ref(namespace='default', name='fe')],\n"
       "  port_forward_template_spec=v1alpha1.port_forward_template_spec(\n"
       "    forwards=[v1alpha1.forward(local_port=8000, container_port=80)]))\n");
  Json want = Json::parse(R"({
    "watches": [{"namespace": "default", "name": "fe"}],
    "extraSelectors": [
      {"matchLabels": {"app": "fe"}},
      {"matchExpressions": [{"key": "tier", "operator": "In", "values": ["web"]}]}],
    "portForwardTemplateSpec": {"forwards": [{"localPort": 8000, "containerPort": 80,
                                              "host": ""}]},
    "cluster": ""})");
  EXPECT_EQ(spec(loadOk(), "KubernetesDiscovery", "d"), want);
}

TEST_F(TiltfileTest, V1alpha1KubernetesDiscoveryValidation) {
  file("Tiltfile", "v1alpha1.kubernetes_discovery(name='d')\n");
  EXPECT_THAT(loadError(), HasSubstr("Error in v1alpha1.kubernetes_discovery: spec.watches: "
                                     "Required value: One or more watches or extraSelectors are "
                                     "required"));
  file("Tiltfile", "v1alpha1.kubernetes_discovery(name='d', watches=[{'name': 'x'}])\n");
  EXPECT_THAT(loadError(),
              HasSubstr("spec.watches[0]: Required value: Namespace must be provided"));
}

TEST_F(TiltfileTest, V1alpha1KubernetesApplyRecordsYamlAndTimeout) {
  file("Tiltfile",
       "v1alpha1.kubernetes_apply(name='a', discovery_strategy='selectors-only', timeout='90s',"
       " yaml='kind: ConfigMap\\n',\n"
       "  image_locators=[v1alpha1.kubernetes_image_locator(\n"
       "    object_selector=v1alpha1.object_selector(kind_regexp='Foo'), path='{.spec.image}')])"
       "\n"
       "v1alpha1.kubernetes_apply(name='b', timeout='1500us',"
       " apply_cmd=v1alpha1.kubernetes_apply_cmd(args=['./apply.sh'], dir='deploy'))\n");
  model::Project p = loadOk();
  EXPECT_EQ(spec(p, "KubernetesApply", "a"), Json::parse(R"({
    "yaml": "kind: ConfigMap\n",
    "imageLocators": [{"objectSelector": {"kindRegexp": "Foo"}, "path": "{.spec.image}"}],
    "timeout": "1m30s", "discoveryStrategy": "selectors-only", "cluster": ""})"));
  Json b = spec(p, "KubernetesApply", "b");
  EXPECT_EQ(b["timeout"], "1.5ms");
  EXPECT_EQ(b["applyCmd"],
            Json::parse(R"({"args": ["./apply.sh"], "dir": ")" + path("deploy") + R"(",
                            "env": null})"));
}

TEST_F(TiltfileTest, V1alpha1KubernetesApplyDefaultsTheTimeoutToZero) {
  file("Tiltfile", "v1alpha1.kubernetes_apply(name='a', yaml='x')\n");
  EXPECT_EQ(spec(loadOk(), "KubernetesApply", "a")["timeout"], "0s");
}

TEST_F(TiltfileTest, V1alpha1KubernetesApplyValidation) {
  file("Tiltfile", "v1alpha1.kubernetes_apply(name='a')\n");
  EXPECT_THAT(loadError(), HasSubstr("Error in v1alpha1.kubernetes_apply: spec.yaml: Required "
                                     "value: must specify exactly ONE of .spec.yaml or "
                                     ".spec.applyCmd"));
  file("Tiltfile", "v1alpha1.kubernetes_apply(name='a', apply_cmd={'dir': '/'})\n");
  EXPECT_THAT(loadError(), HasSubstr("spec.applyCmd.args: Required value: args cannot be empty"));
  file("Tiltfile",
       "v1alpha1.kubernetes_apply(name='a', yaml='x', discovery_strategy='magic',"
       " apply_cmd={'args': ['a'], 'dir': '/'})\n");
  EXPECT_THAT(loadError(),
              HasSubstr("Error in v1alpha1.kubernetes_apply: [spec.discoveryStrategy: "
                        "Unsupported value: \"magic\": supported values: \"default\", "
                        "\"selectors-only\", spec.applyCmd: Invalid value: "
                        "{\"args\":[\"a\"],\"dir\":\"/\",\"env\":null}: must specify exactly ONE "
                        "of .spec.yaml or .spec.applyCmd]"));
  file("Tiltfile", "v1alpha1.kubernetes_apply(name='a', yaml='x', timeout='soon')\n");
  EXPECT_THAT(loadError(), HasSubstr("v1alpha1.kubernetes_apply: for parameter \"timeout\": time: "
                                     "invalid duration \"soon\""));
  file("Tiltfile", "v1alpha1.kubernetes_apply(name='a', yaml='x', timeout=5)\n");
  EXPECT_THAT(loadError(), HasSubstr("for parameter \"timeout\": Expected string. Got: int"));
}

// ---- warnings --------------------------------------------------------------------------------

TEST_F(TiltfileTest, V1alpha1WarnsOncePerKindAboutWhatSlantDoesNotDoYet) {
  file("Tiltfile",
       "v1alpha1.cmd(name='a', args=['x'])\n"
       "v1alpha1.config_map(name='cm')\n"
       "v1alpha1.cmd(name='b', args=['y'])\n");
  model::Project p = loadOk();
  EXPECT_THAT(p.warnings,
              ElementsAre("v1alpha1.cmd: slant does not run Cmd objects yet; these commands are "
                          "recorded but never run: \"a\", \"b\"",
                          HasSubstr("v1alpha1.config_map: slant does not serve ConfigMap objects "
                                    "yet")));
  EXPECT_THAT(logText(), HasSubstr("WARNING: v1alpha1.cmd: slant does not run Cmd objects yet"));
}

TEST_F(TiltfileTest, V1alpha1WithoutObjectsWarnsNothing) {
  file("Tiltfile", "loc = v1alpha1.ui_component_location(component_id='x')\n");
  model::Project p = loadOk();
  EXPECT_THAT(p.api_objects, IsEmpty());
  EXPECT_THAT(p.warnings, IsEmpty());
}

}  // namespace
}  // namespace slant::tiltfile
