// The Kubernetes builtins that run tools or read the cluster configuration, as Tilt's
// internal/tiltfile/files.go (kustomize), helm.go, k8s_custom_deploy.go and k8scontext/:
// kustomize(), helm(), k8s_custom_deploy(), k8s_context(), k8s_namespace(),
// allow_k8s_contexts(), and the "Stop! CONTEXT might be production" check of the assembly.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/project.h"
#include "starlark/value.h"
#include "tiltfile/build.h"
#include "tiltfile/kubeconfig.h"
#include "tiltfile/state.h"

namespace slant::tiltfile {

/// One k8s_custom_deploy call, as declared; assembleK8s (k8s.cc) takes it over as a Kubernetes
/// resource, ahead of the workload resources, so that k8s_resource() can configure it.
struct CustomDeployDecl {
  std::string name;
  model::K8sTarget::CustomDeploy deploy;
  /// image_deps: images the Tiltfile must build (checked by the k8s assembly).
  std::vector<ImageRef> image_deps;
  /// The ref (familiar string, tag included) of the live-update-only image added to BuildState
  /// when live_update steps were given: image_selector, or "k8s_custom_deploy:NAME" with a
  /// container_selector.
  std::optional<std::string> live_update_image;
};

/// The family's state in one execution.
struct K8sToolsState {
  /// The context, resolved from the options and the kubeconfig on first use.
  std::optional<KubeContext> kube;
  /// allow_k8s_contexts() arguments, in Tilt's order (each call's contexts before earlier ones).
  std::vector<std::string> allowed_contexts;
  /// In declaration order; emptied by assembleK8s, which makes them resources.
  std::vector<CustomDeployDecl> custom_deploys;
};

/// The context the Tiltfile runs against (resolved once per execution).
const KubeContext& kubeContextOf(State& st);

/// Whether the Tiltfile may act on the current context: no context at all, a known local
/// development cluster, or a context named by allow_k8s_contexts() so far (Tilt's
/// k8scontext.State.IsAllowed).
bool isK8sContextAllowed(State& st);

/// For builtins that Tilt refuses to run against a production context (local()): ok when
/// isK8sContextAllowed, else the error "Refusing to run 'local' because gke might be a production
/// kube context. ...".
starlark::Result<void> checkK8sContextAllowed(State& st, std::string_view builtin);

/// Whether k8s_custom_deploy declared a resource named `name` so far (for the duplicate-name
/// checks of local_resource and dc_resource: "k8s_resource named \"x\" already exists").
bool hasCustomDeploy(State& st, std::string_view name);

/// Helm's version class as Tilt distinguishes it, from `helm version --short` output.
enum class HelmVersion { kUnknown, kV3_0, kV3_1AndAbove };

/// Parses `helm version --short` (the last line when there are several, as helm 3.3 prints
/// warnings first). Error: "could not parse Helm version from string: \"...\"".
starlark::Result<HelmVersion> parseHelmVersion(std::string_view output);

/// Drops the documents of `helm template` output that come from a chart's tests/ directory
/// (a "# Source: .../tests/..." line), as Tilt.
std::string filterHelmTestYaml(std::string_view yaml);

/// The files a kustomization depends on (Tilt's kustomize.Deps): for `dir` and, recursively,
/// each directory it names in bases/components/resources, the kustomization file itself, the
/// files of resources, patches, patchesStrategicMerge, patchesJson6902, crds and
/// configMapGenerator files; absolute, without duplicates. Errors: "unable to find one of
/// [kustomization.yaml kustomization.yml Kustomization] in directory 'DIR'", "Found multiple
/// kustomization files under: DIR", or a YAML error.
starlark::Result<std::vector<std::string>> kustomizeDeps(const std::string& dir);

}  // namespace slant::tiltfile
