// What one /ws/view client receives, independent of the socket: a full view first, then each
// change of a resource and the log lines, as JSON texts (one per WebSocket message).
//
// Coalescing. The engine may report a resource as changed many times in one turn of the loop
// (a burst of process output, a reconcile pass). The stream only marks the resource dirty and
// posts one flush to the loop; the flush sends each dirty resource once, with its state at that
// moment. So a resource that changes 1,000 times in one turn is sent once. Log lines appended in
// the turn go out together in one "logs" message, before the resources: one message per line
// cost more than the lines at 10,000 lines a second.
//
// Back-pressure. Log lines cannot be coalesced, so a client that reads more slowly than the
// engine logs would make the queue grow without bound. The queue is capped in bytes; when a
// message would exceed the cap the stream drops every queued message, stops queueing, and once
// the socket has written what it had in flight, sends a fresh full view (marked "resync": true)
// whose last_seq tells the client where the log continues. The client fetches the lines it
// missed with GET /api/logs?after=SEQ (they stay in the engine's log store until its own cap
// drops them). The connection stays open, and memory stays bounded by the cap plus the one
// message being written.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "engine/api.h"
#include "engine/loop.h"

namespace slant::server {

/// The messages of one WebSocket client. Lives on the loop thread.
class ViewStream {
 public:
  /// `wake` is called whenever a message becomes ready while none was (the socket's writer
  /// then calls next() until it returns nullopt).
  ViewStream(engine::Loop& loop, engine::EngineApi& api, std::size_t max_queued_bytes,
             std::function<void()> wake);
  /// Unsubscribes from the engine.
  ~ViewStream();
  ViewStream(const ViewStream&) = delete;
  ViewStream& operator=(const ViewStream&) = delete;

  /// Queues the full view and subscribes to the engine's changes, in the same turn (so that no
  /// change falls between them).
  void start();

  /// Takes the next message to send, or nullopt when there is none yet.
  std::optional<std::string> next();

  /// Bytes of the messages queued and not yet taken.
  std::size_t queuedBytes() const { return queued_bytes_; }
  /// How many times the queue overflowed and a fresh view replaced it.
  std::uint64_t resyncs() const { return resyncs_; }

 private:
  void onResourceChanged(std::string_view name);
  void onLog(const engine::LogLine& line);
  void postFlush();
  void flush();
  void push(std::string message);
  void overflow();
  std::string viewMessage(bool resync) const;

  engine::Loop& loop_;
  engine::EngineApi& api_;
  std::size_t max_queued_bytes_;
  std::function<void()> wake_;
  engine::SubscriptionId subscription_ = 0;

  std::deque<std::string> queue_;
  std::size_t queued_bytes_ = 0;
  std::vector<std::string> dirty_;  // in the order they first changed
  std::unordered_set<std::string> dirty_set_;
  /// Log lines appended since the last flush, sent together as one "logs" message.
  nlohmann::json pending_lines_ = nlohmann::json::array();
  std::size_t pending_bytes_ = 0;  // about the size of pending_lines_ as JSON
  bool flush_posted_ = false;
  bool overflowed_ = false;  // dropping everything until the fresh view is sent
  std::uint64_t resyncs_ = 0;
  /// Posted flushes hold a weak reference, so that one that runs after the stream is gone
  /// does nothing.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace slant::server
