#include "exec/process_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>
#include <vector>

#include "engine/text.h"
#include "exec/line_splitter.h"
#include "exec/supervisor.h"

extern char** environ;

namespace slant::exec {

using engine::errnoText;
namespace {

using boost::asio::posix::stream_descriptor;
using engine::ExitStatus;
using engine::OutputStream;

constexpr std::size_t kReadChunk = 64 * 1024;
// How much one readiness of a pipe may read before other work gets a turn.
constexpr std::size_t kFairShare = 256 * 1024;
// What a drain reads at most from a pipe whose writer outlived the command.
constexpr std::size_t kDrainLimit = 1024 * 1024;

bool isExecutableFile(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || S_ISDIR(st.st_mode)) return false;
  if (::faccessat(AT_FDCWD, path.c_str(), X_OK, AT_EACCESS) == 0) return true;
  if (errno != ENOSYS && errno != EPERM) return false;
  return (st.st_mode & 0111) != 0;
}

// slant's environment with `overrides` applied in order (a later value for a name wins).
std::vector<std::string> childEnvironment(
    const std::vector<std::pair<std::string, std::string>>& overrides) {
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) env.emplace_back(*e);
  for (const auto& [name, value] : overrides) {
    std::string entry = name + "=" + value;
    bool replaced = false;
    for (std::string& existing : env) {
      if (existing.size() > name.size() && existing.compare(0, name.size(), name) == 0 &&
          existing[name.size()] == '=') {
        existing = entry;
        replaced = true;
        break;
      }
    }
    if (!replaced) env.push_back(std::move(entry));
  }
  return env;
}

void closeFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// The graveyard of processes whose supervisor did not exit in time when the runner was
// destroyed: their stack and block must stay mapped while it may still run.
std::vector<std::shared_ptr<void>>& graveyard() {
  static auto* processes = new std::vector<std::shared_ptr<void>>();
  return *processes;
}

}  // namespace

std::expected<std::string, std::string> lookPath(std::string_view file, std::string_view path_env) {
  std::string name(file);
  std::size_t i = 0;
  while (true) {
    std::size_t j = path_env.find(':', i);
    std::string dir(
        path_env.substr(i, j == std::string_view::npos ? std::string_view::npos : j - i));
    if (dir.empty()) dir = ".";
    std::string candidate = dir == "." ? name : dir + "/" + name;
    if (!file.empty() && isExecutableFile(candidate)) {
      if (dir.front() != '/') {
        return std::unexpected("exec: \"" + name +
                               "\": cannot run executable found relative to current directory");
      }
      return candidate;
    }
    if (j == std::string_view::npos) break;
    i = j + 1;
  }
  return std::unexpected("exec: \"" + name + "\": executable file not found in $PATH");
}

struct LocalProcessRunner::Process {
  explicit Process(boost::asio::io_context& io)
      : streams{stream_descriptor(io), stream_descriptor(io)}, control(io), supervisor_fd(io) {}

  engine::ProcessId id = 0;
  engine::ProcessCallbacks callbacks;
  LocalProcessRunner* runner = nullptr;  // null once the runner is gone

  // What the supervisor reads, unchanged until it has been reaped.
  std::string path;
  std::string dir;
  std::vector<std::string> arg_strings;
  std::vector<std::string> env_strings;
  std::vector<char*> argv;
  std::vector<char*> envp;
  SupervisorBlock block;
  Supervisor supervisor;
  bool supervisor_running = false;
  int supervisor_signal = 0;  // the signal that ended the supervisor itself, if one did

  std::array<stream_descriptor, 2> streams;  // stdout, stderr
  std::array<bool, 2> open = {false, false};
  std::array<LineSplitter, 2> lines;
  // The control socket: commands to the supervisor, SupervisorMessages from it.
  stream_descriptor control;
  bool status_open = false;
  std::array<char, 4 * sizeof(SupervisorMessage)> status_buf{};
  std::size_t status_len = 0;
  stream_descriptor supervisor_fd;

  pid_t group = 0;
  ExitStatus exit;
  bool have_exit = false;
  bool stopping = false;
  engine::TimePoint kill_at{};
  engine::TimerId kill_timer = 0;
  engine::TimerId drain_timer = 0;
  bool draining = false;
  bool finished = false;

