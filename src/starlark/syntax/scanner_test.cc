// Tests of the scanner: go.starlark.net's scan_test.go cases re-expressed as a C++ table, plus
// positions, literals and the conformance file syntax/testdata/scan.star.
#include "starlark/syntax/scanner.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace slant::starlark::syntax {
namespace {

// Formats a string as Go's %q does (enough of it for these tests: ASCII escapes, UTF-8 kept,
// invalid bytes as \xNN).
std::string goQuote(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"':
        out += "\\\"";
        continue;
      case '\\':
        out += "\\\\";
        continue;
      case '\a':
        out += "\\a";
        continue;
      case '\b':
        out += "\\b";
        continue;
      case '\f':
        out += "\\f";
        continue;
      case '\n':
        out += "\\n";
        continue;
      case '\r':
        out += "\\r";
        continue;
      case '\t':
        out += "\\t";
        continue;
      case '\v':
        out += "\\v";
        continue;
      default:
        break;
    }
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
      continue;
    }
    // Keep a valid two- to four-byte UTF-8 sequence; escape anything else byte by byte.
    int n = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    bool valid = n > 0 && i + n <= s.size();
    for (int k = 1; valid && k < n; ++k)
      valid = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    if (valid && c >= 0xC2) {
      out.append(s.substr(i, n));
      i += n - 1;
      continue;
    }
    out += "\\x";
    out += kHex[c >> 4];
    out += kHex[c & 0xF];
  }
  out += '"';
  return out;
}

// Scans src and renders the tokens as go.starlark.net's scan_test.go does, or the error.
std::string scanToString(std::string_view src) {
  auto tokens = scanAll("foo.star", src);
  if (!tokens) return tokens.error().message();
  std::string out;
  for (const ScannedToken& t : *tokens) {
    if (!out.empty()) out += ' ';
    switch (t.token) {
      case Token::kEof:
        out += "EOF";
        break;
      case Token::kIdent:
        out += t.value.raw;
        break;
      case Token::kInt:
        out += t.value.is_big_int ? t.value.string_value : std::to_string(t.value.int_value);
        break;
      case Token::kFloat: {
        char buf[64];
        snprintf(buf, sizeof buf, "%e", t.value.float_value);
        out += buf;
        break;
      }
      case Token::kString:
        out += goQuote(t.value.string_value);
        break;
      default:
        out += tokenString(t.token);
    }
  }
  return out;
}

struct ScanCase {
  const char* input;
  const char* want;
};

