// The Starlark scanner and parser (go.starlark.net syntax/scan.go and parse.go).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "starlark/syntax/ast.h"
#include "starlark/value.h"

namespace slant::starlark::syntax {

/// Parses a whole file. On error returns "file:line:col: message" with go.starlark.net's wording
/// (e.g. "got illegal token, want expression"). Every tree returned is at most 1000 nodes deep
/// (deeper input fails with "nesting too deep"), so later stages may recurse over it safely.
Result<std::unique_ptr<File>> parseFile(std::string path, std::string_view source);

/// Parses a single expression (for evalExpr); the File holds one ExprStmt.
Result<std::unique_ptr<File>> parseExpr(std::string path, std::string_view source);

/// Parses a REPL chunk: like parseFile, and reports whether the input is incomplete (an open
/// bracket, a trailing ':' block, a string not yet closed), so the REPL can ask for more lines.
/// As in Python, a chunk ending in a compound statement (def, if, for, while) is incomplete until
/// a blank line follows it. When *incomplete is set, ignore the result and read another line.
Result<std::unique_ptr<File>> parseRepl(std::string path, std::string_view source,
                                        bool* incomplete);

}  // namespace slant::starlark::syntax
