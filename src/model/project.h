// The project model: what a Tiltfile declares, as plain C++ values. It is the contract between
// tiltfile/ (which produces it) and engine/ (which runs it), and the schema behind
// `slant alpha tiltfile-result` (docs/tiltfile-result.md). No behaviour beyond small helpers, and
// no dependency on any other folder of slant.
//
// Paths are absolute. Commands are argv vectors: a Tiltfile string command "make x" becomes
// {"sh", "-c", "make x"}; a list command is kept as given.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace slant::model {

/// Whether file changes start an update by themselves (auto) or only mark it pending (manual).
enum class TriggerMode { kAuto, kManual };

/// A command to run: argv, working directory (absolute, never empty) and extra environment.
struct Cmd {
  std::vector<std::string> argv;
  std::string dir;
  /// Added to the engine's own environment, in the order given.
  std::vector<std::pair<std::string, std::string>> env;
  /// Whether there is no command (an empty Tiltfile string or list).
  bool empty() const { return argv.empty(); }
};

/// A link shown on a resource in the UI.
struct Link {
  std::string url;
  std::string name;  ///< may be empty
};

/// A port forward of a Kubernetes resource.
struct PortForward {
  int local_port = 0;
  std::optional<int> container_port;  ///< nullopt: chosen from the pod's ports at run time
  std::string host;                   ///< empty: the engine's --host (localhost)
  std::string name;
  std::string link_path;
};

/// A readiness probe (local_resource readiness_probe=probe(...)). Exactly one action is set.
struct Probe {
  int initial_delay_secs = 0;
  int timeout_secs = 1;
  int period_secs = 10;
  int success_threshold = 1;
  int failure_threshold = 3;
  struct Exec {
    std::vector<std::string> argv;
  };
  struct HttpGet {
    std::string host = "localhost";
    int port = 0;
    std::string scheme = "http";
    std::string path;
  };
  struct TcpSocket {
    std::string host = "localhost";
    int port = 0;
  };
  std::optional<Exec> exec;
  std::optional<HttpGet> http_get;
  std::optional<TcpSocket> tcp_socket;
};

/// One live_update step, in Tilt's required order: initial_sync, fall_back_on, sync, run,
/// restart_container.
struct LiveUpdateStep {
  enum class Kind { kInitialSync, kFallBackOn, kSync, kRun, kRestartContainer };
  Kind kind = Kind::kSync;
  std::vector<std::string> files;    ///< kFallBackOn: absolute paths
  std::string local;                 ///< kSync: absolute local path
  std::string remote;                ///< kSync: absolute path in the container
  std::vector<std::string> cmd;      ///< kRun: argv
  std::vector<std::string> trigger;  ///< kRun: absolute paths; empty means any change
  bool echo_off = false;             ///< kRun
};

/// How a custom_build image is made.
struct CustomBuild {
  Cmd command;
  std::vector<std::string> deps;  ///< absolute paths watched for changes
  std::string tag;                ///< empty: tilt-build-<unix time>
  bool disable_push = false;
  bool skips_local_docker = false;
  std::string outputs_image_ref_to;  ///< absolute path, or empty
};

/// How Docker Compose builds an image from a service's `build:` section when no docker_build or
/// custom_build makes it (Tilt's DockerComposeBuild); ImageTarget::context is the build context
/// (empty for a remote one, such as a Git URL).
struct ComposeBuild {
  std::string service;     ///< the Compose service whose `build:` this is
  std::string project;     ///< the Compose project name
  std::string image;       ///< the whole image name compose tags ("proj_web", "app:dev")
  std::string dockerfile;  ///< absolute, or as written for a remote context
  /// Host paths the service bind-mounts: changes there reach the container without a rebuild.
  std::vector<std::string> local_volume_paths;
};

/// How a docker_build image is made (beyond context/dockerfile/only/ignore in ImageTarget).
struct DockerBuild {
  std::string dockerfile;           ///< absolute path; empty when dockerfile_contents is given
  std::string dockerfile_contents;  ///< inline Dockerfile, or empty
  std::vector<std::pair<std::string, std::string>> build_args;
  std::string target;
  std::vector<std::string> ssh;
  std::vector<std::string> secret;
  std::string network;
  std::vector<std::string> extra_tags;
  std::vector<std::string> cache_from;
  bool pull = false;
  std::string platform;
  std::vector<std::string> extra_hosts;
};

