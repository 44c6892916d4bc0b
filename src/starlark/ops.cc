// The operators of Starlark: comparison, arithmetic, membership, indexing and slicing, with the
// semantics and error messages of go.starlark.net (eval.go's Binary, Unary, getIndex, setIndex,
// slice and value.go's CompareDepth).
//
// binary() is called for every operator the evaluator executes, so it opens with the cases that
// dominate real programs (small int arithmetic and comparison, string concatenation and
// formatting, membership) before dispatching on the operator in binarySlow(). Ints overflow into
// BigInt (int.cc).
//
// Comparison. equal() and compare() recurse into containers with a depth budget
// (kMaxCompareDepth), so that a cyclic list fails with "comparison exceeded maximum recursion
// depth" instead of recursing forever; there is deliberately no identity shortcut for containers
// (go.starlark.net has none, and its tests expect the error). Ordered comparisons are three-way
// internally (Object::compare returns <0, 0, >0). The error for unordered types names the
// operator the program used ("dict > dict not implemented"), which the virtual Object::compare
// does not receive: the operator of the outermost comparison in progress is kept in a
// thread-local for the messages. Values of different types are never equal, except ints and
// floats, which compare exactly by value.
#include <algorithm>
#include <cmath>
#include <limits>
#include <typeinfo>

#include "starlark/int.h"
#include "starlark/mapping.h"
#include "starlark/value.h"

namespace slant::starlark {

using syntax::Token;

namespace {

/// The ordered-comparison operator in progress, for "T op T not implemented" messages.
thread_local Token t_order_op = Token::kLt;

class OrderOpScope {
 public:
  explicit OrderOpScope(Token op) : saved_(t_order_op) { t_order_op = op; }
  ~OrderOpScope() { t_order_op = saved_; }
  OrderOpScope(const OrderOpScope&) = delete;
  OrderOpScope& operator=(const OrderOpScope&) = delete;

