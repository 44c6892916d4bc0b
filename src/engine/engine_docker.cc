// Docker Compose resources: images built, services brought up, containers followed and
// live-updated. The engine half of issue 5; the Docker half is behind ImageBuilder,
// ComposeRunner and ContainerUpdater (engine/backends.h, real ones in docker/).
//
// An update of a Compose resource is, as in Tilt:
//   1. live update, when only files changed, the service's image has live_update steps, its
//      container runs, and every changed file is under a sync() and none under fall_back_on();
//      the files are copied into the container, the matching run() steps run, and
//      restart_container() restarts it. A copy that fails falls back to 2; a failing run()
//      step is the update's error.
//   2. otherwise a full build: every image the service needs, dependencies first (only the
//      changed ones and what is built from them when files changed; all of them on the first
//      update, a trigger or a changed definition), then `compose up` of the service with the
//      built image. Images are tagged by content, so an unchanged image keeps its ref and, when
//      its container still runs, the deploy is skipped.
// The runtime status follows the container as Docker reports it (ComposeRunner::watchService):
// running (and healthy, when it has a healthcheck) is ok; a healthcheck still starting is
// pending; an error, a non-zero exit or an unhealthy verdict is an error. The transient exits
// of a container that a deploy recreates or a live update restarts are not errors.
#include <filesystem>

#include "engine/engine_internal.h"
#include "model/json.h"

