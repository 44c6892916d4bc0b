// Project-wide settings builtins, as Tilt's updatesettings, cisettings, watch (watch_settings),
// version, analytics, secretsettings, dockerprune, telemetry and metrics packages, features.go
// and set_team: update_settings, ci_settings, watch_settings, version_settings,
// analytics_settings, secret_settings, docker_prune_settings, enable_feature, disable_feature,
// disable_snapshots, set_team, experimental_analytics_report, experimental_telemetry_cmd and
// experimental_metrics_settings. They write model::Settings.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "starlark/value.h"

namespace slant::tiltfile {

/// The Tilt release whose Tiltfile API slant implements: version_settings(constraint=...) is
/// checked against it, so that Tiltfiles written for that Tilt load.
inline constexpr std::string_view kTiltApiVersion = "0.37.6";

/// The settings family's state in one execution.
struct SettingsState {
  /// experimental_telemetry_cmd's command as displayed, once set (it may be set only once).
  std::string telemetry_cmd;
};

/// Parses a duration as Go's time.ParseDuration ("30m", "1h30m", "1.5s", "-2h", "0"); returns
/// nanoseconds, or Go's error ("time: invalid duration \"x\"", "time: missing unit in duration
/// \"30\"", "time: unknown unit \"d\" in duration \"1d\"").
starlark::Result<int64_t> parseGoDuration(std::string_view s);

/// Whether a semantic version ("0.37.6") satisfies a range in the syntax of blang/semver, which
/// Tilt uses (">=0.22.0 <0.30.0 || 1.x", "!=0.5.3", "0.5.x"); returns the parse error
/// otherwise ("Could not get version from string: \"abc\"").
starlark::Result<bool> versionSatisfies(std::string_view version, std::string_view constraint);

}  // namespace slant::tiltfile