 private:
  Token saved_;
};

std::string type(const Value& x) { return std::string(typeName(x)); }

std::unexpected<Error> notImplemented(std::string_view x, Token op, std::string_view y) {
  std::string msg(x);
  msg += ' ';
  msg += syntax::tokenString(op);
  msg += ' ';
  msg += y;
  msg += " not implemented";
  return makeError(std::move(msg));
}

std::unexpected<Error> unknownBinary(const Value& x, Token op, const Value& y) {
  return makeError("unknown binary op: " + type(x) + " " + std::string(syntax::tokenString(op)) +
                   " " + type(y));
}

/// Total order on floats in which NaN is greater than everything and equal to itself.
int floatCmp(double a, double b) {
  if (a > b) return 1;
  if (a < b) return -1;
  if (a == b) return 0;
  if (a == a) return -1;  // b is NaN
  if (b == b) return 1;   // a is NaN
  return 0;
}

bool threeway(Token op, int c) {
  switch (op) {
    case Token::kEql:
      return c == 0;
    case Token::kNeq:
      return c != 0;
    case Token::kLt:
      return c < 0;
    case Token::kLe:
      return c <= 0;
    case Token::kGt:
      return c > 0;
    case Token::kGe:
      return c >= 0;
    default:
      return false;
  }
}

/// Whether two objects are of the same Starlark type (host types: also the same C++ class).
bool sameObjectType(const Object& x, const Object& y) {
  if (x.objType() != y.objType()) return false;
  return x.objType() != ObjType::kOther || typeid(x) == typeid(y);
}

std::unexpected<Error> depthExceeded() {
  return makeError("comparison exceeded maximum recursion depth");
}

template <class T>
Result<bool> elemsEqual(const ValueVector& x, const ValueVector& y, int depth) {
  if (x.size() != y.size()) return false;
  for (size_t i = 0; i < x.size(); ++i)
    if (!TRY(equalDepth(x[i], y[i], depth - 1))) return false;
  return true;
}

/// Three-way comparison of two strings, two small ints or two floats; nullopt for anything else.
std::optional<int> quickCompare(const Value& a, const Value& b) {
  if (a.isSmallInt() && b.isSmallInt())
    return (a.asSmallInt() > b.asSmallInt()) - (a.asSmallInt() < b.asSmallInt());
  if (a.isString() && b.isString()) {
    const int c = a.str().compare(b.str());
    return (c > 0) - (c < 0);
  }
  if (a.isFloat() && b.isFloat()) return floatCmp(a.asFloat(), b.asFloat());
  return std::nullopt;
}

Result<int> elemsCompare(const ValueVector& x, const ValueVector& y, int depth) {
  const size_t n = std::min(x.size(), y.size());
  if (n > 0 && depth - 1 < 1) return depthExceeded();
  for (size_t i = 0; i < n; ++i) {
    // go.starlark.net tests equality and then compares the first unequal pair; for scalars one
    // three-way comparison says the same.
    if (std::optional<int> c = quickCompare(x[i], y[i])) {
      if (*c != 0) return *c;
      continue;
    }
    if (!TRY(equalDepth(x[i], y[i], depth - 1))) return compareDepth(x[i], y[i], depth - 1);
  }
  return (x.size() > y.size()) - (x.size() < y.size());
}

/// A float for an int operand of a mixed int/float operation, or "int too large to convert to
/// float".
Result<double> toFloat(const Value& x) {
  if (x.isFloat()) return x.asFloat();
  return intToFloat(x);
}

double floatMod(double x, double y) {
  double z = std::fmod(x, y);
  if ((x < 0) != (y < 0) && z != 0) z += y;
  return z;
}

// It's always possible to overeat in small bites but we'll try to stop someone swallowing the
// world in one gulp (go.starlark.net's maxAlloc).
constexpr int64_t kMaxAlloc = int64_t{1} << 30;

/// The repeat count for seq * n, or an error; 0 for an empty result.
Result<int64_t> repeatCount(size_t len, const Value& n) {
  if (len == 0) return 0;
  auto i = asInt32(n);
  if (!i) return makeError("repeat count " + str(n) + " too large");
  if (*i < 1) return 0;
  const int64_t size = static_cast<int64_t>(len) * *i;
  if (size >= kMaxAlloc) {
    return makeError("excessive repeat (" + std::to_string(len) + " * " + std::to_string(*i) +
                     " elements)");
  }
  return *i;
}

Result<Value> repeat(const Value& seq, const Value& n) {
  if (seq.isString()) {
    const std::string_view s = seq.str();
    const int64_t k = TRY(repeatCount(s.size(), n));
    std::string out;
    out.reserve(s.size() * static_cast<size_t>(k));
    for (int64_t i = 0; i < k; ++i) out += s;
    return makeString(std::move(out));
  }
  const ValueVector& elems =
      seq.is(ObjType::kList) ? seq.as<List>()->elems() : seq.as<Tuple>()->elems();
  const int64_t k = TRY(repeatCount(elems.size(), n));
  ValueVector out;
  out.reserve(elems.size() * static_cast<size_t>(k));
  for (int64_t i = 0; i < k; ++i) out.insert(out.end(), elems.begin(), elems.end());
  if (seq.is(ObjType::kList)) return make<List>(std::move(out));
  return make<Tuple>(std::move(out));
}

bool isSequenceForRepeat(const Value& x) {
  return x.isString() || x.is(ObjType::kList) || x.is(ObjType::kTuple);
}

Value concat(const ValueVector& x, const ValueVector& y, bool list) {
  ValueVector out;
  out.reserve(x.size() + y.size());
  out.insert(out.end(), x.begin(), x.end());
  out.insert(out.end(), y.begin(), y.end());
  if (list) return make<List>(std::move(out));
  return make<Tuple>(std::move(out));
}

Value concatStrings(std::string_view x, std::string_view y) {
  std::string out;
  out.reserve(x.size() + y.size());
  out += x;
  out += y;
  return makeString(std::move(out));
}

bool rangeContains(const Range& r, const Value& x) {
  auto i = toInt64(x);
  if (!i) return false;
  const __int128 delta = static_cast<__int128>(*i) - r.start();
  const __int128 quo = delta / r.step(), rem = delta % r.step();
  return rem == 0 && quo >= 0 && quo < *r.length();
}

/// Offers x op y to the operands' own operators (Object::binaryOp: structs, host types), left
/// operand first, as go.starlark.net's HasBinary; "unknown binary op" if neither defines it.
Result<Value> userBinary(Token op, const Value& x, const Value& y) {
  if (x.isObject()) {
    if (auto z = TRY(x.object()->binaryOp(op, y, Object::Side::kLeft))) return std::move(*z);
  }
  if (y.isObject()) {
    if (auto z = TRY(y.object()->binaryOp(op, x, Object::Side::kRight))) return std::move(*z);
  }
  return unknownBinary(x, op, y);
}

Result<Value> membership(const Value& x, const Value& y) {
  if (y.isObject()) {
    switch (y.object()->objType()) {
      case ObjType::kList:
      case ObjType::kTuple: {
        const ValueVector& elems =
            y.is(ObjType::kList) ? y.as<List>()->elems() : y.as<Tuple>()->elems();
        // A string operand goes first: equal() settles string against anything at once.
        for (const Value& e : elems)
          if (TRY(x.isString() ? equal(x, e) : equal(e, x))) return Value::boolean(true);
        return Value::boolean(false);
      }
      case ObjType::kDict: {
        // As go.starlark.net: an error (unhashable key) just means "not found".
        auto found = y.as<Dict>()->table.get(x);
        return Value::boolean(found && found->has_value());
      }
      case ObjType::kSet: {
        auto found = TRY(y.as<Set>()->table.get(x));
        return Value::boolean(found.has_value());
      }
      case ObjType::kString: {
        if (!x.isString()) {
          return makeError("'in <string>' requires string as left operand, not " + type(x));
        }
        return Value::boolean(y.str().find(x.str()) != std::string_view::npos);
      }
      case ObjType::kRange: {
        auto i = numberToInt(x);
        if (!i) {
          return makeError("'in <range>' requires integer as left operand, not " + type(x));
        }
        return Value::boolean(rangeContains(*y.as<Range>(), *i));
      }
      default:
        if (const HostMapping* m = asHostMapping(y)) {
          // As go.starlark.net: an error looking the key up just means "not found".
          auto found = m->get(x);
          return Value::boolean(found && found->has_value());
        }
        break;
    }
  }
  return userBinary(Token::kIn, x, y);
}

/// The set operations |, &, ^ and - (go.starlark.net's Binary for *Set, plus difference).
Value setOp(Token op, const Set& x, const Set& y) {
  Value result = make<Set>();
  HashTable& out = result.as<Set>()->table;
  auto has = [](const Set& s, const Value& k) {
    auto found = s.table.get(k);
    return found && found->has_value();
  };
  // Keys already in a set are hashable, so these inserts cannot fail.
  switch (op) {
    case Token::kPipe:
      out.reserve(x.table.size() + y.table.size());
      x.table.forEach(
          [&](const HashTable::Entry& e) { return out.insert(e.key, Value()).has_value(); });
      y.table.forEach(
          [&](const HashTable::Entry& e) { return out.insert(e.key, Value()).has_value(); });
      break;
    case Token::kAmp: {
      // Iterate over the smaller set, as go.starlark.net does (its order is the result's).
      const Set& small = x.table.size() > y.table.size() ? y : x;
      const Set& big = &small == &x ? y : x;
      small.table.forEach([&](const HashTable::Entry& e) {
        if (has(big, e.key)) (void)out.insert(e.key, Value());
        return true;
      });
      break;
    }
    case Token::kCircumflex:
      x.table.forEach([&](const HashTable::Entry& e) {
        if (!has(y, e.key)) (void)out.insert(e.key, Value());
        return true;
      });
      y.table.forEach([&](const HashTable::Entry& e) {
        if (!has(x, e.key)) (void)out.insert(e.key, Value());
        return true;
      });
      break;
    default:  // kMinus
      x.table.forEach([&](const HashTable::Entry& e) {
        if (!has(y, e.key)) (void)out.insert(e.key, Value());
        return true;
      });
      break;
  }
  return result;
}

Result<Value> shift(Token op, const Value& x, const Value& y) {
  const int32_t n = TRY(asInt32(y));
  if (n < 0) return makeError("negative shift count: " + std::to_string(n));
  if (op == Token::kLtLt) {
    if (n >= 512) return makeError("shift count too large: " + std::to_string(n));
    return intShiftLeft(x, static_cast<uint32_t>(n));
  }
  return intShiftRight(x, static_cast<uint32_t>(n));
}

// Kept out of line so that binary()'s fast paths need no stack frame.
[[gnu::noinline]] Result<Value> binarySlow(Token op, const Value& x, const Value& y) {
  const bool xint = x.isInt(), yint = y.isInt();
  const bool xnum = xint || x.isFloat(), ynum = yint || y.isFloat();
  switch (op) {
    case Token::kPlus:
      if (xint && yint) return intAdd(x, y);
      if (xnum && ynum) return Value::floating(TRY(toFloat(x)) + TRY(toFloat(y)));
      if (x.isString() && y.isString()) return concatStrings(x.str(), y.str());
      if (x.is(ObjType::kList) && y.is(ObjType::kList))
        return concat(x.as<List>()->elems(), y.as<List>()->elems(), true);
      if (x.is(ObjType::kTuple) && y.is(ObjType::kTuple))
        return concat(x.as<Tuple>()->elems(), y.as<Tuple>()->elems(), false);
      break;

    case Token::kMinus:
      if (xint && yint) return intSub(x, y);
      if (xnum && ynum) return Value::floating(TRY(toFloat(x)) - TRY(toFloat(y)));
      if (x.is(ObjType::kSet) && y.is(ObjType::kSet)) return setOp(op, *x.as<Set>(), *y.as<Set>());
      break;

    case Token::kStar:
      if (xint && yint) return intMul(x, y);
      if (xnum && ynum) return Value::floating(TRY(toFloat(x)) * TRY(toFloat(y)));
      if (xint && isSequenceForRepeat(y)) return repeat(y, x);
      if (yint && isSequenceForRepeat(x)) return repeat(x, y);
      break;

    case Token::kSlash:
      if (xnum && ynum) {
        const double a = TRY(toFloat(x));
        const double b = TRY(toFloat(y));
        if (b == 0) return makeError("floating-point division by zero");
        return Value::floating(a / b);
      }
      if (xint) TRY(toFloat(x));  // go.starlark.net converts x before looking at y
      break;

    case Token::kSlashSlash:
      if (xint && yint) {
        if (intSign(y) == 0) return makeError("floored division by zero");
        return intFloorDiv(x, y);
      }
      if (xnum && ynum) {
        const double a = TRY(toFloat(x));
        const double b = TRY(toFloat(y));
        if (b == 0) return makeError("floored division by zero");
        return Value::floating(std::floor(a / b));
      }
      break;

    case Token::kPercent:
      if (xint && yint) {
        if (intSign(y) == 0) return makeError("integer modulo by zero");
        return intMod(x, y);
      }
      if (xnum && ynum) {
        if (yint && intSign(y) == 0) return makeError("floating-point modulo by zero");
        const double a = TRY(toFloat(x));
        const double b = TRY(toFloat(y));
        if (b == 0) return makeError("floating-point modulo by zero");
        return Value::floating(floatMod(a, b));
      }
      break;

    case Token::kPipe:
    case Token::kAmp:
    case Token::kCircumflex:
      if (xint && yint) {
        if (op == Token::kPipe) return intOr(x, y);
        if (op == Token::kAmp) return intAnd(x, y);
        return intXor(x, y);
      }
      if (x.is(ObjType::kSet) && y.is(ObjType::kSet)) return setOp(op, *x.as<Set>(), *y.as<Set>());
      break;

    case Token::kLtLt:
    case Token::kGtGt:
      if (xint) return shift(op, x, y);
      break;

    case Token::kEql:
    case Token::kNeq:
    case Token::kLt:
    case Token::kLe:
    case Token::kGt:
    case Token::kGe:
      return Value::boolean(TRY(compare(op, x, y)));

    default:
      return unknownBinary(x, op, y);  // not a binary operator
  }
  return userBinary(op, x, y);
}

std::unexpected<Error> outOfRange(int64_t i, int64_t n, const Value& x) {
  if (n == 0) return makeError("index " + std::to_string(i) + " out of range: empty " + type(x));
  return makeError(type(x) + " index " + std::to_string(i) + " out of range [" +
                   std::to_string(-n) + ":" + std::to_string(n - 1) + "]");
}

/// Sets *result to the int value of v (plus len if negative), unless v is None.
Result<void> asIndex(const Value& v, int64_t len, int64_t* result) {
  if (v.isNone()) return {};
  *result = TRY(asInt32(v));
  if (*result < 0) *result += len;
  return {};
}

std::unexpected<Error> prefixed(std::string_view prefix, const Error& e) {
  return makeError(std::string(prefix) + e.message());
}

template <class F>
void eachIndex(int64_t start, int64_t end, int64_t step, F&& f) {
  if (step > 0) {
    for (int64_t i = start; i < end; i += step) f(i);
  } else {
    for (int64_t i = start; i > end; i += step) f(i);
  }
}

int64_t clampToInt64(__int128 v) {
  if (v > std::numeric_limits<int64_t>::max()) return std::numeric_limits<int64_t>::max();
  if (v < std::numeric_limits<int64_t>::min()) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(v);
}

}  // namespace

// ---- comparison -----------------------------------------------------------------------------

Result<int> Object::compare(const Object& other, int) const {
  return notImplemented(typeName(), t_order_op, other.typeName());
}

Result<bool> List::equals(const Object& other, int depth) const {
  return elemsEqual<List>(elems_, static_cast<const List&>(other).elems_, depth);
}

Result<int> List::compare(const Object& other, int depth) const {
  return elemsCompare(elems_, static_cast<const List&>(other).elems_, depth);
}

Result<bool> Tuple::equals(const Object& other, int depth) const {
  return elemsEqual<Tuple>(elems_, static_cast<const Tuple&>(other).elems_, depth);
}

Result<int> Tuple::compare(const Object& other, int depth) const {
  return elemsCompare(elems_, static_cast<const Tuple&>(other).elems_, depth);
}

Result<bool> equalDepth(const Value& x, const Value& y, int depth) {
  if (depth < 1) return depthExceeded();
  if (x.isString() && y.isString()) return x.str() == y.str();
  if (x.tag() == y.tag()) {
    switch (x.tag()) {
      case Value::Tag::kNone:
        return true;
      case Value::Tag::kBool:
        return x.asBool() == y.asBool();
      case Value::Tag::kInt:
        return x.asSmallInt() == y.asSmallInt();
      case Value::Tag::kFloat:
        return floatCmp(x.asFloat(), y.asFloat()) == 0;
      case Value::Tag::kObject: {
        const Object& a = *x.object();
        const Object& b = *y.object();
        if (!sameObjectType(a, b)) return false;
        return a.equals(b, depth);
      }
      case Value::Tag::kUnbound:
        return true;
    }
  }
  if (x.isFloat() && y.isInt()) return intFloatCompare(y, x.asFloat()) == 0;
  if (x.isInt() && y.isFloat()) return intFloatCompare(x, y.asFloat()) == 0;
  return false;  // includes small int vs BigInt: ints are normalised
}

Result<int> compareDepth(const Value& x, const Value& y, int depth) {
  if (depth < 1) return depthExceeded();
  if (std::optional<int> c = quickCompare(x, y)) return *c;
  if (x.isInt() && y.isInt()) return intCompare(x, y);
  if (x.tag() == y.tag()) {
    switch (x.tag()) {
      case Value::Tag::kBool:
        return int{x.asBool()} - int{y.asBool()};
      case Value::Tag::kFloat:
        return floatCmp(x.asFloat(), y.asFloat());
      case Value::Tag::kObject: {
        const Object& a = *x.object();
        const Object& b = *y.object();
        if (sameObjectType(a, b)) return a.compare(b, depth);
        break;
      }
      default:
        break;
    }
  }
  if (x.isFloat() && y.isInt()) return -intFloatCompare(y, x.asFloat());
  if (x.isInt() && y.isFloat()) return intFloatCompare(x, y.asFloat());
  return notImplemented(typeName(x), t_order_op, typeName(y));
}

Result<bool> equal(const Value& x, const Value& y) {
  if (x.isSmallInt() && y.isSmallInt()) return x.asSmallInt() == y.asSmallInt();
  if (x.isString()) {
    if (!y.isString()) return false;
    if (x.identical(y)) return true;
    return x.str() == y.str();
  }
  return equalDepth(x, y, kMaxCompareDepth);
}

Result<bool> compare(Token op, const Value& x, const Value& y) {
  if (x.isSmallInt() && y.isSmallInt()) {
    const int64_t a = x.asSmallInt(), b = y.asSmallInt();
    return threeway(op, (a > b) - (a < b));
  }
  if (x.isFloat() && y.isFloat()) return threeway(op, floatCmp(x.asFloat(), y.asFloat()));
  if (x.isString() && y.isString()) {
    const int c = x.str().compare(y.str());
    return threeway(op, c);
  }
  if (op == Token::kEql) return equalDepth(x, y, kMaxCompareDepth);
  if (op == Token::kNeq) return !TRY(equalDepth(x, y, kMaxCompareDepth));
  OrderOpScope scope(op);
  return threeway(op, TRY(compareDepth(x, y, kMaxCompareDepth)));
}

Result<int> compare3(const Value& x, const Value& y) {
  if (x.isSmallInt() && y.isSmallInt()) {
    const int64_t a = x.asSmallInt(), b = y.asSmallInt();
    return (a > b) - (a < b);
  }
  if (x.isString() && y.isString()) {
    const int c = x.str().compare(y.str());
    return (c > 0) - (c < 0);
  }
  OrderOpScope scope(Token::kLt);
  return compareDepth(x, y, kMaxCompareDepth);
}

// ---- arithmetic -----------------------------------------------------------------------------

Result<Value> binary(Token op, const Value& x, const Value& y) {
  if (x.isSmallInt() && y.isSmallInt()) {
    const int64_t a = x.asSmallInt(), b = y.asSmallInt();
    int64_t r;
    switch (op) {
      case Token::kPlus:
        if (!__builtin_add_overflow(a, b, &r)) return Value::smallInt(r);
        break;
      case Token::kMinus:
        if (!__builtin_sub_overflow(a, b, &r)) return Value::smallInt(r);
        break;
      case Token::kStar:
        if (!__builtin_mul_overflow(a, b, &r)) return Value::smallInt(r);
        break;
      case Token::kLt:
        return Value::boolean(a < b);
      case Token::kLe:
        return Value::boolean(a <= b);
      case Token::kGt:
        return Value::boolean(a > b);
      case Token::kGe:
        return Value::boolean(a >= b);
      case Token::kEql:
        return Value::boolean(a == b);
      case Token::kNeq:
        return Value::boolean(a != b);
      case Token::kSlashSlash:
        if (b != 0) return intFloorDiv(x, y);
        break;
      case Token::kPercent:
        if (b != 0) return intMod(x, y);
        break;
      case Token::kAmp:
        return Value::smallInt(a & b);
      case Token::kPipe:
        return Value::smallInt(a | b);
      case Token::kCircumflex:
        return Value::smallInt(a ^ b);
      default:
        break;
    }
  } else if (op == Token::kPlus && x.isString() && y.isString()) {
    if (y.str().empty()) return x;
    if (x.str().empty()) return y;
    return concatStrings(x.str(), y.str());
  } else if (op == Token::kPercent && x.isString()) {
    return interpolate(x.str(), y);
  } else if (op == Token::kIn) {
    return membership(x, y);
  } else if (op == Token::kNotIn) {
    const Value in = TRY(membership(x, y));
    return Value::boolean(!truth(in));
  } else if (x.isFloat() && y.isFloat()) {
    const double a = x.asFloat(), b = y.asFloat();
    switch (op) {
      case Token::kPlus:
        return Value::floating(a + b);
      case Token::kMinus:
        return Value::floating(a - b);
      case Token::kStar:
        return Value::floating(a * b);
      case Token::kSlash:
        if (b != 0) return Value::floating(a / b);
        break;
      default:
        break;
    }
  }
  return binarySlow(op, x, y);
}

Result<Value> unary(Token op, const Value& x) {
  switch (op) {
    case Token::kNot:
      return Value::boolean(!truth(x));
    case Token::kMinus:
      if (x.isInt()) return intNeg(x);
      if (x.isFloat()) return Value::floating(-x.asFloat());
      break;
    case Token::kPlus:
      if (x.isInt() || x.isFloat()) return x;
      break;
    case Token::kTilde:
      if (x.isInt()) return intNot(x);
      break;
    default:
      break;
  }
  return makeError("unknown unary op: " + std::string(syntax::tokenString(op)) + " " + type(x));
}

// ---- indexing -------------------------------------------------------------------------------

Result<Value> getIndex(const Value& x, const Value& y) {
  if (x.isObject()) {
    const ObjType t = x.object()->objType();
    if (t == ObjType::kList && y.isSmallInt()) {
      const ValueVector& elems = x.as<List>()->elems();
      const int64_t n = static_cast<int64_t>(elems.size());
      int64_t i = y.asSmallInt();
      if (i < 0) i += n;
      if (i >= 0 && i < n) return elems[static_cast<size_t>(i)];
    }
    if (t == ObjType::kDict) {
      auto found = TRY(x.as<Dict>()->table.get(y));
      if (!found) return makeError("key " + repr(y) + " not in dict");
      return std::move(*found);
    }
    if (t == ObjType::kList || t == ObjType::kTuple || t == ObjType::kString ||
        t == ObjType::kRange) {
      const int64_t n = *x.object()->length();
      auto index = asInt32(y);
      if (!index) return prefixed(type(x) + " index: ", index.error());
      int64_t i = *index;
      if (i < 0) i += n;
      if (i < 0 || i >= n) return outOfRange(*index, n, x);
      const auto k = static_cast<size_t>(i);
      switch (t) {
        case ObjType::kList:
          return x.as<List>()->elems()[k];
        case ObjType::kTuple:
          return x.as<Tuple>()->elems()[k];
        case ObjType::kString:
          return makeString(std::string(1, x.str()[k]));
        default:
          return Value::smallInt(x.as<Range>()->at(i));
      }
    }
  }
  if (const HostMapping* m = asHostMapping(x)) {
    auto found = TRY(m->get(y));
    if (!found) return makeError("key " + repr(y) + " not in " + type(x));
    return std::move(*found);
  }
  return makeError("unhandled index operation " + type(x) + "[" + type(y) + "]");
}

Result<void> setIndex(const Value& x, const Value& y, Value z) {
  if (x.is(ObjType::kDict)) return x.as<Dict>()->set(y, std::move(z));
  if (x.is(ObjType::kList)) {
    List* list = x.as<List>();
    const auto n = static_cast<int64_t>(list->elems().size());
    const int32_t index = TRY(asInt32(y));
    int64_t i = index;
    if (i < 0) i += n;
    if (i < 0 || i >= n) return outOfRange(index, n, x);
    TRY_VOID(list->checkMutable("assign to element of"));
    list->mutableElems()[static_cast<size_t>(i)] = std::move(z);
    return {};
  }
  if (HostMapping* m = asHostMapping(x)) return m->setKey(y, std::move(z));
  return makeError(type(x) + " value does not support item assignment");
}

Result<Value> slice(const Value& x, const Value& lo, const Value& hi, const Value& step_value) {
  const ObjType t = x.isObject() ? x.object()->objType() : ObjType::kOther;
  if (t != ObjType::kList && t != ObjType::kTuple && t != ObjType::kString &&
      t != ObjType::kRange) {
    return makeError("invalid slice operand " + type(x));
  }
  const int64_t n = *x.object()->length();
  int64_t step = 1;
  if (!step_value.isNone()) {
    auto s = asInt32(step_value);
    if (!s) return prefixed("invalid slice step: ", s.error());
    if (*s == 0) return makeError("zero is not a valid slice step");
    step = *s;
  }
  int64_t start, end;
  if (step > 0) {
    // Default indices are [0:n]; others are clamped to that range.
    start = 0;
    if (auto r = asIndex(lo, n, &start); !r) return prefixed("invalid start index: ", r.error());
    start = std::clamp<int64_t>(start, 0, n);
    end = n;
    if (auto r = asIndex(hi, n, &end); !r) return prefixed("invalid end index: ", r.error());
    end = std::clamp<int64_t>(end, 0, n);
    if (end < start) end = start;
  } else {
    // Default indices are effectively [n-1:-1].
    start = n - 1;
    if (auto r = asIndex(lo, n, &start); !r) return prefixed("invalid start index: ", r.error());
    if (start >= n) start = n - 1;
    end = -1;
    if (auto r = asIndex(hi, n, &end); !r) return prefixed("invalid end index: ", r.error());
    if (end < -1) end = -1;
    if (start < end) start = end;
  }

  switch (t) {
    case ObjType::kString: {
      const std::string_view s = x.str();
      if (step == 1) {
        if (start == 0 && end == n) return x;
        return makeString(
            std::string(s.substr(static_cast<size_t>(start), static_cast<size_t>(end - start))));
      }
      std::string out;
      eachIndex(start, end, step, [&](int64_t i) { out += s[static_cast<size_t>(i)]; });
      return makeString(std::move(out));
    }
    case ObjType::kRange: {
      const Range& r = *x.as<Range>();
      const __int128 rstart = r.start(), rstep = r.step();
      return make<Range>(clampToInt64(rstart + rstep * start), clampToInt64(rstart + rstep * end),
                         clampToInt64(rstep * step));
    }
    default: {
      const ValueVector& elems =
          t == ObjType::kList ? x.as<List>()->elems() : x.as<Tuple>()->elems();
      ValueVector out;
      if (step == 1) {
        if (t == ObjType::kTuple && start == 0 && end == n) return x;
        out.assign(elems.begin() + start, elems.begin() + end);
      } else {
        out.reserve(static_cast<size_t>((end - start) / step + 1));
        eachIndex(start, end, step,
                  [&](int64_t i) { out.push_back(elems[static_cast<size_t>(i)]); });
      }
      if (t == ObjType::kList) return make<List>(std::move(out));
      return make<Tuple>(std::move(out));
    }
  }
}

}  // namespace slant::starlark
