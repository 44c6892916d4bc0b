// slant's command line: parses arguments and dispatches to subcommands.
#pragma once

namespace slant::cli {

/// Runs the command line given to main; returns the process exit code.
int run(int argc, char** argv);

}  // namespace slant::cli
