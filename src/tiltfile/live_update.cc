#include "tiltfile/live_update.h"

#include <algorithm>

#include "starlark/lib/unpack.h"
#include "starlark/lib/util.h"
#include "tiltfile/build.h"
#include "tiltfile/values.h"

namespace slant::tiltfile {

namespace {

using starlark::makeError;
using starlark::lib::cat;
using Kind = model::LiveUpdateStep::Kind;

// Tilt's model.Cmd.String(): the script of a `sh -c` command, else the argv joined by spaces
// with the arguments that contain a space quoted.
std::string cmdString(const std::vector<std::string>& argv) {
  if (argv.size() == 3 && argv[0] == "sh" && argv[1] == "-c" &&
      argv[2].find('\n') == std::string::npos) {
    return argv[2];
  }
  std::string out;
  for (size_t i = 0; i < argv.size(); ++i) {
    if (i > 0) out += ' ';
    if (argv[i].find(' ') != std::string::npos) {
      starlark::writeQuoted(out, argv[i]);
    } else {
      out += argv[i];
    }
  }
  return out;
}

// Go's %v of a []string: "[a b c]".
std::string goList(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ' ';
    out += items[i];
  }
  out += ']';
  return out;
}

// The position of the Starlark call that invoked the running builtin, as go.starlark.net's
// thread.CallFrame(1).Pos prints it: "file:line:col".
std::string callerPosition(Thread& thread) {
  std::vector<starlark::StackFrame> stack = thread.callStack();
  for (auto it = stack.rbegin(); it != stack.rend(); ++it) {
    if (!it->file.empty()) return cat(it->file, ":", it->line, ":", it->col);
  }
  return "<builtin>";
}

std::string describe(const LiveUpdateStepValue& step) {
  std::string text;
  std::vector<const starlark::Object*> path;
  step.write(text, false, path);
  return cat("value '", text, "' of type '", step.typeName(), "'");
}

Value recordStep(Thread& thread, model::LiveUpdateStep step) {
  State& st = stateOf(thread);
  std::string position = callerPosition(thread);
  Value v = starlark::make<LiveUpdateStepValue>(std::move(step), position);
  auto& unused = st.get<LiveUpdateState>().unused;
  std::string description = describe(*v.as<LiveUpdateStepValue>());
  auto it = std::find_if(unused.begin(), unused.end(),
                         [&](const LiveUpdateState::Unused& u) { return u.position == position; });
  if (it != unused.end()) {
    it->description = std::move(description);
  } else {
    unused.push_back({std::move(position), std::move(description)});
  }
  return v;
}

void consumeStep(State& st, const LiveUpdateStepValue& step) {
  auto& unused = st.get<LiveUpdateState>().unused;
  std::erase_if(unused,
                [&](const LiveUpdateState::Unused& u) { return u.position == step.position(); });
}

const LiveUpdateStepValue* asStep(const Value& v) {
  if (!v.is(starlark::ObjType::kOther)) return nullptr;
  return dynamic_cast<const LiveUpdateStepValue*>(v.object());
}

Result<Value> initialSyncBuiltin(Thread& thread, const BuiltinCall& call) {
  TRY_VOID(starlark::lib::unpackArgs(call, {}));
  model::LiveUpdateStep step;
  step.kind = Kind::kInitialSync;
  return recordStep(thread, std::move(step));
}

Result<Value> fallBackOnBuiltin(Thread& thread, const BuiltinCall& call) {
  LocalPathList paths;
  TRY_VOID(starlark::lib::unpackArgs(call, {{"paths", &paths}}));
  State& st = stateOf(thread);
  model::LiveUpdateStep step;
  step.kind = Kind::kFallBackOn;
  for (const std::string& p : paths.items) step.files.push_back(st.absPath(p));
  return recordStep(thread, std::move(step));
}

Result<Value> syncBuiltin(Thread& thread, const BuiltinCall& call) {
  std::string local_path;
  std::string remote_path;
  TRY_VOID(starlark::lib::unpackArgs(call,
                                     {{"local_path", &local_path}, {"remote_path", &remote_path}}));
  model::LiveUpdateStep step;
  step.kind = Kind::kSync;
  step.local = stateOf(thread).absPath(local_path);
  step.remote = std::move(remote_path);
  return recordStep(thread, std::move(step));
}

Result<Value> runBuiltin(Thread& thread, const BuiltinCall& call) {
  Value cmd = Value::unbound();
  Value trigger = Value::unbound();
  bool echo_off = false;
  TRY_VOID(starlark::lib::unpackArgs(
      call, {{"cmd", &cmd}, {"trigger?", &trigger}, {"echo_off?", &echo_off}}));
  model::LiveUpdateStep step;
  step.kind = Kind::kRun;
  step.cmd = TRY(unixCommand(cmd));
  step.echo_off = echo_off;
  // Triggers stay relative here: Tilt resolves them against the directory of the Tiltfile that
  // uses the step (liveUpdateFromSteps), not the one that made it.
  for (const Value& t : TRY(valueOrSequence(trigger))) {
    if (!t.isString()) {
      return makeError(cat("run cmd '", cmdString(step.cmd), "' triggers contained value '",
                           starlark::repr(t), "' of type '", starlark::typeName(t),
                           "'. it may only contain strings"));
    }
    step.trigger.emplace_back(t.str());
  }
  return recordStep(thread, std::move(step));
}

Result<Value> restartContainerBuiltin(Thread& thread, const BuiltinCall& call) {
  TRY_VOID(starlark::lib::unpackArgs(call, {}));
  model::LiveUpdateStep step;
  step.kind = Kind::kRestartContainer;
  return recordStep(thread, std::move(step));
}

// Kubernetes' field.ErrorList aggregate formatting: one error alone, several in brackets.
std::string aggregate(const std::vector<std::string>& errors) {
  if (errors.size() == 1) return errors[0];
  std::string out = "[";
  for (size_t i = 0; i < errors.size(); ++i) {
    if (i > 0) out += ", ";
    out += errors[i];
  }
  out += "]";
  return out;
}

bool isChildOf(std::string_view dir, std::string_view path) {
  if (path == dir) return true;
  if (dir == "/") return !path.empty() && path.front() == '/';
  return path.size() > dir.size() && path.starts_with(dir) && path[dir.size()] == '/';
}

}  // namespace

