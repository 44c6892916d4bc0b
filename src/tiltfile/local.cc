#include "tiltfile/local.h"

#include <algorithm>
#include <set>
#include <utility>

#include "starlark/lib/unpack.h"
#include "starlark/lib/util.h"
#include "tiltfile/builtins.h"
#include "tiltfile/compose.h"
#include "tiltfile/k8s_tools.h"
#include "tiltfile/probe.h"
#include "tiltfile/process.h"
#include "tiltfile/values.h"

namespace slant::tiltfile {

using starlark::lib::cat;
using starlark::lib::unpackArgs;

namespace {

constexpr std::string_view kTestDeprecation =
    "test() is deprecated and will be removed in a future release.\n"
    "Change this call to use `local_resource(..., allow_parallel=True)`";

// Prefix of the lines of a local() command's output in the Tiltfile log.
constexpr std::string_view kOutputPrefix = " → ";

// A resource name (Tilt's value.Name): any string that is a valid path segment.
struct ResourceName {
  std::string name;
};

// A directory argument (dir=, serve_dir=): unbound when absent, None or a string.
struct DirArg {
  Value value = Value::unbound();
  bool given() const { return !value.isUnbound(); }
};

}  // namespace
}  // namespace slant::tiltfile

namespace slant::starlark::lib {
template <>
struct Unpacker<tiltfile::ResourceName> {
  static Result<void> unpack(const Value& v, tiltfile::ResourceName* out) {
    auto s = tiltfile::stringOrBlob(v);
    if (!s) {
      return makeError(cat("Value should be convertible to string, but is type ", typeName(v)));
    }
    // Kubernetes' IsPathSegmentName, which Tilt applies to every resource name.
    std::vector<std::string> errs;
    if (*s == "." || *s == "..") errs.push_back(cat("may not be '", *s, "'"));
    if (s->find('/') != std::string_view::npos) errs.push_back("may not contain '/'");
    if (s->find('%') != std::string_view::npos) errs.push_back("may not contain '%'");
    if (!errs.empty()) {
      return makeError(cat("invalid value ", tiltfile::goQuoted(*s), ": ", errs.front()));
    }
    out->name = std::string(*s);
    return {};
  }
};
template <>
struct Unpacker<tiltfile::DirArg> {
  static Result<void> unpack(const Value& v, tiltfile::DirArg* out) {
    out->value = v;
    return {};
  }
};
}  // namespace slant::starlark::lib

