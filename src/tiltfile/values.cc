#include "tiltfile/values.h"

#include <algorithm>
#include <set>
#include <utility>

#include "starlark/lib/util.h"

namespace slant::tiltfile {

using starlark::makeError;
using starlark::lib::cat;

// ---- Blob -------------------------------------------------------------------------------------

// Tilt's Blob prints its text for both str() and repr(), so that print(local("date")) shows the
// output and not a quoted string.
void Blob::write(std::string& out, bool, std::vector<const Object*>&) const { out += text_; }

Result<uint32_t> Blob::hash() const { return starlark::hashBytes(text_); }

Result<bool> Blob::equals(const Object& other, int) const {
  const auto* b = dynamic_cast<const Blob*>(&other);
  return b != nullptr && b->text_ == text_;
}

Value makeBlob(std::string text) { return starlark::make<Blob>(std::move(text)); }

std::optional<std::string_view> stringOrBlob(const Value& v) {
  if (v.isString()) return v.str();
  if (v.is(starlark::ObjType::kOther)) {
    if (const auto* b = dynamic_cast<const Blob*>(v.object())) return std::string_view(b->text());
  }
  return std::nullopt;
}

// ---- commands ---------------------------------------------------------------------------------

Result<std::vector<std::string>> CommandArg::argv(std::string_view param) const {
  if (value.isUnbound() || value.isNone()) return std::vector<std::string>{};
  if (auto s = stringOrBlob(value)) {
    // As Tilt's model.ToUnixCmd: an empty string is no command; spaces around it are trimmed.
    if (s->empty()) return std::vector<std::string>{};
    size_t b = s->find_first_not_of(" \t\n\r\v\f");
    size_t e = s->find_last_not_of(" \t\n\r\v\f");
    std::string_view trimmed = b == std::string_view::npos ? "" : s->substr(b, e - b + 1);
    return std::vector<std::string>{"sh", "-c", std::string(trimmed)};
  }
  if (value.is(starlark::ObjType::kList) || value.is(starlark::ObjType::kTuple)) {
    std::vector<std::string> argv;
    auto elems = TRY(starlark::collect(value));
    for (const Value& e : elems) {
      auto s = stringOrBlob(e);
      if (!s) {
        return makeError(cat(param, ": a command must be a string or a list of strings: '",
                             starlark::str(e), "' is a ", starlark::typeName(e), ", not a string"));
      }
      argv.emplace_back(*s);
    }
    return argv;
  }
  return makeError(cat(param, ": a command must be a string or list of strings. found ",
                       starlark::typeName(value)));
}

// ---- trigger modes ----------------------------------------------------------------------------

void TriggerModeValue::write(std::string& out, bool, std::vector<const Object*>&) const {
  out += mode_ == model::TriggerMode::kAuto ? "TRIGGER_MODE_AUTO" : "TRIGGER_MODE_MANUAL";
}

Result<uint32_t> TriggerModeValue::hash() const { return static_cast<uint32_t>(mode_) + 1; }

Result<bool> TriggerModeValue::equals(const Object& other, int) const {
  const auto* t = dynamic_cast<const TriggerModeValue*>(&other);
  return t != nullptr && t->mode_ == mode_;
}

// ---- links ------------------------------------------------------------------------------------

namespace {

// Tilt accepts any URL that Go's url.Parse accepts and adds "http" when the scheme is missing.
// url.Parse rejects little; we reject what it rejects that users hit: empty URLs and control
// characters.
Result<std::string> urlWithScheme(std::string_view url) {
  if (url.empty()) return makeError("validating URL \"\": url empty");
  for (char c : url) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      std::string quoted;
      starlark::writeQuoted(quoted, url);
      return makeError(cat("validating URL ", quoted, ": invalid control character in URL"));
    }
  }
  // A scheme is letters, digits, '+', '-', '.' starting with a letter, followed by ':'.
  size_t colon = url.find(':');
  bool has_scheme = colon != std::string_view::npos && colon > 0 &&
                    std::isalpha(static_cast<unsigned char>(url[0]));
  if (has_scheme) {
    for (size_t i = 0; i < colon; ++i) {
      char c = url[i];
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') {
        has_scheme = false;
        break;
      }
    }
  }
  // "localhost:8080" parses in Go with scheme "localhost"; Tilt then keeps it as is. Users mean
  // a host and port, so treat a scheme followed by digits only as host:port.
  if (has_scheme) {
    std::string_view rest = url.substr(colon + 1);
    size_t end = rest.find_first_of("/?#");
    std::string_view port = rest.substr(0, end);
    bool digits = !port.empty();
    for (char c : port) digits = digits && std::isdigit(static_cast<unsigned char>(c));
    if (digits) has_scheme = false;
  }
  if (has_scheme) return std::string(url);
  return cat("http://", url);
}

}  // namespace

