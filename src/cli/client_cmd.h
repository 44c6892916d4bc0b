// The commands that talk to a running `slant up` over its HTTP API: get, describe, logs,
// trigger, enable, disable, args, wait and dump engine (Tilt's client commands). They find the
// server with --host/--port (or SLANT_HOST/SLANT_PORT, TILT_HOST/TILT_PORT; default
// 127.0.0.1:10350) and read the API token from the server's token file (server/token.h).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace slant::cli {

/// What the client commands were asked; filled by the parser that addClientCommands sets up.
struct ClientArgs {
  std::string host = "127.0.0.1";
  int port = 10350;
  std::string env_error;  ///< a bad SLANT_PORT/TILT_PORT, reported when a command runs

  std::vector<std::string> names;          ///< resource names (get, describe, logs, enable, ...)
  std::string output;                      ///< get -o: "", "json" or "wide"
  bool follow = false;                     ///< logs -f
  std::string since;                       ///< logs --since, a Go duration
  int tail = -1;                           ///< logs --tail; -1: every line
  bool json = false;                       ///< logs --json
  std::string level;                       ///< logs --level: "", "warn" or "error"
  std::string source = "all";              ///< logs --source: all, build or runtime
  bool all = false;                        ///< enable/disable --all, wait --all
  bool only = false;                       ///< enable --only
  std::vector<std::string> labels;         ///< enable/disable -l
  bool clear = false;                      ///< args --clear
  std::vector<std::string> tiltfile_args;  ///< args -- ARGS
  std::string for_condition;               ///< wait --for
  std::string timeout = "30s";             ///< wait --timeout

  CLI::App* get = nullptr;
  CLI::App* describe = nullptr;
  CLI::App* logs = nullptr;
  CLI::App* trigger = nullptr;
  CLI::App* enable = nullptr;
  CLI::App* disable = nullptr;
  CLI::App* args = nullptr;
  CLI::App* wait = nullptr;
  CLI::App* dump_engine = nullptr;
};

/// Registers the client commands on `app`, storing what they parse in `args` (which must
/// outlive the parse). Reads the environment's defaults for --host and --port.
void addClientCommands(CLI::App& app, ClientArgs& args);

/// Runs the client command that was parsed; returns its exit code (0, or 1 on any error, which
/// goes to `err`), or -1 when no client command was parsed.
int runClientCommand(const ClientArgs& args, std::ostream& out, std::ostream& err);

}  // namespace slant::cli
