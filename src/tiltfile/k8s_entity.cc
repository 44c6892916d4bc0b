// Kubernetes objects, image references, selectors and JSONPath for the Tiltfile layer.
//
// Tilt decodes each YAML document with client-go's scheme: kinds of Kubernetes' own API groups
// become typed Go structs, everything else (CRDs) an unstructured map. Much of its behaviour
// follows from that split, so this file keeps it explicit: only built-in types have containers,
// pod templates and Service selectors (Tilt finds them by reflecting over the Go types), and
// JSONPath over a built-in type does not fail on a field the YAML leaves out (the Go struct has
// it, zero-valued), while over a CRD it does ("foo is not found"). The kinds with pod specs are
// listed in shapeOf() with where their pod template lives.
//
// The JSONPath engine is a port of the parser and evaluator of client-go's util/jsonpath (the
// fork under Tilt's internal/k8s/jsonpath) to JSON trees: the same grammar, error messages and
// result order, without range/end blocks, which image locators never need.
#include "tiltfile/k8s_entity.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <deque>
#include <set>

#include "starlark/lib/util.h"
#include "tiltfile/values.h"

namespace slant::tiltfile {

using starlark::makeError;
using starlark::Result;
using starlark::lib::cat;

namespace {

std::string toLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

const Json* member(const Json& j, std::string_view key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(std::string(key));
  return it == j.end() ? nullptr : &*it;
}

const Json* path(const Json& j, std::initializer_list<std::string_view> keys) {
  const Json* cur = &j;
  for (std::string_view k : keys) {
    cur = member(*cur, k);
    if (cur == nullptr) return nullptr;
  }
  return cur;
}

std::string stringField(const Json* j) {
  if (j == nullptr || j->is_null()) return "";
  if (j->is_string()) return j->get<std::string>();
  return j->dump();
}

std::map<std::string, std::string> stringMap(const Json* j) {
  std::map<std::string, std::string> out;
  if (j == nullptr || !j->is_object()) return out;
  for (auto it = j->begin(); it != j->end(); ++it) out[it.key()] = stringField(&it.value());
  return out;
}

}  // namespace

// ---- image references -------------------------------------------------------------------------

bool RefSelector::matches(const ImageRef& other) const {
  if (exact) return other.str() == ref.str();
  return other.name() == ref.name();
}

// ---- objects ----------------------------------------------------------------------------------

namespace {

// Where a built-in kind keeps its pods.
enum class Shape {
  kNone,              // no pods (or not a built-in type)
  kPod,               // a PodSpec at .spec, no template
  kTemplate,          // .spec.template, always present in the Go type
  kOptionalTemplate,  // .spec.template, a pointer (ReplicationController)
  kPodTemplate,       // .template (PodTemplate)
  kCronJob,           // .spec.jobTemplate.spec.template
};

Shape shapeOf(std::string_view api_version, std::string_view kind) {
  if (api_version == "v1") {
    if (kind == "Pod") return Shape::kPod;
    if (kind == "PodTemplate") return Shape::kPodTemplate;
    if (kind == "ReplicationController") return Shape::kOptionalTemplate;
    return Shape::kNone;
  }
  if (api_version == "apps/v1" || api_version == "apps/v1beta2") {
    if (kind == "Deployment" || kind == "StatefulSet" || kind == "DaemonSet" ||
        kind == "ReplicaSet") {
      return Shape::kTemplate;
    }
    return Shape::kNone;
  }
  if (api_version == "apps/v1beta1") {
    return kind == "Deployment" || kind == "StatefulSet" ? Shape::kTemplate : Shape::kNone;
  }
  if (api_version == "extensions/v1beta1") {
    if (kind == "Deployment" || kind == "DaemonSet" || kind == "ReplicaSet") {
      return Shape::kTemplate;
    }
    return Shape::kNone;
  }
  if (api_version == "batch/v1") {
    if (kind == "Job") return Shape::kTemplate;
    if (kind == "CronJob") return Shape::kCronJob;
    return Shape::kNone;
  }
  if (api_version == "batch/v1beta1" && kind == "CronJob") return Shape::kCronJob;
  return Shape::kNone;
}

// The API groups of client-go's scheme (Kubernetes' own types).
bool isBuiltinGroup(std::string_view group) {
  static const std::set<std::string, std::less<>> kGroups = {
      "admissionregistration.k8s.io",
      "apiserverinternal.k8s.io",
      "apps",
      "authentication.k8s.io",
      "authorization.k8s.io",
      "autoscaling",
      "batch",
      "certificates.k8s.io",
      "coordination.k8s.io",
      "discovery.k8s.io",
      "events.k8s.io",
      "extensions",
      "flowcontrol.apiserver.k8s.io",
      "networking.k8s.io",
      "node.k8s.io",
      "policy",
      "rbac.authorization.k8s.io",
      "resource.k8s.io",
      "scheduling.k8s.io",
      "storage.k8s.io",
      "storagemigration.k8s.io",
  };
  return kGroups.contains(group);
}

// The pod template of each kind that has one; a template the YAML leaves out of a kind whose Go
// type always has one is reported as null (an empty template).
std::vector<const Json*> podTemplates(const K8sEntity& e, bool* has_template) {
  std::vector<const Json*> out;
  *has_template = false;
  switch (shapeOf(e.apiVersion(), e.kind())) {
    case Shape::kTemplate:
      *has_template = true;
      out.push_back(path(e.obj, {"spec", "template"}));
      break;
    case Shape::kPodTemplate:
      *has_template = true;
      out.push_back(member(e.obj, "template"));
      break;
    case Shape::kCronJob:
      *has_template = true;
      out.push_back(path(e.obj, {"spec", "jobTemplate", "spec", "template"}));
      break;
    case Shape::kOptionalTemplate:
      if (const Json* t = path(e.obj, {"spec", "template"}); t != nullptr && !t->is_null()) {
        *has_template = true;
        out.push_back(t);
      }
      break;
    case Shape::kPod:
    case Shape::kNone:
      break;
  }
  return out;
}

// The pod specs of a built-in object.
std::vector<const Json*> podSpecs(const K8sEntity& e) {
  std::vector<const Json*> out;
  if (shapeOf(e.apiVersion(), e.kind()) == Shape::kPod) {
    if (const Json* s = member(e.obj, "spec"); s != nullptr && s->is_object()) out.push_back(s);
    return out;
  }
  bool has_template = false;
  for (const Json* t : podTemplates(e, &has_template)) {
    if (t == nullptr) continue;
    if (const Json* s = member(*t, "spec"); s != nullptr && s->is_object()) out.push_back(s);
  }
  return out;
}

template <class F>
void forEachElement(const Json* list, F&& fn) {
  if (list == nullptr || !list->is_array()) return;
  for (const Json& item : *list) fn(item);
}

// Checks a Secret's data as Go's base64.StdEncoding does when decoding []byte fields; returns
// the offset of the first bad byte.
std::optional<size_t> badBase64(std::string_view s) {
  auto is_b64 = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/';
  };
  int j = 0;  // position in the current quantum
  size_t quantum_start = 0;
  bool padded = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\r' || c == '\n') continue;
    if (padded) {
      if (c == '=' && j == 3) {
        j = 0;
        continue;
      }
      return i;
    }
    if (j == 0) quantum_start = i;
    if (c == '=') {
      if (j < 2) return i;
      padded = true;
      if (j == 3)
        j = 0;
      else
        j = 3;
      continue;
    }
    if (!is_b64(c)) return i;
    j = (j + 1) % 4;
  }
  if (j != 0) return padded ? s.size() : quantum_start;
  return std::nullopt;
}

