// The live_update steps (initial_sync, fall_back_on, sync, run, restart_container) and their
// conversion into model::LiveUpdateStep lists, as Tilt's internal/tiltfile/live_update.go.
//
// A step is a value of its own type that records where it was created. docker_build,
// custom_build and k8s_custom_deploy turn their `live_update` list into model steps with
// liveUpdateFromSteps() while they run, which checks Tilt's ordering rules and marks the steps
// used; after the Tiltfile ran, a step that no live_update took is an error, as in Tilt.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "model/project.h"
#include "starlark/starlark.h"
#include "starlark/value.h"
#include "tiltfile/state.h"

namespace slant::tiltfile {

/// A step made by one of the live update builtins; liveUpdateFromSteps() reads it.
class LiveUpdateStepValue final : public starlark::Object {
 public:
  LiveUpdateStepValue(model::LiveUpdateStep step, std::string position)
      : Object(starlark::ObjType::kOther), step_(std::move(step)), position_(std::move(position)) {}
  /// Tilt's type names: "live_update_sync_step", "live_update_run_step", ...
  std::string_view typeName() const override;
  /// Tilt's descriptions: "sync step: '/src'->'/app'", "run step: \"make\"", ...
  void write(std::string& out, bool quoted, std::vector<const Object*>& path) const override;
  bool truth() const override;
  starlark::Result<uint32_t> hash() const override;
  starlark::Result<bool> equals(const Object& other, int depth) const override;

  const model::LiveUpdateStep& step() const { return step_; }
  /// Where the step was created, "file:line:col".
  const std::string& position() const { return position_; }

 private:
  model::LiveUpdateStep step_;
  std::string position_;
};

/// The live update steps created and not yet used by a live_update, in creation order (Tilt keys
/// them by position, so two steps made by the same call site count once).
struct LiveUpdateState {
  struct Unused {
    std::string position;
    std::string description;  ///< "value 'restart_container step' of type '...'"
  };
  std::vector<Unused> unused;
};

/// Registers initial_sync, fall_back_on, sync, run and restart_container.
void addLiveUpdateBuiltins(starlark::StringDict& d);

/// Converts a `live_update` argument (a list of steps, a single step, or None/unbound for none)
/// into model steps, with Tilt's rules: initial_sync at most once and first, then fall_back_on,
/// then sync, then run, then restart_container last; at least one sync or run; sync
/// destinations absolute. Run triggers are made absolute against the current Tiltfile's
/// directory. Marks the steps used. Call it while the builtin that takes the list runs. Errors
/// start with "live_update: ", as Tilt wraps them.
starlark::Result<std::vector<model::LiveUpdateStep>> liveUpdateFromSteps(
    State& st, const starlark::Value& steps);

/// Tilt's checkForUnconsumedLiveUpdateSteps: an error listing every step created but never used,
/// "found 1 live_update steps that were created but not used in a live_update:\n<pos>: value
/// '...' of type '...'".
starlark::Result<void> checkUnusedLiveUpdateSteps(State& st);

/// Tilt's validateLiveUpdate: each sync source and fall_back_on path must be one of the
/// `watched` paths or under one (an image's context or deps, and those of the images it is
/// built from). Errors: "sync step source '/x' is not a child of any watched filepaths ([/a
/// /b])", "fall_back_on paths '/x' is not a child of any watched filepaths (...)".
starlark::Result<void> checkLiveUpdatePaths(const std::vector<model::LiveUpdateStep>& steps,
                                            const std::vector<std::string>& watched);

/// Whether the steps end with restart_container().
bool restartsContainer(const std::vector<model::LiveUpdateStep>& steps);

}  // namespace slant::tiltfile
