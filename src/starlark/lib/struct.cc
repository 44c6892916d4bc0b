// Structs and modules (go.starlark.net's starlarkstruct). Both keep their entries in a vector
// sorted by name: lookups bisect it, and printing, dir() and JSON encoding need the sorted order
// anyway. Entries are few, so this beats any hash table.
#include "starlark/lib/struct.h"

#include <algorithm>

#include "starlark/lib/unpack.h"
#include "starlark/lib/util.h"

namespace slant::starlark::lib {
namespace {

// Sorts by name; of entries with the same name, keeps the last.
void sortMembers(Members& members) {
  std::stable_sort(members.begin(), members.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  auto out = members.begin();
  for (auto it = members.begin(); it != members.end(); ++it) {
    auto next = std::next(it);
    if (next != members.end() && next->first == it->first) continue;  // a later one wins
    if (out != it) *out = std::move(*it);
    ++out;
  }
  members.erase(out, members.end());
}

const Value* findMember(const Members& members, std::string_view name) {
  auto it = std::lower_bound(members.begin(), members.end(), name,
                             [](const auto& m, std::string_view n) { return m.first < n; });
  if (it == members.end() || it->first != name) return nullptr;
  return &it->second;
}

std::vector<std::string> memberNames(const Members& members) {
  std::vector<std::string> names;
  names.reserve(members.size());
  for (const auto& m : members) names.push_back(m.first);
  return names;
}

// How a constructor appears in messages: as go.starlark.net prints its default constructor, the
// string "struct", for a plain struct, else its repr.
std::string constructorName(const Value& ctor) {
  return ctor.isNone() ? std::string("\"struct\"") : repr(ctor);
}

}  // namespace

Struct::Struct(Value constructor, Members fields)
    : Object(kType), constructor_(std::move(constructor)), fields_(std::move(fields)) {
  sortMembers(fields_);
}

void Struct::write(std::string& out, bool quoted, std::vector<const Object*>& path) const {
  if (constructor_.isNone()) {
    out.append("struct");
  } else {
    writeValue(out, constructor_, true, path);
  }
  out.push_back('(');
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (i > 0) out.append(", ");
    out.append(fields_[i].first);
    out.append(" = ");
    writeValue(out, fields_[i].second, true, path);
  }
  out.push_back(')');
}

Result<uint32_t> Struct::hash() const {
  // The algorithm of go.starlark.net's Struct.Hash (Tuple's, with other primes).
  uint32_t x = 8731, m = 9839;
  for (const auto& [name, value] : fields_) {
    x ^= 3 * hashBytes(name);
    x ^= TRY(slant::starlark::hash(value)) * m;
    m += 7349;
  }
  return x;
}

void Struct::freeze() {
  if (frozen_) return;
  frozen_ = true;
  for (const auto& field : fields_) slant::starlark::freeze(field.second);
}

Result<bool> Struct::equals(const Object& other_obj, int depth) const {
  const auto& other = static_cast<const Struct&>(other_obj);
  if (this == &other) return true;
  if (fields_.size() != other.fields_.size()) return false;
  if (!TRY(equal(constructor_, other.constructor_))) return false;
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (fields_[i].first != other.fields_[i].first) return false;
    if (!TRY(equalDepth(fields_[i].second, other.fields_[i].second, depth - 1))) return false;
  }
  return true;
}

const Value* Struct::field(std::string_view name) const { return findMember(fields_, name); }

Result<std::optional<Value>> Struct::attr(Thread&, std::string_view name) const {
  if (const Value* v = field(name)) return *v;
  return std::nullopt;
}

std::string Struct::noSuchAttr(std::string_view name) const {
  // As go.starlark.net, the message names the struct's constructor.
  std::string msg;
  if (!constructor_.isNone()) {
    writeValue(msg, constructor_, true);
    msg.push_back(' ');
  }
  return cat(msg, "struct has no .", name, " attribute");
}