/// An image the Tiltfile builds (docker_build or custom_build).
struct ImageTarget {
  std::string ref;           ///< as written in the Tiltfile ("gcr.io/foo/api"), tag dropped
  std::string registry_ref;  ///< where it is pushed after default_registry rewriting, or ""
  /// registry_ref as the cluster's container runtime pulls it (default_registry's
  /// host_from_cluster), or "" when that is registry_ref itself.
  std::string cluster_registry_ref;
  std::string tag;  ///< the tag the Tiltfile's ref gave ("dev" for "foo:dev"), or ""
  /// Whether containers match only by the whole ref, tag included (the ref has a tag, or another
  /// image has the same name), as Tilt's exact selectors; otherwise any tag of `ref` matches.
  bool match_exact = false;
  std::string context;              ///< absolute; for custom_build, the command's dir
  std::vector<std::string> only;    ///< absolute paths
  std::vector<std::string> ignore;  ///< patterns, as given (dockerignore syntax)
  /// What filters the context (and the watch on it), as absolute .dockerignore patterns ("!"
  /// kept): the context's .dockerignore (or <Dockerfile>.dockerignore), then `ignore`.
  /// `only` and the built-in exclusions (.git/) come on top.
  std::vector<std::string> context_ignore;
  std::vector<LiveUpdateStep> live_update;
  bool match_in_env_vars = false;
  std::vector<std::string> entrypoint;                     ///< empty: the image's own
  std::optional<std::vector<std::string>> container_args;  ///< nullopt: the image's own
  std::vector<std::string> image_deps;  ///< refs of other built images this build uses
  std::optional<DockerBuild> docker;    ///< set for docker_build
  std::optional<CustomBuild> custom;    ///< set for custom_build
  std::optional<ComposeBuild> compose;  ///< set for an image Docker Compose builds itself
};

/// A Kubernetes object, as the Tiltfile produced it (before image injection).
struct K8sObject {
  std::string api_version;
  std::string kind;
  std::string name;
  std::string namespace_;  ///< empty when the YAML does not say
  std::string yaml;        ///< the object as one YAML document
};

/// Where to find image references in objects of a kind (k8s_kind, k8s_image_json_path).
struct ImageLocator {
  std::string api_version;              ///< empty: any
  std::string kind;                     ///< empty: any
  std::string name;                     ///< empty: any
  std::string namespace_;               ///< empty: any
  std::vector<std::string> json_paths;  ///< e.g. "{.spec.image}"
  /// For image_object: the fields of an object holding repo and tag separately.
  std::string repo_field;
  std::string tag_field;
};

/// How a Kubernetes resource decides that its pods are ready.
enum class PodReadiness { kDefault, kWait, kIgnore, kSucceeded };

/// The deploy part of a Kubernetes resource.
struct K8sTarget {
  std::vector<K8sObject> objects;
  std::vector<PortForward> port_forwards;
  std::vector<std::map<std::string, std::string>> extra_pod_selectors;
  PodReadiness pod_readiness = PodReadiness::kDefault;
  std::string discovery_strategy;  ///< "" (default) or "selectors-only"
  std::vector<ImageLocator> image_locators;
  /// k8s_custom_deploy: the commands that apply and delete, instead of objects.
  struct CustomDeploy {
    Cmd apply_cmd;
    Cmd delete_cmd;
    std::vector<std::string> deps;
    std::string image_selector;
    std::string container_selector;
  };
  std::optional<CustomDeploy> custom_deploy;
};

/// The run part of a local resource.
struct LocalTarget {
  Cmd cmd;                        ///< the update command (may be empty)
  Cmd serve_cmd;                  ///< the long-running server (may be empty)
  std::vector<std::string> deps;  ///< absolute paths
  /// .dockerignore patterns made absolute against the declaring Tiltfile's directory (a leading
  /// "!" kept), as Tilt's matcher does.
  std::vector<std::string> ignore;
  bool allow_parallel = false;
  std::optional<Probe> readiness_probe;
};

