// Starlark ints beyond int64: the BigInt object (GMP's mpz) and the arithmetic that works on any
// int value, small or big, always returning a normalised result (a value that fits in int64 is a
// small int, never a BigInt).
#pragma once

#include <gmp.h>

#include <cstdint>
#include <string>

#include "starlark/value.h"

namespace slant::starlark {

/// An int whose value does not fit in int64. Immutable.
class BigInt final : public Object {
 public:
  static constexpr ObjType kType = ObjType::kBigInt;
  /// Takes the value of z, leaving z zero (z stays initialised; the caller still clears it).
  explicit BigInt(mpz_ptr z);
  ~BigInt() override;
  std::string_view typeName() const override { return "int"; }
  void write(std::string& out, bool quoted, std::vector<const Object*>& path) const override;
  bool truth() const override { return true; }  // zero is a small int
  Result<uint32_t> hash() const override;
  Result<bool> equals(const Object& other, int depth) const override;
  Result<int> compare(const Object& other, int depth) const override;
  /// The value, read-only.
  mpz_srcptr get() const { return v_; }

 private:
  mpz_t v_;
};

/// A read-only mpz view of any int value (small or big) that allocates nothing; valid while both
/// the view and the value live.
class MpzView {
 public:
  explicit MpzView(const Value& x);
  MpzView(const MpzView&) = delete;
  MpzView& operator=(const MpzView&) = delete;
  mpz_srcptr get() const { return z_; }

 private:
  mp_limb_t limb_;
  mpz_t z_;
};

/// The int with z's value: a small int if it fits in int64, else a new BigInt (z is left zero).
Value makeIntFromMpz(mpz_ptr z);

// Arithmetic on int values (small or big); the operands must satisfy isInt().
/// x + y.
Value intAdd(const Value& x, const Value& y);
/// x - y.
Value intSub(const Value& x, const Value& y);
/// x * y.
Value intMul(const Value& x, const Value& y);
/// x // y, rounding toward negative infinity; y must be non-zero.
Value intFloorDiv(const Value& x, const Value& y);
/// x % y, with the sign of y; y must be non-zero.
Value intMod(const Value& x, const Value& y);
/// x & y, x | y, x ^ y on the infinite two's complement representation.
Value intAnd(const Value& x, const Value& y);
Value intOr(const Value& x, const Value& y);
Value intXor(const Value& x, const Value& y);
/// ~x.
Value intNot(const Value& x);
/// -x.
Value intNeg(const Value& x);
/// x << n.
Value intShiftLeft(const Value& x, uint32_t n);
/// x >> n (arithmetic: rounds toward negative infinity).
Value intShiftRight(const Value& x, uint32_t n);
/// -1, 0 or +1.
int intSign(const Value& x);
/// Three-way comparison of two ints.
int intCompare(const Value& x, const Value& y);
/// Exact three-way comparison of an int with a float; NaN is greater than every int.
int intFloatCompare(const Value& x, double f);
/// The hash of an int; equal to floatHash of an equal float.
uint32_t intHash(const Value& x);
/// The hash of a float; equal to intHash of an equal int.
uint32_t floatHash(double f);
/// Appends the int in base 8, 10 or 16 (upper selects A-F), with a leading '-' if negative.
void writeInt(std::string& out, const Value& x, int base = 10, bool upper = false);

}  // namespace slant::starlark
