// Runs go.starlark.net's evaluator conformance files, read in place, in their own format.
//
// Each file is split into chunks (internal/chunkedfile): every chunk executes as its own file,
// padded with newlines so that line numbers are those of the whole file. A `### "regex"` comment
// expects a runtime error on its line, matched (RE2, partial match) against the message of an
// error whose innermost frame in the test file is on that line (eval_test.go's TestExecFile).
// `option:NAME` in a chunk turns on a dialect option for that chunk, with go.starlark.net's
// meaning of the time: globalreassign also allows if/for/while at top level, recursion also
// allows while loops.
//
// The environment is eval_test.go's: `hasfields` (an object with settable fields that also
// defines list + hasfields), `fibonacci` (an infinite iterable) and `struct`; struct.star gets
// starlarkstruct's test environment instead (`struct` and `gensym`). load("assert.star") executes
// starlarktest/assert.star once, with its predeclared `error` (records a failure and carries on),
// `catch`, `matches`, `module` and `_freeze`; load("json.star") yields the json module.
//
// Prints one line per failing chunk and ends with "N passed, N failed" (chunks); exits 1 if any
// failed. `-v` prints every problem of a failing chunk on its own line.
#include <re2/re2.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "starlark/eval/interp.h"
#include "starlark/lib/json.h"
#include "starlark/lib/struct.h"
#include "starlark/starlark.h"
#include "starlark/syntax/chunked_file_test_util.h"
#include "starlark/spell.h"

