// `slant alpha tiltfile-result`: executes a Tiltfile and prints the project model as JSON.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace slant::cli {

/// What `alpha tiltfile-result` was asked.
struct TiltfileResultArgs {
  std::string file = "Tiltfile";
  std::vector<std::string> args;  ///< after `--`
  std::vector<std::string> extension_dirs;
};

/// Executes the Tiltfile; the model goes to `out` as JSON (docs/tiltfile-result.md), the
/// Tiltfile's log and any error to `err`. Returns 0, or 1 when the Tiltfile failed (the JSON is
/// still printed, with its "error" field set).
int tiltfileResult(const TiltfileResultArgs& args, std::ostream& out, std::ostream& err);

}  // namespace slant::cli
