// docker_compose and dc_resource, as Tilt's internal/tiltfile/docker_compose.go: Compose projects
// loaded without Docker (compose_file.h), one resource per enabled service.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/project.h"
#include "tiltfile/compose_file.h"
#include "tiltfile/state.h"

namespace slant::tiltfile {

/// What dc_resource set for one service (Tilt's dcResourceOptions).
struct DcResourceOptions {
  std::string image;  ///< image= as given (validated), or "" for the service's own image
  std::optional<model::TriggerMode> trigger_mode;  ///< nullopt: the global trigger_mode()
  std::optional<bool> infer_links;                 ///< nullopt: true
  std::vector<model::Link> links;
  std::optional<bool> auto_init;    ///< nullopt: true
  std::vector<std::string> labels;  ///< sorted, without duplicates
  /// depends_on (sorted when the project is loaded) followed by dc_resource's resource_deps.
  std::vector<std::string> resource_deps;
};

/// One service of a project, as the resource it becomes.
struct DcServiceDecl {
  std::string name;          ///< the resource name (dc_resource's new_name, else the service)
  compose::Service service;  ///< the loaded service; service.name is the Compose name
  /// The image the service runs, as Tilt's imageRefFromConfig: `image:`, else
  /// "<project>_<service>".
  std::string config_image;
};

/// One Compose project: every docker_compose call with the same project name adds its files.
struct DcProjectDecl {
  std::string name;
  std::string project_dir;  ///< the first compose file's directory, else the Tiltfile's
  std::string env_file;     ///< absolute, or ""
  std::vector<std::string> profiles;
  bool wait = false;
  std::vector<std::string> config_paths;  ///< absolute, blobs written to files
  std::vector<DcServiceDecl> services;    ///< dependencies first
  std::map<std::string, DcResourceOptions, std::less<>> options;  ///< by resource name
};

/// The compose family's state in one execution.
struct ComposeState {
  std::vector<DcProjectDecl> projects;  ///< in order of their first docker_compose call
};

/// Whether docker_compose declared a service resource named `name` so far (for the duplicate-name
/// checks of the other families: "dc_resource named \"x\" already exists").
bool hasComposeService(State& st, std::string_view name);

}  // namespace slant::tiltfile
