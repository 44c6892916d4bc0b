// The interpreter's internal interface, shared by interp.cc, thread.cc and exec.cc.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "starlark/eval/code.h"
#include "starlark/eval/function.h"
#include "starlark/starlark.h"

namespace slant::starlark::eval {

/// The activation of a Starlark function (or a file's top level) on the C++ stack.
struct Frame {
  Thread* thread;
  Function* fn;
  ModuleEnv* module;
  Value* locals;
  /// Where this frame is executing, as far as a backtrace is concerned: the '(' of the call in
  /// progress, or the node that failed.
  const Position* pos;
  Value result;                ///< the value of a return statement
  std::optional<Error> error;  ///< set when a statement returns Flow::kError
};

/// Chooses the interpreter's handler for every node of a compiled program (the specialised
/// ones where a node's shape allows). Must run before the program executes.
void linkProgram(Program& program);

/// Runs the top level of a module (a Function over its toplevel code) and returns the value of
/// its return statement, if any (for evalExpr), else None.
Result<Value> runToplevel(Thread& thread, ModuleEnv& module, std::string_view name);

/// Calls any callable value; errors carry the call stack.
Result<Value> callValue(Thread& thread, const Value& fn, const CallArgs& args);

/// Calls a def or lambda, storing its result in out; on error stores the error (with its call
/// stack) in err and returns false. If `movable` is given, it holds args.positional's values and
/// the callee may move them out.
bool invokeFunction(Thread& thread, Function& fn, const CallArgs& args, Value* movable, Value& out,
                    std::optional<Error>& err);

/// Calls a def or lambda. If `movable` is given, it holds args.positional's values and the
/// callee may move them out.
Result<Value> callFunction(Thread& thread, Function& fn, const CallArgs& args,
                           Value* movable = nullptr);

/// Records the thread's current call stack in err unless it already has one.
void captureStack(Thread& thread, Error& err);

}  // namespace slant::starlark::eval

namespace slant::starlark {

/// The evaluator's per-thread state.
struct Thread::Internal {
  /// One entry per active call, outermost first: a Starlark frame, or a builtin (frame null)
  /// with its name.
  struct FrameRec {
    const eval::Frame* frame;
    std::string_view builtin;
  };
  std::vector<FrameRec> frames;

  /// The lowest address the C++ stack may grow to before calls fail with "maximum recursion
  /// depth exceeded" (0: unknown, only the frame count is limited).
  uintptr_t stack_limit = 0;

  std::mutex cancel_mu;
  std::string cancel_reason;  ///< guarded by cancel_mu; set once
};

}  // namespace slant::starlark
