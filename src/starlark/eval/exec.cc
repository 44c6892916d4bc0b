// The host API's entry points: execFile, evalExpr, execRepl, and the caching Loader.
//
// Each entry point runs the pipeline: parse, resolve (with the host's predeclared names and the
// universe), compile, then run the top level in a fresh module environment. A file's globals are
// frozen when it finishes, so that modules shared through load() cannot be mutated by the files
// that load them.
#include <optional>

#include "starlark/eval/interp.h"
#include "starlark/resolve/resolve.h"
#include "starlark/syntax/parser.h"

namespace slant::starlark {

namespace {

resolve::NamePredicate hasName(const StringDict& names) {
  return [&names](std::string_view n) { return names.find(n) != names.end(); };
}

bool isUniversal(std::string_view name) { return eval::universeLookup(name) != nullptr; }

// Compiles a resolved file into a new module environment.
Value newModule(std::unique_ptr<syntax::File> file, const StringDict& predeclared,
                const FileOptions& options) {
  std::unique_ptr<eval::Program> program =
      eval::compileProgram(std::move(file), predeclared, options);
  eval::linkProgram(*program);
  return make<eval::ModuleEnv>(std::move(program));
}

}  // namespace

const Value* Module::find(std::string_view n) const {
  for (const auto& [k, v] : globals) {
    if (k == n) return &v;
  }
  return nullptr;
}

Result<Module> execFile(Thread& thread, std::string_view filename, std::string_view source,
                        const StringDict& predeclared, const FileOptions& options) {
  std::unique_ptr<syntax::File> file = TRY(syntax::parseFile(std::string(filename), source));
  TRY_VOID(resolve::resolveFile(*file, hasName(predeclared), isUniversal, options));
  Value env = newModule(std::move(file), predeclared, options);
  auto* module = env.as<eval::ModuleEnv>();
  TRY(eval::runToplevel(thread, *module, {}));

  module->freeze();
  Module out;
  out.name = std::string(filename);
  const auto& names = module->program().global_names;
  for (size_t i = 0; i < names.size(); ++i) {
    const Value& v = module->globals[i];
    if (!v.isUnbound()) out.globals.emplace_back(*names[i], v);
  }
  return out;
}

Result<Value> evalExpr(Thread& thread, std::string_view filename, std::string_view source,
                       const StringDict& predeclared, const FileOptions& options) {
  std::unique_ptr<syntax::File> file = TRY(syntax::parseExpr(std::string(filename), source));
  TRY_VOID(resolve::resolveExpr(*file, hasName(predeclared), isUniversal, options));
  Value env = newModule(std::move(file), predeclared, options);
  return eval::runToplevel(thread, *env.as<eval::ModuleEnv>(), "<expr>");
}

Result<Value> execRepl(Thread& thread, std::string_view source, StringDict& globals,
                       const FileOptions& options) {
  std::unique_ptr<syntax::File> file = TRY(syntax::parseFile("<stdin>", source));
  // The globals of earlier chunks are this chunk's predeclared names; what it assigns is copied
  // back into `globals` afterwards, even after an error, as go.starlark.net's REPL does.
  if (file->stmts.size() == 1 && file->stmts[0]->kind == syntax::NodeKind::kExprStmt) {
    TRY_VOID(resolve::resolveExpr(*file, hasName(globals), isUniversal, options));
    Value env = newModule(std::move(file), globals, options);
    return eval::runToplevel(thread, *env.as<eval::ModuleEnv>(), "<toplevel>");
  }
  TRY_VOID(resolve::resolveFile(*file, hasName(globals), isUniversal, options));
  Value env = newModule(std::move(file), globals, options);
  auto* module = env.as<eval::ModuleEnv>();
  auto result = eval::runToplevel(thread, *module, {});
  const auto& names = module->program().global_names;
  for (size_t i = 0; i < names.size(); ++i) {
    const Value& v = module->globals[i];
    if (!v.isUnbound()) globals.insert_or_assign(std::string(*names[i]), v);
  }
  TRY(std::move(result));
  return Value();
}

struct Loader::Entry {
  bool loading = true;
  std::optional<Result<StringDict>> result;
};

Loader::Loader(ReadFn read, StringDict predeclared, FileOptions options)
    : read_(std::move(read)), predeclared_(std::move(predeclared)), options_(options) {}

Result<StringDict> Loader::operator()(Thread& thread, std::string_view module) {
  Source source = TRY(read_(thread.callerFile(), module));
  auto it = cache_.find(source.path);
  if (it != cache_.end()) {
    if (it->second->loading) return makeError("cycle in load graph");
    return *it->second->result;
  }
  auto entry = std::make_shared<Entry>();
  cache_.emplace(source.path, entry);
  Result<Module> m = execFile(thread, source.path, source.text, predeclared_, options_);
  entry->loading = false;
  if (!m) {
    entry->result = std::unexpected(m.error());
  } else {
    StringDict dict;
    for (auto& [name, value] : m->globals) dict.emplace(name, value);
    entry->result = std::move(dict);
  }
  return *entry->result;
}

}  // namespace slant::starlark
