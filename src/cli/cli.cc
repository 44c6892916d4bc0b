#include "cli/cli.h"

#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/check_cmd.h"
#include "cli/client_cmd.h"
#include "cli/starlark_cmd.h"
#include "cli/tiltfile_cmd.h"
#include "cli/up_cmd.h"

namespace slant::cli {

int run(int argc, char** argv) {
  CLI::App app{"slant: a Tiltfile-compatible engine for the inner development loop"};
  app.require_subcommand(1);

  // Subcommands are registered here, explicitly, and only once they work.
  CLI::App* version = app.add_subcommand("version", "Print the version of slant");

  CLI::App* starlark = app.add_subcommand("starlark", "Run plain Starlark programs");
  starlark->require_subcommand(1);
  std::vector<std::string> files;
  CLI::App* run_cmd = starlark->add_subcommand(
      "run", "Execute Starlark files (with struct and json predeclared); print() goes to stdout");
  run_cmd->add_option("files", files, "Starlark files to execute, in order")->required();
  CLI::App* repl_cmd = starlark->add_subcommand("repl", "An interactive Starlark prompt");

  CLI::App* alpha = app.add_subcommand("alpha", "Unstable commands, as Tilt's `tilt alpha`");
  alpha->require_subcommand(1);
  TiltfileResultArgs tf_args;
  CLI::App* tf_result = alpha->add_subcommand(
      "tiltfile-result",
      "Execute the Tiltfile and print the project model as JSON (Tiltfile output goes to stderr)");
  tf_result->add_option("-f,--file", tf_args.file, "Path to the Tiltfile")->capture_default_str();
  tf_result->add_option("--extension-dir", tf_args.extension_dirs,
                        "A directory holding extensions (NAME/Tiltfile) for load('ext://NAME')");
  tf_result->add_option("args", tf_args.args, "Arguments for the Tiltfile, after --");

  std::string check_file = "Tiltfile";
  std::vector<std::string> check_ext_dirs;
  CLI::App* check_cmd = app.add_subcommand(
      "check", "Statically check a Tiltfile and the files it loads, without running anything");
  check_cmd->add_option("-f,--file", check_file, "Path to the Tiltfile")->capture_default_str();
  check_cmd->add_option("--extension-dir", check_ext_dirs,
                        "A directory holding extensions (NAME/Tiltfile) for load('ext://NAME')");

  // up and ci share their flags, as in Tilt. Every positional argument (before or after `--`)
  // goes to the Tiltfile, which treats them as resource names unless it calls config.parse().
  UpArgs up_args;
  UpArgs ci_args;
  ci_args.ci = true;
  auto addEngineFlags = [](CLI::App* cmd, UpArgs& a) {
    cmd->add_option("-f,--file", a.file, "Path to the Tiltfile")->capture_default_str();
    cmd->add_option("--port", a.port, "Port for the HTTP API and web UI (0: any free port)")
        ->envname("TILT_PORT")
        ->capture_default_str();
    cmd->add_option("--host", a.host, "Host for the HTTP API and web UI to listen on")
        ->envname("TILT_HOST")
        ->capture_default_str();
    cmd->add_option("--extension-dir", a.extension_dirs,
                    "A directory holding extensions (NAME/Tiltfile) for load('ext://NAME')");
    cmd->add_option("--debounce", a.debounce,
                    "How long file changes must be quiet before an update starts (Go duration)")
        ->capture_default_str();
    cmd->add_option("--log-cap", a.log_cap_bytes, "Memory cap of the log, in bytes")
        ->capture_default_str();
    cmd->add_option("args", a.args, "Resource names, or the Tiltfile's arguments after --");
  };
  CLI::App* up_cmd = app.add_subcommand(
      "up", "Start the resources of a Tiltfile and keep them up to date until Ctrl-C");
  addEngineFlags(up_cmd, up_args);
  up_cmd->add_flag("--stream", up_args.stream, "Print every log line instead of the prompt");
  CLI::App* ci_cmd = app.add_subcommand(
      "ci", "Start the resources once; exit 0 when all are healthy, 1 as soon as one fails");
  addEngineFlags(ci_cmd, ci_args);
  ci_cmd->add_option(
      "--timeout", ci_args.timeout,
      "Give up after this long (Go duration, default: ci_settings or 30m; 0: never)");
  DownArgs down_args;
  CLI::App* down_cmd = app.add_subcommand("down", "Remove what `slant up` created");
  down_cmd->add_option("-f,--file", down_args.file, "Path to the Tiltfile")->capture_default_str();
  down_cmd->add_option("--extension-dir", down_args.extension_dirs,
                       "A directory holding extensions (NAME/Tiltfile) for load('ext://NAME')");
  down_cmd->add_flag("--delete-volumes", down_args.delete_volumes,
                     "Also delete the Docker Compose projects' volumes (by default, don't)");
  down_cmd->add_option("args", down_args.args, "The Tiltfile's arguments");

  ClientArgs client;
  addClientCommands(app, client);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  if (version->parsed()) {
    std::cout << "slant " << SLANT_VERSION << "\n";
    return 0;
  }
  if (run_cmd->parsed()) return starlarkRun(files, std::cout, std::cerr);
  if (repl_cmd->parsed()) return starlarkRepl();
  if (tf_result->parsed()) return tiltfileResult(tf_args, std::cout, std::cerr);
  if (check_cmd->parsed()) return checkCommand(check_file, std::cout, std::cerr, check_ext_dirs);
  if (up_cmd->parsed()) return upCommand(up_args, std::cout, std::cerr);
  if (ci_cmd->parsed()) return upCommand(ci_args, std::cout, std::cerr);
  if (down_cmd->parsed()) return downCommand(down_args, std::cout, std::cerr);
  if (int rc = runClientCommand(client, std::cout, std::cerr); rc >= 0) return rc;
  return 2;
}

}  // namespace slant::cli
