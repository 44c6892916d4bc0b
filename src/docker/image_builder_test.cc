// Builds against the real Docker engine (skipped when none answers). Every image is built FROM
// scratch with a static busybox and named slant-test-<pid>-...; TearDown removes them all.
#include "docker/image_builder.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "docker/docker_test_util.h"
#include "exec/exec_test_util.h"
#include "exec/process_runner.h"

namespace slant::docker {
namespace {

using exec::runLoopUntil;
using testing::shell;
using testing::TempTree;

constexpr auto kBuildPatience = std::chrono::seconds(120);

class ImageBuilderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::string why = testing::dockerSkipReason(); !why.empty()) GTEST_SKIP() << why;
    prefix_ = "slant-test-" + std::to_string(::getpid());
    client_.emplace(loop_, *dockerHostFromEnv());
    runner_.emplace(loop_);
    builder_.emplace(loop_, *client_, *runner_);
    ASSERT_TRUE(shell("cp /bin/busybox " + tree_.path() +
                      "/ctx-busybox 2>/dev/null || cp "
                      "$(command -v busybox) " +
                      tree_.path() + "/ctx-busybox")
                    .second);
  }
  void TearDown() override {
    builder_.reset();
    runner_.reset();
    client_.reset();
    if (prefix_.empty()) return;
    shell("docker image ls --format '{{.Repository}}:{{.Tag}}' | grep '^" + prefix_ + "-" +
          "' | xargs -r docker rmi -f >/dev/null 2>&1");
  }

  // A context directory with busybox in it and `dockerfile` as its Dockerfile.
  std::string context(const std::string& name, const std::string& dockerfile) {
    std::string dir = tree_.mkdir(name);
    shell("cp " + tree_.path() + "/ctx-busybox " + dir + "/busybox");
    tree_.write(name + "/Dockerfile", dockerfile);
    return dir;
  }

  model::ImageTarget dockerTarget(const std::string& ref, const std::string& dir) {
    model::ImageTarget t;
    t.ref = prefix_ + "-" + ref;
    t.context = dir;
    t.docker.emplace();
    t.docker->dockerfile = dir + "/Dockerfile";
    return t;
  }

  struct Outcome {
    engine::ImageBuildResult result;
    std::vector<std::string> log;
    /// The build's log, for the message of a failed assertion.
    std::string logText() const {
      std::string text = "\n--- the build's log ---\n";
      for (const std::string& line : log) text += line + "\n";
      return text;
    }
  };

  Outcome build(const model::ImageTarget& t, std::map<std::string, std::string> deps = {}) {
    Outcome out;
    std::optional<engine::ImageBuildResult> result;
    builder_->build(
        {t, std::move(deps)}, [&](std::string_view line) { out.log.emplace_back(line); },
        [&](engine::ImageBuildResult r) { result = std::move(r); });
    EXPECT_TRUE(runLoopUntil(
        loop_, [&] { return result.has_value(); }, kBuildPatience))
        << "no result after " << kBuildPatience.count() << " s" << out.logText();
    if (result) out.result = std::move(*result);
    return out;
  }

  std::string label(const std::string& image, const std::string& key) {
    return shell("docker image inspect --format '{{index .Config.Labels \"" + key + "\"}}' " +
                 image)
        .first;
  }

  // Busybox in an image of its own: the label makes this process's layers its own, so that
  // another test process removing its images never removes a cached layer a build here uses.
  std::string busybox() const {
    return "FROM scratch\nLABEL slant.test=" + prefix_ +
           "\nCOPY busybox /bin/busybox\nRUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]\n";
  }

  engine::AsioLoop loop_;
  TempTree tree_;
  std::string prefix_;
  std::optional<Client> client_;
  std::optional<exec::LocalProcessRunner> runner_;
  std::optional<DockerImageBuilder> builder_;
};