  void emit(int stream, std::string_view line) const {
    if (callbacks.on_line) {
      callbacks.on_line(stream == 0 ? OutputStream::kStdout : OutputStream::kStderr, line);
    }
  }
};

LocalProcessRunner::LocalProcessRunner(engine::AsioLoop& loop, RunnerOptions options)
    : loop_(loop), options_(options), read_buffer_(kReadChunk) {
  dev_null_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (dev_null_ < 0) {
    std::fprintf(stderr, "slant: cannot open /dev/null: %s\n", std::strerror(errno));
    std::abort();
  }
  // Each process costs slant four descriptors (stdout, stderr, control socket, pidfd): 500
  // serve_cmds need more than the usual soft limit of 1024. Raise it to the hard limit, as Go
  // does at start-up, and give children the original one back, as Go's os/exec does.
  struct rlimit limit;
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    struct rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) {
      open_files_.restore = true;
      open_files_.soft = limit.rlim_cur;
      open_files_.hard = limit.rlim_max;
    }
  }
}

LocalProcessRunner::~LocalProcessRunner() {
  for (auto& [id, p] : processes_) {
    p->runner = nullptr;
    p->finished = true;
    if (p->kill_timer) loop_.cancel(p->kill_timer);
    if (p->drain_timer) loop_.cancel(p->drain_timer);
    // SIGKILL now; the end-of-file that follows tells the supervisor the same.
    sendControl(*p, kKillGroup);
    boost::system::error_code ignored;
    p->control.close(ignored);
  }
  auto deadline = engine::Clock::now() + std::chrono::seconds(1);
  for (auto& [id, p] : processes_) {
    boost::system::error_code ignored;
    for (auto& s : p->streams) s.close(ignored);
    if (!p->supervisor_running) continue;
    while (true) {
      siginfo_t info{};
      if (::waitid(P_PID, p->supervisor.pid, &info, WEXITED | WNOHANG) == 0 && info.si_pid != 0) {
        p->supervisor_running = false;
        break;
      }
      auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - engine::Clock::now());
      if (left.count() <= 0) break;
      pollfd pfd{p->supervisor.pidfd, POLLIN, 0};
      ::poll(&pfd, 1, static_cast<int>(left.count()));
    }
    p->supervisor_fd.close(ignored);
    if (p->supervisor_running) {
      graveyard().push_back(p);  // it may still run on that stack
    } else {
      releaseSupervisorStack(p->supervisor);
    }
  }
  processes_.clear();
  closeFd(dev_null_);
}

