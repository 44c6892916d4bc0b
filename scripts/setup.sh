#!/usr/bin/env bash
# Installs everything slant needs on a fresh Debian machine, by package name. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  # toolchain
  g++ cmake ninja-build pkg-config git
  # libraries
  libgmp-dev libre2-dev libedit-dev libcli11-dev nlohmann-json3-dev libyaml-cpp-dev
  libboost1.81-dev
  # tests, fuzzing and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev clang-19 libfuzzer-19-dev libclang-rt-19-dev
  python3 golang-go golang-starlark-dev time
  # the Docker engine, Compose and a static busybox for FROM-scratch test images (issue 5)
  docker.io docker-compose busybox-static
  # the web UI's browser tests (issue 6): Debian's Chromium; playwright-core comes from npm below
  chromium chromium-driver
  # the Kubernetes test cluster (scripts/k8s-cluster.sh, issue 7)
  containerd runc containernetworking-plugins docker-registry openssl iptables curl iproute2 procps
)

# kubectl: Debian's kubernetes-client, unless a kubectl is already installed (it also provides
# `kubectl kustomize`, which kustomize() falls back to).
command -v kubectl >/dev/null || packages+=(kubernetes-client)
# Node.js and npm for the browser tests, from Debian unless the machine already has them.
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  echo "setup: installing ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}"
fi

# The browser tests' node modules (playwright-core, from the npm registry, by its lockfile). No
# browser is downloaded: the tests drive Debian's /usr/bin/chromium.
if [[ -f tests/ui/package-lock.json ]]; then
  (cd tests/ui && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
fi
