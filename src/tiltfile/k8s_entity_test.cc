// Tests of Kubernetes objects, selectors, names and JSONPath (k8s_entity.h).
#include "tiltfile/k8s_entity.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace slant::tiltfile {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using Labels = std::map<std::string, std::string>;

K8sEntity entity(std::string_view yaml) {
  auto parsed = parseK8sYaml(yaml);
  EXPECT_TRUE(parsed) << parsed.error().message();
  EXPECT_EQ(parsed->size(), 1u);
  return parsed->at(0);
}

std::string parseError(std::string_view yaml) {
  auto parsed = parseK8sYaml(yaml);
  EXPECT_FALSE(parsed);
  return parsed ? "" : parsed.error().message();
}

std::vector<std::string> imageNames(const K8sEntity& e,
                                    const std::vector<const ImageLocator*>& locators = {},
                                    const std::vector<RefSelector>& env = {}) {
  auto images = findImages(e, locators, env);
  EXPECT_TRUE(images) << images.error().message();
  std::vector<std::string> out;
  if (images)
    for (const ImageRef& r : *images) out.push_back(r.familiarString());
  return out;
}

constexpr std::string_view kDeployment = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: prod
  labels:
    team: a
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
        tier: front
    spec:
      initContainers:
      - name: init
        image: busybox:1.36
      containers:
      - name: web
        image: gcr.io/acme/web:dev
        env:
        - name: HELPER
          value: gcr.io/acme/helper
        - name: PLAIN
          value: not an image!
      volumes:
      - name: data
        image:
          reference: gcr.io/acme/data:v1
status:
  replicas: 3
)";

TEST(K8sEntity, ReadsKindNameNamespaceAndGroup) {
  K8sEntity e = entity(kDeployment);
  EXPECT_EQ(e.apiVersion(), "apps/v1");
  EXPECT_EQ(e.kind(), "Deployment");
  EXPECT_EQ(e.name(), "web");
  EXPECT_EQ(e.rawNamespace(), "prod");
  EXPECT_EQ(e.namespaceOrDefault(), "prod");
  EXPECT_EQ(e.group(), "apps");
  EXPECT_EQ(e.labels(), (Labels{{"team", "a"}}));
  K8sEntity svc = entity("apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n");
  EXPECT_EQ(svc.group(), "");
  EXPECT_EQ(svc.rawNamespace(), "");
  EXPECT_EQ(svc.namespaceOrDefault(), "default");
}

TEST(K8sEntity, ParsingSkipsEmptyDocumentsAndExpandsLists) {
  auto parsed = parseK8sYaml(R"(---
# only a comment
---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: a}
- apiVersion: v1
  kind: Secret
  metadata: {name: b}
---
apiVersion: v1
kind: Namespace
metadata: {name: c}
)");
  ASSERT_TRUE(parsed) << parsed.error().message();
  ASSERT_EQ(parsed->size(), 3u);
  EXPECT_EQ((*parsed)[0].kind(), "ConfigMap");
  EXPECT_EQ((*parsed)[1].kind(), "Secret");
  EXPECT_EQ((*parsed)[2].name(), "c");
}

TEST(K8sEntity, ParsingRejectsDocumentsThatAreNotObjects) {
  EXPECT_THAT(parseError("hello"), HasSubstr("couldn't get version/kind; json parse error: "));
  EXPECT_EQ(parseError("metadata: {name: x}"),
            "Object 'Kind' is missing in '{\"metadata\":{\"name\":\"x\"}}'");
  EXPECT_THAT(parseError("kind: Deployment\nmetadata: {name: x}"),
              HasSubstr("decoding Deployment \"x\": Object 'apiVersion' is missing in '{"));
}

TEST(K8sEntity, ParsingChecksSecretDataIsBase64) {
  EXPECT_EQ(parseError("apiVersion: v1\nkind: Secret\nmetadata: {name: mysecret}\ndata:\n  "
                       "stuff: \"!\"\n"),
            "decoding Secret \"mysecret\": illegal base64 data at input byte 0");
  EXPECT_EQ(parseError("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  x: abc\n"),
            "decoding Secret \"s\": illegal base64 data at input byte 0");
  auto ok = parseK8sYaml(
      "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  x: aGVsbG8=\n  y: aGk=\n");
  EXPECT_TRUE(ok) << ok.error().message();
}

