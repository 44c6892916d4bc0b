// Tests of kustomize(), helm(), k8s_custom_deploy(), k8s_context(), k8s_namespace(),
// allow_k8s_contexts() and the production-context check. kustomize runs the real `kubectl
// kustomize`; helm is not installed here, so its error is tested as is and its flags through a
// fake `helm` script put first on $PATH.
#include "tiltfile/k8s_tools.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "tiltfile/tiltfile_test_util.h"

namespace slant::tiltfile {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string readAll(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Sets an environment variable for the life of the object.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

constexpr std::string_view kKustomization = R"(# Example configuration for the webserver
commonLabels:
  app: my-hello

resources:
- deployment.yaml
- service.yaml
- configMap.yaml
)";

constexpr std::string_view kDeployment = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: the-deployment
spec:
  replicas: 1
  template:
    metadata:
      labels:
        deployment: hello
    spec:
      containers:
      - name: the-container
        image: gcr.io/foo
)";

constexpr std::string_view kService = R"(kind: Service
apiVersion: v1
metadata:
  name: the-service
spec:
  selector:
    deployment: hello
  ports:
  - port: 8666
    targetPort: 8080
)";

constexpr std::string_view kConfigMap = R"(apiVersion: v1
kind: ConfigMap
metadata:
  name: the-map
data:
  altGreeting: "Good Morning!"
)";

class K8sToolsTest : public TiltfileTest {
 protected:
  void writeKustomization(const std::string& dir) {
    std::string prefix = dir.empty() ? "" : dir + "/";
    file(prefix + "kustomization.yaml", kKustomization);
    file(prefix + "deployment.yaml", kDeployment);
    file(prefix + "service.yaml", kService);
    file(prefix + "configMap.yaml", kConfigMap);
  }

  void executable(const std::string& rel, std::string_view text) {
    ::chmod(file(rel, text).c_str(), 0755);
  }

  // A fake `helm` that prints `version` and records the arguments of `template`.
  void fakeHelm(std::string_view version) {
    std::string script = "#!/bin/sh\nif [ \"$1\" = version ]; then echo '" + std::string(version) +
                         "'; exit 0; fi\necho \"$@\" > " + path("helm-args") + "\ncat " +
                         path("helm-output") + "\n";
    executable("bin/helm", script);
    file("helm-output", R"(---
# Source: chart/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: rose-quartz-helloworld-chart
spec:
  ports:
  - port: 80
---
# Source: chart/templates/public.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: public-config
  namespace: kube-public
---
# Source: chart/templates/tests/test-connection.yaml
apiVersion: v1
kind: Pod
metadata:
  name: test-connection
)");
    file("chart/Chart.yaml", "apiVersion: v2\nname: helloworld-chart\nversion: 0.1.0\n");
    file("chart/crds/um.yaml",
         "apiVersion: tilt.dev/v1alpha1\nkind: UselessMachine\n"
         "metadata:\n  name: bobo\n");
    path_env_.emplace("PATH", path("bin") + ":" + std::getenv("PATH"));
  }

  std::optional<ScopedEnv> path_env_;
};

// ---- k8s_context, k8s_namespace, allow_k8s_contexts -----------------------------------------

TEST_F(K8sToolsTest, K8sContextAndNamespaceComeFromTheOptions) {
  options.k8s_context = "gke_acme_prod";
  options.k8s_namespace = "payments";
  file("Tiltfile", "print(k8s_context(), k8s_namespace())\n");
  model::Project p = loadOk();
  EXPECT_EQ(logText(), "gke_acme_prod payments\n");
  EXPECT_EQ(p.settings.k8s_context, "gke_acme_prod");
  EXPECT_EQ(p.settings.k8s_namespace, "payments");
}

