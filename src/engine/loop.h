// The engine's event loop as the engine's logic sees it: a clock, deferred calls and timers. The
// engine, the debouncer and the probes run on one loop thread and never block it; slow work runs
// elsewhere and comes back through post(). AsioLoop (asio_loop.h) is the real loop, FakeLoop
// (fake_loop.h) a manual clock for unit tests.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

namespace slant::engine {

/// A monotonic clock's time and durations, as the loop reports them.
using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using Duration = Clock::duration;

/// Identifies a timer for cancel(); 0 is never a valid id.
using TimerId = std::uint64_t;

/// An event loop: runs callbacks one at a time on its own thread.
class Loop {
 public:
  virtual ~Loop() = default;

  /// The loop's current time (monotonic).
  virtual TimePoint now() const = 0;
  /// The wall-clock time, for timestamps users read (log lines, build history).
  virtual std::chrono::system_clock::time_point wallNow() const = 0;

  /// Runs `fn` on the loop thread after the current callback. The only member that may be called
  /// from another thread.
  virtual void post(std::function<void()> fn) = 0;

  /// Runs `fn` on the loop thread once `delay` has passed; returns an id for cancel().
  virtual TimerId runAfter(Duration delay, std::function<void()> fn) = 0;

  /// Cancels a timer that has not fired yet; does nothing for an unknown or fired id.
  virtual void cancel(TimerId id) = 0;
};

}  // namespace slant::engine
