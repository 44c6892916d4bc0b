// The engine's log: every line belongs to a resource (or to the Tiltfile, "(Tiltfile)"), with a
// sequence number, a timestamp, its source and level. Memory is bounded by a byte cap; when it
// is exceeded the oldest lines are dropped (down to half the cap, as Tilt does) and the number
// of dropped lines is kept so that readers can show the gap.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace slant::engine {

/// Where a log line came from: updating a resource (its cmd, a build) or running it.
enum class LogSource { kBuild, kRuntime };
/// The severity of a log line.
enum class LogLevel { kInfo, kWarn, kError };

/// "build"/"runtime", "info"/"warn"/"error": the names the API and `slant logs` use.
std::string_view logSourceName(LogSource source);
std::string_view logLevelName(LogLevel level);

/// One line of the log.
struct LogLine {
  std::uint64_t seq = 0;  ///< increasing from 1, never reused
  std::chrono::system_clock::time_point time;
  std::string resource;  ///< the resource name, or "(Tiltfile)"
  LogSource source = LogSource::kBuild;
  LogLevel level = LogLevel::kInfo;
  std::string text;  ///< without the newline
};

/// Which lines a reader wants.
struct LogQuery {
  std::uint64_t after_seq = 0;         ///< only lines with seq > after_seq
  std::vector<std::string> resources;  ///< empty: every resource
  std::size_t limit = SIZE_MAX;        ///< at most this many (the oldest first)
};

/// The lines a query found.
struct LogPage {
  std::vector<LogLine> lines;
  std::uint64_t last_seq = 0;  ///< the newest seq in the store (a cursor for the next query)
  /// Lines the query would have matched but that were dropped by the cap before it was made.
  std::uint64_t dropped = 0;
};

/// A bounded, append-only log.
class LogStore {
 public:
  /// `cap_bytes` bounds the text kept (plus a small per-line overhead).
  explicit LogStore(std::size_t cap_bytes = 2 * 1024 * 1024) : cap_bytes_(cap_bytes) {}

  /// Appends a line and returns it with its seq; drops the oldest lines when over the cap.
  const LogLine& append(LogLine line);
  /// The lines a query matches.
  LogPage query(const LogQuery& q) const;
  /// The last `n` lines of `resource`, oldest first (for failure reports).
  std::vector<LogLine> tail(std::string_view resource, std::size_t n) const;
  /// The seq of the newest line, or 0.
  std::uint64_t lastSeq() const { return next_seq_ - 1; }
  /// How many lines the cap has dropped so far.
  std::uint64_t droppedLines() const { return dropped_; }
  std::size_t bytes() const { return bytes_; }

 private:
  std::size_t cap_bytes_;
  std::size_t bytes_ = 0;
  std::uint64_t next_seq_ = 1;
  std::uint64_t dropped_ = 0;
  std::deque<LogLine> lines_;
};

}  // namespace slant::engine
