// The evaluator's object types: functions defined in Starlark, the cells closures share, and the
// per-execution module environment that owns the compiled program and the globals.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "starlark/eval/code.h"
#include "starlark/value.h"

namespace slant::starlark::eval {

/// The environment of one executed file: its compiled program and its global variables. An
/// Object so that functions can keep it alive by reference counting (and the Heap can break the
/// cycle between a module's globals and its functions); never visible to Starlark code.
class ModuleEnv final : public Object {
 public:
  explicit ModuleEnv(std::unique_ptr<Program> program);
  ~ModuleEnv() override;
  std::string_view typeName() const override { return "module-environment"; }
  void write(std::string& out, bool quoted, std::vector<const Object*>& path) const override;
  void freeze() override;
  void clearChildren() override;

  /// The compiled file this environment runs.
  Program& program() { return *program_; }
  const Program& program() const { return *program_; }
  /// Global variables by resolver index; unbound until assigned.
  ValueVector globals;

 private:
  std::unique_ptr<Program> program_;
};

/// A box holding a variable captured by a closure: the defining frame and every closure share
/// it.
class Cell final : public Object {
 public:
  explicit Cell(Value v) : Object(ObjType::kOther), value(std::move(v)) {}
  std::string_view typeName() const override { return "cell"; }
  void write(std::string& out, bool quoted, std::vector<const Object*>& path) const override;
  void freeze() override;
  void clearChildren() override { value = Value(); }
  /// The variable's value; unbound until assigned.
  Value value;
};

/// A function defined by def or lambda (or a file's top level, when executing it).
class Function final : public Object {
 public:
  static constexpr ObjType kType = ObjType::kFunction;
  Function(const FuncCode* code, Value module)
      : Object(kType), code_(code), module_(std::move(module)) {}
  std::string_view typeName() const override { return "function"; }
  void write(std::string& out, bool quoted, std::vector<const Object*>& path) const override;
  Result<uint32_t> hash() const override;
  void freeze() override;
  void clearChildren() override;

  /// The compiled body and parameter shape.
  const FuncCode& code() const { return *code_; }
  /// The def's name, "lambda", or "<toplevel>".
  const std::string& name() const { return code_->name; }
  /// The environment of the file that defined the function (its globals).
  ModuleEnv& module() const { return *module_.as<ModuleEnv>(); }
  /// Default values of the optional parameters, in order; an unbound Value marks a mandatory
  /// keyword-only parameter.
  ValueVector defaults;
  /// The captured cells, by free-variable index.
  ValueVector freevars;

 private:
  const FuncCode* code_;
  Value module_;
};

/// Binds a call's arguments to the parameters of fn, writing locals[0..num_params); the slots
/// must be unbound on entry. Errors are worded as go.starlark.net's setArgs.
Result<void> setArgs(Value* locals, const Function& fn, const CallArgs& args);

}  // namespace slant::starlark::eval
