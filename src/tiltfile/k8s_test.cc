// Tests of the Kubernetes builtins and of Tilt's resource assembly (k8s.h), in the style of
// Tilt's tiltfile_test.go: each writes YAML and a Tiltfile, loads it, and checks the resources or
// the error.
#include "tiltfile/k8s.h"

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
using ::testing::Not;

// ---- YAML fixtures ------------------------------------------------------------------------------

std::string deployment(const std::string& name, const std::string& image = "busybox",
                       const std::string& ns = "", const std::string& app = "") {
  std::string label = app.empty() ? name : app;
  return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + name + "\n" +
         (ns.empty() ? "" : "  namespace: " + ns + "\n") +
         "spec:\n  selector:\n    matchLabels:\n      app: " + label +
         "\n  template:\n    metadata:\n      labels:\n        app: " + label +
         "\n    spec:\n      containers:\n      - name: main\n        image: " + image + "\n";
}

std::string noImageDeployment(const std::string& name, const std::string& app = "") {
  std::string label = app.empty() ? name : app;
  return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + name +
         "\nspec:\n  template:\n    metadata:\n      labels:\n        app: " + label + "\n";
}

std::string service(const std::string& name, const std::string& app = "",
                    const std::string& ns = "") {
  return "apiVersion: v1\nkind: Service\nmetadata:\n  name: " + name + "\n" +
         (ns.empty() ? "" : "  namespace: " + ns + "\n") +
         (app.empty() ? "spec: {}\n" : "spec:\n  selector:\n    app: " + app + "\n");
}

std::string secret(const std::string& name) {
  return "apiVersion: v1\nkind: Secret\nmetadata:\n  name: " + name + "\n";
}

std::string namespaceObject(const std::string& name) {
  return "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + name + "\n";
}

std::string configMap(const std::string& name) {
  return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\ndata:\n  a: b\n";
}

std::string docs(std::initializer_list<std::string> parts) {
  std::string out;
  for (const std::string& p : parts) {
    if (!out.empty()) out += "---\n";
    out += p;
  }
  return out;
}

constexpr std::string_view kCrd = R"(apiVersion: fission.io/v1
kind: Environment
metadata:
  name: mycrd
spec:
  builder:
    image: test/mycrd-builder
  runtime:
    image: test/mycrd-env
)";

// ---- helpers ------------------------------------------------------------------------------------

std::vector<std::string> names(const model::Project& p) {
  std::vector<std::string> out;
  for (const model::Resource& r : p.resources) out.push_back(r.name);
  return out;
}

std::vector<std::string> objects(const model::Resource* r) {
  std::vector<std::string> out;
  if (r == nullptr || !r->k8s) return out;
  for (const model::K8sObject& o : r->k8s->objects) out.push_back(o.kind + "/" + o.name);
  return out;
}

class K8sTest : public TiltfileTest {
 protected:
  // docker_build needs a Dockerfile in the context.
  void dockerfile(const std::string& dir) { file(dir + "/Dockerfile", "FROM alpine\n"); }
  // Tilt's setupFoo: a Deployment foo using gcr.io/foo, and foo/Dockerfile.
  void setupFoo() {
    dockerfile("foo");
    file("foo.yaml", deployment("foo", "gcr.io/foo"));
  }
  void setupFooAndBar() {
    setupFoo();
    dockerfile("bar");
    file("bar.yaml", deployment("bar", "gcr.io/bar"));
  }
};

// ---- k8s_yaml -----------------------------------------------------------------------------------

TEST_F(K8sTest, K8sYamlMakesAResourcePerWorkloadWithTheImagesItUses) {
  setupFoo();
  file("Tiltfile", "docker_build('gcr.io/foo', 'foo')\nk8s_yaml('foo.yaml')\n");
  model::Project p = loadOk();
  ASSERT_THAT(names(p), ElementsAre("foo"));
  const model::Resource* foo = p.find("foo");
  EXPECT_EQ(foo->type, model::ResourceType::kK8s);
  EXPECT_THAT(foo->image_refs, ElementsAre("gcr.io/foo"));
  EXPECT_THAT(objects(foo), ElementsAre("Deployment/foo"));
  EXPECT_THAT(foo->k8s->objects[0].yaml, HasSubstr("image: gcr.io/foo"));
  EXPECT_EQ(foo->k8s->pod_readiness, model::PodReadiness::kWait);
  EXPECT_EQ(foo->trigger_mode, model::TriggerMode::kAuto);
  EXPECT_TRUE(foo->auto_init);
  EXPECT_THAT(p.config_files, testing::Contains(path("foo.yaml")));
}

TEST_F(K8sTest, K8sYamlTakesListsOfPathsAndBlobs) {
  setupFooAndBar();
  file("Tiltfile",
       "docker_build('gcr.io/foo', 'foo')\n"
       "k8s_yaml(['foo.yaml', 'bar.yaml'])\n"
       "k8s_yaml(blob('''" +
           secret("s") +
           "'''))\n"
           "k8s_yaml(read_file('foo.yaml'), allow_duplicates=True)\n");
  model::Project p = loadOk();
  EXPECT_THAT(names(p), ElementsAre("foo:deployment:default:apps:0", "bar",
                                    "foo:deployment:default:apps:2", "uncategorized"));
}

TEST_F(K8sTest, K8sYamlReadsStringsAsPaths) {
  file("Tiltfile", "k8s_yaml('apiVersion: v1')\n");
  std::string err = loadError();
  EXPECT_THAT(err, HasSubstr("Error in k8s_yaml: error reading yaml file: open " +
                             path("apiVersion: v1") + ": No such file or directory"));
  EXPECT_THAT(err, HasSubstr(path("Tiltfile") + ":1:"));
}

TEST_F(K8sTest, K8sYamlOfAnEmptyPathReadsTheDirectory) {
  file("Tiltfile", "k8s_yaml('')\n");
  EXPECT_THAT(loadError(),
              HasSubstr("error reading yaml file: read " + dir() + ": is a directory"));
}

TEST_F(K8sTest, K8sYamlRecordsAMissingFileAsAConfigFile) {
  file("Tiltfile", "k8s_yaml('missing.yaml')\n");
  LoadResult r = load();
  ASSERT_TRUE(r.error);
  EXPECT_THAT(r.project.config_files, testing::Contains(path("missing.yaml")));
}

TEST_F(K8sTest, K8sYamlOfNothingIsAnError) {
  for (std::string arg : {"None", "[]", "blob('')", "blob('# just a comment')"}) {
    file("Tiltfile", "k8s_yaml(" + arg + ")\n");
    EXPECT_THAT(loadError(), HasSubstr("Error in k8s_yaml: Empty YAML passed to k8s_yaml")) << arg;
  }
}

TEST_F(K8sTest, K8sYamlOfAnEmptyFileIsFine) {
  file("empty.yaml", "");
  file("Tiltfile", "k8s_yaml('empty.yaml')\n");
  EXPECT_THAT(names(loadOk()), IsEmpty());
}

TEST_F(K8sTest, K8sYamlRejectsOtherTypes) {
  file("Tiltfile", "k8s_yaml(42)\n");
  EXPECT_THAT(loadError(), HasSubstr("expected path | string. Actual type: starlark.Int"));
}

TEST_F(K8sTest, K8sYamlRejectsAFileThatIsNotKubernetesYaml) {
  file("bar.yaml", "im not yaml");
  file("Tiltfile", "k8s_yaml('bar.yaml')\n");
  EXPECT_THAT(loadError(), HasSubstr(path("bar.yaml") + " is not a valid YAML file"));
}

TEST_F(K8sTest, K8sYamlReportsBadObjectsInBlobs) {
  file("Tiltfile",
       "k8s_yaml(blob('''apiVersion: v1\nkind: Secret\nmetadata:\n  name: mysecret\ntype: "
       "Opaque\ndata:\n  stuff: \"!\"'''))\n");
  EXPECT_THAT(loadError(), HasSubstr("Error reading yaml from blob: decoding Secret \"mysecret\": "
                                     "illegal base64 data at input byte 0"));
}