// ---- the step values --------------------------------------------------------------------------

std::string_view LiveUpdateStepValue::typeName() const {
  switch (step_.kind) {
    case Kind::kInitialSync:
      return "live_update_initial_sync_step";
    case Kind::kFallBackOn:
      return "live_update_fall_back_on_step";
    case Kind::kSync:
      return "live_update_sync_step";
    case Kind::kRun:
      return "live_update_run_step";
    case Kind::kRestartContainer:
      return "live_update_restart_container_step";
  }
  return "live_update_step";
}

void LiveUpdateStepValue::write(std::string& out, bool, std::vector<const Object*>&) const {
  switch (step_.kind) {
    case Kind::kInitialSync:
      out += "initial_sync step";
      return;
    case Kind::kFallBackOn:
      out += "fall_back_on step: " + goList(step_.files);
      return;
    case Kind::kSync:
      out += cat("sync step: '", step_.local, "'->'", step_.remote, "'");
      return;
    case Kind::kRun: {
      out += "run step: ";
      starlark::writeQuoted(out, cmdString(step_.cmd));
      if (!step_.trigger.empty()) {
        out += " (triggers: ";
        for (size_t i = 0; i < step_.trigger.size(); ++i) {
          if (i > 0) out += "; ";
          out += step_.trigger[i];
        }
        out += ")";
      }
      return;
    }
    case Kind::kRestartContainer:
      out += "restart_container step";
      return;
  }
}

bool LiveUpdateStepValue::truth() const {
  switch (step_.kind) {
    case Kind::kFallBackOn:
      return !step_.files.empty();
    case Kind::kSync:
      return !step_.local.empty() || !step_.remote.empty();
    case Kind::kRun:
      return !step_.cmd.empty();
    default:
      return true;
  }
}

Result<uint32_t> LiveUpdateStepValue::hash() const {
  std::string text;
  std::vector<const Object*> path;
  write(text, false, path);
  return starlark::hashBytes(text);
}

Result<bool> LiveUpdateStepValue::equals(const Object& other, int) const {
  const auto* o = dynamic_cast<const LiveUpdateStepValue*>(&other);
  if (o == nullptr) return false;
  const model::LiveUpdateStep& a = step_;
  const model::LiveUpdateStep& b = o->step_;
  return position_ == o->position_ && a.kind == b.kind && a.files == b.files &&
         a.local == b.local && a.remote == b.remote && a.cmd == b.cmd && a.trigger == b.trigger &&
         a.echo_off == b.echo_off;
}

// ---- registration and conversion --------------------------------------------------------------

void addLiveUpdateBuiltins(starlark::StringDict& d) {
  addBuiltin(d, "initial_sync", initialSyncBuiltin);
  addBuiltin(d, "fall_back_on", fallBackOnBuiltin);
  addBuiltin(d, "sync", syncBuiltin);
  addBuiltin(d, "run", runBuiltin);
  addBuiltin(d, "restart_container", restartContainerBuiltin);
}

