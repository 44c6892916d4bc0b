#include "docker/compose_runner.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "engine/text.h"

namespace slant::docker {

using engine::shortId;

namespace fs = std::filesystem;
using engine::ExitStatus;
using engine::OutputStream;
using engine::ProcessId;

namespace {

constexpr std::string_view kEventActions[] = {
    "create", "start", "restart", "die", "destroy", "pause", "unpause", "oom", "health_status"};
constexpr engine::Duration kFirstEventsRetry = std::chrono::seconds(1);
constexpr engine::Duration kMaxEventsRetry = std::chrono::seconds(30);

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

std::string defaultCacheDir() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  if (xdg != nullptr && xdg[0] == '/') return std::string(xdg) + "/slant/compose";
  const char* home = std::getenv("HOME");
  if (home != nullptr && home[0] != '\0') return std::string(home) + "/.cache/slant/compose";
  return (fs::temp_directory_path() / "slant-compose").string();
}

// The first line of a text, for one-line summaries of longer output.
std::string firstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

}  // namespace

// One up/rm/down: its callbacks and what it must clean up.
struct CliComposeRunner::Op {
  engine::OpId id = 0;
  model::DcTarget target;
  std::function<void(std::string_view)> on_log;
  std::function<void(std::string error)> done;
  ProcessId process = 0;
  std::string override_path;  // the image-override file while `up` runs
  bool holds_serial = false;  // whether it is the one up/rm/down running
  bool finished = false;
  // Lines that Compose prints that only confuse (Tilt drops the same one).
  bool drop_going_to_remove = false;
};

// What a watcher knows of one container's logs.
struct LogCursor {
  ProcessId process = 0;                              // the running `docker logs`, or 0
  bool followed = false;                              // whether a follower ever ran
  std::chrono::system_clock::time_point covered{};    // StartedAt of the run it followed
  std::chrono::system_clock::time_point latest{};     // StartedAt the last inspect saw
  std::chrono::system_clock::time_point last_line{};  // the newest line delivered
  bool has_line = false;
  std::chrono::system_clock::time_point skip_until{};  // drop lines at or before this
  bool skipping = false;
  OutputTail errors{3};  // what the docker CLI itself said
};

// One watchService.
struct CliComposeRunner::Watcher {
  engine::WatchId id = 0;
  model::DcTarget target;
  std::shared_ptr<std::function<void(const engine::ContainerState&)>> on_state;
  std::shared_ptr<std::function<void(std::string_view)>> on_log;
  std::string current;  // the id of the service's container, or empty
  bool reported = false;
  engine::ContainerState last;
  ProcessId lookup_process = 0;
  bool event_since_lookup = false;
  ProcessId inspect_process = 0;
  std::string inspecting;
  bool inspect_again = false;
  std::map<std::string, LogCursor> logs;  // by container id
};

// The `docker events` process of one project, shared by its watchers.
struct CliComposeRunner::ProjectEvents {
  std::string project;
  ProcessId process = 0;
  int watchers = 0;
  engine::TimerId retry_timer = 0;
  engine::Duration retry_delay = kFirstEventsRetry;
  std::chrono::system_clock::time_point since{};  // replay from here on (re)start
  std::string last_problem;                       // so that a retrying failure logs once
};

CliComposeRunner::CliComposeRunner(engine::Loop& loop, engine::ProcessRunner& processes,
                                   ComposeOptions options)
    : loop_(loop), processes_(processes), options_(std::move(options)) {
  if (options_.cache_dir.empty()) options_.cache_dir = defaultCacheDir();
}

CliComposeRunner::~CliComposeRunner() {
  alive_.reset();  // every callback of ours that still fires returns at once
  std::set<ProcessId> running = std::move(running_);
  running_.clear();
  for (ProcessId id : running) processes_.stop(id, engine::Duration::zero());
  for (auto& [id, events] : events_) {
    if (events->retry_timer != 0) loop_.cancel(events->retry_timer);
  }
  for (auto& [id, op] : ops_) {
    std::error_code ec;
    if (!op->override_path.empty()) fs::remove(op->override_path, ec);
  }
}

