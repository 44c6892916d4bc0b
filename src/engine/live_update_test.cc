#include "engine/live_update.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

namespace slant::engine {
namespace {

using Kind = model::LiveUpdateStep::Kind;

model::LiveUpdateStep sync(std::string local, std::string remote) {
  model::LiveUpdateStep s;
  s.kind = Kind::kSync;
  s.local = std::move(local);
  s.remote = std::move(remote);
  return s;
}

model::LiveUpdateStep run(std::string cmd, std::vector<std::string> trigger = {}) {
  model::LiveUpdateStep s;
  s.kind = Kind::kRun;
  s.cmd = {"sh", "-c", std::move(cmd)};
  s.trigger = std::move(trigger);
  return s;
}

auto existing(std::set<std::string> files) {
  return [files = std::move(files)](const std::string& p) { return files.contains(p); };
}

TEST(LiveUpdatePlan, MapsEachFileToTheRemotePathOfItsSync) {
  auto plan = planLiveUpdate({sync("/src", "/app")}, {"/src/a.go", "/src/pkg/b.go"},
                             existing({"/src/a.go", "/src/pkg/b.go"}));
  EXPECT_EQ(plan.fall_back, "");
  ASSERT_EQ(plan.copies.size(), 2u);
  EXPECT_EQ(plan.copies[0].remote, "/app/a.go");
  EXPECT_EQ(plan.copies[1].remote, "/app/pkg/b.go");
}

TEST(LiveUpdatePlan, TheMostSpecificSyncWins) {
  auto plan = planLiveUpdate({sync("/src", "/app"), sync("/src/static", "/www")},
                             {"/src/static/i.css"}, existing({"/src/static/i.css"}));
  ASSERT_EQ(plan.copies.size(), 1u);
  EXPECT_EQ(plan.copies[0].remote, "/www/i.css");
}

TEST(LiveUpdatePlan, AFileThatIsGoneIsDeleted) {
  auto plan = planLiveUpdate({sync("/src", "/app")}, {"/src/old.go"}, existing({}));
  EXPECT_TRUE(plan.copies.empty());
  EXPECT_EQ(plan.deletes, std::vector<std::string>{"/app/old.go"});
}

TEST(LiveUpdatePlan, AFileOutsideEverySyncFallsBackInTiltsWords) {
  auto plan = planLiveUpdate({sync("/src", "/app")}, {"/src/a.go", "/Dockerfile"},
                             existing({"/src/a.go", "/Dockerfile"}));
  EXPECT_EQ(plan.fall_back, "Found file(s) not matching any sync (files: [/Dockerfile])");
  EXPECT_TRUE(plan.copies.empty());
}

TEST(LiveUpdatePlan, AFallBackOnFileFallsBack) {
  model::LiveUpdateStep fall;
  fall.kind = Kind::kFallBackOn;
  fall.files = {"/src/package.json"};
  auto plan = planLiveUpdate({fall, sync("/src", "/app")}, {"/src/package.json"},
                             existing({"/src/package.json"}));
  EXPECT_EQ(plan.fall_back, "Detected change to stop file \"/src/package.json\"");
}

TEST(LiveUpdatePlan, RunStepsRunWhenTheirTriggerMatches) {
  auto plan = planLiveUpdate(
      {sync("/src", "/app"), run("always"), run("deps", {"/src/go.mod"}), run("never", {"/x"})},
      {"/src/go.mod"}, existing({"/src/go.mod"}));
  ASSERT_EQ(plan.runs.size(), 2u);
  EXPECT_EQ(plan.runs[0].cmd[2], "always");
  EXPECT_EQ(plan.runs[1].cmd[2], "deps");
  EXPECT_FALSE(plan.restart);
}

TEST(LiveUpdatePlan, RestartContainerIsPlanned) {
  model::LiveUpdateStep restart;
  restart.kind = Kind::kRestartContainer;
  auto plan = planLiveUpdate({sync("/src", "/app"), restart}, {"/src/a"}, existing({"/src/a"}));
  EXPECT_TRUE(plan.restart);
}

TEST(LiveUpdatePlan, ASyncOfTheRootMapsBelowTheRemote) {
  auto plan = planLiveUpdate({sync("/", "/app")}, {"/a/b"}, existing({"/a/b"}));
  ASSERT_EQ(plan.copies.size(), 1u);
  EXPECT_EQ(plan.copies[0].remote, "/app/a/b");
}

TEST(FileChangeList, ShowsAtMostThreeNames) {
  EXPECT_EQ(fileChangeList({"a", "b"}), "[a b]");
  EXPECT_EQ(fileChangeList({"a", "b", "c", "d"}), "[a b c ...]");
}

}  // namespace
}  // namespace slant::engine
