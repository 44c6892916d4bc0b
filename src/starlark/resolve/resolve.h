// The resolver (go.starlark.net resolve/resolve.go): binds every identifier to a scope and a
// slot index, and reports static errors.
#pragma once

#include <functional>
#include <string_view>

#include "starlark/starlark.h"
#include "starlark/syntax/ast.h"

namespace slant::starlark::resolve {

/// Tells whether a name is predeclared (host names) or universal (the builtins).
using NamePredicate = std::function<bool(std::string_view)>;

/// Resolves a parsed file in place (fills Ident::binding, FunctionInfo, ModuleInfo). On error
/// returns every error found, one "file:line:col: message" per line, in source order, worded as
/// go.starlark.net ("undefined: x", "cannot reassign global x declared at f.star:1:1").
Result<void> resolveFile(syntax::File& file, const NamePredicate& is_predeclared,
                         const NamePredicate& is_universal, const FileOptions& options);

/// Resolves a File that holds one expression (parseExpr) as the body of file.toplevel, which
/// becomes a single synthetic ReturnStmt of that expression (so evaluating the toplevel yields
/// its value). Errors as resolveFile.
Result<void> resolveExpr(syntax::File& file, const NamePredicate& is_predeclared,
                         const NamePredicate& is_universal, const FileOptions& options);

}  // namespace slant::starlark::resolve
