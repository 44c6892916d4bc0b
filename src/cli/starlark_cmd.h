// `slant starlark run` and `slant starlark repl`: plain Starlark, with struct and json.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace slant::cli {

/// Executes each file in turn (each as its own module; load() resolves relative to the loading
/// file). print() goes to `out`; an error's backtrace goes to `err`. Returns the exit code: 0, or
/// 1 at the first file that fails.
int starlarkRun(const std::vector<std::string>& files, std::ostream& out, std::ostream& err);

/// Runs the interactive prompt (line editing and history when stdin is a terminal; plain line
/// reading otherwise). Returns the exit code.
int starlarkRepl();

}  // namespace slant::cli
