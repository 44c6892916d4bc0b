#include "exec/process_runner.h"

#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "exec/exec_test_util.h"
#include "exec/line_splitter.h"

extern char** environ;

namespace slant::exec {
namespace {

using engine::ExitStatus;
using engine::OutputStream;
using engine::ProcessCallbacks;
using engine::ProcessId;
using engine::ProcessSpec;
using std::chrono::milliseconds;
using std::chrono::seconds;

// ---------------------------------------------------------------------------------------------
// Looking at processes through /proc.

struct ProcStat {
  char state = '?';
  pid_t ppid = 0;
  pid_t pgrp = 0;
  pid_t session = 0;
};

std::optional<ProcStat> procStat(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(in, text)) return std::nullopt;
  std::size_t paren = text.rfind(')');
  if (paren == std::string::npos) return std::nullopt;
  std::istringstream fields(text.substr(paren + 2));
  ProcStat s;
  fields >> s.state >> s.ppid >> s.pgrp >> s.session;
  return s;
}

// Alive: exists and is not a zombie (whoever adopted an orphan may be slow to reap it).
bool alive(pid_t pid) {
  auto s = procStat(pid);
  return s && s->state != 'Z' && s->state != 'X';
}

// The live members of a process group.
std::vector<pid_t> groupMembers(pid_t pgrp) {
  std::vector<pid_t> members;
  DIR* dir = ::opendir("/proc");
  if (dir == nullptr) return members;
  while (dirent* e = ::readdir(dir)) {
    char* end = nullptr;
    long pid = std::strtol(e->d_name, &end, 10);
    if (end == e->d_name || *end != '\0') continue;
    auto s = procStat(static_cast<pid_t>(pid));
    if (s && s->pgrp == pgrp && s->state != 'Z' && s->state != 'X') {
      members.push_back(static_cast<pid_t>(pid));
    }
  }
  ::closedir(dir);
  return members;
}

// Waits (really sleeping, no loop involved) until `pred` holds.
bool eventually(const std::function<bool()>& pred, std::chrono::seconds patience = kPatience) {
  auto deadline = std::chrono::steady_clock::now() + patience;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(milliseconds(10));
  }
  return true;
}

std::string makeTempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "slant-exec-XXXXXX").string();
  char* dir = ::mkdtemp(pattern.data());
  EXPECT_NE(dir, nullptr);
  return std::filesystem::canonical(pattern).string();
}

// ---------------------------------------------------------------------------------------------
// A helper process for the tests where slant itself dies: this test binary, re-executed with
// SLANT_EXEC_TEST_HELPER set, runs a LocalProcessRunner that starts `sh -c 'echo $$; sleep 1000 &
// sleep 1000'` and forwards its output to stdout, until it is killed.

int runHelper() {
  engine::AsioLoop loop;
  LocalProcessRunner runner(loop);
  ProcessSpec spec;
  spec.cmd.argv = {"sh", "-c", "echo $$; sleep 1000 & sleep 1000"};
  spec.cmd.dir = "/";
  runner.start(spec, {[](OutputStream, std::string_view line) {
                        std::string text = std::string(line) + "\n";
                        (void)!::write(STDOUT_FILENO, text.data(), text.size());
                      },
                      nullptr});
  loop.run();
  return 0;
}

[[maybe_unused]] const bool kIsHelper = [] {
  if (std::getenv("SLANT_EXEC_TEST_HELPER") == nullptr) return false;
  ::_exit(runHelper());
}();

// ---------------------------------------------------------------------------------------------

struct Recorded {
  std::vector<std::pair<OutputStream, std::string>> lines;
  std::optional<ExitStatus> exit;
  int exits = 0;
  bool line_after_exit = false;

  std::vector<std::string> of(OutputStream stream) const {
    std::vector<std::string> out;
    for (const auto& [s, line] : lines) {
      if (s == stream) out.push_back(line);
    }
    return out;
  }
};

class LocalProcessRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override { runner_ = std::make_unique<LocalProcessRunner>(loop_, options()); }

  virtual RunnerOptions options() const { return {}; }

  ProcessId start(std::vector<std::string> argv, std::shared_ptr<Recorded> rec,
                  std::string dir = "/",
                  std::vector<std::pair<std::string, std::string>> env = {}) {
    ProcessSpec spec;
    spec.cmd.argv = std::move(argv);
    spec.cmd.dir = std::move(dir);
    spec.cmd.env = std::move(env);
    return runner_->start(spec, callbacks(rec));
  }

  static ProcessCallbacks callbacks(const std::shared_ptr<Recorded>& rec) {
    return {[rec](OutputStream stream, std::string_view line) {
              if (rec->exits > 0) rec->line_after_exit = true;
              rec->lines.emplace_back(stream, std::string(line));
            },
            [rec](const ExitStatus& status) {
              ++rec->exits;
              rec->exit = status;
            }};
  }

  // Runs the loop until `pred` holds; false after kPatience.
  bool runUntil(const std::function<bool()>& pred, std::chrono::seconds patience = kPatience) {
    return runLoopUntil(loop_, pred, patience);
  }

  // Runs the loop for a while, whatever happens.
  void runFor(engine::Duration d) { runLoopFor(loop_, d); }

  std::shared_ptr<Recorded> run(std::vector<std::string> argv, std::string dir = "/",
                                std::vector<std::pair<std::string, std::string>> env = {}) {
    auto rec = std::make_shared<Recorded>();
    start(std::move(argv), rec, std::move(dir), std::move(env));
    EXPECT_TRUE(runUntil([&] { return rec->exits > 0; }));
    return rec;
  }

  engine::AsioLoop loop_;
  std::unique_ptr<LocalProcessRunner> runner_;
};

TEST(LookPath, FindsAnExecutableInPath) {
  auto found = lookPath("sh", "/nonexistent:/usr/bin:/bin");
  ASSERT_TRUE(found) << found.error();
  EXPECT_EQ(*found, "/usr/bin/sh");
}

TEST(LookPath, ReportsAMissingExecutableInGosWords) {
  auto found = lookPath("slant-no-such-program", "/usr/bin:/bin");
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error(), "exec: \"slant-no-such-program\": executable file not found in $PATH");
}

TEST(LookPath, SkipsFilesWithoutExecutePermissionAndDirectories) {
  std::string a = makeTempDir();
  std::string b = makeTempDir();
  std::ofstream(a + "/tool") << "#!/bin/sh\n";  // not executable
  std::filesystem::create_directory(b + "/tool");
  std::string c = makeTempDir();
  std::ofstream(c + "/tool") << "#!/bin/sh\n";
  ::chmod((c + "/tool").c_str(), 0755);
  auto found = lookPath("tool", a + ":" + b + ":" + c);
  ASSERT_TRUE(found) << found.error();
  EXPECT_EQ(*found, c + "/tool");
  EXPECT_FALSE(lookPath("tool", a + ":" + b));
  std::filesystem::remove_all(a);
  std::filesystem::remove_all(b);
  std::filesystem::remove_all(c);
}

TEST(LookPath, RefusesAnExecutableFoundThroughARelativeEntryAsGoDoes) {
  std::string dir = makeTempDir();
  std::ofstream(dir + "/tool") << "#!/bin/sh\n";
  ::chmod((dir + "/tool").c_str(), 0755);
  std::string old = std::filesystem::current_path();
  std::filesystem::current_path(dir);
  auto found = lookPath("tool", ":/usr/bin");
  std::filesystem::current_path(old);
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error(),
            "exec: \"tool\": cannot run executable found relative to current directory");
  std::filesystem::remove_all(dir);
}

TEST_F(LocalProcessRunnerTest, DeliversStdoutAndStderrLinesBeforeTheExit) {
  auto rec = run({"sh", "-c", "echo out1; echo err1 >&2; echo out2; echo err2 >&2"});
  ASSERT_TRUE(rec->exit);
  EXPECT_TRUE(rec->exit->ok()) << rec->exit->text();
  EXPECT_EQ(rec->of(OutputStream::kStdout), (std::vector<std::string>{"out1", "out2"}));
  EXPECT_EQ(rec->of(OutputStream::kStderr), (std::vector<std::string>{"err1", "err2"}));
  EXPECT_EQ(rec->exits, 1);
  EXPECT_FALSE(rec->line_after_exit);
}