TEST_F(K8sTest, DuplicateObjectsAreAnErrorNamingWhereTheFirstWasRegistered) {
  file("resource.yaml", docs({service("doggos"), service("doggos")}));
  file("Tiltfile", "k8s_yaml('resource.yaml')\n");
  std::string err = loadError();
  EXPECT_THAT(err, HasSubstr("Duplicate YAML: Service doggos\nIgnore this error with "
                             "k8s_yaml(..., allow_duplicates=True)\nYAML originally registered "
                             "at: Traceback (most recent call last):\n    " +
                             path("Tiltfile") + ":1:9: in <toplevel>\n    <builtin>: in k8s_yaml"));
}

TEST_F(K8sTest, DuplicateObjectsAcrossCallsNameTheirNamespace) {
  dockerfile("foo1");
  file("foo1.yaml", deployment("foo", "gcr.io/foo1", "ns1"));
  file("Tiltfile", "\n\nk8s_yaml(['foo1.yaml', 'foo1.yaml'])\n");
  EXPECT_THAT(loadError(), HasSubstr("Duplicate YAML: Deployment foo (Namespace: ns1)"));
}

TEST_F(K8sTest, DuplicatesAreAllowedOnRequest) {
  file("resource.yaml", docs({service("doggos"), service("doggos")}));
  file("Tiltfile", "k8s_yaml('resource.yaml', allow_duplicates=True)\n");
  model::Project p = loadOk();
  EXPECT_THAT(objects(p.find("uncategorized")), ElementsAre("Service/doggos", "Service/doggos"));
}

// ---- assembly -----------------------------------------------------------------------------------

TEST_F(K8sTest, WorkloadsAreAssembledInOrderAndLeftoversAreUncategorized) {
  dockerfile("a");
  file("all.yaml", docs({deployment("a", "gcr.io/a"), secret("a-secret"), deployment("b", "redis"),
                         configMap("cfg")}));
  file("Tiltfile", "k8s_yaml('all.yaml')\ndocker_build('gcr.io/a', 'a')\n");
  model::Project p = loadOk();
  EXPECT_THAT(names(p), ElementsAre("a", "b", "uncategorized"));
  EXPECT_THAT(p.find("a")->image_refs, ElementsAre("gcr.io/a"));
  // An image nobody builds still makes a workload, without image refs.
  EXPECT_THAT(p.find("b")->image_refs, IsEmpty());
  const model::Resource* u = p.find("uncategorized");
  EXPECT_THAT(objects(u), ElementsAre("ConfigMap/cfg", "Secret/a-secret"));
  EXPECT_EQ(u->k8s->pod_readiness, model::PodReadiness::kIgnore);
  EXPECT_EQ(u->trigger_mode, model::TriggerMode::kAuto);
}

TEST_F(K8sTest, UncategorizedComesAfterLocalResources) {
  file("s.yaml", secret("s"));
  file("Tiltfile", "k8s_yaml('s.yaml')\nlocal_resource('l', 'echo hi')\n");
  EXPECT_THAT(names(loadOk()), ElementsAre("l", "uncategorized"));
}

TEST_F(K8sTest, ServicesJoinTheWorkloadWhosePodsTheySelect) {
  file("all.yaml", docs({deployment("deployment-a", "busybox", "", "a"),
                         deployment("deployment-b", "busybox", "", "b"), service("service-b", "b"),
                         deployment("deployment-c", "busybox", "", "c"), service("service-c1", "c"),
                         service("service-c2", "c"), secret("some-secret")}));
  file("Tiltfile", "k8s_yaml('all.yaml')\n");
  model::Project p = loadOk();
  EXPECT_THAT(names(p),
              ElementsAre("deployment-a", "deployment-b", "deployment-c", "uncategorized"));
  EXPECT_THAT(objects(p.find("deployment-a")), ElementsAre("Deployment/deployment-a"));
  // Services sort before Deployments, as Tilt applies them.
  EXPECT_THAT(objects(p.find("deployment-b")),
              ElementsAre("Service/service-b", "Deployment/deployment-b"));
  EXPECT_THAT(objects(p.find("deployment-c")),
              ElementsAre("Service/service-c1", "Service/service-c2", "Deployment/deployment-c"));
}

TEST_F(K8sTest, AServiceWithoutSelectorsMatchesNothing) {
  file("all.yaml", docs({deployment("foo"), service("service-without-selectors")}));
  file("Tiltfile", "k8s_yaml('all.yaml')\n");
  model::Project p = loadOk();
  EXPECT_THAT(objects(p.find("foo")), ElementsAre("Deployment/foo"));
  EXPECT_THAT(objects(p.find("uncategorized")), ElementsAre("Service/service-without-selectors"));
}

TEST_F(K8sTest, AServiceInAnotherNamespaceDoesNotJoin) {
  file("all.yaml", docs({deployment("foo", "busybox", "ns1"), service("other", "foo", "ns2"),
                         service("same", "foo", "ns1"), service("unspecified", "foo")}));
  file("Tiltfile", "k8s_yaml('all.yaml')\n");
  model::Project p = loadOk();
  EXPECT_THAT(objects(p.find("foo")),
              ElementsAre("Service/same", "Service/unspecified", "Deployment/foo"));
  EXPECT_THAT(objects(p.find("uncategorized")), ElementsAre("Service/other"));
}

TEST_F(K8sTest, PodTemplateObjectsWithoutImagesStillGetResources) {
  file("all.yaml", docs({noImageDeployment("pod-creator"), secret("not-pod-creator")}));
  file("Tiltfile", "k8s_yaml('all.yaml')\n");
  model::Project p = loadOk();
  EXPECT_THAT(names(p), ElementsAre("pod-creator", "uncategorized"));
  EXPECT_EQ(p.find("pod-creator")->k8s->pod_readiness, model::PodReadiness::kWait);
}

TEST_F(K8sTest, ConflictingWorkloadNamesGetKindAndNamespace) {
  dockerfile("foo1");
  dockerfile("foo2");
  file("foo1.yaml", deployment("foo", "gcr.io/foo1", "ns1"));
  file("foo2.yaml", deployment("foo", "gcr.io/foo2", "ns2"));
  file("sts.yaml",
       "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: bar\nspec:\n  "
       "template:\n    spec:\n      containers:\n      - image: redis\n");
  file("bar.yaml", deployment("bar"));
  file("Tiltfile",
       "k8s_yaml(['foo1.yaml', 'foo2.yaml', 'sts.yaml', 'bar.yaml'])\n"
       "docker_build('gcr.io/foo1', 'foo1')\ndocker_build('gcr.io/foo2', 'foo2')\n");
  model::Project p = loadOk();
  EXPECT_THAT(names(p), ElementsAre("foo:deployment:ns1", "foo:deployment:ns2", "bar:statefulset",
                                    "bar:deployment"));
  EXPECT_THAT(p.find("foo:deployment:ns2")->image_refs, ElementsAre("gcr.io/foo2"));
}

TEST_F(K8sTest, TwoWorkloadsCanUseTheSameImage) {
  setupFoo();
  file("bar.yaml", deployment("bar", "gcr.io/foo"));
  file("Tiltfile", "docker_build('gcr.io/foo', 'foo')\nk8s_yaml(['foo.yaml', 'bar.yaml'])\n");
  model::Project p = loadOk();
  EXPECT_THAT(p.find("foo")->image_refs, ElementsAre("gcr.io/foo"));
  EXPECT_THAT(p.find("bar")->image_refs, ElementsAre("gcr.io/foo"));
}

