#include "server/token.h"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace slant::server {

namespace {

std::string errnoText(int e) { return std::strerror(e); }

}  // namespace

std::expected<std::string, std::string> defaultTokenDir() {
  if (const char* home = std::getenv("SLANT_HOME"); home && *home) return std::string(home);
  if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.slant";
  return std::unexpected(
      "neither SLANT_HOME nor HOME is set, so there is no place for the API "
      "token file");
}

std::string tokenFilePath(std::string_view dir, int port) {
  std::string path(dir);
  if (!path.empty() && path.back() != '/') path += '/';
  return path + "token-" + std::to_string(port);
}

std::expected<std::string, std::string> generateToken() {
  unsigned char bytes[32];
  std::size_t got = 0;
  while (got < sizeof bytes) {
    ssize_t n = getrandom(bytes + got, sizeof bytes - got, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return std::unexpected("could not create the API token: getrandom: " + errnoText(errno));
    }
    got += static_cast<std::size_t>(n);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string token;
  token.reserve(sizeof bytes * 2);
  for (unsigned char b : bytes) {
    token += kHex[b >> 4];
    token += kHex[b & 0xf];
  }
  return token;
}

std::expected<void, std::string> writeTokenFile(const std::string& path, std::string_view token) {
  std::filesystem::path p(path);
  auto fail = [&](int e) {
    return std::unexpected("could not write the API token to " + path + ": " + errnoText(e));
  };
  if (p.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(p.parent_path(), ec);
    if (ec) {
      return std::unexpected("could not create " + p.parent_path().string() +
                             " for the API token: " + ec.message());
    }
    // Only tighten a directory we may have just created; never loosen the user's own choice.
    ::chmod(p.parent_path().c_str(), 0700);
  }
  // Write a private temporary file, then rename it over the old one: a reader never sees a
  // half-written token, and the file is never readable by others, not even for a moment.
  std::string tmp = path + ".tmp" + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return fail(errno);
  std::string content = std::string(token) + "\n";
  std::size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return fail(e);
    }
    done += static_cast<std::size_t>(n);
  }
  ::fchmod(fd, 0600);  // in case an old temporary file with other bits was reused
  if (::close(fd) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    return fail(e);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    return fail(e);
  }
  return {};
}

std::expected<std::string, std::string> readTokenFile(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    return std::unexpected("could not read the API token from " + path + ": " + errnoText(errno));
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos)
    return std::unexpected("the API token file " + path + " is empty");
  auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

bool tokensEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

}  // namespace slant::server
