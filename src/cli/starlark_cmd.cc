#include "cli/starlark_cmd.h"

#include <editline/readline.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "starlark/lib/json.h"
#include "starlark/lib/struct.h"
#include "starlark/starlark.h"
#include "starlark/syntax/parser.h"

namespace slant::cli {
namespace {

namespace fs = std::filesystem;
using starlark::Result;

starlark::StringDict predeclared() {
  return {{"struct", starlark::lib::makeStructBuiltin()},
          {"json", starlark::lib::makeJsonModule()}};
}

Result<std::string> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return starlark::makeError("cannot open " + path + ": " + std::strerror(errno));
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

// load() paths are relative to the directory of the file that loads them.
Result<starlark::Loader::Source> readModule(std::string_view from_file, std::string_view module) {
  fs::path path(module);
  if (path.is_relative()) path = fs::path(from_file).parent_path() / path;
  std::string p = path.lexically_normal().string();
  std::string text = TRY(readFile(p));
  return starlark::Loader::Source{p, std::move(text)};
}

}  // namespace

int starlarkRun(const std::vector<std::string>& files, std::ostream& out, std::ostream& err) {
  starlark::Heap heap;
  starlark::HeapScope scope(&heap);
  starlark::Thread thread;
  thread.setPrint([&out](starlark::Thread&, std::string_view msg) { out << msg << "\n"; });
  starlark::Loader loader(readModule, predeclared(), starlark::FileOptions::tilt());
  thread.setLoad(
      [&loader](starlark::Thread& t, std::string_view module) { return loader(t, module); });
  for (const std::string& file : files) {
    auto source = readFile(file);
    if (!source) {
      err << "slant: " << source.error().message() << "\n";
      return 1;
    }
    auto module = starlark::execFile(thread, file, *source, predeclared(),
                                     starlark::FileOptions::tilt());
    if (!module) {
      err << module.error().backtrace();
      if (!module.error().backtrace().ends_with('\n')) err << "\n";
      return 1;
    }
  }
  out.flush();
  return 0;
}

namespace {

std::string historyPath() {
  const char* home = std::getenv("HOME");
  if (home == nullptr) return {};
  fs::path dir = fs::path(home) / ".cache" / "slant";
  std::error_code ec;
  fs::create_directories(dir, ec);
  return (dir / "starlark_history").string();
}

// Reads one line with libedit when interactive; returns false at end of input.
bool readLine(bool interactive, const char* prompt, std::string& line) {
  if (!interactive) {
    return static_cast<bool>(std::getline(std::cin, line));
  }
  char* raw = readline(prompt);
  if (raw == nullptr) return false;
  line = raw;
  std::free(raw);
  return true;
}

}  // namespace

int starlarkRepl() {
  const bool interactive = isatty(STDIN_FILENO) != 0;
  std::string history = interactive ? historyPath() : std::string();
  if (!history.empty()) {
    using_history();
    read_history(history.c_str());
  }

  starlark::Heap heap;
  starlark::HeapScope scope(&heap);
  starlark::Thread thread;
  starlark::Loader loader(readModule, predeclared(), starlark::FileOptions::tilt());
  thread.setLoad(
      [&loader](starlark::Thread& t, std::string_view module) { return loader(t, module); });
  starlark::StringDict globals = predeclared();

  std::string chunk;
  std::string line;
  while (readLine(interactive, chunk.empty() ? ">>> " : "... ", line)) {
    if (chunk.empty() && line.find_first_not_of(" \t") == std::string::npos) continue;
    chunk += line;
    chunk += '\n';
    // As in Python's prompt: a compound statement (its first line ends with ':') continues until
    // an empty line; anything else runs as soon as it parses, or waits while a bracket or a
    // triple-quoted string is still open.
    std::string_view first(chunk.data(), chunk.find('\n'));
    first = first.substr(0, first.find_last_not_of(" \t") + 1);
    if (first.ends_with(':') && !line.empty()) continue;
    bool incomplete = false;
    (void)starlark::syntax::parseRepl("<stdin>", chunk, &incomplete);
    if (incomplete) continue;
    if (interactive) {
      std::string entry = chunk.substr(0, chunk.size() - 1);
      add_history(entry.c_str());
    }
    auto result = starlark::execRepl(thread, chunk, globals, starlark::FileOptions::tilt());
    chunk.clear();
    if (!result) {
      std::cerr << result.error().backtrace();
      if (!result.error().backtrace().ends_with('\n')) std::cerr << "\n";
      continue;
    }
    if (!result->isNone()) std::cout << starlark::repr(*result) << "\n";
    std::cout.flush();
  }
  if (interactive) std::cout << "\n";
  if (!history.empty()) write_history(history.c_str());
  return 0;
}

}  // namespace slant::cli
