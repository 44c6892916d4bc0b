// Tests of the live_update steps and their validation (internal/tiltfile/live_update.go and
// live_update_test.go in Tilt), and of the checks that need the assembled resources.
#include "tiltfile/live_update.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tiltfile/build.h"
#include "tiltfile/tiltfile_test_util.h"

namespace slant::tiltfile {
namespace {

using ::testing::HasSubstr;
using Kind = model::LiveUpdateStep::Kind;
using Strings = std::vector<std::string>;

// A Tiltfile that builds gcr.io/foo from foo/ with the given live_update list.
std::string withSteps(std::string_view steps) {
  return "docker_build('gcr.io/foo', 'foo', live_update=" + std::string(steps) + ")\n";
}

class LiveUpdateTest : public TiltfileTest {
 protected:
  LiveUpdateTest() { file("foo/Dockerfile", "FROM alpine\n"); }

  std::vector<model::LiveUpdateStep> steps(std::string_view list) {
    file("Tiltfile", withSteps(list));
    model::Project p = loadOk();
    if (p.images.size() != 1) {
      ADD_FAILURE() << "expected one image";
      return {};
    }
    return p.images[0].live_update;
  }
  std::string error(std::string_view list) {
    file("Tiltfile", withSteps(list));
    return loadError();
  }
};

TEST_F(LiveUpdateTest, StepsBecomeModelStepsWithAbsolutePaths) {
  auto s = steps(
      "[fall_back_on(['foo/i', 'foo/j']), sync('foo/b', '/c'), "
      "run('f', trigger=['g', 'h']), run(['make', 'x'], echo_off=True)]");
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[0].kind, Kind::kFallBackOn);
  EXPECT_EQ(s[0].files, (Strings{path("foo/i"), path("foo/j")}));
  EXPECT_EQ(s[1].kind, Kind::kSync);
  EXPECT_EQ(s[1].local, path("foo/b"));
  EXPECT_EQ(s[1].remote, "/c");
  EXPECT_EQ(s[2].kind, Kind::kRun);
  EXPECT_EQ(s[2].cmd, (Strings{"sh", "-c", "f"}));
  EXPECT_EQ(s[2].trigger, (Strings{path("g"), path("h")}));
  EXPECT_FALSE(s[2].echo_off);
  EXPECT_EQ(s[3].cmd, (Strings{"make", "x"}));
  EXPECT_TRUE(s[3].trigger.empty());
  EXPECT_TRUE(s[3].echo_off);
}

TEST_F(LiveUpdateTest, InitialSyncComesFirstAndRestartContainerLast) {
  auto s = steps("[initial_sync(), sync('foo', '/app'), run('npm install'), restart_container()]");
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[0].kind, Kind::kInitialSync);
  EXPECT_EQ(s[3].kind, Kind::kRestartContainer);
  EXPECT_TRUE(restartsContainer(s));
}

TEST_F(LiveUpdateTest, ASingleStepNeedNotBeInAList) {
  auto s = steps("sync('foo', '/app')");
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].kind, Kind::kSync);
}

TEST_F(LiveUpdateTest, StepOrderIsEnforced) {
  EXPECT_THAT(error("[sync('foo', '/app'), initial_sync()]"),
              HasSubstr("live_update: initial_sync must appear at most once, at the start of the "
                        "list"));
  EXPECT_THAT(error("[initial_sync(), initial_sync(), sync('foo', '/app')]"),
              HasSubstr("initial_sync must appear at most once, at the start of the list"));
  EXPECT_THAT(error("[restart_container(), sync('foo', '/baz')]"),
              HasSubstr("live_update: restart container is only valid as the last step"));
  EXPECT_THAT(error("[run('quu'), sync('foo', '/baz')]"),
              HasSubstr("live_update: all sync steps must precede all run steps"));
  EXPECT_THAT(error("[sync('foo', '/baz'), fall_back_on('foo/x')]"),
              HasSubstr("live_update: fall_back_on steps must appear at the start of the list"));
}

TEST_F(LiveUpdateTest, SyncDestinationsMustBeAbsolute) {
  EXPECT_THAT(error("[sync('foo', 'baz')]"),
              HasSubstr("live_update: spec.syncs[0]: Invalid value: \"baz\": sync destination is "
                        "not absolute"));
  EXPECT_THAT(error("[sync('foo', 'a'), sync('foo', 'b')]"),
              HasSubstr("live_update: [spec.syncs[0]: Invalid value: \"a\": sync destination is "
                        "not absolute, spec.syncs[1]: Invalid value: \"b\": sync destination is "
                        "not absolute]"));
}

