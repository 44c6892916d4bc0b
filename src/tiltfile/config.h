// The config module (Tilt's internal/tiltfile/config): settings defined with
// config.define_string/define_string_list/define_bool/define_object and read by config.parse()
// from the arguments after `--` and tilt_config.json; set_enabled_resources and
// clear_enabled_resources; and the rule that picks the resources to run.
#pragma once

#include <string>
#include <vector>

#include "model/project.h"
#include "starlark/value.h"

namespace slant::tiltfile {

/// The type of a config setting, by the define_* builtin that made it.
enum class ConfigSettingType { kString, kStringList, kBool, kObject };

/// One setting defined with config.define_*.
struct ConfigSetting {
  std::string name;
  ConfigSettingType type = ConfigSettingType::kString;
  std::string usage;  ///< shown in the usage message of a bad argument
};

/// What the config.* builtins recorded during one execution (Tilt's config.Settings).
struct ConfigState {
  std::vector<ConfigSetting> settings;  ///< in definition order
  std::string positional;               ///< the setting defined with args=True, or ""
  bool parse_called = false;
  std::string parse_dir;     ///< the directory of the Tiltfile that called config.parse first
  bool disable_all = false;  ///< clear_enabled_resources() was the last word
  /// The last set_enabled_resources() list; empty means "not set" (as in Tilt, where an empty
  /// list leaves the default in place).
  std::vector<std::string> enabled_resources;
};

/// The names of the resources to run, in resource order, when `requested` names some (Tilt's
/// config.match): each requested resource plus its transitive resource_deps, and always
/// "uncategorized". An empty `requested` selects every resource. Errors: "You specified some
/// resources that could not be found: "baz"\nIs this a typo? Existing resources in Tiltfile: ...".
starlark::Result<std::vector<std::string>> selectResources(
    const std::vector<model::Resource>& resources, const std::vector<std::string>& requested);

}  // namespace slant::tiltfile
