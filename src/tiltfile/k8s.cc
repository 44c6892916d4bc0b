// The Kubernetes builtins and Tilt's resource assembly (see k8s.h for the order of the steps).
//
// The assembly mirrors tiltfile_state.go's assembleK8s step for step, including its quirks users
// rely on: workload names come from every object using *any* image (not only built ones), an
// object with a pod template but no image still gets a resource named after it (merging into an
// existing resource of that name), objects claimed with objects= never add image dependencies,
// and "name:kind:namespace" fragments are looked up among all objects before any k8s_resource()
// runs, then taken from what is still unclaimed. Where Tilt iterates a Go map (the resource
// names in "known k8s resources", the k8s_kind registrations), slant uses declaration order so
// that messages and results are stable.
#include "tiltfile/k8s.h"

#include <re2/re2.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "starlark/eval/function.h"
#include "starlark/lib/unpack.h"
#include "starlark/lib/util.h"
#include "tiltfile/build.h"
#include "tiltfile/builtins.h"
#include "tiltfile/compose.h"
#include "tiltfile/k8s_tools.h"
#include "tiltfile/local.h"
#include "tiltfile/values.h"

namespace slant::tiltfile {

namespace {

using starlark::makeError;
using starlark::lib::cat;
using starlark::lib::unpackArgs;

constexpr std::string_view kEmptyYaml = "Empty YAML passed to k8s_yaml";

std::string quotedList(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    out += goQuoted(items[i]);
  }
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool isBlob(const Value& v) {
  return v.isObject() && dynamic_cast<const Blob*>(v.object()) != nullptr;
}

// Go's strconv.Atoi.
std::optional<int64_t> atoi(std::string_view s) {
  if (s.empty()) return std::nullopt;
  bool neg = s[0] == '-';
  if (s[0] == '+' || s[0] == '-') s.remove_prefix(1);
  if (s.empty() || s.size() > 18) return std::nullopt;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return neg ? -v : v;
}

// "file:line:col" of the Starlark call that is running the current builtin.
std::string callerPosition(Thread& thread) {
  std::vector<starlark::StackFrame> frames = thread.callStack();
  for (auto it = frames.rbegin(); it != frames.rend(); ++it) {
    if (!it->file.empty()) return cat(it->file, ":", it->line, ":", it->col);
  }
  return "";
}

// go.starlark.net's CallStack.String(), without the final newline.
std::string callStackString(Thread& thread) {
  std::vector<starlark::StackFrame> frames = thread.callStack();
  std::string out;
  if (!frames.empty()) out += "Traceback (most recent call last):";
  for (const starlark::StackFrame& f : frames) {
    out += "\n  ";
    out += f.file.empty() ? std::string("<builtin>") : cat(f.file, ":", f.line, ":", f.col);
    out += cat(": in ", f.function);
  }
  return out;
}

// ---- argument types ---------------------------------------------------------------------------

// value.Name: a string that is a valid path segment.
struct NameArg {
  std::string value;
};

struct PodReadinessArg {
  model::PodReadiness value = model::PodReadiness::kDefault;
};

struct DiscoveryStrategyArg {
  std::string value;
};

// value.StringStringMap.
struct StringMapArg {
  std::map<std::string, std::string> values;
};

// A starlark.Sequence argument (resource_deps, objects).
struct SequenceArg {
  Value value = Value::unbound();
};

// tiltfile_k8s.JSONPathImageLocatorListSpec: a string or a sequence of strings.
struct JsonPathListArg {
  std::vector<std::string> paths;
};

// tiltfile_k8s.JSONPathImageObjectLocatorSpec.
struct ImageObjectArg {
  bool present = false;
  std::string json_path, repo_field, tag_field;
};

}  // namespace
}  // namespace slant::tiltfile

