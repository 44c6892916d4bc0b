// runCommand spawns with posix_spawn (glibc reports exec failures as its return value, so a
// missing or non-executable program is an error here, not an exit status 127), then multiplexes
// the three pipes with poll() so that neither a large stdin nor a chatty stderr can deadlock the
// child. Our pipe ends are close-on-exec; the child gets only fds 0-2.
#include "tiltfile/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

#include "starlark/lib/util.h"

extern char** environ;

namespace slant::tiltfile {

namespace {

using starlark::makeError;
using starlark::Result;
using starlark::lib::cat;

// Closes the fds it holds when it goes out of scope.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  int get() const { return fd_; }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

struct Pipe {
  Fd read;
  Fd write;
};

Result<void> makePipe(Pipe& p) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return makeError(cat("pipe: ", std::strerror(errno)));
  p.read.reset(fds[0]);
  p.write.reset(fds[1]);
  return {};
}

bool isExecutableFile(const std::string& path, int* err) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    *err = errno;
    return false;
  }
  if (S_ISDIR(st.st_mode) || (st.st_mode & 0111) == 0) {
    *err = EACCES;
    return false;
  }
  return true;
}

// The environment of the child: ours, with `env` replacing or adding variables.
std::vector<std::string> childEnvironment(
    const std::vector<std::pair<std::string, std::string>>& env) {
  std::vector<std::string> out;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view kv(*e);
    std::string_view key = kv.substr(0, kv.find('='));
    bool overridden = false;
    for (const auto& [k, v] : env) overridden = overridden || k == key;
    if (!overridden) out.emplace_back(kv);
  }
  for (size_t i = 0; i < env.size(); ++i) {
    // A later entry for the same key wins.
    bool later = false;
    for (size_t j = i + 1; j < env.size(); ++j) later = later || env[j].first == env[i].first;
    if (!later) out.push_back(cat(env[i].first, "=", env[i].second));
  }
  return out;
}

