// What the engine asks of the world, as interfaces. Each has a real implementation in its backend
// folder (exec/, watch/, tiltfile runner in engine/tiltfile_runner.h) and an in-memory fake that
// records what it was asked (engine/fakes.h). All callbacks run on the loop thread; a backend
// that does work on another thread posts its result through Loop::post.
#pragma once

#include <cstdint>
#include <functional>
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

}  // namespace slant::engine