TEST_F(K8sToolsTest, K8sContextIsReadFromKubeconfigAndIsNotAConfigFile) {
  std::string kubeconfig = file("kube/config", R"(current-context: dev
contexts:
- name: dev
  context: {cluster: kind-dev, namespace: team-a}
)");
  ScopedEnv env("KUBECONFIG", kubeconfig);
  options.k8s_context = "";
  options.k8s_namespace = "";
  file("Tiltfile", "print(k8s_context(), k8s_namespace())\n");
  model::Project p = loadOk();
  EXPECT_EQ(logText(), "dev team-a\n");
  EXPECT_FALSE(contains(p.config_files, kubeconfig));
}

TEST_F(K8sToolsTest, K8sContextTakesNoArguments) {
  file("Tiltfile", "k8s_context('x')\n");
  EXPECT_THAT(loadError(), HasSubstr("k8s_context: got 1 arguments, want at most 0"));
}

TEST_F(K8sToolsTest, AllowK8sContextsAcceptsAStringOrAList) {
  file("Tiltfile",
       "allow_k8s_contexts('a')\nallow_k8s_contexts(['b', 'c'])\n"
       "allow_k8s_contexts(None)\n");
  model::Project p = loadOk();
  // Tilt puts each call's contexts before the earlier ones.
  EXPECT_THAT(p.settings.allowed_k8s_contexts, ElementsAre("b", "c", "a"));
}

TEST_F(K8sToolsTest, AllowK8sContextsRejectsOtherTypes) {
  file("Tiltfile", "allow_k8s_contexts(['a', 1])\n");
  EXPECT_THAT(loadError(), HasSubstr("allow_k8s_contexts contexts must be a string or a sequence "
                                     "of strings; found a starlark.Int"));
}

// ---- the production check ---------------------------------------------------------------------

constexpr std::string_view kCustomDeploy =
    "k8s_custom_deploy('foo', apply_cmd='apply', delete_cmd='delete', deps=[])\n";

TEST_F(K8sToolsTest, KubernetesResourcesOnAProductionContextStopTheLoad) {
  options.k8s_context = "gke_acme_prod";
  file("Tiltfile", kCustomDeploy);
  EXPECT_THAT(loadError(),
              HasSubstr("Stop! gke_acme_prod might be production.\n"
                        "If you're sure you want to deploy there, add:\n"
                        "\tallow_k8s_contexts('gke_acme_prod')\n"
                        "to your Tiltfile. Otherwise, switch k8s contexts and restart Tilt."));
}

TEST_F(K8sToolsTest, AnAllowedContextMayDeploy) {
  options.k8s_context = "gke_acme_prod";
  file("Tiltfile",
       std::string("allow_k8s_contexts('gke_acme_prod')\n") + std::string(kCustomDeploy));
  model::Project p = loadOk();
  EXPECT_THAT(p.settings.allowed_k8s_contexts, ElementsAre("gke_acme_prod"));
}

TEST_F(K8sToolsTest, DevClustersMayDeployWithoutBeingAllowed) {
  for (const char* ctx :
       {"kind-kind", "minikube", "docker-desktop", "docker-for-desktop", "k3d-dev", "microk8s",
        "crc", "rancher-desktop", "colima", "orbstack", "krucible-x", "api-crc-testing:6443"}) {
    options.k8s_context = ctx;
    file("Tiltfile", kCustomDeploy);
    LoadResult r = load();
    EXPECT_FALSE(r.error) << ctx << ": " << r.error.value_or("");
  }
}

TEST_F(K8sToolsTest, AProductionContextIsFineWithoutKubernetesResources) {
  options.k8s_context = "gke_acme_prod";
  file("Tiltfile", "print(k8s_context())\n");
  loadOk();
}

TEST_F(K8sToolsTest, LocalIsRefusedOnAProductionContext) {
  Options o;
  o.tiltfile = path("Tiltfile");
  o.k8s_context = "gke";
  o.k8s_namespace = "default";
  State st(o);
  auto r = checkK8sContextAllowed(st, "local");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(),
            "Refusing to run 'local' because gke might be a production kube context.\n"
            "If you're sure you want to continue add:\n"
            "\tallow_k8s_contexts('gke')\n"
            "before this function call in your Tiltfile. Otherwise, switch k8s contexts and "
            "restart Tilt.");
  st.get<K8sToolsState>().allowed_contexts.push_back("gke");
  EXPECT_TRUE(checkK8sContextAllowed(st, "local"));
}

