#include <gtest/gtest.h>

#include <cmath>

#include "starlark/lib/lib_test_util.h"

namespace slant::starlark::lib {
namespace {

using namespace testing;  // NOLINT: the value constructors

class Universe : public LibTest {};

TEST_F(Universe, HasGoStarlarksNamesPlusAbs) {
  std::vector<std::string> names;
  for (const auto& [name, value] : universe()) names.push_back(name);
  std::vector<std::string> want = {
      "None", "True",     "False",     "abs",    "all",   "any",     "bool",    "chr",
      "dict", "dir",      "enumerate", "fail",   "float", "getattr", "hasattr", "hash",
      "int",  "len",      "list",      "max",    "min",   "ord",     "print",   "range",
      "repr", "reversed", "set",       "sorted", "str",   "tuple",   "type",    "zip"};
  EXPECT_EQ(names, want);
  EXPECT_EQ(repr(builtin("len")), "<built-in function len>");
}

TEST_F(Universe, LenAndBoolAndType) {
  EXPECT_EQ(show(call("len", {L({I(1), I(2), I(3)})})), "3");
  EXPECT_EQ(show(call("len", {S("Hello, 世界!")})), "14");
  EXPECT_EQ(show(call("len", {I(1)})), "error: len: value of type int has no len");
  EXPECT_EQ(show(call("len", {})), "error: len: got 0 arguments, want 1");
  EXPECT_EQ(show(call("bool", {})), "False");
  EXPECT_EQ(show(call("bool", {L({})})), "False");
  EXPECT_EQ(show(call("bool", {S("x")})), "True");
  EXPECT_EQ(show(call("type", {D({})})), "\"dict\"");
  EXPECT_EQ(show(call("type", {}, {{"x", I(1)}})), "error: type does not accept keyword arguments");
  EXPECT_EQ(show(call("type", {I(1), I(2)})), "error: type: got 2 arguments, want exactly 1");
}

TEST_F(Universe, AnyAndAll) {
  EXPECT_EQ(show(call("all", {L({})})), "True");
  EXPECT_EQ(show(call("all", {L({I(1), B(true), S("foo")})})), "True");
  EXPECT_EQ(show(call("all", {L({I(1), B(true), S("")})})), "False");
  EXPECT_EQ(show(call("any", {L({})})), "False");
  EXPECT_EQ(show(call("any", {L({I(0), B(false), S("foo")})})), "True");
  EXPECT_EQ(show(call("all", {S("abc")})),
            "error: all: for parameter 1: got string, want iterable");
}

TEST_F(Universe, SortedIsStableAndReportsGoStarlarksComparisonError) {
  EXPECT_EQ(show(call("sorted", {L({I(42), I(123), I(3)})})), "[3, 42, 123]");
  EXPECT_EQ(show(call("sorted", {L({I(42), I(123), I(3)})}, {{"reverse", B(true)}})),
            "[123, 42, 3]");
  EXPECT_EQ(show(call("sorted", {L({S("wiz"), S("foo"), S("bar")})})),
            "[\"bar\", \"foo\", \"wiz\"]");
  EXPECT_EQ(show(call("sorted", {L({I(1), I(2), None(), I(3)})})),
            "error: int < NoneType not implemented");
  EXPECT_EQ(show(call("sorted", {L({I(1), S("one")})})), "error: string < int not implemented");
  EXPECT_EQ(show(call("sorted", {L({I(1)})}, {{"key", None()}})),
            "error: sorted: for parameter \"key\": got NoneType, want callable");
  EXPECT_EQ(show(call("sorted", {I(1)})),
            "error: sorted: for parameter iterable: got int, want iterable");
  // Stability, also when reversed: equal keys keep their order.
  Value pairs = L({T({I(4), I(0)}), T({I(3), I(1)}), T({I(4), I(2)}), T({I(3), I(3)})});
  EXPECT_EQ(show(call("sorted", {pairs})), "[(3, 1), (3, 3), (4, 0), (4, 2)]");
  Value same = L({F(1.0), I(1), F(1.0)});
  EXPECT_EQ(show(call("sorted", {same}, {{"reverse", B(true)}})), "[1.0, 1, 1.0]");
}

TEST_F(Universe, ReversedEnumerateZip) {
  EXPECT_EQ(show(call("reversed", {L({I(1), I(144), I(81), I(16)})})), "[16, 81, 144, 1]");
  EXPECT_EQ(show(call("reversed", {S("abc")})),
            "error: reversed: for parameter 1: got string, want iterable");
  EXPECT_EQ(show(call("enumerate", {L({B(false), B(true), None()}), I(42)})),
            "[(42, False), (43, True), (44, None)]");
  EXPECT_EQ(show(call("zip", {})), "[]");
  EXPECT_EQ(show(call("zip", {L({I(1), I(2), I(3)})})), "[(1,), (2,), (3,)]");
  EXPECT_EQ(show(call("zip", {L({I(1), I(2)}), T({S("a"), S("b"), S("c")})})),
            "[(1, \"a\"), (2, \"b\")]");
  EXPECT_EQ(show(call("zip", {L({I(1)}), I(1)})), "error: zip: argument #2 is not iterable: int");
  EXPECT_EQ(show(call("zip", {S("ab"), S("cd")})),
            "error: zip: argument #1 is not iterable: string");
}

TEST_F(Universe, DictBuiltin) {
  EXPECT_EQ(show(call("dict", {L({T({I(1), I(2)}), T({I(3), I(4)})})}, {{"foo", S("bar")}})),
            "{1: 2, 3: 4, \"foo\": \"bar\"}");
  EXPECT_EQ(show(call("dict", {D({{I(1), I(2)}})})), "{1: 2}");
  EXPECT_EQ(show(call("dict", {L({L({S("a"), I(2)}), L({S("a"), I(3)})})}, {{"a", I(4)}})),
            "{\"a\": 4}");
  EXPECT_EQ(show(call("dict", {D({{S("b"), I(3)}})}, {{"a", I(4)}, {"a", I(5)}})),
            "error: dict: duplicate keyword arg: \"a\"");
  EXPECT_EQ(show(call("dict", {None()})), "error: dict: got NoneType, want iterable");
  EXPECT_EQ(show(call("dict", {L({S("ab")})})),
            "error: dict: dictionary update sequence element #0 is not iterable (string)");
  EXPECT_EQ(show(call("dict", {L({L({I(1)})})})),
            "error: dict: dictionary update sequence element #0 has length 1, want 2");
  EXPECT_EQ(show(call("dict", {L({}), L({})})), "error: dict: got 2 arguments, want at most 1");
}

TEST_F(Universe, ChrOrdHash) {
  EXPECT_EQ(show(call("chr", {I(65)})), "\"A\"");
  EXPECT_EQ(call("chr", {I(1049)})->str(), "Й");
  EXPECT_EQ(call("chr", {I(0x1F63F)})->str(), "😿");
  EXPECT_EQ(show(call("chr", {I(-1)})), "error: chr: Unicode code point -1 out of range (<0)");
  EXPECT_EQ(show(call("chr", {I(0x110000)})),
            "error: chr: Unicode code point U+110000 out of range (>0x10FFFF)");
  EXPECT_EQ(show(call("chr", {S("a")})), "error: chr: got string, want int");
  EXPECT_EQ(show(call("ord", {S("A")})), "65");
  EXPECT_EQ(show(call("ord", {S("😿")})), "128575");
  EXPECT_EQ(show(call("ord", {S("\xd0")})), "65533");
  EXPECT_EQ(show(call("ord", {S("abc")})),
            "error: ord: string encodes 3 Unicode code points, want 1");
  EXPECT_EQ(show(call("ord", {S("")})), "error: ord: string encodes 0 Unicode code points, want 1");
  EXPECT_EQ(show(call("ord", {S("\x9f\x98\xbf")})),
            "error: ord: string encodes 3 Unicode code points, want 1");
  EXPECT_EQ(show(call("hash", {S("")})), "0");
  EXPECT_EQ(show(call("hash", {S(std::string(100, '\0'))})), "0");
  EXPECT_EQ(show(call("hash", {S("hello")})), "99162322");
  EXPECT_EQ(show(call("hash", {S("world")})), "113318802");
  EXPECT_EQ(show(call("hash", {S("Hello, 世界!")})), "417292677");
  EXPECT_EQ(show(call("hash", {I(1)})), "error: hash: for parameter 1: got int, want string");
}

TEST_F(Universe, FloatParsesAsGo) {
  EXPECT_EQ(show(call("float", {})), "0.0");
  EXPECT_EQ(show(call("float", {B(true)})), "1.0");
  EXPECT_EQ(show(call("float", {I(3)})), "3.0");
  EXPECT_EQ(show(call("float", {S("1e5")})), "100000.0");
  EXPECT_EQ(show(call("float", {S("-1.5")})), "-1.5");
  EXPECT_EQ(show(call("float", {S("1_0")})), "10.0");
  EXPECT_EQ(show(call("float", {S("0x1p4")})), "16.0");
  EXPECT_EQ(show(call("float", {S("1e-400")})), "0.0");
  EXPECT_EQ(show(call("float", {S("Inf")})), "+inf");
  EXPECT_EQ(show(call("float", {S("-Infinity")})), "-inf");
  EXPECT_EQ(show(call("float", {S("+NaN")})), "nan");
  EXPECT_EQ(show(call("float", {S("1e400")})), "error: floating-point number too large");
  EXPECT_EQ(show(call("float", {S("abc")})), "error: invalid float literal: abc");
  EXPECT_EQ(show(call("float", {S(" 1")})), "error: invalid float literal:  1");
  EXPECT_EQ(show(call("float", {S("0x10")})), "error: invalid float literal: 0x10");
  EXPECT_EQ(show(call("float", {S("1__0")})), "error: invalid float literal: 1__0");
  EXPECT_EQ(show(call("float", {S("")})), "error: float: empty string");
  EXPECT_EQ(show(call("float", {None()})), "error: float got NoneType, want number or string");
  EXPECT_EQ(show(call("float", {I(1), I(2)})), "error: float got 2 arguments, wants 1");
  EXPECT_EQ(show(call("float", {}, {{"x", I(1)}})),
            "error: float does not accept keyword arguments");
}

TEST_F(Universe, IntConvertsAsGo) {
  EXPECT_EQ(show(call("int", {S("123")})), "123");
  EXPECT_EQ(show(call("int", {S("-0x1F")}, {{"base", I(0)}})), "-31");
  EXPECT_EQ(show(call("int", {S("ff"), I(16)})), "255");
  EXPECT_EQ(show(call("int", {S("99999999999999999999")})), "99999999999999999999");
  EXPECT_EQ(show(call("int", {F(-3.9)})), "-3");
  EXPECT_EQ(show(call("int", {B(true)})), "1");
  EXPECT_EQ(show(call("int", {})), "error: int: missing argument for x");
  EXPECT_EQ(show(call("int", {S("abc")})), "error: int: invalid literal with base 10: abc");
  EXPECT_EQ(show(call("int", {S("12"), I(1)})),
            "error: int: base must be an integer >= 2 && <= 36");
  EXPECT_EQ(show(call("int", {B(true), I(10)})),
            "error: int: can't convert non-string with explicit base");
  EXPECT_EQ(show(call("int", {F(INFINITY)})),
            "error: int: cannot convert float infinity to integer");
  EXPECT_EQ(show(call("int", {None()})), "error: int: cannot convert NoneType to int");
}

TEST_F(Universe, AbsOfIntsAndFloats) {
  EXPECT_EQ(show(call("abs", {I(-3)})), "3");
  EXPECT_EQ(show(call("abs", {F(-2.5)})), "2.5");
  EXPECT_EQ(show(call("abs", {I(INT64_MIN)})), "9223372036854775808");
  EXPECT_EQ(show(call("abs", {S("x")})), "error: got string, want int or float");
}

TEST_F(Universe, MinAndMax) {
  EXPECT_EQ(show(call("min", {I(5), I(-2), I(1), I(7), I(3)})), "-2");
  EXPECT_EQ(show(call("max", {I(5), I(-2), I(1), I(7), I(3)})), "7");
  EXPECT_EQ(show(call("min", {L({I(5), I(-2), I(1)})})), "-2");
  EXPECT_EQ(show(call("min", {S("one"), S("two"), S("three"), S("four")})), "\"four\"");
  EXPECT_EQ(show(call("max", {S("one"), S("two"), S("three"), S("four")})), "\"two\"");
  EXPECT_EQ(show(call("min", {})), "error: min requires at least one positional argument");
  EXPECT_EQ(show(call("min", {I(1)})), "error: min: int value is not iterable");
  EXPECT_EQ(show(call("min", {L({})})), "error: min: argument is an empty sequence");
  EXPECT_EQ(show(call("max", {I(1), S("a")})), "error: max: string > int not implemented");
  EXPECT_EQ(show(call("max", {L({I(1)})}, {{"key", I(1)}})),
            "error: max: for parameter \"key\": got int, want callable");
}

TEST_F(Universe, RangeAndListAndTuple) {
  EXPECT_EQ(show(call("range", {I(10)})), "range(10)");
  EXPECT_EQ(show(call("range", {I(1), I(10)})), "range(1, 10)");
  EXPECT_EQ(show(call("list", {call("range", {I(2), I(10), I(3)}).value()})), "[2, 5, 8]");
  EXPECT_EQ(show(call("range", {I(1), I(2), I(0)})),
            "error: range: step argument must not be zero");
  EXPECT_EQ(show(call("range", {*parseInt("18446744073709551616", 10)})),
            "error: range: for parameter 1: 18446744073709551616 out of range (want value in "
            "signed 64-bit range)");
  EXPECT_EQ(show(call("list", {})), "[]");
  EXPECT_EQ(show(call("list", {D({{S("a"), I(1)}, {S("b"), I(2)}})})), "[\"a\", \"b\"]");
  EXPECT_EQ(show(call("list", {S("abc")})),
            "error: list: for parameter 1: got string, want iterable");
  EXPECT_EQ(show(call("tuple", {})), "()");
  EXPECT_EQ(show(call("tuple", {L({I(1)})})), "(1,)");
}

TEST_F(Universe, SetBuiltin) {
  EXPECT_EQ(show(call("set", {L({I(1), I(3), I(2), I(3)})})), "set([1, 3, 2])");
  EXPECT_EQ(show(call("set", {I(1)})), "error: set: for parameter 1: got int, want iterable");
  EXPECT_EQ(show(call("set", {I(1), I(2), I(3)})), "error: set: got 3 arguments, want at most 1");
  EXPECT_EQ(show(call("set", {L({I(1), I(2), D({})})})), "error: set: unhashable type: dict");
}

TEST_F(Universe, StrAndRepr) {
  EXPECT_EQ(show(call("str", {S("x")})), "\"x\"");
  EXPECT_EQ(show(call("str", {L({S("x"), I(1)})})), "\"[\\\"x\\\", 1]\"");
  EXPECT_EQ(show(call("repr", {S("x")})), "\"\\\"x\\\"\"");
  EXPECT_EQ(show(call("str", {})), "error: str: got 0 arguments, want exactly 1");
}

TEST_F(Universe, DirGetattrHasattr) {
  EXPECT_EQ(show(call("dir", {None()})), "[]");
  EXPECT_EQ(show(call("dir", {I(1)})), "[]");
  EXPECT_EQ(show(call("dir", {call("set", {}).value()})),
            "[\"add\", \"clear\", \"difference\", \"discard\", \"intersection\", "
            "\"issubset\", \"issuperset\", \"pop\", \"remove\", \"symmetric_difference\", "
            "\"union\"]");
  Value list_dir = *call("dir", {L({})});
  EXPECT_EQ(show(method(list_dir, "pop", {I(0)})), "\"append\"");
  Value s = call("set", {}).value();
  EXPECT_EQ(show(call("hasattr", {s, S("union")})), "True");
  EXPECT_EQ(show(call("hasattr", {s, S("onion")})), "False");
  EXPECT_EQ(str(*call("getattr", {s, S("union")})), "<built-in method union of set value>");
  EXPECT_EQ(show(call("getattr", {s, S("onion")})),
            "error: getattr: set has no .onion field or method (did you mean .union?)");
  EXPECT_EQ(show(call("getattr", {s, S("onion"), I(42)})), "42");
  // A bound method obtained by getattr works like x.f.
  Value upper = *call("getattr", {S("abc"), S("upper")});
  EXPECT_EQ(show(callValue(upper, {})), "\"ABC\"");
}

TEST_F(Universe, PrintAndFail) {
  std::string printed;
  thread_.setPrint([&](Thread&, std::string_view msg) { printed = std::string(msg); });
  EXPECT_EQ(show(call("print", {S("a"), I(1), L({S("b")})})), "None");
  EXPECT_EQ(printed, "a 1 [\"b\"]");
  EXPECT_EQ(show(call("print", {S("a"), I(1)}, {{"sep", S("/")}})), "None");
  EXPECT_EQ(printed, "a/1");
  EXPECT_EQ(show(call("print", {}, {{"end", S("")}})),
            "error: print: unexpected keyword argument \"end\"");
  EXPECT_EQ(show(call("fail", {})), "error: fail: ");
  EXPECT_EQ(show(call("fail", {I(1), I(2), I(3)})), "error: fail: 1 2 3");
  EXPECT_EQ(show(call("fail", {I(1), I(2), I(3)}, {{"sep", S("/")}})), "error: fail: 1/2/3");
  EXPECT_EQ(show(call("fail", {S("x"), S("y")})), "error: fail: x y");
}

}  // namespace
}  // namespace slant::starlark::lib