// ---------------------------------------------------------------------------------------------
// Commands

ProcessId CliComposeRunner::runCommand(std::vector<std::string> argv, LineFn on_line,
                                       bool capture_stdout, ResultFn done) {
  engine::ProcessSpec spec;
  spec.cmd.argv = std::move(argv);
  spec.cmd.env = options_.env;
  auto result = std::make_shared<CommandResult>();
  auto id = std::make_shared<ProcessId>(0);
  std::weak_ptr<char> alive = alive_;
  engine::ProcessCallbacks callbacks;
  callbacks.on_line = [this, alive, result, id, capture_stdout, on_line = std::move(on_line)](
                          OutputStream stream, std::string_view line) {
    if (alive.expired() || !running_.contains(*id)) return;
    if (capture_stdout && stream == OutputStream::kStdout) {
      result->stdout_text.append(line);
      result->stdout_text += '\n';
    }
    result->tail.add(line);
    if (on_line) on_line(stream, line);
  };
  callbacks.on_exit = [this, alive, result, id, done = std::move(done)](const ExitStatus& status) {
    if (alive.expired() || running_.erase(*id) == 0) return;  // stopped by us: no callback
    result->status = status;
    if (done) done(*result);
  };
  *id = processes_.start(spec, std::move(callbacks));
  running_.insert(*id);
  return *id;
}

void CliComposeRunner::stopCommand(ProcessId& id) {
  if (id == 0) return;
  ProcessId stopping = id;
  id = 0;
  if (running_.erase(stopping) != 0) processes_.stop(stopping, options_.stop_grace);
}

// ---------------------------------------------------------------------------------------------
// Finding the Compose CLI

void CliComposeRunner::withCompose(std::function<void(const std::string& error)> then) {
  if (detection_ == Detection::kDone) {
    std::weak_ptr<char> alive = alive_;
    loop_.post([this, alive, then = std::move(then)] {
      if (!alive.expired()) then(detect_error_);
    });
    return;
  }
  waiting_for_compose_.push_back(std::move(then));
  if (detection_ == Detection::kRunning) return;
  detection_ = Detection::kRunning;
  if (!options_.command.empty()) {
    candidates_ = {options_.command};
  } else if (const char* env = std::getenv("TILT_DOCKER_COMPOSE_CMD"); env && env[0] != '\0') {
    candidates_ = {{env}};
  } else {
    candidates_ = {{options_.docker, "compose"}, {"docker-compose"}};
  }
  detect(0);
}

void CliComposeRunner::detect(std::size_t candidate) {
  std::vector<std::string> argv = candidates_[candidate];
  argv.push_back("version");
  runCommand(argv, nullptr, /*capture_stdout=*/true, [this, candidate](CommandResult& r) {
    const std::vector<std::string>& cmd = candidates_[candidate];
    std::string problem;
    if (r.status.ok()) {
      auto version = parseComposeVersion(r.stdout_text);
      if (version) {
        compose_cmd_ = cmd;
        compose_version_ = *version;
        detected("");
        return;
      }
      problem = "`" + joined(cmd) + " version`: " + version.error();
    } else if (!r.status.start_error.empty()) {
      problem = r.status.start_error;
    } else {
      problem = "`" + joined(cmd) + " version` failed: " + r.status.text();
      if (!r.tail.empty()) problem += ": " + firstLine(r.tail.text());
    }
    if (candidate + 1 < candidates_.size()) {
      detect(candidate + 1);
      return;
    }
    std::string error;
    if (candidates_.size() == 1) {
      error = "docker compose command " + joined(cmd) + " does not work: " + problem;
    } else if (!r.status.start_error.empty()) {
      error =
          "docker-compose not found, and `docker compose` is not available either: install "
          "Docker Compose (the docker-compose-plugin package for `docker compose`, or Debian's "
          "docker-compose: apt-get install docker-compose), or name the command in "
          "TILT_DOCKER_COMPOSE_CMD";
    } else {
      error = "docker-compose does not work (and `docker compose` is not available): " + problem;
    }
    detected(std::move(error));
  });
}

