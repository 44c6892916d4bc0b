// The engine's Docker Compose resources under fake backends: builds, deploys, container states
// and live updates (engine_docker.cc).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "engine/engine_test_util.h"

namespace slant::engine {
namespace {

using testing::EngineTest;
using ::testing::HasSubstr;
using ::testing::Not;
using Kind = model::LiveUpdateStep::Kind;

constexpr const char* kId = "0123456789abcdef0123";

class DockerEngineTest : public EngineTest {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("slant-engine-docker-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_ / "src");
    write("src/main.go", "package main\n");
    write("Dockerfile", "FROM scratch\n");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string path(const std::string& rel) const { return (dir_ / rel).string(); }
  void write(const std::string& rel, const std::string& text) { std::ofstream(dir_ / rel) << text; }

  model::ImageTarget image(std::string ref, std::vector<model::LiveUpdateStep> steps = {}) {
    model::ImageTarget img;
    img.ref = std::move(ref);
    img.context = dir_.string();
    img.docker.emplace();
    img.docker->dockerfile = path("Dockerfile");
    img.live_update = std::move(steps);
    return img;
  }
  model::Resource service(std::string name, std::vector<std::string> images) {
    model::Resource r;
    r.name = name;
    r.type = model::ResourceType::kDc;
    r.image_refs = std::move(images);
    r.dc.emplace();
    r.dc->service = std::move(name);
    r.dc->project = "proj";
    r.dc->config_paths = {path("docker-compose.yml")};
    r.dc->project_dir = dir_.string();
    return r;
  }
  static model::LiveUpdateStep sync(std::string local, std::string remote) {
    model::LiveUpdateStep s;
    s.kind = Kind::kSync;
    s.local = std::move(local);
    s.remote = std::move(remote);
    return s;
  }
  static model::LiveUpdateStep run(std::vector<std::string> cmd,
                                   std::vector<std::string> trigger = {}) {
    model::LiveUpdateStep s;
    s.kind = Kind::kRun;
    s.cmd = std::move(cmd);
    s.trigger = std::move(trigger);
    return s;
  }
  static ContainerState running(std::string health = {}) {
    ContainerState c;
    c.container_id = kId;
    c.status = "running";
    c.health = std::move(health);
    return c;
  }

  // Loads one service "web" running image "app", builds it as `built` and brings it up.
  void startWeb(std::vector<model::LiveUpdateStep> steps = {}, Mode mode = Mode::kUp,
                std::string built = "app:tilt-1111111111111111") {
    make(mode);
    load({service("web", {"app"})}, 3, {image("app", std::move(steps))});
    ASSERT_NE(images_.running("app"), 0u);
    images_.finish("app", built);
    loop_.drain();
    OpId up = compose_.pending("up", "web");
    ASSERT_NE(up, 0u);
    EXPECT_EQ(compose_.commands().at(up).request.image, built);
    compose_.finish(up);
    loop_.drain();
  }

  std::filesystem::path dir_;
};

TEST_F(DockerEngineTest, BuildsTheImageThenBringsTheServiceUpWithIt) {
  startWeb();
  EXPECT_EQ(field("web", "update_status"), "ok");
  EXPECT_EQ(field("web", "runtime_status"), "pending");  // no container state yet
  compose_.setState("web", running());
  loop_.drain();
  EXPECT_EQ(field("web", "runtime_status"), "ok");
  EXPECT_TRUE((*engine_->resource("web"))["ready"].get<bool>());
  EXPECT_THAT(logText(), HasSubstr("STEP 1/2 — Building Dockerfile: [app]"));
  EXPECT_THAT(logText(), HasSubstr("STEP 2/2 — Deploying: web"));
  compose_.print("web", "listening on :8080");
  loop_.drain();
  auto lines = engine_->logs({}).lines;
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.back().text, "listening on :8080");
  EXPECT_EQ(lines.back().source, LogSource::kRuntime);
}

TEST_F(DockerEngineTest, AHealthcheckStartingIsPendingAndUnhealthyIsAnError) {
  startWeb();
  compose_.setState("web", running("starting"));
  loop_.drain();
  EXPECT_EQ(field("web", "runtime_status"), "pending");
  ContainerState sick = running("unhealthy");
  sick.health_output = "curl: connection refused";
  compose_.setState("web", sick);
  loop_.drain();
  EXPECT_EQ(field("web", "runtime_status"), "error");
  EXPECT_EQ(field("web", "error"), "Container 0123456789ab is unhealthy: curl: connection refused");
  compose_.setState("web", running("healthy"));
  loop_.drain();
  EXPECT_EQ(field("web", "runtime_status"), "ok");
  EXPECT_EQ(field("web", "error"), "");
}

TEST_F(DockerEngineTest, CiFailsWhenTheContainerExitsWithAnError) {
  startWeb({}, Mode::kCi);
  ContainerState dead;
  dead.container_id = kId;
  dead.status = "exited";
  dead.exit_code = 3;
  compose_.setState("web", dead);
  loop_.drain();
  ASSERT_TRUE(ci_);
  EXPECT_FALSE(ci_->success);
  EXPECT_THAT(ci_->error, HasSubstr("Container 0123456789ab exited with 3"));
  EXPECT_EQ(ci_->resource, "web");
}

TEST_F(DockerEngineTest, CiSucceedsWhenTheServiceIsHealthy) {
  startWeb({}, Mode::kCi);
  compose_.setState("web", running("starting"));
  loop_.drain();
  EXPECT_FALSE(ci_);
  compose_.setState("web", running("healthy"));
  loop_.drain();
  ASSERT_TRUE(ci_);
  EXPECT_TRUE(ci_->success) << ci_->error;
}

TEST_F(DockerEngineTest, ABuildFailureIsTheResourcesErrorAndNothingIsDeployed) {
  make(Mode::kCi);
  load({service("web", {"app"})}, 3, {image("app")});
  images_.finish("app", "", "Step 2/3 : RUN make\nmake: *** [all] Error 2");
  loop_.drain();
  EXPECT_EQ(field("web", "update_status"), "error");
  EXPECT_EQ(compose_.count("up", "web"), 0);
  ASSERT_TRUE(ci_);
  EXPECT_THAT(ci_->error, HasSubstr("RUN make"));
}

TEST_F(DockerEngineTest, ASyncedFileIsCopiedIntoTheContainerWithoutARebuild) {
  startWeb({sync(path("src"), "/app/src"), run({"sh", "-c", "echo reload"})});
  compose_.setState("web", running());
  loop_.drain();
  write("src/main.go", "package main // edited\n");
  watcher_.change({path("src/main.go")});
  loop_.drain();
  OpId copy = containers_.next();
  ASSERT_NE(copy, 0u);
  const auto& op = containers_.ops().at(copy);
  EXPECT_EQ(op.verb, "copy");
  EXPECT_EQ(op.container, kId);
  ASSERT_EQ(op.copies.size(), 1u);
  EXPECT_EQ(op.copies[0].local, path("src/main.go"));
  EXPECT_EQ(op.copies[0].remote, "/app/src/main.go");
  containers_.finish(copy);
  loop_.drain();
  OpId exec = containers_.next();
  ASSERT_NE(exec, 0u);
  EXPECT_EQ(containers_.ops().at(exec).argv, (std::vector<std::string>{"sh", "-c", "echo reload"}));
  containers_.finishExec(exec, 0, {"reload"});
  loop_.drain();
  EXPECT_EQ(field("web", "update_status"), "ok");
  EXPECT_EQ(images_.buildCount("app"), 1);
  EXPECT_EQ(compose_.count("up", "web"), 1);
  EXPECT_THAT(logText(), HasSubstr("Will copy 1 file(s) to container: 0123456789ab"));
  EXPECT_THAT(logText(), HasSubstr("[CMD 1/1] sh -c echo reload"));
  EXPECT_THAT(logText(), HasSubstr("Container 0123456789ab updated!"));
}

TEST_F(DockerEngineTest, ADeletedSyncedFileIsDeletedInTheContainer) {
  startWeb({sync(path("src"), "/app/src")});
  compose_.setState("web", running());
  loop_.drain();
  std::filesystem::remove(path("src/main.go"));
  watcher_.change({path("src/main.go")});
  loop_.drain();
  OpId copy = containers_.next();
  ASSERT_NE(copy, 0u);
  EXPECT_TRUE(containers_.ops().at(copy).copies.empty());
  EXPECT_EQ(containers_.ops().at(copy).deletes, std::vector<std::string>{"/app/src/main.go"});
}

TEST_F(DockerEngineTest, AChangeOutsideTheSyncsRebuildsAndRedeploys) {
  startWeb({sync(path("src"), "/app/src")});
  compose_.setState("web", running());
  loop_.drain();
  write("Dockerfile", "FROM scratch\nENV X=1\n");
  watcher_.change({path("Dockerfile")});
  loop_.drain();
  EXPECT_EQ(containers_.next(), 0u);
  EXPECT_THAT(logText(), HasSubstr("Falling back to a full build: Found file(s) not matching any "
                                   "sync (files: [" +
                                   path("Dockerfile") + "])"));
  ASSERT_NE(images_.running("app"), 0u);
  images_.finish("app", "app:tilt-2222222222222222");
  loop_.drain();
  OpId up = compose_.pending("up", "web");
  ASSERT_NE(up, 0u);
  EXPECT_EQ(compose_.commands().at(up).request.image, "app:tilt-2222222222222222");
}

TEST_F(DockerEngineTest, AFallBackOnFileRebuilds) {
  model::LiveUpdateStep fall;
  fall.kind = Kind::kFallBackOn;
  fall.files = {path("src/go.mod")};
  startWeb({fall, sync(path("src"), "/app/src")});
  compose_.setState("web", running());
  loop_.drain();
  write("src/go.mod", "module x\n");
  watcher_.change({path("src/go.mod")});
  loop_.drain();
  EXPECT_THAT(logText(), HasSubstr("Detected change to stop file \"" + path("src/go.mod") + "\""));
  EXPECT_NE(images_.running("app"), 0u);
}

TEST_F(DockerEngineTest, AFailingRunStepIsAnErrorWithoutARebuild) {
  startWeb({sync(path("src"), "/app/src"), run({"make"})});
  compose_.setState("web", running());
  loop_.drain();
  watcher_.change({path("src/main.go")});
  loop_.drain();
  containers_.finish(containers_.next());
  loop_.drain();
  containers_.finishExec(containers_.next(), 2, {"make: *** [all] Error 2"});
  loop_.drain();
  EXPECT_EQ(field("web", "update_status"), "error");
  EXPECT_EQ(field("web", "error"),
            "executing on container 0123456789ab: command \"make\" failed with exit code: 2");
  EXPECT_EQ(images_.buildCount("app"), 1);
}

TEST_F(DockerEngineTest, AFailedCopyFallsBackToAFullBuild) {
  startWeb({sync(path("src"), "/app/src")});
  compose_.setState("web", running());
  loop_.drain();
  watcher_.change({path("src/main.go")});
  loop_.drain();
  containers_.finish(containers_.next(), "no such container");
  loop_.drain();
  EXPECT_NE(images_.running("app"), 0u);
  EXPECT_THAT(logText(), HasSubstr("no such container"));
}

TEST_F(DockerEngineTest, RestartContainerRestartsAfterTheCopyAndHidesTheTransientExit) {
  model::LiveUpdateStep restart;
  restart.kind = Kind::kRestartContainer;
  startWeb({sync(path("src"), "/app/src"), restart});
  compose_.setState("web", running());
  loop_.drain();
  watcher_.change({path("src/main.go")});
  loop_.drain();
  containers_.finish(containers_.next());
  loop_.drain();
  OpId op = containers_.next();
  ASSERT_NE(op, 0u);
  EXPECT_EQ(containers_.ops().at(op).verb, "restart");
  ContainerState stopped = running();
  stopped.status = "exited";
  stopped.exit_code = 137;
  compose_.setState("web", stopped);
  loop_.drain();
  EXPECT_NE(field("web", "runtime_status"), "error");
  containers_.finish(op);
  compose_.setState("web", running());
  loop_.drain();
  EXPECT_EQ(field("web", "update_status"), "ok");
  EXPECT_EQ(field("web", "runtime_status"), "ok");
}

TEST_F(DockerEngineTest, AnUnchangedImageSkipsTheDeploy) {
  startWeb();
  compose_.setState("web", running());
  loop_.drain();
  ASSERT_TRUE(engine_->trigger("web"));
  loop_.drain();
  images_.finish("app", "app:tilt-1111111111111111");
  loop_.drain();
  EXPECT_EQ(compose_.count("up", "web"), 1);
  EXPECT_EQ(field("web", "update_status"), "ok");
  EXPECT_THAT(logText(), HasSubstr("deploy skipped"));
}

TEST_F(DockerEngineTest, ImagesBuildAfterTheImagesTheyAreBuiltFrom) {
  make();
  model::ImageTarget app = image("app");
  app.image_deps = {"base"};
  load({service("web", {"app"})}, 3, {image("base"), app});
  EXPECT_EQ(images_.running("app"), 0u);
  images_.finish("base", "base:tilt-aaaaaaaaaaaaaaaa");
  loop_.drain();
  OpId build = images_.running("app");
  ASSERT_NE(build, 0u);
  EXPECT_EQ(images_.builds().at(build).request.built_deps.at("base"), "base:tilt-aaaaaaaaaaaaaaaa");
}

TEST_F(DockerEngineTest, OnlyTheChangedImageAndItsDependentsRebuild) {
  make();
  model::ImageTarget app = image("app");
  app.image_deps = {"base"};
  model::ImageTarget base = image("base");
  base.context = path("src");
  app.context = path("Dockerfile");  // a context of its own, apart from base's
  load({service("web", {"app"})}, 3, {base, app});
  images_.finish("base", "base:tilt-aaaaaaaaaaaaaaaa");
  loop_.drain();
  images_.finish("app", "app:tilt-1111111111111111");
  loop_.drain();
  compose_.finish(compose_.pending("up", "web"));
  loop_.drain();
  watcher_.change({path("Dockerfile")});
  loop_.drain();
  EXPECT_EQ(images_.running("base"), 0u);
  EXPECT_NE(images_.running("app"), 0u);
  images_.finish("app", "app:tilt-3333333333333333");
  loop_.drain();
  watcher_.change({path("src/main.go")});
  loop_.drain();
  compose_.finish(compose_.pending("up", "web"));
  loop_.drain();
  EXPECT_NE(images_.running("base"), 0u);  // base changed: base, then app
  EXPECT_EQ(images_.buildCount("base"), 2);
}

TEST_F(DockerEngineTest, DisablingRemovesTheContainerAndEnablingBringsItBack) {
  startWeb();
  compose_.setState("web", running());
  loop_.drain();
  ASSERT_TRUE(engine_->setDisabled({"web"}, true));
  loop_.drain();
  EXPECT_NE(compose_.pending("rm", "web"), 0u);
  EXPECT_EQ(compose_.watchers("web"), 0);
  ASSERT_TRUE(engine_->setDisabled({"web"}, false));
  loop_.drain();
  EXPECT_NE(images_.running("app"), 0u);
}

TEST_F(DockerEngineTest, ShutdownLeavesTheContainersRunning) {
  startWeb();
  compose_.setState("web", running());
  loop_.drain();
  bool done = false;
  engine_->shutdown([&] { done = true; });
  loop_.drain();
  EXPECT_TRUE(done);
  EXPECT_EQ(compose_.count("rm", "web"), 0);
  EXPECT_EQ(compose_.count("down", "web"), 0);
}

TEST_F(DockerEngineTest, InitialSyncCopiesTheSyncsOnceIntoANewContainer) {
  model::LiveUpdateStep initial;
  initial.kind = Kind::kInitialSync;
  startWeb({initial, sync(path("src"), "/app/src")});
  compose_.setState("web", running());
  loop_.drain();
  OpId copy = containers_.next();
  ASSERT_NE(copy, 0u);
  ASSERT_EQ(containers_.ops().at(copy).copies.size(), 1u);
  EXPECT_EQ(containers_.ops().at(copy).copies[0].local, path("src"));
  EXPECT_EQ(containers_.ops().at(copy).copies[0].remote, "/app/src");
  containers_.finish(copy);
  compose_.setState("web", running("healthy"));
  loop_.drain();
  EXPECT_EQ(containers_.next(), 0u);
  EXPECT_EQ(containers_.ops().size(), 1u);
}

TEST_F(DockerEngineTest, TheImageContextIsWatchedWithItsIgnores) {
  make();
  model::ImageTarget app = image("app");
  app.context_ignore = {path("node_modules")};
  load({service("web", {"app"})}, 3, {app});
  bool found = false;
  for (const auto& spec : watcher_.specs()) {
    if (spec.paths == std::vector<std::string>{dir_.string()}) {
      found = true;
      EXPECT_THAT(spec.ignore, ::testing::Contains(path("node_modules")));
    }
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace slant::engine
