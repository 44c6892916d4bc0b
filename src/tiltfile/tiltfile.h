// Executes a Tiltfile with Tilt's builtins and assembles the project model: the one entry point
// of tiltfile/ for the CLI and the engine.
#pragma once

#include <optional>
#include <string>

#include "model/project.h"
#include "tiltfile/state.h"

namespace slant::tiltfile {

/// The outcome of one execution. On error the project holds what was assembled before it (at
/// least the config files, so that fixing the file re-executes it).
struct LoadResult {
  model::Project project;
  /// The error as the user sees it: "file:line:col: message" for syntax errors, or the Starlark
  /// backtrace ("Traceback (most recent call last): ... Error: ...") for runtime errors.
  std::optional<std::string> error;
};

/// Executes options.tiltfile and assembles the project. Never throws; every problem is in
/// LoadResult::error.
LoadResult loadTiltfile(const Options& options);

}  // namespace slant::tiltfile
