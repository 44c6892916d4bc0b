#!/usr/bin/env python3
"""End-to-end tests of the slant binary's command line (version, starlark run, starlark repl,
alpha tiltfile-result, check).

Usage: cli_test.py PATH_TO_SLANT   (ctest passes the built binary)."""

import json
import os
import pty
import subprocess
import sys
import tempfile
import time
import unittest

import e2e_util

SLANT = None
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(*args, stdin=None, cwd=None, env=None):
    return subprocess.run([SLANT, *args], input=stdin, capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=60)


class Version(unittest.TestCase):
    def test_version_prints_the_version(self):
        r = run("version")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"^slant \d+\.\d+\.\d+\n$")

    def test_help_lists_only_working_commands(self):
        r = run("--help")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("version", r.stdout)
        self.assertIn("starlark", r.stdout)
        self.assertIn("check", r.stdout)
        self.assertIn("alpha", r.stdout)
        for command in ("up", "ci", "down", "get", "trigger", "logs"):
            self.assertRegex(r.stdout, r"\n\s+%s\s" % command)


class StarlarkRun(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.dir.cleanup()

    def write(self, name, text):
        path = os.path.join(self.dir.name, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def test_bundled_example_prints_its_summary(self):
        r = run("starlark", "run", os.path.join(ROOT, "examples/starlark/services.star"))
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        self.assertEqual(lines[0], "objects: 5 Deployment, 5 Service")
        self.assertEqual(lines[1], "start order: postgres -> redis -> api -> prometheus -> grafana")
        self.assertEqual(lines[2], "api (example/api): port 8080, tier backend")
        self.assertEqual(lines[-1],
                         '{"labels":{"app.kubernetes.io/name":"api","tier":"backend"},"name":"api"}')

    def test_runs_several_files_in_order_with_load(self):
        self.write("lib.star", "def double(x):\n    return 2 * x\n")
        a = self.write("a.star", 'load("lib.star", "double")\nprint("a", double(21))\n')
        b = self.write("b.star", 'print("b", struct(x = 1).x)\n')
        r = run("starlark", "run", a, b)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "a 42\nb 1\n")

    def test_runtime_error_prints_backtrace_and_exits_1(self):
        path = self.write("bad.star", "def f(x):\n    return x[3]\n\nprint('before')\nf([1])\n")
        r = run("starlark", "run", path)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stdout, "before\n")
        self.assertIn("Traceback (most recent call last):", r.stderr)
        self.assertIn("%s:5:2: in <toplevel>" % path, r.stderr)
        self.assertIn("%s:2:13: in f" % path, r.stderr)
        self.assertIn("Error: list index 3 out of range [-1:0]", r.stderr)

    def test_syntax_error_names_file_line_and_column(self):
        path = self.write("syntax.star", "x = 1\ny = (2,\n")
        r = run("starlark", "run", path)
        self.assertEqual(r.returncode, 1)
        self.assertRegex(r.stderr, "^%s:3:1: " % path)

    def test_missing_file_is_a_clear_error(self):
        r = run("starlark", "run", os.path.join(self.dir.name, "nope.star"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("nope.star", r.stderr)

    def test_sets_have_the_methods_of_tilts_starlark(self):
        path = self.write("sets.star", """s = set([1, 2, 3])
s.add(4)
s.discard(9)
s.remove(1)
print(sorted(s), s.union([5], (6,)), s.intersection([2, 3, 9]), s.difference([2]))
print(s.issubset([2, 3, 4, 5]), s.issuperset([2]), s.symmetric_difference([4, 5]), s.pop(), s)
s.clear()
print(s)
s.remove(1)
""")
        r = run("starlark", "run", path)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stdout, "[2, 3, 4] set([2, 3, 4, 5, 6]) set([2, 3]) set([3, 4])\n"
                                   "True True set([2, 3, 5]) 2 set([3, 4])\nset([])\n")
        self.assertIn("Error in remove: remove: missing key", r.stderr)

    def test_fail_exits_1_with_the_message(self):
        path = self.write("fail.star", 'fail("broken", 42)\n')
        r = run("starlark", "run", path)
        self.assertEqual(r.returncode, 1)
        self.assertIn("broken 42", r.stderr)


class StarlarkRepl(unittest.TestCase):
    def test_piped_input_evaluates_expressions_and_blocks(self):
        src = "x = 1 + 2\nx\ndef f(n):\n    return n * x\n\nf(5)\n[1,\n 2]\nundefined_name\n'still alive'\n"
        r = run("starlark", "repl", stdin=src)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, '3\n15\n[1, 2]\n"still alive"\n')
        self.assertIn("undefined: undefined_name", r.stderr)

    def test_terminal_prompt_edits_lines_and_keeps_history(self):
        home = tempfile.TemporaryDirectory()
        pid, fd = pty.fork()
        if pid == 0:
            os.environ["HOME"] = home.name
            os.execv(SLANT, [SLANT, "starlark", "repl"])
        term = e2e_util.PtyOutput(fd)
        try:
            self.assertTrue(term.read_until(b">>> ", 20), term.out)
            time.sleep(0.5)
            # Type "40 + 3", erase the 3 with backspace, type 2: line editing at work.
            os.write(fd, b"40 + 3\x7f2\r")
            self.assertTrue(term.read_until(b"42\r\n>>> ", 20), term.out)
            # libedit flushes type-ahead when it puts the terminal in raw mode after printing
            # the prompt, so give it a moment before typing, as a person would.
            time.sleep(0.5)
            os.write(fd, b"\x04")  # end of input at an empty prompt
            code = term.wait_exit(pid, 30)
            if code is None:
                self.fail("the prompt did not exit at end of input: %r" % term.out)
            self.assertEqual(code, 0)
        finally:
            os.close(fd)
        with open(os.path.join(home.name, ".cache/slant/starlark_history")) as f:
            # libedit's history file escapes spaces as \040.
            self.assertIn("40 + 2", f.read().replace("\\040", " "))
        home.cleanup()


