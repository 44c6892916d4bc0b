// Starlark's lexical tokens, in go.starlark.net's order (syntax/scan.go).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace slant::starlark::syntax {

enum class Token : uint8_t {
  kIllegal,
  kEof,

  kNewline,
  kIndent,
  kOutdent,

  // tokens with values
  kIdent,   // x
  kInt,     // 123
  kFloat,   // 1.23e45
  kString,  // "foo" or 'foo' or '''foo''' or r'foo' or r"foo"
  kBytes,   // b"foo" (scanned so that the error can name it; Tilt's dialect has no bytes type)

  // punctuation
  kPlus,        // +
  kMinus,       // -
  kStar,        // *
  kSlash,       // /
  kSlashSlash,  // //
  kPercent,     // %
  kAmp,         // &
  kPipe,        // |
  kCircumflex,  // ^
  kLtLt,        // <<
  kGtGt,        // >>
  kTilde,       // ~
  kDot,         // .
  kComma,       // ,
  kEq,          // =
  kSemi,        // ;
  kColon,       // :
  kLParen,      // (
  kRParen,      // )
  kLBrack,      // [
  kRBrack,      // ]
  kLBrace,      // {
  kRBrace,      // }
  kLt,          // <
  kGt,          // >
  kGe,          // >=
  kLe,          // <=
  kEql,         // ==
  kNeq,         // !=
  kPlusEq,        // +=    (keep order consistent with kPlus..kGtGt)
  kMinusEq,       // -=
  kStarEq,        // *=
  kSlashEq,       // /=
  kSlashSlashEq,  // //=
  kPercentEq,     // %=
  kAmpEq,         // &=
  kPipeEq,        // |=
  kCircumflexEq,  // ^=
  kLtLtEq,        // <<=
  kGtGtEq,        // >>=
  kStarStar,      // **

  // keywords
  kAnd,
  kBreak,
  kContinue,
  kDef,
  kElif,
  kElse,
  kFor,
  kIf,
  kIn,
  kLambda,
  kLoad,
  kNot,
  kNotIn,  // synthesized by the parser from NOT IN
  kOr,
  kPass,
  kReturn,
  kWhile,
};

/// Returns the token's spelling as go.starlark.net prints it in messages ("+", "not in",
/// "identifier", "end of file", ...).
std::string_view tokenString(Token t);

/// Returns the spelling go.starlark.net uses with %#v in parse errors: punctuation in single
/// quotes ("'('"), everything else as tokenString ("identifier", "for").
std::string tokenGoString(Token t);

/// For an augmented assignment token (kPlusEq..kGtGtEq), returns the binary operator (kPlus..).
inline Token augmentedBase(Token t) {
  return static_cast<Token>(static_cast<int>(t) - static_cast<int>(Token::kPlusEq) +
                            static_cast<int>(Token::kPlus));
}

}  // namespace slant::starlark::syntax