engine::ProcessId LocalProcessRunner::start(const engine::ProcessSpec& spec,
                                            engine::ProcessCallbacks callbacks) {
  auto p = std::make_shared<Process>(loop_.io());
  p->id = next_id_++;
  p->callbacks = std::move(callbacks);
  p->runner = this;
  processes_.emplace(p->id, p);

  const model::Cmd& cmd = spec.cmd;
  if (cmd.argv.empty()) {
    fail(p, "exec: no command");
    return p->id;
  }
  // As Go's exec.Command: a bare name is looked up in slant's own $PATH, a path with a '/' is
  // used as it is (relative to the command's directory).
  p->path = cmd.argv[0];
  if (p->path.find('/') == std::string::npos) {
    const char* path_env = std::getenv("PATH");
    auto found = lookPath(p->path, path_env != nullptr ? path_env : "");
    if (!found) {
      fail(p, found.error());
      return p->id;
    }
    p->path = std::move(*found);
  }
  p->dir = cmd.dir;
  p->arg_strings = cmd.argv;
  for (std::string& a : p->arg_strings) p->argv.push_back(a.data());
  p->argv.push_back(nullptr);
  p->env_strings = childEnvironment(cmd.env);
  for (std::string& e : p->env_strings) p->envp.push_back(e.data());
  p->envp.push_back(nullptr);

  int out[2] = {-1, -1};
  int err[2] = {-1, -1};
  int control[2] = {-1, -1};
  auto closeAll = [&] {
    for (int* fds : {out, err, control}) {
      closeFd(fds[0]);
      closeFd(fds[1]);
    }
  };
  if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0 ||
      ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, control) != 0) {
    int e = errno;
    closeAll();
    fail(p, "fork/exec " + p->path + ": " + errnoText(e));
    return p->id;
  }
  SupervisorBlock& block = p->block;
  block.path = p->path.c_str();
  block.argv = p->argv.data();
  block.envp = p->envp.data();
  block.dir = p->dir.empty() ? nullptr : p->dir.c_str();
  block.stdin_fd = dev_null_;
  block.stdout_fd = out[1];
  block.stderr_fd = err[1];
  block.control_fd = control[0];
  block.restore_open_files = open_files_.restore;
  block.open_files_soft = open_files_.soft;
  block.open_files_hard = open_files_.hard;
  auto supervisor = startSupervisor(block);
  // The supervisor has its own copies of its ends (or there is no supervisor).
  closeFd(out[1]);
  closeFd(err[1]);
  closeFd(control[0]);
  if (!supervisor) {
    closeAll();
    fail(p, "fork/exec " + p->path + ": " + errnoText(supervisor.error()));
    return p->id;
  }
  p->supervisor = *supervisor;
  p->supervisor_running = true;
  // Registering with the reactor fails only when the kernel is out of memory; each failure
  // degrades what it must and still ends in one on_exit.
  boost::system::error_code ec;
  p->supervisor_fd.assign(p->supervisor.pidfd, ec);
  if (ec) ::close(p->supervisor.pidfd);  // reaped by polling instead
  int outputs[2] = {out[0], err[0]};
  out[0] = err[0] = -1;
  for (int s = 0; s < 2; ++s) {
    p->streams[s].assign(outputs[s], ec);
    if (ec) {
      ::close(outputs[s]);  // its output is lost, the process still runs
      continue;
    }
    p->streams[s].non_blocking(true, ec);
    p->open[s] = true;
    waitOutput(p, s);
  }
  int control_fd = std::exchange(control[1], -1);
  p->control.assign(control_fd, ec);
  if (ec) {
    // Without the control socket the process cannot be watched: closing it makes the
    // supervisor kill it at once.
    ::close(control_fd);
    p->exit.exit_code = -1;
    p->exit.start_error = "fork/exec " + p->path + ": " + ec.message();
    p->have_exit = true;
  } else {
    p->status_open = true;
    readStatus(p);
  }
  if (p->supervisor_fd.is_open()) {
    waitSupervisor(p);
  } else {
    loop_.post([p] {
      if (p->runner != nullptr && !p->finished) p->runner->reapSupervisor(p);
    });
  }
  if (stopping_all_) stop(p->id, stop_all_grace_);
  return p->id;
}

void LocalProcessRunner::fail(const ProcessPtr& p, std::string error) {
  p->exit.exit_code = -1;
  p->exit.start_error = std::move(error);
  p->have_exit = true;
  // Not from inside start(): the caller learns the id first.
  loop_.post([p] {
    if (p->runner != nullptr) p->runner->maybeFinish(p);
  });
}

void LocalProcessRunner::waitOutput(const ProcessPtr& p, int s) {
  p->streams[s].async_wait(stream_descriptor::wait_read, [p, s](boost::system::error_code ec) {
    LocalProcessRunner* self = p->runner;
    if (self == nullptr || p->finished || !p->open[s]) return;
    if (ec && !p->draining) return;  // closed
    self->readOutput(p, s);
  });
}

void LocalProcessRunner::readOutput(const ProcessPtr& p, int s) {
  // Every process shares one read buffer: readiness is waited for, and the pipe is then read
  // here until it would block (the descriptor is edge-triggered in Asio's reactor), so that no
  // process holds a buffer of its own while it is quiet. A pipe that keeps delivering yields to
  // the rest of the loop after kFairShare bytes.
  auto emit = [&](std::string_view line) { p->emit(s, line); };
  std::size_t limit = p->draining ? kDrainLimit : kFairShare;
  std::size_t total = 0;
  boost::system::error_code ec;
  while (total < limit) {
    std::size_t n = p->streams[s].read_some(boost::asio::buffer(read_buffer_), ec);
    if (n > 0) {
      p->lines[s].feed(std::string_view(read_buffer_.data(), n), emit);
      total += n;
      if (p->finished || p->runner == nullptr) return;
    }
    if (ec) break;
  }
  if (ec == boost::asio::error::would_block && !p->draining) {
    waitOutput(p, s);
    return;
  }
  if (!ec && !p->draining) {
    loop_.post([p, s] {
      if (p->runner != nullptr && !p->finished && p->open[s]) p->runner->readOutput(p, s);
    });
    return;
  }
  // End-of-file, a read error, or the drain period is over: what was there has been delivered.
  p->lines[s].finish(emit);
  p->open[s] = false;
  boost::system::error_code ignored;
  p->streams[s].close(ignored);
  maybeFinish(p);
}

