// Small out-of-line helpers of the syntax tree: position printing and token names.
#include "starlark/syntax/ast.h"

#include <algorithm>
#include <array>
#include <string>

namespace slant::starlark::syntax {

std::string Position::str() const {
  std::string out = file != nullptr ? *file : std::string("<invalid>");
  if (line > 0) {
    out += ':';
    out += std::to_string(line);
    if (col > 0) {
      out += ':';
      out += std::to_string(col);
    }
  }
  return out;
}

namespace {

constexpr std::array<std::string_view, static_cast<size_t>(Token::kWhile) + 1> kTokenNames = {
    "illegal token",
    "end of file",
    "newline",
    "indent",
    "outdent",
    "identifier",
    "int literal",
    "float literal",
    "string literal",
    "bytes literal",
    "+",
    "-",
    "*",
    "/",
    "//",
    "%",
    "&",
    "|",
    "^",
    "<<",
    ">>",
    "~",
    ".",
    ",",
    "=",
    ";",
    ":",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "<",
    ">",
    ">=",
    "<=",
    "==",
    "!=",
    "+=",
    "-=",
    "*=",
    "/=",
    "//=",
    "%=",
    "&=",
    "|=",
    "^=",
    "<<=",
    ">>=",
    "**",
    "and",
    "break",
    "continue",
    "def",
    "elif",
    "else",
    "for",
    "if",
    "in",
    "lambda",
    "load",
    "not",
    "not in",
    "or",
    "pass",
    "return",
    "while",
};

}  // namespace

std::string_view tokenString(Token t) {
  auto i = static_cast<size_t>(t);
  return i < kTokenNames.size() ? kTokenNames[i] : std::string_view("illegal token");
}

std::string tokenGoString(Token t) {
  if (t >= Token::kPlus && t <= Token::kStarStar) {
    std::string out = "'";
    out += tokenString(t);
    out += '\'';
    return out;
  }
  return std::string(tokenString(t));
}

Position startPos(const Node* n) {
  for (;;) {
    if (n->kind == NodeKind::kBinaryExpr) {
      n = static_cast<const BinaryExpr*>(n)->x;
    } else if (n->kind == NodeKind::kAssignStmt) {
      n = static_cast<const AssignStmt*>(n)->lhs;
    } else {
      return n->pos;
    }
  }
}

}  // namespace slant::starlark::syntax
