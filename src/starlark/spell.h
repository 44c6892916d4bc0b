// Spelling suggestions for names (go.starlark.net internal/spell).
#pragma once

#include <string_view>
#include <vector>

namespace slant::starlark::spell {

/// The candidate nearest to x, ignoring case and underscores and allowing changes to at most half
/// of x, or "" if none is that close.
std::string_view nearest(std::string_view x, const std::vector<std::string_view>& candidates);

}  // namespace slant::starlark::spell