namespace slant::starlark::lib {

using tiltfile::stringOrBlob;

template <>
struct Unpacker<tiltfile::NameArg> {
  static Result<void> unpack(const Value& v, tiltfile::NameArg* out) {
    auto s = stringOrBlob(v);
    if (!s) {
      return makeError(cat("Value should be convertible to string, but is type ", typeName(v)));
    }
    std::string_view name = *s;
    std::string problem;
    if (name == "." || name == "..") {
      problem = cat("may not be '", name, "'");
    } else if (name.find('/') != std::string_view::npos) {
      problem = "may not contain '/'";
    } else if (name.find('%') != std::string_view::npos) {
      problem = "may not contain '%'";
    }
    if (!problem.empty()) {
      return makeError(cat("invalid value ", tiltfile::goQuoted(name), ": ", problem));
    }
    out->value = std::string(name);
    return {};
  }
};

template <>
struct Unpacker<tiltfile::PodReadinessArg> {
  static Result<void> unpack(const Value& v, tiltfile::PodReadinessArg* out) {
    auto s = stringOrBlob(v);
    if (!s) return makeError(cat("Must be a string. Got: ", typeName(v)));
    if (*s == "ignore") {
      out->value = model::PodReadiness::kIgnore;
    } else if (*s == "wait") {
      out->value = model::PodReadiness::kWait;
    } else if (*s == "succeeded") {
      out->value = model::PodReadiness::kSucceeded;
    } else if (s->empty()) {
      out->value = model::PodReadiness::kDefault;
    } else {
      return makeError(cat("Invalid value. Allowed: {ignore, wait}. Got: ", *s));
    }
    return {};
  }
};

template <>
struct Unpacker<tiltfile::DiscoveryStrategyArg> {
  static Result<void> unpack(const Value& v, tiltfile::DiscoveryStrategyArg* out) {
    auto s = stringOrBlob(v);
    if (!s) return makeError(cat("Must be a string. Got: ", typeName(v)));
    if (!s->empty() && *s != "default" && *s != "selectors-only") {
      return makeError("Invalid. Must be one of: \"default\", \"selectors-only\"");
    }
    out->value = std::string(*s);
    return {};
  }
};

template <>
struct Unpacker<tiltfile::StringMapArg> {
  static Result<void> unpack(const Value& v, tiltfile::StringMapArg* out) {
    out->values.clear();
    if (v.isNone()) return {};
    const Dict* d = v.tryAs<Dict>();
    if (d == nullptr) return makeError(cat("expected dict, got ", tiltfile::goTypeName(v)));
    for (const auto* e : d->table.entries()) {
      auto k = stringOrBlob(e->key);
      if (!k) {
        return makeError(
            cat("key is not a string: ", tiltfile::goTypeName(e->key), " (", str(e->key), ")"));
      }
      auto val = stringOrBlob(e->value);
      if (!val) {
        return makeError(cat("value is not a string: ", tiltfile::goTypeName(e->value), " (",
                             str(e->value), ")"));
      }
      out->values[std::string(*k)] = std::string(*val);
    }
    return {};
  }
};

template <>
struct Unpacker<tiltfile::SequenceArg> {
  static Result<void> unpack(const Value& v, tiltfile::SequenceArg* out) {
    if (!v.is(ObjType::kList) && !v.is(ObjType::kTuple) && !v.is(ObjType::kSet) &&
        !v.is(ObjType::kDict)) {
      return makeError(cat("got ", typeName(v), ", want starlark.Sequence"));
    }
    out->value = v;
    return {};
  }
};

template <>
struct Unpacker<tiltfile::JsonPathListArg> {
  static Result<void> unpack(const Value& v, tiltfile::JsonPathListArg* out) {
    out->paths.clear();
    for (const Value& item : TRY(tiltfile::valueOrSequence(v))) {
      if (!item.isString()) return makeError(cat("Expected string, got: ", repr(item)));
      out->paths.emplace_back(item.str());
    }
    return {};
  }
};

template <>
struct Unpacker<tiltfile::ImageObjectArg> {
  static Result<void> unpack(const Value& v, tiltfile::ImageObjectArg* out) {
    constexpr std::string_view kForm =
        "Expected dict of the form {'json_path': str, 'repo_field': str, 'tag_field': str}";
    if (v.isNone()) return {};
    const Dict* d = v.tryAs<Dict>();
    if (d == nullptr) return makeError(cat(kForm, ". Actual: ", repr(v)));
    std::string* fields[3] = {&out->json_path, &out->repo_field, &out->tag_field};
    constexpr std::string_view kNames[3] = {"json_path", "repo_field", "tag_field"};
    std::vector<std::string> keys;
    for (const auto* e : d->table.entries()) {
      keys.push_back(repr(e->key));
      if (!e->key.isString()) return makeError(cat(kForm, ": Unexpected key: ", repr(e->key)));
      int index = -1;
      for (int i = 0; i < 3; ++i)
        if (e->key.str() == kNames[i]) index = i;
      if (index < 0) return makeError(cat(kForm, ": Unexpected key: ", repr(e->key)));
      if (!e->value.isString()) {
        return makeError(cat(kForm, ": Expected string at key ", tiltfile::goQuoted(e->key.str()),
                             ". Got: ", typeName(e->value)));
      }
      *fields[index] = std::string(e->value.str());
    }
    if (keys.size() != 3) {
      std::string list;
      for (size_t i = 0; i < keys.size(); ++i) list += (i > 0 ? " " : "") + keys[i];
      return makeError(cat(kForm, ": Missing keys. Actual keys: [", list, "]"));
    }
    out->present = true;
    return {};
  }
};

}  // namespace slant::starlark::lib

namespace slant::tiltfile {

namespace {

// ---- values -----------------------------------------------------------------------------------

// What port_forward() returns.
class PortForwardValue final : public starlark::Object {
 public:
  explicit PortForwardValue(model::PortForward pf)
      : Object(starlark::ObjType::kOther), pf_(std::move(pf)) {}
  std::string_view typeName() const override { return "port_forward"; }
  void write(std::string& out, bool, std::vector<const Object*>&) const override {
    out += cat("port_forward(local_port=", pf_.local_port,
               ", container_port=", pf_.container_port.value_or(0), ", name=", goQuoted(pf_.name),
               ")");
  }
  bool truth() const override {
    return pf_.local_port != 0 || pf_.container_port || !pf_.host.empty() || !pf_.name.empty() ||
           !pf_.link_path.empty();
  }
  Result<uint32_t> hash() const override { return makeError("unhashable type: port_forward"); }
  const model::PortForward& portForward() const { return pf_; }

 private:
  model::PortForward pf_;
};

const PortForwardValue* asPortForward(const Value& v) {
  return v.isObject() ? dynamic_cast<const PortForwardValue*>(v.object()) : nullptr;
}

// What a workload_to_resource_function receives (Tilt's k8sObjectID).
class K8sObjectIdValue final : public starlark::Object {
 public:
  explicit K8sObjectIdValue(const K8sEntity& e)
      : Object(starlark::ObjType::kOther),
        name_(e.name()),
        kind_(e.kind()),
        namespace_(e.namespaceOrDefault()),
        group_(e.group()),
        api_version_(e.apiVersion()) {}
  std::string_view typeName() const override { return "K8sObjectID"; }
  void write(std::string& out, bool, std::vector<const Object*>&) const override { out += id(); }
  bool truth() const override {
    return !name_.empty() || !kind_.empty() || !namespace_.empty() || !group_.empty();
  }
  Result<uint32_t> hash() const override {
    return starlark::hashBytes(cat(name_, "\x1f", kind_, "\x1f", namespace_, "\x1f", group_));
  }
  Result<std::optional<Value>> attr(Thread&, std::string_view name) const override {
    if (name == "name") return std::optional<Value>(starlark::makeString(name_));
    if (name == "kind") return std::optional<Value>(starlark::makeString(kind_));
    if (name == "namespace") return std::optional<Value>(starlark::makeString(namespace_));
    if (name == "group") return std::optional<Value>(starlark::makeString(group_));
    if (name == "api_version") return std::optional<Value>(starlark::makeString(api_version_));
    return std::optional<Value>();
  }
  std::vector<std::string> attrNames() const override {
    return {"api_version", "group", "kind", "name", "namespace"};
  }
  /// "name:kind:namespace:group", lowercased, as Tilt prints it in messages.
  std::string id() const { return lower(cat(name_, ":", kind_, ":", namespace_, ":", group_)); }