void LinkValue::write(std::string& out, bool, std::vector<const Object*>&) const {
  out += "link(url = ";
  starlark::writeQuoted(out, link_.url);
  out += ", name = ";
  starlark::writeQuoted(out, link_.name);
  out += ")";
}

Result<std::optional<Value>> LinkValue::attr(Thread&, std::string_view name) const {
  if (name == "url") return std::optional<Value>(starlark::makeString(link_.url));
  if (name == "name") return std::optional<Value>(starlark::makeString(link_.name));
  return std::optional<Value>();
}

Result<Value> linkBuiltin(Thread&, const BuiltinCall& call) {
  std::string url;
  std::string name;
  TRY_VOID(starlark::lib::unpackArgs(call, {{"url", &url}, {"name?", &name}}));
  std::string full = TRY(urlWithScheme(url));
  return starlark::make<LinkValue>(model::Link{std::move(full), std::move(name)});
}

// ---- labels ---------------------------------------------------------------------------------

std::string goQuoted(std::string_view s) {
  std::string out;
  starlark::writeQuoted(out, s);
  return out;
}

namespace {

// Kubernetes' label validation, as Tilt applies it to labels=: a qualified name (an optional DNS
// subdomain prefix and '/', then a name of at most 63 alphanumerics, '-', '_' or '.', starting
// and ending alphanumeric) that is also a valid label value, without '/'.
bool isAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

bool matchesQualifiedName(std::string_view s) {
  if (s.empty() || !isAlnum(s.front()) || !isAlnum(s.back())) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return isAlnum(c) || c == '-' || c == '_' || c == '.'; });
}