TEST_F(ImageBuilderTest, TagsByContentAndKeepsTheTagUntilTheContextChanges) {
  std::string dir = context("app", busybox() + "COPY . /app\n");
  tree_.write("app/main.txt", "v1");
  model::ImageTarget t = dockerTarget("app", dir);
  Outcome first = build(t);
  ASSERT_EQ(first.result.error, "") << first.logText();
  EXPECT_TRUE(std::regex_match(first.result.ref, std::regex(t.ref + ":tilt-[0-9a-f]{16}")))
      << first.result.ref;
  EXPECT_EQ(first.result.ref, t.ref + ":" + contentTag(first.result.image_id));
  EXPECT_NE(std::find(first.log.begin(), first.log.end(), "Step 1/6 : FROM scratch"),
            first.log.end())
      << first.logText();
  EXPECT_TRUE(shell("docker image inspect " + first.result.ref + " >/dev/null").second);

  // Each rebuild's log shows which steps came from the cache.
  Outcome again = build(t);
  ASSERT_EQ(again.result.error, "") << again.logText();
  EXPECT_EQ(again.result.ref, first.result.ref) << first.logText() << again.logText();

  // A touch changes nothing; an edit changes the image.
  ASSERT_TRUE(shell("touch -d '2001-01-01' " + dir + "/main.txt").second);
  Outcome touched = build(t);
  EXPECT_EQ(touched.result.ref, first.result.ref) << touched.result.error << touched.logText();
  tree_.write("app/main.txt", "v2");
  Outcome edited = build(t);
  ASSERT_EQ(edited.result.error, "") << edited.logText();
  EXPECT_NE(edited.result.ref, first.result.ref) << edited.logText();
}

TEST_F(ImageBuilderTest, NamesTheFailingStepAndItsExitCode) {
  std::string dir = context("fail", busybox() + "RUN echo about to fail && exit 3\n");
  Outcome out = build(dockerTarget("fail", dir));
  EXPECT_EQ(out.result.error,
            "Step 5/6 : RUN echo about to fail && exit 3: The command '/bin/sh -c echo about to "
            "fail && exit 3' returned a non-zero code: 3");
  EXPECT_NE(std::find(out.log.begin(), out.log.end(), "about to fail"), out.log.end());
}

TEST_F(ImageBuilderTest, PassesBuildArgsTargetAndExtraTags) {
  std::string df = busybox();
  df.replace(df.find("FROM scratch"), 12, "FROM scratch AS first");
  std::string dir = context("multi", df + "ARG FLAVOR=plain\nLABEL flavor=$FLAVOR stage=first\n"
                                          "FROM scratch AS second\nLABEL stage=second\n");
  model::ImageTarget t = dockerTarget("multi", dir);
  t.docker->build_args = {{"FLAVOR", "spicy"}};
  t.docker->target = "first";
  t.docker->extra_tags = {prefix_ + "-extra:v1"};
  Outcome out = build(t);
  ASSERT_EQ(out.result.error, "");
  EXPECT_EQ(label(out.result.ref, "flavor"), "spicy\n");
  EXPECT_EQ(label(out.result.ref, "stage"), "first\n");
  EXPECT_EQ(label(out.result.ref, "dev.slant.built"), "true\n");
  EXPECT_EQ(shell("docker image inspect --format '{{.Id}}' " + prefix_ + "-extra:v1").first,
            out.result.image_id + "\n");
}

TEST_F(ImageBuilderTest, SendsOnlyWhatTheFiltersLetThroughAndAGeneratedDockerfile) {
  std::string dir = context("filtered", "");
  tree_.write("filtered/src/keep.txt", "k");
  tree_.write("filtered/src/drop.log", "d");
  tree_.write("filtered/other.txt", "o");
  tree_.write("filtered/.git/HEAD", "h");
  model::ImageTarget t = dockerTarget("filtered", dir);
  t.docker->dockerfile.clear();
  t.docker->dockerfile_contents = busybox() +
                                  "COPY . /ctx\nRUN find /ctx | sort > /listing\n"
                                  "CMD [\"cat\", \"/listing\"]\n";
  t.only = {dir + "/src", dir + "/busybox"};
  t.context_ignore = {dir + "/**/*.log"};
  Outcome out = build(t);
  ASSERT_EQ(out.result.error, "");
  auto [listing, ok] = shell("docker run --rm " + out.result.ref);
  EXPECT_TRUE(ok);
  EXPECT_EQ(listing,
            "/ctx\n/ctx/Dockerfile.slant-generated\n/ctx/busybox\n/ctx/src\n/ctx/src/keep.txt\n");
}

