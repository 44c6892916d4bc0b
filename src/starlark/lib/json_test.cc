#include "starlark/lib/json.h"

#include <gtest/gtest.h>

#include <cmath>

#include "starlark/lib/lib_test_util.h"
#include "starlark/lib/struct.h"

namespace slant::starlark::lib {
namespace {

using namespace testing;  // NOLINT: the value constructors

class Json : public LibTest {
 protected:
  Value member(std::string_view name) {
    const Value* v = makeJsonModule().as<ModuleObject>()->member(name);
    return v != nullptr ? *v : Value();
  }
  // The JSON text of x, or the error.
  std::string encode(const Value& x) {
    auto r = callValue(member("encode"), {x});
    if (!r) return "error: " + r.error().message();
    return std::string(r->str());
  }
  std::string decode(std::string_view s) { return show(callValue(member("decode"), {S(s)})); }
};

TEST_F(Json, IsAModuleOfThreeFunctions) {
  EXPECT_EQ(repr(makeJsonModule()), "<module \"json\">");
  EXPECT_EQ(show(call("dir", {makeJsonModule()})), "[\"decode\", \"encode\", \"indent\"]");
  EXPECT_EQ(repr(member("encode")), "<built-in function json.encode>");
}

TEST_F(Json, EncodesAsGoStarlark) {
  EXPECT_EQ(encode(None()), "null");
  EXPECT_EQ(encode(B(true)), "true");
  EXPECT_EQ(encode(I(-123)), "-123");
  EXPECT_EQ(encode(*parseInt("3539537889086624823140625", 10)), "3539537889086624823140625");
  EXPECT_EQ(encode(F(3539537889086624823140625.0)), "3.539537889086625e+24");
  EXPECT_EQ(encode(F(12.345e67)), "1.2345e+68");
  EXPECT_EQ(encode(F(1.0)), "1");
  EXPECT_EQ(encode(F(1e6)), "1e+06");
  EXPECT_EQ(encode(F(123456.0)), "123456");
  EXPECT_EQ(encode(F(1e-5)), "1e-05");
  EXPECT_EQ(encode(F(0.0001)), "0.0001");
  EXPECT_EQ(encode(F(-0.0)), "-0");
  EXPECT_EQ(encode(S("hello")), "\"hello\"");
  EXPECT_EQ(encode(S("<a>")), "\"<a>\"");
  EXPECT_EQ(encode(S("\x80")), "\"\\ufffd\"");
  EXPECT_EQ(encode(S("<é>&\u2028\x01\x08\n")),
            "\"\\u003cé\\u003e\\u0026\\u2028\\u0001\\u0008\\n\"");
  EXPECT_EQ(encode(L({I(1), I(2), I(3)})), "[1,2,3]");
  EXPECT_EQ(encode(T({I(1), I(2), I(3)})), "[1,2,3]");
  EXPECT_EQ(encode(*call("range", {I(3)})), "[0,1,2]");
  EXPECT_EQ(encode(D({{S("y"), S("two")}, {S("x"), I(1)}})), "{\"x\":1,\"y\":\"two\"}");
  EXPECT_EQ(encode(makeStruct({{"y", S("two")}, {"x", I(1)}})), "{\"x\":1,\"y\":\"two\"}");
}

TEST_F(Json, ReportsEncodingErrorsWithTheirPath) {
  EXPECT_EQ(encode(F(NAN)), "error: json.encode: cannot encode non-finite float nan");
  EXPECT_EQ(encode(D({{I(1), S("two")}})), "error: json.encode: dict has int key, want string");
  EXPECT_EQ(encode(builtin("len")),
            "error: json.encode: cannot encode builtin_function_or_method as JSON");
  EXPECT_EQ(encode(makeStruct({{"x", L({I(1), D({{S("x"), builtin("len")}})})}})),
            "error: json.encode: in field .x: at list index 1: in dict key \"x\": cannot encode "
            "builtin_function_or_method as JSON");
  Value cyclic = L({});
  cyclic.as<List>()->mutableElems().push_back(cyclic);
  EXPECT_NE(encode(cyclic).find("nesting too deep"), std::string::npos);
  cyclic.as<List>()->mutableElems().clear();
}

TEST_F(Json, DecodesAsGoStarlark) {
  EXPECT_EQ(decode("null"), "None");
  EXPECT_EQ(decode("true"), "True");
  EXPECT_EQ(decode("-123"), "-123");
  EXPECT_EQ(decode("-0"), "0");
  EXPECT_EQ(decode("3539537889086624823140625"), "3539537889086624823140625");
  EXPECT_EQ(decode("-3539537889086624823140625"), "-3539537889086624823140625");
  EXPECT_EQ(decode("3539537889086624823140625.0"), "3.539537889086625e+24");
  EXPECT_EQ(decode("0e+1"), "0.0");
  EXPECT_EQ(decode("-0.0"), "-0.0");
  EXPECT_EQ(decode("1e-400"), "0.0");
  EXPECT_EQ(decode(" [1, 2 ,3] "), "[1, 2, 3]");
  EXPECT_EQ(decode("{\"one\": 1, \"two\": 2}"), "{\"one\": 1, \"two\": 2}");
  EXPECT_EQ(decode("{\"foo\\u0000bar\": 42}"), "{\"foo\\x00bar\": 42}");
  EXPECT_EQ(callValue(member("decode"), {S("\"\\ud83d\\ude39\\ud83d\\udc8d\"")})->str(), "😹💍");
  EXPECT_EQ(callValue(member("decode"), {S("\"\\u0123\"")})->str(), "ģ");
  EXPECT_EQ(callValue(member("decode"), {S("\"\\ud83dx\"")})->str(), "\xef\xbf\xbdx");
  EXPECT_EQ(callValue(member("decode"), {S("\"a\xffé\"")})->str(), "a\xef\xbf\xbdé");
  EXPECT_EQ(decode("\"\x7f\""), "\"\\x7f\"");
}

TEST_F(Json, ReportsDecodingErrorsAsGoStarlark) {
  EXPECT_EQ(decode("truefalse"),
            "error: json.decode: at offset 4, unexpected character 'f' after value");
  EXPECT_EQ(decode("\"abc"), "error: json.decode: at offset 0, unclosed string literal");
  EXPECT_EQ(decode("\"ab\\gc\""),
            "error: json.decode: at offset 7, invalid character 'g' in string escape code");
  EXPECT_EQ(decode("\"a\xc3\n\""),
            "error: json.decode: at offset 5, invalid character '\\n' in string literal");
  EXPECT_EQ(decode("'abc'"), "error: json.decode: at offset 0, unexpected character '\\''");
  EXPECT_EQ(decode("1.2.3"), "error: json.decode: at offset 5, invalid number: 1.2.3");
  EXPECT_EQ(decode("+1"), "error: json.decode: at offset 0, unexpected character '+'");
  EXPECT_EQ(decode("-abc"), "error: json.decode: at offset 1, invalid number: -");
  EXPECT_EQ(decode("-00"), "error: json.decode: at offset 3, invalid number: -00");
  EXPECT_EQ(decode("--1"), "error: json.decode: at offset 3, invalid number: --1");
  EXPECT_EQ(decode("1e1e1"), "error: json.decode: at offset 5, invalid number: 1e1e1");
  EXPECT_EQ(decode("000.123"), "error: json.decode: at offset 7, invalid number: 000.123");
  EXPECT_EQ(decode("0x123"),
            "error: json.decode: at offset 1, unexpected character 'x' after value");
  EXPECT_EQ(decode("[1, 2 "), "error: json.decode: at offset 6, unexpected end of file");
  EXPECT_EQ(decode("[1, 2, ]"), "error: json.decode: at offset 7, unexpected character ']'");
  EXPECT_EQ(decode("[1, 2}"), "error: json.decode: at offset 5, got '}', want ',' or ']'");
  EXPECT_EQ(decode("{\"one\" 1"),
            "error: json.decode: at offset 7, after object key, got '1', want ':' ");
  EXPECT_EQ(decode("{\"one\": 1 \"two\": 2"),
            "error: json.decode: at offset 10, in object, got '\"', want ',' or '}'");
  EXPECT_EQ(decode("{\"one\": 1, }"), "error: json.decode: at offset 11, unexpected character '}'");
  EXPECT_EQ(decode("{1: 2}"),
            "error: json.decode: at offset 2, got int for object key, want string");
  EXPECT_EQ(decode("\x80"), "error: json.decode: at offset 0, unexpected character '\\u0080'");
  EXPECT_EQ(decode(std::string(5000, '[')), "error: json.decode: at offset 1000, nesting too deep");
}

TEST_F(Json, RoundTripsEveryBmpCodePoint) {
  std::string all;
  for (char32_t c = 0; c < 0x10000; ++c) {
    std::string r;
    if (c < 0x80) {
      r.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
      r.push_back(static_cast<char>(0xC0 | (c >> 6)));
      r.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
      if (c >= 0xD800 && c < 0xE000) c = 0xFFFD;
      r.push_back(static_cast<char>(0xE0 | (c >> 12)));
      r.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      r.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
    all += r;
  }
  auto text = encodeJson(thread_, S(all));
  ASSERT_TRUE(text);
  auto back = decodeJson(*text);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->str(), all);
}

TEST_F(Json, IndentsAsGoJsonIndent) {
  const char* s = "{\"x\":1,\"y\":[\"one\",\"two\"]}";
  EXPECT_EQ(*indentJson(s, "", "\t"),
            "{\n\t\"x\": 1,\n\t\"y\": [\n\t\t\"one\",\n\t\t\"two\"\n\t]\n}");
  EXPECT_EQ(*indentJson(s, "¶", "–––"),
            "{\n¶–––\"x\": 1,\n¶–––\"y\": [\n¶––––––\"one\",\n¶––––––\"two\"\n¶–––]\n¶}");
  EXPECT_EQ(*indentJson(" {\"a\":[1,2,{}],\"b\":[]} ", "", "  "),
            "{\n  \"a\": [\n    1,\n    2,\n    {}\n  ],\n  \"b\": []\n} ");
  auto indent = member("indent");
  EXPECT_EQ(show(callValue(indent, {S("!@#$%^& this is not json")})),
            "error: json.indent: invalid character '!' looking for beginning of value");
  EXPECT_EQ(show(callValue(indent, {S("[1,")})),
            "error: json.indent: unexpected end of JSON input");
  EXPECT_EQ(show(callValue(indent, {S("[1] x")})),
            "error: json.indent: invalid character 'x' after top-level value");
  EXPECT_EQ(show(callValue(indent, {S("{\"a\" 1}")})),
            "error: json.indent: invalid character '1' after object key");
  EXPECT_EQ(show(callValue(indent, {S("[tru]")})),
            "error: json.indent: invalid character ']' in literal true (expecting 'e')");
  EXPECT_EQ(show(callValue(indent, {S("[1.]")})),
            "error: json.indent: invalid character ']' after decimal point in numeric literal");
  EXPECT_EQ(show(callValue(indent, {S("[1]")}, {{"prefix", S(">")}, {"indent", S(" ")}})),
            "\"[\\n> 1\\n>]\"");
  EXPECT_EQ(show(callValue(indent, {S("[1]"), S(">")})),
            "error: json.indent: got 2 arguments, want 1");
}

}  // namespace
}  // namespace slant::starlark::lib
