// Helpers shared by the exec/ tests, which run a real AsioLoop on the test's thread.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

#include "engine/asio_loop.h"

namespace slant::exec {

/// How long a test waits for something that should happen (generous: sanitizer builds on a
/// busy machine).
inline constexpr auto kPatience = std::chrono::seconds(20);

/// Runs `loop` on this thread until `pred` holds; false after `patience`.
inline bool runLoopUntil(engine::AsioLoop& loop, const std::function<bool()>& pred,
                         std::chrono::seconds patience = kPatience) {
  using std::chrono::milliseconds;
  auto deadline = std::chrono::steady_clock::now() + patience;
  loop.io().restart();
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    if (loop.io().run_one_for(milliseconds(50)) == 0) {
      loop.io().restart();
      std::this_thread::sleep_for(milliseconds(5));
    }
  }
  return true;
}

/// Runs `loop` on this thread for `d`, whatever happens.
inline void runLoopFor(engine::AsioLoop& loop, engine::Duration d) {
  auto deadline = std::chrono::steady_clock::now() + d;
  runLoopUntil(loop, [&] { return std::chrono::steady_clock::now() >= deadline; });
}

}  // namespace slant::exec
