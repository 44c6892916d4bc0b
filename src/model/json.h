// The project model as JSON: the output of `slant alpha tiltfile-result`, documented field by
// field in docs/tiltfile-result.md.
#pragma once

#include <string>
#include <vector>

#include "model/project.h"

namespace slant::model {

/// The project as pretty-printed JSON (two-space indent, keys in schema order), ending in a
/// newline. `error` (may be empty) becomes the top-level "error" field, null when empty.
std::string toJson(const Project& project, const std::string& error);

/// One resource's definition as compact JSON, with the images it deploys: two definitions are
/// equal exactly when the resource would run the same way (the engine diffs re-executions so).
std::string resourceDefinition(const Project& project, const Resource& resource);

/// The images a resource deploys and every image they are built from, each once, dependencies
/// before the images that use them (the order to build them in).
std::vector<const ImageTarget*> imagesToBuild(const Project& project, const Resource& resource);

/// One image's definition as compact JSON: equal exactly when it would build the same way.
std::string imageDefinition(const ImageTarget& image);

}  // namespace slant::model