TEST_F(K8sToolsTest, NoKubeconfigMeansKubernetesIsNotInUseAndAllowed) {
  ScopedEnv env("KUBECONFIG", path("missing-kubeconfig"));
  Options o;
  o.tiltfile = path("Tiltfile");
  State st(o);
  EXPECT_EQ(kubeContextOf(st).product, ClusterProduct::kNone);
  EXPECT_TRUE(isK8sContextAllowed(st));
}

// ---- kustomize --------------------------------------------------------------------------------

TEST_F(K8sToolsTest, KustomizeBuildsTheDirectoryAndWatchesItsFiles) {
  writeKustomization("");
  file("Tiltfile", "y = kustomize('.')\nprint(type(y))\nprint(y)\n");
  model::Project p = loadOk();
  EXPECT_THAT(logText(), HasSubstr("blob\n"));
  EXPECT_THAT(logText(), HasSubstr("name: the-deployment"));
  EXPECT_THAT(logText(), HasSubstr("app: my-hello"));
  for (const char* f : {"kustomization.yaml", "deployment.yaml", "service.yaml", "configMap.yaml"})
    EXPECT_TRUE(contains(p.config_files, path(f))) << f;
  EXPECT_FALSE(contains(p.config_files, dir()));
}

TEST_F(K8sToolsTest, KustomizeFallsBackToKubectlAndPassesARelativePath) {
  writeKustomization("k8s/app");
  file("Tiltfile", "kustomize('k8s/app')\n");
  ScopedEnv env("PATH", std::string("/usr/bin:/bin"));  // no standalone kustomize
  loadOk();
  EXPECT_THAT(logText(),
              HasSubstr("Falling back to `kubectl kustomize` since `kustomize` was not found in "
                        "PATH\nRunning: kubectl kustomize k8s/app\n"));
}

TEST_F(K8sToolsTest, KustomizeInALoadedFileRunsInThatFilesDirectory) {
  writeKustomization("sub/k8s");
  file("sub/Tiltfile", "y = kustomize('k8s')\n");
  file("Tiltfile", "load('sub/Tiltfile', 'y')\nprint(y)\n");
  model::Project p = loadOk();
  EXPECT_THAT(logText(), HasSubstr("Running: kubectl kustomize k8s\n"));
  EXPECT_TRUE(contains(p.config_files, path("sub/k8s/kustomization.yaml")));
}

TEST_F(K8sToolsTest, KustomizePassesFlags) {
  writeKustomization("");
  file("Tiltfile", "kustomize('.', flags=['--load-restrictor=LoadRestrictionsNone'])\n");
  loadOk();
  EXPECT_THAT(logText(), HasSubstr("kustomize --load-restrictor=LoadRestrictionsNone .\n"));
}

TEST_F(K8sToolsTest, KustomizeBinRunsTheGivenBinaryWithBuild) {
  writeKustomization("");
  executable("my-kustomize", "#!/bin/sh\necho \"$@\" > " + path("sentinel") +
                                 "\nshift\nexec kubectl kustomize \"$@\"\n");
  file("Tiltfile", "print(kustomize('.', kustomize_bin='my-kustomize'))\n");
  loadOk();
  EXPECT_EQ(readAll(path("sentinel")), "build .\n");
  EXPECT_THAT(logText(), HasSubstr("Running: " + path("my-kustomize") + " build .\n"));
  EXPECT_THAT(logText(), HasSubstr("name: the-deployment"));
}

TEST_F(K8sToolsTest, AMissingKustomizeBinIsAnError) {
  writeKustomization("");
  file("Tiltfile", "kustomize('.', kustomize_bin='nope')\n");
  EXPECT_THAT(loadError(), HasSubstr("exec: \"" + path("nope") + "\": stat " + path("nope") +
                                     ": No such file or directory"));
}

