#include "engine/engine.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/engine_test_util.h"

namespace slant::engine {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace std::chrono_literals;
using testing::EngineTest;
using testing::local;
using testing::sh;

TEST_F(EngineTest, RunsACmdAfterTheTiltfileLoads) {
  make();
  EXPECT_TRUE(tiltfile_.busy());
  EXPECT_EQ(field("(Tiltfile)", "update_status"), "in_progress");
  load({local("build", "make build")});
  EXPECT_EQ(field("(Tiltfile)", "update_status"), "ok");
  EXPECT_EQ(field("build", "update_status"), "in_progress");
  procs_.print(procs_.find("make build"), "compiling");
  exitOk("make build");
  EXPECT_EQ(field("build", "update_status"), "ok");
  EXPECT_EQ(field("build", "runtime_status"), "not_applicable");
  EXPECT_TRUE((*engine_->resource("build"))["ready"].get<bool>());
  EXPECT_THAT(logText(), HasSubstr("(Tiltfile): Loading Tiltfile at: /w/Tiltfile\n"));
  EXPECT_THAT(logText(), HasSubstr("build: Initial Build\nbuild: Running cmd: make build\n"
                                   "build: compiling\n"));
}

TEST_F(EngineTest, WaitsForDepsBeforeFirstUpdate) {
  make();
  auto api = local("api", "make api");
  api.resource_deps = {"db"};
  load({local("db", "make db"), api});
  EXPECT_EQ(procs_.startCount("make api"), 0);
  auto r = *engine_->resource("api");
  EXPECT_EQ(r["waiting"]["reason"], "waiting-for-dependencies");
  EXPECT_EQ(r["waiting"]["on"], nlohmann::json::array({"db"}));
  exitOk("make db");
  EXPECT_EQ(procs_.startCount("make api"), 1);
}

TEST_F(EngineTest, AFailedDependencyHoldsItsDependents) {
  make();
  auto api = local("api", "make api");
  api.resource_deps = {"db"};
  load({local("db", "make db"), api});
  procs_.exit(procs_.find("make db"), 2);
  loop_.drain();
  EXPECT_EQ(field("db", "update_status"), "error");
  EXPECT_EQ(field("db", "error"), "Command \"make db\" failed: exit status 2");
  EXPECT_EQ(procs_.startCount("make api"), 0);
}

TEST_F(EngineTest, ServeCmdWithAProbeIsReadyOnlyWhenTheProbePasses) {
  make();
  auto web = local("web", "", "serve");
  web.local->readiness_probe.emplace();
  auto client = local("client", "curl web");
  client.resource_deps = {"web"};
  load({web, client});
  EXPECT_EQ(procs_.running("serve").size(), 1u);
  EXPECT_EQ(field("web", "update_status"), "ok");
  EXPECT_EQ(field("web", "runtime_status"), "pending");
  EXPECT_EQ(procs_.startCount("curl web"), 0);
  ASSERT_EQ(prober_.running().size(), 1u);
  prober_.set(prober_.running()[0], true, "HTTP GET: 200");
  loop_.drain();
  EXPECT_EQ(field("web", "runtime_status"), "ok");
  EXPECT_EQ(procs_.startCount("curl web"), 1);
}

TEST_F(EngineTest, ServeCmdWithoutAProbeIsReadyWhenStarted) {
  make();
  auto client = local("client", "curl web");
  client.resource_deps = {"web"};
  load({local("web", "", "serve"), client});
  EXPECT_EQ(field("web", "runtime_status"), "ok");
  EXPECT_EQ(procs_.startCount("curl web"), 1);
}

TEST_F(EngineTest, ACrashedServeCmdIsAnErrorOnItsResourceAndIsNotRestarted) {
  make();
  load({local("web", "", "serve")});
  procs_.exit(procs_.find("serve"), 3);
  loop_.drain();
  EXPECT_EQ(field("web", "runtime_status"), "error");
  EXPECT_EQ(field("web", "error"), "serve_cmd exited: exit status 3");
  EXPECT_EQ(procs_.startCount("serve"), 1);
}

TEST_F(EngineTest, FileChangeRerunsCmdThenRestartsServe) {
  make();
  auto app = local("app", "make", "./server");
  app.local->deps = {"/w/src"};
  load({app});
  exitOk("make");
  ProcessId first_server = procs_.find("./server");
  ASSERT_NE(first_server, 0u);
  ASSERT_EQ(watcher_.specs().size(), 2u);  // the config files and app's deps

  watcher_.change({"/w/src/main.c", "/w/other.txt"});
  loop_.drain();
  EXPECT_EQ(procs_.startCount("make"), 2);
  EXPECT_TRUE(procs_.processes().at(first_server).running);  // until the cmd succeeds
  EXPECT_THAT(logText(), HasSubstr("app: 1 File Changed: [/w/src/main.c]\n"));
  exitOk("make");
  EXPECT_TRUE(procs_.processes().at(first_server).stop_requested);
  EXPECT_EQ(procs_.startCount("./server"), 2);
  auto history = (*engine_->resource("app"))["build_history"];
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0]["reason"], "Changed Files");
  EXPECT_EQ(history[0]["edits"], nlohmann::json::array({"/w/src/main.c"}));
}

