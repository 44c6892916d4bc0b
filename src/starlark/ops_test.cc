// Tests of the operators: binary and unary operators, comparisons, indexing, slicing and string
// interpolation, with expectations (values and error messages) taken from go.starlark.net's
// starlark/testdata (float.star, string.star, list.star, tuple.star, dict.star, set.star,
// misc.star, builtins.star).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "starlark/int.h"
#include "starlark/value.h"

namespace slant::starlark {
namespace {

using syntax::Token;

Value S(std::string s) { return makeString(std::move(s)); }
Value I(int64_t i) { return Value::smallInt(i); }
Value F(double f) { return Value::floating(f); }
Value B(bool b) { return Value::boolean(b); }
Value L(ValueVector v) { return make<List>(std::move(v)); }
Value T(ValueVector v) { return make<Tuple>(std::move(v)); }
Value D(std::vector<std::pair<Value, Value>> items) {
  Value d = make<Dict>();
  for (auto& [k, v] : items) EXPECT_TRUE(d.as<Dict>()->set(k, v).has_value());
  return d;
}
Value SetOf(ValueVector elems) {
  Value s = make<Set>();
  for (auto& e : elems) EXPECT_TRUE(s.as<Set>()->add(e).has_value());
  return s;
}
Value R(int64_t start, int64_t stop, int64_t step = 1) { return make<Range>(start, stop, step); }
Value Chars(std::string_view s) {
  ValueVector v;
  for (char c : s) v.push_back(S(std::string(1, c)));
  return L(std::move(v));
}
Value TupleChars(std::string_view s) { return T(Chars(s).as<List>()->elems()); }
const Value kNone;

std::string show(const Result<Value>& r) { return r ? repr(*r) : "error: " + r.error().message(); }
std::string op(Token t, const Value& x, const Value& y) { return show(binary(t, x, y)); }
std::string cmp(Token t, const Value& x, const Value& y) {
  auto r = compare(t, x, y);
  return r ? (*r ? "True" : "False") : "error: " + r.error().message();
}
std::string index(const Value& x, const Value& y) { return show(getIndex(x, y)); }
std::string cut(const Value& x, const Value& lo, const Value& hi, const Value& step = Value()) {
  return show(slice(x, lo, hi, step));
}
std::string format(std::string_view f, const Value& args) { return show(interpolate(f, args)); }

// ---- float.star -----------------------------------------------------------------------------

TEST(Ops, DoesFloatArithmetic) {
  const double inf = INFINITY, nan = NAN;
  EXPECT_EQ(op(Token::kPlus, F(1.2e3), F(5.6e7)), "5.60012e+07");
  EXPECT_EQ(op(Token::kPlus, F(1.2e3), I(1)), "1201.0");
  EXPECT_EQ(op(Token::kPlus, I(1), F(1.2e3)), "1201.0");
  EXPECT_EQ(op(Token::kPlus, F(1.2e3), F(nan)), "nan");
  EXPECT_EQ(op(Token::kPlus, F(inf), F(-inf)), "nan");
  EXPECT_EQ(op(Token::kMinus, F(1.2e3), F(5.6e7)), "-5.59988e+07");
  EXPECT_EQ(op(Token::kMinus, I(1), F(1.2e3)), "-1199.0");
  EXPECT_EQ(op(Token::kMinus, F(inf), F(-inf)), "+inf");
  EXPECT_EQ(op(Token::kStar, F(1.5e6), F(2.2e3)), "3.3e+09");
  EXPECT_EQ(op(Token::kStar, F(1.5e6), I(123)), "1.845e+08");
  EXPECT_EQ(op(Token::kStar, F(inf), I(0)), "nan");
  EXPECT_EQ(op(Token::kStar, F(inf), F(-inf)), "-inf");
  EXPECT_EQ(op(Token::kPercent, F(100.0), F(7.0)), "2.0");
  EXPECT_EQ(op(Token::kPercent, F(100.0), F(-7.0)), "-5.0");
  EXPECT_EQ(op(Token::kPercent, F(-100.0), F(7.0)), "5.0");
  EXPECT_EQ(op(Token::kPercent, F(-100.0), F(-7.0)), "-2.0");
  EXPECT_EQ(op(Token::kPercent, F(-100.0), I(7)), "5.0");
  EXPECT_EQ(op(Token::kPercent, I(100), F(7.0)), "2.0");
  EXPECT_EQ(op(Token::kPercent, F(98.0), F(-8.0)), "-6.0");
  EXPECT_EQ(op(Token::kPercent, F(2.5), I(2)), "0.5");
  EXPECT_EQ(op(Token::kPercent, I(7), F(-2.5)), "-0.5");
  EXPECT_EQ(op(Token::kPercent, F(inf), I(1)), "nan");
  EXPECT_EQ(op(Token::kSlash, F(100.0), F(7.0)), "14.285714285714286");
  EXPECT_EQ(op(Token::kSlash, I(100), F(7.0)), "14.285714285714286");
  EXPECT_EQ(op(Token::kSlash, F(100.0), I(7)), "14.285714285714286");
  EXPECT_EQ(op(Token::kSlash, I(5), I(4)), "1.25");
  EXPECT_EQ(op(Token::kSlash, F(100.0), F(nan)), "nan");
  EXPECT_EQ(op(Token::kSlashSlash, F(100.0), F(7.0)), "14.0");
  EXPECT_EQ(op(Token::kSlashSlash, I(100), F(-7.0)), "-15.0");
  EXPECT_EQ(op(Token::kSlashSlash, F(100.0), I(-7)), "-15.0");
  EXPECT_EQ(op(Token::kSlashSlash, F(-98.0), F(8.0)), "-13.0");
  EXPECT_EQ(op(Token::kSlashSlash, I(1), F(-inf)), "-0.0");
  EXPECT_EQ(op(Token::kSlashSlash, I(5), I(4)), "1");
  EXPECT_EQ(show(unary(Token::kMinus, F(123.0))), "-123.0");
  EXPECT_EQ(show(unary(Token::kPlus, F(inf))), "+inf");
  EXPECT_EQ(show(unary(Token::kMinus, F(nan))), "nan");
  EXPECT_EQ(op(Token::kPlus, F(5.1), I(7)), "12.1");
  EXPECT_EQ(op(Token::kMinus, F(5.5), I(7)), "-1.5");
  EXPECT_EQ(op(Token::kStar, I(5), F(7.1)), "35.5");
}

TEST(Ops, ReportsFloatDivisionByZero) {
  EXPECT_EQ(op(Token::kSlash, F(1.0), I(0)), "error: floating-point division by zero");
  EXPECT_EQ(op(Token::kSlash, F(1.0), F(0.0)), "error: floating-point division by zero");
  EXPECT_EQ(op(Token::kSlash, I(1), F(0.0)), "error: floating-point division by zero");
  EXPECT_EQ(op(Token::kSlashSlash, F(1.0), I(0)), "error: floored division by zero");
  EXPECT_EQ(op(Token::kSlashSlash, I(1), F(0.0)), "error: floored division by zero");
  EXPECT_EQ(op(Token::kPercent, F(1.0), I(0)), "error: floating-point modulo by zero");
  EXPECT_EQ(op(Token::kPercent, F(1.0), F(0.0)), "error: floating-point modulo by zero");
  EXPECT_EQ(op(Token::kPercent, I(1), F(0.0)), "error: floating-point modulo by zero");
}

TEST(Ops, RejectsHugeIntsInFloatArithmetic) {
  Value huge = I(1);  // 1 << 1500
  for (int i = 0; i < 3; ++i) huge = *binary(Token::kLtLt, huge, I(500));
  for (Token t : {Token::kPlus, Token::kMinus, Token::kStar, Token::kSlash, Token::kSlashSlash,
                  Token::kPercent}) {
    EXPECT_EQ(op(t, huge, F(1.0)), "error: int too large to convert to float");
    EXPECT_EQ(op(t, F(1.0), huge), "error: int too large to convert to float");
  }
}

TEST(Ops, ComparesFloatsWithNaNGreatest) {
  const double nan = NAN, inf = INFINITY;
  EXPECT_EQ(cmp(Token::kEql, F(nan), F(nan)), "True");
  EXPECT_EQ(cmp(Token::kGe, F(nan), F(nan)), "True");
  EXPECT_EQ(cmp(Token::kLe, F(nan), F(nan)), "True");
  EXPECT_EQ(cmp(Token::kGt, F(nan), F(nan)), "False");
  EXPECT_EQ(cmp(Token::kNeq, F(nan), F(nan)), "False");
  EXPECT_EQ(cmp(Token::kEql, F(0.0), F(-0.0)), "True");
  EXPECT_EQ(cmp(Token::kGt, F(inf), F(-inf)), "True");
  EXPECT_EQ(cmp(Token::kLt, F(-inf), F(-1.7976931348623157e+308)), "True");
  EXPECT_EQ(cmp(Token::kLt, F(-4.9406564584124654e-324), F(0.0)), "True");
  EXPECT_EQ(cmp(Token::kLt, I(0), F(4.9406564584124654e-324)), "True");
  EXPECT_EQ(cmp(Token::kNeq, F(5.0), F(4.999999999999999)), "True");
}

TEST(Ops, SortsMixedNumbersStablyWithCompare3) {
  // float.star: sorted([inf, neginf, nan, 1e300, -1e300, 1.0, -1.0, 1, -1, 1e-300, -1e-300, 0,
  // 0.0, negzero, 1e-300, -1e-300])
  const double inf = INFINITY, nan = NAN;
  ValueVector v = {F(inf),  F(-inf), F(nan),    F(1e300),  F(-1e300),  F(1.0),
                   F(-1.0), I(1),    I(-1),     F(1e-300), F(-1e-300), I(0),
                   F(0.0),  F(-0.0), F(1e-300), F(-1e-300)};
  std::stable_sort(v.begin(), v.end(),
                   [](const Value& a, const Value& b) { return *compare3(a, b) < 0; });
  EXPECT_EQ(repr(L(v)),
            "[-inf, -1e+300, -1.0, -1, -1e-300, -1e-300, 0, 0.0, -0.0, 1e-300, 1e-300, 1.0, 1, "
            "1e+300, +inf, nan]");
}

// ---- comparisons ----------------------------------------------------------------------------

TEST(Ops, ComparesOnlyOrderedTypes) {
  // misc.star: ordered comparisons require values of the same type.
  EXPECT_EQ(cmp(Token::kLt, kNone, kNone), "error: NoneType < NoneType not implemented");
  EXPECT_EQ(cmp(Token::kLt, kNone, B(false)), "error: NoneType < bool not implemented");
  EXPECT_EQ(cmp(Token::kLt, I(0), L({})), "error: int < list not implemented");
  EXPECT_EQ(cmp(Token::kLt, L({}), S("")), "error: list < string not implemented");
  EXPECT_EQ(cmp(Token::kLt, S(""), T({})), "error: string < tuple not implemented");
  EXPECT_EQ(cmp(Token::kGt, L({I(1)}), L({S("a")})), "error: int > string not implemented");
  EXPECT_EQ(cmp(Token::kLt, D({}), D({})), "error: dict < dict not implemented");
  EXPECT_EQ(cmp(Token::kGe, SetOf({I(1)}), SetOf({I(2)})), "error: set >= set not implemented");
  EXPECT_EQ(cmp(Token::kLt, R(0, 1), R(0, 2)), "error: range < range not implemented");
  EXPECT_EQ(cmp(Token::kLe, T({I(1), L({})}), T({I(1), D({})})),
            "error: list <= dict not implemented");
  EXPECT_EQ(compare3(I(1), S("a")).error().message(), "int < string not implemented");
  EXPECT_EQ(op(Token::kLt, I(1), S("a")), "error: int < string not implemented");
  EXPECT_EQ(cmp(Token::kEql, kNone, kNone), "True");
  EXPECT_EQ(cmp(Token::kNeq, I(1), S("1")), "True");
  EXPECT_EQ(cmp(Token::kEql, D({}), L({})), "False");
  EXPECT_EQ(cmp(Token::kLt, B(false), B(true)), "True");
  EXPECT_EQ(cmp(Token::kLt, B(true), B(false)), "False");
}

TEST(Ops, ComparesSequencesLexicographically) {
  EXPECT_EQ(cmp(Token::kLt, T({I(1), I(2)}), T({I(1), I(3)})), "True");
  EXPECT_EQ(cmp(Token::kLt, L({I(1), I(2)}), L({I(1), I(2), I(0)})), "True");
  EXPECT_EQ(cmp(Token::kGt, L({I(2)}), L({I(1), I(9)})), "True");
  EXPECT_EQ(cmp(Token::kLe, L({}), L({})), "True");
  EXPECT_EQ(cmp(Token::kNeq, L({I(1), I(2), I(3)}), L({I(1), I(2), I(4)})), "True");
  EXPECT_EQ(cmp(Token::kEql, T({I(1)}), I(1)), "False");
  EXPECT_EQ(op(Token::kEql, L({I(1), I(2)}), L({I(1), I(2)})), "True");
  EXPECT_EQ(op(Token::kNeq, L({I(1)}), L({I(1)})), "False");
}

// ---- strings --------------------------------------------------------------------------------

TEST(Ops, ConcatenatesAndRepeatsStrings) {
  EXPECT_EQ(op(Token::kPlus, *binary(Token::kPlus, S("a"), S("b")), S("c")), "\"abc\"");
  EXPECT_EQ(op(Token::kPlus, S(""), S("x")), "\"x\"");
  EXPECT_EQ(op(Token::kStar, S("abc"), I(0)), "\"\"");
  EXPECT_EQ(op(Token::kStar, S("abc"), I(-1)), "\"\"");
  EXPECT_EQ(op(Token::kStar, S("abc"), I(1)), "\"abc\"");
  EXPECT_EQ(op(Token::kStar, S("abc"), I(5)), "\"abcabcabcabcabc\"");
  EXPECT_EQ(op(Token::kStar, I(0), S("abc")), "\"\"");
  EXPECT_EQ(op(Token::kStar, I(5), S("abc")), "\"abcabcabcabcabc\"");
  EXPECT_EQ(op(Token::kStar, F(1.0), S("abc")), "error: unknown binary op: float * string");
  EXPECT_EQ(op(Token::kStar, S("abc"), I(1000000LL * 1000000)),
            "error: repeat count 1000000000000 too large");
  Value s3m = *binary(Token::kStar, S("abc"), I(1000000));
  EXPECT_EQ(op(Token::kStar, s3m, I(1000000)),
            "error: excessive repeat (3000000 * 1000000 elements)");
  EXPECT_EQ(op(Token::kStar, S(""), *binary(Token::kLtLt, I(1), I(100))), "\"\"");
  EXPECT_EQ(op(Token::kPlus, S("a"), I(1)), "error: unknown binary op: string + int");
}

TEST(Ops, TestsSubstrings) {
  EXPECT_EQ(op(Token::kIn, S("oo"), S("food")), "True");
  EXPECT_EQ(op(Token::kNotIn, S("ox"), S("food")), "True");
  EXPECT_EQ(op(Token::kIn, S(""), S("food")), "True");
  EXPECT_EQ(op(Token::kIn, S(""), S("")), "True");
  EXPECT_EQ(op(Token::kIn, I(1), S("")),
            "error: 'in <string>' requires string as left operand, not int");
  EXPECT_EQ(op(Token::kIn, S(""), I(1)), "error: unknown binary op: string in int");
  EXPECT_EQ(op(Token::kNotIn, S(""), I(1)), "error: unknown binary op: string in int");
}

TEST(Ops, IndexesStrings) {
  Value s = S("Hello, 世界!");
  EXPECT_EQ(index(s, I(7)), R"("\xe4")");
  EXPECT_EQ(index(s, I(13)), "\"!\"");
  EXPECT_EQ(index(S("abc"), I(-3)), "\"a\"");
  EXPECT_EQ(index(S("abc"), I(-1)), "\"c\"");
  EXPECT_EQ(index(S("abc"), I(-4)), "error: string index -4 out of range [-3:2]");
  EXPECT_EQ(index(S("abc"), I(4)), "error: string index 4 out of range [-3:2]");
  EXPECT_EQ(index(S("abc"), F(1.0)), "error: string index: got float, want int");
  EXPECT_EQ(index(S(""), I(0)), "error: index 0 out of range: empty string");
  EXPECT_EQ(setIndex(S("abc"), I(1), S("B")).error().message(),
            "string value does not support item assignment");
}

TEST(Ops, SlicesStrings) {
  Value abc = S("abc");
  EXPECT_EQ(cut(abc, kNone, kNone), "\"abc\"");
  EXPECT_EQ(cut(abc, I(-4), kNone), "\"abc\"");
  EXPECT_EQ(cut(abc, I(-2), kNone), "\"bc\"");
  EXPECT_EQ(cut(abc, I(3), kNone), "\"\"");
  EXPECT_EQ(cut(abc, I(4), kNone), "\"\"");
  EXPECT_EQ(cut(abc, kNone, I(-4)), "\"\"");
  EXPECT_EQ(cut(abc, kNone, I(-1)), "\"ab\"");
  EXPECT_EQ(cut(abc, kNone, I(4)), "\"abc\"");
  EXPECT_EQ(cut(abc, I(1), I(2)), "\"b\"");
  EXPECT_EQ(cut(abc, I(2), I(1)), "\"\"");
  EXPECT_EQ(cut(S("abcd"), I(0), I(4), I(1)), "\"abcd\"");
  EXPECT_EQ(cut(S("abcd"), kNone, kNone, I(2)), "\"ac\"");
  EXPECT_EQ(cut(S("abcd"), I(1), kNone, I(2)), "\"bd\"");
  EXPECT_EQ(cut(S("abcd"), I(4), I(0), I(-1)), "\"dcb\"");
  Value banana = S("banana");
  EXPECT_EQ(cut(banana, I(7), kNone, I(-2)), "\"aaa\"");
  EXPECT_EQ(cut(banana, I(6), kNone, I(-2)), "\"aaa\"");
  EXPECT_EQ(cut(banana, I(5), kNone, I(-2)), "\"aaa\"");
  EXPECT_EQ(cut(banana, I(4), kNone, I(-2)), "\"nnb\"");
  EXPECT_EQ(cut(banana, kNone, kNone, I(-1)), "\"ananab\"");
  EXPECT_EQ(cut(banana, kNone, kNone, I(-2)), "\"aaa\"");
  EXPECT_EQ(cut(banana, I(-100), kNone, I(-1)), "\"\"");
  EXPECT_EQ(cut(banana, F(1.0), kNone), "error: invalid start index: got float, want int");
  EXPECT_EQ(cut(banana, kNone, S("")), "error: invalid end index: got string, want int");
  EXPECT_EQ(cut(banana, kNone, S(""), B(true)), "error: invalid slice step: got bool, want int");
  EXPECT_EQ(cut(banana, kNone, kNone, I(0)), "error: zero is not a valid slice step");
  EXPECT_EQ(cut(I(1), kNone, kNone), "error: invalid slice operand int");
  EXPECT_EQ(cut(D({}), kNone, kNone), "error: invalid slice operand dict");
}

TEST(Ops, InterpolatesStrings) {
  EXPECT_EQ(format("A %d %x Z", T({I(123), I(456)})), "\"A 123 1c8 Z\"");
  EXPECT_EQ(format("A %(foo)d %(bar)s Z", D({{S("foo"), I(123)}, {S("bar"), S("hi")}})),
            "\"A 123 hi Z\"");
  EXPECT_EQ(format("%s %r", T({S("hi"), S("hi")})), R"("hi \"hi\"")");
  EXPECT_EQ(format("%%d %d", I(1)), "\"%d 1\"");
  EXPECT_EQ(format("%d %d", I(1)), "error: not enough arguments for format string");
  EXPECT_EQ(format("%d %d", T({I(1), I(2), I(3)})), "error: too many arguments for format string");
  EXPECT_EQ(format("", I(1)), "error: too many arguments for format string");
  EXPECT_EQ(format("x", T({})), "\"x\"");
  EXPECT_EQ(format("%%", T({})), "\"%\"");
  EXPECT_EQ(format("%s", T({I(1)})), "\"1\"");
  EXPECT_EQ(format("%s", T({T({I(1)})})), "\"(1,)\"");
  EXPECT_EQ(format("%s %s", L({I(1), I(2)})), "error: not enough arguments for format string");
  EXPECT_EQ(format("%s", L({S("a")})), R"("[\"a\"]")");
  EXPECT_EQ(format("%r", S("a")), R"("\"a\"")");
  EXPECT_EQ(format("%z", I(1)), "error: unknown conversion %z");
  EXPECT_EQ(format("%\xff", I(1)), "error: unknown conversion %\xc3\xbf");
  EXPECT_EQ(format("%", I(1)), "error: incomplete format");
  EXPECT_EQ(format("%(a", D({})), "error: incomplete format key");
  EXPECT_EQ(format("%(a)s", I(1)), "error: format requires a mapping");
  EXPECT_EQ(format("%(a)s", D({{S("b"), I(1)}})), "error: key not found: a");
}

TEST(Ops, InterpolatesCharacters) {
  EXPECT_EQ(format("%c", I(65)), "\"A\"");
  EXPECT_EQ(format("%c", I(0x3b1)), "\"α\"");
  EXPECT_EQ(format("%c", S("A")), "\"A\"");
  EXPECT_EQ(format("%c", S("α")), "\"α\"");
  EXPECT_EQ(format("%c", I(0xd800)), "\"\xef\xbf\xbd\"");
  EXPECT_EQ(format("%c", S("abc")), "error: %c format requires a single-character string");
  EXPECT_EQ(format("%c", S("")), "error: %c format requires a single-character string");
  EXPECT_EQ(format("%c", F(65.0)),
            "error: %c format requires int or single-character string, not float");
  EXPECT_EQ(format("%c", I(10000000)),
            "error: %c format requires a valid Unicode code point, got 10000000");
  EXPECT_EQ(format("%c", I(-1)), "error: %c format requires a valid Unicode code point, got -1");
}

TEST(Ops, InterpolatesNumbers) {
  // int.star
  EXPECT_EQ(format("%o %x %d", T({I(0755), I(0xDEADBEEF), I(42)})), "\"755 deadbeef 42\"");
  EXPECT_EQ(format("%o %x %X %d %i", T({I(-95), I(-95), I(-95), I(-95), I(-95)})),
            "\"-137 -5f -5F -95 -95\"");
  EXPECT_EQ(format("%o %x %d", T({F(123.1), F(123.1), F(123.1)})), "\"173 7b 123\"");
  EXPECT_EQ(format("%d", B(true)), "error: %d format requires integer: cannot convert bool to int");
  EXPECT_EQ(format("%d", S("x")),
            "error: %d format requires integer: cannot convert string to int");
  // float.star
  EXPECT_EQ(format("%d", F(1.23e45)), "\"1229999999999999973814869011019624571608236032\"");
  EXPECT_EQ(format("%d", F(-0.0)), "\"0\"");
  EXPECT_EQ(format("%d", F(NAN)),
            "error: %d format requires integer: cannot convert float NaN to integer");
  EXPECT_EQ(format("%d", F(INFINITY)),
            "error: %d format requires integer: cannot convert float infinity to integer");
  EXPECT_EQ(format("%e", I(0)), "\"0.000000e+00\"");
  EXPECT_EQ(format("%e", I(123)), "\"1.230000e+02\"");
  EXPECT_EQ(format("%e", F(NAN)), "\"nan\"");
  EXPECT_EQ(format("%e", F(-INFINITY)), "\"-inf\"");
  EXPECT_EQ(format("%e", S("123")), "error: %e format requires float, not string");
  EXPECT_EQ(format("%f", I(123)), "\"123.000000\"");
  EXPECT_EQ(format("%f", F(1.23e45)), "\"1229999999999999973814869011019624571608236032.000000\"");
  EXPECT_EQ(format("%g", I(0)), "\"0.0\"");
  EXPECT_EQ(format("%g", I(123)), "\"123.0\"");
  EXPECT_EQ(format("%g", F(1e5)), "\"100000.0\"");
  EXPECT_EQ(format("%g", F(1e6)), "\"1e+06\"");
  EXPECT_EQ(format("%g", F(-0.0)), "\"-0.0\"");
  EXPECT_EQ(format("%E", F(1.5)), "\"1.500000E+00\"");
  EXPECT_EQ(format("%G", F(1e6)), "\"1E+06\"");
  EXPECT_EQ(format("%F", F(1.5)), "\"%F\"");
  Value huge = I(1);  // 1 << 1500
  for (int i = 0; i < 3; ++i) huge = *binary(Token::kLtLt, huge, I(500));
  EXPECT_EQ(format("%g", huge), "\"+inf\"");
}

// ---- lists and tuples -----------------------------------------------------------------------

TEST(Ops, IndexesLists) {
  Value abc = Chars("abc");
  EXPECT_EQ(index(abc, I(-4)), "error: list index -4 out of range [-3:2]");
  EXPECT_EQ(index(abc, I(-3)), "\"a\"");
  EXPECT_EQ(index(abc, I(2)), "\"c\"");
  EXPECT_EQ(index(abc, I(3)), "error: list index 3 out of range [-3:2]");
  EXPECT_EQ(index(L({}), I(0)), "error: index 0 out of range: empty list");
  EXPECT_EQ(index(L({I(1)}), B(true)), "error: list index: got bool, want int");
  EXPECT_EQ(index(abc, I(int64_t{1} << 33)), "error: list index: 8589934592 out of range");
  EXPECT_EQ(index(T({S("a"), S("b")}), I(1)), "\"b\"");
  EXPECT_EQ(index(SetOf({I(1)}), I(0)), "error: unhandled index operation set[int]");
  EXPECT_EQ(index(I(1), I(0)), "error: unhandled index operation int[int]");
}

TEST(Ops, AssignsListElements) {
  Value x3 = L({I(0), I(1), I(2)});
  ASSERT_TRUE(setIndex(x3, I(1), I(2)));
  ASSERT_TRUE(setIndex(x3, I(-1), I(5)));
  EXPECT_EQ(repr(x3), "[0, 2, 5]");
  EXPECT_EQ(setIndex(x3, I(3), I(4)).error().message(), "list index 3 out of range [-3:2]");
  EXPECT_EQ(setIndex(x3, S("a"), I(4)).error().message(), "got string, want int");
  freeze(x3);
  EXPECT_EQ(setIndex(x3, I(0), I(0)).error().message(), "cannot assign to element of frozen list");
  EXPECT_EQ(setIndex(T({I(1)}), I(0), I(0)).error().message(),
            "tuple value does not support item assignment");
}

TEST(Ops, AddsAndRepeatsSequences) {
  EXPECT_EQ(op(Token::kPlus, L({I(1), I(2), I(3)}), L({I(3), I(4), I(5)})), "[1, 2, 3, 3, 4, 5]");
  EXPECT_EQ(op(Token::kPlus, L({I(1), I(2)}), T({I(3), I(4)})),
            "error: unknown binary op: list + tuple");
  EXPECT_EQ(op(Token::kPlus, T({I(1), I(2)}), L({I(3), I(4)})),
            "error: unknown binary op: tuple + list");
  EXPECT_EQ(op(Token::kPlus, T({I(1)}), T({I(2)})), "(1, 2)");
  EXPECT_EQ(op(Token::kPlus, L({}), I(1)), "error: unknown binary op: list + int");
  Value abc = Chars("abc");
  EXPECT_EQ(op(Token::kStar, abc, I(0)), "[]");
  EXPECT_EQ(op(Token::kStar, abc, I(-1)), "[]");
  EXPECT_EQ(op(Token::kStar, abc, I(3)), R"(["a", "b", "c", "a", "b", "c", "a", "b", "c"])");
  EXPECT_EQ(op(Token::kStar, I(3), abc), R"(["a", "b", "c", "a", "b", "c", "a", "b", "c"])");
  EXPECT_EQ(op(Token::kStar, I(-1), abc), "[]");
  Value tabc = TupleChars("abc");
  EXPECT_EQ(op(Token::kStar, tabc, I(0)), "()");
  EXPECT_EQ(op(Token::kStar, I(2), tabc), R"(("a", "b", "c", "a", "b", "c"))");
  EXPECT_EQ(op(Token::kStar, tabc, I(1000000LL * 1000000)),
            "error: repeat count 1000000000000 too large");
  Value t3m = *binary(Token::kStar, tabc, I(1000000));
  EXPECT_EQ(op(Token::kStar, t3m, I(1000000)),
            "error: excessive repeat (3000000 * 1000000 elements)");
  // A new list is made even for one repetition.
  Value once = *binary(Token::kStar, abc, I(1));
  EXPECT_FALSE(once.identical(abc));
}

TEST(Ops, SlicesListsAndTuples) {
  Value bananas = Chars("bananas");
  EXPECT_EQ(cut(bananas, I(6), kNone, I(-2)), repr(Chars("snnb")));
  EXPECT_EQ(cut(bananas, I(5), kNone, I(-2)), repr(Chars("aaa")));
  EXPECT_EQ(cut(bananas, I(4), kNone, I(-2)), repr(Chars("nnb")));
  EXPECT_EQ(cut(bananas, I(99), kNone, I(-2)), repr(Chars("snnb")));
  EXPECT_EQ(cut(bananas, I(100), kNone, I(-2)), repr(Chars("snnb")));
  EXPECT_EQ(cut(bananas, I(1), I(3)), repr(Chars("an")));
  Value banana = TupleChars("banana");
  EXPECT_EQ(cut(banana, I(7), kNone, I(-2)), repr(TupleChars("aaa")));
  EXPECT_EQ(cut(banana, I(4), kNone, I(-2)), repr(TupleChars("nnb")));
  EXPECT_EQ(cut(banana, I(1), I(-1)), repr(TupleChars("anan")));
  // Slicing a list always copies it.
  Value whole = *slice(bananas, kNone, kNone, kNone);
  EXPECT_FALSE(whole.identical(bananas));
  EXPECT_TRUE(*equal(whole, bananas));
}

TEST(Ops, TestsMembershipInContainers) {
  EXPECT_EQ(op(Token::kIn, I(1), L({F(1.0)})), "True");
  EXPECT_EQ(op(Token::kIn, I(2), T({I(1)})), "False");
  EXPECT_EQ(op(Token::kIn, S("a"), D({{S("a"), I(1)}})), "True");
  EXPECT_EQ(op(Token::kNotIn, S("a"), D({})), "True");
  EXPECT_EQ(op(Token::kIn, L({}), D({})), "False");  // unhashable: just not found
  EXPECT_EQ(op(Token::kIn, I(1), SetOf({I(1), I(2)})), "True");
  EXPECT_EQ(op(Token::kNotIn, I(4), SetOf({I(1), I(2)})), "True");
  EXPECT_EQ(op(Token::kIn, L({}), SetOf({})), "error: unhashable type: list");
  EXPECT_EQ(op(Token::kIn, I(1), I(1)), "error: unknown binary op: int in int");
}

// ---- dicts and sets -------------------------------------------------------------------------

TEST(Ops, IndexesDicts) {
  Value d = D({{S("a"), I(1)}});
  EXPECT_EQ(index(d, S("a")), "1");
  EXPECT_EQ(index(d, S("b")), "error: key \"b\" not in dict");
  EXPECT_EQ(index(d, L({})), "error: unhashable type: list");
  EXPECT_EQ(index(D({{T({I(1), I(2)}), I(3)}}), T({I(1), I(2)})), "3");
  ASSERT_TRUE(setIndex(d, S("b"), I(2)));
  EXPECT_EQ(repr(d), R"({"a": 1, "b": 2})");
  EXPECT_EQ(setIndex(d, L({}), I(2)).error().message(), "unhashable type: list");
  freeze(d);
  EXPECT_EQ(setIndex(d, S("a"), I(3)).error().message(), "cannot insert into frozen hash table");
}

TEST(Ops, RejectsDictAddition) {
  EXPECT_EQ(op(Token::kPlus, D({{S("a"), I(1)}}), D({{S("b"), I(2)}})),
            "error: unknown binary op: dict + dict");
  EXPECT_EQ(op(Token::kPipe, D({}), D({})), "error: unknown binary op: dict | dict");
}

TEST(Ops, CombinesSets) {
  Value x = SetOf({I(1), I(2), I(3)});
  Value y = SetOf({I(3), I(4), I(5)});
  EXPECT_EQ(op(Token::kPlus, x, y), "error: unknown binary op: set + set");
  EXPECT_EQ(op(Token::kPipe, SetOf({}), L({})), "error: unknown binary op: set | list");
  EXPECT_EQ(op(Token::kPipe, SetOf({}), S("abc")), "error: unknown binary op: set | string");
  EXPECT_EQ(op(Token::kPipe, x, y), "set([1, 2, 3, 4, 5])");
  EXPECT_EQ(op(Token::kPipe, x, SetOf({I(5), I(1)})), "set([1, 2, 3, 5])");
  EXPECT_EQ(op(Token::kPipe, x, SetOf({I(6), I(5), I(4)})), "set([1, 2, 3, 6, 5, 4])");
  EXPECT_EQ(op(Token::kAmp, SetOf({S("a")}), SetOf({S("b")})), "set([])");
  EXPECT_EQ(op(Token::kAmp, SetOf({S("a"), S("b")}), SetOf({S("b"), S("c")})), "set([\"b\"])");
  // Intersection iterates over the smaller set, whose order the result keeps.
  EXPECT_EQ(op(Token::kAmp, SetOf({I(1), I(2), I(3)}), SetOf({I(3), I(2)})), "set([3, 2])");
  EXPECT_EQ(op(Token::kCircumflex, SetOf({I(1), I(2), I(3)}), SetOf({I(4), I(5), I(3)})),
            "set([1, 2, 4, 5])");
  EXPECT_EQ(op(Token::kMinus, SetOf({I(1), I(2), I(3)}), SetOf({I(2)})), "set([1, 3])");
  EXPECT_EQ(op(Token::kEql, SetOf({I(1), I(2), I(3)}), SetOf({I(3), I(2), I(1)})), "True");
}

// ---- ranges ---------------------------------------------------------------------------------

TEST(Ops, IndexesAndSlicesRanges) {
  EXPECT_EQ(index(R(0, 5), I(-1)), "4");
  EXPECT_EQ(index(R(0, 10, 3), I(2)), "6");
  EXPECT_EQ(index(R(0, 0), I(0)), "error: index 0 out of range: empty range");
  EXPECT_EQ(index(R(0, 3), F(1.0)), "error: range index: got float, want int");
  EXPECT_EQ(index(R(0, 10), I(int64_t{1} << 33)), "error: range index: 8589934592 out of range");
  EXPECT_EQ(cut(R(0, 10), I(2), I(8), I(2)), "range(2, 8, 2)");
  EXPECT_EQ(cut(R(0, 10), kNone, kNone, I(-1)), "range(9, -1, -1)");
  EXPECT_EQ(cut(R(0, 10, 3), I(5), I(1), I(-1)), "range(9, 3, -3)");
  EXPECT_EQ(cut(R(0, 5), I(1), kNone), "range(1, 5)");
  EXPECT_EQ(*length(*slice(R(0, 5), I(1), kNone, kNone)), 4);
  EXPECT_EQ(cut(R(0, 5), kNone, I(2)), "range(2)");
  EXPECT_EQ(*length(R(0, 10, 3)), 4);
  EXPECT_EQ(*length(R(10, 2, -3)), 3);
  EXPECT_EQ(*length(R(5, 2)), 0);
}

TEST(Ops, TestsMembershipInRanges) {
  EXPECT_EQ(op(Token::kIn, I(4), R(0, 10, 2)), "True");
  EXPECT_EQ(op(Token::kIn, I(5), R(0, 10, 2)), "False");
  EXPECT_EQ(op(Token::kIn, I(10), R(0, 10, 2)), "False");
  EXPECT_EQ(op(Token::kIn, I(7), R(10, 2, -3)), "True");
  EXPECT_EQ(op(Token::kIn, F(1.5), R(0, 3)), "True");  // go.starlark.net truncates the float
  EXPECT_EQ(op(Token::kIn, S("a"), R(0, 3)),
            "error: 'in <range>' requires integer as left operand, not string");
  EXPECT_EQ(op(Token::kIn, *binary(Token::kLtLt, I(1), I(70)), R(0, 3)), "False");
}

// ---- unary ----------------------------------------------------------------------------------

TEST(Ops, AppliesUnaryOperators) {
  EXPECT_EQ(show(unary(Token::kNot, kNone)), "True");
  EXPECT_EQ(show(unary(Token::kNot, L({I(0)}))), "False");
  EXPECT_EQ(show(unary(Token::kMinus, S("a"))), "error: unknown unary op: - string");
  EXPECT_EQ(show(unary(Token::kTilde, F(1.0))), "error: unknown unary op: ~ float");
  EXPECT_EQ(show(unary(Token::kPlus, kNone)), "error: unknown unary op: + NoneType");
  EXPECT_EQ(show(unary(Token::kMinus, B(true))), "error: unknown unary op: - bool");
}

TEST(Ops, RejectsUnknownOperandTypes) {
  EXPECT_EQ(op(Token::kPlus, B(true), I(1)), "error: unknown binary op: bool + int");
  EXPECT_EQ(op(Token::kPlus, T({}), I(1)), "error: unknown binary op: tuple + int");
  EXPECT_EQ(op(Token::kMinus, S("a"), S("a")), "error: unknown binary op: string - string");
  EXPECT_EQ(op(Token::kPipe, I(1), F(1.0)), "error: unknown binary op: int | float");
  EXPECT_EQ(op(Token::kLtLt, F(1.0), I(1)), "error: unknown binary op: float << int");
  EXPECT_EQ(op(Token::kSlash, S("a"), I(1)), "error: unknown binary op: string / int");
  EXPECT_EQ(op(Token::kPercent, L({}), I(1)), "error: unknown binary op: list % int");
}

/// A host type with its own operators: Meters(n) + int, int * Meters(n), and `in` (any int).
class Meters final : public Object {
 public:
  explicit Meters(int64_t n) : Object(ObjType::kOther), n_(n) {}
  std::string_view typeName() const override { return "meters"; }
  void write(std::string& out, bool, std::vector<const Object*>&) const override {
    out += std::to_string(n_) + "m";
  }
  Result<std::optional<Value>> binaryOp(Token op, const Value& other, Side side) const override {
    if (op == Token::kPlus && side == Side::kLeft && other.isSmallInt())
      return Value(make<Meters>(n_ + other.asSmallInt()));
    if (op == Token::kStar && side == Side::kRight && other.isSmallInt())
      return Value(make<Meters>(n_ * other.asSmallInt()));
    if (op == Token::kIn && side == Side::kRight) return Value(I(other.isSmallInt() ? 1 : 0));
    if (op == Token::kMinus) return makeError("meters cannot be subtracted");
    return std::nullopt;
  }

 private:
  int64_t n_;
};

TEST(Ops, OffersOperatorsToHostTypes) {
  Value m = make<Meters>(5);
  EXPECT_EQ(op(Token::kPlus, m, I(2)), "7m");
  EXPECT_EQ(op(Token::kPlus, I(2), m), "error: unknown binary op: int + meters");
  EXPECT_EQ(op(Token::kStar, I(3), m), "15m");
  EXPECT_EQ(op(Token::kMinus, m, I(1)), "error: meters cannot be subtracted");
  EXPECT_EQ(op(Token::kIn, I(1), m), "1");
  EXPECT_EQ(op(Token::kNotIn, I(1), m), "False");
  EXPECT_EQ(op(Token::kNotIn, S("x"), m), "True");
  EXPECT_EQ(op(Token::kLt, m, m), "error: meters < meters not implemented");
  EXPECT_EQ(op(Token::kEql, m, m), "True");  // identity
  EXPECT_EQ(op(Token::kEql, m, make<Meters>(5)), "False");
}

TEST(Ops, MeasuresLengths) {
  EXPECT_EQ(*length(S("abc")), 3);
  EXPECT_EQ(*length(L({I(1)})), 1);
  EXPECT_EQ(*length(D({{I(1), I(2)}})), 1);
  EXPECT_FALSE(length(I(1)).has_value());
  EXPECT_FALSE(length(F(0.0)).has_value());
  EXPECT_FALSE(length(kNone).has_value());
}

}  // namespace
}  // namespace slant::starlark
