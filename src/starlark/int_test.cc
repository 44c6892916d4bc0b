// Tests of ints: parsing, arbitrary-precision arithmetic, normalisation, conversions to and from
// floats, and hashing; expectations follow go.starlark.net's starlark/testdata/int.star.
#include "starlark/int.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace slant::starlark {
namespace {

using syntax::Token;

Value I(int64_t i) { return Value::smallInt(i); }
Value F(double f) { return Value::floating(f); }
Value Big(std::string_view digits) {
  if (digits.starts_with('-')) return intNeg(makeIntFromDecimal(digits.substr(1)));
  return makeIntFromDecimal(digits);
}

/// x << n, in steps: a single shift is limited to 511 bits.
Value Shl(Value x, int n) {
  for (; n > 0; n -= 500) x = *binary(Token::kLtLt, x, I(std::min(n, 500)));
  return x;
}

std::string show(const Result<Value>& r) { return r ? repr(*r) : "error: " + r.error().message(); }
std::string op(Token t, const Value& x, const Value& y) { return show(binary(t, x, y)); }

const Value kMaxInt64 = I(std::numeric_limits<int64_t>::max());
const Value kMinInt64 = I(std::numeric_limits<int64_t>::min());
const Value kMaxInt32 = I(std::numeric_limits<int32_t>::max());
const Value kMinInt32 = I(std::numeric_limits<int32_t>::min());

TEST(Int, DoesBasicArithmetic) {
  EXPECT_EQ(op(Token::kMinus, I(0), I(1)), "-1");
  EXPECT_EQ(op(Token::kPlus, I(5), I(7)), "12");
  EXPECT_EQ(op(Token::kStar, I(5), I(7)), "35");
  EXPECT_EQ(op(Token::kMinus, I(5), I(7)), "-2");
  EXPECT_EQ(show(unary(Token::kMinus, I(5))), "-5");
  EXPECT_EQ(show(unary(Token::kPlus, I(5))), "5");
}

TEST(Int, FloorsDivisionAndRemainderLikePython) {
  // int.star: division() and remainder(), for small and big operands.
  for (const Value& m : {I(1), kMaxInt32, kMaxInt64}) {
    auto mul = [&](int64_t k) { return *binary(Token::kStar, I(k), m); };
    EXPECT_EQ(op(Token::kSlashSlash, mul(100), mul(7)), "14");
    EXPECT_EQ(op(Token::kSlashSlash, mul(100), mul(-7)), "-15");
    EXPECT_EQ(op(Token::kSlashSlash, mul(-100), mul(7)), "-15");
    EXPECT_EQ(op(Token::kSlashSlash, mul(-100), mul(-7)), "14");
    EXPECT_EQ(op(Token::kSlashSlash, mul(98), mul(7)), "14");
    EXPECT_EQ(op(Token::kSlashSlash, mul(98), mul(-7)), "-14");
    EXPECT_EQ(op(Token::kSlashSlash, mul(-98), mul(7)), "-14");
    EXPECT_EQ(op(Token::kSlashSlash, mul(-98), mul(-7)), "14");
    EXPECT_EQ(op(Token::kPercent, mul(100), mul(7)), repr(mul(2)));
    EXPECT_EQ(op(Token::kPercent, mul(100), mul(-7)), repr(mul(-5)));
    EXPECT_EQ(op(Token::kPercent, mul(-100), mul(7)), repr(mul(5)));
    EXPECT_EQ(op(Token::kPercent, mul(-100), mul(-7)), repr(mul(-2)));
    EXPECT_EQ(op(Token::kPercent, mul(98), mul(7)), "0");
    EXPECT_EQ(op(Token::kPercent, mul(-98), mul(-7)), "0");
  }
  EXPECT_EQ(op(Token::kSlashSlash, kMinInt64, I(-1)), "9223372036854775808");
  EXPECT_EQ(op(Token::kPercent, kMinInt64, I(-1)), "0");
  EXPECT_EQ(op(Token::kSlashSlash, I(7), I(-2)), "-4");
  EXPECT_EQ(op(Token::kPercent, I(-7), I(2)), "1");
}

TEST(Int, ReportsDivisionByZero) {
  EXPECT_EQ(op(Token::kSlashSlash, I(5), I(0)), "error: floored division by zero");
  EXPECT_EQ(op(Token::kPercent, I(5), I(0)), "error: integer modulo by zero");
  EXPECT_EQ(op(Token::kSlash, I(5), I(0)), "error: floating-point division by zero");
  EXPECT_EQ(op(Token::kSlashSlash, Big("100000000000000000000"), I(0)),
            "error: floored division by zero");
}

TEST(Int, PromotesToBigIntOnOverflowAndNormalisesBack) {
  // int.star: precision.
  EXPECT_EQ(repr(kMaxInt64), "9223372036854775807");
  EXPECT_EQ(op(Token::kPlus, kMaxInt64, I(1)), "9223372036854775808");
  EXPECT_EQ(op(Token::kMinus, kMinInt64, I(1)), "-9223372036854775809");
  EXPECT_EQ(op(Token::kStar, kMinInt64, kMinInt64), "85070591730234615865843651857942052864");
  EXPECT_EQ(op(Token::kPlus, kMaxInt32, I(1)), "2147483648");
  EXPECT_EQ(op(Token::kMinus, kMinInt32, I(1)), "-2147483649");
  EXPECT_EQ(op(Token::kStar, kMinInt32, kMinInt32), "4611686018427387904");
  EXPECT_EQ(op(Token::kPipe, kMinInt32, kMaxInt32), "-1");
  EXPECT_EQ(op(Token::kAmp, kMinInt32, kMinInt32), "-2147483648");
  EXPECT_EQ(op(Token::kCircumflex, kMinInt32, kMaxInt32), "-1");
  EXPECT_EQ(op(Token::kSlashSlash, kMinInt32, I(-1)), "2147483648");
  EXPECT_EQ(show(unary(Token::kMinus, kMinInt64)), "9223372036854775808");

  Value big = *binary(Token::kPlus, kMaxInt64, I(1));
  EXPECT_TRUE(big.is(ObjType::kBigInt));
  Value back = *binary(Token::kMinus, big, I(1));
  EXPECT_TRUE(back.isSmallInt());
  EXPECT_EQ(back.asSmallInt(), std::numeric_limits<int64_t>::max());
  EXPECT_TRUE(binary(Token::kSlashSlash, big, big)->isSmallInt());

  // 0x1000000000000001 * 0x1000000000000001 == 0x1000000000000002000000000000001
  Value x = *parseInt("0x1000000000000001", 0);
  EXPECT_TRUE(
      *equal(*binary(Token::kStar, x, x), *parseInt("0x1000000000000002000000000000001", 0)));
  EXPECT_EQ(op(Token::kStar, I(1111111111111111), I(1111111111111111)),
            "1234567901234567654320987654321");
}

TEST(Int, DoesBitwiseOperations) {
  EXPECT_EQ(op(Token::kPipe, I(1), I(2)), "3");
  EXPECT_EQ(op(Token::kPipe, I(3), I(6)), "7");
  EXPECT_EQ(op(Token::kCircumflex, I(2), I(2)), "0");
  EXPECT_EQ(show(unary(Token::kTilde, I(1))), "-2");
  EXPECT_EQ(show(unary(Token::kTilde, I(-2))), "1");
  EXPECT_EQ(show(unary(Token::kTilde, I(0))), "-1");
  EXPECT_EQ(op(Token::kLtLt, I(1), I(2)), "4");
  EXPECT_EQ(op(Token::kGtGt, I(2), I(1)), "1");
  EXPECT_EQ(op(Token::kLtLt, I(1), I(63)), "9223372036854775808");
  EXPECT_EQ(op(Token::kLtLt, I(-1), I(63)), "-9223372036854775808");
  EXPECT_TRUE(binary(Token::kLtLt, I(-1), I(63))->isSmallInt());
  EXPECT_EQ(op(Token::kGtGt, I(-1), I(100)), "-1");
  EXPECT_EQ(op(Token::kGtGt, I(-5), I(1)), "-3");
  Value p100 = *binary(Token::kLtLt, I(1), I(100));
  EXPECT_EQ(op(Token::kGtGt, p100, I(99)), "2");
  Value p80 = *binary(Token::kLtLt, I(1), I(80));
  EXPECT_EQ(show(unary(Token::kTilde, p80)), "-1208925819614629174706177");
  EXPECT_EQ(op(Token::kAmp, p80, I(-1)), "1208925819614629174706176");
  EXPECT_EQ(op(Token::kPipe, *unary(Token::kMinus, p80), I(5)), "-1208925819614629174706171");
  Value p64 = *binary(Token::kLtLt, I(1), I(64));
  EXPECT_EQ(op(Token::kCircumflex, *unary(Token::kMinus, p64), I(3)), "-18446744073709551613");
}

TEST(Int, ChecksShiftCounts) {
  EXPECT_EQ(op(Token::kLtLt, I(2), I(-1)), "error: negative shift count: -1");
  EXPECT_EQ(op(Token::kGtGt, I(1), I(-1)), "error: negative shift count: -1");
  EXPECT_EQ(op(Token::kLtLt, I(1), I(512)), "error: shift count too large: 512");
  EXPECT_EQ(op(Token::kLtLt, I(1), I(int64_t{1} << 40)), "error: 1099511627776 out of range");
  EXPECT_EQ(op(Token::kLtLt, I(1), F(2.0)), "error: got float, want int");
  EXPECT_EQ(op(Token::kGtGt, I(1), I(1000)), "0");
}

TEST(Int, ComparesAcrossRepresentations) {
  Value big = Big("100000000000000000000");
  Value neg = Big("-100000000000000000000");
  EXPECT_TRUE(*compare(Token::kLt, I(5), big));
  EXPECT_TRUE(*compare(Token::kGt, I(5), neg));
  EXPECT_TRUE(*compare(Token::kLt, neg, big));
  EXPECT_TRUE(*compare(Token::kEql, big, Big("100000000000000000000")));
  EXPECT_FALSE(*compare(Token::kEql, big, I(5)));
  for (const Value& m : {I(1), kMaxInt32, kMaxInt64}) {
    auto mul = [&](int64_t k) { return *binary(Token::kStar, I(k), m); };
    EXPECT_TRUE(*compare(Token::kLt, mul(-2), mul(-1)));
    EXPECT_TRUE(*compare(Token::kLt, mul(0), mul(1)));
    EXPECT_TRUE(*compare(Token::kGe, mul(2), mul(2)));
    EXPECT_TRUE(*compare(Token::kGt, mul(0), mul(-1)));
  }
}

TEST(Int, ParsesLikeGoStarlarkInt) {
  auto parse = [](std::string_view s, int base) { return show(parseInt(s, base)); };
  EXPECT_EQ(parse("100000000000000000000", 10), "100000000000000000000");
  EXPECT_EQ(parse("-100000000000000000000", 10), "-100000000000000000000");
  EXPECT_EQ(parse("123", 10), "123");
  EXPECT_EQ(parse("-123", 10), "-123");
  EXPECT_EQ(parse("0123", 10), "123");
  EXPECT_EQ(parse("-0123", 10), "-123");
  EXPECT_EQ(parse("0x12", 10), "error: int: invalid literal with base 10: 0x12");
  EXPECT_EQ(parse("-0x12", 10), "error: int: invalid literal with base 10: -0x12");
  EXPECT_EQ(parse("0o123", 10), "error: int: invalid literal with base 10: 0o123");
  for (const char* zero : {"0", "00", "-0", "-00", "+0", "+00"}) {
    EXPECT_EQ(parse(zero, 10), "0") << zero;
    EXPECT_EQ(parse(zero, 8), "0") << zero;
  }
  EXPECT_EQ(parse("11", 9), "10");
  EXPECT_EQ(parse("-11", 9), "-10");
  EXPECT_EQ(parse("10011", 2), "19");
  EXPECT_EQ(parse("123", 8), "83");
  EXPECT_EQ(parse("0123", 8), "83");
  EXPECT_EQ(parse("-00123", 8), "-83");
  EXPECT_EQ(parse("0o123", 8), "83");
  EXPECT_EQ(parse("-0o123", 8), "-83");
  EXPECT_EQ(parse("123", 7), "66");
  EXPECT_EQ(parse("12", 16), "18");
  EXPECT_EQ(parse("-0x12", 16), "-18");
  EXPECT_EQ(parse("0XfF", 16), "255");
  EXPECT_EQ(parse("zz", 36), "1295");
  EXPECT_EQ(parse("111111101", 2), "509");
  EXPECT_EQ(parse("0b0101", 0), "5");
  EXPECT_EQ(parse("0b00000", 0), "0");
  EXPECT_EQ(parse("0x123", 8), "error: int: invalid literal with base 8: 0x123");
  EXPECT_EQ(parse("0o123", 16), "error: int: invalid literal with base 16: 0o123");
  EXPECT_EQ(parse("0x110", 2), "error: int: invalid literal with base 2: 0x110");
  EXPECT_EQ(parse("123", 0), "123");
  EXPECT_EQ(parse("+123", 0), "123");
  EXPECT_EQ(parse("-0x12", 0), "-18");
  EXPECT_EQ(parse("+0o123", 0), "83");
  EXPECT_EQ(parse("0123", 0), "error: int: invalid literal with base 0: 0123");
  EXPECT_EQ(parse("-0123", 0), "error: int: invalid literal with base 0: -0123");
  EXPECT_EQ(parse("0Oxa", 8), "error: int: invalid literal with base 8: 0Oxa");
  EXPECT_EQ(parse("--4", 10), "error: int: invalid literal with base 10: --4");
  EXPECT_EQ(parse("++4", 10), "error: int: invalid literal with base 10: ++4");
  EXPECT_EQ(parse("+-4", 10), "error: int: invalid literal with base 10: +-4");
  EXPECT_EQ(parse("0x-4", 16), "error: int: invalid literal with base 16: 0x-4");
  EXPECT_EQ(parse("", 10), "error: int: invalid literal with base 10: ");
  EXPECT_EQ(parse("1_000", 10), "error: int: invalid literal with base 10: 1_000");
  EXPECT_EQ(parse(" 1", 10), "error: int: invalid literal with base 10:  1");
  EXPECT_EQ(parse("abc", 10), "error: int: invalid literal with base 10: abc");
  EXPECT_EQ(parse("0x", 16), "error: int: invalid literal with base 16: 0x");
  EXPECT_EQ(parse("9223372036854775808", 10), "9223372036854775808");
  EXPECT_EQ(parse("-9223372036854775808", 10), "-9223372036854775808");
  EXPECT_TRUE(parseInt("-9223372036854775808", 10)->isSmallInt());
  EXPECT_TRUE(parseInt("9223372036854775808", 10)->is(ObjType::kBigInt));
  EXPECT_EQ(parse("1", 1), "error: int: base must be an integer >= 2 && <= 36");
  EXPECT_EQ(parse("1", 37), "error: int: base must be an integer >= 2 && <= 36");
}

TEST(Int, ConvertsToInt64AndInt32) {
  EXPECT_EQ(*toInt64(I(-5)), -5);
  EXPECT_EQ(toInt64(Big("9223372036854775808")).error().message(),
            "9223372036854775808 out of range (want value in signed 64-bit range)");
  EXPECT_EQ(toInt64(F(1)).error().message(), "got float, want int");
  EXPECT_EQ(*asInt32(I(-2147483648)), -2147483648);
  EXPECT_EQ(asInt32(I(2147483648)).error().message(), "2147483648 out of range");
  EXPECT_EQ(asInt32(Value::boolean(true)).error().message(), "got bool, want int");
}

TEST(Int, ConvertsToFloatRoundingToNearestEven) {
  // float.star: loss of precision.
  const int64_t p53 = int64_t{1} << 53;
  EXPECT_EQ(*intToFloat(I(p53 + 1)), static_cast<double>(p53));
  EXPECT_EQ(*intToFloat(I(p53 + 3)), static_cast<double>(p53 + 4));
  EXPECT_EQ(*intToFloat(I(p53 + 5)), static_cast<double>(p53 + 4));
  // Beyond int64 the BigInt path rounds: 2^64 + 2^11 is halfway between 2^64 and 2^64 + 2^12.
  Value p64 = *binary(Token::kLtLt, I(1), I(64));
  EXPECT_EQ(*intToFloat(*binary(Token::kPlus, p64, I(2048))), 0x1p64);
  EXPECT_EQ(*intToFloat(*binary(Token::kPlus, p64, I(2049))), 0x1p64 + 4096);
  EXPECT_EQ(*intToFloat(*binary(Token::kPlus, p64, I(6144))), 0x1p64 + 8192);  // to even
  EXPECT_EQ(*intToFloat(*unary(Token::kMinus, p64)), -0x1p64);
  EXPECT_EQ(*intToFloat(Big("1229999999999999973814869011019624571608236032")), 1.23e45);
  Value huge = Shl(I(123), 1050);
  EXPECT_EQ(intToFloat(huge).error().message(), "int too large to convert to float");
  // Just below 2^1024 rounds up to infinity, which is too large too.
  Value below = *binary(Token::kMinus, Shl(I(1), 1024), I(1));
  EXPECT_EQ(intToFloat(below).error().message(), "int too large to convert to float");
  EXPECT_EQ(*intToFloat(Shl(I(1), 1023)), 0x1p1023);
}

TEST(Int, ConvertsFromFloatTruncating) {
  EXPECT_EQ(show(floatToInt(100.1)), "100");
  EXPECT_EQ(show(floatToInt(99.9)), "99");
  EXPECT_EQ(show(floatToInt(-99.9)), "-99");
  EXPECT_EQ(show(floatToInt(-0.9)), "0");
  EXPECT_EQ(show(floatToInt(1.23e+32)), "123000000000000004979083645550592");
  EXPECT_EQ(show(floatToInt(1e100)),
            "10000000000000000159028911097599180468360808563945281389781327557747838772170381060813"
            "469985856815104");
  EXPECT_EQ(show(floatToInt(0x1p63)), "9223372036854775808");
  EXPECT_EQ(show(floatToInt(-0x1p63)), "-9223372036854775808");
  EXPECT_EQ(show(floatToInt(INFINITY)), "error: cannot convert float infinity to integer");
  EXPECT_EQ(show(floatToInt(-INFINITY)), "error: cannot convert float infinity to integer");
  EXPECT_EQ(show(floatToInt(NAN)), "error: cannot convert float NaN to integer");
  EXPECT_EQ(show(numberToInt(Value::boolean(true))), "error: cannot convert bool to int");
}

TEST(Int, ComparesExactlyWithFloats) {
  // float.star: int/float equality.
  EXPECT_TRUE(*equal(F(0.0), I(0)));
  EXPECT_TRUE(*equal(I(1), F(1.0)));
  EXPECT_FALSE(*equal(F(1.23e45), Big("1229999999999999973814869011019624571608236031")));
  EXPECT_TRUE(*equal(F(1.23e45), Big("1229999999999999973814869011019624571608236032")));
  EXPECT_FALSE(*equal(Big("1229999999999999973814869011019624571608236033"), F(1.23e45)));
  const int64_t p53 = int64_t{1} << 53;
  EXPECT_FALSE(*equal(F(static_cast<double>(p53 + 1)), I(p53 + 1)));  // comparisons are exact
  EXPECT_TRUE(*compare(Token::kLt, I(p53 + 1), F(static_cast<double>(p53 + 2))));
  EXPECT_TRUE(*compare(Token::kLt, I(-2), F(-2 + 1e-15)));
  EXPECT_TRUE(*compare(Token::kNeq, I(-1), F(-1.0 + 1e-7)));
  EXPECT_TRUE(*compare(Token::kLt, I(1), F(2.0)));
  EXPECT_TRUE(*compare(Token::kLt, F(2.0), I(3)));
  EXPECT_TRUE(*compare(Token::kLt, I(std::numeric_limits<int64_t>::max()), F(0x1p63)));
  EXPECT_TRUE(
      *compare(Token::kGt, I(std::numeric_limits<int64_t>::min()), F(-0x1.0000000000001p63)));
  EXPECT_TRUE(*compare(Token::kLt, Big("-100000000000000000000"), F(-1e19)));
  EXPECT_TRUE(*compare(Token::kLt, Big("100000000000000000000"), F(INFINITY)));
  EXPECT_TRUE(*compare(Token::kLt, Big("100000000000000000000"), F(NAN)));
  EXPECT_TRUE(*compare(Token::kGt, F(NAN), I(3)));
  EXPECT_TRUE(*compare(Token::kGt, I(3), F(-INFINITY)));
}

TEST(Int, HashesEqualIntsAndFloatsAlike) {
  // float.star: checkhash.
  for (double a :
       {1.23e100, 1.23e10, 1.23e1, 1.23, 1.0, 4294967295.0, 8589934591.0, 9223372036854775807.0}) {
    for (double b : {a, -a, 1 / a, -1 / a}) {
      auto i = floatToInt(b);
      ASSERT_TRUE(i);
      if (*equal(F(b), *i)) {
        EXPECT_EQ(*hash(F(b)), *hash(*i)) << b;
      }
    }
  }
  EXPECT_EQ(*hash(Big("100000000000000000000")), *hash(Big("100000000000000000000")));
  EXPECT_EQ(*hash(F(1e20)), *hash(Big("100000000000000000000")));
}

TEST(Int, FormatsInBases) {
  auto fmt = [](const Value& x, int base, bool upper) {
    std::string s;
    writeInt(s, x, base, upper);
    return s;
  };
  EXPECT_EQ(fmt(I(-95), 8, false), "-137");
  EXPECT_EQ(fmt(I(-95), 16, false), "-5f");
  EXPECT_EQ(fmt(I(-95), 16, true), "-5F");
  EXPECT_EQ(fmt(I(0xDEADBEEF), 16, false), "deadbeef");
  EXPECT_EQ(fmt(*binary(Token::kLtLt, I(1), I(70)), 16, true), "400000000000000000");
  EXPECT_EQ(fmt(Big("-100000000000000000000"), 16, true), "-56BC75E2D63100000");
}

TEST(Int, ParsesDecimalLiterals) {
  EXPECT_EQ(repr(makeIntFromDecimal("0")), "0");
  EXPECT_EQ(repr(makeIntFromDecimal("9223372036854775807")), "9223372036854775807");
  EXPECT_TRUE(makeIntFromDecimal("9223372036854775807").isSmallInt());
  EXPECT_EQ(repr(makeIntFromDecimal("123456789012345678901234567890")),
            "123456789012345678901234567890");
}

}  // namespace
}  // namespace slant::starlark
