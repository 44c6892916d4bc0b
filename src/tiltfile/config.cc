// The config module, as Tilt's internal/tiltfile/config.
//
// config.parse() reads two sources and merges them, the command line winning:
//
//   1. tilt_config.json in the directory of the Tiltfile that calls parse (recorded as a config
//      file whether it exists or not, so that creating it re-executes the Tiltfile). Every key
//      must name a defined setting; a null value yields the setting's zero value.
//   2. The arguments after `--`, parsed as Tilt parses them with spf13/pflag: `--name value`,
//      `--name=value`, a bare `--flag` for bools, `--` ending the flags, positional arguments
//      anywhere (they go to the one setting defined with args=True). The error messages, the
//      usage text appended to them (pflag's FlagUsagesWrapped(80), flags sorted by name) and
//      the `--help` output are pflag's, because users read them in the Tiltfile log.
//
// Values from JSON follow Go's encoding/json: every number becomes a float.
#include "tiltfile/config.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "starlark/lib/json.h"
#include "starlark/lib/struct.h"
#include "starlark/lib/unpack.h"
#include "starlark/lib/util.h"
#include "tiltfile/builtins.h"
#include "tiltfile/values.h"
#include "tiltfile/yaml.h"

namespace slant::tiltfile {

namespace {

using starlark::Dict;
using starlark::List;
using starlark::makeError;
using starlark::makeString;
using starlark::ObjType;
using starlark::lib::cat;
using starlark::lib::unpackArgs;

constexpr std::string_view kUserConfigFileName = "tilt_config.json";

std::string quote(std::string_view s) {
  std::string out;
  starlark::writeQuoted(out, s);
  return out;
}

// ---- setting values (Tilt's configValue) ---------------------------------------------------

// The Go type name encoding/json gives a decoded value, for Tilt's "expected string, found
// float64" messages.
std::string_view goJsonTypeName(const Json& j) {
  if (j.is_null()) return "<nil>";
  if (j.is_boolean()) return "bool";
  if (j.is_number()) return "float64";
  if (j.is_string()) return "string";
  if (j.is_array()) return "[]interface {}";
  return "map[string]interface {}";
}

// A decoded JSON value as Tilt's ConvertStructuredDataToStarlark makes it: numbers are floats.
Value jsonToConfigValue(const Json& j) {
  if (j.is_null()) return Value::none();
  if (j.is_boolean()) return Value::boolean(j.get<bool>());
  if (j.is_number()) return Value::floating(j.get<double>());
  if (j.is_string()) return makeString(j.get<std::string>());
  if (j.is_array()) {
    starlark::ValueVector elems;
    for (const Json& e : j) elems.push_back(jsonToConfigValue(e));
    return starlark::make<List>(std::move(elems));
  }
  Value d = starlark::make<Dict>();
  for (const auto& [k, v] : j.items()) (void)d.as<Dict>()->set(makeString(k), jsonToConfigValue(v));
  return d;
}

// Parses JSON text; errors are Go's encoding/json messages.
Result<Json> parseJson(std::string_view text) {
  TRY(starlark::lib::indentJson(text, "", ""));  // validates, with Go's wording
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return makeError("invalid JSON");
  return j;
}

// strconv.ParseBool.
Result<bool> parseGoBool(std::string_view s) {
  if (s == "1" || s == "t" || s == "T" || s == "TRUE" || s == "true" || s == "True") return true;
  if (s == "0" || s == "f" || s == "F" || s == "FALSE" || s == "false" || s == "False") {
    return false;
  }
  return makeError(cat("strconv.ParseBool: parsing ", quote(s), ": invalid syntax"));
}

// The value of one setting while parsing: set from a flag, a positional argument or the file.
struct SettingValue {
  ConfigSettingType type = ConfigSettingType::kString;
  bool is_set = false;
  std::string str;
  std::vector<std::string> list;
  bool b = false;
  Value object = Value::none();

