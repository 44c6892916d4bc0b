// The bytes of a tar archive, one entry header at a time, in the format Docker's archive/tar
// reader accepts: POSIX ustar headers, and a PAX extended header ("x" entry) before any entry
// whose name does not fit ustar's 100 + 155 bytes, whose link target does not fit 100 bytes, or
// whose size does not fit 11 octal digits. Owners are always root (uid/gid 0, no names), as
// Tilt writes them, so that who runs slant never changes an image.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace slant::docker {

/// The size of a tar block; entries and their data are padded to it.
inline constexpr std::size_t kTarBlock = 512;

/// The kinds of entries slant writes.
enum class TarType : char { kFile = '0', kSymlink = '2', kDirectory = '5' };

/// One entry's metadata.
struct TarEntry {
  std::string name;  ///< relative, "/"-separated, no leading "/" (a directory's without "/")
  TarType type = TarType::kFile;
  std::uint32_t mode = 0644;  ///< permission bits (and setuid/setgid/sticky)
  std::uint64_t size = 0;     ///< of a file's data; 0 for others
  std::int64_t mtime = 0;     ///< seconds since the epoch
  std::string link;           ///< a symlink's target
};

/// Appends the header block(s) of `entry` to `out`: a PAX header first when needed, then the
/// ustar header. The data (for a file) follows, then tarPadding(size).
void appendTarHeader(const TarEntry& entry, std::string& out);

/// The number of zero bytes that pad `size` bytes of data to a whole block.
inline std::size_t tarPadding(std::uint64_t size) {
  return static_cast<std::size_t>((kTarBlock - size % kTarBlock) % kTarBlock);
}

/// Appends the end of an archive (two zero blocks) to `out`.
void appendTarEnd(std::string& out);

}  // namespace slant::docker
