#include "docker/container_updater.h"

#include <chrono>

#include "docker/context.h"
#include "exec/line_splitter.h"
#include "watch/ignore.h"

namespace slant::docker {
namespace {

// How often, and how many times, an exec whose end the engine has not recorded yet is inspected
// again (the output stream can close a moment before the exit code is stored).
constexpr auto kInspectRetryDelay = std::chrono::milliseconds(10);
constexpr int kInspectRetries = 300;

// The runtime's "OCI runtime exec failed: exec failed: unable to start container process: exec:
// \"foo\": executable file not found in $PATH: unknown" in Go's os/exec wording, as
// ExitStatus::start_error is: `exec: "foo": executable file not found in $PATH`.
std::string startErrorText(std::string_view line) {
  std::string text(line);
  std::size_t at = text.find("exec: \"");
  if (at != std::string::npos) text = text.substr(at);
  if (text.ends_with(": unknown")) text.resize(text.size() - 9);
  return text;
}

}  // namespace

struct DockerContainerUpdater::Op {
  engine::OpId id = 0;
  RequestId request = 0;
  engine::TimerId timer = 0;
  bool cancelled = false;
};

DockerContainerUpdater::DockerContainerUpdater(engine::AsioLoop& loop, Client& client)
    : loop_(loop), client_(client) {}

DockerContainerUpdater::~DockerContainerUpdater() {
  for (auto& [id, op] : ops_) {
    op->cancelled = true;
    if (op->request) client_.cancel(op->request);
    if (op->timer) loop_.cancel(op->timer);
  }
}

std::shared_ptr<DockerContainerUpdater::Op> DockerContainerUpdater::newOp() {
  auto op = std::make_shared<Op>();
  op->id = next_id_++;
  ops_.emplace(op->id, op);
  return op;
}

void DockerContainerUpdater::forget(const std::shared_ptr<Op>& op) {
  op->cancelled = true;
  ops_.erase(op->id);
}

void DockerContainerUpdater::runExec(const std::shared_ptr<Op>& op, const std::string& container,
                                     std::vector<std::string> argv,
                                     std::function<void(std::string_view)> on_line,
                                     std::function<void(const engine::ExitStatus&)> done) {
  struct State {
    exec::LineSplitter out, err;
    std::string runtime_error;  ///< the runtime's own "exec failed" line, held back
    std::string stream_error;
    std::string exec_id;
    int retries = 0;
  };
  auto state = std::make_shared<State>();
  auto fail = [done](std::string error) {
    engine::ExitStatus status;
    status.exit_code = -1;
    status.start_error = std::move(error);
    done(status);
  };
  auto emit = [state, on_line](std::string_view line) {
    if (state->runtime_error.empty() && line.starts_with("OCI runtime exec failed")) {
      state->runtime_error = std::string(line);
      return;
    }
    if (on_line) on_line(line);
  };
  // The retry loop refers to itself weakly: whoever waits on it (a request, a timer) holds it.
  auto inspect = std::make_shared<std::function<void()>>();
  std::weak_ptr<std::function<void()>> weak_inspect = inspect;
  *inspect = [this, op, state, emit, done, fail, weak_inspect] {
    auto inspect = weak_inspect.lock();
    if (!inspect) return;
    op->request =
        client_.execInspect(state->exec_id, [this, op, state, emit, done, fail, inspect](
                                                std::expected<nlohmann::json, std::string> reply) {
          op->request = 0;
          if (op->cancelled) return;
          if (!reply) {
            return fail(reply.error());
          }
          bool running = reply->value("Running", false);
          auto code = reply->find("ExitCode");
          if ((running || code == reply->end() || !code->is_number()) &&
              state->retries++ < kInspectRetries) {
            op->timer = loop_.runAfter(kInspectRetryDelay, [op, inspect] {
              op->timer = 0;
              if (!op->cancelled && *inspect) (*inspect)();
            });
            return;
          }
          engine::ExitStatus status;
          status.exit_code = code != reply->end() && code->is_number() ? code->get<int>() : -1;
          int pid = reply->value("Pid", 0);
          if (!state->runtime_error.empty()) {
            if (pid == 0 && (status.exit_code == 126 || status.exit_code == 127)) {
              status.start_error = startErrorText(state->runtime_error);
            } else {
              emit(state->runtime_error);  // the command's own output after all
            }
          }
          done(status);
        });
  };
  op->request = client_.execCreate(
      container, argv,
      [this, op, state, emit, fail, inspect,
       container](std::expected<nlohmann::json, std::string> reply) {
        op->request = 0;
        if (op->cancelled) return;
        if (!reply) {
          return fail(reply.error());
        }
        state->exec_id = reply->value("Id", std::string());
        auto on_output = [op, state, emit](MuxStream stream, std::string_view data) {
          if (op->cancelled) return;
          (stream == MuxStream::kStderr ? state->err : state->out).feed(data, emit);
        };
        op->request = client_.execStart(state->exec_id, on_output,
                                        [op, state, emit, fail, inspect](std::string error) {
                                          op->request = 0;
                                          if (op->cancelled) return;
                                          state->out.finish(emit);
                                          state->err.finish(emit);
                                          if (!error.empty()) {
                                            return fail(error);
                                          }
                                          (*inspect)();
                                        });
      });
}

engine::OpId DockerContainerUpdater::exec(
    const std::string& container, std::vector<std::string> argv,
    std::function<void(std::string_view line)> on_line,
    std::function<void(const engine::ExitStatus& status)> done) {
  auto op = newOp();
  runExec(op, container, std::move(argv), std::move(on_line),
          [this, op, done = std::move(done)](const engine::ExitStatus& status) {
            forget(op);
            if (done) done(status);
          });
  return op->id;
}

engine::OpId DockerContainerUpdater::copy(const std::string& container,
                                          std::vector<engine::FileCopy> copies,
                                          std::vector<std::string> deletes,
                                          std::vector<std::string> ignore,
                                          std::function<void(std::string error)> done) {
  auto op = newOp();
  auto finish = [this, op, done](std::string error) {
    forget(op);
    if (done) done(std::move(error));
  };
  auto upload = [this, op, container, copies = std::move(copies), ignore = std::move(ignore),
                 finish]() {
    if (copies.empty()) {
      loop_.post([op, finish] {
        if (!op->cancelled) finish("");
      });
      return;
    }
    ArchiveSpec spec;
    std::vector<std::string> errors;
    spec.ignore = watch::IgnoreMatcher::compileBestEffort(ignore, errors);
    for (const engine::FileCopy& c : copies)
      spec.roots.push_back({watch::cleanPath(c.local), archiveNameForRemote(c.remote)});
    op->request = client_.putArchive(
        container, "/", std::make_unique<ArchiveSource>(std::move(spec)),
        [op, container, finish](std::string error) {
          op->request = 0;
          if (op->cancelled) return;
          finish(error.empty() ? "" : "copying files into container " + container + ": " + error);
        });
  };
  if (deletes.empty()) {
    upload();
    return op->id;
  }
  std::vector<std::string> argv = {"rm", "-rf", "--"};
  for (std::string& d : deletes) argv.push_back(std::move(d));
  auto output = std::make_shared<std::string>();
  runExec(
      op, container, std::move(argv),
      [output](std::string_view line) {
        if (output->size() < 4096) *output += (output->empty() ? "" : "\n") + std::string(line);
      },
      [op, container, output, upload, finish](const engine::ExitStatus& status) {
        if (op->cancelled) return;
        if (!status.ok()) {
          return finish("deleting files in container " + container + " failed: " +
                        (status.start_error.empty() ? status.text() : status.start_error) +
                        (output->empty() ? "" : ": " + *output));
        }
        upload();
      });
  return op->id;
}

engine::OpId DockerContainerUpdater::restart(const std::string& container,
                                             std::function<void(std::string error)> done) {
  auto op = newOp();
  op->request = client_.containerRestart(
      container, kRestartTimeoutSecs, [this, op, container, done](std::string error) {
        op->request = 0;
        if (op->cancelled) return;
        forget(op);
        if (done) done(error.empty() ? "" : "restarting container " + container + ": " + error);
      });
  return op->id;
}

}  // namespace slant::docker
