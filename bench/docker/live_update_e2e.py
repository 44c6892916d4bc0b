#!/usr/bin/env python3
"""Live update end to end, through the real `slant up`: the time from a file write to the file
being present in the running Compose container, with slant's default debounce (50 ms).

A busybox httpd image (FROM scratch) runs under docker-compose with
`live_update=[sync('./www', '/www')]`. Each round writes www/index.html with a new marker, then
reads it back through the published port until the marker is served (httpd reads the file on
every request, so the first response with the marker is the moment the file is in the
container). Rounds are spaced by a second so that each is its own batch.

Usage: python3 bench/docker/live_update_e2e.py PATH_TO_SLANT [ROUNDS]   (needs a Docker engine:
scripts/docker.sh start). Prints p50/p90/min/max in milliseconds."""

import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.read().decode()
    except OSError:
        return None


def main():
    slant = os.path.abspath(sys.argv[1])
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    work = tempfile.mkdtemp(prefix="slant-lu-bench-")
    project = "slantlubench%d" % os.getpid()
    image = "slant-bench/" + project
    http_port, api_port = free_port(), free_port()
    shutil.copy("/bin/busybox", os.path.join(work, "busybox"))
    os.makedirs(os.path.join(work, "www"))
    files = {
        "Dockerfile": """
            FROM scratch
            COPY busybox /bin/busybox
            RUN ["/bin/busybox", "--install", "-s", "/bin"]
            COPY www /www
            CMD ["httpd", "-f", "-p", "8000", "-h", "/www"]
        """,
        "www/index.html": "start\n",
        "docker-compose.yml": """
            services:
              web:
                image: %s
                ports: ["127.0.0.1:%d:8000"]
        """ % (image, http_port),
        "Tiltfile": """
            docker_build('%s', '.', live_update=[sync('./www', '/www')])
            docker_compose('docker-compose.yml', project_name='%s')
        """ % (image, project),
    }
    for name, text in files.items():
        with open(os.path.join(work, name), "w") as f:
            f.write(textwrap.dedent(text).lstrip("\n"))
    env = dict(os.environ, SLANT_HOME=os.path.join(work, ".slant-home"))
    p = subprocess.Popen([slant, "up", "--stream", "--port", str(api_port)], cwd=work, env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = "http://127.0.0.1:%d/index.html" % http_port
    samples = []
    try:
        deadline = time.time() + 120
        while get(url) != "start\n":
            if time.time() > deadline:
                raise SystemExit("the service did not come up")
            time.sleep(0.1)
        time.sleep(1)
        for i in range(rounds):
            marker = "round %d\n" % i
            t0 = time.monotonic()
            with open(os.path.join(work, "www/index.html"), "w") as f:
                f.write(marker)
            while get(url) != marker:
                if time.monotonic() - t0 > 30:
                    raise SystemExit("round %d: the edit never reached the container" % i)
                time.sleep(0.002)
            samples.append((time.monotonic() - t0) * 1000)
            time.sleep(1)
        view = json.load(urllib.request.urlopen("http://127.0.0.1:%d/api/view" % api_port))
        web = [r for r in view["resources"] if r["name"] == "web"][0]
        errors = [b["error"] for b in web["build_history"] if b["error"]]
        if errors:
            raise SystemExit("live updates failed: %s" % errors[:3])
    finally:
        p.terminate()
        p.wait()
        subprocess.run([slant, "down"], cwd=work, env=env, capture_output=True)
        subprocess.run(["docker", "image", "rm", "-f"] +
                       subprocess.run(["docker", "images", "-q", image], capture_output=True,
                                      text=True).stdout.split(), capture_output=True)
        shutil.rmtree(work, ignore_errors=True)
    samples.sort()
    print("live update, file write -> served from the container, %d rounds: "
          "p50 %.0f ms, p90 %.0f ms, min %.0f ms, max %.0f ms" %
          (len(samples), statistics.median(samples), samples[int(len(samples) * 0.9) - 1],
           samples[0], samples[-1]))


if __name__ == "__main__":
    main()
