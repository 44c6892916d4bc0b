#include "cli/check_cmd.h"

#include <ostream>

#include "tiltfile/check.h"

namespace slant::cli {

int checkCommand(const std::string& file, std::ostream& out, std::ostream& err,
                 const std::vector<std::string>& extension_dirs) {
  tiltfile::CheckOptions options;
  options.tiltfile = file.empty() ? "Tiltfile" : file;
  options.extension_dirs = extension_dirs;
  tiltfile::CheckResult result = tiltfile::checkTiltfile(options);
  if (result.files.empty()) {
    // Not even the main Tiltfile could be found: nothing was checked.
    for (const tiltfile::CheckProblem& p : result.problems)
      err << "slant check: " << p.str() << "\n";
    return 1;
  }
  for (const tiltfile::CheckProblem& p : result.problems) out << p.str() << "\n";

  size_t n = result.problems.size();
  size_t files = result.files.size();
  std::string checked = std::to_string(files) + (files == 1 ? " file" : " files") + " checked";
  if (n == 0) {
    out << "no problems found (" << checked << ")\n";
  } else {
    out << n << (n == 1 ? " problem" : " problems") << " found (" << checked << ")\n";
  }
  out.flush();
  return n == 0 ? 0 : 1;
}

}  // namespace slant::cli
