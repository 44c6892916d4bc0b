// Running a command to completion from a Tiltfile builtin (local(), kustomize(), helm(), ...):
// argv is executed directly (no shell unless argv itself says `sh -c`), in a given directory,
// with extra environment variables and optional stdin, capturing stdout and stderr separately.
//
//   CommandOutput out = TRY(runCommand({"kubectl", "kustomize", "."}, st.currentDir()));
//   if (!out.ok()) return makeError(commandFailureMessage(argv, out, /*include_output=*/true));
//
// A command that starts and exits non-zero is not an error of runCommand: the exit status is in
// CommandOutput. runCommand fails only when the command cannot be started at all (executable
// not found, directory missing), with Go's os/exec wording, which is what Tilt users see.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "starlark/value.h"

namespace slant::tiltfile {

/// What a finished command wrote and how it ended.
struct CommandOutput {
  std::string stdout_text;
  std::string stderr_text;
  int exit_code = 0;    ///< the exit status, or -1 when a signal ended the process
  int term_signal = 0;  ///< the signal that ended the process, or 0
  /// Whether the command exited with status 0.
  bool ok() const { return exit_code == 0 && term_signal == 0; }
  /// How the command ended, as Go's os/exec says it: "exit status 2", "signal: killed".
  std::string statusText() const;
};

/// Which of the command's output streams a chunk came from.
enum class OutputStream { kStdout, kStderr };

/// Receives output as it arrives (for echoing to the Tiltfile log); chunks are not split at
/// line boundaries.
using OutputCallback = std::function<void(OutputStream stream, std::string_view chunk)>;

/// Runs argv[0] (looked up in $PATH when it has no '/', else relative to `dir`) with arguments
/// argv[1..] in directory `dir` (absolute), with the current environment plus `env` (which
/// overrides variables of the same name), feeding `stdin_text` on stdin (or /dev/null when
/// nullopt), and waits for it to exit. Errors only when the command cannot start:
/// `exec: "foo": executable file not found in $PATH`, `chdir /x: no such file or directory`,
/// `fork/exec ./foo: permission denied`.
starlark::Result<CommandOutput> runCommand(
    const std::vector<std::string>& argv, const std::string& dir,
    const std::vector<std::pair<std::string, std::string>>& env = {},
    const std::optional<std::string>& stdin_text = std::nullopt,
    const OutputCallback& on_output = {});

/// Where `name` resolves as a command, as Go's exec.LookPath: a name containing '/' is checked
/// as is, any other is searched in $PATH (an empty entry meaning the current directory). Errors:
/// `exec: "foo": executable file not found in $PATH`, `exec: "/x/foo": stat /x/foo: no such file
/// or directory`, `exec: "/x/foo": permission denied`.
starlark::Result<std::string> lookPath(std::string_view name);

/// A command as Tilt prints it (model.Cmd.String): the script of `sh -c SCRIPT`, else the
/// arguments joined by spaces, those containing a space Go-quoted.
std::string commandString(const std::vector<std::string>& argv);

/// Tilt's message for a command that failed to start (`start_error`) or exited non-zero:
/// `command "make x" failed.\nerror: exit status 2`, followed by
/// "\nstdout:\n...\nstderr:\n...\n" when `include_output` (when the output was not already
/// logged).
std::string commandFailureMessage(const std::vector<std::string>& argv, const CommandOutput& out,
                                  bool include_output, std::string_view start_error = {});

}  // namespace slant::tiltfile
