// The engine: the state of every resource and the scheduler that decides what updates next.
//
// Everything here runs on the loop thread and is driven by events: a Tiltfile execution
// finished, a batch of file changes arrived, a process printed a line or exited, a probe
// changed, the user triggered a resource. Each event updates the state, then one coalesced
// pass (`reconcile`) starts whatever may start now and, under `slant ci`, decides whether the
// run is over. Slow work never happens here: processes, probes, watches and Tiltfile
// executions are asked of the backends (engine/backends.h), which report back as events.
//
// Scheduling follows Tilt's buildcontrol:
// - A resource's update waits until every resource_deps dependency has been ready at least once
//   since slant started (a cmd succeeded, a serve_cmd started or passed its probe).
// - Nothing starts while the Tiltfile is executing.
// - At most max_parallel_updates updates run at once; a local_resource with a cmd and no
//   allow_parallel runs alone (nothing else starts while it runs, and it waits for the others).
// - auto_init=False resources wait for a trigger (or, in auto trigger mode, a file change);
//   manual trigger mode only collects pending files until the resource is triggered.
// - Disabled resources run nothing; disabling stops what they run.
//
// A re-executed Tiltfile is diffed against the running model by each resource's definition:
// unchanged resources keep running untouched, changed ones are stopped and updated again
// ("Config Changed"), removed ones are stopped. A Tiltfile error keeps the last good model
// running and shows the error on "(Tiltfile)".
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/api.h"
#include "engine/backends.h"
#include "engine/log_store.h"
#include "engine/loop.h"
#include "model/project.h"

namespace slant::engine {

/// The name of the Tiltfile's own resource.
inline constexpr std::string_view kTiltfileResource = "(Tiltfile)";

/// Whether the engine runs until stopped (`up`) or until everything is ready or one fails (`ci`).
enum class Mode { kUp, kCi };

/// An update's status, as Tilt's UIResource shows it.
enum class UpdateStatus { kNone, kPending, kInProgress, kOk, kError, kNotApplicable };
/// A resource's runtime status, as Tilt's UIResource shows it.
enum class RuntimeStatus { kUnknown, kNone, kPending, kOk, kError, kNotApplicable };

/// The names the API uses: "in_progress", "not_applicable", ...
std::string_view updateStatusName(UpdateStatus s);
std::string_view runtimeStatusName(RuntimeStatus s);

/// How the engine is configured by the command line.
struct EngineOptions {
  std::string tiltfile;           ///< absolute
  std::vector<std::string> args;  ///< the Tiltfile arguments (after `--`, plus resource names)
  Mode mode = Mode::kUp;
  /// How long a watch waits for quiet before delivering a batch (docs/watching.md: 50 ms still
  /// batches an editor's save, a git checkout or a cp -r; Tilt waits 200 ms).
  Duration debounce = std::chrono::milliseconds(50);
  /// How long a stopped process gets between SIGTERM and SIGKILL.
  Duration stop_grace = std::chrono::seconds(5);
  /// The log's memory cap.
  std::size_t log_cap_bytes = 2 * 1024 * 1024;
  /// `ci --timeout`; nullopt: ci_settings(timeout=) or its default of 30m. Zero: no timeout.
  std::optional<Duration> ci_timeout;
};

/// The backends the engine works through.
struct Backends {
  ProcessRunner& processes;
  Prober& prober;
  FileWatcher& watcher;
  TiltfileRunner& tiltfile;
  ImageBuilder& images;
  ComposeRunner& compose;
  ContainerUpdater& containers;
};

/// How a `ci` run ended.
struct CiOutcome {
  bool success = false;
  /// Why it failed, for the user: "Timeout after 30m0s: ...", "Command \"x\" failed: ...".
  std::string error;
  /// The failed resource, if one failed.
  std::string resource;
};

/// The engine. Create it, call start(), run the loop; call shutdown() before destroying it.
class Engine : public EngineApi {
 public:
  Engine(Loop& loop, Backends backends, EngineOptions options);
  ~Engine() override;

  /// Executes the Tiltfile for the first time; everything else follows from events.
  void start();
  /// Stops every process and watch; `done` runs once every process has exited.
  void shutdown(std::function<void()> done);
  /// Called once when a ci run is over (Mode::kCi only).
  void onCiDone(std::function<void(const CiOutcome&)> fn) { on_ci_done_ = std::move(fn); }

  // EngineApi
  nlohmann::json view() const override;
  std::optional<nlohmann::json> resource(std::string_view name) const override;
  LogPage logs(const LogQuery& query) const override;
  std::expected<void, std::string> trigger(std::string_view name) override;
  std::expected<void, std::string> setDisabled(const std::vector<std::string>& names,
                                               bool disabled) override;
  std::expected<void, std::string> setTriggerMode(const std::vector<std::string>& names,
                                                  model::TriggerMode mode) override;
  void setArgs(std::vector<std::string> args) override;
  std::vector<std::string> args() const override { return options_.args; }
  nlohmann::json dumpEngine() const override;
  SubscriptionId subscribe(EngineListener listener) override;
  void unsubscribe(SubscriptionId id) override;