TEST_F(K8sTest, ImagesMatchIgnoringTheTagUnlessTheBuildHasOne) {
  dockerfile("app");
  file("app.yaml",
       docs({deployment("app", "vandelay/app:v1"), deployment("app-jessie", "vandelay/app:jessie"),
             deployment("other", "vandelay/other:beta")}));
  file("Tiltfile",
       "docker_build('vandelay/app', 'app')\ndocker_build('vandelay/other:stable', 'app')\n"
       "k8s_yaml('app.yaml')\n");
  model::Project p = loadOk();
  EXPECT_THAT(p.find("app")->image_refs, ElementsAre("vandelay/app"));
  EXPECT_THAT(p.find("app-jessie")->image_refs, ElementsAre("vandelay/app"));
  EXPECT_THAT(p.find("other")->image_refs, IsEmpty());
}

TEST_F(K8sTest, ImagesInInitContainersCount) {
  dockerfile("init");
  file("pod.yaml",
       "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  initContainers:\n"
       "  - image: gcr.io/init\n  containers:\n  - image: redis\n");
  file("Tiltfile", "docker_build('gcr.io/init', 'init')\nk8s_yaml('pod.yaml')\n");
  EXPECT_THAT(loadOk().find("p")->image_refs, ElementsAre("gcr.io/init"));
}

TEST_F(K8sTest, EnvValuesNameImagesOnlyWithMatchInEnvVars) {
  dockerfile("foo");
  dockerfile("fetcher");
  std::string yaml =
      deployment("foo", "gcr.io/foo") +
      "        env:\n        - name: FETCHER_IMAGE\n          value: gcr.io/foo-fetcher\n";
  file("foo.yaml", yaml);
  file("Tiltfile",
       "k8s_yaml('foo.yaml')\ndocker_build('gcr.io/foo', 'foo')\n"
       "docker_build('gcr.io/foo-fetcher', 'fetcher', match_in_env_vars=True)\n");
  EXPECT_THAT(loadOk().find("foo")->image_refs, ElementsAre("gcr.io/foo", "gcr.io/foo-fetcher"));
  file("Tiltfile",
       "k8s_yaml('foo.yaml')\ndocker_build('gcr.io/foo', 'foo')\n"
       "docker_build('gcr.io/foo-fetcher', 'fetcher')\n");
  EXPECT_THAT(loadOk().find("foo")->image_refs, ElementsAre("gcr.io/foo"));
}

TEST_F(K8sTest, AnInvalidImageInTheYamlIsAnError) {
  file("Tiltfile",
       "k8s_yaml([blob('''kind: Pod\napiVersion: v1\nmetadata:\n  name: test-pod\nspec:\n  "
       "containers:\n  - image: IMAGE_URL\n''')])\n");
  EXPECT_EQ(loadError(),
            "finding images in test-pod: parsing IMAGE_URL: invalid reference format: repository "
            "name (library/IMAGE_URL) must be lowercase");
}

// ---- k8s_kind and k8s_image_json_path --------------------------------------------------------

TEST_F(K8sTest, K8sKindMakesCustomResourcesWorkloadsWithImages) {
  file("crd.yaml", kCrd);
  dockerfile("env");
  struct Case {
    std::string args;
    bool workload;
    bool image;
  };
  const std::vector<Case> cases = {
      {"'Environment', image_json_path='{.spec.runtime.image}'", true, true},
      {"'fdas', image_json_path='{.spec.runtime.image}'", false, false},
      {"'Environment', image_json_path='{.spec.runtime.image}', api_version='fission.io/v1'", true,
       true},
      {"'Environment', image_json_path='{.spec.runtime.image}', api_version='fission.io/v2'", false,
       false},
      {"'Environment'", true, false},
      {"'environ'", true, false},  // a case-insensitive regexp, not anchored
  };
  for (const Case& c : cases) {
    file("Tiltfile",
         "k8s_yaml('crd.yaml')\nk8s_kind(" + c.args + ")\ndocker_build('test/mycrd-env', 'env')\n");
    model::Project p = loadOk();
    if (!c.workload) {
      EXPECT_THAT(names(p), ElementsAre("uncategorized")) << c.args;
      continue;
    }
    ASSERT_NE(p.find("mycrd"), nullptr) << c.args;
    EXPECT_THAT(objects(p.find("mycrd")), ElementsAre("Environment/mycrd"));
    if (c.image) {
      EXPECT_THAT(p.find("mycrd")->image_refs, ElementsAre("test/mycrd-env")) << c.args;
      ASSERT_EQ(p.find("mycrd")->k8s->image_locators.size(), 1u);
      EXPECT_EQ(p.find("mycrd")->k8s->image_locators[0].json_paths,
                std::vector<std::string>{"{.spec.runtime.image}"});
    } else {
      EXPECT_THAT(p.find("mycrd")->image_refs, IsEmpty()) << c.args;
    }
  }
}

TEST_F(K8sTest, K8sKindErrors) {
  file("crd.yaml", kCrd);
  file("Tiltfile", "k8s_kind('*', image_json_path='{.spec.runtime.image}')\n");
  EXPECT_THAT(loadError(), HasSubstr("Error in k8s_kind: error parsing kind regexp"));
  file("Tiltfile", "k8s_kind('Environment', api_version='*')\n");
  EXPECT_THAT(loadError(), HasSubstr("error parsing apiVersion regexp"));
  file("Tiltfile", "k8s_kind('Environment', '{.spec.runtime.image}')\n");
  EXPECT_THAT(loadError(), HasSubstr("k8s_kind: got 2 arguments, want at most 1"));
  file("Tiltfile",
       "k8s_kind('Environment', image_json_path='{.a}', image_object={'json_path': '{.a}', "
       "'repo_field': 'r', 'tag_field': 't'})\n");
  EXPECT_THAT(loadError(), HasSubstr("Cannot specify both image_json_path and image_object"));
  file("Tiltfile", "k8s_kind('Environment', image_object={'json_path': '{.a}'})\n");
  EXPECT_THAT(loadError(),
              HasSubstr("k8s_kind: for parameter \"image_object\": Expected dict of the form "
                        "{'json_path': str, 'repo_field': str, 'tag_field': str}: Missing keys"));
  file("Tiltfile", "k8s_kind('Environment', image_object='{.a}')\n");
  EXPECT_THAT(loadError(), HasSubstr("Actual: \"{.a}\""));
  file("Tiltfile", "k8s_kind('Environment', image_json_path='{.a')\n");
  EXPECT_THAT(loadError(), HasSubstr("Error in k8s_kind: unclosed action"));
  file("Tiltfile", "k8s_kind('Environment', pod_readiness='w')\n");
  EXPECT_THAT(loadError(), HasSubstr("Invalid value. Allowed: {ignore, wait}. Got: w"));
}

TEST_F(K8sTest, K8sKindImageObjectJoinsRepoAndTag) {
  file("um.yaml",
       "apiVersion: tilt.dev/v1alpha1\nkind: UselessMachine\nmetadata:\n  name: um\n"
       "spec:\n  image:\n    repo: tilt.dev/frontend\n");
  dockerfile("fe");
  file("Tiltfile",
       "k8s_yaml('um.yaml')\n"
       "k8s_kind(kind='UselessMachine', image_object={'json_path': '{.spec.image}', "
       "'repo_field': 'repo', 'tag_field': 'tag'})\n"
       "docker_build('tilt.dev/frontend', 'fe')\n");
  model::Project p = loadOk();
  const model::Resource* um = p.find("um");
  ASSERT_NE(um, nullptr);
  EXPECT_THAT(um->image_refs, ElementsAre("tilt.dev/frontend"));
  EXPECT_EQ(um->k8s->pod_readiness, model::PodReadiness::kWait);
  ASSERT_EQ(um->k8s->image_locators.size(), 1u);
  EXPECT_EQ(um->k8s->image_locators[0].repo_field, "repo");
  EXPECT_EQ(um->k8s->image_locators[0].tag_field, "tag");
}