namespace slant::starlark {
namespace {

constexpr const char* kTestdata = STARLARK_TESTDATA;

// Where assert.error() reports failures: the chunk being run.
struct Reporter {
  std::vector<std::string> failures;
};

Reporter* reporter(Thread& thread) { return static_cast<Reporter*>(thread.local("reporter")); }

std::string formatPosition(const StackFrame& f) {
  if (f.file.empty()) return "<builtin>";
  std::string s = f.file;
  if (f.line > 0) {
    s += ":" + std::to_string(f.line);
    if (f.col > 0) s += ":" + std::to_string(f.col);
  }
  return s;
}

// Assertions of the January 2021 files that slant deliberately contradicts because Tilt embeds
// a newer go.starlark.net. Each is matched by file and line of the failing assertion, so any
// other failure on that line or elsewhere still fails the chunk; each is printed when hit.
struct Divergence {
  const char* file;  // relative to STARLARK_TESTDATA
  int line;
  const char* why;
};
constexpr Divergence kDivergences[] = {
    {"starlark/testdata/builtins.star", 184,
     "dir(set()) lists the newer set methods (add, remove, ...) that Tilt's Starlark has"},
};

const Divergence* knownDivergence(const std::string& rel, const std::string& failure) {
  for (const Divergence& d : kDivergences) {
    std::string where = std::string(d.file) + ":" + std::to_string(d.line) + ":";
    if (rel == d.file && failure.find(where) != std::string::npos) return &d;
  }
  return nullptr;
}

// ---- the assert module's predeclared builtins (starlarktest.go) -------------------------------

Result<Value> errorBuiltin(Thread& thread, const BuiltinCall& call) {
  if (call.args.positional.size() != 1 || !call.args.named.empty()) {
    return makeError("error: got " + std::to_string(call.args.positional.size()) +
                     " arguments, want 1");
  }
  std::vector<StackFrame> stack = thread.callStack();
  if (!stack.empty()) stack.pop_back();  // the error builtin itself
  std::string msg;
  if (!stack.empty()) msg += "Traceback (most recent call last):\n";
  for (const StackFrame& f : stack) msg += "  " + formatPosition(f) + ": in " + f.function + "\n";
  msg += "Error: ";
  const Value& x = call.args.positional[0];
  msg += x.isString() ? std::string(x.str()) : str(x);
  if (Reporter* r = reporter(thread)) r->failures.push_back(std::move(msg));
  return Value();
}

Result<Value> catchBuiltin(Thread& thread, const BuiltinCall& call) {
  if (call.args.positional.size() != 1 || !call.args.named.empty()) {
    return makeError("catch: want exactly one argument, fn");
  }
  auto r = starlark::call(thread, call.args.positional[0], CallArgs{});
  if (!r) return makeString(r.error().message());
  return Value();
}

Result<Value> matchesBuiltin(Thread&, const BuiltinCall& call) {
  if (call.args.positional.size() != 2 || !call.args.named.empty() ||
      !call.args.positional[0].isString() || !call.args.positional[1].isString()) {
    return makeError("matches: want (pattern string, str string)");
  }
  RE2 re(call.args.positional[0].str(), RE2::Quiet);
  if (!re.ok()) return makeError("matches: " + re.error());
  return Value::boolean(RE2::PartialMatch(call.args.positional[1].str(), re));
}

Result<Value> freezeBuiltin(Thread&, const BuiltinCall& call) {
  if (!call.args.named.empty()) return makeError("freeze does not accept keyword arguments");
  if (call.args.positional.size() != 1) {
    return makeError("freeze got " + std::to_string(call.args.positional.size()) +
                     " arguments, wants 1");
  }
  freeze(call.args.positional[0]);
  return call.args.positional[0];
}

// ---- eval_test.go's host values ---------------------------------------------------------------

// An object whose fields can all be set (eval_test.go's hasfields).
class HasFields final : public Object {
 public:
  HasFields() : Object(ObjType::kOther) {}
  std::string_view typeName() const override { return "hasfields"; }
  void write(std::string& out, bool, std::vector<const Object*>&) const override {
    out += "hasfields";
  }
  Result<uint32_t> hash() const override { return 42u; }
  void freeze() override {
    if (frozen_) return;
    frozen_ = true;
    for (auto& [k, v] : attrs_) starlark::freeze(v);
  }
  Result<std::optional<Value>> attr(Thread&, std::string_view name) const override {
    auto it = attrs_.find(name);
    if (it == attrs_.end()) return std::nullopt;
    return it->second;
  }
  std::vector<std::string> attrNames() const override {
    std::vector<std::string> names;
    for (const auto& [k, v] : attrs_) names.push_back(k);
    return names;
  }
  Result<void> setAttr(std::string_view name, Value v) override {
    if (frozen_) return makeError("cannot set field on a frozen hasfields");
    if (name.starts_with("no")) {
      // A NoSuchAttrError, to which go.starlark.net's setField adds a spelling hint.
      std::string msg = "no ." + std::string(name) + " field";
      std::vector<std::string> names = attrNames();
      std::string_view hint =
          spell::nearest(name, std::vector<std::string_view>(names.begin(), names.end()));
      if (!hint.empty()) msg += " (did you mean ." + std::string(hint) + "?)";
      return makeError(std::move(msg));
    }
    attrs_[std::string(name)] = std::move(v);
    return {};
  }
  Result<std::optional<Value>> binaryOp(syntax::Token op, const Value& other, Side) const override {
    // Exercises list += x where x is not iterable but defines list + x.
    if (op == syntax::Token::kPlus && other.is(ObjType::kList)) return Value::smallInt(42);
    return std::nullopt;
  }
  void clearChildren() override { attrs_.clear(); }