TEST_F(K8sToolsTest, AKustomizeFailureShowsTheCommandAndItsOutput) {
  file("Tiltfile", "\nkustomize('.')\n");
  std::string err = loadError();
  EXPECT_THAT(err, HasSubstr("command \"kubectl kustomize .\" failed.\nerror: exit status 1"));
  EXPECT_THAT(err, HasSubstr("unable to find one of 'kustomization.yaml', 'kustomization.yml' "
                             "or 'Kustomization'"));
  EXPECT_THAT(err, HasSubstr(path("Tiltfile") + ":2:10: in <toplevel>"));
}

TEST_F(K8sToolsTest, KustomizeRequiresADirectory) {
  file("Tiltfile", "kustomize()\n");
  EXPECT_THAT(loadError(), HasSubstr("kustomize: missing argument for paths"));
}

TEST_F(K8sToolsTest, KustomizeDepsFollowBasesPatchesAndGenerators) {
  file("overlay/kustomization.yaml", R"(resources:
- ../base
- configmap.yaml
- https://github.com/kubernetes-sigs/kustomize//examples/multibases?ref=v1.0.6
configMapGenerator:
- name: a-configmap
  files:
  - configs/configfile
  - key=configs/another_configfile
patchesJson6902:
- target: {group: extensions, version: v1beta1, kind: Ingress, name: my-ingress}
  path: ingress_patch.yaml
patches:
- path: patch.yaml
patchesStrategicMerge:
- smp.yaml
crds:
- crd.json
)");
  file("base/kustomization.yml", "resources:\n- pod.yaml\n");
  auto deps = kustomizeDeps(path("overlay"));
  ASSERT_TRUE(deps) << deps.error().message();
  EXPECT_THAT(*deps, ElementsAre(path("base/pod.yaml"), path("base/kustomization.yml"),
                                 path("overlay/configmap.yaml"), path("overlay/kustomization.yaml"),
                                 path("overlay/patch.yaml"), path("overlay/smp.yaml"),
                                 path("overlay/crd.json"), path("overlay/ingress_patch.yaml"),
                                 path("overlay/configs/configfile"),
                                 path("overlay/configs/another_configfile")));
}

TEST_F(K8sToolsTest, KustomizeDepsNeedExactlyOneKustomizationFile) {
  file("none/x", "");
  auto none = kustomizeDeps(path("none"));
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().message(),
            "unable to find one of [kustomization.yaml kustomization.yml Kustomization] in "
            "directory '" +
                path("none") + "'");
  file("two/kustomization.yaml", "");
  file("two/Kustomization", "");
  auto two = kustomizeDeps(path("two"));
  ASSERT_FALSE(two);
  EXPECT_EQ(two.error().message(),
            "Found multiple kustomization files under: " + path("two") + "\n");
  file("empty/Kustomization", "");
  EXPECT_THAT(*kustomizeDeps(path("empty")), ElementsAre(path("empty/Kustomization")));
}

// ---- helm -------------------------------------------------------------------------------------

TEST_F(K8sToolsTest, HelmWithoutHelmInstalledSaysSoAndWatchesTheChart) {
  file("chart/Chart.yaml", "apiVersion: v2\nname: c\nversion: 0.1.0\n");
  file("Tiltfile", "helm('chart')\n");
  ScopedEnv env("PATH", std::string("/usr/bin:/bin"));
  LoadResult r = load();
  ASSERT_TRUE(r.error);
  EXPECT_THAT(*r.error,
              HasSubstr("Unable to find Helm installation. Make sure `helm` is on your $PATH."));
  EXPECT_THAT(*r.error, HasSubstr(path("Tiltfile") + ":1:5: in <toplevel>"));
  EXPECT_TRUE(contains(r.project.config_files, path("chart")));
}

