#include "engine/asio_loop.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

namespace slant::engine {

AsioLoop::AsioLoop() = default;
AsioLoop::~AsioLoop() = default;

void AsioLoop::post(std::function<void()> fn) { boost::asio::post(io_, std::move(fn)); }

TimerId AsioLoop::runAfter(Duration delay, std::function<void()> fn) {
  TimerId id = next_id_++;
  auto timer = std::make_unique<boost::asio::steady_timer>(io_, delay);
  timer->async_wait([this, id, fn = std::move(fn)](const boost::system::error_code& ec) {
    if (ec) return;  // cancelled
    timers_.erase(id);
    fn();
  });
  timers_.emplace(id, std::move(timer));
  return id;
}

void AsioLoop::cancel(TimerId id) {
  // Erasing the timer cancels its wait; the handler then runs with operation_aborted.
  timers_.erase(id);
}

void AsioLoop::run() {
  auto guard = boost::asio::make_work_guard(io_);
  io_.run();
}

void AsioLoop::stop() { io_.stop(); }

}  // namespace slant::engine