// The cases of go.starlark.net's TestScanner.
const ScanCase kGoScanCases[] = {
    {"", "EOF"},
    {"123", "123 EOF"},
    {"x.y", "x . y EOF"},
    {"chocolate.éclair", "chocolate . éclair EOF"},
    {"123 \"foo\" hello x.y", "123 \"foo\" hello x . y EOF"},
    {"print(x)", "print ( x ) EOF"},
    {"print(x); print(y)", "print ( x ) ; print ( y ) EOF"},
    {"\nprint(\n1\n)\n", "print ( 1 ) newline EOF"},
    {"/ // /= //= ///=", "/ // /= //= // /= EOF"},
    {"# hello\nprint(x)", "print ( x ) EOF"},
    {"# hello\nprint(1)\ncc_binary(name=\"foo\")\ndef f(x):\n\t\treturn x+1\nprint(1)\n",
     "print ( 1 ) newline cc_binary ( name = \"foo\" ) newline def f ( x ) : newline indent return "
     "x + 1 newline outdent print ( 1 ) newline EOF"},
    {"def f(): pass", "def f ( ) : pass EOF"},
    {"def f():\n\tpass", "def f ( ) : newline indent pass newline outdent EOF"},
    {"def f():\n\tpass\n# oops", "def f ( ) : newline indent pass newline outdent EOF"},
    {"def f():\n\tpass \\\n", "def f ( ) : newline indent pass newline outdent EOF"},
    {"def f():\n\tpass\n", "def f ( ) : newline indent pass newline outdent EOF"},
    {"pass\n\n\npass", "pass newline pass EOF"},
    {"def f():\n    pass\n    ", "def f ( ) : newline indent pass newline outdent EOF"},
    {"def f():\n    pass\n    \n", "def f ( ) : newline indent pass newline outdent EOF"},
    {"pass", "pass EOF"},
    {"pass\n", "pass newline EOF"},
    {"pass\n ", "pass newline EOF"},
    {"pass\n \n", "pass newline EOF"},
    {"if x:\n  pass\n ", "if x : newline indent pass newline outdent EOF"},
    {"x = 1 + \\\n2", "x = 1 + 2 EOF"},
    {"x = 'a\\nb'", "x = \"a\\nb\" EOF"},
    {"x = r'a\\nb'", "x = \"a\\\\nb\" EOF"},
    {"x = 'a\\\nb'", "x = \"ab\" EOF"},
    {"x = '\\''", "x = \"'\" EOF"},
    {"x = \"\\\"\"", "x = \"\\\"\" EOF"},
    {"x = r'\\''", "x = \"\\\\'\" EOF"},
    {"x = '''\\''''", "x = \"'\" EOF"},
    {"x = r'''\\''''", "x = \"\\\\'\" EOF"},
    {"x = ''''a'b'c'''", "x = \"'a'b'c\" EOF"},
    {"x = '''a\nb'''", "x = \"a\\nb\" EOF"},
    {"x = '''a\rb'''", "x = \"a\\nb\" EOF"},
    {"x = '''a\r\nb'''", "x = \"a\\nb\" EOF"},
    {"x = '''a\n\rb'''", "x = \"a\\n\\nb\" EOF"},
    {"x = r'a\\\nb'", "x = \"a\\\\\\nb\" EOF"},
    {"x = r'a\\\rb'", "x = \"a\\\\\\nb\" EOF"},
    {"x = r'a\\\r\nb'", "x = \"a\\\\\\nb\" EOF"},
    {"a\rb", "a newline b EOF"},
    {"a\nb", "a newline b EOF"},
    {"a\r\nb", "a newline b EOF"},
    {"a\n\nb", "a newline b EOF"},
    {"0", "0 EOF"},
    {"00", "0 EOF"},
    {"0.", "0.000000e+00 EOF"},
    {"0.e1", "0.000000e+00 EOF"},
    {".0", "0.000000e+00 EOF"},
    {"0.0", "0.000000e+00 EOF"},
    {".e1", ". e1 EOF"},
    {"1", "1 EOF"},
    {"1.", "1.000000e+00 EOF"},
    {".1", "1.000000e-01 EOF"},
    {".1e1", "1.000000e+00 EOF"},
    {".1e+1", "1.000000e+00 EOF"},
    {".1e-1", "1.000000e-02 EOF"},
    {"1e1", "1.000000e+01 EOF"},
    {"1e+1", "1.000000e+01 EOF"},
    {"1e-1", "1.000000e-01 EOF"},
    {"123", "123 EOF"},
    {"123e45", "1.230000e+47 EOF"},
    {"999999999999999999999999999999999999999999999999999",
     "999999999999999999999999999999999999999999999999999 EOF"},
    {"12345678901234567890", "12345678901234567890 EOF"},
    {"0xA", "10 EOF"},
    {"0xAAG", "170 G EOF"},
    {"0xG", "foo.star:1:1: invalid hex literal"},
    {"0XA", "10 EOF"},
    {"0XG", "foo.star:1:1: invalid hex literal"},
    {"0xA.", "10 . EOF"},
    {"0xA.e1", "10 . e1 EOF"},
    {"0x12345678deadbeef12345678", "5634002672576678570168178296 EOF"},
    {"0b1010", "10 EOF"},
    {"0B111101", "61 EOF"},
    {"0b3", "foo.star:1:3: invalid binary literal"},
    {"0b1010201", "10 201 EOF"},
    {"0b1010.01", "10 1.000000e-02 EOF"},
    {"0b0000", "0 EOF"},
    {"0o123", "83 EOF"},
    {"0o12834", "10 834 EOF"},
    {"0o12934", "10 934 EOF"},
    {"0o12934.", "10 9.340000e+02 EOF"},
    {"0o12934.1", "10 9.341000e+02 EOF"},
    {"0o12934e1", "10 9.340000e+03 EOF"},
    {"0o123.", "83 . EOF"},
    {"0o123.1", "83 1.000000e-01 EOF"},
    {"0123", "foo.star:1:5: obsolete form of octal literal; use 0o123"},
    {"012834", "foo.star:1:1: invalid int literal"},
    {"012934", "foo.star:1:1: invalid int literal"},
    {"i = 012934", "foo.star:1:5: invalid int literal"},
    {"\"\\037\"", "\"\\x1f\" EOF"},
    {"\"\\377\"", "\"\\xff\" EOF"},
    {"\"\\378\"", "\"\\x1f8\" EOF"},
    {"\"\\400\"", "foo.star:1:1: invalid escape sequence \\400"},
    {"\"foo\\(bar\"", "foo.star:1:1: invalid escape sequence \\("},
    {"\"\\+\"", "foo.star:1:1: invalid escape sequence \\+"},
    {"\"\\w\"", "foo.star:1:1: invalid escape sequence \\w"},
    {"\"\\\"\"", "\"\\\"\" EOF"},
    {"\"\\'\"", "\"'\" EOF"},
    {"'\\w'", "foo.star:1:1: invalid escape sequence \\w"},
    {"'\\''", "\"'\" EOF"},
    {"'\\\"'", "\"\\\"\" EOF"},
    {"\"\"\"\\w\"\"\"", "foo.star:1:1: invalid escape sequence \\w"},
    {"\"\"\"\\\"\"\"\"", "\"\\\"\" EOF"},
    {"\"\"\"\\'\"\"\"", "\"'\" EOF"},
    {"'''\\w'''", "foo.star:1:1: invalid escape sequence \\w"},
    {"'''\\''''", "\"'\" EOF"},
    {"'''\\\"'''", "\"\\\"\" EOF"},
    {"r\"\\w\"", "\"\\\\w\" EOF"},
    {"r\"\\\"\"", "\"\\\\\\\"\" EOF"},
    {"r\"\\'\"", "\"\\\\'\" EOF"},
    {"r'\\w'", "\"\\\\w\" EOF"},
    {"r'\\''", "\"\\\\'\" EOF"},
    {"r'\\\"'", "\"\\\\\\\"\" EOF"},
    {"'a\\zb'", "foo.star:1:1: invalid escape sequence \\z"},
    {"\"\\o123\"", "foo.star:1:1: invalid escape sequence \\o"},
    {"012934.", "1.293400e+04 EOF"},
    {"012934.1", "1.293410e+04 EOF"},
    {"012934e1", "1.293400e+05 EOF"},
    {"0123.", "1.230000e+02 EOF"},
    {"0123.1", "1.231000e+02 EOF"},
    {"x ! 0", "foo.star:1:3: unexpected input character '!'"},
    {"([{<>}])", "( [ { < > } ] ) EOF"},
    {"f();", "f ( ) ; EOF"},
    {"def f():\n  if x:\n    pass\n  ",
     "def f ( ) : newline indent if x : newline indent pass newline outdent outdent EOF"},
    {"while cond: pass", "while cond : pass EOF"},
    {"~= ~= 5", "~ = ~ = 5 EOF"},
    {"0in", "0 in EOF"},
    {"0or", "foo.star:1:3: invalid octal literal"},
    {"6in", "6 in EOF"},
    {"6or", "6 or EOF"},
};

