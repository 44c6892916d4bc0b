// What the engine asks of the world, as interfaces. Each has a real implementation in its backend
// folder (exec/, watch/, docker/, the Tiltfile runner in cli/tiltfile_runner.h) and an in-memory
// fake that records what it was asked (engine/fake_backends.h). All callbacks run on the loop
// thread; a backend that does work on another thread posts its result through Loop::post.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/loop.h"
#include "model/project.h"

namespace slant::engine {

// ---------------------------------------------------------------------------------------------
// Processes

/// Which output stream of a process a line came from.
enum class OutputStream { kStdout, kStderr };

/// How a process ended.
struct ExitStatus {
  int exit_code = 0;    ///< the exit status, or -1 when a signal ended it or it never started
  int term_signal = 0;  ///< the signal that ended it, or 0
  /// Set when the process could not be started at all (executable missing, bad directory), in
  /// Go's os/exec wording: `exec: "foo": executable file not found in $PATH`.
  std::string start_error;
  /// Whether the process exited with status 0.
  bool ok() const { return start_error.empty() && exit_code == 0 && term_signal == 0; }
  /// "exit status 2", "signal: killed", or the start error.
  std::string text() const;
};

/// Identifies a started process; 0 is never valid.
using ProcessId = std::uint64_t;

/// What to run: the command (argv, absolute directory, extra environment added to slant's own).
struct ProcessSpec {
  model::Cmd cmd;
};

/// Callbacks of one process, run on the loop thread.
struct ProcessCallbacks {
  /// One line of output without its newline (a final unterminated line is delivered at exit).
  std::function<void(OutputStream stream, std::string_view line)> on_line;
  /// Called once, after the last on_line, when the process (its direct child) has exited or
  /// failed to start.
  std::function<void(const ExitStatus& status)> on_exit;
};

/// Starts and stops processes. Every process runs in its own process group; stopping sends
/// SIGTERM to the group, waits for the grace period, then sends SIGKILL. No process started here
/// outlives slant, even when slant is killed with SIGKILL.
class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  /// Starts a process. Never fails synchronously: a start failure arrives as on_exit with
  /// ExitStatus::start_error set.
  virtual ProcessId start(const ProcessSpec& spec, ProcessCallbacks callbacks) = 0;
  /// Stops a running process's group (SIGTERM, `grace`, SIGKILL); on_exit still fires. Does
  /// nothing for a process that has already exited.
  virtual void stop(ProcessId id, Duration grace) = 0;
};

// ---------------------------------------------------------------------------------------------
// Readiness probes

/// Identifies a running probe; 0 is never valid.
using ProbeId = std::uint64_t;

/// Runs readiness probes as Kubernetes does: wait initial_delay_secs, then every period_secs run
/// the action with timeout_secs; success_threshold consecutive successes make it ready,
/// failure_threshold consecutive failures make it not ready.
class Prober {
 public:
  virtual ~Prober() = default;
  /// Starts probing; `on_change` is called when readiness changes (first with the first result
  /// that crosses a threshold), with a one-line description of the last result ("HTTP GET
  /// http://localhost:8080/health: 503", "dial tcp 127.0.0.1:5432: connection refused").
  virtual ProbeId start(const model::Probe& probe,
                        std::function<void(bool ready, std::string detail)> on_change) = 0;
  /// Stops probing; no callback fires after it.
  virtual void stop(ProbeId id) = 0;
};

// ---------------------------------------------------------------------------------------------
// File watching

/// Identifies a watch; 0 is never valid.
using WatchId = std::uint64_t;

/// What to watch: paths (files or directories, watched recursively, which need not exist yet)
/// and the ignore patterns that apply to all of them (.dockerignore syntax, absolute, "!"
/// negation), besides the built-in ones (.git/, editor temporary files).
struct WatchSpec {
  std::vector<std::string> paths;
  std::vector<std::string> ignore;
};