  /// The resource names in display order, "(Tiltfile)" first (for tests and the CLI).
  std::vector<std::string> resourceNames() const;
  /// The log store (read-only).
  const LogStore& logStore() const { return log_; }

 private:
  struct Build {
    std::chrono::system_clock::time_point start, finish;
    std::string reason;
    std::vector<std::string> edits;
    std::string error;
  };
  struct Res;

  Res* find(std::string_view name);
  const Res* find(std::string_view name) const;

  // Events.
  void loadTiltfile(std::string reason, std::vector<std::string> edits);
  void onTiltfileLoaded(TiltfileResult result);
  void applyProject(model::Project project);
  void onFiles(const std::string& name, std::vector<std::string> paths);
  /// New pending files arrived for `r`: mark it pending if it will update, and reconcile.
  void filesPending(Res& r);
  void onCmdExit(const std::string& name, ProcessId id, const ExitStatus& status);
  void onServeExit(const std::string& name, ProcessId id, const ExitStatus& status);
  void onProbe(const std::string& name, ProbeId id, bool ready, const std::string& detail);
  void onImageFiles(const std::string& name, const std::string& ref,
                    std::vector<std::string> paths);
  void onImageBuilt(const std::string& name, OpId op, const std::string& ref,
                    ImageBuildResult result);
  void onDeployed(const std::string& name, OpId op, const std::string& image, std::string error);
  void onContainerState(const std::string& name, const ContainerState& state);

  // Actions.
  void startUpdate(Res& r);
  void finishUpdate(Res& r, std::string error);
  void startServe(Res& r);
  // Docker Compose resources (engine_docker.cc).
  void startDcUpdate(Res& r, const std::vector<std::string>& edits, const std::string& reason,
                     const std::set<std::string>& changed_images);
  bool tryLiveUpdate(Res& r, const std::vector<std::string>& edits,
                     const std::set<std::string>& changed_images);
  void liveUpdateStep(const std::string& name, std::size_t next);
  void startFullBuild(Res& r, bool all);
  void buildNext(Res& r);
  void deploy(Res& r);
  void watchService(Res& r);
  void removeContainer(Res& r);
  void updateDcRuntime(Res& r);
  void initialSync(Res& r);
  void stopRuntime(Res& r);
  void stopProcess(ProcessId id);
  void watchResource(Res& r);
  void watchImages(Res& r);
  void unwatchFiles(Res& r);
  void watchConfig(const std::vector<std::string>& files, const std::vector<std::string>& ignore);
  void markReady(Res& r);

  // The coalesced pass.
  void reconcileSoon();
  void reconcile();
  void schedule();
  void checkCi();
  void armCiTimeout(Duration total);
  void finishCi(CiOutcome outcome);

  // Output.
  void log(std::string_view resource, LogSource source, LogLevel level, std::string_view text);
  void changed(std::string_view resource);
  nlohmann::json resourceJson(const Res& r) const;
  nlohmann::json buildJson(const Build& b) const;

  Loop& loop_;
  Backends backends_;
  EngineOptions options_;
  LogStore log_;
  std::chrono::system_clock::time_point start_time_;

  std::unique_ptr<Res> tiltfile_;
  std::vector<std::unique_ptr<Res>> resources_;  // in the Tiltfile's order
  model::Settings settings_;
  bool loaded_once_ = false;   // a Tiltfile execution has succeeded
  bool loading_ = false;       // a Tiltfile execution is running
  bool reload_again_ = false;  // config files changed during the execution
  std::vector<std::string> reload_edits_;
  std::string tiltfile_error_;
  WatchId config_watch_ = 0;
  std::vector<std::string> config_files_;
  std::vector<std::string> config_ignore_;
  /// The user's enable/disable choices, by name; they outlive Tiltfile re-executions.
  std::map<std::string, bool, std::less<>> user_disabled_;
  /// Each image's last build, by Tiltfile ref: the ref it was built as and the definition it
  /// was built from (a changed definition rebuilds it).
  struct BuiltImage {
    std::string ref;
    std::string definition;
  };
  std::map<std::string, BuiltImage> built_images_;
  /// Images whose files changed since their last build.
  std::set<std::string> dirty_images_;
  /// The user's trigger-mode choices, by name; they outlive Tiltfile re-executions.
  std::map<std::string, model::TriggerMode, std::less<>> user_trigger_mode_;

  bool reconcile_posted_ = false;
  bool shutting_down_ = false;
  std::size_t live_processes_ = 0;
  std::function<void()> on_shutdown_done_;

  std::function<void(const CiOutcome&)> on_ci_done_;
  bool ci_done_ = false;
  bool ci_timeout_armed_ = false;
  TimePoint started_at_{};
  TimerId ci_timer_ = 0;
  TimerId readiness_timer_ = 0;

  SubscriptionId next_sub_ = 1;
  std::map<SubscriptionId, EngineListener> listeners_;
};

/// A duration as Go prints it (time.Duration.String): "30m0s", "1m30s", "5s", "1.5s", "200ms".
std::string goDuration(Duration d);

}  // namespace slant::engine
