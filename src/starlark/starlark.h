// The interpreter's host API: the one small interface through which slant (the Tiltfile layer,
// the CLI, tests) runs Starlark. It knows nothing of Tilt.
//
//   Heap heap;                       // owns every object the run creates
//   HeapScope scope(&heap);
//   Thread thread;
//   thread.setLoad(...); thread.setPrint(...);
//   auto module = execFile(thread, "Tiltfile", source, predeclared, FileOptions::tilt());
//   if (!module) std::cerr << module.error().backtrace();
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "starlark/value.h"

namespace slant::starlark {

namespace syntax {
struct File;
}

/// Dialect options (go.starlark.net's resolve.Allow* flags and syntax.FileOptions).
struct FileOptions {
  bool set = false;                   ///< the set builtin
  bool while_loops = false;           ///< while statements
  bool top_level_control = false;     ///< if/for/while at top level
  bool global_reassign = false;       ///< reassigning a global, and += on a global
  bool recursion = false;             ///< a function may call itself
  bool load_binds_globally = false;   ///< load() binds globals rather than file-locals

  /// The dialect Tilt enables: set, while, top-level control, global reassignment, recursion.
  static FileOptions tilt() { return {true, true, true, true, true, false}; }
};

/// Names and values visible to a file besides the universe, in sorted order.
using StringDict = std::map<std::string, Value, std::less<>>;

/// A module: the frozen globals a file defined, in the order they were first bound.
struct Module {
  std::string name;
  std::vector<std::pair<std::string, Value>> globals;
  /// The global named `name`, or nullptr.
  const Value* find(std::string_view name) const;
};

/// Holds the state of one execution: its call stack, its callbacks and limits. Not thread-safe
/// except cancel(), which may be called from any thread.
class Thread {
 public:
  Thread();
  ~Thread();
  Thread(const Thread&) = delete;
  Thread& operator=(const Thread&) = delete;

  /// Called by a load statement with the module name as written; returns the module's globals.
  /// The host caches and detects cycles (see Loader), or returns an error that becomes the load
  /// statement's error.
  using LoadFn = std::function<Result<StringDict>(Thread& thread, std::string_view module)>;
  void setLoad(LoadFn fn) { load_ = std::move(fn); }
  const LoadFn& load() const { return load_; }

  /// Receives each print(); the default writes the line to stdout.
  using PrintFn = std::function<void(Thread& thread, std::string_view msg)>;
  void setPrint(PrintFn fn) { print_ = std::move(fn); }
  const PrintFn& print() const { return print_; }

  /// Asks the running execution to stop at its next step with an error "Starlark computation
  /// cancelled: <reason>". Safe from any thread.
  void cancel(std::string reason);
  /// Limits the number of computation steps; past it execution fails with "Starlark computation
  /// cancelled: too many steps". 0 means no limit.
  void setMaxSteps(uint64_t n) { max_steps_ = n; }
  uint64_t steps() const { return steps_; }

  /// Host data by key (the Tiltfile layer keeps its state here).
  void setLocal(std::string key, std::shared_ptr<void> value) { locals_[std::move(key)] = value; }
  /// The host data stored under key, or nullptr.
  void* local(std::string_view key) const;

  /// The current call stack, outermost first (for builtins that need the caller's position).
  std::vector<StackFrame> callStack() const;
  /// The file of the innermost Starlark function being executed ("" if none).
  std::string callerFile() const;

  /// Implementation details for the evaluator.
  struct Internal;
  Internal& internal() { return *internal_; }

  // Read by the evaluator on every step.
  std::atomic<bool> cancelled{false};
  uint64_t steps_ = 0;
  uint64_t max_steps_ = 0;

 private:
  LoadFn load_;
  PrintFn print_;
  std::string cancel_reason_;
  std::map<std::string, std::shared_ptr<void>, std::less<>> locals_;
  std::unique_ptr<Internal> internal_;
  friend Result<Module> execFile(Thread&, std::string_view, std::string_view, const StringDict&,
                                 const FileOptions&);
};

/// Parses, resolves and executes one file. Returns the module's globals, frozen; or the first
/// error: a syntax or resolve error as "file:line:col: message" (several resolve errors are
/// reported one per line), a runtime error with its call stack (Error::backtrace()).
Result<Module> execFile(Thread& thread, std::string_view filename, std::string_view source,
                        const StringDict& predeclared, const FileOptions& options);

/// A host-defined value that can be called (ObjType::kOther), such as a constructor symbol. The
/// evaluator calls it with a frame named name() on the call stack, as it does a Builtin.
class Callable : public Object {
 public:
  Callable() : Object(ObjType::kOther) {}
  /// The name shown in backtraces ("Error in name: ...").
  virtual std::string_view name() const = 0;
  /// Performs the call; an error becomes the call expression's error.
  virtual Result<Value> call(Thread& thread, CallArgs args) = 0;
};

/// Calls a callable value (a def, a lambda, a builtin) as the expression fn(*args, **kwargs)
/// would, from a builtin such as sorted(key=...); an error keeps the callee's call stack.
Result<Value> call(Thread& thread, const Value& fn, CallArgs args);

/// Parses and evaluates one expression (for the REPL and tests).
Result<Value> evalExpr(Thread& thread, std::string_view filename, std::string_view source,
                       const StringDict& predeclared, const FileOptions& options);

/// Executes statements in an environment that persists between calls (the REPL): globals the
/// chunk assigns are added to `globals`. If the chunk is a single expression statement, its
/// value is returned (None otherwise).
Result<Value> execRepl(Thread& thread, std::string_view source, StringDict& globals,
                       const FileOptions& options);

/// A load() callback that executes files relative to the loading file, caches each module for
/// the life of the Loader, and reports a cycle as "cycle in load graph". `resolve_and_read`
/// maps (loading file, module string) to a path and source, so the host controls where files
/// come from.
class Loader {
 public:
  struct Source {
    std::string path;
    std::string text;
  };
  using ReadFn = std::function<Result<Source>(std::string_view from_file, std::string_view module)>;
  Loader(ReadFn read, StringDict predeclared, FileOptions options);
  /// The function to pass to Thread::setLoad.
  Result<StringDict> operator()(Thread& thread, std::string_view module);

 private:
  struct Entry;
  ReadFn read_;
  StringDict predeclared_;
  FileOptions options_;
  std::map<std::string, std::shared_ptr<Entry>, std::less<>> cache_;
};

}  // namespace slant::starlark
