#include "docker/compose_runner.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "engine/asio_loop.h"
#include "engine/fake_backends.h"
#include "engine/fake_loop.h"
#include "exec/exec_test_util.h"
#include "exec/process_runner.h"

namespace slant::docker {
namespace {

namespace fs = std::filesystem;
using engine::ComposeUpRequest;
using engine::ContainerState;
using engine::ExitStatus;
using engine::FakeLoop;
using engine::FakeProcessRunner;
using engine::ProcessId;

// A temporary directory removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "slant-compose-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string write(const std::string& name, const std::string& text) const {
    std::string p = path_ + "/" + name;
    std::ofstream(p) << text;
    return p;
  }

 private:
  std::string path_;
};

// Everything a watcher reported.
struct Seen {
  std::vector<ContainerState> states;
  std::vector<std::string> logs;
  bool hasLog(std::string_view needle) const {
    for (const auto& l : logs) {
      if (l.find(needle) != std::string::npos) return true;
    }
    return false;
  }
};

// What an operation reported.
struct OpResult {
  std::optional<std::string> error;  // set once done
  std::vector<std::string> log;
};

// =============================================================================================
// The runner against fake processes: the exact commands, and how their output is read.

class ComposeRunnerFakeTest : public ::testing::Test {
 protected:
  ComposeRunnerFakeTest() { ::unsetenv("TILT_DOCKER_COMPOSE_CMD"); }

  static ComposeOptions withCommand(std::vector<std::string> command) {
    ComposeOptions options;
    options.command = std::move(command);
    return options;
  }

  std::unique_ptr<CliComposeRunner> makeRunner(ComposeOptions options = {}) {
    if (options.cache_dir.empty()) options.cache_dir = cache_.path();
    return std::make_unique<CliComposeRunner>(loop_, procs_, std::move(options));
  }

  model::DcTarget target(const std::string& service = "web") {
    model::DcTarget t;
    t.service = service;
    t.project = "demo";
    t.project_dir = project_.path();
    t.config_paths = {compose_file_};
    return t;
  }

  const std::vector<std::string>& argv(ProcessId id) {
    return procs_.processes().at(id).spec.cmd.argv;
  }

  // Answers the version probe of the single running `... version` process.
  void answerVersion(const std::string& output, int code = 0) {
    ProcessId v = procs_.find("version");
    ASSERT_NE(v, 0u);
    if (!output.empty()) procs_.print(v, output);
    procs_.exit(v, code);
    loop_.drain();
  }

  // Ends a running process as if it could not be started.
  void failToStart(ProcessId id, const std::string& error) {
    ExitStatus status;
    status.exit_code = -1;
    status.start_error = error;
    auto on_exit = procs_.processes().at(id).callbacks.on_exit;
    on_exit(status);
    loop_.drain();
  }

  void exitWith(ProcessId id, int code) {
    procs_.exit(id, code);
    loop_.drain();
  }

  std::function<void(std::string_view)> logTo(OpResult& r) {
    return [&r](std::string_view l) { r.log.emplace_back(l); };
  }
  std::function<void(std::string)> doneTo(OpResult& r) {
    return [&r](std::string e) { r.error = std::move(e); };
  }

  static std::string inspectJson(const std::string& id, const std::string& status, int exit_code,
                                 const std::string& started, const std::string& health = "") {
    std::string h = health.empty() ? ""
                                   : R"(,"Health":{"Status":")" + health +
                                         R"(","Log":[{"Output":"probe said )" + health + R"("}]})";
    return R"([{"Id":")" + id + R"(","State":{"Status":")" + status + R"(","ExitCode":)" +
           std::to_string(exit_code) + R"(,"StartedAt":")" + started + "\"" + h +
           R"(},"NetworkSettings":{"Ports":{"80/tcp":[{"HostIp":"0.0.0.0","HostPort":"8080"}]}}}])";
  }

  static std::string event(const std::string& id, const std::string& action,
                           const std::string& service = "web") {
    return R"({"Type":"container","Action":")" + action + R"(","Actor":{"ID":")" + id +
           R"(","Attributes":{"com.docker.compose.project":"demo","com.docker.compose.service":")" +
           service + R"("}},"timeNano":1714558830000000000})";
  }

  TempDir project_;
  TempDir cache_;
  std::string compose_file_ = project_.write("docker-compose.yml", "services: {}\n");
  FakeLoop loop_;
  FakeProcessRunner procs_;
};