TEST_F(EngineTest, ChangesDuringAnUpdateQueueOneMoreUpdate) {
  make();
  auto app = local("app", "make");
  app.local->deps = {"/w/src"};
  load({app});
  watcher_.change({"/w/src/a.c"});
  watcher_.change({"/w/src/b.c"});
  loop_.drain();
  EXPECT_EQ(procs_.startCount("make"), 1);
  exitOk("make");
  EXPECT_EQ(procs_.startCount("make"), 2);
  auto current = (*engine_->resource("app"))["current_build"];
  EXPECT_EQ(current["edits"], nlohmann::json::array({"/w/src/a.c", "/w/src/b.c"}));
}

TEST_F(EngineTest, ManualResourcesOnlyCollectPendingFilesUntilTriggered) {
  make();
  auto app = local("app", "make");
  app.local->deps = {"/w/src"};
  app.trigger_mode = model::TriggerMode::kManual;
  load({app});
  exitOk("make");  // the initial update still runs (auto_init=True)
  watcher_.change({"/w/src/a.c"});
  loop_.drain();
  EXPECT_EQ(procs_.startCount("make"), 1);
  EXPECT_EQ((*engine_->resource("app"))["pending_files"], nlohmann::json::array({"/w/src/a.c"}));
  ASSERT_TRUE(engine_->trigger("app"));
  loop_.drain();
  EXPECT_EQ(procs_.startCount("make"), 2);
  EXPECT_EQ((*engine_->resource("app"))["current_build"]["reason"], "Manual Trigger");
}

TEST_F(EngineTest, AutoInitFalseWaitsForATrigger) {
  make();
  auto button = local("button", "deploy");
  button.auto_init = false;
  load({button});
  EXPECT_EQ(procs_.startCount("deploy"), 0);
  EXPECT_EQ(field("button", "update_status"), "none");
  EXPECT_FALSE(engine_->trigger("nope"));
  EXPECT_EQ(engine_->trigger("nope").error(), "no such resource \"nope\"");
  ASSERT_TRUE(engine_->trigger("button"));
  loop_.drain();
  EXPECT_EQ(procs_.startCount("deploy"), 1);
}

TEST_F(EngineTest, MaxParallelUpdatesLimitsConcurrentUpdates) {
  make();
  std::vector<model::Resource> rs;
  for (int i = 0; i < 5; ++i) {
    rs.push_back(local("r" + std::to_string(i), "job" + std::to_string(i)));
    rs.back().local->allow_parallel = true;
  }
  load(rs, /*max_parallel=*/2);
  EXPECT_EQ(procs_.running("job").size(), 2u);
  EXPECT_EQ((*engine_->resource("r4"))["waiting"]["reason"], "waiting-for-parallelism");
  exitOk("job0");
  EXPECT_EQ(procs_.running("job").size(), 2u);
  EXPECT_EQ(procs_.startCount("job2"), 1);
}

TEST_F(EngineTest, ManyStartsAreSpreadOverLoopTurns) {
  make();
  std::vector<model::Resource> rs;
  for (int i = 0; i < 40; ++i) rs.push_back(local("r" + std::to_string(i), "", "serve"));
  TiltfileResult result;
  for (const auto& r : rs) result.project.enabled_resources.push_back(r.name);
  result.project.resources = rs;
  result.project.settings.max_parallel_updates = 100;
  tiltfile_.finish(std::move(result));
  // One posted pass starts a bounded number; draining the loop starts the rest.
  std::size_t posted_passes = 0;
  while (procs_.running("serve").size() < 40 && posted_passes < 10) {
    loop_.drainOne();
    ++posted_passes;
  }
  EXPECT_EQ(procs_.running("serve").size(), 40u);
  EXPECT_GT(posted_passes, 2u);
}

TEST_F(EngineTest, ALocalCmdWithoutAllowParallelRunsAlone) {
  make();
  auto a = local("a", "job-a");
  auto b = local("b", "job-b");
  auto c = local("c", "job-c");
  c.local->allow_parallel = true;
  load({a, b, c});
  EXPECT_EQ(procs_.running("job").size(), 1u);
  EXPECT_EQ((*engine_->resource("b"))["waiting"]["reason"], "waiting-for-local");
  exitOk("job-a");
  EXPECT_EQ(procs_.running("job").size(), 1u);
  exitOk("job-b");
  EXPECT_EQ(procs_.startCount("job-c"), 1);
}

