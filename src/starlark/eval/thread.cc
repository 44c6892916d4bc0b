// Thread: the state of one execution (call stack, callbacks, limits, host data).
#include <cstdio>

#include "starlark/eval/interp.h"

namespace slant::starlark {

Thread::Thread() : internal_(std::make_unique<Internal>()) {
  internal_->frames.reserve(64);
  print_ = [](Thread&, std::string_view msg) {
    std::fwrite(msg.data(), 1, msg.size(), stdout);
    std::fputc('\n', stdout);
  };
}

Thread::~Thread() = default;

void Thread::cancel(std::string reason) {
  std::lock_guard<std::mutex> lock(internal_->cancel_mu);
  // The first reason wins, as in go.starlark.net; cancellation cannot be undone.
  if (cancelled.load(std::memory_order_relaxed)) return;
  internal_->cancel_reason = std::move(reason);
  cancelled.store(true, std::memory_order_release);
}

void* Thread::local(std::string_view key) const {
  auto it = locals_.find(key);
  return it == locals_.end() ? nullptr : it->second.get();
}

std::vector<StackFrame> Thread::callStack() const {
  Error e("");
  eval::captureStack(const_cast<Thread&>(*this), e);
  return e.stack();
}

std::string Thread::callerFile() const {
  const auto& frames = internal_->frames;
  for (auto it = frames.rbegin(); it != frames.rend(); ++it) {
    if (it->frame != nullptr) {
      const syntax::Position& pos = it->frame->fn->code().pos;
      return pos.file != nullptr ? *pos.file : std::string();
    }
  }
  return {};
}

}  // namespace slant::starlark
