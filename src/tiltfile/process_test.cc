#include "tiltfile/process.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace slant::tiltfile {
namespace {

using ::testing::HasSubstr;

class RunCommandTest : public ::testing::Test {
 protected:
  RunCommandTest() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "slant-process-XXXXXX").string();
    dir_ = mkdtemp(tmpl.data());
  }
  ~RunCommandTest() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string script(const std::string& name, const std::string& text, mode_t mode = 0755) {
    std::string p = dir_ + "/" + name;
    std::ofstream(p) << text;
    ::chmod(p.c_str(), mode);
    return p;
  }
  std::string dir_;
};

TEST_F(RunCommandTest, CapturesStdoutAndStderrSeparately) {
  auto out = runCommand({"sh", "-c", "echo out; echo err >&2; echo more"}, dir_);
  ASSERT_TRUE(out) << out.error().message();
  EXPECT_EQ(out->stdout_text, "out\nmore\n");
  EXPECT_EQ(out->stderr_text, "err\n");
  EXPECT_TRUE(out->ok());
  EXPECT_EQ(out->statusText(), "exit status 0");
}

TEST_F(RunCommandTest, ReportsTheExitStatusWithoutFailing) {
  auto out = runCommand({"sh", "-c", "echo partial; exit 3"}, dir_);
  ASSERT_TRUE(out);
  EXPECT_FALSE(out->ok());
  EXPECT_EQ(out->exit_code, 3);
  EXPECT_EQ(out->statusText(), "exit status 3");
  EXPECT_EQ(out->stdout_text, "partial\n");
}

TEST_F(RunCommandTest, ReportsTheSignalThatEndedTheCommand) {
  auto out = runCommand({"sh", "-c", "kill -9 $$"}, dir_);
  ASSERT_TRUE(out);
  EXPECT_FALSE(out->ok());
  EXPECT_EQ(out->term_signal, 9);
  EXPECT_EQ(out->statusText(), "signal: killed");
}

TEST_F(RunCommandTest, RunsArgvDirectlyWithoutAShell) {
  auto out = runCommand({"echo", "$HOME", "a  b"}, dir_);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->stdout_text, "$HOME a  b\n");
}

TEST_F(RunCommandTest, RunsInTheGivenDirectory) {
  auto out = runCommand({"pwd"}, dir_);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->stdout_text, std::filesystem::canonical(dir_).string() + "\n");
}

TEST_F(RunCommandTest, AddsAndOverridesEnvironmentVariables) {
  ::setenv("SLANT_PROCESS_TEST_KEEP", "kept", 1);
  ::setenv("SLANT_PROCESS_TEST_OVERRIDE", "old", 1);
  auto out = runCommand(
      {"sh", "-c",
       "echo $SLANT_PROCESS_TEST_KEEP $SLANT_PROCESS_TEST_OVERRIDE $SLANT_PROCESS_TEST_NEW"},
      dir_, {{"SLANT_PROCESS_TEST_OVERRIDE", "new"}, {"SLANT_PROCESS_TEST_NEW", "added"}});
  ::unsetenv("SLANT_PROCESS_TEST_KEEP");
  ::unsetenv("SLANT_PROCESS_TEST_OVERRIDE");
  ASSERT_TRUE(out);
  EXPECT_EQ(out->stdout_text, "kept new added\n");
}

TEST_F(RunCommandTest, ALaterEnvironmentEntryWins) {
  auto out = runCommand({"sh", "-c", "echo $X"}, dir_, {{"X", "1"}, {"X", "2"}});
  ASSERT_TRUE(out);
  EXPECT_EQ(out->stdout_text, "2\n");
}

TEST_F(RunCommandTest, FeedsStdin) {
  auto out = runCommand({"cat"}, dir_, {}, std::string("hello\nworld"));
  ASSERT_TRUE(out);
  EXPECT_EQ(out->stdout_text, "hello\nworld");
}

TEST_F(RunCommandTest, LargeStdinAndOutputDoNotDeadlock) {
  std::string big(4 << 20, 'x');
  auto out = runCommand({"sh", "-c", "cat; cat /dev/null >&2"}, dir_, {}, big);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->stdout_text.size(), big.size());
}

TEST_F(RunCommandTest, StdinIsEmptyWhenNotGiven) {
  auto out = runCommand({"cat"}, dir_);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->stdout_text, "");
}

