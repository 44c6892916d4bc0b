#include "engine/backends.h"

#include <csignal>
#include <cstring>

namespace slant::engine {

std::string ExitStatus::text() const {
  if (!start_error.empty()) return start_error;
  if (term_signal != 0) {
    // Go's os.ProcessState.String(): "signal: killed", "signal: terminated", ...
    const char* desc = sigdescr_np(term_signal);
    std::string name = desc ? desc : "signal " + std::to_string(term_signal);
    if (!name.empty()) name[0] = static_cast<char>(std::tolower(name[0]));
    return "signal: " + name;
  }
  return "exit status " + std::to_string(exit_code);
}

}  // namespace slant::engine
