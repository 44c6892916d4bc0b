// Tilt's os, sys and shlex modules (internal/tiltfile/os, sys, shlex): the process environment
// as os.environ and os.getenv/putenv/unsetenv, os.getcwd, os.path.*, sys.argv, sys.executable
// and shlex.quote; and the path helpers with Go's semantics they are built on.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "starlark/value.h"

namespace slant::tiltfile {

/// Go's filepath.Rel: `target` relative to `base` after cleaning both, without touching the
/// file system. Error: "Rel: can't make some/path relative to /abs/dir".
starlark::Result<std::string> relPath(std::string_view base, std::string_view target);

/// Go's filepath.Base: the last element of a path ("." for "", "/" for "/").
std::string baseName(std::string_view path);

/// Go's filepath.Join: the non-empty elements joined with "/" and cleaned ("" if there are none).
std::string joinPaths(const std::vector<std::string>& elems);

/// shellescape.Quote, as Tilt's shlex.quote: `s` as it is when it has only letters, digits and
/// "@%+=:,./-_", else single-quoted with each ' written as '"'"'; "''" for the empty string.
std::string shellQuote(std::string_view s);

}  // namespace slant::tiltfile