Result<void> decodeOne(Json doc, std::vector<K8sEntity>& out);

Result<void> decodeOne(Json doc, std::vector<K8sEntity>& out) {
  if (doc.is_null()) return {};
  if (!doc.is_object()) {
    const char* what = doc.is_string()    ? "a string"
                       : doc.is_array()   ? "a list"
                       : doc.is_boolean() ? "a bool"
                                          : "a number";
    return makeError(
        cat("couldn't get version/kind; json parse error: expected a YAML mapping "
            "with apiVersion and kind, got ",
            what));
  }
  std::string kind = stringField(member(doc, "kind"));
  std::string api_version = stringField(member(doc, "apiVersion"));
  if (kind.empty()) return makeError(cat("Object 'Kind' is missing in '", doc.dump(), "'"));
  if (kind == "List" && member(doc, "items") != nullptr) {
    const Json* items = member(doc, "items");
    if (items->is_array()) {
      for (const Json& item : *items) TRY_VOID(decodeOne(item, out));
      return {};
    }
  }
  std::string name = stringField(path(doc, {"metadata", "name"}));
  if (api_version.empty()) {
    return makeError(cat("decoding ", kind, " ", goQuoted(name),
                         ": Object 'apiVersion' is missing in '", doc.dump(), "'"));
  }
  if (api_version == "v1" && kind == "Secret") {
    if (const Json* data = member(doc, "data"); data != nullptr && data->is_object()) {
      for (auto it = data->begin(); it != data->end(); ++it) {
        if (!it.value().is_string()) continue;
        if (auto bad = badBase64(it.value().get<std::string>())) {
          return makeError(cat("decoding Secret ", goQuoted(name),
                               ": illegal base64 data at input byte ", *bad));
        }
      }
    }
  }
  out.push_back(K8sEntity{std::move(doc)});
  return {};
}

}  // namespace

std::string K8sEntity::apiVersion() const { return stringField(member(obj, "apiVersion")); }
std::string K8sEntity::kind() const { return stringField(member(obj, "kind")); }
std::string K8sEntity::name() const { return stringField(path(obj, {"metadata", "name"})); }
std::string K8sEntity::rawNamespace() const {
  return stringField(path(obj, {"metadata", "namespace"}));
}
std::string K8sEntity::namespaceOrDefault() const {
  std::string ns = rawNamespace();
  return ns.empty() ? "default" : ns;
}
std::string K8sEntity::group() const {
  std::string v = apiVersion();
  size_t slash = v.find('/');
  return slash == std::string::npos ? "" : v.substr(0, slash);
}
std::map<std::string, std::string> K8sEntity::labels() const {
  return stringMap(path(obj, {"metadata", "labels"}));
}

bool K8sEntity::isBuiltinType() const {
  std::string v = apiVersion();
  if (v == "v1") return true;
  size_t slash = v.find('/');
  return slash != std::string::npos && isBuiltinGroup(std::string_view(v).substr(0, slash));
}

bool K8sEntity::hasPodTemplateSpec() const {
  bool has = false;
  podTemplates(*this, &has);
  return has;
}

std::vector<std::map<std::string, std::string>> K8sEntity::podTemplateLabels() const {
  std::vector<std::map<std::string, std::string>> out;
  bool has = false;
  for (const Json* t : podTemplates(*this, &has)) {
    out.push_back(t == nullptr ? std::map<std::string, std::string>{}
                               : stringMap(path(*t, {"metadata", "labels"})));
  }
  return out;
}

bool K8sEntity::selectorMatchesLabels(const std::map<std::string, std::string>& labels) const {
  if (apiVersion() != "v1" || kind() != "Service") return false;
  std::map<std::string, std::string> selector = stringMap(path(obj, {"spec", "selector"}));
  if (selector.empty()) return false;
  for (const auto& [k, v] : selector) {
    auto it = labels.find(k);
    if (it == labels.end() || it->second != v) return false;
  }
  return true;
}

