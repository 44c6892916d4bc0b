// Splits a byte stream (a process's stdout or stderr) into lines. A line ends at '\n'; a '\r'
// right before it is dropped ("\r\n" endings). A line longer than the cap is cut into pieces
// of at most the cap (at a UTF-8 character boundary when one is near), so that a process that
// never prints a newline cannot grow slant's memory. Bytes are passed through as they are:
// invalid UTF-8 is the log store's business, not the splitter's.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace slant::exec {

/// The longest line delivered whole; longer ones are split.
inline constexpr std::size_t kMaxLineBytes = 64 * 1024;

/// Turns chunks of a byte stream into lines.
class LineSplitter {
 public:
  using Emit = std::function<void(std::string_view line)>;

  /// Splits at `max_line` bytes at most (at least 4, so that a UTF-8 character always fits).
  explicit LineSplitter(std::size_t max_line = kMaxLineBytes);

  /// Feeds a chunk; calls `emit` for every line it completes.
  void feed(std::string_view chunk, const Emit& emit);
  /// Ends the stream: calls `emit` with the unterminated last line, if there is one.
  void finish(const Emit& emit);

 private:
  void emitLine(std::string_view line, const Emit& emit);
  void cutLongPartial(const Emit& emit);

  std::size_t max_line_;
  std::string partial_;
};

}  // namespace slant::exec