TEST_F(K8sToolsTest, HelmOnAMissingDirectoryIsAnError) {
  file("Tiltfile", "helm('helm')\n");
  EXPECT_THAT(loadError(), HasSubstr("Could not read Helm chart directory \"" + path("helm") +
                                     "\": does not exist"));
}

TEST_F(K8sToolsTest, HelmOnAFileIsAnError) {
  file("Chart.yaml", "name: x\n");
  file("Tiltfile", "helm('Chart.yaml')\n");
  EXPECT_THAT(loadError(),
              HasSubstr("helm() may only be called on directories with Chart.yaml: \"" +
                        path("Chart.yaml") + "\""));
}

TEST_F(K8sToolsTest, HelmRejectsADictForSet) {
  file("chart/Chart.yaml", "name: x\n");
  file("Tiltfile", "helm('chart', set={'a': 'b'})\n");
  std::string err = loadError();
  EXPECT_THAT(err, HasSubstr("helm: for parameter"));
  EXPECT_THAT(err, HasSubstr("set"));
  EXPECT_THAT(err, HasSubstr("type dict"));
}

TEST_F(K8sToolsTest, HelmRunsTemplateWithTiltsFlags) {
  fakeHelm("v3.14.2+gc309b6f");
  file("dev/values-dev.yaml", "x: 1\n");
  file("Tiltfile", R"(y = helm('./chart', name='rose-quartz', namespace='garnet',
         values=['./dev/values-dev.yaml'], set=['a=b', 'c=d'], kube_version='1.29')
print(y)
)");
  model::Project p = loadOk();
  EXPECT_EQ(readAll(path("helm-args")),
            "template rose-quartz " + path("chart") +
                " --namespace garnet --kube-version 1.29 --include-crds --values "
                "./dev/values-dev.yaml --set a=b --set c=d\n");
  EXPECT_TRUE(contains(p.config_files, path("chart")));
  EXPECT_TRUE(contains(p.config_files, path("dev/values-dev.yaml")));
  EXPECT_THAT(logText(), HasSubstr("Running: helm template rose-quartz " + path("chart")));
  // The chart's tests are dropped, and objects without a namespace get the release's.
  EXPECT_THAT(logText(), Not(HasSubstr("test-connection")));
  EXPECT_THAT(logText(), HasSubstr("name: rose-quartz-helloworld-chart\n  namespace: garnet"));
  EXPECT_THAT(logText(), HasSubstr("name: public-config\n  namespace: kube-public"));
}

TEST_F(K8sToolsTest, HelmDefaultsTheReleaseNameToChart) {
  fakeHelm("v3.14.2");
  file("Tiltfile", "helm('chart', values='v.yaml', skip_crds=True)\n");
  loadOk();
  EXPECT_EQ(readAll(path("helm-args")), "template chart " + path("chart") + " --values v.yaml\n");
}

TEST_F(K8sToolsTest, Helm30GetsItsCrdsAppended) {
  fakeHelm("v3.0.2");
  file("Tiltfile", "print(helm('chart'))\n");
  loadOk();
  EXPECT_EQ(readAll(path("helm-args")), "template chart " + path("chart") + "\n");
  EXPECT_THAT(logText(), HasSubstr("kind: UselessMachine"));
}

TEST_F(K8sToolsTest, HelmWatchesLocalSubcharts) {
  fakeHelm("v3.14.2");
  file("chart/requirements.yaml",
       "dependencies:\n- name: foobar\n  version: 1.0.1\n  repository: file://./foobar\n"
       "- name: etcd\n  repository: https://charts.example.com/\n");
  file("Tiltfile", "helm('chart')\n");
  model::Project p = loadOk();
  EXPECT_TRUE(contains(p.config_files, path("chart/foobar")));
}

TEST_F(K8sToolsTest, AnUnknownHelmVersionIsAnError) {
  fakeHelm("Client: v2.12.3geecf22f");
  file("Tiltfile", "helm('chart')\n");
  EXPECT_THAT(loadError(), HasSubstr("could not parse Helm version from string: "
                                     "\"Client: v2.12.3geecf22f\\n\""));
}

