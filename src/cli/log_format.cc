#include "cli/log_format.h"

#include "engine/engine.h"

namespace slant::cli {

namespace {

constexpr std::string_view kSeparator = " │ ";
constexpr std::string_view kEllipsis = "…";

// Decodes one UTF-8 sequence at the start of `s`; returns the code point and its length, or
// (-1, 1) for a byte that does not start a valid sequence.
std::pair<char32_t, std::size_t> decode(std::string_view s) {
  auto b = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char c = b(0);
  if (c < 0x80) return {c, 1};
  std::size_t len = c >= 0xf0 && c < 0xf5 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
  if (len == 0 || len > s.size()) return {static_cast<char32_t>(-1), 1};
  char32_t cp = c & (len == 2 ? 0x1f : len == 3 ? 0x0f : 0x07);
  for (std::size_t i = 1; i < len; ++i) {
    if ((b(i) & 0xc0) != 0x80) return {static_cast<char32_t>(-1), 1};
    cp = (cp << 6) | (b(i) & 0x3f);
  }
  // Overlong forms and surrogates are not valid UTF-8.
  if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
      (cp >= 0xd800 && cp <= 0xdfff)) {
    return {static_cast<char32_t>(-1), 1};
  }
  return {cp, len};
}

int width(char32_t cp) {
  if (cp == static_cast<char32_t>(-1)) return 1;
  // Combining marks and zero-width characters.
  if ((cp >= 0x0300 && cp <= 0x036f) || (cp >= 0x200b && cp <= 0x200f) ||
      (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0x20d0 && cp <= 0x20ff)) {
    return 0;
  }
  // East Asian Wide and Fullwidth ranges, and emoji.
  if ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0x303e) ||
      (cp >= 0x3041 && cp <= 0x33ff) || (cp >= 0x3400 && cp <= 0x4dbf) ||
      (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xa000 && cp <= 0xa4cf) ||
      (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
      (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
      (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1f64f) ||
      (cp >= 0x1f900 && cp <= 0x1f9ff) || (cp >= 0x20000 && cp <= 0x3fffd)) {
    return 2;
  }
  return 1;
}

}  // namespace

int displayWidth(std::string_view s) {
  int w = 0;
  while (!s.empty()) {
    auto [cp, len] = decode(s);
    w += width(cp);
    s.remove_prefix(len);
  }
  return w;
}

std::string logPrefix(std::string_view resource) {
  if (resource.empty() || resource == engine::kTiltfileResource) return "";
  std::string out;
  int w = displayWidth(resource);
  if (w <= kLogPrefixColumns) {
    out.assign(static_cast<std::size_t>(kLogPrefixColumns - w), ' ');
    out += resource;
  } else {
    // Keep what fits in 12 columns, then the ellipsis (one column). A wide character that did
    // not fit leaves a column free: pad in front, so that the name stays right-aligned.
    int used = 0;
    std::string kept;
    std::string_view rest = resource;
    while (!rest.empty()) {
      auto [cp, len] = decode(rest);
      int cw = width(cp);
      if (used + cw > kLogPrefixColumns - 1) break;
      kept += rest.substr(0, len);
      used += cw;
      rest.remove_prefix(len);
    }
    out.assign(static_cast<std::size_t>(kLogPrefixColumns - 1 - used), ' ');
    out += kept;
    out += kEllipsis;
  }
  out += kSeparator;
  return out;
}

std::string formatLogLine(const engine::LogLine& line) {
  return logPrefix(line.resource) + line.text;
}

}  // namespace slant::cli
