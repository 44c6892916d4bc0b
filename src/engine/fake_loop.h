// A Loop for unit tests: time stands still until the test advances it, and posted calls run when
// the test drains the loop. Everything happens on the test's thread.
#pragma once

#include <deque>
#include <map>
#include <utility>

#include "engine/loop.h"

namespace slant::engine {

/// A deterministic Loop driven by the test.
class FakeLoop : public Loop {
 public:
  TimePoint now() const override { return now_; }
  std::chrono::system_clock::time_point wallNow() const override;
  void post(std::function<void()> fn) override { posted_.push_back(std::move(fn)); }
  TimerId runAfter(Duration delay, std::function<void()> fn) override;
  void cancel(TimerId id) override;

  /// Runs posted calls (and calls they post) until none is left.
  void drain();
  /// Runs the oldest posted call, if any; returns whether there was one.
  bool drainOne();
  /// Moves the clock forward by `d`, firing due timers in time order and draining after each.
  void advance(Duration d);
  /// The number of timers that have not fired or been cancelled.
  size_t pendingTimers() const { return timers_.size(); }

 private:
  TimePoint now_{std::chrono::hours(1)};
  TimerId next_id_ = 1;
  std::deque<std::function<void()>> posted_;
  /// Ordered by due time, then by creation (the id), as a real loop fires them.
  std::map<std::pair<TimePoint, TimerId>, std::function<void()>> timers_;
};

}  // namespace slant::engine