TEST(HelmVersion, ParsesTiltsVersionClasses) {
  EXPECT_EQ(*parseHelmVersion("v3.0.0"), HelmVersion::kV3_0);
  EXPECT_EQ(*parseHelmVersion("v3.1.0"), HelmVersion::kV3_1AndAbove);
  EXPECT_EQ(*parseHelmVersion("3.15.2"), HelmVersion::kV3_1AndAbove);
  EXPECT_EQ(*parseHelmVersion("v4.0.0+g99cd196"), HelmVersion::kV3_1AndAbove);
  EXPECT_EQ(*parseHelmVersion("WARNING: Kubernetes configuration file is group-readable.\n"
                              "v3.3.3+g55e3ca0\n"),
            HelmVersion::kV3_1AndAbove);
  auto v2 = parseHelmVersion("Client: v2.12.3geecf22f");
  ASSERT_FALSE(v2);
  EXPECT_EQ(v2.error().message(),
            "could not parse Helm version from string: \"Client: v2.12.3geecf22f\"");
}

TEST(HelmTestYaml, IsFilteredOut) {
  EXPECT_EQ(filterHelmTestYaml("a: 1\n---\n# Source: c/templates/tests/t.yaml\nb: 2\n---\nc: 3\n"),
            "a: 1\n---\nc: 3\n");
}

// ---- k8s_custom_deploy ------------------------------------------------------------------------

TEST_F(K8sToolsTest, CustomDeployMakesAKubernetesResourceOfCommands) {
  file("Tiltfile", R"(k8s_custom_deploy('foo',
                  apply_cmd='apply',
                  delete_cmd=['kubectl', 'delete', 'x'],
                  apply_dir='apply-dir',
                  delete_dir='delete-dir',
                  apply_env={'Z': '1', 'APPLY_KEY': '1'},
                  delete_env={'DELETE_KEY': 'baz'},
                  apply_cmd_bat='apply.bat',
                  deps=['foo', 'bar'])
)");
  model::Project p = loadOk();
  const model::Resource* r = p.find("foo");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->type, model::ResourceType::kK8s);
  ASSERT_TRUE(r->k8s && r->k8s->custom_deploy);
  const auto& cd = *r->k8s->custom_deploy;
  EXPECT_THAT(cd.apply_cmd.argv, ElementsAre("sh", "-c", "apply"));
  EXPECT_EQ(cd.apply_cmd.dir, path("apply-dir"));
  EXPECT_EQ(cd.apply_cmd.env,
            (std::vector<std::pair<std::string, std::string>>{{"APPLY_KEY", "1"}, {"Z", "1"}}));
  EXPECT_THAT(cd.delete_cmd.argv, ElementsAre("kubectl", "delete", "x"));
  EXPECT_EQ(cd.delete_cmd.dir, path("delete-dir"));
  EXPECT_EQ(cd.delete_cmd.env,
            (std::vector<std::pair<std::string, std::string>>{{"DELETE_KEY", "baz"}}));
  EXPECT_THAT(cd.deps, ElementsAre(path("foo"), path("bar")));
  EXPECT_TRUE(r->k8s->objects.empty());
  EXPECT_TRUE(r->image_refs.empty());
}

TEST_F(K8sToolsTest, CustomDeployCommandsRunInTheTiltfilesDirectoryByDefault) {
  file("sub/Tiltfile",
       "k8s_custom_deploy('foo', apply_cmd='apply', delete_cmd='delete', deps='.')\nx = 1\n");
  file("Tiltfile", "load('sub/Tiltfile', 'x')\n");
  model::Project p = loadOk();
  const auto& cd = *p.find("foo")->k8s->custom_deploy;
  EXPECT_EQ(cd.apply_cmd.dir, path("sub"));
  EXPECT_EQ(cd.delete_cmd.dir, path("sub"));
  EXPECT_THAT(cd.deps, ElementsAre(path("sub")));
}