TEST_F(LiveUpdateTest, ALiveUpdateNeedsASyncOrARun) {
  EXPECT_THAT(error("[fall_back_on('foo/x'), restart_container()]"),
              HasSubstr("must contain at least 1 sync or 1 exec to run on live update"));
}

TEST_F(LiveUpdateTest, OnlyStepsMayBeInTheList) {
  EXPECT_THAT(error("['quu', sync('bar', '/baz')]"),
              HasSubstr("'steps' must be a list of live update steps - got value '\"quu\"' of "
                        "type 'string'"));
}

TEST_F(LiveUpdateTest, StepArgumentErrorsAreTilts) {
  EXPECT_THAT(error("[fall_back_on(4), sync('bar', '/baz')]"),
              HasSubstr("fall_back_on: for parameter paths: value should be a string or List or "
                        "Tuple of strings, but is of type int"));
  EXPECT_THAT(error("[run('bar', trigger=[4])]"),
              HasSubstr("run cmd 'bar' triggers contained value '4' of type 'int'. it may only "
                        "contain strings"));
  EXPECT_THAT(error("[sync('bar')]"), HasSubstr("sync: missing argument for remote_path"));
  EXPECT_THAT(error("[restart_container(1)]"),
              HasSubstr("restart_container: got 1 arguments, want at most 0"));
}

TEST_F(LiveUpdateTest, StepsAreValuesOfTheirOwnTypes) {
  file("Tiltfile",
       "s = sync('src', '/app')\n"
       "print(type(s), s)\n"
       "r = run('make', trigger='Makefile')\n"
       "print(type(r), r)\n"
       "print(type(initial_sync()), type(fall_back_on('x')), type(restart_container()))\n"
       "docker_build('gcr.io/foo', 'foo', live_update=[s, r])\n");
  LoadResult r = load();
  // initial_sync(), fall_back_on() and restart_container() above are never used.
  ASSERT_TRUE(r.error.has_value());
  EXPECT_THAT(logText(),
              HasSubstr("live_update_sync_step sync step: '" + path("src") + "'->'/app'"));
  EXPECT_THAT(logText(), HasSubstr("live_update_run_step run step: \"make\" (triggers: Makefile)"));
  EXPECT_THAT(logText(), HasSubstr("live_update_initial_sync_step live_update_fall_back_on_step "
                                   "live_update_restart_container_step"));
}

TEST_F(LiveUpdateTest, AStepThatIsNeverUsedIsAnError) {
  file("Tiltfile", "restart_container()");
  std::string err = loadError();
  EXPECT_THAT(err, HasSubstr("found 1 live_update steps that were created but not used in a "
                             "live_update:\n" +
                             path("Tiltfile") +
                             ":1:18: value 'restart_container step' of type "
                             "'live_update_restart_container_step'"));
}

TEST_F(LiveUpdateTest, StepsMadeInALoadedFileResolveThere) {
  file("lib/Tiltfile", "STEPS = [sync('src', '/app'), run('x', trigger=['t'])]\n");
  file("Tiltfile", "load('lib/Tiltfile', 'STEPS')\n" + withSteps("STEPS"));
  model::Project p = loadOk();
  ASSERT_EQ(p.images.size(), 1u);
  ASSERT_EQ(p.images[0].live_update.size(), 2u);
  EXPECT_EQ(p.images[0].live_update[0].local, path("lib/src"));
  // Tilt resolves run triggers against the Tiltfile that uses the steps.
  EXPECT_EQ(p.images[0].live_update[1].trigger, Strings{path("t")});
}

TEST_F(LiveUpdateTest, CustomBuildTakesALiveUpdateToo) {
  file("Tiltfile",
       "custom_build('foo', 'docker build -t $TAG foo', ['foo'],\n"
       "  live_update=[sync('foo/b', '/c'), run('f')])\n");
  model::Project p = loadOk();
  ASSERT_EQ(p.images.size(), 1u);
  ASSERT_EQ(p.images[0].live_update.size(), 2u);
  EXPECT_EQ(p.images[0].live_update[0].local, path("foo/b"));
}

// ---- checks after assembly --------------------------------------------------------------------

model::LiveUpdateStep syncStep(std::string local) {
  model::LiveUpdateStep s;
  s.kind = Kind::kSync;
  s.local = std::move(local);
  s.remote = "/app";
  return s;
}

model::LiveUpdateStep fallBackStep(std::string file) {
  model::LiveUpdateStep s;
  s.kind = Kind::kFallBackOn;
  s.files = {std::move(file)};
  return s;
}