bool K8sEntity::matchesMetadataLabels(const std::map<std::string, std::string>& want) const {
  std::map<std::string, std::string> have = labels();
  for (const auto& [k, v] : want) {
    auto it = have.find(k);
    if (it == have.end() || it->second != v) return false;
  }
  return true;
}

std::string K8sEntity::yaml() const {
  if (isBuiltinType() && obj.contains("status")) {
    Json copy = obj;
    copy.erase("status");
    return emitYaml(copy);
  }
  return emitYaml(obj);
}

model::K8sObject K8sEntity::toModel() const {
  return model::K8sObject{apiVersion(), kind(), name(), rawNamespace(), yaml()};
}

Result<std::vector<K8sEntity>> parseK8sYaml(std::string_view text) {
  std::vector<Json> docs = TRY(parseYamlStream(text));
  std::vector<K8sEntity> out;
  out.reserve(docs.size());
  for (Json& doc : docs) TRY_VOID(decodeOne(std::move(doc), out));
  return out;
}

std::string serializeEntities(const std::vector<const K8sEntity*>& entities) {
  std::string out;
  for (size_t i = 0; i < entities.size(); ++i) {
    if (i > 0) out += "---\n";
    out += entities[i]->yaml();
  }
  return out;
}

int kindOrder(std::string_view kind) {
  static constexpr std::string_view kOrderFirst[] = {
      "Namespace",
      "ResourceQuota",
      "StorageClass",
      "CustomResourceDefinition",
      "MutatingWebhookConfiguration",
      "ServiceAccount",
      "PodSecurityPolicy",
      "Role",
      "ClusterRole",
      "RoleBinding",
      "ClusterRoleBinding",
      "PersistentVolume",
      "PersistentVolumeClaim",
      "ConfigMap",
      "Secret",
      "Service",
      "LimitRange",
      "PriorityClass",
      "Deployment",
      "StatefulSet",
      "CronJob",
      "PodDisruptionBudget",
  };
  constexpr int n = static_cast<int>(std::size(kOrderFirst));
  for (int i = 0; i < n; ++i) {
    if (kOrderFirst[i] == kind) return -n + i;
  }
  return 0;
}

// ---- selectors --------------------------------------------------------------------------------

namespace {

// A pattern error as Go's regexp reports it ("error parsing regexp: missing argument to
// repetition operator: `*`"); RE2 and Go share the syntax but not the wording.
std::string goRegexpError(const RE2& re) {
  std::string_view code;
  switch (re.error_code()) {
    case RE2::ErrorBadEscape:
      code = "invalid escape sequence";
      break;
    case RE2::ErrorBadCharClass:
      code = "invalid character class";
      break;
    case RE2::ErrorBadCharRange:
      code = "invalid character class range";
      break;
    case RE2::ErrorMissingBracket:
      code = "missing closing ]";
      break;
    case RE2::ErrorMissingParen:
      code = "missing closing )";
      break;
    case RE2::ErrorUnexpectedParen:
      code = "unexpected )";
      break;
    case RE2::ErrorTrailingBackslash:
      code = "trailing backslash at end of expression";
      break;
    case RE2::ErrorRepeatArgument:
      code = "missing argument to repetition operator";
      break;
    case RE2::ErrorRepeatSize:
      code = "invalid repeat count";
      break;
    case RE2::ErrorRepeatOp:
      code = "invalid nested repetition operator";
      break;
    case RE2::ErrorBadPerlOp:
      code = "invalid or unsupported Perl syntax";
      break;
    case RE2::ErrorBadUTF8:
      code = "invalid UTF-8";
      break;
    case RE2::ErrorBadNamedCapture:
      code = "invalid named capture";
      break;
    default:
      return cat("error parsing regexp: ", re.error());
  }
  return cat("error parsing regexp: ", code, ": `", re.error_arg(), "`");
}

}  // namespace

Result<ObjectSelector> ObjectSelector::partial(std::string_view api_version, std::string_view kind,
                                               std::string_view name, std::string_view ns) {
  return make(api_version, kind, name, ns, false);
}

Result<ObjectSelector> ObjectSelector::exact(std::string_view api_version, std::string_view kind,
                                             std::string_view name, std::string_view ns) {
  return make(api_version, kind, name, ns, true);
}

Result<ObjectSelector> ObjectSelector::make(std::string_view api_version, std::string_view kind,
                                            std::string_view name, std::string_view ns,
                                            bool exact) {
  ObjectSelector sel;
  sel.api_version_ = api_version;
  sel.kind_ = kind;
  sel.name_ = name;
  sel.ns_ = ns;
  const std::string_view fields[4] = {api_version, kind, name, ns};
  const std::string_view labels[4] = {"apiVersion", "kind", "name", "namespace"};
  RE2::Options options;
  options.set_log_errors(false);
  for (int i = 0; i < 4; ++i) {
    if (fields[i].empty()) continue;
    std::string pattern =
        exact ? cat("^(?i)", RE2::QuoteMeta(fields[i]), "$") : cat("(?i)", fields[i]);
    auto re = std::make_shared<RE2>(pattern, options);
    if (!re->ok()) {
      return makeError(cat("error parsing ", labels[i], " regexp: ", goRegexpError(*re)));
    }
    sel.re_[i] = std::move(re);
  }
  return sel;
}

bool ObjectSelector::matches(const K8sEntity& e) const {
  auto ok = [](const std::shared_ptr<const RE2>& re, const std::string& s) {
    return re == nullptr || RE2::PartialMatch(s, *re);
  };
  return ok(re_[0], e.apiVersion()) && ok(re_[1], e.kind()) && ok(re_[2], e.name()) &&
         ok(re_[3], e.namespaceOrDefault());
}