bool isDns1123Subdomain(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    std::string_view label = s.substr(start, dot == std::string_view::npos ? s.npos : dot - start);
    if (label.empty()) return false;
    auto lower_alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
    if (!lower_alnum(label.front()) || !lower_alnum(label.back())) return false;
    for (char c : label)
      if (!lower_alnum(c) && c != '-') return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

constexpr std::string_view kQualifiedNameMsg =
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
    "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

Result<void> validateLabel(std::string_view label) {
  std::vector<std::string> errs;
  size_t slashes = std::count(label.begin(), label.end(), '/');
  std::string_view name = label;
  if (slashes > 1) {
    errs.push_back(cat("a qualified name ", kQualifiedNameMsg,
                       " with an optional DNS subdomain prefix and '/' (e.g. "
                       "'example.com/MyName')"));
  } else {
    if (slashes == 1) {
      size_t slash = label.find('/');
      std::string_view prefix = label.substr(0, slash);
      name = label.substr(slash + 1);
      if (prefix.empty()) {
        errs.push_back("prefix part must be non-empty");
      } else if (!isDns1123Subdomain(prefix)) {
        errs.push_back(
            "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
            "characters, '-' or '.', and must start and end with an alphanumeric character "
            "(e.g. 'example.com', regex used for validation is "
            "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
      }
    }
    if (name.empty()) {
      errs.push_back("name part must be non-empty");
    } else if (name.size() > 63) {
      errs.push_back("name part must be no more than 63 characters");
    }
    if (!matchesQualifiedName(name)) errs.push_back(cat("name part ", kQualifiedNameMsg));
  }
  if (errs.empty()) {
    // A valid label value: empty, or at most 63 characters matching the same pattern.
    if (label.size() > 63) errs.push_back("must be no more than 63 characters");
    if (!label.empty() && !matchesQualifiedName(label)) {
      errs.push_back(
          "a valid label must be an empty string or consist of alphanumeric characters, '-', "
          "'_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  "
          "or 'my_value',  or '12345', regex used for validation is "
          "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
    }
  }
  if (!errs.empty()) {
    std::string joined;
    for (const std::string& e : errs) joined += (joined.empty() ? "" : ", ") + e;
    return makeError(cat("Invalid label ", goQuoted(label), ": ", joined));
  }
  return {};
}

}  // namespace

// ---- Go type names ------------------------------------------------------------------------

std::string goTypeName(const Value& v) {
  switch (v.tag()) {
    case Value::Tag::kNone:
      return "starlark.NoneType";
    case Value::Tag::kBool:
      return "starlark.Bool";
    case Value::Tag::kInt:
      return "starlark.Int";
    case Value::Tag::kFloat:
      return "starlark.Float";
    case Value::Tag::kUnbound:
      return "<nil>";
    case Value::Tag::kObject:
      break;
  }
  switch (v.object()->objType()) {
    case starlark::ObjType::kString:
      return "starlark.String";
    case starlark::ObjType::kBigInt:
      return "starlark.Int";
    case starlark::ObjType::kList:
      return "*starlark.List";
    case starlark::ObjType::kTuple:
      return "starlark.Tuple";
    case starlark::ObjType::kDict:
      return "*starlark.Dict";
    case starlark::ObjType::kSet:
      return "*starlark.Set";
    case starlark::ObjType::kRange:
      return "starlark.rangeValue";
    case starlark::ObjType::kFunction:
      return "*starlark.Function";
    case starlark::ObjType::kBuiltin:
      return "*starlark.Builtin";
    case starlark::ObjType::kStruct:
      return "*starlarkstruct.Struct";
    case starlark::ObjType::kModule:
      return "*starlarkstruct.Module";
    case starlark::ObjType::kOther:
      break;
  }
  if (dynamic_cast<const Blob*>(v.object()) != nullptr) return "io.Blob";
  return std::string(v.object()->typeName());
}

// ---- registration and paths -------------------------------------------------------------------

void addBuiltin(starlark::StringDict& dict, std::string name, starlark::BuiltinFn fn) {
  Value b = starlark::make<starlark::Builtin>(name, fn);
  starlark::freeze(b);
  dict[std::move(name)] = std::move(b);
}

std::string cleanPath(std::string_view path) {
  if (path.empty()) return ".";
  bool rooted = path.front() == '/';
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view part = path.substr(i, j - i);
    i = j + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
      } else if (!rooted) {
        parts.push_back(part);
      }
      continue;
    }
    parts.push_back(part);
  }
  std::string out = rooted ? "/" : "";
  for (size_t k = 0; k < parts.size(); ++k) {
    if (k > 0) out += '/';
    out += parts[k];
  }
  if (out.empty()) out = ".";
  return out;
}

std::string joinPath(std::string_view dir, std::string_view path) {
  if (!path.empty() && path.front() == '/') return cleanPath(path);
  return cleanPath(cat(dir, "/", path));
}

std::string dirName(std::string_view path) {
  size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return ".";
  return cleanPath(path.substr(0, slash + 1));
}

}  // namespace slant::tiltfile

