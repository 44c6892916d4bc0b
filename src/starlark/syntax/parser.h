// The Starlark scanner and parser (go.starlark.net syntax/scan.go and parse.go).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "starlark/syntax/ast.h"
#include "starlark/value.h"

namespace slant::starlark::syntax {

/// Parses a whole file. On error returns "file:line:col: message" with go.starlark.net's wording
/// (e.g. "got illegal token, want expression").
Result<std::unique_ptr<File>> parseFile(std::string path, std::string_view source);

/// Parses a single expression (for evalExpr); the File holds one ExprStmt.
Result<std::unique_ptr<File>> parseExpr(std::string path, std::string_view source);

/// Parses a REPL chunk: like parseFile, and reports whether the input is incomplete (an open
/// bracket, a trailing ':' block, a string not yet closed), so the REPL can ask for more lines.
Result<std::unique_ptr<File>> parseRepl(std::string path, std::string_view source,
                                        bool* incomplete);

}  // namespace slant::starlark::syntax