TEST_F(LocalProcessRunnerTest, DeliversAnUnterminatedLastLineBeforeTheExit) {
  auto rec = run({"printf", "first\\nlast"});
  EXPECT_EQ(rec->of(OutputStream::kStdout), (std::vector<std::string>{"first", "last"}));
  EXPECT_FALSE(rec->line_after_exit);
}

TEST_F(LocalProcessRunnerTest, StripsTheCarriageReturnOfCrlfLines) {
  auto rec = run({"printf", "a\\r\\nb\\r\\n"});
  EXPECT_EQ(rec->of(OutputStream::kStdout), (std::vector<std::string>{"a", "b"}));
}

TEST_F(LocalProcessRunnerTest, SplitsVeryLongLines) {
  auto rec = run({"sh", "-c", "head -c 150000 /dev/zero | tr '\\0' x; echo; echo short"});
  auto out = rec->of(OutputStream::kStdout);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0], std::string(kMaxLineBytes, 'x'));
  EXPECT_EQ(out[1], std::string(kMaxLineBytes, 'x'));
  EXPECT_EQ(out[2], std::string(150000 - 2 * kMaxLineBytes, 'x'));
  EXPECT_EQ(out[3], "short");
}

TEST_F(LocalProcessRunnerTest, KeepsEveryLineOfAFloodOfOutput) {
  auto rec = run({"seq", "1", "200000"});
  auto out = rec->of(OutputStream::kStdout);
  ASSERT_EQ(out.size(), 200000u);
  bool in_order = true;
  for (std::size_t i = 0; i < out.size() && in_order; ++i)
    in_order = out[i] == std::to_string(i + 1);
  EXPECT_TRUE(in_order);
}

TEST_F(LocalProcessRunnerTest, PassesInvalidUtf8Through) {
  auto rec = run({"printf", "\\377\\376ok\\n"});
  EXPECT_EQ(rec->of(OutputStream::kStdout), (std::vector<std::string>{"\xFF\xFEok"}));
}

TEST_F(LocalProcessRunnerTest, RunsInItsDirectoryWithSlantsEnvironmentPlusItsOwn) {
  std::string dir = makeTempDir();
  ::setenv("SLANT_EXEC_TEST_INHERITED", "inherited", 1);
  auto rec =
      run({"sh", "-c", "pwd; echo \"$SLANT_EXEC_TEST_INHERITED $SLANT_A $SLANT_B $HOME\""}, dir,
          {{"SLANT_A", "a"}, {"SLANT_B", "first"}, {"SLANT_B", "second"}, {"HOME", "/x"}});
  ::unsetenv("SLANT_EXEC_TEST_INHERITED");
  EXPECT_EQ(rec->of(OutputStream::kStdout),
            (std::vector<std::string>{dir, "inherited a second /x"}));
  std::filesystem::remove_all(dir);
}

TEST_F(LocalProcessRunnerTest, ReadsStdinFromDevNull) {
  auto rec = run({"sh", "-c", "cat; readlink /proc/self/fd/0"});
  EXPECT_TRUE(rec->exit->ok());
  EXPECT_EQ(rec->of(OutputStream::kStdout), (std::vector<std::string>{"/dev/null"}));
}

TEST_F(LocalProcessRunnerTest, PassesOnlyTheStandardDescriptors) {
  auto rec = run({"sh", "-c", "ls /proc/self/fd"});
  // 0, 1, 2 and the descriptor ls reads the directory with.
  EXPECT_LE(rec->of(OutputStream::kStdout).size(), 4u);
}

TEST_F(LocalProcessRunnerTest, ReportsTheExitCode) {
  auto rec = run({"sh", "-c", "exit 3"});
  EXPECT_EQ(rec->exit->exit_code, 3);
  EXPECT_EQ(rec->exit->term_signal, 0);
  EXPECT_EQ(rec->exit->text(), "exit status 3");
}

TEST_F(LocalProcessRunnerTest, ReportsTheSignalThatEndedIt) {
  auto rec = run({"sh", "-c", "kill -KILL $$"});
  EXPECT_EQ(rec->exit->exit_code, -1);
  EXPECT_EQ(rec->exit->term_signal, SIGKILL);
  EXPECT_EQ(rec->exit->text(), "signal: killed");
}