TEST(Scanner, MatchesGoStarlarkScannerCases) {
  for (const ScanCase& c : kGoScanCases) {
    EXPECT_EQ(scanToString(c.input), c.want) << "input: " << c.input;
  }
}

// Cases beyond go.starlark.net's table: features of later versions and our own corners.
const ScanCase kMoreScanCases[] = {
    // \u and \U escapes (UTF-8 encoded).
    {R"("\u0041\u00e9\U0001F600")", "\"Aé😀\" EOF"},
    {R"("\u004")", "foo.star:1:1: truncated escape sequence \\u004"},
    {R"("\u00zz")", "foo.star:1:1: invalid escape sequence \\u00zz"},
    {R"("\ud800")", "foo.star:1:1: invalid Unicode code point U+D800"},
    {R"("\U00110000")", "foo.star:1:1: code point out of range: \\U00110000 (max \\U00110000)"},
    {R"("\x4")", "foo.star:1:1: truncated escape sequence \\x4"},
    {R"("\x41\x42")", "\"AB\" EOF"},
    {R"(r"\u0041")", "\"\\\\u0041\" EOF"},
    {"\"\\\xc3\xa9\"", "foo.star:1:1: invalid escape sequence \\Ã"},
    {"x = '\\\r\nb'", "x = \"b\" EOF"},
    // Big ints in every base are converted to decimal digits.
    {"0o7777777777777777777777", "73786976294838206463 EOF"},
    {"0b11111111111111111111111111111111111111111111111111111111111111111",
     "36893488147419103231 EOF"},
    {"0xFFFFFFFFFFFFFFFF", "18446744073709551615 EOF"},
    {"9223372036854775807", "9223372036854775807 EOF"},
    {"9223372036854775808", "9223372036854775808 EOF"},
    {"0009", "foo.star:1:1: invalid int literal"},
    {"000", "0 EOF"},
    {"1e999", "foo.star:1:6: invalid float literal"},
    {"1e-999", "0.000000e+00 EOF"},
    {"1e", "foo.star:1:3: invalid float literal"},
    {"1e+", "foo.star:1:4: invalid float literal"},
    // Reserved words are illegal tokens; the parser rejects them.
    {"as class import", "illegal token illegal token illegal token EOF"},
    {"b'x'", "bytes literal EOF"},
    {"x $", "foo.star:1:3: unexpected input character '$'"},
    {"\xef\xbb\xbfx", "foo.star:1:1: unexpected input character '\\ufeff'"},
    {"x\x01", "foo.star:1:2: unexpected input character '\\x01'"},
    {")", "foo.star:1:1: unexpected ')'"},
    {"'abc", "foo.star:1:1: unexpected EOF in string"},
    {"'''abc''", "foo.star:1:1: unexpected EOF in string"},
    {"x = 'abc\n'", "foo.star:1:5: unexpected newline in string"},
    {"x = 'abc\r'", "foo.star:1:5: unexpected newline in string"},
    {"x = 'é\\'", "foo.star:1:5: unexpected EOF in string"},
    {"x = 'a\xff"
     "b' + y",
     "x = \"a\xef\xbf\xbd"
     "b\" + y EOF"},
    {"x \\ y", "foo.star:1:4: stray backslash in program"},
    {"if x:\n    a\n  b\n", "foo.star:3:3: unindent does not match any outer indentation level"},
    {"if x:\n\ta\n        b\n", "if x : newline indent a newline b newline outdent EOF"},
    {"f(x,\n  y)\n", "f ( x , y ) newline EOF"},
    {"x # comment\ny", "x newline y EOF"},
    {"x = 1 # comment", "x = 1 EOF"},
    {"αβ = 1", "αβ = 1 EOF"},
    {"x\0y", "x EOF"},
    {"a\r\n  b\r\nc", "a newline indent b newline outdent c EOF"},
};

