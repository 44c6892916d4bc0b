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

/// An ImageBuilder whose builds run until the test finishes them.
class FakeImageBuilder : public ImageBuilder {
 public:
  struct Build {
    ImageBuildRequest request;
    std::function<void(std::string_view)> on_log;
    std::function<void(ImageBuildResult)> done;
    bool cancelled = false;
  };
  OpId build(const ImageBuildRequest& request, std::function<void(std::string_view)> on_log,
             std::function<void(ImageBuildResult)> done) override;
  void cancel(OpId id) override;
  /// Every build started so far, by id.
  const std::map<OpId, Build>& builds() const { return builds_; }
  /// The id of the running build of `ref`; 0 if none.
  OpId running(std::string_view ref) const;
  /// How many builds of `ref` were started.
  int buildCount(std::string_view ref) const;
  /// Finishes the running build of `ref` as `built` ("app:tilt-0123456789abcdef"), or with
  /// `error` when it is non-empty.
  void finish(std::string_view ref, std::string built, std::string error = {});

 private:
  OpId next_id_ = 1;
  std::map<OpId, Build> builds_;
};

/// A ComposeRunner whose commands run until the test finishes them, and whose containers'
/// states the test sets.
class FakeComposeRunner : public ComposeRunner {
 public:
  struct Command {
    std::string verb;  ///< "up", "rm", "down"
    ComposeUpRequest request;
    bool volumes = false;
    std::function<void(std::string)> done;
    bool finished = false;
  };
  OpId up(const ComposeUpRequest& request, std::function<void(std::string_view)> on_log,
          std::function<void(std::string)> done) override;
  OpId rm(const model::DcTarget& target, std::function<void(std::string_view)> on_log,
          std::function<void(std::string)> done) override;
  OpId down(const model::DcTarget& target, bool volumes,
            std::function<void(std::string_view)> on_log,
            std::function<void(std::string)> done) override;
  WatchId watchService(const model::DcTarget& target,
                       std::function<void(const ContainerState&)> on_state,
                       std::function<void(std::string_view)> on_log) override;
  void unwatchService(WatchId id) override;

  /// Every command so far, by id.
  const std::map<OpId, Command>& commands() const { return commands_; }
  /// The id of the unfinished command `verb` for `service`; 0 if none.
  OpId pending(std::string_view verb, std::string_view service) const;
  /// How many `verb` commands for `service` were started.
  int count(std::string_view verb, std::string_view service) const;
  /// Finishes a command with `error` ("" for success).
  void finish(OpId id, std::string error = {});
  /// Reports a container state to the watchers of `service`.
  void setState(std::string_view service, const ContainerState& state);
  /// Prints a line from the container of `service`.
  void print(std::string_view service, std::string_view line);
  /// How many watches of `service` are active.
  int watchers(std::string_view service) const;

 private:
  struct Watch {
    std::string service;
    std::function<void(const ContainerState&)> on_state;
    std::function<void(std::string_view)> on_log;
  };
  OpId next_id_ = 1;
  std::map<OpId, Command> commands_;
  std::map<WatchId, Watch> watches_;
};

/// A ContainerUpdater whose operations run until the test finishes them.
class FakeContainerUpdater : public ContainerUpdater {
 public:
  struct Op {
    std::string verb;  ///< "copy", "exec", "restart"
    std::string container;
    std::vector<FileCopy> copies;
    std::vector<std::string> deletes;
    std::vector<std::string> argv;
    std::function<void(std::string_view)> on_line;
    std::function<void(std::string)> done;
    std::function<void(const ExitStatus&)> exec_done;
    bool finished = false;
  };
  OpId copy(const std::string& container, std::vector<FileCopy> copies,
            std::vector<std::string> deletes, std::vector<std::string> ignore,
            std::function<void(std::string)> done) override;
  OpId exec(const std::string& container, std::vector<std::string> argv,
            std::function<void(std::string_view)> on_line,
            std::function<void(const ExitStatus&)> done) override;
  OpId restart(const std::string& container, std::function<void(std::string)> done) override;

  /// Every operation so far, in order.
  const std::map<OpId, Op>& ops() const { return ops_; }
  /// The id of the oldest unfinished operation; 0 if none.
  OpId next() const;
  /// Finishes a copy or restart with `error` ("" for success).
  void finish(OpId id, std::string error = {});
  /// Finishes an exec with an exit code, after printing `lines`.
  void finishExec(OpId id, int exit_code, const std::vector<std::string>& lines = {});

 private:
  OpId next_id_ = 1;
  std::map<OpId, Op> ops_;
};

}  // namespace slant::engine
