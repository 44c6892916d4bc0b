// The Kubernetes builtins of the Tiltfile (k8s_yaml, k8s_resource, port_forward, k8s_kind,
// k8s_image_json_path, filter_yaml, workload_to_resource_function) and the assembly that turns
// the objects they registered into resources, as Tilt's internal/tiltfile/k8s.go and the
// assembleK8s* functions of tiltfile_state.go.
//
// The builtins only record: k8s_yaml() parses and keeps the objects, k8s_resource() keeps its
// options. assembleK8s() (declared in builtins.h) then groups the objects after the whole
// Tiltfile ran, in Tilt's order: the resources k8s_custom_deploy() declared; one resource per
// workload (an object using an image, or matching a k8s_kind()); objects with a pod template;
// the Services whose selectors match each workload's pod labels; then each k8s_resource() call
// in order (creating, renaming, configuring, claiming objects=); whatever is left becomes
// "uncategorized". The resources of k8s_custom_deploy() (k8s_tools.h) are assembled here too,
// first, so that k8s_resource() can configure them as in Tilt.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "model/project.h"
#include "starlark/value.h"
#include "tiltfile/k8s_entity.h"
#include "tiltfile/state.h"

namespace slant::tiltfile {

/// One k8s_kind() or k8s_image_json_path() call (Tilt's KindInfo): objects it matches are
/// workloads, with images where the locators say and this pod readiness.
struct K8sKind {
  ObjectSelector selector;
  std::vector<ImageLocator> locators;
  model::PodReadiness pod_readiness = model::PodReadiness::kDefault;
};

/// One k8s_resource() call, kept until assembly.
struct K8sResourceOptions {
  std::string workload;  ///< the resource it configures (new_name when it creates one)
  std::string new_name;  ///< how to rename it, or ""
  std::vector<model::PortForward> port_forwards;
  std::vector<std::map<std::string, std::string>> extra_pod_selectors;
  std::optional<model::TriggerMode> trigger_mode;
  std::optional<bool> auto_init;
  std::string position;  ///< "file:line:col" of the call, for assembly errors
  std::vector<std::string> resource_deps;
  std::vector<std::string> objects;  ///< "name[:kind[:namespace]]" fragments
  bool manually_grouped = false;     ///< no workload given: creates new_name
  model::PodReadiness pod_readiness = model::PodReadiness::kDefault;
  std::string discovery_strategy;
  std::vector<model::Link> links;
  std::vector<std::string> labels;
};

/// The function given to workload_to_resource_function().
struct WorkloadToResourceFn {
  starlark::Value fn;
  std::string name;      ///< the def's name
  std::string position;  ///< where it is defined, "file:line:col"
};

/// The family's state in one execution.
struct K8sState {
  /// Starts with Tilt's built-in kinds: batch/v1 Job (pod readiness "succeeded") and CronJob
  /// ("ignore").
  K8sState();

  /// Objects from k8s_yaml() in call order (a duplicate allowed by allow_duplicates=True is
  /// there twice); assembly moves them into resources.
  std::vector<std::shared_ptr<const K8sEntity>> unresourced;
  /// Where each object (name, namespace, kind, apiVersion) was registered: the call stack of
  /// the k8s_yaml() call, for the duplicate-object error.
  std::map<std::tuple<std::string, std::string, std::string, std::string>, std::string>
      registered_at;
  /// k8s_kind() and k8s_image_json_path() registrations, in call order after the built-ins.
  std::vector<K8sKind> kinds;
  std::vector<K8sResourceOptions> resource_options;
  std::optional<WorkloadToResourceFn> workload_to_resource;

  /// Set by assembleK8s, for the unused-image warning: the familiar names of the images the
  /// objects refer to, in the order seen (Tilt's consumedImageNames), and the refs
  /// (ImageTarget::ref) of the built images some Kubernetes resource deploys.
  std::vector<std::string> consumed_image_names;
  std::vector<std::string> matched_image_refs;
};

}  // namespace slant::tiltfile
