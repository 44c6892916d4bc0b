#!/usr/bin/env python3
"""End-to-end tests of the engine: the real slant binary running Tiltfiles of real processes
(`slant ci`, `slant up` with file edits, the HTTP API and the client commands), and the
guarantee that no process outlives slant.

Usage: engine_test.py PATH_TO_SLANT   (ctest passes the built binary)."""

import json
import os
import pty
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest
import urllib.request

import e2e_util
from e2e_util import free_port

SLANT = None
# Generous: the test suite runs the Debug (sanitizer) build on a busy CI machine.
WAIT = 60


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead for our purposes (its parent has not reaped it yet).
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(") ")[1][0] != "Z"
    except OSError:
        return False


def wait_for(predicate, what, timeout=WAIT):
    return e2e_util.wait_for(predicate, what, timeout)


class EngineTestCase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        self.env = dict(os.environ, SLANT_HOME=os.path.join(self.dir, ".slant-home"))
        self.procs = []

    def tearDown(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        self.tmp.cleanup()

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(textwrap.dedent(text))
        return path

    def path(self, name):
        return os.path.join(self.dir, name)

    def read(self, name):
        try:
            with open(self.path(name)) as f:
                return f.read()
        except FileNotFoundError:
            return None

    def ci(self, *args, timeout=WAIT * 2):
        return subprocess.run([SLANT, "ci", "--port", "0", *args], cwd=self.dir, env=self.env,
                              capture_output=True, text=True, timeout=timeout)

    def up(self, *args):
        """Starts `slant up --stream` on a free port; returns (process, port)."""
        port = free_port()
        p = subprocess.Popen([SLANT, "up", "--stream", "--port", str(port), *args], cwd=self.dir,
                             env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True)
        self.procs.append(p)
        self.port = port
        wait_for(lambda: self.get_view(quiet=True), "the HTTP API")
        return p

    def get_view(self, quiet=False):
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d/api/view" % self.port,
                                        timeout=5) as r:
                return json.load(r)
        except OSError:
            if quiet:
                return None
            raise

    def resource(self, name):
        """The resource's JSON, or an empty dict while it does not exist (yet)."""
        view = self.get_view()
        for r in view["resources"]:
            if r["name"] == name:
                return r
        return {}

    def client(self, *args):
        return subprocess.run([SLANT, *args, "--port", str(self.port)], cwd=self.dir,
                              env=self.env, capture_output=True, text=True, timeout=WAIT)

    def stop(self, p, sig=signal.SIGINT):
        p.send_signal(sig)
        out, _ = p.communicate(timeout=WAIT)
        return out


