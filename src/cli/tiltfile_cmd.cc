#include "cli/tiltfile_cmd.h"

#include <ostream>

#include "model/json.h"
#include "tiltfile/tiltfile.h"

namespace slant::cli {

int tiltfileResult(const TiltfileResultArgs& args, std::ostream& out, std::ostream& err) {
  tiltfile::Options options;
  options.tiltfile = args.file;
  options.args = args.args;
  options.subcommand = "alpha";
  options.extension_dirs = args.extension_dirs;
  options.log = [&err](std::string_view line) { err << line << '\n'; };
  tiltfile::LoadResult result = tiltfile::loadTiltfile(options);
  if (result.error) err << *result.error << '\n';
  out << model::toJson(result.project, result.error.value_or(""));
  return result.error ? 1 : 0;
}

}  // namespace slant::cli