namespace slant::starlark::lib {

using tiltfile::stringOrBlob;

namespace {

// Appends the strings of a list or tuple; errors name the first element that is not a string.
Result<void> appendStrings(const Value& v, std::vector<std::string>* out) {
  auto elems = TRY(collect(v));
  out->reserve(out->size() + elems.size());
  for (const Value& e : elems) {
    auto s = stringOrBlob(e);
    if (!s) {
      std::string quoted;
      writeQuoted(quoted, str(e));
      return makeError(cat("value should contain only strings, but element ", quoted,
                           " was of type ", typeName(e)));
    }
    out->emplace_back(*s);
  }
  return {};
}

bool isSequence(const Value& v) { return v.is(ObjType::kList) || v.is(ObjType::kTuple); }

}  // namespace

Result<void> Unpacker<tiltfile::TextArg>::unpack(const Value& v, tiltfile::TextArg* out) {
  auto s = stringOrBlob(v);
  if (!s) return makeError(cat("got ", typeName(v), ", want string or blob"));
  out->text = std::string(*s);
  out->is_blob = !v.isString();
  return {};
}

Result<void> Unpacker<tiltfile::StringOrList>::unpack(const Value& v, tiltfile::StringOrList* out) {
  out->items.clear();
  out->present = !v.isNone();
  if (v.isNone()) return {};
  if (auto s = stringOrBlob(v)) {
    out->items.emplace_back(*s);
    return {};
  }
  if (!isSequence(v)) {
    return makeError(
        cat("value should be a string or List or Tuple of strings, but is of type ", typeName(v)));
  }
  return appendStrings(v, &out->items);
}

Result<void> Unpacker<tiltfile::StringList>::unpack(const Value& v, tiltfile::StringList* out) {
  out->items.clear();
  if (v.isNone()) return {};
  if (!isSequence(v)) {
    return makeError(
        cat("value should be a List or Tuple of strings, but is of type ", typeName(v)));
  }
  return appendStrings(v, &out->items);
}

Result<void> Unpacker<tiltfile::StringMap>::unpack(const Value& v, tiltfile::StringMap* out) {
  out->items.clear();
  if (v.isNone()) return {};
  const Dict* d = v.tryAs<Dict>();
  if (d == nullptr) return makeError(cat("got ", typeName(v), ", want dict"));
  for (const auto* e : d->table.entries()) {
    auto k = stringOrBlob(e->key);
    if (!k) return makeError(cat("got ", typeName(e->key), " key in dict, want string"));
    auto val = stringOrBlob(e->value);
    if (!val) {
      return makeError(
          cat("got ", typeName(e->value), " value for key \"", *k, "\" in dict, want string"));
    }
    out->items.emplace_back(std::string(*k), std::string(*val));
  }
  return {};
}

Result<void> Unpacker<tiltfile::CommandArg>::unpack(const Value& v, tiltfile::CommandArg* out) {
  if (!v.isNone() && !stringOrBlob(v) && !isSequence(v)) {
    return makeError(cat("a command must be a string or list of strings. found ", typeName(v)));
  }
  out->value = v;
  return {};
}

Result<void> Unpacker<tiltfile::LabelsArg>::unpack(const Value& v, tiltfile::LabelsArg* out) {
  out->values.clear();
  if (v.isNone()) return {};
  starlark::ValueVector items;
  if (isSequence(v)) {
    items = TRY(collect(v));
  } else if (v.isString()) {
    items.push_back(v);
  } else {
    return makeError(
        cat("value should be a label or List or Tuple of labels, but is of type ", typeName(v)));
  }
  std::set<std::string, std::less<>> labels;
  for (const Value& item : items) {
    auto s = stringOrBlob(item);
    if (!s)
      return makeError(cat("Value should be convertible to string, but is type ", typeName(item)));
    TRY_VOID(tiltfile::validateLabel(*s));
    labels.emplace(*s);
  }
  out->values.assign(labels.begin(), labels.end());
  return {};
}

Result<void> Unpacker<tiltfile::LinksArg>::unpack(const Value& v, tiltfile::LinksArg* out) {
  out->links.clear();
  if (v.isNone()) return {};
  starlark::ValueVector items;
  if (isSequence(v)) {
    items = TRY(collect(v));
  } else {
    items.push_back(v);
  }
  for (const Value& item : items) {
    if (item.isString()) {
      std::string url = TRY(tiltfile::urlWithScheme(item.str()));
      out->links.push_back(model::Link{std::move(url), ""});
      continue;
    }
    if (item.isObject()) {
      if (const auto* l = dynamic_cast<const tiltfile::LinkValue*>(item.object())) {
        out->links.push_back(l->link());
        continue;
      }
    }
    return makeError(cat("want a string, a link, or a sequence of these; found ", str(item),
                         " (type: ", typeName(item), ")"));
  }
  return {};
}

Result<void> Unpacker<tiltfile::TriggerModeArg>::unpack(const Value& v,
                                                        tiltfile::TriggerModeArg* out) {
  if (v.isObject()) {
    if (const auto* t = dynamic_cast<const tiltfile::TriggerModeValue*>(v.object())) {
      out->mode = t->mode();
      return {};
    }
  }
  return makeError(cat("got ", typeName(v), ", want TriggerMode"));
}

}  // namespace slant::starlark::lib