namespace slant::tiltfile {

bool hasLocalResource(State& st, std::string_view name) {
  for (const LocalResourceDecl& r : st.get<LocalState>().resources)
    if (r.name == name) return true;
  return false;
}

std::string absolutePattern(std::string_view dir, std::string_view pattern) {
  bool exclusion = !pattern.empty() && pattern[0] == '!';
  if (exclusion) pattern.remove_prefix(1);
  return cat(exclusion ? "!" : "", joinPath(dir, pattern));
}

namespace {

// ---- argument helpers -------------------------------------------------------------------------

// Tilt's ValueGroupToCmdHelper on Unix: the command (cmd_bat is for Windows), its directory
// (None or absent: the Tiltfile's directory) and its environment (sorted by key, as Tilt does).
Result<model::Cmd> toCmd(State& st, const CommandArg& cmd, std::string_view param,
                         const DirArg& dir, const StringMap& env) {
  model::Cmd out;
  out.dir = st.currentDir();
  if (dir.given() && !dir.value.isNone()) {
    if (!dir.value.isString()) {
      return makeError(
          cat("a command directory must be empty or a string: expected path | "
              "string. Actual type: ",
              goTypeName(dir.value)));
    }
    out.dir = st.absPath(dir.value.str());
  }
  for (const auto& [k, v] : env.items) {
    if (k.empty()) return makeError(cat("environment has empty key for value ", goQuoted(v)));
    out.env.emplace_back(k, v);
  }
  std::sort(out.env.begin(), out.env.end());
  out.argv = TRY(cmd.argv(param));
  return out;
}

// deps: a path or a list or tuple of paths, made absolute against the Tiltfile's directory.
Result<std::vector<std::string>> depsOf(State& st, const Value& v) {
  std::vector<std::string> out;
  if (v.isUnbound() || v.isNone()) return out;
  if (auto s = stringOrBlob(v)) {
    out.push_back(st.absPath(*s));
    return out;
  }
  if (!v.is(starlark::ObjType::kList) && !v.is(starlark::ObjType::kTuple)) {
    return makeError(
        cat("deps: value should be a string or List or Tuple of strings, but is of "
            "type ",
            starlark::typeName(v)));
  }
  for (const Value& item : TRY(starlark::collect(v))) {
    if (!item.isString()) {
      return makeError(cat("deps: unpacking list item at index ", out.size(),
                           ": expected path | string. Actual type: ", goTypeName(item)));
    }
    out.push_back(st.absPath(item.str()));
  }
  return out;
}

// resource_deps: a list or tuple of resource names.
Result<std::vector<std::string>> resourceDepsOf(std::string_view fn, const Value& v) {
  std::vector<std::string> out;
  if (v.isUnbound() || v.isNone()) return out;
  if (!v.is(starlark::ObjType::kList) && !v.is(starlark::ObjType::kTuple)) {
    return makeError(
        cat(fn, ": for parameter resource_deps: got ", starlark::typeName(v), ", want sequence"));
  }
  for (const Value& item : TRY(starlark::collect(v))) {
    if (!item.isString()) {
      return makeError(cat(fn, ": resource_deps: '", starlark::str(item), "' is a ",
                           goTypeName(item), ", not a string"));
    }
    out.emplace_back(item.str());
  }
  return out;
}

// ignore: a pattern or a sequence of patterns (Tilt's parseValuesToStrings).
Result<std::vector<std::string>> ignoresOf(const Value& v) {
  std::vector<std::string> out;
  if (v.isUnbound() || v.isNone()) return out;
  starlark::ValueVector items;
  if (v.is(starlark::ObjType::kList) || v.is(starlark::ObjType::kTuple)) {
    items = TRY(starlark::collect(v));
  } else {
    items.push_back(v);
  }
  for (const Value& item : items) {
    if (!item.isString()) {
      return makeError(
          cat("ignore must be a string or a sequence of strings; found a ", goTypeName(item)));
    }
    if (item.str().find('\n') != std::string_view::npos) {
      return makeError(cat("ignore cannot contain newlines; found ignore: ", goQuoted(item.str())));
    }
    out.emplace_back(item.str());
  }
  return out;
}

// ---- local_resource and test ------------------------------------------------------------------

Result<Value> localResource(Thread& thread, const BuiltinCall& call) {
  State& st = stateOf(thread);
  const bool is_test = call.name == "test";
  ResourceName name;
  CommandArg cmd;
  Value deps = Value::unbound();
  TriggerModeArg trigger_mode;
  Value resource_deps = Value::unbound();
  Value ignore = Value::unbound();
  bool auto_init = true;
  CommandArg serve_cmd;
  Value cmd_bat = Value::unbound();
  Value serve_cmd_bat = Value::unbound();
  bool allow_parallel = is_test;  // test() runs in parallel by default
  LinksArg links;
  LabelsArg labels;
  StringMap env;
  StringMap serve_env;
  ProbeArg readiness_probe;
  DirArg dir;
  DirArg serve_dir;
  if (is_test) st.warn(std::string(kTestDeprecation));
  TRY_VOID(unpackArgs(call, {{"name", &name},
                             {"cmd?", &cmd},
                             {"deps?", &deps},
                             {"trigger_mode?", &trigger_mode},
                             {"resource_deps?", &resource_deps},
                             {"ignore?", &ignore},
                             {"auto_init?", &auto_init},
                             {"serve_cmd?", &serve_cmd},
                             {"cmd_bat?", &cmd_bat},
                             {"serve_cmd_bat?", &serve_cmd_bat},
                             {"allow_parallel?", &allow_parallel},
                             {"links?", &links},
                             {"labels?", &labels},
                             {"env?", &env},
                             {"serve_env?", &serve_env},
                             {"readiness_probe?", &readiness_probe},
                             {"dir?", &dir},
                             {"serve_dir?", &serve_dir}}));

  LocalResourceDecl r;
  r.name = std::move(name.name);
  r.resource_deps = TRY(resourceDepsOf(call.name, resource_deps));
  std::vector<std::string> ignores = TRY(ignoresOf(ignore));
  model::LocalTarget& t = r.target;
  t.cmd = TRY(toCmd(st, cmd, "cmd", dir, env));
  t.serve_cmd = TRY(toCmd(st, serve_cmd, "serve_cmd", serve_dir, serve_env));

  if (dir.given() && t.cmd.empty()) {
    if (!t.serve_cmd.empty()) {
      return makeError(
          "local_resource: 'dir' only affects 'cmd', not 'serve_cmd'. Did you mean to use "
          "'serve_dir' instead?");
    }
    return makeError("local_resource: 'dir' specified but 'cmd' is empty");
  }
  if (serve_dir.given() && t.serve_cmd.empty()) {
    return makeError("local_resource: 'serve_dir' specified but 'serve_cmd' is empty");
  }
  if (t.cmd.empty() && t.serve_cmd.empty()) {
    return makeError("local_resource must have a cmd and/or a serve_cmd, but both were empty");
  }
  if (readiness_probe.probe && t.serve_cmd.empty()) {
    st.warn(cat("Ignoring readiness probe for local resource ", goQuoted(r.name),
                " (no serve_cmd was defined)"));
    readiness_probe.probe.reset();
  }

  t.deps = TRY(depsOf(st, deps));
  for (const std::string& p : ignores) {
    std::string_view trimmed = p;
    while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.front()))) {
      trimmed.remove_prefix(1);
    }
    while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.back()))) {
      trimmed.remove_suffix(1);
    }
    if (!trimmed.empty()) t.ignore.push_back(absolutePattern(st.currentDir(), trimmed));
  }
  t.allow_parallel = allow_parallel;
  t.readiness_probe = std::move(readiness_probe.probe);
  r.trigger_mode = trigger_mode.mode;
  r.auto_init = auto_init;
  r.links = std::move(links.links);
  r.labels = std::move(labels.values);

  TRY_VOID(checkResourceConflict(st, r.name));
  st.get<LocalState>().resources.push_back(std::move(r));
  return Value();
}