  // pflag's Value.Set.
  Result<void> set(std::string_view v) {
    switch (type) {
      case ConfigSettingType::kString:
        if (is_set) {
          return makeError(cat(
              "string settings can only be specified once. multiple values found (last value: ", v,
              ")"));
        }
        str = v;
        break;
      case ConfigSettingType::kStringList:
        list.emplace_back(v);
        break;
      case ConfigSettingType::kBool:
        if (is_set) {
          return makeError(cat(
              "bool settings can only be specified once. multiple values found (last value: ", v,
              ")"));
        }
        b = TRY(parseGoBool(v));
        break;
      case ConfigSettingType::kObject: {
        if (is_set) {
          return makeError(
              cat("object settings can only be specified once. multiple values found (last value: ",
                  starlark::str(object), ")"));
        }
        auto j = parseJson(v);
        if (!j) return makeError(cat("decoding JSON, got ", quote(v), ": ", j.error().message()));
        object = jsonToConfigValue(*j);
        break;
      }
    }
    is_set = true;
    return {};
  }

  // Tilt's setFromInterface: a value from tilt_config.json. null leaves the zero value.
  Result<void> setFromJson(const Json& j) {
    if (j.is_null()) {
      list.clear();
      return {};
    }
    switch (type) {
      case ConfigSettingType::kString:
        if (!j.is_string()) return makeError(cat("expected string, found ", goJsonTypeName(j)));
        str = j.get<std::string>();
        break;
      case ConfigSettingType::kBool:
        if (!j.is_boolean()) return makeError(cat("expected bool, found ", goJsonTypeName(j)));
        b = j.get<bool>();
        break;
      case ConfigSettingType::kStringList:
        if (!j.is_array()) return makeError("expected array");
        list.clear();
        for (const Json& e : j) {
          if (!e.is_string()) return makeError(cat("expected string, got ", goJsonTypeName(e)));
          list.push_back(e.get<std::string>());
        }
        break;
      case ConfigSettingType::kObject:
        object = jsonToConfigValue(j);
        break;
    }
    is_set = true;
    return {};
  }

