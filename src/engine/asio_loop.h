// The real Loop: a Boost.Asio io_context run on the calling thread. Backends that wait on file
// descriptors (process pipes, inotify, sockets) use io() directly, so that all of slant's I/O is
// multiplexed on the one loop thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <unordered_map>

#include "engine/loop.h"

namespace slant::engine {

/// A Loop over a Boost.Asio io_context.
class AsioLoop : public Loop {
 public:
  AsioLoop();
  ~AsioLoop() override;

  TimePoint now() const override { return Clock::now(); }
  std::chrono::system_clock::time_point wallNow() const override {
    return std::chrono::system_clock::now();
  }
  void post(std::function<void()> fn) override;
  TimerId runAfter(Duration delay, std::function<void()> fn) override;
  void cancel(TimerId id) override;

  /// The io_context the loop runs, for backends that wait on descriptors and sockets.
  boost::asio::io_context& io() { return io_; }

  /// Runs callbacks on the calling thread until stop() (or until there is no work and no guard).
  void run();
  /// Makes run() return after the current callback; callable from any thread.
  void stop();

 private:
  boost::asio::io_context io_;
  TimerId next_id_ = 1;
  std::unordered_map<TimerId, std::unique_ptr<boost::asio::steady_timer>> timers_;
};

}  // namespace slant::engine