TEST_F(ComposeRunnerFakeTest, UsesTheComposePluginWhenItAnswers) {
  auto runner = makeRunner();
  OpResult r;
  runner->up({target(), "", false}, logTo(r), doneTo(r));
  ProcessId v = procs_.find("version");
  ASSERT_NE(v, 0u);
  EXPECT_EQ(argv(v), (std::vector<std::string>{"docker", "compose", "version"}));
  answerVersion("Docker Compose version v2.20.2");
  EXPECT_EQ(runner->composeCommand(), (std::vector<std::string>{"docker", "compose"}));
  EXPECT_EQ(runner->composeVersion(), "2.20.2");
  ProcessId up = procs_.find("up");
  ASSERT_NE(up, 0u);
  EXPECT_EQ(argv(up), (std::vector<std::string>{"docker", "compose", "--project-name", "demo",
                                                "--project-directory", project_.path(), "-f",
                                                compose_file_, "up", "--no-deps",
                                                "--remove-orphans", "--no-build", "-d", "web"}));
  procs_.print(up, "Container demo-web-1  Started");
  exitWith(up, 0);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(*r.error, "");
  EXPECT_EQ(r.log, (std::vector<std::string>{"Container demo-web-1  Started"}));
}

TEST_F(ComposeRunnerFakeTest, FallsBackToDockerComposeAndFindsItOnlyOnce) {
  auto runner = makeRunner();
  OpResult first, second;
  runner->up({target(), "", false}, logTo(first), doneTo(first));
  runner->rm(target(), logTo(second), doneTo(second));
  EXPECT_EQ(procs_.startCount("version"), 1);  // both wait for the one probe
  answerVersion("docker: 'compose' is not a docker command.", 1);
  ProcessId v = procs_.find("version");
  ASSERT_NE(v, 0u);
  EXPECT_EQ(argv(v), (std::vector<std::string>{"docker-compose", "version"}));
  answerVersion("docker-compose version 1.29.2, build unknown\ndocker-py version: 5.0.3");
  EXPECT_EQ(runner->composeCommand(), (std::vector<std::string>{"docker-compose"}));
  exitWith(procs_.find("up"), 0);
  exitWith(procs_.find("rm"), 0);
  EXPECT_EQ(first.error, "");
  EXPECT_EQ(second.error, "");
  OpResult third;
  runner->down(target(), false, logTo(third), doneTo(third));
  loop_.drain();
  EXPECT_EQ(procs_.startCount("version"), 2);
  EXPECT_EQ(argv(procs_.find("down"))[0], "docker-compose");
}

TEST_F(ComposeRunnerFakeTest, SaysWhatToInstallWhenNoComposeIsFound) {
  auto runner = makeRunner();
  OpResult r;
  runner->up({target(), "", false}, logTo(r), doneTo(r));
  answerVersion("docker: 'compose' is not a docker command.", 1);
  failToStart(procs_.find("version"),
              "exec: \"docker-compose\": executable file not found in $PATH");
  ASSERT_TRUE(r.error);
  EXPECT_TRUE(r.error->starts_with("docker-compose not found")) << *r.error;
  EXPECT_NE(r.error->find("apt-get install docker-compose"), std::string::npos) << *r.error;
  EXPECT_EQ(procs_.startCount("up"), 0);
  // Later operations get the same answer without probing again.
  OpResult again;
  runner->down(target(), true, logTo(again), doneTo(again));
  EXPECT_FALSE(again.error);  // never synchronously
  loop_.drain();
  EXPECT_EQ(again.error, r.error);
  EXPECT_EQ(procs_.startCount("version"), 2);
}

TEST_F(ComposeRunnerFakeTest, HonoursTiltDockerComposeCmd) {
  ::setenv("TILT_DOCKER_COMPOSE_CMD", "/opt/compose", 1);
  auto runner = makeRunner();
  OpResult r;
  runner->up({target(), "", false}, logTo(r), doneTo(r));  // looks the command up now
  ::unsetenv("TILT_DOCKER_COMPOSE_CMD");
  EXPECT_EQ(argv(procs_.find("version")), (std::vector<std::string>{"/opt/compose", "version"}));
  answerVersion("oops", 0);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(*r.error,
            "docker compose command /opt/compose does not work: `/opt/compose version`: could "
            "not parse version from output: \"oops\"");
}

TEST_F(ComposeRunnerFakeTest, InjectsTheImageThroughAnOverrideFileThatUpRemoves) {
  auto runner = makeRunner(withCommand({"docker-compose"}));
  OpResult r;
  model::DcTarget t = target();
  t.env_file = project_.write(".env.dev", "A=1\n");
  t.profiles = {"dev"};
  runner->up({t, "web:tilt-0123456789abcdef", false}, logTo(r), doneTo(r));
  answerVersion("docker-compose version 1.29.2, build unknown");
  ProcessId up = procs_.find("up");
  ASSERT_NE(up, 0u);
  const auto& a = argv(up);
  ASSERT_EQ(a.size(), 19u) << ::testing::PrintToString(a);
  std::string override_path = a[10];
  EXPECT_EQ(
      a, (std::vector<std::string>{
             "docker-compose", "--project-name", "demo", "--project-directory", project_.path(),
             "--env-file", t.env_file, "-f", compose_file_, "-f", override_path, "--profile", "dev",
             "up", "--no-deps", "--remove-orphans", "--no-build", "-d", "web"}))
      << ::testing::PrintToString(a);
  EXPECT_TRUE(override_path.starts_with(cache_.path() + "/demo/web-")) << override_path;
  std::ifstream in(override_path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), imageOverrideFile("web", "web:tilt-0123456789abcdef"));
  exitWith(up, 0);
  EXPECT_EQ(r.error, "");
  EXPECT_FALSE(fs::exists(override_path));
  EXPECT_FALSE(fs::exists(cache_.path() + "/demo"));
}

