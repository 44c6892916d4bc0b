#include "tiltfile/probe.h"

#include <utility>

#include "starlark/lib/struct.h"
#include "starlark/lib/util.h"
#include "tiltfile/values.h"

namespace slant::tiltfile {

using starlark::lib::cat;

ProbeObject::ProbeObject(std::string type, std::vector<std::pair<std::string, Value>> fields,
                         model::Probe probe)
    : Object(starlark::ObjType::kOther),
      type_(std::move(type)),
      fields_(starlark::make<starlark::lib::Struct>(starlark::makeString(type_),
                                                    starlark::lib::Members(std::move(fields)))),
      probe_(std::move(probe)) {}

// Printed as Tilt's starlarkstruct with a string constructor: "Probe"(exec = ..., ...).
void ProbeObject::write(std::string& out, bool quoted,
                        std::vector<const starlark::Object*>& path) const {
  starlark::writeValue(out, fields_, quoted, path);
}

Result<uint32_t> ProbeObject::hash() const { return starlark::hash(fields_); }

void ProbeObject::freeze() {
  if (frozen_) return;
  frozen_ = true;
  starlark::freeze(fields_);
}

Result<bool> ProbeObject::equals(const starlark::Object& other, int depth) const {
  const auto* o = dynamic_cast<const ProbeObject*>(&other);
  if (o == nullptr || o->type_ != type_) return false;
  return starlark::equalDepth(fields_, o->fields_, depth);
}

Result<std::optional<Value>> ProbeObject::attr(Thread& thread, std::string_view name) const {
  return fields_.as<starlark::lib::Struct>()->attr(thread, name);
}

std::string ProbeObject::noSuchAttr(std::string_view name) const {
  return fields_.as<starlark::lib::Struct>()->noSuchAttr(name);
}

std::vector<std::string> ProbeObject::attrNames() const {
  return fields_.as<starlark::lib::Struct>()->attrNames();
}

void ProbeObject::clearChildren() { fields_ = Value(); }

namespace {

const ProbeObject* asProbeObject(const Value& v, std::string_view type) {
  if (!v.is(starlark::ObjType::kOther)) return nullptr;
  const auto* p = dynamic_cast<const ProbeObject*>(v.object());
  return p != nullptr && (type.empty() || p->typeName() == type) ? p : nullptr;
}

// The Go type Tilt prints for a wrong argument: the probe package's types are "probe.Probe", ...
std::string probeGoTypeName(const Value& v) {
  if (asProbeObject(v, "") != nullptr) return cat("probe.", v.object()->typeName());
  return goTypeName(v);
}

// The exec=, http_get= and tcp_socket= arguments of probe(): None or an action of the type.
template <int Kind>
struct ActionArg {
  static constexpr std::string_view kTypes[] = {"ExecAction", "HTTPGetAction", "TCPSocketAction"};
  Value value;  // None when absent
  const ProbeObject* action() const { return asProbeObject(value, kTypes[Kind]); }
};

}  // namespace
}  // namespace slant::tiltfile

namespace slant::starlark::lib {
template <int Kind>
struct Unpacker<tiltfile::ActionArg<Kind>> {
  static Result<void> unpack(const Value& v, tiltfile::ActionArg<Kind>* out) {
    std::string_view want = tiltfile::ActionArg<Kind>::kTypes[Kind];
    if (!v.isNone() && tiltfile::asProbeObject(v, want) == nullptr) {
      return makeError(cat("got ", tiltfile::probeGoTypeName(v), ", want ", want));
    }
    out->value = v;
    return {};
  }
};
}  // namespace slant::starlark::lib

