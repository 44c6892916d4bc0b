// The project model as JSON: the output of `slant alpha tiltfile-result`, documented field by
// field in docs/tiltfile-result.md.
#pragma once

#include <string>

#include "model/project.h"

namespace slant::model {

/// The project as pretty-printed JSON (two-space indent, keys in schema order), ending in a
/// newline. `error` (may be empty) becomes the top-level "error" field, null when empty.
std::string toJson(const Project& project, const std::string& error);

/// One resource's definition as compact JSON, with the images it deploys: two definitions are
/// equal exactly when the resource would run the same way (the engine diffs re-executions so).
std::string resourceDefinition(const Project& project, const Resource& resource);

}  // namespace slant::model