Result<std::vector<std::string>> unescapeAndSplit(std::string_view s) {
  std::vector<std::string> parts;
  std::string cur;
  bool escape_next = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (escape_next) {
      if (c != ':' && c != '\\') {
        size_t start = i >= 3 ? i - 3 : 0;
        size_t end = std::min(i + 3, s.size());
        return makeError(
            cat("invalid escape sequence '\\", c, "' in '", s.substr(start, end - start), "'"));
      }
      cur += c;
      escape_next = false;
    } else if (c == ':') {
      parts.push_back(std::move(cur));
      cur.clear();
    } else if (c == '\\') {
      escape_next = true;
    } else {
      cur += c;
    }
  }
  parts.push_back(std::move(cur));
  return parts;
}

std::string selectorStringFromParts(const std::vector<std::string>& parts) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += ':';
    for (char c : parts[i]) {
      if (c == '\\' || c == ':') out += '\\';
      out += c;
    }
  }
  return out;
}

Result<ObjectSelector> selectorFromString(std::string_view s) {
  std::vector<std::string> parts = TRY(unescapeAndSplit(s));
  if (s.empty()) return makeError("selector can't be empty");
  switch (parts.size()) {
    case 1:
      return ObjectSelector::exact("", "", parts[0], "");
    case 2:
      return ObjectSelector::exact("", parts[1], parts[0], "");
    case 3:
      return ObjectSelector::exact("", parts[1], parts[0], parts[2]);
    default:
      return makeError(
          cat("Too many parts in selector. Selectors must contain between 1 and 3 "
              "parts (colon separated), found ",
              parts.size(), " parts in ", s));
  }
}

std::string fullName(const K8sEntity& e) {
  return selectorStringFromParts({e.name(), e.kind(), e.namespaceOrDefault()});
}

std::vector<std::string> potentialNames(const K8sEntity& e, size_t min_components) {
  std::string group = e.group();
  if (group.empty()) group = "core";
  const std::vector<std::string> components = {e.name(), e.kind(), e.namespaceOrDefault(), group};
  std::vector<std::string> out;
  for (size_t i = min_components - 1; i < components.size(); ++i) {
    std::vector<std::string> prefix(components.begin(), components.begin() + i + 1);
    out.push_back(toLower(selectorStringFromParts(prefix)));
  }
  return out;
}

std::vector<std::string> uniqueNames(const std::vector<const K8sEntity*>& entities,
                                     size_t min_components) {
  std::map<std::string, int> counts;
  std::vector<std::vector<std::string>> names;
  names.reserve(entities.size());
  for (const K8sEntity* e : entities) {
    names.push_back(potentialNames(*e, min_components));
    for (const std::string& n : names.back()) ++counts[n];
  }
  std::vector<std::string> out(entities.size());
  for (size_t i = 0; i < entities.size(); ++i) {
    for (const std::string& n : names[i]) {
      if (counts[n] == 1) {
        out[i] = n;
        break;
      }
    }
    // Two identical objects (allowed by k8s_yaml(allow_duplicates=True)): make the name unique
    // with the index, as Tilt does.
    if (out[i].empty()) out[i] = cat(names[i].back(), ":", i);
  }
  return out;
}

// ---- JSONPath ---------------------------------------------------------------------------------

struct JsonPath::Node {
  enum class Kind {
    kList,
    kText,
    kField,
    kArray,
    kFilter,
    kInt,
    kFloat,
    kBool,
    kWildcard,
    kRecursive,
    kUnion,
    kIdentifier,
  };
  struct Param {
    bool known = false;
    int64_t value = 0;
    bool derived = false;
  };

  explicit Node(Kind k) : kind(k) {}
  Kind kind;
  std::string text;                          // kText, kField, kIdentifier; kFilter: the operator
  std::vector<std::shared_ptr<Node>> nodes;  // kList; kUnion: one list per alternative
  std::shared_ptr<Node> left, right;         // kFilter (lists)
  Param params[3];                           // kArray
  int64_t int_value = 0;
  double float_value = 0;
  bool bool_value = false;
};

namespace {

using JpNode = JsonPath::Node;
using NodePtr = std::shared_ptr<JpNode>;

NodePtr newNode(JpNode::Kind k) { return std::make_shared<JpNode>(k); }

bool isTerminator(int r) {
  switch (r) {
    case -1:
    case ' ':
    case '\t':
    case '\r':
    case '\n':
    case '.':
    case ',':
    case '[':
    case ']':
    case '$':
    case '@':
    case '{':
    case '}':
      return true;
    default:
      return false;
  }
}

bool isAlphaNumeric(int r) {
  return r == '_' || (r >= 0x80) || std::isalnum(r);  // non-ASCII bytes: part of a letter
}

std::string formatRune(int r) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(r));
  std::string out = buf;
  if (r >= 0x20 && r < 0x7f) out += cat(" '", static_cast<char>(r), "'");
  return out;
}

std::optional<int64_t> atoi64(std::string_view s) {
  if (s.empty()) return std::nullopt;
  size_t i = (s[0] == '+' || s[0] == '-') ? 1 : 0;
  if (i == s.size()) return std::nullopt;
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data() + i, s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return s[0] == '-' ? -v : v;
}

// Go's strconv.UnquoteChar for the escapes users write in JSONPath string literals.
Result<std::string> unquoteExtend(std::string_view s) {
  if (s.size() < 2 || s.front() != s.back() || (s.front() != '"' && s.front() != '\'')) {
    return makeError("invalid syntax");
  }
  char quote = s.front();
  s = s.substr(1, s.size() - 2);
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == quote) return makeError("invalid syntax");
    if (c != '\\') {
      out += c;
      continue;
    }
    if (++i == s.size()) return makeError("invalid syntax");
    switch (s[i]) {
      case 'a':
        out += '\a';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'v':
        out += '\v';
        break;
      case '\\':
        out += '\\';
        break;
      case '\'':
      case '"':
        if (s[i] != quote) return makeError("invalid syntax");
        out += s[i];
        break;
      default:
        return makeError("invalid syntax");
    }
  }
  return out;
}

