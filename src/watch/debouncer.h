// Batches file changes: a batch opens with the first changed path and is delivered once no new
// change has come for the quiet window, or once it has been open for the maximum (Tilt: 200 ms of
// quiet, at most 10 s), so that an editor's save or a `git checkout` becomes one update while a
// process that never stops writing still lets updates through.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <unordered_set>
#include <vector>

#include "engine/loop.h"

namespace slant::watch {

/// Tilt's quiet window (fsevent.BufferMinRestDuration).
inline constexpr engine::Duration kTiltDebounce = std::chrono::milliseconds(200);
/// slant's default quiet window. The longest gap measured inside a vim save, a `git checkout` of
/// 2,000 files or a `cp -r` was 7 ms on an idle machine and 20 ms with both cores busy; only an
/// fsync'd "safe save" stalled by the disk took longer (3 of 162 over 50 ms, 1 over 200 ms). See
/// docs/watching.md.
inline constexpr engine::Duration kDefaultDebounce = std::chrono::milliseconds(50);
/// How long a batch may stay open while changes keep coming (fsevent.BufferMaxDuration).
inline constexpr engine::Duration kMaxBatchOpen = std::chrono::seconds(10);

/// Collects changed paths on a Loop and delivers them in batches. Not thread-safe: use it on the
/// loop thread.
class Debouncer {
 public:
  /// Delivers batches (sorted, unique) to `on_batch` on the loop. `on_batch` may destroy the
  /// Debouncer.
  Debouncer(engine::Loop& loop, engine::Duration quiet, engine::Duration max_open,
            std::function<void(std::vector<std::string> paths)> on_batch);
  /// Cancels the timers; a batch still open is dropped.
  ~Debouncer();
  Debouncer(const Debouncer&) = delete;
  Debouncer& operator=(const Debouncer&) = delete;

  /// Adds a changed path: opens a batch, or keeps the open one open for another quiet window.
  void add(std::string path);
  /// Delivers the open batch now, if there is one.
  void flush();
  /// Whether a batch is open.
  bool open() const { return quiet_timer_ != 0; }
  /// The number of distinct paths in the open batch.
  std::size_t size() const { return paths_.size(); }
  /// The quiet window.
  engine::Duration quiet() const { return quiet_; }

 private:
  void onQuietTimer();
  void deliver();

  engine::Loop& loop_;
  engine::Duration quiet_;
  engine::Duration max_open_;
  std::function<void(std::vector<std::string>)> on_batch_;
  std::unordered_set<std::string> paths_;
  engine::TimePoint last_change_{};
  // The quiet timer is re-armed lazily: a change only moves last_change_, and the timer, when it
  // fires early, sleeps for the rest of the window. So a burst of 100,000 events costs no timer
  // operations.
  engine::TimerId quiet_timer_ = 0;
  engine::TimerId max_timer_ = 0;
};

}  // namespace slant::watch
