#!/usr/bin/env bash
# Starts, stops and reports the Docker engine that slant's tests and benchmarks talk to.
#
#   scripts/docker.sh start    start dockerd unless an engine already answers (honours DOCKER_HOST)
#   scripts/docker.sh stop     stop dockerd, only if `start` of this script started it
#   scripts/docker.sh status   say whether an engine answers and who started it (exit 1: none)
#
# An engine that answers already (a system service, another user's, one the lead started) is
# never touched. A dockerd this script starts runs in its own session (it outlives the caller),
# logs to ${TMPDIR:-/tmp}/slant-dockerd.log, and its pid goes to ${TMPDIR:-/tmp}/slant-dockerd.pid,
# which is how `stop` knows it may stop it. Every command is idempotent and safe to run from
# several processes at once (they take a lock).
set -euo pipefail

state_dir="${TMPDIR:-/tmp}"
pid_file="$state_dir/slant-dockerd.pid"
log_file="$state_dir/slant-dockerd.log"
lock_file="$state_dir/slant-dockerd.lock"
start_timeout=60
stop_timeout=30

say() { echo "docker.sh: $*"; }
die() { echo "docker.sh: $*" >&2; exit 1; }

host_text() { echo "${DOCKER_HOST:-unix:///var/run/docker.sock}"; }

# Whether an engine answers at DOCKER_HOST (or the default socket).
answers() { docker info --format '{{.ServerVersion}}' >/dev/null 2>&1; }

# The pid recorded by this script when that process is still a running dockerd, else nothing
# (a stale pid file is removed).
our_pid() {
  [[ -f $pid_file ]] || return 0
  local pid
  pid=$(<"$pid_file")
  if [[ $pid =~ ^[0-9]+$ ]] && [[ -r /proc/$pid/comm ]] && [[ $(</proc/"$pid"/comm) == dockerd ]]; then
    echo "$pid"
  else
    rm -f "$pid_file"
  fi
}

# Runs a command as root (directly, or through sudo without a password prompt).
as_root() {
  if [[ $(id -u) -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo -n "$@"
  else
    die "starting dockerd needs root (run as root, or allow passwordless sudo)"
  fi
}

cmd_start() {
  if answers; then
    say "a Docker engine answers at $(host_text); leaving it alone"
    return 0
  fi
  command -v dockerd >/dev/null || die "dockerd is not installed (scripts/setup.sh installs docker.io)"
  command -v docker >/dev/null || die "the docker CLI is not installed (scripts/setup.sh installs docker.io)"

  local pid
  pid=$(our_pid)
  if [[ -z $pid ]]; then
    local host_args=()
    case "${DOCKER_HOST:-}" in
      "") ;;
      unix://* | tcp://127.0.0.1:* | tcp://localhost:*) host_args=(--host "$DOCKER_HOST") ;;
      *) die "no Docker engine answers at $DOCKER_HOST, and this script starts one only on a unix socket or on localhost" ;;
    esac
    # A dockerd that died without cleaning up leaves /var/run/docker.pid behind, and a new one
    # refuses to start while it exists.
    if [[ -f /var/run/docker.pid ]]; then
      local old
      old=$(</var/run/docker.pid)
      if ! [[ $old =~ ^[0-9]+$ ]] || ! kill -0 "$old" 2>/dev/null; then
        as_root rm -f /var/run/docker.pid
      fi
    fi
    say "no Docker engine answers at $(host_text); starting dockerd (log: $log_file)"
    : >"$log_file"
    # setsid: dockerd leads its own session, so the caller's exit or Ctrl-C does not stop it;
    # 9>&-: it must not inherit (and hold forever) this script's lock.
    if [[ $(id -u) -eq 0 ]]; then
      setsid dockerd "${host_args[@]}" >>"$log_file" 2>&1 </dev/null 9>&- &
      pid=$!
    else
      as_root true # fails clearly when sudo would prompt
      sudo -n setsid dockerd "${host_args[@]}" >>"$log_file" 2>&1 </dev/null 9>&- &
      pid=$!
      # $! is sudo's pid; record dockerd's own once it has started.
      sleep 0.5
      pid=$(pgrep -n -x dockerd || echo "$pid")
    fi
    echo "$pid" >"$pid_file"
  else
    say "dockerd (pid $pid) started by this script is still starting; waiting"
  fi

  local waited=0
  until answers; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$pid_file"
      echo "docker.sh: dockerd exited before it answered; the end of $log_file:" >&2
      tail -n 20 "$log_file" >&2 || true
      exit 1
    fi
    if ((waited >= start_timeout * 4)); then
      echo "docker.sh: dockerd (pid $pid) did not answer at $(host_text) within ${start_timeout} s; the end of $log_file:" >&2
      tail -n 20 "$log_file" >&2 || true
      exit 1
    fi
    sleep 0.25
    waited=$((waited + 1))
  done
  say "dockerd (pid $pid) answers at $(host_text)"
}

cmd_stop() {
  local pid
  pid=$(our_pid)
  if [[ -z $pid ]]; then
    if answers; then
      say "the Docker engine at $(host_text) was not started by this script; leaving it alone"
    else
      say "no dockerd started by this script is running"
    fi
    return 0
  fi
  say "stopping dockerd (pid $pid)"
  as_root kill -TERM "$pid" 2>/dev/null || true
  local waited=0
  while kill -0 "$pid" 2>/dev/null; do
    if ((waited >= stop_timeout * 4)); then
      say "dockerd (pid $pid) did not stop within ${stop_timeout} s; killing it"
      as_root kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.25
    waited=$((waited + 1))
  done
  rm -f "$pid_file"
  say "dockerd stopped"
}

cmd_status() {
  local pid
  pid=$(our_pid)
  if answers; then
    local version
    version=$(docker info --format '{{.ServerVersion}}' 2>/dev/null)
    if [[ -n $pid ]]; then
      say "Docker engine $version answers at $(host_text) (dockerd pid $pid, started by this script)"
    else
      say "Docker engine $version answers at $(host_text) (not started by this script)"
    fi
    return 0
  fi
  if [[ -n $pid ]]; then
    say "dockerd (pid $pid, started by this script) runs but does not answer at $(host_text)"
  else
    say "no Docker engine answers at $(host_text) (scripts/docker.sh start starts one)"
  fi
  return 1
}

usage() { echo "usage: scripts/docker.sh start|stop|status" >&2; exit 2; }

(($# == 1)) || usage
case "$1" in
  start | stop)
    mkdir -p "$state_dir"
    exec 9>"$lock_file"
    flock 9
    "cmd_$1"
    ;;
  status) cmd_status ;;
  *) usage ;;
esac
