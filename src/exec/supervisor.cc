#include "exec/supervisor.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

namespace slant::exec {
namespace {

// Everything from here to startSupervisor() runs in the supervisor or in the command before
// execve, in slant's address space (see supervisor.h): no sanitizer instrumentation, no stack
// protector (its canary lives in thread-local storage), no libc calls besides clone() (and
// errno when clone() itself failed). Not inlined, so that no instrumented caller absorbs them.
#if defined(__clang__)
#define SUPERVISOR_NO_SANITIZE no_sanitize("address", "undefined", "thread", "coverage")
#else
#define SUPERVISOR_NO_SANITIZE no_sanitize("address", "undefined", "thread")
#endif
#define SUPERVISOR_CODE \
  __attribute__((SUPERVISOR_NO_SANITIZE, no_stack_protector, no_instrument_function, noinline))

constexpr std::size_t kPage = 4096;
// One mapping: [guard][command stack][guard][supervisor stack]. The code on them uses a few
// hundred bytes; a guard page turns an overflow into a crash of that process alone.
constexpr std::size_t kStackMapping = 64 * 1024;
constexpr std::size_t kCommandStackTop = kStackMapping / 2;

// Raw system calls: the result, or -errno. Never touches errno.
SUPERVISOR_CODE long sys(long n, long a = 0, long b = 0, long c = 0, long d = 0, long e = 0) {
#if defined(__x86_64__)
  long ret;
  register long r10 __asm__("r10") = d;
  register long r8 __asm__("r8") = e;
  __asm__ volatile("syscall"
                   : "=a"(ret)
                   : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8)
                   : "rcx", "r11", "memory");
  return ret;
#else
  // glibc's syscall() writes errno (slant's thread-local) only when the call fails.
  long ret = ::syscall(n, a, b, c, d, e);
  return ret == -1 ? -errno : ret;
#endif
}

SUPERVISOR_CODE void report(int fd, std::int32_t kind, std::int32_t a, std::int32_t b) {
  SupervisorMessage m;
  m.kind = kind;
  m.a = a;
  m.b = b;
  m.reserved = 0;
  // 16 bytes on a stream socket with room for them. EPIPE (slant is gone) is ignored.
  while (sys(SYS_sendto, fd, reinterpret_cast<long>(&m), sizeof m, MSG_NOSIGNAL, 0) == -EINTR) {
  }
}

struct CommandArgs {
  const SupervisorBlock* block;
  volatile std::int32_t stage;
  volatile std::int32_t err;
};

// The command, between clone(CLONE_VM | CLONE_VFORK) and execve. The supervisor is suspended
// meanwhile; `args` lives on its stack.
SUPERVISOR_CODE int commandMain(void* p) {
  auto* args = static_cast<CommandArgs*>(p);
  const SupervisorBlock* block = args->block;
  // A session (and so a process group) of its own, without a controlling terminal, as Tilt's
  // Setsid.
  sys(SYS_setsid);
  sys(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL);
  // Default dispositions for everything (an ignored SIGPIPE or SIGINT would survive execve),
  // then unblock: the struct is all zeros, which is SIG_DFL with no flags in every layout.
  unsigned long action[4];
  action[0] = 0;
  action[1] = 0;
  action[2] = 0;
  action[3] = 0;
  for (long sig = 1; sig <= 64; ++sig) {
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    sys(SYS_rt_sigaction, sig, reinterpret_cast<long>(action), 0, 8);
  }
  unsigned long empty_mask = 0;
  sys(SYS_rt_sigprocmask, SIG_SETMASK, reinterpret_cast<long>(&empty_mask), 0, 8);
  if (block->restore_open_files) {
    struct rlimit limit;
    limit.rlim_cur = block->open_files_soft;
    limit.rlim_max = block->open_files_hard;
    sys(SYS_prlimit64, 0, RLIMIT_NOFILE, reinterpret_cast<long>(&limit), 0);
  }
  if (block->dir != nullptr) {
    long r = sys(SYS_chdir, reinterpret_cast<long>(block->dir));
    if (r < 0) {
      args->stage = static_cast<std::int32_t>(StartStage::kChdir);
      args->err = static_cast<std::int32_t>(-r);
      return 127;
    }
  }
  long r = sys(SYS_execve, reinterpret_cast<long>(block->path), reinterpret_cast<long>(block->argv),
               reinterpret_cast<long>(block->envp));
  args->stage = static_cast<std::int32_t>(StartStage::kExec);
  args->err = static_cast<std::int32_t>(-r);
  return 127;
}

SUPERVISOR_CODE void closeFrom(int first) {
  if (sys(SYS_close_range, first, ~0U, 0) == 0) return;
  // Before Linux 5.9.
  struct rlimit limit;
  limit.rlim_cur = 4096;
  sys(SYS_prlimit64, 0, RLIMIT_NOFILE, 0, reinterpret_cast<long>(&limit));
  long last = limit.rlim_cur > 65536 ? 65536 : static_cast<long>(limit.rlim_cur);
  for (long fd = first; fd < last; ++fd) sys(SYS_close, fd);
}

SUPERVISOR_CODE int supervisorMain(void* p) {
  auto* block = static_cast<SupervisorBlock*>(p);
  // A group of its own: a signal to slant's group (Ctrl-C, `timeout -s KILL`) spares it.
  sys(SYS_setpgid, 0, 0);
  // Its command line is slant's (the memory is shared); its name in `ps -o comm`, top and
  // pstree says what it is.
  static const char kName[] = "slant-supervise";
  sys(SYS_prctl, PR_SET_NAME, reinterpret_cast<long>(kName));
  // It must see its command's exit status, even if slant ignores SIGCHLD (which would make the
  // kernel reap the command behind its back). All zeros is SIG_DFL.
  unsigned long action[4];
  action[0] = 0;
  action[1] = 0;
  action[2] = 0;
  action[3] = 0;
  sys(SYS_rt_sigaction, SIGCHLD, reinterpret_cast<long>(action), 0, 8);

  // The four descriptors the supervisor keeps, moved to 0..3 (dup'ed high first, so that no
  // source is overwritten before it is copied): 0-2 are the command's, 3 the control socket.
  int sources[4] = {block->stdin_fd, block->stdout_fd, block->stderr_fd, block->control_fd};
  int high[4];
  for (int i = 0; i < 4; ++i) {
    long r = sys(SYS_fcntl, sources[i], F_DUPFD_CLOEXEC, 10);
    if (r < 0) {
      report(block->control_fd, SupervisorMessage::kFailed,
             static_cast<std::int32_t>(StartStage::kSetup), static_cast<std::int32_t>(-r));
      return 1;
    }
    high[i] = static_cast<int>(r);
  }
  for (int i = 0; i < 4; ++i) sys(SYS_dup3, high[i], i, 0);
  sys(SYS_fcntl, 3, F_SETFD, FD_CLOEXEC);
  // Everything else slant had open, including the control sockets of other supervisors: a copy
  // of one kept here would hide slant's death from its supervisor.
  closeFrom(4);

  CommandArgs args;
  args.block = block;
  args.stage = 0;
  args.err = 0;
  int pidfd = -1;
  int pid = ::clone(commandMain, block->command_stack,
                    CLONE_VM | CLONE_VFORK | CLONE_PIDFD | SIGCHLD, &args, &pidfd);
  if (pid < 0) {
    // clone() reported through errno, which is the cloning slant thread's: the value is a hint.
    report(3, SupervisorMessage::kFailed, static_cast<std::int32_t>(StartStage::kFork), errno);
    return 1;
  }
  // The command has exec'ed (or failed): its stack pages go back to the kernel.
  sys(SYS_madvise, reinterpret_cast<long>(block->command_stack) - (kCommandStackTop - kPage),
      kCommandStackTop - kPage, MADV_DONTNEED);
  siginfo_t info;
  if (args.stage != 0) {
    sys(SYS_waitid, P_PID, pid, reinterpret_cast<long>(&info), WEXITED, 0);
    report(3, SupervisorMessage::kFailed, args.stage, args.err);
    return 0;
  }
  report(3, SupervisorMessage::kStarted, pid, 0);
  // Only the command's tree holds the output pipes from now on, so that their end-of-file
  // means what it says.
  sys(SYS_close, 0);
  sys(SYS_close, 1);
  sys(SYS_close, 2);

  struct pollfd fds[2];
  fds[0].fd = 3;
  fds[0].events = POLLIN;
  fds[0].revents = 0;
  fds[1].fd = pidfd;
  fds[1].events = POLLIN;
  fds[1].revents = 0;
  for (;;) {
    long r = sys(SYS_ppoll, reinterpret_cast<long>(fds), 2, 0, 0, 8);
    if (r < 0) {
      if (r == -EINTR || r == -EAGAIN || r == -ENOMEM) continue;
      break;  // cannot wait any more: kill the group below and reap
    }
    if (fds[0].revents != 0) {
      char buf[64];
      long n = sys(SYS_read, 3, reinterpret_cast<long>(buf), sizeof buf);
      if (n > 0) {
        for (long i = 0; i < n; ++i) {
          if (buf[i] == kTermGroup) sys(SYS_kill, -pid, SIGTERM);
          if (buf[i] == kKillGroup) sys(SYS_kill, -pid, SIGKILL);
        }
      } else if (n != -EINTR && n != -EAGAIN) {
        // slant closed its end or died.
        sys(SYS_kill, -pid, SIGKILL);
        fds[0].fd = -1;
      }
    }
    if (fds[1].revents != 0) break;
  }
  // The command is a zombie (or about to be), so its pid still names its group: kill what it
  // left behind, then reap.
  sys(SYS_kill, -pid, SIGKILL);
  long r;
  do {
    r = sys(SYS_waitid, P_PID, pid, reinterpret_cast<long>(&info), WEXITED, 0);
  } while (r == -EINTR);
  if (r < 0) {
    report(3, SupervisorMessage::kExited, 0, -1);
    return 1;
  }
  report(3, SupervisorMessage::kExited, info.si_code, info.si_status);
  return 0;
}

}  // namespace

