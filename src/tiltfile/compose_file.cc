// Loading a Compose project the way compose-go v2 does, on JSON trees.
//
// Each compose file is parsed into one tree per YAML document. Every document goes through the
// same pipeline before it joins the project's model:
//
//   1. YAML merge keys (`<<: *anchor`) are applied, then every string value (never a key) is
//      interpolated from the environment; values at paths compose types (ports' target, tty,
//      replicas, ...) are cast from strings to numbers and booleans.
//   2. `extends` is applied service by service (bases from the same document or another file).
//   3. `include`d projects are loaded on their own (their own directory and .env) and imported.
//   4. The document is merged into the model with Compose's override rules: mappings merge key by
//      key, sequences append, scalars are replaced, and a few fields have rules of their own
//      (environment and labels merge by key, command and entrypoint are replaced, build and
//      depends_on accept both syntaxes). Sequences whose entries have an identity (ports,
//      volumes, environment entries, ...) keep one entry per identity, the later one winning.
//   5. The model is put in canonical form: short syntaxes (ports "8080:80", volumes "./a:/a",
//      `build: ./dir`, `depends_on: [a]`, `env_file: x`) become their long forms.
//
// After the last file, defaults are filled in, relative paths are made absolute against the
// project directory, and the model is normalized: the implicit `default` network, the
// Dockerfile's default name, environment entries without a value resolved from the
// environment, and dependencies implied by links, volumes_from and network_mode. Finally the
// services are decoded, filtered by profile, checked for consistency, their env files read, and
// ordered so that each comes after the services it depends on.
#include "tiltfile/compose_file.h"

#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include "starlark/lib/util.h"
#include "tiltfile/values.h"

extern char** environ;