class JpParser {
 public:
  explicit JpParser(std::string_view input) : input_(input) {}

  Result<NodePtr> parse() {
    root_ = newNode(JpNode::Kind::kList);
    TRY_VOID(parseText());
    return root_;
  }

 private:
  static constexpr int kEof = -1;

  int next() {
    if (pos_ >= input_.size()) {
      width_ = 0;
      return kEof;
    }
    width_ = 1;
    return static_cast<unsigned char>(input_[pos_++]);
  }
  void backup() { pos_ -= width_; }
  int peek() {
    int r = next();
    backup();
    return r;
  }
  std::string consumeText() {
    std::string v(input_.substr(start_, pos_ - start_));
    start_ = pos_;
    return v;
  }
  bool restStartsWith(std::string_view prefix) const {
    return input_.substr(pos_).starts_with(prefix);
  }
  static void append(const NodePtr& list, NodePtr node) { list->nodes.push_back(std::move(node)); }

  static NodePtr text(std::string s) {
    NodePtr n = newNode(JpNode::Kind::kText);
    n->text = std::move(s);
    return n;
  }

  // Text outside actions, and each {action}, at the top level.
  Result<void> parseText() {
    while (true) {
      size_t brace = input_.find('{', pos_);
      if (brace == std::string_view::npos) break;
      pos_ = brace;
      if (pos_ > start_) append(root_, text(consumeText()));
      pos_ += 1;
      consumeText();
      NodePtr action = newNode(JpNode::Kind::kList);
      append(root_, action);
      TRY_VOID(parseInsideAction(action));
    }
    pos_ = input_.size();
    if (pos_ > start_) append(root_, text(consumeText()));
    return {};
  }

  // Parses up to and including the closing '}'.
  Result<void> parseInsideAction(const NodePtr& cur) {
    while (true) {
      if (restStartsWith("}")) {
        pos_ += 1;
        consumeText();
        return {};
      }
      if (restStartsWith("[?(")) {
        TRY_VOID(parseFilter(cur));
        continue;
      }
      if (restStartsWith("..")) {
        pos_ += 2;
        consumeText();
        append(cur, newNode(JpNode::Kind::kRecursive));
        if (isAlphaNumeric(peek())) TRY_VOID(parseField(cur));
        continue;
      }
      int r = next();
      if (r == kEof || r == '\r' || r == '\n') return makeError("unclosed action");
      if (r == ' ' || r == '@' || r == '$') {
        consumeText();
      } else if (r == '[') {
        TRY_VOID(parseArray(cur));
      } else if (r == '"' || r == '\'') {
        TRY_VOID(parseQuote(cur, r));
      } else if (r == '.') {
        TRY_VOID(parseField(cur));
      } else if (r == '+' || r == '-' || (r >= '0' && r <= '9')) {
        backup();
        TRY_VOID(parseNumber(cur));
      } else if (isAlphaNumeric(r)) {
        backup();
        TRY_VOID(parseIdentifier(cur));
      } else {
        return makeError(cat("unrecognized character in action: ", formatRune(r)));
      }
    }
  }

  Result<void> parseIdentifier(const NodePtr& cur) {
    while (true) {
      int r = next();
      if (isTerminator(r)) {
        backup();
        break;
      }
    }
    std::string value = consumeText();
    if (value == "true" || value == "false") {
      NodePtr n = newNode(JpNode::Kind::kBool);
      n->bool_value = value == "true";
      append(cur, n);
    } else {
      NodePtr n = newNode(JpNode::Kind::kIdentifier);
      n->text = std::move(value);
      append(cur, n);
    }
    return {};
  }

  Result<void> parseNumber(const NodePtr& cur) {
    int r = peek();
    if (r == '+' || r == '-') next();
    while (true) {
      r = next();
      if (r != '.' && !(r >= '0' && r <= '9')) {
        backup();
        break;
      }
    }
    std::string value = consumeText();
    if (auto i = atoi64(value)) {
      NodePtr n = newNode(JpNode::Kind::kInt);
      n->int_value = *i;
      append(cur, n);
      return {};
    }
    if (auto f = starlark::lib::parseGoFloat(value)) {
      NodePtr n = newNode(JpNode::Kind::kFloat);
      n->float_value = *f;
      append(cur, n);
      return {};
    }
    return makeError(cat("cannot parse number ", value));
  }

  // Parses `text` as the inside of an action, for unions, quoted keys and filters.
  static Result<NodePtr> parseAction(std::string_view text) {
    std::string source = cat("{", text, "}");
    JpParser p(source);
    NodePtr root = TRY(p.parse());
    return root->nodes[0];
  }