 private:
  std::map<std::string, Value, std::less<>> attrs_;
};

Result<Value> newHasFields(Thread&, const BuiltinCall& call) {
  if (!call.args.positional.empty() || !call.args.named.empty()) {
    return makeError(std::string(call.name) + ": unexpected arguments");
  }
  return make<HasFields>();
}

// The infinite Fibonacci sequence (eval_test.go's fib).
class Fib final : public Object {
 public:
  Fib() : Object(ObjType::kOther) {}
  std::string_view typeName() const override { return "fib"; }
  void write(std::string& out, bool, std::vector<const Object*>&) const override { out += "fib"; }
  Result<uint32_t> hash() const override { return makeError("fib is unhashable"); }
  std::unique_ptr<Iterator> iterate() const override {
    class It final : public Iterator {
     public:
      bool next(Value& out) override {
        out = Value::smallInt(x_);
        int64_t z = x_ + y_;
        x_ = y_;
        y_ = z;
        return true;
      }

     private:
      int64_t x_ = 0, y_ = 1;
    };
    return std::make_unique<It>();
  }
};

// A distinct callable value that makes "branded" structs (starlarkstruct's test gensym).
class Symbol final : public Callable {
 public:
  explicit Symbol(std::string name) : name_(std::move(name)) {}
  std::string_view typeName() const override { return "symbol"; }
  void write(std::string& out, bool, std::vector<const Object*>&) const override { out += name_; }
  Result<uint32_t> hash() const override { return makeError("unhashable: symbol"); }
  std::string_view name() const override { return name_; }
  Result<Value> call(Thread&, CallArgs args) override {
    if (!args.positional.empty()) return makeError(name_ + ": unexpected positional arguments");
    lib::Members fields;
    for (const Kwarg& kw : args.named) fields.emplace_back(std::string(kw.name), kw.value);
    return make<lib::Struct>(Value(this), std::move(fields));
  }

 private:
  std::string name_;
};

Result<Value> gensym(Thread&, const BuiltinCall& call) {
  const Value* name = nullptr;
  if (call.args.positional.size() == 1 && call.args.named.empty()) {
    name = &call.args.positional[0];
  } else if (call.args.positional.empty() && call.args.named.size() == 1 &&
             call.args.named[0].name == "name") {
    name = &call.args.named[0].value;
  } else {
    return makeError("gensym: want one argument, name");
  }
  if (!name->isString()) {
    return makeError("gensym: for parameter name: got " + std::string(typeName(*name)) +
                     ", want string");
  }
  return make<Symbol>(std::string(name->str()));
}

// ---- loading ----------------------------------------------------------------------------------

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The assert module, executed once (starlarktest.LoadAssertModule) in a Heap that outlives
// every chunk.
class AssertModule {
 public:
  Result<StringDict> get() {
    if (!done_) {
      done_ = true;
      HeapScope scope(&heap_);
      Thread thread;
      StringDict predeclared{
          {"error", make<Builtin>("error", errorBuiltin)},
          {"catch", make<Builtin>("catch", catchBuiltin)},
          {"matches", make<Builtin>("matches", matchesBuiltin)},
          {"module", lib::makeModuleBuiltin()},
          {"_freeze", make<Builtin>("freeze", freezeBuiltin)},
      };
      std::string path = std::string(kTestdata) + "/starlarktest/assert.star";
      auto m = execFile(thread, path, readFile(path), predeclared, FileOptions{});
      if (!m) {
        result_ = std::unexpected(m.error());
      } else {
        StringDict dict;
        for (auto& [k, v] : m->globals) dict.emplace(k, v);
        result_ = std::move(dict);
      }
    }
    return *result_;
  }

