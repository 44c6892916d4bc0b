// Tilt's data builtins: reading files (read_file, read_json, read_yaml, read_yaml_stream),
// converting text (decode_json, decode_yaml, decode_yaml_stream, encode_json, encode_yaml,
// encode_yaml_stream), blob(), listdir() and watch_file(), with Tilt's parameter names (the
// path parameter of the readers is "paths"), defaults and messages.
//
// Every read goes through readConfigFile, which records the file as Tilt's io.ReadFile does:
// a file, or a missing path (so that creating it re-executes the Tiltfile), but never a
// directory. The encoders first convert to plain data as Tilt's convertStarlarkToStructuredData
// (None, bools, ints, floats, strings, lists and string-keyed dicts; anything else is an error),
// then write what Go writes: encode_json as json.Encoder with a two-space indent and sorted keys,
// encode_yaml as sigs.k8s.io/yaml (keys in go-yaml's natural order, floats through JSON).
#include "tiltfile/data.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "starlark/lib/json.h"
#include "starlark/lib/struct.h"
#include "starlark/lib/unicode.h"
#include "starlark/lib/util.h"
#include "tiltfile/builtins.h"
#include "tiltfile/convert.h"
#include "tiltfile/yaml.h"

namespace slant::tiltfile {

namespace {

using starlark::Dict;
using starlark::List;
using starlark::makeString;
using starlark::ObjType;
using starlark::lib::cat;
using starlark::lib::unpackArgs;

/// A path argument as Tilt's value.LocalPath: a string (not a Blob), made absolute.
struct LocalPathArg {
  std::string path;  // as given
};

/// An optional string default (Tilt's value.Optional[starlark.String]).
struct OptionalStringArg {
  std::optional<std::string> value;
};

}  // namespace

}  // namespace slant::tiltfile

namespace slant::starlark::lib {

template <>
struct Unpacker<tiltfile::LocalPathArg> {
  static Result<void> unpack(const Value& v, tiltfile::LocalPathArg* out) {
    if (!v.isString()) {
      return makeError(cat("expected path | string. Actual type: ", tiltfile::goTypeName(v)));
    }
    out->path = std::string(v.str());
    return {};
  }
};

template <>
struct Unpacker<tiltfile::OptionalStringArg> {
  static Result<void> unpack(const Value& v, tiltfile::OptionalStringArg* out) {
    if (v.isNone()) {
      out->value.reset();
      return {};
    }
    if (!v.isString()) {
      return makeError(cat("expected starlark.String or None, got ", tiltfile::goTypeName(v)));
    }
    out->value = std::string(v.str());
    return {};
  }
};

Result<void> Unpacker<tiltfile::StringableArg>::unpack(const Value& v,
                                                       tiltfile::StringableArg* out) {
  std::optional<std::string_view> s = tiltfile::stringOrBlob(v);
  if (!s) {
    return makeError(
        cat("Value should be convertible to string, but is type ", starlark::typeName(v)));
  }
  out->value = std::string(*s);
  return {};
}

}  // namespace slant::starlark::lib

namespace slant::tiltfile {

// ---- shared helpers ----------------------------------------------------------------------------

std::string tiltAbsPath(const State& st, std::string_view path) {
  if (!path.empty() && path.front() == '/') return std::string(path);
  return joinPath(st.currentDir(), path);
}

std::string goErrnoMessage(int err) {
  std::string msg = std::strerror(err);
  if (!msg.empty() && msg[0] >= 'A' && msg[0] <= 'Z' &&
      !(msg.size() > 1 && msg[1] >= 'A' && msg[1] <= 'Z')) {
    msg[0] = static_cast<char>(msg[0] - 'A' + 'a');
  }
  return msg;
}

Result<void> recordReadPath(State& st, const std::string& abs_path, WatchType type) {
  if (type == WatchType::kFileOnly) {
    struct stat sb;
    if (::lstat(abs_path.c_str(), &sb) != 0) {
      // A missing file is watched, so that creating it re-executes the Tiltfile.
      if (errno != ENOENT) return makeError(cat("lstat ", abs_path, ": ", goErrnoMessage(errno)));
    } else if (S_ISDIR(sb.st_mode)) {
      // Tilt watches directories only recursively; it would rather not watch a directory it
      // read than reload on every change under it (tilt-dev/tilt#3387).
      return {};
    }
  }
  st.addConfigFile(abs_path);
  return {};
}

Result<std::string> readConfigFile(State& st, const std::string& abs_path, bool* missing) {
  if (missing != nullptr) *missing = false;
  TRY_VOID(recordReadPath(st, abs_path, WatchType::kFileOnly));
  int fd = ::open(abs_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    if (missing != nullptr) *missing = err == ENOENT;
    return makeError(cat("open ", abs_path, ": ", goErrnoMessage(err)));
  }
  std::string text;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return makeError(cat("read ", abs_path, ": ", goErrnoMessage(err)));
    }
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return text;
}

