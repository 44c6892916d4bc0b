// The Starlark scanner (go.starlark.net syntax/scan.go): turns source text into tokens, with
// Python-style INDENT/OUTDENT/NEWLINE tokens and decoded literal values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "starlark/syntax/ast.h"
#include "starlark/syntax/token.h"
#include "starlark/value.h"

namespace slant::starlark::syntax {

/// A scanner or parser error at a position. Thrown inside syntax/ only: parseFile and friends
/// catch it and return an Error, so it never crosses the package boundary.
struct SyntaxError {
  Position pos;
  std::string msg;
  bool at_eof = false;  ///< the input ended too early (a REPL may read more lines and retry)

  /// Returns "file:line:col: msg".
  std::string str() const { return pos.str() + ": " + msg; }
};

/// The value of the token last returned by Scanner::next.
struct TokenValue {
  Position pos;          ///< where the token starts
  std::string_view raw;  ///< its source text (a view into the scanner's source)
  int64_t int_value = 0;
  bool is_big_int = false;  ///< kInt too large for int64: decimal digits are in string_value
  double float_value = 0;
  std::string string_value;  ///< decoded kString / kBytes, or a big int's decimal digits
};

/// Scans one source text. The text must outlive the scanner (token views point into it).
class Scanner {
 public:
  /// `file` names the source in positions; it must outlive every Position made from it.
  Scanner(const std::string* file, std::string_view source);

  /// Scans the next token into `val` and returns its kind. Throws SyntaxError on bad input.
  Token next(TokenValue& val);

  /// The position just past the last token scanned (go.starlark.net reports most parse errors
  /// here rather than at the start of the offending token).
  Position pos() const { return pos_; }

 private:
  int32_t peekRune() const;
  int32_t readRune();
  Token scanString(TokenValue& val, int32_t quote, Token kind, bool raw);
  Token scanNumber(TokenValue& val, int32_t c);
  [[noreturn]] void fail(Position pos, std::string msg, bool at_eof = false) const;

  const char* p_;             // rest of the input
  const char* end_;           // end of the input
  Position pos_;              // position of *p_
  int depth_ = 0;             // nesting of ( [ {
  std::vector<int> indents_;  // stack of indentation columns, starting with 0
  int dents_ = 0;             // pending INDENT (>0) or OUTDENT (<0) tokens
  bool line_start_ = true;    // after NEWLINE: measure indentation
};

/// One scanned token, for tests and tools.
struct ScannedToken {
  Token token;
  TokenValue value;
};

/// Scans the whole source. On error returns "file:line:col: message" worded as go.starlark.net.
Result<std::vector<ScannedToken>> scanAll(const std::string& path, std::string_view source);

/// Decodes the body of a Starlark string literal (no quotes or prefix) into `out`, as
/// go.starlark.net's unquote does: escapes unless `raw`, and \r or \r\n become \n. Returns an
/// empty string on success, else the error message ("invalid escape sequence \w").
std::string decodeStringBody(std::string_view body, bool raw, std::string& out);

}  // namespace slant::starlark::syntax
