// Conversions between Starlark values and JSON trees: the bridge between the YAML/JSON readers
// and writers (yaml.cc) and the values a Tiltfile handles.
#include "tiltfile/convert.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "starlark/lib/struct.h"
#include "starlark/lib/unicode.h"
#include "starlark/lib/util.h"
#include "tiltfile/values.h"

namespace slant::tiltfile {

namespace {

using starlark::Dict;
using starlark::List;
using starlark::Object;
using starlark::ObjType;
using starlark::Result;
using starlark::Tuple;
using starlark::lib::cat;

Result<Json> toJson(const Value& v, std::vector<const Object*>& path) {
  switch (v.tag()) {
    case Value::Tag::kNone:
      return Json(nullptr);
    case Value::Tag::kBool:
      return Json(v.asBool());
    case Value::Tag::kInt:
      return Json(v.asSmallInt());
    case Value::Tag::kFloat:
      return Json(v.asFloat());
    case Value::Tag::kUnbound:
      return makeError("unsupported type unbound");
    case Value::Tag::kObject:
      break;
  }
  const Object* o = v.object();
  switch (o->objType()) {
    case ObjType::kString:
      return Json(std::string(v.str()));
    case ObjType::kBigInt: {
      // Beyond int64: JSON can still hold it if it fits uint64.
      std::string digits = starlark::str(v);
      uint64_t u = 0;
      auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), u);
      if (ec != std::errc() || p != digits.data() + digits.size()) {
        return makeError(cat("int ", digits, " is too large for JSON"));
      }
      return Json(u);
    }
    case ObjType::kList:
    case ObjType::kTuple:
    case ObjType::kDict:
    case ObjType::kStruct:
      break;
    default:
      if (const auto* blob = dynamic_cast<const Blob*>(o)) return Json(blob->text());
      return makeError(cat("unsupported type ", o->typeName()));
  }
  if (std::find(path.begin(), path.end(), o) != path.end()) {
    return makeError(cat("cannot convert a ", o->typeName(), " that contains itself"));
  }
  path.push_back(o);
  Json out;
  if (const List* list = v.tryAs<List>()) {
    out = Json::array();
    for (const Value& e : list->elems()) out.push_back(TRY(toJson(e, path)));
  } else if (const Tuple* tuple = v.tryAs<Tuple>()) {
    out = Json::array();
    for (const Value& e : tuple->elems()) out.push_back(TRY(toJson(e, path)));
  } else if (const Dict* dict = v.tryAs<Dict>()) {
    out = Json::object();
    for (const starlark::HashTable::Entry* e : dict->table.entries()) {
      if (!e->key.isString()) {
        return makeError(cat("dict key must be a string, got ", starlark::typeName(e->key)));
      }
      out[std::string(e->key.str())] = TRY(toJson(e->value, path));
    }
  } else {
    const auto* s = v.as<starlark::lib::Struct>();
    out = Json::object();
    for (const auto& [name, field] : s->fields()) out[name] = TRY(toJson(field, path));
  }
  path.pop_back();
  return out;
}

// A JSON string as Go's encoding/json writes it: HTML-safe (<, >, & as \u003c, ...), other
// control characters as \b, \f, \n, \r, \t or \u00XX, invalid UTF-8 as \ufffd, and U+2028 and
// U+2029 escaped.
void writeJsonString(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      ++i;
      switch (b) {
        case '\\':
        case '"':
          out.push_back('\\');
          out.push_back(static_cast<char>(b));
          break;
        case '\b':
          out += "\\b";
          break;
        case '\f':
          out += "\\f";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        default:
          if (b < 0x20 || b == '<' || b == '>' || b == '&') {
            out += "\\u00";
            out.push_back(kHex[b >> 4]);
            out.push_back(kHex[b & 0xF]);
          } else {
            out.push_back(static_cast<char>(b));
          }
      }
      continue;
    }
    starlark::lib::DecodedRune r = starlark::lib::decodeRune(s.substr(i));
    if (r.rune == starlark::lib::kReplacementChar && r.size == 1) {
      out += "\\ufffd";
    } else if (r.rune == 0x2028 || r.rune == 0x2029) {
      out += "\\u202";
      out.push_back(kHex[r.rune & 0xF]);
    } else {
      out.append(s.substr(i, static_cast<size_t>(r.size)));
    }
    i += static_cast<size_t>(r.size);
  }
  out.push_back('"');
}

