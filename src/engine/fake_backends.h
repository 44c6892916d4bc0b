// In-memory fakes of the engine's backends, for unit tests of the engine's logic under a
// FakeLoop. Each records what it was asked and lets the test play the world's part: exit a
// process, print a line, flip a probe, deliver a batch of file changes, finish a Tiltfile run.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/backends.h"

namespace slant::engine {

/// A ProcessRunner whose processes run until the test ends them.
class FakeProcessRunner : public ProcessRunner {
 public:
  struct Process {
    ProcessSpec spec;
    ProcessCallbacks callbacks;
    bool running = true;
    bool stop_requested = false;
  };

  ProcessId start(const ProcessSpec& spec, ProcessCallbacks callbacks) override;
  /// Records the request and ends the process with SIGTERM at once (the fake has no grace).
  void stop(ProcessId id, Duration grace) override;

  /// Every process started so far, by id (in start order).
  const std::map<ProcessId, Process>& processes() const { return processes_; }
  /// The ids of running processes whose argv contains `needle` (as one argument).
  std::vector<ProcessId> running(std::string_view needle = {}) const;
  /// The id of the single running process whose argv contains `needle`; 0 if none or several.
  ProcessId find(std::string_view needle) const;
  /// How many processes whose argv contains `needle` were ever started.
  int startCount(std::string_view needle) const;
  /// Emits a stdout line from a running process.
  void print(ProcessId id, std::string_view line);
  /// Ends a running process with an exit code.
  void exit(ProcessId id, int code);

 private:
  ProcessId next_id_ = 1;
  std::map<ProcessId, Process> processes_;
};

/// A Prober whose results the test sets.
class FakeProber : public Prober {
 public:
  ProbeId start(const model::Probe& probe,
                std::function<void(bool ready, std::string detail)> on_change) override;
  void stop(ProbeId id) override;
  /// Reports a readiness change on a running probe.
  void set(ProbeId id, bool ready, std::string detail = {});
  /// The ids of running probes.
  std::vector<ProbeId> running() const;

 private:
  ProbeId next_id_ = 1;
  std::map<ProbeId, std::function<void(bool, std::string)>> probes_;
};

/// A FileWatcher that delivers the batches the test gives it to the watches that cover them.
class FakeFileWatcher : public FileWatcher {
 public:
  WatchId watch(const WatchSpec& spec, Duration debounce,
                std::function<void(std::vector<std::string> paths)> on_batch) override;
  void unwatch(WatchId id) override;
  /// Delivers `paths` (filtered per watch by the watched paths, not by ignores) to every watch.
  void change(const std::vector<std::string>& paths);
  /// The specs of the active watches.
  std::vector<WatchSpec> specs() const;

 private:
  struct Watch {
    WatchSpec spec;
    std::function<void(std::vector<std::string>)> on_batch;
  };
  WatchId next_id_ = 1;
  std::map<WatchId, Watch> watches_;
};

/// A TiltfileRunner that hands every request to the test, which finishes it with a result.
class FakeTiltfileRunner : public TiltfileRunner {
 public:
  void run(TiltfileRequest request, std::function<void(std::string_view line)> on_log,
           std::function<void(TiltfileResult result)> done) override;
  /// Whether a run is waiting for finish().
  bool busy() const { return !pending_.empty(); }
  /// The requests made so far.
  const std::vector<TiltfileRequest>& requests() const { return requests_; }
  /// Finishes the oldest pending run with `result`, logging `log` lines first.
  void finish(TiltfileResult result, const std::vector<std::string>& log = {});

 private:
  struct Pending {
    std::function<void(std::string_view)> on_log;
    std::function<void(TiltfileResult)> done;
  };
  std::vector<TiltfileRequest> requests_;
  std::vector<Pending> pending_;
};

}  // namespace slant::engine