void CliComposeRunner::detected(std::string error) {
  detection_ = Detection::kDone;
  detect_error_ = std::move(error);
  auto waiting = std::move(waiting_for_compose_);
  waiting_for_compose_.clear();
  for (auto& then : waiting) then(detect_error_);
}

// ---------------------------------------------------------------------------------------------
// up, rm, down

std::vector<std::string> CliComposeRunner::composeArgv(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = compose_cmd_;
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

engine::OpId CliComposeRunner::startOp(const model::DcTarget& target,
                                       std::function<void(std::string_view)> on_log,
                                       std::function<void(std::string error)> done,
                                       std::function<void(const OpPtr&)> body) {
  auto op = std::make_shared<Op>();
  op->id = next_op_++;
  op->target = target;
  op->on_log = std::move(on_log);
  op->done = std::move(done);
  ops_[op->id] = op;
  withCompose([this, op, body = std::move(body)](const std::string& error) {
    if (op->finished) return;
    if (!error.empty()) return finishOp(op, error);
    std::error_code ec;
    for (const std::string& f : op->target.config_paths) {
      if (!fs::exists(f, ec)) return finishOp(op, "compose file \"" + f + "\" not found");
    }
    if (!op->target.env_file.empty() && !fs::exists(op->target.env_file, ec)) {
      return finishOp(op, "env file \"" + op->target.env_file + "\" not found");
    }
    body(op);
  });
  return op->id;
}

void CliComposeRunner::runCompose(const OpPtr& op, std::vector<std::string> args, std::string what,
                                  std::function<void(const OpPtr&)> next) {
  std::vector<std::string> extra;
  if (!op->override_path.empty()) extra.push_back(op->override_path);
  std::vector<std::string> argv = composeProjectArgs(op->target, extra);
  argv.insert(argv.end(), args.begin(), args.end());
  argv = composeArgv(argv);
  std::string name = joined(compose_cmd_) + " " + what;
  op->process = runCommand(
      std::move(argv),
      [op](OutputStream, std::string_view line) {
        if (op->drop_going_to_remove && line.starts_with("Going to remove")) return;
        if (op->on_log && !op->finished) op->on_log(line);
      },
      /*capture_stdout=*/false,
      [this, op, name, next = std::move(next)](CommandResult& r) {
        op->process = 0;
        if (op->finished) return;
        if (r.status.ok()) return next(op);
        std::string error = name + " failed: " + r.status.text();
        if (!r.tail.empty()) error += "\n" + r.tail.text();
        finishOp(op, std::move(error));
      });
}

void CliComposeRunner::finishOp(const OpPtr& op, std::string error) {
  if (op->finished) return;
  op->finished = true;
  if (!op->override_path.empty()) {
    std::error_code ec;
    fs::path path = op->override_path;
    fs::remove(path, ec);
    fs::remove(path.parent_path(), ec);  // only when empty: other ups may be writing there
    op->override_path.clear();
  }
  ops_.erase(op->id);
  if (op->holds_serial) {
    op->holds_serial = false;
    releaseSerial();
  }
  if (op->done) op->done(std::move(error));
}

void CliComposeRunner::enqueueSerial(const OpPtr& op, std::function<void(const OpPtr&)> body) {
  if (serial_busy_) {
    serial_queue_.emplace_back(op, std::move(body));
    return;
  }
  serial_busy_ = true;
  op->holds_serial = true;
  body(op);
}

void CliComposeRunner::releaseSerial() {
  serial_busy_ = false;
  while (!serial_queue_.empty()) {
    auto [op, body] = std::move(serial_queue_.front());
    serial_queue_.erase(serial_queue_.begin());
    if (op->finished) continue;
    serial_busy_ = true;
    op->holds_serial = true;
    body(op);
    return;
  }
}

std::string CliComposeRunner::writeOverride(const OpPtr& op,
                                            const engine::ComposeUpRequest& request,
                                            std::string& error) {
  std::string project = request.target.project.empty() ? "default" : request.target.project;
  fs::path dir = fs::path(options_.cache_dir) / project;
  fs::path path = dir / (request.target.service + "-" + std::to_string(::getpid()) + "-" +
                         std::to_string(op->id) + ".yml");
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    error = "cannot create " + dir.string() + " for the image override file: " + ec.message();
    return {};
  }
  std::ofstream out(path, std::ios::trunc);
  out << imageOverrideFile(request.target.service, request.image);
  out.close();
  if (!out) {
    error = "cannot write the image override file " + path.string();
    fs::remove(path, ec);
    return {};
  }
  return path.string();
}

