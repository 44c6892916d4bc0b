// `slant up`, `slant ci` and `slant down`: the commands that run the engine in-process.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace slant::cli {

/// What `up` and `ci` were asked.
struct UpArgs {
  std::string file = "Tiltfile";
  std::string host = "127.0.0.1";
  int port = 10350;     ///< 0: any free port
  bool stream = false;  ///< print every log line (always on for ci)
  /// The positional arguments, before or after `--`: resource names, or the Tiltfile's own
  /// arguments when it calls config.parse() (Tilt passes both alike).
  std::vector<std::string> args;
  std::vector<std::string> extension_dirs;
  bool ci = false;
  std::optional<std::string> timeout;  ///< ci --timeout, a Go duration ("30m", "90s", "0")
  std::string debounce = "50ms";       ///< the file-watch debounce window, a Go duration
  std::size_t log_cap_bytes = 2 * 1024 * 1024;
};

/// Runs the engine until Ctrl-C (`up`) or until the run is over (`ci`). Returns the exit code:
/// 0, or 1 on a failed ci run, a busy port or bad flags.
int upCommand(const UpArgs& args, std::ostream& out, std::ostream& err);

/// What `down` was asked.
struct DownArgs {
  std::string file = "Tiltfile";
  std::vector<std::string> args;
  std::vector<std::string> extension_dirs;
  bool delete_volumes = false;  ///< also remove the Compose projects' volumes
};

/// Executes the Tiltfile and removes what `up` created (each Docker Compose project's containers
/// and networks). Returns 0, or 1 on a Tiltfile error or a failed removal.
int downCommand(const DownArgs& args, std::ostream& out, std::ostream& err);

}  // namespace slant::cli