TEST_F(ComposeRunnerFakeTest, BuildsFirstWhenComposeOwnsTheBuild) {
  auto runner = makeRunner(withCommand({"docker-compose"}));
  OpResult r;
  runner->up({target(), "", true}, logTo(r), doneTo(r));
  answerVersion("docker-compose version 1.29.2, build unknown");
  EXPECT_EQ(procs_.find("up"), 0u);
  ProcessId build = procs_.find("build");
  ASSERT_NE(build, 0u);
  EXPECT_EQ(argv(build).back(), "web");
  procs_.print(build, "Step 1/2 : FROM scratch");
  exitWith(build, 0);
  ProcessId up = procs_.find("up");
  ASSERT_NE(up, 0u);
  EXPECT_NE(std::find(argv(up).begin(), argv(up).end(), "--no-build"), argv(up).end());
  exitWith(up, 0);
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.log, (std::vector<std::string>{"Step 1/2 : FROM scratch"}));
}

TEST_F(ComposeRunnerFakeTest, AFailedUpEndsWithComposesLastLines) {
  auto runner = makeRunner(withCommand({"docker-compose"}));
  OpResult r;
  runner->up({target(), "", false}, logTo(r), doneTo(r));
  answerVersion("docker-compose version 1.29.2, build unknown");
  ProcessId up = procs_.find("up");
  procs_.print(up, "Creating demo_web_1 ... ");
  procs_.print(up, "Creating demo_web_1 ... error");
  procs_.print(up, "");
  procs_.print(up, "ERROR: for web  Cannot start service web: port is already allocated");
  exitWith(up, 1);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(*r.error,
            "docker-compose up web failed: exit status 1\n"
            "Creating demo_web_1 ...\n"
            "Creating demo_web_1 ... error\n"
            "ERROR: for web  Cannot start service web: port is already allocated");
  EXPECT_EQ(r.log.size(), 4u);
}

TEST_F(ComposeRunnerFakeTest, AMissingComposeFileIsAnErrorThatNamesIt) {
  auto runner = makeRunner(withCommand({"docker-compose"}));
  OpResult r;
  model::DcTarget t = target();
  t.config_paths.push_back(project_.path() + "/missing.yml");
  runner->up({t, "", false}, logTo(r), doneTo(r));
  answerVersion("docker-compose version 1.29.2, build unknown");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(*r.error, "compose file \"" + project_.path() + "/missing.yml\" not found");
  EXPECT_EQ(procs_.startCount("up"), 0);
}

TEST_F(ComposeRunnerFakeTest, UpRmAndDownRunOneAtATimeWithTiltsFlags) {
  auto runner = makeRunner(withCommand({"docker-compose"}));
  OpResult up, rm, down;
  runner->up({target("web"), "", false}, logTo(up), doneTo(up));
  runner->rm(target("db"), logTo(rm), doneTo(rm));
  runner->down(target(), true, logTo(down), doneTo(down));
  answerVersion("docker-compose version 1.29.2, build unknown");
  ASSERT_EQ(procs_.running().size(), 1u);
  exitWith(procs_.find("up"), 0);
  ASSERT_EQ(procs_.running().size(), 1u);
  ProcessId rm_id = procs_.find("rm");
  ASSERT_NE(rm_id, 0u);
  const auto& a = argv(rm_id);
  EXPECT_EQ(std::vector<std::string>(a.end() - 4, a.end()),
            (std::vector<std::string>{"rm", "--stop", "--force", "db"}));
  procs_.print(rm_id, "Going to remove demo_db_1");
  procs_.print(rm_id, "Removing demo_db_1 ... done");
  exitWith(rm_id, 0);
  EXPECT_EQ(rm.log, (std::vector<std::string>{"Removing demo_db_1 ... done"}));
  ProcessId down_id = procs_.find("down");
  ASSERT_NE(down_id, 0u);
  const auto& d = argv(down_id);
  EXPECT_EQ(std::vector<std::string>(d.end() - 3, d.end()),
            (std::vector<std::string>{"down", "--remove-orphans", "--volumes"}));
  exitWith(down_id, 0);
  EXPECT_EQ(up.error, "");
  EXPECT_EQ(rm.error, "");
  EXPECT_EQ(down.error, "");
}

