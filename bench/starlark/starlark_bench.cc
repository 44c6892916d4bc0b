// starlark_bench: slant's side of the Starlark benchmarks. It runs the same workloads, with the
// same protocol and output, as the reference runner bench/goref/main.go (go.starlark.net), so
// that scripts/bench-starlark.sh can put the two side by side.
//
//   starlark_bench bench FILE [-mintime SECONDS] [-n N] [-only NAME]
//   starlark_bench run   FILE [-mintime SECONDS] [-n N]
//   starlark_bench parse FILE [-mintime SECONDS] [-n N]
//
// bench executes FILE, then calls each global function named bench_* with a value b that has
// b.n, the number of iterations the function must run, and the methods b.restart(), b.stop() and
// b.start() that act on the clock (go.starlark.net's starlark/bench_test.go, itself modelled on
// Go's testing.B). run measures executing the whole file (parse, resolve, execute, in a fresh
// Heap and Thread each time); parse measures parsing and resolving it only.
//
// Choosing n. Like testing.B, each measurement starts with n = 1 and grows: from the last run's
// time, predict the n that reaches the goal (-mintime, 1 s by default), add 20%, grow at most
// 100-fold and at least by one, until a run lasts at least the goal. -n fixes n instead (for the
// peak-memory runs, which must do the same work in both implementations). The result line is
// NAME<TAB>N<TAB>NS_PER_OP<TAB>CPU_NS_PER_OP, the second figure being the process's CPU time
// (user+system) per operation, which a busy machine disturbs less than wall time; a failure
// prints NAME<TAB>FAIL<TAB>message and the exit status is 1.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "starlark/resolve/resolve.h"
#include "starlark/starlark.h"
#include "starlark/syntax/parser.h"
#include "starlark/value.h"

namespace slant::starlark {
namespace {

using Clock = std::chrono::steady_clock;

// The user+system time of the whole process, in nanoseconds.
int64_t cpuNanoseconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto ns = [](const timeval& tv) {
    return static_cast<int64_t>(tv.tv_sec) * 1000000000 + static_cast<int64_t>(tv.tv_usec) * 1000;
  };
  return ns(ru.ru_utime) + ns(ru.ru_stime);
}

// The clocks (wall and CPU) of one measured run; b.restart(), b.stop() and b.start() act on it.
class Timer {
 public:
  void restart() {
    elapsed_ = Clock::duration::zero();
    elapsed_cpu_ = 0;
    start_ = Clock::now();
    start_cpu_ = cpuNanoseconds();
  }
  void stop() {
    if (running_) {
      elapsed_ += Clock::now() - start_;
      elapsed_cpu_ += cpuNanoseconds() - start_cpu_;
      running_ = false;
    }
  }
  void resume() {
    if (!running_) {
      start_ = Clock::now();
      start_cpu_ = cpuNanoseconds();
      running_ = true;
    }
  }
  int64_t nanoseconds() const {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed_).count();
  }
  int64_t cpuNanosecondsElapsed() const { return elapsed_cpu_; }

 private:
  bool running_ = false;
  Clock::time_point start_;
  Clock::duration elapsed_ = Clock::duration::zero();
  int64_t start_cpu_ = 0;
  int64_t elapsed_cpu_ = 0;
};

// The value b given to each bench_* function.
class Benchmark final : public Object {
 public:
  Benchmark(Timer* timer, int64_t n) : Object(ObjType::kOther), timer_(timer), n_(n) {}
  std::string_view typeName() const override { return "benchmark"; }
  void write(std::string& out, bool, std::vector<const Object*>&) const override {
    out += "<benchmark>";
  }
  Result<std::optional<Value>> attr(Thread&, std::string_view name) const override {
    if (name == "n") return makeInt(n_);
    BuiltinFn fn = nullptr;
    if (name == "restart") fn = &restartImpl;
    if (name == "start") fn = &startImpl;
    if (name == "stop") fn = &stopImpl;
    if (fn == nullptr) return std::nullopt;
    return make<Builtin>(std::string(name), fn, Value(const_cast<Benchmark*>(this)));
  }
  std::vector<std::string> attrNames() const override { return {"n", "restart", "start", "stop"}; }

 private:
  static Timer& timerOf(const BuiltinCall& call) {
    return *static_cast<Benchmark*>(call.receiver.object())->timer_;
  }
  static Result<Value> restartImpl(Thread&, const BuiltinCall& call) {
    timerOf(call).restart();
    return Value();
  }
  static Result<Value> startImpl(Thread&, const BuiltinCall& call) {
    timerOf(call).resume();
    return Value();
  }
  static Result<Value> stopImpl(Thread&, const BuiltinCall& call) {
    timerOf(call).stop();
    return Value();
  }

  Timer* timer_;
  int64_t n_;
};

std::string errorText(const Error& e) { return e.hasStack() ? e.backtrace() : e.message(); }

// One operation repeated n times; returns an error to abort the measurement.
using Body = std::function<Result<void>(Timer& timer, int64_t n)>;

struct Measurer {
  double goal_ns = 1e9;
  int64_t fixed_n = 0;

