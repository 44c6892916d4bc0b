// `slant check`: a static check of a Tiltfile and the files it loads, which executes nothing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace slant::tiltfile {

/// One problem found by checkTiltfile, at a position in a file.
struct CheckProblem {
  /// The file as shown to the user: relative to the working directory when the Tiltfile was
  /// named by a relative path, absolute otherwise.
  std::string file;
  int line = 0;  ///< 1-based; 0 when the problem concerns the whole file
  int col = 0;   ///< 1-based, counted in code points; 0 when unknown
  std::string message;

  /// Returns "file:line:col: message" (or "file: message" when the line is unknown).
  std::string str() const;
};

/// What checkTiltfile checks.
struct CheckOptions {
  std::string tiltfile = "Tiltfile";  ///< the main Tiltfile, absolute or relative to the cwd
  /// Where load('ext://NAME') looks for NAME/Tiltfile after tilt_modules/ next to the Tiltfile
  /// (as Options::extension_dirs).
  std::vector<std::string> extension_dirs;
};

/// The outcome of checkTiltfile.
struct CheckResult {
  /// Every problem: grouped by file in the order the files were first reached (the main Tiltfile
  /// first), and by position within a file.
  std::vector<CheckProblem> problems;
  /// The display path of every file checked, in the order they were first reached.
  std::vector<std::string> files;
};

/// Parses and resolves the Tiltfile and every file it loads (load() statements, and include()
/// and load_dynamic() calls with a literal path) with Tilt's dialect and slant's builtins, and
/// reports syntax errors, undefined names, unknown module members, unknown keyword arguments of
/// statically known builtin calls, loads of missing files or extensions, names a loaded file does
/// not define, and load cycles. Runs no Starlark code and no command. A missing or unreadable main
/// Tiltfile is itself a problem (at line 0).
CheckResult checkTiltfile(const CheckOptions& options);

/// The parameters of one Tilt builtin, as Tilt's own argument unpacking accepts them.
struct BuiltinParams {
  std::string_view name;                 ///< qualified: "k8s_resource", "config.define_string"
  std::vector<std::string_view> params;  ///< in positional order
  bool any_keywords = false;             ///< accepts any keyword (struct, os.path.join, ...)
};

/// The table checkTiltfile uses for keyword arguments, sorted by name.
const std::vector<BuiltinParams>& builtinParamsTable();

/// The table's entry for a qualified builtin name ("os.path.join"), or nullptr.
const BuiltinParams* findBuiltinParams(std::string_view name);

}  // namespace slant::tiltfile