namespace slant::tiltfile {
namespace {

Value stringList(const std::vector<std::string>& items) {
  starlark::ValueVector elems;
  elems.reserve(items.size());
  for (const std::string& s : items) elems.push_back(starlark::makeString(s));
  return starlark::make<starlark::List>(std::move(elems));
}

// exec_action(command): command is a list or tuple of strings (a single string is an error, as in
// Tilt: it is not a sequence).
Result<Value> execAction(Thread&, const BuiltinCall& call) {
  Value command;
  TRY_VOID(starlark::lib::unpackArgs(call, {{"command", &command}}));
  std::vector<std::string> argv;
  if (!command.is(starlark::ObjType::kList) && !command.is(starlark::ObjType::kTuple)) {
    return makeError(cat(call.name, ": for parameter command: '", starlark::str(command), "' is a ",
                         goTypeName(command), ", not a sequence"));
  }
  for (const Value& e : TRY(starlark::collect(command))) {
    if (!e.isString()) {
      return makeError(cat(call.name, ": for parameter command: '", starlark::str(e), "' is a ",
                           goTypeName(e), ", not a string"));
    }
    argv.emplace_back(e.str());
  }
  model::Probe probe;
  probe.exec = model::Probe::Exec{argv};
  return starlark::make<ProbeObject>("ExecAction",
                                     std::vector<std::pair<std::string, Value>>{
                                         {"command", stringList(argv)},
                                     },
                                     std::move(probe));
}

// http_get_action(port, host='', scheme='', path=''): the attributes keep what was given; the
// model gets Tilt's run-time defaults (localhost, http) and a lowercase scheme.
Result<Value> httpGetAction(Thread&, const BuiltinCall& call) {
  int port = 0;
  std::string host;
  std::string scheme;
  std::string path;
  TRY_VOID(starlark::lib::unpackArgs(
      call, {{"port", &port}, {"host?", &host}, {"scheme?", &scheme}, {"path?", &path}}));
  model::Probe::HttpGet action;
  action.port = port;
  if (!host.empty()) action.host = host;
  if (!scheme.empty()) {
    action.scheme = scheme;
    for (char& c : action.scheme)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  action.path = path;
  model::Probe probe;
  probe.http_get = std::move(action);
  return starlark::make<ProbeObject>("HTTPGetAction",
                                     std::vector<std::pair<std::string, Value>>{
                                         {"host", starlark::makeString(host)},
                                         {"port", starlark::makeInt(port)},
                                         {"scheme", starlark::makeString(scheme)},
                                         {"path", starlark::makeString(path)},
                                     },
                                     std::move(probe));
}

// tcp_socket_action(port, host='').
Result<Value> tcpSocketAction(Thread&, const BuiltinCall& call) {
  int port = 0;
  std::string host;
  TRY_VOID(starlark::lib::unpackArgs(call, {{"port", &port}, {"host?", &host}}));
  model::Probe::TcpSocket action;
  action.port = port;
  if (!host.empty()) action.host = host;
  model::Probe probe;
  probe.tcp_socket = std::move(action);
  return starlark::make<ProbeObject>("TCPSocketAction",
                                     std::vector<std::pair<std::string, Value>>{
                                         {"host", starlark::makeString(host)},
                                         {"port", starlark::makeInt(port)},
                                     },
                                     std::move(probe));
}

// probe(initial_delay_secs=0, timeout_secs=0, period_secs=0, success_threshold=0,
// failure_threshold=0, exec=None, http_get=None, tcp_socket=None). As in Tilt, the attributes
// keep 0 for what was not given; the model holds the values the prober uses (a value <= 0 means
// the default: 1s timeout, 10s period, 1 success, 3 failures).
Result<Value> probeBuiltin(Thread&, const BuiltinCall& call) {
  int32_t initial_delay = 0;
  int32_t timeout = 0;
  int32_t period = 0;
  int32_t success = 0;
  int32_t failure = 0;
  ActionArg<0> exec;
  ActionArg<1> http_get;
  ActionArg<2> tcp_socket;
  TRY_VOID(starlark::lib::unpackArgs(call, {{"initial_delay_secs?", &initial_delay},
                                            {"timeout_secs?", &timeout},
                                            {"period_secs?", &period},
                                            {"success_threshold?", &success},
                                            {"failure_threshold?", &failure},
                                            {"exec?", &exec},
                                            {"http_get?", &http_get},
                                            {"tcp_socket?", &tcp_socket}}));
  int actions = (exec.action() != nullptr) + (http_get.action() != nullptr) +
                (tcp_socket.action() != nullptr);
  if (actions != 1) {
    return makeError("exactly one of exec, http_get, or tcp_socket must be specified");
  }
  model::Probe probe;
  if (initial_delay > 0) probe.initial_delay_secs = initial_delay;
  if (timeout > 0) probe.timeout_secs = timeout;
  if (period > 0) probe.period_secs = period;
  if (success > 0) probe.success_threshold = success;
  if (failure > 0) probe.failure_threshold = failure;
  if (const ProbeObject* a = exec.action()) probe.exec = a->probe().exec;
  if (const ProbeObject* a = http_get.action()) probe.http_get = a->probe().http_get;
  if (const ProbeObject* a = tcp_socket.action()) probe.tcp_socket = a->probe().tcp_socket;
  return starlark::make<ProbeObject>("Probe",
                                     std::vector<std::pair<std::string, Value>>{
                                         {"initial_delay_secs", starlark::makeInt(initial_delay)},
                                         {"timeout_secs", starlark::makeInt(timeout)},
                                         {"period_secs", starlark::makeInt(period)},
                                         {"success_threshold", starlark::makeInt(success)},
                                         {"failure_threshold", starlark::makeInt(failure)},
                                         {"exec", exec.value},
                                         {"http_get", http_get.value},
                                         {"tcp_socket", tcp_socket.value},
                                     },
                                     std::move(probe));
}

}  // namespace

void addProbeBuiltins(starlark::StringDict& dict) {
  addBuiltin(dict, "probe", probeBuiltin);
  addBuiltin(dict, "exec_action", execAction);
  addBuiltin(dict, "http_get_action", httpGetAction);
  addBuiltin(dict, "tcp_socket_action", tcpSocketAction);
}

}  // namespace slant::tiltfile

namespace slant::starlark::lib {

Result<void> Unpacker<tiltfile::ProbeArg>::unpack(const Value& v, tiltfile::ProbeArg* out) {
  out->probe.reset();
  if (v.isNone()) return {};
  const tiltfile::ProbeObject* p = tiltfile::asProbeObject(v, "Probe");
  if (p == nullptr) return makeError(cat("got ", tiltfile::probeGoTypeName(v), ", want Probe"));
  out->probe = p->probe();
  return {};
}

}  // namespace slant::starlark::lib
