#include "server/view_stream.h"

#include <nlohmann/json.hpp>

#include "server/wire.h"

namespace slant::server {

using Json = nlohmann::json;

namespace {

std::string dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

}  // namespace

ViewStream::ViewStream(engine::Loop& loop, engine::EngineApi& api, std::size_t max_queued_bytes,
                       std::function<void()> wake)
    : loop_(loop), api_(api), max_queued_bytes_(max_queued_bytes), wake_(std::move(wake)) {}

ViewStream::~ViewStream() {
  if (subscription_) api_.unsubscribe(subscription_);
}

void ViewStream::start() {
  // The view message is queued whatever its size: the cap is for what piles up after it.
  queue_.push_back(viewMessage(false));
  queued_bytes_ += queue_.back().size();
  std::weak_ptr<bool> alive = alive_;
  engine::EngineListener listener;
  listener.on_resource_changed = [this, alive](std::string_view name) {
    if (alive.lock()) onResourceChanged(name);
  };
  listener.on_log = [this, alive](const engine::LogLine& line) {
    if (alive.lock()) onLog(line);
  };
  subscription_ = api_.subscribe(std::move(listener));
  if (wake_) wake_();
}

std::optional<std::string> ViewStream::next() {
  if (!queue_.empty()) {
    std::string m = std::move(queue_.front());
    queue_.pop_front();
    queued_bytes_ -= m.size();
    return m;
  }
  if (overflowed_) {
    // Everything queued was dropped and the writer has caught up: start over from the state
    // of now. Changes and lines after this moment are queued again as usual.
    overflowed_ = false;
    ++resyncs_;
    return viewMessage(true);
  }
  return std::nullopt;
}

std::string ViewStream::viewMessage(bool resync) const {
  engine::LogQuery none;
  none.limit = 0;
  Json m = {{"type", "view"}, {"view", api_.view()}, {"last_seq", api_.logs(none).last_seq}};
  if (resync) m["resync"] = true;
  return dump(m);
}

void ViewStream::onResourceChanged(std::string_view name) {
  if (overflowed_) return;  // the fresh view will carry it
  std::string n(name);
  if (!dirty_set_.insert(n).second) return;
  dirty_.push_back(std::move(n));
  postFlush();
}

void ViewStream::postFlush() {
  if (flush_posted_) return;
  flush_posted_ = true;
  std::weak_ptr<bool> alive = alive_;
  loop_.post([this, alive] {
    if (alive.lock()) flush();
  });
}

void ViewStream::flush() {
  flush_posted_ = false;
  // The lines first: they were appended before or while the resources changed.
  if (!pending_lines_.empty()) {
    Json lines = std::move(pending_lines_);
    pending_lines_ = Json::array();
    pending_bytes_ = 0;
    push(dump({{"type", "logs"}, {"lines", std::move(lines)}}));
  }
  std::vector<std::string> names = std::move(dirty_);
  dirty_.clear();
  dirty_set_.clear();
  for (const auto& name : names) {
    if (overflowed_) return;
    auto r = api_.resource(name);
    if (r) {
      push(dump({{"type", "resource"}, {"resource", std::move(*r)}}));
    } else {
      push(dump({{"type", "resource_deleted"}, {"name", name}}));
    }
  }
}

void ViewStream::onLog(const engine::LogLine& line) {
  if (overflowed_) return;
  // Batched per turn of the loop: at thousands of lines a second, one message (and one
  // WebSocket frame) per line costs the server and the browser far more than the lines.
  pending_lines_.push_back(logLineJson(line));
  // The batch counts against the cap too (its JSON is about the text plus 100 bytes).
  pending_bytes_ += line.text.size() + line.resource.size() + 100;
  if (queued_bytes_ + pending_bytes_ > max_queued_bytes_) {
    overflow();
    return;
  }
  postFlush();
}

void ViewStream::overflow() {
  queue_.clear();
  queued_bytes_ = 0;
  dirty_.clear();
  dirty_set_.clear();
  pending_lines_ = Json::array();
  pending_bytes_ = 0;
  overflowed_ = true;
  // The writer may be idle (it took its last message and has nothing in flight): wake it so
  // that it takes the fresh view.
  if (wake_) wake_();
}

void ViewStream::push(std::string message) {
  if (queued_bytes_ + message.size() > max_queued_bytes_) {
    overflow();
    return;
  }
  bool was_empty = queue_.empty();
  queued_bytes_ += message.size();
  queue_.push_back(std::move(message));
  if (was_empty && wake_) wake_();
}

}  // namespace slant::server