TEST_F(K8sTest, K8sKindImageObjectThatMatchesNothingIsAnError) {
  file("um.yaml",
       "apiVersion: tilt.dev/v1alpha1\nkind: UselessMachine\nmetadata:\n  name: um\n"
       "spec:\n  repo: tilt.dev/frontend\n");
  file("Tiltfile",
       "k8s_yaml('um.yaml')\n"
       "k8s_kind(kind='UselessMachine', image_object={'json_path': '{.spec.image}', "
       "'repo_field': 'repo', 'tag_field': 'tag'})\n");
  EXPECT_EQ(loadError(),
            "finding image in UselessMachine/um: Matching (json_path=\"{.spec.image}\"): image is "
            "not found");
}

TEST_F(K8sTest, K8sKindPodReadinessAppliesToItsObjects) {
  file("um.yaml", "apiVersion: tilt.dev/v1alpha1\nkind: UselessMachine\nmetadata:\n  name: um\n");
  file("Tiltfile", "k8s_yaml('um.yaml')\nk8s_kind('UselessMachine', pod_readiness='ignore')\n");
  EXPECT_EQ(loadOk().find("um")->k8s->pod_readiness, model::PodReadiness::kIgnore);
}

TEST_F(K8sTest, JobsWaitForSuccessAndCronJobsAreIgnored) {
  file("job.yaml", "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: myjob\n");
  file("cron.yaml", "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: mycronjob\n");
  file("Tiltfile", "k8s_yaml(['job.yaml', 'cron.yaml'])\n");
  model::Project p = loadOk();
  EXPECT_EQ(p.find("myjob")->k8s->pod_readiness, model::PodReadiness::kSucceeded);
  EXPECT_EQ(p.find("mycronjob")->k8s->pod_readiness, model::PodReadiness::kIgnore);
}

TEST_F(K8sTest, K8sImageJsonPathFindsImagesInCustomResources) {
  file("crd.yaml", kCrd);
  dockerfile("env");
  dockerfile("builder");
  file("Tiltfile",
       "k8s_yaml('crd.yaml')\n"
       "k8s_image_json_path(['{.spec.runtime.image}', '{.spec.builder.image}'], "
       "kind='Environment')\n"
       "docker_build('test/mycrd-builder', 'builder')\ndocker_build('test/mycrd-env', 'env')\n");
  model::Project p = loadOk();
  EXPECT_THAT(p.find("mycrd")->image_refs, ElementsAre("test/mycrd-env", "test/mycrd-builder"));
  EXPECT_EQ(p.find("mycrd")->k8s->image_locators.size(), 2u);
}

TEST_F(K8sTest, K8sImageJsonPathSelectsObjectsByNameNamespaceAndKind) {
  dockerfile("foo");
  dockerfile("fetcher");
  file("foo.yaml", deployment("foo", "gcr.io/foo") +
                       "        env:\n        - name: FETCHER_IMAGE\n          value: "
                       "gcr.io/foo-fetcher\n");
  file("bar.yaml", deployment("bar", "gcr.io/bar"));
  struct Case {
    std::string args;
    bool match;
  };
  const std::vector<Case> cases = {
      {"name='foo'", true},
      {"name='bar'", false},
      {"name='.*o'", true},
      {"name='FOO'", true},
      {"name='(?i)FOO'", true},
      {"name='foo', kind='Deployment'", true},
      {"name='bar', kind='asdf'", false},
      {"name='foo', api_version='apps/v1'", true},
      {"name='foo', kind='Deployment', api_version='apps/.*'", true},
      {"name='foo', namespace='default'", true},
      {"name='foo', namespace='asdf'", false},
  };
  for (const Case& c : cases) {
    file("Tiltfile",
         "k8s_yaml(['foo.yaml', 'bar.yaml'])\ndocker_build('gcr.io/foo', 'foo')\n"
         "docker_build('gcr.io/foo-fetcher', 'fetcher')\n"
         "k8s_image_json_path(\"{.spec.template.spec.containers[*].env[?(@.name=='FETCHER_IMAGE')]"
         ".value}\", " +
             c.args + ")\n");
    model::Project p = loadOk();
    ASSERT_NE(p.find("foo"), nullptr) << c.args;
    if (c.match) {
      EXPECT_THAT(p.find("foo")->image_refs, ElementsAre("gcr.io/foo", "gcr.io/foo-fetcher"))
          << c.args;
    } else {
      EXPECT_THAT(p.find("foo")->image_refs, ElementsAre("gcr.io/foo")) << c.args;
    }
  }
}

TEST_F(K8sTest, K8sImageJsonPathErrors) {
  file("crd.yaml", kCrd);
  file("Tiltfile", "k8s_image_json_path(kind='MyType')\n");
  EXPECT_THAT(loadError(), HasSubstr("k8s_image_json_path: missing argument for paths"));
  file("Tiltfile", "k8s_image_json_path(kind='MyType', paths=8)\n");
  EXPECT_THAT(loadError(), HasSubstr("for parameter \"paths\": Expected string, got: 8"));
  file("Tiltfile", "k8s_image_json_path(kind='MyType', paths=['foo', 8])\n");
  EXPECT_THAT(loadError(), HasSubstr("for parameter \"paths\": Expected string, got: 8"));
  file("Tiltfile", "k8s_image_json_path(paths=['foo'])\n");
  EXPECT_THAT(loadError(), HasSubstr("at least one of kind, name, or namespace must be specified"));
  file("Tiltfile", "k8s_image_json_path('{.a}', namespace='*')\n");
  EXPECT_THAT(loadError(), HasSubstr("error parsing namespace regexp"));
  file("Tiltfile", "k8s_yaml('crd.yaml')\nk8s_image_json_path('{.foobar}', kind='Environment')\n");
  EXPECT_EQ(loadError(),
            "finding image in Environment/mycrd: Matching (json_path=\"{.foobar}\"): foobar is not "
            "found");
  file("Tiltfile", "k8s_yaml('crd.yaml')\nk8s_image_json_path('{foobar()}', kind='Environment')\n");
  EXPECT_THAT(loadError(), HasSubstr("{foobar()}\"): unrecognized identifier foobar()"));
}

// ---- k8s_resource -----------------------------------------------------------------------------

TEST_F(K8sTest, K8sResourceRenamesAWorkload) {
  setupFoo();
  file("Tiltfile", "k8s_yaml('foo.yaml')\nk8s_resource('foo', new_name='bar')\n");
  model::Project p = loadOk();
  EXPECT_THAT(names(p), ElementsAre("bar"));
  EXPECT_THAT(objects(p.find("bar")), ElementsAre("Deployment/foo"));
  file("Tiltfile",
       "k8s_yaml('foo.yaml')\nk8s_resource('foo', new_name='bar')\n"
       "k8s_resource('bar', new_name='baz')\n");
  EXPECT_THAT(names(loadOk()), ElementsAre("baz"));
}

TEST_F(K8sTest, K8sResourceCanRenameOneOfTwoConflictingWorkloads) {
  dockerfile("foo1");
  dockerfile("foo2");
  file("foo1.yaml", deployment("foo", "gcr.io/foo1", "ns1"));
  file("foo2.yaml", deployment("foo", "gcr.io/foo2", "ns2"));
  file("Tiltfile",
       "k8s_yaml(['foo1.yaml', 'foo2.yaml'])\n"
       "k8s_resource('foo:deployment:ns2', new_name='foo')\n");
  EXPECT_THAT(names(loadOk()), ElementsAre("foo:deployment:ns1", "foo"));
}

TEST_F(K8sTest, K8sResourceRenameToAnExistingNameIsAnError) {
  setupFooAndBar();
  file("Tiltfile", "k8s_yaml(['foo.yaml', 'bar.yaml'])\nk8s_resource('foo', new_name='bar')\n");
  EXPECT_EQ(loadError(), path("Tiltfile") +
                             ":2:13: k8s_resource specified to rename \"foo\" to \"bar\": "
                             "k8s_resource named \"bar\" already exists");
}

