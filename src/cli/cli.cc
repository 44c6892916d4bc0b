#include "cli/cli.h"

#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/check_cmd.h"
#include "cli/starlark_cmd.h"
#include "cli/tiltfile_cmd.h"

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
  return 2;
}

}  // namespace slant::cli
