// The real engine::TiltfileRunner: executes Tiltfiles on one worker thread, away from the loop.
//
// All Starlark work of a slant process happens on this one thread: Starlark values (the
// universe's included) have non-atomic reference counts, so two executions must never overlap
// on different threads. Requests are queued; results and log lines are posted to the loop.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "engine/backends.h"
#include "engine/loop.h"
#include "starlark/starlark.h"

namespace slant::cli {

/// Runs tiltfile::loadTiltfile on a worker thread.
class ThreadTiltfileRunner : public engine::TiltfileRunner {
 public:
  /// `extension_dirs` are passed to every execution (load('ext://...')).
  ThreadTiltfileRunner(engine::Loop& loop, std::vector<std::string> extension_dirs = {});
  /// Cancels a running execution and joins the worker.
  ~ThreadTiltfileRunner() override;

  void run(engine::TiltfileRequest request, std::function<void(std::string_view line)> on_log,
           std::function<void(engine::TiltfileResult result)> done) override;

 private:
  struct Job {
    engine::TiltfileRequest request;
    std::function<void(std::string_view)> on_log;
    std::function<void(engine::TiltfileResult)> done;
  };
  void work();

  engine::Loop& loop_;
  std::vector<std::string> extension_dirs_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  starlark::Thread* running_ = nullptr;  // guarded by mu_
  std::thread worker_;
};

}  // namespace slant::cli
