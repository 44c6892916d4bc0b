// The struct and module types of go.starlark.net's starlarkstruct package, and the builtins that
// make them: struct(**kwargs) and module(name, **kwargs). The host builds its own modules (json,
// and the Tiltfile layer's os, config, ...) with makeModule.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "starlark/value.h"

namespace slant::starlark::lib {

/// Named values, as given to makeStruct and makeModule.
using Members = std::vector<std::pair<std::string, Value>>;

/// An immutable record of named fields: struct(host = "localhost", port = 80). Fields are kept
/// sorted by name. Two structs are equal if they have the same constructor and equal fields.
class Struct final : public Object {
 public:
  static constexpr ObjType kType = ObjType::kStruct;
  /// Makes a struct; `constructor` is None for a plain struct, or a value that brands it (its
  /// repr is printed in place of "struct"). A repeated field name keeps its last value.
  Struct(Value constructor, Members fields);

  std::string_view typeName() const override { return "struct"; }
  void write(std::string& out, bool quoted, std::vector<const Object*>& path) const override;
  Result<uint32_t> hash() const override;
  void freeze() override;
  Result<bool> equals(const Object& other, int depth) const override;
  Result<std::optional<Value>> attr(Thread& thread, std::string_view name) const override;
  std::vector<std::string> attrNames() const override;
  std::string noSuchAttr(std::string_view name) const override;
  Result<std::optional<Value>> binaryOp(syntax::Token op, const Value& other,
                                        Side side) const override;
  void clearChildren() override;

  /// The field named `name`, or nullptr.
  const Value* field(std::string_view name) const;
  /// The fields, sorted by name.
  const Members& fields() const { return fields_; }
  /// None for a plain struct, else the branding value.
  const Value& constructor() const { return constructor_; }

 private:
  Value constructor_;
  Members fields_;
};

/// A named collection of values, typically builtins loaded as a unit (json, os): prints as
/// <module "json">, and dir() lists its members.
class ModuleObject final : public Object {
 public:
  static constexpr ObjType kType = ObjType::kModule;
  /// Makes a module; a repeated member name keeps its last value.
  ModuleObject(std::string name, Members members);

  std::string_view typeName() const override { return "module"; }
  void write(std::string& out, bool quoted, std::vector<const Object*>& path) const override;
  Result<uint32_t> hash() const override;
  void freeze() override;
  Result<std::optional<Value>> attr(Thread& thread, std::string_view name) const override;
  std::vector<std::string> attrNames() const override;
  void clearChildren() override { members_.clear(); }

  const std::string& name() const { return name_; }
  /// The member named `name`, or nullptr.
  const Value* member(std::string_view name) const;
  /// The members, sorted by name.
  const Members& members() const { return members_; }

 private:
  std::string name_;
  Members members_;
};

/// Makes a plain struct from fields (in any order).
Value makeStruct(Members fields);
/// Makes a module from its name and members (in any order), frozen.
Value makeModule(std::string name, Members members);

/// The builtin struct(**kwargs) (an immortal value: make it part of the predeclared names).
/// Errors: "struct: unexpected positional arguments".
Value makeStructBuiltin();
/// The builtin module(name, **kwargs) (immortal), as starlarkstruct.MakeModule.
Value makeModuleBuiltin();

}  // namespace slant::starlark::lib