// Blocks SIGPIPE on this thread while we write to the child's stdin, so that a child that exits
// without reading gives us EPIPE instead of killing the process; a SIGPIPE we caused is
// consumed before the old mask comes back.
class SigpipeGuard {
 public:
  SigpipeGuard() {
    sigemptyset(&pipe_set_);
    sigaddset(&pipe_set_, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_set_, &old_);
  }
  ~SigpipeGuard() {
    if (caused_ && !was_pending_) {
      struct timespec zero = {0, 0};
      while (sigtimedwait(&pipe_set_, nullptr, &zero) < 0 && errno == EINTR) {
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  void caused() { caused_ = true; }

 private:
  sigset_t pipe_set_;
  sigset_t old_;
  bool was_pending_ = false;
  bool caused_ = false;
};

}  // namespace

std::string CommandOutput::statusText() const {
  if (term_signal != 0) {
    const char* name = ::strsignal(term_signal);
    std::string text = name != nullptr ? name : cat("signal ", term_signal);
    // Go spells signals in lowercase ("signal: killed").
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return cat("signal: ", text);
  }
  return cat("exit status ", exit_code);
}

starlark::Result<std::string> lookPath(std::string_view name) {
  std::string n(name);
  int err = 0;
  if (n.find('/') != std::string::npos) {
    if (isExecutableFile(n, &err)) return n;
    if (err == EACCES) return makeError(cat("exec: \"", n, "\": permission denied"));
    return makeError(cat("exec: \"", n, "\": stat ", n, ": ", std::strerror(err)));
  }
  const char* path_env = std::getenv("PATH");
  std::string_view path = path_env != nullptr ? path_env : "";
  size_t i = 0;
  while (true) {
    size_t j = path.find(':', i);
    std::string_view dir = path.substr(i, j == std::string_view::npos ? path.npos : j - i);
    std::string candidate = dir.empty() ? cat("./", n) : cat(dir, "/", n);
    if (isExecutableFile(candidate, &err)) return candidate;
    if (j == std::string_view::npos) break;
    i = j + 1;
  }
  return makeError(cat("exec: \"", n, "\": executable file not found in $PATH"));
}

starlark::Result<CommandOutput> runCommand(
    const std::vector<std::string>& argv, const std::string& dir,
    const std::vector<std::pair<std::string, std::string>>& env,
    const std::optional<std::string>& stdin_text, const OutputCallback& on_output) {
  if (argv.empty()) return makeError("exec: no command");
  {
    struct stat st;
    if (::stat(dir.c_str(), &st) != 0) {
      return makeError(cat("chdir ", dir, ": ", std::strerror(errno)));
    }
    if (!S_ISDIR(st.st_mode)) return makeError(cat("chdir ", dir, ": not a directory"));
  }
  // Bare names are looked up in our $PATH (as Go's exec.Command); a relative path with a '/'
  // is resolved by the child after its chdir.
  std::string program = argv[0];
  if (program.find('/') == std::string::npos) program = TRY(lookPath(program));

  std::vector<std::string> env_strings = childEnvironment(env);
  std::vector<char*> envp;
  for (std::string& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_copy = argv;
  std::vector<char*> args;
  for (std::string& s : argv_copy) args.push_back(s.data());
  args.push_back(nullptr);

  Pipe in, out, err;
  if (stdin_text) TRY_VOID(makePipe(in));
  TRY_VOID(makePipe(out));
  TRY_VOID(makePipe(err));

  SigpipeGuard sigpipe_guard;

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addchdir_np(&actions, dir.c_str());
  if (stdin_text) {
    posix_spawn_file_actions_adddup2(&actions, in.read.get(), 0);
  } else {
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  }
  posix_spawn_file_actions_adddup2(&actions, out.write.get(), 1);
  posix_spawn_file_actions_adddup2(&actions, err.write.get(), 2);

  // The child starts with no blocked signals and default dispositions, whatever the engine set
  // for itself (an ignored SIGPIPE would otherwise be inherited across exec).
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t empty;
  sigemptyset(&empty);
  posix_spawnattr_setsigmask(&attr, &empty);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int sig : {SIGPIPE, SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGCHLD}) sigaddset(&defaults, sig);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  pid_t pid = 0;
  int rc = ::posix_spawn(&pid, program.c_str(), &actions, &attr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) return makeError(cat("fork/exec ", program, ": ", std::strerror(rc)));

  in.read.reset();
  out.write.reset();
  err.write.reset();

  CommandOutput result;
  size_t written = 0;
  if (stdin_text && stdin_text->empty()) in.write.reset();
  if (in.write.get() >= 0) ::fcntl(in.write.get(), F_SETFL, O_NONBLOCK);

  char buf[65536];
  while (out.read.get() >= 0 || err.read.get() >= 0 || in.write.get() >= 0) {
    struct pollfd fds[3];
    int n = 0;
    int in_idx = -1, out_idx = -1, err_idx = -1;
    if (in.write.get() >= 0) {
      in_idx = n;
      fds[n++] = {in.write.get(), POLLOUT, 0};
    }
    if (out.read.get() >= 0) {
      out_idx = n;
      fds[n++] = {out.read.get(), POLLIN, 0};
    }
    if (err.read.get() >= 0) {
      err_idx = n;
      fds[n++] = {err.read.get(), POLLIN, 0};
    }
    if (::poll(fds, n, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (in_idx >= 0 && fds[in_idx].revents != 0) {
      ssize_t w =
          ::write(in.write.get(), stdin_text->data() + written, stdin_text->size() - written);
      if (w > 0) {
        written += static_cast<size_t>(w);
        if (written == stdin_text->size()) in.write.reset();
      } else if (w < 0 && errno != EAGAIN && errno != EINTR) {
        if (errno == EPIPE) sigpipe_guard.caused();
        in.write.reset();  // the child stopped reading; the rest of stdin is dropped
      }
    }
    auto drain = [&](int idx, Fd& fd, std::string& into, OutputStream stream) {
      if (idx < 0 || fds[idx].revents == 0) return;
      ssize_t r = ::read(fd.get(), buf, sizeof buf);
      if (r > 0) {
        into.append(buf, static_cast<size_t>(r));
        if (on_output) on_output(stream, std::string_view(buf, static_cast<size_t>(r)));
      } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
        fd.reset();
      }
    };
    drain(out_idx, out.read, result.stdout_text, OutputStream::kStdout);
    drain(err_idx, err.read, result.stderr_text, OutputStream::kStderr);
  }

  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return makeError(cat("wait: ", std::strerror(errno)));
  }
  if (WIFSIGNALED(status)) {
    result.exit_code = -1;
    result.term_signal = WTERMSIG(status);
  } else {
    result.exit_code = WEXITSTATUS(status);
  }
  return result;
}

std::string commandString(const std::vector<std::string>& argv) {
  if (argv.size() == 3 && argv[0] == "sh" && argv[1] == "-c" &&
      argv[2].find('\n') == std::string::npos) {
    return argv[2];
  }
  std::string out;
  for (size_t i = 0; i < argv.size(); ++i) {
    if (i > 0) out += ' ';
    if (argv[i].find(' ') != std::string::npos) {
      starlark::writeQuoted(out, argv[i]);
    } else {
      out += argv[i];
    }
  }
  return out;
}

std::string commandFailureMessage(const std::vector<std::string>& argv, const CommandOutput& out,
                                  bool include_output, std::string_view start_error) {
  std::string msg = "command ";
  starlark::writeQuoted(msg, commandString(argv));
  msg += " failed.\nerror: ";
  msg += start_error.empty() ? out.statusText() : std::string(start_error);
  if (include_output) {
    msg += cat("\nstdout:\n", out.stdout_text, "\nstderr:\n", out.stderr_text, "\n");
  }
  return msg;
}

}  // namespace slant::tiltfile