TEST_F(K8sTest, K8sResourceOnAnUnknownWorkloadIsAnError) {
  setupFooAndBar();
  file("Tiltfile", "k8s_yaml(['foo.yaml', 'bar.yaml'])\n\nk8s_resource('baz', new_name='qux')\n");
  EXPECT_EQ(loadError(), path("Tiltfile") +
                             ":3:13: k8s_resource specified unknown resource \"baz\". known k8s "
                             "resources: foo, bar");
}

TEST_F(K8sTest, K8sResourceNeedsAName) {
  setupFoo();
  file("Tiltfile", "k8s_yaml('foo.yaml')\nk8s_resource('', port_forwards=8000)\n");
  EXPECT_THAT(loadError(), HasSubstr("Error in k8s_resource: Resource name missing. Must give a "
                                     "name for an existing resource or a new_name to create a new "
                                     "resource."));
  file("Tiltfile", "k8s_resource(objects=['bar'])\n");
  EXPECT_THAT(loadError(), HasSubstr("Resource name missing."));
  file("Tiltfile", "k8s_resource(new_name='foo')\n");
  EXPECT_THAT(loadError(), HasSubstr("k8s_resource doesn't specify a workload or any objects. All "
                                     "non-workload resources must specify 1 or more objects"));
  file("Tiltfile", "k8s_resource('a/b')\n");
  EXPECT_THAT(loadError(), HasSubstr("k8s_resource: for parameter workload: invalid value \"a/b\": "
                                     "may not contain '/'"));
  file("Tiltfile", "k8s_resource(1)\n");
  EXPECT_THAT(loadError(), HasSubstr("Value should be convertible to string, but is type int"));
}

TEST_F(K8sTest, K8sResourceOptionsAddUpAcrossCalls) {
  setupFoo();
  file("Tiltfile",
       "k8s_yaml('foo.yaml')\n"
       "k8s_resource('foo', port_forwards=8001, links=['http://demo-a.localhost/'], "
       "labels='test', resource_deps=['x'])\n"
       "k8s_resource('foo', port_forwards=8000, links='demo-b.localhost', labels=['a', 'test2'], "
       "resource_deps=('y',))\n"
       "k8s_resource('foo')\n"
       "local_resource('x', 'true')\nlocal_resource('y', 'true')\n");
  model::Project p = loadOk();
  const model::Resource* foo = p.find("foo");
  ASSERT_EQ(foo->k8s->port_forwards.size(), 2u);
  EXPECT_EQ(foo->k8s->port_forwards[0].local_port, 8001);
  EXPECT_EQ(foo->k8s->port_forwards[1].local_port, 8000);
  ASSERT_EQ(foo->links.size(), 2u);
  EXPECT_EQ(foo->links[0].url, "http://demo-a.localhost/");
  EXPECT_EQ(foo->links[1].url, "http://demo-b.localhost");
  EXPECT_THAT(foo->labels, ElementsAre("a", "test", "test2"));
  EXPECT_THAT(foo->resource_deps, ElementsAre("x", "y"));
}

TEST_F(K8sTest, K8sResourceLabelsAreValidated) {
  setupFoo();
  file("Tiltfile", "k8s_yaml('foo.yaml')\nk8s_resource('foo', labels='a/b')\n");
  EXPECT_THAT(
      loadError(),
      HasSubstr(
          "k8s_resource: for parameter \"labels\": Invalid label \"a/b\": a valid label must"));
  file("Tiltfile", "k8s_yaml('foo.yaml')\nk8s_resource('foo', labels='-x')\n");
  EXPECT_THAT(loadError(), HasSubstr("Invalid label \"-x\": name part must consist of"));
  file("Tiltfile", "k8s_yaml('foo.yaml')\nk8s_resource('foo', labels='Bad_Prefix/x')\n");
  EXPECT_THAT(loadError(),
              HasSubstr("Invalid label \"Bad_Prefix/x\": prefix part a lowercase RFC 1123"));
  file("Tiltfile", "k8s_yaml('foo.yaml')\nk8s_resource('foo', labels=1)\n");
  EXPECT_THAT(loadError(),
              HasSubstr("value should be a label or List or Tuple of labels, but is of type int"));
}

TEST_F(K8sTest, K8sResourceRejectsResourceDepsThatAreNotASequenceOfStrings) {
  setupFoo();
  file("Tiltfile", "k8s_yaml('foo.yaml')\nk8s_resource('foo', resource_deps='bar')\n");
  EXPECT_THAT(loadError(),
              HasSubstr("k8s_resource: for parameter \"resource_deps\": got string, want "
                        "starlark.Sequence"));
  file("Tiltfile", "k8s_yaml('foo.yaml')\nk8s_resource('foo', resource_deps=[1])\n");
  EXPECT_THAT(loadError(),
              HasSubstr("k8s_resource: resource_deps: '1' is a starlark.Int, not a string"));
}

TEST_F(K8sTest, TriggerModeAndAutoInit) {
  setupFoo();
  struct Case {
    std::string global;
    std::string args;
    model::TriggerMode mode;
    bool auto_init;
  };
  const std::vector<Case> cases = {
      {"", "", model::TriggerMode::kAuto, true},
      {"trigger_mode(TRIGGER_MODE_MANUAL)", "", model::TriggerMode::kManual, true},
      {"", ", trigger_mode=TRIGGER_MODE_MANUAL", model::TriggerMode::kManual, true},
      {"", ", trigger_mode=TRIGGER_MODE_MANUAL, auto_init=False", model::TriggerMode::kManual,
       false},
      {"trigger_mode(TRIGGER_MODE_MANUAL)", ", trigger_mode=TRIGGER_MODE_AUTO",
       model::TriggerMode::kAuto, true},
      {"", ", auto_init=False", model::TriggerMode::kAuto, false},
  };
  for (const Case& c : cases) {
    file("Tiltfile", c.global + "\nk8s_yaml('foo.yaml')\nk8s_resource('foo'" + c.args + ")\n");
    model::Project p = loadOk();
    EXPECT_EQ(p.find("foo")->trigger_mode, c.mode) << c.global << c.args;
    EXPECT_EQ(p.find("foo")->auto_init, c.auto_init) << c.global << c.args;
  }
}

TEST_F(K8sTest, PortForwardsInEveryForm) {
  setupFoo();
  struct Case {
    std::string expr;
    std::vector<model::PortForward> want;
  };
  auto pf = [](int local, std::optional<int> container = std::nullopt, std::string host = "",
               std::string name = "", std::string link_path = "") {
    model::PortForward p;
    p.local_port = local;
    p.container_port = container;
    p.host = std::move(host);
    p.name = std::move(name);
    p.link_path = std::move(link_path);
    return p;
  };
  const std::vector<Case> cases = {
      {"8000", {pf(8000)}},
      {"'10000'", {pf(10000)}},
      {"'10000:8000'", {pf(10000, 8000)}},
      {"'0.0.0.0:10000:8000'", {pf(10000, 8000, "0.0.0.0")}},
      {"'tilt.dev:10000:8000'", {pf(10000, 8000, "tilt.dev")}},
      {"port_forward(8001)", {pf(8001)}},
      {"port_forward(8001, name='foo')", {pf(8001, std::nullopt, "", "foo")}},
      {"port_forward(8001, link_path='v1/ui')", {pf(8001, std::nullopt, "", "", "v1/ui")}},
      {"port_forward(8001, 443)", {pf(8001, 443)}},
      {"port_forward(8001, 443, 'foo', 'v1/ui', 'elastic.local')",
       {pf(8001, 443, "elastic.local", "foo", "v1/ui")}},
      {"port_forward(8001, 443, host='elastic.local')", {pf(8001, 443, "elastic.local")}},
      {"[8000, port_forward(8001, 443), '8002', '8003:444']",
       {pf(8000), pf(8001, 443), pf(8002), pf(8003, 444)}},
      {"(8000,)", {pf(8000)}},
      {"None", {}},
      {"[]", {}},
  };
  for (const Case& c : cases) {
    file("Tiltfile", "k8s_yaml('foo.yaml')\nk8s_resource('foo', port_forwards=" + c.expr + ")\n");
    model::Project p = loadOk();
    const auto& got = p.find("foo")->k8s->port_forwards;
    ASSERT_EQ(got.size(), c.want.size()) << c.expr;
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].local_port, c.want[i].local_port) << c.expr;
      EXPECT_EQ(got[i].container_port, c.want[i].container_port) << c.expr;
      EXPECT_EQ(got[i].host, c.want[i].host) << c.expr;
      EXPECT_EQ(got[i].name, c.want[i].name) << c.expr;
      EXPECT_EQ(got[i].link_path, c.want[i].link_path) << c.expr;
    }
  }
}

