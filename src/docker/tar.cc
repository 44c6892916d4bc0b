#include "docker/tar.h"

#include <algorithm>
#include <cstring>

namespace slant::docker {
namespace {

// ustar field offsets and widths.
constexpr std::size_t kNameOff = 0, kNameLen = 100;
constexpr std::size_t kModeOff = 100;
constexpr std::size_t kUidOff = 108, kGidOff = 116;
constexpr std::size_t kSizeOff = 124, kMtimeOff = 136, kChksumOff = 148;
constexpr std::size_t kTypeOff = 156, kLinkOff = 157, kLinkLen = 100;
constexpr std::size_t kMagicOff = 257, kVersionOff = 263;
constexpr std::size_t kPrefixOff = 345, kPrefixLen = 155;
constexpr std::uint64_t kMaxOctal11 = 077777777777ULL;

// Writes `value` as `width - 1` octal digits and a NUL (tar's numeric fields).
void putOctal(char* field, std::size_t width, std::uint64_t value) {
  std::size_t digits = width - 1;
  field[digits] = '\0';
  for (std::size_t i = digits; i-- > 0;) {
    field[i] = static_cast<char>('0' + (value & 7));
    value >>= 3;
  }
}

// Splits `name` into ustar's prefix and name at a "/", or returns false when it cannot fit.
bool splitUstarName(std::string_view name, std::string_view& prefix, std::string_view& rest) {
  if (name.size() <= kNameLen) {
    prefix = {};
    rest = name;
    return true;
  }
  if (name.size() > kNameLen + 1 + kPrefixLen) return false;
  // The prefix may hold at most 155 bytes, the name 100: find a "/" that satisfies both.
  for (std::size_t slash = std::min(name.size() - 1, kPrefixLen); slash > 0; --slash) {
    if (name[slash] != '/') continue;
    if (name.size() - slash - 1 > kNameLen) return false;
    if (slash == name.size() - 1) continue;
    prefix = name.substr(0, slash);
    rest = name.substr(slash + 1);
    return true;
  }
  return false;
}

// One PAX record: "<length> <key>=<value>\n", the length counting itself.
void appendPaxRecord(std::string_view key, std::string_view value, std::string& out) {
  std::size_t body = 1 + key.size() + 1 + value.size() + 1;  // " key=value\n"
  std::size_t len = body + 1;
  while (std::to_string(len).size() + body != len) len = std::to_string(len).size() + body;
  out += std::to_string(len);
  out += ' ';
  out += key;
  out += '=';
  out += value;
  out += '\n';
}

void appendBlock(std::string_view name, std::string_view prefix, char type, std::uint32_t mode,
                 std::uint64_t size, std::int64_t mtime, std::string_view link, std::string& out) {
  char h[kTarBlock];
  std::memset(h, 0, sizeof h);
  // (memcpy of an empty view's null data is undefined, hence copy_n.)
  std::copy_n(name.data(), std::min(name.size(), kNameLen), h + kNameOff);
  putOctal(h + kModeOff, 8, mode & 07777);
  putOctal(h + kUidOff, 8, 0);
  putOctal(h + kGidOff, 8, 0);
  putOctal(h + kSizeOff, 12, size > kMaxOctal11 ? 0 : size);
  putOctal(h + kMtimeOff, 12, mtime < 0 ? 0 : std::min<std::uint64_t>(mtime, kMaxOctal11));
  h[kTypeOff] = type;
  std::copy_n(link.data(), std::min(link.size(), kLinkLen), h + kLinkOff);
  std::memcpy(h + kMagicOff, "ustar", 6);  // with its NUL
  std::memcpy(h + kVersionOff, "00", 2);
  std::copy_n(prefix.data(), std::min(prefix.size(), kPrefixLen), h + kPrefixOff);
  // The checksum is computed with its own field as spaces, then written as 6 digits, NUL, space.
  std::memset(h + kChksumOff, ' ', 8);
  unsigned sum = 0;
  for (unsigned char c : h) sum += c;
  putOctal(h + kChksumOff, 7, sum);
  h[kChksumOff + 7] = ' ';
  out.append(h, sizeof h);
}

}  // namespace

void appendTarHeader(const TarEntry& entry, std::string& out) {
  std::string_view prefix, rest;
  bool name_fits = splitUstarName(entry.name, prefix, rest);
  bool link_fits = entry.link.size() <= kLinkLen;
  bool size_fits = entry.size <= kMaxOctal11;
  if (!name_fits || !link_fits || !size_fits) {
    std::string records;
    if (!name_fits) appendPaxRecord("path", entry.name, records);
    if (!link_fits) appendPaxRecord("linkpath", entry.link, records);
    if (!size_fits) appendPaxRecord("size", std::to_string(entry.size), records);
    appendBlock("PaxHeader", {}, 'x', 0644, records.size(), entry.mtime, {}, out);
    out += records;
    out.append(tarPadding(records.size()), '\0');
    if (!name_fits) {
      // Readers that ignore PAX still get a recognisable (truncated) name.
      rest = std::string_view(entry.name).substr(0, kNameLen);
      prefix = {};
    }
  }
  appendBlock(rest, prefix, static_cast<char>(entry.type), entry.mode,
              entry.type == TarType::kFile ? entry.size : 0, entry.mtime,
              link_fits ? std::string_view(entry.link) : std::string_view(), out);
}

void appendTarEnd(std::string& out) { out.append(2 * kTarBlock, '\0'); }

}  // namespace slant::docker
