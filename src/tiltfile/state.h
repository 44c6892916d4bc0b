// The state of one Tiltfile execution, shared by every builtin: the project being built, the
// stack of files being executed (relative paths resolve against the innermost one's directory,
// as Tilt's starkit.AbsPath), the config files read, warnings, and each builtin family's own
// state (State::get<BuildState>()).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <typeindex>
#include <unordered_map>
#include <vector>

#include "model/project.h"
#include "starlark/starlark.h"

namespace slant::tiltfile {

/// How to execute a Tiltfile.
struct Options {
  std::string tiltfile = "Tiltfile";  ///< made absolute against the working directory
  std::vector<std::string> args;      ///< the arguments after `--` (config.parse, resource names)
  std::string subcommand = "up";      ///< config.tilt_subcommand: up, ci, down, alpha, ...
  /// The Kubernetes context and namespace k8s_context()/k8s_namespace() return; when empty they
  /// are read from the kubeconfig ($KUBECONFIG or ~/.kube/config).
  std::string k8s_context;
  std::string k8s_namespace;
  /// Where load('ext://NAME') looks besides tilt_modules/ next to the Tiltfile.
  std::vector<std::string> extension_dirs;
  /// Receives the Tiltfile's log: print() lines, local() echoes, warnings. Default: stderr.
  std::function<void(std::string_view line)> log;
  /// Called with the executing Starlark thread when execution starts and with nullptr when it
  /// ends, so that a host can cancel a run (Thread::cancel) from another thread.
  std::function<void(starlark::Thread* thread)> on_thread;
};

/// The per-execution state; one per loadTiltfile call, reached from builtins by stateOf(thread).
class State {
 public:
  explicit State(Options options);

  const Options& options() const { return options_; }

  /// The project being assembled; builtins add to it directly (settings, warnings, ...).
  model::Project project;

  /// The absolute path of the Tiltfile being executed (the innermost load/include).
  const std::string& currentFile() const { return exec_stack_.back(); }
  /// The directory of currentFile().
  std::string currentDir() const;
  /// `path` made absolute against currentDir() and cleaned.
  std::string absPath(std::string_view path) const;

  /// Records a file the Tiltfile depends on (absolute path; duplicates ignored).
  void addConfigFile(std::string_view abs_path);
  /// Records a warning and logs it as "WARNING: msg".
  void warn(std::string msg);
  /// Writes one line to the Tiltfile log.
  void log(std::string_view line) const;

  /// Set by exit(): the execution stopped on purpose, and what it declared so far stands.
  bool stopped = false;

  /// The state of one builtin family, created empty on first use.
  template <class T>
  T& get() {
    auto& slot = families_[std::type_index(typeid(T))];
    if (!slot) slot = std::make_shared<T>();
    return *static_cast<T*>(slot.get());
  }

  /// Entering and leaving the execution of a file (by the loader).
  void pushFile(std::string abs_path) { exec_stack_.push_back(std::move(abs_path)); }
  void popFile() { exec_stack_.pop_back(); }
  size_t depth() const { return exec_stack_.size(); }

 private:
  Options options_;
  std::vector<std::string> exec_stack_;
  std::unordered_map<std::type_index, std::shared_ptr<void>> families_;
};

/// The State of the execution `thread` runs (set by loadTiltfile; asserts it is there).
State& stateOf(starlark::Thread& thread);

}  // namespace slant::tiltfile