namespace slant::tiltfile::compose {

namespace {

using starlark::makeError;
using starlark::Result;
using starlark::lib::cat;

// ---- paths in the model -----------------------------------------------------------------------

// A position in the model: mapping keys, and "[]" for a sequence element (compose-go's
// tree.Path).
using Path = std::vector<std::string>;

std::string pathString(const Path& p) {
  std::string out;
  for (size_t i = 0; i < p.size(); ++i) {
    if (i > 0) out += '.';
    out += p[i];
  }
  return out;
}

// Whether `p` matches a dotted pattern where "*" matches any one component.
bool matches(const Path& p, std::string_view pattern) {
  size_t i = 0;
  size_t start = 0;
  while (true) {
    size_t dot = pattern.find('.', start);
    std::string_view part =
        pattern.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (i >= p.size()) return false;
    if (part != "*" && part != p[i]) return false;
    ++i;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return i == p.size();
}

// ---- small helpers ----------------------------------------------------------------------------

bool isNameStart(char c) { return c == '_' || std::isalpha(static_cast<unsigned char>(c)); }
bool isNameChar(char c) { return c == '_' || std::isalnum(static_cast<unsigned char>(c)); }

// fmt.Sprint of a scalar, as compose-go prints values it turns into "key=value" strings.
std::string scalarString(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  if (v.is_number_unsigned()) return std::to_string(v.get<uint64_t>());
  if (v.is_number_float()) {
    double d = v.get<double>();
    if (std::floor(d) == d && std::fabs(d) < 1e21) {
      char buf[64];
      auto r = std::to_chars(buf, buf + sizeof buf, static_cast<int64_t>(d));
      return std::string(buf, r.ptr);
    }
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, d);
    return std::string(buf, r.ptr);
  }
  if (v.is_null()) return "";
  return v.dump();
}

std::optional<std::string> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool isDirectory(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_directory(path, ec);
}

bool exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

bool isAbs(std::string_view p) { return !p.empty() && p[0] == '/'; }

// filepath.Base.
std::string baseName(std::string_view p) {
  while (p.size() > 1 && p.back() == '/') p.remove_suffix(1);
  size_t slash = p.rfind('/');
  if (slash == std::string_view::npos || p.size() == 1) return std::string(p);
  return std::string(p.substr(slash + 1));
}

// paths.ExpandUser: a leading "~" is the home directory.
std::string expandUser(std::string_view p) {
  if (p.empty() || p[0] != '~') return std::string(p);
  const char* home = std::getenv("HOME");
  if (home == nullptr) return std::string(p);
  if (p.size() == 1) return home;
  if (p[1] != '/') return std::string(p);
  return joinPath(home, p.substr(2));
}

// relativePathsResolver.absPath.
std::string absPath(std::string_view dir, std::string_view p) {
  std::string v = expandUser(p);
  if (isAbs(v) || v.empty()) return v;
  return joinPath(dir, v);
}

// isRemoteContext and the other build contexts compose leaves alone.
bool isRemoteContext(std::string_view v) {
  if (v.find("://") != std::string_view::npos) return true;
  if (v.starts_with("service:")) return true;
  for (std::string_view prefix : {"https://", "http://", "git://", "ssh://", "github.com/", "git@"})
    if (v.starts_with(prefix)) return true;
  return false;
}

Env processEnvironment() {
  Env env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view kv(*e);
    size_t eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
  }
  return env;
}

Lookup lookupIn(const Env& env) {
  return [&env](std::string_view name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
}

bool parseBoolString(std::string_view s, bool* out) {
  std::string l;
  for (char c : s) l.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (l == "true" || l == "1" || l == "t") {
    *out = true;
    return true;
  }
  if (l == "false" || l == "0" || l == "f") {
    *out = false;
    return true;
  }
  return false;
}

// ---- YAML -------------------------------------------------------------------------------------

// Compose files are read as compose-go reads them, with go-yaml v3: YAML 1.2's core schema, so
// that `yes`, `on` or `y` stay strings (an environment value "on" is "on", not "true"), unlike
// the Kubernetes-flavoured typing of yaml.h.
bool isYamlFloat(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  size_t digits = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
  bool dot = i < s.size() && s[i] == '.';
  if (dot) {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t exp = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++exp;
    if (exp == 0) return false;
  }
  return i == s.size();
}

Json plainScalar(const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  std::string digits;
  for (char c : s)
    if (c != '_') digits += c;
  std::string_view d = digits;
  bool neg = !d.empty() && d[0] == '-';
  if (!d.empty() && (d[0] == '-' || d[0] == '+')) d.remove_prefix(1);
  int base = 10;
  if (d.size() > 2 && d[0] == '0' && (d[1] == 'x' || d[1] == 'X')) base = 16;
  if (d.size() > 2 && d[0] == '0' && (d[1] == 'o' || d[1] == 'O')) base = 8;
  if (d.size() > 2 && d[0] == '0' && (d[1] == 'b' || d[1] == 'B')) base = 2;
  if (base != 10) d.remove_prefix(2);
  // Go's base-0 parse, which go-yaml v3 uses, still reads "0755" as octal.
  if (base == 10 && d.size() > 1 && d[0] == '0') base = 8;
  if (!d.empty() && s.find_first_of("_") != 0) {
    uint64_t n = 0;
    auto r = std::from_chars(d.data(), d.data() + d.size(), n, base);
    if (r.ec == std::errc() && r.ptr == d.data() + d.size()) {
      if (!neg && n <= static_cast<uint64_t>(INT64_MAX)) return static_cast<int64_t>(n);
      if (neg && n <= static_cast<uint64_t>(INT64_MAX) + 1) {
        return n == static_cast<uint64_t>(INT64_MAX) + 1 ? INT64_MIN : -static_cast<int64_t>(n);
      }
      if (!neg) return n;
    }
  }
  if (isYamlFloat(s)) {
    if (auto f = starlark::lib::parseGoFloat(s)) return *f;
  }
  for (std::string_view inf : {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"})
    if (s == inf) return std::numeric_limits<double>::infinity();
  for (std::string_view inf : {"-.inf", "-.Inf", "-.INF"})
    if (s == inf) return -std::numeric_limits<double>::infinity();
  return s;
}

Json nodeToJson(const YAML::Node& node, int depth) {
  if (depth > 1000) return nullptr;
  switch (node.Type()) {
    case YAML::NodeType::Scalar: {
      const std::string& tag = node.Tag();
      if (tag == "?") return plainScalar(node.Scalar());
      if (tag == "tag:yaml.org,2002:int" || tag == "tag:yaml.org,2002:float" ||
          tag == "tag:yaml.org,2002:bool" || tag == "tag:yaml.org,2002:null") {
        return plainScalar(node.Scalar());
      }
      return node.Scalar();
    }
    case YAML::NodeType::Sequence: {
      Json a = Json::array();
      for (const YAML::Node& e : node) a.push_back(nodeToJson(e, depth + 1));
      return a;
    }
    case YAML::NodeType::Map: {
      Json m = Json::object();
      for (const auto& kv : node) {
        Json key = nodeToJson(kv.first, depth + 1);
        std::string k = key.is_string() ? key.get<std::string>() : key.dump();
        if (key.is_null()) k = "null";
        m[k] = nodeToJson(kv.second, depth + 1);
      }
      return m;
    }
    default:
      return nullptr;
  }
}

// The documents of a compose file; empty documents are skipped. Errors: "yaml: line 3: ...".
Result<std::vector<Json>> parseComposeYaml(const std::string& text) {
  std::vector<Json> docs;
  try {
    for (const YAML::Node& doc : YAML::LoadAll(text)) {
      if (doc.IsNull() || !doc.IsDefined()) continue;
      docs.push_back(nodeToJson(doc, 0));
    }
  } catch (const YAML::Exception& e) {
    return makeError(cat("yaml: line ", e.mark.line + 1, ": ", e.msg));
  }
  return docs;
}

// ---- interpolation ----------------------------------------------------------------------------

// Why a substitution failed; compose-go words the two cases differently when it names the path.
struct SubstError {
  enum class Kind { kInvalid, kRequired } kind;
  std::string message;
};

using SubstResult = std::expected<std::string, SubstError>;

// template.getFirstBraceClosingIndex: the index of the '}' closing the "${" at `start`, counting
// nested braces (the character after each '{' is skipped, as compose does); npos if none.
size_t closingBrace(std::string_view s, size_t start) {
  int open = 0;
  for (size_t i = start; i < s.size(); ++i) {
    if (s[i] == '}') {
      --open;
      if (open == 0) return i;
    }
    if (s[i] == '{') {
      ++open;
      ++i;
    }
  }
  return std::string_view::npos;
}

SubstResult substitute(std::string_view t, const Lookup& lookup,
                       std::vector<std::string>* warnings) {
  auto get = [&](std::string_view name) -> std::optional<std::string> {
    return lookup ? lookup(name) : std::nullopt;
  };
  auto unset = [&](std::string_view name) {
    if (warnings != nullptr) {
      warnings->push_back(
          cat("The \"", name, "\" variable is not set. Defaulting to a blank string."));
    }
  };
  std::string out;
  size_t i = 0;
  while (i < t.size()) {
    char c = t[i];
    if (c != '$' || i + 1 >= t.size()) {
      out += c;
      ++i;
      continue;
    }
    char d = t[i + 1];
    if (d == '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (isNameStart(d)) {
      size_t j = i + 1;
      while (j < t.size() && isNameChar(t[j])) ++j;
      std::string_view name = t.substr(i + 1, j - i - 1);
      if (auto v = get(name)) {
        out += *v;
      } else {
        unset(name);
      }
      i = j;
      continue;
    }
    if (d != '{') {
      out += c;
      ++i;
      continue;
    }
    // "${": a name, then "}" or an operator and a word, then the closing brace.
    size_t j = i + 2;
    if (j >= t.size() || !isNameStart(t[j]))
      return std::unexpected(SubstError{SubstError::Kind::kInvalid, ""});
    while (j < t.size() && isNameChar(t[j])) ++j;
    std::string name(t.substr(i + 2, j - i - 2));
    if (j < t.size() && t[j] == '}') {
      if (auto v = get(name)) {
        out += *v;
      } else {
        unset(name);
      }
      i = j + 1;
      continue;
    }
    bool colon = j < t.size() && t[j] == ':';
    size_t op_at = colon ? j + 1 : j;
    if (op_at >= t.size() || (t[op_at] != '-' && t[op_at] != '+' && t[op_at] != '?') ||
        t.find('}', op_at) == std::string_view::npos) {
      return std::unexpected(SubstError{SubstError::Kind::kInvalid, ""});
    }
    char op = t[op_at];
    size_t close = closingBrace(t, i);
    if (close == std::string_view::npos) close = t.rfind('}');
    std::string_view word = t.substr(op_at + 1, close - op_at - 1);
    std::optional<std::string> value = get(name);
    bool present = value.has_value() && (!colon || !value->empty());
    switch (op) {
      case '-':
        if (present) {
          out += *value;
        } else {
          out += TRY(substitute(word, lookup, warnings));
        }
        break;
      case '+':
        if (present)
          out += TRY(substitute(word, lookup, warnings));
        else if (value)
          out += *value;
        break;
      case '?':
        if (present) {
          out += *value;
        } else {
          std::string reason = TRY(substitute(word, lookup, warnings));
          std::string msg = cat("required variable ", name, " is missing a value");
          if (!reason.empty()) msg += cat(": ", reason);
          return std::unexpected(SubstError{SubstError::Kind::kRequired, std::move(msg)});
        }
        break;
    }
    i = close + 1;
  }
  return out;
}

// The paths whose string values compose-go casts after interpolation (interpolateTypeCastMapping).
enum class Cast { kInt, kFloat, kBool };
struct CastRule {
  std::string_view pattern;
  Cast cast;
};
constexpr CastRule kCasts[] = {
    {"services.*.cpu_count", Cast::kInt},
    {"services.*.cpu_percent", Cast::kFloat},
    {"services.*.cpu_period", Cast::kInt},
    {"services.*.cpu_quota", Cast::kInt},
    {"services.*.cpu_rt_period", Cast::kInt},
    {"services.*.cpu_rt_runtime", Cast::kInt},
    {"services.*.cpus", Cast::kFloat},
    {"services.*.cpu_shares", Cast::kInt},
    {"services.*.init", Cast::kBool},
    {"services.*.depends_on.*.required", Cast::kBool},
    {"services.*.depends_on.*.restart", Cast::kBool},
    {"services.*.deploy.replicas", Cast::kInt},
    {"services.*.deploy.update_config.parallelism", Cast::kInt},
    {"services.*.deploy.update_config.max_failure_ratio", Cast::kFloat},
    {"services.*.deploy.rollback_config.parallelism", Cast::kInt},
    {"services.*.deploy.rollback_config.max_failure_ratio", Cast::kFloat},
    {"services.*.deploy.restart_policy.max_attempts", Cast::kInt},
    {"services.*.deploy.placement.max_replicas_per_node", Cast::kInt},
    {"services.*.healthcheck.retries", Cast::kInt},
    {"services.*.healthcheck.disable", Cast::kBool},
    {"services.*.oom_kill_disable", Cast::kBool},
    {"services.*.oom_score_adj", Cast::kInt},
    {"services.*.pids_limit", Cast::kInt},
    {"services.*.ports.[].target", Cast::kInt},
    {"services.*.privileged", Cast::kBool},
    {"services.*.read_only", Cast::kBool},
    {"services.*.scale", Cast::kInt},
    {"services.*.stdin_open", Cast::kBool},
    {"services.*.tty", Cast::kBool},
    {"services.*.ulimits.*", Cast::kInt},
    {"services.*.ulimits.*.hard", Cast::kInt},
    {"services.*.ulimits.*.soft", Cast::kInt},
    {"services.*.volumes.[].read_only", Cast::kBool},
    {"services.*.volumes.[].volume.nocopy", Cast::kBool},
    {"networks.*.external", Cast::kBool},
    {"networks.*.internal", Cast::kBool},
    {"networks.*.attachable", Cast::kBool},
    {"networks.*.enable_ipv4", Cast::kBool},
    {"networks.*.enable_ipv6", Cast::kBool},
    {"volumes.*.external", Cast::kBool},
    {"secrets.*.external", Cast::kBool},
    {"configs.*.external", Cast::kBool},
};

Result<Json> castValue(const std::string& s, Cast cast) {
  switch (cast) {
    case Cast::kInt: {
      int64_t n = 0;
      std::string_view sv = s;
      if (!sv.empty() && sv[0] == '+') sv.remove_prefix(1);
      auto r = std::from_chars(sv.data(), sv.data() + sv.size(), n);
      if (sv.empty() || r.ec != std::errc() || r.ptr != sv.data() + sv.size()) {
        return makeError(cat("strconv.Atoi: parsing \"", s, "\": invalid syntax"));
      }
      return Json(n);
    }
    case Cast::kFloat: {
      auto d = starlark::lib::parseGoFloat(s);
      if (!d) return makeError(cat("strconv.ParseFloat: parsing \"", s, "\": invalid syntax"));
      return Json(*d);
    }
    case Cast::kBool: {
      std::string l;
      for (char c : s) l.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      if (l == "true" || l == "y" || l == "yes" || l == "on") return Json(true);
      if (l == "false" || l == "n" || l == "no" || l == "off") return Json(false);
      return makeError(cat("invalid boolean: ", s));
    }
  }
  return Json(s);
}

Result<void> interpolateTree(Json& node, Path& path, const Lookup& lookup,
                             std::vector<std::string>* warnings) {
  if (node.is_string()) {
    std::string original = node.get<std::string>();
    auto r = substitute(original, lookup, warnings);
    if (!r) {
      if (r.error().kind == SubstError::Kind::kInvalid) {
        return makeError(cat("invalid interpolation format for ", pathString(path),
                             ".\nYou may need to escape any $ with another $.\n", original));
      }
      return makeError(
          cat("error while interpolating ", pathString(path), ": ", r.error().message));
    }
    node = *r;
    for (const CastRule& rule : kCasts) {
      if (!matches(path, rule.pattern)) continue;
      auto cast = castValue(*r, rule.cast);
      if (!cast) {
        return makeError(cat("error while interpolating ", pathString(path),
                             ": failed to cast to expected type: ", cast.error().message()));
      }
      node = std::move(*cast);
      break;
    }
    return {};
  }
  if (node.is_object()) {
    for (auto& [key, value] : node.items()) {
      path.push_back(key);
      auto r = interpolateTree(value, path, lookup, warnings);
      path.pop_back();
      if (!r) return r;
    }
  } else if (node.is_array()) {
    for (Json& e : node) {
      path.push_back("[]");
      auto r = interpolateTree(e, path, lookup, warnings);
      path.pop_back();
      if (!r) return r;
    }
  }
  return {};
}

// YAML merge keys ("<<: *base" or "<<: [*a, *b]"), in case the YAML layer kept them as keys:
// keys of the mapping itself win, then earlier sources.
void applyMergeKeys(Json& node) {
  if (node.is_array()) {
    for (Json& e : node) applyMergeKeys(e);
    return;
  }
  if (!node.is_object()) return;
  for (auto& [key, value] : node.items()) applyMergeKeys(value);
  auto it = node.find("<<");
  if (it == node.end()) return;
  Json sources = std::move(*it);
  node.erase("<<");
  std::vector<const Json*> list;
  if (sources.is_object()) list.push_back(&sources);
  if (sources.is_array())
    for (const Json& s : sources)
      if (s.is_object()) list.push_back(&s);
  for (const Json* src : list)
    for (const auto& [k, v] : src->items())
      if (!node.contains(k)) node[k] = v;
}

// ---- merging (override.MergeYaml) -------------------------------------------------------------

// convertIntoSequence: a mapping becomes sorted "key=value" strings ("key" for a null value).
Json toSequence(const Json& v) {
  if (v.is_array()) return v;
  if (v.is_string()) return Json::array({v});
  Json seq = Json::array();
  if (v.is_object()) {
    std::vector<std::string> items;
    for (const auto& [k, e] : v.items()) {
      if (e.is_null()) {
        items.push_back(k);
      } else if (e.is_array()) {
        for (const Json& x : e) items.push_back(cat(k, "=", scalarString(x)));
      } else {
        items.push_back(cat(k, "=", scalarString(e)));
      }
    }
    std::sort(items.begin(), items.end());
    for (std::string& s : items) seq.push_back(std::move(s));
  }
  return seq;
}

// convertIntoMapping: a sequence of names becomes a mapping of each name to `value`.
Json toMapping(const Json& v, const Json& value) {
  if (v.is_object()) return v;
  Json m = Json::object();
  if (v.is_array())
    for (const Json& e : v)
      if (e.is_string()) m[e.get<std::string>()] = value;
  return m;
}

Json dependencyDefaults() {
  Json d = Json::object();
  d["condition"] = "service_started";
  d["required"] = true;
  return d;
}

Result<Json> mergeYaml(Json base, const Json& over, Path& path);

Result<Json> mergeMappings(Json base, const Json& over, Path& path) {
  for (const auto& [k, v] : over.items()) {
    auto it = base.find(k);
    if (it == base.end()) {
      base[k] = v;
      continue;
    }
    path.push_back(k);
    auto merged = mergeYaml(std::move(*it), v, path);
    path.pop_back();
    if (!merged) return merged;
    base[k] = std::move(*merged);
  }
  return base;
}

bool isSequenceMerge(const Path& p) {
  for (std::string_view pattern :
       {"networks.*.labels", "volumes.*.labels", "services.*.annotations", "services.*.build.args",
        "services.*.build.additional_contexts", "services.*.build.labels",
        "services.*.deploy.labels", "services.*.dns", "services.*.dns_opt", "services.*.dns_search",
        "services.*.env_file", "services.*.label_file", "services.*.environment",
        "services.*.labels", "services.*.volumes.*.volume.labels", "services.*.sysctls",
        "services.*.tmpfs"}) {
    if (matches(p, pattern)) return true;
  }
  return false;
}

Result<Json> mergeYaml(Json base, const Json& over, Path& path) {
  if (isSequenceMerge(path)) {
    Json seq = toSequence(base);
    for (const Json& e : toSequence(over)) seq.push_back(e);
    return seq;
  }
  if (matches(path, "services.*.command") || matches(path, "services.*.entrypoint") ||
      matches(path, "services.*.healthcheck.test") || matches(path, "services.*.ulimits.*")) {
    return over;
  }
  if (matches(path, "services.*.build")) {
    auto toBuild = [](const Json& v) {
      if (v.is_string()) return Json::object({{"context", v}});
      return v.is_object() ? v : Json::object();
    };
    return mergeMappings(toBuild(base), toBuild(over), path);
  }
  if (matches(path, "services.*.depends_on")) {
    return mergeMappings(toMapping(base, dependencyDefaults()),
                         toMapping(over, dependencyDefaults()), path);
  }
  if (matches(path, "services.*.networks") || matches(path, "services.*.models")) {
    return mergeMappings(toMapping(base, nullptr), toMapping(over, nullptr), path);
  }
  if (matches(path, "services.*.extra_hosts") || matches(path, "services.*.build.extra_hosts")) {
    Json seq = toSequence(base);
    for (const Json& e : toSequence(over))
      if (std::find(seq.begin(), seq.end(), e) == seq.end()) seq.push_back(e);
    return seq;
  }
  if (matches(path, "services.*.logging") && base.is_object() && over.is_object()) {
    auto d1 = over.find("driver");
    auto d2 = base.find("driver");
    if (d1 == over.end() || d2 == base.end() || *d1 == *d2) return mergeMappings(base, over, path);
    return over;
  }
  if (over.is_null()) return base;
  if (base.is_object()) {
    if (!over.is_object()) return makeError(cat("cannot override ", pathString(path)));
    return mergeMappings(std::move(base), over, path);
  }
  if (base.is_array()) {
    if (!over.is_array()) return makeError(cat("cannot override ", pathString(path)));
    for (const Json& e : over) base.push_back(e);
    return base;
  }
  return over;
}

// ---- unicity (override.EnforceUnicity) --------------------------------------------------------

// The identity of a sequence entry under `path`, or nullopt if entries there have none.
std::optional<std::string> entryKey(const Path& path, const Json& e) {
  auto keyValue = [&]() -> std::string {
    std::string s = e.is_string() ? e.get<std::string>() : scalarString(e);
    return s.substr(0, s.find('='));
  };
  for (std::string_view pattern : {"networks.*.labels",
                                   "networks.*.ipam.options",
                                   "services.*.annotations",
                                   "services.*.build.args",
                                   "services.*.build.additional_contexts",
                                   "services.*.build.platform",
                                   "services.*.build.tags",
                                   "services.*.build.labels",
                                   "services.*.cap_add",
                                   "services.*.cap_drop",
                                   "services.*.deploy.labels",
                                   "services.*.dns",
                                   "services.*.dns_opt",
                                   "services.*.dns_search",
                                   "services.*.environment",
                                   "services.*.labels",
                                   "services.*.links",
                                   "services.*.networks.*.aliases",
                                   "services.*.networks.*.link_local_ips",
                                   "services.*.profiles",
                                   "services.*.sysctls",
                                   "services.*.tmpfs"}) {
    if (matches(path, pattern)) return keyValue();
  }
  if (matches(path, "services.*.ports")) {
    if (e.is_object()) {
      auto field = [&](const char* k, std::string def) {
        auto it = e.find(k);
        return it == e.end() ? def : scalarString(*it);
      };
      return cat(field("host_ip", "0.0.0.0"), ":", field("published", ""), ":", field("target", ""),
                 "/", field("protocol", "tcp"));
    }
    return scalarString(e);
  }
  if (matches(path, "services.*.volumes")) {
    if (e.is_object()) {
      auto it = e.find("target");
      return it != e.end() && it->is_string() ? it->get<std::string>() : "";
    }
    return std::nullopt;  // short syntax: identified once canonical
  }
  if (matches(path, "services.*.env_file")) {
    if (e.is_string()) return e.get<std::string>();
    if (e.is_object() && e.contains("path")) return scalarString(e["path"]);
    return "";
  }
  if (matches(path, "services.*.expose")) return scalarString(e);
  if (matches(path, "services.*.secrets") || matches(path, "services.*.configs")) {
    std::string dflt = matches(path, "services.*.secrets") ? "/run/secrets" : "";
    if (e.is_string()) return cat(dflt, "/", e.get<std::string>());
    if (e.is_object()) {
      if (e.contains("target")) return scalarString(e["target"]);
      return cat(dflt, "/", e.contains("source") ? scalarString(e["source"]) : "");
    }
  }
  return std::nullopt;
}

void enforceUnicity(Json& node, Path& path) {
  if (node.is_object()) {
    for (auto& [k, v] : node.items()) {
      path.push_back(k);
      enforceUnicity(v, path);
      path.pop_back();
    }
    return;
  }
  if (!node.is_array() || node.empty()) return;
  if (!entryKey(path, node[0]) && !matches(path, "services.*.volumes")) return;
  Json seq = Json::array();
  std::map<std::string, size_t> seen;
  for (Json& e : node) {
    auto key = entryKey(path, e);
    if (!key) {
      seq.push_back(std::move(e));
      continue;
    }
    auto it = seen.find(*key);
    if (it != seen.end()) {
      seq[it->second] = std::move(e);
    } else {
      seen[*key] = seq.size();
      seq.push_back(std::move(e));
    }
  }
  node = std::move(seq);
}

// ---- canonical form (transform.Canonical) -----------------------------------------------------

// A parsed "host:port" range: first and last port.
struct PortRange {
  uint64_t first = 0;
  uint64_t last = 0;
};

std::optional<PortRange> parsePortRange(std::string_view s) {
  auto one = [](std::string_view p) -> std::optional<uint64_t> {
    uint64_t n = 0;
    auto r = std::from_chars(p.data(), p.data() + p.size(), n);
    if (p.empty() || r.ec != std::errc() || r.ptr != p.data() + p.size() || n > 65535) {
      return std::nullopt;
    }
    return n;
  };
  size_t dash = s.find('-');
  if (dash == std::string_view::npos) {
    auto n = one(s);
    if (!n) return std::nullopt;
    return PortRange{*n, *n};
  }
  auto a = one(s.substr(0, dash));
  auto b = one(s.substr(dash + 1));
  if (!a || !b || *b < *a) return std::nullopt;
  return PortRange{*a, *b};
}

bool validIp(std::string_view ip) {
  if (ip.find(':') != std::string_view::npos) {
    for (char c : ip)
      if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.') return false;
    return true;
  }
  int parts = 0;
  size_t start = 0;
  while (true) {
    size_t dot = ip.find('.', start);
    std::string_view part = ip.substr(start, dot == std::string_view::npos ? ip.npos : dot - start);
    int n = 0;
    auto r = std::from_chars(part.data(), part.data() + part.size(), n);
    if (part.empty() || part.size() > 3 || r.ptr != part.data() + part.size() || n > 255) {
      return false;
    }
    ++parts;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return parts == 4;
}

// types.ParsePortConfig (go-connections' nat.ParsePortSpec): "[ip:][host[-host]:]container
// [-container][/proto]" into one long-syntax entry per container port.
Result<std::vector<Json>> parsePortSpec(std::string_view raw) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t colon = raw.find(':', start);
    parts.push_back(raw.substr(start, colon == raw.npos ? raw.npos : colon - start));
    if (colon == raw.npos) break;
    start = colon + 1;
  }
  std::string ip;
  std::string_view host_port;
  std::string_view container = parts.back();
  size_t n = parts.size();
  if (n == 2) host_port = parts[0];
  if (n == 3) {
    ip = std::string(parts[0]);
    host_port = parts[1];
  }
  if (n > 3) {
    size_t ip_end = raw.size() - parts[n - 1].size() - parts[n - 2].size() - 2;
    ip = std::string(raw.substr(0, ip_end));
    host_port = parts[n - 2];
  }
  std::string proto = "tcp";
  if (size_t slash = container.find('/'); slash != container.npos) {
    proto = std::string(container.substr(slash + 1));
    container = container.substr(0, slash);
  }
  if (!ip.empty() && ip.front() == '[' && ip.back() == ']') ip = ip.substr(1, ip.size() - 2);
  if (!ip.empty() && !validIp(ip)) return makeError(cat("invalid IP address: ", ip));
  if (container.empty()) return makeError(cat("no port specified: ", raw, "<empty>"));
  auto cr = parsePortRange(container);
  if (!cr) return makeError(cat("invalid containerPort: ", container));
  PortRange hr;
  if (!host_port.empty()) {
    auto h = parsePortRange(host_port);
    if (!h) return makeError(cat("invalid hostPort: ", host_port));
    hr = *h;
    if (cr->last - cr->first != hr.last - hr.first && cr->last != cr->first) {
      return makeError(cat("invalid ranges specified for container and host Ports: ", container,
                           " and ", host_port));
    }
  }
  std::string lower;
  for (char c : proto)
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (lower != "tcp" && lower != "udp" && lower != "sctp") {
    return makeError(cat("invalid proto: ", proto));
  }
  std::vector<Json> out;
  for (uint64_t i = 0; i <= cr->last - cr->first; ++i) {
    std::string published;
    if (!host_port.empty()) published = std::to_string(hr.first + i);
    if (!host_port.empty() && cr->first == cr->last && hr.first != hr.last) {
      published = cat(std::to_string(hr.first), "-", std::to_string(hr.last));
    }
    Json p = Json::object();
    p["mode"] = "ingress";
    if (!ip.empty()) p["host_ip"] = ip;
    p["target"] = static_cast<int64_t>(cr->first + i);
    if (!published.empty()) p["published"] = published;
    p["protocol"] = lower;
    out.push_back(std::move(p));
  }
  // nat sorts the container ports as strings.
  std::stable_sort(out.begin(), out.end(), [](const Json& a, const Json& b) {
    return std::to_string(a["target"].get<int64_t>()) < std::to_string(b["target"].get<int64_t>());
  });
  return out;
}

bool isFilePath(std::string_view source) {
  if (source.empty()) return false;
  if (source[0] == '.' || source[0] == '/' || source[0] == '~') return true;
  if (source.starts_with("\\\\")) return true;
  return source.size() > 1 && std::isalpha(static_cast<unsigned char>(source[0])) &&
         source[1] == ':';
}

std::string cleanTarget(std::string_view t) { return t.empty() ? std::string() : cleanPath(t); }

// format.ParseVolume: "[source:]target[:options]" into the long syntax.
Result<Json> parseVolumeSpec(std::string_view spec) {
  Json v = Json::object();
  if (spec.empty()) return makeError("invalid empty volume spec");
  std::string source, target, options;
  if (spec.size() <= 2) {
    target = std::string(spec);
  } else {
    std::vector<std::string> fields;
    std::string buf;
    int in_var = 0;
    for (size_t i = 0; i <= spec.size(); ++i) {
      char c = i < spec.size() ? spec[i] : '\0';
      if (c == '$' && i + 1 < spec.size() && spec[i + 1] == '{') {
        ++in_var;
        buf += c;
        continue;
      }
      if (c == '}' && in_var > 0) {
        --in_var;
        buf += c;
        continue;
      }
      bool drive = c == ':' && buf.size() == 1 && std::isalpha(static_cast<unsigned char>(buf[0]));
      if (!drive && (c == ':' || i == spec.size()) && in_var == 0) {
        if (buf.empty())
          return makeError(cat("invalid spec: ", spec, ": empty section between colons"));
        fields.push_back(buf);
        buf.clear();
        if (fields.size() > 3) return makeError(cat("invalid spec: ", spec, ": too many colons"));
        continue;
      }
      buf += c;
    }
    if (fields.size() == 1) {
      target = fields[0];
    } else {
      source = fields[0];
      target = fields[1];
      if (fields.size() == 3) options = fields[2];
    }
  }
  bool bind = isFilePath(source);
  v["type"] = bind ? "bind" : "volume";
  if (!source.empty()) v["source"] = source;
  v["target"] = cleanTarget(target);
  Json bind_opts = Json::object();
  Json volume_opts = Json::object();
  bool read_only = false;
  if (!options.empty()) {
    std::stringstream ss(options);
    std::string opt;
    while (std::getline(ss, opt, ',')) {
      if (opt == "ro") read_only = true;
      if (opt == "rw") read_only = false;
      if (opt == "nocopy") volume_opts["nocopy"] = true;
      if (opt == "z" || opt == "Z") bind_opts["selinux"] = opt;
      if (opt == "rprivate" || opt == "private" || opt == "rshared" || opt == "shared" ||
          opt == "rslave" || opt == "slave") {
        bind_opts["propagation"] = opt;
      }
    }
  }
  if (read_only) v["read_only"] = true;
  if (bind) {
    bind_opts["create_host_path"] = true;
    v["bind"] = bind_opts;
  } else {
    v["volume"] = volume_opts;
  }
  return v;
}

Result<void> canonicalService(Json& svc, Path& path) {
  if (!svc.is_object()) return {};
  for (auto& [key, value] : svc.items()) {
    path.push_back(key);
    std::string p = pathString(path);
    if (key == "build") {
      if (value.is_string()) {
        value = Json::object({{"context", value}});
      } else if (!value.is_object()) {
        return makeError(cat(p, ": invalid type ", value.type_name(), " for build"));
      }
    } else if (key == "depends_on") {
      if (value.is_array()) {
        value = toMapping(value, dependencyDefaults());
      } else if (value.is_object()) {
        for (auto& [dep, d] : value.items()) {
          if (!d.is_object()) return makeError(cat(p, ".", dep, ": unsupported value"));
          if (!d.contains("condition")) d["condition"] = "service_started";
          if (!d.contains("required")) d["required"] = true;
        }
      } else {
        return makeError(cat(p, ": invalid type ", value.type_name(), " for depend_on"));
      }
    } else if (key == "env_file") {
      if (value.is_string()) value = Json::array({value});
      if (!value.is_array()) {
        return makeError(cat(p, ": invalid type ", value.type_name(), " for env_file"));
      }
      for (Json& e : value) {
        if (e.is_string()) {
          e = Json::object({{"path", e}, {"required", true}});
        } else if (e.is_object() && !e.contains("required")) {
          e["required"] = true;
        }
      }
    } else if (key == "label_file" || key == "dns") {
      if (value.is_string()) value = Json::array({value});
    } else if (key == "networks" || key == "models") {
      if (value.is_array()) value = toMapping(value, nullptr);
    } else if (key == "ports") {
      if (!value.is_array()) {
        return makeError(cat(p, ": invalid type ", value.type_name(), " for port"));
      }
      Json ports = Json::array();
      for (const Json& e : value) {
        if (e.is_string() || e.is_number_integer()) {
          for (Json& pj : TRY(parsePortSpec(scalarString(e)))) ports.push_back(std::move(pj));
        } else if (e.is_object()) {
          ports.push_back(e);
        } else {
          return makeError(cat(p, ": invalid type ", e.type_name(), " for port"));
        }
      }
      value = std::move(ports);
    } else if (key == "volumes") {
      if (value.is_array()) {
        for (Json& e : value) {
          if (e.is_string()) {
            e = TRY(parseVolumeSpec(e.get<std::string>()));
          } else if (!e.is_object()) {
            return makeError(
                cat(p, ".[]: invalid type ", e.type_name(), " for service volume mount"));
          }
        }
      }
    } else if (key == "secrets" || key == "configs") {
      if (value.is_array())
        for (Json& e : value)
          if (e.is_string()) e = Json::object({{"source", e}});
    }
    path.pop_back();
  }
  return {};
}

Result<void> canonical(Json& dict) {
  auto it = dict.find("services");
  if (it == dict.end() || !it->is_object()) return {};
  Path path{"services", ""};
  for (auto& [name, svc] : it->items()) {
    path[1] = name;
    TRY_VOID(canonicalService(svc, path));
  }
  return {};
}

// ---- the loader -------------------------------------------------------------------------------

constexpr std::string_view kTopLevelKeys[] = {"version",  "name",    "include",
                                              "services", "models",  "networks",
                                              "volumes",  "secrets", "configs"};

struct Loader {
  std::vector<std::string>* warnings;
  std::vector<std::string>* files_read;

  void recordRead(const std::string& path) {
    if (std::find(files_read->begin(), files_read->end(), path) == files_read->end()) {
      files_read->push_back(path);
    }
  }

  Result<std::string> read(const ConfigFile& f) {
    if (f.content) return *f.content;
    auto content = readFile(f.path);
    if (!content) {
      return makeError(cat("open ", f.path, ": no such file or directory"));
    }
    return *content;
  }

  // Reads the env files into `env` (existing variables win), as cli.WithDotEnv.
  Result<void> readEnvFiles(const std::vector<std::string>& files, Env& env) {
    Env from_files;
    for (const std::string& f : files) {
      if (!exists(f)) return makeError(cat("couldn't find env file: ", f));
      if (isDirectory(f)) return makeError(cat(f, " is a directory"));
      auto text = readFile(f);
      if (!text) return makeError(cat("couldn't read env file: ", f));
      recordRead(f);
      Lookup lookup = [&](std::string_view k) -> std::optional<std::string> {
        if (auto it = env.find(k); it != env.end()) return it->second;
        if (auto it = from_files.find(k); it != from_files.end()) return it->second;
        return std::nullopt;
      };
      auto r = parseDotEnv(*text, from_files, lookup);
      if (!r) return makeError(cat("failed to read ", f, ": ", r.error().message()));
    }
    for (auto& [k, v] : from_files) env.emplace(k, v);
    return {};
  }

  // Loads a model from files (loadYamlModel): the per-file pipeline, then defaults, absolute
  // paths and environment entries resolved.
  Result<Json> loadModel(const std::vector<ConfigFile>& files, const std::string& working_dir,
                         const Env& env, std::vector<std::string> included) {
    Json dict = Json::object();
    for (const ConfigFile& f : files) {
      std::string content = TRY(read(f));
      auto docs = parseComposeYaml(content);
      if (!docs) return makeError(cat("failed to parse ", f.path, ": ", docs.error().message()));
      for (Json& doc : *docs) {
        TRY_VOID(processDocument(std::move(doc), f.path, working_dir, env, dict, included));
      }
    }
    setDefaults(dict);
    resolvePaths(dict, working_dir);
    resolveEnvironmentEntries(dict, env);
    return dict;
  }

  Result<void> processDocument(Json doc, const std::string& file, const std::string& working_dir,
                               const Env& env, Json& dict, std::vector<std::string>& included) {
    if (!doc.is_object()) return makeError("top-level object must be a mapping");
    applyMergeKeys(doc);
    Path path;
    TRY_VOID(interpolateTree(doc, path, lookupIn(env), warnings));
    if (auto it = doc.find("services"); it != doc.end() && !it->is_null() && !it->is_object()) {
      return makeError(cat("validating ", file, ": services must be a mapping"));
    }
    TRY_VOID(applyExtends(doc, file, env, {}));
    included.push_back(file);
    TRY_VOID(applyInclude(doc, working_dir, env, included));
    for (const auto& [key, value] : doc.items()) {
      if (key.starts_with("x-")) continue;
      if (std::find(std::begin(kTopLevelKeys), std::end(kTopLevelKeys), key) ==
          std::end(kTopLevelKeys)) {
        return makeError(
            cat("validating ", file, ": additional properties '", key, "' not allowed"));
      }
    }
    if (auto it = doc.find("services"); it != doc.end() && it->is_object()) {
      for (const auto& [name, svc] : it->items()) {
        if (!svc.is_object() && !svc.is_null()) {
          return makeError(cat("validating ", file, ": services.", name, " must be a mapping"));
        }
      }
    }
    Path root;
    dict = TRY(mergeYaml(std::move(dict), doc, root));
    enforceUnicity(dict, root);
    dict.erase("version");
    TRY_VOID(canonical(dict));
    enforceUnicity(dict, root);
    return {};
  }

  // ApplyExtends for every service of a document.
  Result<void> applyExtends(Json& doc, const std::string& file, const Env& env,
                            std::vector<std::string> chain) {
    auto it = doc.find("services");
    if (it == doc.end() || !it->is_object()) return {};
    std::vector<std::string> names;
    for (const auto& [name, svc] : it->items()) names.push_back(name);
    for (const std::string& name : names) {
      TRY_VOID(extendService(*it, name, file, env, chain));
    }
    return {};
  }

  Result<void> extendService(Json& services, const std::string& name, const std::string& file,
                             const Env& env, std::vector<std::string> chain) {
    Json& svc = services[name];
    if (!svc.is_object()) return {};
    auto ext = svc.find("extends");
    if (ext == svc.end()) return {};
    std::string ref;
    std::optional<std::string> other_file;
    if (ext->is_string()) {
      ref = ext->get<std::string>();
    } else if (ext->is_object()) {
      auto s = ext->find("service");
      if (s == ext->end() || !s->is_string()) {
        return makeError(cat("extends.", name, ".service is required"));
      }
      ref = s->get<std::string>();
      if (auto f = ext->find("file"); f != ext->end() && f->is_string()) {
        other_file = f->get<std::string>();
      }
    } else {
      return makeError(cat("services.", name, ".extends must be a string or a mapping"));
    }
    std::string key = cat(file, "#", name);
    if (std::find(chain.begin(), chain.end(), key) != chain.end()) {
      std::string msg = "Circular reference:\n";
      for (const std::string& c : chain) msg += cat("  ", c, " extends\n");
      return makeError(cat(msg, "  ", key));
    }
    chain.push_back(key);

    Json base;
    if (other_file) {
      std::string path = absPath(dirName(file), *other_file);
      auto content = readFile(path);
      if (!content) return makeError(cat("cannot read ", path));
      recordRead(path);
      auto docs = parseComposeYaml(*content);
      if (!docs) return makeError(cat("failed to parse ", path, ": ", docs.error().message()));
      Json merged = Json::object();
      for (Json& d : *docs) {
        if (!d.is_object()) return makeError("top-level object must be a mapping");
        applyMergeKeys(d);
        Path p;
        TRY_VOID(interpolateTree(d, p, lookupIn(env), warnings));
        Path root;
        merged = TRY(mergeYaml(std::move(merged), d, root));
      }
      auto bs = merged.find("services");
      if (bs == merged.end()) {
        return makeError(
            cat("cannot extend service \"", name, "\" in ", path, ": no services section"));
      }
      if (!bs->is_object()) {
        return makeError(
            cat("cannot extend service \"", name, "\" in ", path, ": services must be a mapping"));
      }
      if (!bs->contains(ref)) {
        return makeError(cat("cannot extend service \"", name, "\" in ", file, ": service \"", ref,
                             "\" not found in ", *other_file));
      }
      TRY_VOID(extendService(*bs, ref, path, env, chain));
      base = (*bs)[ref];
      // Relative paths of the base are relative to its own file.
      Json wrapper = Json::object({{"services", Json::object({{ref, base}})}});
      TRY_VOID(canonical(wrapper));
      resolvePaths(wrapper, dirName(path));
      base = wrapper["services"][ref];
    } else {
      if (!services.contains(ref)) {
        return makeError(cat("cannot extend service \"", name, "\" in ", file, ": service \"", ref,
                             "\" not found"));
      }
      TRY_VOID(extendService(services, ref, file, env, chain));
      base = services[ref];
    }
    if (base.is_null()) base = Json::object();
    Json& target = services[name];
    Path path{"services", name};
    Json merged = TRY(mergeYaml(base, target, path));
    merged.erase("extends");
    target = std::move(merged);
    return {};
  }

  // ApplyInclude: each included project is loaded on its own and its resources imported.
  Result<void> applyInclude(Json& doc, const std::string& working_dir, const Env& env,
                            const std::vector<std::string>& included) {
    auto it = doc.find("include");
    if (it == doc.end()) return {};
    if (it->is_null()) {
      doc.erase("include");
      return {};
    }
    if (!it->is_array()) return makeError(cat("`include` must be a list, got ", it->dump()));
    Json includes = std::move(*it);
    doc.erase("include");
    for (const Json& entry : includes) {
      std::vector<std::string> paths;
      std::string project_dir;
      std::vector<std::string> env_files;
      if (entry.is_string()) {
        paths.push_back(entry.get<std::string>());
      } else if (entry.is_object()) {
        if (auto p = entry.find("path"); p != entry.end()) {
          if (p->is_string()) paths.push_back(p->get<std::string>());
          if (p->is_array())
            for (const Json& x : *p) paths.push_back(scalarString(x));
        }
        if (auto d = entry.find("project_directory"); d != entry.end() && d->is_string()) {
          project_dir = d->get<std::string>();
        }
        if (auto e = entry.find("env_file"); e != entry.end()) {
          if (e->is_string()) env_files.push_back(e->get<std::string>());
          if (e->is_array())
            for (const Json& x : *e) env_files.push_back(scalarString(x));
        }
      } else {
        return makeError("`include` entries must be a path or a mapping");
      }
      if (paths.empty()) return makeError("include: a path is required");
      std::vector<ConfigFile> files;
      for (const std::string& p : paths) files.push_back({absPath(working_dir, p), std::nullopt});
      for (const std::string& f : included) {
        if (f == files[0].path) {
          std::string msg = cat("include cycle detected:\n", included[0]);
          for (size_t i = 1; i < included.size(); ++i) msg += cat("\n include ", included[i]);
          return makeError(cat(msg, "\n include ", files[0].path));
        }
      }
      if (project_dir.empty()) {
        project_dir = dirName(files[0].path);
      } else {
        project_dir = absPath(working_dir, project_dir);
      }
      std::vector<std::string> env_paths;
      if (env_files.empty()) {
        std::string dot = joinPath(project_dir, ".env");
        if (exists(dot) && !isDirectory(dot)) env_paths.push_back(dot);
      } else {
        for (const std::string& f : env_files) {
          if (f == "/dev/null") continue;
          std::string abs = absPath(working_dir, f);
          if (!exists(abs)) return makeError(cat("stat ", abs, ": no such file or directory"));
          if (isDirectory(abs)) return makeError(cat(abs, " is not a file"));
          env_paths.push_back(abs);
        }
      }
      Env inc_env = env;
      TRY_VOID(readEnvFiles(env_paths, inc_env));
      for (const ConfigFile& f : files) recordRead(f.path);
      Json imported = TRY(loadModel(files, project_dir, inc_env, included));
      for (std::string_view key :
           {"services", "volumes", "networks", "secrets", "configs", "models"}) {
        auto from = imported.find(key);
        if (from == imported.end() || !from->is_object()) continue;
        Json& to = doc[std::string(key)];
        if (!to.is_object()) to = Json::object();
        for (const auto& [name, value] : from->items()) {
          auto existing = to.find(name);
          if (existing == to.end()) {
            to[name] = value;
            continue;
          }
          Path p{std::string(key), name};
          to[name] = TRY(mergeYaml(value, *existing, p));
        }
      }
    }
    return {};
  }

  // transform.SetDefaultValues.
  static void setDefaults(Json& dict) {
    auto it = dict.find("services");
    if (it == dict.end() || !it->is_object()) return;
    for (auto& [name, svc] : it->items()) {
      if (!svc.is_object()) continue;
      if (auto b = svc.find("build"); b != svc.end() && b->is_object() && !b->contains("context")) {
        (*b)["context"] = ".";
      }
      if (auto p = svc.find("ports"); p != svc.end() && p->is_array()) {
        for (Json& port : *p) {
          if (!port.is_object()) continue;
          if (!port.contains("protocol")) port["protocol"] = "tcp";
          if (!port.contains("mode")) port["mode"] = "ingress";
        }
      }
      if (auto v = svc.find("volumes"); v != svc.end() && v->is_array()) {
        for (Json& vol : *v) {
          if (!vol.is_object()) continue;
          if (auto b = vol.find("bind");
              b != vol.end() && b->is_object() && !b->contains("create_host_path")) {
            (*b)["create_host_path"] = true;
          }
        }
      }
    }
  }

  // paths.ResolveRelativePaths.
  static void resolvePaths(Json& dict, const std::string& dir) {
    auto maybeUnix = [&](Json& v) {
      if (v.is_string()) v = absPath(dir, v.get<std::string>());
    };
    if (auto it = dict.find("services"); it != dict.end() && it->is_object()) {
      for (auto& [name, svc] : it->items()) {
        if (!svc.is_object()) continue;
        if (auto b = svc.find("build"); b != svc.end() && b->is_object()) {
          if (auto c = b->find("context");
              c != b->end() && c->is_string() && !isRemoteContext(c->get<std::string>())) {
            *c = absPath(dir, c->get<std::string>());
          }
          if (auto a = b->find("additional_contexts"); a != b->end() && a->is_object()) {
            for (auto& [k, c] : a->items())
              if (c.is_string() && !isRemoteContext(c.get<std::string>())) {
                c = absPath(dir, c.get<std::string>());
              }
          }
        }
        if (auto e = svc.find("env_file"); e != svc.end() && e->is_array()) {
          for (Json& f : *e)
            if (f.is_object() && f.contains("path")) maybeUnix(f["path"]);
        }
        if (auto l = svc.find("label_file"); l != svc.end() && l->is_array()) {
          for (Json& f : *l) maybeUnix(f);
        }
        if (auto v = svc.find("volumes"); v != svc.end() && v->is_array()) {
          for (Json& vol : *v) {
            if (vol.is_object() && vol.value("type", "") == "bind" && vol.contains("source")) {
              maybeUnix(vol["source"]);
            }
          }
        }
        if (auto d = svc.find("develop"); d != svc.end() && d->is_object()) {
          if (auto w = d->find("watch"); w != d->end() && w->is_array()) {
            for (Json& rule : *w)
              if (rule.is_object() && rule.contains("path")) maybeUnix(rule["path"]);
          }
        }
      }
    }
    for (const char* kind : {"configs", "secrets"}) {
      if (auto it = dict.find(kind); it != dict.end() && it->is_object()) {
        for (auto& [name, def] : it->items())
          if (def.is_object() && def.contains("file")) maybeUnix(def["file"]);
      }
    }
  }

  // ResolveEnvironment: sequence entries "VAR" take the value of VAR when it is set.
  static void resolveEnvironmentEntries(Json& dict, const Env& env) {
    auto it = dict.find("services");
    if (it == dict.end() || !it->is_object()) return;
    for (auto& [name, svc] : it->items()) {
      if (!svc.is_object()) continue;
      auto e = svc.find("environment");
      if (e == svc.end() || !e->is_array()) continue;
      for (Json& entry : *e) {
        if (!entry.is_string()) continue;
        std::string s = entry.get<std::string>();
        if (auto v = env.find(s); v != env.end()) entry = cat(s, "=", v->second);
      }
    }
  }
};

// normalizeNetworks and Normalize (loader/normalize.go).
void normalize(Json& dict, const std::string& project_name, const Env& env) {
  bool uses_default = false;
  auto services = dict.find("services");
  if (services != dict.end() && services->is_object()) {
    for (auto& [name, svc] : services->items()) {
      if (!svc.is_object()) continue;
      if (svc.contains("provider") || svc.contains("network_mode")) continue;
      auto n = svc.find("networks");
      if (n == svc.end() || !n->is_object() || n->empty()) {
        svc["networks"] = Json::object({{"default", nullptr}});
        uses_default = true;
      } else if (n->contains("default")) {
        uses_default = true;
      }
    }
  }
  if (uses_default) {
    Json& networks = dict["networks"];
    if (!networks.is_object()) networks = Json::object();
    if (!networks.contains("default")) networks["default"] = nullptr;
    services = dict.find("services");  // the insertion may have moved it
  }

  auto lookup = [&](const std::string& k) -> std::optional<std::string> {
    auto it = env.find(k);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  // resolve(): entries without a value take the environment's, or are dropped (build args) or
  // kept unset (environment).
  auto resolve = [&](Json& v, bool keep_empty) {
    if (v.is_array()) {
      Json out = Json::array();
      for (Json& e : v) {
        if (!e.is_string()) {
          out.push_back(e);
          continue;
        }
        std::string s = e.get<std::string>();
        if (s.find('=') != std::string::npos) {
          out.push_back(s);
        } else if (auto val = lookup(s)) {
          out.push_back(cat(s, "=", *val));
        } else if (keep_empty) {
          out.push_back(s);
        }
      }
      v = std::move(out);
    } else if (v.is_object()) {
      Json out = Json::object();
      for (auto& [k, e] : v.items()) {
        if (!e.is_null()) {
          out[k] = e;
        } else if (auto val = lookup(k)) {
          out[k] = *val;
        } else if (keep_empty) {
          out[k] = nullptr;
        }
      }
      v = std::move(out);
    }
  };
  if (services != dict.end() && services->is_object()) {
    for (auto& [name, svc] : services->items()) {
      if (!svc.is_object()) continue;
      if (svc.value("pull_policy", Json()) == "if_not_present") svc["pull_policy"] = "missing";
      if (auto b = svc.find("build"); b != svc.end() && b->is_object()) {
        if (!b->contains("context") || (*b)["context"].is_null()) (*b)["context"] = ".";
        if ((!b->contains("dockerfile") || (*b)["dockerfile"].is_null()) &&
            (!b->contains("dockerfile_inline") || (*b)["dockerfile_inline"].is_null())) {
          (*b)["dockerfile"] = "Dockerfile";
        }
        if (auto a = b->find("args"); a != b->end()) resolve(*a, false);
      }
      if (auto e = svc.find("environment"); e != svc.end()) resolve(*e, true);

      Json depends = svc.contains("depends_on") && svc["depends_on"].is_object() ? svc["depends_on"]
                                                                                 : Json::object();
      auto implied = [&](const std::string& dep, bool restart) {
        if (depends.contains(dep)) return;
        depends[dep] = Json::object(
            {{"condition", "service_started"}, {"restart", restart}, {"required", true}});
      };
      if (auto l = svc.find("links"); l != svc.end() && l->is_array()) {
        for (const Json& link : *l) {
          if (!link.is_string()) continue;
          std::string s = link.get<std::string>();
          size_t colon = s.find(':');
          if (colon != std::string::npos && s.find(':', colon + 1) == std::string::npos) {
            s = s.substr(0, colon);
          }
          implied(s, true);
        }
      }
      for (const char* ns : {"network_mode", "ipc", "pid", "uts", "cgroup"}) {
        if (auto n = svc.find(ns); n != svc.end() && n->is_string()) {
          std::string ref = n->get<std::string>();
          if (ref.starts_with("service:")) implied(ref.substr(8), true);
        }
      }
      if (auto v = svc.find("volumes"); v != svc.end() && v->is_array()) {
        for (Json& vol : *v)
          if (vol.is_object() && vol.contains("target") && vol["target"].is_string()) {
            vol["target"] = cleanTarget(vol["target"].get<std::string>());
          }
      }
      if (auto vf = svc.find("volumes_from"); vf != svc.end() && vf->is_array()) {
        for (const Json& v : *vf) {
          if (!v.is_string()) continue;
          std::string s = v.get<std::string>();
          if (s.starts_with("container:")) continue;
          std::string dep = s.substr(0, s.find(':'));
          if (!depends.contains(dep)) {
            depends[dep] = Json::object(
                {{"condition", "service_started"}, {"restart", false}, {"required", true}});
          }
        }
      }
      if (!depends.empty()) svc["depends_on"] = std::move(depends);
    }
  }
  // Resources with no explicit name are named after the project and their key.
  for (const char* kind : {"networks", "volumes", "configs", "secrets"}) {
    auto it = dict.find(kind);
    if (it == dict.end() || !it->is_object()) continue;
    for (auto& [key, res] : it->items()) {
      if (!res.is_object()) res = Json::object();
      if (!res.contains("name") || res["name"].is_null()) {
        bool external = false;
        if (auto x = res.find("external"); x != res.end()) {
          if (x->is_boolean()) external = x->get<bool>();
          if (x->is_string()) parseBoolString(x->get<std::string>(), &external);
        }
        res["name"] = external ? key : cat(project_name, "_", key);
      }
    }
  }
}

// A mapping entry's value as compose's MappingWithEquals reads it.
std::optional<std::string> mappingValue(const Json& v) {
  if (v.is_null()) return std::nullopt;
  return scalarString(v);
}

// MappingWithEquals.DecodeMapstructure: a sequence of "K=V" / "K", or a mapping.
Result<std::map<std::string, std::optional<std::string>>> decodeMapping(const Json& v,
                                                                        bool labels) {
  std::map<std::string, std::optional<std::string>> out;
  if (v.is_object()) {
    for (const auto& [k, e] : v.items()) {
      auto val = mappingValue(e);
      if (labels && !val) val = "";
      out[k] = val;
    }
  } else if (v.is_array()) {
    for (const Json& e : v) {
      std::string s = scalarString(e);
      size_t eq = s.find('=');
      std::string k = s.substr(0, eq);
      if (!k.empty() && std::isspace(static_cast<unsigned char>(k.back()))) {
        return makeError(cat("environment variable ", k, " is declared with a trailing space"));
      }
      if (eq == std::string::npos) {
        out[k] = labels ? std::optional<std::string>("") : std::nullopt;
      } else {
        out[k] = s.substr(eq + 1);
      }
    }
  } else if (!v.is_null()) {
    return makeError(cat("unexpected value type ", v.type_name(), " for mapping"));
  }
  return out;
}

// Reads one env_file of a service (types.loadEnvFile): the dotenv dialect, or "raw" lines.
Result<void> loadServiceEnvFile(const std::string& path, const std::string& format, Env& vars,
                                const Lookup& lookup) {
  auto text = readFile(path);
  if (!text) return makeError(cat("open ", path, ": no such file or directory"));
  if (format.empty() || format == ".env") {
    auto r = parseDotEnv(*text, vars, lookup);
    if (!r) return makeError(cat("failed to read ", path, ": ", r.error().message()));
    return {};
  }
  if (format == "raw") {
    std::stringstream ss(*text);
    std::string line;
    while (std::getline(ss, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty() || line[0] == '#') continue;
      size_t eq = line.find('=');
      if (eq == std::string::npos) {
        if (auto v = lookup ? lookup(line) : std::nullopt) vars[line] = *v;
      } else {
        vars[line.substr(0, eq)] = line.substr(eq + 1);
      }
    }
    return {};
  }
  return makeError(cat("unsupported env_file format \"", format, "\""));
}

// Sorts the keys of every mapping, as Go's YAML encoder does for maps.
Json sortedKeys(const Json& v) {
  if (v.is_array()) {
    Json out = Json::array();
    for (const Json& e : v) out.push_back(sortedKeys(e));
    return out;
  }
  if (!v.is_object()) return v;
  std::vector<std::string> keys;
  for (const auto& [k, e] : v.items()) keys.push_back(k);
  std::sort(keys.begin(), keys.end());
  Json out = Json::object();
  for (const std::string& k : keys) out[k] = sortedKeys(v[k]);
  return out;
}

// ServicePortConfig's fields in declaration order, published as a string.
Json portYaml(const Json& p) {
  Json out = Json::object();
  for (const char* k :
       {"name", "mode", "host_ip", "target", "published", "protocol", "app_protocol"}) {
    auto it = p.find(k);
    if (it == p.end() || it->is_null()) continue;
    if (std::string_view(k) == "published") {
      std::string s = scalarString(*it);
      if (!s.empty()) out[k] = s;
      continue;
    }
    out[k] = *it;
  }
  for (const auto& [k, v] : p.items())
    if (!out.contains(k) && k != "published") out[k] = v;
  return out;
}

Result<Service> decodeService(const std::string& name, const Json& def, const Env& env,
                              Loader& loader) {
  Service s;
  s.name = name;
  Json cfg = def.is_object() ? def : Json::object();
  if (auto it = cfg.find("image"); it != cfg.end() && !it->is_null()) s.image = scalarString(*it);

  if (auto b = cfg.find("build"); b != cfg.end() && b->is_object()) {
    Build build;
    build.context = scalarString(b->value("context", Json(".")));
    build.local = !isRemoteContext(build.context);
    if (auto d = b->find("dockerfile"); d != b->end() && !d->is_null()) {
      build.dockerfile = scalarString(*d);
    }
    if (auto d = b->find("dockerfile_inline"); d != b->end() && !d->is_null()) {
      build.dockerfile_inline = scalarString(*d);
    }
    if (auto t = b->find("target"); t != b->end() && !t->is_null()) build.target = scalarString(*t);
    build.dockerfile_path = build.dockerfile;
    if (!build.dockerfile.empty() && !isAbs(build.dockerfile) && isAbs(build.context)) {
      build.dockerfile_path = joinPath(build.context, build.dockerfile);
    }
    s.build = std::move(build);
  }

  if (auto p = cfg.find("ports"); p != cfg.end() && p->is_array()) {
    Json ports = Json::array();
    for (const Json& e : *p) {
      if (!e.is_object()) continue;
      Port port;
      port.name = scalarString(e.value("name", Json("")));
      port.mode = scalarString(e.value("mode", Json("ingress")));
      port.host_ip = scalarString(e.value("host_ip", Json("")));
      Json target = e.value("target", Json(0));
      if (target.is_string()) {
        int t = 0;
        std::string ts = target.get<std::string>();
        std::from_chars(ts.data(), ts.data() + ts.size(), t);
        port.target = t;
      } else if (target.is_number()) {
        port.target = target.get<int>();
      }
      port.published = scalarString(e.value("published", Json("")));
      port.protocol = scalarString(e.value("protocol", Json("tcp")));
      port.app_protocol = scalarString(e.value("app_protocol", Json("")));
      int published = 0;
      auto r = std::from_chars(port.published.data(), port.published.data() + port.published.size(),
                               published);
      if (r.ec == std::errc() && r.ptr == port.published.data() + port.published.size() &&
          published != 0) {
        s.published_ports.push_back(published);
      }
      s.ports.push_back(std::move(port));
      ports.push_back(portYaml(e));
    }
    cfg["ports"] = std::move(ports);
  }

  if (auto d = cfg.find("depends_on"); d != cfg.end() && d->is_object()) {
    for (const auto& [dep, v] : d->items()) s.depends_on.push_back(dep);
  }
  if (auto p = cfg.find("profiles"); p != cfg.end() && p->is_array()) {
    for (const Json& e : *p) s.profiles.push_back(scalarString(e));
  }
  if (auto v = cfg.find("volumes"); v != cfg.end() && v->is_array()) {
    for (const Json& vol : *v) {
      if (vol.is_object() && vol.value("type", "") == "bind" && vol.contains("source")) {
        s.bind_mounts.push_back(scalarString(vol["source"]));
      }
    }
  }

  for (const char* key : {"command", "entrypoint"}) {
    if (auto c = cfg.find(key); c != cfg.end() && c->is_string()) {
      auto words = splitShellWords(c->get<std::string>());
      if (!words) return std::unexpected(words.error());
      Json list = Json::array();
      for (std::string& w : *words) list.push_back(std::move(w));
      *c = std::move(list);
    }
  }
  if (auto h = cfg.find("healthcheck"); h != cfg.end() && h->is_object()) {
    if (auto t = h->find("test"); t != h->end() && t->is_string()) {
      *t = Json::array({"CMD-SHELL", t->get<std::string>()});
    }
  }

  // The environment: env_file values, then `environment:` over them, with entries that have no
  // value resolved from the project's environment (WithServicesEnvironmentResolved).
  auto environment = TRY(decodeMapping(cfg.value("environment", Json()), false));
  for (auto& [k, v] : environment) {
    if (!v) {
      if (auto it = env.find(k); it != env.end()) v = it->second;
    }
  }
  Env from_files;
  if (auto ef = cfg.find("env_file"); ef != cfg.end() && ef->is_array()) {
    for (const Json& f : *ef) {
      if (!f.is_object()) continue;
      std::string path = scalarString(f.value("path", Json("")));
      bool required = true;
      if (auto r = f.find("required"); r != f.end()) {
        if (r->is_boolean()) required = r->get<bool>();
        if (r->is_string()) parseBoolString(r->get<std::string>(), &required);
      }
      std::string format = scalarString(f.value("format", Json("")));
      s.env_files.push_back(path);
      if (!exists(path)) {
        if (required) {
          return makeError(
              cat("env file ", path, " not found: stat ", path, ": no such file or directory"));
        }
        continue;
      }
      loader.recordRead(path);
      Lookup lookup = [&](std::string_view k) -> std::optional<std::string> {
        if (auto it = env.find(k); it != env.end()) return it->second;
        if (auto it = environment.find(std::string(k)); it != environment.end() && it->second) {
          return *it->second;
        }
        return std::nullopt;
      };
      TRY_VOID(loadServiceEnvFile(path, format, from_files, lookup));
    }
  }
  std::map<std::string, std::optional<std::string>> resolved;
  for (auto& [k, v] : from_files) resolved[k] = v;
  for (auto& [k, v] : environment) resolved[k] = v;
  if (!resolved.empty() || cfg.contains("environment")) {
    Json envj = Json::object();
    for (auto& [k, v] : resolved) {
      s.environment.emplace_back(k, v);
      envj[k] = v ? Json(*v) : Json(nullptr);
    }
    if (resolved.empty()) {
      cfg.erase("environment");
    } else {
      cfg["environment"] = std::move(envj);
    }
  }

  // Labels: label files first, then `labels:` over them.
  std::map<std::string, std::optional<std::string>> labels;
  if (auto lf = cfg.find("label_file"); lf != cfg.end() && lf->is_array()) {
    for (const Json& f : *lf) {
      std::string path = scalarString(f);
      if (!exists(path)) {
        return makeError(
            cat("label file ", path, " not found: stat ", path, ": no such file or directory"));
      }
      loader.recordRead(path);
      Env vars;
      Lookup lookup = [&](std::string_view k) -> std::optional<std::string> {
        if (auto it = labels.find(std::string(k)); it != labels.end() && it->second)
          return it->second;
        return std::nullopt;
      };
      TRY_VOID(loadServiceEnvFile(path, "", vars, lookup));
      for (auto& [k, v] : vars) labels[k] = v;
    }
  }
  for (auto& [k, v] : TRY(decodeMapping(cfg.value("labels", Json()), true))) labels[k] = v;
  if (!labels.empty()) {
    Json lj = Json::object();
    for (auto& [k, v] : labels) {
      s.labels.emplace_back(k, v.value_or(""));
      lj[k] = v.value_or("");
    }
    cfg["labels"] = std::move(lj);
  }

  cfg.erase("name");
  Json ports = cfg.contains("ports") ? cfg["ports"] : Json();
  s.config = sortedKeys(cfg);
  if (!ports.is_null()) s.config["ports"] = std::move(ports);
  s.yaml = emitYaml(s.config);
  return s;
}

}  // namespace

// ---- public helpers ---------------------------------------------------------------------------

std::string normalizeProjectName(std::string_view name) {
  std::string out;
  for (char c : name) {
    char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if ((l >= 'a' && l <= 'z') || (l >= '0' && l <= '9') || l == '_' || l == '-') out += l;
  }
  size_t start = out.find_first_not_of("_-");
  return start == std::string::npos ? std::string() : out.substr(start);
}

std::string invalidProjectNameError(std::string_view name) {
  return cat("invalid project name \"", name,
             "\": must consist only of lowercase alphanumeric characters, hyphens, and "
             "underscores as well as start with a letter or number");
}

Result<std::string> interpolate(std::string_view text, const Lookup& lookup,
                                std::vector<std::string>* warnings) {
  auto r = substitute(text, lookup, warnings);
  if (r) return *r;
  if (r.error().kind == SubstError::Kind::kInvalid) {
    return makeError(cat("Invalid template: \"", text, "\""));
  }
  return makeError(r.error().message);
}

Result<std::vector<std::string>> splitShellWords(std::string_view s) {
  std::vector<std::string> words;
  std::string cur;
  bool have = false;
  char quote = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quote == '\'') {
      if (c == '\'') {
        quote = 0;
      } else {
        cur += c;
      }
      continue;
    }
    if (c == '\\') {
      if (i + 1 < s.size()) {
        char n = s[++i];
        if (quote == '"' && n != '"' && n != '\\' && n != '$' && n != '`' && n != '\n') cur += c;
        if (n != '\n') cur += n;
      }
      have = true;
      continue;
    }
    if (quote == '"') {
      if (c == '"') {
        quote = 0;
      } else {
        cur += c;
      }
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      have = true;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (have) {
        words.push_back(std::move(cur));
        cur.clear();
        have = false;
      }
      continue;
    }
    cur += c;
    have = true;
  }
  if (quote != 0) return makeError("invalid command line string");
  if (have) words.push_back(std::move(cur));
  return words;
}

// ---- dotenv -----------------------------------------------------------------------------------

namespace {

bool isDotEnvSpace(char c) { return c == '\t' || c == '\v' || c == '\f' || c == '\r' || c == ' '; }

// expandEscapes: the escapes of double-quoted values; "\$" stays a literal dollar.
std::string expandEscapes(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 >= s.size()) {
      out += s[i];
      continue;
    }
    char n = s[i + 1];
    switch (n) {
      case 'a':
        out += '\a';
        ++i;
        continue;
      case 'b':
        out += '\b';
        ++i;
        continue;
      case 'f':
        out += '\f';
        ++i;
        continue;
      case 'n':
        out += '\n';
        ++i;
        continue;
      case 'r':
        out += '\r';
        ++i;
        continue;
      case 't':
        out += '\t';
        ++i;
        continue;
      case 'v':
        out += '\v';
        ++i;
        continue;
      case '"':
        out += '"';
        ++i;
        continue;
      case '\\':
        out += '\\';
        ++i;
        continue;
      case '$':
        out += "$$";
        ++i;
        continue;
      case '0': {
        size_t j = i + 2;
        int value = 0;
        while (j < s.size() && j < i + 5 && s[j] >= '0' && s[j] <= '7') {
          value = value * 8 + (s[j] - '0');
          ++j;
        }
        if (j - (i + 2) == 3 && value < 256) {
          out += static_cast<char>(value);
          i = j - 1;
          continue;
        }
        out += s[i];
        continue;
      }
      default:
        out += s[i];
        continue;
    }
  }
  return out;
}

}  // namespace

