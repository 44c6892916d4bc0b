// Tar streams of local trees: the build context of a docker_build, and the files a live update
// copies into a container. Both are produced incrementally as a BodySource.
//
// The walk keeps a stack of directories, each with its sorted listing (sorted so that the same
// tree always gives the same bytes), and resumes where it stopped on every fill(). It filters
// as Tilt builds its contexts (internal/build/tar.go with ignore.CreateBuildContextFilter):
//   - an entry named ".git" is never sent;
//   - with `only`, a path is sent only when it is under an `only` path or is a directory above
//     one (so that the directories leading to it exist);
//   - a path the ignore patterns match is not sent; an ignored directory is not even listed
//     when the patterns say that nothing under it can come back (IgnoreMatcher::matchesEntireDir),
//     so a 1 GB ignored node_modules costs one lstat.
// A file of at most kWholeFileBytes is read whole before its header is written, so that a file
// that changes while it is read is still sent consistently (its size as read); a bigger one is
// streamed and, if it shrinks meanwhile, padded with zeros to the size its header announced. A
// path that vanishes before it is opened is skipped (a later live update brings the news).
// Entries carry the file's permission bits and mtime and uid/gid 0: Docker's classic builder
// hashes contents and those headers but not mtimes, so an unchanged tree gives the same image.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <expected>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "docker/body.h"
#include "watch/ignore.h"

namespace slant::docker {

/// Files up to this size are read whole before their header is written.
inline constexpr std::size_t kWholeFileBytes = 1024 * 1024;

/// A local file or directory and the name it gets in the archive.
struct ArchiveRoot {
  std::string local;  ///< absolute, clean
  /// The archive path of `local` ("app/main.go"); empty for a build context, whose children are
  /// at the top of the archive.
  std::string name;
};

/// What an archive holds.
struct ArchiveSpec {
  std::vector<ArchiveRoot> roots;
  /// Applies to everything below a root (never to a root itself).
  watch::IgnoreMatcher ignore;
  std::vector<std::string> only;  ///< absolute, clean; empty: everything
  /// Files written first, from memory (name, contents), mode 0644, mtime 0: a generated
  /// Dockerfile. A walked file of the same name is left out.
  std::vector<std::pair<std::string, std::string>> extra_files;
};

/// Counters of a finished (or running) archive.
struct ArchiveStats {
  std::uint64_t entries = 0;
  std::uint64_t bytes = 0;        ///< of the archive so far
  std::uint64_t skipped = 0;      ///< paths that vanished or were not regular/dir/symlink
  std::uint64_t lstat_calls = 0;  ///< how much of the tree was looked at
};

/// The tar stream of an ArchiveSpec.
class ArchiveSource final : public BodySource {
 public:
  explicit ArchiveSource(ArchiveSpec spec);
  ~ArchiveSource() override;

  /// Appends the next bytes; see BodySource::fill. Returns an error naming the path when a
  /// directory or file exists but cannot be read.
  std::expected<bool, std::string> fill(std::string& out, std::size_t max) override;

  /// What has been produced so far.
  const ArchiveStats& stats() const { return stats_; }

 private:
  struct Listing;
  struct OpenFile;
  /// Handles one path (an entry of a directory, or a root); may push a directory.
  std::expected<void, std::string> visit(const std::string& local, const std::string& name,
                                         bool is_root, std::string& out);
  bool onlyAllows(const std::string& local, bool is_dir) const;
  std::expected<void, std::string> pushDirectory(const std::string& local, const std::string& name);
  /// Streams the open big file into `out`; true once it is done.
  std::expected<bool, std::string> continueFile(std::string& out, std::size_t max);

  ArchiveSpec spec_;
  std::size_t next_extra_ = 0;
  std::size_t next_root_ = 0;
  std::vector<Listing> stack_;
  std::unique_ptr<OpenFile> file_;
  bool finished_ = false;
  ArchiveStats stats_;
};

/// The archive path of `remote` (absolute, in a container) for an upload to "/": without its
/// leading "/", cleaned.
std::string archiveNameForRemote(const std::string& remote);

}  // namespace slant::docker
