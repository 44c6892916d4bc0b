// Tilt's control and module builtins: warn, fail, exit, include, load_dynamic, link, struct,
// module. (print is the Thread's print callback, set by loadTiltfile.)
#include "starlark/lib/struct.h"
#include "starlark/lib/unpack.h"
#include "starlark/lib/util.h"
#include "tiltfile/builtins.h"
#include "tiltfile/values.h"

namespace slant::tiltfile {

namespace {

using starlark::lib::unpackArgs;

Result<Value> warnFn(Thread& thread, const BuiltinCall& call) {
  std::string msg;
  TRY_VOID(unpackArgs(call, {{"msg", &msg}}));
  stateOf(thread).warn(std::move(msg));
  return Value();
}

// Tilt's fail(msg) reports the message alone (Starlark's own fail would prefix "fail: ").
Result<Value> failFn(Thread&, const BuiltinCall& call) {
  std::string msg;
  TRY_VOID(unpackArgs(call, {{"msg", &msg}}));
  return starlark::makeError(std::move(msg));
}

// exit() stops the execution without an error: it unwinds as an error that loadTiltfile
// recognises by State::stopped.
Result<Value> exitFn(Thread& thread, const BuiltinCall& call) {
  Value code = Value::unbound();
  TRY_VOID(unpackArgs(call, {{"code?", &code}}));
  State& st = stateOf(thread);
  if (!code.isUnbound() && !code.isNone()) {
    std::string text = starlark::str(code);
    if (!text.empty()) st.log(text);
  }
  st.stopped = true;
  return starlark::makeError("exit() called");
}

Result<Value> includeFn(Thread& thread, const BuiltinCall& call) {
  std::string path;
  TRY_VOID(unpackArgs(call, {{"path", &path}}));
  TRY(thread.load()(thread, path));
  return Value();
}

Result<Value> loadDynamicFn(Thread& thread, const BuiltinCall& call) {
  TextArg path;
  TRY_VOID(unpackArgs(call, {{"path", &path}}));
  starlark::StringDict module = TRY(thread.load()(thread, path.text));
  Value d = starlark::make<starlark::Dict>();
  auto* dict = d.as<starlark::Dict>();
  for (auto& [name, value] : module) TRY_VOID(dict->set(starlark::makeString(name), value));
  starlark::freeze(d);
  return d;
}

}  // namespace

void addCoreBuiltins(starlark::StringDict& d) {
  addBuiltin(d, "warn", warnFn);
  addBuiltin(d, "fail", failFn);
  addBuiltin(d, "exit", exitFn);
  addBuiltin(d, "include", includeFn);
  addBuiltin(d, "load_dynamic", loadDynamicFn);
  addBuiltin(d, "link", linkBuiltin);
  d["struct"] = starlark::lib::makeStructBuiltin();
  d["module"] = starlark::lib::makeModuleBuiltin();
}

}  // namespace slant::tiltfile