TEST_F(ComposeRunnerFakeTest, WaitIsPassedToComposeV2AndExplainedOnV1) {
  model::DcTarget t = target();
  t.wait = true;
  {
    auto runner = makeRunner(withCommand({"docker", "compose"}));
    OpResult r;
    runner->up({t, "", false}, logTo(r), doneTo(r));
    answerVersion("Docker Compose version v2.20.2");
    const auto& a = argv(procs_.find("up"));
    EXPECT_EQ(std::vector<std::string>(a.end() - 2, a.end()),
              (std::vector<std::string>{"--wait", "web"}));
    exitWith(procs_.find("up"), 0);
  }
  auto runner = makeRunner(withCommand({"docker-compose"}));
  OpResult r;
  runner->up({t, "", false}, logTo(r), doneTo(r));
  answerVersion("docker-compose version 1.29.2, build unknown");
  const auto& a = argv(procs_.find("up"));
  EXPECT_EQ(std::find(a.begin(), a.end(), "--wait"), a.end());
  ASSERT_EQ(r.log.size(), 1u);
  EXPECT_EQ(r.log[0],
            "docker-compose 1.29.2 has no `up --wait`: not waiting for web to be healthy");
}

TEST_F(ComposeRunnerFakeTest, AWatcherReportsEachChangeOfItsContainerOnce) {
  auto runner = makeRunner();
  Seen seen;
  auto id = runner->watchService(
      target(), [&](const ContainerState& s) { seen.states.push_back(s); },
      [&](std::string_view l) { seen.logs.emplace_back(l); });
  ProcessId events = procs_.find("events");
  ASSERT_NE(events, 0u);
  const auto& ev = argv(events);
  EXPECT_NE(std::find(ev.begin(), ev.end(), "label=com.docker.compose.project=demo"), ev.end());
  EXPECT_NE(std::find(ev.begin(), ev.end(), "event=health_status"), ev.end());
  EXPECT_NE(std::find(ev.begin(), ev.end(), "--since"), ev.end());
  ProcessId ps = procs_.find("ps");
  ASSERT_NE(ps, 0u);
  EXPECT_NE(std::find(argv(ps).begin(), argv(ps).end(), "label=com.docker.compose.service=web"),
            argv(ps).end());
  exitWith(ps, 0);  // no container yet
  ASSERT_EQ(seen.states.size(), 1u);
  EXPECT_EQ(seen.states[0], ContainerState{});

  procs_.print(events, event("c1", "create"));
  procs_.print(events, event("other", "create", "db"));  // another service: ignored
  procs_.print(events, event("c1", "start"));            // one inspect in flight: queued
  ProcessId inspect = procs_.find("inspect");
  ASSERT_NE(inspect, 0u);
  EXPECT_EQ(argv(inspect).back(), "c1");
  procs_.print(inspect, inspectJson("c1", "created", 0, "0001-01-01T00:00:00Z"));
  exitWith(inspect, 0);
  ASSERT_EQ(seen.states.size(), 2u);
  EXPECT_EQ(seen.states[1].status, "created");
  EXPECT_EQ(procs_.startCount("logs"), 0);  // never started: no logs to follow

  inspect = procs_.find("inspect");
  ASSERT_NE(inspect, 0u);
  procs_.print(inspect, inspectJson("c1", "running", 0, "2024-05-01T10:20:30Z", "starting"));
  exitWith(inspect, 0);
  ASSERT_EQ(seen.states.size(), 3u);
  EXPECT_EQ(seen.states[2].status, "running");
  EXPECT_EQ(seen.states[2].health, "starting");
  EXPECT_EQ(seen.states[2].published_ports, std::vector<int>{8080});
  ProcessId logs = procs_.find("logs");
  ASSERT_NE(logs, 0u);
  EXPECT_EQ(argv(logs), (std::vector<std::string>{"docker", "logs", "--follow", "--timestamps",
                                                  "--since", "1714558829.000000000", "c1"}));
  procs_.print(logs, "2024-05-01T10:20:30.1Z hello");
  procs_.print(logs, "2024-05-01T10:20:30.2Z world");
  EXPECT_EQ(seen.logs, (std::vector<std::string>{"hello", "world"}));

  // An event that changes nothing visible reports nothing.
  procs_.print(events, event("c1", "health_status: starting"));
  inspect = procs_.find("inspect");
  procs_.print(inspect, inspectJson("c1", "running", 0, "2024-05-01T10:20:30Z", "starting"));
  exitWith(inspect, 0);
  EXPECT_EQ(seen.states.size(), 3u);
  procs_.print(events, event("c1", "health_status: healthy"));
  inspect = procs_.find("inspect");
  procs_.print(inspect, inspectJson("c1", "running", 0, "2024-05-01T10:20:30Z", "healthy"));
  exitWith(inspect, 0);
  ASSERT_EQ(seen.states.size(), 4u);
  EXPECT_EQ(seen.states[3].health, "healthy");
  EXPECT_EQ(seen.states[3].health_output, "probe said healthy");

  procs_.print(events, event("c1", "destroy"));
  ASSERT_EQ(seen.states.size(), 5u);
  EXPECT_EQ(seen.states[4], ContainerState{});

  runner->unwatchService(id);
  EXPECT_TRUE(procs_.running().empty());
  EXPECT_EQ(runner->runningCommands(), 0u);
  procs_.print(events, event("c2", "create"));  // too late: nothing happens
  EXPECT_EQ(seen.states.size(), 5u);
}

