// The update logic shared by the dict builtin and dict.update (internal to lib/).
#pragma once

#include <span>

#include "starlark/value.h"

namespace slant::starlark::lib {

/// Adds to dict the pairs of positional[0] (a dict, or an iterable of 2-element iterables), if
/// given, then the keyword arguments, as go.starlark.net's updateDict. Errors are unprefixed
/// ("got int, want iterable", "duplicate keyword arg: \"a\"", "cannot insert into frozen hash
/// table"); positional must hold at most one value.
Result<void> updateDict(Dict& dict, std::span<const Value> positional,
                        std::span<const Kwarg> named);

}  // namespace slant::starlark::lib