  Value toStarlark() const {
    switch (type) {
      case ConfigSettingType::kString:
        return makeString(str);
      case ConfigSettingType::kBool:
        return Value::boolean(b);
      case ConfigSettingType::kStringList: {
        starlark::ValueVector elems;
        for (const std::string& s : list) elems.push_back(makeString(s));
        return starlark::make<List>(std::move(elems));
      }
      case ConfigSettingType::kObject:
        return object;
    }
    return Value::none();
  }
};

// pflag's Value.Type(), as shown in the usage text.
std::string_view flagTypeName(ConfigSettingType type) {
  switch (type) {
    case ConfigSettingType::kString:
      return "string";
    case ConfigSettingType::kStringList:
      return "list[string]";
    case ConfigSettingType::kBool:
      return "bool";
    case ConfigSettingType::kObject:
      return "object";
  }
  return "";
}

// ---- usage text (pflag's FlagUsagesWrapped) ------------------------------------------------

// pflag's wrapN: splits s at the last white space within the first i bytes, allowing `slop`
// bytes more when that takes the whole rest.
std::pair<std::string, std::string> wrapN(size_t i, size_t slop, std::string_view s) {
  if (i + slop > s.size()) return {std::string(s), ""};
  std::string_view head = s.substr(0, i);
  size_t w = head.find_last_of(" \t\n");
  if (w == std::string_view::npos || w == 0) return {std::string(s), ""};
  size_t nl = head.rfind('\n');
  if (nl != std::string_view::npos && nl > 0 && nl < w) {
    return {std::string(s.substr(0, nl)), std::string(s.substr(nl + 1))};
  }
  return {std::string(s.substr(0, w)), std::string(s.substr(w + 1))};
}

std::string replaceNewlines(std::string_view s, std::string_view with) {
  std::string out;
  for (char c : s) {
    if (c == '\n') {
      out += with;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// pflag's wrap: wraps s to `w` columns with an indent of `i` on every line but the first
// (w == 0: no wrapping).
std::string wrapUsage(size_t i, size_t w, std::string_view s) {
  if (w == 0) return replaceNewlines(s, "\n" + std::string(i, ' '));
  std::string r;
  // w - i < 24: wrap as a block on the next line, indented by 16.
  if (w < i + 24) {
    i = 16;
    r = "\n" + std::string(i, ' ');
    if (w < i + 24) return replaceNewlines(s, r);
  }
  const size_t slop = 5;
  const size_t wrap = w - i - slop;
  std::string indent = "\n" + std::string(i, ' ');
  auto [line, rest] = wrapN(wrap, slop, s);
  r += replaceNewlines(line, indent);
  while (!rest.empty()) {
    auto [next, after] = wrapN(wrap, slop, rest);
    r += indent + replaceNewlines(next, indent);
    rest = std::move(after);
  }
  return r;
}

// The usage lines of the flags (every setting but the positional one), sorted by name.
std::string flagUsages(const ConfigState& cs, size_t cols) {
  std::vector<const ConfigSetting*> flags;
  for (const ConfigSetting& s : cs.settings)
    if (s.name != cs.positional) flags.push_back(&s);
  std::sort(flags.begin(), flags.end(),
            [](const ConfigSetting* a, const ConfigSetting* b) { return a->name < b->name; });
  struct Line {
    std::string head;
    std::string usage;
  };
  std::vector<Line> lines;
  size_t maxlen = 0;
  for (const ConfigSetting* s : flags) {
    Line line{cat("      --", s->name), s->usage};
    // pflag's UnquoteUsage: a `name` in back quotes names the value, else its type does.
    std::string varname(flagTypeName(s->type));
    if (s->type == ConfigSettingType::kBool) varname.clear();
    size_t open = s->usage.find('`');
    if (open != std::string::npos) {
      size_t close = s->usage.find('`', open + 1);
      if (close != std::string::npos) {
        varname = s->usage.substr(open + 1, close - open - 1);
        line.usage = s->usage.substr(0, open) + varname + s->usage.substr(close + 1);
      }
    }
    if (!varname.empty()) line.head += " " + varname;
    maxlen = std::max(maxlen, line.head.size() + 1);
    // An unset object setting prints as None, which pflag does not take for a zero value.
    if (s->type == ConfigSettingType::kObject) line.usage += " (default None)";
    lines.push_back(std::move(line));
  }
  std::string out;
  for (const Line& line : lines) {
    out += line.head;
    out += " ";
    out += std::string(maxlen - line.head.size(), ' ');
    out += " ";
    out += wrapUsage(maxlen + 2, cols, line.usage);
    out += "\n";
  }
  return out;
}

// ---- parsing ---------------------------------------------------------------------------------

using ValueMap = std::map<std::string, SettingValue, std::less<>>;

struct ParsedArgs {
  ValueMap values;     // every defined setting, set or not
  std::string output;  // what pflag printed (the --help usage)
};

// pflag's Parse over the arguments, then the positional arguments. On error, `output` still
// holds what was printed.
Result<void> parseArgs(const ConfigState& cs, const std::vector<std::string>& args,
                       ParsedArgs& parsed) {
  for (const ConfigSetting& s : cs.settings) parsed.values[s.name].type = s.type;
  auto flag = [&](std::string_view name) -> SettingValue* {
    if (name == cs.positional) return nullptr;
    auto it = parsed.values.find(name);
    return it == parsed.values.end() ? nullptr : &it->second;
  };
  auto help = [&]() {
    parsed.output += "Usage of :\n" + flagUsages(cs, 0);
    return makeError("pflag: help requested");
  };

  std::vector<std::string> positional;
  Result<void> err;
  for (size_t i = 0; i < args.size() && err;) {
    const std::string& s = args[i++];
    if (s.size() < 2 || s[0] != '-') {
      positional.push_back(s);
      continue;
    }
    if (s[1] == '-') {
      if (s.size() == 2) {  // "--" ends the flags
        positional.insert(positional.end(), args.begin() + i, args.end());
        break;
      }
      std::string_view name = std::string_view(s).substr(2);
      if (name[0] == '-' || name[0] == '=') {
        err = makeError(cat("bad flag syntax: ", s));
        break;
      }
      std::optional<std::string_view> value;
      if (size_t eq = name.find('='); eq != std::string_view::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
      }
      SettingValue* v = flag(name);
      if (v == nullptr) {
        err = name == "help" ? help() : makeError(cat("unknown flag: --", name));
        break;
      }
      if (!value) {
        if (v->type == ConfigSettingType::kBool) {
          value = "true";  // "--foo" means "--foo=true"
        } else if (i < args.size()) {
          value = args[i++];
        } else {
          err = makeError(cat("flag needs an argument: --", name));
          break;
        }
      }
      if (auto r = v->set(*value); !r) {
        err = makeError(cat("invalid argument ", quote(*value), " for ", quote(cat("--", name)),
                            " flag: ", r.error().message()));
      }
      continue;
    }
    // No setting has a shorthand, so any "-x" is an error, except pflag's "-h" and the
    // "-test.*" flags of Go tests, which it skips.
    std::string_view shorthands = std::string_view(s).substr(1);
    if (shorthands.starts_with("test.")) continue;
    if (shorthands[0] == 'h') {
      err = help();
    } else {
      err = makeError(cat("unknown shorthand flag: ", starlark::lib::quoteByte(shorthands[0]),
                          " in -", shorthands));
    }
  }
  if (!err) {
    std::string usage = flagUsages(cs, 80);
    bool blank = std::all_of(usage.begin(), usage.end(), [](char c) { return std::isspace(c); });
    if (!blank) usage = "\nUsage:\n" + usage;
    return makeError(cat(err.error().message(), blank ? "" : usage));
  }

  if (!positional.empty()) {
    if (cs.positional.empty()) {
      std::string joined;
      for (size_t i = 0; i < positional.size(); ++i) joined += (i ? " " : "") + positional[i];
      return makeError(
          cat("positional CLI args (", quote(joined),
              ") were specified, but none were expected.\n"
              "See https://docs.tilt.dev/tiltfile_config.html#positional-arguments for examples."));
    }
    SettingValue& v = parsed.values[cs.positional];
    for (const std::string& arg : positional) {
      if (auto r = v.set(arg); !r) {
        return makeError(
            cat("invalid positional args (", cs.positional, "): ", r.error().message()));
      }
    }
  }
  return {};
}

// The settings tilt_config.json gives, in the file's order; a missing file gives none.
Result<std::vector<std::pair<std::string, SettingValue>>> readConfigFile(const ConfigState& cs,
                                                                         const std::string& path) {
  std::vector<std::pair<std::string, SettingValue>> out;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return out;
  if (std::filesystem::is_directory(path, ec)) {
    return makeError(cat("error parsing json from ", path, ": read ", path, ": is a directory"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return makeError(cat("error opening ", path, ": open ", path, ": permission denied"));
  std::ostringstream text;
  text << in.rdbuf();
  auto j = parseJson(text.str());
  if (!j) return makeError(cat("error parsing json from ", path, ": ", j.error().message()));
  if (j->is_null()) return out;
  if (!j->is_object()) {
    return makeError(cat("error parsing json from ", path, ": expected a JSON object, found ",
                         goJsonTypeName(*j)));
  }
  for (const auto& [k, v] : j->items()) {
    auto def = std::find_if(cs.settings.begin(), cs.settings.end(),
                            [&](const ConfigSetting& s) { return s.name == k; });
    if (def == cs.settings.end()) {
      return makeError(cat(path, " specified unknown setting name '", k, "'"));
    }
    SettingValue value;
    value.type = def->type;
    if (auto r = value.setFromJson(v); !r) {
      return makeError(
          cat(path, " specified invalid value for setting ", k, ": ", r.error().message()));
    }
    out.emplace_back(k, std::move(value));
  }
  return out;
}

// ---- builtins --------------------------------------------------------------------------------

template <ConfigSettingType kType>
Result<Value> defineSetting(Thread& thread, const BuiltinCall& call) {
  std::string name;
  bool is_args = false;
  std::string usage;
  TRY_VOID(unpackArgs(call, {{"name", &name}, {"args?", &is_args}, {"usage?", &usage}}));
  if (name.empty()) return makeError("'name' is required");
  ConfigState& cs = stateOf(thread).get<ConfigState>();
  if (cs.parse_called) {
    return makeError(cat(call.name, " cannot be called after config.parse is called"));
  }
  for (const ConfigSetting& s : cs.settings) {
    if (s.name == name) return makeError(cat(name, " defined multiple times"));
  }
  if (is_args) {
    if (!cs.positional.empty()) {
      return makeError(
          cat("both ", name, " and ", cs.positional, " are defined as positional args"));
    }
    cs.positional = name;
  }
  cs.settings.push_back({std::move(name), kType, std::move(usage)});
  return Value::none();
}

Result<Value> configParse(Thread& thread, const BuiltinCall& call) {
  TRY_VOID(unpackArgs(call, {}));
  State& st = stateOf(thread);
  ConfigState& cs = st.get<ConfigState>();
  std::string wd = st.currentDir();
  if (!cs.parse_dir.empty() && cs.parse_dir != wd) {
    return makeError(cat(call.name,
                         " can only be called from one Tiltfile working directory per run. It was "
                         "called from ",
                         cs.parse_dir, " and ", wd));
  }
  cs.parse_dir = wd;
  cs.parse_called = true;

  std::string path = joinPath(wd, kUserConfigFileName);
  st.addConfigFile(path);
  auto from_file = TRY(readConfigFile(cs, path));

  ParsedArgs parsed;
  auto r = parseArgs(cs, st.options().args, parsed);
  if (!parsed.output.empty()) {
    std::string_view out = parsed.output;
    if (out.ends_with('\n')) out.remove_suffix(1);
    st.log(out);
  }
  if (!r) return makeError(cat("invalid Tiltfile config args: ", r.error().message()));

  // Arguments win over the file; a setting neither gives is absent from the dict.
  Value result = starlark::make<Dict>();
  for (const ConfigSetting& s : cs.settings) {
    const SettingValue* v = nullptr;
    if (const SettingValue& arg = parsed.values[s.name]; arg.is_set) {
      v = &arg;
    } else {
      for (const auto& [k, fv] : from_file)
        if (k == s.name) v = &fv;
    }
    if (v != nullptr) TRY_VOID(result.as<Dict>()->set(makeString(s.name), v->toStarlark()));
  }
  return result;
}

// An argument that must be a go.starlark.net Sequence: iterable with a length.
struct SequenceArg {
  Value value;
};

}  // namespace
}  // namespace slant::tiltfile

namespace slant::starlark::lib {
template <>
struct Unpacker<tiltfile::SequenceArg> {
  static Result<void> unpack(const Value& v, tiltfile::SequenceArg* out) {
    if (!v.is(ObjType::kList) && !v.is(ObjType::kTuple) && !v.is(ObjType::kDict) &&
        !v.is(ObjType::kSet) && !v.is(ObjType::kRange)) {
      return makeError(cat("got ", typeName(v), ", want starlark.Sequence"));
    }
    out->value = v;
    return {};
  }
};
}  // namespace slant::starlark::lib

namespace slant::tiltfile {
namespace {

Result<Value> setEnabledResources(Thread& thread, const BuiltinCall& call) {
  SequenceArg resources;
  TRY_VOID(unpackArgs(call, {{"resources", &resources}}));
  std::vector<std::string> names;
  TRY_VOID(starlark::lib::forEach(resources.value, [&](const Value& v) -> Result<void> {
    if (!v.isString()) {
      return makeError(cat("resources must be a list of string: '", starlark::repr(v), "' is a ",
                           goTypeName(v), ", not a string"));
    }
    names.emplace_back(v.str());
    return {};
  }));
  ConfigState& cs = stateOf(thread).get<ConfigState>();
  cs.disable_all = false;
  cs.enabled_resources = std::move(names);
  return Value::none();
}

Result<Value> clearEnabledResources(Thread& thread, const BuiltinCall& call) {
  TRY_VOID(unpackArgs(call, {}));
  ConfigState& cs = stateOf(thread).get<ConfigState>();
  cs.disable_all = true;
  cs.enabled_resources.clear();
  return Value::none();
}

// The config module. Unlike a plain module, its main_path, main_dir and tilt_subcommand members
// are read from the execution the attribute is looked up in, since the builtins are made before
// any execution's options are known.
class ConfigModule final : public starlark::Object {
 public:
  explicit ConfigModule(starlark::lib::Members functions)
      : Object(ObjType::kOther), functions_(std::move(functions)) {}

  std::string_view typeName() const override { return "module"; }
  void write(std::string& out, bool quoted, std::vector<const Object*>& path) const override {
    out += "<module \"config\">";
  }
  Result<uint32_t> hash() const override { return makeError("unhashable: module"); }
  void freeze() override {
    if (frozen_) return;
    frozen_ = true;
    for (const auto& f : functions_) starlark::freeze(f.second);
  }
  void clearChildren() override { functions_.clear(); }

  Result<std::optional<Value>> attr(Thread& thread, std::string_view name) const override {
    for (const auto& [fname, fn] : functions_)
      if (fname == name) return fn;
    if (name == "main_path" || name == "main_dir" || name == "tilt_subcommand") {
      const State& st = stateOf(thread);
      if (name == "main_path") return makeString(st.project.tiltfile);
      if (name == "main_dir") return makeString(dirName(st.project.tiltfile));
      return makeString(st.options().subcommand);
    }
    return std::nullopt;
  }

  std::vector<std::string> attrNames() const override {
    std::vector<std::string> names = {"main_dir", "main_path", "tilt_subcommand"};
    for (const auto& f : functions_) names.push_back(f.first);
    std::sort(names.begin(), names.end());
    return names;
  }

 private:
  starlark::lib::Members functions_;
};

}  // namespace

void addConfigBuiltins(starlark::StringDict& d) {
  starlark::lib::Members functions;
  auto add = [&](std::string_view name, starlark::BuiltinFn fn) {
    functions.emplace_back(name, starlark::make<starlark::Builtin>(cat("config.", name), fn));
  };
  add("define_string", &defineSetting<ConfigSettingType::kString>);
  add("define_string_list", &defineSetting<ConfigSettingType::kStringList>);
  add("define_bool", &defineSetting<ConfigSettingType::kBool>);
  add("define_object", &defineSetting<ConfigSettingType::kObject>);
  add("parse", &configParse);
  add("set_enabled_resources", &setEnabledResources);
  add("clear_enabled_resources", &clearEnabledResources);
  Value module = starlark::make<ConfigModule>(std::move(functions));
  starlark::freeze(module);
  d["config"] = std::move(module);
}

Result<std::vector<std::string>> selectResources(const std::vector<model::Resource>& resources,
                                                 const std::vector<std::string>& requested) {
  std::vector<std::string> result;
  if (requested.empty()) {
    for (const model::Resource& r : resources) result.push_back(r.name);
    return result;
  }
  std::map<std::string_view, const model::Resource*> by_name;
  for (const model::Resource& r : resources) by_name[r.name] = &r;

  std::set<std::string_view> selected;
  std::vector<std::string_view> unknown;
  // Each requested resource and its transitive dependencies.
  std::vector<std::string_view> todo;
  for (const std::string& name : requested) {
    if (!by_name.contains(name)) {
      unknown.push_back(name);
      continue;
    }
    todo.push_back(name);
    while (!todo.empty()) {
      std::string_view next = todo.back();
      todo.pop_back();
      if (!selected.insert(next).second) continue;
      auto it = by_name.find(next);
      if (it == by_name.end()) continue;
      for (const std::string& dep : it->second->resource_deps) todo.push_back(dep);
    }
  }

  if (!unknown.empty()) {
    std::string unknown_list;
    for (std::string_view n : unknown)
      unknown_list += (unknown_list.empty() ? "" : ", ") + quote(n);
    std::set<std::string_view> asked(requested.begin(), requested.end());
    std::string existing;
    for (const model::Resource& r : resources) {
      if (asked.contains(r.name)) continue;
      existing += (existing.empty() ? "" : ", ") + quote(r.name);
    }
    return makeError(cat("You specified some resources that could not be found: ", unknown_list,
                         "\nIs this a typo? Existing resources in Tiltfile: ", existing));
  }

  // "uncategorized" always runs, as it did before resources could be selected.
  for (const model::Resource& r : resources) {
    if (selected.contains(r.name) || r.name == "uncategorized") result.push_back(r.name);
  }
  return result;
}

Result<void> assembleEnabledResources(State& st) {
  ConfigState& cs = st.get<ConfigState>();
  if (cs.disable_all) {
    st.project.enabled_resources.clear();
    return {};
  }
  std::vector<std::string> requested;
  if (!cs.enabled_resources.empty()) {
    requested = cs.enabled_resources;  // set_enabled_resources trumps everything
  } else if (!cs.parse_called) {
    requested = st.options().args;  // without config.parse, the arguments name resources
  }
  st.project.enabled_resources = TRY(selectResources(st.project.resources, requested));
  return {};
}

}  // namespace slant::tiltfile
