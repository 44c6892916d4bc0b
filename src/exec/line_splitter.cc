#include "exec/line_splitter.h"

#include <algorithm>

namespace slant::exec {
namespace {

bool isContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// How many bytes the UTF-8 character that starts with `lead` has; 0 if `lead` cannot start one.
std::size_t sequenceLength(unsigned char lead) {
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;
}

// Where to cut `text` (longer than `max`): at `max`, or before the character that `max` would
// split, if the bytes there are a UTF-8 character.
std::size_t cutPoint(std::string_view text, std::size_t max) {
  std::size_t start = max;
  for (int i = 0; i < 3 && start > 0 && isContinuationByte(text[start]); ++i) --start;
  std::size_t length = sequenceLength(static_cast<unsigned char>(text[start]));
  if (start > 0 && start < max && length > max - start) return start;
  return max;
}

}  // namespace

LineSplitter::LineSplitter(std::size_t max_line) : max_line_(std::max<std::size_t>(max_line, 4)) {}

void LineSplitter::emitLine(std::string_view line, const Emit& emit) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  while (line.size() > max_line_) {
    std::size_t cut = cutPoint(line, max_line_);
    emit(line.substr(0, cut));
    line.remove_prefix(cut);
  }
  emit(line);
}

void LineSplitter::cutLongPartial(const Emit& emit) {
  // Keep one byte more than the cap: it may be the '\r' of a "\r\n" still to come.
  if (partial_.size() <= max_line_ + 1) return;
  std::size_t start = 0;
  std::string_view rest(partial_);
  while (rest.size() > max_line_ + 1) {
    std::size_t cut = cutPoint(rest, max_line_);
    emit(rest.substr(0, cut));
    rest.remove_prefix(cut);
    start += cut;
  }
  partial_.erase(0, start);
}

void LineSplitter::feed(std::string_view chunk, const Emit& emit) {
  while (!chunk.empty()) {
    std::size_t nl = chunk.find('\n');
    if (nl == std::string_view::npos) {
      partial_.append(chunk);
      cutLongPartial(emit);
      return;
    }
    if (partial_.empty()) {
      emitLine(chunk.substr(0, nl), emit);
    } else {
      partial_.append(chunk.substr(0, nl));
      emitLine(partial_, emit);
      partial_.clear();
    }
    chunk.remove_prefix(nl + 1);
  }
}

void LineSplitter::finish(const Emit& emit) {
  if (partial_.empty()) return;
  std::string last = std::move(partial_);
  partial_.clear();
  emitLine(last, emit);
}

}  // namespace slant::exec