TEST(K8sEntity, YamlSyntaxErrorsComeFromTheYamlParser) {
  EXPECT_THAT(parseError("a: [\n"), HasSubstr("error parsing YAML"));
}

TEST(K8sEntity, PodTemplatesAreFoundAtEveryWorkloadShape) {
  struct Case {
    std::string yaml;
    bool has_template;
  };
  const std::vector<Case> cases = {
      {"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\n", true},
      {"apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: a}\n", true},
      {"apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: a}\n", true},
      {"apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: a}\n", true},
      {"apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: a}\n", true},
      {"apiVersion: batch/v1\nkind: Job\nmetadata: {name: a}\n", true},
      {"apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: a}\n", true},
      {"apiVersion: v1\nkind: PodTemplate\nmetadata: {name: a}\n", true},
      {"apiVersion: v1\nkind: ReplicationController\nmetadata: {name: a}\n", false},
      {"apiVersion: v1\nkind: ReplicationController\nmetadata: {name: a}\nspec:\n  template: "
       "{metadata: {labels: {x: y}}}\n",
       true},
      {"apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n", false},
      {"apiVersion: v1\nkind: Service\nmetadata: {name: a}\n", false},
      {"apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: a}\nspec:\n  "
       "template: {metadata: {labels: {x: y}}}\n",
       false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(entity(c.yaml).hasPodTemplateSpec(), c.has_template) << c.yaml;
  }
}

TEST(K8sEntity, PodTemplateLabelsIncludeCronJobsNestedTemplate) {
  K8sEntity cron = entity(R"(apiVersion: batch/v1
kind: CronJob
metadata: {name: c}
spec:
  jobTemplate:
    spec:
      template:
        metadata:
          labels: {app: cron}
)");
  EXPECT_THAT(cron.podTemplateLabels(), ElementsAre(Labels{{"app", "cron"}}));
  EXPECT_THAT(entity(kDeployment).podTemplateLabels(),
              ElementsAre(Labels{{"app", "web"}, {"tier", "front"}}));
}

TEST(K8sEntity, OnlyServicesWithANonEmptySelectorMatchPodLabels) {
  K8sEntity svc =
      entity("apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  selector: {app: web}\n");
  EXPECT_TRUE(svc.selectorMatchesLabels({{"app", "web"}, {"tier", "front"}}));
  EXPECT_FALSE(svc.selectorMatchesLabels({{"app", "api"}}));
  K8sEntity empty = entity("apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {}\n");
  EXPECT_FALSE(empty.selectorMatchesLabels({{"app", "web"}}));
  K8sEntity not_service = entity(
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: s}\nspec:\n  selector: {app: web}\n");
  EXPECT_FALSE(not_service.selectorMatchesLabels({{"app", "web"}}));
}

TEST(K8sEntity, MetadataLabelsMatchAsASubset) {
  K8sEntity e = entity(kDeployment);
  EXPECT_TRUE(e.matchesMetadataLabels({{"team", "a"}}));
  EXPECT_TRUE(e.matchesMetadataLabels({}));
  EXPECT_FALSE(e.matchesMetadataLabels({{"team", "b"}}));
}

TEST(K8sEntity, YamlOfABuiltinTypeLeavesTheStatusOut) {
  K8sEntity e = entity(kDeployment);
  EXPECT_THAT(e.yaml(), Not(HasSubstr("replicas: 3")));
  EXPECT_THAT(e.yaml(), HasSubstr("name: web"));
  K8sEntity crd =
      entity("apiVersion: acme.io/v1\nkind: Thing\nmetadata: {name: t}\nstatus: {ok: true}\n");
  EXPECT_THAT(crd.yaml(), HasSubstr("status"));
  model::K8sObject m = e.toModel();
  EXPECT_EQ(m.api_version, "apps/v1");
  EXPECT_EQ(m.kind, "Deployment");
  EXPECT_EQ(m.name, "web");
  EXPECT_EQ(m.namespace_, "prod");
}

TEST(K8sEntity, FindsImagesInInitContainersContainersAndImageVolumes) {
  EXPECT_THAT(imageNames(entity(kDeployment)),
              ElementsAre("busybox:1.36", "gcr.io/acme/web:dev", "gcr.io/acme/data:v1"));
}

TEST(K8sEntity, FindsImagesInEnvValuesOnlyForImagesThatAskForIt) {
  auto helper = parseImageRef("gcr.io/acme/helper");
  ASSERT_TRUE(helper);
  EXPECT_THAT(imageNames(entity(kDeployment), {}, {RefSelector{*helper, false}}),
              ElementsAre("busybox:1.36", "gcr.io/acme/web:dev", "gcr.io/acme/data:v1",
                          "gcr.io/acme/helper"));
}

TEST(K8sEntity, PodsHaveImagesButCustomResourcesNeedLocators) {
  EXPECT_THAT(imageNames(entity("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  "
                                "containers:\n  - image: redis\n")),
              ElementsAre("redis"));
  K8sEntity crd = entity(
      "apiVersion: acme.io/v1\nkind: Env\nmetadata: {name: e}\nspec:\n  containers:\n  - image: "
      "redis\n  runtime:\n    image: acme/runtime\n");
  EXPECT_TRUE(imageNames(crd).empty());
  ImageLocator l;
  l.selector = *ObjectSelector::partial("", "Env", "", "");
  l.path = *JsonPath::parse("{.spec.runtime.image}");
  EXPECT_THAT(imageNames(crd, {&l}), ElementsAre("acme/runtime"));
}

TEST(K8sEntity, AnInvalidContainerImageIsAnError) {
  K8sEntity pod = entity(
      "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - image: "
      "IMAGE_URL\n");
  auto images = findImages(pod, {}, {});
  ASSERT_FALSE(images);
  EXPECT_EQ(images.error().message(),
            "parsing IMAGE_URL: invalid reference format: repository name (library/IMAGE_URL) "
            "must be lowercase");
}

TEST(K8sEntity, ImageObjectLocatorsJoinRepositoryAndTag) {
  K8sEntity um = entity(R"(apiVersion: tilt.dev/v1alpha1
kind: UselessMachine
metadata: {name: um}
spec:
  image: {repo: tilt.dev/frontend, tag: v2}
)");
  ImageLocator l;
  l.selector = *ObjectSelector::partial("", "UselessMachine", "", "");
  l.path = *JsonPath::parse("{.spec.image}");
  l.is_object = true;
  l.repo_field = "repo";
  l.tag_field = "tag";
  EXPECT_THAT(imageNames(um, {&l}), ElementsAre("tilt.dev/frontend:v2"));
  model::ImageLocator m = l.toModel();
  EXPECT_EQ(m.kind, "UselessMachine");
  EXPECT_EQ(m.json_paths, std::vector<std::string>{"{.spec.image}"});
  EXPECT_EQ(m.repo_field, "repo");
  EXPECT_EQ(m.tag_field, "tag");

  l.path = *JsonPath::parse("{.spec.image.repo}");
  auto err = l.extract(um);
  ASSERT_FALSE(err);
  EXPECT_THAT(err.error().message(),
              HasSubstr("May only match maps (json_path=\"{.spec.image.repo}\")"));
}

TEST(K8sEntity, LocatorsOnlyApplyToObjectsTheirSelectorMatches) {
  K8sEntity crd = entity("apiVersion: acme.io/v1\nkind: Env\nmetadata: {name: e}\nspec: {}\n");
  ImageLocator l;
  l.selector = *ObjectSelector::partial("", "Other", "", "");
  l.path = *JsonPath::parse("{.spec.image}");
  EXPECT_TRUE(imageNames(crd, {&l}).empty());
  l.selector = *ObjectSelector::partial("", "Env", "", "");
  auto err = l.extract(crd);
  ASSERT_FALSE(err);
  EXPECT_EQ(err.error().message(), "Matching (json_path=\"{.spec.image}\"): image is not found");
}

TEST(K8sEntity, KindOrderPutsNamespacesFirstAndUnknownKindsLast) {
  EXPECT_LT(kindOrder("Namespace"), kindOrder("ConfigMap"));
  EXPECT_LT(kindOrder("Service"), kindOrder("Deployment"));
  EXPECT_LT(kindOrder("PodDisruptionBudget"), kindOrder("Ingress"));
  EXPECT_EQ(kindOrder("Ingress"), 0);
}

// ---- selectors ----------------------------------------------------------------------------------

TEST(ObjectSelector, PartialSelectorsAreCaseInsensitiveRegexps) {
  K8sEntity e = entity(kDeployment);
  EXPECT_TRUE(ObjectSelector::partial("", "deploy", "", "")->matches(e));
  EXPECT_TRUE(ObjectSelector::partial("apps/.*", "", "W.B", "prod")->matches(e));
  EXPECT_TRUE(ObjectSelector::partial("", "", "(?i)WEB", "")->matches(e));
  EXPECT_FALSE(ObjectSelector::partial("", "Service", "", "")->matches(e));
  EXPECT_FALSE(ObjectSelector::partial("", "", "", "default")->matches(e));
  EXPECT_TRUE(ObjectSelector().matches(e));
}

TEST(ObjectSelector, ExactSelectorsMatchWholeValuesIgnoringCase) {
  K8sEntity e = entity(kDeployment);
  EXPECT_TRUE(ObjectSelector::exact("", "deployment", "web", "PROD")->matches(e));
  EXPECT_FALSE(ObjectSelector::exact("", "deploy", "", "")->matches(e));
  EXPECT_FALSE(ObjectSelector::exact("", "", "w.b", "")->matches(e));
}

TEST(ObjectSelector, InvalidRegexpsNameTheField) {
  auto kind = ObjectSelector::partial("", "*", "", "");
  ASSERT_FALSE(kind);
  EXPECT_THAT(kind.error().message(),
              HasSubstr("error parsing kind regexp: error parsing regexp: missing argument to "
                        "repetition operator: `*`"));
  auto api = ObjectSelector::partial("*", "", "", "");
  ASSERT_FALSE(api);
  EXPECT_THAT(api.error().message(), HasSubstr("error parsing apiVersion regexp"));
  EXPECT_THAT(ObjectSelector::partial("", "", "*", "").error().message(),
              HasSubstr("error parsing name regexp"));
  EXPECT_THAT(ObjectSelector::partial("", "", "", "*").error().message(),
              HasSubstr("error parsing namespace regexp"));
}

TEST(ObjectSelector, FragmentsSplitAtUnescapedColons) {
  EXPECT_THAT(*unescapeAndSplit("a:b:c"), ElementsAre("a", "b", "c"));
  EXPECT_THAT(*unescapeAndSplit("quu\\:bar:Secret"), ElementsAre("quu:bar", "Secret"));
  EXPECT_THAT(*unescapeAndSplit("quu\\\\bar"), ElementsAre("quu\\bar"));
  EXPECT_EQ(unescapeAndSplit("qu\\u:bar").error().message(),
            "invalid escape sequence '\\u' in 'qu\\u:b'");
  EXPECT_EQ(selectorStringFromParts({"quu:bar", "a\\b", "ns"}), "quu\\:bar:a\\\\b:ns");
}

TEST(ObjectSelector, SelectorsFromFragments) {
  K8sEntity e = entity(kDeployment);
  EXPECT_TRUE(selectorFromString("web")->matches(e));
  EXPECT_TRUE(selectorFromString("WEB:deployment")->matches(e));
  EXPECT_TRUE(selectorFromString("web:Deployment:prod")->matches(e));
  EXPECT_FALSE(selectorFromString("web:Deployment:default")->matches(e));
  EXPECT_FALSE(selectorFromString("we")->matches(e));
  EXPECT_EQ(selectorFromString("").error().message(), "selector can't be empty");
  EXPECT_EQ(selectorFromString("a:b:c:d").error().message(),
            "Too many parts in selector. Selectors must contain between 1 and 3 parts (colon "
            "separated), found 4 parts in a:b:c:d");
}

// ---- names --------------------------------------------------------------------------------------

K8sEntity deploymentIn(std::string_view name, std::string_view ns, std::string_view api = "apps/v1",
                       std::string_view kind = "Deployment") {
  std::string yaml = std::string("apiVersion: ") + std::string(api) +
                     "\nkind: " + std::string(kind) + "\nmetadata:\n  name: " + std::string(name) +
                     "\n";
  if (!ns.empty()) yaml += "  namespace: " + std::string(ns) + "\n";
  return entity(yaml);
}

TEST(Names, PotentialNamesGrowFromNameToGroup) {
  EXPECT_THAT(potentialNames(deploymentIn("Foo", ""), 1),
              ElementsAre("foo", "foo:deployment", "foo:deployment:default",
                          "foo:deployment:default:apps"));
  EXPECT_THAT(potentialNames(deploymentIn("s", "", "v1", "Service"), 2),
              ElementsAre("s:service", "s:service:default", "s:service:default:core"));
  EXPECT_EQ(fullName(deploymentIn("a:b", "")), "a\\:b:Deployment:default");
}

TEST(Names, UniqueNamesUseTheShortestNameNoOtherObjectWants) {
  K8sEntity a = deploymentIn("foo", "ns1");
  K8sEntity b = deploymentIn("foo", "ns2");
  K8sEntity c = deploymentIn("bar", "");
  K8sEntity d = deploymentIn("foo", "ns1", "apps/v1", "StatefulSet");
  EXPECT_THAT(uniqueNames({&a, &b, &c}, 1),
              ElementsAre("foo:deployment:ns1", "foo:deployment:ns2", "bar"));
  EXPECT_THAT(uniqueNames({&c, &d}, 1), ElementsAre("bar", "foo"));
  EXPECT_THAT(uniqueNames({&a, &d}, 1), ElementsAre("foo:deployment", "foo:statefulset"));
  K8sEntity dup = deploymentIn("foo", "ns1");
  EXPECT_THAT(uniqueNames({&a, &dup}, 1),
              ElementsAre("foo:deployment:ns1:apps:0", "foo:deployment:ns1:apps:1"));
}

// ---- JSONPath -----------------------------------------------------------------------------------

std::vector<std::string> jp(std::string_view path, std::string_view yaml,
                            bool allow_missing = false) {
  auto p = JsonPath::parse(path);
  EXPECT_TRUE(p) << p.error().message();
  auto doc = parseYaml(yaml);
  EXPECT_TRUE(doc);
  std::vector<std::string> out;
  auto r = p->visit(*doc, allow_missing, [&](const Json& v) -> starlark::Result<void> {
    out.push_back(v.is_string() ? v.get<std::string>() : v.dump());
    return {};
  });
  if (!r) out.push_back("ERROR: " + r.error().message());
  return out;
}

constexpr std::string_view kDoc = R"(spec:
  containers:
  - name: a
    image: img-a
    env:
    - {name: FETCHER_IMAGE, value: img-fetch}
    - {name: OTHER, value: x}
  - name: b
    image: img-b
  - name: c
    image: img-c
  runtime: {image: rt, count: 3}
  ports: [1, 5, 9]
  weird.key: dotted
)";

