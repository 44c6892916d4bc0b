#include "tiltfile/kubeconfig.h"

#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "starlark/lib/util.h"
#include "tiltfile/values.h"
#include "tiltfile/yaml.h"

namespace slant::tiltfile {

namespace {

using starlark::makeError;
using starlark::lib::cat;

std::string stringField(const Json& obj, std::string_view key) {
  if (!obj.is_object()) return "";
  auto it = obj.find(std::string(key));
  if (it == obj.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

// A kubeconfig's "contexts" and "clusters" are lists of {name, context|cluster}; entries of the
// wrong shape are skipped (kubectl would refuse the file; we only need what is readable).
template <class F>
void forEachNamed(const Json& doc, std::string_view list, std::string_view inner, F&& fn) {
  if (!doc.is_object()) return;
  auto it = doc.find(std::string(list));
  if (it == doc.end() || !it->is_array()) return;
  for (const Json& entry : *it) {
    std::string name = stringField(entry, "name");
    if (name.empty()) continue;
    auto body = entry.find(std::string(inner));
    static const Json kEmpty = Json::object();
    fn(name, body == entry.end() ? kEmpty : *body);
  }
}

std::string homeDir() {
  if (const char* h = std::getenv("HOME"); h != nullptr && *h != '\0') return h;
  if (const passwd* pw = ::getpwuid(::getuid()); pw != nullptr && pw->pw_dir != nullptr) {
    return pw->pw_dir;
  }
  return "";
}

std::string baseName(std::string_view path) {
  size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

}  // namespace

std::string_view clusterProductName(ClusterProduct product) {
  switch (product) {
    case ClusterProduct::kNone:
      return "";
    case ClusterProduct::kUnknown:
      return "unknown";
    case ClusterProduct::kGke:
      return "gke";
    case ClusterProduct::kMinikube:
      return "minikube";
    case ClusterProduct::kDockerDesktop:
      return "docker-desktop";
    case ClusterProduct::kMicroK8s:
      return "microk8s";
    case ClusterProduct::kCrc:
      return "crc";
    case ClusterProduct::kKrucible:
      return "krucible";
    case ClusterProduct::kKind:
      return "kind";
    case ClusterProduct::kK3d:
      return "k3d";
    case ClusterProduct::kRancherDesktop:
      return "rancher-desktop";
    case ClusterProduct::kColima:
      return "colima";
    case ClusterProduct::kEks:
      return "eks";
    case ClusterProduct::kOrbstack:
      return "orbstack";
  }
  return "unknown";
}

bool isDevCluster(ClusterProduct product) {
  switch (product) {
    case ClusterProduct::kMinikube:
    case ClusterProduct::kDockerDesktop:
    case ClusterProduct::kMicroK8s:
    case ClusterProduct::kCrc:
    case ClusterProduct::kKind:
    case ClusterProduct::kK3d:
    case ClusterProduct::kKrucible:
    case ClusterProduct::kRancherDesktop:
    case ClusterProduct::kColima:
    case ClusterProduct::kOrbstack:
      return true;
    default:
      return false;
  }
}

// The order of the checks is clusterid's: "gke" is tested before "kind-", "minikube" before
// everything, and so on; a cluster called "kind-gke" is KIND, one called "gke-kind" is GKE.
ClusterProduct clusterProductFromName(std::string_view cn) {
  if (cn.starts_with("minikube")) return ClusterProduct::kMinikube;
  if (cn.starts_with("docker-for-desktop-cluster") || cn.starts_with("docker-desktop")) {
    return ClusterProduct::kDockerDesktop;
  }
  if (cn.starts_with("gke")) return ClusterProduct::kGke;
  if (cn.starts_with("arn:aws:eks:") || cn.ends_with(".eksctl.io")) return ClusterProduct::kEks;
  if (cn == "kind" || cn.starts_with("kind-")) return ClusterProduct::kKind;
  if (cn.starts_with("microk8s-cluster")) return ClusterProduct::kMicroK8s;
  if (cn.starts_with("api-crc-testing")) return ClusterProduct::kCrc;
  if (cn.starts_with("krucible-")) return ClusterProduct::kKrucible;
  if (cn.starts_with("k3d-")) return ClusterProduct::kK3d;
  if (cn.starts_with("rancher-desktop")) return ClusterProduct::kRancherDesktop;
  if (cn.starts_with("colima")) return ClusterProduct::kColima;
  if (cn == "orbstack") return ClusterProduct::kOrbstack;
  return ClusterProduct::kUnknown;
}

ClusterProduct clusterProductFromContextName(std::string_view name) {
  ClusterProduct p = clusterProductFromName(name);
  if (p != ClusterProduct::kUnknown) return p;
  // The contexts these tools write name different clusters: docker-for-desktop ->
  // docker-for-desktop-cluster, microk8s -> microk8s-cluster, crc -> api-crc-testing:6443.
  if (name.starts_with("docker-for-desktop")) return ClusterProduct::kDockerDesktop;
  if (name == "microk8s" || name.starts_with("microk8s-")) return ClusterProduct::kMicroK8s;
  if (name == "crc" || name.find("/api-crc-testing:") != std::string_view::npos) {
    return ClusterProduct::kCrc;
  }
  return ClusterProduct::kUnknown;
}

std::vector<std::string> kubeConfigPaths(std::optional<std::string_view> kubeconfig_env,
                                         std::string_view home) {
  std::vector<std::string> paths;
  if (kubeconfig_env && !kubeconfig_env->empty()) {
    std::string_view list = *kubeconfig_env;
    size_t i = 0;
    while (i <= list.size()) {
      size_t j = list.find(':', i);
      if (j == std::string_view::npos) j = list.size();
      std::string_view entry = list.substr(i, j - i);
      i = j + 1;
      if (entry.empty()) continue;
      bool seen = false;
      for (const std::string& p : paths) seen = seen || p == entry;
      if (!seen) paths.emplace_back(entry);
    }
    return paths;
  }
  paths.push_back(cat(home, "/.kube/config"));
  return paths;
}

starlark::Result<KubeConfig> loadKubeConfig(const std::vector<std::string>& paths) {
  KubeConfig config;
  for (const std::string& path : paths) {
    std::ifstream in(path, std::ios::binary);
    if (!in) continue;  // kubectl skips missing files of $KUBECONFIG
    std::ostringstream text;
    text << in.rdbuf();
    auto doc = parseYaml(text.str());
    if (!doc) {
      return makeError(cat("error loading config file \"", path, "\": ", doc.error().message()));
    }
    std::string dir = dirName(path);
    if (config.current_context.empty())
      config.current_context = stringField(*doc, "current-context");
    forEachNamed(*doc, "contexts", "context", [&](const std::string& name, const Json& body) {
      if (config.contexts.contains(name)) return;
      config.contexts[name] = {stringField(body, "cluster"), stringField(body, "namespace"), path};
    });
    forEachNamed(*doc, "clusters", "cluster", [&](const std::string& name, const Json& body) {
      if (config.clusters.contains(name)) return;
      std::string ca = stringField(body, "certificate-authority");
      if (!ca.empty()) ca = joinPath(dir, ca);
      config.clusters[name] = {stringField(body, "server"), std::move(ca), path};
    });
  }
  return config;
}

ClusterProduct clusterProduct(const KubeConfig& config, std::string_view context,
                              std::string_view home) {
  auto it = config.contexts.find(context);
  if (it == config.contexts.end()) {
    return context.empty() ? ClusterProduct::kNone : ClusterProduct::kUnknown;
  }
  const KubeConfig::Context& c = it->second;
  ClusterProduct by_name = clusterProductFromName(c.cluster);
  if (by_name != ClusterProduct::kUnknown) return by_name;
  if (home.empty()) return ClusterProduct::kUnknown;
  if (c.origin.starts_with(cat(home, "/.config/k3d/"))) return ClusterProduct::kK3d;
  auto cl = config.clusters.find(c.cluster);
  if (cl != config.clusters.end() &&
      cl->second.certificate_authority.starts_with(cat(home, "/.minikube/"))) {
    return ClusterProduct::kMinikube;
  }
  // KIND before 0.6 wrote its clusters to kind-config-NAME files.
  if (baseName(c.origin).starts_with("kind-config-")) return ClusterProduct::kKind;
  return ClusterProduct::kUnknown;
}

KubeContext resolveKubeContext(std::string_view context_override,
                               std::string_view namespace_override,
                               const std::vector<std::string>& paths, std::string_view home) {
  KubeContext out;
  if (!context_override.empty() && !namespace_override.empty()) {
    out.context = context_override;
    out.namespace_ = namespace_override;
    out.product = clusterProductFromContextName(context_override);
    return out;
  }
  auto config = loadKubeConfig(paths);
  if (!config) {
    // As Tilt: an unreadable kubeconfig means no context (and no Kubernetes safety check).
    out.error = config.error().message();
    out.context = context_override;
    out.namespace_ = namespace_override.empty() ? "default" : std::string(namespace_override);
    out.product = context_override.empty() ? ClusterProduct::kNone
                                           : clusterProductFromContextName(context_override);
    return out;
  }
  out.context = context_override.empty() ? config->current_context : std::string(context_override);
  out.product = clusterProduct(*config, out.context, home);
  if (!context_override.empty() && !config->contexts.contains(context_override)) {
    // A context given on the command line that no kubeconfig defines: its name is all we know.
    out.product = clusterProductFromContextName(context_override);
  }
  if (!namespace_override.empty()) {
    out.namespace_ = namespace_override;
  } else if (auto it = config->contexts.find(out.context);
             it != config->contexts.end() && !it->second.namespace_.empty()) {
    out.namespace_ = it->second.namespace_;
  } else {
    out.namespace_ = "default";
  }
  return out;
}

KubeContext resolveKubeContext(const Options& options) {
  std::string home = homeDir();
  std::optional<std::string_view> env;
  if (const char* k = std::getenv("KUBECONFIG"); k != nullptr) env = k;
  return resolveKubeContext(options.k8s_context, options.k8s_namespace, kubeConfigPaths(env, home),
                            home);
}

}  // namespace slant::tiltfile
