#include "engine/engine.h"

#include <algorithm>
#include <cassert>
#include <cstdio>

#include "engine/engine_internal.h"
#include "engine/live_update.h"
#include "model/json.h"

namespace slant::engine {

using Json = nlohmann::json;

namespace {

std::string rfc3339(std::chrono::system_clock::time_point t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

std::string_view typeName(model::ResourceType t) {
  switch (t) {
    case model::ResourceType::kK8s:
      return "k8s";
    case model::ResourceType::kLocal:
      return "local";
    case model::ResourceType::kDc:
      return "dc";
  }
  return "local";
}

// How many updates one scheduling pass starts before yielding to the loop (a start costs about
// a millisecond; 500 at once would keep the API waiting for half a second or more).
constexpr int kStartsPerTurn = 16;
constexpr std::size_t kFailureTail = 20;

}  // namespace

std::string goDuration(Duration d) {
  using namespace std::chrono;
  auto ns = duration_cast<nanoseconds>(d).count();
  if (ns == 0) return "0s";
  std::string sign = ns < 0 ? "-" : "";
  if (ns < 0) ns = -ns;
  auto trim = [](double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9f", v);
    std::string s = buf;
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
    return s;
  };
  if (ns < 1'000) return sign + std::to_string(ns) + "ns";
  if (ns < 1'000'000) return sign + trim(ns / 1e3) + "µs";
  if (ns < 1'000'000'000) return sign + trim(ns / 1e6) + "ms";
  long long hours = ns / 3'600'000'000'000LL;
  ns -= hours * 3'600'000'000'000LL;
  long long mins = ns / 60'000'000'000LL;
  ns -= mins * 60'000'000'000LL;
  std::string out = sign;
  if (hours) out += std::to_string(hours) + "h";
  if (hours || mins) out += std::to_string(mins) + "m";
  return out + trim(ns / 1e9) + "s";
}

std::string_view updateStatusName(UpdateStatus s) {
  switch (s) {
    case UpdateStatus::kNone:
      return "none";
    case UpdateStatus::kPending:
      return "pending";
    case UpdateStatus::kInProgress:
      return "in_progress";
    case UpdateStatus::kOk:
      return "ok";
    case UpdateStatus::kError:
      return "error";
    case UpdateStatus::kNotApplicable:
      return "not_applicable";
  }
  return "none";
}

std::string_view runtimeStatusName(RuntimeStatus s) {
  switch (s) {
    case RuntimeStatus::kUnknown:
      return "unknown";
    case RuntimeStatus::kNone:
      return "none";
    case RuntimeStatus::kPending:
      return "pending";
    case RuntimeStatus::kOk:
      return "ok";
    case RuntimeStatus::kError:
      return "error";
    case RuntimeStatus::kNotApplicable:
      return "not_applicable";
  }
  return "unknown";
}

Engine::Engine(Loop& loop, Backends backends, EngineOptions options)
    : loop_(loop),
      backends_(backends),
      options_(std::move(options)),
      log_(options_.log_cap_bytes),
      start_time_(loop.wallNow()),
      tiltfile_(std::make_unique<Res>()) {
  tiltfile_->spec.name = std::string(kTiltfileResource);
  tiltfile_->spec.type = model::ResourceType::kLocal;
  tiltfile_->runtime = RuntimeStatus::kNotApplicable;
  // A watch problem (the inotify limit, an overflow) goes to the log of the resource it
  // concerns, where the user looks when an edit does not seem to trigger anything.
  backends_.watcher.setErrorHandler([this](WatchId id, std::string message) {
    std::string_view owner = kTiltfileResource;
    for (const auto& r : resources_) {
      if (r && r->watch == id) owner = r->spec.name;
    }
    log(owner, LogSource::kBuild, LogLevel::kWarn, "WARNING: " + message);
  });
}

Engine::~Engine() { backends_.watcher.setErrorHandler(nullptr); }

// ---------------------------------------------------------------------------------------------
// Lookup

Engine::Res* Engine::find(std::string_view name) {
  if (name == kTiltfileResource) return tiltfile_.get();
  for (auto& r : resources_) {
    // Null while applyProject moves resources into the new model.
    if (r && r->spec.name == name) return r.get();
  }
  return nullptr;
}

const Engine::Res* Engine::find(std::string_view name) const {
  return const_cast<Engine*>(this)->find(name);
}

std::vector<std::string> Engine::resourceNames() const {
  std::vector<std::string> names{std::string(kTiltfileResource)};
  for (const auto& r : resources_) names.push_back(r->spec.name);
  return names;
}

// ---------------------------------------------------------------------------------------------
// The Tiltfile

void Engine::start() {
  started_at_ = loop_.now();
  // ci --timeout is known now; ci_settings(timeout=) only after the first execution (checkCi).
  if (options_.mode == Mode::kCi && options_.ci_timeout) armCiTimeout(*options_.ci_timeout);
  loadTiltfile("Initial Build", {});
}

void Engine::armCiTimeout(Duration total) {
  ci_timeout_armed_ = true;
  if (total <= Duration::zero()) return;  // zero means no timeout
  Duration elapsed = loop_.now() - started_at_;
  ci_timer_ = loop_.runAfter(total > elapsed ? total - elapsed : Duration::zero(), [this, total] {
    ci_timer_ = 0;
    std::vector<std::string> waiting;
    for (const auto& r : resources_) {
      if (r->disabled || !r->spec.auto_init || r->ready()) continue;
      std::string why =
          r->waiting_reason.empty() ? std::string(updateStatusName(r->update)) : r->waiting_reason;
      waiting.push_back(r->spec.name + " " + why);
    }
    std::string list;
    for (const auto& w : waiting) list += (list.empty() ? "" : ",") + w;
    finishCi({false,
              "Timeout after " + goDuration(total) + ": " + std::to_string(waiting.size()) +
                  " resources waiting (" + list + ")",
              ""});
  });
}

void Engine::loadTiltfile(std::string reason, std::vector<std::string> edits) {
  if (shutting_down_) return;
  if (loading_) {
    reload_again_ = true;
    reload_edits_.insert(reload_edits_.end(), edits.begin(), edits.end());
    return;
  }
  loading_ = true;
  Res& t = *tiltfile_;
  t.update = UpdateStatus::kInProgress;
  t.current = Build{loop_.wallNow(), {}, reason, edits, {}};
  if (!edits.empty()) {
    log(kTiltfileResource, LogSource::kBuild, LogLevel::kInfo,
        std::to_string(edits.size()) + (edits.size() == 1 ? " File" : " Files") +
            " Changed: " + fileChangeList(edits));
  } else {
    log(kTiltfileResource, LogSource::kBuild, LogLevel::kInfo, reason);
  }
  log(kTiltfileResource, LogSource::kBuild, LogLevel::kInfo,
      "Loading Tiltfile at: " + options_.tiltfile);
  changed(kTiltfileResource);
  TimePoint began = loop_.now();
  backends_.tiltfile.run(
      TiltfileRequest{options_.tiltfile, options_.args, options_.mode == Mode::kCi ? "ci" : "up"},
      [this](std::string_view line) {
        log(kTiltfileResource, LogSource::kBuild,
            line.starts_with("WARNING:") ? LogLevel::kWarn : LogLevel::kInfo, line);
      },
      [this, began](TiltfileResult result) {
        if (!result.error) {
          log(kTiltfileResource, LogSource::kBuild, LogLevel::kInfo,
              "Successfully loaded Tiltfile (" + goDuration(loop_.now() - began) + ")");
        }
        onTiltfileLoaded(std::move(result));
      });
}

void Engine::onTiltfileLoaded(TiltfileResult result) {
  loading_ = false;
  Res& t = *tiltfile_;
  // Keep watching what the execution read, even when it failed: fixing any of them re-executes.
  watchConfig(result.project.config_files, result.project.settings.watch_ignore);
  if (t.current) {
    Build b = std::move(*t.current);
    t.current.reset();
    b.finish = loop_.wallNow();
    b.error = result.error.value_or("");
    t.history.push_front(std::move(b));
    if (t.history.size() > kHistory) t.history.pop_back();
  }
  if (result.error) {
    t.update = UpdateStatus::kError;
    tiltfile_error_ = *result.error;
    t.last_error = tiltfile_error_.substr(0, tiltfile_error_.find('\n'));
    std::string_view rest = tiltfile_error_;
    while (!rest.empty()) {
      auto nl = rest.find('\n');
      log(kTiltfileResource, LogSource::kBuild, LogLevel::kError, rest.substr(0, nl));
      if (nl == std::string_view::npos) break;
      rest.remove_prefix(nl + 1);
    }
    if (loaded_once_) {
      log(kTiltfileResource, LogSource::kBuild, LogLevel::kWarn,
          "The Tiltfile has an error; the last good configuration keeps running.");
    }
  } else {
    t.update = UpdateStatus::kOk;
    tiltfile_error_.clear();
    t.last_error.clear();
    loaded_once_ = true;
    applyProject(std::move(result.project));
  }
  changed(kTiltfileResource);
  if (reload_again_) {
    reload_again_ = false;
    loadTiltfile("Changed Files", std::exchange(reload_edits_, {}));
  }
  reconcileSoon();
}

void Engine::applyProject(model::Project project) {
  settings_ = project.settings;
  std::set<std::string> enabled(project.enabled_resources.begin(), project.enabled_resources.end());
  std::vector<std::unique_ptr<Res>> next;
  for (const model::Resource& spec : project.resources) {
    std::string definition = model::resourceDefinition(project, spec);
    std::vector<model::ImageTarget> images;
    for (const model::ImageTarget* img : model::imagesToBuild(project, spec)) {
      images.push_back(*img);
    }
    std::unique_ptr<Res> r;
    for (auto& old : resources_) {
      if (old && old->spec.name == spec.name) {
        r = std::move(old);
        break;
      }
    }
    if (r && r->definition != definition) {
      // Changed: stop what it runs and update it as if new, keeping its history and log.
      stopRuntime(*r);
      unwatchFiles(*r);
      r->spec = spec;
      r->images = std::move(images);
      r->definition = std::move(definition);
      r->needs_initial = true;
      r->initial_reason = "Config Changed";
      r->update = UpdateStatus::kPending;
      r->runtime = RuntimeStatus::kUnknown;
      r->ever_ready = false;
      r->pending_files.clear();
      watchResource(*r);
      changed(r->spec.name);
    } else if (!r) {
      r = std::make_unique<Res>();
      r->spec = spec;
      r->images = std::move(images);
      r->definition = std::move(definition);
      r->update = spec.auto_init ? UpdateStatus::kPending : UpdateStatus::kNone;
      watchResource(*r);
      changed(r->spec.name);
    }
    r->disabled_by_config = !enabled.contains(spec.name);
    next.push_back(std::move(r));
  }
  for (auto& old : resources_) {
    if (!old) continue;
    // Gone from the Tiltfile: what it runs goes too (a Compose service's container included).
    stopRuntime(*old);
    unwatchFiles(*old);
    if (old->isDc()) removeContainer(*old);
    std::string name = old->spec.name;
    old.reset();
    changed(name);
  }
  resources_ = std::move(next);
  for (auto& r : resources_) {
    auto mode = user_trigger_mode_.find(r->spec.name);
    if (mode != user_trigger_mode_.end()) r->spec.trigger_mode = mode->second;
    auto user = user_disabled_.find(r->spec.name);
    bool disabled = user != user_disabled_.end() ? user->second : r->disabled_by_config;
    if (disabled != r->disabled) {
      r->disabled = disabled;
      if (disabled) {
        stopRuntime(*r);
        if (r->isDc()) removeContainer(*r);
      } else {
        r->needs_initial = true;
      }
      changed(r->spec.name);
    }
  }
}

void Engine::watchConfig(const std::vector<std::string>& files,
                         const std::vector<std::string>& ignore) {
  // As Tilt, .tiltignore and watch_settings(ignore=) apply to the Tiltfile's own watch too.
  if (files == config_files_ && ignore == config_ignore_ && config_watch_) return;
  if (config_watch_) backends_.watcher.unwatch(std::exchange(config_watch_, 0));
  config_files_ = files;
  config_ignore_ = ignore;
  if (files.empty() || shutting_down_) return;
  config_watch_ = backends_.watcher.watch(
      WatchSpec{files, ignore}, options_.debounce,
      [this](std::vector<std::string> paths) { loadTiltfile("Changed Files", std::move(paths)); });
}

void Engine::setArgs(std::vector<std::string> args) {
  options_.args = std::move(args);
  log(kTiltfileResource, LogSource::kBuild, LogLevel::kInfo, "Tiltfile arguments changed");
  loadTiltfile("Tilt Args", {});
}

// ---------------------------------------------------------------------------------------------
// Files

void Engine::unwatchFiles(Res& r) {
  if (r.watch) backends_.watcher.unwatch(std::exchange(r.watch, 0));
  for (WatchId id : r.image_watches) backends_.watcher.unwatch(id);
  r.image_watches.clear();
}

void Engine::watchResource(Res& r) {
  if (shutting_down_) return;
  if (!r.isLocal()) {
    watchImages(r);
    return;
  }
  if (r.spec.local->deps.empty()) return;
  WatchSpec spec;
  spec.paths = r.spec.local->deps;
  spec.ignore = settings_.watch_ignore;
  spec.ignore.insert(spec.ignore.end(), r.spec.local->ignore.begin(), r.spec.local->ignore.end());
  std::string name = r.spec.name;
  r.watch = backends_.watcher.watch(
      spec, options_.debounce,
      [this, name](std::vector<std::string> paths) { onFiles(name, std::move(paths)); });
}

void Engine::onFiles(const std::string& name, std::vector<std::string> paths) {
  Res* r = find(name);
  if (!r || !r->isLocal()) return;
  bool any = false;
  for (auto& p : paths) {
    // The watcher filtered ignores; check coverage too, so that an overflow report of a whole
    // directory still lands only on the resources whose deps it touches.
    bool hit = std::any_of(
        r->spec.local->deps.begin(), r->spec.local->deps.end(),
        [&](const std::string& dep) { return pathCovers(dep, p) || pathCovers(p, dep); });
    if (hit) any |= r->pending_files.insert(std::move(p)).second;
  }
  if (!any) return;
  filesPending(*r);
}

void Engine::filesPending(Res& r) {
  if (!r.current && r.update != UpdateStatus::kError && r.wantsUpdate()) {
    r.update = UpdateStatus::kPending;
  }
  changed(r.spec.name);
  reconcileSoon();
}

// ---------------------------------------------------------------------------------------------
// Updates

void Engine::startUpdate(Res& r) {
  std::vector<std::string> edits(r.pending_files.begin(), r.pending_files.end());
  std::set<std::string> changed_images = std::exchange(r.pending_images, {});
  std::string reason;
  if (!r.trigger_reason.empty()) {
    reason = r.trigger_reason;
  } else if (r.needs_initial) {
    reason = r.initial_reason;
  } else {
    reason = "Changed Files";
  }
  r.current = Build{loop_.wallNow(), {}, reason, edits, {}};
  r.pending_files.clear();
  r.needs_initial = false;
  r.trigger_reason.clear();
  r.update = UpdateStatus::kInProgress;
  r.waiting_reason.clear();
  r.waiting_on.clear();
  const std::string& name = r.spec.name;
  if (reason == "Changed Files") {
    log(name, LogSource::kBuild, LogLevel::kInfo,
        std::to_string(edits.size()) + (edits.size() == 1 ? " File" : " Files") +
            " Changed: " + fileChangeList(edits));
  } else {
    log(name, LogSource::kBuild, LogLevel::kInfo, reason);
  }
  changed(name);

  if (r.isDc()) {
    startDcUpdate(r, edits, reason, changed_images);
    return;
  }
  if (!r.isLocal()) {
    // Kubernetes resources need their backend (the Kubernetes issue).
    finishUpdate(r, "Kubernetes resources are not run by this version of slant yet");
    return;
  }
  const model::Cmd& cmd = r.spec.local->cmd;
  if (cmd.empty()) {
    finishUpdate(r, {});
    return;
  }
  log(name, LogSource::kBuild, LogLevel::kInfo, "Running cmd: " + commandText(cmd));
  ++live_processes_;
  // The id is needed inside the callbacks, which can only run after start() returns.
  auto id_box = std::make_shared<ProcessId>(0);
  ProcessId id = backends_.processes.start(
      ProcessSpec{cmd}, ProcessCallbacks{[this, name](OutputStream s, std::string_view line) {
                                           log(name, LogSource::kBuild, LogLevel::kInfo, line);
                                         },
                                         [this, name, id_box](const ExitStatus& status) {
                                           onCmdExit(name, *id_box, status);
                                         }});
  *id_box = id;
  r.cmd_proc = id;
}

void Engine::onCmdExit(const std::string& name, ProcessId id, const ExitStatus& status) {
  --live_processes_;
  Res* r = find(name);
  if (r && r->cmd_proc == id) {
    r->cmd_proc = 0;
    finishUpdate(*r, status.ok() ? std::string()
                                 : "Command " + goQuote(commandText(r->spec.local->cmd)) +
                                       " failed: " + status.text());
  }
  if (shutting_down_ && live_processes_ == 0 && on_shutdown_done_) {
    loop_.post(std::exchange(on_shutdown_done_, nullptr));
  }
  reconcileSoon();
}

void Engine::finishUpdate(Res& r, std::string error) {
  if (r.current) {
    Build b = std::move(*r.current);
    r.current.reset();
    b.finish = loop_.wallNow();
    b.error = error;
    r.history.push_front(std::move(b));
    if (r.history.size() > kHistory) r.history.pop_back();
  }
  const std::string& name = r.spec.name;
  if (!error.empty()) {
    r.update = UpdateStatus::kError;
    r.last_error = error;
    log(name, LogSource::kBuild, LogLevel::kError, "ERROR: " + error);
    if (r.isLocal() && !r.hasServe()) r.runtime = RuntimeStatus::kNotApplicable;
  } else {
    r.update = UpdateStatus::kOk;
    r.last_error.clear();
    if (r.isDc()) {
      updateDcRuntime(r);
    } else if (r.hasServe()) {
      startServe(r);
    } else {
      r.runtime = RuntimeStatus::kNotApplicable;
      markReady(r);
    }
  }
  if (r.update == UpdateStatus::kOk && r.wantsUpdate()) r.update = UpdateStatus::kPending;
  changed(name);
  reconcileSoon();
}

void Engine::startServe(Res& r) {
  if (r.probe) backends_.prober.stop(std::exchange(r.probe, 0));
  if (r.serve_proc) {
    // Restart: the new process starts once the old one has exited (it may hold a port).
    r.serve_start_pending = true;
    stopProcess(std::exchange(r.serve_proc, 0));
    return;
  }
  r.serve_start_pending = false;
  const model::Cmd& cmd = r.spec.local->serve_cmd;
  const std::string name = r.spec.name;
  log(name, LogSource::kRuntime, LogLevel::kInfo, "Starting cmd " + commandText(cmd));
  ++live_processes_;
  auto id_box = std::make_shared<ProcessId>(0);
  ProcessId id = backends_.processes.start(
      ProcessSpec{cmd}, ProcessCallbacks{[this, name](OutputStream, std::string_view line) {
                                           log(name, LogSource::kRuntime, LogLevel::kInfo, line);
                                         },
                                         [this, name, id_box](const ExitStatus& status) {
                                           onServeExit(name, *id_box, status);
                                         }});
  *id_box = id;
  r.serve_proc = id;
  r.serve_start = loop_.wallNow();
  r.runtime_detail.clear();
  if (r.spec.local->readiness_probe) {
    r.runtime = RuntimeStatus::kPending;
    r.active_since = loop_.now();
    r.probe = backends_.prober.start(*r.spec.local->readiness_probe,
                                     [this, name, pid = id](bool ready, std::string detail) {
                                       Res* res = find(name);
                                       if (res && res->serve_proc == pid)
                                         onProbe(name, res->probe, ready, detail);
                                     });
  } else {
    r.runtime = RuntimeStatus::kOk;
    markReady(r);
  }
  changed(name);
}

void Engine::onProbe(const std::string& name, ProbeId, bool ready, const std::string& detail) {
  Res* r = find(name);
  if (!r) return;
  r->runtime_detail = detail;
  if (ready) {
    r->runtime = RuntimeStatus::kOk;
    r->active_since.reset();
    markReady(*r);
  } else {
    r->runtime = RuntimeStatus::kPending;
    if (!r->active_since) r->active_since = loop_.now();
  }
  changed(name);
  reconcileSoon();
}

void Engine::onServeExit(const std::string& name, ProcessId id, const ExitStatus& status) {
  --live_processes_;
  Res* r = find(name);
  if (r && r->serve_proc == id) {
    // It ended by itself: Tilt does not restart it until the next update.
    r->serve_proc = 0;
    if (r->probe) backends_.prober.stop(std::exchange(r->probe, 0));
    r->runtime = RuntimeStatus::kError;
    r->active_since.reset();
    r->last_error = "serve_cmd exited: " + status.text();
    r->runtime_detail = r->last_error;
    log(name, LogSource::kRuntime, status.ok() ? LogLevel::kInfo : LogLevel::kError, r->last_error);
    changed(name);
  } else if (r && r->serve_start_pending && !r->serve_proc && !shutting_down_) {
    startServe(*r);
  }
  if (shutting_down_ && live_processes_ == 0 && on_shutdown_done_) {
    loop_.post(std::exchange(on_shutdown_done_, nullptr));
  }
  reconcileSoon();
}

void Engine::markReady(Res& r) {
  r.active_since.reset();
  if (!r.ever_ready) {
    r.ever_ready = true;
    // Dependents may start now.
    reconcileSoon();
  }
}

void Engine::stopProcess(ProcessId id) { backends_.processes.stop(id, options_.stop_grace); }

void Engine::stopRuntime(Res& r) {
  if (r.probe) backends_.prober.stop(std::exchange(r.probe, 0));
  r.serve_start_pending = false;
  if (r.serve_proc) stopProcess(std::exchange(r.serve_proc, 0));
  // A build is abandoned; a Compose command or a live-update step already sent finishes by
  // itself, its outcome ignored.
  if (r.build_op) backends_.images.cancel(std::exchange(r.build_op, 0));
  r.deploy_op = 0;
  r.live_op = 0;
  r.to_build.clear();
  r.restarting = false;
  if (r.cmd_proc) stopProcess(std::exchange(r.cmd_proc, 0));
  if (r.current) {
    Build b = std::move(*r.current);
    r.current.reset();
    b.finish = loop_.wallNow();
    b.error = "cancelled";
    r.history.push_front(std::move(b));
    if (r.history.size() > kHistory) r.history.pop_back();
    r.update = UpdateStatus::kNone;
  }
  r.active_since.reset();
  // A Compose service's container outlives this (removeContainer removes it).
  if (!r.isDc() && (r.runtime == RuntimeStatus::kOk || r.runtime == RuntimeStatus::kPending)) {
    r.runtime = RuntimeStatus::kNone;
  }
}

// ---------------------------------------------------------------------------------------------
// User actions

std::expected<void, std::string> Engine::trigger(std::string_view name) {
  Res* r = find(name);
  if (!r) return std::unexpected("no such resource \"" + std::string(name) + "\"");
  if (r == tiltfile_.get()) {
    loadTiltfile("Manual Trigger", {});
    return {};
  }
  if (r->disabled) return std::unexpected("resource \"" + std::string(name) + "\" is disabled");
  r->trigger_reason = "Manual Trigger";
  if (!r->current) r->update = UpdateStatus::kPending;
  changed(name);
  reconcileSoon();
  return {};
}

std::expected<void, std::string> Engine::setDisabled(const std::vector<std::string>& names,
                                                     bool disabled) {
  for (const auto& n : names) {
    if (n == kTiltfileResource) return std::unexpected("the Tiltfile cannot be disabled");
    if (!find(n)) return std::unexpected("no such resource \"" + n + "\"");
  }
  for (const auto& n : names) {
    user_disabled_[n] = disabled;
    Res* r = find(n);
    if (r->disabled == disabled) continue;
    r->disabled = disabled;
    if (disabled) {
      stopRuntime(*r);
      if (r->isDc()) removeContainer(*r);
      r->trigger_reason.clear();
      r->update = UpdateStatus::kNone;
      r->runtime = RuntimeStatus::kUnknown;
    } else {
      r->needs_initial = true;
      r->initial_reason = "Initial Build";
      r->update = r->spec.auto_init ? UpdateStatus::kPending : UpdateStatus::kNone;
    }
    log(n, LogSource::kBuild, LogLevel::kInfo, disabled ? "Resource disabled" : "Resource enabled");
    changed(n);
  }
  reconcileSoon();
  return {};
}

std::expected<void, std::string> Engine::setTriggerMode(const std::vector<std::string>& names,
                                                        model::TriggerMode mode) {
  for (const auto& n : names) {
    if (n == kTiltfileResource)
      return std::unexpected("the Tiltfile's trigger mode cannot be changed");
    if (!find(n)) return std::unexpected("no such resource \"" + n + "\"");
  }
  for (const auto& n : names) {
    user_trigger_mode_[n] = mode;
    Res* r = find(n);
    if (r->spec.trigger_mode == mode) continue;
    r->spec.trigger_mode = mode;
    if (!r->current && r->wantsUpdate() && !r->disabled) r->update = UpdateStatus::kPending;
    changed(n);
  }
  reconcileSoon();
  return {};
}

// ---------------------------------------------------------------------------------------------
// Scheduling

void Engine::reconcileSoon() {
  if (reconcile_posted_) return;
  reconcile_posted_ = true;
  loop_.post([this] {
    reconcile_posted_ = false;
    reconcile();
  });
}

void Engine::reconcile() {
  if (shutting_down_) return;
  schedule();
  checkCi();
}

void Engine::schedule() {
  int in_progress = 0;
  int started = 0;
  bool exclusive_running = false;
  for (const auto& r : resources_) {
    if (r->current) {
      ++in_progress;
      exclusive_running |= r->exclusive();
    }
  }
  auto setWaiting = [this](Res& r, std::string reason, std::vector<std::string> on) {
    if (r.waiting_reason != reason || r.waiting_on != on) {
      r.waiting_reason = std::move(reason);
      r.waiting_on = std::move(on);
      changed(r.spec.name);
    }
  };
  for (auto& rp : resources_) {
    Res& r = *rp;
    if (r.disabled || r.current || !r.wantsUpdate()) {
      if (!r.current) setWaiting(r, "", {});
      if (!r.disabled && !r.current && r.needs_initial && !r.spec.auto_init) {
        setWaiting(r, "manual", {});
      }
      continue;
    }
    if (loading_) {
      setWaiting(r, "waiting-for-tiltfile", {});
      continue;
    }
    std::vector<std::string> blocked_by;
    for (const auto& dep : r.spec.resource_deps) {
      const Res* d = find(dep);
      if (d && !d->ever_ready) blocked_by.push_back(dep);
    }
    if (!blocked_by.empty()) {
      setWaiting(r, "waiting-for-dependencies", std::move(blocked_by));
      continue;
    }
    if (exclusive_running || (r.exclusive() && in_progress > 0)) {
      setWaiting(r, "waiting-for-local", {});
      continue;
    }
    if (in_progress >= std::max(1, settings_.max_parallel_updates)) {
      setWaiting(r, "waiting-for-parallelism", {});
      continue;
    }
    if (started == kStartsPerTurn) {
      // Let the loop serve the API and process output between bursts of starts.
      reconcileSoon();
      return;
    }
    ++started;
    ++in_progress;
    exclusive_running |= r.exclusive();
    startUpdate(r);
  }
}

// ---------------------------------------------------------------------------------------------
// ci

void Engine::checkCi() {
  if (options_.mode != Mode::kCi || ci_done_) return;
  if (!loaded_once_) {
    if (!tiltfile_error_.empty())
      finishCi({false, tiltfile_error_, std::string(kTiltfileResource)});
    return;
  }
  if (!tiltfile_error_.empty()) {
    finishCi({false, tiltfile_error_, std::string(kTiltfileResource)});
    return;
  }
  if (!ci_timeout_armed_) armCiTimeout(std::chrono::seconds(settings_.ci_timeout_secs));
  int targets = 0;
  bool all_ready = true;
  Duration readiness = std::chrono::seconds(settings_.ci_readiness_timeout_secs);
  Duration next_check = Duration::max();
  for (const auto& r : resources_) {
    if (r->disabled || !r->spec.auto_init) continue;
    ++targets;
    if (r->update == UpdateStatus::kError || r->runtime == RuntimeStatus::kError) {
      finishCi({false, r->last_error, r->spec.name});
      return;
    }
    if (!r->ready()) all_ready = false;
    if (r->active_since && settings_.ci_readiness_timeout_secs > 0 &&
        loop_.now() - *r->active_since > readiness) {
      finishCi({false,
                "Readiness timeout after " + goDuration(readiness) + ": target " + r->spec.name +
                    " not ready",
                r->spec.name});
      return;
    }
    if (r->active_since && settings_.ci_readiness_timeout_secs > 0) {
      next_check = std::min(next_check, readiness - (loop_.now() - *r->active_since));
    }
  }
  if (readiness_timer_) loop_.cancel(std::exchange(readiness_timer_, 0));
  if (next_check != Duration::max()) {
    // Look again when the earliest readiness timeout would expire.
    readiness_timer_ = loop_.runAfter(next_check + std::chrono::milliseconds(1), [this] {
      readiness_timer_ = 0;
      reconcileSoon();
    });
  }
  if (targets == 0) {
    finishCi({false,
              "no resources to run: the Tiltfile declares none that are enabled with "
              "auto_init=True",
              ""});
    return;
  }
  if (all_ready) finishCi({true, "", ""});
}

void Engine::finishCi(CiOutcome outcome) {
  if (ci_done_) return;
  ci_done_ = true;
  if (ci_timer_) loop_.cancel(std::exchange(ci_timer_, 0));
  if (readiness_timer_) loop_.cancel(std::exchange(readiness_timer_, 0));
  if (!outcome.success && !outcome.resource.empty() && outcome.resource != kTiltfileResource) {
    // The last lines of the failed resource, so that the reason is visible without the UI.
    std::vector<LogLine> tail = log_.tail(outcome.resource, kFailureTail);
    std::string lines;
    for (const auto& l : tail) lines += "\n  " + l.text;
    if (!lines.empty()) outcome.error += "\nLast log lines of " + outcome.resource + ":" + lines;
  }
  if (on_ci_done_) on_ci_done_(outcome);
}

// ---------------------------------------------------------------------------------------------
// Shutdown

void Engine::shutdown(std::function<void()> done) {
  shutting_down_ = true;
  if (ci_timer_) loop_.cancel(std::exchange(ci_timer_, 0));
  if (readiness_timer_) loop_.cancel(std::exchange(readiness_timer_, 0));
  if (config_watch_) backends_.watcher.unwatch(std::exchange(config_watch_, 0));
  for (auto& r : resources_) {
    unwatchFiles(*r);
    // As Tilt, Compose services keep running after slant exits; `slant down` removes them.
    if (r->service_watch) backends_.compose.unwatchService(std::exchange(r->service_watch, 0));
    stopRuntime(*r);
  }
  if (live_processes_ == 0) {
    loop_.post(std::move(done));
  } else {
    on_shutdown_done_ = std::move(done);
  }
}

// ---------------------------------------------------------------------------------------------
// Output

void Engine::log(std::string_view resource, LogSource source, LogLevel level,
                 std::string_view text) {
  LogLine line;
  line.time = loop_.wallNow();
  line.resource = std::string(resource);
  line.source = source;
  line.level = level;
  line.text = std::string(text);
  const LogLine& stored = log_.append(std::move(line));
  // Copy: a listener may unsubscribe itself.
  auto listeners = listeners_;
  for (const auto& [id, l] : listeners) {
    if (l.on_log) l.on_log(stored);
  }
}

void Engine::changed(std::string_view resource) {
  auto listeners = listeners_;
  for (const auto& [id, l] : listeners) {
    if (l.on_resource_changed) l.on_resource_changed(resource);
  }
}

SubscriptionId Engine::subscribe(EngineListener listener) {
  SubscriptionId id = next_sub_++;
  listeners_[id] = std::move(listener);
  return id;
}

void Engine::unsubscribe(SubscriptionId id) { listeners_.erase(id); }

Json Engine::buildJson(const Build& b) const {
  Json o;
  o["start_time"] = rfc3339(b.start);
  if (b.finish.time_since_epoch().count() != 0) o["finish_time"] = rfc3339(b.finish);
  o["reason"] = b.reason;
  o["edits"] = b.edits;
  o["error"] = b.error;
  return o;
}

Json Engine::resourceJson(const Res& r) const {
  bool is_tiltfile = &r == tiltfile_.get();
  Json o;
  o["name"] = r.spec.name;
  o["type"] = is_tiltfile ? std::string_view("tiltfile") : typeName(r.spec.type);
  o["labels"] = r.spec.labels;
  o["resource_deps"] = r.spec.resource_deps;
  o["trigger_mode"] = r.spec.trigger_mode == model::TriggerMode::kAuto ? "auto" : "manual";
  o["auto_init"] = r.spec.auto_init;
  o["disabled"] = r.disabled;
  o["update_status"] = updateStatusName(r.update);
  o["runtime_status"] = runtimeStatusName(r.runtime);
  o["ready"] = is_tiltfile ? r.update == UpdateStatus::kOk : r.ready();
  if (r.waiting_reason.empty()) {
    o["waiting"] = nullptr;
  } else {
    o["waiting"] = {{"reason", r.waiting_reason}, {"on", r.waiting_on}};
  }
  o["queued"] = !r.trigger_reason.empty();
  o["pending_files"] = std::vector<std::string>(r.pending_files.begin(), r.pending_files.end());
  o["current_build"] = r.current ? buildJson(*r.current) : Json(nullptr);
  Json history = Json::array();
  for (const auto& b : r.history) history.push_back(buildJson(b));
  o["build_history"] = history;
  Json links = Json::array();
  for (const auto& l : r.spec.links) links.push_back({{"url", l.url}, {"name", l.name}});
  o["links"] = links;
  if (r.serve_proc && r.serve_start) {
    o["runtime"] = {{"start_time", rfc3339(*r.serve_start)}, {"detail", r.runtime_detail}};
  } else if (r.isDc() && !r.container.container_id.empty()) {
    o["runtime"] = {{"start_time", rfc3339(r.container.started_at)},
                    {"detail", r.runtime_detail},
                    {"container_id", r.container.container_id}};
  } else {
    o["runtime"] = nullptr;
  }
  o["error"] = r.last_error;
  return o;
}

Json Engine::view() const {
  Json session;
  session["tiltfile"] = options_.tiltfile;
  session["mode"] = options_.mode == Mode::kCi ? "ci" : "up";
  session["start_time"] = rfc3339(start_time_);
  session["args"] = options_.args;
  session["tiltfile_error"] = tiltfile_error_;
  session["last_seq"] = log_.lastSeq();
  session["log_dropped"] = log_.droppedLines();
  Json resources = Json::array();
  resources.push_back(resourceJson(*tiltfile_));
  for (const auto& r : resources_) resources.push_back(resourceJson(*r));
  return {{"session", session}, {"resources", resources}};
}

std::optional<Json> Engine::resource(std::string_view name) const {
  const Res* r = find(name);
  if (!r) return std::nullopt;
  return resourceJson(*r);
}

LogPage Engine::logs(const LogQuery& query) const { return log_.query(query); }

Json Engine::dumpEngine() const {
  Json o = view();
  Json internal;
  internal["loading"] = loading_;
  internal["reload_again"] = reload_again_;
  internal["live_processes"] = live_processes_;
  internal["config_files"] = config_files_;
  internal["max_parallel_updates"] = settings_.max_parallel_updates;
  internal["log_bytes"] = log_.bytes();
  Json user = Json::object();
  for (const auto& [n, d] : user_disabled_) user[n] = d;
  internal["user_disabled"] = user;
  Json res = Json::object();
  for (const auto& r : resources_) {
    res[r->spec.name] = {{"needs_initial", r->needs_initial},
                         {"ever_ready", r->ever_ready},
                         {"cmd_proc", r->cmd_proc},
                         {"serve_proc", r->serve_proc},
                         {"probe", r->probe},
                         {"watch", r->watch},
                         {"build_op", r->build_op},
                         {"deploy_op", r->deploy_op},
                         {"live_op", r->live_op},
                         {"deployed_image", r->deployed_image},
                         {"disabled_by_config", r->disabled_by_config}};
  }
  internal["resources"] = res;
  Json images = Json::object();
  for (const auto& [ref, built] : built_images_) images[ref] = built.ref;
  internal["built_images"] = images;
  internal["dirty_images"] = dirty_images_;
  o["engine"] = internal;
  return o;
}

}  // namespace slant::engine
