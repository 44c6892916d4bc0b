// How log lines look on a terminal, as Tilt prints them with `tilt up --stream` and `tilt logs`:
// the resource name right-aligned in a column of 13 characters, then " │ ", then the text.
// Names longer than 13 columns keep their first 12 and end with "…". The Tiltfile's own lines
// ("(Tiltfile)") and lines without a resource have no prefix. The text is printed as the engine
// logged it (it already carries "WARNING:" or "ERROR:" where Tilt shows one).
#pragma once

#include <string>
#include <string_view>

#include "engine/log_store.h"

namespace slant::cli {

/// The width of the name column.
inline constexpr int kLogPrefixColumns = 13;

/// The prefix of a resource's lines: "          api │ "; "" for "(Tiltfile)" and "".
std::string logPrefix(std::string_view resource);

/// A line as `slant up --stream` prints it: the prefix, then the text (no newline).
std::string formatLogLine(const engine::LogLine& line);

/// How many terminal columns `s` (UTF-8) takes: East Asian wide characters count 2, combining
/// marks 0, anything else (also bytes that are not valid UTF-8) 1.
int displayWidth(std::string_view s);

}  // namespace slant::cli