TEST_F(K8sToolsTest, CustomDeploysComeInDeclarationOrder) {
  file("Tiltfile",
       "k8s_custom_deploy('b', 'apply', 'delete', deps=[])\n"
       "k8s_custom_deploy('a', 'apply', 'delete', deps=[])\n");
  model::Project p = loadOk();
  ASSERT_EQ(p.resources.size(), 2u);
  EXPECT_EQ(p.resources[0].name, "b");
  EXPECT_EQ(p.resources[1].name, "a");
}

TEST_F(K8sToolsTest, CustomDeployNeedsCommandsAndDeps) {
  file("Tiltfile", "\nk8s_custom_deploy('foo', apply_cmd='', delete_cmd='delete', deps=[])\n");
  std::string err = loadError();
  EXPECT_THAT(err, HasSubstr("k8s_custom_deploy: apply_cmd cannot be empty"));
  EXPECT_THAT(err, HasSubstr(path("Tiltfile") + ":2:18: in <toplevel>"));

  file("Tiltfile", "k8s_custom_deploy('foo', apply_cmd='apply', delete_cmd=[], deps=[])\n");
  EXPECT_THAT(loadError(), HasSubstr("k8s_custom_deploy: delete_cmd cannot be empty"));

  file("Tiltfile", "k8s_custom_deploy('foo', apply_cmd='apply', delete_cmd='delete')\n");
  EXPECT_THAT(loadError(), HasSubstr("k8s_custom_deploy: missing argument for deps"));

  file("Tiltfile", "k8s_custom_deploy('foo', apply_cmd=1, delete_cmd='delete', deps=[])\n");
  EXPECT_THAT(loadError(), HasSubstr("a command must be a string or list of strings"));
}

TEST_F(K8sToolsTest, CustomDeployRejectsAnEmptyEnvironmentKey) {
  file("Tiltfile", "k8s_custom_deploy('foo', 'apply', 'delete', deps=[], apply_env={'': 'v'})\n");
  EXPECT_THAT(loadError(), HasSubstr("apply_cmd: environment has empty key for value \"v\""));
}

TEST_F(K8sToolsTest, CustomDeployNamesMustBeUnique) {
  file("Tiltfile", std::string(kCustomDeploy) + std::string(kCustomDeploy));
  EXPECT_THAT(loadError(), HasSubstr("k8s_resource named \"foo\" already exists"));
}

TEST_F(K8sToolsTest, CustomDeployImageDepsMustBeBuilt) {
  file("Tiltfile",
       "k8s_custom_deploy('foo', 'apply', 'delete', deps=[], image_deps=['image-a'])\n");
  EXPECT_THAT(loadError(), HasSubstr("resource \"foo\": image build \"image-a\" not found"));
}

TEST_F(K8sToolsTest, CustomDeployImageDepsMustBeImageReferences) {
  file("Tiltfile",
       "k8s_custom_deploy('foo', 'apply', 'delete', deps=[], image_deps=['image a'])\n");
  std::string err = loadError();
  EXPECT_THAT(err, HasSubstr("image_deps"));
  EXPECT_THAT(err, HasSubstr("must be a valid image reference: invalid reference format"));
}

TEST_F(K8sToolsTest, CustomDeployImageDepsMayNameALiveUpdateImage) {
  file("Tiltfile", R"(k8s_custom_deploy('a', 'apply', 'delete', deps=['src'],
                  image_selector='image-a', live_update=[sync('src', '/app')])
k8s_custom_deploy('b', 'apply', 'delete', deps=[], image_deps=['image-a:v1'])
)");
  model::Project p = loadOk();
  EXPECT_THAT(p.find("a")->image_refs, ElementsAre("image-a"));
  EXPECT_THAT(p.find("b")->image_refs, ElementsAre("image-a"));
}

