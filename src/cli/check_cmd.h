// `slant check [-f FILE]`: a static check of a Tiltfile that runs nothing.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace slant::cli {

/// Checks `file` (a Tiltfile, absolute or relative to the working directory) and the files it
/// loads, looking for load('ext://NAME') in tilt_modules/ and then `extension_dirs`; writes each
/// problem as "file:line:col: message" and then a summary line to `out`, and any failure to start
/// the check to `err`. Returns the exit code: 0 when clean, 1 with problems.
int checkCommand(const std::string& file, std::ostream& out, std::ostream& err,
                 const std::vector<std::string>& extension_dirs = {});

}  // namespace slant::cli