class Ci(EngineTestCase):
    def test_resource_deps_order_updates_and_ci_succeeds(self):
        self.write("Tiltfile", """
            local_resource('second', cmd='test -f first.done && touch second.done',
                           resource_deps=['first'])
            local_resource('first', cmd='sleep 0.3 && touch first.done')
        """)
        r = self.ci()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("SUCCESS. All workloads are healthy.", r.stdout)
        self.assertIsNotNone(self.read("second.done"))
        # Every line is streamed with its resource's name in the prefix column.
        self.assertRegex(r.stdout, r"(?m)^ +second │ Running cmd: test -f first.done")

    def test_a_failing_cmd_fails_ci_with_its_name_and_last_lines(self):
        self.write("Tiltfile", """
            local_resource('ok', cmd='true')
            local_resource('broken', cmd='echo compiling; echo "main.c:1: error" >&2; exit 3')
        """)
        r = self.ci()
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn('Error: Command "echo compiling; echo \\"main.c:1: error\\" >&2; exit 3" '
                      "failed: exit status 3", r.stderr)
        self.assertIn("Last log lines of broken:", r.stderr)
        self.assertIn("main.c:1: error", r.stderr)

    def test_ci_times_out_naming_what_is_waiting(self):
        self.write("Tiltfile", """
            local_resource('slow', cmd='sleep 30')
        """)
        start = time.time()
        r = self.ci("--timeout", "2s")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("Error: Timeout after 2s: 1 resources waiting (slow in_progress)", r.stderr)
        self.assertLess(time.time() - start, 25)

    def test_ci_settings_timeout_applies_without_the_flag(self):
        self.write("Tiltfile", """
            ci_settings(timeout='1s')
            local_resource('slow', serve_cmd='sleep 30',
                           readiness_probe=probe(period_secs=1, exec=exec_action(['false'])))
        """)
        r = self.ci()
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("Timeout after 1s", r.stderr)

    def test_a_tiltfile_error_fails_ci_with_the_backtrace(self):
        self.write("Tiltfile", "local_resource('a', cmd='true')\nfail('boom')\n")
        r = self.ci()
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertRegex(r.stderr, r"Tiltfile:2:\d+: in <toplevel>")
        self.assertIn("Error in fail: boom", r.stderr)

    def test_readiness_probes_of_each_kind(self):
        http_port, tcp_port = free_port(), free_port()
        self.write("tcp_server.py", """
            import socket, sys, time
            s = socket.socket()
            s.bind(("127.0.0.1", int(sys.argv[1])))
            s.listen()
            time.sleep(60)
        """)
        self.write("Tiltfile", """
            local_resource('web', serve_cmd='python3 -m http.server {http} --bind 127.0.0.1',
                           readiness_probe=probe(period_secs=1,
                                                 http_get=http_get_action(port={http})))
            local_resource('tcp', serve_cmd='python3 tcp_server.py {tcp}',
                           readiness_probe=probe(period_secs=1,
                                                 tcp_socket=tcp_socket_action(port={tcp})))
            local_resource('marker', serve_cmd='sleep 0.5 && touch ready.marker && sleep 60',
                           readiness_probe=probe(period_secs=1,
                                                 exec=exec_action(['test', '-f', 'ready.marker'])))
            local_resource('after', cmd='touch after.done', resource_deps=['web', 'tcp', 'marker'])
        """.format(http=http_port, tcp=tcp_port))
        r = self.ci()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIsNotNone(self.read("after.done"))

    def test_no_process_outlives_ci(self):
        self.write("Tiltfile", """
            local_resource('server', serve_cmd='sleep 1000 & echo $! > child.pid; echo $$ > sh.pid; wait',
                           readiness_probe=probe(period_secs=1,
                                                 exec=exec_action(['test', '-s', 'sh.pid'])))
            local_resource('job', cmd='test -s child.pid', resource_deps=['server'])
        """)
        r = self.ci()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        for name in ("child.pid", "sh.pid"):
            pid = int(self.read(name))
            wait_for(lambda: not alive(pid), name + " to exit", timeout=10)


class BundledExample(EngineTestCase):
    def test_the_readmes_local_example_passes_ci(self):
        example = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                               "examples", "local")
        shutil.copytree(example, os.path.join(self.dir, "local"))
        r = subprocess.run([SLANT, "ci", "--port", "0", "-f", "local/Tiltfile", "--",
                            "--port", str(free_port())], cwd=self.dir, env=self.env,
                           capture_output=True, text=True, timeout=WAIT * 2)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertRegex(r.stdout, r"(?m)^   smoke-test │ Running cmd: python3")
        self.assertIn("SUCCESS. All workloads are healthy.", r.stdout)


