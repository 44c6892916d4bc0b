#include "docker/context.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

#include "docker/tar.h"
#include "engine/text.h"

namespace slant::docker {

using engine::errnoText;
namespace {

// How many paths one fill() may look at before it returns, so that a long stretch of ignored
// files never holds the loop.
constexpr int kVisitsPerFill = 2048;

bool vanished(int err) { return err == ENOENT || err == ENOTDIR; }

std::string joinName(const std::string& dir, const std::string& child) {
  return dir.empty() ? child : dir + "/" + child;
}

// Whether `path` is `dir` or below it.
bool covers(const std::string& dir, const std::string& path) {
  if (dir == "/") return true;
  return path.size() >= dir.size() && path.compare(0, dir.size(), dir) == 0 &&
         (path.size() == dir.size() || path[dir.size()] == '/');
}

}  // namespace

struct ArchiveSource::Listing {
  std::string local;
  std::string name;
  std::vector<std::string> children;
  std::size_t next = 0;
};

struct ArchiveSource::OpenFile {
  int fd = -1;
  std::string local;
  std::uint64_t remaining = 0;  ///< data bytes still owed to the archive
  std::size_t padding = 0;
  bool eof = false;  ///< the file ended early: the rest is zeros
  ~OpenFile() {
    if (fd >= 0) ::close(fd);
  }
};

ArchiveSource::ArchiveSource(ArchiveSpec spec) : spec_(std::move(spec)) {}
ArchiveSource::~ArchiveSource() = default;

std::string archiveNameForRemote(const std::string& remote) {
  std::string clean = watch::cleanPath(remote);
  std::size_t start = clean.find_first_not_of('/');
  return start == std::string::npos ? std::string() : clean.substr(start);
}

bool ArchiveSource::onlyAllows(const std::string& local, bool is_dir) const {
  if (spec_.only.empty()) return true;
  for (const std::string& o : spec_.only) {
    if (covers(o, local)) return true;
    if (is_dir && covers(local, o)) return true;
  }
  return false;
}

std::expected<void, std::string> ArchiveSource::pushDirectory(const std::string& local,
                                                              const std::string& name) {
  DIR* dir = ::opendir(local.c_str());
  if (!dir) {
    int err = errno;
    if (vanished(err)) {
      ++stats_.skipped;
      return {};
    }
    return std::unexpected("cannot read directory " + local + ": " + errnoText(err));
  }
  Listing listing{local, name, {}, 0};
  while (dirent* e = ::readdir(dir)) {
    if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
    listing.children.emplace_back(e->d_name);
  }
  ::closedir(dir);
  std::sort(listing.children.begin(), listing.children.end());
  stack_.push_back(std::move(listing));
  return {};
}

std::expected<void, std::string> ArchiveSource::visit(const std::string& local,
                                                      const std::string& name, bool is_root,
                                                      std::string& out) {
  struct stat st;
  ++stats_.lstat_calls;
  if (::lstat(local.c_str(), &st) != 0) {
    int err = errno;
    if (vanished(err)) {
      ++stats_.skipped;
      return {};
    }
    return std::unexpected("cannot read " + local + ": " + errnoText(err));
  }
  bool is_dir = S_ISDIR(st.st_mode);
  if (!is_root) {
    if (!onlyAllows(local, is_dir)) return {};
    if (spec_.ignore.matches(local)) {
      // An ignored directory is still walked when a "!" pattern may bring back a path below it,
      // but its own entry is not sent.
      if (is_dir && !spec_.ignore.matchesEntireDir(local)) return pushDirectory(local, name);
      return {};
    }
    for (const auto& [extra, contents] : spec_.extra_files)
      if (extra == name) return {};
  }
  TarEntry entry;
  entry.name = name;
  entry.mode = st.st_mode & 07777;
  entry.mtime = st.st_mtim.tv_sec;
  if (is_dir) {
    if (!name.empty()) {
      entry.type = TarType::kDirectory;
      appendTarHeader(entry, out);
      ++stats_.entries;
    }
    return pushDirectory(local, name);
  }
  if (S_ISLNK(st.st_mode)) {
    std::string target(static_cast<std::size_t>(st.st_size) + 1, '\0');
    for (;;) {
      ssize_t n = ::readlink(local.c_str(), target.data(), target.size());
      if (n < 0) {
        int err = errno;
        if (vanished(err) || err == EINVAL) {
          ++stats_.skipped;
          return {};
        }
        return std::unexpected("cannot read symlink " + local + ": " + errnoText(err));
      }
      if (static_cast<std::size_t>(n) < target.size()) {
        target.resize(static_cast<std::size_t>(n));
        break;
      }
      target.resize(target.size() * 2);
    }
    entry.type = TarType::kSymlink;
    entry.link = std::move(target);
    appendTarHeader(entry, out);
    ++stats_.entries;
    return {};
  }
  if (!S_ISREG(st.st_mode)) {  // sockets, fifos, devices: Docker's own CLI skips them too
    ++stats_.skipped;
    return {};
  }
  int fd = ::open(local.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    int err = errno;
    if (vanished(err) || err == ELOOP) {
      ++stats_.skipped;
      return {};
    }
    return std::unexpected("cannot read " + local + ": " + errnoText(err));
  }
  struct stat fst;
  if (::fstat(fd, &fst) != 0 || !S_ISREG(fst.st_mode)) {
    ::close(fd);
    ++stats_.skipped;
    return {};
  }
  entry.mode = fst.st_mode & 07777;
  entry.mtime = fst.st_mtim.tv_sec;
  if (static_cast<std::uint64_t>(fst.st_size) <= kWholeFileBytes) {
    // Read it all first: the header then states exactly the size of what follows.
    std::string data(static_cast<std::size_t>(fst.st_size), '\0');
    std::size_t have = 0;
    for (;;) {
      if (have == data.size()) data.resize(data.size() + 4096);
      ssize_t n = ::read(fd, data.data() + have, data.size() - have);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        int err = errno;
        ::close(fd);
        return std::unexpected("cannot read " + local + ": " + errnoText(err));
      }
      if (n == 0) break;
      have += static_cast<std::size_t>(n);
      if (have > kWholeFileBytes) break;  // grew meanwhile: send what the header can hold
    }
    ::close(fd);
    data.resize(have);
    entry.size = have;
    appendTarHeader(entry, out);
    out += data;
    out.append(tarPadding(have), '\0');
    ++stats_.entries;
    return {};
  }
  entry.size = static_cast<std::uint64_t>(fst.st_size);
  appendTarHeader(entry, out);
  ++stats_.entries;
  file_ = std::make_unique<OpenFile>();
  file_->fd = fd;
  file_->local = local;
  file_->remaining = entry.size;
  file_->padding = tarPadding(entry.size);
  return {};
}