TEST_F(LocalProcessRunnerTest, ReportsTheExitCodeEvenWhenSlantIgnoresSigchld) {
  struct sigaction ignore = {};
  ignore.sa_handler = SIG_IGN;
  struct sigaction saved;
  ::sigaction(SIGCHLD, &ignore, &saved);
  auto rec = run({"sh", "-c", "exit 7"});
  ::sigaction(SIGCHLD, &saved, nullptr);
  EXPECT_EQ(rec->exit->exit_code, 7) << rec->exit->text();
}

TEST_F(LocalProcessRunnerTest, ReportsAMissingExecutableAsGoDoes) {
  auto rec = std::make_shared<Recorded>();
  start({"slant-no-such-program-4242"}, rec);
  EXPECT_EQ(rec->exits, 0) << "on_exit must not run inside start()";
  ASSERT_TRUE(runUntil([&] { return rec->exits > 0; }));
  EXPECT_EQ(rec->exit->start_error,
            "exec: \"slant-no-such-program-4242\": executable file not found in $PATH");
  EXPECT_EQ(rec->exit->exit_code, -1);
  EXPECT_FALSE(rec->exit->ok());
}

TEST_F(LocalProcessRunnerTest, ReportsABadDirectoryAsGoDoes) {
  auto rec = run({"true"}, "/nonexistent/slant-dir");
  EXPECT_EQ(rec->exit->start_error, "chdir /nonexistent/slant-dir: no such file or directory");
}

TEST_F(LocalProcessRunnerTest, ReportsAFileWithoutExecutePermissionAsGoDoes) {
  std::string dir = makeTempDir();
  std::ofstream(dir + "/script") << "#!/bin/sh\necho hi\n";
  ::chmod((dir + "/script").c_str(), 0644);
  auto rec = run({"./script"}, dir);
  EXPECT_EQ(rec->exit->start_error, "fork/exec ./script: permission denied");
  std::filesystem::remove_all(dir);
}

TEST_F(LocalProcessRunnerTest, ReportsAFileThatIsNoProgramAsGoDoes) {
  std::string dir = makeTempDir();
  std::ofstream(dir + "/data") << "\x7f"
                                  "ELF but not really";
  ::chmod((dir + "/data").c_str(), 0755);
  auto rec = run({"./data"}, dir);
  EXPECT_EQ(rec->exit->start_error, "fork/exec ./data: exec format error");
  std::filesystem::remove_all(dir);
}

TEST_F(LocalProcessRunnerTest, RunsARelativePathFromItsDirectory) {
  std::string dir = makeTempDir();
  std::ofstream(dir + "/script") << "#!/bin/sh\necho hi from script\n";
  ::chmod((dir + "/script").c_str(), 0755);
  auto rec = run({"./script"}, dir);
  EXPECT_TRUE(rec->exit->ok()) << rec->exit->text();
  EXPECT_EQ(rec->of(OutputStream::kStdout), (std::vector<std::string>{"hi from script"}));
  std::filesystem::remove_all(dir);
}

TEST_F(LocalProcessRunnerTest, ReportsAnEmptyCommand) {
  auto rec = run({});
  EXPECT_EQ(rec->exit->start_error, "exec: no command");
}

TEST_F(LocalProcessRunnerTest, RunsEachProcessInASessionAndGroupOfItsOwnUnderASupervisor) {
  auto rec = std::make_shared<Recorded>();
  ProcessId id = start({"sh", "-c", "echo $$; exec sleep 1000"}, rec);
  ASSERT_TRUE(runUntil([&] { return !rec->lines.empty() && runner_->processGroup(id) != 0; }));
  pid_t pid = std::stoi(rec->lines[0].second);
  EXPECT_EQ(runner_->processGroup(id), pid);
  auto child = procStat(pid);
  ASSERT_TRUE(child);
  EXPECT_EQ(child->pgrp, pid);
  EXPECT_EQ(child->session, pid);
  // Its parent is the supervisor: not slant, and in a process group of its own, so that a
  // signal to slant's group does not reach it.
  EXPECT_NE(child->ppid, ::getpid());
  auto supervisor = procStat(child->ppid);
  ASSERT_TRUE(supervisor);
  EXPECT_EQ(supervisor->ppid, ::getpid());
  EXPECT_EQ(supervisor->pgrp, child->ppid);
  EXPECT_NE(supervisor->pgrp, ::getpgrp());
  runner_->stop(id, seconds(5));
  ASSERT_TRUE(runUntil([&] { return rec->exits > 0; }));
}