class TiltfileResult(unittest.TestCase):
    EXAMPLE = os.path.join(ROOT, "examples/tiltfile/Tiltfile")

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.dir.cleanup()

    def write(self, name, text):
        path = os.path.join(self.dir.name, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        return path

    def result(self, *args, cwd=None):
        r = run("alpha", "tiltfile-result", *args, cwd=cwd)
        return r, json.loads(r.stdout)

    def test_bundled_example_prints_the_model(self):
        r, model = self.result("-f", self.EXAMPLE)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIsNone(model["error"])
        names = [res["name"] for res in model["resources"]]
        self.assertEqual(names, ["postgres", "redis", "api", "migrate", "worker", "uncategorized"])
        api = model["resources"][2]
        self.assertEqual(api["type"], "k8s")
        self.assertEqual(api["image_refs"], ["example/api"])
        self.assertEqual(api["resource_deps"], ["postgres", "redis"])
        # Objects are in apply order (Tilt sorts Services before workloads).
        self.assertEqual([o["kind"] for o in api["k8s_objects"]], ["Service", "Deployment"])
        self.assertEqual(api["port_forwards"][0]["local_port"], 8080)
        self.assertEqual(api["links"][1]["url"], "http://localhost:8080/metrics")
        migrate = model["resources"][3]
        self.assertEqual(migrate["local"]["cmd"], ["sh", "-c", "echo migrating"])
        self.assertEqual(migrate["trigger_mode"], "manual")
        self.assertFalse(migrate["auto_init"])
        image = model["images"][0]
        self.assertEqual(image["dockerfile"],
                         os.path.join(ROOT, "examples/tiltfile/api/Dockerfile"))
        self.assertEqual([s["kind"] for s in image["live_update"]],
                         ["fall_back_on", "sync", "run"])
        self.assertEqual(model["settings"]["max_parallel_updates"], 2)
        self.assertEqual(model["enabled_resources"], names)
        self.assertIn(os.path.join(ROOT, "examples/tiltfile/lib/helpers.star"),
                      model["config_files"])

    def test_arguments_after_double_dash_reach_config_parse(self):
        r, model = self.result("-f", self.EXAMPLE, "--", "--only-db")
        self.assertEqual(r.returncode, 0, r.stderr)
        # As in Tilt, uncategorized objects are always enabled.
        self.assertEqual(model["enabled_resources"], ["postgres", "redis", "uncategorized"])

    def test_print_goes_to_stderr_and_json_alone_to_stdout(self):
        self.write("Tiltfile", "print('hello from the Tiltfile')\n")
        r, model = self.result(cwd=self.dir.name)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("hello from the Tiltfile", r.stderr)
        self.assertEqual(model["resources"], [])

    def test_an_error_exits_1_with_the_backtrace_and_keeps_config_files(self):
        tf = self.write("Tiltfile", "load('lib.star', 'f')\nf()\n")
        lib = self.write("lib.star", "def f():\n    fail('no cluster')\n")
        r, model = self.result("-f", tf)
        self.assertEqual(r.returncode, 1)
        self.assertIn("Error in fail: no cluster", r.stderr)
        self.assertIn(tf + ":2:2: in <toplevel>", model["error"])
        self.assertIn(lib + ":2:9: in f", model["error"])
        self.assertEqual(model["config_files"], [tf, lib])


class Check(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.dir.cleanup()

    def write(self, name, text):
        path = os.path.join(self.dir.name, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        return path

    def test_reports_unknown_keywords_and_undefined_names_with_positions(self):
        self.write("Tiltfile", "load('lib.star', 'names')\n"
                               "k8s_resource('api', prot_forwards=8000)\n"
                               "local_resource('build', cmd='make', dpes=['src'])\n"
                               "k8s_resouce('x')\n")
        self.write("lib.star", "names = []\n")
        r = run("check", cwd=self.dir.name)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(r.stdout,
                         'Tiltfile:2:21: unknown keyword argument "prot_forwards" for k8s_resource'
                         ' (did you mean "port_forwards"?)\n'
                         'Tiltfile:3:37: unknown keyword argument "dpes" for local_resource\n'
                         'Tiltfile:4:1: undefined: k8s_resouce (did you mean k8s_resource?)\n'
                         '3 problems found (2 files checked)\n')

    def test_bundled_example_is_clean(self):
        r = run("check", "-f", "examples/tiltfile/Tiltfile", cwd=ROOT)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(r.stdout, "no problems found (2 files checked)\n")

    def test_runs_nothing_and_reports_missing_extensions(self):
        self.write("T2", "local('touch ran')\n"
                         "load('ext://restart_process', 'docker_build_with_restart')\n")
        r = run("check", "-f", "T2", cwd=self.dir.name)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertRegex(r.stdout, r"(?m)^T2:2:6: cannot load ext://restart_process: "
                                   r"extension restart_process not found")
        self.assertFalse(os.path.exists(os.path.join(self.dir.name, "ran")))
        self.write("exts/restart_process/Tiltfile", "docker_build_with_restart = 1\n")
        r = run("check", "-f", "T2", "--extension-dir", "exts", cwd=self.dir.name)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_missing_tiltfile_is_a_clear_error(self):
        r = run("check", "-f", "nope/Tiltfile", cwd=self.dir.name)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stdout, "")
        self.assertEqual(r.stderr, "slant check: nope/Tiltfile: no such file "
                                   "(name another Tiltfile with -f FILE)\n")


if __name__ == "__main__":
    SLANT = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
