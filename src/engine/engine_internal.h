// The engine's private parts, shared by its source files (engine.cc: the Tiltfile, local
// resources, scheduling and output; engine_docker.cc: images, Docker Compose services and live
// update). Not for use outside src/engine/.
#pragma once

#include <deque>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "engine/engine.h"
#include "engine/live_update.h"
#include "engine/text.h"

namespace slant::engine {

/// How many finished builds a resource keeps.
inline constexpr std::size_t kHistory = 10;

/// argv joined by spaces, as Tilt prints a command.
inline std::string joinArgs(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) {
    if (!out.empty()) out += " ";
    out += a;
  }
  return out;
}

/// The command as Tilt prints it: the script of `sh -c SCRIPT`, else argv joined by spaces.
inline std::string commandText(const model::Cmd& cmd) {
  if (cmd.argv.size() == 3 && cmd.argv[0] == "sh" && cmd.argv[1] == "-c") return cmd.argv[2];
  return joinArgs(cmd.argv);
}

/// Go's %q for the printable text of a command: quotes and backslashes escaped.
inline std::string goQuote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

/// The state of one resource (and of the Tiltfile, which uses the update half only).
struct Engine::Res {
  model::Resource spec;
  std::string definition;  // model::resourceDefinition, for diffing re-executions
  bool disabled_by_config = false;
  bool disabled = false;  // the effective state: the user's choice, else the Tiltfile's

  UpdateStatus update = UpdateStatus::kNone;
  RuntimeStatus runtime = RuntimeStatus::kUnknown;
  bool needs_initial = true;  // never updated since it appeared or changed
  std::string initial_reason = "Initial Build";
  std::string trigger_reason;  // non-empty: a trigger is queued
  std::set<std::string> pending_files;
  std::optional<Build> current;
  std::deque<Build> history;  // newest first
  bool ever_ready = false;

  ProcessId cmd_proc = 0;
  ProcessId serve_proc = 0;
  ProbeId probe = 0;
  bool serve_start_pending = false;  // start the serve_cmd once the old one has exited
  std::optional<std::chrono::system_clock::time_point> serve_start;
  std::optional<TimePoint> active_since;  // the serve_cmd started and is not ready yet (ci)
  std::string runtime_detail;
  std::string last_error;
  WatchId watch = 0;

  // Docker Compose resources (engine_docker.cc).
  /// The images the resource builds, dependencies first (model::imagesToBuild), copied.
  std::vector<model::ImageTarget> images;
  std::vector<WatchId> image_watches;    // one per image, in `images` order
  std::set<std::string> pending_images;  // the images whose files are pending
  std::vector<std::string> to_build;     // the images left to build in this update
  OpId build_op = 0;                     // the running image build
  OpId deploy_op = 0;                    // the running `compose up`
  OpId live_op = 0;                      // the running live-update copy, exec or restart
  LiveUpdatePlan live_plan;              // the live update under way
  bool restarting = false;               // a live update restarts the container
  WatchId service_watch = 0;
  ContainerState container;
  std::string deployed_image;    // the image ref last brought up ("" when Compose picks)
  bool deployed = false;         // a deploy succeeded since the container was last removed
  std::string synced_container;  // the container initial_sync last copied into
  std::string runtime_error;     // the container's error last logged
  int step = 0, steps = 0;       // "STEP i/n" of the update under way

  std::string waiting_reason;  // why it is not updating although it wants to
  std::vector<std::string> waiting_on;

  bool isLocal() const { return spec.local.has_value(); }
  bool isDc() const { return spec.dc.has_value(); }
  /// The image target the resource runs (its first image_ref), or nullptr.
  const model::ImageTarget* deployedImage() const {
    if (spec.image_refs.empty()) return nullptr;
    for (const auto& img : images)
      if (img.ref == spec.image_refs.front()) return &img;
    return nullptr;
  }
  bool hasServe() const { return isLocal() && !spec.local->serve_cmd.empty(); }
  bool exclusive() const {
    return isLocal() && !spec.local->cmd.empty() && !spec.local->allow_parallel;
  }
  bool ready() const {
    if (update != UpdateStatus::kOk && update != UpdateStatus::kNotApplicable) return false;
    return runtime == RuntimeStatus::kOk || runtime == RuntimeStatus::kNotApplicable;
  }
  bool wantsUpdate() const {
    if (!trigger_reason.empty()) return true;
    if (needs_initial && spec.auto_init) return true;
    return !pending_files.empty() && spec.trigger_mode == model::TriggerMode::kAuto;
  }
};

}  // namespace slant::engine
