// Tilt's os, sys and shlex modules.
//
// os.environ is the live process environment, as in Tilt: reading it after os.putenv sees the
// new value, assigning to it sets the variable for everything the Tiltfile runs later (local(),
// and the engine's commands inherit the process environment). It is a host mapping (see
// starlark/mapping.h), so that os.environ['K'], os.environ['K'] = v, 'K' in os.environ,
// dict(os.environ) and iteration work as on a dict, with the methods of Tilt's environ type.
// Relative paths given to os.path resolve against the directory of the Tiltfile being executed
// (os.getcwd()), as in Tilt; os.path.relpath, like Go's filepath.Rel, does not make its target
// absolute.
#include "tiltfile/os.h"

#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "starlark/lib/struct.h"
#include "starlark/lib/unpack.h"
#include "starlark/lib/util.h"
#include "starlark/mapping.h"
#include "tiltfile/builtins.h"
#include "tiltfile/data.h"
#include "tiltfile/values.h"

extern char** environ;

namespace slant::tiltfile {

namespace {

using starlark::List;
using starlark::makeString;
using starlark::ObjType;
using starlark::Tuple;
using starlark::lib::cat;
using starlark::lib::unpackArgs;
using starlark::lib::unpackPositionalArgs;

// ---- the process environment -----------------------------------------------------------------

std::vector<std::pair<std::string, std::string>> environEntries() {
  std::vector<std::pair<std::string, std::string>> out;
  for (char** e = ::environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view entry = *e;
    size_t eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    out.emplace_back(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
  }
  return out;
}

std::optional<std::string> lookupEnv(const std::string& key) {
  const char* v = ::getenv(key.c_str());
  if (v == nullptr) return std::nullopt;
  return std::string(v);
}

// Go's os.Setenv: an empty key or one with '=' or NUL is rejected (silently, as Tilt ignores the
// error).
void setEnv(const std::string& key, const std::string& value) {
  if (key.empty() || key.find('=') != std::string::npos) return;
  ::setenv(key.c_str(), value.c_str(), 1);
}

void unsetEnv(const std::string& key) {
  if (key.empty() || key.find('=') != std::string::npos) return;
  ::unsetenv(key.c_str());
}

class ListIterator final : public starlark::Iterator {
 public:
  explicit ListIterator(starlark::ValueVector items) : items_(std::move(items)) {}
  bool next(Value& out) override {
    if (i_ >= items_.size()) return false;
    out = items_[i_++];
    return true;
  }

 private:
  starlark::ValueVector items_;
  size_t i_ = 0;
};

Result<Value> environMethod(Thread& thread, const BuiltinCall& call);

/// Tilt's os.environ: a dict-like view of the process environment.
class Environ final : public starlark::Object, public starlark::HostMapping {
 public:
  Environ() : Object(ObjType::kOther) {}
  std::string_view typeName() const override { return "environ"; }
  void write(std::string& out, bool, std::vector<const Object*>&) const override {
    // As the dict it stands for.
    out += '{';
    bool first = true;
    for (const auto& [k, v] : environEntries()) {
      if (!first) out += ", ";
      first = false;
      starlark::writeQuoted(out, k);
      out += ": ";
      starlark::writeQuoted(out, v);
    }
    out += '}';
  }
  bool truth() const override { return !environEntries().empty(); }
  Result<uint32_t> hash() const override { return makeError("unhashable type: environ"); }
  Result<bool> equals(const Object& other, int) const override {
    return dynamic_cast<const Environ*>(&other) != nullptr;
  }
  std::optional<int64_t> length() const override {
    return static_cast<int64_t>(environEntries().size());
  }
  std::unique_ptr<starlark::Iterator> iterate() const override {
    starlark::ValueVector keys;
    for (auto& [k, v] : environEntries()) keys.push_back(makeString(std::move(k)));
    return std::make_unique<ListIterator>(std::move(keys));
  }
  Result<std::optional<Value>> attr(Thread&, std::string_view name) const override {
    if (std::find(std::begin(kMethodNames), std::end(kMethodNames), name) ==
        std::end(kMethodNames)) {
      return std::nullopt;
    }
    return starlark::make<starlark::Builtin>(std::string(name), environMethod,
                                             Value(const_cast<Environ*>(this)));
  }
  std::vector<std::string> attrNames() const override {
    return std::vector<std::string>(std::begin(kMethodNames), std::end(kMethodNames));
  }

  // HostMapping: keys that are not strings (or Blobs) are simply absent.
  Result<std::optional<Value>> get(const Value& key) const override {
    std::optional<std::string_view> k = stringOrBlob(key);
    if (!k) return std::nullopt;
    std::optional<std::string> v = lookupEnv(std::string(*k));
    if (!v) return std::nullopt;
    return makeString(std::move(*v));
  }
  Result<void> setKey(const Value& key, Value value) override {
    std::optional<std::string_view> k = stringOrBlob(key);
    if (!k) return makeError(cat("putenv() key must be a string, not ", starlark::typeName(key)));
    std::optional<std::string_view> v = stringOrBlob(value);
    if (!v) {
      return makeError(cat("putenv() value must be a string, not ", starlark::typeName(value)));
    }
    setEnv(std::string(*k), std::string(*v));
    return {};
  }
  std::vector<std::pair<Value, Value>> items() const override {
    std::vector<std::pair<Value, Value>> out;
    for (auto& [k, v] : environEntries()) {
      out.emplace_back(makeString(std::move(k)), makeString(std::move(v)));
    }
    return out;
  }

  /// Removes key; returns its value, or nullopt if it was not set.
  std::optional<Value> remove(const Value& key) {
    std::optional<std::string_view> k = stringOrBlob(key);
    if (!k) return std::nullopt;
    std::string name(*k);
    std::optional<std::string> v = lookupEnv(name);
    if (!v) return std::nullopt;
    unsetEnv(name);
    return makeString(std::move(*v));
  }

  static constexpr std::string_view kMethodNames[] = {
      "clear", "get", "items", "keys", "pop", "popitem", "setdefault", "update", "values"};
};

// go.starlark.net's updateDict, for an environ.
Result<void> updateEnviron(Environ& env, const BuiltinCall& call) {
  if (!call.args.positional.empty()) {
    const Value& updates = call.args.positional[0];
    if (const auto* other = starlark::asHostMapping(updates)) {
      for (auto& [k, v] : other->items()) TRY_VOID(env.setKey(k, std::move(v)));
    } else if (const auto* dict = updates.tryAs<starlark::Dict>()) {
      for (const starlark::HashTable::Entry* e : dict->table.entries()) {
        TRY_VOID(env.setKey(e->key, e->value));
      }
    } else {
      if (!starlark::lib::isIterable(updates)) {
        return makeError(cat("got ", starlark::typeName(updates), ", want iterable"));
      }
      starlark::ValueVector pairs = TRY(starlark::collect(updates));
      for (size_t i = 0; i < pairs.size(); ++i) {
        const Value& pair = pairs[i];
        if (!starlark::lib::isIterable(pair)) {
          return makeError(cat("dictionary update sequence element #", i, " is not iterable (",
                               starlark::typeName(pair), ")"));
        }
        std::optional<int64_t> len = starlark::length(pair);
        if (!len) {
          return makeError(cat("dictionary update sequence element #", i, " has unknown length (",
                               starlark::typeName(pair), ")"));
        }
        if (*len != 2) {
          return makeError(
              cat("dictionary update sequence element #", i, " has length ", *len, ", want 2"));
        }
        starlark::ValueVector kv = TRY(starlark::collect(pair));
        TRY_VOID(env.setKey(kv[0], kv[1]));
      }
    }
  }
  for (const starlark::Kwarg& kw : call.args.named) {
    TRY_VOID(env.setKey(makeString(std::string(kw.name)), kw.value));
  }
  return {};
}

// The methods of os.environ, dispatched on their name (as go.starlark.net's dict methods, with
// positional-only parameters).
Result<Value> environMethod(Thread&, const BuiltinCall& call) {
  auto& env = *static_cast<Environ*>(call.receiver.object());
  std::string_view name = call.name;
  if (name == "get") {
    Value key, dflt = Value::unbound();
    TRY_VOID(unpackPositionalArgs(call, 1, {&key, &dflt}));
    if (auto v = TRY(env.get(key))) return *v;
    return dflt.isUnbound() ? Value::none() : dflt;
  }
  if (name == "clear") {
    TRY_VOID(unpackPositionalArgs(call, 0, {}));
    ::clearenv();
    return Value::none();
  }
  if (name == "items" || name == "keys" || name == "values") {
    TRY_VOID(unpackPositionalArgs(call, 0, {}));
    starlark::ValueVector out;
    for (auto& [k, v] : env.items()) {
      if (name == "items") {
        out.push_back(starlark::make<Tuple>(starlark::ValueVector{k, v}));
      } else {
        out.push_back(name == "keys" ? k : v);
      }
    }
    return starlark::make<List>(std::move(out));
  }
  if (name == "pop") {
    Value key, dflt = Value::unbound();
    TRY_VOID(unpackPositionalArgs(call, 1, {&key, &dflt}));
    if (std::optional<Value> v = env.remove(key)) return *v;
    if (!dflt.isUnbound()) return dflt;
    return starlark::lib::nameErr(name, "missing key");
  }
  if (name == "popitem") {
    TRY_VOID(unpackPositionalArgs(call, 0, {}));
    auto items = env.items();
    if (items.empty()) return starlark::lib::nameErr(name, "empty environ");
    Value k = items[0].first;
    std::optional<Value> v = env.remove(k);
    return starlark::make<Tuple>(starlark::ValueVector{k, v ? *v : Value::none()});
  }
  if (name == "setdefault") {
    Value key, dflt;
    TRY_VOID(unpackPositionalArgs(call, 1, {&key, &dflt}));
    if (auto v = TRY(env.get(key))) return *v;
    if (auto r = env.setKey(key, dflt); !r) return starlark::lib::nameErr(name, r.error());
    return dflt;
  }
  // update
  if (call.args.positional.size() > 1) {
    return makeError(
        cat("update: got ", call.args.positional.size(), " arguments, want at most 1"));
  }
  if (auto r = updateEnviron(env, call); !r) return starlark::lib::nameErr(name, r.error());
  return Value::none();
}

// ---- os --------------------------------------------------------------------------------------

Result<Value> getcwdBuiltin(Thread& thread, const BuiltinCall& call) {
  TRY_VOID(unpackArgs(call, {}));
  return makeString(stateOf(thread).currentDir());
}

Result<Value> getenvBuiltin(Thread&, const BuiltinCall& call) {
  StringableArg key;
  Value dflt;
  TRY_VOID(unpackArgs(call, {{"key", &key}, {"default?", &dflt}}));
  if (std::optional<std::string> v = lookupEnv(key.value)) return makeString(std::move(*v));
  return dflt;
}

Result<Value> putenvBuiltin(Thread&, const BuiltinCall& call) {
  StringableArg key, value;
  TRY_VOID(unpackArgs(call, {{"key", &key}, {"value", &value}}));
  setEnv(key.value, value.value);
  return Value::none();
}

Result<Value> unsetenvBuiltin(Thread&, const BuiltinCall& call) {
  StringableArg key;
  TRY_VOID(unpackArgs(call, {{"key", &key}}));
  unsetEnv(key.value);
  return Value::none();
}

Result<Value> abspathBuiltin(Thread& thread, const BuiltinCall& call) {
  std::string path;
  TRY_VOID(unpackArgs(call, {{"path", &path}}));
  return makeString(tiltAbsPath(stateOf(thread), path));
}

Result<Value> relpathBuiltin(Thread& thread, const BuiltinCall& call) {
  std::string target;
  std::string base = stateOf(thread).currentDir();
  TRY_VOID(unpackArgs(call, {{"targpath", &target}, {"basepath?", &base}}));
  return makeString(TRY(relPath(base, target)));
}

Result<Value> basenameBuiltin(Thread&, const BuiltinCall& call) {
  std::string path;
  TRY_VOID(unpackArgs(call, {{"path", &path}}));
  return makeString(baseName(path));
}

Result<Value> dirnameBuiltin(Thread&, const BuiltinCall& call) {
  std::string path;
  TRY_VOID(unpackArgs(call, {{"path", &path}}));
  return makeString(dirName(path));
}

Result<Value> existsBuiltin(Thread& thread, const BuiltinCall& call) {
  std::string path;
  TRY_VOID(unpackArgs(call, {{"path", &path}}));
  // Any error (missing, permission denied) is "does not exist", as in Python.
  struct stat sb;
  return Value::boolean(::stat(tiltAbsPath(stateOf(thread), path).c_str(), &sb) == 0);
}

Result<Value> joinBuiltin(Thread&, const BuiltinCall& call) {
  std::vector<std::string> parts;
  for (size_t i = 0; i < call.args.positional.size(); ++i) {
    const Value& arg = call.args.positional[i];
    if (!arg.isString()) {
      return makeError(
          cat("os.path.join() only accepts strings. Argument #", i, ": ", starlark::str(arg)));
    }
    parts.emplace_back(arg.str());
  }
  return makeString(joinPaths(parts));
}

// Go's filepath.EvalSymlinks, with its error for a missing component: "lstat /a/b: no such file
// or directory".
Result<std::string> evalSymlinks(const std::string& path) {
  char buf[PATH_MAX];
  if (::realpath(path.c_str(), buf) != nullptr) return std::string(buf);
  const int err = errno;
  // Name the first component that cannot be examined, as Go's walk does.
  for (size_t i = 1; i <= path.size(); ++i) {
    if (i != path.size() && path[i] != '/') continue;
    std::string prefix = path.substr(0, i);
    struct stat sb;
    if (::lstat(prefix.c_str(), &sb) != 0) {
      return makeError(cat("lstat ", prefix, ": ", goErrnoMessage(errno)));
    }
  }
  if (err == ELOOP) return makeError("EvalSymlinks: too many links");
  return makeError(cat("lstat ", path, ": ", goErrnoMessage(err)));
}

Result<Value> realpathBuiltin(Thread& thread, const BuiltinCall& call) {
  std::string path;
  TRY_VOID(unpackArgs(call, {{"path", &path}}));
  return makeString(TRY(evalSymlinks(tiltAbsPath(stateOf(thread), path))));
}

// ---- sys and shlex ---------------------------------------------------------------------------

// The command line slant was started with, from /proc (as Go's os.Args).
Value processArgv() {
  starlark::ValueVector args;
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t start = 0;
  while (start < all.size()) {
    size_t end = all.find('\0', start);
    if (end == std::string::npos) end = all.size();
    args.push_back(makeString(all.substr(start, end - start)));
    start = end + 1;
  }
  Value list = starlark::make<List>(std::move(args));
  starlark::freeze(list);
  return list;
}

Value processExecutable() {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf);
  if (n <= 0) return Value::none();
  return makeString(std::string(buf, static_cast<size_t>(n)));
}

Result<Value> quoteBuiltin(Thread&, const BuiltinCall& call) {
  std::string s;
  TRY_VOID(unpackArgs(call, {{"name", &s}}));
  return makeString(shellQuote(s));
}

Value builtin(std::string name, starlark::BuiltinFn fn) {
  return starlark::make<starlark::Builtin>(std::move(name), fn);
}

}  // namespace

// ---- Go's path functions ---------------------------------------------------------------------

Result<std::string> relPath(std::string_view base_path, std::string_view target_path) {
  std::string base = cleanPath(base_path);
  std::string targ = cleanPath(target_path);
  if (targ == base) return std::string(".");
  if (base == ".") base.clear();
  const bool base_slashed = !base.empty() && base[0] == '/';
  const bool targ_slashed = !targ.empty() && targ[0] == '/';
  auto cannot = [&] {
    return makeError(cat("Rel: can't make ", target_path, " relative to ", base_path));
  };
  if (base_slashed != targ_slashed) return cannot();
  // Find the first element where they differ.
  const size_t bl = base.size(), tl = targ.size();
  size_t b0 = 0, bi = 0, t0 = 0, ti = 0;
  for (;;) {
    while (bi < bl && base[bi] != '/') ++bi;
    while (ti < tl && targ[ti] != '/') ++ti;
    if (std::string_view(targ).substr(t0, ti - t0) != std::string_view(base).substr(b0, bi - b0)) {
      break;
    }
    if (bi < bl) ++bi;
    if (ti < tl) ++ti;
    b0 = bi;
    t0 = ti;
    if (b0 >= bl && t0 >= tl) break;
  }
  if (std::string_view(base).substr(b0, bi - b0) == "..") return cannot();
  if (b0 != bl) {
    // Elements of base are left: go up before going down.
    const size_t seps =
        static_cast<size_t>(std::count(base.begin() + static_cast<long>(b0), base.end(), '/'));
    std::string out = "..";
    for (size_t i = 0; i < seps; ++i) out += "/..";
    if (t0 != tl) {
      out += '/';
      out.append(targ, t0);
    }
    return out;
  }
  return targ.substr(t0);
}

std::string baseName(std::string_view path) {
  if (path.empty()) return ".";
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  if (path == "/") return "/";
  size_t slash = path.rfind('/');
  if (slash != std::string_view::npos) path.remove_prefix(slash + 1);
  return std::string(path);
}

std::string joinPaths(const std::vector<std::string>& elems) {
  std::string joined;
  bool any = false;
  for (const std::string& e : elems) {
    if (e.empty() && !any) continue;
    if (any) joined += '/';
    joined += e;
    any = true;
  }
  return any ? cleanPath(joined) : std::string();
}

std::string shellQuote(std::string_view s) {
  if (s.empty()) return "''";
  auto safe = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("_@%+=:,./-").find(c) != std::string_view::npos;
  };
  if (std::all_of(s.begin(), s.end(), safe)) return std::string(s);
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\"'\"'";
    } else {
      out += c;
    }
  }
  out += '\'';
  return out;
}

