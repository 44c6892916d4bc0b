// The Kubernetes context a Tiltfile sees (k8s_context(), k8s_namespace()) and the kind of
// cluster it points at, read from the kubeconfig as kubectl and Tilt read it: $KUBECONFIG is a
// colon-separated list of files merged so that the first file to set a value wins (the
// current-context, each named context and cluster), else ~/.kube/config. The cluster kind follows
// Tilt's clusterid.ProductFromContext: mostly the name of the context's *cluster* (kind-*,
// minikube, docker-desktop, gke_*, ...), then where the context's file lives (~/.config/k3d/,
// kind-config-*) and a minikube certificate authority. Reading the kubeconfig records nothing as
// a config file, as in Tilt.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "starlark/value.h"
#include "tiltfile/state.h"

namespace slant::tiltfile {

/// The kind of cluster a context points at (Tilt's clusterid.Product).
enum class ClusterProduct {
  kNone,  ///< no kubeconfig or no current context: Kubernetes is not in use
  kUnknown,
  kGke,
  kMinikube,
  kDockerDesktop,
  kMicroK8s,
  kCrc,
  kKrucible,
  kKind,
  kK3d,
  kRancherDesktop,
  kColima,
  kEks,
  kOrbstack,
};

/// The product's name as Tilt spells it ("kind", "docker-desktop", "unknown"; "" for kNone).
std::string_view clusterProductName(ClusterProduct product);

/// Whether Tilt treats the product as a local development cluster, where deploying needs no
/// allow_k8s_contexts() (minikube, docker-desktop, microk8s, crc, kind, k3d, krucible,
/// rancher-desktop, colima, orbstack).
bool isDevCluster(ClusterProduct product);

/// The product a cluster name alone identifies (clusterid's name rules), or kUnknown.
ClusterProduct clusterProductFromName(std::string_view cluster_name);

/// The product a context name identifies when its cluster is unknown (no kubeconfig read):
/// clusterProductFromName, plus the default context names of tools whose cluster is named
/// differently (docker-for-desktop, microk8s, crc).
ClusterProduct clusterProductFromContextName(std::string_view context_name);

/// The parts of a kubeconfig that the Tiltfile needs, merged from one or more files.
struct KubeConfig {
  struct Context {
    std::string cluster;
    std::string namespace_;
    std::string origin;  ///< the file this context came from
  };
  struct Cluster {
    std::string server;
    std::string certificate_authority;  ///< absolute (relative paths resolved against origin)
    std::string origin;
  };
  std::string current_context;
  std::map<std::string, Context, std::less<>> contexts;
  std::map<std::string, Cluster, std::less<>> clusters;
};

/// The kubeconfig files to read: the non-empty entries of `kubeconfig_env` ($KUBECONFIG) when it
/// is set and not empty, else HOME/.kube/config.
std::vector<std::string> kubeConfigPaths(std::optional<std::string_view> kubeconfig_env,
                                         std::string_view home);

/// Reads and merges kubeconfig files in order; files that do not exist are skipped. Errors:
/// "error loading config file \"PATH\": <YAML error>" for a file that does not parse.
starlark::Result<KubeConfig> loadKubeConfig(const std::vector<std::string>& paths);

/// The product of a context of `config` (clusterid.ProductFromContext): kNone when `context` is
/// empty, kUnknown when the config has no such context. `home` locates ~/.config/k3d and
/// ~/.minikube.
ClusterProduct clusterProduct(const KubeConfig& config, std::string_view context,
                              std::string_view home);

/// The context the Tiltfile runs against.
struct KubeContext {
  std::string context;     ///< "" when there is none
  std::string namespace_;  ///< "default" unless the context or an override says otherwise
  ClusterProduct product = ClusterProduct::kNone;
  std::string error;  ///< why the kubeconfig could not be read ("" when it could)
};

/// Resolves the context from overrides and kubeconfig files. When both overrides are given no
/// file is read and the product is classified from the context name (kubeconfigs usually name a
/// context after its cluster: kind-kind, minikube, docker-desktop), as it is for an overridden
/// context that no file defines; otherwise the current context (or `context_override`) is looked
/// up in the merged files. A kubeconfig that does not parse says why in `error` and leaves the
/// context empty (product kNone, as Tilt) unless it was overridden.
KubeContext resolveKubeContext(std::string_view context_override,
                               std::string_view namespace_override,
                               const std::vector<std::string>& paths, std::string_view home);

/// resolveKubeContext with Options::k8s_context/k8s_namespace and the files of this process's
/// $KUBECONFIG and $HOME.
KubeContext resolveKubeContext(const Options& options);

}  // namespace slant::tiltfile