namespace {

// ---- JSON and YAML text ------------------------------------------------------------------------

std::unexpected<starlark::Error> wrapError(std::string_view what, std::string_view source,
                                           std::string_view cause) {
  if (source.empty()) return makeError(cat(what, ": ", cause));
  return makeError(cat(what, " from ", source, ": ", cause));
}

// Tilt's jsonStringToStarlark: one JSON value (Go's json.Decoder), with Go's messages.
Result<Value> jsonTextToValue(std::string_view text, std::string_view source) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  if (std::all_of(text.begin(), text.end(), is_space)) {
    return wrapError("error parsing JSON", source, "EOF");
  }
  // indentJson validates with encoding/json's scanner and messages.
  if (auto checked = starlark::lib::indentJson(text, "", ""); !checked) {
    std::string msg = checked.error().message();
    if (msg == "unexpected end of JSON input") msg = "unexpected EOF";
    if (msg.ends_with("after top-level value")) msg = "found multiple JSON values";
    return wrapError("error parsing JSON", source, msg);
  }
  auto value = starlark::lib::decodeJson(text);
  if (!value) return wrapError("error parsing JSON", source, value.error().message());
  return std::move(*value);
}

// Tilt's yamlStreamToStarlark: every non-empty document, as a list.
Result<Value> yamlTextToList(std::string_view text, std::string_view source) {
  auto docs = parseYamlStream(text);
  if (!docs) {
    // "error parsing YAML: line 3, ..." -> "error parsing YAML from f.yaml: line 3, ..."
    std::string msg = docs.error().message();
    constexpr std::string_view kPrefix = "error parsing YAML: ";
    if (msg.starts_with(kPrefix)) msg.erase(0, kPrefix.size());
    return wrapError("error parsing YAML", source, msg);
  }
  starlark::ValueVector elems;
  elems.reserve(docs->size());
  for (const Json& doc : *docs) elems.push_back(jsonToValue(doc));
  return starlark::make<List>(std::move(elems));
}

// Tilt's singleYAMLDoc.
Result<Value> singleYamlDoc(const Value& list) {
  const starlark::ValueVector& docs = list.as<List>()->elems();
  if (docs.empty()) return Value::none();
  if (docs.size() == 1) return docs[0];
  return makeError(
      "expected a yaml document but found a yaml stream (documents separated by `---`). use "
      "decode_yaml_stream instead to decode a yaml stream");
}

// Go's type of a converted key, for "found key '1' of type int64".
std::string_view structuredTypeName(const Json& j) {
  switch (j.type()) {
    case Json::value_t::null:
      return "<nil>";
    case Json::value_t::boolean:
      return "bool";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
      return "int64";
    case Json::value_t::number_float:
      return "float64";
    case Json::value_t::array:
      return "[]interface {}";
    case Json::value_t::object:
      return "map[string]interface {}";
    default:
      return "string";
  }
}

