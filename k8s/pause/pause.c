/* The pod sandbox's "pause" process for slant's local test cluster (scripts/k8s-cluster.sh).
 *
 * Every pod's containers join the network, IPC and (optionally) PID namespaces of one sandbox
 * container, whose only job is to hold those namespaces open. This program is that container's
 * entrypoint: it sleeps until it is told to stop, exits 0 on SIGINT or SIGTERM, and, being PID 1
 * when a pod shares its PID namespace, reaps every orphan that is re-parented to it so that no
 * zombie accumulates. `scripts/k8s-cluster.sh build` compiles it with `gcc -static` and packs it
 * FROM scratch with scripts/k8s/image-archive.sh, so the image needs nothing from a registry. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void onStop(int sig) {
  (void)sig;
  _exit(0);
}

static void onChild(int sig) {
  (void)sig;
  int saved = errno;
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
  errno = saved;
}

static int handle(int sig, void (*fn)(int)) {
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = fn;
  action.sa_flags = SA_RESTART | (sig == SIGCHLD ? SA_NOCLDSTOP : 0);
  sigemptyset(&action.sa_mask);
  return sigaction(sig, &action, NULL);
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "-v") == 0) {
    puts("slant-pause 1");
    return 0;
  }
  if (getpid() != 1) fprintf(stderr, "pause: warning: not running as PID 1\n");
  if (handle(SIGINT, onStop) < 0 || handle(SIGTERM, onStop) < 0 || handle(SIGCHLD, onChild) < 0) {
    perror("pause: sigaction");
    return 1;
  }
  for (;;) pause();
}
