// Argument unpacking. The rules are go.starlark.net's UnpackArgs: positional arguments fill the
// parameters in order; each keyword argument must name a parameter not already filled; after
// that, every parameter before the first optional one ("name?") must have been given. Which
// parameters have been filled is a bit set in one machine word for up to 64 parameters (every
// builtin we know), so the common case allocates nothing.
#include "starlark/lib/unpack.h"

#include <vector>

#include "starlark/lib/util.h"
#include "starlark/starlark.h"

namespace slant::starlark::lib {
namespace {

std::unexpected<Error> wantType(const Value& v, std::string_view want) {
  return makeError(cat("got ", typeName(v), ", want ", want));
}

std::string_view stripOptional(std::string_view name) {
  if (!name.empty() && name.back() == '?') name.remove_suffix(1);
  return name;
}

// The parameters filled so far.
class FilledSet {
 public:
  explicit FilledSet(size_t n) {
    if (n > 64) large_.resize(n);
  }
  // Marks i filled and returns whether it already was.
  bool set(size_t i) {
    if (large_.empty()) {
      bool prev = (small_ >> i) & 1;
      small_ |= uint64_t{1} << i;
      return prev;
    }
    bool prev = large_[i];
    large_[i] = true;
    return prev;
  }
  bool get(size_t i) const { return large_.empty() ? ((small_ >> i) & 1) != 0 : large_[i]; }

 private:
  uint64_t small_ = 0;
  std::vector<bool> large_;
};

}  // namespace

bool isIterable(const Value& x) {
  if (!x.isObject()) return false;
  switch (x.object()->objType()) {
    case ObjType::kList:
    case ObjType::kTuple:
    case ObjType::kDict:
    case ObjType::kSet:
    case ObjType::kRange:
      return true;
    case ObjType::kString:
    case ObjType::kBigInt:
    case ObjType::kFunction:
    case ObjType::kBuiltin:
      return false;
    default:
      return x.object()->iterate() != nullptr;
  }
}

bool isCallable(const Value& x) {
  if (!x.isObject()) return false;
  switch (x.object()->objType()) {
    case ObjType::kFunction:
    case ObjType::kBuiltin:
      return true;
    case ObjType::kOther:
      return dynamic_cast<const Callable*>(x.object()) != nullptr;
    default:
      return false;
  }
}

Result<void> unpackIntError(const Value& v, bool is_signed, int bits) {
  if (!v.isInt()) return wantType(v, "int");
  return makeError(cat(str(v), " out of range (want value in ", is_signed ? "signed " : "unsigned ",
                       bits, "-bit range)"));
}

Result<void> Unpacker<bool>::unpack(const Value& v, bool* out) {
  if (!v.isBool()) return wantType(v, "bool");
  *out = v.asBool();
  return {};
}

Result<void> Unpacker<double>::unpack(const Value& v, double* out) {
  if (!v.isFloat()) return wantType(v, "float");
  *out = v.asFloat();
  return {};
}

Result<void> Unpacker<std::string>::unpack(const Value& v, std::string* out) {
  if (!v.isString()) return wantType(v, "string");
  *out = v.str();
  return {};
}

Result<void> Unpacker<std::string_view>::unpack(const Value& v, std::string_view* out) {
  if (!v.isString()) return wantType(v, "string");
  *out = v.str();
  return {};
}

Result<void> Unpacker<List*>::unpack(const Value& v, List** out) {
  if (!v.is(ObjType::kList)) return wantType(v, "list");
  *out = v.as<List>();
  return {};
}

Result<void> Unpacker<Dict*>::unpack(const Value& v, Dict** out) {
  if (!v.is(ObjType::kDict)) return wantType(v, "dict");
  *out = v.as<Dict>();
  return {};
}

Result<void> Unpacker<Tuple*>::unpack(const Value& v, Tuple** out) {
  if (!v.is(ObjType::kTuple)) return wantType(v, "tuple");
  *out = v.as<Tuple>();
  return {};
}

Result<void> Unpacker<Set*>::unpack(const Value& v, Set** out) {
  if (!v.is(ObjType::kSet)) return wantType(v, "set");
  *out = v.as<Set>();
  return {};
}

Result<void> Unpacker<IterableArg>::unpack(const Value& v, IterableArg* out) {
  if (!isIterable(v)) return wantType(v, "iterable");
  out->value = v;
  return {};
}

Result<void> Unpacker<CallableArg>::unpack(const Value& v, CallableArg* out) {
  if (!isCallable(v)) return wantType(v, "callable");
  out->value = v;
  return {};
}

Result<void> orNone(const Error& error) { return makeError(error.message() + " or None"); }

Result<void> unpackArgs(std::string_view fn, std::span<const Value> positional,
                        std::span<const Kwarg> named, std::initializer_list<Param> params) {
  const size_t nparams = params.size();
  const Param* p = params.begin();
  if (positional.size() > nparams) {
    return makeError(cat(fn, ": got ", positional.size(), " arguments, want at most ", nparams));
  }
  FilledSet filled(nparams);
  for (size_t i = 0; i < positional.size(); ++i) {
    filled.set(i);
    if (auto r = p[i].target.unpack(positional[i]); !r) {
      return makeError(
          cat(fn, ": for parameter ", stripOptional(p[i].name), ": ", r.error().message()));
    }
  }
  // go.starlark.net quotes a keyword's name in messages (it is a Starlark string there), but
  // not a positional parameter's.
  auto quoted = [](std::string_view name) {
    std::string q;
    writeQuoted(q, name);
    return q;
  };
  for (const Kwarg& kw : named) {
    size_t i = 0;
    while (i < nparams && stripOptional(p[i].name) != kw.name) ++i;
    if (i == nparams) {
      return makeError(cat(fn, ": unexpected keyword argument ", quoted(kw.name)));
    }
    if (filled.set(i)) {
      return makeError(cat(fn, ": got multiple values for keyword argument ", quoted(kw.name)));
    }
    if (auto r = p[i].target.unpack(kw.value); !r) {
      return makeError(cat(fn, ": for parameter ", quoted(kw.name), ": ", r.error().message()));
    }
  }
  for (size_t i = positional.size(); i < nparams; ++i) {
    std::string_view name = p[i].name;
    if (!name.empty() && name.back() == '?') break;  // this and all later ones are optional
    if (!filled.get(i)) return makeError(cat(fn, ": missing argument for ", name));
  }
  return {};
}

Result<void> unpackPositionalArgs(std::string_view fn, std::span<const Value> positional,
                                  std::span<const Kwarg> named, size_t min,
                                  std::initializer_list<Target> targets) {
  if (!named.empty()) return makeError(cat(fn, ": unexpected keyword arguments"));
  const size_t max = targets.size();
  const size_t n = positional.size();
  if (n < min) {
    return makeError(cat(fn, ": got ", n, " arguments, want ", min < max ? "at least " : "", min));
  }
  if (n > max) {
    return makeError(cat(fn, ": got ", n, " arguments, want ", max > min ? "at most " : "", max));
  }
  const Target* t = targets.begin();
  for (size_t i = 0; i < n; ++i) {
    if (auto r = t[i].unpack(positional[i]); !r) {
      return makeError(cat(fn, ": for parameter ", i + 1, ": ", r.error().message()));
    }
  }
  return {};
}

}  // namespace slant::starlark::lib