// Tilt's convertStarlarkToStructuredData: only None, bools, ints, floats, strings, lists and
// dicts with string keys.
Result<Json> toStructuredData(const Value& v, std::vector<const starlark::Object*>& path) {
  if (v.isNone() || v.isBool() || v.isInt() || v.isFloat() || v.isString()) {
    return valueToJson(v);
  }
  const bool is_list = v.is(ObjType::kList);
  if (!is_list && !v.is(ObjType::kDict)) {
    return makeError(
        cat("unable to convert from starlark value, unsupported type ", goTypeName(v)));
  }
  if (std::find(path.begin(), path.end(), v.object()) != path.end()) {
    return makeError(cat("unable to convert from starlark value, a ", starlark::typeName(v),
                         " contains itself"));
  }
  path.push_back(v.object());
  Json out;
  if (is_list) {
    out = Json::array();
    for (const Value& e : v.as<List>()->elems()) out.push_back(TRY(toStructuredData(e, path)));
  } else {
    out = Json::object();
    for (const starlark::HashTable::Entry* e : v.as<Dict>()->table.entries()) {
      Json key = TRY(toStructuredData(e->key, path));
      if (!key.is_string()) {
        return makeError(cat("only string keys are supported in maps. found key '",
                             starlark::str(e->key), "' of type ", structuredTypeName(key)));
      }
      out[key.get<std::string>()] = TRY(toStructuredData(e->value, path));
    }
  }
  path.pop_back();
  return out;
}

Result<Json> toStructuredData(const Value& v) {
  std::vector<const starlark::Object*> path;
  auto j = toStructuredData(v, path);
  if (!j) return makeError(cat("error converting object from starlark: ", j.error().message()));
  return j;
}

// Go's json.Marshal fails on NaN and infinities before sigs.k8s.io/yaml writes anything.
Result<void> checkFinite(const Json& j) {
  if (j.is_number_float() && !std::isfinite(j.get<double>())) {
    double f = j.get<double>();
    return makeError(cat("json: unsupported value: ", std::isnan(f) ? "NaN"
                                                      : f > 0       ? "+Inf"
                                                                    : "-Inf"));
  }
  if (j.is_structured()) {
    for (const Json& e : j) TRY_VOID(checkFinite(e));
  }
  return {};
}

