#include <gtest/gtest.h>

#include "starlark/lib/lib_test_util.h"

namespace slant::starlark::lib {
namespace {

using namespace testing;  // NOLINT: the value constructors

class StringMethods : public LibTest {
 protected:
  // repr of s.name(args...), or the error.
  std::string m(std::string_view s, std::string_view name, ValueVector args = {},
                const Kwargs& kwargs = {}) {
    return show(method(S(s), name, std::move(args), kwargs));
  }
  // The elements of an iterable result, as a list repr.
  std::string elems(std::string_view s, std::string_view name) {
    auto v = method(S(s), name, {});
    if (!v) return "error: " + v.error().message();
    return show(call("list", {*v}));
  }
};

TEST_F(StringMethods, AreSortedForDir) {
  std::vector<std::string> names = methodNames(S(""));
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_EQ(names.size(), 35u);
  EXPECT_EQ(findMethod(S(""), "removeprefix")->name, "removeprefix");
  EXPECT_EQ(findMethod(S(""), "starts_with"), nullptr);
  EXPECT_EQ(findMethod(I(1), "upper"), nullptr);
}

TEST_F(StringMethods, ElemsAndCodepointsAreIterableViews) {
  EXPECT_EQ(show(call("type", {*method(S("abcЙ😿"), "codepoint_ords", {})})), "\"codepoints\"");
  EXPECT_EQ(str(*method(S("abcЙ😿"), "codepoint_ords", {})), "\"abcЙ😿\".codepoint_ords()");
  EXPECT_EQ(str(*method(S("abc"), "elems", {})), "\"abc\".elems()");
  EXPECT_EQ(str(*method(S("abc"), "elem_ords", {})), "\"abc\".elem_ords()");
  EXPECT_EQ(str(*method(S("abc"), "codepoints", {})), "\"abc\".codepoints()");
  EXPECT_EQ(show(call("type", {*method(S("abc"), "elem_ords", {})})), "\"elems\"");
  EXPECT_EQ(elems("abcЙ😿", "codepoint_ords"), "[97, 98, 99, 1049, 128575]");
  EXPECT_EQ(elems("A\x9f\x98\xbfZ", "codepoint_ords"), "[65, 65533, 65533, 65533, 90]");
  EXPECT_EQ(elems("abcЙ😿", "codepoints"), "[\"a\", \"b\", \"c\", \"Й\", \"😿\"]");
  EXPECT_EQ(elems("A\x9f\x98\xbfZ", "codepoints"),
            "[\"A\", \"\\x9f\", \"\\x98\", \"\\xbf\", \"Z\"]");
  EXPECT_EQ(elems("abcЙ", "elem_ords"), "[97, 98, 99, 208, 153]");
  EXPECT_EQ(elems("ab", "elems"), "[\"a\", \"b\"]");
  EXPECT_EQ(elems("", "elems"), "[]");
  EXPECT_EQ(show(call("hash", {*method(S("ab"), "elems", {})})),
            "error: hash: for parameter 1: got elems, want string");
  EXPECT_EQ(m("ab", "elems", {I(1)}), "error: elems: got 1 arguments, want 0");
}

TEST_F(StringMethods, Format) {
  EXPECT_EQ(m("a{}b", "format", {I(123)}), "\"a123b\"");
  EXPECT_EQ(m("a{}b{}c{}d{}", "format", {I(1), I(2), I(3), I(4)}), "\"a1b2c3d4\"");
  EXPECT_EQ(m("a{{b", "format"), "\"a{b\"");
  EXPECT_EQ(m("a}}b", "format"), "\"a}b\"");
  EXPECT_EQ(m("a{{b}}c", "format"), "\"a{b}c\"");
  EXPECT_EQ(m("a{x}b{y}c{}", "format", {I(1)}, {{"x", I(2)}, {"y", I(3)}}), "\"a2b3c1\"");
  EXPECT_EQ(m("a{z}b", "format", {}, {{"x", I(1)}}), "error: format: keyword z not found");
  EXPECT_EQ(m("{-1}", "format", {I(1)}), "error: format: keyword -1 not found");
  EXPECT_EQ(m("{+1}", "format", {I(1)}), "error: format: keyword +1 not found");
  EXPECT_EQ(m("{0000000000001}", "format", {I(0), I(1)}), "\"1\"");
  EXPECT_EQ(m("{0,1} and {1}", "format", {I(1), I(2)}), "error: format: keyword 0,1 not found");
  EXPECT_EQ(m("a{123}b", "format"), "error: format: tuple index out of range");
  EXPECT_EQ(m("a{}b{}c", "format", {I(1)}), "error: format: tuple index out of range");
  EXPECT_EQ(m("a{}b{1}c", "format", {I(1), I(2)}),
            "error: format: cannot switch from automatic field numbering to manual field "
            "specification");
  EXPECT_EQ(m("a{1}b{}c", "format", {I(1), I(2)}),
            "error: format: cannot switch from manual field specification to automatic field "
            "numbering");
  EXPECT_EQ(m("a{!s}c", "format", {S("b")}), "\"abc\"");
  EXPECT_EQ(m("a{!r}c", "format", {S("b")}), "\"a\\\"b\\\"c\"");
  EXPECT_EQ(m("a{x!r}c", "format", {}, {{"x", S("b")}}), "\"a\\\"b\\\"c\"");
  EXPECT_EQ(m("{x!}", "format", {}, {{"x", I(1)}}), "error: format: unknown conversion \"\"");
  EXPECT_EQ(m("{x!:}", "format", {}, {{"x", I(1)}}), "error: format: unknown conversion \"\"");
  EXPECT_EQ(m("{x:3}", "format", {}, {{"x", I(1)}}),
            "error: format spec features not supported in replacement fields: 3");
  EXPECT_EQ(m("{a.b}", "format", {I(1)}),
            "error: format: attribute syntax x.y is not supported in replacement fields: a.b");
  EXPECT_EQ(m("{a[0]}", "format", {I(1)}),
            "error: format: element syntax a[i] is not supported in replacement fields: a[0]");
  EXPECT_EQ(m("{ {} }", "format", {I(1)}),
            "error: format: nested replacement fields not supported");
  EXPECT_EQ(m("{{}", "format", {I(1)}), "error: format: single '}' in format");
  EXPECT_EQ(m("{}}", "format", {I(1)}), "error: format: single '}' in format");
  EXPECT_EQ(m("}}{", "format", {I(1)}), "error: format: unmatched '{' in format");
  EXPECT_EQ(m("}{{", "format", {I(1)}), "error: format: single '}' in format");
  EXPECT_EQ(m("{} {}", "format", {L({S("x")}), None()}), "\"[\\\"x\\\"] None\"");
}

TEST_F(StringMethods, SplitAndRsplit) {
  EXPECT_EQ(m("a.b.c.d", "split", {S(".")}), "[\"a\", \"b\", \"c\", \"d\"]");
  EXPECT_EQ(m("a.b.c.d", "rsplit", {S("."), I(-1)}), "[\"a\", \"b\", \"c\", \"d\"]");
  EXPECT_EQ(m("a.b.c.d", "split", {S("."), I(0)}), "[\"a.b.c.d\"]");
  EXPECT_EQ(m("a.b.c.d", "rsplit", {S("."), I(0)}), "[\"a.b.c.d\"]");
  EXPECT_EQ(m("a.b.c.d", "split", {S("."), I(2)}), "[\"a\", \"b\", \"c.d\"]");
  EXPECT_EQ(m("a.b.c.d", "rsplit", {S("."), I(2)}), "[\"a.b\", \"c\", \"d\"]");
  EXPECT_EQ(m("  ", "split", {S(".")}), "[\"  \"]");
  const char* text = " a bc\n  def \t  ghi";
  EXPECT_EQ(m(text, "split"), "[\"a\", \"bc\", \"def\", \"ghi\"]");
  EXPECT_EQ(m(text, "split", {None(), I(0)}), "[\"a bc\\n  def \\t  ghi\"]");
  EXPECT_EQ(m(text, "rsplit", {None(), I(0)}), "[\" a bc\\n  def \\t  ghi\"]");
  EXPECT_EQ(m(text, "split", {None(), I(1)}), "[\"a\", \"bc\\n  def \\t  ghi\"]");
  EXPECT_EQ(m(text, "rsplit", {None(), I(1)}), "[\" a bc\\n  def\", \"ghi\"]");
  EXPECT_EQ(m(text, "rsplit", {None(), I(3)}), "[\" a\", \"bc\", \"def\", \"ghi\"]");
  EXPECT_EQ(m(text, "rsplit", {None(), I(5)}), "[\"a\", \"bc\", \"def\", \"ghi\"]");
  EXPECT_EQ(m(" a bc\n  def \t  ghi ", "rsplit", {None(), I(0)}), "[\" a bc\\n  def \\t  ghi\"]");
  EXPECT_EQ(m("--aa--bb--cc--", "split", {S("-"), I(1)}), "[\"\", \"-aa--bb--cc--\"]");
  EXPECT_EQ(m("--aa--bb--cc--", "rsplit", {S("-"), I(1)}), "[\"--aa--bb--cc-\", \"\"]");
  EXPECT_EQ(m("  aa  bb  cc  ", "rsplit", {None(), I(1)}), "[\"  aa  bb\", \"cc\"]");
  EXPECT_EQ(m("--aa--bb--cc--", "rsplit", {S("-"), I(-1)}),
            "[\"\", \"\", \"aa\", \"\", \"bb\", \"\", \"cc\", \"\", \"\"]");
  EXPECT_EQ(m("  ", "rsplit", {None()}), "[]");
  EXPECT_EQ(m("localhost:80", "rsplit", {S(":"), I(1)}), "[\"localhost\", \"80\"]");
  EXPECT_EQ(m("aaa", "rsplit", {S("aa"), I(1)}), "[\"\", \"a\"]");  // as go.starlark.net
  EXPECT_EQ(m("a", "split", {S("")}), "error: split: empty separator");
  EXPECT_EQ(m("a", "rsplit", {I(1)}), "error: split: got int for separator, want string");
}

TEST_F(StringMethods, Splitlines) {
  EXPECT_EQ(m("\nabc\ndef", "splitlines"), "[\"\", \"abc\", \"def\"]");
  EXPECT_EQ(m("\nabc\ndef\n", "splitlines", {B(true)}), "[\"\\n\", \"abc\\n\", \"def\\n\"]");
  EXPECT_EQ(m("", "splitlines"), "[]");
  EXPECT_EQ(m("\n", "splitlines"), "[\"\"]");
  EXPECT_EQ(m("a\n\nb", "splitlines", {B(true)}), "[\"a\\n\", \"\\n\", \"b\"]");
}

TEST_F(StringMethods, Strip) {
  EXPECT_EQ(m(" \tfoo\n ", "strip"), "\"foo\"");
  EXPECT_EQ(m(" \tfoo\n ", "lstrip"), "\"foo\\n \"");
  EXPECT_EQ(m(" \tfoo\n ", "rstrip"), "\" \\tfoo\"");
  EXPECT_EQ(m(" \tfoo\n ", "strip", {S("")}), "\"foo\"");
  EXPECT_EQ(m("blah.h", "strip", {S("b.h")}), "\"la\"");
  EXPECT_EQ(m("blah.h", "lstrip", {S("b.h")}), "\"lah.h\"");
  EXPECT_EQ(m("blah.h", "rstrip", {S("b.h")}), "\"bla\"");
  EXPECT_EQ(m("\u00a0x\u2028", "strip"), "\"x\"");
  EXPECT_EQ(m("éxé", "strip", {S("é")}), "\"x\"");
}

TEST_F(StringMethods, CountFindIndexPartition) {
  EXPECT_EQ(m("banana", "count", {S("a")}), "3");
  EXPECT_EQ(m("banana", "count", {S("a"), I(2)}), "2");
  EXPECT_EQ(m("banana", "count", {S("a"), I(-4), I(-2)}), "1");
  EXPECT_EQ(m("banana", "count", {S("a"), I(0), I(-100)}), "0");
  EXPECT_EQ(m("banana", "count", {S("")}), "7");
  EXPECT_EQ(m("foofoo", "find", {S("oo")}), "1");
  EXPECT_EQ(m("foofoo", "find", {S("ox")}), "-1");
  EXPECT_EQ(m("foofoo", "find", {S("oo"), I(2)}), "4");
  EXPECT_EQ(m("foofoo", "rfind", {S("oo")}), "4");
  EXPECT_EQ(m("foofoo", "rfind", {S("oo"), I(1), I(4)}), "1");
  EXPECT_EQ(m("foofoo", "find", {S("")}), "0");
  EXPECT_EQ(m("foofoo", "rfind", {S("")}), "6");
  EXPECT_EQ(m("foofoo", "index", {S("x")}), "error: index: substring not found");
  EXPECT_EQ(m("foofoo", "rindex", {S("o")}), "5");
  EXPECT_EQ(m("foofoo", "find", {S("o"), S("x")}),
            "error: find: invalid start index: got string, want int");
  EXPECT_EQ(m("foo/bar/wiz", "partition", {S("/")}), "(\"foo\", \"/\", \"bar/wiz\")");
  EXPECT_EQ(m("foo/bar/wiz", "rpartition", {S("/")}), "(\"foo/bar\", \"/\", \"wiz\")");
  EXPECT_EQ(m("foo/bar/wiz", "partition", {S(".")}), "(\"foo/bar/wiz\", \"\", \"\")");
  EXPECT_EQ(m("foo/bar/wiz", "rpartition", {S(".")}), "(\"\", \"\", \"foo/bar/wiz\")");
  EXPECT_EQ(m("foo/bar/wiz", "partition", {S("")}), "error: partition: empty separator");
}

TEST_F(StringMethods, StartswithAndEndswith) {
  EXPECT_EQ(m("foo", "endswith", {S("oo")}), "True");
  EXPECT_EQ(m("foo", "startswith", {S("x")}), "False");
  EXPECT_EQ(m("foo", "startswith", {I(1)}),
            "error: startswith: got int, want string or tuple of string");
  EXPECT_EQ(m("ABC", "startswith", {T({S("a"), S("A")})}), "True");
  EXPECT_EQ(m("123", "endswith", {T({I(1), I(2)})}),
            "error: endswith: want string, got int, for element 0");
  EXPECT_EQ(m("123", "endswith", {L({S("3")})}),
            "error: endswith: got list, want string or tuple of string");
  EXPECT_EQ(m("abc", "startswith", {S("bc"), I(1)}), "True");
  EXPECT_EQ(m("abc", "startswith", {S("b"), I(999)}), "False");
  EXPECT_EQ(m("abc", "endswith", {S("ab"), None(), I(-1)}), "True");
  EXPECT_EQ(m("abc", "endswith", {S("b"), None(), I(-999)}), "False");
  EXPECT_EQ(m("abc", "removeprefix", {S("ab")}), "\"c\"");
  EXPECT_EQ(m("abc", "removeprefix", {S("x")}), "\"abc\"");
  EXPECT_EQ(m("abc", "removesuffix", {S("bc")}), "\"a\"");
}

TEST_F(StringMethods, ReplaceAndJoin) {
  EXPECT_EQ(m("banana", "replace", {S("a"), S("o"), I(1)}), "\"bonana\"");
  EXPECT_EQ(m("banana", "replace", {S("a"), S("o")}), "\"bonono\"");
  EXPECT_EQ(m("ab", "replace", {S(""), S("-")}), "\"-a-b-\"");
  EXPECT_EQ(m("ab", "replace", {S(""), S("-"), I(2)}), "\"-a-b\"");
  EXPECT_EQ(m(",", "join", {L({})}), "\"\"");
  EXPECT_EQ(m(",", "join", {L({S("a"), S("b"), S("c")})}), "\"a,b,c\"");
  EXPECT_EQ(m("", "join", {T({S("a"), S("b")})}), "\"ab\"");
  EXPECT_EQ(m("", "join", {None()}), "error: join: for parameter 1: got NoneType, want iterable");
  EXPECT_EQ(m(",", "join", {S("abc")}), "error: join: for parameter 1: got string, want iterable");
  EXPECT_EQ(m("", "join", {L({S("one"), I(2)})}), "error: join: in list, want string, got int");
}

TEST_F(StringMethods, CaseMappingFollowsGo) {
  EXPECT_EQ(m("hElLo, WoRlD!", "capitalize"), "\"Hello, world!\"");
  EXPECT_EQ(m("¿Por qué?", "capitalize"), "\"¿por qué?\"");
  EXPECT_EQ(m("hElLo, WoRlD!", "lower"), "\"hello, world!\"");
  EXPECT_EQ(m("ǇUBOVIĆ", "lower"), "\"ǉubović\"");
  EXPECT_EQ(m("por qué", "upper"), "\"POR QUÉ\"");
  EXPECT_EQ(m("ǉubović", "upper"), "\"ǇUBOVIĆ\"");
  EXPECT_EQ(m("hElLo, WoRlD!", "title"), "\"Hello, World!\"");
  EXPECT_EQ(m("¿Por qué?", "title"), "\"¿Por Qué?\"");
  EXPECT_EQ(m("ǉubović", "title"), "\"ǈubović\"");
  EXPECT_EQ(m("ǆenan ǉubović", "islower"), "True");
  EXPECT_EQ(m("ǄENAN ǇUBOVIĆ", "isupper"), "True");
  EXPECT_EQ(m("ǅenan ǈubović", "istitle"), "True");
  EXPECT_EQ(m("Ǆenan Ǉubović", "istitle"), "False");
  EXPECT_EQ(m("a\xff"
              "b",
              "upper"),
            "\"A\xef\xbf\xbd"
            "B\"");
}

TEST_F(StringMethods, PredicatesMatchGoStarlarksTable) {
  // string.star's test_predicates.
  const std::vector<std::pair<std::string, std::string>> table = {
      {"Hello, World!", "title"}, {"hello, world!", "lower"},   {"base64", "alnum lower"},
      {"HAL-9000", "upper"},      {"Catch-22", "title"},        {"", ""},
      {"\n\t\r", "space"},        {"abc", "alnum alpha lower"}, {"ABC", "alnum alpha upper"},
      {"123", "alnum digit"},     {"ǄǇ", "alnum alpha upper"},  {"ǅǈ", "alnum alpha"},
      {"ǅ ǈ", "title"},           {"ǆǉ", "alnum alpha lower"},
  };
  const char* predicates[] = {"alnum", "alpha", "digit", "lower", "space", "title", "upper"};
  for (const auto& [s, want] : table) {
    std::string got;
    for (const char* p : predicates) {
      auto r = method(S(s), std::string("is") + p, {});
      ASSERT_TRUE(r) << r.error().message();
      if (r->asBool()) got += (got.empty() ? "" : " ") + std::string(p);
    }
    EXPECT_EQ(got, want) << s;
  }
}

}  // namespace
}  // namespace slant::starlark::lib