TEST_F(LocalProcessRunnerTest, StopSendsSigtermToTheGroup) {
  auto rec = std::make_shared<Recorded>();
  ProcessId id = start({"sh", "-c", "sleep 1000 & echo $!; wait"}, rec);
  ASSERT_TRUE(runUntil([&] { return !rec->lines.empty(); }));
  pid_t sleeper = std::stoi(rec->lines[0].second);
  ASSERT_TRUE(alive(sleeper));
  runner_->stop(id, seconds(30));
  ASSERT_TRUE(runUntil([&] { return rec->exits > 0; }));
  EXPECT_EQ(rec->exit->term_signal, SIGTERM) << rec->exit->text();
  EXPECT_EQ(rec->exit->text(), "signal: terminated");
  EXPECT_TRUE(eventually([&] { return !alive(sleeper); }));
}

TEST_F(LocalProcessRunnerTest, StopKillsAProcessThatIgnoresSigtermAfterTheGrace) {
  auto rec = std::make_shared<Recorded>();
  ProcessId id = start({"sh", "-c", "trap '' TERM; echo ready; while :; do sleep 0.05; done"}, rec);
  ASSERT_TRUE(runUntil([&] { return !rec->lines.empty(); }));
  auto stopped_at = std::chrono::steady_clock::now();
  runner_->stop(id, milliseconds(300));
  ASSERT_TRUE(runUntil([&] { return rec->exits > 0; }));
  EXPECT_GE(std::chrono::steady_clock::now() - stopped_at, milliseconds(300));
  EXPECT_EQ(rec->exit->term_signal, SIGKILL) << rec->exit->text();
  EXPECT_EQ(rec->exits, 1);
}

TEST_F(LocalProcessRunnerTest, ASecondStopShortensTheGrace) {
  auto rec = std::make_shared<Recorded>();
  ProcessId id = start({"sh", "-c", "trap '' TERM; echo ready; while :; do sleep 0.05; done"}, rec);
  ASSERT_TRUE(runUntil([&] { return !rec->lines.empty(); }));
  runner_->stop(id, seconds(1000));
  runner_->stop(id, seconds(1000));
  runFor(milliseconds(200));
  EXPECT_EQ(rec->exits, 0);
  runner_->stop(id, engine::Duration::zero());
  ASSERT_TRUE(runUntil([&] { return rec->exits > 0; }));
  EXPECT_EQ(rec->exit->term_signal, SIGKILL);
}

TEST_F(LocalProcessRunnerTest, StopKillsGrandchildrenWithTheGroup) {
  auto rec = std::make_shared<Recorded>();
  ProcessId id = start({"sh", "-c", "trap '' TERM; sleep 1000 & echo $!; sleep 1000"}, rec);
  // Output and the supervisor's "started" come on different descriptors: wait for both.
  ASSERT_TRUE(runUntil([&] { return !rec->lines.empty() && runner_->processGroup(id) != 0; }));
  pid_t group = runner_->processGroup(id);
  EXPECT_TRUE(eventually([&] { return groupMembers(group).size() == 3; }));
  runner_->stop(id, milliseconds(100));
  ASSERT_TRUE(runUntil([&] { return rec->exits > 0; }));
  EXPECT_TRUE(eventually([&] { return groupMembers(group).empty(); }));
}

TEST_F(LocalProcessRunnerTest, KillsWhatTheCommandLeftInItsGroupWhenItExits) {
  auto rec = run({"sh", "-c", "sleep 1000 & echo $!"});
  EXPECT_TRUE(rec->exit->ok());
  pid_t sleeper = std::stoi(rec->of(OutputStream::kStdout).at(0));
  EXPECT_TRUE(eventually([&] { return !alive(sleeper); }));
}

class ShortDrainTest : public LocalProcessRunnerTest {
 protected:
  RunnerOptions options() const override {
    RunnerOptions o;
    o.drain = milliseconds(200);
    return o;
  }
};

