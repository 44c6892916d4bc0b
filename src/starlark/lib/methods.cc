// findMethod and methodNames: the methods of a built-in type, by the type of the receiver.
//
// findMethod runs on every x.f(...) call, so it must be quick: each table gets an index from a
// method name's first letter to the run of names with that letter, and within the run a name is
// compared only if its length matches.
#include "starlark/lib/methods.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "starlark/spell.h"
#include "starlark/value.h"

namespace slant::starlark {
namespace {

// A method table with its index by first letter ('a'..'z'; method names are lower case).
class MethodTable {
 public:
  explicit MethodTable(std::span<const Method> methods) : methods_(methods) {
    first_.fill(0);
    last_.fill(0);
    for (size_t i = 0; i < methods.size(); ++i) {
      int c = methods[i].name[0] - 'a';
      if (last_[c] == 0) first_[c] = static_cast<uint8_t>(i);
      last_[c] = static_cast<uint8_t>(i + 1);
    }
  }

  const Method* find(std::string_view name) const {
    if (name.empty() || name[0] < 'a' || name[0] > 'z') return nullptr;
    int c = name[0] - 'a';
    for (size_t i = first_[c]; i < last_[c]; ++i) {
      const Method& m = methods_[i];
      if (m.name.size() == name.size() &&
          std::memcmp(m.name.data(), name.data(), name.size()) == 0) {
        return &m;
      }
    }
    return nullptr;
  }

  std::span<const Method> methods() const { return methods_; }

 private:
  std::span<const Method> methods_;
  std::array<uint8_t, 26> first_, last_;  // [first, last) positions of names starting 'a' + c
};

const MethodTable* tableOf(const Value& x) {
  if (!x.isObject()) return nullptr;
  switch (x.object()->objType()) {
    case ObjType::kString: {
      static const MethodTable table(lib::stringMethods());
      return &table;
    }
    case ObjType::kList: {
      static const MethodTable table(lib::listMethods());
      return &table;
    }
    case ObjType::kDict: {
      static const MethodTable table(lib::dictMethods());
      return &table;
    }
    case ObjType::kSet: {
      static const MethodTable table(lib::setMethods());
      return &table;
    }
    default:
      return nullptr;
  }
}

}  // namespace

const Method* findMethod(const Value& x, std::string_view name) {
  const MethodTable* table = tableOf(x);
  return table != nullptr ? table->find(name) : nullptr;
}

std::vector<std::string> methodNames(const Value& x) {
  const MethodTable* table = tableOf(x);
  if (table == nullptr) return {};
  std::vector<std::string> names;
  names.reserve(table->methods().size());
  for (const Method& m : table->methods()) names.emplace_back(m.name);
  return names;
}

std::string noSuchAttrMessage(const Value& x, std::string_view name) {
  std::string msg = x.isObject() ? x.object()->noSuchAttr(name)
                                 : std::string(typeName(x)) + " has no ." + std::string(name) +
                                       " field or method";
  std::vector<std::string> names = methodNames(x);
  if (x.isObject()) {
    for (std::string& s : x.object()->attrNames()) names.push_back(std::move(s));
  }
  std::vector<std::string_view> candidates(names.begin(), names.end());
  std::string_view hint = spell::nearest(name, candidates);
  if (!hint.empty()) {
    msg += " (did you mean .";
    msg += hint;
    msg += "?)";
  }
  return msg;
}

}  // namespace slant::starlark