// go-yaml v2's keyList.Less for two string keys: letters sort before other characters, and runs
// of digits compare by their numeric value ("a2" < "a10").
bool goYamlKeyLess(std::string_view a, std::string_view b) {
  auto runes = [](std::string_view s) {
    std::vector<char32_t> out;
    while (!s.empty()) {
      auto d = starlark::lib::decodeRune(s);
      out.push_back(d.rune);
      s.remove_prefix(std::max<size_t>(d.size, 1));
    }
    return out;
  };
  std::vector<char32_t> ar = runes(a), br = runes(b);
  using starlark::lib::isDigit;
  using starlark::lib::isLetter;
  for (size_t i = 0; i < ar.size() && i < br.size(); ++i) {
    if (ar[i] == br[i]) continue;
    const bool al = isLetter(ar[i]), bl = isLetter(br[i]);
    if (al && bl) return ar[i] < br[i];
    if (al || bl) return bl;
    // Go's int64 arithmetic wraps; so does ours, in unsigned.
    uint64_t an = 0, bn = 0;
    if (ar[i] == '0' || br[i] == '0') {
      for (size_t j = i; j-- > 0 && isDigit(ar[j]);) {
        if (ar[j] != '0') {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    size_t ai = i, bi = i;
    for (; ai < ar.size() && isDigit(ar[ai]); ++ai) an = an * 10 + (ar[ai] - U'0');
    for (; bi < br.size() && isDigit(br[bi]); ++bi) bn = bn * 10 + (br[bi] - U'0');
    if (an != bn) return static_cast<int64_t>(an) < static_cast<int64_t>(bn);
    if (ai != bi) return ai < bi;
    return ar[i] < br[i];
  }
  return ar.size() < br.size();
}

// Reorders every object's keys as go-yaml writes a Go map.
Json sortKeysAsGoYaml(const Json& j) {
  if (j.is_array()) {
    Json out = Json::array();
    for (const Json& e : j) out.push_back(sortKeysAsGoYaml(e));
    return out;
  }
  if (!j.is_object()) return j;
  std::vector<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.push_back(k);
  std::stable_sort(keys.begin(), keys.end(), goYamlKeyLess);
  Json out = Json::object();
  for (const std::string& k : keys) out[k] = sortKeysAsGoYaml(j.at(k));
  return out;
}

// Tilt's starlarkToYAMLString.
Result<std::string> toYamlText(const Value& v) {
  Json j = TRY(toStructuredData(v));
  if (auto ok = checkFinite(j); !ok) {
    return makeError(cat("error serializing object to yaml: error marshaling into JSON: ",
                         ok.error().message()));
  }
  return emitYaml(sortKeysAsGoYaml(j));
}

// ---- the builtins ------------------------------------------------------------------------------

Result<Value> readFileBuiltin(Thread& thread, const BuiltinCall& call) {
  LocalPathArg path;
  OptionalStringArg dflt;
  TRY_VOID(unpackArgs(call, {{"paths", &path}, {"default?", &dflt}}));
  State& st = stateOf(thread);
  std::string abs = tiltAbsPath(st, path.path);
  bool missing = false;
  auto text = readConfigFile(st, abs, &missing);
  if (!text) {
    if (missing && dflt.value) return makeBlob(*dflt.value);
    return std::unexpected(text.error());
  }
  return makeBlob(std::move(*text));
}

Result<Value> readJsonBuiltin(Thread& thread, const BuiltinCall& call) {
  LocalPathArg path;
  Value dflt = Value::unbound();
  TRY_VOID(unpackArgs(call, {{"paths", &path}, {"default?", &dflt}}));
  State& st = stateOf(thread);
  std::string abs = tiltAbsPath(st, path.path);
  bool missing = false;
  auto text = readConfigFile(st, abs, &missing);
  if (!text) {
    if (missing && !dflt.isUnbound()) return dflt;
    return std::unexpected(text.error());
  }
  return jsonTextToValue(*text, abs);
}

// Tilt's readYAMLStreamAsStarlarkList: the documents, or `dflt` if the file is missing.
Result<Value> readYamlStream(Thread& thread, const std::string& path, const Value& dflt) {
  State& st = stateOf(thread);
  std::string abs = tiltAbsPath(st, path);
  bool missing = false;
  auto text = readConfigFile(st, abs, &missing);
  if (!text) {
    if (missing && !dflt.isUnbound()) return dflt;
    return std::unexpected(text.error());
  }
  // Tilt names the file as the Tiltfile wrote it.
  return yamlTextToList(*text, path);
}

Result<Value> readYamlBuiltin(Thread& thread, const BuiltinCall& call) {
  std::string path;
  Value dflt = Value::unbound();
  TRY_VOID(unpackArgs(call, {{"paths", &path}, {"default?", &dflt}}));
  Value dflt_list = Value::unbound();
  if (!dflt.isUnbound()) dflt_list = starlark::make<List>(starlark::ValueVector{dflt});
  Value docs = TRY(readYamlStream(thread, path, dflt_list));
  return singleYamlDoc(docs);
}

Result<Value> readYamlStreamBuiltin(Thread& thread, const BuiltinCall& call) {
  std::string path;
  List* dflt = nullptr;
  TRY_VOID(unpackArgs(call, {{"paths", &path}, {"default?", &dflt}}));
  return readYamlStream(thread, path, dflt != nullptr ? Value(dflt) : Value::unbound());
}

Result<Value> decodeJsonBuiltin(Thread&, const BuiltinCall& call) {
  StringableArg text;
  TRY_VOID(unpackArgs(call, {{"json", &text}}));
  return jsonTextToValue(text.value, "");
}

Result<Value> decodeYamlBuiltin(Thread&, const BuiltinCall& call) {
  StringableArg text;
  TRY_VOID(unpackArgs(call, {{"yaml", &text}}));
  Value docs = TRY(yamlTextToList(text.value, ""));
  return singleYamlDoc(docs);
}

Result<Value> decodeYamlStreamBuiltin(Thread&, const BuiltinCall& call) {
  StringableArg text;
  TRY_VOID(unpackArgs(call, {{"yaml", &text}}));
  return yamlTextToList(text.value, "");
}

Result<Value> encodeJsonBuiltin(Thread&, const BuiltinCall& call) {
  Value obj;
  TRY_VOID(unpackArgs(call, {{"obj", &obj}}));
  Json j = TRY(toStructuredData(obj));
  auto text = writeIndentedJson(j);
  if (!text) {
    return makeError(cat("error serializing object to json: ", text.error().message()));
  }
  // Tilt returns a string here, not a Blob.
  return makeString(std::move(*text));
}

Result<Value> encodeYamlBuiltin(Thread&, const BuiltinCall& call) {
  Value obj;
  TRY_VOID(unpackArgs(call, {{"obj", &obj}}));
  return makeBlob(TRY(toYamlText(obj)));
}

Result<Value> encodeYamlStreamBuiltin(Thread&, const BuiltinCall& call) {
  List* objs = nullptr;
  TRY_VOID(unpackArgs(call, {{"objs", &objs}}));
  std::string out;
  bool first = true;
  for (const Value& v : objs->elems()) {
    if (!first) out += "---\n";
    first = false;
    out += TRY(toYamlText(v));
  }
  return makeBlob(std::move(out));
}

Result<Value> blobBuiltin(Thread&, const BuiltinCall& call) {
  std::string input;
  TRY_VOID(unpackArgs(call, {{"input", &input}}));
  return makeBlob(std::move(input));
}

Result<Value> watchFileBuiltin(Thread& thread, const BuiltinCall& call) {
  LocalPathArg path;
  TRY_VOID(unpackArgs(call, {{"paths", &path}}));
  State& st = stateOf(thread);
  TRY_VOID(recordReadPath(st, tiltAbsPath(st, path.path), WatchType::kRecursive));
  return Value::none();
}

// filepath.WalkDir's order: entries sorted by name, depth first; symbolic links are not
// followed (a link to a directory is listed like a file). Unreadable directories are skipped.
void walkDir(const std::string& dir, bool recursive, std::vector<std::string>& files) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return;
  std::vector<std::string> names;
  while (struct dirent* e = ::readdir(d)) {
    std::string_view name = e->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    std::string path = joinPath(dir, name);
    struct stat sb;
    const bool is_dir = ::lstat(path.c_str(), &sb) == 0 && S_ISDIR(sb.st_mode);
    if (!is_dir) {
      files.push_back(std::move(path));
    } else if (recursive) {
      walkDir(path, recursive, files);
    }
  }
}

Result<Value> listdirBuiltin(Thread& thread, const BuiltinCall& call) {
  LocalPathArg dir;
  bool recursive = false;
  TRY_VOID(unpackArgs(call, {{"dir", &dir}, {"recursive?", &recursive}}));
  State& st = stateOf(thread);
  std::string abs = tiltAbsPath(st, dir.path);
  // Tilt can only watch a directory recursively, so it records only recursive listings.
  if (recursive) TRY_VOID(recordReadPath(st, abs, WatchType::kRecursive));
  std::vector<std::string> files;
  struct stat sb;
  // A missing path, a file or a link lists nothing, as filepath.WalkDir on its root.
  if (::lstat(abs.c_str(), &sb) == 0 && S_ISDIR(sb.st_mode)) walkDir(abs, recursive, files);
  starlark::ValueVector elems;
  elems.reserve(files.size());
  for (std::string& f : files) elems.push_back(makeString(std::move(f)));
  return starlark::make<List>(std::move(elems));
}

}  // namespace

void addDataBuiltins(starlark::StringDict& d) {
  addBuiltin(d, "read_file", readFileBuiltin);
  addBuiltin(d, "read_json", readJsonBuiltin);
  addBuiltin(d, "read_yaml", readYamlBuiltin);
  addBuiltin(d, "read_yaml_stream", readYamlStreamBuiltin);
  addBuiltin(d, "decode_json", decodeJsonBuiltin);
  addBuiltin(d, "decode_yaml", decodeYamlBuiltin);
  addBuiltin(d, "decode_yaml_stream", decodeYamlStreamBuiltin);
  addBuiltin(d, "encode_json", encodeJsonBuiltin);
  addBuiltin(d, "encode_yaml", encodeYamlBuiltin);
  addBuiltin(d, "encode_yaml_stream", encodeYamlStreamBuiltin);
  addBuiltin(d, "blob", blobBuiltin);
  addBuiltin(d, "listdir", listdirBuiltin);
  addBuiltin(d, "watch_file", watchFileBuiltin);
}

}  // namespace slant::tiltfile
