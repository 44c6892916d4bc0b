// Error::backtrace: go.starlark.net's EvalError.Backtrace format.
#include <string>

#include "starlark/value.h"

namespace slant::starlark {

namespace {

void appendPosition(std::string& out, const StackFrame& f) {
  if (f.file.empty()) {
    out += "<builtin>";
    return;
  }
  out += f.file;
  if (f.line > 0) {
    out += ':';
    out += std::to_string(f.line);
    if (f.col > 0) {
      out += ':';
      out += std::to_string(f.col);
    }
  }
}

}  // namespace

std::string Error::backtrace() const {
  // A static error (parse, resolve) has no call stack: its message says where it is.
  if (!hasStack()) return message();
  const std::vector<StackFrame>& stack = data_->stack;
  size_t n = stack.size();
  std::string suffix;
  // An error raised by a builtin reads "Error in len: ..." rather than listing the builtin.
  if (n > 0 && stack[n - 1].file.empty()) {
    suffix = " in " + stack[n - 1].function;
    --n;
  }
  std::string out;
  if (n > 0) out += "Traceback (most recent call last):\n";
  for (size_t i = 0; i < n; ++i) {
    out += "  ";
    appendPosition(out, stack[i]);
    out += ": in ";
    out += stack[i].function;
    out += '\n';
  }
  out += "Error";
  out += suffix;
  out += ": ";
  out += message();
  return out;
}

}  // namespace slant::starlark