/// A Docker Compose service run as a resource.
struct DcTarget {
  std::string service;
  std::string project;                    ///< the Compose project name
  std::vector<std::string> config_paths;  ///< absolute compose files
  std::string project_dir;                ///< absolute
  std::string env_file;                   ///< absolute, or empty
  std::vector<std::string> profiles;
  bool wait = false;
  std::string service_yaml;  ///< the service's definition after interpolation
  std::vector<int> published_ports;
  /// dc_resource(infer_links=): whether ports Docker publishes at run time also get links (the
  /// links for published_ports are already in Resource::links).
  bool infer_links = true;
};

/// The kind of a resource, as `tilt get uiresource` shows it.
enum class ResourceType { kK8s, kLocal, kDc };

/// One resource (a "manifest" in Tilt's code): what the UI shows as a row.
struct Resource {
  std::string name;
  ResourceType type = ResourceType::kK8s;
  std::vector<std::string> labels;
  std::vector<std::string> resource_deps;
  TriggerMode trigger_mode = TriggerMode::kAuto;
  bool auto_init = true;
  std::vector<Link> links;
  std::vector<std::string> image_refs;  ///< refs of the images this resource deploys
  std::optional<K8sTarget> k8s;
  std::optional<LocalTarget> local;
  std::optional<DcTarget> dc;
};

/// The default_registry() setting.
struct Registry {
  std::string host;
  std::string host_from_cluster;
  std::string single_name;
};

/// A v1alpha1 API object a Tiltfile declared (ui_button, cmd, file_watch, ...), kept as JSON.
struct ApiObject {
  std::string kind;  ///< "UIButton", "Cmd", ...
  std::string name;
  std::string json;  ///< the object's spec and metadata as JSON text
};

/// Project-wide settings from update_settings, ci_settings, watch_settings, ...
struct Settings {
  int max_parallel_updates = 3;
  int k8s_upsert_timeout_secs = 30;
  std::vector<std::string> suppress_unused_image_warnings;
  std::string k8s_server_side_apply = "auto";
  std::vector<std::string> allowed_k8s_contexts;
  std::string k8s_context;    ///< the current context as k8s_context() saw it
  std::string k8s_namespace;  ///< the current namespace as k8s_namespace() saw it
  std::optional<Registry> default_registry;
  // ci_settings
  int ci_k8s_grace_period_secs = 0;
  int ci_timeout_secs = 30 * 60;
  int ci_readiness_timeout_secs = 5 * 60;
  // watch_settings
  /// .dockerignore patterns made absolute against the calling Tiltfile's directory ("!" kept).
  std::vector<std::string> watch_ignore;
  // version_settings
  bool check_updates = true;
  std::string version_constraint;
  // analytics_settings
  std::optional<bool> analytics_enabled;
  // secret_settings
  bool disable_secret_scrub = false;
  // docker_prune_settings
  struct DockerPrune {
    bool enabled = true;
    int max_age_mins = 360;
    int num_builds = 0;
    int interval_hrs = 1;
    int keep_recent = 2;
  } docker_prune;
  /// enable_feature/disable_feature, by flag name.
  std::map<std::string, bool> features;
  std::string team_id;
  TriggerMode default_trigger_mode = TriggerMode::kAuto;
};

/// Everything a Tiltfile execution declared.
struct Project {
  std::string tiltfile;  ///< absolute path of the main Tiltfile
  /// In Tilt's order: Kubernetes resources, Compose services, local resources, then
  /// "uncategorized".
  std::vector<Resource> resources;
  std::vector<ImageTarget> images;
  Settings settings;
  /// Names of the resources to run (all of them unless config or arguments select some).
  std::vector<std::string> enabled_resources;
  /// Every file the execution read: Tiltfiles, loaded files, read_* and watch_file targets.
  std::vector<std::string> config_files;
  std::vector<std::string> warnings;
  std::vector<ApiObject> api_objects;

  /// The resource named `name`, or nullptr.
  const Resource* find(std::string_view name) const {
    for (const Resource& r : resources)
      if (r.name == name) return &r;
    return nullptr;
  }
};

}  // namespace slant::model