/// Watches files and reports debounced batches of changed paths.
class FileWatcher {
 public:
  virtual ~FileWatcher() = default;
  /// Starts a watch. `on_batch` receives each batch of changed absolute paths (sorted, unique;
  /// created, modified or deleted), once `debounce` has passed without a new change (or the
  /// batch has been open for 10 s).
  virtual WatchId watch(const WatchSpec& spec, Duration debounce,
                        std::function<void(std::vector<std::string> paths)> on_batch) = 0;
  /// Stops a watch; no batch is delivered after it.
  virtual void unwatch(WatchId id) = 0;
  /// Sets where the problems of watches go, each as one line a user can act on (the inotify
  /// watch limit was reached, so some directories are not watched; the event queue overflowed,
  /// so every watched path is reported changed; a directory cannot be read; an ignore pattern is
  /// malformed and skipped). A watch keeps going as best it can after one. Until a handler is
  /// set, problems are dropped; a watcher that cannot fail need not override this.
  virtual void setErrorHandler(std::function<void(WatchId id, std::string message)> on_error) {}
};

// ---------------------------------------------------------------------------------------------
// Tiltfile execution

/// What a Tiltfile execution needs besides the file itself.
struct TiltfileRequest {
  std::string tiltfile;           ///< absolute path
  std::vector<std::string> args;  ///< after `--`
  std::string subcommand;         ///< up, ci, down
};

/// The outcome of one execution (tiltfile::LoadResult, without tiltfile/'s types).
struct TiltfileResult {
  model::Project project;
  std::optional<std::string> error;  ///< with the Starlark backtrace
};

/// Executes Tiltfiles away from the loop thread, one at a time.
class TiltfileRunner {
 public:
  virtual ~TiltfileRunner() = default;
  /// Starts an execution; `done` runs on the loop thread. `on_log` receives log lines as they
  /// are produced (on the loop thread). A new request while one runs is queued.
  virtual void run(TiltfileRequest request, std::function<void(std::string_view line)> on_log,
                   std::function<void(TiltfileResult result)> done) = 0;
};

// ---------------------------------------------------------------------------------------------
// Images

/// Identifies an operation of the Docker backends (an image build, a Compose command, a copy
/// into a container); 0 is never valid.
using OpId = std::uint64_t;

/// What to build: the image as the Tiltfile declared it, and the refs its dependencies were
/// built as.
struct ImageBuildRequest {
  model::ImageTarget target;
  /// For each of target.image_deps (a Tiltfile ref such as "base"), the ref it was built as
  /// ("base:tilt-0123456789abcdef"): a docker_build's Dockerfile `FROM base` / `COPY --from=base`
  /// are rewritten to it; a custom_build gets it through the image map variables.
  std::map<std::string, std::string> built_deps;
};

/// The outcome of an image build.
struct ImageBuildResult {
  /// The ref to deploy: `<ref>:tilt-<first 16 hex digits of the image ID>` (a custom_build
  /// with `tag=` is retagged so too, as Tilt does), so that an unchanged build keeps its ref.
  std::string ref;
  std::string image_id;  ///< "sha256:…"
  /// Empty on success; else what failed, for the resource's error ("the build failed at step
  /// 3/5 RUN make: exit code 2", "custom_build command \"x\" failed: exit status 1").
  std::string error;
};

/// Builds images (docker_build through the Docker engine, custom_build by running its command).
class ImageBuilder {
 public:
  virtual ~ImageBuilder() = default;
  /// Starts a build; its output goes line by line to `on_log`; `done` runs once at the end.
  /// Never fails synchronously.
  virtual OpId build(const ImageBuildRequest& request,
                     std::function<void(std::string_view line)> on_log,
                     std::function<void(ImageBuildResult result)> done) = 0;
  /// Abandons a running build: it stops (its connection closes, its process group is stopped)
  /// and `done` never fires. Does nothing for a finished one.
  virtual void cancel(OpId id) = 0;
};