TEST_F(EngineTest, ATiltfileErrorKeepsTheLastGoodModelRunning) {
  make();
  load({local("web", "", "serve")});
  watcher_.change({"/w/Tiltfile"});
  loop_.drain();
  ASSERT_TRUE(tiltfile_.busy());
  loadError("/w/Tiltfile:3:1: undefined: foo");
  EXPECT_EQ(field("(Tiltfile)", "update_status"), "error");
  EXPECT_EQ(field("(Tiltfile)", "error"), "/w/Tiltfile:3:1: undefined: foo");
  EXPECT_EQ(procs_.running("serve").size(), 1u);
  EXPECT_EQ(field("web", "runtime_status"), "ok");
  EXPECT_THAT(logText(), HasSubstr("the last good configuration keeps running"));
  // Fixing the file re-executes it and clears the error.
  watcher_.change({"/w/Tiltfile"});
  loop_.drain();
  load({local("web", "", "serve")});
  EXPECT_EQ(field("(Tiltfile)", "update_status"), "ok");
  EXPECT_EQ(procs_.startCount("serve"), 1);
}

TEST_F(EngineTest, AReloadUpdatesOnlyChangedResources) {
  make();
  load({local("same", "", "serve-same"), local("changed", "", "serve-v1"),
        local("removed", "", "serve-removed")});
  watcher_.change({"/w/Tiltfile"});
  loop_.drain();
  load({local("same", "", "serve-same"), local("changed", "", "serve-v2"),
        local("added", "", "serve-added")});
  EXPECT_EQ(procs_.startCount("serve-same"), 1);
  EXPECT_EQ(procs_.running("serve-same").size(), 1u);
  EXPECT_EQ(procs_.running("serve-v1").size(), 0u);
  EXPECT_EQ(procs_.running("serve-v2").size(), 1u);
  EXPECT_EQ(procs_.running("serve-removed").size(), 0u);
  EXPECT_EQ(procs_.running("serve-added").size(), 1u);
  EXPECT_THAT(engine_->resourceNames(), ElementsAre("(Tiltfile)", "same", "changed", "added"));
  EXPECT_EQ((*engine_->resource("changed"))["build_history"][0]["reason"], "Config Changed");
}

TEST_F(EngineTest, ConfigChangesDuringAnExecutionRunItAgain) {
  make();
  watcher_.change({"/w/Tiltfile"});  // no watch yet: the first execution has not finished
  load({local("a", "x")});
  watcher_.change({"/w/Tiltfile"});
  loop_.drain();
  watcher_.change({"/w/Tiltfile"});
  loop_.drain();
  load({local("a", "x")});
  EXPECT_TRUE(tiltfile_.busy());
  EXPECT_EQ(tiltfile_.requests().size(), 3u);
}

TEST_F(EngineTest, NothingStartsWhileTheTiltfileExecutes) {
  make();
  auto app = local("app", "make");
  app.local->deps = {"/w/src"};
  load({app});
  exitOk("make");
  watcher_.change({"/w/Tiltfile", "/w/src/a.c"});
  loop_.drain();
  EXPECT_EQ(procs_.startCount("make"), 1);
  EXPECT_EQ((*engine_->resource("app"))["waiting"]["reason"], "waiting-for-tiltfile");
  load({app});
  EXPECT_EQ(procs_.startCount("make"), 2);
}

TEST_F(EngineTest, DisablingStopsAResourceAndEnablingRunsItAgain) {
  make();
  load({local("web", "", "serve")});
  ASSERT_TRUE(engine_->setDisabled({"web"}, true));
  loop_.drain();
  EXPECT_EQ(procs_.running("serve").size(), 0u);
  EXPECT_TRUE((*engine_->resource("web"))["disabled"].get<bool>());
  EXPECT_EQ(engine_->trigger("web").error(), "resource \"web\" is disabled");
  EXPECT_EQ(engine_->setDisabled({"web", "nope"}, false).error(), "no such resource \"nope\"");
  ASSERT_TRUE(engine_->setDisabled({"web"}, false));
  loop_.drain();
  EXPECT_EQ(procs_.running("serve").size(), 1u);
}