  Result<void> parseArray(const NodePtr& cur) {
    while (true) {
      int r = next();
      if (r == kEof || r == '\n') return makeError("unterminated array");
      if (r == ']') break;
    }
    std::string text = consumeText();
    text = text.substr(1, text.size() - 2);
    if (text == "*") text = ":";

    // A union: [a,b].
    if (text.find(',') != std::string::npos) {
      NodePtr u = newNode(JpNode::Kind::kUnion);
      size_t begin = 0;
      while (true) {
        size_t comma = text.find(',', begin);
        std::string part =
            text.substr(begin, comma == std::string::npos ? std::string::npos : comma - begin);
        size_t first = part.find_first_not_of(' ');
        size_t last = part.find_last_not_of(' ');
        part = first == std::string::npos ? "" : part.substr(first, last - first + 1);
        u->nodes.push_back(TRY(parseAction(cat("[", part, "]"))));
        if (comma == std::string::npos) break;
        begin = comma + 1;
      }
      append(cur, u);
      return {};
    }

    // A quoted key: ['a.b'].
    if (text.size() >= 2 && text.front() == '\'' && text.back() == '\'' &&
        text.find('\'', 1) == text.size() - 1) {
      NodePtr list = TRY(parseAction(cat(".", text.substr(1, text.size() - 2))));
      for (const NodePtr& n : list->nodes) append(cur, n);
      return {};
    }

    // A slice: [start:end:step], each part optional.
    std::string groups[3];
    {
      size_t i = 0;
      auto number = [&](std::string& out) {
        size_t b = i;
        if (i < text.size() && text[i] == '-') ++i;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
        out += text.substr(b, i - b);
      };
      number(groups[0]);
      for (int g = 1; g < 3 && i < text.size() && text[i] == ':'; ++g) {
        groups[g] = ":";
        ++i;
        number(groups[g]);
      }
      if (i != text.size()) return makeError(cat("invalid array index ", text));
    }
    NodePtr a = newNode(JpNode::Kind::kArray);
    for (int g = 0; g < 3; ++g) {
      JpNode::Param& p = a->params[g];
      std::string v = groups[g];
      if (!v.empty()) {
        if (g > 0) v = v.substr(1);
        if (g > 0 && v.empty()) {
          p.known = false;
        } else {
          auto n = atoi64(v);
          if (!n) return makeError(cat("array index ", v, " is not a number"));
          p.known = true;
          p.value = *n;
        }
      } else if (g == 1) {
        p.known = true;
        p.value = a->params[0].value + 1;
        p.derived = true;
      } else {
        p.known = false;
        p.value = 0;
      }
    }
    append(cur, a);
    return {};
  }

  Result<void> parseFilter(const NodePtr& cur) {
    pos_ += 3;
    consumeText();
    bool begin = false;
    bool end = false;
    int pair = 0;
    while (true) {
      int r = next();
      if (r == kEof || r == '\n') return makeError("unterminated filter");
      if (r == '"' || r == '\'') {
        if (!begin) {
          begin = true;
          pair = r;
          continue;
        }
        if (input_[pos_ - 2] != '\\' && r == pair) end = true;
      } else if (r == ')') {
        if (begin == end) break;
      }
    }
    if (next() != ']') return makeError("unclosed array expect ]");
    std::string text = consumeText();
    text = text.substr(0, text.size() - 2);

    // left op right, with op a run of !<>=
    size_t op_begin = text.find_first_of("!<>=");
    size_t op_end = op_begin == std::string::npos ? std::string::npos
                                                  : text.find_first_not_of("!<>=", op_begin);
    NodePtr f = newNode(JpNode::Kind::kFilter);
    if (op_begin == std::string::npos || op_begin == 0 || op_end == std::string::npos) {
      f->left = TRY(parseAction(text));
      f->right = newNode(JpNode::Kind::kList);
      f->text = "exists";
    } else {
      f->left = TRY(parseAction(text.substr(0, op_begin)));
      f->right = TRY(parseAction(text.substr(op_end)));
      f->text = text.substr(op_begin, op_end - op_begin);
    }
    append(cur, f);
    return {};
  }

  Result<void> parseQuote(const NodePtr& cur, int quote) {
    while (true) {
      int r = next();
      if (r == kEof || r == '\n') return makeError("unterminated quoted string");
      if (r == quote && input_[pos_ - 2] != '\\') break;
    }
    std::string value = consumeText();
    auto s = unquoteExtend(value);
    if (!s) return makeError(cat("unquote string ", value, " error ", s.error().message()));
    append(cur, text(std::move(*s)));
    return {};
  }

  Result<void> parseField(const NodePtr& cur) {
    consumeText();
    while (true) {
      int r = next();
      if (r == '\\') {
        next();
      } else if (isTerminator(r)) {
        backup();
        break;
      }
    }
    std::string value = consumeText();
    if (value == "*") {
      append(cur, newNode(JpNode::Kind::kWildcard));
    } else {
      NodePtr n = newNode(JpNode::Kind::kField);
      value.erase(std::remove(value.begin(), value.end(), '\\'), value.end());
      n->text = std::move(value);
      append(cur, n);
    }
    return {};
  }

  std::string_view input_;
  size_t pos_ = 0;
  size_t start_ = 0;
  size_t width_ = 0;
  NodePtr root_;
};

// The Go type a decoded JSON value has (for messages that print it with %T).
std::string goType(const Json& v) {
  if (v.is_object()) return "map[string]interface {}";
  if (v.is_array()) return "[]interface {}";
  if (v.is_string()) return "string";
  if (v.is_boolean()) return "bool";
  if (v.is_number_integer()) return "int64";
  if (v.is_number()) return "float64";
  return "<nil>";
}

