// The engine's unit-test fixture: an Engine on a FakeLoop with every backend faked
// (engine/fake_backends.h), and helpers to load a model and look at the result.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "engine/fake_backends.h"
#include "engine/fake_loop.h"

namespace slant::engine::testing {

inline model::Cmd sh(std::string script) {
  return model::Cmd{{"sh", "-c", std::move(script)}, "/w", {}};
}

inline model::Resource local(std::string name, std::string cmd, std::string serve = {}) {
  model::Resource r;
  r.name = std::move(name);
  r.type = model::ResourceType::kLocal;
  r.local.emplace();
  if (!cmd.empty()) r.local->cmd = sh(std::move(cmd));
  if (!serve.empty()) r.local->serve_cmd = sh(std::move(serve));
  return r;
}

/// An engine with fake backends; make() starts it, load() finishes its Tiltfile execution.
class EngineTest : public ::testing::Test {
 protected:
  void make(Mode mode = Mode::kUp, std::optional<Duration> ci_timeout = std::nullopt) {
    EngineOptions o;
    o.tiltfile = "/w/Tiltfile";
    o.mode = mode;
    o.ci_timeout = ci_timeout;
    engine_ = std::make_unique<Engine>(
        loop_, Backends{procs_, prober_, watcher_, tiltfile_, images_, compose_, containers_}, o);
    engine_->onCiDone([this](const CiOutcome& o) { ci_ = o; });
    engine_->start();
    loop_.drain();
  }

  // Finishes the pending Tiltfile execution with these resources (all enabled).
  void load(std::vector<model::Resource> resources, int max_parallel = 3,
            std::vector<model::ImageTarget> images = {}) {
    TiltfileResult result;
    result.project.tiltfile = "/w/Tiltfile";
    result.project.config_files = {"/w/Tiltfile"};
    result.project.settings.max_parallel_updates = max_parallel;
    for (const auto& r : resources) result.project.enabled_resources.push_back(r.name);
    result.project.resources = std::move(resources);
    result.project.images = std::move(images);
    tiltfile_.finish(std::move(result));
    loop_.drain();
  }

  void loadError(std::string error) {
    TiltfileResult result;
    result.project.config_files = {"/w/Tiltfile"};
    result.error = std::move(error);
    tiltfile_.finish(std::move(result));
    loop_.drain();
  }

  std::string field(std::string_view name, const char* key) {
    auto r = engine_->resource(name);
    EXPECT_TRUE(r) << name;
    return r ? (*r)[key].get<std::string>() : "";
  }
  void exitOk(std::string_view needle) {
    ProcessId id = procs_.find(needle);
    ASSERT_NE(id, 0u) << "no single running process with " << needle;
    procs_.exit(id, 0);
    loop_.drain();
  }
  std::string logText() {
    std::string out;
    for (const auto& l : engine_->logs({}).lines) out += l.resource + ": " + l.text + "\n";
    return out;
  }

  FakeLoop loop_;
  FakeProcessRunner procs_;
  FakeProber prober_;
  FakeFileWatcher watcher_;
  FakeTiltfileRunner tiltfile_;
  FakeImageBuilder images_;
  FakeComposeRunner compose_;
  FakeContainerUpdater containers_;
  std::unique_ptr<Engine> engine_;
  std::optional<CiOutcome> ci_;
};

}  // namespace slant::engine::testing