namespace slant::engine {

namespace {

bool existsLocally(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(std::filesystem::symlink_status(path, ec));
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Files

void Engine::watchImages(Res& r) {
  if (!r.isDc()) return;
  const std::string name = r.spec.name;
  for (const model::ImageTarget& img : r.images) {
    WatchSpec spec;
    if (img.custom) {
      spec.paths = img.custom->deps;
    } else if (!img.only.empty()) {
      spec.paths = img.only;
    } else if (!img.context.empty()) {
      spec.paths = {img.context};
    }
    if (spec.paths.empty()) continue;
    spec.ignore = settings_.watch_ignore;
    spec.ignore.insert(spec.ignore.end(), img.context_ignore.begin(), img.context_ignore.end());
    if (img.compose) {
      // Bind-mounted paths reach the container without a rebuild (Tilt ignores them too).
      for (const std::string& v : img.compose->local_volume_paths) {
        spec.ignore.push_back(v);
        spec.ignore.push_back(v + "/**");
      }
    }
    std::string ref = img.ref;
    r.image_watches.push_back(backends_.watcher.watch(
        spec, options_.debounce, [this, name, ref](std::vector<std::string> paths) {
          onImageFiles(name, ref, std::move(paths));
        }));
  }
}

void Engine::onImageFiles(const std::string& name, const std::string& ref,
                          std::vector<std::string> paths) {
  Res* r = find(name);
  if (!r || !r->isDc()) return;
  bool any = false;
  for (auto& p : paths) any |= r->pending_files.insert(std::move(p)).second;
  if (!any) return;
  r->pending_images.insert(ref);
  dirty_images_.insert(ref);
  filesPending(*r);
}

// ---------------------------------------------------------------------------------------------
// Updates

void Engine::startDcUpdate(Res& r, const std::vector<std::string>& edits, const std::string& reason,
                           const std::set<std::string>& changed_images) {
  r.step = 0;
  if (reason == "Changed Files" && tryLiveUpdate(r, edits, changed_images)) return;
  startFullBuild(r, reason != "Changed Files");
}

bool Engine::tryLiveUpdate(Res& r, const std::vector<std::string>& edits,
                           const std::set<std::string>& changed_images) {
  const model::ImageTarget* img = r.deployedImage();
  if (!img || img->live_update.empty()) return false;
  const std::string name = r.spec.name;
  auto fallBack = [&](const std::string& why) {
    log(name, LogSource::kBuild, LogLevel::kInfo, "Falling back to a full build: " + why);
    return false;
  };
  const std::string id = r.container.container_id;
  if (id.empty() || r.container.status != "running" || !r.deployed) {
    return fallBack("the service's container is not running");
  }
  for (const std::string& ref : changed_images) {
    if (ref != img->ref) {
      return fallBack("files of image " + ref + ", which " + img->ref + " is built from, changed");
    }
  }
  LiveUpdatePlan plan = planLiveUpdate(img->live_update, edits, existsLocally);
  if (!plan.fall_back.empty()) return fallBack(plan.fall_back);

  if (!plan.deletes.empty()) {
    log(name, LogSource::kBuild, LogLevel::kInfo,
        "Will delete " + std::to_string(plan.deletes.size()) +
            " file(s) from container: " + shortId(id));
    for (const auto& d : plan.deletes)
      log(name, LogSource::kBuild, LogLevel::kInfo, "- '" + d + "'");
  }
  if (!plan.copies.empty()) {
    log(name, LogSource::kBuild, LogLevel::kInfo,
        "Will copy " + std::to_string(plan.copies.size()) +
            " file(s) to container: " + shortId(id));
    for (const auto& c : plan.copies) {
      log(name, LogSource::kBuild, LogLevel::kInfo, "- '" + c.local + "' --> '" + c.remote + "'");
    }
  }
  std::vector<FileCopy> copies = plan.copies;
  std::vector<std::string> deletes = plan.deletes;
  r.live_plan = std::move(plan);
  r.restarting = false;
  auto op = std::make_shared<OpId>(0);
  *op = backends_.containers.copy(
      id, std::move(copies), std::move(deletes), img->context_ignore,
      [this, name, op, id](std::string error) {
        Res* res = find(name);
        if (!res || res->live_op != *op) return;
        res->live_op = 0;
        if (!error.empty()) {
          // Not the user's fault (a copy the engine refused): a full build still gets there.
          log(name, LogSource::kBuild, LogLevel::kWarn,
              "Falling back to a full build: updating container " + shortId(id) + ": " + error);
          startFullBuild(*res, false);
          return;
        }
        liveUpdateStep(name, 0);
      });
  r.live_op = *op;
  return true;
}

void Engine::liveUpdateStep(const std::string& name, std::size_t next) {
  Res* r = find(name);
  if (!r) return;
  const std::string id = r->container.container_id;
  const std::vector<model::LiveUpdateStep>& runs = r->live_plan.runs;
  if (next < runs.size()) {
    const model::LiveUpdateStep& step = runs[next];
    std::string text = joinArgs(step.cmd);
    if (!step.echo_off) {
      log(name, LogSource::kBuild, LogLevel::kInfo,
          "[CMD " + std::to_string(next + 1) + "/" + std::to_string(runs.size()) + "] " + text);
    }
    auto op = std::make_shared<OpId>(0);
    *op = backends_.containers.exec(
        id, step.cmd,
        [this, name](std::string_view line) {
          log(name, LogSource::kBuild, LogLevel::kInfo, line);
        },
        [this, name, op, id, next, text](const ExitStatus& status) {
          Res* res = find(name);
          if (!res || res->live_op != *op) return;
          res->live_op = 0;
          if (!status.ok()) {
            // Tilt's RunStepFailure: the user's command failed; no fallback.
            std::string why = status.start_error.empty()
                                  ? "command " + goQuote(text) + " failed with exit code: " +
                                        std::to_string(status.exit_code)
                                  : status.start_error;
            finishUpdate(*res, "executing on container " + shortId(id) + ": " + why);
            return;
          }
          liveUpdateStep(name, next + 1);
        });
    r->live_op = *op;
    return;
  }
  if (r->live_plan.restart && !r->restarting) {
    r->restarting = true;
    log(name, LogSource::kBuild, LogLevel::kInfo, "Restarting container: " + shortId(id));
    auto op = std::make_shared<OpId>(0);
    *op = backends_.containers.restart(id, [this, name, op, id](std::string error) {
      Res* res = find(name);
      if (!res || res->live_op != *op) return;
      res->live_op = 0;
      if (!error.empty()) {
        res->restarting = false;
        log(name, LogSource::kBuild, LogLevel::kWarn,
            "Falling back to a full build: restarting container " + shortId(id) + ": " + error);
        startFullBuild(*res, false);
        return;
      }
      liveUpdateStep(name, res->live_plan.runs.size());
    });
    r->live_op = *op;
    return;
  }
  log(name, LogSource::kBuild, LogLevel::kInfo, "  → Container " + shortId(id) + " updated!");
  finishUpdate(*r, {});
}

void Engine::startFullBuild(Res& r, bool all) {
  r.to_build.clear();
  std::set<std::string> rebuilt;
  for (const model::ImageTarget& img : r.images) {
    if (img.compose) continue;  // Compose builds it itself, at deploy
    auto built = built_images_.find(img.ref);
    bool need = all || dirty_images_.contains(img.ref) || built == built_images_.end() ||
                built->second.definition != model::imageDefinition(img);
    for (const std::string& dep : img.image_deps) need |= rebuilt.contains(dep);
    if (need) {
      r.to_build.push_back(img.ref);
      rebuilt.insert(img.ref);
    }
  }
  r.step = 0;
  r.steps = static_cast<int>(r.to_build.size()) + 1;
  buildNext(r);
}

void Engine::buildNext(Res& r) {
  if (r.to_build.empty()) {
    deploy(r);
    return;
  }
  const std::string ref = r.to_build.front();
  r.to_build.erase(r.to_build.begin());
  const model::ImageTarget* img = nullptr;
  for (const auto& i : r.images) {
    if (i.ref == ref) img = &i;
  }
  ImageBuildRequest request{*img, {}};
  for (const std::string& dep : img->image_deps) {
    auto built = built_images_.find(dep);
    if (built != built_images_.end()) request.built_deps[dep] = built->second.ref;
  }
  // Changes from now on belong to the next build.
  dirty_images_.erase(ref);
  const std::string name = r.spec.name;
  ++r.step;
  log(name, LogSource::kBuild, LogLevel::kInfo,
      "STEP " + std::to_string(r.step) + "/" + std::to_string(r.steps) + " — Building " +
          (img->custom ? "Custom Build" : "Dockerfile") + ": [" + ref + "]");
  auto op = std::make_shared<OpId>(0);
  *op = backends_.images.build(
      request,
      [this, name](std::string_view line) { log(name, LogSource::kBuild, LogLevel::kInfo, line); },
      [this, name, op, ref](ImageBuildResult result) {
        onImageBuilt(name, *op, ref, std::move(result));
      });
  r.build_op = *op;
}

void Engine::onImageBuilt(const std::string& name, OpId op, const std::string& ref,
                          ImageBuildResult result) {
  Res* r = find(name);
  if (!r || r->build_op != op) return;
  r->build_op = 0;
  if (!result.error.empty()) {
    dirty_images_.insert(ref);  // still to build
    r->to_build.clear();
    finishUpdate(*r, result.error);
    return;
  }
  for (const auto& img : r->images) {
    if (img.ref == ref) built_images_[ref] = {result.ref, model::imageDefinition(img)};
  }
  log(name, LogSource::kBuild, LogLevel::kInfo, "Built image " + result.ref);
  buildNext(*r);
}

void Engine::deploy(Res& r) {
  const std::string name = r.spec.name;
  if (!r.service_watch) watchService(r);
  ComposeUpRequest request{*r.spec.dc, {}, false};
  if (const model::ImageTarget* img = r.deployedImage()) {
    if (img->compose) {
      request.build = true;
    } else if (auto built = built_images_.find(img->ref); built != built_images_.end()) {
      request.image = built->second.ref;
    }
  }
  ++r.step;
  log(name, LogSource::kBuild, LogLevel::kInfo,
      "STEP " + std::to_string(r.step) + "/" + std::to_string(std::max(r.steps, r.step)) +
          " — Deploying: " + r.spec.dc->service);
  bool running = r.deployed && r.container.status == "running";
  bool config_changed = r.current && r.current->reason == "Config Changed";
  if (!request.image.empty() && request.image == r.deployed_image && running && !config_changed) {
    log(name, LogSource::kBuild, LogLevel::kInfo,
        "Image " + request.image + " is unchanged and its container is running: deploy skipped");
    finishUpdate(r, {});
    return;
  }
  std::string image = request.image;
  auto op = std::make_shared<OpId>(0);
  *op = backends_.compose.up(
      request,
      [this, name](std::string_view line) { log(name, LogSource::kBuild, LogLevel::kInfo, line); },
      [this, name, op, image](std::string error) {
        onDeployed(name, *op, image, std::move(error));
      });
  r.deploy_op = *op;
}

void Engine::onDeployed(const std::string& name, OpId op, const std::string& image,
                        std::string error) {
  Res* r = find(name);
  if (!r || r->deploy_op != op) return;
  r->deploy_op = 0;
  if (!error.empty()) {
    finishUpdate(*r, std::move(error));
    return;
  }
  r->deployed_image = image;
  r->deployed = true;
  finishUpdate(*r, {});
}

// ---------------------------------------------------------------------------------------------
// Containers

void Engine::watchService(Res& r) {
  const std::string name = r.spec.name;
  r.service_watch = backends_.compose.watchService(
      *r.spec.dc, [this, name](const ContainerState& state) { onContainerState(name, state); },
      [this, name](std::string_view line) {
        log(name, LogSource::kRuntime, LogLevel::kInfo, line);
      });
}

void Engine::onContainerState(const std::string& name, const ContainerState& state) {
  Res* r = find(name);
  if (!r || !r->isDc()) return;
  r->container = state;
  if (state.status == "running") r->restarting = false;
  updateDcRuntime(*r);
  if (state.status == "running" && !state.container_id.empty() && r->deployed) initialSync(*r);
  changed(name);
  reconcileSoon();
}

void Engine::updateDcRuntime(Res& r) {
  const ContainerState& c = r.container;
  const std::string id = shortId(c.container_id);
  RuntimeStatus status = RuntimeStatus::kPending;
  std::string error;
  std::string detail = c.status;
  if (!c.health.empty()) detail += " (" + c.health + ")";
  bool transient = r.deploy_op != 0 || r.restarting;
  if (c.container_id.empty() || c.status.empty()) {
    status = r.deployed || r.current ? RuntimeStatus::kPending : RuntimeStatus::kUnknown;
  } else if (!c.error.empty() || c.exit_code != 0 || c.oom_killed || c.status == "dead") {
    if (!transient) {
      status = RuntimeStatus::kError;
      if (!c.error.empty()) {
        error = "Container " + id + ": " + c.error;
      } else if (c.oom_killed) {
        error = "Container " + id + " was killed: out of memory";
      } else {
        error = "Container " + id + " exited with " + std::to_string(c.exit_code);
      }
    }
  } else if (c.status == "running") {
    if (c.health == "unhealthy") {
      status = RuntimeStatus::kError;
      error = "Container " + id + " is unhealthy";
      if (!c.health_output.empty()) error += ": " + c.health_output;
    } else if (c.health != "starting") {
      status = RuntimeStatus::kOk;
    }
  } else if (c.status == "exited") {
    status = RuntimeStatus::kOk;  // exit 0: done, as Tilt counts it
  }
  r.runtime = status;
  r.runtime_detail = detail;
  if (status == RuntimeStatus::kError) {
    if (r.update != UpdateStatus::kError) r.last_error = error;
    if (error != r.runtime_error) {
      r.runtime_error = error;
      log(r.spec.name, LogSource::kRuntime, LogLevel::kError, error);
    }
  } else {
    r.runtime_error.clear();
    if (r.update != UpdateStatus::kError) r.last_error.clear();
  }
  if (status == RuntimeStatus::kOk) {
    markReady(r);
  } else if (status == RuntimeStatus::kPending && !c.container_id.empty()) {
    if (!r.active_since) r.active_since = loop_.now();
  } else {
    r.active_since.reset();
  }
}

void Engine::initialSync(Res& r) {
  const model::ImageTarget* img = r.deployedImage();
  if (!img || !hasStep(img->live_update, model::LiveUpdateStep::Kind::kInitialSync)) return;
  const std::string id = r.container.container_id;
  if (r.synced_container == id) return;
  r.synced_container = id;
  const std::string name = r.spec.name;
  std::vector<FileCopy> copies = initialSyncCopies(img->live_update);
  log(name, LogSource::kBuild, LogLevel::kInfo,
      "Initial sync: will copy sync paths to container: " + shortId(id));
  for (const auto& c : copies) {
    log(name, LogSource::kBuild, LogLevel::kInfo, "- '" + c.local + "' --> '" + c.remote + "'");
  }
  backends_.containers.copy(
      id, std::move(copies), {}, img->context_ignore, [this, name, id](std::string error) {
        if (error.empty()) return;
        log(name, LogSource::kBuild, LogLevel::kError,
            "initial sync into container " + shortId(id) + " failed: " + error);
      });
}

void Engine::removeContainer(Res& r) {
  if (r.service_watch) backends_.compose.unwatchService(std::exchange(r.service_watch, 0));
  bool had = r.deployed || !r.container.container_id.empty();
  r.container = {};
  r.deployed = false;
  r.deployed_image.clear();
  r.synced_container.clear();
  r.runtime_error.clear();
  r.runtime = RuntimeStatus::kUnknown;
  if (!had || shutting_down_) return;
  const std::string name = r.spec.name;
  log(name, LogSource::kRuntime, LogLevel::kInfo,
      "Removing the container of service " + r.spec.dc->service);
  backends_.compose.rm(
      *r.spec.dc,
      [this, name](std::string_view line) {
        log(name, LogSource::kRuntime, LogLevel::kInfo, line);
      },
      [this, name](std::string error) {
        if (!error.empty()) log(name, LogSource::kRuntime, LogLevel::kError, error);
      });
}

}  // namespace slant::engine
