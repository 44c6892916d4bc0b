// Starlark ints: arbitrary precision, stored in two forms.
//
// An int that fits in int64 lives inline in the Value (Tag::kInt) and costs nothing to create;
// only an int outside that range becomes a BigInt object holding a GMP mpz. Every operation
// normalises its result (makeIntFromMpz), so "fits in int64" and "is a small int" are the same
// thing; two ints of different forms are therefore never equal, and a BigInt is never zero.
//
// Each operation first tries the small form with the compiler's overflow-checked builtins and
// falls back to GMP only on overflow or when an operand is already big. GMP operands are viewed
// through MpzView, which presents a small int as a read-only one-limb mpz without allocating.
// Floor division and modulo use GMP's fdiv family (round toward negative infinity, remainder
// with the divisor's sign), and the bitwise operators use its two's complement semantics, which
// are Starlark's (and Python's).
//
// Conversions follow go.starlark.net: int -> float rounds to nearest-even (GMP's mpz_get_d
// truncates, so we round by hand from the top 54 bits plus a sticky bit); float -> int truncates
// toward zero; int/float comparisons are exact (a float is compared as the rational it denotes).
// Hashes of equal ints and floats agree, so {1: x} and {1.0: x} find the same entry.
#include "starlark/int.h"

#include <bit>
#include <charconv>
#include <cmath>
#include <limits>

namespace slant::starlark {

namespace {

/// An initialised mpz_t that clears itself.
struct Mpz {
  Mpz() { mpz_init(z); }
  ~Mpz() { mpz_clear(z); }
  Mpz(const Mpz&) = delete;
  Mpz& operator=(const Mpz&) = delete;
  mpz_t z;
};

constexpr double kTwo63 = 9223372036854775808.0;  // 2^63

uint32_t mix64(uint64_t v) {
  v ^= v >> 33;
  v *= 0xff51afd7ed558ccdULL;
  v ^= v >> 33;
  v *= 0xc4ceb9fe1a85ec53ULL;
  v ^= v >> 33;
  return static_cast<uint32_t>(v);
}

uint32_t hashSmall(int64_t i) { return mix64(static_cast<uint64_t>(i)); }

uint32_t hashMpz(mpz_srcptr z) {
  // Only called for values outside int64, so it never needs to agree with hashSmall.
  uint64_t h = static_cast<uint64_t>(z->_mp_size) * 0x9E3779B97F4A7C15ULL;
  const size_t n = mpz_size(z);
  for (size_t i = 0; i < n; ++i) h = (h ^ mpz_getlimbn(z, i)) * 0x100000001B3ULL;
  return mix64(h);
}

template <class Op>
Value viaMpz(const Value& x, const Value& y, Op op) {
  MpzView a(x), b(y);
  Mpz r;
  op(r.z, a.get(), b.get());
  return makeIntFromMpz(r.z);
}

std::string typeOf(const Value& x) { return std::string(typeName(x)); }

/// The digit value of c in bases up to 36, or 99.
int digitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'z') return c - 'a' + 10;
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return 99;
}

/// Parses a non-empty run of digits in base (2..36), or returns nullopt if any byte is not a
/// digit of that base.
std::optional<Value> parseDigits(std::string_view s, int base, bool negative) {
  if (s.empty()) return std::nullopt;
  uint64_t acc = 0;
  bool overflow = false;
  for (char c : s) {
    const int d = digitValue(c);
    if (d >= base) return std::nullopt;
    if (!overflow && (__builtin_mul_overflow(acc, static_cast<uint64_t>(base), &acc) ||
                      __builtin_add_overflow(acc, static_cast<uint64_t>(d), &acc)))
      overflow = true;
  }
  if (!overflow) {
    if (!negative && acc <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      return Value::smallInt(static_cast<int64_t>(acc));
    if (negative && acc <= (uint64_t{1} << 63))
      return Value::smallInt(static_cast<int64_t>(uint64_t{0} - acc));
  }
  Mpz z;
  std::string digits(s);
  if (mpz_set_str(z.z, digits.c_str(), base) != 0) return std::nullopt;
  if (negative) mpz_neg(z.z, z.z);
  return makeIntFromMpz(z.z);
}

}  // namespace

// ---- BigInt ---------------------------------------------------------------------------------