TEST_F(K8sTest, PortForwardErrors) {
  setupFoo();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"-1", "k8s_resource \"foo\": portForward port value -1 is not in the valid range [0-65535]"},
      {"8000000", "portForward port value 8000000 is not in the valid range [0-65535]"},
      {"'garbage'", "portForward port value \"garbage\" is not in the valid range [0-65535]"},
      {"''", "portForward port value \"\" is not in the valid range [0-65535]"},
      {"'8000:x'", "portForward port value \"x\" is not in the valid range [0-65535]"},
      {"'bad+host:10000:8000'", "not a valid hostname or IP address"},
      {"port_forward(container_port=443)", "port_forward: missing argument for local_port"},
      {"port_forward('8001')", "port_forward: for parameter local_port: got string, want int"},
      {"port_forward(8001, 443, link_path='invalid_escape%')",
       "parsing `path` param: parse \"invalid_escape%\": invalid URL escape \"%\""},
      {"port_forward(8001, 443, 54321)", "for parameter name: got int, want string"},
      {"port_forward(8001, 443, host=54321)", "for parameter \"host\": got int, want string"},
      {"[8000, 1.5]",
       "port_forwards arg [8000, 1.5] includes element 1.5 which must be an int or a "
       "port_forward; is a starlark.Float"},
      {"{}",
       "port_forwards must be an int, a port_forward, or a sequence of those; is a "
       "*starlark.Dict"},
  };
  for (const auto& [expr, want] : cases) {
    file("Tiltfile", "k8s_yaml('foo.yaml')\nk8s_resource('foo', port_forwards=" + expr + ")\n");
    EXPECT_THAT(loadError(), HasSubstr(want)) << expr;
  }
}

TEST_F(K8sTest, PortForwardValuesPrintAsTilts) {
  file("Tiltfile", "print(port_forward(8000, 80, name='web'))\nprint(type(port_forward(1)))\n");
  loadOk();
  EXPECT_EQ(logText(),
            "port_forward(local_port=8000, container_port=80, name=\"web\")\nport_forward\n");
}

TEST_F(K8sTest, ExtraPodSelectors) {
  setupFoo();
  file("Tiltfile",
       "k8s_yaml('foo.yaml')\n"
       "k8s_resource('foo', extra_pod_selectors=[{'foo': 'bar', 'baz': 'qux'}, {'quux': "
       "'corge'}])\n");
  model::Project p = loadOk();
  using Labels = std::map<std::string, std::string>;
  EXPECT_THAT(p.find("foo")->k8s->extra_pod_selectors,
              ElementsAre(Labels{{"baz", "qux"}, {"foo", "bar"}}, Labels{{"quux", "corge"}}));
  file("Tiltfile",
       "k8s_yaml('foo.yaml')\nk8s_resource('foo', extra_pod_selectors={'foo': 'bar'})\n");
  EXPECT_THAT(loadOk().find("foo")->k8s->extra_pod_selectors, ElementsAre(Labels{{"foo", "bar"}}));

  const std::vector<std::pair<std::string, std::string>> errors = {
      {"'hello'", "pod labels must be a dict or a list; got starlark.String"},
      {"['hello']", "pod labels elements must be dicts; got starlark.String"},
      {"[{54321: 'hello'}]", "pod label keys must be strings; got '54321' of type starlark.Int"},
      {"[{'hello': 54321}]", "pod label values must be strings; got '54321' of type starlark.Int"},
  };
  for (const auto& [expr, want] : errors) {
    file("Tiltfile",
         "k8s_yaml('foo.yaml')\nk8s_resource('foo', extra_pod_selectors=" + expr + ")\n");
    EXPECT_THAT(loadError(), HasSubstr(want)) << expr;
  }
}

TEST_F(K8sTest, PodReadinessAndDiscoveryStrategy) {
  file("config.yaml", configMap("config"));
  file("foo.yaml", deployment("foo"));
  file("Tiltfile",
       "k8s_yaml(['config.yaml', 'foo.yaml'])\n"
       "k8s_resource(new_name='config', objects=['config'])\n"
       "k8s_resource('foo', pod_readiness='ignore', discovery_strategy='selectors-only')\n");
  model::Project p = loadOk();
  // A hand-made group with no images or selectors is not expected to make pods.
  EXPECT_EQ(p.find("config")->k8s->pod_readiness, model::PodReadiness::kIgnore);
  EXPECT_EQ(p.find("foo")->k8s->pod_readiness, model::PodReadiness::kIgnore);
  EXPECT_EQ(p.find("foo")->k8s->discovery_strategy, "selectors-only");

  file("Tiltfile",
       "k8s_yaml('config.yaml')\n"
       "k8s_resource(new_name='config', objects=['config'], pod_readiness='wait')\n");
  EXPECT_EQ(loadOk().find("config")->k8s->pod_readiness, model::PodReadiness::kWait);
  file("Tiltfile",
       "k8s_yaml('config.yaml')\n"
       "k8s_resource(new_name='config', objects=['config'], extra_pod_selectors={'a': 'b'})\n");
  EXPECT_EQ(loadOk().find("config")->k8s->pod_readiness, model::PodReadiness::kWait);

  file("Tiltfile",
       "k8s_yaml('config.yaml')\n"
       "k8s_resource(new_name='config', objects=['config'], pod_readiness='w')\n");
  EXPECT_THAT(loadError(),
              HasSubstr("k8s_resource: for parameter \"pod_readiness\": Invalid value. "
                        "Allowed: {ignore, wait}. Got: w"));
  file("Tiltfile", "k8s_yaml('foo.yaml')\nk8s_resource('foo', discovery_strategy='typo')\n");
  EXPECT_THAT(loadError(), HasSubstr("Invalid. Must be one of: \"default\", \"selectors-only\""));
}

// ---- k8s_resource(objects=...) ----------------------------------------------------------------

class ObjectsTest : public K8sTest {
 protected:
  void SetUp() override {
    setupFoo();
    file("secret.yaml", secret("bar"));
    file("namespace.yaml", namespaceObject("baz"));
  }
  std::string tiltfile(const std::string& call) {
    return "docker_build('gcr.io/foo', 'foo')\nk8s_yaml('foo.yaml')\nk8s_yaml('secret.yaml')\n"
           "k8s_yaml('namespace.yaml')\n" +
           call + "\n";
  }
};

TEST_F(ObjectsTest, ObjectsJoinAWorkloadsResource) {
  file("Tiltfile", tiltfile("k8s_resource('foo', objects=['bar', 'baz:namespace:default'])"));
  model::Project p = loadOk();
  EXPECT_THAT(names(p), ElementsAre("foo"));
  EXPECT_THAT(objects(p.find("foo")), ElementsAre("Namespace/baz", "Secret/bar", "Deployment/foo"));
  EXPECT_EQ(p.find("foo")->k8s->pod_readiness, model::PodReadiness::kWait);
}