// ---------------------------------------------------------------------------------------------
// Docker Compose

/// A Compose service's container as Docker reports it.
struct ContainerState {
  std::string container_id;  ///< empty: the service has no container
  /// Docker's State.Status: "created", "running", "paused", "restarting", "removing",
  /// "exited", "dead"; empty when there is no container.
  std::string status;
  int exit_code = 0;
  std::string error;  ///< Docker's State.Error
  bool oom_killed = false;
  /// The healthcheck's verdict: "" (no healthcheck), "starting", "healthy", "unhealthy".
  std::string health;
  std::string health_output;  ///< the output of the last healthcheck run, trimmed
  std::chrono::system_clock::time_point started_at{};
  std::vector<int> published_ports;  ///< host ports bound on the container's behalf
  bool operator==(const ContainerState&) const = default;
};

/// How a Compose service is brought up.
struct ComposeUpRequest {
  model::DcTarget target;
  /// The image ref to run instead of the one the service's definition names (slant built it),
  /// or empty to run the service as written.
  std::string image;
  /// Let Compose build the service's own `build:` section first (no docker_build makes it).
  bool build = false;
};

/// Runs Docker Compose services through `docker compose` (or `docker-compose`) and follows their
/// containers.
class ComposeRunner {
 public:
  virtual ~ComposeRunner() = default;
  /// Creates or recreates the service's container and starts it, without its dependencies
  /// (`up -d --no-deps`). Output lines go to `on_log`; `done` gets "" or the error.
  virtual OpId up(const ComposeUpRequest& request, std::function<void(std::string_view)> on_log,
                  std::function<void(std::string error)> done) = 0;
  /// Stops and removes the service's container (`rm --stop --force`).
  virtual OpId rm(const model::DcTarget& target, std::function<void(std::string_view)> on_log,
                  std::function<void(std::string error)> done) = 0;
  /// Removes the project of `target` (`down`): its containers and networks, and its volumes
  /// when `volumes` is set.
  virtual OpId down(const model::DcTarget& target, bool volumes,
                    std::function<void(std::string_view)> on_log,
                    std::function<void(std::string error)> done) = 0;
  /// Follows the service's container until unwatched: `on_state` on every change (first with
  /// the current state, an empty one when there is no container), `on_log` for every line it
  /// prints, following a recreated container too.
  virtual WatchId watchService(const model::DcTarget& target,
                               std::function<void(const ContainerState&)> on_state,
                               std::function<void(std::string_view line)> on_log) = 0;
  /// Stops following; no callback fires after it.
  virtual void unwatchService(WatchId id) = 0;
};

// ---------------------------------------------------------------------------------------------
// Live update

/// A local file or directory to copy into a container (directories recursively).
struct FileCopy {
  std::string local;   ///< absolute
  std::string remote;  ///< absolute, in the container
};

/// Changes files and runs commands in a running container (a Docker container here; a
/// Kubernetes container through the same interface later).
class ContainerUpdater {
 public:
  virtual ~ContainerUpdater() = default;
  /// Deletes `deletes` (rm -rf), then copies `copies` as one tar stream; directories are walked
  /// skipping what `ignore` (absolute .dockerignore patterns) excludes. `done` gets "" or the
  /// error.
  virtual OpId copy(const std::string& container, std::vector<FileCopy> copies,
                    std::vector<std::string> deletes, std::vector<std::string> ignore,
                    std::function<void(std::string error)> done) = 0;
  /// Runs `argv` in the container; its output goes to `on_line`; `done` gets how it ended
  /// (start_error set when it could not run at all).
  virtual OpId exec(const std::string& container, std::vector<std::string> argv,
                    std::function<void(std::string_view line)> on_line,
                    std::function<void(const ExitStatus& status)> done) = 0;
  /// Restarts the container; `done` gets "" or the error.
  virtual OpId restart(const std::string& container,
                       std::function<void(std::string error)> done) = 0;
};

}  // namespace slant::engine