std::string goValue(const Json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

class JpEval {
 public:
  using Values = std::vector<const Json*>;
  explicit JpEval(bool allow_missing) : allow_missing_(allow_missing) {}

  Result<std::vector<Values>> findResults(const Json& root, const JpNode& tree) {
    Values cur = {&root};
    std::vector<Values> out;
    for (const NodePtr& n : tree.nodes) out.push_back(TRY(walk(cur, *n)));
    return out;
  }

 private:
  const Json* literal(Json v) {
    literals_.push_back(std::move(v));
    return &literals_.back();
  }

  Result<Values> walk(const Values& in, const JpNode& n) {
    switch (n.kind) {
      case JpNode::Kind::kList:
        return evalList(in, n);
      case JpNode::Kind::kText:
        return Values{literal(n.text)};
      case JpNode::Kind::kField:
        return evalField(in, n);
      case JpNode::Kind::kArray:
        return evalArray(in, n);
      case JpNode::Kind::kFilter:
        return evalFilter(in, n);
      case JpNode::Kind::kInt:
        return repeat(in, Json(n.int_value));
      case JpNode::Kind::kFloat:
        return repeat(in, Json(n.float_value));
      case JpNode::Kind::kBool:
        return repeat(in, Json(n.bool_value));
      case JpNode::Kind::kWildcard:
        return evalWildcard(in);
      case JpNode::Kind::kRecursive:
        return evalRecursive(in);
      case JpNode::Kind::kUnion: {
        Values out;
        for (const NodePtr& l : n.nodes) {
          Values part = TRY(evalList(in, *l));
          out.insert(out.end(), part.begin(), part.end());
        }
        return out;
      }
      case JpNode::Kind::kIdentifier:
        if (n.text == "range" || n.text == "end") {
          return makeError("range and end are not supported in image JSON paths");
        }
        return makeError(cat("unrecognized identifier ", n.text));
    }
    return makeError("unexpected node");
  }

  Values repeat(const Values& in, const Json& v) {
    Values out;
    for (size_t i = 0; i < in.size(); ++i) out.push_back(literal(v));
    return out;
  }

  Result<Values> evalList(const Values& in, const JpNode& n) {
    Values cur = in;
    for (const NodePtr& child : n.nodes) cur = TRY(walk(cur, *child));
    return cur;
  }

  Result<Values> evalField(const Values& in, const JpNode& n) {
    Values out;
    if (in.empty()) return out;
    for (const Json* v : in) {
      if (v->is_null()) continue;
      if (const Json* m = member(*v, n.text)) out.push_back(m);
    }
    if (out.empty() && !allow_missing_) return makeError(cat(n.text, " is not found"));
    return out;
  }

  Result<Values> evalArray(const Values& in, const JpNode& n) {
    Values out;
    for (const Json* v : in) {
      if (v->is_null()) continue;
      if (!v->is_array()) return makeError(cat(goType(*v), " is not array or slice"));
      JpNode::Param p[3] = {n.params[0], n.params[1], n.params[2]};
      int64_t len = static_cast<int64_t>(v->size());
      if (!p[0].known) p[0].value = 0;
      if (p[0].value < 0) p[0].value += len;
      if (!p[1].known) p[1].value = len;
      if (p[1].value < 0 || (p[1].value == 0 && p[1].derived)) p[1].value += len;
      if (p[1].value == p[0].value) return out;  // zero elements requested
      if (p[0].value >= len || p[0].value < 0) {
        return makeError(cat("array index out of bounds: index ", p[0].value, ", length ", len));
      }
      if (p[1].value > len || p[1].value < 0) {
        return makeError(
            cat("array index out of bounds: index ", p[1].value - 1, ", length ", len));
      }
      if (p[0].value > p[1].value) {
        return makeError(
            cat("starting index ", p[0].value, " is greater than ending index ", p[1].value));
      }
      int64_t step = 1;
      if (p[2].known) {
        if (p[2].value <= 0) return makeError("step must be > 0");
        step = p[2].value;
      }
      for (int64_t i = p[0].value; i < p[1].value; i += step) out.push_back(&(*v)[i]);
    }
    return out;
  }

  static Values children(const Json& v) {
    Values out;
    if (v.is_object() || v.is_array()) {
      for (const Json& c : v) out.push_back(&c);
    }
    return out;
  }

  Result<Values> evalWildcard(const Values& in) {
    Values out;
    for (const Json* v : in) {
      if (v->is_null()) continue;
      Values c = children(*v);
      out.insert(out.end(), c.begin(), c.end());
    }
    return out;
  }

  Result<Values> evalRecursive(const Values& in) {
    Values out;
    for (const Json* v : in) {
      if (v->is_null()) continue;
      Values c = children(*v);
      if (c.empty()) continue;
      out.push_back(v);
      Values deeper = TRY(evalRecursive(c));
      out.insert(out.end(), deeper.begin(), deeper.end());
    }
    return out;
  }

  // text/template's comparison functions, as the filter uses them.
  static Result<bool> compare(const Json& a, const Json& b, std::string_view op) {
    int cmp = 0;
    if (a.is_number() && b.is_number()) {
      double x = a.get<double>(), y = b.get<double>();
      cmp = x < y ? -1 : x > y ? 1 : 0;
    } else if (a.is_string() && b.is_string()) {
      cmp = a.get<std::string>().compare(b.get<std::string>());
      cmp = cmp < 0 ? -1 : cmp > 0 ? 1 : 0;
    } else if (a.is_boolean() && b.is_boolean()) {
      if (op != "==" && op != "!=") return makeError("invalid type for comparison");
      cmp = a.get<bool>() == b.get<bool>() ? 0 : 1;
    } else if (a.is_structured() || b.is_structured() || a.is_null() || b.is_null()) {
      return makeError("invalid type for comparison");
    } else {
      return makeError("incompatible types for comparison");
    }
    if (op == "==") return cmp == 0;
    if (op == "!=") return cmp != 0;
    if (op == "<") return cmp < 0;
    if (op == ">") return cmp > 0;
    if (op == "<=") return cmp <= 0;
    if (op == ">=") return cmp >= 0;
    return makeError(cat("unrecognized filter operator ", op));
  }

  Result<Values> evalFilter(const Values& in, const JpNode& n) {
    Values out;
    for (const Json* v : in) {
      if (!v->is_array() && !v->is_object()) {
        return makeError(cat(goValue(*v), " is not array, slice or map and cannot be filtered"));
      }
      for (const Json* item : children(*v)) {
        auto lefts = evalList({item}, *n.left);
        if (n.text == "exists") {
          if (lefts && !lefts->empty()) out.push_back(item);
          continue;
        }
        if (!lefts) return std::unexpected(lefts.error());
        if (lefts->empty()) continue;
        if (lefts->size() > 1) return makeError("can only compare one element at a time");
        Values rights = TRY(evalList({item}, *n.right));
        if (rights.empty()) continue;
        if (rights.size() > 1) return makeError("can only compare one element at a time");
        if (TRY(compare(*(*lefts)[0], *rights[0], n.text))) out.push_back(item);
      }
    }
    return out;
  }

  bool allow_missing_;
  std::deque<Json> literals_;
};

}  // namespace

