#include "tiltfile/kubeconfig.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace slant::tiltfile {
namespace {

using ::testing::HasSubstr;

constexpr std::string_view kKindConfig = R"(apiVersion: v1
kind: Config
current-context: kind-kind
contexts:
- name: kind-kind
  context:
    cluster: kind-kind
    user: kind-kind
- name: prod
  context:
    cluster: gke_acme_us-central1_prod
    namespace: payments
clusters:
- name: kind-kind
  cluster:
    server: https://127.0.0.1:6443
- name: gke_acme_us-central1_prod
  cluster:
    server: https://10.0.0.1
users:
- name: kind-kind
  user: {}
)";

class KubeConfigTest : public ::testing::Test {
 protected:
  KubeConfigTest() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "slant-kube-XXXXXX").string();
    dir_ = mkdtemp(tmpl.data());
  }
  ~KubeConfigTest() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string file(const std::string& rel, std::string_view text) {
    std::string p = dir_ + "/" + rel;
    std::filesystem::create_directories(std::filesystem::path(p).parent_path());
    std::ofstream(p) << text;
    return p;
  }
  std::string dir_;
};

TEST_F(KubeConfigTest, ReadsTheCurrentContextAndItsNamespace) {
  std::string f = file("config", kKindConfig);
  KubeContext k = resolveKubeContext("", "", {f}, dir_);
  EXPECT_EQ(k.context, "kind-kind");
  EXPECT_EQ(k.namespace_, "default");
  EXPECT_EQ(k.product, ClusterProduct::kKind);
  EXPECT_EQ(k.error, "");
}

TEST_F(KubeConfigTest, ContextOverrideTakesItsNamespaceAndClusterFromTheFile) {
  std::string f = file("config", kKindConfig);
  KubeContext k = resolveKubeContext("prod", "", {f}, dir_);
  EXPECT_EQ(k.context, "prod");
  EXPECT_EQ(k.namespace_, "payments");
  EXPECT_EQ(k.product, ClusterProduct::kGke);
}

TEST_F(KubeConfigTest, NamespaceOverrideWins) {
  std::string f = file("config", kKindConfig);
  KubeContext k = resolveKubeContext("prod", "other", {f}, dir_);
  EXPECT_EQ(k.namespace_, "other");
  k = resolveKubeContext("", "mine", {f}, dir_);
  EXPECT_EQ(k.context, "kind-kind");
  EXPECT_EQ(k.namespace_, "mine");
}

TEST_F(KubeConfigTest, BothOverridesReadNoFile) {
  std::string broken = file("broken", "contexts: [");
  KubeContext k = resolveKubeContext("gke_acme_prod", "ns", {broken}, dir_);
  EXPECT_EQ(k.error, "");
  EXPECT_EQ(k.context, "gke_acme_prod");
  EXPECT_EQ(k.namespace_, "ns");
  EXPECT_EQ(k.product, ClusterProduct::kGke);
}

TEST_F(KubeConfigTest, AnOverriddenContextMissingFromTheFilesIsClassifiedByName) {
  std::string f = file("config", kKindConfig);
  EXPECT_EQ(resolveKubeContext("minikube", "", {f}, dir_).product, ClusterProduct::kMinikube);
  EXPECT_EQ(resolveKubeContext("elsewhere", "", {f}, dir_).product, ClusterProduct::kUnknown);
}

TEST_F(KubeConfigTest, NoKubeconfigMeansNoContext) {
  KubeContext k = resolveKubeContext("", "", {dir_ + "/missing"}, dir_);
  EXPECT_EQ(k.context, "");
  EXPECT_EQ(k.namespace_, "default");
  EXPECT_EQ(k.product, ClusterProduct::kNone);
  EXPECT_EQ(k.error, "");
}

TEST_F(KubeConfigTest, ACurrentContextMissingFromTheFileIsUnknown) {
  std::string f = file("config", "current-context: ghost\n");
  KubeContext k = resolveKubeContext("", "", {f}, dir_);
  EXPECT_EQ(k.context, "ghost");
  EXPECT_EQ(k.product, ClusterProduct::kUnknown);
}

TEST_F(KubeConfigTest, AnUnparsableKubeconfigLeavesNoContextAndSaysWhy) {
  std::string f = file("config", "contexts: [\n");
  KubeContext k = resolveKubeContext("", "", {f}, dir_);
  EXPECT_EQ(k.context, "");
  EXPECT_EQ(k.product, ClusterProduct::kNone);
  EXPECT_THAT(k.error, HasSubstr("error loading config file \"" + f + "\""));
}

TEST_F(KubeConfigTest, MergedFilesTakeTheFirstValueOfEachKey) {
  std::string a = file("a", R"(contexts:
- name: shared
  context: {cluster: minikube}
)");
  std::string b = file("b", R"(current-context: shared
contexts:
- name: shared
  context: {cluster: gke_x}
- name: only-b
  context: {cluster: k3d-dev, namespace: dev}
)");
  std::string c = file("c", "current-context: only-b\n");
  auto config = loadKubeConfig({a, dir_ + "/missing", b, c});
  ASSERT_TRUE(config) << config.error().message();
  EXPECT_EQ(config->current_context, "shared");
  EXPECT_EQ(config->contexts.at("shared").cluster, "minikube");
  EXPECT_EQ(config->contexts.at("only-b").namespace_, "dev");
  EXPECT_EQ(config->contexts.at("only-b").origin, b);
}