TEST(JsonPath, FieldsIndexesAndWildcards) {
  EXPECT_THAT(jp("{.spec.runtime.image}", kDoc), ElementsAre("rt"));
  EXPECT_THAT(jp("{.spec.containers[*].image}", kDoc), ElementsAre("img-a", "img-b", "img-c"));
  EXPECT_THAT(jp("{.spec.containers[1].image}", kDoc), ElementsAre("img-b"));
  EXPECT_THAT(jp("{.spec.containers[-1].image}", kDoc), ElementsAre("img-c"));
  EXPECT_THAT(jp("{.spec.containers[0:2].name}", kDoc), ElementsAre("a", "b"));
  EXPECT_THAT(jp("{.spec.containers[::2].name}", kDoc), ElementsAre("a", "c"));
  EXPECT_THAT(jp("{.spec.containers[0,2].name}", kDoc), ElementsAre("a", "c"));
  EXPECT_THAT(jp("{.spec.runtime.*}", kDoc), ElementsAre("rt", "3"));
  EXPECT_THAT(jp("{.spec['runtime'].image}", kDoc), ElementsAre("rt"));
  // As in client-go, a quoted key is still split at dots unless they are escaped.
  EXPECT_THAT(
      jp("{.spec['weird.key']}", kDoc),
      ElementsAre("ERROR: Matching (json_path=\"{.spec['weird.key']}\"): weird is not found"));
  EXPECT_THAT(jp("{.spec.weird\\.key}", kDoc), ElementsAre("dotted"));
  EXPECT_THAT(jp("{$.spec.runtime.count}", kDoc), ElementsAre("3"));
}