std::expected<bool, std::string> ArchiveSource::continueFile(std::string& out, std::size_t max) {
  OpenFile& f = *file_;
  while (f.remaining > 0 && out.size() < max) {
    std::size_t want = static_cast<std::size_t>(
        std::min<std::uint64_t>(f.remaining, std::max<std::size_t>(max - out.size(), 4096)));
    std::size_t at = out.size();
    if (f.eof) {
      out.append(want, '\0');
    } else {
      out.resize(at + want);
      ssize_t n = ::read(f.fd, out.data() + at, want);
      if (n < 0 && errno == EINTR) {
        out.resize(at);
        continue;
      }
      if (n < 0) {
        int err = errno;
        out.resize(at);
        return std::unexpected("cannot read " + f.local + ": " + errnoText(err));
      }
      if (n == 0) f.eof = true;  // shrank while being sent: zeros keep the archive well-formed
      want = static_cast<std::size_t>(n);
      out.resize(at + want);
    }
    f.remaining -= want;
  }
  if (f.remaining > 0) return false;
  out.append(f.padding, '\0');
  file_.reset();
  return true;
}

std::expected<bool, std::string> ArchiveSource::fill(std::string& out, std::size_t max) {
  if (finished_) return false;
  std::size_t start = out.size();
  int visits = 0;
  while (out.size() - start < max) {
    if (file_) {
      auto done = continueFile(out, start + max);
      if (!done) return std::unexpected(done.error());
      if (!*done) break;
      continue;
    }
    if (next_extra_ < spec_.extra_files.size()) {
      const auto& [name, contents] = spec_.extra_files[next_extra_++];
      TarEntry entry{name, TarType::kFile, 0644, contents.size(), 0, {}};
      appendTarHeader(entry, out);
      out += contents;
      out.append(tarPadding(contents.size()), '\0');
      ++stats_.entries;
      continue;
    }
    if (visits++ >= kVisitsPerFill) break;
    if (!stack_.empty()) {
      Listing& top = stack_.back();
      if (top.next == top.children.size()) {
        stack_.pop_back();
        continue;
      }
      const std::string& child = top.children[top.next++];
      if (child == ".git") continue;
      std::string local = top.local == "/" ? "/" + child : top.local + "/" + child;
      std::string name = joinName(top.name, child);
      auto r = visit(local, name, /*is_root=*/false, out);
      if (!r) return std::unexpected(r.error());
      continue;
    }
    if (next_root_ < spec_.roots.size()) {
      const ArchiveRoot& root = spec_.roots[next_root_++];
      auto r = visit(root.local, root.name, /*is_root=*/true, out);
      if (!r) return std::unexpected(r.error());
      continue;
    }
    appendTarEnd(out);
    finished_ = true;
    break;
  }
  stats_.bytes += out.size() - start;
  return !finished_;
}

}  // namespace slant::docker