 private:
  Heap heap_;
  bool done_ = false;
  std::optional<Result<StringDict>> result_;
};

// ---- running ----------------------------------------------------------------------------------

struct FileSpec {
  std::string rel;  // relative to STARLARK_TESTDATA
  bool is_struct;   // starlarkstruct's environment
};

FileOptions chunkOptions(const std::string& src) {
  auto has = [&](const char* name) {
    return src.find(std::string("option:") + name) != std::string::npos;
  };
  FileOptions o;
  o.global_reassign = has("globalreassign");
  o.top_level_control = o.global_reassign;
  o.load_binds_globally = has("loadbindsglobally");
  o.recursion = has("recursion");
  o.while_loops = o.recursion;
  o.set = has("set");
  return o;
}

int run(bool verbose) {
  const std::vector<FileSpec> files = {
      {"starlark/testdata/assign.star", false},      {"starlark/testdata/bool.star", false},
      {"starlark/testdata/builtins.star", false},    {"starlark/testdata/control.star", false},
      {"starlark/testdata/dict.star", false},        {"starlark/testdata/float.star", false},
      {"starlark/testdata/function.star", false},    {"starlark/testdata/int.star", false},
      {"starlark/testdata/json.star", false},        {"starlark/testdata/list.star", false},
      {"starlark/testdata/misc.star", false},        {"starlark/testdata/set.star", false},
      {"starlark/testdata/string.star", false},      {"starlark/testdata/tuple.star", false},
      {"starlark/testdata/recursion.star", false},   {"starlark/testdata/module.star", false},
      {"starlarkstruct/testdata/struct.star", true},
  };

  AssertModule assert_module;
  int passed = 0;
  int failed = 0;
  for (const FileSpec& spec : files) {
    std::string path = std::string(kTestdata) + "/" + spec.rel;
    std::string read_error;
    std::vector<testing::Chunk> chunks = testing::readChunks(path, &read_error);
    if (chunks.empty()) {
      std::printf("FAIL %s: %s\n", path.c_str(), read_error.c_str());
      ++failed;
      continue;
    }
    for (const testing::Chunk& chunk : chunks) {
      Reporter rep;
      std::vector<std::pair<int, std::string>> got;
      std::vector<std::string> problems;
      {
        Heap heap;
        HeapScope scope(&heap);
        Thread thread;
        thread.setLocal("reporter", std::shared_ptr<void>(&rep, [](void*) {}));
        thread.setPrint([](Thread&, std::string_view) {});
        thread.setLoad([&](Thread&, std::string_view module) -> Result<StringDict> {
          if (module == "assert.star") return assert_module.get();
          if (!spec.is_struct && module == "json.star") {
            return StringDict{{"json", lib::makeJsonModule()}};
          }
          return makeError("load not implemented");
        });
        StringDict predeclared;
        predeclared.emplace("struct", lib::makeStructBuiltin());
        if (spec.is_struct) {
          predeclared.emplace("gensym", make<Builtin>("gensym", gensym));
        } else {
          predeclared.emplace("hasfields", make<Builtin>("hasfields", newHasFields));
          predeclared.emplace("fibonacci", make<Fib>());
        }
        thread.setMaxSteps(0);
        auto result = execFile(thread, path, chunk.source, predeclared, chunkOptions(chunk.source));
        if (!result) {
          const Error& err = result.error();
          bool found = false;
          if (err.hasStack()) {
            const auto& stack = err.stack();
            for (auto it = stack.rbegin(); it != stack.rend(); ++it) {
              if (it->file == path) {
                got.emplace_back(it->line, err.message());
                found = true;
                break;
              }
            }
          }
          if (!found) problems.push_back(path + ": error outside the file: " + err.backtrace());
        }
      }
      for (std::string& p : testing::checkChunk(path, chunk, got)) problems.push_back(std::move(p));
      for (std::string& f : rep.failures) {
        if (const Divergence* d = knownDivergence(spec.rel, f)) {
          std::printf("divergence %s:%d (%s)\n", spec.rel.c_str(), d->line, d->why);
          continue;
        }
        problems.push_back(path + ": assertion failed: " + f);
      }

      if (problems.empty()) {
        ++passed;
        continue;
      }
      ++failed;
      std::string first = problems.front();
      std::replace(first.begin(), first.end(), '\n', ' ');
      std::printf("FAIL %s:%d: %s", spec.rel.c_str(), chunk.first_line, first.c_str());
      if (problems.size() > 1) std::printf(" (and %zu more)", problems.size() - 1);
      std::printf("\n");
      if (verbose) {
        for (const std::string& p : problems) std::printf("    %s\n", p.c_str());
      }
    }
  }
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}

}  // namespace
}  // namespace slant::starlark

int main(int argc, char** argv) {
  bool verbose = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "-v") == 0) verbose = true;
  }
  return slant::starlark::run(verbose);
}