void LocalProcessRunner::readStatus(const ProcessPtr& p) {
  auto space = boost::asio::buffer(p->status_buf.data() + p->status_len,
                                   p->status_buf.size() - p->status_len);
  p->control.async_read_some(space, [p](boost::system::error_code ec, std::size_t n) {
    LocalProcessRunner* self = p->runner;
    if (self == nullptr || p->finished) return;
    p->status_len += n;
    self->onStatus(p);
    if (!ec) {
      self->readStatus(p);
      return;
    }
    // The supervisor has exited (or closed its end, which it only does by exiting).
    p->status_open = false;
    self->maybeFinish(p);
  });
}

void LocalProcessRunner::onStatus(const ProcessPtr& p) {
  while (p->status_len >= sizeof(SupervisorMessage)) {
    SupervisorMessage m;
    std::memcpy(&m, p->status_buf.data(), sizeof m);
    std::memmove(p->status_buf.data(), p->status_buf.data() + sizeof m, p->status_len - sizeof m);
    p->status_len -= sizeof m;
    if (m.kind == SupervisorMessage::kStarted || m.kind == SupervisorMessage::kFailed) {
      // The supervisor reads the command line and environment no more.
      std::vector<std::string>().swap(p->arg_strings);
      std::vector<std::string>().swap(p->env_strings);
      std::vector<char*>().swap(p->argv);
      std::vector<char*>().swap(p->envp);
    }
    switch (m.kind) {
      case SupervisorMessage::kStarted:
        p->group = m.a;
        break;
      case SupervisorMessage::kFailed: {
        // Go's wording: os.StartProcess reports a bad directory as a chdir error, everything
        // else as "fork/exec".
        auto stage = static_cast<StartStage>(m.a);
        p->exit.exit_code = -1;
        p->exit.start_error = stage == StartStage::kChdir
                                  ? "chdir " + p->dir + ": " + errnoText(m.b)
                                  : "fork/exec " + p->path + ": " + errnoText(m.b);
        p->have_exit = true;
        break;
      }
      case SupervisorMessage::kExited:
        if (m.a == CLD_EXITED) {
          p->exit.exit_code = m.b;
        } else if (m.a == CLD_KILLED || m.a == CLD_DUMPED) {
          p->exit.exit_code = -1;
          p->exit.term_signal = m.b;
        } else {
          p->exit.exit_code = -1;  // the supervisor could not reap it
        }
        p->have_exit = true;
        break;
      default:
        break;
    }
  }
}

void LocalProcessRunner::waitSupervisor(const ProcessPtr& p) {
  p->supervisor_fd.async_wait(stream_descriptor::wait_read, [p](boost::system::error_code ec) {
    LocalProcessRunner* self = p->runner;
    if (self == nullptr || p->finished || ec == boost::asio::error::operation_aborted) return;
    if (ec) {
      // The pidfd cannot be waited on: fall back to looking now and then.
      boost::system::error_code ignored;
      p->supervisor_fd.close(ignored);
    }
    self->reapSupervisor(p);
  });
}

void LocalProcessRunner::reapSupervisor(const ProcessPtr& p) {
  siginfo_t info{};
  int r;
  do {
    r = ::waitid(P_PID, p->supervisor.pid, &info, WEXITED | WNOHANG);
  } while (r != 0 && errno == EINTR);
  if (r == 0 && info.si_pid == 0) {
    // Not yet: a readable pidfd means it has exited, so this only happens without one. The
    // descriptor is edge-triggered in Asio's reactor, so look again on a timer.
    loop_.runAfter(std::chrono::milliseconds(10), [p] {
      if (p->runner != nullptr && !p->finished) p->runner->reapSupervisor(p);
    });
    return;
  }
  if (r == 0 && (info.si_code == CLD_KILLED || info.si_code == CLD_DUMPED)) {
    p->supervisor_signal = info.si_status;
  }
  p->supervisor_running = false;
  boost::system::error_code ignored;
  p->supervisor_fd.close(ignored);
  releaseSupervisorStack(p->supervisor);
  maybeFinish(p);
}