// ---- local() ----------------------------------------------------------------------------------

// Writes a command's output to the Tiltfile log line by line, each line prefixed " → ", as
// Tilt's prefixed logger does (stdout and stderr interleaved as they arrive).
class OutputLogger {
 public:
  explicit OutputLogger(const State& st) : st_(st) {}
  void write(std::string_view chunk) {
    pending_ += chunk;
    size_t start = 0;
    size_t nl;
    while ((nl = pending_.find('\n', start)) != std::string::npos) {
      st_.log(cat(kOutputPrefix, std::string_view(pending_).substr(start, nl - start)));
      start = nl + 1;
    }
    pending_.erase(0, start);
  }
  void flush() {
    if (!pending_.empty()) st_.log(cat(kOutputPrefix, pending_));
    pending_.clear();
  }

 private:
  const State& st_;
  std::string pending_;
};

// local(command, quiet=False, command_bat="", echo_off=False, env={}, dir="", stdin=None): runs
// the command (refused against a production Kubernetes context, as Tilt does), echoes it and its
// output to the Tiltfile log, and returns its stdout as a Blob. A non-zero exit fails the
// Tiltfile; the output is in the message when it was not already logged (quiet=True).
Result<Value> local(Thread& thread, const BuiltinCall& call) {
  State& st = stateOf(thread);
  TRY_VOID(checkK8sContextAllowed(st, call.name));
  CommandArg command;
  bool quiet = false;
  Value command_bat = Value::unbound();
  bool echo_off = false;
  StringMap env;
  DirArg dir;
  Value stdin_value = Value::unbound();
  TRY_VOID(unpackArgs(call, {{"command", &command},
                             {"quiet?", &quiet},
                             {"command_bat?", &command_bat},
                             {"echo_off?", &echo_off},
                             {"env?", &env},
                             {"dir?", &dir},
                             {"stdin?", &stdin_value}}));
  std::optional<std::string> stdin_text;
  if (!stdin_value.isUnbound() && !stdin_value.isNone()) {
    auto s = stringOrBlob(stdin_value);
    if (!s) {
      return makeError(cat(call.name,
                           ": for parameter stdin: Value should be convertible to string, but is "
                           "type ",
                           starlark::typeName(stdin_value)));
    }
    stdin_text = std::string(*s);
  }
  model::Cmd cmd = TRY(toCmd(st, command, "command", dir, env));

  const bool log_output = !quiet;
  const bool log_command = !echo_off;
  if (log_command) st.log(cat("local: ", commandString(cmd.argv)));
  if (cmd.argv.empty()) {
    return makeError(commandFailureMessage(cmd.argv, CommandOutput{}, !log_output, "empty cmd"));
  }

  OutputLogger logger(st);
  OutputCallback on_output;
  if (log_output) on_output = [&](OutputStream, std::string_view chunk) { logger.write(chunk); };
  auto out = runCommand(cmd.argv, cmd.dir, cmd.env, stdin_text, on_output);
  logger.flush();
  if (!out) {
    return makeError(
        commandFailureMessage(cmd.argv, CommandOutput{}, !log_output, out.error().message()));
  }
  if (!out->ok()) return makeError(commandFailureMessage(cmd.argv, *out, !log_output));
  // "[no output]" only when the command was echoed and its output logged: otherwise it would
  // not say what had no output.
  if (log_command && log_output && out->stdout_text.empty() && out->stderr_text.empty()) {
    st.log(cat(kOutputPrefix, "[no output]"));
  }
  return makeBlob(std::move(out->stdout_text));
}

