// What the engine offers to the HTTP server (server/) and through it to the web UI and the
// client commands (`slant get`, `trigger`, ...). Every member is called on the loop thread; the
// server runs on the same loop. The JSON shapes are documented in docs/api.md.
#pragma once

#include <cstdint>
#include <expected>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/log_store.h"
#include "model/project.h"

namespace slant::engine {

/// Receives changes as they happen, on the loop thread.
struct EngineListener {
  /// A resource's state changed (or it appeared or went away); "(Tiltfile)" for the Tiltfile.
  std::function<void(std::string_view resource)> on_resource_changed;
  /// A log line was appended.
  std::function<void(const LogLine& line)> on_log;
};

/// Identifies a subscription; 0 is never valid.
using SubscriptionId = std::uint64_t;

/// The engine as the server sees it.
class EngineApi {
 public:
  virtual ~EngineApi() = default;

  /// The whole state: {"session": {...}, "resources": [ {...}, ... ]}, "(Tiltfile)" first, then
  /// the resources in the Tiltfile's order.
  virtual nlohmann::json view() const = 0;
  /// One resource as it appears in view()["resources"], or nullopt when there is none.
  virtual std::optional<nlohmann::json> resource(std::string_view name) const = 0;
  /// Log lines matching a query.
  virtual LogPage logs(const LogQuery& query) const = 0;

  /// Queues an update of a resource, as the trigger button does (also for auto resources).
  /// Error: `no such resource "x"`, `resource "x" is disabled`.
  virtual std::expected<void, std::string> trigger(std::string_view name) = 0;
  /// Disables or enables resources (by name; "(Tiltfile)" cannot be disabled). Disabling stops
  /// what the resource runs. Error on an unknown name, naming it; nothing changes then.
  virtual std::expected<void, std::string> setDisabled(const std::vector<std::string>& names,
                                                       bool disabled) = 0;
  /// Switches resources between auto and manual trigger mode, as the UI's toggle does (Tilt's
  /// /api/override/trigger_mode); the choice outlives Tiltfile re-executions. Switching to auto
  /// starts an update when files are pending. Error on an unknown name or "(Tiltfile)", naming
  /// it; nothing changes then.
  virtual std::expected<void, std::string> setTriggerMode(const std::vector<std::string>& names,
                                                          model::TriggerMode mode) = 0;
  /// Re-executes the Tiltfile with new arguments (those after `--`).
  virtual void setArgs(std::vector<std::string> args) = 0;
  /// The current arguments.
  virtual std::vector<std::string> args() const = 0;
  /// Everything the engine knows, for `slant dump engine` (not a stable format).
  virtual nlohmann::json dumpEngine() const = 0;

  /// Subscribes to changes; returns an id for unsubscribe().
  virtual SubscriptionId subscribe(EngineListener listener) = 0;
  virtual void unsubscribe(SubscriptionId id) = 0;
};

}  // namespace slant::engine