Result<void> writeJson(std::string& out, const Json& j, int depth) {
  auto newline = [&](int d) {
    out.push_back('\n');
    out.append(static_cast<size_t>(d) * 2, ' ');
  };
  switch (j.type()) {
    case Json::value_t::null:
    case Json::value_t::discarded:
      out += "null";
      return {};
    case Json::value_t::boolean:
      out += j.get<bool>() ? "true" : "false";
      return {};
    case Json::value_t::number_integer:
      out += std::to_string(j.get<int64_t>());
      return {};
    case Json::value_t::number_unsigned:
      out += std::to_string(j.get<uint64_t>());
      return {};
    case Json::value_t::number_float: {
      double f = j.get<double>();
      if (!std::isfinite(f)) {
        return makeError(cat("json: unsupported value: ", std::isnan(f) ? "NaN"
                                                          : f > 0       ? "+Inf"
                                                                        : "-Inf"));
      }
      out += formatJsonFloat(f);
      return {};
    }
    case Json::value_t::string:
      writeJsonString(out, j.get_ref<const std::string&>());
      return {};
    case Json::value_t::binary: {
      const auto& bytes = j.get_binary();
      writeJsonString(out, std::string(bytes.begin(), bytes.end()));
      return {};
    }
    case Json::value_t::array: {
      if (j.empty()) {
        out += "[]";
        return {};
      }
      out.push_back('[');
      bool first = true;
      for (const Json& e : j) {
        if (!first) out.push_back(',');
        first = false;
        newline(depth + 1);
        TRY_VOID(writeJson(out, e, depth + 1));
      }
      newline(depth);
      out.push_back(']');
      return {};
    }
    case Json::value_t::object: {
      if (j.empty()) {
        out += "{}";
        return {};
      }
      // Go's encoder writes a map's keys in sorted order.
      std::vector<const std::string*> keys;
      for (const auto& [k, v] : j.items()) keys.push_back(&k);
      std::sort(keys.begin(), keys.end(), [](auto* a, auto* b) { return *a < *b; });
      out.push_back('{');
      bool first = true;
      for (const std::string* k : keys) {
        if (!first) out.push_back(',');
        first = false;
        newline(depth + 1);
        writeJsonString(out, *k);
        out += ": ";
        TRY_VOID(writeJson(out, j.at(*k), depth + 1));
      }
      newline(depth);
      out.push_back('}');
      return {};
    }
  }
  return {};
}

}  // namespace

Value jsonToValue(const Json& json) {
  switch (json.type()) {
    case Json::value_t::null:
    case Json::value_t::discarded:
      return Value::none();
    case Json::value_t::boolean:
      return Value::boolean(json.get<bool>());
    case Json::value_t::number_integer:
      return Value::smallInt(json.get<int64_t>());
    case Json::value_t::number_unsigned: {
      uint64_t u = json.get<uint64_t>();
      if (u <= static_cast<uint64_t>(INT64_MAX)) return Value::smallInt(static_cast<int64_t>(u));
      return starlark::makeIntFromDecimal(std::to_string(u));
    }
    case Json::value_t::number_float:
      return Value::floating(json.get<double>());
    case Json::value_t::string:
      return starlark::makeString(json.get<std::string>());
    case Json::value_t::binary: {
      const auto& bytes = json.get_binary();
      return starlark::makeString(std::string(bytes.begin(), bytes.end()));
    }
    case Json::value_t::array: {
      starlark::ValueVector elems;
      elems.reserve(json.size());
      for (const Json& e : json) elems.push_back(jsonToValue(e));
      return starlark::make<List>(std::move(elems));
    }
    case Json::value_t::object: {
      Value d = starlark::make<Dict>();
      starlark::HashTable& table = d.as<Dict>()->table;
      table.reserve(json.size());
      for (const auto& [k, v] : json.items()) {
        // String keys are always hashable.
        (void)table.insert(starlark::makeString(k), jsonToValue(v));
      }
      return d;
    }
  }
  return Value::none();
}

Result<Json> valueToJson(const Value& value) {
  std::vector<const Object*> path;
  return toJson(value, path);
}

Result<std::string> writeIndentedJson(const Json& json) {
  std::string out;
  TRY_VOID(writeJson(out, json, 0));
  out.push_back('\n');
  return out;
}

}  // namespace slant::tiltfile