 private:
  std::string name_, kind_, namespace_, group_, api_version_;
};

std::string objectId(const K8sEntity& e) {
  return lower(cat(e.name(), ":", e.kind(), ":", e.namespaceOrDefault(), ":", e.group()));
}

// ---- reading YAML -----------------------------------------------------------------------------

Result<std::string> readYamlFile(const std::string& path) {
  struct stat sb;
  if (::stat(path.c_str(), &sb) == 0 && S_ISDIR(sb.st_mode)) {
    return makeError(cat("read ", path, ": is a directory"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int err = errno;
    return makeError(cat("open ", path, ": ", std::strerror(err)));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The objects of one k8s_yaml()/filter_yaml() argument: a Blob of YAML, or a path to read.
Result<std::vector<K8sEntity>> entitiesFromValue(State& st, const Value& v) {
  if (isBlob(v)) {
    auto entities = parseK8sYaml(*stringOrBlob(v));
    if (!entities) {
      return makeError(cat("Error reading yaml from blob: ", entities.error().message()));
    }
    return entities;
  }
  if (!v.isString()) {
    return makeError(cat("expected path | string. Actual type: ", goTypeName(v)));
  }
  std::string path = st.absPath(v.str());
  st.addConfigFile(path);
  auto text = readYamlFile(path);
  if (!text) return makeError(cat("error reading yaml file: ", text.error().message()));
  auto entities = parseK8sYaml(*text);
  if (!entities) {
    const std::string& msg = entities.error().message();
    if (msg.starts_with("error parsing YAML") ||
        msg.find("json parse error: ") != std::string::npos) {
      return makeError(cat(path, " is not a valid YAML file: ", msg));
    }
    return std::unexpected(entities.error());
  }
  return entities;
}

Result<std::vector<K8sEntity>> entitiesFromValues(State& st, const starlark::ValueVector& values) {
  std::vector<K8sEntity> out;
  for (const Value& v : values) {
    std::vector<K8sEntity> part = TRY(entitiesFromValue(st, v));
    for (K8sEntity& e : part) out.push_back(std::move(e));
  }
  return out;
}

// ---- port forwards ----------------------------------------------------------------------------

Result<model::PortForward> intToPortForward(const Value& v) {
  auto n = starlark::toInt64(v);
  if (!n) {
    return makeError(cat("portForward port value ", str(v), " is not representable as an int64"));
  }
  if (*n < 0 || *n > 65535) {
    return makeError(cat("portForward port value ", *n, " is not in the valid range [0-65535]"));
  }
  model::PortForward pf;
  pf.local_port = static_cast<int>(*n);
  return pf;
}

bool validHost(std::string_view host) {
  static const RE2 ip(
      "(([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])\\.){3}"
      "([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])");
  static const RE2 hostname(
      "(([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\\-]*[a-zA-Z0-9])\\.)*"
      "([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9\\-]*[A-Za-z0-9])");
  return RE2::FullMatch(host, ip) || RE2::FullMatch(host, hostname);
}

// "LOCAL", "LOCAL:CONTAINER" or "HOST:LOCAL:CONTAINER".
Result<model::PortForward> stringToPortForward(std::string_view s) {
  std::vector<std::string_view> parts;
  size_t begin = 0;
  while (parts.size() < 2) {
    size_t colon = s.find(':', begin);
    if (colon == std::string_view::npos) break;
    parts.push_back(s.substr(begin, colon - begin));
    begin = colon + 1;
  }
  parts.push_back(s.substr(begin));

  model::PortForward pf;
  std::string_view local = parts[0];
  if (parts.size() == 3) {
    local = parts[1];
    pf.host = std::string(parts[0]);
    if (!validHost(pf.host)) {
      return makeError(cat("portForward host value ", goQuoted(pf.host),
                           " is not a valid hostname or IP address"));
    }
  }
  auto port = atoi(local);
  if (!port || *port < 0 || *port > 65535) {
    return makeError(
        cat("portForward port value ", goQuoted(local), " is not in the valid range [0-65535]"));
  }
  pf.local_port = static_cast<int>(*port);
  if (parts.size() > 1) {
    std::string_view last = parts.back();
    auto container = atoi(last);
    if (!container || *container < 0 || *container > 65535) {
      return makeError(
          cat("portForward port value ", goQuoted(last), " is not in the valid range [0-65535]"));
    }
    if (*container != 0) pf.container_port = static_cast<int>(*container);
  }
  return pf;
}

Result<std::vector<model::PortForward>> convertPortForwards(const Value& v) {
  std::vector<model::PortForward> out;
  if (v.isUnbound() || v.isNone()) return out;
  if (v.isInt()) {
    out.push_back(TRY(intToPortForward(v)));
    return out;
  }
  if (v.isString()) {
    out.push_back(TRY(stringToPortForward(v.str())));
    return out;
  }
  if (const PortForwardValue* pf = asPortForward(v)) {
    out.push_back(pf->portForward());
    return out;
  }
  if (v.is(starlark::ObjType::kList) || v.is(starlark::ObjType::kTuple)) {
    for (const Value& item : TRY(starlark::collect(v))) {
      if (item.isInt()) {
        out.push_back(TRY(intToPortForward(item)));
      } else if (item.isString()) {
        out.push_back(TRY(stringToPortForward(item.str())));
      } else if (const PortForwardValue* pf = asPortForward(item)) {
        out.push_back(pf->portForward());
      } else {
        return makeError(cat("port_forwards arg ", repr(v), " includes element ", repr(item),
                             " which must be an int or a port_forward; is a ", goTypeName(item)));
      }
    }
    return out;
  }
  return makeError(
      cat("port_forwards must be an int, a port_forward, or a sequence of those; is a ",
          goTypeName(v)));
}

// ---- pod selectors ----------------------------------------------------------------------------

Result<std::map<std::string, std::string>> labelSetFromDict(const starlark::Dict& d) {
  std::map<std::string, std::string> out;
  for (const auto* e : d.table.entries()) {
    if (!e->key.isString()) {
      return makeError(cat("pod label keys must be strings; got '", str(e->key), "' of type ",
                           goTypeName(e->key)));
    }
    if (!e->value.isString()) {
      return makeError(cat("pod label values must be strings; got '", str(e->value), "' of type ",
                           goTypeName(e->value)));
    }
    out[std::string(e->key.str())] = std::string(e->value.str());
  }
  return out;
}

Result<std::vector<std::map<std::string, std::string>>> podLabelsFromValue(const Value& v) {
  std::vector<std::map<std::string, std::string>> out;
  if (v.isUnbound()) return out;
  if (const starlark::Dict* d = v.tryAs<starlark::Dict>()) {
    auto set = TRY(labelSetFromDict(*d));
    if (!set.empty()) out.push_back(std::move(set));
    return out;
  }
  if (const starlark::List* l = v.tryAs<starlark::List>()) {
    for (const Value& item : l->elems()) {
      const starlark::Dict* d = item.tryAs<starlark::Dict>();
      if (d == nullptr) {
        return makeError(cat("pod labels elements must be dicts; got ", goTypeName(item)));
      }
      auto set = TRY(labelSetFromDict(*d));
      if (!set.empty()) out.push_back(std::move(set));
    }
    return out;
  }
  return makeError(cat("pod labels must be a dict or a list; got ", goTypeName(v)));
}

Result<std::vector<std::string>> sequenceToStrings(const SequenceArg& arg, std::string_view what) {
  std::vector<std::string> out;
  if (arg.value.isUnbound()) return out;
  for (const Value& item : TRY(starlark::collect(arg.value))) {
    if (!item.isString()) {
      return makeError(cat("k8s_resource: ", what, ": '", str(item), "' is a ", goTypeName(item),
                           ", not a string"));
    }
    out.emplace_back(item.str());
  }
  return out;
}

// ---- builtins ---------------------------------------------------------------------------------

Result<Value> k8sYaml(Thread& thread, const BuiltinCall& call) {
  State& st = stateOf(thread);
  K8sState& ks = st.get<K8sState>();
  Value yaml = Value::unbound();
  bool allow_duplicates = false;
  TRY_VOID(unpackArgs(call, {{"yaml", &yaml}, {"allow_duplicates?", &allow_duplicates}}));

  starlark::ValueVector values = TRY(valueOrSequence(yaml));
  if (values.empty()) return makeError(std::string(kEmptyYaml));
  std::vector<K8sEntity> entities = TRY(entitiesFromValues(st, values));
  // As Tilt: only an empty result from a blob (or an empty path) is an error; an empty file is
  // not.
  bool first_is_path = values[0].isString() && !values[0].str().empty();
  if (entities.empty() && !first_is_path) return makeError(std::string(kEmptyYaml));

  std::string stack = callStackString(thread);
  for (const K8sEntity& e : entities) {
    auto key = std::make_tuple(e.name(), e.rawNamespace(), e.kind(), e.apiVersion());
    auto it = ks.registered_at.find(key);
    if (it != ks.registered_at.end() && !allow_duplicates) {
      std::string ref = e.rawNamespace().empty()
                            ? cat(e.kind(), " ", e.name())
                            : cat(e.kind(), " ", e.name(), " (Namespace: ", e.rawNamespace(), ")");
      std::string indented;
      for (char c : it->second) {
        indented += c;
        if (c == '\n') indented += "  ";
      }
      return makeError(cat("Duplicate YAML: ", ref,
                           "\nIgnore this error with k8s_yaml(..., allow_duplicates=True)\nYAML "
                           "originally registered at: ",
                           indented));
    }
    ks.registered_at[key] = stack;
  }
  for (K8sEntity& e : entities) ks.unresourced.push_back(std::make_shared<K8sEntity>(std::move(e)));
  return Value::none();
}

Result<Value> filterYaml(Thread& thread, const BuiltinCall& call) {
  State& st = stateOf(thread);
  Value yaml = Value::unbound();
  StringMapArg labels;
  std::optional<std::string> name, ns, kind, api_version;
  TRY_VOID(unpackArgs(call, {{"yaml", &yaml},
                             {"labels?", &labels},
                             {"name?", &name},
                             {"namespace?", &ns},
                             {"kind?", &kind},
                             {"api_version?", &api_version}}));
  std::vector<K8sEntity> entities = TRY(entitiesFromValues(st, TRY(valueOrSequence(yaml))));
  ObjectSelector selector = TRY(ObjectSelector::partial(api_version.value_or(""), kind.value_or(""),
                                                        name.value_or(""), ns.value_or("")));
  std::vector<const K8sEntity*> match, rest;
  for (const K8sEntity& e : entities) (selector.matches(e) ? match : rest).push_back(&e);
  if (!labels.values.empty()) {
    std::vector<const K8sEntity*> kept;
    for (const K8sEntity* e : match) {
      (e->matchesMetadataLabels(labels.values) ? kept : rest).push_back(e);
    }
    match = std::move(kept);
  }
  starlark::ValueVector result = {makeBlob(serializeEntities(match)),
                                  makeBlob(serializeEntities(rest))};
  return starlark::make<starlark::Tuple>(std::move(result));
}

Result<Value> k8sResource(Thread& thread, const BuiltinCall& call) {
  State& st = stateOf(thread);
  NameArg workload;
  NameArg new_name;
  Value port_forwards = Value::unbound();
  Value extra_pod_selectors = Value::unbound();
  TriggerModeArg trigger_mode;
  SequenceArg resource_deps;
  SequenceArg objects;
  std::optional<bool> auto_init;
  PodReadinessArg pod_readiness;
  LinksArg links;
  LabelsArg labels;
  DiscoveryStrategyArg discovery_strategy;
  TRY_VOID(unpackArgs(call, {{"workload?", &workload},
                             {"new_name?", &new_name},
                             {"port_forwards?", &port_forwards},
                             {"extra_pod_selectors?", &extra_pod_selectors},
                             {"trigger_mode?", &trigger_mode},
                             {"resource_deps?", &resource_deps},
                             {"objects?", &objects},
                             {"auto_init?", &auto_init},
                             {"pod_readiness?", &pod_readiness},
                             {"links?", &links},
                             {"labels?", &labels},
                             {"discovery_strategy?", &discovery_strategy}}));

  K8sResourceOptions opts;
  opts.workload = workload.value;
  if (workload.value.empty()) {
    // No workload: a new resource made of the objects= it claims.
    opts.workload = new_name.value;
    opts.manually_grouped = true;
  }
  if (opts.workload.empty()) {
    return makeError(
        "Resource name missing. Must give a name for an existing resource or a new_name to "
        "create a new resource.");
  }
  auto pfs = convertPortForwards(port_forwards);
  if (!pfs) {
    return makeError(cat(call.name, " ", goQuoted(opts.workload), ": ", pfs.error().message()));
  }
  opts.port_forwards = std::move(*pfs);
  opts.extra_pod_selectors = TRY(podLabelsFromValue(extra_pod_selectors));
  opts.resource_deps = TRY(sequenceToStrings(resource_deps, "resource_deps"));
  opts.objects = TRY(sequenceToStrings(objects, "objects"));
  if (opts.manually_grouped && opts.objects.empty()) {
    return makeError(
        "k8s_resource doesn't specify a workload or any objects. All non-workload resources must "
        "specify 1 or more objects");
  }
  opts.new_name = new_name.value;
  opts.trigger_mode = trigger_mode.mode;
  opts.auto_init = auto_init;
  opts.position = callerPosition(thread);
  opts.pod_readiness = pod_readiness.value;
  opts.discovery_strategy = discovery_strategy.value;
  opts.links = std::move(links.links);
  opts.labels = std::move(labels.values);
  st.get<K8sState>().resource_options.push_back(std::move(opts));
  return Value::none();
}

// A percent sign must start an escape of two hex digits, as Go's url.Parse requires.
Result<void> checkLinkPath(std::string_view path) {
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] != '%') continue;
    bool ok = i + 2 < path.size() && std::isxdigit(static_cast<unsigned char>(path[i + 1])) &&
              std::isxdigit(static_cast<unsigned char>(path[i + 2]));
    if (!ok) {
      std::string_view bad = path.substr(i, std::min<size_t>(3, path.size() - i));
      return makeError(cat("parsing `path` param: parse ", goQuoted(path), ": invalid URL escape ",
                           goQuoted(bad)));
    }
  }
  return {};
}

Result<Value> portForward(Thread&, const BuiltinCall& call) {
  int local_port = 0;
  std::optional<int> container_port;
  std::string name, link_path, host;
  TRY_VOID(unpackArgs(call, {{"local_port", &local_port},
                             {"container_port?", &container_port},
                             {"name?", &name},
                             {"link_path?", &link_path},
                             {"host?", &host}}));
  TRY_VOID(checkLinkPath(link_path));
  model::PortForward pf;
  pf.local_port = local_port;
  if (container_port && *container_port != 0) pf.container_port = *container_port;
  pf.name = std::move(name);
  pf.link_path = std::move(link_path);
  pf.host = std::move(host);
  return starlark::make<PortForwardValue>(std::move(pf));
}

Result<std::vector<ImageLocator>> locatorsFromPaths(const std::vector<std::string>& paths,
                                                    const ObjectSelector& selector) {
  std::vector<ImageLocator> out;
  for (const std::string& p : paths) {
    ImageLocator l;
    l.selector = selector;
    l.path = TRY(JsonPath::parse(p));
    out.push_back(std::move(l));
  }
  return out;
}

Result<Value> k8sKind(Thread& thread, const BuiltinCall& call) {
  // image_json_path must be given by keyword: k8s_kind("Env", "{.spec.image}") reads badly.
  if (call.args.positional.size() > 1) {
    return makeError(
        cat(call.name, ": got ", call.args.positional.size(), " arguments, want at most 1"));
  }
  std::string kind;
  JsonPathListArg image_json_path;
  std::string api_version;
  ImageObjectArg image_object;
  PodReadinessArg pod_readiness;
  TRY_VOID(unpackArgs(call, {{"kind", &kind},
                             {"image_json_path?", &image_json_path},
                             {"api_version?", &api_version},
                             {"image_object?", &image_object},
                             {"pod_readiness?", &pod_readiness}}));
  ObjectSelector selector = TRY(ObjectSelector::partial(api_version, kind, "", ""));
  if (!image_json_path.paths.empty() && image_object.present) {
    return makeError("Cannot specify both image_json_path and image_object");
  }
  K8sKind info;
  info.selector = selector;
  if (!image_json_path.paths.empty()) {
    info.locators = TRY(locatorsFromPaths(image_json_path.paths, selector));
  } else if (image_object.present) {
    ImageLocator l;
    l.selector = selector;
    l.path = TRY(JsonPath::parse(image_object.json_path));
    l.is_object = true;
    l.repo_field = image_object.repo_field;
    l.tag_field = image_object.tag_field;
    info.locators.push_back(std::move(l));
  }
  info.pod_readiness = pod_readiness.value;
  stateOf(thread).get<K8sState>().kinds.push_back(std::move(info));
  return Value::none();
}

Result<Value> k8sImageJsonPath(Thread& thread, const BuiltinCall& call) {
  JsonPathListArg paths;
  std::string api_version, kind, name, ns;
  TRY_VOID(unpackArgs(call, {{"paths", &paths},
                             {"api_version?", &api_version},
                             {"kind?", &kind},
                             {"name?", &name},
                             {"namespace?", &ns}}));
  if (kind.empty() && name.empty() && ns.empty()) {
    return makeError("at least one of kind, name, or namespace must be specified");
  }
  ObjectSelector selector = TRY(ObjectSelector::partial(api_version, kind, name, ns));
  K8sKind info;
  info.selector = selector;
  info.locators = TRY(locatorsFromPaths(paths.paths, selector));
  stateOf(thread).get<K8sState>().kinds.push_back(std::move(info));
  return Value::none();
}

Result<Value> workloadToResourceFunction(Thread& thread, const BuiltinCall& call) {
  Value fn = Value::unbound();
  TRY_VOID(unpackArgs(call, {{"func", &fn}}));
  const auto* f = fn.tryAs<starlark::eval::Function>();
  if (f == nullptr) {
    return makeError(
        cat(call.name, ": for parameter func: got ", starlark::typeName(fn), ", want function"));
  }
  if (f->code().num_params != 1) {
    return makeError(
        cat(call.name, " arg must take 1 argument. ", f->name(), " takes ", f->code().num_params));
  }
  stateOf(thread).get<K8sState>().workload_to_resource =
      WorkloadToResourceFn{fn, f->name(), f->code().pos.str()};
  return Value::none();
}

// ---- assembly ---------------------------------------------------------------------------------

using EntityPtr = std::shared_ptr<const K8sEntity>;

// A Kubernetes resource while it is assembled (Tilt's k8sResource).
struct Draft {
  std::string name;
  std::vector<EntityPtr> entities;
  std::vector<ImageRef> image_refs;       // distinct by str(), in the order found
  std::set<std::string> required_images;  // str() of the refs that must be built
  std::vector<model::PortForward> port_forwards;
  std::vector<std::map<std::string, std::string>> extra_pod_selectors;
  model::PodReadiness pod_readiness = model::PodReadiness::kDefault;
  std::string discovery_strategy;
  std::optional<model::TriggerMode> trigger_mode;
  bool auto_init = true;
  std::vector<std::string> resource_deps;
  bool manually_grouped = false;
  std::vector<model::Link> links;
  std::set<std::string> labels;
  std::optional<model::K8sTarget::CustomDeploy> custom_deploy;
  std::vector<int> built_images;  // indices into BuildState::images, as matched
};

class Assembler {
 public:
  explicit Assembler(State& st) : st_(st), ks_(st.get<K8sState>()), bs_(st.get<BuildState>()) {}

  Result<void> run() {
    for (const K8sKind& k : ks_.kinds)
      for (const ImageLocator& l : k.locators) locators_.push_back(&l);
    for (size_t i = 0; i < bs_.images.size() && i < bs_.sources.size(); ++i) {
      if (bs_.images[i].match_in_env_vars) {
        env_images_.push_back(RefSelector{bs_.sources[i].ref, bs_.images[i].match_exact});
      }
    }
    TRY_VOID(takeCustomDeploys());
    TRY_VOID(assembleByWorkload());
    assembleUnresourced();
    TRY_VOID(applyOptions());
    for (auto& d : drafts_) TRY_VOID(validate(*d));
    for (auto& d : drafts_) st_.project.resources.push_back(translate(*d));
    if (!ks_.unresourced.empty()) st_.project.resources.push_back(uncategorized());
    return {};
  }

 private:
  // Tilt's checkResourceConflict.
  Result<void> checkConflict(const std::string& name) {
    if (by_name_.contains(name))
      return makeError(cat("k8s_resource named ", goQuoted(name), " already exists"));
    if (hasLocalResource(st_, name)) {
      return makeError(cat("local_resource named ", goQuoted(name), " already exists"));
    }
    if (hasComposeService(st_, name)) {
      return makeError(cat("dc_resource named ", goQuoted(name), " already exists"));
    }
    return {};
  }

  Result<Draft*> makeDraft(const std::string& name) {
    TRY_VOID(checkConflict(name));
    return addDraft(name);
  }

  Draft* addDraft(const std::string& name) {
    drafts_.push_back(std::make_unique<Draft>());
    Draft* d = drafts_.back().get();
    d->name = name;
    by_name_[name] = d;
    return d;
  }

  static void addImageDep(Draft& d, const ImageRef& ref, bool required) {
    std::string key = ref.str();
    bool seen = std::any_of(d.image_refs.begin(), d.image_refs.end(),
                            [&](const ImageRef& r) { return r.str() == key; });
    if (!seen) d.image_refs.push_back(ref);
    if (required) d.required_images.insert(key);
  }

  Result<void> addEntities(Draft& d, const std::vector<EntityPtr>& entities) {
    for (const EntityPtr& e : entities) {
      d.entities.push_back(e);
      auto images = findImages(*e, locators_, env_images_);
      if (!images) {
        return makeError(
            cat("finding image in ", e->kind(), "/", e->name(), ": ", images.error().message()));
      }
      for (const ImageRef& ref : *images) addImageDep(d, ref, false);
    }
    return {};
  }

  // Tilt's findBuilderForConsumedImage: the first image build `ref` selects, or -1.
  int findBuilder(const ImageRef& ref) {
    std::string familiar = ref.familiarName();
    if (std::find(ks_.consumed_image_names.begin(), ks_.consumed_image_names.end(), familiar) ==
        ks_.consumed_image_names.end()) {
      ks_.consumed_image_names.push_back(familiar);
    }
    for (size_t i = 0; i < bs_.images.size() && i < bs_.sources.size(); ++i) {
      const ImageRef& mine = bs_.sources[i].ref;
      bool match = bs_.images[i].match_exact ? mine.str() == ref.str() : mine.name() == ref.name();
      if (!match) continue;
      const std::string& r = bs_.images[i].ref;
      if (std::find(ks_.matched_image_refs.begin(), ks_.matched_image_refs.end(), r) ==
          ks_.matched_image_refs.end()) {
        ks_.matched_image_refs.push_back(r);
      }
      return static_cast<int>(i);
    }
    return -1;
  }

  // k8s_custom_deploy() resources exist from the call on in Tilt, ahead of every workload; this
  // takes them over from k8s_tools so that k8s_resource() can configure them.
  Result<void> takeCustomDeploys() {
    auto& ts = st_.get<K8sToolsState>();
    for (const CustomDeployDecl& decl : ts.custom_deploys) {
      if (by_name_.contains(decl.name)) {
        return makeError(cat("k8s_resource named ", goQuoted(decl.name), " already exists"));
      }
      Draft* d = addDraft(decl.name);
      d->custom_deploy = decl.deploy;
      for (const ImageRef& dep : decl.image_deps) addImageDep(*d, dep, true);
      if (decl.live_update_image) {
        if (auto ref = parseImageRef(*decl.live_update_image)) addImageDep(*d, *ref, false);
      }
    }
    ts.custom_deploys.clear();
    return {};
  }

  Result<bool> isWorkload(const K8sEntity& e) {
    for (const K8sKind& k : ks_.kinds)
      if (k.selector.matches(e)) return true;
    auto images = findImages(e, locators_, env_images_);
    if (!images) {
      return makeError(cat("finding images in ", e.name(), ": ", images.error().message()));
    }
    return !images->empty();
  }

  // The Services (in `entities`) whose selectors match a pod template of `workload` (in its
  // namespace, or with no namespace of their own); `entities` keeps the rest.
  static std::vector<EntityPtr> takeMatchingServices(const K8sEntity& workload,
                                                     std::vector<EntityPtr>& entities) {
    std::vector<EntityPtr> match;
    std::string ns = workload.namespaceOrDefault();
    for (const auto& labels : workload.podTemplateLabels()) {
      std::vector<EntityPtr> rest;
      for (EntityPtr& e : entities) {
        bool ok = e->selectorMatchesLabels(labels) &&
                  (e->namespaceOrDefault() == "default" || e->namespaceOrDefault() == ns);
        (ok ? match : rest).push_back(std::move(e));
      }
      entities = std::move(rest);
    }
    return match;
  }

  Result<std::vector<std::string>> resourceNames(const std::vector<EntityPtr>& workloads) {
    if (!ks_.workload_to_resource) {
      std::vector<const K8sEntity*> es;
      for (const EntityPtr& e : workloads) es.push_back(e.get());
      return uniqueNames(es, 1);
    }
    const WorkloadToResourceFn& wtrf = *ks_.workload_to_resource;
    auto names = namesFromFunction(wtrf, workloads);
    if (!names) {
      return makeError(cat(wtrf.position, ": error applying workload_to_resource_function: ",
                           names.error().message()));
    }
    return names;
  }

  Result<std::vector<std::string>> namesFromFunction(const WorkloadToResourceFn& wtrf,
                                                     const std::vector<EntityPtr>& workloads) {
    // A fresh thread, as Tilt's, that still reaches this execution's state so that the function
    // may call builtins.
    Thread thread;
    thread.setLocal("tiltfile", std::shared_ptr<void>(&st_, [](void*) {}));
    State* st = &st_;
    thread.setPrint([st](Thread&, std::string_view msg) { st->log(msg); });
    std::map<std::string, const K8sEntity*> taken;
    std::vector<std::string> out;
    for (const EntityPtr& e : workloads) {
      Value id = starlark::make<K8sObjectIdValue>(*e);
      std::string id_str = objectId(*e);
      Value args[1] = {id};
      auto result = starlark::call(thread, wtrf.fn, starlark::CallArgs{args, {}});
      if (!result) {
        return makeError(
            cat("error determining resource name for '", id_str, "': ", result.error().message()));
      }
      if (!result->isString()) {
        return makeError(cat("error determining resource name for '", id_str, "': ", wtrf.name,
                             ": invalid return value. wanted: string. got: ", goTypeName(*result)));
      }
      std::string name(result->str());
      if (auto it = taken.find(name); it != taken.end()) {
        return makeError(cat("both '", id_str, "' and '", objectId(*it->second),
                             "' mapped to resource name '", name, "'"));
      }
      taken[name] = e.get();
      out.push_back(std::move(name));
    }
    return out;
  }

  // Objects that use an image, or match a k8s_kind(), become resources named after them.
  Result<void> assembleByWorkload() {
    std::vector<EntityPtr> workloads, rest;
    for (EntityPtr& e : ks_.unresourced) {
      (TRY(isWorkload(*e)) ? workloads : rest).push_back(std::move(e));
    }
    ks_.unresourced = std::move(rest);
    std::vector<std::string> names = TRY(resourceNames(workloads));
    for (size_t i = 0; i < workloads.size(); ++i) {
      const EntityPtr& w = workloads[i];
      auto d = makeDraft(names[i]);
      if (!d) {
        return makeError(
            cat("error making resource for workload ", objectId(*w), ": ", d.error().message()));
      }
      TRY_VOID(addEntities(**d, {w}));
      std::vector<EntityPtr> services = takeMatchingServices(*w, ks_.unresourced);
      TRY_VOID(addEntities(**d, services));
    }
    return {};
  }

  // Objects with a pod template but no image join (or make) the resource of their name.
  void assembleUnresourced() {
    std::vector<EntityPtr> with_pods, rest;
    for (EntityPtr& e : ks_.unresourced) {
      (e->hasPodTemplateSpec() ? with_pods : rest).push_back(std::move(e));
    }
    for (const EntityPtr& e : with_pods) {
      Draft* target = nullptr;
      if (auto it = by_name_.find(e->name()); it != by_name_.end()) {
        target = it->second;
      } else {
        auto d = makeDraft(e->name());
        if (!d) {
          pending_error_ = d.error();
          break;
        }
        target = *d;
      }
      target->entities.push_back(e);
      std::vector<EntityPtr> services = takeMatchingServices(*e, rest);
      target->entities.insert(target->entities.end(), services.begin(), services.end());
    }
    ks_.unresourced = std::move(rest);
  }

  Result<void> applyOptions() {
    if (pending_error_) return std::unexpected(*pending_error_);

    // Fragments are looked up among all objects as they were before any k8s_resource().
    std::vector<const K8sEntity*> all;
    for (const auto& d : drafts_)
      for (const EntityPtr& e : d->entities) all.push_back(e.get());
    for (const EntityPtr& e : ks_.unresourced) all.push_back(e.get());
    std::map<std::string, std::vector<const K8sEntity*>> fragments;
    std::vector<std::string> full_names;
    for (const K8sEntity* e : all) {
      for (const std::string& n : potentialNames(*e, 1)) fragments[n].push_back(e);
      full_names.push_back(fullName(*e));
    }

    for (const K8sResourceOptions& opts : ks_.resource_options) {
      if (opts.manually_grouped) {
        Draft* d = TRY(makeDraft(opts.new_name));
        d->manually_grouped = true;
      }
      auto it = by_name_.find(opts.workload);
      if (it == by_name_.end()) {
        std::string known;
        for (const auto& d : drafts_) known += (known.empty() ? "" : ", ") + d->name;
        return makeError(cat(opts.position, ": k8s_resource specified unknown resource ",
                             goQuoted(opts.workload), ". known k8s resources: ", known));
      }
      Draft& r = *it->second;
      r.extra_pod_selectors.insert(r.extra_pod_selectors.end(), opts.extra_pod_selectors.begin(),
                                   opts.extra_pod_selectors.end());
      if (opts.pod_readiness != model::PodReadiness::kDefault) r.pod_readiness = opts.pod_readiness;
      if (!opts.discovery_strategy.empty()) r.discovery_strategy = opts.discovery_strategy;
      r.port_forwards.insert(r.port_forwards.end(), opts.port_forwards.begin(),
                             opts.port_forwards.end());
      if (opts.trigger_mode) r.trigger_mode = opts.trigger_mode;
      if (opts.auto_init) r.auto_init = *opts.auto_init;
      r.resource_deps.insert(r.resource_deps.end(), opts.resource_deps.begin(),
                             opts.resource_deps.end());
      r.links.insert(r.links.end(), opts.links.begin(), opts.links.end());
      r.labels.insert(opts.labels.begin(), opts.labels.end());
      if (!opts.new_name.empty() && opts.new_name != r.name) {
        if (auto c = checkConflict(opts.new_name); !c) {
          return makeError(cat(opts.position, ": k8s_resource specified to rename ",
                               goQuoted(r.name), " to ", goQuoted(opts.new_name), ": ",
                               c.error().message()));
        }
        by_name_.erase(r.name);
        r.name = opts.new_name;
        by_name_[r.name] = &r;
      }

      std::vector<ObjectSelector> selectors;
      for (const std::string& o : opts.objects) {
        auto sel = selectorFromString(o);
        if (!sel) {
          return makeError(
              cat("Error making selector from string ", goQuoted(o), ": ", sel.error().message()));
        }
        selectors.push_back(std::move(*sel));
      }
      for (size_t i = 0; i < opts.objects.size(); ++i) {
        const std::string& o = opts.objects[i];
        auto f = fragments.find(lower(o));
        if (f == fragments.end() || f->second.empty()) {
          return makeError(cat("No object identified by the fragment ", goQuoted(o),
                               " could be found. Possible objects are: ", quotedList(full_names)));
        }
        if (f->second.size() > 1) {
          std::vector<std::string> matching;
          for (const K8sEntity* e : f->second) matching.push_back(fullName(*e));
          return makeError(cat(goQuoted(o), " is not a unique fragment. Objects that match ",
                               goQuoted(o), " are ", quotedList(matching)));
        }
        std::vector<size_t> hits;
        for (size_t j = 0; j < ks_.unresourced.size(); ++j) {
          if (selectors[i].matches(*ks_.unresourced[j])) hits.push_back(j);
        }
        if (hits.empty()) {
          std::vector<std::string> remaining;
          for (const EntityPtr& e : ks_.unresourced) remaining.push_back(fullName(*e));
          return makeError(cat("No object identified by the fragment ", goQuoted(o),
                               " could be found in remaining YAML. Valid remaining fragments "
                               "are: ",
                               quotedList(remaining)));
        }
        if (hits.size() > 1) {
          return makeError(
              cat("internal error: fragment ", goQuoted(o), " matches ", hits.size(), " objects"));
        }
        r.entities.push_back(ks_.unresourced[hits[0]]);
        ks_.unresourced.erase(ks_.unresourced.begin() + static_cast<ptrdiff_t>(hits[0]));
      }
    }
    return {};
  }

  // Tilt's validateK8s: every resource has something to deploy, and every image it requires is
  // built.
  Result<void> validate(Draft& d) {
    if (d.entities.empty() && !d.custom_deploy) {
      return makeError(cat("resource ", goQuoted(d.name),
                           ": could not associate any k8s_yaml() or k8s_custom_deploy() with this "
                           "resource"));
    }
    for (const ImageRef& ref : d.image_refs) {
      int builder = findBuilder(ref);
      if (builder >= 0) {
        d.built_images.push_back(builder);
      } else if (d.required_images.contains(ref.str())) {
        return makeError(cat("resource ", goQuoted(d.name), ": image build ",
                             goQuoted(ref.familiarString()), " not found"));
      }
    }
    return {};
  }

  // Tilt's inferPodReadinessMode.
  model::PodReadiness inferPodReadiness(const Draft& d) const {
    if (d.pod_readiness != model::PodReadiness::kDefault) return d.pod_readiness;
    std::set<model::PodReadiness> modes;
    for (const EntityPtr& e : d.entities) {
      for (const K8sKind& k : ks_.kinds)
        if (k.selector.matches(*e)) modes.insert(k.pod_readiness);
    }
    for (model::PodReadiness m : {model::PodReadiness::kWait, model::PodReadiness::kIgnore,
                                  model::PodReadiness::kSucceeded}) {
      if (modes.contains(m)) return m;
    }
    if (d.manually_grouped && d.extra_pod_selectors.empty() && d.built_images.empty()) {
      return model::PodReadiness::kIgnore;
    }
    return model::PodReadiness::kWait;
  }

  model::K8sTarget target(const std::vector<EntityPtr>& entities) const {
    model::K8sTarget t;
    std::vector<const K8sEntity*> sorted;
    for (const EntityPtr& e : entities) sorted.push_back(e.get());
    std::stable_sort(sorted.begin(), sorted.end(), [](const K8sEntity* a, const K8sEntity* b) {
      return kindOrder(a->kind()) < kindOrder(b->kind());
    });
    for (const K8sEntity* e : sorted) t.objects.push_back(e->toModel());
    for (const ImageLocator* l : locators_) {
      bool used = std::any_of(sorted.begin(), sorted.end(),
                              [&](const K8sEntity* e) { return l->selector.matches(*e); });
      if (used) t.image_locators.push_back(l->toModel());
    }
    return t;
  }

  model::Resource translate(const Draft& d) const {
    model::Resource r;
    r.name = d.name;
    r.type = model::ResourceType::kK8s;
    r.labels.assign(d.labels.begin(), d.labels.end());
    r.resource_deps = d.resource_deps;
    r.trigger_mode = d.trigger_mode.value_or(st_.project.settings.default_trigger_mode);
    r.auto_init = d.auto_init;
    r.links = d.links;
    for (int i : d.built_images) {
      const std::string& ref = bs_.images[static_cast<size_t>(i)].ref;
      if (std::find(r.image_refs.begin(), r.image_refs.end(), ref) == r.image_refs.end()) {
        r.image_refs.push_back(ref);
      }
    }
    model::K8sTarget t = target(d.entities);
    t.port_forwards = d.port_forwards;
    t.extra_pod_selectors = d.extra_pod_selectors;
    t.pod_readiness = inferPodReadiness(d);
    t.discovery_strategy = d.discovery_strategy;
    t.custom_deploy = d.custom_deploy;
    r.k8s = std::move(t);
    return r;
  }

  model::Resource uncategorized() const {
    model::Resource r;
    r.name = "uncategorized";
    r.type = model::ResourceType::kK8s;
    model::K8sTarget t = target(ks_.unresourced);
    t.pod_readiness = model::PodReadiness::kIgnore;
    r.k8s = std::move(t);
    return r;
  }

  State& st_;
  K8sState& ks_;
  const BuildState& bs_;
  std::vector<const ImageLocator*> locators_;
  std::vector<RefSelector> env_images_;
  std::vector<std::unique_ptr<Draft>> drafts_;  // in Tilt's order
  std::map<std::string, Draft*> by_name_;
  std::optional<starlark::Error> pending_error_;
};

}  // namespace

K8sState::K8sState() {
  K8sKind job;
  job.selector = *ObjectSelector::partial("batch/v1", "Job", "", "");
  job.pod_readiness = model::PodReadiness::kSucceeded;
  kinds.push_back(std::move(job));
  K8sKind cron;
  cron.selector = *ObjectSelector::partial("batch/v1", "CronJob", "", "");
  cron.pod_readiness = model::PodReadiness::kIgnore;
  kinds.push_back(std::move(cron));
}

void addK8sBuiltins(starlark::StringDict& d) {
  addBuiltin(d, "k8s_yaml", k8sYaml);
  addBuiltin(d, "filter_yaml", filterYaml);
  addBuiltin(d, "k8s_resource", k8sResource);
  addBuiltin(d, "port_forward", portForward);
  addBuiltin(d, "k8s_kind", k8sKind);
  addBuiltin(d, "k8s_image_json_path", k8sImageJsonPath);
  addBuiltin(d, "workload_to_resource_function", workloadToResourceFunction);
}

Result<void> assembleK8s(State& st) { return Assembler(st).run(); }

}  // namespace slant::tiltfile
