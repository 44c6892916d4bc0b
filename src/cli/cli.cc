#include "cli/cli.h"

#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/starlark_cmd.h"

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
  return 2;
}

}  // namespace slant::cli
