// The per-process supervisor that makes "no process outlives slant" hold, even when slant dies
// from SIGKILL.
//
// The problem. Every command runs in its own session and process group, so that stopping it can
// signal everything it started (`sh -c 'a & b'`). Nothing in the kernel ends a process group when
// the process that started it dies: PR_SET_PDEATHSIG reaches one process (the direct child), and
// fires when the *thread* that forked it exits, not the process. A killed slant would leave the
// whole tree of a serve_cmd running, holding its ports.
//
// The design. slant does not start the command itself. It starts a supervisor, which starts the
// command and then waits for one of two things with ppoll(2):
//   - a byte or end-of-file on a control socket (a socketpair) whose other end only slant holds.
//     'T' sends SIGTERM to the command's group, 'K' sends SIGKILL; end-of-file, which the kernel
//     produces when slant closes it *or dies for any reason*, sends SIGKILL to the group;
//   - the command's exit, through a pidfd (CLONE_PIDFD, Linux >= 5.3). The supervisor then sends
//     SIGKILL to what is left of the group (Tilt does the same, tilt-dev/tilt#4456), reaps the
//     command, writes its wait status back on the control socket and exits.
// Because the supervisor is the command's parent and reaps it only after its last kill(), the
// group id it signals can never have been reused by an unrelated group. The supervisor blocks
// every signal and puts itself in a process group of its own, so a Ctrl-C, a SIGHUP or a
// SIGKILL aimed at slant's group (`timeout -s KILL`, a CI runner) does not take it down with
// slant; the command also gets PR_SET_PDEATHSIG=SIGKILL, aimed at the supervisor, in case
// someone kills the supervisor by its pid.
//
// How it is started, cheaply. A fork() of slant would copy its page tables on every start and
// keep a copy-on-write snapshot of slant's memory alive for as long as the supervisor lives (a
// serve_cmd lives for hours: 500 of them could pin 500 snapshots). Exec'ing a helper binary
// costs a dynamic link and startup per process. So the supervisor is a clone(CLONE_VM) of
// slant: a separate process that *shares* slant's address space, like the child half of
// vfork(), but on a stack of its own (64 KiB, mapped here, freed when it has been reaped) and
// without suspending slant. It in turn starts the command with clone(CLONE_VM | CLONE_VFORK),
// exactly as posix_spawn does, so nothing is copied at all. When slant dies, the shared address
// space stays alive for the supervisor, which only needs its own stack from then on.
//
// The cost of sharing: code that runs in the supervisor and in the command before execve runs
// concurrently with slant's threads in the same memory. It must not take locks, allocate, touch
// thread-local storage (errno belongs to the slant thread that cloned it) or call into the
// sanitizer runtimes. So supervisor.cc does all of it with raw system calls (inline `syscall`
// on x86-64; glibc's syscall() elsewhere, which writes errno only on failure), in functions
// compiled without sanitizer instrumentation, and reads nothing from slant's memory but the
// SupervisorBlock, which the caller keeps unchanged until the supervisor has been reaped. All
// signals are blocked in the supervisor from its first instruction (the caller blocks them
// around clone()), so no handler of slant's ever runs in it; the command resets every
// disposition to the default and unblocks signals just before execve, as posix_spawn does.
//
// Measured (release build, 2-core VM, /bin/true; docs/processes.md has the table): start() takes
// ~100 us of the loop thread; start to on_exit ~0.75-1 ms against ~0.55-0.7 ms for a bare
// posix_spawn + waitpid; ~0.2-0.3 ms more CPU per process (the supervisor's own clone and exit);
// ~9 KiB of slant's memory per running process; and none of it grows with slant's size, where
// fork + exec from a slant with 1 GiB resident takes ~60 ms.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <expected>

namespace slant::exec {

/// Control bytes the supervisor understands (end-of-file means kKillGroup too).
inline constexpr char kTermGroup = 'T';
inline constexpr char kKillGroup = 'K';

/// Why the command could not be started (SupervisorMessage::a of a kFailed message).
enum class StartStage : std::int32_t { kSetup = 1, kFork = 2, kChdir = 3, kExec = 4 };

/// What the supervisor needs. It reads this from the caller's memory, so the caller keeps the
/// block and everything it points to unchanged until the supervisor has been reaped.
struct SupervisorBlock {
  const char* path = nullptr;   ///< passed to execve: absolute, or relative to `dir`
  char* const* argv = nullptr;  ///< null-terminated
  char* const* envp = nullptr;  ///< null-terminated
  const char* dir = nullptr;    ///< nullptr: the caller's working directory
  int stdin_fd = -1;            ///< becomes the command's fd 0
  int stdout_fd = -1;           ///< becomes the command's fd 1
  int stderr_fd = -1;           ///< becomes the command's fd 2
  int control_fd = -1;          ///< the supervisor's end of the control socket
  /// When set, the command's RLIMIT_NOFILE is set back to this before execve (slant raises its
  /// own soft limit, as Go does, and restores it for children, as Go's os/exec does).
  bool restore_open_files = false;
  std::uint64_t open_files_soft = 0;
  std::uint64_t open_files_hard = 0;
  void* command_stack = nullptr;  ///< set by startSupervisor()
};

/// One message from the supervisor on the control socket. It writes kStarted or kFailed, then
/// (after kStarted) kExited, then exits.
struct SupervisorMessage {
  enum Kind : std::int32_t { kStarted = 1, kFailed = 2, kExited = 3 };
  std::int32_t kind = 0;
  std::int32_t a = 0;  ///< kStarted: the command's pid; kFailed: a StartStage; kExited: si_code
  std::int32_t b = 0;  ///< kFailed: the errno; kExited: si_status (exit code or signal)
  std::int32_t reserved = 0;
};

/// A started supervisor.
struct Supervisor {
  pid_t pid = 0;
  int pidfd = -1;  ///< readable once the supervisor has exited; close-on-exec; the caller owns it
  void* stack = nullptr;
  std::size_t stack_size = 0;
};

/// Starts a supervisor for `block` (which must outlive it). The descriptors in `block` stay open
/// in the caller, who closes its copies of the supervisor's ends afterwards. Returns the errno of
/// the failed mmap or clone on error.
std::expected<Supervisor, int> startSupervisor(SupervisorBlock& block);

/// Unmaps the stack of a supervisor. Call it only once the supervisor has been reaped.
void releaseSupervisorStack(Supervisor& supervisor);

}  // namespace slant::exec