TEST(Scanner, HandlesEscapesBigIntsAndErrorsBeyondGoTable) {
  for (const ScanCase& c : kMoreScanCases) {
    EXPECT_EQ(scanToString(c.input), c.want) << "input: " << c.input;
  }
}

TEST(Scanner, ReportsOneBasedLineAndCodePointColumn) {
  auto tokens = scanAll("f.star", "x = 'é'  + y\n  \n\tz");
  ASSERT_TRUE(tokens) << tokens.error().message();
  std::vector<std::string> got;
  for (const ScannedToken& t : *tokens) {
    got.push_back(std::string(tokenString(t.token)) + "@" + std::to_string(t.value.pos.line) + ":" +
                  std::to_string(t.value.pos.col));
  }
  std::vector<std::string> want = {
      "identifier@1:1",  "=@1:3",        "string literal@1:5", "+@1:10",
      "identifier@1:12", "newline@1:13", "indent@3:2",         "identifier@3:2",
      "newline@3:3",     "outdent@3:3",  "end of file@3:3",
  };
  EXPECT_EQ(got, want);
}

TEST(Scanner, KeepsRawTextOfLiteralsAsViewsIntoSource) {
  std::string src = "r'a\\n' 0x1F 1.5e3 'q'";
  auto tokens = scanAll("f.star", src);
  ASSERT_TRUE(tokens);
  ASSERT_EQ(tokens->size(), 5u);
  EXPECT_EQ((*tokens)[0].value.raw, "r'a\\n'");
  EXPECT_EQ((*tokens)[0].value.string_value, "a\\n");
  EXPECT_EQ((*tokens)[1].value.raw, "0x1F");
  EXPECT_EQ((*tokens)[1].value.int_value, 31);
  EXPECT_EQ((*tokens)[2].value.raw, "1.5e3");
  EXPECT_DOUBLE_EQ((*tokens)[2].value.float_value, 1500.0);
  EXPECT_EQ((*tokens)[3].value.raw, "'q'");
  EXPECT_GE((*tokens)[3].value.raw.data(), src.data());
  EXPECT_LT((*tokens)[3].value.raw.data(), src.data() + src.size());
}

TEST(Scanner, DecodesStringBodies) {
  std::string out;
  EXPECT_EQ(decodeStringBody("a\\tb\\\nc\r\nd\re", false, out), "");
  EXPECT_EQ(out, "a\tbc\nd\ne");
  EXPECT_EQ(decodeStringBody("\\400", false, out), "invalid escape sequence \\400");
  EXPECT_EQ(decodeStringBody("\\q", true, out), "");
  EXPECT_EQ(out, "\\q");
}

TEST(Scanner, ScansConformanceFileScanStar) {
  std::string path = std::string(STARLARK_TESTDATA) + "/syntax/testdata/scan.star";
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << "cannot read " << path;
  std::stringstream ss;
  ss << in.rdbuf();
  std::string src = ss.str();
  auto tokens = scanAll(path, src);
  ASSERT_TRUE(tokens) << tokens.error().message();
  EXPECT_GT(tokens->size(), 1000u);
  EXPECT_EQ(tokens->back().token, Token::kEof);
}

}  // namespace
}  // namespace slant::starlark::syntax