std::vector<std::string> Struct::attrNames() const { return memberNames(fields_); }

Result<std::optional<Value>> Struct::binaryOp(syntax::Token op, const Value& other_value,
                                              Side side) const {
  const Struct* other = other_value.tryAs<Struct>();
  if (op != syntax::Token::kPlus || other == nullptr) return std::nullopt;
  const Struct* x = side == Side::kLeft ? this : other;
  const Struct* y = side == Side::kLeft ? other : this;
  auto same = equal(x->constructor_, y->constructor_);
  if (!same) {
    return makeError(cat("in ", constructorName(x->constructor_), " + ",
                         constructorName(y->constructor_),
                         ": error comparing constructors: ", same.error().message()));
  }
  if (!*same) {
    return makeError(
        cat("cannot add structs of different constructors: ", constructorName(x->constructor_),
            " + ", constructorName(y->constructor_)));
  }
  // y's fields override x's.
  Members merged;
  merged.reserve(x->fields_.size() + y->fields_.size());
  merged.insert(merged.end(), x->fields_.begin(), x->fields_.end());
  merged.insert(merged.end(), y->fields_.begin(), y->fields_.end());
  return make<Struct>(x->constructor_, std::move(merged));
}

void Struct::clearChildren() {
  constructor_ = Value();
  fields_.clear();
}

ModuleObject::ModuleObject(std::string name, Members members)
    : Object(kType), name_(std::move(name)), members_(std::move(members)) {
  sortMembers(members_);
}

void ModuleObject::write(std::string& out, bool quoted, std::vector<const Object*>& path) const {
  out.append("<module ");
  writeQuoted(out, name_);
  out.push_back('>');
}

Result<uint32_t> ModuleObject::hash() const { return makeError("unhashable: module"); }

void ModuleObject::freeze() {
  if (frozen_) return;
  frozen_ = true;
  for (const auto& member : members_) slant::starlark::freeze(member.second);
}

const Value* ModuleObject::member(std::string_view name) const {
  return findMember(members_, name);
}

Result<std::optional<Value>> ModuleObject::attr(Thread&, std::string_view name) const {
  if (const Value* v = member(name)) return *v;
  return std::nullopt;
}

std::vector<std::string> ModuleObject::attrNames() const { return memberNames(members_); }

Value makeStruct(Members fields) { return make<Struct>(Value(), std::move(fields)); }

Value makeModule(std::string name, Members members) {
  Value m = make<ModuleObject>(std::move(name), std::move(members));
  freeze(m);
  return m;
}

namespace {

Members kwargsToMembers(std::span<const Kwarg> named) {
  Members members;
  members.reserve(named.size());
  for (const Kwarg& kw : named) members.emplace_back(std::string(kw.name), kw.value);
  return members;
}

Result<Value> structFn(Thread&, const BuiltinCall& call) {
  if (!call.args.positional.empty()) return makeError("struct: unexpected positional arguments");
  return makeStruct(kwargsToMembers(call.args.named));
}

Result<Value> moduleFn(Thread&, const BuiltinCall& call) {
  std::string name;
  TRY_VOID(unpackPositionalArgs(call.name, call.args.positional, {}, 1, {&name}));
  return make<ModuleObject>(std::move(name), kwargsToMembers(call.args.named));
}

Value immortalBuiltin(const char* name, BuiltinFn fn) {
  HeapScope no_heap(nullptr);
  Value b = make<Builtin>(name, fn);
  freeze(b);
  return b;
}

}  // namespace

Value makeStructBuiltin() {
  static const Value* const kBuiltin = new Value(immortalBuiltin("struct", structFn));
  return *kBuiltin;
}

Value makeModuleBuiltin() {
  static const Value* const kBuiltin = new Value(immortalBuiltin("module", moduleFn));
  return *kBuiltin;
}

}  // namespace slant::starlark::lib
