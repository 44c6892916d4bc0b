#!/usr/bin/env python3
"""End-to-end tests of Docker builds, Docker Compose services and live update: the real slant
binary, the real Docker engine (started by scripts/docker.sh through the ctest fixture) and
docker-compose, on a Tiltfile whose docker_build image (FROM scratch with Debian's static
busybox: nothing is pulled) is run by Compose with a healthcheck.

Usage: docker_test.py PATH_TO_SLANT   (ctest passes the built binary)."""

import json
import os
import shutil
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
WAIT = 120


def wait_for(predicate, what, timeout=WAIT):
    return e2e_util.wait_for(predicate, what, timeout)


def docker(*args, check=True):
    r = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=WAIT)
    if check and r.returncode != 0:
        raise AssertionError("docker %s failed: %s" % (" ".join(args), r.stderr))
    return r.stdout.strip()


class DockerTestCase(unittest.TestCase):
    """A temp project: a busybox httpd image built by docker_build and run by Compose."""

    def setUp(self):
        if subprocess.run(["docker", "info"], capture_output=True).returncode != 0:
            self.fail("no Docker engine answers: run scripts/docker.sh start (ctest's docker "
                      "fixture does)")
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        # Unique per test: the Compose project, the image and the published port.
        self.project = "slante2e%d%d" % (os.getpid(), int(time.time() * 1000) % 100000)
        self.image = "slant-e2e/" + self.project
        self.http_port = free_port()
        self.env = dict(os.environ, SLANT_HOME=os.path.join(self.dir, ".slant-home"))
        self.procs = []
        shutil.copy("/bin/busybox", self.path("busybox"))
        self.write("Dockerfile", """
            FROM scratch
            COPY busybox /bin/busybox
            RUN ["/bin/busybox", "--install", "-s", "/bin"]
            COPY www /www
            CMD ["httpd", "-f", "-p", "8000", "-h", "/www"]
        """)
        self.write("www/index.html", "hello v1\n")
        self.write("docker-compose.yml", """
            services:
              web:
                image: %s
                ports:
                  - "127.0.0.1:%d:8000"
                healthcheck:
                  test: ["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1:8000/ || exit 1"]
                  interval: 1s
                  timeout: 2s
                  retries: 30
        """ % (self.image, self.http_port))
        self.write("Tiltfile", """
            docker_build('%s', '.', live_update=[sync('./www', '/www')])
            docker_compose('docker-compose.yml', project_name='%s')
        """ % (self.image, self.project))

    def tearDown(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        # Whatever a failed test left behind: the project's containers, networks and images.
        subprocess.run(["docker-compose", "-p", self.project, "-f", self.path("docker-compose.yml"),
                        "down", "-v", "--remove-orphans"], capture_output=True, cwd=self.dir)
        for c in self.containers(all_states=True):
            docker("rm", "-f", c, check=False)
        for tag in self.tags():
            docker("rmi", "-f", tag, check=False)
        self.tmp.cleanup()

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(textwrap.dedent(text).lstrip("\n"))
        return path

    def path(self, name):
        return os.path.join(self.dir, name)

    def containers(self, all_states=False):
        out = docker("ps", *(["-a"] if all_states else []), "-q", "--filter",
                     "label=com.docker.compose.project=" + self.project)
        return out.split()

    def tags(self):
        out = docker("images", "--format", "{{.Repository}}:{{.Tag}}", self.image)
        return [t for t in out.split() if not t.endswith(":<none>")]

    def slant(self, *args, timeout=WAIT * 2):
        return subprocess.run([SLANT, *args], cwd=self.dir, env=self.env, capture_output=True,
                              text=True, timeout=timeout)

    def ci(self):
        return self.slant("ci", "--port", "0")

    def down(self):
        r = self.slant("down")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return r

    def up(self):
        self.port = free_port()
        p = subprocess.Popen([SLANT, "up", "--stream", "--port", str(self.port)], cwd=self.dir,
                             env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True)
        self.procs.append(p)
        return p

    def resource(self, name):
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d/api/view" % self.port,
                                        timeout=5) as r:
                view = json.load(r)
        except OSError:
            return {}
        for res in view["resources"]:
            if res["name"] == name:
                return res
        return {}

    def in_container(self, *argv):
        ids = self.containers()
        if len(ids) != 1:
            return None
        r = subprocess.run(["docker", "exec", ids[0], *argv], capture_output=True, text=True,
                           timeout=WAIT)
        return r.stdout if r.returncode == 0 else None