TEST_F(RunCommandTest, ACommandThatIgnoresStdinDoesNotKillTheCaller) {
  std::string big(4 << 20, 'x');
  auto out = runCommand({"true"}, dir_, {}, big);
  ASSERT_TRUE(out);
  EXPECT_TRUE(out->ok());
}

TEST_F(RunCommandTest, StreamsOutputToTheCallback) {
  std::string seen_out, seen_err;
  auto out = runCommand({"sh", "-c", "echo a; echo b >&2"}, dir_, {}, std::nullopt,
                        [&](OutputStream s, std::string_view chunk) {
                          (s == OutputStream::kStdout ? seen_out : seen_err) += chunk;
                        });
  ASSERT_TRUE(out);
  EXPECT_EQ(seen_out, "a\n");
  EXPECT_EQ(seen_err, "b\n");
}

TEST_F(RunCommandTest, AMissingExecutableIsAnError) {
  auto out = runCommand({"slant-no-such-command"}, dir_);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().message(),
            "exec: \"slant-no-such-command\": executable file not found in $PATH");
}

TEST_F(RunCommandTest, AMissingDirectoryIsAnError) {
  auto out = runCommand({"true"}, dir_ + "/nope");
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().message(), "chdir " + dir_ + "/nope: No such file or directory");
}

TEST_F(RunCommandTest, ARelativeProgramPathResolvesAgainstTheDirectory) {
  script("hello.sh", "#!/bin/sh\necho hello from script\n");
  auto out = runCommand({"./hello.sh"}, dir_);
  ASSERT_TRUE(out) << out.error().message();
  EXPECT_EQ(out->stdout_text, "hello from script\n");
}

TEST_F(RunCommandTest, ANonExecutableProgramIsAnError) {
  script("plain.sh", "echo hi\n", 0644);
  auto out = runCommand({"./plain.sh"}, dir_);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().message(), "fork/exec ./plain.sh: Permission denied");
}

TEST_F(RunCommandTest, AnEmptyArgvIsAnError) {
  auto out = runCommand({}, dir_);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().message(), "exec: no command");
}

TEST_F(RunCommandTest, LookPathFindsCommandsInPath) {
  auto sh = lookPath("sh");
  ASSERT_TRUE(sh);
  EXPECT_THAT(*sh, ::testing::EndsWith("/sh"));
}

TEST_F(RunCommandTest, LookPathChecksPathsWithASlashAsIs) {
  std::string s = script("tool", "#!/bin/sh\n");
  EXPECT_EQ(*lookPath(s), s);
  auto missing = lookPath(dir_ + "/nope");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message(),
            "exec: \"" + dir_ + "/nope\": stat " + dir_ + "/nope: No such file or directory");
  std::string plain = script("plain", "x", 0644);
  auto denied = lookPath(plain);
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().message(), "exec: \"" + plain + "\": permission denied");
}

TEST(CommandString, ShowsTheScriptOfAShellCommand) {
  EXPECT_EQ(commandString({"sh", "-c", "make all"}), "make all");
  // Multi-line scripts are shown as argv; only arguments with a space are quoted.
  EXPECT_EQ(commandString({"sh", "-c", "a\nb"}), "sh -c a\nb");
  EXPECT_EQ(commandString({"sh", "-c", "a b\nc"}), "sh -c \"a b\\nc\"");
  EXPECT_EQ(commandString({"kubectl", "kustomize", "."}), "kubectl kustomize .");
  EXPECT_EQ(commandString({"echo", "a b"}), "echo \"a b\"");
}

TEST(CommandFailureMessage, NamesTheCommandAndStatusAndOutput) {
  CommandOutput out;
  out.exit_code = 2;
  out.stdout_text = "o";
  out.stderr_text = "e";
  EXPECT_EQ(commandFailureMessage({"sh", "-c", "make x"}, out, false),
            "command \"make x\" failed.\nerror: exit status 2");
  EXPECT_EQ(commandFailureMessage({"sh", "-c", "make x"}, out, true),
            "command \"make x\" failed.\nerror: exit status 2\nstdout:\no\nstderr:\ne\n");
  EXPECT_EQ(commandFailureMessage({"nope"}, {}, false, "exec: \"nope\": not found"),
            "command \"nope\" failed.\nerror: exec: \"nope\": not found");
}

}  // namespace
}  // namespace slant::tiltfile