TEST_F(ObjectsTest, ObjectsMakeANewResource) {
  file("Tiltfile",
       tiltfile("k8s_resource(new_name='stuff', objects=['bar', 'baz:namespace'], "
                "port_forwards=9876, trigger_mode=TRIGGER_MODE_MANUAL, resource_deps=['foo'])"));
  model::Project p = loadOk();
  EXPECT_THAT(names(p), ElementsAre("foo", "stuff"));
  const model::Resource* stuff = p.find("stuff");
  EXPECT_THAT(objects(stuff), ElementsAre("Namespace/baz", "Secret/bar"));
  EXPECT_EQ(stuff->k8s->pod_readiness, model::PodReadiness::kIgnore);
  EXPECT_EQ(stuff->trigger_mode, model::TriggerMode::kManual);
  EXPECT_THAT(stuff->resource_deps, ElementsAre("foo"));
  EXPECT_EQ(stuff->k8s->port_forwards.size(), 1u);
}

TEST_F(ObjectsTest, ObjectsAreAddedAcrossCalls) {
  file("Tiltfile", tiltfile("k8s_resource(new_name='stuff', objects=['bar'])\n"
                            "k8s_resource('stuff', objects=['baz'])"));
  EXPECT_THAT(objects(loadOk().find("stuff")), ElementsAre("Namespace/baz", "Secret/bar"));
}

TEST_F(ObjectsTest, FragmentsAreCaseInsensitiveAndMayBePartial) {
  file("Tiltfile", tiltfile("k8s_resource('foo', objects=['BAR:Secret', 'baz:NAMESPACE'])"));
  EXPECT_THAT(objects(loadOk().find("foo")),
              ElementsAre("Namespace/baz", "Secret/bar", "Deployment/foo"));
}

TEST_F(ObjectsTest, AnAmbiguousFragmentIsAnError) {
  file("namespace.yaml", namespaceObject("bar"));
  file("Tiltfile", tiltfile("k8s_resource('foo', objects=['bar'])"));
  EXPECT_EQ(loadError(),
            "\"bar\" is not a unique fragment. Objects that match \"bar\" are "
            "\"bar:Secret:default\", \"bar:Namespace:default\"");
  file("Tiltfile", tiltfile("k8s_resource('foo', objects=['bar:secret', 'bar:namespace'])"));
  EXPECT_THAT(objects(loadOk().find("foo")),
              ElementsAre("Namespace/bar", "Secret/bar", "Deployment/foo"));
}

TEST_F(ObjectsTest, AWorkloadAndAnObjectCanShareAFragment) {
  file("secret.yaml", secret("foo"));
  file("Tiltfile", tiltfile("k8s_resource('foo', objects=['foo'])"));
  EXPECT_EQ(loadError(),
            "\"foo\" is not a unique fragment. Objects that match \"foo\" are "
            "\"foo:Deployment:default\", \"foo:Secret:default\"");
}

TEST_F(ObjectsTest, AFragmentThatMatchesNothingListsThePossibleObjects) {
  file("Tiltfile", tiltfile("k8s_resource('foo', objects=['baz:secret:default'])"));
  EXPECT_EQ(loadError(),
            "No object identified by the fragment \"baz:secret:default\" could be found. Possible "
            "objects are: \"foo:Deployment:default\", \"bar:Secret:default\", "
            "\"baz:Namespace:default\"");
  file("Tiltfile", tiltfile("k8s_resource('foo', objects=['ba'])"));
  EXPECT_THAT(loadError(), HasSubstr("No object identified by the fragment \"ba\" could be found"));
  file("Tiltfile", tiltfile("k8s_resource('foo', objects=['baz:namespace:qux'])"));
  EXPECT_THAT(
      loadError(),
      HasSubstr("No object identified by the fragment \"baz:namespace:qux\" could be found"));
}

TEST_F(ObjectsTest, AnObjectCanOnlyBeClaimedOnce) {
  file("secret2.yaml", secret("qux"));
  file("Tiltfile",
       "docker_build('gcr.io/foo', 'foo')\nk8s_yaml(['foo.yaml', 'secret.yaml', "
       "'secret2.yaml'])\nk8s_resource('foo', objects=['bar', 'bar:secret:default'])\n");
  EXPECT_EQ(loadError(),
            "No object identified by the fragment \"bar:secret:default\" could be found in "
            "remaining YAML. Valid remaining fragments are: \"qux:Secret:default\"");
}

TEST_F(ObjectsTest, SelectorsWithEscapes) {
  file("secret.yaml", secret("quu:bar"));
  file("Tiltfile",
       tiltfile("k8s_resource('foo', objects=['quu\\\\:bar', 'baz:namespace:default'])"));
  EXPECT_THAT(objects(loadOk().find("foo")),
              ElementsAre("Namespace/baz", "Secret/quu:bar", "Deployment/foo"));
  file("Tiltfile", tiltfile("k8s_resource('foo', objects=['quu:bar'])"));
  EXPECT_THAT(loadError(), HasSubstr("Possible objects are: \"foo:Deployment:default\", "
                                     "\"quu\\\\:bar:Secret:default\", \"baz:Namespace:default\""));
  file("Tiltfile", tiltfile("k8s_resource('foo', objects=['qu\\\\u:bar'])"));
  EXPECT_THAT(loadError(), HasSubstr("Error making selector from string \"qu\\\\u:bar\": invalid "
                                     "escape sequence '\\u' in 'qu\\u:b'"));
}

TEST_F(ObjectsTest, MalformedSelectors) {
  file("Tiltfile", tiltfile("k8s_resource('foo', objects=[''])"));
  EXPECT_EQ(loadError(), "Error making selector from string \"\": selector can't be empty");
  file("Tiltfile", tiltfile("k8s_resource('foo', objects=['baz:namespace:default:core'])"));
  EXPECT_EQ(loadError(),
            "Error making selector from string \"baz:namespace:default:core\": Too many parts in "
            "selector. Selectors must contain between 1 and 3 parts (colon separated), found 4 "
            "parts in baz:namespace:default:core");
}

TEST_F(ObjectsTest, ANewResourceCannotTakeAnExistingName) {
  file("Tiltfile", tiltfile("k8s_resource(new_name='foo', objects=['bar'])"));
  EXPECT_EQ(loadError(), "k8s_resource named \"foo\" already exists");
  file("Tiltfile", tiltfile("k8s_resource(new_name='x', objects=['bar'])\n"
                            "k8s_resource(new_name='x', objects=['baz'])"));
  EXPECT_EQ(loadError(), "k8s_resource named \"x\" already exists");
}

TEST_F(ObjectsTest, ObjectsWorkWithWorkloadToResourceFunction) {
  file("Tiltfile",
       "docker_build('gcr.io/foo', 'foo')\nk8s_yaml(['foo.yaml', 'secret.yaml'])\n"
       "def wtrf(id):\n  return 'hello-' + id.name\n"
       "workload_to_resource_function(wtrf)\n"
       "k8s_resource('hello-foo', objects=['bar:secret'])\n");
  model::Project p = loadOk();
  EXPECT_THAT(names(p), ElementsAre("hello-foo"));
  EXPECT_THAT(objects(p.find("hello-foo")), ElementsAre("Secret/bar", "Deployment/foo"));
}

// ---- workload_to_resource_function ------------------------------------------------------------

TEST_F(K8sTest, WorkloadToResourceFunctionNamesWorkloads) {
  setupFoo();
  file("Tiltfile",
       "docker_build('gcr.io/foo', 'foo')\nk8s_yaml('foo.yaml')\n"
       "def wtrf(id):\n"
       "  print(id, id.name, id.kind, id.namespace, id.group, id.api_version)\n"
       "  return 'hello-' + id.name\n"
       "workload_to_resource_function(wtrf)\n"
       "k8s_resource('hello-foo', port_forwards=8000)\n");
  model::Project p = loadOk();
  EXPECT_THAT(names(p), ElementsAre("hello-foo"));
  EXPECT_EQ(p.find("hello-foo")->k8s->port_forwards.size(), 1u);
  EXPECT_EQ(logText(), "foo:deployment:default:apps foo Deployment default apps apps/v1\n");
}