engine::OpId CliComposeRunner::up(const engine::ComposeUpRequest& request,
                                  std::function<void(std::string_view)> on_log,
                                  std::function<void(std::string error)> done) {
  return startOp(
      request.target, std::move(on_log), std::move(done), [this, request](const OpPtr& op) {
        const std::string& service = request.target.service;
        auto up = [this, request, service](const OpPtr& op) {
          enqueueSerial(op, [this, request, service](const OpPtr& op) {
            if (!request.image.empty()) {
              std::string error;
              op->override_path = writeOverride(op, request, error);
              if (!error.empty()) return finishOp(op, error);
            }
            std::vector<std::string> args = {"up", "--no-deps", "--remove-orphans", "--no-build",
                                             "-d"};
            if (request.target.wait) {
              if (composeMajorVersion(compose_version_) >= 2) {
                args.push_back("--wait");
              } else if (op->on_log) {
                op->on_log("docker-compose " + compose_version_ +
                           " has no `up --wait`: not waiting for " + service + " to be healthy");
              }
            }
            args.push_back(service);
            runCompose(op, std::move(args), "up " + service,
                       [this](const OpPtr& op) { finishOp(op, ""); });
          });
        };
        if (request.build) {
          runCompose(op, {"build", service}, "build " + service, up);
        } else {
          up(op);
        }
      });
}

engine::OpId CliComposeRunner::rm(const model::DcTarget& target,
                                  std::function<void(std::string_view)> on_log,
                                  std::function<void(std::string error)> done) {
  return startOp(target, std::move(on_log), std::move(done), [this](const OpPtr& op) {
    enqueueSerial(op, [this](const OpPtr& op) {
      op->drop_going_to_remove = true;
      runCompose(op, {"rm", "--stop", "--force", op->target.service}, "rm " + op->target.service,
                 [this](const OpPtr& op) { finishOp(op, ""); });
    });
  });
}