class Ci(DockerTestCase):
    def test_ci_succeeds_when_the_service_is_healthy_and_down_removes_it(self):
        r = self.ci()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("SUCCESS. All workloads are healthy.", r.stdout)
        self.assertIn("Building Dockerfile: [%s]" % self.image, r.stdout)
        # The image is tagged by content and the service runs exactly that tag.
        tags = self.tags()
        self.assertEqual(len(tags), 1, tags)
        self.assertRegex(tags[0], r":tilt-[0-9a-f]{16}$")
        ids = self.containers()
        self.assertEqual(len(ids), 1)
        inspect = json.loads(docker("inspect", ids[0]))[0]
        self.assertEqual(inspect["Config"]["Image"], tags[0])
        self.assertEqual(inspect["State"]["Health"]["Status"], "healthy")
        with urllib.request.urlopen("http://127.0.0.1:%d/" % self.http_port, timeout=5) as resp:
            self.assertEqual(resp.read().decode(), "hello v1\n")

        # Nothing changed: the second run builds the same image ID, hence the same tag.
        r = self.ci()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(self.tags(), tags)

        self.down()
        self.assertEqual(self.containers(all_states=True), [])
        networks = docker("network", "ls", "-q", "--filter",
                          "label=com.docker.compose.project=" + self.project)
        self.assertEqual(networks, "")

    def test_ci_fails_when_the_build_fails_naming_the_step(self):
        self.write("Dockerfile", """
            FROM scratch
            COPY busybox /bin/busybox
            RUN ["/bin/busybox", "sh", "-c", "echo compiling; exit 3"]
        """)
        r = self.ci()
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("compiling", r.stdout)
        self.assertIn("exit 3", r.stdout + r.stderr)
        self.assertIn("Error:", r.stderr)
        self.assertEqual(self.containers(all_states=True), [])


class Up(DockerTestCase):
    def test_a_synced_edit_is_live_updated_and_other_edits_rebuild(self):
        p = self.up()
        wait_for(lambda: self.resource("web").get("ready"), "web to be ready")
        builds_before = len(self.resource("web")["build_history"])
        tags_before = self.tags()

        # An edit under sync('./www', '/www') reaches the container without a rebuild.
        self.write("www/index.html", "hello v2\n")
        wait_for(lambda: self.in_container("cat", "/www/index.html") == "hello v2\n",
                 "the edit inside the container")
        wait_for(lambda: len(self.resource("web")["build_history"]) == builds_before + 1,
                 "the live update to finish")
        self.assertEqual(self.resource("web")["build_history"][0]["error"], "")
        self.assertEqual(self.tags(), tags_before)
        container = self.containers()

        # An edit outside every sync rebuilds the image and recreates the container.
        self.write("Dockerfile", """
            FROM scratch
            COPY busybox /bin/busybox
            RUN ["/bin/busybox", "--install", "-s", "/bin"]
            COPY www /www
            ENV EDITED=1
            CMD ["httpd", "-f", "-p", "8000", "-h", "/www"]
        """)
        wait_for(lambda: len(self.tags()) == 2, "a second image tag")
        wait_for(lambda: self.containers() and self.containers() != container,
                 "a new container")
        wait_for(lambda: self.resource("web").get("ready"), "web to be ready again")
        self.assertEqual(self.in_container("sh", "-c", "echo $EDITED"), "1\n")
        p.terminate()
        out, _ = p.communicate(timeout=WAIT)
        self.assertIn("Will copy 1 file(s) to container", out)
        self.assertIn("Falling back to a full build", out)
        # As Tilt: the service keeps running after slant exits; down removes it.
        self.assertEqual(len(self.containers()), 1)
        self.down()
        self.assertEqual(self.containers(all_states=True), [])


if __name__ == "__main__":
    SLANT = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