// ---- trigger modes ----------------------------------------------------------------------------

// trigger_mode(trigger_mode): the default for resources that do not set one; once per execution.
Result<Value> triggerMode(Thread& thread, const BuiltinCall& call) {
  TriggerModeArg mode;
  TRY_VOID(unpackArgs(call, {{"trigger_mode", &mode}}));
  State& st = stateOf(thread);
  LocalState& ls = st.get<LocalState>();
  if (ls.trigger_mode_call) {
    return makeError(cat(call.name, " can only be called once. It was already called at ",
                         *ls.trigger_mode_call));
  }
  std::string where;
  std::vector<starlark::StackFrame> stack = thread.callStack();
  for (auto it = stack.rbegin(); it != stack.rend(); ++it) {
    if (!it->file.empty()) {
      where = cat(it->file, ":", it->line, ":", it->col);
      break;
    }
  }
  ls.trigger_mode_call = where;
  st.project.settings.default_trigger_mode = *mode.mode;
  return Value();
}

Value makeTriggerMode(model::TriggerMode mode) {
  Value v = starlark::make<TriggerModeValue>(mode);
  starlark::freeze(v);
  return v;
}

}  // namespace

void addLocalBuiltins(starlark::StringDict& d) {
  addBuiltin(d, "local_resource", localResource);
  addBuiltin(d, "test", localResource);
  addBuiltin(d, "local", local);
  addBuiltin(d, "trigger_mode", triggerMode);
  d["TRIGGER_MODE_AUTO"] = makeTriggerMode(model::TriggerMode::kAuto);
  d["TRIGGER_MODE_MANUAL"] = makeTriggerMode(model::TriggerMode::kManual);
  addProbeBuiltins(d);
}

Result<void> checkResourceConflict(State& st, std::string_view name) {
  if (hasCustomDeploy(st, name)) {
    return makeError(cat("k8s_resource named ", goQuoted(name), " already exists"));
  }
  if (hasLocalResource(st, name)) {
    return makeError(cat("local_resource named ", goQuoted(name), " already exists"));
  }
  if (hasComposeService(st, name)) {
    return makeError(cat("dc_resource named ", goQuoted(name), " already exists"));
  }
  return {};
}

// Tilt's translateLocal: one resource per local_resource, in declaration order, after the
// Kubernetes and Compose resources.
Result<void> assembleLocal(State& st) {
  for (const LocalResourceDecl& decl : st.get<LocalState>().resources) {
    if (const model::Resource* other = st.project.find(decl.name)) {
      std::string_view kind = other->type == model::ResourceType::kDc      ? "dc_resource"
                              : other->type == model::ResourceType::kLocal ? "local_resource"
                                                                           : "k8s_resource";
      return makeError(cat(kind, " named ", goQuoted(decl.name), " already exists"));
    }
    model::Resource r;
    r.name = decl.name;
    r.type = model::ResourceType::kLocal;
    r.labels = decl.labels;
    r.resource_deps = decl.resource_deps;
    r.trigger_mode = decl.trigger_mode.value_or(st.project.settings.default_trigger_mode);
    r.auto_init = decl.auto_init;
    r.links = decl.links;
    r.local = decl.target;
    // A serve_cmd alone is modeled as a no-op update, which may always run in parallel.
    r.local->allow_parallel = decl.target.allow_parallel || decl.target.cmd.empty();
    st.project.resources.push_back(std::move(r));
  }
  return {};
}

}  // namespace slant::tiltfile