BigInt::BigInt(mpz_ptr z) : Object(kType) {
  mpz_init(v_);
  mpz_swap(v_, z);
  frozen_ = true;
}

BigInt::~BigInt() { mpz_clear(v_); }

void BigInt::write(std::string& out, bool, std::vector<const Object*>&) const {
  const size_t old = out.size();
  out.resize(old + mpz_sizeinbase(v_, 10) + 2);
  mpz_get_str(out.data() + old, 10, v_);
  out.resize(old + std::strlen(out.data() + old));
}

Result<uint32_t> BigInt::hash() const { return hashMpz(v_); }

Result<bool> BigInt::equals(const Object& other, int) const {
  return mpz_cmp(v_, static_cast<const BigInt&>(other).v_) == 0;
}

Result<int> BigInt::compare(const Object& other, int) const {
  const int c = mpz_cmp(v_, static_cast<const BigInt&>(other).v_);
  return (c > 0) - (c < 0);
}

MpzView::MpzView(const Value& x) {
  if (x.isSmallInt()) {
    const int64_t i = x.asSmallInt();
    limb_ = i < 0 ? uint64_t{0} - static_cast<uint64_t>(i) : static_cast<uint64_t>(i);
    mpz_roinit_n(z_, &limb_, i < 0 ? -1 : (i > 0 ? 1 : 0));
  } else {
    // Share the BigInt's limbs: a shallow copy of the header, never written through.
    *z_ = *x.as<BigInt>()->get();
  }
}

Value makeIntFromMpz(mpz_ptr z) {
  if (mpz_fits_slong_p(z)) return Value::smallInt(mpz_get_si(z));
  return make<BigInt>(z);
}

// ---- arithmetic -----------------------------------------------------------------------------

Value intAdd(const Value& x, const Value& y) {
  int64_t r;
  if (x.isSmallInt() && y.isSmallInt() &&
      !__builtin_add_overflow(x.asSmallInt(), y.asSmallInt(), &r))
    return Value::smallInt(r);
  return viaMpz(x, y, mpz_add);
}

Value intSub(const Value& x, const Value& y) {
  int64_t r;
  if (x.isSmallInt() && y.isSmallInt() &&
      !__builtin_sub_overflow(x.asSmallInt(), y.asSmallInt(), &r))
    return Value::smallInt(r);
  return viaMpz(x, y, mpz_sub);
}

Value intMul(const Value& x, const Value& y) {
  int64_t r;
  if (x.isSmallInt() && y.isSmallInt() &&
      !__builtin_mul_overflow(x.asSmallInt(), y.asSmallInt(), &r))
    return Value::smallInt(r);
  return viaMpz(x, y, mpz_mul);
}

Value intFloorDiv(const Value& x, const Value& y) {
  if (x.isSmallInt() && y.isSmallInt()) {
    const int64_t a = x.asSmallInt(), b = y.asSmallInt();
    if (!(a == std::numeric_limits<int64_t>::min() && b == -1)) {
      int64_t q = a / b;
      if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
      return Value::smallInt(q);
    }
  }
  return viaMpz(x, y, mpz_fdiv_q);
}

Value intMod(const Value& x, const Value& y) {
  if (x.isSmallInt() && y.isSmallInt()) {
    const int64_t a = x.asSmallInt(), b = y.asSmallInt();
    if (b == -1) return Value::smallInt(0);
    int64_t r = a % b;
    if (r != 0 && ((r < 0) != (b < 0))) r += b;
    return Value::smallInt(r);
  }
  return viaMpz(x, y, mpz_fdiv_r);
}

Value intAnd(const Value& x, const Value& y) {
  if (x.isSmallInt() && y.isSmallInt()) return Value::smallInt(x.asSmallInt() & y.asSmallInt());
  return viaMpz(x, y, mpz_and);
}

Value intOr(const Value& x, const Value& y) {
  if (x.isSmallInt() && y.isSmallInt()) return Value::smallInt(x.asSmallInt() | y.asSmallInt());
  return viaMpz(x, y, mpz_ior);
}

Value intXor(const Value& x, const Value& y) {
  if (x.isSmallInt() && y.isSmallInt()) return Value::smallInt(x.asSmallInt() ^ y.asSmallInt());
  return viaMpz(x, y, mpz_xor);
}

