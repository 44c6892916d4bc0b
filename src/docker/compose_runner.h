// The real ComposeRunner: Docker Compose services driven through the Compose CLI, and their
// containers followed through the Docker CLI, every command a process of the engine's
// ProcessRunner so that nothing blocks the loop.
//
// Commands. The CLI is found once, lazily and asynchronously, as Tilt does: `docker compose
// version` (the v2 plugin), else `docker-compose version` (v1); TILT_DOCKER_COMPOSE_CMD or
// ComposeOptions::command override it. Operations that queue while it is being found run after.
// Every invocation names the project the way Tilt's does (`--project-name --project-directory
// [--env-file] -f... [--profile]...`), and the commands are Tilt's: `[build SVC]` then `up
// --no-deps --remove-orphans --no-build -d [--wait] SVC`, `rm --stop --force SVC`, `down
// --remove-orphans [--volumes]`. Like Tilt, `up`, `rm` and `down` run one at a time (Compose's
// network creation is not safe to run concurrently); `build` runs beside them.
//
// Image injection. When slant built the image a service runs, `up` adds one more `-f`: an
// override file holding only `services: {SVC: {image: REF}}`, written under
// ${XDG_CACHE_HOME:-~/.cache}/slant/compose/<project>/ and deleted when `up` ends. Compose merges
// it after the user's files, so every relative path of those files (build contexts, bind mounts,
// env files) resolves exactly as before, and `--no-build` keeps Compose from building the
// service's own `build:` section. (Tilt instead tags the built image as the name Compose
// expects; an override leaves the user's own image names alone.)
//
// Following a service. One `docker events` process per project (shared by all the watched
// services of that project, demultiplexed by the com.docker.compose.service label) reports the
// container events that can change what the engine sees (create, start, restart, die, destroy,
// pause, unpause, oom, health_status). A watched service tracks its current container: the one
// most recently created for it, or, at start, the newest one `docker ps -a` lists for its
// labels. Each event of the current container is followed by one `docker inspect` (at most one
// in flight per service; events arriving meanwhile cause one more), and the resulting
// ContainerState is reported only when it differs from the last one. The destruction of the
// current container reports the empty state. The events process starts with `--since` a moment
// before the initial lookup, so nothing between the two is lost; if it ends (dockerd restarted),
// it is restarted with a growing delay, replaying from the last event it delivered, and every
// service is looked up again.
//
// Logs. Each run of a container (a distinct State.StartedAt) gets one `docker logs --follow
// --timestamps --since T CONTAINER`, which Docker ends when the container stops. T is a second
// before the run started for the first run seen of a container (Docker may stamp the first lines
// before it records StartedAt; Tilt pads the same way), and the time of the last line delivered
// for a later run of the same container: lines at or before that time are dropped, so a restart
// never repeats a line. A recreated container is a new id, whose logs are all new.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "docker/compose_parse.h"
#include "engine/backends.h"
#include "engine/loop.h"

namespace slant::docker {

/// How a CliComposeRunner finds its tools and where it writes.
struct ComposeOptions {
  /// The Compose command to run instead of detecting one (e.g. {"docker-compose"}); empty: use
  /// TILT_DOCKER_COMPOSE_CMD when set, else `docker compose` when it answers, else
  /// `docker-compose`.
  std::vector<std::string> command;
  /// The docker CLI (for events, ps, inspect, logs).
  std::string docker = "docker";
  /// Where image-override files go; empty: ${XDG_CACHE_HOME:-$HOME/.cache}/slant/compose.
  std::string cache_dir;
  /// Added to the environment of every command (DOCKER_HOST and the like).
  std::vector<std::pair<std::string, std::string>> env;
  /// How long a stopped command may take to exit after SIGTERM before SIGKILL.
  engine::Duration stop_grace = std::chrono::seconds(2);
};

/// Runs Compose services and follows their containers through the Compose and Docker CLIs.
/// Use it on the loop thread only; destroy it before the ProcessRunner.
class CliComposeRunner final : public engine::ComposeRunner {
 public:
  /// A runner whose commands run through `processes` and whose timers run on `loop`.
  CliComposeRunner(engine::Loop& loop, engine::ProcessRunner& processes,
                   ComposeOptions options = {});
  /// Stops every command it started (no callback fires after) and deletes its override files.
  ~CliComposeRunner() override;

  CliComposeRunner(const CliComposeRunner&) = delete;
  CliComposeRunner& operator=(const CliComposeRunner&) = delete;