TEST_F(ShortDrainTest, ADescendantThatLeftTheGroupDoesNotHoldTheExitBack) {
  // setsid puts the sleep in a session of its own, so the group kill misses it, and it keeps
  // stdout and stderr open. The command waits until the escape is done (the pid file is written
  // after setsid()) before it exits.
  std::string dir = makeTempDir();
  auto rec = run({"sh", "-c",
                  "setsid sh -c 'echo $$ > pid; exec sleep 1000' & "
                  "while [ ! -s pid ]; do sleep 0.01; done; cat pid; echo last words"},
                 dir);
  ASSERT_TRUE(rec->exit);
  EXPECT_TRUE(rec->exit->ok()) << rec->exit->text();
  auto out = rec->of(OutputStream::kStdout);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1], "last words");
  pid_t escaped = std::stoi(out[0]);
  EXPECT_TRUE(alive(escaped));
  ::kill(escaped, SIGKILL);
  std::filesystem::remove_all(dir);
}

TEST_F(LocalProcessRunnerTest, StopAllCallsDoneOnceEveryProcessHasExited) {
  std::vector<std::shared_ptr<Recorded>> recs;
  for (int i = 0; i < 3; ++i) {
    recs.push_back(std::make_shared<Recorded>());
    start({"sleep", "1000"}, recs.back());
  }
  auto stubborn = std::make_shared<Recorded>();
  start({"sh", "-c", "trap '' TERM; echo ready; while :; do sleep 0.05; done"}, stubborn);
  ASSERT_TRUE(runUntil([&] { return !stubborn->lines.empty(); }));
  int done = 0;
  bool all_exited_first = false;
  runner_->stopAll(milliseconds(200), [&] {
    ++done;
    all_exited_first = stubborn->exits == 1;
    for (auto& r : recs) all_exited_first = all_exited_first && r->exits == 1;
  });
  EXPECT_EQ(done, 0);
  ASSERT_TRUE(runUntil([&] { return done > 0; }));
  EXPECT_TRUE(all_exited_first);
  EXPECT_EQ(runner_->running(), 0u);
  EXPECT_EQ(stubborn->exit->term_signal, SIGKILL);
  runFor(milliseconds(100));
  EXPECT_EQ(done, 1);
}

TEST_F(LocalProcessRunnerTest, StopAllWithNothingRunningCallsDoneOnTheLoop) {
  bool done = false;
  runner_->stopAll(seconds(1), [&] { done = true; });
  EXPECT_FALSE(done);
  EXPECT_TRUE(runUntil([&] { return done; }));
}

TEST_F(LocalProcessRunnerTest, StopOfAFinishedOrUnknownProcessDoesNothing) {
  auto rec = std::make_shared<Recorded>();
  ProcessId id = start({"true"}, rec);
  ASSERT_TRUE(runUntil([&] { return rec->exits > 0; }));
  runner_->stop(id, engine::Duration::zero());
  runner_->stop(id + 1000, engine::Duration::zero());
  runFor(milliseconds(50));
  EXPECT_EQ(rec->exits, 1);
}

TEST_F(LocalProcessRunnerTest, StopBeforeTheProcessHasStartedStillStopsIt) {
  auto rec = std::make_shared<Recorded>();
  ProcessId id = start({"sleep", "1000"}, rec);
  runner_->stop(id, seconds(10));
  ASSERT_TRUE(runUntil([&] { return rec->exits > 0; }));
  EXPECT_EQ(rec->exit->term_signal, SIGTERM);
}

TEST_F(LocalProcessRunnerTest, RunsManyProcessesAtOnce) {
  std::vector<std::shared_ptr<Recorded>> recs;
  for (int i = 0; i < 100; ++i) {
    recs.push_back(std::make_shared<Recorded>());
    start({"sh", "-c", "echo " + std::to_string(i)}, recs.back());
  }
  ASSERT_TRUE(runUntil([&] {
    for (auto& r : recs) {
      if (r->exits == 0) return false;
    }
    return true;
  }));
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(recs[i]->exit->ok()) << recs[i]->exit->text();
    EXPECT_EQ(recs[i]->of(OutputStream::kStdout), (std::vector<std::string>{std::to_string(i)}));
  }
  EXPECT_EQ(runner_->running(), 0u);
}