Result<std::vector<model::LiveUpdateStep>> liveUpdateFromSteps(State& st, const Value& steps) {
  auto wrap = [](std::string_view msg) { return makeError(cat("live_update: ", msg)); };
  starlark::ValueVector values = TRY(valueOrSequence(steps));
  std::vector<model::LiveUpdateStep> out;
  if (values.empty()) return out;

  // Tilt tracks the order with flags that each step kind raises for the kinds after it.
  bool seen_initial_sync = false;
  bool no_more_fallbacks = false;
  bool no_more_syncs = false;
  bool no_more_runs = false;
  const std::string base = st.currentDir();
  for (const Value& v : values) {
    const LiveUpdateStepValue* step = asStep(v);
    if (step == nullptr) {
      return wrap(cat("'steps' must be a list of live update steps - got value '",
                      starlark::repr(v), "' of type '", starlark::typeName(v), "'"));
    }
    model::LiveUpdateStep s = step->step();
    switch (s.kind) {
      case Kind::kInitialSync:
        if (seen_initial_sync) {
          return wrap("initial_sync must appear at most once, at the start of the list");
        }
        seen_initial_sync = true;
        break;
      case Kind::kFallBackOn:
        seen_initial_sync = true;
        if (no_more_fallbacks)
          return wrap("fall_back_on steps must appear at the start of the list");
        break;
      case Kind::kSync:
        if (no_more_runs) return wrap("restart container is only valid as the last step");
        if (no_more_syncs) return wrap("all sync steps must precede all run steps");
        seen_initial_sync = true;
        no_more_fallbacks = true;
        break;
      case Kind::kRun:
        if (no_more_runs) return wrap("restart container is only valid as the last step");
        seen_initial_sync = true;
        no_more_fallbacks = true;
        no_more_syncs = true;
        for (std::string& t : s.trigger) t = joinPath(base, t);
        break;
      case Kind::kRestartContainer:
        seen_initial_sync = true;
        no_more_fallbacks = true;
        no_more_syncs = true;
        no_more_runs = true;
        break;
    }
    consumeStep(st, *step);
    out.push_back(std::move(s));
  }

  // Tilt's LiveUpdate.Validate, with Kubernetes' field error wording.
  std::vector<std::string> errors;
  bool any_sync_or_run = std::any_of(out.begin(), out.end(), [](const model::LiveUpdateStep& s) {
    return s.kind == Kind::kSync || s.kind == Kind::kRun;
  });
  if (!any_sync_or_run) {
    errors.push_back(
        "spec.syncs: Invalid value: []v1alpha1.LiveUpdateSync(nil): must contain at least 1 sync "
        "or 1 exec to run on live update");
  }
  int sync_index = 0;
  for (const model::LiveUpdateStep& s : out) {
    if (s.kind != Kind::kSync) continue;
    if (s.remote.empty() || s.remote.front() != '/') {
      std::string quoted;
      starlark::writeQuoted(quoted, s.remote);
      errors.push_back(cat("spec.syncs[", sync_index, "]: Invalid value: ", quoted,
                           ": sync destination is not absolute"));
    }
    ++sync_index;
  }
  if (!errors.empty()) return wrap(aggregate(errors));
  return out;
}

Result<void> checkUnusedLiveUpdateSteps(State& st) {
  const auto& unused = st.get<LiveUpdateState>().unused;
  if (unused.empty()) return {};
  std::string lines;
  for (size_t i = 0; i < unused.size(); ++i) {
    if (i > 0) lines += "\n\t";
    lines += cat(unused[i].position, ": ", unused[i].description);
  }
  return makeError(cat("found ", unused.size(),
                       " live_update steps that were created but not used in a live_update:\n",
                       lines));
}

Result<void> checkLiveUpdatePaths(const std::vector<model::LiveUpdateStep>& steps,
                                  const std::vector<std::string>& watched) {
  auto under_one = [&](const std::string& path) {
    return std::any_of(watched.begin(), watched.end(),
                       [&](const std::string& dir) { return isChildOf(dir, path); });
  };
  for (const model::LiveUpdateStep& s : steps) {
    if (s.kind == Kind::kSync && !under_one(s.local)) {
      return makeError(cat("sync step source '", s.local,
                           "' is not a child of any watched filepaths (", goList(watched), ")"));
    }
  }
  for (const model::LiveUpdateStep& s : steps) {
    if (s.kind != Kind::kFallBackOn) continue;
    for (const std::string& f : s.files) {
      if (!under_one(f)) {
        return makeError(cat("fall_back_on paths '", f,
                             "' is not a child of any watched filepaths (", goList(watched), ")"));
      }
    }
  }
  return {};
}

bool restartsContainer(const std::vector<model::LiveUpdateStep>& steps) {
  return std::any_of(steps.begin(), steps.end(), [](const model::LiveUpdateStep& s) {
    return s.kind == Kind::kRestartContainer;
  });
}

}  // namespace slant::tiltfile
