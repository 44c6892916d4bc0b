#include "engine/fake_loop.h"

namespace slant::engine {

std::chrono::system_clock::time_point FakeLoop::wallNow() const {
  // A fixed epoch plus the fake monotonic time, so that timestamps in tests are reproducible.
  return std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000)) +
         std::chrono::duration_cast<std::chrono::system_clock::duration>(now_.time_since_epoch());
}

TimerId FakeLoop::runAfter(Duration delay, std::function<void()> fn) {
  TimerId id = next_id_++;
  timers_.emplace(std::pair(now_ + delay, id), std::move(fn));
  return id;
}

void FakeLoop::cancel(TimerId id) {
  for (auto it = timers_.begin(); it != timers_.end(); ++it) {
    if (it->first.second == id) {
      timers_.erase(it);
      return;
    }
  }
}

void FakeLoop::drain() {
  while (drainOne()) {
  }
}

bool FakeLoop::drainOne() {
  if (posted_.empty()) return false;
  auto fn = std::move(posted_.front());
  posted_.pop_front();
  fn();
  return true;
}

void FakeLoop::advance(Duration d) {
  TimePoint end = now_ + d;
  drain();
  while (!timers_.empty() && timers_.begin()->first.first <= end) {
    auto node = timers_.extract(timers_.begin());
    now_ = node.key().first;
    node.mapped()();
    drain();
  }
  now_ = end;
}

}  // namespace slant::engine