Value intNot(const Value& x) {
  if (x.isSmallInt()) return Value::smallInt(~x.asSmallInt());
  Mpz r;
  mpz_com(r.z, x.as<BigInt>()->get());
  return makeIntFromMpz(r.z);
}

Value intNeg(const Value& x) {
  if (x.isSmallInt() && x.asSmallInt() != std::numeric_limits<int64_t>::min())
    return Value::smallInt(-x.asSmallInt());
  MpzView a(x);
  Mpz r;
  mpz_neg(r.z, a.get());
  return makeIntFromMpz(r.z);
}

Value intShiftLeft(const Value& x, uint32_t n) {
  if (x.isSmallInt()) {
    const int64_t a = x.asSmallInt();
    int64_t r;
    if (a == 0) return x;
    if (n <= 62 && !__builtin_mul_overflow(a, int64_t{1} << n, &r)) return Value::smallInt(r);
  }
  MpzView a(x);
  Mpz r;
  mpz_mul_2exp(r.z, a.get(), n);
  return makeIntFromMpz(r.z);
}

Value intShiftRight(const Value& x, uint32_t n) {
  if (x.isSmallInt()) {
    const int64_t a = x.asSmallInt();
    return Value::smallInt(n >= 64 ? (a < 0 ? -1 : 0) : a >> n);
  }
  Mpz r;
  mpz_fdiv_q_2exp(r.z, x.as<BigInt>()->get(), n);
  return makeIntFromMpz(r.z);
}

int intSign(const Value& x) {
  if (x.isSmallInt()) return (x.asSmallInt() > 0) - (x.asSmallInt() < 0);
  return mpz_sgn(x.as<BigInt>()->get());
}

int intCompare(const Value& x, const Value& y) {
  if (x.isSmallInt() && y.isSmallInt()) {
    return (x.asSmallInt() > y.asSmallInt()) - (x.asSmallInt() < y.asSmallInt());
  }
  MpzView a(x), b(y);
  const int c = mpz_cmp(a.get(), b.get());
  return (c > 0) - (c < 0);
}

int intFloatCompare(const Value& x, double f) {
  if (std::isnan(f)) return -1;
  if (std::isinf(f)) return f > 0 ? -1 : 1;
  if (x.isSmallInt()) {
    if (f >= kTwo63) return -1;
    if (f < -kTwo63) return 1;
    const int64_t i = x.asSmallInt();
    const double t = std::trunc(f);
    const int64_t ti = static_cast<int64_t>(t);
    if (i != ti) return i < ti ? -1 : 1;
    return f > t ? -1 : (f < t ? 1 : 0);
  }
  const int c = mpz_cmp_d(x.as<BigInt>()->get(), f);
  return (c > 0) - (c < 0);
}

uint32_t intHash(const Value& x) {
  if (x.isSmallInt()) return hashSmall(x.asSmallInt());
  return hashMpz(x.as<BigInt>()->get());
}

uint32_t floatHash(double f) {
  if (!std::isfinite(f)) return 1618033;
  if (std::trunc(f) != f) return mix64(std::bit_cast<uint64_t>(f) ^ 0x5bd1e995ULL);
  if (f >= -kTwo63 && f < kTwo63) return hashSmall(static_cast<int64_t>(f));
  Mpz z;
  mpz_set_d(z.z, f);
  return hashMpz(z.z);
}

void writeInt(std::string& out, const Value& x, int base, bool upper) {
  if (x.isSmallInt()) {
    char buf[72];
    auto r = std::to_chars(buf, buf + sizeof buf, x.asSmallInt(), base);
    if (upper)
      for (char* p = buf; p != r.ptr; ++p)
        if (*p >= 'a' && *p <= 'f') *p = static_cast<char>(*p - 'a' + 'A');
    out.append(buf, r.ptr);
    return;
  }
  mpz_srcptr z = x.as<BigInt>()->get();
  const size_t old = out.size();
  out.resize(old + mpz_sizeinbase(z, base) + 2);
  mpz_get_str(out.data() + old, upper ? -base : base, z);
  out.resize(old + std::strlen(out.data() + old));
}

// ---- conversions ----------------------------------------------------------------------------