TEST(JsonPath, FiltersAndRecursiveDescent) {
  EXPECT_THAT(jp("{.spec.containers[*].env[?(@.name=='FETCHER_IMAGE')].value}", kDoc),
              ElementsAre("img-fetch"));
  EXPECT_THAT(jp("{.spec.containers[?(@.env)].name}", kDoc), ElementsAre("a"));
  EXPECT_THAT(jp("{.spec.containers[?(@.name!=\"a\")].name}", kDoc), ElementsAre("b", "c"));
  EXPECT_THAT(jp("{.spec.ports[?(@ > 2)]}", kDoc), ElementsAre("5", "9"));
  EXPECT_THAT(jp("{..image}", kDoc), ElementsAre("img-a", "img-b", "img-c", "rt"));
  EXPECT_THAT(jp("{.spec.runtime[?(@ > 2)]}", kDoc),
              ElementsAre("ERROR: Matching (json_path=\"{.spec.runtime[?(@ > 2)]}\"): "
                          "incompatible types for comparison"));
}

TEST(JsonPath, TextOutsideActionsIsALiteral) {
  EXPECT_THAT(jp("x{.spec.runtime.image}y", kDoc), ElementsAre("x", "rt", "y"));
}

TEST(JsonPath, MissingFieldsAreErrorsUnlessAllowed) {
  EXPECT_THAT(jp("{.spec.foobar}", kDoc),
              ElementsAre("ERROR: Matching (json_path=\"{.spec.foobar}\"): foobar is not found"));
  EXPECT_TRUE(jp("{.spec.foobar}", kDoc, true).empty());
  EXPECT_THAT(jp("{.spec.containers[5]}", kDoc),
              ElementsAre("ERROR: Matching (json_path=\"{.spec.containers[5]}\"): array index out "
                          "of bounds: index 5, length 3"));
  EXPECT_THAT(jp("{.spec.runtime[0]}", kDoc),
              ElementsAre("ERROR: Matching (json_path=\"{.spec.runtime[0]}\"): "
                          "map[string]interface {} is not array or slice"));
  EXPECT_THAT(jp("{foobar()}", kDoc),
              ElementsAre("ERROR: Matching (json_path=\"{foobar()}\"): unrecognized identifier "
                          "foobar()"));
}