  // Measures body and prints its result line; returns false on failure.
  bool report(std::string_view name, const Body& body) const {
    int64_t n = fixed_n > 0 ? fixed_n : 1;
    Timer timer;
    auto run = [&](int64_t count) {
      timer = Timer();
      timer.resume();
      Result<void> r = body(timer, count);
      timer.stop();
      return r;
    };
    Result<void> result = run(n);
    while (result && fixed_n == 0 && static_cast<double>(timer.nanoseconds()) < goal_ns &&
           n < 1000000000) {
      int64_t last = n;
      double prev_ns = std::max<double>(static_cast<double>(timer.nanoseconds()), 1.0);
      n = static_cast<int64_t>(goal_ns * static_cast<double>(last) / prev_ns);
      n += n / 5;
      n = std::min(n, 100 * last);
      n = std::max(n, last + 1);
      n = std::min<int64_t>(n, 1000000000);
      result = run(n);
    }
    if (!result) {
      std::string text = errorText(result.error());
      std::replace(text.begin(), text.end(), '\n', ' ');
      std::printf("%.*s\tFAIL\t%s\n", static_cast<int>(name.size()), name.data(), text.c_str());
      std::fflush(stdout);
      return false;
    }
    std::printf("%.*s\t%lld\t%.1f\t%.1f\n", static_cast<int>(name.size()), name.data(),
                static_cast<long long>(n),
                static_cast<double>(timer.nanoseconds()) / static_cast<double>(n),
                static_cast<double>(timer.cpuNanosecondsElapsed()) / static_cast<double>(n));
    std::fflush(stdout);
    return true;
  }
};

void printToStderr(Thread&, std::string_view msg) {
  std::fwrite(msg.data(), 1, msg.size(), stderr);
  std::fputc('\n', stderr);
}

// Executes the file once, then measures each bench_* function in name order.
bool benchFile(const std::string& path, const std::string& source, std::string_view only,
               const Measurer& m) {
  Heap heap;
  HeapScope scope(&heap);
  Thread thread;
  thread.setPrint(printToStderr);
  Result<Module> module = execFile(thread, path, source, StringDict(), FileOptions::tilt());
  if (!module) {
    std::fprintf(stderr, "%s\n", errorText(module.error()).c_str());
    return false;
  }
  std::vector<std::pair<std::string, Value>> benches;
  for (const auto& [name, value] : module->globals) {
    if (name.starts_with("bench_") && value.is(ObjType::kFunction) &&
        (only.empty() || name == only)) {
      benches.emplace_back(name, value);
    }
  }
  std::sort(benches.begin(), benches.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  bool ok = true;
  for (const auto& [name, fn] : benches) {
    ok = m.report(name, [&](Timer& timer, int64_t n) -> Result<void> {
      Value b = make<Benchmark>(&timer, n);
      TRY(call(thread, fn, CallArgs{std::span<const Value>(&b, 1), {}}));
      return {};
    }) && ok;
  }
  return ok;
}

bool runFile(const std::string& path, const std::string& source, const Measurer& m) {
  return m.report("exec", [&](Timer&, int64_t n) -> Result<void> {
    for (int64_t i = 0; i < n; ++i) {
      Heap heap;
      HeapScope scope(&heap);
      Thread thread;
      thread.setPrint(printToStderr);
      TRY(execFile(thread, path, source, StringDict(), FileOptions::tilt()));
    }
    return {};
  });
}

bool parseFile(const std::string& path, const std::string& source, const Measurer& m) {
  std::unordered_set<std::string_view> universal;
  for (const auto& [name, value] : universe()) universal.insert(name);
  resolve::NamePredicate is_predeclared = [](std::string_view) { return false; };
  resolve::NamePredicate is_universal = [&](std::string_view name) {
    return universal.contains(name);
  };
  Heap heap;
  HeapScope scope(&heap);
  return m.report("parse+resolve", [&](Timer&, int64_t n) -> Result<void> {
    for (int64_t i = 0; i < n; ++i) {
      std::unique_ptr<syntax::File> file = TRY(syntax::parseFile(path, source));
      TRY_VOID(resolve::resolveFile(*file, is_predeclared, is_universal, FileOptions::tilt()));
    }
    return {};
  });
}

[[noreturn]] void usage() {
  std::fprintf(stderr,
               "usage: starlark_bench bench|run|parse FILE [-mintime SECONDS] [-n N] "
               "[-only NAME]\n");
  std::exit(2);
}

int benchMain(int argc, char** argv) {
  if (argc < 3) usage();
  std::string_view mode = argv[1];
  std::string path = argv[2];
  Measurer m;
  std::string only;
  for (int i = 3; i < argc; ++i) {
    std::string_view flag = argv[i];
    if (flag.starts_with("--")) flag.remove_prefix(1);
    if (i + 1 >= argc) usage();
    const char* arg = argv[++i];
    if (flag == "-mintime") {
      m.goal_ns = std::strtod(arg, nullptr) * 1e9;
    } else if (flag == "-n") {
      m.fixed_n = std::strtoll(arg, nullptr, 10);
    } else if (flag == "-only") {
      only = arg;
    } else {
      usage();
    }
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "starlark_bench: cannot read %s\n", path.c_str());
    return 2;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string source = buffer.str();

  bool ok;
  if (mode == "bench") {
    ok = benchFile(path, source, only, m);
  } else if (mode == "run") {
    ok = runFile(path, source, m);
  } else if (mode == "parse") {
    ok = parseFile(path, source, m);
  } else {
    usage();
  }
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace slant::starlark

int main(int argc, char** argv) { return slant::starlark::benchMain(argc, argv); }