class Up(EngineTestCase):
    def test_a_file_edit_reruns_the_cmd_and_restarts_the_serve_cmd(self):
        self.write("src/input.txt", "v1\n")
        self.write("Tiltfile", """
            local_resource('app', cmd='cp src/input.txt built.txt && echo built >> builds.log',
                           serve_cmd='echo $$ >> serves.log; exec sleep 1000', deps=['src'])
        """)
        p = self.up()
        wait_for(lambda: (self.read("serves.log") or "").count("\n") == 1, "the first serve")
        first_serve = int(self.read("serves.log").split()[0])
        self.write("src/input.txt", "v2\n")
        wait_for(lambda: self.read("built.txt") == "v2\n", "the rebuild")
        wait_for(lambda: (self.read("serves.log") or "").count("\n") == 2, "the restart")
        wait_for(lambda: not alive(first_serve), "the old serve_cmd to stop")
        self.assertEqual(self.read("builds.log"), "built\nbuilt\n")
        app = self.resource("app")
        self.assertEqual(app["build_history"][0]["reason"], "Changed Files")
        self.assertEqual(app["build_history"][0]["edits"], [self.path("src/input.txt")])
        self.stop(p)

    def test_a_broken_tiltfile_edit_keeps_the_last_good_state(self):
        self.write("Tiltfile", """
            local_resource('server', serve_cmd='echo $$ > server.pid; exec sleep 1000')
        """)
        p = self.up()
        pid = int(wait_for(lambda: self.read("server.pid"), "the server"))
        self.write("Tiltfile", "local_resource('server', serve_cmd=\n")
        tf = wait_for(lambda: (lambda r: r if r.get("update_status") == "error" else None)(
            self.resource("(Tiltfile)")), "the Tiltfile error")
        self.assertRegex(tf["error"], r"Tiltfile:\d+:\d+: ")
        self.assertTrue(alive(pid))
        self.assertEqual(self.resource("server")["runtime_status"], "ok")
        # Fixing it keeps the unchanged resource running without a restart.
        self.write("Tiltfile", """
            local_resource('server', serve_cmd='echo $$ > server.pid; exec sleep 1000')
        """)
        wait_for(lambda: self.resource("(Tiltfile)")["update_status"] == "ok" and
                 self.resource("(Tiltfile)")["build_history"][0]["error"] == "", "the fix")
        self.assertEqual(int(self.read("server.pid")), pid)
        self.stop(p)

    def test_trigger_runs_a_manual_resource(self):
        self.write("Tiltfile", """
            local_resource('button', cmd='echo pressed >> pressed.log', auto_init=False,
                           trigger_mode=TRIGGER_MODE_MANUAL)
            local_resource('other', cmd='true')
        """)
        p = self.up()
        wait_for(lambda: self.resource("other").get("update_status") == "ok", "other")
        self.assertIsNone(self.read("pressed.log"))
        r = self.client("trigger", "button")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        wait_for(lambda: self.read("pressed.log") == "pressed\n", "the triggered cmd")
        r = self.client("trigger", "nope")
        self.assertEqual(r.returncode, 1)
        self.assertIn('no such resource "nope"', r.stderr)
        self.stop(p)

    def test_in_a_terminal_up_shows_the_prompt_and_s_streams_logs(self):
        self.write("Tiltfile", "local_resource('hello', cmd='echo hello from the cmd')\n")
        port = free_port()
        pid, fd = pty.fork()
        if pid == 0:
            os.chdir(self.dir)
            os.environ.update(self.env)
            os.execv(SLANT, [SLANT, "up", "--port", str(port)])
        term = e2e_util.PtyOutput(fd)
        try:
            self.assertTrue(term.read_until(b"(ctrl-c) to exit", WAIT), term.out)
            self.assertIn(b"slant started on http://127.0.0.1:%d/" % port, term.out)
            self.assertIn(b"(s) to stream logs", term.out)
            self.assertNotIn(b"hello from the cmd", term.out)
            os.write(fd, b"s")
            # Streaming replays the log so far, then follows it.
            self.assertTrue(term.read_until(b"hello \xe2\x94\x82 hello from the cmd", WAIT),
                            term.out)
            os.write(fd, b"\x03")  # Ctrl-C: the terminal sends SIGINT
            code = term.wait_exit(pid, WAIT)
            if code is None:
                self.fail("slant up did not exit on Ctrl-C: %r" % term.out)
            self.assertEqual(code, 0)
        finally:
            os.close(fd)

    def test_a_busy_port_is_a_clear_error(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            s.listen()
            port = s.getsockname()[1]
            self.write("Tiltfile", "local_resource('a', cmd='true')\n")
            r = subprocess.run([SLANT, "up", "--port", str(port)], cwd=self.dir, env=self.env,
                               capture_output=True, text=True, timeout=WAIT)
        self.assertEqual(r.returncode, 1)
        self.assertIn("port %d is already in use" % port, r.stderr)
        self.assertIn("--port", r.stderr)

    def test_no_process_outlives_sigint(self):
        self.write("Tiltfile", """
            local_resource('server', serve_cmd='sleep 1000 & echo $! > child.pid; echo $$ > sh.pid; wait')
        """)
        p = self.up()
        wait_for(lambda: self.read("child.pid") and self.read("sh.pid"), "the server")
        pids = [int(self.read("child.pid")), int(self.read("sh.pid"))]
        self.stop(p, signal.SIGINT)
        self.assertEqual(p.returncode, 0)
        for pid in pids:
            wait_for(lambda: not alive(pid), "pid %d to exit" % pid, timeout=10)

    def test_no_process_outlives_sigkill(self):
        self.write("Tiltfile", """
            local_resource('server', serve_cmd='sleep 1000 & echo $! > child.pid; echo $$ > sh.pid; wait')
        """)
        p = self.up()
        wait_for(lambda: self.read("child.pid") and self.read("sh.pid"), "the server")
        pids = [int(self.read("child.pid")), int(self.read("sh.pid"))]
        p.kill()
        p.wait()
        for pid in pids:
            wait_for(lambda: not alive(pid), "pid %d to exit" % pid, timeout=10)


if __name__ == "__main__":
    SLANT = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
