// Live updates of a real container (skipped when no Docker engine answers): a busybox image built
// FROM scratch, run with `sleep`, removed with its image in TearDown.
#include "docker/container_updater.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <optional>
#include <string>
#include <vector>

#include "docker/docker_test_util.h"
#include "exec/exec_test_util.h"

namespace slant::docker {
namespace {

using exec::runLoopUntil;
using testing::shell;
using testing::TempTree;

class ContainerUpdaterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::string why = testing::dockerSkipReason(); !why.empty()) GTEST_SKIP() << why;
    image_ = "slant-test-" + std::to_string(::getpid()) + "-updater:1";
    std::string ctx = tree_.mkdir("image");
    ASSERT_TRUE(shell("cp $(command -v busybox) " + ctx + "/busybox").second);
    tree_.write("image/Dockerfile",
                // The label keeps this process's layers its own (see image_builder_test.cc).
                "FROM scratch\nLABEL slant.test=" + image_ +
                    "\nCOPY busybox /bin/busybox\n"
                    "RUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]\n"
                    "RUN mkdir -p /app && echo old > /app/old.txt\n"
                    "CMD [\"sleep\", \"3600\"]\n");
    ASSERT_TRUE(shell("docker build -q -t " + image_ + " " + ctx + " >/dev/null").second);
    auto [id, ok] = shell("docker run -d " + image_);
    ASSERT_TRUE(ok);
    container_ = id.substr(0, id.find('\n'));
    client_.emplace(loop_, *dockerHostFromEnv());
    updater_.emplace(loop_, *client_);
  }
  void TearDown() override {
    updater_.reset();
    client_.reset();
    if (!container_.empty()) shell("docker rm -f " + container_ + " >/dev/null 2>&1");
    if (!image_.empty()) shell("docker rmi -f " + image_ + " >/dev/null 2>&1");
  }

  std::string inContainer(const std::string& command) {
    return shell("docker exec " + container_ + " sh -c '" + command + "'").first;
  }

  std::string copy(std::vector<engine::FileCopy> copies, std::vector<std::string> deletes,
                   std::vector<std::string> ignore = {}) {
    std::optional<std::string> error;
    updater_->copy(container_, std::move(copies), std::move(deletes), std::move(ignore),
                   [&](std::string e) { error = e; });
    EXPECT_TRUE(runLoopUntil(loop_, [&] { return error.has_value(); }));
    return error.value_or("timed out");
  }

  struct ExecOutcome {
    engine::ExitStatus status;
    std::vector<std::string> lines;
  };
  ExecOutcome exec(std::vector<std::string> argv) {
    ExecOutcome out;
    bool done = false;
    updater_->exec(
        container_, std::move(argv), [&](std::string_view line) { out.lines.emplace_back(line); },
        [&](const engine::ExitStatus& s) {
          out.status = s;
          done = true;
        });
    EXPECT_TRUE(runLoopUntil(loop_, [&] { return done; }));
    return out;
  }

  engine::AsioLoop loop_;
  TempTree tree_;
  std::string image_, container_;
  std::optional<Client> client_;
  std::optional<DockerContainerUpdater> updater_;
};

TEST_F(ContainerUpdaterTest, CopiesFilesAndDirectoriesAndDeletesRemovedOnes) {
  std::string file = tree_.write("src/main.txt", "new contents\n");
  std::string dir = tree_.mkdir("src/static");
  tree_.write("src/static/a.css", "a");
  tree_.write("src/static/b.css.map", "ignored");
  tree_.write("src/static/img/logo.svg", "<svg/>");
  std::string error = copy({{file, "/app/main.txt"},
                            {dir, "/app/static"},
                            {file, "/srv/new/dir/main.txt"},
                            {tree_.path() + "/src/vanished.txt", "/app/vanished.txt"}},
                           {"/app/old.txt"}, {tree_.path() + "/**/*.map"});
  ASSERT_EQ(error, "");
  EXPECT_EQ(inContainer("cat /app/main.txt"), "new contents\n");
  EXPECT_EQ(inContainer("cat /srv/new/dir/main.txt"), "new contents\n");  // parents made
  EXPECT_EQ(inContainer("cd /app && find . | sort"),
            ".\n./main.txt\n./static\n./static/a.css\n./static/img\n./static/img/logo.svg\n");

  // Nothing to copy and nothing to delete is fine too.
  EXPECT_EQ(copy({}, {}), "");
}

TEST_F(ContainerUpdaterTest, ReportsACopyIntoAMissingContainerByName) {
  std::string file = tree_.write("x", "x");
  std::optional<std::string> error;
  updater_->copy("slant-no-such-container", {{file, "/x"}}, {}, {},
                 [&](std::string e) { error = e; });
  ASSERT_TRUE(runLoopUntil(loop_, [&] { return error.has_value(); }));
  EXPECT_EQ(*error,
            "copying files into container slant-no-such-container: No such container: "
            "slant-no-such-container");
}

TEST_F(ContainerUpdaterTest, RunsCommandsWithTheirOutputAndExitCode) {
  ExecOutcome ok = exec({"sh", "-c", "echo out; echo err >&2; printf partial"});
  EXPECT_TRUE(ok.status.ok()) << ok.status.text();
  std::sort(ok.lines.begin(), ok.lines.end());
  EXPECT_EQ(ok.lines, (std::vector<std::string>{"err", "out", "partial"}));

  ExecOutcome failed = exec({"sh", "-c", "exit 5"});
  EXPECT_EQ(failed.status.exit_code, 5);
  EXPECT_EQ(failed.status.text(), "exit status 5");

  ExecOutcome missing = exec({"no-such-command", "arg"});
  EXPECT_FALSE(missing.status.ok());
  EXPECT_NE(missing.status.start_error.find("\"no-such-command\": executable file not found"),
            std::string::npos)
      << missing.status.start_error;
  EXPECT_TRUE(missing.lines.empty()) << ::testing::PrintToString(missing.lines);
}

TEST_F(ContainerUpdaterTest, RestartsTheContainer) {
  std::string before = shell("docker inspect --format '{{.State.StartedAt}}' " + container_).first;
  std::optional<std::string> error;
  updater_->restart(container_, [&](std::string e) { error = e; });
  ASSERT_TRUE(runLoopUntil(loop_, [&] { return error.has_value(); }));
  EXPECT_EQ(*error, "");
  std::string after =
      shell("docker inspect --format '{{.State.StartedAt}} {{.State.Running}}' " + container_)
          .first;
  EXPECT_NE(after.substr(0, after.find(' ')), before.substr(0, before.find('\n')));
  EXPECT_TRUE(after.ends_with(" true\n")) << after;
}

}  // namespace
}  // namespace slant::docker
