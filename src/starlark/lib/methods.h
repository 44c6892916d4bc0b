// The method tables of the built-in types (internal to lib/). Each table is sorted by name, so
// that findMethod can bisect it and methodNames can return it as is.
#pragma once

#include <span>

#include "starlark/value.h"

namespace slant::starlark::lib {

/// The methods of string values ("capitalize" ... "upper").
std::span<const Method> stringMethods();
/// The methods of list values.
std::span<const Method> listMethods();
/// The methods of dict values.
std::span<const Method> dictMethods();
/// The methods of set values.
std::span<const Method> setMethods();

}  // namespace slant::starlark::lib
