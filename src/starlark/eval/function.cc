// Function values and argument binding.
//
// setArgs follows go.starlark.net's setArgs (eval.go). A function's parameters are, in slot
// order: the ones that may be given positionally, the keyword-only ones, then *args, then
// **kwargs. Positional arguments fill a prefix of the first group and the rest go to *args;
// keyword arguments go to the named parameter they name, or to **kwargs; parameters still unset
// take their defaults, and a parameter with neither value nor default is reported missing.
#include "starlark/eval/function.h"

#include <string>

namespace slant::starlark::eval {

namespace {

// A keyword as go.starlark.net prints a String with %s: quoted.
std::string quote(std::string_view name) { return repr(makeString(std::string(name))); }

}  // namespace

ModuleEnv::ModuleEnv(std::unique_ptr<Program> program)
    : Object(ObjType::kOther), program_(std::move(program)) {
  globals.assign(program_->global_names.size(), Value::unbound());
}

ModuleEnv::~ModuleEnv() = default;

void ModuleEnv::write(std::string& out, bool, std::vector<const Object*>&) const {
  out += "<module environment>";
}

void ModuleEnv::freeze() {
  if (frozen_) return;
  frozen_ = true;
  for (const Value& v : globals) {
    if (!v.isUnbound()) starlark::freeze(v);
  }
}

void ModuleEnv::clearChildren() {
  globals.clear();
  // Constants may hold objects of the same Heap (string literals, predeclared values).
  for (ConstNode* c : program_->constants) c->value = Value();
}

void Cell::write(std::string& out, bool, std::vector<const Object*>&) const { out += "cell"; }

void Cell::freeze() {
  if (frozen_) return;
  frozen_ = true;
  if (!value.isUnbound()) starlark::freeze(value);
}

void Function::write(std::string& out, bool, std::vector<const Object*>&) const {
  out += "<function ";
  out += code_->name;
  out += '>';
}

Result<uint32_t> Function::hash() const {
  // FNV-1a of the name, as go.starlark.net hashes a function by its name.
  uint32_t h = 2166136261u;
  for (unsigned char c : code_->name) {
    h ^= c;
    h *= 16777619u;
  }
  return h;
}

void Function::freeze() {
  if (frozen_) return;
  frozen_ = true;
  for (const Value& v : defaults) {
    if (!v.isUnbound()) starlark::freeze(v);
  }
  for (const Value& v : freevars) starlark::freeze(v);
}

void Function::clearChildren() {
  defaults.clear();
  freevars.clear();
  module_ = Value();
}

Result<void> setArgs(Value* locals, const Function& fn, const CallArgs& args) {
  const FuncCode& code = fn.code();
  const size_t npos = args.positional.size();
  if (code.num_params == 0) {
    size_t nactual = npos + args.named.size();
    if (nactual > 0) {
      return makeError("function " + code.name + " accepts no arguments (" +
                       std::to_string(nactual) + " given)");
    }
    return {};
  }

  // The named parameters, without *args and **kwargs.
  int32_t nparams = code.num_params;
  Dict* kwdict = nullptr;
  if (code.has_kwargs) {
    nparams--;
    Value d = make<Dict>();
    kwdict = d.as<Dict>();
    locals[nparams] = std::move(d);
  }
  if (code.has_varargs) nparams--;
  const size_t nonkwonly = static_cast<size_t>(nparams - code.num_kwonly);

  size_t n = npos;
  if (npos > nonkwonly) {
    if (!code.has_varargs) {
      bool at_most = fn.defaults.size() > static_cast<size_t>(code.num_kwonly);
      return makeError("function " + code.name + " accepts " + (at_most ? "at most " : "") +
                       std::to_string(nonkwonly) + " positional argument" +
                       (nonkwonly == 1 ? "" : "s") + " (" + std::to_string(npos) + " given)");
    }
    n = nonkwonly;
  }
  for (size_t i = 0; i < n; ++i) locals[i] = args.positional[i];

  if (code.has_varargs) {
    ValueVector rest(args.positional.begin() + static_cast<ptrdiff_t>(n), args.positional.end());
    locals[nparams] = make<Tuple>(std::move(rest));
  }

  for (const Kwarg& kw : args.named) {
    int32_t found = -1;
    for (int32_t i = 0; i < nparams; ++i) {
      if (*code.local_names[static_cast<size_t>(i)] == kw.name) {
        found = i;
        break;
      }
    }
    if (found >= 0) {
      if (!locals[found].isUnbound()) {
        return makeError("function " + code.name + " got multiple values for parameter " +
                         quote(kw.name));
      }
      locals[found] = kw.value;
      continue;
    }
    if (kwdict == nullptr) {
      return makeError("function " + code.name + " got an unexpected keyword argument " +
                       quote(kw.name));
    }
    size_t before = kwdict->table.size();
    TRY_VOID(kwdict->table.insert(makeString(std::string(kw.name)), kw.value));
    if (kwdict->table.size() == before) {
      return makeError("function " + code.name + " got multiple values for parameter " +
                       quote(kw.name));
    }
  }

  if (n < static_cast<size_t>(nparams) || code.num_kwonly > 0) {
    const size_t first_default = static_cast<size_t>(nparams) - fn.defaults.size();
    std::vector<std::string_view> missing;
    size_t i = n;
    for (; i < first_default; ++i) {
      if (locals[i].isUnbound()) missing.push_back(*code.local_names[i]);
    }
    for (; i < static_cast<size_t>(nparams); ++i) {
      if (!locals[i].isUnbound()) continue;
      const Value& dflt = fn.defaults[i - first_default];
      if (dflt.isUnbound()) {
        missing.push_back(*code.local_names[i]);
        continue;
      }
      locals[i] = dflt;
    }
    if (!missing.empty()) {
      std::string msg = "function " + code.name + " missing " + std::to_string(missing.size()) +
                        " argument" + (missing.size() > 1 ? "s" : "") + " (";
      for (size_t k = 0; k < missing.size(); ++k) {
        if (k > 0) msg += ", ";
        msg += missing[k];
      }
      msg += ')';
      return makeError(std::move(msg));
    }
  }
  return {};
}

}  // namespace slant::starlark::eval