  /// Builds the service first when `request.build`, then `up`s it with the injected image, if
  /// any; `done` gets "" or the error with the last lines Compose printed.
  engine::OpId up(const engine::ComposeUpRequest& request,
                  std::function<void(std::string_view)> on_log,
                  std::function<void(std::string error)> done) override;
  /// `rm --stop --force` of the service; `done` gets "" or the error.
  engine::OpId rm(const model::DcTarget& target, std::function<void(std::string_view)> on_log,
                  std::function<void(std::string error)> done) override;
  /// `down --remove-orphans [--volumes]` of the project; `done` gets "" or the error.
  engine::OpId down(const model::DcTarget& target, bool volumes,
                    std::function<void(std::string_view)> on_log,
                    std::function<void(std::string error)> done) override;
  /// Follows the service's container (see the file comment); problems (the docker CLI missing,
  /// docker events ending) go to `on_log` as lines.
  engine::WatchId watchService(const model::DcTarget& target,
                               std::function<void(const engine::ContainerState&)> on_state,
                               std::function<void(std::string_view line)> on_log) override;
  /// Stops following; stops the project's events process with its last watcher.
  void unwatchService(engine::WatchId id) override;

  /// The Compose command in use ({"docker", "compose"} or {"docker-compose"}); empty until it
  /// has been found (or when it could not be).
  const std::vector<std::string>& composeCommand() const { return compose_cmd_; }
  /// The version of the Compose command in use ("1.29.2"); empty until it has been found.
  const std::string& composeVersion() const { return compose_version_; }
  /// The directory override files are written to.
  const std::string& cacheDir() const { return options_.cache_dir; }
  /// How many commands this runner has running (for tests: none after unwatch and done).
  std::size_t runningCommands() const { return running_.size(); }

 private:
  struct CommandResult {
    engine::ExitStatus status;
    std::string stdout_text;  ///< only when captured
    OutputTail tail;          ///< the last lines of stderr and stdout together
  };
  using LineFn = std::function<void(engine::OutputStream, std::string_view)>;
  using ResultFn = std::function<void(CommandResult&)>;

  struct Op;
  struct Watcher;
  struct ProjectEvents;
  using OpPtr = std::shared_ptr<Op>;

  engine::ProcessId runCommand(std::vector<std::string> argv, LineFn on_line, bool capture_stdout,
                               ResultFn done);
  void stopCommand(engine::ProcessId& id);

  // Finding the Compose CLI.
  void withCompose(std::function<void(const std::string& error)> then);
  void detect(std::size_t candidate);
  void detected(std::string error);

  // Operations.
  engine::OpId startOp(const model::DcTarget& target, std::function<void(std::string_view)> on_log,
                       std::function<void(std::string error)> done,
                       std::function<void(const OpPtr&)> body);
  void runCompose(const OpPtr& op, std::vector<std::string> args, std::string what,
                  std::function<void(const OpPtr&)> next);
  void finishOp(const OpPtr& op, std::string error);
  void enqueueSerial(const OpPtr& op, std::function<void(const OpPtr&)> body);
  void releaseSerial();
  std::vector<std::string> composeArgv(const std::vector<std::string>& args) const;
  std::string writeOverride(const OpPtr& op, const engine::ComposeUpRequest& request,
                            std::string& error);

  // Following services.
  Watcher* findWatcher(engine::WatchId id);
  void startEvents(ProjectEvents& events);
  void onEventsLine(const std::string& project, std::string_view line);
  void onEventsExit(const std::string& project, CommandResult& result);
  void lookup(engine::WatchId id);
  void onEvent(engine::WatchId id, const ContainerEvent& event);
  void inspect(engine::WatchId id);
  void report(engine::WatchId id, const engine::ContainerState& state);
  void followLogs(engine::WatchId id, const std::string& container);
  void log(engine::WatchId id, std::string_view line);

  engine::Loop& loop_;
  engine::ProcessRunner& processes_;
  ComposeOptions options_;
  std::shared_ptr<char> alive_ = std::make_shared<char>(0);
  std::set<engine::ProcessId> running_;

  enum class Detection { kNotStarted, kRunning, kDone };
  Detection detection_ = Detection::kNotStarted;
  std::vector<std::vector<std::string>> candidates_;
  std::vector<std::string> compose_cmd_;
  std::string compose_version_;
  std::string detect_error_;
  std::vector<std::function<void(const std::string&)>> waiting_for_compose_;

  engine::OpId next_op_ = 1;
  std::map<engine::OpId, OpPtr> ops_;
  bool serial_busy_ = false;
  std::vector<std::pair<OpPtr, std::function<void(const OpPtr&)>>> serial_queue_;

  engine::WatchId next_watch_ = 1;
  std::map<engine::WatchId, std::unique_ptr<Watcher>> watchers_;
  std::map<std::string, std::unique_ptr<ProjectEvents>> events_;  // by project name
};

}  // namespace slant::docker
