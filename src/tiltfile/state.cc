#include "tiltfile/state.h"

#include <cassert>
#include <iostream>

#include "tiltfile/values.h"

namespace slant::tiltfile {

State::State(Options options) : options_(std::move(options)) {
  project.tiltfile = options_.tiltfile;
  exec_stack_.push_back(options_.tiltfile);
}

std::string State::currentDir() const { return dirName(currentFile()); }

std::string State::absPath(std::string_view path) const { return joinPath(currentDir(), path); }

void State::addConfigFile(std::string_view abs_path) {
  for (const std::string& f : project.config_files)
    if (f == abs_path) return;
  project.config_files.emplace_back(abs_path);
}

void State::warn(std::string msg) {
  log("WARNING: " + msg);
  project.warnings.push_back(std::move(msg));
}

void State::log(std::string_view line) const {
  if (options_.log) {
    options_.log(line);
  } else {
    std::cerr << line << '\n';
  }
}

State& stateOf(starlark::Thread& thread) {
  void* p = thread.local("tiltfile");
  assert(p != nullptr && "a Tiltfile builtin called outside loadTiltfile");
  return *static_cast<State*>(p);
}

}  // namespace slant::tiltfile
