// The v1alpha1 module (Tilt's internal/tiltfile/v1alpha1, generated from its API types): object
// constructors such as v1alpha1.ui_button and v1alpha1.cmd, which validate their arguments and
// register an API object, and helpers such as v1alpha1.ui_component_location, which return the
// dicts those constructors take.
#pragma once

#include <string>
#include <vector>

#include "model/project.h"

namespace slant::tiltfile {

/// The API objects registered during one execution, in registration order (Tilt's
/// apiset.ObjectSet); registering an identical object again keeps one.
struct ApiState {
  std::vector<model::ApiObject> objects;
};

}  // namespace slant::tiltfile