TEST_F(EngineTest, ResourcesTheTiltfileDoesNotEnableDoNotRun) {
  make();
  TiltfileResult result;
  result.project.resources = {local("a", "job-a"), local("b", "job-b")};
  result.project.enabled_resources = {"b"};
  tiltfile_.finish(std::move(result));
  loop_.drain();
  EXPECT_EQ(procs_.startCount("job-a"), 0);
  EXPECT_EQ(procs_.startCount("job-b"), 1);
  EXPECT_TRUE((*engine_->resource("a"))["disabled"].get<bool>());
}

TEST_F(EngineTest, ShutdownStopsEveryProcessAndWaitsForThem) {
  make();
  load({local("web", "", "serve"), local("job", "long-job")});
  bool done = false;
  engine_->shutdown([&] { done = true; });
  loop_.drain();
  EXPECT_TRUE(done);
  EXPECT_TRUE(procs_.running().empty());
  EXPECT_TRUE(watcher_.specs().empty());
}

TEST_F(EngineTest, CiSucceedsWhenEveryResourceIsReady) {
  make(Mode::kCi);
  auto button = local("button", "never");
  button.auto_init = false;
  load({local("build", "make"), local("web", "", "serve"), button});
  EXPECT_FALSE(ci_);
  exitOk("make");
  ASSERT_TRUE(ci_);
  EXPECT_TRUE(ci_->success) << ci_->error;
}

TEST_F(EngineTest, CiFailsOnTheFirstFailedResourceWithItsLastLogLines) {
  make(Mode::kCi);
  load({local("build", "make")});
  procs_.print(procs_.find("make"), "main.c:1: syntax error");
  procs_.exit(procs_.find("make"), 2);
  loop_.drain();
  ASSERT_TRUE(ci_);
  EXPECT_FALSE(ci_->success);
  EXPECT_EQ(ci_->resource, "build");
  EXPECT_THAT(ci_->error, HasSubstr("Command \"make\" failed: exit status 2"));
  EXPECT_THAT(ci_->error, HasSubstr("  main.c:1: syntax error"));
}

TEST_F(EngineTest, CiFailsOnATiltfileError) {
  make(Mode::kCi);
  loadError("Traceback (most recent call last):\n  /w/Tiltfile:1:1: in <toplevel>\nError: boom");
  ASSERT_TRUE(ci_);
  EXPECT_FALSE(ci_->success);
  EXPECT_THAT(ci_->error, HasSubstr("Error: boom"));
}

TEST_F(EngineTest, CiTimesOutNamingTheResourcesStillWaiting) {
  make(Mode::kCi, 30s);
  auto api = local("api", "make api");
  api.resource_deps = {"db"};
  load({local("db", "make db"), api});
  loop_.advance(29s);
  EXPECT_FALSE(ci_);
  loop_.advance(2s);
  ASSERT_TRUE(ci_);
  EXPECT_EQ(ci_->error,
            "Timeout after 30s: 2 resources waiting (db in_progress,api waiting-for-dependencies)");
}

TEST_F(EngineTest, CiEnforcesTheReadinessTimeout) {
  make(Mode::kCi);
  auto web = local("web", "", "serve");
  web.local->readiness_probe.emplace();
  load({web});
  loop_.advance(5min - 1s);
  EXPECT_FALSE(ci_);
  loop_.advance(2s);
  ASSERT_TRUE(ci_);
  EXPECT_THAT(ci_->error,
              ::testing::StartsWith("Readiness timeout after 5m0s: target web not ready\n"
                                    "Last log lines of web:\n"));
}

TEST_F(EngineTest, CiWithNoResourcesFailsClearly) {
  make(Mode::kCi);
  load({});
  ASSERT_TRUE(ci_);
  EXPECT_FALSE(ci_->success);
  EXPECT_THAT(ci_->error, HasSubstr("no resources to run"));
}

TEST_F(EngineTest, ListenersHearChangesAndLogLines) {
  make();
  std::vector<std::string> changed;
  std::vector<std::string> lines;
  engine_->subscribe({[&](std::string_view r) { changed.emplace_back(r); },
                      [&](const LogLine& l) { lines.push_back(l.text); }});
  load({local("a", "x")});
  EXPECT_THAT(changed, ::testing::Contains("a"));
  EXPECT_THAT(lines, ::testing::Contains("Running cmd: x"));
}

TEST(GoDuration, FormatsAsGoDoes) {
  EXPECT_EQ(goDuration(30min), "30m0s");
  EXPECT_EQ(goDuration(90s), "1m30s");
  EXPECT_EQ(goDuration(5s), "5s");
  EXPECT_EQ(goDuration(1500ms), "1.5s");
  EXPECT_EQ(goDuration(200ms), "200ms");
  EXPECT_EQ(goDuration(2h), "2h0m0s");
  EXPECT_EQ(goDuration(0s), "0s");
}

}  // namespace
}  // namespace slant::engine