TEST_F(K8sToolsTest, CustomDeployLiveUpdateWithAContainerSelectorMakesALiveUpdateOnlyImage) {
  file("Tiltfile", R"(k8s_custom_deploy('foo', 'apply', 'delete', deps=['src'],
                  container_selector='bar', live_update=[sync('src', '/app'), run('make')])
)");
  model::Project p = loadOk();
  const model::Resource* r = p.find("foo");
  ASSERT_NE(r, nullptr);
  // The image is named after the resource: ref "k8s_custom_deploy", tag "foo".
  EXPECT_THAT(r->image_refs, ElementsAre("k8s_custom_deploy"));
  EXPECT_EQ(r->k8s->custom_deploy->container_selector, "bar");
  ASSERT_EQ(p.images.size(), 1u);
  const model::ImageTarget& img = p.images[0];
  EXPECT_EQ(img.ref, "k8s_custom_deploy");
  EXPECT_EQ(img.tag, "foo");
  EXPECT_TRUE(img.match_exact);
  ASSERT_TRUE(img.custom);
  // Tilt's live-update-only image: a custom build whose command is ":".
  EXPECT_THAT(img.custom->command.argv, ElementsAre("sh", "-c", ":"));
  EXPECT_THAT(img.custom->deps, ElementsAre(path("src")));
  EXPECT_TRUE(img.custom->disable_push);
  EXPECT_TRUE(img.custom->skips_local_docker);
  ASSERT_EQ(img.live_update.size(), 2u);
  EXPECT_EQ(img.live_update[0].kind, model::LiveUpdateStep::Kind::kSync);
  EXPECT_EQ(img.live_update[0].local, path("src"));
  EXPECT_EQ(img.live_update[1].kind, model::LiveUpdateStep::Kind::kRun);
}

TEST_F(K8sToolsTest, CustomDeployLiveUpdateImageSelectorNamesTheImage) {
  file("Tiltfile", R"(k8s_custom_deploy('foo', 'apply', 'delete', deps=['src'],
                  image_selector='foo-img', live_update=[sync('src', '/app')])
)");
  model::Project p = loadOk();
  EXPECT_THAT(p.find("foo")->image_refs, ElementsAre("foo-img"));
  ASSERT_EQ(p.images.size(), 1u);
  EXPECT_EQ(p.images[0].ref, "foo-img");
  EXPECT_FALSE(p.images[0].match_exact);
}

TEST_F(K8sToolsTest, CustomDeployLiveUpdateImageCannotBeDeclaredTwice) {
  file("Tiltfile", R"(k8s_custom_deploy('a', 'apply', 'delete', deps=['src'],
                  image_selector='foo-img', live_update=[sync('src', '/app')])
k8s_custom_deploy('b', 'apply', 'delete', deps=['src'],
                  image_selector='foo-img', live_update=[sync('src', '/app')])
)");
  EXPECT_THAT(loadError(), HasSubstr("Image for ref \"foo-img\" has already been defined"));
}

TEST_F(K8sToolsTest, CustomDeployLiveUpdateNeedsExactlyOneSelector) {
  file("Tiltfile",
       "k8s_custom_deploy('foo', 'apply', 'delete', deps=['src'], "
       "live_update=[sync('src', '/app')])\n");
  EXPECT_THAT(loadError(), HasSubstr("k8s_custom_deploy: no Live Update selector specified"));
  file("Tiltfile",
       "k8s_custom_deploy('foo', 'apply', 'delete', deps=['src'], "
       "image_selector='img', container_selector='c', "
       "live_update=[sync('src', '/app')])\n");
  EXPECT_THAT(loadError(),
              HasSubstr("k8s_custom_deploy: cannot specify more than one Live Update selector"));
}

TEST_F(K8sToolsTest, CustomDeployLiveUpdateStepsAreValidated) {
  file("Tiltfile",
       "k8s_custom_deploy('foo', 'apply', 'delete', deps=['src'], "
       "image_selector='img', live_update=['nope'])\n");
  EXPECT_THAT(loadError(), HasSubstr("live_update: "));
}

}  // namespace
}  // namespace slant::tiltfile