TEST(CheckLiveUpdatePaths, SyncSourcesMustBeUnderAWatchedPath) {
  EXPECT_TRUE(checkLiveUpdatePaths({syncStep("/p/foo/src")}, {"/p/foo"}).has_value());
  EXPECT_TRUE(checkLiveUpdatePaths({syncStep("/p/foo")}, {"/p/foo"}).has_value());
  auto r = checkLiveUpdatePaths({syncStep("/p/foobar")}, {"/p/a", "/p/foo"});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message(),
            "sync step source '/p/foobar' is not a child of any watched filepaths ([/p/a /p/foo])");
}

TEST(CheckLiveUpdatePaths, FallBackOnPathsMustBeUnderAWatchedPath) {
  auto r = checkLiveUpdatePaths({fallBackStep("/p/bar"), syncStep("/p/foo/bar")}, {"/p/foo"});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message(),
            "fall_back_on paths '/p/bar' is not a child of any watched filepaths ([/p/foo])");
}

class CheckLiveUpdatesTest : public ::testing::Test {
 protected:
  CheckLiveUpdatesTest() : st(Options{}) {}

  model::ImageTarget& addImage(std::string ref, std::string context) {
    model::ImageTarget img;
    img.ref = std::move(ref);
    img.context = std::move(context);
    img.docker = model::DockerBuild{};
    st.project.images.push_back(std::move(img));
    return st.project.images.back();
  }
  void addResource(std::string name, model::ResourceType type, Strings refs) {
    model::Resource r;
    r.name = std::move(name);
    r.type = type;
    r.image_refs = std::move(refs);
    st.project.resources.push_back(std::move(r));
  }

  State st;
};

TEST_F(CheckLiveUpdatesTest, RestartContainerIsDeprecatedForKubernetesResources) {
  model::LiveUpdateStep restart;
  restart.kind = Kind::kRestartContainer;
  addImage("gcr.io/a", "/p/a").live_update = {syncStep("/p/a"), restart};
  addImage("gcr.io/b", "/p/b");
  addImage("gcr.io/c", "/p/c").live_update = {syncStep("/p/c"), restart};
  addResource("a", model::ResourceType::kK8s, {"gcr.io/a"});
  addResource("b", model::ResourceType::kK8s, {"gcr.io/b"});
  addResource("c", model::ResourceType::kK8s, {"gcr.io/c"});
  auto r = checkLiveUpdates(st);
  ASSERT_FALSE(r.has_value());
  EXPECT_THAT(r.error().message(),
              HasSubstr("Found `restart_container()` LiveUpdate step in resource(s): [a, c]. "
                        "`restart_container()`  has been deprecated for k8s resources."));
}

TEST_F(CheckLiveUpdatesTest, RestartContainerIsFineForComposeServices) {
  model::LiveUpdateStep restart;
  restart.kind = Kind::kRestartContainer;
  addImage("gcr.io/a", "/p/a").live_update = {syncStep("/p/a"), restart};
  addResource("a", model::ResourceType::kDc, {"gcr.io/a"});
  EXPECT_TRUE(checkLiveUpdates(st).has_value());
}

TEST_F(CheckLiveUpdatesTest, SyncsMayComeFromTheImagesADeployedImageIsBuiltFrom) {
  addImage("gcr.io/image-a", "/p/a");
  model::ImageTarget& b = addImage("gcr.io/image-b", "/p/b");
  b.image_deps = {"gcr.io/image-a"};
  b.live_update = {syncStep("/p/a/message.txt")};
  addResource("foo", model::ResourceType::kK8s, {"gcr.io/image-b"});
  EXPECT_TRUE(checkLiveUpdates(st).has_value());

  st.project.images[1].live_update = {syncStep("/p/elsewhere")};
  auto r = checkLiveUpdates(st);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message(),
            "sync step source '/p/elsewhere' is not a child of any watched filepaths ([/p/a "
            "/p/b])");
}

TEST_F(CheckLiveUpdatesTest, CustomBuildsWatchTheirDeps) {
  model::ImageTarget& img = addImage("gcr.io/foo", "/p");
  img.docker.reset();
  img.custom = model::CustomBuild{};
  img.custom->deps = {"/p/foo"};
  img.live_update = {syncStep("/p/bar")};
  addResource("foo", model::ResourceType::kK8s, {"gcr.io/foo"});
  auto r = checkLiveUpdates(st);
  ASSERT_FALSE(r.has_value());
  EXPECT_THAT(r.error().message(), HasSubstr("sync step source '/p/bar' is not a child of any "
                                             "watched filepaths ([/p/foo])"));
}

TEST_F(CheckLiveUpdatesTest, UndeployedImagesAreNotChecked) {
  addImage("gcr.io/foo", "/p/foo").live_update = {syncStep("/p/bar")};
  EXPECT_TRUE(checkLiveUpdates(st).has_value());
}

}  // namespace
}  // namespace slant::tiltfile