TEST_F(KubeConfigTest, KubeconfigPathsComeFromTheVariableOrHome) {
  EXPECT_EQ(kubeConfigPaths(std::nullopt, "/home/u"),
            (std::vector<std::string>{"/home/u/.kube/config"}));
  EXPECT_EQ(kubeConfigPaths("", "/home/u"), (std::vector<std::string>{"/home/u/.kube/config"}));
  EXPECT_EQ(kubeConfigPaths("/a::/b:/a", "/home/u"), (std::vector<std::string>{"/a", "/b"}));
}

TEST(ClusterProduct, IsKnownFromTheClusterName) {
  EXPECT_EQ(clusterProductFromName("minikube"), ClusterProduct::kMinikube);
  EXPECT_EQ(clusterProductFromName("docker-desktop"), ClusterProduct::kDockerDesktop);
  EXPECT_EQ(clusterProductFromName("docker-for-desktop-cluster"), ClusterProduct::kDockerDesktop);
  EXPECT_EQ(clusterProductFromName("gke_blorg-dev_us-central1-b_blorg"), ClusterProduct::kGke);
  EXPECT_EQ(clusterProductFromName("arn:aws:eks:us-east-1:1:cluster/x"), ClusterProduct::kEks);
  EXPECT_EQ(clusterProductFromName("x.us-east-1.eksctl.io"), ClusterProduct::kEks);
  EXPECT_EQ(clusterProductFromName("kind"), ClusterProduct::kKind);
  EXPECT_EQ(clusterProductFromName("kind-kind"), ClusterProduct::kKind);
  EXPECT_EQ(clusterProductFromName("microk8s-cluster"), ClusterProduct::kMicroK8s);
  EXPECT_EQ(clusterProductFromName("api-crc-testing:6443"), ClusterProduct::kCrc);
  EXPECT_EQ(clusterProductFromName("krucible-abc"), ClusterProduct::kKrucible);
  EXPECT_EQ(clusterProductFromName("k3d-k3s-default"), ClusterProduct::kK3d);
  EXPECT_EQ(clusterProductFromName("rancher-desktop"), ClusterProduct::kRancherDesktop);
  EXPECT_EQ(clusterProductFromName("colima"), ClusterProduct::kColima);
  EXPECT_EQ(clusterProductFromName("orbstack"), ClusterProduct::kOrbstack);
  EXPECT_EQ(clusterProductFromName("production"), ClusterProduct::kUnknown);
  // The checks run in clusterid's order.
  EXPECT_EQ(clusterProductFromName("gke-kind"), ClusterProduct::kGke);
  EXPECT_EQ(clusterProductFromName("kindly"), ClusterProduct::kUnknown);
}

TEST(ClusterProduct, DefaultContextNamesOfDevToolsAreKnown) {
  EXPECT_EQ(clusterProductFromContextName("docker-for-desktop"), ClusterProduct::kDockerDesktop);
  EXPECT_EQ(clusterProductFromContextName("microk8s"), ClusterProduct::kMicroK8s);
  EXPECT_EQ(clusterProductFromContextName("crc"), ClusterProduct::kCrc);
  EXPECT_EQ(clusterProductFromContextName("default/api-crc-testing:6443/kubeadmin"),
            ClusterProduct::kCrc);
  EXPECT_EQ(clusterProductFromContextName("kind-kind"), ClusterProduct::kKind);
  EXPECT_EQ(clusterProductFromContextName("prod"), ClusterProduct::kUnknown);
}

TEST(ClusterProduct, DevClustersAreTiltsList) {
  for (ClusterProduct p :
       {ClusterProduct::kMinikube, ClusterProduct::kDockerDesktop, ClusterProduct::kMicroK8s,
        ClusterProduct::kCrc, ClusterProduct::kKind, ClusterProduct::kK3d,
        ClusterProduct::kKrucible, ClusterProduct::kRancherDesktop, ClusterProduct::kColima,
        ClusterProduct::kOrbstack}) {
    EXPECT_TRUE(isDevCluster(p)) << clusterProductName(p);
  }
  for (ClusterProduct p : {ClusterProduct::kNone, ClusterProduct::kUnknown, ClusterProduct::kGke,
                           ClusterProduct::kEks}) {
    EXPECT_FALSE(isDevCluster(p)) << clusterProductName(p);
  }
  EXPECT_EQ(clusterProductName(ClusterProduct::kDockerDesktop), "docker-desktop");
}

TEST_F(KubeConfigTest, K3dAndMinikubeAndOldKindAreKnownByWhereTheirFilesLive) {
  std::string k3d = file(".config/k3d/kubeconfig-dev.yaml", R"(current-context: dev
contexts:
- name: dev
  context: {cluster: my-cluster}
)");
  EXPECT_EQ(resolveKubeContext("", "", {k3d}, dir_).product, ClusterProduct::kK3d);

  std::string mk = file("mk", R"(current-context: dev
contexts:
- name: dev
  context: {cluster: custom}
clusters:
- name: custom
  cluster: {certificate-authority: )" +
                                  dir_ + R"(/.minikube/ca.crt}
)");
  EXPECT_EQ(resolveKubeContext("", "", {mk}, dir_).product, ClusterProduct::kMinikube);

  std::string old_kind = file("kind-config-dev", R"(current-context: dev
contexts:
- name: dev
  context: {cluster: dev}
)");
  EXPECT_EQ(resolveKubeContext("", "", {old_kind}, dir_).product, ClusterProduct::kKind);
}

}  // namespace
}  // namespace slant::tiltfile
