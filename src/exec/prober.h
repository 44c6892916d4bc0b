// The real Prober: readiness probes run as Kubernetes (and Tilt, through tilt-dev/probe) run
// them, asynchronously on the engine's Asio loop.
//
// A probe waits initial_delay_secs, then runs its action every period_secs, each run bounded by
// timeout_secs (a run that overruns counts as a failure and is abandoned: its socket closed, its
// process group killed). A run that takes longer than the period delays the next one; runs never
// overlap. Consecutive equal results are counted: success_threshold successes in a row make the
// probe ready, failure_threshold failures in a row make it not ready, and on_change is called
// only when that state changes (the first call comes with the first crossing, either way). The
// fields keep Tilt's defaults when <= 0: timeout 1, period 10, success 1, failure 3.
//
// The actions:
//   - exec: the argv runs through the ProcessRunner (slant's directory and environment); exit
//     status 0 is success.
//   - http_get: an HTTP/1.1 GET of http://host:port/path (host defaults to localhost) with
//     `Connection: close`; a status from 200 to 399 is success. Redirects are not followed (a 3xx
//     is a success, as for Kubernetes when the redirect leaves the host). Only the status line
//     and headers are read. https is not supported: such a probe fails with a detail saying so.
//   - tcp_socket: success when a TCP connection to host:port can be opened (then closed at once).
// Host names are resolved with Asio's asynchronous resolver and every resolved address is tried
// in turn, as Go's dialer does; the first error is the one reported.
//
// The detail strings follow Kubernetes and Go: `HTTP probe failed with statuscode: 503`,
// `Get "http://localhost:8080/health": dial tcp 127.0.0.1:8080: connect: connection refused`,
// `dial tcp 127.0.0.1:5432: connect: connection refused`, `dial tcp 127.0.0.1:5432: i/o
// timeout`, `command "pg_isready" timed out`, `exit status 1: <last line of its output>`.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include "engine/asio_loop.h"
#include "engine/backends.h"
#include "model/project.h"

namespace slant::exec {

/// How a LocalProber behaves beyond what each probe asks for.
struct ProberOptions {
  /// The length of one of the probe's "seconds" (initial_delay_secs, timeout_secs,
  /// period_secs). Tests shorten it to run probes with sub-second periods; slant keeps 1 s.
  engine::Duration second = std::chrono::seconds(1);
  /// The directory exec probes run in; empty means slant's working directory.
  std::string exec_dir;
};

/// Runs readiness probes on an AsioLoop; exec probes run through `processes`. Use it on the loop
/// thread only; destroy it before `processes` and the loop.
class LocalProber final : public engine::Prober {
 public:
  /// A prober on `loop`, starting exec probes with `processes`.
  LocalProber(engine::AsioLoop& loop, engine::ProcessRunner& processes, ProberOptions options = {});
  /// Stops every probe (an exec probe's running process is killed).
  ~LocalProber() override;

  LocalProber(const LocalProber&) = delete;
  LocalProber& operator=(const LocalProber&) = delete;

  /// Starts probing; the first run is after initial_delay_secs (never inside this call). A probe
  /// without an action, or with a bad port, fails every run with a detail that says why.
  engine::ProbeId start(const model::Probe& probe,
                        std::function<void(bool ready, std::string detail)> on_change) override;
  /// Stops probing; abandons a run in progress; no callback fires after it. Does nothing for an
  /// unknown id.
  void stop(engine::ProbeId id) override;

 private:
  struct Worker;
  struct NetRun;
  using WorkerPtr = std::shared_ptr<Worker>;

  void run(const WorkerPtr& w);
  void runExec(const WorkerPtr& w);
  void runNet(const WorkerPtr& w);
  void connectNext(const WorkerPtr& w, const std::shared_ptr<NetRun>& net);
  void sendRequest(const WorkerPtr& w, const std::shared_ptr<NetRun>& net);
  void readResponse(const WorkerPtr& w, const std::shared_ptr<NetRun>& net);
  void timedOut(const WorkerPtr& w, std::uint64_t run_id);
  void complete(const WorkerPtr& w, std::uint64_t run_id, bool success, std::string detail);
  void abandonRun(Worker& w);

  engine::AsioLoop& loop_;
  engine::ProcessRunner& processes_;
  ProberOptions options_;
  engine::ProbeId next_id_ = 1;
  std::unordered_map<engine::ProbeId, WorkerPtr> workers_;
};

}  // namespace slant::exec