Result<Value> parseInt(std::string_view s, int base) {
  if (base != 0 && (base < 2 || base > 36))
    return makeError("int: base must be an integer >= 2 && <= 36");
  const std::string_view orig = s;
  int b = base;
  auto invalid = [&]() {
    return makeError("int: invalid literal with base " + std::to_string(b) + ": " +
                     std::string(orig));
  };
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  int prefix_base = 0;
  if (s.size() > 1 && s[0] == '0') {
    if (s.size() > 2) {
      switch (s[1]) {
        case 'o':
        case 'O':
          prefix_base = 8;
          break;
        case 'x':
        case 'X':
          prefix_base = 16;
          break;
        case 'b':
        case 'B':
          prefix_base = 2;
          break;
        default:
          break;
      }
      if (prefix_base != 0) s.remove_prefix(2);
    }
    // With automatic detection, a leading zero without a prefix means the literal must be all
    // zeros: int("0755", 0) is an error rather than octal.
    if (prefix_base == 0 && b == 0) {
      for (size_t i = 1; i < s.size(); ++i)
        if (s[i] != '0') return invalid();
      return Value::smallInt(0);
    }
    if (b != 0 && prefix_base != 0 && prefix_base != b) return invalid();
  }
  if (b == 0) b = prefix_base != 0 ? prefix_base : 10;
  std::optional<Value> v = parseDigits(s, b, negative);
  if (!v) return invalid();
  return std::move(*v);
}

Value makeIntFromDecimal(std::string_view digits) {
  std::optional<Value> v = parseDigits(digits, 10, false);
  return v ? std::move(*v) : Value::smallInt(0);
}

Result<int64_t> toInt64(const Value& x) {
  if (x.isSmallInt()) return x.asSmallInt();
  if (x.is(ObjType::kBigInt)) {
    std::string msg;
    writeInt(msg, x);
    return makeError(msg + " out of range (want value in signed 64-bit range)");
  }
  return makeError("got " + typeOf(x) + ", want int");
}

Result<double> intToFloat(const Value& x) {
  if (x.isSmallInt()) return static_cast<double>(x.asSmallInt());
  if (!x.is(ObjType::kBigInt)) return makeError("got " + typeOf(x) + ", want int");
  mpz_srcptr z = x.as<BigInt>()->get();
  const size_t bits = mpz_sizeinbase(z, 2);  // >= 64: the value is outside int64
  if (bits > 1024) return makeError("int too large to convert to float");
  // Keep the top 54 bits (53 of mantissa plus a rounding bit), note whether anything below them
  // is set, and round half to even.
  Mpz top;
  mpz_abs(top.z, z);
  const mp_bitcnt_t shift = bits - 54;
  const bool sticky = mpz_scan1(top.z, 0) < shift;
  mpz_tdiv_q_2exp(top.z, top.z, shift);
  uint64_t mant = mpz_get_ui(top.z);
  const bool round_bit = mant & 1;
  mant >>= 1;
  if (round_bit && (sticky || (mant & 1))) ++mant;
  double f = std::ldexp(static_cast<double>(mant), static_cast<int>(shift) + 1);
  if (std::isinf(f)) return makeError("int too large to convert to float");
  return mpz_sgn(z) < 0 ? -f : f;
}

Result<Value> floatToInt(double f) {
  if (std::isnan(f)) return makeError("cannot convert float NaN to integer");
  if (std::isinf(f)) return makeError("cannot convert float infinity to integer");
  if (f >= -kTwo63 && f < kTwo63) return Value::smallInt(static_cast<int64_t>(f));
  Mpz z;
  mpz_set_d(z.z, f);  // truncates toward zero; exact for floats this large
  return makeIntFromMpz(z.z);
}

Result<Value> numberToInt(const Value& x) {
  if (x.isInt()) return x;
  if (x.isFloat()) return floatToInt(x.asFloat());
  return makeError("cannot convert " + typeOf(x) + " to int");
}

Result<int32_t> asInt32(const Value& x) {
  if (x.isSmallInt()) {
    const int64_t i = x.asSmallInt();
    if (i >= std::numeric_limits<int32_t>::min() && i <= std::numeric_limits<int32_t>::max())
      return static_cast<int32_t>(i);
  } else if (!x.is(ObjType::kBigInt)) {
    return makeError("got " + typeOf(x) + ", want int");
  }
  std::string msg;
  writeInt(msg, x);
  return makeError(msg + " out of range");
}

}  // namespace slant::starlark