void addOsBuiltins(starlark::StringDict& d) {
  using starlark::lib::makeModule;
  Value path = makeModule("os.path", {
                                         {"abspath", builtin("os.path.abspath", abspathBuiltin)},
                                         {"basename", builtin("os.path.basename", basenameBuiltin)},
                                         {"dirname", builtin("os.path.dirname", dirnameBuiltin)},
                                         {"exists", builtin("os.path.exists", existsBuiltin)},
                                         {"join", builtin("os.path.join", joinBuiltin)},
                                         {"realpath", builtin("os.path.realpath", realpathBuiltin)},
                                         {"relpath", builtin("os.path.relpath", relpathBuiltin)},
                                     });
  d["os"] = makeModule("os", {
                                 {"environ", starlark::make<Environ>()},
                                 {"getcwd", builtin("os.getcwd", getcwdBuiltin)},
                                 {"getenv", builtin("os.getenv", getenvBuiltin)},
                                 {"name", makeString("posix")},
                                 {"path", path},
                                 {"putenv", builtin("os.putenv", putenvBuiltin)},
                                 {"unsetenv", builtin("os.unsetenv", unsetenvBuiltin)},
                             });
  d["sys"] = makeModule("sys", {{"argv", processArgv()}, {"executable", processExecutable()}});
  d["shlex"] = makeModule("shlex", {{"quote", builtin("shlex.quote", quoteBuiltin)}});
}

}  // namespace slant::tiltfile
