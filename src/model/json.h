// The project model as JSON: the output of `slant alpha tiltfile-result`, documented field by
// field in docs/tiltfile-result.md.
#pragma once

#include <string>

#include "model/project.h"

namespace slant::model {

/// The project as pretty-printed JSON (two-space indent, keys in schema order), ending in a
/// newline. `error` (may be empty) becomes the top-level "error" field, null when empty.
std::string toJson(const Project& project, const std::string& error);

}  // namespace slant::model