TEST_F(LocalProcessRunnerTest, DestroyingTheRunnerKillsEveryGroup) {
  auto rec = std::make_shared<Recorded>();
  ProcessId id = start({"sh", "-c", "trap '' TERM; sleep 1000 & echo $!; sleep 1000"}, rec);
  ASSERT_TRUE(runUntil([&] { return !rec->lines.empty() && runner_->processGroup(id) != 0; }));
  pid_t group = runner_->processGroup(id);
  runner_.reset();
  EXPECT_TRUE(eventually([&] { return groupMembers(group).empty(); }));
  EXPECT_EQ(rec->exits, 0);
  runFor(milliseconds(50));
  EXPECT_EQ(rec->exits, 0) << "no callback after the runner is gone";
}

TEST(LocalProcessRunner, RaisesSlantsOpenFileLimitButNotItsChildrens) {
  rlimit original;
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &original), 0);
  if (original.rlim_max < 1024) GTEST_SKIP() << "hard limit too low to lower the soft one";
  rlimit lowered = original;
  lowered.rlim_cur = 512;
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &lowered), 0);
  std::vector<std::string> out;
  bool exited = false;
  {
    engine::AsioLoop loop;
    LocalProcessRunner runner(loop);
    rlimit now;
    ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &now), 0);
    EXPECT_EQ(now.rlim_cur, original.rlim_max);
    ProcessSpec spec;
    spec.cmd.argv = {"sh", "-c", "ulimit -n"};
    spec.cmd.dir = "/";
    runner.start(spec, {[&](OutputStream, std::string_view line) { out.emplace_back(line); },
                        [&](const ExitStatus&) { exited = true; }});
    auto deadline = std::chrono::steady_clock::now() + kPatience;
    while (!exited && std::chrono::steady_clock::now() < deadline) {
      loop.io().run_one_for(milliseconds(50));
    }
  }
  ::setrlimit(RLIMIT_NOFILE, &original);
  ASSERT_TRUE(exited);
  EXPECT_EQ(out, (std::vector<std::string>{"512"}));
}

// The helper (this binary, re-executed) runs a runner whose command is `sh -c 'echo $$; sleep
// 1000 & sleep 1000'`. Returns its pid and the command's process group.
std::pair<pid_t, pid_t> startHelper(bool own_group, int& out_fd) {
  int fds[2];
  EXPECT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  if (own_group) {
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
  }
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) env_strings.emplace_back(*e);
  env_strings.emplace_back("SLANT_EXEC_TEST_HELPER=1");
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string self = std::filesystem::read_symlink("/proc/self/exe");
  char* argv[] = {self.data(), nullptr};
  pid_t helper = 0;
  EXPECT_EQ(::posix_spawn(&helper, self.c_str(), &actions, &attr, argv, envp.data()), 0);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(fds[1]);
  out_fd = fds[0];
  // The first line is the command's pid, which is its process group.
  std::string line;
  auto deadline = std::chrono::steady_clock::now() + kPatience;
  while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    pollfd pfd{out_fd, POLLIN, 0};
    if (::poll(&pfd, 1, 100) <= 0) continue;
    char c;
    if (::read(out_fd, &c, 1) != 1) break;
    line += c;
  }
  EXPECT_NE(line.find('\n'), std::string::npos) << "the helper printed no pid";
  return {helper, line.empty() ? 0 : std::stoi(line)};
}

void expectNoOrphansAfterKilling(bool whole_group) {
  int out_fd = -1;
  auto [helper, group] = startHelper(whole_group, out_fd);
  ASSERT_GT(group, 0);
  // sh and its two sleeps.
  ASSERT_TRUE(eventually([&] { return groupMembers(group).size() == 3; }));
  if (whole_group) {
    // Like `timeout -s KILL` or a CI runner: the signal reaches slant's whole process group.
    ASSERT_EQ(::kill(-helper, SIGKILL), 0);
  } else {
    ASSERT_EQ(::kill(helper, SIGKILL), 0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(helper, &status, 0), helper);
  EXPECT_TRUE(WIFSIGNALED(status));
  EXPECT_TRUE(eventually([&] { return groupMembers(group).empty(); }))
      << "left behind: " << groupMembers(group).size() << " processes";
  ::close(out_fd);
}

TEST(NoOrphans, NoProcessOutlivesSlantKilledWithSigkill) { expectNoOrphansAfterKilling(false); }

TEST(NoOrphans, NoProcessOutlivesSlantsWholeGroupKilledWithSigkill) {
  expectNoOrphansAfterKilling(true);
}

}  // namespace
}  // namespace slant::exec
