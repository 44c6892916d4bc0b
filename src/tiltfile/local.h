// local_resource, test, local(), trigger_mode() and the TRIGGER_MODE_* values, as Tilt's
// internal/tiltfile/local_resource.go, files.go (local) and tiltfile_state.go.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/project.h"
#include "starlark/value.h"
#include "tiltfile/state.h"

namespace slant::tiltfile {

/// One local_resource (or test) call, as declared; assembleLocal turns it into a Resource.
struct LocalResourceDecl {
  std::string name;
  model::LocalTarget target;  ///< allow_parallel as given (assembly adds "no update command")
  std::optional<model::TriggerMode> trigger_mode;  ///< nullopt: the global trigger_mode()
  bool auto_init = true;
  std::vector<std::string> resource_deps;
  std::vector<model::Link> links;
  std::vector<std::string> labels;  ///< sorted, without duplicates (Tilt keeps a set)
};

/// The local family's state in one execution.
struct LocalState {
  std::vector<LocalResourceDecl> resources;  ///< in declaration order
  /// Where trigger_mode() was called ("file:line:col"), once it has been.
  std::optional<std::string> trigger_mode_call;
};

/// Whether a local_resource named `name` has been declared so far (for the duplicate-name checks
/// of k8s_resource and dc_resource: "local_resource named \"x\" already exists").
bool hasLocalResource(State& st, std::string_view name);

/// Tilt's checkResourceConflict for local_resource and dc_resource, against the names declared
/// so far: errors with `k8s_resource named "x" already exists` (a k8s_custom_deploy),
/// `local_resource named "x" already exists` or `dc_resource named "x" already exists`.
starlark::Result<void> checkResourceConflict(State& st, std::string_view name);

/// An ignore pattern (.dockerignore syntax) made absolute against `dir`, keeping a leading "!",
/// as Tilt's matcher does with the patterns of local_resource(ignore=) and watch_settings().
std::string absolutePattern(std::string_view dir, std::string_view pattern);

}  // namespace slant::tiltfile