Result<void> parseDotEnv(std::string_view text, Env& out, const Lookup& lookup) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  int line = 1;
  auto expand = [&](std::string_view v) -> Result<std::string> {
    Lookup both = [&](std::string_view k) -> std::optional<std::string> {
      if (lookup) {
        if (auto x = lookup(k)) return x;
      }
      if (auto it = out.find(k); it != out.end()) return it->second;
      return std::nullopt;
    };
    auto r = substitute(v, both, nullptr);
    if (r) return *r;
    if (r.error().kind == SubstError::Kind::kInvalid) {
      return makeError(cat("Invalid template: \"", v, "\""));
    }
    return makeError(r.error().message);
  };
  size_t i = 0;
  while (true) {
    // The start of the next statement: skip blank space and comment lines.
    while (i < text.size()) {
      char c = text[i];
      if (c == '\n') {
        ++line;
        ++i;
        continue;
      }
      if (isDotEnvSpace(c)) {
        ++i;
        continue;
      }
      if (c == '#') {
        size_t nl = text.find('\n', i);
        i = nl == std::string_view::npos ? text.size() : nl;
        continue;
      }
      break;
    }
    if (i >= text.size()) break;
    std::string_view rest = text.substr(i);
    if (rest.starts_with("export") && rest.size() > 6 && isDotEnvSpace(rest[6])) {
      rest.remove_prefix(6);
      while (!rest.empty() && isDotEnvSpace(rest.front())) rest.remove_prefix(1);
    }
    // The key, up to '=', ':' or the end of the line (a variable inherited from the lookup).
    size_t k = 0;
    bool inherited = true;
    for (; k < rest.size(); ++k) {
      char c = rest[k];
      if (isDotEnvSpace(c)) continue;
      if (c == '=' || c == ':') {
        inherited = false;
        break;
      }
      if (c == '\n') break;
      if (c == '_' || c == '.' || c == '-' || c == '[' || c == ']' ||
          std::isalnum(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80) {
        continue;
      }
      std::string_view first = rest.substr(0, rest.find('\n'));
      return makeError(cat("line ", line, ": unexpected character \"", std::string(1, c),
                           "\" in variable name \"", first, "\""));
    }
    std::string key(rest.substr(0, k));
    while (!key.empty() && std::isspace(static_cast<unsigned char>(key.back()))) key.pop_back();
    if (inherited && key.find(' ') == std::string::npos) ++line;
    if (key.find(' ') != std::string::npos) {
      return makeError(cat("line ", line, ": key cannot contain a space"));
    }
    rest = k < rest.size() ? rest.substr(k + 1) : std::string_view();
    if (inherited) {
      if (lookup) {
        if (auto v = lookup(key)) out[key] = *v;
      }
      i = text.size() - rest.size();
      continue;
    }
    while (!rest.empty() && isDotEnvSpace(rest.front())) rest.remove_prefix(1);
    std::string value;
    if (!rest.empty() && (rest[0] == '"' || rest[0] == '\'')) {
      char quote = rest[0];
      bool escaped = false;
      std::string chars;
      size_t j = 1;
      bool closed = false;
      for (; j < rest.size(); ++j) {
        char c = rest[j];
        if (c == '\n') ++line;
        if (c != quote) {
          if (!escaped && c == '\\') {
            escaped = true;
            continue;
          }
          if (escaped) {
            escaped = false;
            chars += '\\';
          }
          chars += c;
          continue;
        }
        if (escaped) {
          escaped = false;
          chars += c;
          continue;
        }
        closed = true;
        break;
      }
      if (!closed) {
        std::string_view shown = rest.substr(0, rest.find('\n'));
        return makeError(cat("line ", line, ": unterminated quoted value ", shown));
      }
      value = quote == '"' ? TRY(expand(expandEscapes(chars))) : chars;
      rest = rest.substr(j + 1);
    } else {
      size_t nl = rest.find('\n');
      std::string_view v = rest.substr(0, nl);
      rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
      ++line;
      if (size_t hash = v.find(" #"); hash != std::string_view::npos) v = v.substr(0, hash);
      while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.remove_suffix(1);
      value = TRY(expand(v));
    }
    out[key] = std::move(value);
    i = text.size() - rest.size();
  }
  return {};
}

