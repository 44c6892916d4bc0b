// loadTiltfile: executes the main Tiltfile and everything it loads, then assembles the model.
//
// Loading works as Tilt's starkit.Environment: load(), include() and load_dynamic() all resolve
// their argument against the directory of the file being executed (or, for "ext://NAME", the
// extension directories), execute each file at most once per run (a second load returns the
// cached globals or the cached error), and report a load that reaches a file still executing as
// a circular load. Each file gets its own __file__ and __name__ ("__main__" for the main one,
// else the file's base name). The stack of executing files lives in State, so that builtins
// resolve relative paths against the innermost one.
#include "tiltfile/tiltfile.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "starlark/lib/util.h"
#include "tiltfile/builtins.h"
#include "tiltfile/values.h"

namespace slant::tiltfile {

namespace {

using starlark::makeError;
using starlark::lib::cat;

Result<std::string> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int err = errno;
    return makeError(cat("error reading file ", path, ": open ", path, ": ", std::strerror(err)));
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

bool isFile(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec);
}

// The message of an error raised inside a loaded file, with the position it was raised at, so
// that "cannot load lib/Tiltfile: ..." still says where in lib/Tiltfile the problem is.
std::string messageWithPosition(const starlark::Error& e) {
  if (!e.hasStack()) return e.message();  // syntax errors already start with file:line:col
  const auto& stack = e.stack();
  for (auto it = stack.rbegin(); it != stack.rend(); ++it) {
    if (it->file.empty()) continue;
    return cat(it->file, ":", it->line, ":", it->col, ": ", e.message());
  }
  return e.message();
}

class Loader {
 public:
  Loader(State& state, const starlark::StringDict& builtins) : state_(state), builtins_(builtins) {}

  /// Executes the file a load() statement (or include/load_dynamic) names.
  Result<starlark::StringDict> load(Thread& thread, std::string_view module) {
    std::string path = TRY(resolve(module));
    return exec(thread, path);
  }

  /// Executes `path` (absolute) once, caching its globals or its error.
  Result<starlark::StringDict> exec(Thread& thread, const std::string& path) {
    auto it = cache_.find(path);
    if (it != cache_.end()) {
      if (it->second.running) return makeError(cat("Circular load: ", path));
      if (!it->second.result) return std::unexpected(it->second.result.error());
      return *it->second.result;
    }
    cache_[path].running = true;
    Result<starlark::StringDict> result = run(thread, path);
    Entry& entry = cache_[path];
    entry.running = false;
    if (!result && state_.depth() > 0 && path != state_.options().tiltfile) {
      // Keep the inner position in the message the load statement reports.
      result = makeError(messageWithPosition(result.error()));
    }
    entry.result = result;
    return result;
  }

 private:
  struct Entry {
    bool running = false;
    Result<starlark::StringDict> result;
  };

  // Where a module string points: "ext://NAME" to an extension's Tiltfile, anything else to a
  // path relative to the executing file.
  Result<std::string> resolve(std::string_view module) {
    constexpr std::string_view kExt = "ext://";
    if (!module.starts_with(kExt)) return state_.absPath(module);
    std::string_view name = module.substr(kExt.size());
    if (name.empty()) return makeError("load('ext://'): missing extension name");
    std::vector<std::string> dirs;
    dirs.push_back(joinPath(dirName(state_.options().tiltfile), "tilt_modules"));
    for (const std::string& d : state_.options().extension_dirs) {
      dirs.push_back(joinPath(dirName(state_.options().tiltfile), d));
    }
    std::string looked;
    for (const std::string& d : dirs) {
      std::string candidate = joinPath(d, cat(name, "/Tiltfile"));
      if (isFile(candidate)) return candidate;
      // Record the path so that adding the extension re-executes the Tiltfile.
      state_.addConfigFile(candidate);
      looked += cat("\n    ", candidate);
    }
    return makeError(cat("extension ", name,
                         " not found: slant does not download extensions. Looked for:", looked,
                         "\nCheck out github.com/tilt-dev/tilt-extensions into tilt_modules/ (",
                         name, "/Tiltfile), or pass its directory with --extension-dir"));
  }

  Result<starlark::StringDict> run(Thread& thread, const std::string& path) {
    state_.addConfigFile(path);
    std::string source = TRY(readFile(path));
    starlark::StringDict predeclared = builtins_;
    predeclared["__file__"] = starlark::makeString(path);
    predeclared["__name__"] = starlark::makeString(
        path == state_.options().tiltfile ? std::string("__main__")
                                          : std::filesystem::path(path).filename().string());
    state_.pushFile(path);
    auto module =
        starlark::execFile(thread, path, source, predeclared, starlark::FileOptions::tilt());
    state_.popFile();
    if (!module) return std::unexpected(module.error());
    starlark::StringDict globals;
    for (auto& [name, value] : module->globals) globals[name] = value;
    return globals;
  }

  State& state_;
  const starlark::StringDict& builtins_;
  std::map<std::string, Entry, std::less<>> cache_;
};

}  // namespace

LoadResult loadTiltfile(const Options& options_in) {
  Options options = options_in;
  {
    std::error_code ec;
    auto abs = std::filesystem::absolute(options.tiltfile, ec);
    options.tiltfile = cleanPath(ec ? options.tiltfile : abs.string());
  }
  LoadResult result;

  // Every Starlark value of the run lives in this heap; the State (which holds some) and the
  // thread are destroyed before it.
  starlark::Heap heap;
  starlark::HeapScope scope(&heap);
  {
    auto state = std::make_shared<State>(options);
    Thread thread;
    thread.setLocal("tiltfile", state);
    thread.setPrint([&state](Thread&, std::string_view msg) { state->log(msg); });
    const starlark::StringDict builtins = makeBuiltins();
    Loader loader(*state, builtins);
    thread.setLoad(
        [&loader](Thread& t, std::string_view module) { return loader.load(t, module); });
    if (options.on_thread) options.on_thread(&thread);

    if (!isFile(options.tiltfile)) {
      state->addConfigFile(options.tiltfile);
      result.error = cat("No Tiltfile found at paths '", options.tiltfile,
                         "'. Check out https://docs.tilt.dev/tutorial.html");
    } else {
      auto main = loader.exec(thread, options.tiltfile);
      if (!main && !state->stopped) {
        result.error = main.error().backtrace();
      } else if (auto assembled = assemble(*state); !assembled) {
        result.error = assembled.error().message();
      }
    }
    if (options.on_thread) options.on_thread(nullptr);
    result.project = std::move(state->project);
  }
  return result;
}

}  // namespace slant::tiltfile
