// The v1alpha1 module, as Tilt's generated internal/tiltfile/v1alpha1/types.go.
//
// Tilt generates one Go function per API type. Here one table describes every type (its fields:
// the Starlark name, the Kubernetes JSON name, the kind of value, whether Go's `omitempty`
// drops it) and two generic builtins interpret it:
//
//   - A helper (v1alpha1.ui_component_location(component_id=..., ...)) puts the arguments it
//     was given into a dict, validates the dict as the type, and returns it frozen. Tilt returns
//     a dict subtype; a plain dict behaves the same everywhere a Tiltfile can tell, except that
//     path fields hold absolute paths (resolved where the helper was called, as in Tilt).
//   - An object constructor (v1alpha1.ui_button(name, labels, annotations, ...)) converts each
//     argument, where a nested type may be given as a helper's dict or any dict with the same
//     keys, runs the type's validation (Tilt's Validate methods), and registers the object.
//
// Converted values are JSON trees in the shape Go's encoding/json gives the API types: fields in
// struct order, `omitempty` fields dropped when empty, absent pointers omitted, nil lists null.
// The error messages are those of the generated code ("Unexpected attribute name: foo",
// "unpacking patterns: value should be a List or Tuple of strings, ...") and of the Kubernetes
// field validation ("spec.text: Required value: Button text cannot be empty").
#include "tiltfile/v1alpha1.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>

#include "starlark/lib/json.h"
#include "starlark/lib/struct.h"
#include "starlark/lib/util.h"
#include "tiltfile/builtins.h"
#include "tiltfile/settings.h"
#include "tiltfile/values.h"
#include "tiltfile/yaml.h"