TEST_F(K8sTest, WorkloadToResourceFunctionErrors) {
  setupFooAndBar();
  file("Tiltfile",
       "k8s_yaml(['foo.yaml', 'bar.yaml'])\n"
       "def wtrf(id):\n  return 'baz'\nworkload_to_resource_function(wtrf)\n");
  EXPECT_EQ(loadError(), path("Tiltfile") +
                             ":2:1: error applying workload_to_resource_function: both "
                             "'bar:deployment:default:apps' and 'foo:deployment:default:apps' "
                             "mapped to resource name 'baz'");
  file("Tiltfile",
       "k8s_yaml('foo.yaml')\n\n\n\ndef wtrf(id):\n  return 1 + 'asdf'\n"
       "workload_to_resource_function(wtrf)\n");
  EXPECT_EQ(loadError(), path("Tiltfile") +
                             ":5:1: error applying workload_to_resource_function: error "
                             "determining resource name for 'foo:deployment:default:apps': "
                             "unknown binary op: int + string");
  file("Tiltfile",
       "k8s_yaml('foo.yaml')\ndef wtrf(id):\n  return 1\nworkload_to_resource_function(wtrf)\n");
  EXPECT_THAT(loadError(), HasSubstr("'foo:deployment:default:apps': wtrf: invalid return value. "
                                     "wanted: string. got: starlark.Int"));
  file("Tiltfile", "def wtrf():\n  return 'x'\nworkload_to_resource_function(wtrf)\n");
  EXPECT_THAT(loadError(), HasSubstr("workload_to_resource_function arg must take 1 argument. wtrf "
                                     "takes 0"));
  file("Tiltfile", "def wtrf(a, b):\n  return 'x'\nworkload_to_resource_function(wtrf)\n");
  EXPECT_THAT(loadError(), HasSubstr("wtrf takes 2"));
  file("Tiltfile", "workload_to_resource_function(len)\n");
  EXPECT_THAT(loadError(), HasSubstr("workload_to_resource_function: for parameter func: got "
                                     "builtin_function_or_method, want function"));
}

// ---- filter_yaml --------------------------------------------------------------------------------

class FilterYamlTest : public K8sTest {
 protected:
  void SetUp() override {
    file("k8s.yaml",
         docs({"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: doggos\n  namespace: "
               "the-dog-zone\n  labels:\n    app: doggos\nspec:\n  template:\n    metadata:\n      "
               "labels: {app: doggos}\n    spec:\n      containers:\n      - image: dog\n",
               "apiVersion: v1\nkind: Service\nmetadata:\n  name: doggos\n  labels:\n    app: "
               "doggos\nspec:\n  selector: {app: doggos}\n",
               deployment("snack", "snack"), deployment("sancho", "sancho")}));
  }
  std::vector<std::string> filtered(const std::string& args) {
    file("Tiltfile", "match, rest = filter_yaml('k8s.yaml', " + args +
                         ")\nprint(type(match))\n"
                         "print([o['metadata']['name'] + '/' + o['kind'] for o in "
                         "decode_yaml_stream(match)])\n");
    loadOk();
    return {logText()};
  }
};

TEST_F(FilterYamlTest, FiltersByLabelsNameKindNamespaceAndApiVersion) {
  EXPECT_THAT(filtered("labels={'app': 'doggos'}"),
              ElementsAre("blob\n[\"doggos/Deployment\", \"doggos/Service\"]\n"));
  EXPECT_THAT(filtered("name='doggos'"),
              ElementsAre("blob\n[\"doggos/Deployment\", \"doggos/Service\"]\n"));
  EXPECT_THAT(filtered("name='doggos', kind='deployment'"),
              ElementsAre("blob\n[\"doggos/Deployment\"]\n"));
  EXPECT_THAT(filtered("namespace='the-dog-zone'"), ElementsAre("blob\n[\"doggos/Deployment\"]\n"));
  EXPECT_THAT(filtered("name='doggos', api_version='apps/v1'"),
              ElementsAre("blob\n[\"doggos/Deployment\"]\n"));
  EXPECT_THAT(filtered("name='s'"),
              ElementsAre("blob\n[\"doggos/Deployment\", \"doggos/Service\", \"snack/Deployment\", "
                          "\"sancho/Deployment\"]\n"));
}

TEST_F(FilterYamlTest, TheFilteredYamlDeploys) {
  file("Tiltfile",
       "doggos, rest = filter_yaml('k8s.yaml', labels={'app': 'doggos'})\n"
       "k8s_yaml(doggos)\n");
  model::Project p = loadOk();
  EXPECT_THAT(names(p), ElementsAre("doggos"));
  EXPECT_THAT(objects(p.find("doggos")), ElementsAre("Service/doggos", "Deployment/doggos"));
  file("Tiltfile",
       "doggos, rest = filter_yaml('k8s.yaml', labels={'app': 'doggos'})\n"
       "k8s_yaml(rest)\n");
  EXPECT_THAT(names(loadOk()), ElementsAre("snack", "sancho"));
}

TEST_F(FilterYamlTest, NoMatchDeploysNothing) {
  file("Tiltfile",
       "m, r = filter_yaml('k8s.yaml', namespace='dne', kind='deployment')\nk8s_yaml(m)\n");
  EXPECT_THAT(loadError(), HasSubstr("Empty YAML passed to k8s_yaml"));
}

TEST_F(FilterYamlTest, BadArguments) {
  file("Tiltfile", "filter_yaml('k8s.yaml', labels=1)\n");
  EXPECT_THAT(loadError(), HasSubstr("filter_yaml: for parameter \"labels\": expected dict, got "
                                     "starlark.Int"));
  file("Tiltfile", "filter_yaml('k8s.yaml', kind='*')\n");
  EXPECT_THAT(loadError(), HasSubstr("error parsing kind regexp"));
}

// ---- other families ---------------------------------------------------------------------------

TEST_F(K8sTest, AWorkloadNamedLikeALocalResourceIsAnError) {
  setupFoo();
  file("Tiltfile", "k8s_yaml('foo.yaml')\nlocal_resource('foo', 'echo hi')\n");
  EXPECT_EQ(loadError(),
            "error making resource for workload foo:deployment:default:apps: local_resource named "
            "\"foo\" already exists");
}

TEST_F(K8sTest, K8sResourceConfiguresCustomDeploys) {
  file("Tiltfile",
       "k8s_custom_deploy('cd', apply_cmd='kubectl apply -f x.yaml -o yaml', delete_cmd='true', "
       "deps=[])\n"
       "k8s_resource('cd', port_forwards=8080, labels=['x'], new_name='custom')\n");
  model::Project p = loadOk();
  ASSERT_THAT(names(p), ElementsAre("custom"));
  const model::Resource* r = p.find("custom");
  ASSERT_TRUE(r->k8s->custom_deploy);
  EXPECT_EQ(r->k8s->port_forwards.size(), 1u);
  EXPECT_THAT(r->labels, ElementsAre("x"));
  EXPECT_EQ(r->k8s->pod_readiness, model::PodReadiness::kWait);
}

TEST_F(K8sTest, CustomDeploysComeBeforeWorkloads) {
  setupFoo();
  file("Tiltfile",
       "k8s_yaml('foo.yaml')\n"
       "k8s_custom_deploy('cd', apply_cmd='apply', delete_cmd='delete', deps=[])\n");
  EXPECT_THAT(names(loadOk()), ElementsAre("cd", "foo"));
}

TEST_F(K8sTest, CustomDeployImageDepsMustBeBuilt) {
  file("Tiltfile",
       "k8s_custom_deploy('foo', apply_cmd='apply', delete_cmd='delete', deps=[], "
       "image_deps=['image-a'])\n");
  EXPECT_EQ(loadError(), "resource \"foo\": image build \"image-a\" not found");
  dockerfile("a");
  file("Tiltfile",
       "k8s_custom_deploy('foo', apply_cmd='apply', delete_cmd='delete', deps=[], "
       "image_deps=['image-a'])\ndocker_build('image-a', 'a')\n");
  EXPECT_THAT(loadOk().find("foo")->image_refs, ElementsAre("image-a"));
}

}  // namespace
}  // namespace slant::tiltfile