TEST_F(ComposeRunnerFakeTest, ARestartedContainerRepeatsNoLogLine) {
  auto runner = makeRunner();
  Seen seen;
  runner->watchService(
      target(), [&](const ContainerState& s) { seen.states.push_back(s); },
      [&](std::string_view l) { seen.logs.emplace_back(l); });
  ProcessId events = procs_.find("events");
  ProcessId ps = procs_.find("ps");
  procs_.print(ps, "c1");
  exitWith(ps, 0);
  exitWith(procs_.find("inspect"), 0);  // printed nothing: a problem, logged
  EXPECT_TRUE(seen.hasLog("docker inspect c1: docker inspect printed malformed JSON"));
  procs_.print(events, event("c1", "start"));
  ProcessId inspect = procs_.find("inspect");
  procs_.print(inspect, inspectJson("c1", "running", 0, "2024-05-01T10:20:30Z"));
  exitWith(inspect, 0);
  ProcessId logs = procs_.find("logs");
  procs_.print(logs, "2024-05-01T10:20:31Z one");
  procs_.print(logs, "2024-05-01T10:20:32Z two");
  procs_.print(events, event("c1", "die"));
  inspect = procs_.find("inspect");
  procs_.print(inspect, inspectJson("c1", "exited", 1, "2024-05-01T10:20:30Z"));
  exitWith(inspect, 0);
  exitWith(logs, 0);  // docker logs ends with the container
  EXPECT_EQ(procs_.find("logs"), 0u);
  procs_.print(events, event("c1", "start"));
  inspect = procs_.find("inspect");
  procs_.print(inspect, inspectJson("c1", "running", 0, "2024-05-01T10:21:00Z"));
  exitWith(inspect, 0);
  logs = procs_.find("logs");
  ASSERT_NE(logs, 0u);
  EXPECT_EQ(argv(logs)[5], "1714558832.000000000");  // the last line delivered
  procs_.print(logs, "2024-05-01T10:20:32Z two");    // at the boundary: already delivered
  procs_.print(logs, "2024-05-01T10:21:00.5Z three");
  EXPECT_EQ(seen.logs.back(), "three");
  std::vector<std::string> lines(seen.logs.begin() + 1, seen.logs.end());
  EXPECT_EQ(lines, (std::vector<std::string>{"one", "two", "three"}));
  ASSERT_EQ(seen.states.size(), 3u);
  EXPECT_EQ(seen.states[1].status, "exited");
  EXPECT_EQ(seen.states[1].exit_code, 1);
}

TEST_F(ComposeRunnerFakeTest, ARecreatedContainerIsFollowedUnderItsNewId) {
  auto runner = makeRunner();
  Seen seen;
  runner->watchService(
      target(), [&](const ContainerState& s) { seen.states.push_back(s); },
      [&](std::string_view l) { seen.logs.emplace_back(l); });
  ProcessId events = procs_.find("events");
  ProcessId ps = procs_.find("ps");
  procs_.print(ps, "old");
  exitWith(ps, 0);
  ProcessId inspect = procs_.find("inspect");
  procs_.print(inspect, inspectJson("old", "running", 0, "2024-05-01T10:20:30Z"));
  exitWith(inspect, 0);
  ProcessId old_logs = procs_.find("old");
  ASSERT_NE(old_logs, 0u);
  // Compose recreates: the old container dies, the new one is created and started, the old one
  // is destroyed.
  procs_.print(events, event("old", "die"));
  inspect = procs_.find("inspect");
  procs_.print(events, event("new", "create"));
  procs_.print(inspect, inspectJson("old", "exited", 137, "2024-05-01T10:20:30Z"));
  exitWith(inspect, 0);  // the old container is no longer current: not reported
  inspect = procs_.find("inspect");
  ASSERT_NE(inspect, 0u);
  EXPECT_EQ(argv(inspect).back(), "new");
  procs_.print(inspect, inspectJson("new", "running", 0, "2024-05-01T10:25:00Z"));
  exitWith(inspect, 0);
  procs_.print(events, event("old", "destroy"));  // not current: nothing to report
  exitWith(old_logs, 0);
  ProcessId new_logs = procs_.find("new");
  ASSERT_NE(new_logs, 0u);
  EXPECT_EQ(argv(new_logs)[5], "1714559099.000000000");
  ASSERT_EQ(seen.states.size(), 2u);
  EXPECT_EQ(seen.states[0].container_id, "old");
  EXPECT_EQ(seen.states[1].container_id, "new");
}

