// The real ProcessRunner: local processes on the engine's Asio loop, each supervised so that it
// cannot outlive slant (exec/supervisor.h tells how), with their output read line by line
// through pipes and their exit noticed through a pidfd, never by blocking or by waitpid(-1).
//
// One start() costs, on the loop thread: a $PATH lookup (a few stat calls, as Go's
// exec.LookPath), the environment's copy, two pipes and a socket pair, and one clone() of a
// supervisor that shares slant's memory (no page tables copied); the supervisor then starts the
// command with clone(CLONE_VM | CLONE_VFORK) + execve, as posix_spawn does. Everything after is
// asynchronous: messages on the control socket say "started" (with the command's pid, which is
// also its process group), "failed" (chdir or execve's errno, turned into Go's wording), and
// "exited" (its wait status). on_exit fires once the supervisor has been reaped and stdout and
// stderr have reached end-of-file; or, if a descendant that left the process group still holds
// them, once RunnerOptions::drain has passed (whatever is already in the pipes is still
// delivered first).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/asio_loop.h"
#include "engine/backends.h"

namespace slant::exec {

/// How a LocalProcessRunner behaves beyond what each process asks for.
struct RunnerOptions {
  /// How long stdout and stderr may stay open after the command has exited (a descendant that
  /// escaped its process group with setsid may hold them) before they are closed anyway.
  engine::Duration drain = std::chrono::milliseconds(500);
};

/// Looks `file` (a name without '/') up in the directories of `path_env` as Go's exec.LookPath
/// does: the first regular file there that we may execute. Returns its path, or Go's error text:
/// `exec: "foo": executable file not found in $PATH`, or `... cannot run executable found
/// relative to current directory` when only a relative $PATH entry has it.
std::expected<std::string, std::string> lookPath(std::string_view file, std::string_view path_env);

/// Runs processes on an AsioLoop. Each runs `cmd.argv` (argv[0] looked up in slant's $PATH when
/// it has no '/'), in `cmd.dir` (slant's own directory when empty), with slant's environment plus
/// `cmd.env` (later entries win), stdin from /dev/null, in a session and process group of its
/// own. Use it on the loop thread only; destroy it before the loop.
class LocalProcessRunner final : public engine::ProcessRunner {
 public:
  /// A runner on `loop`. Raises slant's soft limit of open files to the hard limit (each process
  /// costs four descriptors; children get the original limit back). Aborts with a message if
  /// /dev/null cannot be opened.
  explicit LocalProcessRunner(engine::AsioLoop& loop, RunnerOptions options = {});
  /// Kills every process group still running (SIGKILL through its supervisor) and waits up to
  /// a second for the supervisors to exit; no callback fires after it starts.
  ~LocalProcessRunner() override;

  LocalProcessRunner(const LocalProcessRunner&) = delete;
  LocalProcessRunner& operator=(const LocalProcessRunner&) = delete;

  /// Starts a process; a start failure arrives later as on_exit with start_error set. Callbacks
  /// may be empty. Never calls a callback before returning.
  engine::ProcessId start(const engine::ProcessSpec& spec,
                          engine::ProcessCallbacks callbacks) override;
  /// Sends SIGTERM to the process's group, and SIGKILL after `grace` (at once when `grace` <= 0)
  /// unless it has exited by then. A second stop() can only shorten the grace. Does nothing for
  /// an unknown or finished process.
  void stop(engine::ProcessId id, engine::Duration grace) override;

  /// Stops every process as stop() does and calls `done` (on the loop, never from inside this
  /// call) once all of them have reported on_exit. A process started before that is stopped at
  /// once with the same grace, and waited for too.
  void stopAll(engine::Duration grace, std::function<void()> done);

  /// The process group of a running process (the pid of its direct child); 0 while it is still
  /// starting, after it failed to start, and for an unknown or finished process.
  pid_t processGroup(engine::ProcessId id) const;
  /// How many processes have not reported on_exit yet.
  std::size_t running() const { return processes_.size(); }

 private:
  struct Process;
  using ProcessPtr = std::shared_ptr<Process>;

  void fail(const ProcessPtr& p, std::string error);
  void waitOutput(const ProcessPtr& p, int stream);
  void readOutput(const ProcessPtr& p, int stream);
  void readStatus(const ProcessPtr& p);
  void onStatus(const ProcessPtr& p);
  void waitSupervisor(const ProcessPtr& p);
  void reapSupervisor(const ProcessPtr& p);
  void sendControl(Process& p, char command);
  void maybeFinish(const ProcessPtr& p);
  void finish(const ProcessPtr& p);

  engine::AsioLoop& loop_;
  RunnerOptions options_;
  int dev_null_ = -1;
  struct {
    bool restore = false;
    std::uint64_t soft = 0;
    std::uint64_t hard = 0;
  } open_files_;
  std::vector<char> read_buffer_;  // shared by every process's stdout and stderr
  engine::ProcessId next_id_ = 1;
  std::unordered_map<engine::ProcessId, ProcessPtr> processes_;
  std::function<void()> all_stopped_;
  bool stopping_all_ = false;
  engine::Duration stop_all_grace_{};
};

}  // namespace slant::exec