void LocalProcessRunner::sendControl(Process& p, char command) {
  if (!p.control.is_open()) return;
  // Non-blocking, and no SIGPIPE if the supervisor has exited already.
  (void)::send(p.control.native_handle(), &command, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
}

void LocalProcessRunner::maybeFinish(const ProcessPtr& p) {
  if (p->finished || p->supervisor_running || p->status_open) return;
  if (!p->open[0] && !p->open[1]) {
    finish(p);
    return;
  }
  // The command is gone but something it started still holds its output: give it the drain
  // period, then close.
  if (p->drain_timer == 0 && !p->draining) {
    p->drain_timer = loop_.runAfter(options_.drain, [p] {
      p->drain_timer = 0;
      if (p->runner == nullptr || p->finished) return;
      p->draining = true;
      // Each pending wait completes (aborted) and reads what is left; a read already queued
      // or posted sees `draining` and does the same.
      for (int s = 0; s < 2; ++s) {
        if (!p->open[s]) continue;
        boost::system::error_code ignored;
        p->streams[s].cancel(ignored);
      }
    });
  }
}

void LocalProcessRunner::finish(const ProcessPtr& p) {
  p->finished = true;
  if (p->kill_timer) loop_.cancel(std::exchange(p->kill_timer, 0));
  if (p->drain_timer) loop_.cancel(std::exchange(p->drain_timer, 0));
  boost::system::error_code ignored;
  p->control.close(ignored);
  if (!p->have_exit) {
    // The supervisor died without a word (someone killed it); its command got SIGKILL through
    // PR_SET_PDEATHSIG.
    p->exit.exit_code = -1;
    p->exit.term_signal = p->supervisor_signal != 0 ? p->supervisor_signal : SIGKILL;
  }
  processes_.erase(p->id);
  if (p->callbacks.on_exit) p->callbacks.on_exit(p->exit);
  if (stopping_all_ && processes_.empty()) {
    stopping_all_ = false;
    if (auto done = std::exchange(all_stopped_, nullptr)) loop_.post(std::move(done));
  }
}

void LocalProcessRunner::stop(engine::ProcessId id, engine::Duration grace) {
  auto it = processes_.find(id);
  if (it == processes_.end()) return;
  ProcessPtr p = it->second;
  if (p->finished || !p->control.is_open()) return;
  if (!p->stopping) {
    p->stopping = true;
    sendControl(*p, kTermGroup);
  }
  if (grace <= engine::Duration::zero()) {
    if (p->kill_timer) loop_.cancel(std::exchange(p->kill_timer, 0));
    sendControl(*p, kKillGroup);
    return;
  }
  engine::TimePoint kill_at = loop_.now() + grace;
  if (p->kill_timer != 0) {
    if (kill_at >= p->kill_at) return;
    loop_.cancel(p->kill_timer);
  }
  p->kill_at = kill_at;
  p->kill_timer = loop_.runAfter(grace, [p] {
    p->kill_timer = 0;
    if (p->runner != nullptr && !p->finished) p->runner->sendControl(*p, kKillGroup);
  });
}

void LocalProcessRunner::stopAll(engine::Duration grace, std::function<void()> done) {
  if (processes_.empty()) {
    if (done) loop_.post(std::move(done));
    return;
  }
  if (all_stopped_) {
    all_stopped_ = [first = std::move(all_stopped_), second = std::move(done)] {
      if (first) first();
      if (second) second();
    };
  } else {
    all_stopped_ = std::move(done);
  }
  stopping_all_ = true;
  stop_all_grace_ = grace;
  std::vector<engine::ProcessId> ids;
  for (const auto& [id, p] : processes_) ids.push_back(id);
  for (engine::ProcessId id : ids) stop(id, grace);
}

pid_t LocalProcessRunner::processGroup(engine::ProcessId id) const {
  auto it = processes_.find(id);
  return it == processes_.end() ? 0 : it->second->group;
}

}  // namespace slant::exec