namespace slant::tiltfile {

namespace {

using starlark::Dict;
using starlark::List;
using starlark::makeError;
using starlark::makeString;
using starlark::ObjType;
using starlark::typeName;
using starlark::lib::cat;

std::string quote(std::string_view s) {
  std::string out;
  starlark::writeQuoted(out, s);
  return out;
}

// ---- Go durations (Duration.String; parseGoDuration is in settings.h) ------------------------

// Prepends the last `prec` digits of v as a fraction, dropping trailing zeros (and the point
// when all are zero); returns v without them.
uint64_t prependFraction(std::string& out, uint64_t v, int prec) {
  bool print = false;
  for (int i = 0; i < prec; ++i) {
    uint64_t digit = v % 10;
    print = print || digit != 0;
    if (print) out.insert(out.begin(), static_cast<char>('0' + digit));
    v /= 10;
  }
  if (print) out.insert(out.begin(), '.');
  return v;
}

std::string formatGoDuration(int64_t d) {
  bool neg = d < 0;
  uint64_t u = neg ? uint64_t{0} - static_cast<uint64_t>(d) : static_cast<uint64_t>(d);
  std::string out;
  if (u < 1000000000) {
    // Under a second: the largest unit that fits, with a fraction ("1.5ms").
    int prec = 0;
    if (u == 0) return "0s";
    if (u < 1000) {
      out = "ns";
    } else if (u < 1000000) {
      prec = 3;
      out = "\u00b5s";
    } else {
      prec = 6;
      out = "ms";
    }
    u = prependFraction(out, u, prec);
    out.insert(0, std::to_string(u));
  } else {
    out = "s";
    u = prependFraction(out, u, 9);
    out.insert(0, std::to_string(u % 60));
    u /= 60;
    if (u > 0) {
      out.insert(0, std::to_string(u % 60) + "m");
      u /= 60;
      if (u > 0) out.insert(0, std::to_string(u) + "h");
    }
  }
  if (neg) out.insert(out.begin(), '-');
  return out;
}

// ---- the type tables -------------------------------------------------------------------------

enum class FieldKind : uint8_t {
  kString,
  kBool,
  kInt32,
  kStringList,  // value.StringList: a list or tuple of strings
  kStringMap,   // value.StringStringMap: a dict of strings
  kPath,        // value.LocalPath: a path made absolute
  kPathList,    // value.LocalPathList: a path or a list of paths
  kDuration,    // value.Duration: a Go duration string
  kSpec,        // a nested type, from a dict
  kSpecList,    // a list of a nested type
};

// Whether Go's encoding/json writes a field that holds its zero value.
enum class Omit : uint8_t { kNever, kEmpty };

struct SpecType;

struct Field {
  std::string_view param;  // the Starlark name (argument or dict key)
  std::string_view json;   // the Kubernetes JSON name
  FieldKind kind;
  Omit omit = Omit::kEmpty;
  const SpecType* spec = nullptr;  // kSpec, kSpecList
  // A Go pointer (*T): written exactly when given. Otherwise an absent field is written as its
  // zero value (subject to omit).
  bool pointer = false;
  // cmd's dir: the directory of the calling Tiltfile when not given.
  bool defaults_to_here = false;
};

// A nested API type and its helper builtin.
struct SpecType {
  std::string_view helper;  // v1alpha1.<helper>
  std::span<const Field> fields;
  // The helper's parameters when they are not the fields' names (Tilt's generator lists some
  // that the type's dict does not accept; see probe, start_on_spec).
  std::span<const std::string_view> helper_params = {};
};

constexpr Field str(std::string_view p, std::string_view j, Omit o = Omit::kEmpty) {
  return {p, j, FieldKind::kString, o};
}
constexpr Field optStr(std::string_view p, std::string_view j) {
  return {p, j, FieldKind::kString, Omit::kEmpty, nullptr, true};
}
constexpr Field boolean(std::string_view p, std::string_view j) {
  return {p, j, FieldKind::kBool, Omit::kEmpty};
}
constexpr Field int32(std::string_view p, std::string_view j, Omit o = Omit::kEmpty) {
  return {p, j, FieldKind::kInt32, o};
}
constexpr Field strList(std::string_view p, std::string_view j, Omit o = Omit::kEmpty) {
  return {p, j, FieldKind::kStringList, o};
}
constexpr Field strMap(std::string_view p, std::string_view j) {
  return {p, j, FieldKind::kStringMap, Omit::kEmpty};
}
constexpr Field path(std::string_view p, std::string_view j, Omit o = Omit::kEmpty) {
  return {p, j, FieldKind::kPath, o};
}
constexpr Field pathList(std::string_view p, std::string_view j, Omit o) {
  return {p, j, FieldKind::kPathList, o};
}
constexpr Field duration(std::string_view p, std::string_view j) {
  return {p, j, FieldKind::kDuration, Omit::kNever};
}
constexpr Field ptr(std::string_view p, std::string_view j, const SpecType& t) {
  return {p, j, FieldKind::kSpec, Omit::kEmpty, &t, true};
}
constexpr Field member(std::string_view p, std::string_view j, const SpecType& t) {
  return {p, j, FieldKind::kSpec, Omit::kNever, &t};
}
constexpr Field list(std::string_view p, std::string_view j, const SpecType& t,
                     Omit o = Omit::kEmpty) {
  return {p, j, FieldKind::kSpecList, o, &t};
}

// Leaves first, so that every table refers only to tables above it.

const Field kConfigMapDisableSourceFields[] = {str("name", "name", Omit::kNever),
                                               str("key", "key", Omit::kNever)};
const SpecType kConfigMapDisableSource{"config_map_disable_source", kConfigMapDisableSourceFields};

const Field kDisableSourceFields[] = {
    ptr("config_map", "configMap", kConfigMapDisableSource),
    list("every_config_map", "everyConfigMap", kConfigMapDisableSource)};
const SpecType kDisableSource{"disable_source", kDisableSourceFields};

const Field kExecActionFields[] = {strList("command", "command")};
const SpecType kExecAction{"exec_action", kExecActionFields};

const Field kHTTPHeaderFields[] = {str("name", "name", Omit::kNever),
                                   str("value", "value", Omit::kNever)};
const SpecType kHTTPHeader{"http_header", kHTTPHeaderFields};

const Field kHTTPGetActionFields[] = {str("path", "path"), int32("port", "port", Omit::kNever),
                                      str("host", "host"), str("scheme", "scheme"),
                                      list("http_headers", "httpHeaders", kHTTPHeader)};
const SpecType kHTTPGetAction{"http_get_action", kHTTPGetActionFields};

const Field kTCPSocketActionFields[] = {int32("port", "port", Omit::kNever), str("host", "host")};
const SpecType kTCPSocketAction{"tcp_socket_action", kTCPSocketActionFields};

const Field kHandlerFields[] = {ptr("exec", "exec", kExecAction),
                                ptr("http_get", "httpGet", kHTTPGetAction),
                                ptr("tcp_socket", "tcpSocket", kTCPSocketAction)};
const SpecType kHandler{"handler", kHandlerFields};

// Probe embeds Handler, so its dict takes exec/http_get/tcp_socket, while the helper takes
// handler= (see specHelper).
const Field kProbeFields[] = {ptr("exec", "exec", kExecAction),
                              ptr("http_get", "httpGet", kHTTPGetAction),
                              ptr("tcp_socket", "tcpSocket", kTCPSocketAction),
                              int32("initial_delay_seconds", "initialDelaySeconds"),
                              int32("timeout_seconds", "timeoutSeconds"),
                              int32("period_seconds", "periodSeconds"),
                              int32("success_threshold", "successThreshold"),
                              int32("failure_threshold", "failureThreshold")};
const std::string_view kProbeParams[] = {"handler",           "initial_delay_seconds",
                                         "timeout_seconds",   "period_seconds",
                                         "success_threshold", "failure_threshold"};
const SpecType kProbe{"probe", kProbeFields, kProbeParams};

const Field kRestartOnSpecFields[] = {strList("file_watches", "fileWatches"),
                                      strList("ui_buttons", "uiButtons")};
const SpecType kRestartOnSpec{"restart_on_spec", kRestartOnSpecFields};

// start_after is a helper parameter that the type's dict rejects, as in Tilt.
const Field kStartOnSpecFields[] = {strList("ui_buttons", "uiButtons", Omit::kNever)};
const std::string_view kStartOnSpecParams[] = {"start_after", "ui_buttons"};
const SpecType kStartOnSpec{"start_on_spec", kStartOnSpecFields, kStartOnSpecParams};

const Field kIgnoreDefFields[] = {path("base_path", "basePath", Omit::kNever),
                                  strList("patterns", "patterns")};
const SpecType kIgnoreDef{"ignore_def", kIgnoreDefFields};

const Field kKubernetesApplyCmdFields[] = {strList("args", "args", Omit::kNever),
                                           path("dir", "dir", Omit::kNever),
                                           strList("env", "env", Omit::kNever)};
const SpecType kKubernetesApplyCmd{"kubernetes_apply_cmd", kKubernetesApplyCmdFields};

const Field kLabelSelectorRequirementFields[] = {str("key", "key", Omit::kNever),
                                                 str("operator", "operator", Omit::kNever),
                                                 strList("values", "values")};
const SpecType kLabelSelectorRequirement{"label_selector_requirement",
                                         kLabelSelectorRequirementFields};

const Field kLabelSelectorFields[] = {
    strMap("match_labels", "matchLabels"),
    list("match_expressions", "matchExpressions", kLabelSelectorRequirement)};
const SpecType kLabelSelector{"label_selector", kLabelSelectorFields};

const Field kKubernetesDiscoveryTemplateSpecFields[] = {
    list("extra_selectors", "extraSelectors", kLabelSelector)};
const SpecType kKubernetesDiscoveryTemplateSpec{"kubernetes_discovery_template_spec",
                                                kKubernetesDiscoveryTemplateSpecFields};

const Field kObjectSelectorFields[] = {
    str("api_version_regexp", "apiVersionRegexp"), str("kind_regexp", "kindRegexp"),
    str("name_regexp", "nameRegexp"), str("namespace_regexp", "namespaceRegexp")};
const SpecType kObjectSelector{"object_selector", kObjectSelectorFields};

const Field kKubernetesImageObjectDescriptorFields[] = {
    str("repo_field", "repoField", Omit::kNever), str("tag_field", "tagField", Omit::kNever)};
const SpecType kKubernetesImageObjectDescriptor{"kubernetes_image_object_descriptor",
                                                kKubernetesImageObjectDescriptorFields};

const Field kKubernetesImageLocatorFields[] = {
    member("object_selector", "objectSelector", kObjectSelector), str("path", "path", Omit::kNever),
    ptr("object", "object", kKubernetesImageObjectDescriptor)};
const SpecType kKubernetesImageLocator{"kubernetes_image_locator", kKubernetesImageLocatorFields};

const Field kKubernetesWatchRefFields[] = {
    str("uid", "uid"), str("namespace", "namespace", Omit::kNever), str("name", "name")};
const SpecType kKubernetesWatchRef{"kubernetes_watch_ref", kKubernetesWatchRefFields};

const Field kForwardFields[] = {
    int32("local_port", "localPort"), int32("container_port", "containerPort", Omit::kNever),
    str("host", "host", Omit::kNever), str("name", "name"), str("path", "path")};
const SpecType kForward{"forward", kForwardFields};

const Field kPortForwardTemplateSpecFields[] = {
    list("forwards", "forwards", kForward, Omit::kNever)};
const SpecType kPortForwardTemplateSpec{"port_forward_template_spec",
                                        kPortForwardTemplateSpecFields};

// since_time is a helper parameter that the type's dict rejects, as in Tilt.
const Field kPodLogStreamTemplateSpecFields[] = {strList("only_containers", "onlyContainers"),
                                                 strList("ignore_containers", "ignoreContainers")};
const std::string_view kPodLogStreamTemplateSpecParams[] = {"since_time", "only_containers",
                                                            "ignore_containers"};
const SpecType kPodLogStreamTemplateSpec{"pod_log_stream_template_spec",
                                         kPodLogStreamTemplateSpecFields,
                                         kPodLogStreamTemplateSpecParams};

const Field kUITextInputSpecFields[] = {str("default_value", "defaultValue"),
                                        str("placeholder", "placeholder")};
const SpecType kUITextInputSpec{"ui_text_input_spec", kUITextInputSpecFields};

const Field kUIBoolInputSpecFields[] = {boolean("default_value", "defaultValue"),
                                        optStr("true_string", "trueString"),
                                        optStr("false_string", "falseString")};
const SpecType kUIBoolInputSpec{"ui_bool_input_spec", kUIBoolInputSpecFields};

const Field kUIChoiceInputSpecFields[] = {strList("choices", "choices", Omit::kNever)};
const SpecType kUIChoiceInputSpec{"ui_choice_input_spec", kUIChoiceInputSpecFields};

const Field kUIHiddenInputSpecFields[] = {str("value", "value", Omit::kNever)};
const SpecType kUIHiddenInputSpec{"ui_hidden_input_spec", kUIHiddenInputSpecFields};

const Field kUIComponentLocationFields[] = {str("component_id", "componentID", Omit::kNever),
                                            str("component_type", "componentType", Omit::kNever)};
const SpecType kUIComponentLocation{"ui_component_location", kUIComponentLocationFields};

const Field kUIInputSpecFields[] = {
    str("name", "name", Omit::kNever),           str("label", "label", Omit::kNever),
    ptr("text", "text", kUITextInputSpec),       ptr("bool", "bool", kUIBoolInputSpec),
    ptr("hidden", "hidden", kUIHiddenInputSpec), ptr("choice", "choice", kUIChoiceInputSpec)};
const SpecType kUIInputSpec{"ui_input_spec", kUIInputSpecFields};

// Every helper, in Tilt's registration order.
const SpecType* const kHelpers[] = {&kConfigMapDisableSource,
                                    &kDisableSource,
                                    &kExecAction,
                                    &kForward,
                                    &kHTTPGetAction,
                                    &kHTTPHeader,
                                    &kHandler,
                                    &kIgnoreDef,
                                    &kKubernetesApplyCmd,
                                    &kKubernetesDiscoveryTemplateSpec,
                                    &kKubernetesImageLocator,
                                    &kKubernetesImageObjectDescriptor,
                                    &kKubernetesWatchRef,
                                    &kLabelSelector,
                                    &kLabelSelectorRequirement,
                                    &kObjectSelector,
                                    &kPodLogStreamTemplateSpec,
                                    &kPortForwardTemplateSpec,
                                    &kProbe,
                                    &kRestartOnSpec,
                                    &kStartOnSpec,
                                    &kTCPSocketAction,
                                    &kUIBoolInputSpec,
                                    &kUIChoiceInputSpec,
                                    &kUIComponentLocation,
                                    &kUIHiddenInputSpec,
                                    &kUIInputSpec,
                                    &kUITextInputSpec};

// ---- converting values -----------------------------------------------------------------------

// Where a value is converted: an argument of a constructor (go.starlark.net's UnpackArgs
// messages) or an entry of a type's dict (the generated Unpack methods' messages).
enum class Ctx { kParam, kDict };

Result<Json> convertSpec(State& st, const SpecType& type, const Value& v);

Result<Json> convertStringList(const Value& v) {
  if (v.isNone()) return Json();
  if (!v.is(ObjType::kList) && !v.is(ObjType::kTuple)) {
    return makeError(
        cat("value should be a List or Tuple of strings, but is of type ", typeName(v)));
  }
  Json out;  // null when empty, as Go's nil slice
  TRY_VOID(starlark::lib::forEach(v, [&](const Value& item) -> Result<void> {
    auto s = stringOrBlob(item);
    if (!s) {
      return makeError(cat("value should contain only strings, but element ",
                           quote(starlark::repr(item)), " was of type ", typeName(item)));
    }
    out.push_back(std::string(*s));
    return {};
  }));
  return out;
}

Result<Json> convertStringMap(const Value& v) {
  std::map<std::string, std::string> m;  // Go writes a map's keys sorted
  if (!v.isNone()) {
    const Dict* d = v.tryAs<Dict>();
    if (d == nullptr) return makeError(cat("expected dict, got ", goTypeName(v)));
    for (const auto* e : d->table.entries()) {
      auto k = stringOrBlob(e->key);
      if (!k) {
        return makeError(
            cat("key is not a string: ", goTypeName(e->key), " (", starlark::repr(e->key), ")"));
      }
      auto val = stringOrBlob(e->value);
      if (!val) {
        return makeError(cat("value is not a string: ", goTypeName(e->value), " (",
                             starlark::repr(e->value), ")"));
      }
      m[std::string(*k)] = std::string(*val);
    }
  }
  Json out = Json::object();
  for (auto& [k, val] : m) out[k] = val;
  return out;
}

Result<std::string> convertPath(State& st, const Value& v) {
  if (!v.isString()) {
    return makeError(cat("expected path | string. Actual type: ", goTypeName(v)));
  }
  return st.absPath(v.str());
}

Result<Json> convertPathList(State& st, const Value& v) {
  if (stringOrBlob(v)) return Json::array({TRY(convertPath(st, v))});
  if (v.isNone()) return Json();
  if (!v.is(ObjType::kList) && !v.is(ObjType::kTuple)) {
    return makeError(
        cat("value should be a string or List or Tuple of strings, but is of type ", typeName(v)));
  }
  Json out = Json::array();
  TRY_VOID(starlark::lib::forEach(v, [&](const Value& item) -> Result<void> {
    auto p = convertPath(st, item);
    if (!p) {
      return makeError(cat("unpacking list item at index ", out.size(), ": ", p.error().message()));
    }
    out.push_back(*p);
    return {};
  }));
  return out;
}

Result<Json> convertSpecList(State& st, const SpecType& type, const Value& v) {
  List* l = v.tryAs<List>();
  if (l == nullptr) return makeError(cat("expected list, actual: ", typeName(v)));
  Json out = Json::array();
  for (size_t i = 0; i < l->elems().size(); ++i) {
    auto item = convertSpec(st, type, l->elems()[i]);
    if (!item) return makeError(cat("at index ", i, ": ", item.error().message()));
    out.push_back(std::move(*item));
  }
  starlark::freeze(v);  // as Tilt's generated code does
  return out;
}

// Converts one field's value; the message of an error depends on the context.
Result<Json> convertField(State& st, const Field& f, const Value& v, Ctx ctx) {
  auto wrong = [&](std::string_view want) {
    if (ctx == Ctx::kParam) return makeError(cat("got ", typeName(v), ", want ", want));
    if (want == "string") return makeError(cat("Expected string, actual: ", typeName(v)));
    return makeError(cat("Expected bool, got: ", typeName(v)));
  };
  switch (f.kind) {
    case FieldKind::kString:
      if (!v.isString()) return wrong("string");
      return Json(std::string(v.str()));
    case FieldKind::kBool:
      if (!v.isBool()) return wrong("bool");
      return Json(v.asBool());
    case FieldKind::kInt32: {
      auto i = starlark::asInt32(v);
      if (!i) {
        if (ctx == Ctx::kParam) return std::unexpected(i.error());
        return makeError(cat("Expected int, got: ", i.error().message()));
      }
      return Json(*i);
    }
    default:
      break;
  }
  Result<Json> r = [&]() -> Result<Json> {
    switch (f.kind) {
      case FieldKind::kStringList:
        return convertStringList(v);
      case FieldKind::kStringMap:
        return convertStringMap(v);
      case FieldKind::kPath:
        return Json(TRY(convertPath(st, v)));
      case FieldKind::kPathList:
        return convertPathList(st, v);
      case FieldKind::kDuration: {
        if (!v.isString()) return makeError(cat("Expected string. Got: ", typeName(v)));
        return Json(formatGoDuration(TRY(parseGoDuration(v.str()))));
      }
      case FieldKind::kSpec:
        return convertSpec(st, *f.spec, v);
      case FieldKind::kSpecList:
        return convertSpecList(st, *f.spec, v);
      default:
        return Json();
    }
  }();
  if (!r && ctx == Ctx::kDict) {
    return makeError(cat("unpacking ", f.param, ": ", r.error().message()));
  }
  return r;
}

Json buildFields(std::span<const Field> fields, std::vector<std::optional<Json>>& values);

// The zero value Go writes for an absent field.
Json zeroValue(const Field& f) {
  switch (f.kind) {
    case FieldKind::kString:
    case FieldKind::kPath:
      return "";
    case FieldKind::kBool:
      return false;
    case FieldKind::kInt32:
      return 0;
    case FieldKind::kDuration:
      return "0s";
    case FieldKind::kSpec: {
      std::vector<std::optional<Json>> none(f.spec->fields.size());
      return buildFields(f.spec->fields, none);
    }
    default:
      return Json();  // nil slices and maps
  }
}

// Go's omitempty test. Structs are never empty; pointers are handled by the caller.
bool isEmpty(const Field& f, const Json& j) {
  if (f.kind == FieldKind::kSpec || f.kind == FieldKind::kDuration) return false;
  if (j.is_null()) return true;
  if (j.is_string()) return j.get_ref<const std::string&>().empty();
  if (j.is_boolean()) return !j.get<bool>();
  if (j.is_number()) return j.get<int64_t>() == 0;
  return j.empty();  // arrays and maps
}

// The JSON object of a type: its fields in struct order, as Go's encoding/json writes them.
Json buildFields(std::span<const Field> fields, std::vector<std::optional<Json>>& values) {
  Json out = Json::object();
  for (size_t i = 0; i < fields.size(); ++i) {
    const Field& f = fields[i];
    if (f.pointer) {
      if (values[i]) out[std::string(f.json)] = std::move(*values[i]);
      continue;
    }
    Json j = values[i] ? std::move(*values[i]) : zeroValue(f);
    if (f.omit == Omit::kEmpty && isEmpty(f, j)) continue;
    out[std::string(f.json)] = std::move(j);
  }
  return out;
}

// A type from a dict (Tilt's generated Unpack): every key must name a field. The dict is frozen.
Result<Json> convertSpec(State& st, const SpecType& type, const Value& v) {
  const Dict* d = v.tryAs<Dict>();
  if (d == nullptr) return makeError(cat("expected dict, actual: ", typeName(v)));
  std::vector<std::optional<Json>> values(type.fields.size());
  for (const auto* e : d->table.entries()) {
    if (!e->key.isString()) return makeError(cat("key must be string. Got: ", typeName(e->key)));
    std::string_view key = e->key.str();
    auto f = std::find_if(type.fields.begin(), type.fields.end(),
                          [&](const Field& f) { return f.param == key; });
    if (f == type.fields.end()) return makeError(cat("Unexpected attribute name: ", key));
    values[f - type.fields.begin()] = TRY(convertField(st, *f, e->value, Ctx::kDict));
  }
  starlark::freeze(v);
  return buildFields(type.fields, values);
}

// ---- binding arguments -----------------------------------------------------------------------

// Binds a call's arguments to `params` as go.starlark.net's UnpackArgs does (with its messages),
// for parameter lists known only at run time; the first `required` are mandatory. `convert(i,
// v)` stores the argument of params[i]; its error is reported "for parameter NAME".
template <class F>
Result<void> bindArgs(const BuiltinCall& call, std::span<const std::string_view> params,
                      size_t required, F&& convert) {
  const auto& positional = call.args.positional;
  if (positional.size() > params.size()) {
    return makeError(
        cat(call.name, ": got ", positional.size(), " arguments, want at most ", params.size()));
  }
  std::vector<bool> filled(params.size());
  for (size_t i = 0; i < positional.size(); ++i) {
    filled[i] = true;
    if (auto r = convert(i, positional[i]); !r) {
      return makeError(cat(call.name, ": for parameter ", params[i], ": ", r.error().message()));
    }
  }
  for (const starlark::Kwarg& kw : call.args.named) {
    auto it = std::find(params.begin(), params.end(), kw.name);
    if (it == params.end()) {
      return makeError(cat(call.name, ": unexpected keyword argument ", quote(kw.name)));
    }
    size_t i = it - params.begin();
    if (filled[i]) {
      return makeError(
          cat(call.name, ": got multiple values for keyword argument ", quote(kw.name)));
    }
    filled[i] = true;
    if (auto r = convert(i, kw.value); !r) {
      return makeError(
          cat(call.name, ": for parameter ", quote(kw.name), ": ", r.error().message()));
    }
  }
  for (size_t i = positional.size(); i < required; ++i) {
    if (!filled[i]) return makeError(cat(call.name, ": missing argument for ", params[i]));
  }
  return {};
}

std::vector<std::string_view> helperParams(const SpecType& type) {
  if (!type.helper_params.empty()) {
    return {type.helper_params.begin(), type.helper_params.end()};
  }
  std::vector<std::string_view> params;
  for (const Field& f : type.fields) params.push_back(f.param);
  return params;
}

// A helper: the given arguments as a dict of the type, validated and frozen.
Result<Value> specHelper(Thread& thread, const BuiltinCall& call) {
  const SpecType& type = *static_cast<const SpecType*>(call.data);
  State& st = stateOf(thread);
  std::vector<std::string_view> params = helperParams(type);
  starlark::ValueVector args(params.size(), Value::unbound());
  TRY_VOID(bindArgs(call, params, 0, [&](size_t i, const Value& v) -> Result<void> {
    args[i] = v;
    return {};
  }));
  Value result = starlark::make<Dict>();
  Dict* dict = result.as<Dict>();
  for (size_t i = 0; i < params.size(); ++i) {
    if (args[i].isUnbound()) continue;
    if (&type == &kProbe && params[i] == "handler") {
      // Tilt's probe puts handler= in the dict, which its Probe type then rejects ("Unexpected
      // attribute name: handler"); slant does what the stub documents and inlines the handler.
      auto handler = convertSpec(st, kHandler, args[i]);
      if (!handler) return makeError(cat("unpacking handler: ", handler.error().message()));
      for (const auto* e : args[i].as<Dict>()->table.entries()) {
        TRY_VOID(dict->set(e->key, e->value));
      }
      continue;
    }
    Value v = args[i];
    // Paths are resolved here, against the calling Tiltfile, wherever the dict is used later.
    for (const Field& f : type.fields) {
      if (f.param == params[i] && f.kind == FieldKind::kPath && v.isString()) {
        v = makeString(st.absPath(v.str()));
      }
    }
    TRY_VOID(dict->set(makeString(std::string(params[i])), std::move(v)));
  }
  TRY(convertSpec(st, type, result));
  return result;
}

// ---- objects ---------------------------------------------------------------------------------

// Go's encoding/json text of a value (compact, HTML-safe), as validation messages show it.
void writeGoJson(std::string& out, const Json& j) {
  if (j.is_string()) {
    starlark::lib::appendJsonString(out, j.get_ref<const std::string&>());
  } else if (j.is_array()) {
    out += '[';
    for (size_t i = 0; i < j.size(); ++i) {
      if (i > 0) out += ',';
      writeGoJson(out, j[i]);
    }
    out += ']';
  } else if (j.is_object()) {
    out += '{';
    bool first = true;
    for (const auto& [k, v] : j.items()) {
      if (!first) out += ',';
      first = false;
      starlark::lib::appendJsonString(out, k);
      out += ':';
      writeGoJson(out, v);
    }
    out += '}';
  } else {
    out += j.dump();
  }
}

std::string goJson(const Json& j) {
  std::string out;
  writeGoJson(out, j);
  return out;
}

// Kubernetes field errors (k8s.io/apimachinery/pkg/util/validation/field).
std::string required(std::string_view field, std::string_view detail) {
  return cat(field, ": Required value: ", detail);
}
std::string invalid(std::string_view field, std::string_view bad_value, std::string_view detail) {
  return cat(field, ": Invalid value: ", bad_value, ": ", detail);
}

std::string stringAt(const Json& obj, std::string_view key) {
  auto it = obj.find(std::string(key));
  if (it == obj.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

size_t sizeAt(const Json& obj, std::string_view key) {
  auto it = obj.find(std::string(key));
  return it == obj.end() || it->is_null() ? 0 : it->size();
}

// Tilt's Validate methods of the API types, on the object's JSON.
using Validator = std::vector<std::string> (*)(const Json& object);

std::vector<std::string> validateExtensionRepo(const Json& obj) {
  const Json& spec = obj["spec"];
  std::string url = stringAt(spec, "url");
  bool web = url.starts_with("https://") || url.starts_with("http://");
  bool file = url.starts_with("file://");
  if (!web && !file) {
    return {invalid("spec.url", quote(url), "URLs must start with http(s):// or file://")};
  }
  if (file && !std::string_view(url).substr(7).starts_with('/')) {
    return {invalid("spec.url", quote(url),
                    "file:// URLs must be absolute (e.g., file:///home/user/repo)")};
  }
  if (file && !stringAt(spec, "gitSubpath").empty()) {
    return {invalid("spec.git_subpath", quote(stringAt(spec, "gitSubpath")),
                    "cannot use git_subpath for file:// URL extension repositories")};
  }
  return {};
}

std::vector<std::string> validateFileWatch(const Json& obj) {
  if (sizeAt(obj["spec"], "watchedPaths") == 0) {
    return {required("spec.watchedPaths", "cannot be an empty list")};
  }
  return {};
}

std::vector<std::string> validateKubernetesApply(const Json& obj) {
  const Json& spec = obj["spec"];
  std::vector<std::string> errors;
  std::string strategy = stringAt(spec, "discoveryStrategy");
  if (!strategy.empty() && strategy != "default" && strategy != "selectors-only") {
    errors.push_back(cat("spec.discoveryStrategy: Unsupported value: ", goJson(strategy),
                         ": supported values: \"default\", \"selectors-only\""));
  }
  constexpr std::string_view kOne = "must specify exactly ONE of .spec.yaml or .spec.applyCmd";
  bool has_cmd = spec.contains("applyCmd");
  if (!stringAt(spec, "yaml").empty()) {
    if (has_cmd) errors.push_back(invalid("spec.applyCmd", goJson(spec["applyCmd"]), kOne));
  } else if (has_cmd) {
    if (sizeAt(spec["applyCmd"], "args") == 0) {
      errors.push_back(required("spec.applyCmd.args", "args cannot be empty"));
    }
  } else {
    errors.push_back(required("spec.yaml", kOne));
  }
  return errors;
}

std::vector<std::string> validateKubernetesDiscovery(const Json& obj) {
  const Json& spec = obj["spec"];
  std::vector<std::string> errors;
  if (sizeAt(spec, "watches") == 0 && sizeAt(spec, "extraSelectors") == 0) {
    errors.push_back(
        required("spec.watches", "One or more watches or extraSelectors are required"));
  }
  if (sizeAt(spec, "watches") > 0) {
    const Json& watches = spec["watches"];
    for (size_t i = 0; i < watches.size(); ++i) {
      if (stringAt(watches[i], "namespace").empty()) {
        errors.push_back(required(cat("spec.watches[", i, "]"), "Namespace must be provided"));
      }
    }
  }
  return errors;
}

std::vector<std::string> validateUIButton(const Json& obj) {
  const Json& spec = obj["spec"];
  std::vector<std::string> errors;
  if (stringAt(spec, "text").empty()) {
    errors.push_back(required("spec.text", "Button text cannot be empty"));
  }
  const Json& location = spec["location"];
  if (stringAt(location, "componentID").empty()) {
    errors.push_back(required("spec.location.componentID", "Parent component ID is required"));
  }
  if (stringAt(location, "componentType").empty()) {
    errors.push_back(required("spec.location.componentType", "Parent component type is required"));
  }
  std::string svg = stringAt(spec, "iconSVG");
  if (!svg.empty() && svg.find("<svg") == std::string::npos) {
    errors.push_back(invalid("spec.iconSVG", quote(svg), "Invalid <svg> element"));
  }
  if (sizeAt(spec, "inputs") > 0) {
    std::set<std::string> seen;
    const Json& inputs = spec["inputs"];
    for (size_t i = 0; i < inputs.size(); ++i) {
      const Json& input = inputs[i];
      if (!seen.insert(stringAt(input, "name")).second) {
        errors.push_back(cat("spec.inputs[", i, "].id: Duplicate value: ", goJson(input)));
      }
      int types = 0;
      for (std::string_view t : {"text", "bool", "hidden", "choice"}) {
        types += input.contains(std::string(t)) ? 1 : 0;
      }
      if (input.contains("choice") && sizeAt(input["choice"], "choices") == 0) {
        errors.push_back(
            invalid("spec", goJson(input), "must specify choices if input type is choice"));
      }
      if (types != 1) {
        errors.push_back(invalid("spec", goJson(input), "must specify exactly one input type"));
      }
    }
  }
  return errors;
}

// An API type a Tiltfile can register, and what slant does not do with it yet.
struct ObjectType {
  std::string_view builtin;   // v1alpha1.<builtin>
  std::string_view kind;      // "UIButton"
  std::string_view resource;  // the API resource, for "uibuttons "x" already registered"
  std::span<const Field> fields;
  Validator validate = nullptr;
  std::string_view not_done;  // the warning's reason, completed by the objects' names
  bool top_level = false;     // the fields sit beside metadata (ConfigMap's data), not in spec
};

const Field kCmdFields[] = {strList("args", "args"),
                            {"dir", "dir", FieldKind::kPath, Omit::kEmpty, nullptr, false, true},
                            strList("env", "env"),
                            ptr("readiness_probe", "readinessProbe", kProbe),
                            ptr("restart_on", "restartOn", kRestartOnSpec),
                            ptr("start_on", "startOn", kStartOnSpec),
                            ptr("disable_source", "disableSource", kDisableSource)};

const Field kConfigMapFields[] = {strMap("data", "data")};

const Field kExtensionFields[] = {str("repo_name", "repoName", Omit::kNever),
                                  str("repo_path", "repoPath", Omit::kNever),
                                  strList("args", "args")};

const Field kExtensionRepoFields[] = {str("url", "url", Omit::kNever), str("ref", "ref"),
                                      str("load_host", "loadHost"),
                                      str("git_subpath", "gitSubpath")};

const Field kFileWatchFields[] = {pathList("watched_paths", "watchedPaths", Omit::kNever),
                                  list("ignores", "ignores", kIgnoreDef),
                                  ptr("disable_source", "disableSource", kDisableSource)};

const Field kKubernetesApplyFields[] = {
    str("yaml", "yaml"),
    strList("image_maps", "imageMaps"),
    list("image_locators", "imageLocators", kKubernetesImageLocator),
    duration("timeout", "timeout"),
    ptr("kubernetes_discovery_template_spec", "kubernetesDiscoveryTemplateSpec",
        kKubernetesDiscoveryTemplateSpec),
    ptr("port_forward_template_spec", "portForwardTemplateSpec", kPortForwardTemplateSpec),
    ptr("pod_log_stream_template_spec", "podLogStreamTemplateSpec", kPodLogStreamTemplateSpec),
    str("discovery_strategy", "discoveryStrategy"),
    ptr("disable_source", "disableSource", kDisableSource),
    ptr("apply_cmd", "applyCmd", kKubernetesApplyCmd),
    ptr("restart_on", "restartOn", kRestartOnSpec),
    ptr("delete_cmd", "deleteCmd", kKubernetesApplyCmd),
    str("cluster", "cluster", Omit::kNever),
    boolean("server_side_apply", "serverSideApply")};

const Field kKubernetesDiscoveryFields[] = {
    list("watches", "watches", kKubernetesWatchRef, Omit::kNever),
    list("extra_selectors", "extraSelectors", kLabelSelector),
    ptr("port_forward_template_spec", "portForwardTemplateSpec", kPortForwardTemplateSpec),
    ptr("pod_log_stream_template_spec", "podLogStreamTemplateSpec", kPodLogStreamTemplateSpec),
    str("cluster", "cluster", Omit::kNever)};

const Field kUIButtonFields[] = {member("location", "location", kUIComponentLocation),
                                 str("text", "text", Omit::kNever),
                                 str("icon_name", "iconName"),
                                 str("icon_svg", "iconSVG"),
                                 boolean("disabled", "disabled"),
                                 boolean("requires_confirmation", "requiresConfirmation"),
                                 list("inputs", "inputs", kUIInputSpec)};

// In Tilt's registration order.
const ObjectType kObjectTypes[] = {
    {"cmd", "Cmd", "cmds", kCmdFields, nullptr,
     "slant does not run Cmd objects yet; these commands are recorded but never run"},
    {"config_map", "ConfigMap", "configmaps", kConfigMapFields, nullptr,
     "slant does not serve ConfigMap objects yet; they are recorded, but nothing reads them (a "
     "disable_source that names them has no effect)",
     true},
    {"extension", "Extension", "extensions", kExtensionFields, nullptr,
     "slant does not install Extension objects; load('ext://NAME') only looks in tilt_modules/ "
     "and the extension directories. Recorded but not installed"},
    {"extension_repo", "ExtensionRepo", "extensionrepos", kExtensionRepoFields,
     &validateExtensionRepo,
     "slant does not fetch ExtensionRepo repositories; load('ext://NAME') only looks in "
     "tilt_modules/ and the extension directories. Recorded but not fetched"},
    {"file_watch", "FileWatch", "filewatches", kFileWatchFields, &validateFileWatch,
     "slant does not act on FileWatch objects yet; they are recorded but nothing is watched for "
     "them"},
    {"kubernetes_apply", "KubernetesApply", "kubernetesapplys", kKubernetesApplyFields,
     &validateKubernetesApply,
     "slant does not act on KubernetesApply objects yet; they are recorded but never applied"},
    {"kubernetes_discovery", "KubernetesDiscovery", "kubernetesdiscoveries",
     kKubernetesDiscoveryFields, &validateKubernetesDiscovery,
     "slant does not act on KubernetesDiscovery objects yet; they are recorded but discover no "
     "pods"},
    {"ui_button", "UIButton", "uibuttons", kUIButtonFields, &validateUIButton,
     "slant does not show UIButton objects yet; these buttons are recorded but appear nowhere"},
};

// Tilt's field.ErrorList.ToAggregate().Error(): one message, or "[a, b]" without repeats.
std::string aggregate(const std::vector<std::string>& errors) {
  std::vector<std::string> unique;
  for (const std::string& e : errors)
    if (std::find(unique.begin(), unique.end(), e) == unique.end()) unique.push_back(e);
  if (unique.size() == 1) return unique[0];
  std::string out = "[";
  for (size_t i = 0; i < unique.size(); ++i) out += (i ? ", " : "") + unique[i];
  return out + "]";
}

// An object constructor: converts and validates the arguments, then registers the object.
Result<Value> objectConstructor(Thread& thread, const BuiltinCall& call) {
  const ObjectType& type = *static_cast<const ObjectType*>(call.data);
  State& st = stateOf(thread);
  std::vector<std::string_view> params = {"name", "labels", "annotations"};
  for (const Field& f : type.fields) params.push_back(f.param);

  std::string name;
  Json labels = Json::object();
  Json annotations = Json::object();
  std::vector<std::optional<Json>> values(type.fields.size());
  TRY_VOID(bindArgs(call, params, 1, [&](size_t i, const Value& v) -> Result<void> {
    if (i == 0) {
      if (!v.isString()) return makeError(cat("got ", typeName(v), ", want string"));
      name = v.str();
    } else if (i <= 2) {
      (i == 1 ? labels : annotations) = TRY(convertStringMap(v));
    } else {
      values[i - 3] = TRY(convertField(st, type.fields[i - 3], v, Ctx::kParam));
    }
    return {};
  }));
  for (size_t i = 0; i < type.fields.size(); ++i) {
    if (type.fields[i].defaults_to_here && !values[i]) values[i] = st.currentDir();
  }

  Json object = Json::object();
  object["kind"] = type.kind;
  object["apiVersion"] = "tilt.dev/v1alpha1";
  Json& metadata = object["metadata"] = Json::object();
  metadata["name"] = name;
  if (!labels.empty()) metadata["labels"] = std::move(labels);
  if (!annotations.empty()) metadata["annotations"] = std::move(annotations);
  Json body = buildFields(type.fields, values);
  if (type.top_level) {
    for (auto& [k, v] : body.items()) object[k] = v;
  } else {
    object["spec"] = std::move(body);
  }
  if (type.validate != nullptr) {
    std::vector<std::string> errors = type.validate(object);
    if (!errors.empty()) return makeError(aggregate(errors));
  }

  // Registering an identical object again is fine (teams include the same extension repo in
  // several Tiltfiles); a different one under the same name is an error.
  std::string json = goJson(object);
  ApiState& api = st.get<ApiState>();
  for (model::ApiObject& existing : api.objects) {
    if (existing.kind != type.kind || existing.name != name) continue;
    if (existing.json != json) {
      return makeError(cat(type.resource, " ", quote(name), " already registered"));
    }
    return Value::none();
  }
  api.objects.push_back({std::string(type.kind), std::move(name), std::move(json)});
  return Value::none();
}

}  // namespace

void addApiBuiltins(starlark::StringDict& d) {
  starlark::lib::Members members;
  for (const ObjectType& type : kObjectTypes) {
    members.emplace_back(type.builtin, starlark::make<starlark::Builtin>(
                                           cat("v1alpha1.", type.builtin), &objectConstructor,
                                           Value(), const_cast<ObjectType*>(&type)));
  }
  for (const SpecType* type : kHelpers) {
    members.emplace_back(
        type->helper, starlark::make<starlark::Builtin>(cat("v1alpha1.", type->helper), &specHelper,
                                                        Value(), const_cast<SpecType*>(type)));
  }
  d["v1alpha1"] = starlark::lib::makeModule("v1alpha1", std::move(members));
}

Result<void> assembleApiObjects(State& st) {
  const ApiState& api = st.get<ApiState>();
  st.project.api_objects = api.objects;
  // One warning per kind, in the order the kinds were first used, naming the objects.
  std::vector<std::string_view> kinds;
  for (const model::ApiObject& o : api.objects)
    if (std::find(kinds.begin(), kinds.end(), o.kind) == kinds.end()) kinds.push_back(o.kind);
  for (std::string_view kind : kinds) {
    const ObjectType* type = nullptr;
    for (const ObjectType& t : kObjectTypes)
      if (t.kind == kind) type = &t;
    if (type == nullptr) continue;  // registered by another family (load('ext://...'))
    std::string names;
    for (const model::ApiObject& o : api.objects) {
      if (o.kind == kind) names += (names.empty() ? "" : ", ") + quote(o.name);
    }
    st.warn(cat("v1alpha1.", type->builtin, ": ", type->not_done, ": ", names));
  }
  return {};
}

}  // namespace slant::tiltfile
