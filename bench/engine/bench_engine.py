#!/usr/bin/env python3
"""Engine benchmarks of the real slant binary (docs/performance.md, "Engine").

  startup  500 local resources: time from spawning `slant up` until the Tiltfile has executed,
           the HTTP API answers and the first command has started; slant's resident memory
           once all 500 serve_cmds run.
  idle     a local_resource whose deps cover a tree of N files: slant's CPU time over a quiet
           minute (utime+stime from /proc), and its resident memory.
  edit     write-to-command-start latency: a cmd that records its start time, a file in a tree
           of N files edited; p50/p95 over the runs, minus nothing (the debounce is included).

Usage: bench_engine.py SLANT [startup|idle|edit ...] [--files N] [--runs N] [--idle-seconds S]
Prints Markdown rows; ends with nothing else on stdout.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().split(") ")[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def view(port):
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d/api/view" % port, timeout=2) as r:
            return json.load(r)
    except OSError:
        return None


def wait(pred, timeout=120, step=0.001):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(step)
    raise SystemExit("timed out")


class Slant:
    def __init__(self, binary, cwd, *args):
        self.port = free_port()
        self.t0 = time.time()
        self.p = subprocess.Popen([binary, "up", "--stream", "--port", str(self.port), *args],
                                  cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop(self):
        self.p.send_signal(signal.SIGINT)
        try:
            self.p.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()


def make_tree(root, files):
    per_dir = 100
    for i in range(files):
        d = os.path.join(root, "d%03d" % (i // per_dir // 100), "e%03d" % (i // per_dir % 100))
        if i % per_dir == 0:
            os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "f%d.txt" % i), "w") as f:
            f.write("x")


def bench_startup(binary, n=500):
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "Tiltfile"), "w") as f:
            for i in range(n):
                f.write("local_resource('r%d', serve_cmd='echo started > started.%d; "
                        "exec sleep 1000', allow_parallel=True)\n" % (i, i))
            f.write("update_settings(max_parallel_updates=%d)\n" % n)
        s = Slant(binary, tmp)
        served = None
        loaded = None
        try:
            # The API is polled; the commands' start times are their files' mtimes, so that a
            # poll blocked behind the busy loop does not delay what is measured.
            while served is None or loaded is None:
                v = view(s.port)
                now = time.time()
                if v is not None and served is None:
                    served = now
                if v is not None and len(v["resources"]) == n + 1:
                    loaded = now
                if time.time() - s.t0 > 120:
                    raise SystemExit("timed out")
                time.sleep(0.002)
            started = lambda: [os.stat(os.path.join(tmp, e)).st_mtime
                               for e in os.listdir(tmp) if e.startswith("started.")]
            wait(lambda: len(started()) == n, step=0.01)
            first_cmd, all_started = min(started()), max(started())
            time.sleep(1)
            rss = rss_mb(s.p.pid)
        finally:
            s.stop()
        t = lambda x: "%.0f ms" % ((x - s.t0) * 1000)
        # The first command can only start after the Tiltfile executed, so its time bounds
        # both; the API poll that sees all resources may wait behind the loop's start burst.
        print("| startup, %d local resources | API answers %s; Tiltfile executed and first "
              "command started %s; all %d started %s; API showed all %s | RSS %.1f MB |"
              % (n, t(served), t(first_cmd), n, t(all_started), t(loaded), rss))


def bench_idle(binary, files, seconds):
    with tempfile.TemporaryDirectory() as tmp:
        make_tree(os.path.join(tmp, "src"), files)
        with open(os.path.join(tmp, "Tiltfile"), "w") as f:
            f.write("local_resource('app', cmd='true', deps=['src'])\n")
        s = Slant(binary, tmp)
        try:
            wait(lambda: (lambda v: v and v["resources"][-1]["update_status"] == "ok")(
                view(s.port)), step=0.05)
            setup = time.time() - s.t0
            time.sleep(2)
            c0 = cpu_seconds(s.p.pid)
            time.sleep(seconds)
            c1 = cpu_seconds(s.p.pid)
            rss = rss_mb(s.p.pid)
        finally:
            s.stop()
        print("| idle, %d files watched | ready after %.2f s; CPU over %d s idle: %.2f s "
              "| RSS %.1f MB |" % (files, setup, seconds, c1 - c0, rss))


def bench_edit(binary, files, runs):
    with tempfile.TemporaryDirectory() as tmp:
        make_tree(os.path.join(tmp, "src"), files)
        stamp = os.path.join(tmp, "stamps")
        with open(os.path.join(tmp, "Tiltfile"), "w") as f:
            f.write("local_resource('app', cmd='date +%%s.%%N >> %s', deps=['src'])\n" % stamp)
        s = Slant(binary, tmp)
        lat = []
        try:
            count = lambda: len(open(stamp).read().split()) if os.path.exists(stamp) else 0
            wait(lambda: count() == 1, step=0.01)
            target = os.path.join(tmp, "src", "d000", "e000", "f0.txt")
            for i in range(runs):
                time.sleep(0.5)
                before = count()
                t = time.time()
                with open(target, "w") as f:
                    f.write(str(i))
                wait(lambda: count() > before, step=0.001)
                started = float(open(stamp).read().split()[-1])
                lat.append((started - t) * 1000)
        finally:
            s.stop()
        lat.sort()
        p95 = lat[min(len(lat) - 1, int(len(lat) * 0.95))]
        print("| edit to command start, %d files | p50 %.0f ms, p95 %.0f ms over %d edits "
              "(the 50 ms debounce included) | |" % (files, statistics.median(lat), p95, runs))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("slant")
    ap.add_argument("what", nargs="*", default=["startup", "idle", "edit"])
    ap.add_argument("--files", type=int, action="append")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--idle-seconds", type=int, default=60)
    a = ap.parse_args()
    files = a.files or [10_000, 200_000]
    binary = os.path.abspath(a.slant)
    print("| scenario | result | memory |")
    print("|---|---|---|")
    for w in a.what:
        if w == "startup":
            bench_startup(binary)
        elif w == "idle":
            for n in files:
                bench_idle(binary, n, a.idle_seconds)
        elif w == "edit":
            for n in files:
                bench_edit(binary, n, a.runs)


if __name__ == "__main__":
    main()