engine::OpId CliComposeRunner::down(const model::DcTarget& target, bool volumes,
                                    std::function<void(std::string_view)> on_log,
                                    std::function<void(std::string error)> done) {
  return startOp(target, std::move(on_log), std::move(done), [this, volumes](const OpPtr& op) {
    enqueueSerial(op, [this, volumes](const OpPtr& op) {
      std::vector<std::string> args = {"down", "--remove-orphans"};
      if (volumes) args.push_back("--volumes");
      runCompose(op, std::move(args), "down", [this](const OpPtr& op) { finishOp(op, ""); });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Following services

CliComposeRunner::Watcher* CliComposeRunner::findWatcher(engine::WatchId id) {
  auto it = watchers_.find(id);
  return it == watchers_.end() ? nullptr : it->second.get();
}

engine::WatchId CliComposeRunner::watchService(
    const model::DcTarget& target, std::function<void(const engine::ContainerState&)> on_state,
    std::function<void(std::string_view line)> on_log) {
  auto w = std::make_unique<Watcher>();
  w->id = next_watch_++;
  w->target = target;
  w->on_state =
      std::make_shared<std::function<void(const engine::ContainerState&)>>(std::move(on_state));
  w->on_log = std::make_shared<std::function<void(std::string_view)>>(std::move(on_log));
  engine::WatchId id = w->id;
  watchers_[id] = std::move(w);

  auto& events = events_[target.project];
  if (!events) {
    events = std::make_unique<ProjectEvents>();
    events->project = target.project;
    // A second back, so that the events of a container created while the lookup runs (or just
    // before it) are replayed rather than lost.
    events->since = loop_.wallNow() - std::chrono::seconds(1);
    startEvents(*events);
  }
  ++events->watchers;
  lookup(id);
  return id;
}

void CliComposeRunner::unwatchService(engine::WatchId id) {
  auto it = watchers_.find(id);
  if (it == watchers_.end()) return;
  std::unique_ptr<Watcher> w = std::move(it->second);
  watchers_.erase(it);
  stopCommand(w->lookup_process);
  stopCommand(w->inspect_process);
  for (auto& [container, cursor] : w->logs) stopCommand(cursor.process);
  auto ev = events_.find(w->target.project);
  if (ev == events_.end()) return;
  if (--ev->second->watchers > 0) return;
  stopCommand(ev->second->process);
  if (ev->second->retry_timer != 0) loop_.cancel(ev->second->retry_timer);
  events_.erase(ev);
}

void CliComposeRunner::startEvents(ProjectEvents& events) {
  std::vector<std::string> argv = {
      options_.docker, "events",
      "--format",      "{{json .}}",
      "--since",       formatDockerSince(events.since),
      "--filter",      "type=container",
      "--filter",      "label=" + std::string(kProjectLabel) + "=" + events.project,
      "--filter",      "label=" + std::string(kOneoffLabel) + "=False"};
  for (std::string_view action : kEventActions) {
    argv.push_back("--filter");
    argv.push_back("event=" + std::string(action));
  }
  std::string project = events.project;
  events.process = runCommand(
      std::move(argv),
      [this, project](OutputStream stream, std::string_view line) {
        if (stream == OutputStream::kStdout) onEventsLine(project, line);
      },
      /*capture_stdout=*/false, [this, project](CommandResult& r) { onEventsExit(project, r); });
}

void CliComposeRunner::onEventsLine(const std::string& project, std::string_view line) {
  auto ev = events_.find(project);
  if (ev == events_.end()) return;
  ev->second->retry_delay = kFirstEventsRetry;
  ev->second->last_problem.clear();
  std::optional<ContainerEvent> event = parseContainerEvent(line);
  if (!event || event->project != project) return;
  if (event->time > ev->second->since) ev->second->since = event->time;
  std::vector<engine::WatchId> ids;
  for (const auto& [id, w] : watchers_) {
    if (w->target.project == project && w->target.service == event->service) ids.push_back(id);
  }
  for (engine::WatchId id : ids) onEvent(id, *event);
}

void CliComposeRunner::onEventsExit(const std::string& project, CommandResult& r) {
  auto ev = events_.find(project);
  if (ev == events_.end()) return;
  ProjectEvents& events = *ev->second;
  events.process = 0;
  std::string problem = r.status.text();
  if (!r.tail.empty()) problem += ": " + firstLine(r.tail.text());
  engine::Duration delay = events.retry_delay;
  events.retry_delay = std::min(events.retry_delay * 2, kMaxEventsRetry);
  std::weak_ptr<char> alive = alive_;
  events.retry_timer = loop_.runAfter(delay, [this, alive, project] {
    if (alive.expired()) return;
    auto ev = events_.find(project);
    if (ev == events_.end()) return;
    ev->second->retry_timer = 0;
    startEvents(*ev->second);
    // Events may have been lost (dockerd restarted): look every service up again.
    std::vector<engine::WatchId> ids;
    for (const auto& [id, w] : watchers_) {
      if (w->target.project == project) ids.push_back(id);
    }
    for (engine::WatchId id : ids) lookup(id);
  });
  if (problem == events.last_problem) return;
  events.last_problem = problem;
  std::string message =
      "docker events for Compose project " + project + " ended (" + problem +
      "); following it again in " +
      std::to_string(std::chrono::duration_cast<std::chrono::seconds>(delay).count()) + "s";
  std::vector<engine::WatchId> ids;
  for (const auto& [id, w] : watchers_) {
    if (w->target.project == project) ids.push_back(id);
  }
  for (engine::WatchId id : ids) log(id, message);
}

void CliComposeRunner::lookup(engine::WatchId id) {
  Watcher* w = findWatcher(id);
  if (w == nullptr) return;
  stopCommand(w->lookup_process);
  w->event_since_lookup = false;
  std::vector<std::string> argv = {
      options_.docker, "ps",
      "--all",         "--no-trunc",
      "--filter",      "label=" + std::string(kProjectLabel) + "=" + w->target.project,
      "--filter",      "label=" + std::string(kServiceLabel) + "=" + w->target.service,
      "--filter",      "label=" + std::string(kOneoffLabel) + "=False",
      "--format",      "{{.ID}}"};
  w->lookup_process =
      runCommand(std::move(argv), nullptr, /*capture_stdout=*/true, [this, id](CommandResult& r) {
        Watcher* w = findWatcher(id);
        if (w == nullptr) return;
        w->lookup_process = 0;
        if (!r.status.ok()) {
          std::string message = "docker ps failed: " + r.status.text();
          if (!r.tail.empty()) message += ": " + r.tail.text();
          log(id, message);
          w = findWatcher(id);
          if (w != nullptr && !w->reported) report(id, {});
          return;
        }
        if (w->event_since_lookup) {
          // The events are newer than what ps saw.
          if (!w->reported && w->current.empty() && w->inspect_process == 0) {
            report(id, {});
          }
          return;
        }
        std::string newest = firstLine(r.stdout_text);
        if (newest.empty()) {
          w->current.clear();
          report(id, {});
          return;
        }
        w->current = newest;
        inspect(id);
      });
}

void CliComposeRunner::onEvent(engine::WatchId id, const ContainerEvent& event) {
  Watcher* w = findWatcher(id);
  if (w == nullptr) return;
  w->event_since_lookup = true;
  std::string_view action = event.action;
  action = action.substr(0, action.find(':'));
  if (action == "destroy") {
    auto cursor = w->logs.find(event.id);
    if (cursor != w->logs.end() && cursor->second.process == 0) w->logs.erase(cursor);
    if (event.id != w->current) return;
    w->current.clear();
    report(id, {});
    return;
  }
  if (action == "create" || w->current.empty()) w->current = event.id;
  if (event.id == w->current) inspect(id);
}

void CliComposeRunner::inspect(engine::WatchId id) {
  Watcher* w = findWatcher(id);
  if (w == nullptr || w->current.empty()) return;
  if (w->inspect_process != 0) {
    w->inspect_again = true;
    return;
  }
  w->inspect_again = false;
  w->inspecting = w->current;
  std::vector<std::string> argv = {options_.docker, "inspect", "--type", "container",
                                   w->inspecting};
  w->inspect_process =
      runCommand(std::move(argv), nullptr, /*capture_stdout=*/true, [this, id](CommandResult& r) {
        Watcher* w = findWatcher(id);
        if (w == nullptr) return;
        w->inspect_process = 0;
        std::string container = w->inspecting;
        std::optional<engine::ContainerState> state;
        std::string problem;
        if (r.status.ok()) {
          auto parsed = parseContainerInspect(r.stdout_text);
          if (parsed) {
            state = std::move(*parsed);
          } else {
            problem = parsed.error();
          }
        } else if (r.tail.text().find("No such") == std::string::npos) {
          // A container removed meanwhile is not a problem: its destroy event follows.
          problem = r.status.text();
          if (!r.tail.empty()) problem += ": " + r.tail.text();
        }
        bool current = container == w->current;
        if (state && current) {
          w->logs[container].latest = state->started_at;
          followLogs(id, container);
        }
        if (w->inspect_again) inspect(id);
        if (!problem.empty()) log(id, "docker inspect " + shortId(container) + ": " + problem);
        if (state && current) report(id, *state);
      });
}

void CliComposeRunner::report(engine::WatchId id, const engine::ContainerState& state) {
  Watcher* w = findWatcher(id);
  if (w == nullptr) return;
  if (w->reported && w->last == state) return;
  w->reported = true;
  w->last = state;
  auto on_state = w->on_state;  // the callback may unwatch, destroying w
  if (*on_state) (*on_state)(state);
}

void CliComposeRunner::log(engine::WatchId id, std::string_view line) {
  Watcher* w = findWatcher(id);
  if (w == nullptr) return;
  auto on_log = w->on_log;
  if (*on_log) (*on_log)(line);
}

void CliComposeRunner::followLogs(engine::WatchId id, const std::string& container) {
  Watcher* w = findWatcher(id);
  if (w == nullptr) return;
  LogCursor& cursor = w->logs[container];
  if (cursor.process != 0) return;  // it ends when the container stops; then we look again
  if (cursor.latest == std::chrono::system_clock::time_point{}) return;  // never started
  if (cursor.followed && cursor.covered >= cursor.latest) return;        // this run is done
  std::chrono::system_clock::time_point since;
  if (cursor.has_line) {
    since = cursor.last_line;
    cursor.skip_until = cursor.last_line;
    cursor.skipping = true;
  } else {
    since = cursor.latest - std::chrono::seconds(1);
    cursor.skipping = false;
  }
  cursor.followed = true;
  cursor.covered = cursor.latest;
  cursor.errors = OutputTail(3);
  std::vector<std::string> argv = {options_.docker, "logs",    "--follow",
                                   "--timestamps",  "--since", formatDockerSince(since),
                                   container};
  cursor.process = runCommand(
      std::move(argv),
      [this, id, container](OutputStream stream, std::string_view line) {
        Watcher* w = findWatcher(id);
        if (w == nullptr) return;
        LogCursor& cursor = w->logs[container];
        std::optional<TimestampedLine> l = splitTimestampedLine(line);
        if (!l) {
          if (stream == OutputStream::kStderr) {
            cursor.errors.add(line);
          } else {
            log(id, line);
          }
          return;
        }
        // Lines of stdout and stderr come through two pipes, so they are not in time order
        // across the two; only what the previous follower already delivered is dropped.
        if (cursor.skipping && l->time <= cursor.skip_until) return;
        if (!cursor.has_line || l->time > cursor.last_line) cursor.last_line = l->time;
        cursor.has_line = true;
        log(id, l->text);
      },
      /*capture_stdout=*/false,
      [this, id, container](CommandResult& r) {
        Watcher* w = findWatcher(id);
        if (w == nullptr) return;
        LogCursor& cursor = w->logs[container];
        cursor.process = 0;
        std::string errors = cursor.errors.text();
        bool current = container == w->current;
        if (current) {
          followLogs(id, container);  // a run that started meanwhile
        } else {
          w->logs.erase(container);  // replaced: it is never followed again
        }
        if (!r.status.ok() && current && !errors.empty() &&
            errors.find("No such container") == std::string::npos) {
          log(id, "docker logs " + shortId(container) + ": " + errors);
        }
      });
}

}  // namespace slant::docker