Result<JsonPath> JsonPath::parse(std::string_view text) {
  JpParser p(text);
  NodePtr root = TRY(p.parse());
  JsonPath jp;
  jp.text_ = std::string(text);
  jp.root_ = std::move(root);
  return jp;
}

Result<void> JsonPath::visit(const Json& root, bool allow_missing,
                             const std::function<Result<void>(const Json&)>& fn) const {
  if (root_ == nullptr) return {};
  JpEval eval(allow_missing);
  auto results = eval.findResults(root, *root_);
  if (!results) {
    return makeError(
        cat("Matching (json_path=", goQuoted(text_), "): ", results.error().message()));
  }
  for (const auto& set : *results) {
    for (const Json* v : set) TRY_VOID(fn(*v));
  }
  return {};
}

Result<std::vector<std::string>> JsonPath::findStrings(const Json& root, bool allow_missing) const {
  std::vector<std::string> out;
  TRY_VOID(visit(root, allow_missing, [&](const Json& v) -> Result<void> {
    if (!v.is_string()) {
      return makeError(cat("May only match strings (json_path=", goQuoted(text_),
                           ")\nGot Type: ", goType(v), "\nGot Value: ", goValue(v)));
    }
    out.push_back(v.get<std::string>());
    return {};
  }));
  return out;
}

// ---- image locators ---------------------------------------------------------------------------

Result<std::vector<ImageRef>> ImageLocator::extract(const K8sEntity& e) const {
  std::vector<ImageRef> out;
  if (!selector.matches(e)) return out;
  // Over a built-in type, a field the YAML leaves out exists in Tilt's Go struct.
  bool lenient = e.isBuiltinType();
  if (!is_object) {
    std::vector<std::string> images = TRY(path.findStrings(e.obj, lenient));
    for (const std::string& image : images) {
      auto ref = parseImageRef(image);
      if (!ref) {
        return makeError(cat("error parsing image '", image, "' at json path '", path.text(),
                             "': ", ref.error().message()));
      }
      out.push_back(std::move(*ref));
    }
    return out;
  }
  TRY_VOID(path.visit(e.obj, lenient, [&](const Json& v) -> Result<void> {
    if (!v.is_object()) {
      return makeError(cat("May only match maps (json_path=", goQuoted(path.text()),
                           ")\nGot Type: ", goType(v), "\nGot Value: ", goValue(v)));
    }
    std::string image;
    const Json* repo = member(v, repo_field);
    if (repo != nullptr && repo->is_string()) image = repo->get<std::string>();
    const Json* tag = member(v, tag_field);
    if (tag != nullptr && tag->is_string() && !tag->get<std::string>().empty()) {
      image = cat(image, ":", tag->get<std::string>());
    }
    out.push_back(TRY(parseImageRef(image)));
    return {};
  }));
  return out;
}

model::ImageLocator ImageLocator::toModel() const {
  model::ImageLocator m;
  m.api_version = selector.apiVersion();
  m.kind = selector.kind();
  m.name = selector.name();
  m.namespace_ = selector.ns();
  m.json_paths = {path.text()};
  if (is_object) {
    m.repo_field = repo_field;
    m.tag_field = tag_field;
  }
  return m;
}

Result<std::vector<ImageRef>> findImages(const K8sEntity& e,
                                         const std::vector<const ImageLocator*>& locators,
                                         const std::vector<RefSelector>& env_images) {
  std::vector<ImageRef> out;
  std::vector<const Json*> specs = podSpecs(e);

  // Containers (init containers first, in the field order of Go's PodSpec).
  for (const Json* spec : specs) {
    for (std::string_view list : {"initContainers", "containers"}) {
      std::optional<starlark::Error> error;
      forEachElement(member(*spec, list), [&](const Json& c) {
        if (error) return;
        std::string image = stringField(member(c, "image"));
        auto ref = parseImageRef(image);
        if (!ref) {
          error = starlark::Error(cat("parsing ", image, ": ", ref.error().message()));
          return;
        }
        out.push_back(std::move(*ref));
      });
      if (error) return std::unexpected(*error);
    }
  }

  // Image volumes.
  for (const Json* spec : specs) {
    std::optional<starlark::Error> error;
    forEachElement(member(*spec, "volumes"), [&](const Json& vol) {
      if (error) return;
      std::string reference = stringField(path(vol, {"image", "reference"}));
      if (reference.empty()) return;
      auto ref = parseImageRef(reference);
      if (!ref) {
        error = starlark::Error(
            cat("parsing image volume reference ", reference, ": ", ref.error().message()));
        return;
      }
      out.push_back(std::move(*ref));
    });
    if (error) return std::unexpected(*error);
  }

  for (const ImageLocator* locator : locators) {
    std::vector<ImageRef> found = TRY(locator->extract(e));
    out.insert(out.end(), found.begin(), found.end());
  }

  // Env values that name an image built with match_in_env_vars.
  if (!env_images.empty()) {
    for (const Json* spec : specs) {
      for (std::string_view list : {"initContainers", "containers", "ephemeralContainers"}) {
        forEachElement(member(*spec, list), [&](const Json& c) {
          forEachElement(member(c, "env"), [&](const Json& env) {
            const Json* value = member(env, "value");
            if (value == nullptr || !value->is_string()) return;
            auto ref = parseImageRef(value->get<std::string>());
            if (!ref) return;
            for (const RefSelector& sel : env_images) {
              if (sel.matches(*ref)) out.push_back(*ref);
            }
          });
        });
      }
    }
  }
  return out;
}

}  // namespace slant::tiltfile
