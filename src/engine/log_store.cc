#include "engine/log_store.h"

#include <algorithm>

namespace slant::engine {

namespace {

// What a line costs besides its text: the struct, the deque slot, a short resource name.
constexpr std::size_t kLineOverhead = sizeof(LogLine) + 16;

std::size_t cost(const LogLine& line) {
  return kLineOverhead + line.text.size() + line.resource.size();
}

bool wanted(const LogQuery& q, const LogLine& line) {
  return q.resources.empty() ||
         std::find(q.resources.begin(), q.resources.end(), line.resource) != q.resources.end();
}

}  // namespace

std::string_view logSourceName(LogSource source) {
  return source == LogSource::kBuild ? "build" : "runtime";
}

std::string_view logLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

const LogLine& LogStore::append(LogLine line) {
  line.seq = next_seq_++;
  bytes_ += cost(line);
  lines_.push_back(std::move(line));
  if (bytes_ > cap_bytes_) {
    // Drop down to half the cap at once, as Tilt's log store does, so that a busy stream does
    // not pay for a drop on every line.
    while (lines_.size() > 1 && bytes_ > cap_bytes_ / 2) {
      bytes_ -= cost(lines_.front());
      lines_.pop_front();
      ++dropped_;
    }
  }
  return lines_.back();
}

LogPage LogStore::query(const LogQuery& q) const {
  LogPage page;
  page.last_seq = lastSeq();
  std::uint64_t first_kept = lines_.empty() ? next_seq_ : lines_.front().seq;
  if (q.after_seq + 1 < first_kept) {
    // Lines after the cursor that are gone; with a resource filter we cannot know how many of
    // them matched, so this counts all of them (an upper bound, which is what a reader shows).
    page.dropped = first_kept - (q.after_seq + 1);
  }
  // seq is dense within the deque, so the first line after the cursor is found by index.
  std::size_t start =
      q.after_seq < first_kept ? 0 : static_cast<std::size_t>(q.after_seq + 1 - first_kept);
  for (std::size_t i = start; i < lines_.size() && page.lines.size() < q.limit; ++i) {
    if (wanted(q, lines_[i])) page.lines.push_back(lines_[i]);
  }
  return page;
}

std::vector<LogLine> LogStore::tail(std::string_view resource, std::size_t n) const {
  std::vector<LogLine> out;
  for (auto it = lines_.rbegin(); it != lines_.rend() && out.size() < n; ++it) {
    if (it->resource == resource) out.push_back(*it);
  }
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace slant::engine
