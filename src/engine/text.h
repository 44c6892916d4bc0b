// Small text helpers shared by the engine and its backends, for messages worded as Go words
// them (Tilt's messages come from Go's standard library).
#pragma once

#include <string>
#include <string_view>

namespace slant::engine {

/// `text` with its first character in lower case ("Connection refused" → "connection refused").
std::string lowerFirst(std::string text);

/// Go's syscall.Errno string for `err`: glibc's description, lowercased ("no such file or
/// directory"); "errno N" for an unknown value.
std::string errnoText(int err);

/// The first 12 hex digits of a container ID, as `docker ps` shows it.
inline std::string shortId(std::string_view id) { return std::string(id.substr(0, 12)); }

}  // namespace slant::engine