TEST(JsonPath, ParseErrorsAreClientGos) {
  EXPECT_EQ(JsonPath::parse("{.a").error().message(), "unclosed action");
  EXPECT_EQ(JsonPath::parse("{.a[0}").error().message(), "unterminated array");
  EXPECT_EQ(JsonPath::parse("{.a[x]}").error().message(), "invalid array index x");
  EXPECT_EQ(JsonPath::parse("{.a[?(@.b=='c']}").error().message(), "unterminated filter");
  EXPECT_EQ(JsonPath::parse("{.a[?(@.b=='c')}").error().message(), "unclosed array expect ]");
  EXPECT_EQ(JsonPath::parse("{!}").error().message(),
            "unrecognized character in action: U+0021 '!'");
  EXPECT_EQ(JsonPath::parse("{'abc}").error().message(), "unterminated quoted string");
}

TEST(JsonPath, FindStringsRejectsOtherValues) {
  auto p = JsonPath::parse("{.spec.runtime}");
  auto doc = parseYaml(kDoc);
  auto r = p->findStrings(*doc, false);
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message(),
              HasSubstr("May only match strings (json_path=\"{.spec.runtime}\")\nGot Type: "
                        "map[string]interface {}"));
}

}  // namespace
}  // namespace slant::tiltfile
