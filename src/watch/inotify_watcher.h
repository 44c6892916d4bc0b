// The real FileWatcher on Linux: one inotify instance for every watch, read asynchronously on
// the engine's Asio loop. See inotify_watcher.cc for how directories are followed.
#pragma once

#include <cstddef>
#include <expected>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/asio_loop.h"
#include "engine/backends.h"
#include "watch/debouncer.h"

namespace slant::watch {

/// How an InotifyWatcher behaves beyond what each watch asks for.
struct InotifyOptions {
  /// How long a batch may stay open while changes keep coming.
  engine::Duration max_batch_open = kMaxBatchOpen;
  /// How long the loop may spend walking directories before it lets other work run.
  engine::Duration scan_slice = std::chrono::milliseconds(8);
};

/// Watches directory trees recursively with inotify and delivers debounced batches of changed
/// absolute paths (sorted, unique, filtered by the watch's ignore patterns and the built-in
/// ignores). A batch that contains a watched path itself means "anything under it may have
/// changed": it is what an event-queue overflow produces (and what a watched directory's own
/// creation, deletion or replacement looks like). Everything runs on the loop thread; destroy the
/// watcher before the loop.
class InotifyWatcher : public engine::FileWatcher {
 public:
  /// Opens an inotify instance on `loop`. Returns an error saying which limit to raise when the
  /// per-user limit of inotify instances (or of open files) is reached.
  static std::expected<std::unique_ptr<InotifyWatcher>, std::string> create(
      engine::AsioLoop& loop, InotifyOptions options = {});
  ~InotifyWatcher() override;

  engine::WatchId watch(const engine::WatchSpec& spec, engine::Duration debounce,
                        std::function<void(std::vector<std::string> paths)> on_batch) override;
  void unwatch(engine::WatchId id) override;
  void setErrorHandler(
      std::function<void(engine::WatchId id, std::string message)> on_error) override;

  /// Runs `fn` on the loop once every directory found so far is watched (right after the current
  /// callback if the walk is already done). Changes made after that are seen.
  void whenSettled(std::function<void()> fn);
  /// Calls `fn` with each change a watch accepts, as it arrives (before debouncing), for
  /// measurements and debugging; `fn` must not call watch() or unwatch(). An empty function
  /// removes it.
  void setChangeObserver(std::function<void(engine::WatchId id, std::string_view path)> fn);
  /// The number of directories that hold an inotify watch.
  std::size_t watchedDirectories() const;

 private:
  class Impl;
  explicit InotifyWatcher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// The current value of /proc/sys/fs/inotify/<name> ("max_user_watches", ...), or -1.
long inotifyLimit(std::string_view name);

}  // namespace slant::watch
