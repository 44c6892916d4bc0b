#include "watch/debouncer.h"

#include <algorithm>
#include <utility>

namespace slant::watch {

Debouncer::Debouncer(engine::Loop& loop, engine::Duration quiet, engine::Duration max_open,
                     std::function<void(std::vector<std::string> paths)> on_batch)
    : loop_(loop), quiet_(quiet), max_open_(max_open), on_batch_(std::move(on_batch)) {}

Debouncer::~Debouncer() {
  if (quiet_timer_) loop_.cancel(quiet_timer_);
  if (max_timer_) loop_.cancel(max_timer_);
}

void Debouncer::add(std::string path) {
  last_change_ = loop_.now();
  paths_.insert(std::move(path));
  if (quiet_timer_) return;
  quiet_timer_ = loop_.runAfter(quiet_, [this] { onQuietTimer(); });
  max_timer_ = loop_.runAfter(max_open_, [this] {
    max_timer_ = 0;
    deliver();
  });
}

void Debouncer::flush() {
  if (open()) deliver();
}

void Debouncer::onQuietTimer() {
  quiet_timer_ = 0;
  engine::Duration since = loop_.now() - last_change_;
  if (since < quiet_) {
    quiet_timer_ = loop_.runAfter(quiet_ - since, [this] { onQuietTimer(); });
    return;
  }
  deliver();
}

void Debouncer::deliver() {
  if (quiet_timer_) loop_.cancel(std::exchange(quiet_timer_, 0));
  if (max_timer_) loop_.cancel(std::exchange(max_timer_, 0));
  std::vector<std::string> batch;
  batch.reserve(paths_.size());
  for (auto it = paths_.begin(); it != paths_.end();) {
    batch.push_back(std::move(paths_.extract(it++).value()));
  }
  std::sort(batch.begin(), batch.end());
  // The callback may destroy this Debouncer: call a copy, and touch nothing afterwards.
  auto on_batch = on_batch_;
  on_batch(std::move(batch));
}

}  // namespace slant::watch
