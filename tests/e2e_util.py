"""Helpers shared by the end-to-end tests (engine_test.py, docker_test.py, cli_test.py)."""

import os
import select
import signal
import socket
import time


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, what, timeout):
    """Polls `predicate` until it returns something true (returned), or fails after `timeout`
    seconds naming `what`."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


class PtyOutput:
    """What a child on a pseudo-terminal (pty.fork) prints, read as it comes."""

    def __init__(self, fd):
        self.fd = fd
        self.out = b""

    def read_until(self, token, timeout):
        """Reads until `token` has been printed or `timeout` seconds passed; says which."""
        deadline = time.time() + timeout
        while token not in self.out and time.time() < deadline:
            ready, _, _ = select.select([self.fd], [], [], 0.2)
            if ready:
                try:
                    self.out += os.read(self.fd, 4096)
                except OSError:
                    break
        return token in self.out

    def wait_exit(self, pid, timeout):
        """Keeps reading until the child `pid` exits and returns its exit code; after `timeout`
        seconds kills it and returns None."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            self.read_until(b"never printed", timeout=0.2)  # keep draining the terminal
            done, status = os.waitpid(pid, os.WNOHANG)
            if done != 0:
                return os.waitstatus_to_exitcode(status)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        return None