// ---- loadProject ------------------------------------------------------------------------------

Result<Project> loadProject(const LoadOptions& options) {
  if (options.files.empty()) return makeError("no compose file specified");
  Project project;
  Loader loader{&project.warnings, &project.files_read};

  project.working_dir =
      options.project_dir.empty() ? dirName(options.files[0].path) : options.project_dir;
  Env env = options.environment ? *options.environment : processEnvironment();

  // The env files for interpolation: the given ones, or the project's .env.
  std::vector<std::string> env_files = options.env_files;
  if (env_files.empty()) {
    bool disabled = false;
    if (auto it = env.find("COMPOSE_DISABLE_ENV_FILE"); it != env.end()) {
      if (!parseBoolString(it->second, &disabled)) {
        return makeError(cat("strconv.ParseBool: parsing \"", it->second, "\": invalid syntax"));
      }
    }
    std::string dot = joinPath(project.working_dir, ".env");
    if (!disabled && exists(dot) && !isDirectory(dot)) env_files.push_back(dot);
  }
  TRY_VOID(loader.readEnvFiles(env_files, env));

  // The project name: explicit, else COMPOSE_PROJECT_NAME, else `name:`, else the directory.
  std::vector<std::string> contents;
  for (const ConfigFile& f : options.files) contents.push_back(TRY(loader.read(f)));
  if (!options.project_name.empty()) {
    if (normalizeProjectName(options.project_name) != options.project_name) {
      return makeError(invalidProjectNameError(options.project_name));
    }
    project.name = options.project_name;
  } else if (auto it = env.find("COMPOSE_PROJECT_NAME"); it != env.end() && !it->second.empty()) {
    if (normalizeProjectName(it->second) != it->second) {
      return makeError(invalidProjectNameError(it->second));
    }
    project.name = it->second;
  } else {
    std::string from_yaml;
    for (const std::string& c : contents) {
      auto docs = parseComposeYaml(c);
      if (!docs) break;  // reported by the load below
      for (const Json& d : *docs) {
        if (d.is_object()) {
          if (auto n = d.find("name");
              n != d.end() && n->is_string() && !n->get<std::string>().empty()) {
            from_yaml = n->get<std::string>();
          }
        }
      }
    }
    if (!from_yaml.empty()) {
      auto r = substitute(from_yaml, lookupIn(env), &project.warnings);
      if (!r) {
        return makeError(r.error().kind == SubstError::Kind::kInvalid
                             ? cat("invalid interpolation format for name.\nYou may need to "
                                   "escape any $ with another $.\n",
                                   from_yaml)
                             : cat("error while interpolating name: ", r.error().message));
      }
      from_yaml = normalizeProjectName(*r);
    }
    project.name =
        from_yaml.empty() ? normalizeProjectName(baseName(project.working_dir)) : from_yaml;
  }
  if (project.name.empty()) return makeError("project name must not be empty");
  env["COMPOSE_PROJECT_NAME"] = project.name;

  std::vector<ConfigFile> files;
  for (size_t i = 0; i < options.files.size(); ++i) {
    files.push_back({options.files[i].path, contents[i]});
  }
  Json dict = TRY(loader.loadModel(files, project.working_dir, env, {}));
  if (dict.empty()) return makeError("empty compose file");
  dict.erase("name");
  normalize(dict, project.name, env);
  for (auto it = dict.begin(); it != dict.end();) {
    if (it.key().starts_with("x-")) {
      it = dict.erase(it);
    } else {
      ++it;
    }
  }

  // Profiles.
  if (options.profiles) {
    project.profiles = *options.profiles;
  } else if (auto it = env.find("COMPOSE_PROFILES"); it != env.end() && !it->second.empty()) {
    std::stringstream ss(it->second);
    std::string p;
    while (std::getline(ss, p, ',')) {
      size_t a = p.find_first_not_of(" \t");
      size_t b = p.find_last_not_of(" \t");
      project.profiles.push_back(a == std::string::npos ? "" : p.substr(a, b - a + 1));
    }
  }
  auto enabledByProfile = [&](const Json& svc) {
    auto p = svc.find("profiles");
    if (p == svc.end() || !p->is_array() || p->empty()) return true;
    for (const std::string& want : project.profiles) {
      if (want == "*") return true;
      for (const Json& have : *p)
        if (have.is_string() && have.get<std::string>() == want) return true;
    }
    return false;
  };

  Json services = dict.value("services", Json::object());
  if (!services.is_object()) services = Json::object();
  std::vector<std::string> enabled;
  std::set<std::string> disabled;
  for (auto& [name, svc] : services.items()) {
    if (svc.is_null()) svc = Json::object();
    if (enabledByProfile(svc)) {
      enabled.push_back(name);
    } else {
      project.disabled_services.push_back(name);
      disabled.insert(name);
    }
  }

  // checkConsistency, for what users hit.
  Json networks = dict.value("networks", Json::object());
  Json volumes = dict.value("volumes", Json::object());
  for (const std::string& name : enabled) {
    const Json& svc = services[name];
    if (!svc.contains("build") && !svc.contains("image") && !svc.contains("provider")) {
      return makeError(cat("service \"", name,
                           "\" has neither an image nor a build context specified: invalid "
                           "compose project"));
    }
    if (svc.contains("network_mode") && svc.contains("networks") && svc["networks"].is_object() &&
        !svc["networks"].empty()) {
      return makeError(cat("service ", name,
                           " declares mutually exclusive `network_mode` and `networks`: invalid "
                           "compose project"));
    }
    if (auto n = svc.find("networks"); n != svc.end() && n->is_object()) {
      for (const auto& [net, cfg] : n->items()) {
        if (!networks.is_object() || !networks.contains(net)) {
          return makeError(cat("service \"", name, "\" refers to undefined network ", net,
                               ": invalid compose project"));
        }
      }
    }
    if (auto d = svc.find("depends_on"); d != svc.end() && d->is_object()) {
      for (const auto& [dep, cfg] : d->items()) {
        if (services.contains(dep) && !disabled.contains(dep)) continue;
        bool required = true;
        if (cfg.is_object() && cfg.contains("required") && cfg["required"].is_boolean()) {
          required = cfg["required"].get<bool>();
        }
        if (disabled.contains(dep) && !required) continue;
        return makeError(cat("service \"", name, "\" depends on undefined service \"", dep,
                             "\": invalid compose project"));
      }
    }
    if (auto v = svc.find("volumes"); v != svc.end() && v->is_array()) {
      for (const Json& vol : *v) {
        if (!vol.is_object() || vol.value("type", "") != "volume") continue;
        std::string src = scalarString(vol.value("source", Json("")));
        if (src.empty()) continue;
        if (!volumes.is_object() || !volumes.contains(src)) {
          return makeError(cat("service \"", name, "\" refers to undefined volume ", src,
                               ": invalid compose project"));
        }
      }
    }
  }

  // Decode the enabled services, then order them: dependencies first, files' order otherwise
  // (compose-go visits them in map order; any topological order is compose's).
  std::map<std::string, Service> decoded;
  for (const std::string& name : enabled) {
    decoded.emplace(name, TRY(decodeService(name, services[name], env, loader)));
  }
  std::set<std::string> visited;
  std::function<void(const std::string&)> visit = [&](const std::string& name) {
    if (visited.contains(name)) return;
    visited.insert(name);
    auto it = decoded.find(name);
    if (it == decoded.end()) return;
    for (const std::string& dep : it->second.depends_on) visit(dep);
    project.services.push_back(it->second);
  };
  for (const std::string& name : enabled) visit(name);

  project.model = std::move(dict);
  return project;
}

}  // namespace slant::tiltfile::compose