std::expected<Supervisor, int> startSupervisor(SupervisorBlock& block) {
  void* stack = ::mmap(nullptr, kStackMapping, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK | MAP_NORESERVE, -1, 0);
  if (stack == MAP_FAILED) return std::unexpected(errno);
  auto* base = static_cast<char*>(stack);
  ::mprotect(base, kPage, PROT_NONE);
  ::mprotect(base + kCommandStackTop, kPage, PROT_NONE);
  block.command_stack = base + kCommandStackTop;

  // Blocked here, blocked in the supervisor from its first instruction: none of slant's signal
  // handlers can run in it.
  sigset_t all;
  sigset_t saved;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &saved);
  int pidfd = -1;
  int pid = ::clone(supervisorMain, base + kStackMapping, CLONE_VM | CLONE_PIDFD | SIGCHLD, &block,
                    &pidfd);
  int err = errno;
  pthread_sigmask(SIG_SETMASK, &saved, nullptr);
  if (pid < 0) {
    ::munmap(stack, kStackMapping);
    return std::unexpected(err);
  }
  Supervisor s;
  s.pid = pid;
  s.pidfd = pidfd;
  s.stack = stack;
  s.stack_size = kStackMapping;
  return s;
}

void releaseSupervisorStack(Supervisor& supervisor) {
  if (supervisor.stack != nullptr) ::munmap(supervisor.stack, supervisor.stack_size);
  supervisor.stack = nullptr;
}

}  // namespace slant::exec