TEST_F(ComposeRunnerFakeTest, ProjectsShareOneEventsProcessThatRestartsWhenItEnds) {
  auto runner = makeRunner();
  Seen web, db;
  auto w1 = runner->watchService(
      target("web"), [&](const ContainerState& s) { web.states.push_back(s); },
      [&](std::string_view l) { web.logs.emplace_back(l); });
  auto w2 = runner->watchService(
      target("db"), [&](const ContainerState& s) { db.states.push_back(s); },
      [&](std::string_view l) { db.logs.emplace_back(l); });
  EXPECT_EQ(procs_.startCount("events"), 1);
  for (ProcessId ps : procs_.running("ps")) exitWith(ps, 0);
  ProcessId events = procs_.find("events");
  procs_.print(events, "Error response from daemon: dial unix docker.sock: connect refused");
  exitWith(events, 1);
  EXPECT_TRUE(
      web.hasLog("docker events for Compose project demo ended (exit status 1: Error "
                 "response from daemon: dial unix docker.sock: connect refused); "
                 "following it again in 1s"));
  EXPECT_TRUE(db.hasLog("following it again in 1s"));
  EXPECT_EQ(procs_.find("events"), 0u);
  loop_.advance(std::chrono::seconds(1));
  EXPECT_NE(procs_.find("events"), 0u);
  EXPECT_EQ(procs_.running("ps").size(), 2u);  // looked up again
  runner->unwatchService(w1);
  EXPECT_NE(procs_.find("events"), 0u);
  runner->unwatchService(w2);
  EXPECT_EQ(procs_.find("events"), 0u);
  EXPECT_TRUE(procs_.running().empty());
  EXPECT_EQ(loop_.pendingTimers(), 0u);
}

TEST_F(ComposeRunnerFakeTest, AnUnwatchFromInsideTheStateCallbackIsSafe) {
  auto runner = makeRunner();
  engine::WatchId id = 0;
  int calls = 0;
  id = runner->watchService(
      target(),
      [&](const ContainerState&) {
        ++calls;
        runner->unwatchService(id);
      },
      nullptr);
  ProcessId ps = procs_.find("ps");
  procs_.print(ps, "c1");
  exitWith(ps, 0);
  ProcessId inspect = procs_.find("inspect");
  procs_.print(inspect, inspectJson("c1", "running", 0, "2024-05-01T10:20:30Z"));
  exitWith(inspect, 0);
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(procs_.running().empty());
}

TEST_F(ComposeRunnerFakeTest, DestroyingTheRunnerStopsEverythingWithoutCallbacks) {
  auto runner = makeRunner(withCommand({"docker-compose"}));
  OpResult r;
  Seen seen;
  runner->up({target(), "img:tilt-1", false}, logTo(r), doneTo(r));
  answerVersion("docker-compose version 1.29.2, build unknown");
  runner->watchService(
      target(), [&](const ContainerState& s) { seen.states.push_back(s); }, nullptr);
  std::string override_path = argv(procs_.find("up"))[8];
  EXPECT_TRUE(fs::exists(override_path)) << override_path;
  runner.reset();
  EXPECT_TRUE(procs_.running().empty());
  EXPECT_FALSE(r.error);
  EXPECT_TRUE(seen.states.empty());
  EXPECT_FALSE(fs::exists(override_path));
}

// =============================================================================================
// The runner against the real Docker engine and Compose.

// Runs a shell command; returns its stdout, trimmed, and whether it exited 0.
std::pair<std::string, bool> shell(const std::string& command) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) return {"", false};
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  int status = ::pclose(p);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return {out, status == 0};
}

class ComposeRunnerDockerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!shell("docker info >/dev/null 2>&1").second) {
      skip_ = "docker info failed: no Docker engine answers (scripts/docker.sh start runs one)";
      return;
    }
    if (shell("docker compose version >/dev/null 2>&1").second) {
      compose_ = "docker compose";
    } else if (shell("docker-compose version >/dev/null 2>&1").second) {
      compose_ = "docker-compose";
    } else {
      skip_ = "neither `docker compose` nor docker-compose is installed";
      return;
    }
    if (!fs::exists("/bin/busybox")) {
      skip_ = "/bin/busybox is missing (install busybox-static)";
      return;
    }
    images_ = new TempDir();
    std::string tag = "slant-compose-test-" + std::to_string(::getpid());
    image_a_ = tag + ":a";
    image_b_ = tag + ":b";
    fs::copy_file("/bin/busybox", images_->path() + "/busybox");
    for (const auto& [image, variant] : {std::pair{image_a_, "a"}, std::pair{image_b_, "b"}}) {
      // The label keeps this process's layers its own (see image_builder_test.cc): another
      // test process removing its images never removes a layer a build here uses.
      images_->write("Dockerfile", "FROM scratch\nLABEL slant.test=" + tag +
                                       "\nCOPY busybox /bin/busybox\n"
                                       "RUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]\n"
                                       "LABEL slant.test.variant=" +
                                       variant + "\n");
      auto [out, ok] = shell("docker build -q -t " + image + " " + images_->path() + " 2>&1");
      if (!ok) {
        // With an engine that answers, a failed build is a failure, not a reason to skip.
        failure_ = "cannot build the busybox test image: " + out;
        return;
      }
    }
  }

  static void TearDownTestSuite() {
    if (!image_a_.empty()) shell("docker rmi -f " + image_a_ + " " + image_b_ + " >/dev/null 2>&1");
    delete images_;
    images_ = nullptr;
  }

  void SetUp() override {
    if (!skip_.empty()) GTEST_SKIP() << skip_;
    if (!failure_.empty()) FAIL() << failure_;
    static int counter = 0;
    project_name_ = "slantcompose" + std::to_string(::getpid()) + "x" + std::to_string(++counter);
    compose_file_ = dir_.write("docker-compose.yml", R"(services:
  web:
    image: )" + image_a_ + R"(
    init: true
    command: ["sh", "-c", "echo web up; touch /ready; exec sleep 100000"]
    healthcheck:
      test: ["CMD-SHELL", "test -f /ready"]
      interval: 1s
      timeout: 5s
      retries: 60
  printer:
    image: )" + image_a_ + R"(
    init: true
    command: ["sh", "-c", "for i in 1 2 3 4 5 6 7 8 9 10; do echo printer line $$i; done; exec sleep 100000"]
  failer:
    image: )" + image_a_ + R"(
    command: ["sh", "-c", "echo failing; exit 3"]
)");
    loop_ = std::make_unique<engine::AsioLoop>();
    processes_ = std::make_unique<exec::LocalProcessRunner>(*loop_);
    ComposeOptions options;
    options.cache_dir = cache_.path();
    runner_ = std::make_unique<CliComposeRunner>(*loop_, *processes_, options);
  }

  void TearDown() override {
    runner_.reset();
    processes_.reset();
    loop_.reset();
    if (!project_name_.empty()) {
      shell(compose_ + " --project-name " + project_name_ + " -f " + compose_file_ +
            " down --volumes --remove-orphans >/dev/null 2>&1");
    }
  }

  model::DcTarget target(const std::string& service) {
    model::DcTarget t;
    t.service = service;
    t.project = project_name_;
    t.project_dir = dir_.path();
    t.config_paths = {compose_file_};
    return t;
  }

  bool runUntil(const std::function<bool()>& pred,
                std::chrono::seconds patience = std::chrono::seconds(60)) {
    return exec::runLoopUntil(*loop_, pred, patience);
  }

  // Runs `up` to its end; returns its error ("" on success).
  std::string up(const std::string& service, const std::string& image = "") {
    OpResult r;
    runner_->up(
        {target(service), image, false}, [&](std::string_view l) { r.log.emplace_back(l); },
        [&](std::string e) { r.error = std::move(e); });
    if (!runUntil([&] { return r.error.has_value(); })) return "up timed out";
    return *r.error;
  }

  engine::WatchId watch(const std::string& service, Seen& seen) {
    return runner_->watchService(
        target(service), [&seen](const ContainerState& s) { seen.states.push_back(s); },
        [&seen](std::string_view l) { seen.logs.emplace_back(l); });
  }

  std::string containersOfProject() {
    return shell("docker ps -a -q --filter label=com.docker.compose.project=" + project_name_)
        .first;
  }

  static inline std::string skip_;
  static inline std::string failure_;
  static inline std::string compose_;
  static inline std::string image_a_;
  static inline std::string image_b_;
  static inline TempDir* images_ = nullptr;

  TempDir dir_;
  TempDir cache_;
  std::string project_name_;
  std::string compose_file_;
  std::unique_ptr<engine::AsioLoop> loop_;
  std::unique_ptr<exec::LocalProcessRunner> processes_;
  std::unique_ptr<CliComposeRunner> runner_;
};

TEST_F(ComposeRunnerDockerTest, UpBringsTheServiceUpAndTheWatcherSeesItRunningThenHealthy) {
  Seen seen;
  auto id = watch("web", seen);
  ASSERT_TRUE(runUntil([&] { return !seen.states.empty(); }));
  EXPECT_EQ(seen.states[0], ContainerState{});
  ASSERT_EQ(up("web"), "");
  ASSERT_TRUE(runUntil([&] {
    return !seen.states.empty() && seen.states.back().health == "healthy";
  })) << "last: "
      << seen.states.back().status << "/" << seen.states.back().health;
  bool running_before_healthy = false;
  for (const auto& s : seen.states) {
    if (s.status == "running" && s.health == "starting") running_before_healthy = true;
  }
  EXPECT_TRUE(running_before_healthy);
  const ContainerState& last = seen.states.back();
  EXPECT_EQ(last.status, "running");
  EXPECT_FALSE(last.container_id.empty());
  EXPECT_NE(last.started_at, std::chrono::system_clock::time_point{});
  ASSERT_TRUE(runUntil([&] { return seen.hasLog("web up"); }));
  runner_->unwatchService(id);
  EXPECT_TRUE(runUntil([&] { return runner_->runningCommands() == 0; }));
}