TEST_F(ImageBuilderTest, RewritesFromOfABuiltDependency) {
  std::string base_dir = context("base", busybox() + "LABEL from=base\n");
  model::ImageTarget base = dockerTarget("base", base_dir);
  Outcome built_base = build(base);
  ASSERT_EQ(built_base.result.error, "");
  std::string app_dir = context("app", "FROM " + base.ref + ":whatever\nLABEL app=yes\n");
  model::ImageTarget app = dockerTarget("app", app_dir);
  app.image_deps = {base.ref};
  Outcome out = build(app, {{base.ref, built_base.result.ref}});
  ASSERT_EQ(out.result.error, "");
  EXPECT_EQ(label(out.result.ref, "from"), "base\n");
  EXPECT_EQ(label(out.result.ref, "app"), "yes\n");
}

TEST_F(ImageBuilderTest, RefusesSshWithoutBuildKitNamingTheParameter) {
  std::string dir = context("ssh", busybox());
  model::ImageTarget t = dockerTarget("ssh", dir);
  t.docker->ssh = {"default"};
  Outcome out = build(t);
  EXPECT_TRUE(out.result.error.starts_with("docker_build(\"" + t.ref + "\"): ssh= needs BuildKit"))
      << out.result.error;
}

TEST_F(ImageBuilderTest, RunsACustomBuildWithTheExpectedRefAndTagsItByContent) {
  std::string dir = context("base", busybox());
  Outcome base = build(dockerTarget("base", dir));
  ASSERT_EQ(base.result.error, "");
  model::ImageTarget t;
  t.ref = prefix_ + "-custom";
  t.context = dir;
  t.custom.emplace();
  t.custom->command.argv = {"sh", "-c",
                            "echo building $EXPECTED_REF; test \"$EXPECTED_IMAGE:$EXPECTED_TAG\" = "
                            "\"library/$EXPECTED_REF\" && docker tag " +
                                base.result.image_id + " $EXPECTED_REF"};
  Outcome out = build(t);
  ASSERT_EQ(out.result.error, "") << ::testing::PrintToString(out.log);
  EXPECT_EQ(out.result.ref, t.ref + ":" + contentTag(base.result.image_id));
  EXPECT_EQ(out.result.image_id, base.result.image_id);
  bool echoed = false;
  for (const auto& line : out.log)
    echoed |= std::regex_match(line, std::regex("building " + t.ref + ":tilt-build-[0-9]+"));
  EXPECT_TRUE(echoed) << ::testing::PrintToString(out.log);

  t.custom->command.argv = {"sh", "-c", "exit 4"};
  EXPECT_EQ(build(t).result.error, "custom_build command \"exit 4\" failed: exit status 4");
  t.custom->command.argv = {"true"};
  t.custom->tag = "never-built";
  std::string missing = build(t).result.error;
  EXPECT_TRUE(missing.starts_with("could not find image " + t.ref + ":never-built in Docker"))
      << missing;
  t.custom->skips_local_docker = true;
  t.custom->tag = "fixed";
  EXPECT_EQ(build(t).result.ref, t.ref + ":fixed");
}

TEST_F(ImageBuilderTest, CancelsABuildWithoutCallingBack) {
  std::string marker = prefix_ + "-slow";
  std::string step = "RUN sleep 59 && echo " + marker;
  std::string dir = context("slow", busybox() + step + "\n");
  bool done = false;
  std::vector<std::string> log;
  engine::OpId id = builder_->build(
      {dockerTarget("slow", dir), {}}, [&](std::string_view line) { log.emplace_back(line); },
      [&](engine::ImageBuildResult) { done = true; });
  ASSERT_TRUE(runLoopUntil(
      loop_, [&] { return std::find(log.begin(), log.end(), "Step 5/6 : " + step) != log.end(); },
      kBuildPatience));
  builder_->cancel(id);
  exec::runLoopFor(loop_, std::chrono::milliseconds(300));
  EXPECT_FALSE(done);
  EXPECT_EQ(client_->activeRequests(), 0u);
  // The engine stops the build when its client goes away, and removes its RUN container.
  auto running = [&] {
    return shell("docker ps -a --no-trunc --format '{{.Command}}' | grep -c " + marker).first;
  };
  EXPECT_TRUE(runLoopUntil(
      loop_, [&] { return running() == "0\n"; }, kBuildPatience))
      << running();
}

}  // namespace
}  // namespace slant::docker