TEST_F(ComposeRunnerDockerTest, LogsArriveInOrderAndOnlyOnce) {
  Seen seen;
  watch("printer", seen);
  ASSERT_EQ(up("printer"), "");
  ASSERT_TRUE(runUntil([&] { return seen.logs.size() >= 10; }))
      << ::testing::PrintToString(seen.logs);
  // A later event (a pause and unpause) re-inspects the container, which must not repeat lines.
  ASSERT_TRUE(
      runUntil([&] { return !seen.states.empty() && seen.states.back().status == "running"; }));
  std::string cid = seen.states.back().container_id;
  ASSERT_TRUE(shell("docker pause " + cid + " >/dev/null").second);
  ASSERT_TRUE(runUntil([&] { return seen.states.back().status == "paused"; }));
  ASSERT_TRUE(shell("docker unpause " + cid + " >/dev/null").second);
  ASSERT_TRUE(runUntil([&] { return seen.states.back().status == "running"; }));
  std::vector<std::string> expected;
  for (int i = 1; i <= 10; ++i) expected.push_back("printer line " + std::to_string(i));
  EXPECT_EQ(seen.logs, expected);
}

TEST_F(ComposeRunnerDockerTest, UpWithAnImageRunsThatImage) {
  Seen seen;
  watch("web", seen);
  ASSERT_EQ(up("web", image_b_), "");
  ASSERT_TRUE(
      runUntil([&] { return !seen.states.empty() && seen.states.back().status == "running"; }));
  auto [image, ok] =
      shell("docker inspect --format '{{.Config.Image}}' " + seen.states.back().container_id);
  ASSERT_TRUE(ok);
  EXPECT_EQ(image, image_b_);
  EXPECT_TRUE(fs::is_empty(cache_.path())) << "the override file was left behind";
}

TEST_F(ComposeRunnerDockerTest, AServiceThatExitsIsReportedWithItsExitCode) {
  Seen seen;
  watch("failer", seen);
  ASSERT_EQ(up("failer"), "");
  ASSERT_TRUE(
      runUntil([&] { return !seen.states.empty() && seen.states.back().status == "exited"; }));
  EXPECT_EQ(seen.states.back().exit_code, 3);
  ASSERT_TRUE(runUntil([&] { return seen.hasLog("failing"); }));
}

TEST_F(ComposeRunnerDockerTest, RmRemovesTheContainer) {
  Seen seen;
  watch("printer", seen);
  ASSERT_EQ(up("printer"), "");
  ASSERT_TRUE(
      runUntil([&] { return !seen.states.empty() && seen.states.back().status == "running"; }));
  OpResult r;
  runner_->rm(
      target("printer"), [&](std::string_view l) { r.log.emplace_back(l); },
      [&](std::string e) { r.error = std::move(e); });
  ASSERT_TRUE(runUntil([&] { return r.error.has_value(); }));
  EXPECT_EQ(*r.error, "");
  EXPECT_EQ(containersOfProject(), "");
  ASSERT_TRUE(runUntil([&] { return seen.states.back() == ContainerState{}; }));
}

TEST_F(ComposeRunnerDockerTest, DownRemovesTheContainersAndTheNetwork) {
  ASSERT_EQ(up("printer"), "");
  ASSERT_EQ(up("web"), "");
  EXPECT_NE(containersOfProject(), "");
  std::string networks = "docker network ls -q --filter name=" + project_name_ + "_default";
  EXPECT_NE(shell(networks).first, "");
  OpResult r;
  runner_->down(
      target("web"), true, [&](std::string_view l) { r.log.emplace_back(l); },
      [&](std::string e) { r.error = std::move(e); });
  ASSERT_TRUE(runUntil([&] { return r.error.has_value(); }));
  EXPECT_EQ(*r.error, "");
  EXPECT_EQ(containersOfProject(), "");
  EXPECT_EQ(shell(networks).first, "");
}

TEST_F(ComposeRunnerDockerTest, RecreatingTheContainerMakesTheWatcherFollowTheNewOne) {
  Seen seen;
  watch("printer", seen);
  ASSERT_EQ(up("printer"), "");
  ASSERT_TRUE(runUntil([&] {
    return seen.logs.size() >= 10 && !seen.states.empty() && seen.states.back().status == "running";
  }));
  std::string first = seen.states.back().container_id;
  ASSERT_EQ(up("printer", image_b_), "");
  ASSERT_TRUE(runUntil([&] {
    return seen.states.back().container_id != first && seen.states.back().status == "running" &&
           seen.logs.size() >= 20;
  })) << ::testing::PrintToString(seen.logs);
  EXPECT_FALSE(seen.states.back().container_id.empty());
  std::vector<std::string> expected;
  for (int run = 0; run < 2; ++run) {
    for (int i = 1; i <= 10; ++i) expected.push_back("printer line " + std::to_string(i));
  }
  EXPECT_EQ(seen.logs, expected);
}

TEST_F(ComposeRunnerDockerTest, ComposeErrorsReachDone) {
  std::string error = up("nosuchservice");
  EXPECT_TRUE(error.starts_with(compose_ + " up nosuchservice failed: exit status 1\n")) << error;
  EXPECT_NE(error.find("nosuchservice"), error.rfind("nosuchservice")) << error;
}

}  // namespace
}  // namespace slant::docker
